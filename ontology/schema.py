"""What the ontology says about classes and relations, read once from the Turtle file."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import Namespace

from ontology import NS, ONTOLOGY_PATH

SCHEMA = Namespace("https://schema.org/")


@dataclass(frozen=True)
class Relation:
    """A property of the ontology that statements may use as their predicate."""

    name: str
    iri: URIRef
    label: str
    comment: str
    is_attribute: bool  # True for literal-valued properties (statements give `value:`)
    domain: tuple[str, ...]  # class names; empty means any
    range: tuple[str, ...]  # class names for relations; empty means any
    datatype: URIRef | None  # for attributes


@dataclass(frozen=True)
class Schema:
    classes: dict[str, URIRef]
    superclasses: dict[str, frozenset[str]]  # name -> itself and every ontology superclass
    relations: dict[str, Relation]
    labels: dict[str, str]
    comments: dict[str, str]

    def entity_types(self) -> list[str]:
        """Classes a registry entry may have: everything but the build's own bookkeeping."""
        return [c for c in self.classes if c not in _NOT_ENTITY_TYPES]

    def document_kinds(self) -> list[str]:
        return [c for c in self.classes if c != "Document" and self.is_a(c, "Document")]

    def is_a(self, type_name: str, class_name: str) -> bool:
        return class_name in self.superclasses.get(type_name, ())

    def fits(self, type_name: str, allowed: tuple[str, ...]) -> bool:
        return not allowed or any(self.is_a(type_name, c) for c in allowed)


def _local(iri) -> str | None:
    s = str(iri)
    return s[len(NS):] if s.startswith(NS) else None


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    g = Graph()
    g.parse(ONTOLOGY_PATH, format="turtle")
    return g


_NOT_ENTITY_TYPES = {"Claim", "Evidence", "Curator", "Extractor"}

# Provenance bookkeeping terms are written by the build, never by a curator.
_BUILD_ONLY = {"evidence", "quote", "confidence", "sourceFile", "sourceLine", "supportCount", "nameKey",
               "role", "accordingTo", "dateBasis", "textFile", "date", "datePrecision", "publishedBy"}


@lru_cache(maxsize=1)
def load_schema() -> Schema:
    g = ontology_graph()
    classes = {}
    for c in g.subjects(RDF.type, OWL.Class):
        name = _local(c)
        if name:
            classes[name] = c

    def supers(name: str) -> frozenset[str]:
        seen, todo = {name}, [classes[name]]
        while todo:
            for parent in g.objects(todo.pop(), RDFS.subClassOf):
                p = _local(parent)
                if p and p not in seen:
                    seen.add(p)
                    todo.append(parent)
        return frozenset(seen)

    def names(subject, predicate) -> tuple[str, ...]:
        return tuple(sorted(n for n in (_local(o) for o in g.objects(subject, predicate)) if n))

    relations = {}
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for p in g.subjects(RDF.type, kind):
            name = _local(p)
            if not name or name in _BUILD_ONLY:
                continue
            relations[name] = Relation(
                name=name,
                iri=p,
                label=str(g.value(p, RDFS.label) or name),
                comment=str(g.value(p, RDFS.comment) or ""),
                is_attribute=kind == OWL.DatatypeProperty,
                domain=names(p, SCHEMA.domainIncludes),
                range=names(p, SCHEMA.rangeIncludes),
                datatype=g.value(p, RDFS.range) if kind == OWL.DatatypeProperty else None,
            )
    labels = {}
    comments = {}
    for s in set(g.subjects(RDFS.label, None)):
        n = _local(s)
        if n:
            labels[n] = str(g.value(s, RDFS.label))
            comments[n] = str(g.value(s, RDFS.comment) or "")
    return Schema(
        classes=dict(sorted(classes.items())),
        superclasses={n: supers(n) for n in sorted(classes)},
        relations=dict(sorted(relations.items())),
        labels=labels,
        comments=comments,
    )

