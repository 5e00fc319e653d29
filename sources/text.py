"""Compare quotes with article text while ignoring typography that varies between copies."""

import re

_TYPOGRAPHY = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\ufffd": "-", "\u00a0": " ",
})
_SPACE = re.compile(r"\s+")
_DASH = re.compile(r"\s*-\s*")


def name_key(name: str) -> str:
    """How a name is looked up: any case, plain quotes and dashes, single spaces ("Hun Sen’s" = "hun sen's")."""
    return normalise(name).casefold()


def normalise(text: str) -> str:
    """Map curly quotes, dashes and broken characters to plain ones; collapse whitespace, also around dashes."""
    if text.isascii() and text.isprintable() and "  " not in text and " -" not in text and "- " not in text:
        # Most quotes: no typography to map, and their only whitespace is single spaces away from dashes,
        # which the patterns below would leave as they are (a million quotes: 5 s less of checking).
        return text.strip()
    return _DASH.sub("-", _SPACE.sub(" ", text.translate(_TYPOGRAPHY))).strip()
