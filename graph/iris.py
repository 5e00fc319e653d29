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


def claim(key: tuple) -> URIRef:
    return URIRef(BASE + "claim/" + _digest(*map(str, key)))


def evidence(key: tuple, did: str, quote_text: str) -> URIRef:
    return URIRef(BASE + "evidence/" + _digest(*map(str, key), did, quote_text))


def entity_id(iri) -> str | None:
    """The registry id behind an entity IRI, or None for any other IRI."""
    prefix = BASE + "id/"
    s = str(iri)
    return s[len(prefix):] if s.startswith(prefix) else None
