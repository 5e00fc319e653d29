"""Benchmark the whole pipeline on synthetic corpora against plain rdflib, measured in the same run.

    python bench/run.py [--sizes 1e3,1e4,1e5,1e6] [--json bench/results.json] [--workdir DIR]

For each size: `rightsgraph synth --format jsonl`, then validate + build (statements per second, peak
memory), and beside it the baseline: rdflib parsing the same N-Quads into an in-memory Dataset, and
Oxigraph's bulk loader alone on that file (the floor of any build that loads the store); the 14
named questions on the store, each against rdflib's engine on the same data, with the worst-case parameters
(the most-connected person, court, party), and on the store alone with --sample parameter sets drawn from
the corpus, the typical case (bench/bench_sparql.py); then
the centrality report (JSON) and the HTML view of the whole network. Each step runs in a fresh process so
that its peak memory is its own; the baseline runs under a memory cap (--baseline-memory-gb) so that a
corpus rdflib cannot hold ends as "out of memory" rather than taking the machine down.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# --- steps, each run in its own process ------------------------------------------------------------

def step_build(sources: str, out: str) -> dict:
    from graph.build import build

    start = time.perf_counter()
    manifest = build(Path(sources), Path(out), texts=Path(sources) / "texts")
    return {"seconds": time.perf_counter() - start, "claims": manifest["counts"]["claims"]}


def step_rdflib_parse(nquads: str) -> dict:
    from rdflib import Dataset

    start = time.perf_counter()
    ds = Dataset()
    ds.parse(nquads, format="nquads")
    return {"seconds": time.perf_counter() - start, "quads": len(ds)}


def step_store_load(trig: str, store: str) -> dict:
    """Oxigraph's bulk loader alone on the build's graph.trig, as the build feeds it: the part of the build no
    change of ours can speed up.

    rdflib's parse over this is the highest ratio any build that loads this store can reach.
    """
    import shutil

    import pyoxigraph

    shutil.rmtree(store, ignore_errors=True)
    start = time.perf_counter()
    pyoxigraph.Store(store).bulk_load(path=trig, format=pyoxigraph.RdfFormat.TRIG, lenient=True)
    seconds = time.perf_counter() - start
    shutil.rmtree(store, ignore_errors=True)
    return {"seconds": seconds}


def step_report(build_dir: str, sample: str) -> dict:
    from graph.report import make_report

    start = time.perf_counter()
    text = make_report(Path(build_dir), "json", sample=int(sample) or None)
    return {"seconds": time.perf_counter() - start, "bytes": len(text)}


def step_view(build_dir: str, out: str) -> dict:
    from graph.view import ViewError, write_view

    start = time.perf_counter()
    try:
        held = write_view(Path(build_dir), Path(out))
    except ViewError as e:  # past its size limit the view refuses: that is the behaviour to measure
        return {"seconds": time.perf_counter() - start, "refused": str(e).splitlines()[0]}
    return {"seconds": time.perf_counter() - start, "bytes": Path(out).stat().st_size,
            "nodes": held.get("nodes")}


def step_questions(build_dir: str, repeat: str, rdflib_timeout: str, sample: str, rdflib_fits: str) -> dict:
    """rdflib answers the questions wherever its parse baseline fitted under the memory cap (which this step
    runs under too)."""
    from bench.bench_sparql import measure_questions

    fits = rdflib_fits == "yes"
    m = measure_questions(Path(build_dir), Path(build_dir) / "graph.nq", int(repeat), float(rdflib_timeout),
                          sample=int(sample), rdflib_max_quads=sys.maxsize if fits else 0)
    if not fits:
        m["rdflib_note"] = "not run: its parse did not finish under the memory cap and time limit"
    return m


STEPS = {"build": step_build, "rdflib-parse": step_rdflib_parse, "store-load": step_store_load,
         "questions": step_questions,
         "report": step_report, "view": step_view}


def run_step(name: str, *args: str, timeout: float, memory_gb: float | None = None) -> dict:
    """Run one step in a fresh interpreter; return its figures plus its peak resident memory.

    A step that fails says why and after how long: a baseline that runs out of its memory cap or its
    time limit still bounds the ratio.
    """
    cmd = [sys.executable, __file__, "--step", name, *args]

    def cap():
        limit = int(memory_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                              preexec_fn=cap if memory_gb else None)
    except subprocess.TimeoutExpired:
        return {"error": f"over the {timeout:.0f} s limit", "after_seconds": timeout}
    after = time.perf_counter() - start
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        if "MemoryError" in last:
            last = f"out of memory at the {memory_gb:g} GB cap"
        return {"error": last, "after_seconds": after}
    return json.loads(done.stdout.strip().splitlines()[-1])


class _TreeMemory:
    """The peak, sampled, of the memory this process and its children (the build's readers) hold together.

    Proportional set sizes, so pages a forked child still shares with its parent count once. They are read
    only while there are children: reading them walks the process's page tables, which slowed a 10^6 build
    by 13% when done throughout; alone, the step's own peak (ru_maxrss) stands. Linux only.
    """

    def __init__(self, every: float = 0.25):
        import threading

        self.peak, self.every, self.done = 0.0, every, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        if Path("/proc/self/smaps_rollup").exists():
            self.thread.start()

    @staticmethod
    def _pss_mb(pid: str) -> float:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:  # the child has just ended
            return 0.0
        return sum(int(line.split()[1]) for line in text.splitlines() if line.startswith("Pss:")) / 1024

    def _run(self) -> None:
        me = str(os.getpid())
        while not self.done.wait(self.every):
            children = []
            for task in Path(f"/proc/{me}/task").iterdir():
                try:
                    children += (task / "children").read_text().split()
                except OSError:
                    pass
            if children:
                self.peak = max(self.peak, sum(self._pss_mb(pid) for pid in [me, *children]))

    def stop(self) -> float:
        self.done.set()
        if self.thread.is_alive():
            self.thread.join()
        return self.peak


# --- the table -----------------------------------------------------------------------------------

def ratio(baseline: dict, ours: dict) -> str:
    """Baseline time over ours; '>' when the baseline gave up first, so only a lower bound is known."""
    if not ours.get("seconds"):
        return "-"
    if "seconds" in baseline:
        return f"{baseline['seconds'] / ours['seconds']:.1f}x"
    if "after_seconds" in baseline:
        return f">{baseline['after_seconds'] / ours['seconds']:.1f}x"
    return "-"


def fmt_seconds(r: dict) -> str:
    if "seconds" in r:
        return f"{r['seconds']:.2f} s"
    if "after_seconds" in r:
        return f"failed after {r['after_seconds']:.0f} s ({r['error']})"
    return r.get("error", "-")


def fmt_questions(r: dict) -> str:
    """Median and slowest of the questions' median latencies, and how rdflib compares on the same data."""
    if "questions" not in r:
        return fmt_seconds(r)
    from bench.bench_sparql import latency_summaries

    q = r["questions"].values()
    text = "; ".join(f"{what}: {summary}" for what, summary in latency_summaries(r["questions"]))
    ratios = [x["ratio"] for x in q if x["ratio"] is not None]
    bounds = [x["ratio_at_least"] for x in q if x["ratio_at_least"] is not None]
    rdflib = []
    if ratios:
        rdflib.append(f"median ratio {statistics.median(ratios):.1f}x over the {len(ratios)} it answered")
    if bounds:
        rdflib.append(f">{min(bounds):.0f}x on the {len(bounds)} it did not finish")
    if rdflib or r.get("rdflib_note"):
        text += "; rdflib: " + (", ".join(rdflib) or r["rdflib_note"])
    return text


def fmt_view(r: dict) -> str:
    if "refused" in r:
        return f"refused in {r['seconds']:.1f} s: {r['refused'][:60]}"
    if "bytes" in r:
        return f"{r['seconds']:.2f} s, {r['bytes'] / 1024:,.0f} KiB"
    return r.get("error", "-")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1e3,1e4,1e5", help="statement counts, comma-separated")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the corpora and builds here")
    parser.add_argument("--timeout", type=float, default=1800, help="limit per step, in seconds")
    parser.add_argument("--baseline-memory-gb", type=float, default=12,
                        help="memory cap of the rdflib baseline (it needs about 1.4 GB per 10^5 statements)")
    parser.add_argument("--format", choices=("jsonl", "yaml"), default="jsonl", help="format of the corpora")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each named question")
    parser.add_argument("--rdflib-timeout", type=float, default=15, help="seconds before an rdflib question stops")
    parser.add_argument("--sample", type=int, default=10,
                        help="parameter sets drawn from each corpus for the questions' typical latency")
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.step:
        name, *rest = args.step
        tree = _TreeMemory()
        result = STEPS[name](*rest)
        result["peak_mb"] = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, tree.stop())
        print(json.dumps(result))
        return 0

    from sources.synth import synthesise

    sizes = [int(float(s)) for s in args.sizes.split(",")]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="rightsgraph-bench-"))
    rows = []
    print(f"{'statements':>10}  {'validate+build':>15} {'stmts/s':>9} {'peak MB':>8}  "
          f"{'rdflib parse':>13} {'peak MB':>8}  {'ratio':>6}  {'report':>9}  view")
    for n in sizes:
        sources, out = workdir / f"sources-{args.format}-{n}", workdir / f"build-{n}"
        if not (sources / "documents").exists():
            synthesise(n, sources, seed=0, fmt=args.format)
        ours = run_step("build", str(sources), str(out), timeout=args.timeout)
        base = run_step("rdflib-parse", str(out / "graph.nq"), timeout=args.timeout,
                        memory_gb=args.baseline_memory_gb) \
            if (out / "graph.nq").exists() else {"error": "no build"}
        built = (out / "graph.nq").exists()
        loader = run_step("store-load", str(out / "graph.trig"), str(workdir / "store-load"), timeout=args.timeout) \
            if built else {"error": "no build"}
        questions = run_step("questions", str(out), str(args.repeat), str(args.rdflib_timeout), str(args.sample),
                             "yes" if "seconds" in base else "no", timeout=args.timeout,
                             memory_gb=args.baseline_memory_gb) if built else {"error": "no build"}
        # Exact betweenness is quadratic in actors; past a few thousand the report samples 300 sources.
        report = run_step("report", str(out), "300" if n > 20_000 else "0", timeout=args.timeout) \
            if built else {"error": "no build"}
        view = run_step("view", str(out), str(workdir / f"view-{n}.html"), timeout=args.timeout) \
            if built else {"error": "no build"}
        rate = f"{n / ours['seconds']:,.0f}" if "seconds" in ours else "-"
        print(f"{n:>10,}  {fmt_seconds(ours):>15} {rate:>9} {ours.get('peak_mb', 0):>8.0f}  "
              f"{fmt_seconds(base):>13} {base.get('peak_mb', 0):>8.0f}  {ratio(base, ours):>6}  "
              f"{fmt_seconds(report):>9}  {fmt_view(view)}", flush=True)
        print(f"{'':>10}  Oxigraph's loader alone on the same quads: {fmt_seconds(loader)}, "
              f"{ratio(base, loader)} faster than rdflib (the most any build that loads the store can be)",
              flush=True)
        print(f"{'':>10}  questions: {fmt_questions(questions)}", flush=True)
        rows.append({"statements": n, "build": ours, "rdflib_parse": base, "store_load": loader,
                     "questions": questions, "report": report, "view": view})
    if args.json:
        args.json.write_text(json.dumps({"cpus": os.cpu_count(), "results": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
