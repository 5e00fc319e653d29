"""Time each named question on a build: embedded Oxigraph against rdflib's in-memory engine on the same N-Quads.

    python bench/bench_sparql.py                          # the bundled CNRP corpus (built in a temp dir)
    python bench/bench_sparql.py --build /tmp/sq/build    # an existing build, e.g. of `rightsgraph synth`
    python bench/bench_sparql.py --build B --repeat 5 --rdflib-timeout 30

Prints, per question, the rows, Oxigraph's median latency, rdflib's median latency and the ratio rdflib /
Oxigraph, all measured in the same run. On a synthetic build the parameters are real values read from the
build by queries: the worst case (the most-connected person, court and party; the most frequent relation),
and, on Oxigraph only, the typical case: --sample parameter sets drawn at random (seeded) from the people,
courts, parties and relations that claims name, each question's median and slowest over them.
rdflib runs in a child process: queries that run past --rdflib-timeout are stopped and shown as '>T s', and
graphs above --rdflib-max-quads are not loaded into rdflib at all (it needs about 1.3 kB of memory per quad).
bench/run.py calls measure_questions() for each corpus size.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph import sparql  # noqa: E402
from graph.store import open_store, select  # noqa: E402
from sources.text import name_key  # noqa: E402

RDFLIB_MAX_QUADS = 3_000_000
PARSE_TIMEOUT = 1800.0

# Real values from the build, each the worst case for its question: the entity with the most claims.
_PICK = {
    "person": """SELECT ?v WHERE { { SELECT ?x (COUNT(*) AS ?n) WHERE {
                   { GRAPH ?c { ?x ?p ?o } } UNION { GRAPH ?c { ?o ?p ?x } } ?x a rg:Person }
                 GROUP BY ?x ORDER BY DESC(?n) LIMIT 1 } ?x rdfs:label ?v }""",
    "court_name": """SELECT ?v WHERE { { SELECT ?x (COUNT(*) AS ?n) WHERE { GRAPH ?c { ?d rg:triedBy ?x } }
                     GROUP BY ?x ORDER BY DESC(?n) LIMIT 1 } ?x rdfs:label ?v }""",
    "party": """SELECT ?v WHERE { { SELECT ?x (COUNT(*) AS ?n) WHERE { GRAPH ?c { ?m rg:memberOf ?x } }
                GROUP BY ?x ORDER BY DESC(?n) LIMIT 1 } ?x rdfs:label ?v }""",
    "relation": """SELECT ?v WHERE { { SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?c { ?s ?p ?o } FILTER(?p != rg:date) }
                   GROUP BY ?p ORDER BY DESC(?n) LIMIT 1 } BIND(STRAFTER(STR(?p), STR(rg:)) AS ?v) }""",
}


def pick_params(store) -> dict[str, str]:
    """Parameter values read from the build; a question keeps its default where the build has no value."""
    out = {}
    for key, query in _PICK.items():
        rows = select(store, query)
        if rows and rows[0]["v"]:
            out[key] = str(rows[0]["v"])
    if "person" in out:
        out["actor"] = out["person"]
    if "relation" in out:
        out["predicate"] = out["relation"]
    return out


# What a user asks about, for the typical case: entities of the parameter's kind that claims name.
_SAMPLE = {
    "person": "SELECT DISTINCT ?x WHERE { ?x a rg:Person . FILTER EXISTS { GRAPH ?c { ?x ?p ?o } } }",
    "court_name": "SELECT DISTINCT ?x WHERE { ?x a rg:Court . FILTER EXISTS { GRAPH ?c { ?d rg:triedBy ?x } } }",
    "party": "SELECT DISTINCT ?x WHERE { ?x a rg:PoliticalParty . FILTER EXISTS { GRAPH ?c { ?m rg:memberOf ?x } } }",
}


def sample_params(store, k: int, seed: int = 0, one_entity: bool = False) -> list[dict[str, str]]:
    """`k` sets of parameter values drawn at random (seeded, so every run asks the same) from the build:
    people, courts and parties that claims name, and relations that claims use.

    A question finds its entity by name, so a name that several entities share asks about all of them:
    synth's people have two- or three-syllable names, and at 10^6 statements a two-syllable name is about
    80 people's. `one_entity` draws only entities whose name is theirs alone: one person, as a user asks.
    """
    import random

    rng = random.Random(seed)
    shared = _shared_name_keys(store) if one_entity else set()
    pools = {}

    def label(iri: str) -> str:
        return select(store, f"SELECT ?v WHERE {{ <{iri}> rdfs:label ?v }}")[0]["v"]

    for key, query in _SAMPLE.items():
        iris = sorted(r["x"] for r in select(store, query))
        pools[key] = []
        for _ in range(k if iris else 0):
            name = label(rng.choice(iris))
            for _ in range(1000 if one_entity else 0):  # drawn again until the name is one entity's
                if name_key(name) not in shared:
                    break
                name = label(rng.choice(iris))
            pools[key].append(name)
    used = sorted(name for name in sparql.relation_names()
                  if select(store, f"SELECT ?s WHERE {{ GRAPH ?c {{ ?s rg:{name} ?o }} }} LIMIT 1"))
    pools["relation"] = [rng.choice(used) for _ in range(k)] if used else []
    pools["actor"], pools["predicate"] = pools.get("person", []), pools["relation"]
    return [{key: values[i] for key, values in pools.items() if values} for i in range(k)]


def _shared_name_keys(store) -> set[str]:
    """The name keys (rg:nameKey, what a name parameter is matched on) that more than one entity has."""
    rows = select(store, "SELECT ?k WHERE { ?x rg:nameKey ?k } GROUP BY ?k HAVING (COUNT(DISTINCT ?x) > 1)")
    return {r["k"] for r in rows}


def prepared_questions(params: dict | None, questions: dict | None = None) -> dict[str, str]:
    """Each named question's text (of `questions`, default the library) with its parameters bound (the given
    values, else its defaults)."""
    out = {}
    for q in (questions or sparql.questions()).values():
        given = {p.name: params[p.name] for p in q.params if params and p.name in params}
        out[q.name] = sparql.prepare(q.text, sparql.question_terms(q, given), source=q.file)
    return out


def time_oxigraph(store, text: str, repeat: int) -> tuple[float, int]:
    sparql.run_on_store(store, text, union=False)  # a first run warms the store's caches, as a served endpoint would be
    times, n = [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        n = len(sparql.run_on_store(store, text, union=False).rows)
        times.append(time.perf_counter() - t)
    return statistics.median(times), n


# --- rdflib, in a child process that parses once and forks one grandchild per question --------------

_DS = None  # the parsed rdflib dataset, shared with the forked grandchildren


def _rdflib_query(text: str, repeat: int, conn) -> None:
    times, n = [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        n = len(list(_DS.query(text, initNs=sparql.PREFIXES)))
        times.append(time.perf_counter() - t)
    conn.send((statistics.median(times), n))


def _time_rdflib(text: str, repeat: int, timeout: float) -> tuple[float | None, int | None]:
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_rdflib_query, args=(text, repeat, send))
    proc.start()
    send.close()
    try:
        return receive.recv() if receive.poll(timeout) else (None, None)
    except EOFError:
        return None, None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        receive.close()


def _rdflib_worker(nquads: str, texts: dict[str, str], repeat: int, timeout: float, conn) -> None:
    global _DS
    from rdflib import Dataset

    t = time.perf_counter()
    _DS = Dataset(default_union=True)
    _DS.parse(nquads, format="nquads")
    conn.send(("parsed", time.perf_counter() - t))
    for name, text in texts.items():
        conn.send((name, _time_rdflib(text, repeat, timeout)))
    conn.send(("done", None))


def time_rdflib_all(nquads: Path, texts: dict[str, str], repeat: int, timeout: float,
                    parse_timeout: float = PARSE_TIMEOUT) -> tuple[float | None, dict, str]:
    """(parse seconds, {name: (median s or None, rows or None)}, note); never hangs past its timeouts."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_rdflib_worker, args=(str(nquads), texts, repeat, timeout, send))
    proc.start()
    send.close()
    results: dict = {}
    parsed, note = None, ""
    try:
        if not receive.poll(parse_timeout):
            return None, results, f"rdflib did not parse the graph within {parse_timeout:g} s"
        parsed = receive.recv()[1]
        while True:
            # each question gets its own timeout in the grandchild; the margin covers the fork and the pipe
            if not receive.poll(timeout + 30):
                note = "rdflib's worker stopped answering"
                break
            name, value = receive.recv()
            if name == "done":
                break
            results[name] = value
    except EOFError:
        note = "rdflib's worker ended early (out of memory?)"
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        receive.close()
    return parsed, results, note


def measure_questions(build_dir: Path, nquads: Path, repeat: int, rdflib_timeout: float, *,
                      params: dict | None = None, rdflib_max_quads: int = RDFLIB_MAX_QUADS,
                      parse_timeout: float = PARSE_TIMEOUT, sample: int = 0, one_entity: bool = False) -> dict:
    """Median latency of every named question on the build's store and on rdflib, with the ratio.

    Parameters
    ----------
    build_dir : a `rightsgraph build` output (its store/ is opened read-only).
    nquads : the N-Quads rdflib parses (normally build_dir / "graph.nq").
    repeat : timed runs per question and engine (after one warm-up run on Oxigraph).
    rdflib_timeout : seconds before an rdflib question is stopped.
    params : parameter values; None picks real values from the build (see pick_params): the worst case.
    sample : also ask each question with this many parameter sets drawn from the build (sample_params),
        on Oxigraph only: the typical case, as typical_ms (median), typical_max_ms, typical_rows (median)
        and typical_asked (distinct parameter sets).
    one_entity : sample only names that identify one entity (see sample_params).

    Returns
    -------
    {"quads", "params", "rdflib_load_s", "rdflib_note", "questions": {name: {"rows", "oxigraph_ms",
    "rdflib_ms", "rdflib_rows", "rdflib_timed_out", "ratio", "ratio_at_least"}}}; rdflib_ms and ratio are
    None when rdflib was stopped or not run, and ratio_at_least is then the timeout over Oxigraph's time.
    """
    store = open_store(Path(build_dir))
    quads = len(store)
    if params is None:
        params = pick_params(store)
    texts = prepared_questions(params)
    ox = {name: time_oxigraph(store, text, repeat) for name, text in texts.items()}
    typical = _time_sampled(store, sample, repeat, one_entity) if sample else {}
    if sample and not one_entity:  # also as a user asks about one person, where a name is shared by many
        for name, figures in _time_sampled(store, sample, repeat, True, prefix="one_").items():
            typical.setdefault(name, {}).update(figures)
    del store
    if quads > rdflib_max_quads:
        load, rd, note = None, {}, f"not loaded: {quads:,} quads > {rdflib_max_quads:,}"
    else:
        load, rd, note = time_rdflib_all(Path(nquads), texts, repeat, rdflib_timeout, parse_timeout)
    out = {}
    for name, (ox_s, rows) in ox.items():
        rd_s, rd_rows = rd.get(name, (None, None))
        ran = name in rd
        out[name] = {
            "rows": rows, "oxigraph_ms": ox_s * 1000,
            "rdflib_ms": None if rd_s is None else rd_s * 1000, "rdflib_rows": rd_rows,
            "rdflib_timed_out": ran and rd_s is None,
            "ratio": None if rd_s is None else rd_s / max(ox_s, 1e-9),
            "ratio_at_least": rdflib_timeout / max(ox_s, 1e-9) if ran and rd_s is None else None,
            **typical.get(name, {}),
        }
    return {"quads": quads, "params": params, "rdflib_load_s": load, "rdflib_note": note, "questions": out,
            "sampled_names": "one entity's" if one_entity else "any"}


def _time_sampled(store, k: int, repeat: int, one_entity: bool = False, prefix: str = "") -> dict[str, dict]:
    """Each question over `k` sampled parameter sets: the median and the slowest of their median latencies
    (keys `prefix` + "typical_ms", ...). A question without parameters of those kinds is asked once, with its
    defaults."""
    asked: dict[str, dict[str, tuple[float, int]]] = {}
    for params in sample_params(store, k, one_entity=one_entity):
        for name, text in prepared_questions(params).items():
            if text not in asked.setdefault(name, {}):
                asked[name][text] = time_oxigraph(store, text, repeat)
    out = {}
    for name, runs in asked.items():
        ms = [s * 1000 for s, _ in runs.values()]
        out[name] = {prefix + "typical_ms": statistics.median(ms), prefix + "typical_max_ms": max(ms),
                     prefix + "typical_asked": len(runs),
                     prefix + "typical_rows": statistics.median(rows for _, rows in runs.values())}
    return out


def report(label: str, m: dict, rdflib_timeout: float) -> str:
    """The figures as a text table, with the median over the questions and the count under 100 ms."""
    lines = [f"\n## {label}: {m['quads']:,} quads",
             "parameters: " + (", ".join(f"{k}={v!r}" for k, v in sorted(m["params"].items())) or "defaults"),
             "rdflib load: " + (f"{m['rdflib_load_s']:.1f} s" if m["rdflib_load_s"] is not None else "-")
             + (f" ({m['rdflib_note']})" if m["rdflib_note"] else ""),
             f"{'question':<24} {'rows':>6} {'oxigraph ms':>12} {'rdflib ms':>12} {'rdflib/oxigraph':>16}"
             + (f" {'typical ms (slowest), rows':>28}" if _sampled(m) else "")]
    if _sampled(m) and m.get("sampled_names") == "one entity's":
        lines.insert(2, "typical: sampled names that identify one entity each")
    ratios = []
    for name, q in m["questions"].items():
        if q["ratio"] is not None:
            ratios.append(q["ratio"])
            rd, ratio = f"{q['rdflib_ms']:.1f}", f"{q['ratio']:.1f}x"
            if q["rdflib_rows"] != q["rows"]:
                ratio += f" (rdflib: {q['rdflib_rows']} rows)"
        elif q["rdflib_timed_out"]:
            rd, ratio = f">{rdflib_timeout:g} s", f">{q['ratio_at_least']:.0f}x"
        else:
            rd, ratio = "-", "-"
        typical = (f" {q['typical_ms']:>10.1f} ({q['typical_max_ms']:.0f}), {q['typical_rows']:g}"
                   if "typical_ms" in q else "")
        lines.append(f"{name:<24} {q['rows']:>6} {q['oxigraph_ms']:>12.1f} {rd:>12} {ratio:>16}{typical}")
    summaries = latency_summaries(m["questions"])
    if len(summaries) == 1:  # no sampled parameters: "worst case" would only be the parameters given
        summaries = [("", summaries[0][1])]
    lines += [f"Oxigraph{', ' + what if what else ''}: {summary}" for what, summary in summaries]
    if ratios:
        lines.append(f"median ratio over the questions rdflib finished: {statistics.median(ratios):.1f}x")
    return "\n".join(lines)


def latency_summaries(questions: dict) -> list[tuple[str, str]]:
    """("worst case" | "typical" | "typical, one person", "median ..., slowest ..., N/14 under 100 ms") over the
    questions' latencies."""
    out = []
    for what, key in (("worst case", "oxigraph_ms"), ("typical", "typical_ms"),
                      ("typical, names of one entity", "one_typical_ms")):
        ms = [q[key] for q in questions.values() if key in q]
        if ms:
            out.append((what, latency_summary(ms)))
    return out


def latency_summary(ms: list[float]) -> str:
    """'median over the questions ..., slowest ..., N/14 under 100 ms' for the questions' latencies in ms."""
    ms = sorted(ms)
    return (f"median over the questions {statistics.median(ms):,.1f} ms, slowest {ms[-1]:,.1f} ms, "
            f"{sum(t < 100 for t in ms)}/{len(ms)} under 100 ms")


def _sampled(m: dict) -> bool:
    return any("typical_ms" in q for q in m["questions"].values())


# --- two versions of the question texts on one store: what a rewrite gained, and that it answers the same ---

def compare_texts(build_dir: Path, earlier: Path, repeat: int, sample: int, one_entity: bool = False) -> dict:
    """Each question as written in the folder `earlier` (e.g. another checkout's graph/queries) and as now, on
    the same store with the same parameters (worst case, then `sample` drawn sets), timed alternately.

    Returns {name: {"worst": (earlier ms, now ms, rows), "typical": [(earlier ms, now ms, rows), ...],
    "same": whether every parameter set gave the same rows (compared sorted)}}.
    """
    before = {q.name: q for q in (sparql.parse_question(f.read_text(encoding="utf-8"), str(f))
                                  for f in sorted(Path(earlier).glob("*.rq")))}
    store = open_store(Path(build_dir))
    sets = [pick_params(store)] + sample_params(store, sample, one_entity=one_entity)

    def rows(text):
        result = sparql.run_on_store(store, text, union=False)
        return sorted(tuple(str(row.get(v)) for v in result.variables) for row in result.rows)

    def once(text):
        t = time.perf_counter()
        sparql.run_on_store(store, text, union=False)
        return time.perf_counter() - t

    out = {}
    for name, q in sparql.questions().items():
        if name not in before:
            continue
        runs, same = {}, True
        for i, params in enumerate(sets):
            texts = tuple(prepared_questions(params, {name: question}).get(name)
                          for question in (before[name], q))
            if texts in runs:
                continue
            answers = [rows(text) for text in texts]  # also each text's warm-up run
            same = same and answers[0] == answers[1]
            times: tuple[list, list] = ([], [])
            for _ in range(repeat):
                for k, text in enumerate(texts):
                    times[k].append(once(text))
            runs[texts] = (i, statistics.median(times[0]) * 1000, statistics.median(times[1]) * 1000, len(answers[1]))
        found = sorted(runs.values())
        out[name] = {"worst": found[0][1:], "typical": [r[1:] for r in found[1:]] or [found[0][1:]], "same": same}
    return out


def compare_report(c: dict) -> str:
    lines = [(f"{'question':<24} {'worst: earlier ms':>18} {'now ms':>9} {'rows':>6}   "
              f"{'typical median: earlier':>23} {'now':>7} {'slowest: earlier':>17} {'now':>7}  answers")]
    for name, q in c.items():
        earlier, now, rows = q["worst"]
        typical = q["typical"]
        lines.append(f"{name:<24} {earlier:>18.1f} {now:>9.1f} {rows:>6}   "
                     f"{statistics.median(t[0] for t in typical):>23.1f} {statistics.median(t[1] for t in typical):>7.1f} "
                     f"{max(t[0] for t in typical):>17.1f} {max(t[1] for t in typical):>7.1f}  "
                     + ("same" if q["same"] else "DIFFERENT"))
    for what, key in (("worst case", "worst"), ("typical", "typical")):
        for k, version in ((0, "earlier"), (1, "now")):
            ms = [q[key][k] if key == "worst" else statistics.median(t[k] for t in q[key]) for q in c.values()]
            lines.append(f"{what}, {version}: {latency_summary(ms)}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", type=Path, default=None,
                    help="an existing build to measure (default: build the bundled corpus in a temp dir)")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per question (median)")
    ap.add_argument("--rdflib-timeout", type=float, default=15.0, help="seconds before an rdflib query is stopped")
    ap.add_argument("--rdflib-max-quads", type=int, default=RDFLIB_MAX_QUADS,
                    help="do not load rdflib above this many quads (default 3,000,000)")
    ap.add_argument("--sample", type=int, default=10,
                    help="on a synthetic build, also ask each question with this many sampled parameter sets")
    ap.add_argument("--one-entity", action="store_true",
                    help="sample only names that identify one entity (a synthetic two-syllable name is shared by "
                         "dozens of people, and a question about it answers for all of them)")
    ap.add_argument("--compare", type=Path, default=None, metavar="DIR",
                    help="with --build: time the questions as written in DIR (e.g. an earlier checkout's "
                         "graph/queries) against the current ones, alternately on the same store, and check that "
                         "both give the same rows; rdflib is not run")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    args = ap.parse_args()
    if args.compare:
        if not args.build:
            ap.error("--compare needs --build")
        c = compare_texts(args.build, args.compare, args.repeat, args.sample, args.one_entity)
        print(f"questions in {args.compare} (earlier) against graph/queries (now) on {args.build}; median of "
              f"{args.repeat} alternate runs; typical: {args.sample} sampled parameter sets"
              + (", names of one entity each" if args.one_entity else ""))
        print(compare_report(c))
        if args.json:
            import json

            args.json.write_text(json.dumps(c, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        sys.exit(0 if all(q["same"] for q in c.values()) else 1)
    print(f"rightsgraph SPARQL benchmark: {len(sparql.questions())} named questions; median of {args.repeat} runs; "
          f"Oxigraph = embedded on-disk pyoxigraph store (as 'query --name' runs them: claims inside GRAPH), "
          f"rdflib = in-memory Dataset(default_union=True)")
    with tempfile.TemporaryDirectory() as tmp:
        if args.build:
            build, label, params = args.build, f"build {args.build}", None
        else:
            from graph.build import build as build_corpus

            seeds = ROOT.parent / "shared" / "seeds"
            build = Path(tmp) / "build"
            build_corpus(ROOT / "sources", build, texts=seeds if seeds.is_dir() else None)
            label, params = "bundled CNRP corpus", {}
        m = measure_questions(build, build / "graph.nq", args.repeat, args.rdflib_timeout, params=params,
                              rdflib_max_quads=args.rdflib_max_quads, sample=args.sample if args.build else 0,
                              one_entity=args.one_entity)
        print(report(label, m, args.rdflib_timeout))
        if args.json:
            import json

            args.json.write_text(json.dumps(m, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
