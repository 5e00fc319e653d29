"""Benchmark the whole pipeline on synthetic corpora against plain rdflib, measured in the same run.

    python bench/run.py [--sizes 1e3,1e4,1e5] [--json bench/results.json] [--workdir DIR]

For each size: `rightsgraph synth`, then validate + build (statements per second, peak memory), and
beside it the baseline: rdflib parsing the same N-Quads into an in-memory Dataset. Each step runs in a
fresh process so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


STEPS = {"build": step_build, "rdflib-parse": step_rdflib_parse}


def run_step(name: str, *args: str, timeout: float) -> dict:
    """Run one step in a fresh interpreter; return its figures plus its peak resident memory."""
    cmd = [sys.executable, __file__, "--step", name, *args]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"error": f"over the {timeout:.0f} s limit"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the table -----------------------------------------------------------------------------------

def ratio(baseline: dict, ours: dict) -> str:
    if "seconds" not in baseline or "seconds" not in ours or not ours["seconds"]:
        return "-"
    return f"{baseline['seconds'] / ours['seconds']:.1f}x"


def fmt_seconds(r: dict) -> str:
    return f"{r['seconds']:.2f} s" if "seconds" in r else r.get("error", "-")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1e3,1e4,1e5", help="statement counts, comma-separated")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the corpora and builds here")
    parser.add_argument("--timeout", type=float, default=1800, help="limit per step, in seconds")
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.step:
        name, *rest = args.step
        result = STEPS[name](*rest)
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return 0

    from sources.synth import synthesise

    sizes = [int(float(s)) for s in args.sizes.split(",")]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="rightsgraph-bench-"))
    rows = []
    print(f"{'statements':>10}  {'validate+build':>15} {'stmts/s':>9} {'peak MB':>8}  "
          f"{'rdflib parse':>13} {'peak MB':>8}  {'ratio':>6}")
    for n in sizes:
        sources, out = workdir / f"sources-{n}", workdir / f"build-{n}"
        if not (sources / "entities.yaml").exists():
            synthesise(n, sources, seed=0)
        ours = run_step("build", str(sources), str(out), timeout=args.timeout)
        base = run_step("rdflib-parse", str(out / "graph.nq"), timeout=args.timeout) \
            if (out / "graph.nq").exists() else {"error": "no build"}
        rate = f"{n / ours['seconds']:,.0f}" if "seconds" in ours else "-"
        print(f"{n:>10,}  {fmt_seconds(ours):>15} {rate:>9} {ours.get('peak_mb', 0):>8.0f}  "
              f"{fmt_seconds(base):>13} {base.get('peak_mb', 0):>8.0f}  {ratio(base, ours):>6}", flush=True)
        rows.append({"statements": n, "build": ours, "rdflib_parse": base})
    if args.json:
        args.json.write_text(json.dumps({"cpus": os.cpu_count(), "results": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
