"""Turn a network's measures into a short briefing: Markdown, HTML with plots, CSV or JSON."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import heapq
import html
import io
import json
import re
from collections import Counter

import networkx as nx

from graph import measures as M
from graph.network import NetworkError

FORMATS = ("md", "html", "csv", "json")
ROW_KEYS = ("id", "label", "type", "aliases", "community", "claims", "neighbours", *M.MEASURES, "broker_score")
DIGITS = 6  # enough to rank by, few enough that the last digit does not change between platforms


def _r(x: float) -> float:
    y = round(float(x), DIGITS)
    return 0.0 if y == 0 else y  # no "-0.0"


def build_report(G: nx.MultiDiGraph, *, top: int = 10, node_type: str | None = None, sample: int | None = None,
                 seed: int = 42, method: str = "louvain", as_of: dt.date | None = None,
                 claims_left_out: int = 0, progress: M.Progress | None = None, engine: str = "auto") -> dict:
    """Everything a report shows, as plain values (the JSON format is this dict).

    Measures are computed on the whole network; ``node_type`` only narrows what is listed, so an actor's
    rank among people is its rank in the whole network. ``engine`` goes to ``graph.measures.compute``.
    Raises NetworkError when there is nothing to rank.
    """
    if top < 1:
        raise NetworkError("--top must be at least 1")
    nodes = sorted(G.nodes, key=str)
    if node_type is not None and nodes:
        listed = [v for v in nodes if G.nodes[v].get("type") == node_type]
        if not listed:
            present = ", ".join(sorted({G.nodes[v].get("type", "") for v in nodes}))
            when = f" as of {as_of.isoformat()}" if as_of else ""
            raise NetworkError(f"no actor of type {node_type} in the network{when}; types present: {present}")
    else:
        listed = nodes
    # The whole network is measured (after the cheap checks above, so a typo costs no minutes).
    try:
        m = M.compute(G, sample=sample, seed=seed, method=method, progress=progress, engine=engine)
    except M.NetworkTooSmall as e:
        when = f" as of {as_of.isoformat()}" if as_of else ""
        raise NetworkError(f"nothing to report{when}: {e}") from None
    except ValueError as e:
        raise NetworkError(str(e)) from None
    listed_set = set(listed)
    labels = {v: G.nodes[v].get("label", str(v)) for v in nodes}
    community_of = {v: i for i, c in enumerate(m.communities, 1) for v in c}
    broker_list = [v for v in M.brokers(m) if v in listed_set]

    # The order of M.rank, with each sort key made once: a report on 10^5 actors ranks them about twenty
    # times. For a top N only the actors that may round level with the N-th value need a key.
    tie = {v: (str(labels.get(v, "")).casefold(), str(v)) for v in nodes}
    keys: dict[str, dict] = {name: {} for name in M.MEASURES}

    def key_of(name: str):
        vals, made = m.values[name], keys[name]

        def key(v):
            k = made.get(v)
            if k is None:
                k = made[v] = (-round(vals[v], 12), *tie[v])
            return k
        return key

    def ranked(name: str, among, first: int | None = None) -> list:
        among = list(among)
        if first is not None and len(among) > first:
            vals = m.values[name]
            nth = round(heapq.nlargest(first, (vals[v] for v in among))[-1], 12)
            floor = nth - max(2e-12, abs(nth) * 1e-12)  # below this, no value rounds up to the N-th's
            among = [v for v in among if vals[v] >= floor]
            return sorted(among, key=key_of(name))[:first]
        return sorted(among, key=key_of(name))

    rows = []
    measures = [(name, m.values[name]) for name in M.MEASURES]
    for v in ranked("pagerank", listed):
        attrs = G.nodes[v]
        row = {"id": str(v), "label": str(attrs.get("label", v)), "type": str(attrs.get("type", "")),
               "aliases": str(attrs.get("aliases", "")), "community": community_of.get(v, 0),
               "claims": int(m.claims.get(v, 0)), "neighbours": int(m.neighbours.get(v, 0))}
        for name, vals in measures:
            row[name] = _r(vals.get(v, 0.0))
        row["broker_score"] = _r(M.broker_score(m, v))
        rows.append(row)
    by_id = {r["id"]: r for r in rows}

    rankings = {name: [str(v) for v in ranked(name, listed, top)] for name in M.MEASURES}
    types = Counter(G.nodes[v].get("type", "") for v in listed)
    by_type = {}
    of_type: dict[str, list] = {}
    for v in listed:
        of_type.setdefault(G.nodes[v].get("type"), []).append(v)
    for t in sorted(types, key=lambda t: (-types[t], t)):
        by_type[t] = [str(v) for v in ranked("pagerank", of_type.get(t, []), top)]
    groups = []
    for i, c in enumerate(m.communities, 1):
        members = [str(v) for v in ranked("pagerank", c) if v in listed_set]
        if members:
            groups.append({"id": i, "size": len(c), "members": members})

    components = m.components  # of the simple view: the same actors and pairs as G without self-loops
    notes = list(m.notes)
    backends = M.backends_installed()
    notes.append("networkx backends installed: " + (", ".join(backends) if backends else "none (plain networkx)")
                 + "; see docs/network.md to speed up large networks.")
    return {
        "network": {
            "as_of": as_of.isoformat() if as_of else None,
            "claims_left_out": claims_left_out,
            "type": node_type,
            "actors": G.number_of_nodes(),
            "claims": _count_edges(G),
            "links": m.links,
            "components": len(components),
            "largest_component": components[0] if components else 0,
            "actors_listed": len(listed),
            "types": {t: types[t] for t in by_type},
            "top": top,
            "betweenness_sample": m.betweenness_sample,
            "seed": seed,
            "community_method": m.community_method,
            "engine": m.engine,
            "communities": len(m.communities),
            "modularity": _r(m.modularity),
        },
        "measures": [{"name": k, "title": t, "meaning": d} for k, (t, d) in M.MEASURES.items()],
        "rankings": rankings,
        "brokers": broker_list[:top],
        "communities": groups,
        "by_type": by_type,
        "notes": notes,
        "nodes": rows,
        "_index": by_id,
    }


def _count_edges(G) -> int:
    """G.number_of_edges(), counted from the adjacency: networkx sums a degree view, 10x slower on 10^5 actors."""
    if not G.is_multigraph():
        return G.number_of_edges()
    n = sum(len(keys) for targets in G.adj.values() for keys in targets.values())
    return n if G.is_directed() else (n + sum(len(G.adj[v].get(v, ())) for v in G)) // 2


def check_type(node_type: str | None) -> None:
    """An unknown --type is a typo: say so, with the nearest class name, instead of an empty report."""
    import difflib

    from ontology.schema import load_schema

    if node_type is None:
        return
    known = load_schema().entity_types()
    if node_type not in known:
        near = difflib.get_close_matches(node_type, known, n=1)
        hint = f"did you mean '{near[0]}'? " if near else ""
        raise NetworkError(f"unknown type '{node_type}'; {hint}types are: {', '.join(known)}")


def make_report(build_dir, fmt: str, *, node_type: str | None = None, as_of: dt.date | None = None,
                top: int = 10, sample: int | None = None, seed: int = 42, method: str = "louvain",
                events: bool = True, charges: bool = True, progress: M.Progress | None = None,
                engine: str = "auto") -> str:
    """Read a build, project it (as of a date if given), compute the measures and render the report."""
    from graph.network import project
    from graph.store import open_store

    if fmt not in FORMATS:
        raise NetworkError(f"unknown report format '{fmt}'; choose one of {', '.join(FORMATS)}")
    check_type(node_type)
    store = open_store(build_dir)
    G = project(store, events=events, charges=charges, as_of=as_of)
    left_out = 0
    if as_of is not None:
        left_out = project(store, events=events, charges=charges).number_of_edges() - G.number_of_edges()
    report = build_report(G, top=top, node_type=node_type, sample=sample, seed=seed, method=method,
                          as_of=as_of, claims_left_out=left_out, progress=progress, engine=engine)
    return render(report, fmt)


# --- rendering -----------------------------------------------------------------------------------

def render(report: dict, fmt: str) -> str:
    if fmt == "md":
        return to_markdown(report)
    if fmt == "html":
        return to_html(report)
    if fmt == "csv":
        return to_csv(report)
    if fmt == "json":
        return to_json(report)
    raise NetworkError(f"unknown report format '{fmt}'; choose one of {', '.join(FORMATS)}")


def to_json(report: dict) -> str:
    public = {k: v for k, v in report.items() if not k.startswith("_")}
    return json.dumps(public, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def to_csv(report: dict) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(ROW_KEYS)
    for row in report["nodes"]:
        w.writerow([f"{row[k]:.{DIGITS}f}" if isinstance(row[k], float) else row[k] for k in ROW_KEYS])
    return buf.getvalue()


def type_label(t: str) -> str:
    """The ontology's name for a class ("Political party" for PoliticalParty), for readers."""
    from ontology.schema import load_schema

    return load_schema().labels.get(t, t)


def _fmt(x: float) -> str:
    return f"{x:.3f}"


def _names(report: dict, ids: list[str]) -> list[str]:
    return [report["_index"][i]["label"] for i in ids]


def _join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def summary(report: dict) -> list[str]:
    """The briefing's opening sentences, as plain text (escaped by each renderer)."""
    n = report["network"]
    idx = report["_index"]
    when = f"as of {n['as_of']}" if n["as_of"] else "over all dates"
    out = [f"The network {when} links {n['actors']} actors through {n['claims']} claims "
           f"({n['links']} distinct pairs of actors) in {n['components']} connected "
           f"group{'s' if n['components'] != 1 else ''}; the largest holds {n['largest_component']} actors."]
    if n["as_of"]:
        out.append(f"{n['claims_left_out']} claims dated after {n['as_of']} (or, undated, first reported "
                   f"after it) are left out.")
    top_pr = report["rankings"]["pagerank"][:3]
    if top_pr:
        if n["type"]:
            who = _join_names([idx[i]["label"] for i in top_pr])
            out.append(f"Among actors of type {type_label(n['type'])}, the most influential by PageRank "
                       f"{'are' if len(top_pr) > 1 else 'is'} {who}.")
        else:
            who = _join_names([f"{idx[i]['label']} ({type_label(idx[i]['type'])})" for i in top_pr])
            out.append(f"The most influential actors by PageRank are {who}.")
    top_bt = report["rankings"]["betweenness"][:1]
    if top_bt and idx[top_bt[0]]["betweenness"] > 0:
        out.append(f"{idx[top_bt[0]]['label']} connects the most others (highest betweenness).")
    if report["brokers"]:
        b = report["brokers"][0]
        out.append(f"The leading broker is {idx[b]['label']}: few links ({idx[b]['neighbours']}), "
                   f"yet on many shortest paths.")
    if report["communities"]:
        c = report["communities"][0]
        k = n["communities"]
        out.append(f"{k} communit{'ies were' if k != 1 else 'y was'} found ({n['community_method']}, modularity "
                   f"{n['modularity']:.2f}); the largest ({c['size']} actors) centres on "
                   f"{_join_names(_names(report, c['members'][:3]))}.")
    return out


# Markdown: escape what CommonMark would read as markup, so a name never turns into a link or a table cell.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>|#!~])")


def md(text) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def to_markdown(report: dict) -> str:
    n, idx = report["network"], report["_index"]
    title = "Network report" + (f" as of {n['as_of']}" if n["as_of"] else "")
    out = [f"# {title}", ""]
    out += [md(" ".join(summary(report))), ""]
    out += ["## What the measures mean", ""]
    out += _md_table(["Measure", "Meaning"], [[m["title"], md(m["meaning"])] for m in report["measures"]])
    out += [""]
    who = f" ({md(n['type'])} only)" if n["type"] else ""
    out += [f"## Top actors by measure{who}", ""]
    for m in report["measures"]:
        out += [f"### {m['title']}", "", md(m["meaning"]), ""]
        rows = [[str(i), md(idx[v]["label"]), md(type_label(idx[v]["type"])), _fmt(idx[v][m["name"]])]
                for i, v in enumerate(report["rankings"][m["name"]], 1)]
        out += _md_table(["#", "Actor", "Type", m["title"]], rows) + [""]
    out += ["## Brokers", "",
            "Actors that are not hubs (no more links than 90% of actors have) yet lie on many shortest "
            "paths, ranked by betweenness per link: they join parts of the network that would otherwise be "
            "far apart.", ""]
    if report["brokers"]:
        rows = [[str(i), md(idx[v]["label"]), md(type_label(idx[v]["type"])), str(idx[v]["neighbours"]),
                 _fmt(idx[v]["betweenness"]), _fmt(idx[v]["broker_score"])] for i, v in enumerate(report["brokers"], 1)]
        out += _md_table(["#", "Actor", "Type", "Links", "Betweenness", "Betweenness per link"], rows) + [""]
    else:
        out += ["No broker: every actor on a shortest path is a hub.", ""]
    out += ["## Communities", "",
            f"Groups of actors more densely linked to each other than to the rest ({md(n['community_method'])}, "
            f"seed {n['seed']}, modularity {n['modularity']:.3f}); members by PageRank.", ""]
    rows = [[str(c["id"]), str(c["size"]), md(_join_list(_names(report, c["members"]), 12))]
            for c in report["communities"]]
    out += _md_table(["#", "Size", "Members"], rows) + [""]
    out += ["## Rankings per type", "", "Actors of each type by PageRank.", ""]
    for t, ids in report["by_type"].items():
        out += [f"### {md(type_label(t))} ({n['types'][t]})", ""]
        rows = [[str(i), md(idx[v]["label"]), _fmt(idx[v]["pagerank"]), _fmt(idx[v]["degree"]),
                 _fmt(idx[v]["betweenness"])] for i, v in enumerate(ids, 1)]
        out += _md_table(["#", "Actor", "PageRank", "Degree", "Betweenness"], rows) + [""]
    out += ["## Notes", ""] + [f"- {md(x)}" for x in _notes(report)] + [""]
    return "\n".join(out)


def _join_list(names: list[str], limit: int) -> str:
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" and {len(names) - limit} more"


def _notes(report: dict) -> list[str]:
    n = report["network"]
    out = []
    if n["as_of"]:
        out.append(f"As of {n['as_of']}: a claim counts when the first day of its earliest date is on or before "
                   f"that day; an undated claim counts from the date of the first document that supports it.")
    out.append("Claims are edges from subject to object; links between two actors add up the number of distinct "
               "documents supporting each claim. Betweenness and closeness count steps; eigenvector, PageRank "
               "and communities weigh links by that support.")
    if n["type"]:
        out.append(f"Measures are computed on the whole network; only actors of type {n['type']} are listed.")
    return out + report["notes"]


# --- HTML ----------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1d1d1f;line-height:1.45}
h1{font-size:1.7rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0 1.2rem;font-size:.92rem}
th,td{border:1px solid #ddd;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f4f4f6}td.n{text-align:right;font-variant-numeric:tabular-nums}
.lead{font-size:1.05rem}.measure{margin-top:1.4rem}.plot{max-width:100%;height:auto}
.small{color:#555;font-size:.9rem}
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _table(header: list[str], rows: list[list[tuple[str, bool]]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f'<td class="n">{c}</td>' if num else f"<td>{c}</td>" for c, num in r) + "</tr>"
                   for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def bar_chart_png(labels: list[str], values: list[float], title: str) -> bytes:
    """A horizontal bar chart, largest on top, as PNG bytes; byte-identical for the same input."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    labels = [x if len(x) <= 38 else x[:37] + "…" for x in labels]
    fig = Figure(figsize=(7.5, 0.32 * max(len(labels), 3) + 0.9), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ypos = list(range(len(labels)))[::-1]
    ax.barh(ypos, values, color="#3b6ea8")
    ax.set_yticks(ypos, labels=labels, fontsize=9)
    ax.set_title(title, fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="x", labelsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def to_html(report: dict) -> str:
    import warnings

    n, idx = report["network"], report["_index"]
    title = "Network report" + (f" as of {n['as_of']}" if n["as_of"] else "")
    parts = [f"<h1>{_e(title)}</h1>", f'<p class="lead">{_e(" ".join(summary(report)))}</p>']
    parts.append("<h2>What the measures mean</h2>")
    parts.append(_table(["Measure", "Meaning"], [[(_e(m["title"]), False), (_e(m["meaning"]), False)]
                                                  for m in report["measures"]]))
    who = f" ({n['type']} only)" if n["type"] else ""
    parts.append(f"<h2>Top actors by measure{_e(who)}</h2>")
    for m in report["measures"]:
        ids = report["rankings"][m["name"]]
        rows = [[(str(i), True), (_e(idx[v]["label"]), False), (_e(type_label(idx[v]["type"])), False),
                 (_fmt(idx[v][m["name"]]), True)] for i, v in enumerate(ids, 1)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a name in a script the font lacks draws as boxes, not an error
            png = bar_chart_png([idx[v]["label"] for v in ids], [idx[v][m["name"]] for v in ids],
                                f"Top {len(ids)} by {m['title'].lower()}")
        alt = f"Bar chart: top {len(ids)} actors by {m['title'].lower()}"
        parts.append(f'<section class="measure"><h3>{_e(m["title"])}</h3><p>{_e(m["meaning"])}</p>'
                     f'<img class="plot" alt="{_e(alt)}" src="data:image/png;base64,'
                     f'{base64.b64encode(png).decode("ascii")}">'
                     + _table(["#", "Actor", "Type", m["title"]], rows) + "</section>")
    parts.append("<h2>Brokers</h2><p>Actors that are not hubs (no more links than 90% of actors have) yet lie "
                 "on many shortest paths, ranked by betweenness per link: they join parts of the network that "
                 "would otherwise be far apart.</p>")
    if report["brokers"]:
        rows = [[(str(i), True), (_e(idx[v]["label"]), False), (_e(type_label(idx[v]["type"])), False),
                 (str(idx[v]["neighbours"]), True), (_fmt(idx[v]["betweenness"]), True),
                 (_fmt(idx[v]["broker_score"]), True)] for i, v in enumerate(report["brokers"], 1)]
        parts.append(_table(["#", "Actor", "Type", "Links", "Betweenness", "Betweenness per link"], rows))
    else:
        parts.append("<p>No broker: every actor on a shortest path is a hub.</p>")
    parts.append(f"<h2>Communities</h2><p>Groups of actors more densely linked to each other than to the rest "
                 f"({_e(n['community_method'])}, seed {_e(n['seed'])}, modularity {n['modularity']:.3f}); "
                 f"members by PageRank.</p>")
    rows = [[(str(c["id"]), True), (str(c["size"]), True), (_e(_join_list(_names(report, c["members"]), 12)), False)]
            for c in report["communities"]]
    parts.append(_table(["#", "Size", "Members"], rows))
    parts.append("<h2>Rankings per type</h2><p>Actors of each type by PageRank.</p>")
    for t, ids in report["by_type"].items():
        rows = [[(str(i), True), (_e(idx[v]["label"]), False), (_fmt(idx[v]["pagerank"]), True),
                 (_fmt(idx[v]["degree"]), True), (_fmt(idx[v]["betweenness"]), True)] for i, v in enumerate(ids, 1)]
        parts.append(f"<h3>{_e(type_label(t))} ({n['types'][t]})</h3>"
                     + _table(["#", "Actor", "PageRank", "Degree", "Betweenness"], rows))
    parts.append("<h2>Notes</h2><ul class=\"small\">" + "".join(f"<li>{_e(x)}</li>" for x in _notes(report))
                 + "</ul>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + "\n".join(parts) + "\n</body>\n</html>\n")
