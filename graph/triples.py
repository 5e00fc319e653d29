"""Turn a Corpus into RDF quads: one named graph per claim, provenance and registry in the default graph.

Terms are strings in N-Triples syntax and quads come in a canonical order (entities and documents by id,
claims by key, evidence by document), so writers can stream them and the output never depends on the
order of the input. Building rdflib terms for millions of statements would cost minutes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import PurePath

from rdflib import Dataset

from graph import iris
from ontology import BASE, NS
from ontology.schema import Schema, load_schema
from sources.model import Corpus, PartialDate, Statement
from sources.text import name_key

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"

PREFIXES = {
    "dcterms": DCTERMS, "owl": "http://www.w3.org/2002/07/owl#", "prov": PROV,
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "rg": NS, "rgclaim": BASE + "claim/",
    "rgdoc": BASE + "doc/", "rgev": BASE + "evidence/", "rgid": BASE + "id/", "schema": "https://schema.org/",
    "skos": SKOS, "wd": "http://www.wikidata.org/entity/", "xsd": XSD,
}

Quad = tuple  # (subject, predicate, object, graph or None for the default graph), each in N-Triples syntax

_DATE_TYPES = {"year": "gYear", "month": "gYearMonth", "day": "date"}
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ESCAPES.update({chr(c): f"\\u{c:04X}" for c in range(32) if chr(c) not in _ESCAPES})
_ESCAPES[chr(127)] = "\\u007F"
_NEEDS_ESCAPE = str.maketrans(_ESCAPES)


def iri(value: str) -> str:
    return f"<{value}>"


def rg(name: str) -> str:
    return f"<{NS}{name}>"


def literal(text: str, datatype: str | None = None, lang: str | None = None) -> str:
    body = '"' + str(text).translate(_NEEDS_ESCAPE) + '"'
    if lang:
        return f"{body}@{lang}"
    if datatype and datatype != XSD + "string":
        return f"{body}^^<{datatype}>"
    return body


def date_literal(d: PartialDate) -> str:
    return literal(d.text, XSD + _DATE_TYPES[d.precision])


@lru_cache(maxsize=4096)  # support counts and line numbers: a few thousand values over millions of quads
def integer(n: int) -> str:
    return literal(str(n), XSD + "integer")


@lru_cache(maxsize=4096)
def _confidence(x: float) -> str:
    return literal(f"{x:.2f}", XSD + "decimal")


def group_claims(statements: Iterable[Statement]) -> dict[tuple, list[Statement]]:
    """Statements of the same fact, from any number of documents, become one claim."""
    claims: dict[tuple, list[Statement]] = defaultdict(list)
    for s in statements:
        claims[s.claim_key()].append(s)
    return dict(sorted(claims.items()))


def quads(corpus: Corpus, schema: Schema | None = None, claims: dict | None = None) -> Iterator[Quad]:
    """Every quad of the corpus; `claims` is group_claims(corpus.statements) when the caller has it."""
    schema = schema or load_schema()
    yield from _registry(corpus)
    yield from _documents(corpus)
    curator = iri(iris.CURATOR)
    yield (curator, RDF_TYPE, rg("Curator"), None)
    yield (curator, RDFS_LABEL, literal("rightsgraph curators"), None)
    terms = _Terms(corpus, schema)
    for key, group in (claims if claims is not None else group_claims(corpus.statements)).items():
        yield from _claim(key, group, terms)


def _registry(corpus: Corpus) -> Iterator[Quad]:
    for eid in sorted(corpus.entities):
        e = corpus.entities[eid]
        s = iri(iris.entity(e.id))
        yield (s, RDF_TYPE, rg(e.type), None)
        yield (s, RDFS_LABEL, literal(e.name), None)
        for alias in e.aliases:
            yield (s, f"<{SKOS}altLabel>", literal(alias), None)
        for key in sorted({name_key(n) for n in (e.name, *e.aliases)}):
            yield (s, rg("nameKey"), literal(key), None)
        if e.name_km:
            yield (s, f"<{SKOS}prefLabel>", literal(e.name_km, lang="km"), None)
        if e.wikidata:
            yield (s, "<http://www.w3.org/2002/07/owl#sameAs>", iri(PREFIXES["wd"] + e.wikidata), None)
        if e.note:
            yield (s, f"<{SKOS}note>", literal(e.note), None)


def _documents(corpus: Corpus) -> Iterator[Quad]:
    for did in sorted(corpus.documents):
        d = corpus.documents[did]
        s = iri(iris.document(d.id))
        yield (s, RDF_TYPE, rg(d.kind), None)
        yield (s, f"<{DCTERMS}identifier>", literal(d.id), None)
        yield (s, f"<{DCTERMS}title>", literal(d.title), None)
        yield (s, rg("publishedBy"), iri(iris.entity(d.publisher)), None)
        yield (s, f"<{DCTERMS}date>", date_literal(d.date), None)
        yield (s, rg("datePrecision"), literal(d.date.precision), None)
        if d.date_basis:
            yield (s, rg("dateBasis"), literal(d.date_basis), None)
        if d.url:
            yield (s, "<https://schema.org/url>", literal(d.url, XSD + "anyURI"), None)
        if d.text:
            yield (s, rg("textFile"), literal(d.text), None)
        # Every statement of a document is recorded in the document's own file: said once, here.
        yield (s, rg("sourceFile"), literal("documents/" + PurePath(d.location.path).name), None)


class _Terms:
    """Each entity's, document's and date's term made once: a million claims name the same few."""

    def __init__(self, corpus: Corpus, schema: Schema):
        self.schema = schema
        self.entity = {eid: iri(iris.entity(eid)) for eid in corpus.entities}
        self.document = {did: iri(iris.document(did)) for did in corpus.documents}
        self.events = {eid for eid, e in corpus.entities.items() if schema.is_a(e.type, "Event")}
        self.dates: dict[PartialDate, str] = {}

    def date(self, d: PartialDate) -> str:
        found = self.dates.get(d)
        if found is None:
            found = self.dates[d] = date_literal(d)
        return found


_CLAIM, _SUPPORT, _ROLE, _ACCORDING = rg("Claim"), rg("supportCount"), rg("role"), rg("accordingTo")
_DATE, _EVIDENCE, _EVIDENCE_CLASS, _QUOTE = rg("date"), rg("evidence"), rg("Evidence"), rg("quote")
_CONFIDENCE, _LINE, _PRECISION = rg("confidence"), rg("sourceLine"), rg("datePrecision")
_DERIVED, _ATTRIBUTED = f"<{PROV}wasDerivedFrom>", f"<{PROV}wasAttributedTo>"
_CURATOR = iri(iris.CURATOR)


def _claim(key: tuple, group: list[Statement], terms: _Terms) -> Iterator[Quad]:
    first = group[0]
    c = iri(iris.claim(key))
    relation = terms.schema.relations[first.predicate]
    if first.object is not None:
        target = terms.entity[first.object]
    else:
        target = literal(first.value, str(relation.datatype) if relation.datatype else None)
    yield (terms.entity[first.subject], f"<{relation.iri}>", target, c)

    dates = sorted({s.date for s in group if s.date})
    # n-ary detail lives on the event node: its date travels with the claim that dates it.
    for eid in (first.subject, first.object):
        if eid in terms.events:
            for d in dates:
                yield (terms.entity[eid], _DATE, terms.date(d), c)

    documents = sorted({s.document for s in group})
    yield (c, RDF_TYPE, _CLAIM, None)
    yield (c, _SUPPORT, integer(len(documents)), None)
    if first.role:
        yield (c, _ROLE, literal(first.role), None)
    if first.according_to:
        yield (c, _ACCORDING, terms.entity[first.according_to], None)
    for d in dates:
        yield (c, _DATE, terms.date(d), None)
    for did in documents:
        yield (c, _DERIVED, terms.document[did], None)
    # The same words recorded twice in one document are one piece of evidence.
    evidence: dict[str, Statement] = {}
    for s in sorted(group, key=_evidence_order):
        evidence.setdefault(iri(iris.evidence(key, s.document, s.quote)), s)
    for e in evidence:
        yield (c, _EVIDENCE, e, None)
    for e, s in evidence.items():
        yield (e, RDF_TYPE, _EVIDENCE_CLASS, None)
        yield (e, _DERIVED, terms.document[s.document], None)
        yield (e, _QUOTE, literal(s.quote), None)
        yield (e, _CONFIDENCE, _confidence(s.confidence), None)
        yield (e, _LINE, integer(s.location.line), None)
        yield (e, _ATTRIBUTED, _CURATOR, None)
        if s.date:
            yield (e, _DATE, terms.date(s.date), None)
            yield (e, _PRECISION, literal(s.date.precision), None)


def _evidence_order(s: Statement) -> tuple:
    # Total, so that which of two statements of the same words wins never depends on input order.
    return (s.document, s.quote, s.location.line, s.location.col, -s.confidence, s.date.text if s.date else "")


_REGISTRY_LABELS = {RDF_TYPE, RDFS_LABEL, f"<{SKOS}altLabel>", f"<{SKOS}prefLabel>"}
_CLAIM_GRAPH = f"<{BASE}claim/"
_ENTITY = f"<{BASE}id/"


def is_assertion(q: Quad) -> bool:
    """What is claimed, without who says so: claims' assertions plus the registry's types and names."""
    s, p, _, g = q
    if g is not None:
        return g.startswith(_CLAIM_GRAPH)
    return p in _REGISTRY_LABELS and s.startswith(_ENTITY)


def nquad(q: Quad) -> str:
    s, p, o, g = q
    return f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n"


def to_dataset(all_quads: Iterable[Quad]) -> Dataset:
    """An rdflib Dataset of the quads, for shapes and tests on corpora that fit rdflib comfortably."""
    ds = Dataset()
    ds.parse(data="".join(map(nquad, all_quads)), format="nquads")
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, override=True, replace=True)
    return ds
