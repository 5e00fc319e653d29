"""Time the network report on synthetic power-law actor networks of 10^3, 10^4 and 10^5 actors, against networkx."""

# Each size is written as a real build (N-Quads in the build's shape, bulk-loaded into an Oxigraph store),
# then reported through the same code as `rightsgraph report`: projection, measures, the four formats.
# Every report runs twice in the same run: as `rightsgraph report` runs it (--engine auto: igraph and scipy
# from 1,000 actors up) and with every measure in networkx (--engine networkx), the baseline; the ratio
# of the two is printed. A baseline still running after --baseline-timeout seconds is stopped and shown
# as ">T". Every measurement runs in its own process, so its peak memory (ru_maxrss) is its own.
#
#   python bench/bench_network.py                       # 10^3, 10^4, 10^5; exact betweenness up to 10^4
#   python bench/bench_network.py --sizes 1000,3000 --exact-max 3000 --sample 200
#   python bench/bench_network.py --sizes 100000 --exact-max 0 --baseline-timeout 120
#   python bench/bench_network.py --with-env NETWORKX_BACKEND_PRIORITY=parallel   # a backend vs plain networkx
#
# Exact betweenness and exact closeness visit every actor from every actor (O(n*m)); on 10^5 actors that is
# hours in networkx, so above --exact-max only the sampled report (--sample K sources) runs.

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TYPES = [("Person", 60), ("PersonGroup", 8), ("PoliticalParty", 4), ("Court", 3), ("NGO", 5),
         ("GovernmentBody", 4), ("Prison", 2), ("Charge", 4), ("Arrest", 4), ("Trial", 3), ("PublicStatement", 3)]
PREDICATES = ["memberOf", "criticizes", "participantIn", "accusedBy", "condemnedBy", "worksFor"]


def synthetic_edges(n: int, seed: int) -> list[tuple[int, int]]:
    """A power-law network with clustering, like co-defendant and membership networks (Holme-Kim model)."""
    import networkx as nx

    G = nx.powerlaw_cluster_graph(n, 2, 0.3, seed=seed)
    return sorted(G.edges())


def write_build(n: int, seed: int, out: Path) -> dict:
    """N-Quads in the shape `rightsgraph build` writes, bulk-loaded into an Oxigraph store under out/."""
    import pyoxigraph

    rng = random.Random(seed)
    base = "https://w3id.org/rightsgraph/"
    rg = "https://w3id.org/rightsgraph/ns#"
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    xsd = "http://www.w3.org/2001/XMLSchema#"
    kinds, weights = zip(*TYPES)
    docs = [(f"<{base}doc/d{i:04d}>", f"{2010 + i % 12}-{1 + i % 12:02d}-{1 + i % 28:02d}") for i in range(200)]
    out.mkdir(parents=True, exist_ok=True)
    nq = out / "graph.nq"
    edges = synthetic_edges(n, seed)
    with open(nq, "w", encoding="utf-8") as f:
        for i in range(n):
            e = f"<{base}id/a{i:06d}>"
            f.write(f"{e} {rdf_type} <{rg}{rng.choices(kinds, weights)[0]}> .\n")
            f.write(f'{e} {label} "Actor {i}" .\n')
        for d, date in docs:
            f.write(f'{d} <http://purl.org/dc/terms/date> "{date}"^^<{xsd}date> .\n')
        claims = [(u, v) for u, v in edges] + [(u, v) for u, v in edges if rng.random() < 0.1]
        for c, (u, v) in enumerate(claims):
            claim = f"<{base}claim/c{c:07d}>"
            s, o = f"<{base}id/a{u:06d}>", f"<{base}id/a{v:06d}>"
            f.write(f"{s} <{rg}{rng.choice(PREDICATES)}> {o} {claim} .\n")
            support = rng.choices([1, 2, 3], [75, 20, 5])[0]
            f.write(f"{claim} {rdf_type} <{rg}Claim> .\n")
            f.write(f'{claim} <{rg}supportCount> "{support}"^^<{xsd}integer> .\n')
            for d, _ in rng.sample(docs, support):
                f.write(f"{claim} <http://www.w3.org/ns/prov#wasDerivedFrom> {d} .\n")
            if rng.random() < 0.5:
                f.write(f'{claim} <{rg}date> "{2010 + c % 12}-{1 + c % 12:02d}-{1 + c % 28:02d}"^^<{xsd}date> .\n')
    store = pyoxigraph.Store(str(out / "store"))
    store.bulk_load(path=str(nq), format=pyoxigraph.RdfFormat.N_QUADS)
    store.flush()
    del store
    (out / "manifest.json").write_text(json.dumps({"synthetic": n}) + "\n")
    return {"actors": n, "links": len(edges), "claims": len(claims)}


def one_report(build_dir: Path, sample: int | None, seed: int, top: int, html: bool = True,
               engine: str = "auto") -> dict:
    """One full report as `rightsgraph report` runs it, timed stage by stage."""
    from graph.network import project
    from graph.report import build_report, render
    from graph.store import open_store

    times: dict[str, float] = {}
    t0 = time.perf_counter()
    G = project(open_store(build_dir))
    times["projection"] = time.perf_counter() - t0
    marks: list[tuple[str, float]] = []

    def progress(step: str, done: int, total: int) -> None:
        if not step.startswith("closeness "):  # the sampled closeness loop reports its own sub-steps
            marks.append((step, time.perf_counter()))

    t1 = time.perf_counter()
    report = build_report(G, top=top, sample=sample, seed=seed, progress=progress, engine=engine)
    times["measures"] = time.perf_counter() - t1
    for (step, start), (_, end) in zip(marks, marks[1:]):
        times[step] = end - start
    for fmt in ("md", "html", "csv", "json") if html else ("md", "csv", "json"):
        t = time.perf_counter()
        render(report, fmt)
        times[f"render {fmt}"] = time.perf_counter() - t
    times["total"] = time.perf_counter() - t0
    return {"times": times, "actors": G.number_of_nodes(), "claims": G.number_of_edges(),
            "engine": report["network"]["engine"], "modularity": report["network"]["modularity"],
            "rankings": report["rankings"],
            "top_betweenness": [r for r in report["rankings"]["betweenness"]],
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


STEPS = ("degree", "betweenness", "closeness", "eigenvector", "pagerank", "communities")


def show(mode: str, r: dict | None, timeout: float | None = None) -> None:
    if r is None:
        print(f"  {mode:<17} report {'>' + format(timeout, 'g') + 's':>9}  (stopped at --baseline-timeout)", flush=True)
        return
    t = r["times"]
    other = t["measures"] - sum(t.get(k, 0.0) for k in STEPS)
    print(f"  {mode:<17} report {t['total']:8.1f}s  peak {r['peak_rss_mib']:6.0f} MiB | projection "
          f"{t['projection']:.1f}s, degree {t['degree']:.1f}s, betweenness {t['betweenness']:.1f}s, closeness "
          f"{t['closeness']:.1f}s, eigenvector {t['eigenvector']:.1f}s, pagerank {t['pagerank']:.1f}s, communities "
          f"{t['communities']:.1f}s, views and ranking {other:.1f}s, render md/html/csv/json {t['render md']:.2f}/"
          f"{t.get('render html', float('nan')):.2f}/{t['render csv']:.2f}/{t['render json']:.2f}s", flush=True)


def child(args: list[str], env: dict | None = None, timeout: float | None = None) -> dict | None:
    """Run one step of the benchmark in a fresh process; None when it ran past ``timeout`` seconds."""
    try:
        proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                              env={**os.environ, **(env or {})}, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"bench step {' '.join(args)} failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def compare(ours: dict, base: dict | None, timeout: float, top: int) -> str:
    """One line: how much faster than networkx, and whether the rankings are the same."""
    if base is None:
        return (f"    networkx / ours: whole report >{timeout / ours['times']['total']:.1f}x "
                f"(networkx stopped after {timeout:g}s)")
    t, b = ours["times"], base["times"]
    same = [name for name in ours["rankings"] if ours["rankings"][name] == base["rankings"][name]]
    shared = len(set(ours["top_betweenness"]) & set(base["top_betweenness"]))
    return (f"    networkx / ours: whole report {b['total'] / t['total']:.1f}x, measures "
            f"{b['measures'] / t['measures']:.1f}x (betweenness {b['betweenness'] / t['betweenness']:.1f}x, "
            f"closeness {b['closeness'] / t['closeness']:.1f}x, eigenvector {b['eigenvector'] / t['eigenvector']:.1f}x, "
            f"communities {b['communities'] / t['communities']:.1f}x); same top-{top} rankings: "
            f"{len(same)}/{len(ours['rankings'])} measures (betweenness shares {shared}/{top}); modularity "
            f"{ours['modularity']:.3f} (igraph) vs {base['modularity']:.3f} (networkx)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--exact-max", type=int, default=10000, help="largest size for exact betweenness/closeness")
    ap.add_argument("--sample", type=int, default=300, help="K sampled sources for the sampled report")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--baseline-timeout", type=float, default=900,
                    help="stop the networkx-only baseline report after this many seconds (shown as '>T')")
    ap.add_argument("--no-baseline", action="store_true", help="time only the report as rightsgraph runs it")
    ap.add_argument("--with-env", metavar="VAR=VALUE", default=None,
                    help="also run every networkx report with this environment variable (e.g. "
                         "NETWORKX_BACKEND_PRIORITY=parallel) and print the ratio to the plain run")
    ap.add_argument("--no-html", action="store_true",
                    help="skip the HTML format (for machines without matplotlib)")
    ap.add_argument("--make", nargs=2, metavar=("N", "DIR"), help=argparse.SUPPRESS)
    ap.add_argument("--report", metavar="DIR", help=argparse.SUPPRESS)
    ap.add_argument("--k", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--engine", default="auto", help=argparse.SUPPRESS)
    a = ap.parse_args()

    if a.make:
        t = time.perf_counter()
        info = write_build(int(a.make[0]), a.seed, Path(a.make[1]))
        info["seconds"] = time.perf_counter() - t
        info["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(info))
        return
    if a.report:
        print(json.dumps(one_report(Path(a.report), a.k or None, a.seed, a.top, html=not a.no_html,
                                    engine=a.engine)))
        return

    import networkx as nx

    from graph.measures import FAST_FROM, backends_installed, igraph_installed

    sizes = [int(s) for s in a.sizes.split(",")]
    ig = "igraph " + __import__("igraph").__version__ if igraph_installed() else "no igraph"
    print(f"networkx {nx.__version__}; {ig}; backends: {', '.join(backends_installed()) or 'none'}; "
          f"NETWORKX_BACKEND_PRIORITY={os.environ.get('NETWORKX_BACKEND_PRIORITY', '')!r}; "
          f"{os.cpu_count()} CPUs; sampled runs use K={a.sample}; 'ours' is --engine auto (igraph from "
          f"{FAST_FROM} actors), the baseline --engine networkx (stopped after {a.baseline_timeout:g}s)")
    results = []
    with tempfile.TemporaryDirectory(prefix="rg-bench-") as tmp:
        for n in sizes:
            build_dir = Path(tmp) / f"n{n}"
            made = child(["--make", str(n), str(build_dir), "--seed", str(a.seed)])
            print(f"\n== {n} actors, {made['links']} linked pairs, {made['claims']} claims "
                  f"(store written in {made['seconds']:.1f}s, peak {made['peak_rss_mib']:.0f} MiB)", flush=True)
            row = {"n": n, "made": made}
            for mode in (["exact"] if n <= a.exact_max else []) + ["sampled"]:
                k = None if mode == "exact" else a.sample
                args = ["--report", str(build_dir), "--k", str(k or 0), "--seed", str(a.seed),
                        "--top", str(a.top)] + (["--no-html"] if a.no_html else [])
                r = child(args + ["--engine", "auto"])
                row[mode] = r
                show(f"{mode} ours ({r['engine']})", r)
                if not a.no_baseline:
                    base = child(args + ["--engine", "networkx"], timeout=a.baseline_timeout)
                    row[f"{mode} networkx"] = base
                    show(f"{mode} networkx", base, a.baseline_timeout)
                    print(compare(r, base, a.baseline_timeout, a.top), flush=True)
                if a.with_env:
                    var, _, value = a.with_env.partition("=")
                    plain = row.get(f"{mode} networkx") or child(args + ["--engine", "networkx"])
                    rb = child(args + ["--engine", "networkx"], env={var: value})
                    show(f"{mode} with {a.with_env}", rb)
                    print(f"    with {a.with_env}: betweenness "
                          f"{plain['times']['betweenness'] / rb['times']['betweenness']:.2f}x, whole report "
                          f"{plain['times']['total'] / rb['times']['total']:.2f}x as fast as plain networkx; "
                          f"same top-{a.top} betweenness: {plain['top_betweenness'] == rb['top_betweenness']}")
            if "exact" in row:
                e, s = row["exact"], row["sampled"]
                overlap = len(set(e["top_betweenness"]) & set(s["top_betweenness"]))
                print(f"  ours, sampled / exact: betweenness {e['times']['betweenness'] / s['times']['betweenness']:.1f}x "
                      f"faster, whole report {e['times']['total'] / s['times']['total']:.1f}x faster; "
                      f"top-{a.top} betweenness shared: {overlap}/{a.top}")
            results.append(row)
    base = results[0]
    print(f"\nScaling of our report against {base['n']} actors (same run):")
    for row in results:
        mult = row["n"] / base["n"]
        parts = []
        for mode in ("exact", "sampled"):
            if mode in row and mode in base:
                parts.append(f"{mode} report {row[mode]['times']['total'] / base[mode]['times']['total']:.1f}x time, "
                             f"{row[mode]['peak_rss_mib'] / base[mode]['peak_rss_mib']:.1f}x memory")
        print(f"  {row['n']:>7} actors ({mult:g}x): " + "; ".join(parts))


if __name__ == "__main__":
    main()
