"""The projection from RDF claims to networkx, its date rules, the simple view and the exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from click.testing import CliRunner

from graph.network import (EXPORT_FORMATS, NetworkError, claim_span, export_network, export_text, keep_claim,
                           load_network, simple_view)
from graph.store import open_store, select
from graph.writers import OutputError
from ontology import NS
from ontology.schema import load_schema
from sources.model import PartialDate

D = dt.date
CLAIM = "https://w3id.org/rightsgraph/claim/"


def edges_by_predicate(G) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for u, v, d in G.edges(data=True):
        out.setdefault(d["predicate"], []).append((u, v))
    return out


# --- the small corpus: every attribute, checked by hand against tests/fixtures/good ---------------

def test_small_corpus_nodes_and_attributes(small_build):
    G = load_network(small_build)
    assert isinstance(G, nx.MultiDiGraph)
    assert sorted(G.nodes) == ["ana-lee", "ana-lee-arrest-2020", "charge-plotting", "city-court", "free-party",
                               "watch-group"]  # daily-news publishes but takes part in no claim: not a node
    assert G.nodes["ana-lee"] == {"label": "Ana Lee", "type": "Person", "aliases": "Ms. Lee",
                                  "iri": "https://w3id.org/rightsgraph/id/ana-lee"}
    assert G.nodes["free-party"]["aliases"] == "FP"
    assert G.nodes["city-court"]["aliases"] == ""
    assert G.nodes["ana-lee-arrest-2020"]["type"] == "Arrest"
    # A literal-valued claim becomes an attribute of its subject, not an edge.
    assert G.nodes["charge-plotting"]["maximumPenaltyYears"] == 10
    assert "maximumPenaltyYears" not in edges_by_predicate(G)


def test_small_corpus_edges(small_build):
    G = load_network(small_build)
    assert G.number_of_edges() == 5
    assert edges_by_predicate(G) == {
        "leaderOf": [("ana-lee", "free-party")], "arrestedOn": [("ana-lee", "ana-lee-arrest-2020")],
        "chargedWith": [("ana-lee", "charge-plotting")], "triedBy": [("ana-lee", "city-court")],
        # The ontology's direction: the NGO is the subject of callsForReleaseOf.
        "callsForReleaseOf": [("watch-group", "ana-lee")]}
    (key, leader), = G.get_edge_data("ana-lee", "free-party").items()
    assert key == leader["claim"] and key.startswith(CLAIM)
    assert leader == {"predicate": "leaderOf", "label": "leader of", "weight": 2, "dates": "", "date": "",
                      "reported": "2020-01", "claim": key, "role": "President", "according_to": ""}
    arrest = next(iter(G.get_edge_data("ana-lee", "ana-lee-arrest-2020").values()))
    assert (arrest["weight"], arrest["dates"], arrest["date"], arrest["label"]) == (1, "2020-01-08", "2020-01-08",
                                                                                  "arrested in")
    tried = next(iter(G.get_edge_data("ana-lee", "city-court").values()))
    assert (tried["dates"], tried["date"]) == ("2020", "2020")


def test_weights_are_the_number_of_supporting_documents(small_build):
    G = load_network(small_build)
    store = open_store(small_build)
    query = f"PREFIX rg: <{NS}> SELECT ?c ?n WHERE {{ ?c rg:supportCount ?n }}"
    support = {r["c"]: r["n"] for r in select(store, query, union=False)}
    for _, _, key, d in G.edges(keys=True, data=True):
        assert d["weight"] == support[key]


def test_events_and_charges_switch_off(small_build):
    G = load_network(small_build, events=False)
    assert "ana-lee-arrest-2020" not in G and "arrestedOn" not in edges_by_predicate(G)
    G = load_network(small_build, charges=False)
    assert "charge-plotting" not in G and "chargedWith" not in edges_by_predicate(G)
    G = load_network(small_build, events=False, charges=False)
    assert sorted(G.nodes) == ["ana-lee", "city-court", "free-party", "watch-group"]


def test_as_of_on_the_small_corpus(small_build):
    # arrestedOn 2020-01-08; triedBy "2020" (from 2020-01-01); leaderOf and callsForReleaseOf undated, first
    # reported in a document dated 2020-01 (from 2020-01-01); chargedWith undated, reported 2020-01-10.
    G = load_network(small_build, as_of=D(2020, 1, 8))
    assert sorted(edges_by_predicate(G)) == ["arrestedOn", "callsForReleaseOf", "leaderOf", "triedBy"]
    assert "charge-plotting" not in G  # its only claim is left out, so is the node
    assert sorted(edges_by_predicate(load_network(small_build, as_of=D(2020, 1, 10)))) == [
        "arrestedOn", "callsForReleaseOf", "chargedWith", "leaderOf", "triedBy"]
    assert load_network(small_build, as_of=D(2019, 12, 31)).number_of_nodes() == 0


def test_date_range_on_the_small_corpus(small_build):
    G = load_network(small_build, date_from=D(2020, 1, 9))
    # The arrest (8 January) ends before the range; "2020" runs to 31 December, so the trial stays.
    assert "arrestedOn" not in edges_by_predicate(G) and "triedBy" in edges_by_predicate(G)
    G = load_network(small_build, date_from=D(2020, 1, 8), date_to=D(2020, 1, 8))
    assert "arrestedOn" in edges_by_predicate(G) and "chargedWith" not in edges_by_predicate(G)
    with pytest.raises(NetworkError, match="empty"):
        load_network(small_build, date_from=D(2020, 2, 1), date_to=D(2020, 1, 1))
    with pytest.raises(NetworkError, match="must be a date"):
        load_network(small_build, as_of="2020-01-01")


@pytest.mark.parametrize("dates, reported, span", [
    (["2017-11"], ["2021-01-14"], (D(2017, 11, 1), D(2017, 11, 30))),
    (["2017"], [], (D(2017, 1, 1), D(2017, 12, 31))),
    (["2017-09-03", "2018-02"], ["2019"], (D(2017, 9, 3), D(2018, 2, 28))),
    ([], ["2021-01", "2021-01-14"], (D(2021, 1, 1), D(2021, 1, 31))),  # undated: its first report
    ([], [], None),
])
def test_claim_span(dates, reported, span):
    order = lambda d: (d.earliest, d.latest, d.text)  # noqa: E731 - as the projection sorts them
    assert claim_span(sorted(map(PartialDate, dates), key=order), sorted(map(PartialDate, reported), key=order)) == span


def test_keep_claim_rule():
    nov = (D(2017, 11, 1), D(2017, 11, 30))
    assert keep_claim(nov, as_of=D(2017, 11, 1))  # "2017-11" counts from its first day
    assert not keep_claim(nov, as_of=D(2017, 10, 31))
    assert keep_claim(nov, date_from=D(2017, 11, 30)) and not keep_claim(nov, date_from=D(2017, 12, 1))
    assert keep_claim(None) and not keep_claim(None, as_of=D(2030, 1, 1))


# --- the bundled corpus ---------------------------------------------------------------------------

def test_bundled_edges_are_exactly_the_entity_to_entity_claims(bundled_build):
    G = load_network(bundled_build)
    rows = select(open_store(bundled_build), f"""PREFIX rg: <{NS}>
        SELECT DISTINCT ?c WHERE {{ ?c a rg:Claim . GRAPH ?c {{ ?s ?p ?o }} FILTER(?p != rg:date && isIRI(?o)) }}""",
                  union=False)
    assert {k for _, _, k in G.edges(keys=True)} == {r["c"] for r in rows}
    schema = load_schema()
    for u, v, d in G.edges(data=True):
        rel = schema.relations[d["predicate"]]
        assert schema.fits(G.nodes[u]["type"], rel.domain) and schema.fits(G.nodes[v]["type"], rel.range)
    # Nodes are only entities that take part in a kept claim.
    assert all(G.degree(n) > 0 for n in G)
    assert {"Person", "PoliticalParty", "Court", "NGO", "GovernmentBody", "Charge"} <= {
        t for _, t in G.nodes(data="type")}


def test_as_of_leaves_out_every_claim_dated_later(bundled_build):
    cut = D(2017, 12, 31)
    full = load_network(bundled_build)
    later = [k for _, _, k, d in full.edges(keys=True, data=True)
             if d["date"] and PartialDate(d["date"]).earliest > cut]
    assert later, "the bundled corpus has claims dated after 2017; the test needs some"
    G = load_network(bundled_build, as_of=cut)
    kept = {k for _, _, k in G.edges(keys=True)}
    assert not kept & set(later)
    for _, _, d in G.edges(data=True):
        first = PartialDate(d["date"] or d["reported"]).earliest
        assert first <= cut, d
    # ... and keeps every claim the rule allows.
    allowed = {k for _, _, k, d in full.edges(keys=True, data=True)
               if PartialDate(d["date"] or d["reported"]).earliest <= cut}
    assert kept == allowed
    assert 0 < G.number_of_edges() < full.number_of_edges()


# --- the simple view ------------------------------------------------------------------------------

def test_simple_view_sums_weights_and_drops_self_loops():
    G = nx.MultiDiGraph()
    G.add_node("a", label="A", type="Person")
    G.add_node("b", label="B", type="NGO")
    G.add_edge("a", "b", key="c1", predicate="memberOf", weight=2)
    G.add_edge("b", "a", key="c2", predicate="callsForReleaseOf", weight=3)
    G.add_edge("a", "b", key="c3", predicate="memberOf", weight=1)
    G.add_edge("a", "a", key="c4", predicate="criticizes", weight=5)
    H = simple_view(G)
    assert not H.is_directed() and not H.is_multigraph()
    assert list(H.edges(data=True)) == [("a", "b", {"weight": 6, "claims": 3,
                                                    "predicates": "callsForReleaseOf;memberOf"})]
    assert H.nodes["a"] == {"label": "A", "type": "Person"}


# --- exports --------------------------------------------------------------------------------------

def test_graphml_reads_back_with_every_attribute(small_build):
    G = load_network(small_build)
    text = export_text(G, "graphml")
    R = nx.read_graphml(io.BytesIO(text.encode("utf-8")), force_multigraph=True)
    assert sorted(R.nodes) == sorted(G.nodes) and R.number_of_edges() == G.number_of_edges()
    assert R.nodes["ana-lee"]["label"] == "Ana Lee" and R.nodes["ana-lee"]["aliases"] == "Ms. Lee"
    assert R.nodes["charge-plotting"]["maximumPenaltyYears"] == 10
    assert "maximumPenaltyYears" not in R.nodes["ana-lee"]  # missing stays missing, not 0
    edge = next(iter(R.get_edge_data("ana-lee", "free-party").values()))
    assert edge["weight"] == 2 and edge["role"] == "President" and edge["predicate"] == "leaderOf"
    # Typed keys Gephi and Cytoscape understand; no Python reprs anywhere.
    root = ET.fromstring(text.encode("utf-8"))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    types = {k.get("attr.name"): k.get("attr.type") for k in root.findall("g:key", ns)}
    assert types["weight"] == "long" and types["label"] == "string"
    assert set(types.values()) <= {"string", "long", "int", "double", "float", "boolean"}
    assert "{'" not in text and "['" not in text and "None" not in text


def test_gexf_reads_back(small_build):
    G = load_network(small_build)
    text = export_text(G, "gexf")
    assert 'version="1.2"' in text
    R = nx.read_gexf(io.BytesIO(text.encode("utf-8")))
    assert R.number_of_edges() == G.number_of_edges()
    assert R.nodes["free-party"]["label"] == "Free Party"
    assert any(d.get("predicate") == "leaderOf" and d.get("weight") == 2 for _, _, d in R.edges(data=True))


def test_csv_edges_one_row_per_claim_with_names(small_build):
    G = load_network(small_build)
    rows = list(csv.DictReader(io.StringIO(export_text(G, "csv-edges"))))
    assert len(rows) == 5
    row = next(r for r in rows if r["predicate"] == "callsForReleaseOf")
    assert (row["source"], row["target"], row["source_label"], row["target_label"], row["label"], row["weight"]) == (
        "watch-group", "ana-lee", "Watch Group", "Ana Lee", "calls for release of", "1")


def test_export_network_writes_files_atomically_or_returns_text(small_build, tmp_path):
    for fmt in EXPORT_FORMATS:
        out = tmp_path / f"net.{fmt}"
        export_network(small_build, fmt, out)
        first = out.read_bytes()
        export_network(small_build, fmt, out)
        assert out.read_bytes() == first  # deterministic
        assert export_network(small_build, fmt, None).encode("utf-8") == first
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"net.{f}" for f in EXPORT_FORMATS)  # no temp left
    with pytest.raises(NetworkError, match="unknown export format"):
        export_network(small_build, "dot", None)
    with pytest.raises(OutputError, match="does not exist"):
        export_network(small_build, "gexf", tmp_path / "missing" / "x.gexf")


def test_export_disagreeing_literals_stay_plain_text():
    G = nx.MultiDiGraph()
    G.add_node("a", label="A", type="Charge", maximumPenaltyYears=10)
    G.add_node("b", label="B", type="Charge", maximumPenaltyYears="10; 30")
    G.add_edge("a", "b", key="c", predicate="partOf", weight=1, extra=(1, 2))
    R = nx.read_graphml(io.BytesIO(export_text(G, "graphml").encode("utf-8")))
    assert R.nodes["a"]["maximumPenaltyYears"] == "10" and R.nodes["b"]["maximumPenaltyYears"] == "10; 30"
    assert next(iter(R.edges(data=True)))[2]["extra"] == "(1, 2)"


def test_report_cli_missing_build_is_one_message(tmp_path):
    from main import cli

    result = CliRunner().invoke(cli, ["report", "--store", str(tmp_path / "nothing")])
    assert result.exit_code == 1
    assert "no build in" in result.output and "Traceback" not in result.output
