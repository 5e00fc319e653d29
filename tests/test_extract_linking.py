"""Linking a name qualified by a place's possessive to the registry's entity of that place."""

from __future__ import annotations

import extract_helpers as helpers
from sources.model import Entity

NORTIA = [
    Entity("nortia", "Place", "Nortia"),
    Entity("nortia-interior-ministry", "GovernmentBody", "Ministry of Interior of Nortia",
           ("Nortian Ministry of Interior",)),
]


def facts(text: str) -> set[tuple]:
    return helpers.facts(text, extra=tuple(NORTIA))


def test_a_place_s_body_is_that_place_s_entity_not_the_plain_one():
    found = facts("Nortia's Ministry of Interior accused the Free Party of plotting a coup.")
    assert ("free-party", "accusedBy", "nortia-interior-ministry") in found
    assert ("free-party", "accusedBy", "interior-ministry") not in found


def test_a_place_the_registry_has_no_body_of_keeps_the_plain_entity():
    assert ("free-party", "accusedBy", "interior-ministry") in facts(
        "Ostland's Ministry of Interior accused the Free Party of plotting a coup.")


def test_narrower_needs_every_word_of_the_name_and_the_place():
    registry = helpers.extractor(tuple(NORTIA)).registry
    assert registry.narrower("interior-ministry", "Nortia") == "nortia-interior-ministry"
    assert registry.narrower("interior-ministry", "Ostland") is None
    assert registry.narrower("city-court", "Nortia") is None  # no court of Nortia
