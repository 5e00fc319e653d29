"""The report's rankings are graph.measures.rank's order, also for ties and values equal to 12 decimals."""

from __future__ import annotations

import networkx as nx
import pytest

from graph import measures as M
from graph.report import build_report


def tied_network() -> nx.MultiDiGraph:
    """Stars whose leaves tie on every measure, labels that differ only in case, and a long chain."""
    G = nx.MultiDiGraph()
    for hub in range(4):
        G.add_node(f"h{hub}", label=f"Hub {hub}", type="NGO")
        for leaf in range(12):
            v = f"h{hub}-l{leaf:02d}"
            G.add_node(v, label=("leaf" if leaf % 2 else "Leaf"), type="Person")
            G.add_edge(v, f"h{hub}", key=v, weight=1 + leaf % 2)
    for i in range(30):
        G.add_node(f"c{i:02d}", label=f"Chain {i % 7}", type="Court")
    for i in range(29):
        G.add_edge(f"c{i:02d}", f"c{i + 1:02d}", key=f"chain-{i}", weight=1)
    G.add_edge("c00", "h0", key="bridge", weight=2)
    return G


@pytest.mark.parametrize("top", [1, 3, 10, 200])
@pytest.mark.parametrize("node_type", [None, "Person"])
def test_rankings_are_rank_order(top, node_type, monkeypatch):
    G = tied_network()
    m = M.compute(G)
    # Values a hair apart (below the 12 decimals rank compares) must tie, as in rank.
    m.values["closeness"] = {v: x + (1e-14 if i % 2 else 0.0) for i, (v, x) in enumerate(m.values["closeness"].items())}
    monkeypatch.setattr(M, "compute", lambda *a, **k: m)
    report = build_report(G, top=top, node_type=node_type)
    labels = {v: G.nodes[v]["label"] for v in G}
    listed = [v for v in sorted(G) if node_type is None or G.nodes[v]["type"] == node_type]
    for name in M.MEASURES:
        assert report["rankings"][name] == [str(v) for v in M.rank(m.values[name], listed, labels)[:top]], name
    assert [r["id"] for r in report["nodes"]] == M.rank(m.values["pagerank"], listed, labels)
    for t, ids in report["by_type"].items():
        of_type = [v for v in listed if G.nodes[v]["type"] == t]
        assert ids == M.rank(m.values["pagerank"], of_type, labels)[:top]
