"""The build: read and check the sources, turn them into claims, check the shapes, write the outputs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset

from graph.shacl import check_shapes
from graph.triples import group_claims, quads, to_dataset
from graph.writers import write_build
from sources.load import load_sources
from sources.model import Corpus
from sources.problems import SourcesError


@dataclass
class Checked:
    corpus: Corpus
    dataset: Dataset


def check(sources: Path, texts: Path | None = None) -> Checked:
    """Everything `validate` does; raise SourcesError with every problem found."""
    corpus = load_sources(sources, texts)
    ds = to_dataset(quads(corpus))
    problems = check_shapes(ds, corpus)
    if problems:
        raise SourcesError(problems)
    return Checked(corpus, ds)


def counts(corpus: Corpus) -> dict:
    claims = group_claims(corpus.statements)
    return {
        "entities": len(corpus.entities),
        "documents": len(corpus.documents),
        "statements": len(corpus.statements),
        "claims": len(claims),
        "corroborated_claims": sum(1 for g in claims.values() if len({s.document for s in g}) > 1),
        "entities_by_type": dict(sorted(Counter(e.type for e in corpus.entities.values()).items())),
    }


def build(sources: Path, out: Path, texts: Path | None = None) -> dict:
    checked = check(sources, texts)
    return write_build(out, checked.dataset, counts(checked.corpus))
