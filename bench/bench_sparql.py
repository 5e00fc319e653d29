"""Time each named question: embedded Oxigraph against in-memory rdflib, on the bundled data and a synthetic graph.

    python bench/bench_sparql.py                    # bundled corpus + 1,000,000 synthetic triples
    python bench/bench_sparql.py --triples 200000 --repeat 5 --rdflib-timeout 30

Prints the median latency of each question on each engine and the ratio rdflib / Oxigraph, measured in
the same run. rdflib queries that run past --rdflib-timeout are stopped and reported as '>T'.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph import sparql  # noqa: E402
from ontology import BASE, NS  # noqa: E402

SYNTH_PARAMS = {"person": "Person 7", "actor": "Person 7", "court_name": "Court 3", "party": "Party 1",
                "predicate": "chargedWith", "relation": "dissolvedBy", "min_documents": "3"}
PROV = "http://www.w3.org/ns/prov#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def synthetic_nquads(target: int, seed: int = 7) -> str:
    """Entities, documents and claims in the build's shape (one named graph per claim, provenance beside it)."""
    rnd = random.Random(seed)
    lines: list[str] = []
    add = lines.append
    ent = lambda kind, i: f"<{BASE}id/{kind}-{i}>"  # noqa: E731
    lit = lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'  # noqa: E731
    n_people = max(50, target // 400)
    kinds = {"person": ("Person", n_people), "party": ("PoliticalParty", 20), "court": ("Court", 30),
             "charge": ("Charge", 40), "ngo": ("NGO", 30), "outlet": ("MediaOutlet", 50),
             "arrest": ("Arrest", n_people), "trial": ("Trial", n_people // 5 + 1)}
    for kind, (cls, n) in kinds.items():
        for i in range(n):
            e = ent(kind, i)
            add(f"{e} {RDF_TYPE} <{NS}{cls}> .")
            add(f"{e} <{RDFS}label> {lit(f'{kind.capitalize()} {i}')} .")
            if kind == "person":
                add(f"{e} <{SKOS}altLabel> {lit(f'P{i}')} .")
            if kind == "charge":
                add(f"{e} <{NS}lawArticle> {lit(f'Criminal Code, Article {400 + i}')} .")
                add(f"{e} <{NS}maximumPenaltyYears> \"{5 + i % 25}\"^^<{XSD}integer> .")
    n_docs = max(20, target // 2000)
    for d in range(n_docs):
        doc = f"<{BASE}doc/doc-{d}>"
        add(f"{doc} {RDF_TYPE} <{NS}{'NewsArticle' if d % 3 else 'NGOStatement'}> .")
        add(f"{doc} <{DCT}identifier> {lit(f'doc-{d}')} .")
        add(f"{doc} <{DCT}title> {lit(f'Document {d}')} .")
        add(f"{doc} <{NS}publishedBy> {ent('outlet' if d % 3 else 'ngo', d % 30)} .")
        add(f"{doc} <{DCT}date> \"{2015 + d % 8}-{1 + d % 12:02d}-{1 + d % 28:02d}\"^^<{XSD}date> .")
    shapes = [("person", "memberOf", "party"), ("person", "leaderOf", "party"), ("person", "chargedWith", "charge"),
              ("person", "arrestedOn", "arrest"), ("person", "triedBy", "court"), ("ngo", "callsForReleaseOf", "person"),
              ("person", "defendantIn", "trial"), ("party", "dissolvedBy", "court"), ("person", "age", None)]
    c = 0
    while len(lines) < target:
        s_kind, pred, o_kind = shapes[rnd.randrange(len(shapes))]
        s = ent(s_kind, rnd.randrange(kinds[s_kind][1]))
        o = ent(o_kind, rnd.randrange(kinds[o_kind][1])) if o_kind else f"\"{30 + rnd.randrange(50)}\"^^<{XSD}integer>"
        claim = f"<{BASE}claim/c{c}>"
        add(f"{s} <{NS}{pred}> {o} {claim} .")
        if o_kind == "arrest":
            add(f"{o} <{NS}date> \"{2016 + c % 6}-{1 + c % 12:02d}\"^^<{XSD}gYearMonth> {claim} .")
        docs = rnd.sample(range(n_docs), 1 + (rnd.random() < 0.3) + (rnd.random() < 0.1))
        add(f"{claim} {RDF_TYPE} <{NS}Claim> .")
        add(f"{claim} <{NS}supportCount> \"{len(docs)}\"^^<{XSD}integer> .")
        for d in docs:
            ev = f"<{BASE}evidence/e{c}-{d}>"
            doc = f"<{BASE}doc/doc-{d}>"
            add(f"{claim} <{PROV}wasDerivedFrom> {doc} .")
            add(f"{claim} <{NS}evidence> {ev} .")
            add(f"{ev} {RDF_TYPE} <{NS}Evidence> .")
            add(f"{ev} <{PROV}wasDerivedFrom> {doc} .")
            add(f"{ev} <{NS}quote> {lit(f'quote {c} from document {d}')} .")
            add(f"{ev} <{NS}confidence> \"1.00\"^^<{XSD}decimal> .")
        c += 1
    return "\n".join(lines) + "\n"


def prepared_questions(params: dict | None) -> dict[str, str]:
    out = {}
    for q in sparql.questions().values():
        given = {p.name: params[p.name] for p in q.params if params and p.name in params}
        out[q.name] = sparql.prepare(q.text, sparql.question_terms(q, given), source=q.file)
    return out


def time_oxigraph(store, text: str, repeat: int) -> tuple[float, int]:
    times, n = [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        n = len(sparql.run_on_store(store, text).rows)
        times.append(time.perf_counter() - t)
    return statistics.median(times), n


_DS = None  # the rdflib dataset, shared with forked children


def _rdflib_child(text: str, repeat: int, conn) -> None:
    times, n = [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        n = len(list(_DS.query(text, initNs=sparql.PREFIXES)))
        times.append(time.perf_counter() - t)
    conn.send((statistics.median(times), n))


def time_rdflib(text: str, repeat: int, timeout: float) -> tuple[float | None, int | None]:
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_rdflib_child, args=(text, repeat, send))
    proc.start()
    send.close()
    try:
        if receive.poll(timeout):
            return receive.recv()
        return None, None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()


def compare(label: str, nquads: Path, params: dict | None, repeat: int, rdflib_timeout: float) -> None:
    global _DS
    import pyoxigraph
    from rdflib import Dataset

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        store = pyoxigraph.Store(str(Path(tmp) / "store"))
        store.bulk_load(path=str(nquads), format=pyoxigraph.RdfFormat.N_QUADS)
        ox_load = time.perf_counter() - t
        n_quads = len(store)
        t = time.perf_counter()
        _DS = Dataset(default_union=True)
        _DS.parse(nquads, format="nquads")
        rd_load = time.perf_counter() - t
        print(f"\n## {label}: {n_quads:,} quads; load: Oxigraph (on disk) {ox_load:.1f} s, rdflib {rd_load:.1f} s")
        print(f"{'question':<24} {'rows':>6} {'oxigraph ms':>12} {'rdflib ms':>12} {'rdflib/oxigraph':>16}")
        ratios = []
        for name, text in prepared_questions(params).items():
            ox_t, rows = time_oxigraph(store, text, repeat)
            rd_t, rd_rows = time_rdflib(text, repeat, rdflib_timeout)
            if rd_t is None:
                bound = rdflib_timeout / max(ox_t, 1e-6)
                shown = f">{bound:.0f}x" if bound >= 1 else "n/a"
                print(f"{name:<24} {rows:>6} {ox_t * 1000:>12.1f} {'>' + format(rdflib_timeout, 'g') + ' s':>12} "
                      f"{shown:>16}")
                continue
            ratio = rd_t / max(ox_t, 1e-6)
            ratios.append(ratio)
            flag = "" if rd_rows == rows else f"  (rdflib: {rd_rows} rows)"
            print(f"{name:<24} {rows:>6} {ox_t * 1000:>12.1f} {rd_t * 1000:>12.1f} {ratio:>15.1f}x{flag}")
        if ratios:
            print(f"median ratio over the questions rdflib finished: {statistics.median(ratios):.1f}x")
        del store
    _DS = None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=1_000_000, help="size of the synthetic graph (default 1,000,000)")
    ap.add_argument("--repeat", type=int, default=5, help="runs per question on the bundled data (median)")
    ap.add_argument("--synthetic-repeat", type=int, default=3, help="runs per question on the synthetic graph")
    ap.add_argument("--rdflib-timeout", type=float, default=15.0, help="seconds before an rdflib query is stopped")
    ap.add_argument("--skip-bundled", action="store_true")
    args = ap.parse_args()
    print(f"rightsgraph SPARQL benchmark: {len(sparql.questions())} named questions; median of runs; "
          f"Oxigraph = embedded on-disk pyoxigraph store, rdflib = in-memory Dataset(default_union=True)")
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_bundled:
            from graph.build import build

            seeds = ROOT.parent / "shared" / "seeds"
            out = Path(tmp) / "build"
            build(ROOT / "sources", out, texts=seeds if seeds.is_dir() else None)
            compare("bundled CNRP corpus", out / "graph.nq", None, args.repeat, args.rdflib_timeout)
        nq = Path(tmp) / "synthetic.nq"
        t = time.perf_counter()
        nq.write_text(synthetic_nquads(args.triples), encoding="utf-8")
        print(f"\n(generated {args.triples:,} synthetic quads in {time.perf_counter() - t:.1f} s)")
        compare("synthetic graph, seed 7", nq, SYNTH_PARAMS, args.synthetic_repeat, args.rdflib_timeout)


if __name__ == "__main__":
    main()
