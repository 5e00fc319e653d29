"""Run the ontology's SHACL shapes and pin each violation to the statements that caused it."""

from __future__ import annotations

from rdflib import RDF, Dataset, Graph, Namespace

from graph import iris
from ontology import SHAPES_PATH
from ontology.schema import load_schema, ontology_graph
from sources.model import Corpus
from sources.load import type_mismatch
from sources.problems import Location, Problem

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES_NS = "https://w3id.org/rightsgraph/shapes#"


def check_shapes(ds: Dataset, corpus: Corpus) -> list[Problem]:
    import pyshacl  # slow to import; only needed here

    data = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        data.add((s, p, o))
    data += ontology_graph()  # sh:class follows rdfs:subClassOf in the data graph
    shapes = Graph().parse(SHAPES_PATH, format="turtle")
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    if conforms:
        return []
    problems = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        shape = str(results.value(result, SH.sourceShape))
        focus = results.value(result, SH.focusNode)
        message = str(results.value(result, SH.resultMessage) or "violates a shape")
        problems += _pin(shape, focus, message, corpus)
    return problems


def _pin(shape: str, focus, message: str, corpus: Corpus) -> list[Problem]:
    schema = load_schema()
    name, _, side = shape[len(SHAPES_NS):].rpartition("-") if shape.startswith(SHAPES_NS) else ("", "", "")
    eid = iris.entity_id(focus)
    if name in schema.relations and eid in corpus.entities:
        relation = schema.relations[name]
        entity = corpus.entities[eid]
        key = "object" if side == "object" else "subject"
        expected = relation.range if side == "object" else relation.domain
        found = [s for s in corpus.statements if s.predicate == name and getattr(s, key) == eid]
        if side in ("subject", "object"):
            text = type_mismatch(key, eid, entity.type, name, expected)
        else:
            text = f"{message} (shape {shape[len(SHAPES_NS):]})"
        return [Problem(s.location, text) for s in found] or [Problem(entity.location, text)]
    return [Problem(Location("(built graph)"), f"{focus}: {message} (SHACL {shape})")]
