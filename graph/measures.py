"""Centrality, brokers and communities of a network: networkx, or igraph and scipy on large networks."""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
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

ENGINES = ("auto", "networkx", "igraph")
FAST_FROM = 1000
"""With engine "auto", networks of at least this many actors are measured through igraph and scipy (when
igraph is installed): on 10^4 actors networkx takes minutes where igraph takes seconds. Smaller networks go
through networkx, the reference the fast engine is tested against."""

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
    engine: str = "networkx"  # "networkx", or "igraph" (igraph and scipy; see compute)
    components: list[int] = field(default_factory=list)  # sizes of the connected groups, largest first
    links: int = 0  # distinct pairs of actors linked (edges of the simple view)


def check_size(G) -> None:
    """Raise NetworkTooSmall with a readable reason when G has nothing to rank."""
    if G.number_of_nodes() == 0:
        raise NetworkTooSmall("the network is empty: no claim links two actors (check --as-of and --type, "
                              "or build with more sources)")
    if not any(u != v for u, v in G.edges()):  # one link between two different actors is enough
        label = next(iter(G.nodes))
        raise NetworkTooSmall(f"the network has {G.number_of_nodes()} actor(s) ({label!s}) and no link between "
                              "two different actors; centrality needs at least one")


def in_out_degree(G, nodes: list) -> tuple[dict, dict]:
    """In- and out-degree centrality over the distinct directed links of G, without self-loops.

    The same values as ``nx.in_degree_centrality`` / ``out_degree_centrality`` of that simple directed
    graph (an undirected input counts each link in both directions), without building it.
    """
    pairs = {(u, v) for u, v in G.edges() if u != v}
    if not G.is_directed():
        pairs |= {(v, u) for u, v in pairs}
    n = len(nodes)
    if n <= 1:
        return dict.fromkeys(nodes, 1), dict.fromkeys(nodes, 1)
    s = 1.0 / (n - 1.0)
    ins, outs = Counter(v for _, v in pairs), Counter(u for u, _ in pairs)
    return {v: ins.get(v, 0) * s for v in nodes}, {v: outs.get(v, 0) * s for v in nodes}


def _nx_power(H: nx.Graph, weight: str | None, max_iter: int) -> dict:
    return nx.eigenvector_centrality(H, max_iter=max_iter, tol=1e-06, weight=weight)


def _eigenvector(H: nx.Graph, weight: str | None, notes: list[str], power=_nx_power) -> dict:
    """Power iteration; when it fails to converge, the scipy eigen-solver; then each component apart.

    ``power(H, weight, max_iter)`` runs the power iteration (networkx's, or FastGraph.power_iteration).
    """
    try:
        return power(H, weight, EIGEN_MAX_ITER)
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
            part = power(sub, weight, 5000)
        except nx.PowerIterationFailedConvergence:
            part = {n: 0.0 for n in comp}
        values.update({n: x * share for n, x in part.items()})
    notes.append("Eigenvector: the whole network did not converge; values were computed on each connected "
                 "group of actors apart and scaled by its share of the actors.")
    return values


def _sorted_groups(found) -> list[list]:
    groups = [sorted(c, key=str) for c in found]
    return sorted(groups, key=lambda c: (-len(c), str(c[0])))


def communities(H: nx.Graph, method: str = "louvain", seed: int = 42, weight: str | None = "weight") -> list[list]:
    """Communities of H, largest first, each sorted by node id; deterministic for a given seed."""
    if method == "louvain":
        found = nx.community.louvain_communities(H, weight=weight, seed=seed)
    elif method == "greedy":
        found = nx.community.greedy_modularity_communities(H, weight=weight)
    else:
        raise ValueError(f"unknown community method '{method}'; use 'louvain' or 'greedy'")
    return _sorted_groups(found)


def igraph_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("igraph") is not None


def pick_engine(engine: str, n: int) -> str:
    """The engine that measures a network of n actors: "networkx" or "igraph" (see FAST_FROM)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine '{engine}'; use one of {', '.join(ENGINES)}")
    if engine == "networkx":
        return "networkx"
    if engine == "igraph":
        if not igraph_installed():
            raise ValueError("--engine igraph needs the igraph package: pip install igraph")
        return "igraph"
    return "igraph" if n >= FAST_FROM and igraph_installed() else "networkx"


def sample_sources(nodes: list, k: int, seed: int) -> list:
    """The k actors sampled as path sources: those networkx's betweenness_centrality(k, seed) draws."""
    return random.Random(seed).sample(list(nodes), k)


class FastGraph:
    """The simple undirected view H as an igraph graph and a scipy adjacency matrix, built once.

    Each method gives the value networkx gives on H (tests/test_measures_engines.py checks them against
    networkx on known graphs); node i of igraph is ``nodes[i]``, the order of H.
    """

    def __init__(self, H: nx.Graph, weight: str | None):
        import igraph
        import numpy as np
        import scipy.sparse

        self.nodes = list(H.nodes)
        self.index = {v: i for i, v in enumerate(self.nodes)}
        pairs = [(self.index[u], self.index[v]) for u, v in H.edges()]
        self.g = igraph.Graph(n=len(self.nodes), edges=pairs, directed=False)
        self.weights = [d.get(weight, 1) for _, _, d in H.edges(data=True)] if weight else None
        ends = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        w = np.array(self.weights if weight else [1] * len(pairs), dtype=float)
        rows, cols = np.concatenate([ends[:, 0], ends[:, 1]]), np.concatenate([ends[:, 1], ends[:, 0]])
        n = len(self.nodes)
        self.adjacency = scipy.sparse.csr_array((np.concatenate([w, w]), (rows, cols)), shape=(n, n))
        components = self.g.connected_components().membership
        sizes = Counter(components)
        self.component = components
        self.reach = np.array([sizes[c] - 1 for c in components], dtype=float)  # others each actor can reach

    def _values(self, xs) -> dict:
        return dict(zip(self.nodes, (float(x) for x in xs)))

    def betweenness(self, sources: list | None) -> dict:
        """networkx's normalised betweenness, exact (sources None) or from the given sampled sources."""
        n = len(self.nodes)
        if sources is None:
            raw = self.g.betweenness(directed=False)
        else:
            raw = self.g.betweenness(directed=False, sources=[self.index[s] for s in sources])
        # igraph counts each unordered pair {s, t} once; networkx accumulates ordered pairs (s, t), each
        # twice in an undirected graph, and rescales that (networkx.algorithms.centrality.betweenness._rescale).
        acc = [2.0 * b for b in raw]
        N = n - 1
        if N < 2:
            return self._values(acc)
        if sources is None:
            scale = 1 / (N * (N - 1))
            return self._values(b * scale for b in acc)
        k = len(sources)
        scale_source = 1 / ((k - 1) * (N - 1)) if k > 1 else math.nan
        scale_other = 1 / (k * (N - 1))
        chosen = {self.index[s] for s in sources}
        return self._values(b * (scale_source if i in chosen else scale_other) for i, b in enumerate(acc))

    def closeness(self) -> dict:
        """networkx's closeness_centrality (Wasserman-Faust scaling), exact."""
        n = len(self.nodes)
        inner = self.g.closeness(mode="all", normalized=True)  # 1 / mean distance to the reachable actors
        return self._values(0.0 if r == 0 or n == 1 or not math.isfinite(c) else c * (r / (n - 1))
                            for c, r in zip(inner, self.reach))

    def sampled_closeness(self, sources: list, progress: Progress | None = None) -> dict:
        """The estimator of ``sampled_closeness`` (same sources, same arithmetic), breadth-first in igraph."""
        import numpy as np

        n = len(self.nodes)
        total = np.zeros(n, dtype=np.int64)
        hits = np.zeros(n, dtype=np.int64)
        idx = [self.index[s] for s in sources]
        for start in range(0, len(idx), CLOSENESS_BATCH):
            if progress:
                progress(f"closeness {start}/{len(idx)}", 2, 6)
            dist = np.array(self.g.distances(source=idx[start:start + CLOSENESS_BATCH], mode="all"), dtype=float)
            seen = np.isfinite(dist) & (dist > 0)
            total += np.where(seen, dist, 0).sum(axis=0).astype(np.int64)
            hits += seen.sum(axis=0)
        out = np.zeros(n, dtype=float)
        sampled = (hits > 0) & (self.reach > 0)
        mean = total[sampled] / hits[sampled]
        if n > 1:
            out[sampled] = (1.0 / mean) * (self.reach[sampled] / (n - 1))
        # An actor whose connected group holds no sampled source but itself is measured exactly, as in
        # sampled_closeness; breadth-first inside its group, so that many small groups cost little.
        left = np.flatnonzero(~sampled & (self.reach > 0))
        if len(left):
            members: dict[int, list[int]] = defaultdict(list)
            for i, c in enumerate(self.component):
                members[c].append(i)
            todo: dict[int, list[int]] = defaultdict(list)
            for i in left.tolist():
                todo[self.component[i]].append(i)
            for group, actors in sorted(todo.items()):
                whole = members[group]
                sub = self.g.induced_subgraph(whole)
                position = {v: j for j, v in enumerate(whole)}
                for start in range(0, len(actors), CLOSENESS_BATCH):
                    batch = actors[start:start + CLOSENESS_BATCH]
                    for i, dist in zip(batch, sub.distances(source=[position[i] for i in batch], mode="all")):
                        mean = sum(dist) / self.reach[i]  # everyone in the group is reachable
                        out[i] = (1.0 / mean) * (self.reach[i] / (n - 1))
        return self._values(out)

    def power_iteration(self, H: nx.Graph, weight: str | None, max_iter: int) -> dict:
        """networkx's eigenvector_centrality (power iteration on A + I from the uniform vector, L1 test),
        vectorised; on a subgraph of H (the per-group fallback) it runs networkx's own."""
        import numpy as np

        if H.number_of_nodes() != len(self.nodes):
            return _nx_power(H, weight, max_iter)
        n = len(self.nodes)
        x = np.full(n, 1.0 / n)
        for _ in range(max_iter):
            last = x
            x = last + self.adjacency @ last
            norm = float(np.linalg.norm(x)) or 1.0
            x = x / norm
            if float(np.abs(x - last).sum()) < n * 1e-06:
                return self._values(x)
        raise nx.PowerIterationFailedConvergence(max_iter)

    def pagerank(self, alpha: float = 0.85, max_iter: int = 100, tol: float = 1e-06) -> dict:
        """networkx's pagerank (its scipy power iteration, same defaults) on the adjacency built here."""
        import numpy as np
        import scipy.sparse

        n = len(self.nodes)
        A = self.adjacency
        S = A.sum(axis=1)
        S[S != 0] = 1.0 / S[S != 0]
        A = scipy.sparse.dia_array((S.T, 0), shape=A.shape).tocsr() @ A
        x = np.repeat(1.0 / n, n)
        p = np.repeat(1.0 / n, n)
        dangling = np.where(S == 0)[0]
        for _ in range(max_iter):
            last = x
            x = alpha * (x @ A + sum(x[dangling]) * p) + (1 - alpha) * p
            if np.absolute(x - last).sum() < n * tol:
                return self._values(x)
        raise nx.PowerIterationFailedConvergence(max_iter)

    def component_sizes(self) -> list[int]:
        return sorted(Counter(self.component).values(), reverse=True)

    def communities(self, method: str, seed: int) -> tuple[list[list], float]:
        """igraph's multilevel (Louvain) or fast greedy (Clauset-Newman-Moore) communities and their modularity.

        igraph draws its random numbers from a Python generator; a fresh one seeded with ``seed`` makes the
        result the same on every run.
        """
        import igraph

        igraph.set_random_number_generator(random.Random(seed))
        try:
            if method == "louvain":
                membership = self.g.community_multilevel(weights=self.weights).membership
            elif method == "greedy":
                membership = self.g.community_fastgreedy(weights=self.weights).as_clustering().membership
            else:
                raise ValueError(f"unknown community method '{method}'; use 'louvain' or 'greedy'")
        finally:
            igraph.set_random_number_generator(random)
        modularity = self.g.modularity(membership, weights=self.weights) if self.g.ecount() else 0.0
        found: dict[int, list] = defaultdict(list)
        for i, c in enumerate(membership):
            found[c].append(self.nodes[i])
        return _sorted_groups(found.values()), float(modularity)


CLOSENESS_BATCH = 32  # sampled sources per igraph distances call: 32 x 10^5 distances at a time


def compute(G, *, sample: int | None = None, seed: int = 42, method: str = "louvain",
            progress: Progress | None = None, engine: str = "auto") -> Measures:
    """Every measure of the report on G (a MultiDiGraph from graph.network, or any networkx graph).

    Direction-free measures (degree, betweenness, closeness, eigenvector, PageRank, communities) run on
    the simple undirected view; in/out-degree on the distinct directed links. Betweenness and closeness
    count steps (unweighted): a well-supported link is no shorter than another. Eigenvector, PageRank and
    communities weigh each link by the number of documents that support it.

    ``sample`` runs betweenness on ``sample`` source actors drawn with ``seed`` (networkx's ``k``)
    instead of all of them. Raises NetworkTooSmall when there is nothing to rank.

    ``engine`` ("auto", "networkx", "igraph"; see ``pick_engine``) chooses how the heavy measures are
    computed; G stays a networkx graph either way. With "igraph", betweenness, closeness and communities
    run in igraph's C core and the eigenvector and PageRank power iterations in scipy, on copies of the
    simple view made once; betweenness and closeness use the same sampled sources and the same formulas as networkx, so
    they agree with networkx to rounding; Louvain is igraph's multilevel algorithm, which finds a
    partition of the same quality but not always the same one.
    """
    check_size(G)
    use_all_cores_for_parallel()
    if G.is_multigraph():
        H = simple_view(G, node_data=False)
    elif G.is_directed():
        H = simple_view(nx.MultiDiGraph(G), node_data=False)
    else:
        H = nx.Graph()
        H.add_nodes_from(sorted(G.nodes(data=True), key=lambda n: str(n[0])))
        H.add_edges_from((u, v, d) for u, v, d in G.edges(data=True) if u != v)
    n = H.number_of_nodes()
    why = f"at least {FAST_FROM}" if engine == "auto" else "--engine igraph"
    engine = pick_engine(engine, n)
    notes: list[str] = []
    if sample is not None:
        if sample < 1:
            raise ValueError("--sample must be at least 1")
        if sample >= n:
            notes.append(f"Betweenness: --sample {sample} is not smaller than the {n} actors; computed exactly.")
            sample = None
    has_weights = any("weight" in d for _, _, d in H.edges(data=True))
    weight = "weight" if has_weights else None
    fast = FastGraph(H, weight) if engine == "igraph" else None

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
    values["in_degree"], values["out_degree"] = in_out_degree(G, list(H.nodes))
    step("betweenness")
    sources = sample_sources(H.nodes, sample, seed) if sample else None
    if fast:
        values["betweenness"] = fast.betweenness(sources)
    else:
        values["betweenness"] = nx.betweenness_centrality(H, k=sample, seed=seed if sample else None,
                                                          normalized=True)
    if sample:
        notes.append(f"Betweenness is estimated from {sample} of the {n} actors as path sources "
                     f"(seed {seed}): the shortest paths from those actors are counted and scaled up to "
                     f"all pairs (networkx's k-source estimator). Rankings of the top actors are usually "
                     f"stable; small values, and the order among actors with small values, are not.")
    step("closeness")
    if sample:
        if fast:
            values["closeness"] = fast.sampled_closeness(sources, progress=progress)
        else:
            values["closeness"] = sampled_closeness(H, sample, seed, progress=progress)
        notes.append(f"Closeness is estimated from the distances to the same {sample} sampled actors "
                     f"(seed {seed}): an actor's mean distance to them stands for its mean distance to "
                     f"everyone it can reach.")
    else:
        values["closeness"] = fast.closeness() if fast else nx.closeness_centrality(H)
    step("eigenvector")
    values["eigenvector"] = _eigenvector(H, weight, notes, power=fast.power_iteration if fast else _nx_power)
    step("pagerank")
    values["pagerank"] = fast.pagerank() if fast else nx.pagerank(H, weight=weight)
    step("communities")
    if fast:
        groups, modularity = fast.communities(method, seed)
    else:
        groups = communities(H, method=method, seed=seed, weight=weight)
        modularity = nx.community.modularity(H, groups, weight=weight) if H.number_of_edges() else 0.0
    if fast:
        algorithm = "multilevel (Louvain)" if method == "louvain" else "fast greedy (Clauset-Newman-Moore)"
        notes.append(f"Computed with igraph {_igraph_version()} for the {n} actors ({why}): "
                     f"betweenness and closeness by the same formulas as networkx, eigenvector centrality and "
                     f"PageRank by networkx's power iterations run on a scipy matrix, communities by igraph's "
                     f"{algorithm} algorithm (seed {seed}), which may group actors differently from "
                     f"networkx's.")
    if progress:
        progress("done", len(steps), len(steps))
    for name, vals in values.items():
        for node, x in vals.items():
            if not math.isfinite(x):
                vals[node] = 0.0
    claims = dict(G.degree()) if G.is_multigraph() else {v: H.degree(v) for v in H}
    # A self-loop counts twice in a multigraph's degree; a claim about oneself is still one claim.
    if G.is_multigraph():
        for u, _ in nx.selfloop_edges(G):
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
        engine=engine,
        components=fast.component_sizes() if fast else sorted(map(len, nx.connected_components(H)), reverse=True),
        links=H.number_of_edges(),
    )


def _igraph_version() -> str:
    import igraph

    return igraph.__version__


def sampled_closeness(H: nx.Graph, k: int, seed: int, progress: Progress | None = None) -> dict:
    """Closeness estimated from breadth-first searches out of ``k`` sampled actors.

    In an undirected graph the distance from a source to v is the distance from v to the source, so the
    mean distance from v to the sampled sources of its connected group estimates v's mean distance to
    everyone in it (Eppstein and Wang, 2004). The Wasserman-Faust scaling networkx applies to closeness
    uses the exact group sizes. An actor whose group holds no sampled source but itself is measured
    exactly (one search from it, cheap: such groups are small). The sources are ``sample_sources``'s,
    those of sampled betweenness.
    """
    nodes = list(H.nodes)
    sources = sample_sources(nodes, k, seed)
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
