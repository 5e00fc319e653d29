"""Turn a Corpus into RDF quads: one named graph per claim, provenance and registry in the default graph."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import PurePath

from rdflib import OWL, RDF, RDFS, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from graph import iris
from ontology.schema import Schema, load_schema
from ontology.terms import RG
from sources.model import Corpus, PartialDate, Statement

SCHEMA_ORG = Namespace("https://schema.org/")
WIKIDATA = Namespace("http://www.wikidata.org/entity/")

PREFIXES = {
    "rg": RG._NS, "rgid": Namespace(iris.BASE + "id/"), "rgdoc": Namespace(iris.BASE + "doc/"),
    "rgclaim": Namespace(iris.BASE + "claim/"), "rgev": Namespace(iris.BASE + "evidence/"),
    "prov": PROV, "skos": SKOS, "dcterms": DCTERMS, "schema": SCHEMA_ORG, "owl": OWL,
    "rdfs": RDFS, "xsd": XSD, "wd": WIKIDATA,
}

_DATE_TYPES = {"year": XSD.gYear, "month": XSD.gYearMonth, "day": XSD.date}

Quad = tuple  # (subject, predicate, object, graph or None for the default graph)


def date_literal(d: PartialDate) -> Literal:
    return Literal(d.text, datatype=_DATE_TYPES[d.precision])


def group_claims(statements: list[Statement]) -> dict[tuple, list[Statement]]:
    """Statements of the same fact, from any number of documents, become one claim."""
    claims: dict[tuple, list[Statement]] = defaultdict(list)
    for s in statements:
        claims[s.claim_key()].append(s)
    return dict(sorted(claims.items()))


def quads(corpus: Corpus, schema: Schema | None = None) -> Iterator[Quad]:
    schema = schema or load_schema()
    yield from _registry(corpus)
    yield from _documents(corpus)
    yield (iris.CURATOR, RDF.type, RG.Curator, None)
    yield (iris.CURATOR, RDFS.label, Literal("rightsgraph curators"), None)
    for key, group in group_claims(corpus.statements).items():
        yield from _claim(key, group, corpus, schema)


def _registry(corpus: Corpus) -> Iterator[Quad]:
    for e in corpus.entities.values():
        s = iris.entity(e.id)
        yield (s, RDF.type, RG[e.type], None)
        yield (s, RDFS.label, Literal(e.name), None)
        for alias in e.aliases:
            yield (s, SKOS.altLabel, Literal(alias), None)
        if e.name_km:
            yield (s, SKOS.prefLabel, Literal(e.name_km, lang="km"), None)
        if e.wikidata:
            yield (s, OWL.sameAs, WIKIDATA[e.wikidata], None)
        if e.note:
            yield (s, SKOS.note, Literal(e.note), None)


def _documents(corpus: Corpus) -> Iterator[Quad]:
    for d in corpus.documents.values():
        s = iris.document(d.id)
        yield (s, RDF.type, RG[d.kind], None)
        yield (s, DCTERMS.identifier, Literal(d.id), None)
        yield (s, DCTERMS.title, Literal(d.title), None)
        yield (s, RG.publishedBy, iris.entity(d.publisher), None)
        yield (s, DCTERMS.date, date_literal(d.date), None)
        yield (s, RG.datePrecision, Literal(d.date.precision), None)
        if d.date_basis:
            yield (s, RG.dateBasis, Literal(d.date_basis), None)
        if d.url:
            yield (s, SCHEMA_ORG.url, Literal(d.url, datatype=XSD.anyURI), None)
        if d.text:
            yield (s, RG.textFile, Literal(d.text), None)


def _claim(key: tuple, group: list[Statement], corpus: Corpus, schema: Schema) -> Iterator[Quad]:
    first = group[0]
    c = iris.claim(key)
    relation = schema.relations[first.predicate]
    subject = iris.entity(first.subject)
    if first.object is not None:
        target = iris.entity(first.object)
    elif relation.datatype is not None and relation.datatype != XSD.string:
        target = Literal(first.value, datatype=relation.datatype)
    else:
        target = Literal(first.value)
    yield (subject, relation.iri, target, c)

    dates = sorted({s.date for s in group if s.date})
    # n-ary detail lives on the event node: its date travels with the claim that dates it.
    for eid in (first.subject, first.object):
        if eid is not None and schema.is_a(corpus.entities[eid].type, "Event"):
            for d in dates:
                yield (iris.entity(eid), RG.date, date_literal(d), c)

    yield (c, RDF.type, RG.Claim, None)
    yield (c, RG.supportCount, Literal(len({s.document for s in group})), None)
    if first.role:
        yield (c, RG.role, Literal(first.role), None)
    if first.according_to:
        yield (c, RG.accordingTo, iris.entity(first.according_to), None)
    for d in dates:
        yield (c, RG.date, date_literal(d), None)
    for s in group:
        doc = iris.document(s.document)
        ev = iris.evidence(key, s.document, s.quote)
        yield (c, PROV.wasDerivedFrom, doc, None)
        yield (c, RG.evidence, ev, None)
        yield (ev, RDF.type, RG.Evidence, None)
        yield (ev, PROV.wasDerivedFrom, doc, None)
        yield (ev, RG.quote, Literal(s.quote), None)
        yield (ev, RG.confidence, Literal(f"{s.confidence:.2f}", datatype=XSD.decimal), None)
        yield (ev, RG.sourceFile, Literal("documents/" + PurePath(s.location.path).name), None)
        yield (ev, RG.sourceLine, Literal(s.location.line), None)
        yield (ev, PROV.wasAttributedTo, iris.CURATOR, None)
        if s.date:
            yield (ev, RG.date, date_literal(s.date), None)
            yield (ev, RG.datePrecision, Literal(s.date.precision), None)


def bind_prefixes(g: Graph) -> None:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)


def to_dataset(all_quads) -> Dataset:
    ds = Dataset()
    bind_prefixes(ds)
    for s, p, o, g in all_quads:
        if g is None:
            ds.add((s, p, o))
        else:
            ds.add((s, p, o, ds.graph(g)))
    return ds


def assertions(ds: Dataset) -> Graph:
    """What is claimed, without who says so: the registry plus the union of every claim's assertion."""
    out = Graph()
    bind_prefixes(out)
    claim_prefix = iris.BASE + "claim/"
    for s, p, o, g in ds.quads((None, None, None, None)):
        graph_name = str(getattr(g, "identifier", g))
        if graph_name.startswith(claim_prefix):
            out.add((s, p, o))
        elif p in (RDF.type, RDFS.label, SKOS.altLabel, SKOS.prefLabel) and iris.entity_id(s):
            out.add((s, p, o))
    return out
