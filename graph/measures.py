"""Centrality, brokers and communities of a network, computed through networkx's backend dispatch."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import networkx as nx

from graph.network import simple_view

# What each measure means, in one sentence a reader of the report can follow; the order is the report's.
MEASURES: dict[str, tuple[str, str]] = {
    "degree": ("Degree", "Share of the other actors in the network this actor is directly linked to."),
    "in_degree": ("In-degree", "Share of the other actors that point at this actor in a claim (they are its "
                               "subject, it is the object: a court that tries, a charge that is brought)."),
    "out_degree": ("Out-degree", "Share of the other actors this actor points at in a claim (it is the subject: "
                                 "a person charged, an NGO that calls for a release)."),
    "betweenness": ("Betweenness", "How often the actor lies on the shortest path between two other actors: "
                                   "who connects whom."),
    "closeness": ("Closeness", "How near the actor is to everyone it can reach (inverse of the average "
                               "number of steps, scaled by the share of the network it can reach)."),
    "eigenvector": ("Eigenvector", "Linked to actors that are themselves well linked, weighted by how many "
                                   "documents support each link."),
    "pagerank": ("PageRank", "Where a reader following links at random, favouring well-supported ones, "
                             "spends time: influence through the whole network."),
}

EIGEN_MAX_ITER = 1000  # power-iteration steps before falling back to scipy's eigen-solver

Progress = Callable[[str, int, int], None]
"""progress(step, done, total): called before each step and once at the end (done == total)."""


class NetworkTooSmall(Exception):
    """There is nothing to rank: no actors, or no link between two different actors."""


@dataclass
class Measures:
    """Per-node values of every measure, the communities and what the reader should know about them."""

    values: dict[str, dict]  # measure -> node -> float
    neighbours: dict  # node -> number of distinct actors linked
    claims: dict  # node -> number of claims the node takes part in
    communities: list[list]  # largest first; members sorted by id
    modularity: float
    community_method: str
    betweenness_sample: int | None
    notes: list[str] = field(default_factory=list)


def check_size(G) -> None:
    """Raise NetworkTooSmall with a readable reason when G has nothing to rank."""
    if G.number_of_nodes() == 0:
        raise NetworkTooSmall("the network is empty: no claim links two actors (check --as-of and --type, "
                              "or build with more sources)")
    linked = {n for u, v in G.edges() if u != v for n in (u, v)}
    if len(linked) < 2:
        label = next(iter(G.nodes))
        raise NetworkTooSmall(f"the network has {G.number_of_nodes()} actor(s) ({label!s}) and no link between "
                              "two different actors; centrality needs at least one")


def _directed_simple(G) -> nx.DiGraph:
    """Distinct directed links, without self-loops; an undirected input gives both directions."""
    D = nx.DiGraph()
    D.add_nodes_from(sorted(G.nodes))
    pairs = set()
    for u, v in G.edges():
        if u != v:
            pairs.add((u, v))
            if not G.is_directed():
                pairs.add((v, u))
    D.add_edges_from(sorted(pairs))
    return D


def _eigenvector(H: nx.Graph, weight: str | None, notes: list[str]) -> dict:
    """Power iteration; when it fails to converge, the scipy eigen-solver; then each component apart."""
    try:
        return nx.eigenvector_centrality(H, max_iter=EIGEN_MAX_ITER, tol=1e-06, weight=weight)
    except nx.PowerIterationFailedConvergence:
        pass
    try:
        values = nx.eigenvector_centrality_numpy(H, weight=weight, max_iter=10000, tol=1e-08)
        notes.append(f"Eigenvector: power iteration did not converge in {EIGEN_MAX_ITER} steps; the values come from "
                     "scipy's eigen-solver instead.")
        return values
    except (nx.PowerIterationFailedConvergence, nx.NetworkXException, ArithmeticError, ValueError):
        pass
    values = {}
    for comp in nx.connected_components(H):
        sub = H.subgraph(comp)
        share = len(comp) / H.number_of_nodes()
        if len(comp) < 2:
            values.update({n: 0.0 for n in comp})
            continue
        try:
            part = nx.eigenvector_centrality(sub, max_iter=5000, tol=1e-06, weight=weight)
        except nx.PowerIterationFailedConvergence:
            part = {n: 0.0 for n in comp}
        values.update({n: x * share for n, x in part.items()})
    notes.append("Eigenvector: the whole network did not converge; values were computed on each connected "
                 "group of actors apart and scaled by its share of the actors.")
    return values


def communities(H: nx.Graph, method: str = "louvain", seed: int = 42, weight: str | None = "weight") -> list[list]:
    """Communities of H, largest first, each sorted by node id; deterministic for a given seed."""
    if method == "louvain":
        found = nx.community.louvain_communities(H, weight=weight, seed=seed)
    elif method == "greedy":
        found = nx.community.greedy_modularity_communities(H, weight=weight)
    else:
        raise ValueError(f"unknown community method '{method}'; use 'louvain' or 'greedy'")
    groups = [sorted(c, key=str) for c in found]
    return sorted(groups, key=lambda c: (-len(c), str(c[0])))


def compute(G, *, sample: int | None = None, seed: int = 42, method: str = "louvain",
            progress: Progress | None = None) -> Measures:
    """Every measure of the report on G (a MultiDiGraph from graph.network, or any networkx graph).

    Direction-free measures (degree, betweenness, closeness, eigenvector, PageRank, communities) run on
    the simple undirected view; in/out-degree on the distinct directed links. Betweenness and closeness
    count steps (unweighted): a well-supported link is no shorter than another. Eigenvector, PageRank and
    communities weigh each link by the number of documents that support it.

    ``sample`` runs betweenness on ``sample`` source actors drawn with ``seed`` (networkx's ``k``)
    instead of all of them. Raises NetworkTooSmall when there is nothing to rank.
    """
    check_size(G)
    use_all_cores_for_parallel()
    if G.is_multigraph():
        H = simple_view(G)
    elif G.is_directed():
        H = simple_view(nx.MultiDiGraph(G))
    else:
        H = nx.Graph()
        H.add_nodes_from(sorted(G.nodes(data=True), key=lambda n: str(n[0])))
        H.add_edges_from((u, v, d) for u, v, d in G.edges(data=True) if u != v)
    D = _directed_simple(G)
    n = H.number_of_nodes()
    notes: list[str] = []
    if sample is not None:
        if sample < 1:
            raise ValueError("--sample must be at least 1")
        if sample >= n:
            notes.append(f"Betweenness: --sample {sample} is not smaller than the {n} actors; computed exactly.")
            sample = None
    has_weights = any("weight" in d for _, _, d in H.edges(data=True))
    weight = "weight" if has_weights else None

    steps = ["degree", "betweenness", "closeness", "eigenvector", "pagerank", "communities"]
    done = 0

    def step(name: str) -> None:
        nonlocal done
        if progress:
            progress(name, done, len(steps))
        done += 1

    values: dict[str, dict] = {}
    step("degree")
    values["degree"] = nx.degree_centrality(H)
    values["in_degree"] = nx.in_degree_centrality(D)
    values["out_degree"] = nx.out_degree_centrality(D)
    step("betweenness")
    values["betweenness"] = nx.betweenness_centrality(H, k=sample, seed=seed if sample else None,
                                                      normalized=True)
    if sample:
        notes.append(f"Betweenness is estimated from {sample} of the {n} actors as path sources "
                     f"(seed {seed}); rankings of the top actors are usually stable, small values are not.")
    step("closeness")
    if sample:
        values["closeness"] = sampled_closeness(H, sample, seed, progress=progress)
        notes.append(f"Closeness is estimated from the distances to {sample} sampled actors (seed {seed}), "
                     "as with --sample for betweenness.")
    else:
        values["closeness"] = nx.closeness_centrality(H)
    step("eigenvector")
    values["eigenvector"] = _eigenvector(H, weight, notes)
    step("pagerank")
    values["pagerank"] = nx.pagerank(H, weight=weight)
    step("communities")
    groups = communities(H, method=method, seed=seed, weight=weight)
    modularity = nx.community.modularity(H, groups, weight=weight) if H.number_of_edges() else 0.0
    if progress:
        progress("done", len(steps), len(steps))
    for name, vals in values.items():
        for node, x in vals.items():
            if not math.isfinite(x):
                vals[node] = 0.0
    claims = dict(G.degree()) if G.is_multigraph() else {v: H.degree(v) for v in H}
    # A self-loop counts twice in a multigraph's degree; a claim about oneself is still one claim.
    if G.is_multigraph():
        for u, v in G.edges():
            if u == v:
                claims[u] -= 1
    return Measures(
        values=values,
        neighbours={v: H.degree(v) for v in H},
        claims=claims,
        communities=groups,
        modularity=modularity,
        community_method=method,
        betweenness_sample=sample,
        notes=notes,
    )


def sampled_closeness(H: nx.Graph, k: int, seed: int, progress: Progress | None = None) -> dict:
    """Closeness estimated from breadth-first searches out of ``k`` sampled actors.

    In an undirected graph the distance from a source to v is the distance from v to the source, so the
    mean distance from v to the sampled sources of its connected group estimates v's mean distance to
    everyone in it (Eppstein and Wang, 2004). The Wasserman-Faust scaling networkx applies to closeness
    uses the exact group sizes. An actor whose group holds no sampled source but itself is measured
    exactly (one search from it, cheap: such groups are small).
    """
    import random

    nodes = list(H.nodes)
    sources = random.Random(seed).sample(nodes, k)
    total = dict.fromkeys(nodes, 0)
    hits = dict.fromkeys(nodes, 0)
    for i, s in enumerate(sources):
        if progress and i % max(1, k // 20) == 0:
            progress(f"closeness {i}/{k}", 2, 6)
        for v, d in nx.single_source_shortest_path_length(H, s).items():
            if v != s:
                total[v] += d
                hits[v] += 1
    n = len(nodes)
    size = {v: len(c) for c in nx.connected_components(H) for v in c}
    out = {}
    for v in nodes:
        reach = size[v] - 1
        if reach == 0 or n == 1:
            out[v] = 0.0
            continue
        if hits[v]:
            mean = total[v] / hits[v]
        else:
            mean = sum(nx.single_source_shortest_path_length(H, v).values()) / reach
        out[v] = (1.0 / mean) * (reach / (n - 1))
    return out


BROKER_HUB_QUANTILE = 0.9  # actors linked to more others than 90% of actors are hubs, not brokers


def brokers(m: Measures) -> list:
    """Actors with high betweenness for few links: on shortest paths between others, yet not hubs.

    Hubs are the actors with more distinct links than ``BROKER_HUB_QUANTILE`` of all actors (nearest-rank
    percentile). The others with betweenness above zero are ranked by betweenness per link.
    """
    counts = sorted(m.neighbours.values())
    if not counts:
        return []
    cut = counts[max(0, math.ceil(BROKER_HUB_QUANTILE * len(counts)) - 1)]
    bt = m.values["betweenness"]
    candidates = [v for v in bt if bt[v] > 0 and m.neighbours[v] <= cut]
    return sorted(candidates, key=lambda v: (-round(broker_score(m, v), 12), -round(bt[v], 12), str(v)))


def broker_score(m: Measures, v) -> float:
    return m.values["betweenness"][v] / max(m.neighbours[v], 1)


def rank(values: dict, nodes=None, labels: dict | None = None) -> list:
    """Nodes by value, highest first; ties by label (when given), then id, so the order never depends on the run.

    Values are compared at 12 decimals: sums of floats in another order must not reorder equal actors.
    """
    items = values if nodes is None else {v: values[v] for v in nodes}
    labels = labels or {}
    return sorted(items, key=lambda v: (-round(items[v], 12), str(labels.get(v, "")).casefold(), str(v)))


def use_all_cores_for_parallel() -> bool:
    """When the nx-parallel backend is chosen (NETWORKX_BACKEND_PRIORITY=parallel) but left unconfigured,
    let it use every core: nx-parallel otherwise runs its parallel code on one joblib worker.

    A configuration the user set (``nx.config.backends.parallel.active = True``) is left alone.
    Returns whether the parallel backend is active.
    """
    import os

    priority = getattr(nx.config, "backend_priority", None)
    wanted = "parallel" in os.environ.get("NETWORKX_BACKEND_PRIORITY", "") or "parallel" in list(
        getattr(priority, "algos", None) or [])
    backends = getattr(nx.config, "backends", None)
    cfg = getattr(backends, "parallel", None) if backends is not None else None
    if not wanted or cfg is None:
        return False
    if not cfg.active:
        cfg.active = True
        if cfg.n_jobs is None:
            cfg.n_jobs = -1
    return True


def backends_installed() -> list[str]:
    """networkx backends installed in this environment (e.g. 'parallel', 'cugraph')."""
    from networkx.utils.backends import backend_info

    return sorted(name for name in backend_info if name != "networkx")
