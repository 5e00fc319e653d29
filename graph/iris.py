"""Stable IRIs: minted from canonical ids and hashed claim keys, never from counters or clocks."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from rdflib import URIRef

from ontology import BASE

CURATOR = URIRef(BASE + "agent/curator")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def entity(eid: str) -> URIRef:
    # Ids are checked to be [a-z0-9-]; quoting keeps an IRI safe even if that check is bypassed.
    return URIRef(BASE + "id/" + quote(eid, safe=""))


def document(did: str) -> URIRef:
    return URIRef(BASE + "doc/" + quote(did, safe=""))


# A claim's and a piece of evidence's IRIs end in a hex digest, so they need none of URIRef's checks: plain
# strings, made once per claim and per statement (millions in a large build).
def claim(key: tuple) -> str:
    return BASE + "claim/" + _digest(*map(str, key))


def evidence(key: tuple, did: str, quote_text: str) -> str:
    return BASE + "evidence/" + _digest(*map(str, key), did, quote_text)


def entity_id(iri) -> str | None:
    """The registry id behind an entity IRI, or None for any other IRI."""
    prefix = BASE + "id/"
    s = str(iri)
    return s[len(prefix):] if s.startswith(prefix) else None
