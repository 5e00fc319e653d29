"""The igraph engine gives networkx's answers: exact and sampled measures, communities' quality, determinism."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import networkx as nx
import pytest

from graph import measures as M
from graph.network import NetworkError
from graph.report import build_report, to_json
from tests.conftest import ROOT, require

require(M.igraph_installed(), "igraph is not installed (pip install igraph)")


def relabelled(G: nx.Graph, prefix: str = "n") -> nx.Graph:
    """String ids that sort in the order the graph was built, so that networkx and the report sample alike."""
    width = len(str(G.number_of_nodes()))
    return nx.relabel_nodes(G, {v: f"{prefix}{i:0{width}d}" for i, v in enumerate(G)})


def karate() -> nx.Graph:
    return relabelled(nx.karate_club_graph(), "k")


def florentine() -> nx.Graph:
    return nx.florentine_families_graph()


def scattered() -> nx.Graph:
    """A power-law core, separate pairs, a triangle, a chain and a lone actor: closeness and sampling edge cases."""
    G = nx.powerlaw_cluster_graph(400, 2, 0.3, seed=5)
    G.add_edges_from((400 + 2 * i, 401 + 2 * i) for i in range(30))  # 30 separate pairs
    G.add_edges_from([(500, 501), (501, 502), (502, 500)])
    G.add_edges_from(nx.path_graph(range(510, 540)).edges())  # a chain of 30
    G = relabelled(G)
    G.add_edge("z-alone", "z-alone")  # a claim about oneself only: an actor linked to no one
    return G


GRAPHS = {"florentine": florentine, "karate": karate, "scattered": scattered}


def simple(G: nx.Graph) -> nx.Graph:
    """What the measures see: the links between two different actors."""
    S = G.copy()
    S.remove_edges_from(list(nx.selfloop_edges(S)))
    return S


def both(G, **kwargs) -> tuple[M.Measures, M.Measures]:
    return M.compute(G, engine="networkx", **kwargs), M.compute(G, engine="igraph", **kwargs)


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_exact_measures_agree_with_networkx(name):
    G = GRAPHS[name]()
    ref, fast = both(G)
    G = simple(G)
    assert ref.engine == "networkx" and fast.engine == "igraph"
    for measure in ("degree", "in_degree", "out_degree"):
        assert fast.values[measure] == ref.values[measure]
    # Same formulas; only the order of the float additions differs.
    assert fast.values["betweenness"] == pytest.approx(nx.betweenness_centrality(G), rel=1e-9, abs=1e-12)
    assert fast.values["betweenness"] == pytest.approx(ref.values["betweenness"], rel=1e-9, abs=1e-12)
    assert fast.values["closeness"] == pytest.approx(nx.closeness_centrality(G), rel=1e-9, abs=1e-12)
    assert fast.values["pagerank"] == pytest.approx(nx.pagerank(G), rel=1e-9, abs=1e-15)
    assert fast.values["eigenvector"] == pytest.approx(ref.values["eigenvector"], rel=1e-6, abs=1e-9)
    assert fast.components == ref.components and fast.links == ref.links
    assert fast.neighbours == ref.neighbours and fast.claims == ref.claims


def test_florentine_published_values_through_igraph():
    fast = M.compute(florentine(), engine="igraph")
    # networkx's own test suite: Medici betweenness 0.522, closeness 0.560.
    assert fast.values["betweenness"]["Medici"] == pytest.approx(0.522, abs=1e-3)
    assert fast.values["closeness"]["Medici"] == pytest.approx(0.560, abs=1e-3)
    assert M.rank(fast.values["betweenness"])[:3] == ["Medici", "Guadagni", "Albizzi"]


def test_weighted_eigenvector_and_pagerank_agree():
    G = karate()
    for i, (u, v) in enumerate(sorted(G.edges())):
        G[u][v]["weight"] = 1 + i % 3  # support counts of 1 to 3 documents
    ref, fast = both(G)
    assert fast.values["eigenvector"] == pytest.approx(nx.eigenvector_centrality(G, max_iter=1000, weight="weight"),
                                                       rel=1e-6, abs=1e-9)
    assert fast.values["pagerank"] == pytest.approx(nx.pagerank(G, weight="weight"), rel=1e-9, abs=1e-15)
    assert fast.values["betweenness"] == pytest.approx(ref.values["betweenness"], rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("name,k,seed", [("karate", 8, 3), ("scattered", 25, 7), ("scattered", 1, 2)])
def test_sampled_betweenness_is_networkx_k_sample(name, k, seed):
    """Same sources, same scaling: igraph's estimate is networkx's betweenness_centrality(k, seed)."""
    G = GRAPHS[name]()
    ref, fast = both(G, sample=k, seed=seed)
    # With k=1 networkx leaves the source's own value undefined (NaN); the report shows 0 for it.
    expected = {v: (0.0 if math.isnan(x) else x) for v, x in nx.betweenness_centrality(G, k=k, seed=seed).items()}
    assert ref.values["betweenness"] == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert fast.values["betweenness"] == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert fast.betweenness_sample == k and any(f"estimated from {k} of the" in n for n in fast.notes)


@pytest.mark.parametrize("k", [5, 25, 120])
def test_sampled_closeness_is_the_same_estimator(k):
    """Groups without a sampled source (the pairs, the chain) are measured exactly by both engines."""
    G = simple(scattered())
    ref, fast = both(G, sample=k, seed=11)
    assert fast.values["closeness"] == pytest.approx(ref.values["closeness"], rel=1e-12, abs=1e-15)
    exact = nx.closeness_centrality(G)
    pairs = [v for v in G if G.degree(v) == 1 and len(nx.node_connected_component(G, v)) == 2]
    assert pairs and all(fast.values["closeness"][v] == pytest.approx(exact[v]) for v in pairs)


def modularity(G, groups) -> float:
    return nx.community.modularity(G, groups, weight="weight")


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_communities_are_as_good_as_networkx_louvain(name):
    G = GRAPHS[name]()
    ref, fast = both(G)
    G = simple(G)
    members = sorted(v for c in fast.communities for v in c)
    assert members == sorted(G)  # a partition: every actor once
    # The modularity reported is networkx's modularity of the groups igraph found.
    assert fast.modularity == pytest.approx(modularity(G, fast.communities), abs=1e-9)
    assert fast.modularity >= ref.modularity - 0.02
    assert fast.communities == sorted(fast.communities, key=lambda c: (-len(c), str(c[0])))


def test_karate_split_matches_the_club():
    """Zachary's club split in two; each community igraph finds lies mostly on one side."""
    G = karate()
    for _, _, d in G.edges(data=True):
        del d["weight"]  # networkx's copy counts interactions; the published partitions ignore them
    fast = M.compute(G, engine="igraph")
    side = nx.get_node_attributes(G, "club")
    agree = sum(max(sum(side[v] == s for v in c) for s in ("Mr. Hi", "Officer")) for c in fast.communities)
    assert agree >= 30  # of 34 members
    assert 0.41 < fast.modularity <= 0.41979 + 1e-5  # the best partition there is has modularity 0.4198


def test_greedy_communities_match_networkx():
    """Fast greedy is the same Clauset-Newman-Moore algorithm as networkx's greedy_modularity_communities."""
    for G in (florentine(), karate()):
        ref, fast = both(G, method="greedy")
        assert fast.modularity == pytest.approx(ref.modularity, abs=0.02)
        assert fast.modularity == pytest.approx(modularity(G, fast.communities), abs=1e-9)


def test_same_seed_same_answer_other_seed_may_differ():
    G = relabelled(nx.powerlaw_cluster_graph(1500, 2, 0.3, seed=3))
    a = M.compute(G, engine="igraph", sample=40, seed=5)
    b = M.compute(G, engine="igraph", sample=40, seed=5)
    assert a.values == b.values and a.communities == b.communities and a.modularity == b.modularity
    c = M.compute(G, engine="igraph", sample=40, seed=6)
    assert c.values["betweenness"] != a.values["betweenness"]


def test_igraph_reports_are_byte_identical_across_processes():
    script = (
        "import networkx as nx, sys\n"
        "from graph.report import build_report, to_json\n"
        "U = nx.powerlaw_cluster_graph(1500, 2, 0.3, seed=9)\n"
        "G = nx.MultiDiGraph()\n"
        "G.add_nodes_from((f'a{i:04d}', {'label': f'Actor {i}', 'type': 'Person'}) for i in U)\n"
        "G.add_edges_from((f'a{u:04d}', f'a{v:04d}', {'weight': 1 + (u * v) % 3}) for u, v in U.edges())\n"
        "sys.stdout.write(to_json(build_report(G, sample=50, seed=3)))\n")
    outs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, check=True)
        outs.append(proc.stdout)
    assert outs[0] == outs[1]
    report = json.loads(outs[0])
    assert report["network"]["engine"] == "igraph" and report["network"]["actors"] == 1500
    assert any("igraph" in n and "multilevel" in n for n in report["notes"])


def test_auto_engine_by_size_and_explicit_choice():
    assert M.pick_engine("auto", M.FAST_FROM - 1) == "networkx"
    assert M.pick_engine("auto", M.FAST_FROM) == "igraph"
    assert M.pick_engine("networkx", 10**6) == "networkx"
    assert M.pick_engine("igraph", 3) == "igraph"
    with pytest.raises(ValueError, match="unknown engine 'fast'"):
        M.pick_engine("fast", 10)
    small = M.compute(florentine())
    assert small.engine == "networkx" and not any("igraph" in n for n in small.notes)
    with pytest.raises(NetworkError, match="unknown engine"):
        build_report(nx.MultiDiGraph(florentine()), engine="fast")


def test_report_through_both_engines_lists_the_same_rankings():
    """On a network above FAST_FROM, the report's rankings are the same whichever engine measures it."""
    U = nx.powerlaw_cluster_graph(1200, 2, 0.3, seed=2)
    G = nx.MultiDiGraph()
    G.add_nodes_from((f"a{i:04d}", {"label": f"Actor {i}", "type": "Person"}) for i in U)
    G.add_edges_from((f"a{u:04d}", f"a{v:04d}", {"weight": 1 + (u + v) % 3}) for u, v in U.edges())
    ref = json.loads(to_json(build_report(G, sample=60, seed=4, engine="networkx")))
    fast = json.loads(to_json(build_report(G, sample=60, seed=4, engine="auto")))
    assert fast["network"]["engine"] == "igraph" and ref["network"]["engine"] == "networkx"
    assert fast["rankings"] == ref["rankings"]
    strip = ("community", "broker_score")
    assert [{k: v for k, v in r.items() if k not in strip} for r in fast["nodes"]] == \
           [{k: v for k, v in r.items() if k not in strip} for r in ref["nodes"]]
    assert fast["network"]["modularity"] >= ref["network"]["modularity"] - 0.02


def test_eigenvector_fallbacks_through_igraph(monkeypatch):
    monkeypatch.setattr(M, "EIGEN_MAX_ITER", 1)
    G = florentine()
    fast = M.compute(G, engine="igraph")
    assert fast.values["eigenvector"] == pytest.approx(nx.eigenvector_centrality_numpy(G), abs=1e-6)
    assert any("did not converge" in n for n in fast.notes)


def test_cli_engine_option(small_build, tmp_path):
    from click.testing import CliRunner

    from main import cli

    outs = {}
    for engine in ("networkx", "igraph"):
        out = tmp_path / f"{engine}.json"
        r = CliRunner().invoke(cli, ["report", "--store", str(small_build), "--format", "json", "--engine", engine,
                                     "--out", str(out)])
        assert r.exit_code == 0, r.output
        outs[engine] = json.loads(out.read_text())
    assert outs["networkx"]["network"]["engine"] == "networkx" and outs["igraph"]["network"]["engine"] == "igraph"
    assert outs["igraph"]["rankings"] == outs["networkx"]["rankings"]
    r = CliRunner().invoke(cli, ["report", "--store", str(small_build), "--engine", "fast"])
    assert r.exit_code != 0 and "fast" in r.output and "Traceback" not in r.output
    assert "--engine" in CliRunner().invoke(cli, ["report", "--help"]).output
