"""Counts that tell a user what a build holds."""

from __future__ import annotations

from graph.store import select
from ontology import BASE, NS



def stats(store) -> dict:
    by_type = select(store, f"""
        SELECT ?type (COUNT(?e) AS ?n) WHERE {{
          ?e a ?t . FILTER(STRSTARTS(STR(?e), "{BASE}id/"))
          BIND(STRAFTER(STR(?t), "{NS}") AS ?type)
        }} GROUP BY ?type ORDER BY DESC(?n) ?type""", union=False)
    by_predicate = select(store, f"""
        SELECT ?predicate (COUNT(DISTINCT ?c) AS ?n) WHERE {{
          ?c a rg:Claim . GRAPH ?c {{ ?s ?p ?o }} FILTER(?p != rg:date)
          BIND(STRAFTER(STR(?p), "{NS}") AS ?predicate)
        }} GROUP BY ?predicate ORDER BY DESC(?n) ?predicate""", union=False)
    documents = select(store, """
        SELECT ?id ?title ?publisher ?date (COUNT(?ev) AS ?statements) WHERE {
          ?d dcterms:identifier ?id ; dcterms:title ?title ; dcterms:date ?date ; rg:publishedBy ?p .
          ?p rdfs:label ?publisher .
          OPTIONAL { ?ev a rg:Evidence ; <http://www.w3.org/ns/prov#wasDerivedFrom> ?d }
        } GROUP BY ?id ?title ?publisher ?date ORDER BY ?date ?id""", union=False)
    corroborated = select(store, """
        SELECT ?claim ?subject ?predicate ?object ?documents WHERE {
          ?claim a rg:Claim ; rg:supportCount ?documents . FILTER(?documents > 1)
          GRAPH ?claim { ?s ?p ?o } FILTER(?p != rg:date)
          ?s rdfs:label ?subject .
          OPTIONAL { ?o rdfs:label ?olabel }
          BIND(STRAFTER(STR(?p), "https://w3id.org/rightsgraph/ns#") AS ?predicate)
          BIND(COALESCE(?olabel, STR(?o)) AS ?object)
        } ORDER BY DESC(?documents) ?subject ?predicate ?object""", union=False)
    claims = select(store, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a rg:Claim }", union=False)[0]["n"]
    return {
        "entities_by_type": {r["type"]: r["n"] for r in by_type},
        "claims": claims,
        "claims_by_predicate": {r["predicate"]: r["n"] for r in by_predicate},
        "documents": documents,
        "corroborated_claims": corroborated,
    }


def format_text(s: dict) -> str:
    out = [f"Entities: {sum(s['entities_by_type'].values())}"]
    out += [f"  {t:<20} {n:>5}" for t, n in s["entities_by_type"].items()]
    out += ["", f"Claims: {s['claims']}"]
    out += [f"  {p:<20} {n:>5}" for p, n in s["claims_by_predicate"].items()]
    out += ["", f"Documents: {len(s['documents'])}"]
    out += [f"  {d['date']:<10}  {d['statements']:>3} statements  {d['publisher']}: {d['title']}"
            for d in s["documents"]]
    out += ["", f"Claims supported by more than one document: {len(s['corroborated_claims'])}"]
    out += [f"  [{c['documents']} docs] {c['subject']} {c['predicate']} {c['object']}"
            for c in s["corroborated_claims"]]
    return "\n".join(out) + "\n"
