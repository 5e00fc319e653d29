"""Shared set-up for the extraction tests: one spaCy pipeline per test process, a small registry."""

from __future__ import annotations

from functools import lru_cache

from sources.model import Entity, PartialDate

ENTITIES = [
    Entity("ana-lee", "Person", "Ana Lee", ("Ms. Lee",)),
    Entity("bo-chan", "Person", "Bo Chan"),
    Entity("free-party", "PoliticalParty", "Free Party", ("FP",)),
    Entity("city-court", "Court", "City Court"),
    Entity("high-court", "Court", "High Court"),
    Entity("watch-group", "NGO", "Watch Group"),
    Entity("human-rights-watch", "NGO", "Human Rights Watch"),
    Entity("interior-ministry", "GovernmentBody", "Ministry of Interior"),
    Entity("king-tan", "Person", "King Tan"),
    Entity("north-prison", "Prison", "North Prison"),
    Entity("paris", "Place", "Paris"),
    Entity("charge-plotting", "Charge", "plotting", ("plot",)),
    Entity("politics", "Activity", "political activity", ("politics",)),
    Entity("ana-lee-arrest-2020", "Arrest", "Arrest of Ana Lee"),
]
DAY = PartialDate("2020-01-10")  # a Friday


@lru_cache(maxsize=None)
def extractor(extra: tuple[Entity, ...] = ()):
    """Built once per test process and registry: loading the English pipeline is the slow part. `extra`
    adds entities a test file needs to the shared registry."""
    from graph.extract.pipeline import Extractor

    return Extractor({e.id: e for e in ENTITIES + list(extra)})


def facts(text: str, date=DAY, min_confidence: float = 0.0, extra: tuple[Entity, ...] = ()) -> set[tuple]:
    result = extractor(extra).extract(text, date, min_confidence=min_confidence)
    return {(c.subject, c.predicate, c.object if c.object is not None else c.value) for c in result.candidates}
