"""The build: read and check the sources, turn them into claims, check the shapes, write the outputs."""

from __future__ import annotations

import gc
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from graph.shacl import check_shapes
from graph.triples import group_claims, quads, to_dataset
from graph.writers import write_build
from sources.load import load_sources
from sources.model import Corpus
from sources.problems import SourcesError


SHACL_LIMIT = 20_000
"""Above this many statements pySHACL would take minutes (about 13 s per 10,000 statements); the loader's
own domain, range and datatype checks, derived from the same ontology as the shapes, still run."""


@contextmanager
def _no_cycle_collection():
    """Python's cycle collector rescans every live object as millions of statements are read, for
    garbage the build does not make: switched off, a 10^6-statement corpus loads in half the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check(sources: Path, texts: Path | None = None, shacl: bool | None = None) -> Corpus:
    """Everything `validate` does; raise SourcesError with every problem found.

    `shacl` None runs the SHACL shapes when the corpus has at most SHACL_LIMIT statements.
    """
    with _no_cycle_collection():
        corpus = load_sources(sources, texts)
    if shacl or (shacl is None and len(corpus.statements) <= SHACL_LIMIT):
        problems = check_shapes(to_dataset(quads(corpus)), corpus)
        if problems:
            raise SourcesError(problems)
    return corpus


def counts(corpus: Corpus, claims: dict | None = None) -> dict:
    claims = claims if claims is not None else group_claims(corpus.statements)
    return {
        "entities": len(corpus.entities),
        "documents": len(corpus.documents),
        "statements": len(corpus.statements),
        "claims": len(claims),
        "corroborated_claims": sum(1 for g in claims.values() if len({s.document for s in g}) > 1),
        # the nodes of the network (graph.network.project): entities at either end of a link between two;
        # a view can refuse a network too big to draw before it projects it
        "linked_entities": len({e for s in corpus.statements if s.object is not None for e in (s.subject, s.object)}),
        "entities_by_type": dict(sorted(Counter(e.type for e in corpus.entities.values()).items())),
    }


def build(sources: Path, out: Path, texts: Path | None = None, shacl: bool | None = None,
          progress: Callable[[str], None] | None = None) -> dict:
    """Check, then write the build; `progress` hears of each stage (a big corpus takes minutes)."""
    say = progress or (lambda message: None)
    start = time.perf_counter()
    corpus = check(sources, texts, shacl)
    say(f"checked {len(corpus.statements):,} statements in {len(corpus.documents):,} documents "
        f"({time.perf_counter() - start:.1f} s)")
    with _no_cycle_collection():
        claims = group_claims(corpus.statements)  # sorted once, for the counts and for the quads
        say(f"grouped them into {len(claims):,} claims; writing graph.nq, graph.trig, graph.ttl and the store "
            f"({time.perf_counter() - start:.1f} s)")
        stream, totals = quads(corpus, claims=claims), counts(corpus, claims)
        # The stream now holds the only references: a million statements are freed as its last quad is
        # written, while the store is still loading, rather than after it (about 3 s of one core).
        del corpus, claims
        return write_build(out, stream, totals)
