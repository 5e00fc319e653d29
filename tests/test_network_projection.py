"""The projection's single-pattern questions give what one SPARQL join of the claims gives, on real builds."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pyoxigraph as ox
import pytest

from graph.iris import entity_id
from graph.network import project
from graph.store import open_store, select
from ontology import BASE, NS
from sources.model import PartialDate

XSD = "http://www.w3.org/2001/XMLSchema#"


def joined_claims(store) -> list[tuple]:
    """Each entity-to-entity or literal claim as one SPARQL join gives it (what the projection asked before)."""
    rows = select(store, """
        SELECT ?c ?s ?p ?o ?kind ?n ?role ?acc WHERE {
          ?c a rg:Claim ; rg:supportCount ?n .
          OPTIONAL { ?c rg:role ?role }
          OPTIONAL { ?c rg:accordingTo ?acc }
          GRAPH ?c { ?s ?p ?o } FILTER(?p != rg:date)
          BIND(IF(isIRI(?o), "entity", "value") AS ?kind)
        }""", union=False)
    dates = defaultdict(set)
    for r in select(store, "SELECT ?c ?d WHERE { ?c a rg:Claim ; rg:date ?d }", union=False):
        dates[r["c"]].add(str(r["d"]))
    reported = defaultdict(set)
    for r in select(store, """SELECT ?c ?d WHERE { ?c a rg:Claim ; prov:wasDerivedFrom ?doc .
                                                   ?doc dcterms:date ?d }""", union=False):
        reported[r["c"]].add(str(r["d"]))

    def order(t: str) -> tuple:
        return PartialDate(t).earliest, PartialDate(t).latest, t

    out = []
    for r in rows:
        is_iri = r["kind"] == "entity"
        out.append((r["c"], entity_id(r["s"]), r["p"][len(NS):], entity_id(r["o"]) if is_iri else r["o"],
                    int(r["n"]), r["role"] or "", entity_id(r["acc"]) if r["acc"] else "",
                    ";".join(sorted(dates[r["c"]], key=order)), min(reported[r["c"]], key=order, default=""),
                    r["kind"]))
    return sorted(out, key=lambda c: (c[0], c[1] or "", str(c[3])))


def projected_claims(G) -> list[tuple]:
    return sorted(((d["claim"], u, d["predicate"], v, d["weight"], d["role"], d["according_to"], d["dates"],
                    d["reported"], "entity") for u, v, d in G.edges(data=True)),
                  key=lambda c: (c[0], c[1] or "", str(c[3])))


@pytest.mark.parametrize("fixture", ["small_build", "bundled_build"])
def test_projection_is_the_join_of_the_claims(fixture, request):
    build_dir = request.getfixturevalue(fixture)
    store = open_store(build_dir)
    G = project(store)
    expected = joined_claims(store)
    entity_claims = [c for c in expected if c[9] == "entity" and c[1] in G and c[3] in G]
    assert projected_claims(G) == entity_claims
    assert len(entity_claims) > 0
    # Every node carries its registry label and type as the store has them.
    labels = {entity_id(r["e"]): r["l"] for r in select(store, "SELECT ?e ?l WHERE { ?e rdfs:label ?l }",
                                                        union=False)}
    assert all(G.nodes[v]["label"] == labels[v] for v in G)
    # Literal claims become attributes of their subject, with their type (numbers stay numbers).
    literal_claims = [c for c in expected if c[9] == "value" and c[1] in G]
    assert literal_claims
    for c in literal_claims:
        value = G.nodes[c[1]].get(c[2], G.nodes[c[1]].get(f"{c[2]}_value"))
        assert value == c[3] or str(c[3]) in str(value).split("; ")


def test_bundled_as_of_matches_the_rule(bundled_build):
    store = open_store(bundled_build)
    day = dt.date(2017, 12, 31)
    G = project(store, as_of=day)
    for _, _, d in G.edges(data=True):
        first = PartialDate((d["dates"] or d["reported"]).split(";")[0]).earliest
        assert first <= day


def n(local: str) -> ox.NamedNode:
    return ox.NamedNode(local if local.startswith("http") else NS + local)


def test_values_with_commas_quotes_and_lines_survive_the_projection():
    """Text from sources reaches the projection through SPARQL CSV: quoting must not change a value."""
    store = ox.Store()
    a, b = ox.NamedNode(f"{BASE}id/a"), ox.NamedNode(f"{BASE}id/b")
    doc = ox.NamedNode(f"{BASE}doc/d1")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    tricky = 'He said, "free them"\nthen left;\ttab, and a comma,'
    quads = [
        ox.Quad(a, rdf_type, n("Person")), ox.Quad(a, label, ox.Literal('Lee, "Ana"')),
        ox.Quad(b, rdf_type, n("NGO")), ox.Quad(b, label, ox.Literal("Watch\nGroup")),
        ox.Quad(doc, n("http://purl.org/dc/terms/date"), ox.Literal("2018-03", datatype=n(XSD + "gYearMonth"))),
    ]
    claims = [("c1", a, n("memberOf"), b, 2), ("c2", a, n("description"), ox.Literal(tricky), 1),
              ("c3", a, n("age"), ox.Literal("61", datatype=n(XSD + "integer")), 1),
              ("c4", a, n("maximumPenaltyYears"), ox.Literal("7.5", datatype=n(XSD + "decimal")), 1)]
    for cid, s, p, o, support in claims:
        c = ox.NamedNode(f"{BASE}claim/{cid}")
        quads += [ox.Quad(s, p, o, c), ox.Quad(c, rdf_type, n("Claim")),
                  ox.Quad(c, n("supportCount"), ox.Literal(str(support), datatype=n(XSD + "integer"))),
                  ox.Quad(c, n("http://www.w3.org/ns/prov#wasDerivedFrom"), doc)]
    c1 = ox.NamedNode(f"{BASE}claim/c1")
    quads += [ox.Quad(c1, n("role"), ox.Literal("Deputy, acting")), ox.Quad(c1, n("accordingTo"), b),
              ox.Quad(c1, n("date"), ox.Literal("2017-09-03", datatype=n(XSD + "date")))]
    store.extend(quads)
    G = project(store)
    assert G.nodes["a"]["label"] == 'Lee, "Ana"' and G.nodes["b"]["label"] == "Watch\nGroup"
    assert G.nodes["a"]["description"] == tricky
    assert G.nodes["a"]["age"] == 61 and isinstance(G.nodes["a"]["age"], int)
    assert G.nodes["a"]["maximumPenaltyYears"] == 7.5
    (u, v, d), = G.edges(data=True)
    assert (u, v, d["weight"], d["role"], d["according_to"], d["dates"], d["reported"]) == \
           ("a", "b", 2, "Deputy, acting", "b", "2017-09-03", "2018-03")
