"""Centrality, brokers, communities and the report: known answers, the bundled corpus, formats, the CLI."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest
from click.testing import CliRunner

from graph import measures as M
from graph.network import NetworkError
from graph.report import FORMATS, ROW_KEYS, build_report, make_report, render
from main import cli
from tests.conftest import ROOT

# Published in networkx's own test suite (test_betweenness_centrality.py, test_closeness_centrality.py).
FLORENTINE_BETWEENNESS = {
    "Acciaiuoli": 0.000, "Albizzi": 0.212, "Barbadori": 0.093, "Bischeri": 0.104, "Castellani": 0.055,
    "Ginori": 0.000, "Guadagni": 0.255, "Lamberteschi": 0.000, "Medici": 0.522, "Pazzi": 0.000,
    "Peruzzi": 0.022, "Ridolfi": 0.114, "Salviati": 0.143, "Strozzi": 0.103, "Tornabuoni": 0.092}
FLORENTINE_CLOSENESS = {
    "Acciaiuoli": 0.368, "Albizzi": 0.483, "Barbadori": 0.4375, "Bischeri": 0.400, "Castellani": 0.389,
    "Ginori": 0.333, "Guadagni": 0.467, "Lamberteschi": 0.326, "Medici": 0.560, "Pazzi": 0.286,
    "Peruzzi": 0.368, "Ridolfi": 0.500, "Salviati": 0.389, "Strozzi": 0.4375, "Tornabuoni": 0.483}
# Marriage ties per family (Padgett's data): degree centrality is ties / 14.
FLORENTINE_TIES = {"Acciaiuoli": 1, "Albizzi": 3, "Barbadori": 2, "Bischeri": 3, "Castellani": 3, "Ginori": 1,
                   "Guadagni": 4, "Lamberteschi": 1, "Medici": 6, "Pazzi": 1, "Peruzzi": 3, "Ridolfi": 3,
                   "Salviati": 2, "Strozzi": 4, "Tornabuoni": 3}


def florentine_as_claims() -> nx.MultiDiGraph:
    """The Florentine marriages as the projection would give them: one claim per marriage, typed nodes."""
    F = nx.florentine_families_graph()
    G = nx.MultiDiGraph()
    for n in sorted(F):
        G.add_node(n, label=n, type="Family", aliases="", iri="")
    for i, (u, v) in enumerate(sorted(tuple(sorted(e)) for e in F.edges())):
        G.add_edge(u, v, key=f"marriage-{i}", predicate="marriedInto", weight=1)
    return G


@pytest.fixture(scope="module")
def florentine_report() -> dict:
    return build_report(florentine_as_claims(), top=15)


def test_florentine_known_answers_through_the_report(florentine_report):
    rows = {r["id"]: r for r in florentine_report["nodes"]}
    assert len(rows) == 15
    for family in FLORENTINE_TIES:
        assert rows[family]["betweenness"] == pytest.approx(FLORENTINE_BETWEENNESS[family], abs=1e-3)
        assert rows[family]["closeness"] == pytest.approx(FLORENTINE_CLOSENESS[family], abs=1e-3)
        assert rows[family]["degree"] == pytest.approx(FLORENTINE_TIES[family] / 14, abs=1e-6)
        assert rows[family]["neighbours"] == FLORENTINE_TIES[family]
    assert florentine_report["rankings"]["betweenness"][:3] == ["Medici", "Guadagni", "Albizzi"]


def test_florentine_eigenvector_and_pagerank_match_linear_algebra(florentine_report):
    """Checked against the leading eigenvector and the Google matrix computed here with numpy."""
    F = nx.florentine_families_graph()
    names = sorted(F)
    A = nx.to_numpy_array(F, nodelist=names)
    vals, vecs = np.linalg.eigh(A)
    lead = np.abs(vecs[:, np.argmax(vals)])
    lead /= np.linalg.norm(lead)
    n = len(names)
    P = A / A.sum(axis=1, keepdims=True)
    google = 0.85 * P.T + 0.15 / n
    w, v = np.linalg.eig(google)
    pr = np.abs(np.real(v[:, np.argmax(np.real(w))]))
    pr /= pr.sum()
    rows = {r["id"]: r for r in florentine_report["nodes"]}
    for i, family in enumerate(names):
        assert rows[family]["eigenvector"] == pytest.approx(lead[i], abs=1e-4)
        assert rows[family]["pagerank"] == pytest.approx(pr[i], abs=1e-5)
    assert florentine_report["rankings"]["pagerank"][0] == "Medici"


def test_florentine_communities_and_brokers(florentine_report):
    groups = [set(c["members"]) for c in florentine_report["communities"]]
    assert sorted(x for c in groups for x in c) == sorted(FLORENTINE_TIES)  # a partition
    medici = next(c for c in groups if "Medici" in c)
    assert {"Medici", "Tornabuoni", "Ridolfi"} <= medici and "Strozzi" not in medici
    assert florentine_report["network"]["modularity"] == pytest.approx(
        nx.community.modularity(nx.florentine_families_graph(), groups), abs=1e-6)
    # Brokers are not hubs: Medici (most ties) is never one; every broker lies on some shortest path.
    rows = {r["id"]: r for r in florentine_report["nodes"]}
    assert "Medici" not in florentine_report["brokers"]
    assert all(rows[b]["betweenness"] > 0 for b in florentine_report["brokers"])


def test_compute_on_a_plain_undirected_graph_gives_networkx_values():
    F = nx.florentine_families_graph()
    m = M.compute(F)
    assert m.values["betweenness"] == pytest.approx(nx.betweenness_centrality(F))
    assert m.values["pagerank"] == pytest.approx(nx.pagerank(F))
    assert m.values["in_degree"] == pytest.approx(nx.degree_centrality(F))


def test_sampled_betweenness_is_networkx_k_sample():
    # Sampling draws from the node order; the measures keep nodes sorted by id, so give ids that sort as built.
    G = nx.relabel_nodes(nx.barabasi_albert_graph(300, 2, seed=1), lambda i: f"n{i:03d}")
    m = M.compute(G, sample=50, seed=7)
    assert m.values["betweenness"] == pytest.approx(nx.betweenness_centrality(G, k=50, seed=7))
    assert m.betweenness_sample == 50 and any("estimated from 50 of the 300" in n for n in m.notes)
    # Closeness is estimated from the same number of sources: close to the exact values, same order.
    exact_closeness = nx.closeness_centrality(G)
    errors = sorted(abs(m.values["closeness"][v] - exact_closeness[v]) / exact_closeness[v] for v in G)
    assert errors[-1] < 0.15 and errors[len(errors) // 2] < 0.05  # 50 of 300 sources: a few percent off
    top = sorted(G, key=exact_closeness.get, reverse=True)[:10]
    assert len(set(top) & set(M.rank(m.values["closeness"])[:15])) >= 8
    assert any("Closeness is estimated" in n for n in m.notes)
    exact = M.compute(G, sample=1000)
    assert exact.betweenness_sample is None and "computed exactly" in exact.notes[0]


def test_progress_is_reported_step_by_step():
    calls = []
    M.compute(nx.path_graph(4), progress=lambda step, done, total: calls.append((step, done, total)))
    assert [c[0] for c in calls] == ["degree", "betweenness", "closeness", "eigenvector", "pagerank",
                                     "communities", "done"]
    assert calls[-1][1] == calls[-1][2] == 6


def test_eigenvector_falls_back_and_says_so(monkeypatch):
    monkeypatch.setattr(M, "EIGEN_MAX_ITER", 1)  # a real PowerIterationFailedConvergence from networkx
    G = nx.florentine_families_graph()
    m = M.compute(G)
    assert m.values["eigenvector"] == pytest.approx(nx.eigenvector_centrality_numpy(G), abs=1e-6)
    assert any("did not converge" in n for n in m.notes)


@pytest.mark.parametrize("make", [
    lambda: nx.MultiDiGraph(),
    lambda: nx.MultiDiGraph([("a", "a")]),
])
def test_empty_or_one_actor_gives_a_clear_message(make):
    with pytest.raises(NetworkError, match="nothing to report"):
        build_report(make())


def test_two_actors_are_enough():
    G = nx.MultiDiGraph()
    G.add_edge("a", "b", key="c", weight=1)
    r = build_report(G)
    assert [n["id"] for n in r["nodes"]] == ["a", "b"]
    for fmt in FORMATS:
        assert render(r, fmt)


# --- formats --------------------------------------------------------------------------------------

def hostile_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    G.add_node("x", label='<script>alert("x")</script> & co', type="Person", aliases="")
    G.add_node("y", label="A | B *bold* [link](http://e.x)", type="NGO", aliases="")
    G.add_node("z", label="Zed", type="Court", aliases="")
    G.add_edge("x", "y", key="c1", weight=1)
    G.add_edge("y", "z", key="c2", weight=2)
    return G


def test_html_escapes_names_and_is_self_contained():
    text = render(build_report(hostile_graph()), "html")
    assert "<script>" not in text and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in text
    assert not re.search(r"<(script|link|iframe)\b", text)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)
    assert text.count('src="data:image/png;base64,') == len(M.MEASURES)


def test_markdown_escapes_names():
    text = render(build_report(hostile_graph()), "md")
    assert "A \\| B \\*bold\\* \\[link\\](http://e.x)" in text
    assert "\\<script\\>" in text
    for line in text.splitlines():
        if line.startswith("| ") and "bold" in line:
            assert line.count(" | ") == line.replace("\\|", "").count(" | ")


def test_csv_and_json_have_one_row_per_actor_with_every_measure(small_build):
    rows = list(csv.DictReader(io.StringIO(make_report(small_build, "csv"))))
    assert [r["id"] for r in rows][0] == "ana-lee" and len(rows) == 6
    assert list(rows[0]) == list(ROW_KEYS)
    assert all(set(M.MEASURES) <= set(r) for r in rows)
    data = json.loads(make_report(small_build, "json"))
    assert len(data["nodes"]) == 6 and set(ROW_KEYS) == set(data["nodes"][0])
    assert data["nodes"][0]["label"] == "Ana Lee" and data["nodes"][0]["betweenness"] == 1.0
    assert "_index" not in data


def test_type_filter_lists_only_that_type_with_whole_network_values(small_build):
    whole = {r["id"]: r for r in json.loads(make_report(small_build, "json"))["nodes"]}
    people = json.loads(make_report(small_build, "json", node_type="Person"))
    assert [r["id"] for r in people["nodes"]] == ["ana-lee"]
    assert people["nodes"][0] == whole["ana-lee"]
    with pytest.raises(NetworkError, match="did you mean 'Person'"):
        make_report(small_build, "md", node_type="Persn")
    with pytest.raises(NetworkError, match="no actor of type Prison"):
        make_report(small_build, "md", node_type="Prison")


def test_reports_are_byte_identical_across_processes(small_build, tmp_path):
    """Different hash seeds: no set or dict order may leak into rankings, communities or plots."""
    for fmt in FORMATS:
        outs = []
        for seed in ("1", "2"):
            out = tmp_path / f"r{seed}.{fmt}"
            env = {**os.environ, "PYTHONHASHSEED": seed}
            subprocess.run([sys.executable, str(ROOT / "main.py"), "report", "--store", str(small_build),
                            "--format", fmt, "--out", str(out)], check=True, env=env, capture_output=True)
            outs.append(out.read_bytes())
        assert outs[0] == outs[1], fmt


# --- the bundled corpus: what the data really says -------------------------------------------------

@pytest.fixture(scope="module")
def bundled_report(bundled_build) -> dict:
    return json.loads(make_report(bundled_build, "json", top=10))


def test_bundled_top_actors(bundled_report):
    pr = bundled_report["rankings"]["pagerank"]
    assert pr[0] == "cnrp"
    assert {"kem-sokha", "amnesty-international"} <= set(pr[:4])
    assert "hun-sen" in pr[:6]
    assert bundled_report["rankings"]["betweenness"][:2] == ["cnrp", "kem-sokha"]
    assert {"cnrp", "amnesty-international", "kem-sokha"} <= set(bundled_report["rankings"]["degree"][:4])
    # The court that hears the 2021 mass trials is the court most claims point at.
    assert "phnom-penh-municipal-court" in bundled_report["rankings"]["in_degree"][:6]
    assert bundled_report["by_type"]["Court"][0] == "phnom-penh-municipal-court"
    assert bundled_report["by_type"]["Person"][:2] == ["kem-sokha", "hun-sen"]
    assert bundled_report["by_type"]["NGO"] == ["amnesty-international", "human-rights-watch"]


def test_bundled_communities(bundled_report):
    community = {m: c["id"] for c in bundled_report["communities"] for m in c["members"]}
    assert len(community) == bundled_report["network"]["actors"]
    same = lambda *ids: len({community[i] for i in ids}) == 1  # noqa: E731
    assert same("kem-sokha", "kem-sokha-arrest-2017", "kem-sokha-bail-2018")
    assert same("phnom-penh-municipal-court", "cnrp-mass-trials-2021", "cnrp-mass-trial-defendants-2021")
    assert same("sam-rainsy", "mu-sochua", "cnrp-return-attempt-2019")
    assert same("hun-sen", "cpp", "human-rights-watch")
    assert same("cnrp", "cnrp-dissolution-2017", "supreme-court-of-cambodia")
    assert not same("kem-sokha", "sam-rainsy")
    assert bundled_report["network"]["modularity"] > 0.4


def test_bundled_as_of_2017(bundled_build):
    data = json.loads(make_report(bundled_build, "json", as_of=__import__("datetime").date(2017, 12, 31)))
    ids = {r["id"] for r in data["nodes"]}
    assert data["network"]["claims_left_out"] > 0
    assert "cnrp-mass-trials-2021" not in ids and "phnom-penh-municipal-court" not in ids
    assert {"kem-sokha", "cnrp"} <= ids


# --- the command ----------------------------------------------------------------------------------

def test_cli_report_writes_and_keeps_old_output_on_failure(small_build, tmp_path):
    out = tmp_path / "report.html"
    runner = CliRunner()
    ok = runner.invoke(cli, ["report", "--store", str(small_build), "--format", "html", "--out", str(out)])
    assert ok.exit_code == 0, ok.output
    before = out.read_bytes()
    assert before.startswith(b"<!DOCTYPE html>") and b"Ana Lee" in before
    bad = runner.invoke(cli, ["report", "--store", str(small_build), "--format", "html", "--out", str(out),
                              "--as-of", "2019-12-31"])
    assert bad.exit_code == 1
    assert "nothing to report as of 2019-12-31" in bad.output and "Traceback" not in bad.output
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_cli_report_markdown_to_stdout(small_build):
    result = CliRunner().invoke(cli, ["report", "--store", str(small_build), "--top", "2", "--type", "Person"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Network report\n")
    assert "| 1 | Ana Lee | Person |" in result.output


def test_cli_report_bad_type_and_date(small_build):
    runner = CliRunner()
    r = runner.invoke(cli, ["report", "--store", str(small_build), "--type", "Persn"])
    assert r.exit_code == 1 and "did you mean 'Person'" in r.output
    r = runner.invoke(cli, ["report", "--store", str(small_build), "--as-of", "31/12/2017"])
    assert r.exit_code == 2 and "'31/12/2017' does not match the format '%Y-%m-%d'" in r.output
    assert "Traceback" not in r.output


def test_report_help_names_every_option():
    text = CliRunner().invoke(cli, ["report", "--help"]).output
    for opt in ("--format", "--out", "--type", "--as-of", "--top", "--sample", "--store", "--communities"):
        assert opt in text
