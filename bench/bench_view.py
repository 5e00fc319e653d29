"""Benchmark the HTML view: time to a stable layout in headless Chromium, page size, redraw and filter times."""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.view import html, page_data, render, sizes  # noqa: E402

TYPES = [("Person", 40), ("PersonGroup", 10), ("Arrest", 8), ("Trial", 6), ("Sentence", 4), ("PublicStatement", 5),
         ("Charge", 5), ("Court", 3), ("NGO", 3), ("PoliticalParty", 2), ("Place", 5), ("GovernmentBody", 4),
         ("MediaOutlet", 3), ("Protest", 2)]
PREDICATES = [("memberOf", "member of"), ("chargedWith", "charged with"), ("arrestedOn", "arrested in"),
              ("triedBy", "tried by"), ("condemnedBy", "condemned by"), ("callsForReleaseOf", "calls for release of"),
              ("heldIn", "held in"), ("leaderOf", "leader of")]
BASE = "https://w3id.org/rightsgraph/"


def synthetic(n: int, seed: int = 1) -> tuple[nx.MultiDiGraph, dict]:
    """A graph shaped like the projection (preferential attachment, about two claims per entity), and evidence
    for every claim (one or two quotes from a pool of documents), as `graph.view.evidence` returns it."""
    rng = random.Random(seed)
    skeleton = nx.barabasi_albert_graph(n, 2, seed=seed)
    names, weights = zip(*TYPES)
    G = nx.MultiDiGraph()
    for i in skeleton.nodes:
        t = rng.choices(names, weights)[0]
        G.add_node(f"e{i:05d}", label=f"{t} {i} {rng.choice(['Sokha', 'Rainsy', 'Vanny', 'Chhay', 'Mu'])}",
                   type=t, aliases=f"alias {i}" if i % 3 == 0 else "", iri=f"{BASE}id/e{i:05d}")
    docs = {f"doc-{k:04d}": {"id": f"doc-{k:04d}", "title": f"Synthetic report number {k} on a trial",
                             "publisher": rng.choice(["Amnesty International", "Human Rights Watch", "RFA"]),
                             "date": f"20{rng.randint(14, 23)}-{rng.randint(1, 12):02d}", "kind": "NewsArticle",
                             "url": f"https://example.org/{k}"} for k in range(max(5, n // 10))}
    claims = {}
    for j, (a, b) in enumerate(sorted(skeleton.edges)):
        p, label = rng.choice(PREDICATES)
        u, v = (f"e{a:05d}", f"e{b:05d}") if rng.random() < 0.5 else (f"e{b:05d}", f"e{a:05d}")
        cid = f"{BASE}claim/{j:020x}"
        year = rng.randint(2014, 2023)
        dated = rng.random() < 0.5
        support = rng.choice([1, 1, 1, 2, 3])
        G.add_edge(u, v, key=cid, predicate=p, label=label, weight=support,
                   dates=f"{year}-{rng.randint(1, 12):02d}" if dated else "", date="", reported=f"{year}",
                   claim=cid, role="", according_to="")
        chosen = rng.sample(sorted(docs), support)
        claims[cid] = {"id": cid, "subject": u, "predicate": p, "label": label, "object": v, "value": None,
                       "support": support, "role": "", "according_to": "", "dates": [],
                       "evidence": [{"quote": f"A sentence of about this length that states claim {j} in the "
                                              f"document's exact words.", "document": d,
                                     "source": f"documents/{d}.yaml:{10 + j % 90}", "confidence": 1.0}
                                    for d in chosen]}
    return G, {"claims": claims, "documents": docs, "facts": {}}


def vis_defaults(data: dict) -> dict:
    """The same page with vis-network's default physics as pyvis writes it: Barnes-Hut, 1,000 stabilisation
    iterations, improvedLayout on, physics left running afterwards (we still record the end of stabilisation)."""
    data = json.loads(json.dumps(data))
    data["options"]["physics"] = {"enabled": True, "stabilization": {"enabled": True, "iterations": 1000}}
    data["options"]["layout"] = {"randomSeed": 7, "improvedLayout": True}
    data["options"]["edges"]["smooth"] = {"enabled": True, "type": "dynamic"}
    return data


def measure(browser, path: Path, timeout_s: float) -> dict:
    context = browser.new_context(viewport={"width": 1400, "height": 850}, bypass_csp=True)
    page = context.new_page()
    outside = []
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://")
               else (outside.append(r.request.url), r.abort()))
    start = time.perf_counter()
    page.goto(path.resolve().as_uri(), timeout=timeout_s * 1000)
    try:
        page.wait_for_selector("body[data-stable=true]", state="attached", timeout=timeout_s * 1000)
    except Exception:
        context.close()
        return {"stable_s": None, "timed_out": True}
    wall = time.perf_counter() - start
    stable_ms = page.evaluate("rightsgraph.stableAt")  # ms since navigation start, as the browser counts
    redraw = page.evaluate("""() => { const r = rightsgraph.network.renderer, t = performance.now();
        for (let i = 0; i < 5; i++) r._redraw(); return (performance.now() - t) / 5; }""")
    filter_ms = page.evaluate("""() => { const box = document.querySelector('#rg-legend input'), t = performance.now();
        if (!box) { return 0; }
        box.click(); const hide = performance.now() - t; box.click(); return hide; }""")
    context.close()
    assert not outside, outside
    return {"stable_s": stable_ms / 1000, "wall_s": wall, "redraw_ms": redraw, "filter_ms": filter_ms,
            "timed_out": False}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nodes", type=int, nargs="+", default=[100, 1000, 5000])
    ap.add_argument("--baseline-up-to", type=int, default=1000,
                    help="Also time vis-network's default physics for sizes up to this many nodes.")
    ap.add_argument("--timeout", type=float, default=180, help="Seconds to wait for a layout to settle.")
    ap.add_argument("--keep", type=Path, default=None, help="Directory to keep the generated pages in.")
    ap.add_argument("--screenshot-of", type=Path, default=None, metavar="BUILD",
                    help="Instead of benchmarking: write the view of this build, search 'Kem Sokha' and save a "
                         "screenshot to --screenshot (how docs/view.png is made).")
    ap.add_argument("--screenshot", type=Path, default=ROOT / "docs" / "view.png")
    args = ap.parse_args(argv)

    chromium = shutil.which("chromium")
    if chromium is None:
        print("chromium not found (apt-get install chromium)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    workdir = args.keep or Path(ROOT / "build" / "bench-view")
    workdir.mkdir(parents=True, exist_ok=True)
    if args.screenshot_of:
        return screenshot(chromium, args.screenshot_of, workdir / "bundled.html", args.screenshot)
    print("The command refuses views over 2,000 entities; this benchmark calls graph.view.html() with the limit "
          "lifted (max_nodes=None) to measure 5,000.")
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run"])
        # Baseline of the same run: the page with no entity at all (parse vis-network, draw nothing).
        empty = workdir / "view-0.html"
        empty.write_text(html(nx.MultiDiGraph(), {}, {}, max_nodes=None), encoding="utf-8")
        base = measure(browser, empty, args.timeout)
        base["bytes"] = empty.stat().st_size
        print(f"baseline, empty page: {base['stable_s'] * 1000:.0f} ms to ready, "
              f"{empty.stat().st_size / 1024:.0f} KiB")
        for n in args.nodes:
            G, ev = synthetic(n)
            t = time.perf_counter()
            values = sizes(G, "degree")
            page = html(G, ev, values, max_nodes=None)
            gen_s = time.perf_counter() - t
            path = workdir / f"view-{n}.html"
            path.write_text(page, encoding="utf-8")
            ours = measure(browser, path, args.timeout)
            row = {"nodes": n, "edges": G.number_of_edges(), "bytes": path.stat().st_size, "generate_s": gen_s,
                   **{f"ours_{k}": v for k, v in ours.items()}}
            if n <= args.baseline_up_to:
                dpath = workdir / f"view-{n}-vis-defaults.html"
                dpath.write_text(render(vis_defaults(page_data(G, ev, values))), encoding="utf-8")
                d = measure(browser, dpath, args.timeout)
                row.update({f"defaults_{k}": v for k, v in d.items()})
            rows.append(row)
            _print_row(row, base)
        browser.close()
    print(json.dumps(rows, indent=1))
    return 0


def screenshot(chromium: str, build_dir: Path, page_path: Path, png: Path) -> int:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    from graph.view import write_view

    write_view(build_dir, page_path)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu",
                                                                    "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 850})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
        page.goto(page_path.resolve().as_uri())
        page.wait_for_selector("body[data-stable=true]", state="attached")
        page.fill("#rg-search-input", "Kem Sokha")
        page.press("#rg-search-input", "Enter")
        page.screenshot(path=str(png))
        browser.close()
    # 256 colours keep the screenshot small enough to commit.
    Image.open(png).convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE,
                                            dither=Image.Dither.NONE).save(png, optimize=True)
    print(f"wrote {png} ({png.stat().st_size / 1024:.0f} KiB)")
    return 0


def _print_row(r: dict, base: dict) -> None:
    s = r["ours_stable_s"]
    line = (f"{r['nodes']:>5} nodes {r['edges']:>6} edges: file {r['bytes'] / 1024:7.0f} KiB "
            f"(x{r['bytes'] / base['bytes']:.2f} of the empty page), generated in {r['generate_s']:.2f} s; ")
    if s is None:
        line += "no stable layout before the timeout"
    else:
        line += (f"stable layout after {s:.2f} s (x{s / base['stable_s']:.1f} the empty page), "
                 f"redraw {r['ours_redraw_ms']:.0f} ms, type filter {r['ours_filter_ms']:.0f} ms")
    if "defaults_stable_s" in r:
        d = r["defaults_stable_s"]
        line += ("; vis defaults: timed out" if d is None else
                 f"; vis defaults: {d:.2f} s (ours x{s / d:.2f} of it)" if s else "")
    print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
