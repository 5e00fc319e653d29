"""The query command: forms, formats, prefixes, parameters bound as terms, syntax errors, safety and timeouts."""

from __future__ import annotations

import csv
import io
import json
import socket
import time

import pyoxigraph
import pytest
from click.testing import CliRunner
from rdflib import Graph

from graph import sparql
from graph.store import open_store
from main import cli


def run(*args):
    return CliRunner().invoke(cli, list(args))


def count_quads(build) -> int:
    return len(open_store(build))


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def test_select_with_predeclared_prefixes_and_union_default_graph(small_build):
    r = run("query", "--store", str(small_build), "--format", "csv",
            "SELECT ?name WHERE { ?p rg:leaderOf rgid:free-party ; rdfs:label ?name }")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == ["name", "Ana Lee"]


def test_graph_clause_says_who_claims_it(small_build):
    r = run("query", "--store", str(small_build), "--format", "csv", """
        SELECT ?doc WHERE { GRAPH ?c { rgid:ana-lee rg:leaderOf rgid:free-party } ?c prov:wasDerivedFrom ?d .
                            ?d dcterms:identifier ?doc } ORDER BY ?doc""")
    assert r.exit_code == 0, r.output
    assert r.output.split() == ["doc", "daily-2020-01-10", "watch-2020-01-12"]


def test_json_is_sparql_results_json(small_build):
    r = run("query", "--store", str(small_build), "--format", "json",
            "SELECT ?n WHERE { rgid:charge-plotting rg:maximumPenaltyYears ?n }")
    doc = json.loads(r.output)
    assert doc == {"head": {"vars": ["n"]}, "results": {"bindings": [
        {"n": {"type": "literal", "value": "10", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]}}
    # a real SPARQL results parser reads it
    parsed = pyoxigraph.parse_query_results(r.output, format=pyoxigraph.QueryResultsFormat.JSON)
    assert [row["n"].value for row in parsed] == ["10"]


def test_tsv_and_table(small_build):
    q = "SELECT ?p ?name WHERE { ?p a rg:Court ; rdfs:label ?name }"
    tsv = run("query", "--store", str(small_build), "--format", "tsv", q).output
    assert tsv.splitlines() == ["?p\t?name", '<https://w3id.org/rightsgraph/id/city-court>\t"City Court"']
    table = run("query", "--store", str(small_build), q).output
    assert "rgid:city-court  City Court" in table and table.endswith("(1 row)\n")


def test_ask_construct_describe(small_build):
    assert run("query", "--store", str(small_build), "ASK { ?x a rg:Court }").output == "true\n"
    assert json.loads(run("query", "--store", str(small_build), "--format", "json",
                          "ASK { ?x a rg:Prison }").output) == {"head": {}, "boolean": False}
    ttl = run("query", "--store", str(small_build), "CONSTRUCT { ?p rg:chargedWith ?c } WHERE { ?p rg:chargedWith ?c }")
    g = Graph().parse(data=ttl.output, format="turtle")
    assert len(g) == 1
    described = Graph().parse(data=run("query", "--store", str(small_build), "DESCRIBE rgid:city-court").output,
                              format="turtle")
    assert any(str(o) == "City Court" for o in described.objects())


def test_named_question_from_file_and_param(small_build, tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("SELECT ?e WHERE { ?e (rdfs:label|skos:altLabel) ?l FILTER(LCASE(STR(?l)) = LCASE(?who)) }")
    r = run("query", "--store", str(small_build), "-f", str(f), "--param", "who=MS. LEE", "--format", "csv")
    assert r.output.split() == ["e", "https://w3id.org/rightsgraph/id/ana-lee"]


def test_parameters_are_terms_not_text(small_build):
    before = count_quads(small_build)
    hostile = 'Ana Lee" } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o } #'
    r = run("query", "--store", str(small_build), "--name", "charges-against-person", "--param", f"person={hostile}",
            "--format", "csv")
    assert r.exit_code == 0, r.output
    assert r.output.strip() == "name,charge,article,max_years,documents"  # no person has that name
    assert count_quads(small_build) == before
    # the bound text is an N-Triples literal: the quote is escaped
    bound = sparql.bind("SELECT * WHERE { ?s ?p ?o }", {"x": sparql.param_term(hostile)})
    assert '\\"' in bound and bound.count("VALUES") == 1


def test_syntax_error_line_column_caret(small_build):
    r = run("query", "--store", str(small_build), "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER( }")
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    lines = r.output.splitlines()
    assert lines[0].startswith("error: query:3:")
    assert lines[1].strip() == "FILTER( }"
    assert lines[2].strip() == "^"


def test_syntax_error_in_file_names_the_file(small_build, tmp_path):
    f = tmp_path / "bad.rq"
    f.write_text("SELECT ?x\nWHERE { ?x nope:thing ?y }\n")
    r = run("query", "--store", str(small_build), "-f", str(f))
    assert r.exit_code == 1 and f"{f}:2:" in r.output and "^" in r.output


def test_update_is_refused_and_store_unchanged(small_build):
    before = count_quads(small_build)
    for update in ("DELETE WHERE { ?s ?p ?o }", "INSERT DATA { rgid:x rdfs:label \"x\" }", "CLEAR ALL"):
        r = run("query", "--store", str(small_build), update)
        assert r.exit_code == 1 and "never changes the store" in r.output, r.output
    assert count_quads(small_build) == before


def test_service_and_load_refused_without_allow_network(small_build):
    url = f"http://127.0.0.1:{closed_port()}/sparql"
    q = f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
    r = run("query", "--store", str(small_build), q)
    assert r.exit_code == 1 and "--allow-network" in r.output and "SERVICE" in r.output
    r = run("query", "--store", str(small_build), f"LOAD <{url}>")
    assert r.exit_code == 1 and "LOAD" in r.output and "--allow-network" in r.output
    # a lowercase keyword is still a keyword; the word inside a string or IRI is not
    with pytest.raises(sparql.NetworkRefused):
        sparql.check_network(f"select * {{ service <{url}> {{ ?s ?p ?o }} }}")
    sparql.check_network('SELECT * WHERE { ?s rdfs:label "SERVICE" . ?s ?p <http://x/LOAD> }')
    # allowed, the engine really tries: the closed port refuses the connection
    r = run("query", "--store", str(small_build), "--allow-network", q)
    assert r.exit_code == 1 and "--allow-network" not in r.output and "Traceback" not in r.output


EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def test_timeout_stops_the_query(small_build):
    start = time.monotonic()
    r = run("query", "--store", str(small_build), "--timeout", "1", EXPENSIVE)
    elapsed = time.monotonic() - start
    assert r.exit_code == 1 and "longer than 1 s" in r.output, r.output
    assert elapsed < 10


def test_bad_usage_messages(small_build, tmp_path):
    r = run("query", "--store", str(small_build))
    assert r.exit_code == 1 and "exactly one" in r.output
    r = run("query", "--store", str(small_build), "--name", "charges-against-persn")
    assert r.exit_code == 1 and "did you mean 'charges-against-person'" in r.output
    r = run("query", "--store", str(small_build), "--name", "timeline", "--param", "nobody=1")
    assert r.exit_code == 1 and "has no parameter nobody" in r.output
    r = run("query", "--store", str(small_build), "--name", "most-corroborated", "--param", "min_documents=many")
    assert r.exit_code == 1 and "not a valid integer" in r.output
    r = run("query", "--store", str(tmp_path / "nowhere"), "ASK {}")
    assert r.exit_code == 1 and "rightsgraph build" in r.output and "Traceback" not in r.output


def test_csv_quotes_commas(small_build):
    r = run("query", "--store", str(small_build), "--format", "csv",
            'SELECT ?x WHERE { BIND("a, \\"b\\"" AS ?x) }')
    assert list(csv.reader(io.StringIO(r.output))) == [["x"], ['a, "b"']]
