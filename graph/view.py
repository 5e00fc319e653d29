"""The offline HTML network view: a pyvis network of entities and claims, each claim's evidence one click away."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
from collections import Counter, defaultdict
from pathlib import Path

import networkx as nx

from graph.errors import UserError
from graph.writers import MANIFEST, write_text_atomic
from ontology import NS
from ontology.schema import load_schema
from sources.model import PartialDate

MAX_NODES = 2000
"""Past this many nodes the command refuses: the layout would no longer settle in a few seconds."""

SIZE_MEASURES = ("degree", "betweenness", "pagerank")

ASSETS = Path(__file__).parent / "view_assets"

# Exact betweenness is cubic; past this many nodes we sample (seeded, so the page stays byte-stable).
BETWEENNESS_EXACT_UP_TO = 1500
BETWEENNESS_SAMPLE = 500
LAYOUT_SEED = 7

# Colour and vis.js shape per type. Families share a shape so the legend reads as groups.
TYPE_STYLES: dict[str, tuple[str, str]] = {
    "Person": ("dot", "#4e79a7"),
    "PersonGroup": ("dot", "#a0cbe8"),
    "PoliticalParty": ("hexagon", "#f28e2b"),
    "Organization": ("hexagon", "#b6992d"),
    "NGO": ("triangle", "#59a14f"),
    "MediaOutlet": ("triangle", "#8cd17d"),
    "Court": ("square", "#e15759"),
    "GovernmentBody": ("square", "#ff9d9a"),
    "Prison": ("square", "#9c755f"),
    "Place": ("triangleDown", "#bab0ac"),
    "Charge": ("star", "#b07aa1"),
    "LegalCase": ("star", "#d4a6c8"),
    "Activity": ("dot", "#86bcb6"),
    "Report": ("triangleDown", "#79706e"),
    "Document": ("triangleDown", "#79706e"),
}
EVENT_STYLE = ("diamond", "#edc948")
OTHER_STYLE = ("dot", "#c7c7c7")
# Events of the legal process and of political life get two shades of the same shape.
LEGAL_EVENTS = {"Arrest", "Detention", "Hearing", "Trial", "Verdict", "Sentence", "Bail", "Release", "Pardon"}
LEGAL_EVENT_STYLE = ("diamond", "#f1a340")


class ViewError(UserError):
    """The view cannot be made as asked: an unknown name or type, a bad date, or too many nodes."""


# --- choosing what to show -------------------------------------------------------------------------

def type_style(type_name: str) -> tuple[str, str]:
    """(vis.js shape, colour) for an ontology class name."""
    if type_name in TYPE_STYLES:
        return TYPE_STYLES[type_name]
    schema = load_schema()
    if type_name in LEGAL_EVENTS:
        return LEGAL_EVENT_STYLE
    if schema.is_a(type_name, "Event"):
        return EVENT_STYLE
    return OTHER_STYLE


def _key(name: str) -> str:
    """How names are compared: case, full stops and extra spaces ignored ('ms lee' finds 'Ms. Lee')."""
    return " ".join(name.replace(".", " ").casefold().split())


def _names(attrs: dict) -> list[str]:
    names = [attrs.get("label") or ""]
    names += [a.strip() for a in (attrs.get("aliases") or "").split(";") if a.strip()]
    return [n for n in names if n]


def find_entity(G: nx.MultiDiGraph, name: str):
    """The node whose id, label or alias is `name` (case-insensitive); ViewError with a hint otherwise."""
    key = _key(name)
    if not key:
        raise ViewError("--focus needs a name, e.g. --focus 'Kem Sokha'")
    hits = sorted(n for n, d in G.nodes(data=True)
                  if str(n).casefold() == name.strip().casefold() or key in (_key(x) for x in _names(d)))
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        shown = ", ".join(f"{G.nodes[n].get('label', n)} ({n})" for n in hits[:5])
        raise ViewError(f"'{name}' names {len(hits)} entities: {shown}; use the id of the one you mean")
    by_name: dict[str, str] = {}
    for n, d in sorted(G.nodes(data=True), key=lambda x: str(x[0])):
        for x in _names(d):
            by_name.setdefault(_key(x), d.get("label") or str(n))
    close = difflib.get_close_matches(key, list(by_name), n=3, cutoff=0.6)
    close += sorted(k for k in by_name if key in k and k not in close)[:3]
    hint = sorted(dict.fromkeys(by_name[c] for c in close))
    msg = f"no entity in the network is named '{name}'"
    if hint:
        msg += "; did you mean " + " or ".join(f"'{h}'" for h in hint[:3]) + "?"
    else:
        msg += " (names and aliases are matched whole, ignoring case)"
    raise ViewError(msg)


def resolve_types(types, present) -> set[str]:
    """The node types that --type T ... selects: each T and its subclasses (--type Event: every kind)."""
    schema = load_schema()
    known = {c.casefold(): c for c in schema.entity_types()}
    listed = ", ".join(sorted(present))
    wanted = set()
    for t in types:
        c = known.get(t.strip().casefold())
        if c is None:
            close = difflib.get_close_matches(t, list(known.values()), n=2, cutoff=0.6)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            raise ViewError(f"unknown type '{t}'{hint} (types in this network: {listed})")
        chosen = {p for p in present if schema.is_a(p, c)}
        if not chosen:
            raise ViewError(f"no entity in this network is of type {c} (types in this network: {listed})")
        wanted |= chosen
    return wanted


def select_view(G: nx.MultiDiGraph, *, focus: str | None = None, depth: int = 1, types=()) -> nx.MultiDiGraph:
    """The part of G to draw: the neighbourhood of `focus` up to `depth` links (either direction),
    then only nodes of the given types (the focus itself always stays)."""
    keep = set(G.nodes)
    center = None
    if focus is not None:
        if depth < 0:
            raise ViewError("--depth must be 0 or more")
        center = find_entity(G, focus)
        keep = set(nx.single_source_shortest_path_length(G.to_undirected(as_view=True), center, cutoff=depth))
    if types:
        allowed = resolve_types(types, {G.nodes[n].get("type", "") for n in G.nodes})
        keep = {n for n in keep if G.nodes[n].get("type", "") in allowed or n == center}
    return G.subgraph(sorted(keep, key=str)).copy()


def sizes(G: nx.MultiDiGraph, by: str = "degree") -> dict:
    """Per-node value of the measure that sets node size, computed on G as an undirected simple graph."""
    from graph.network import simple_view

    if by not in SIZE_MEASURES:
        raise ViewError(f"unknown --size-by '{by}'; choose one of {', '.join(SIZE_MEASURES)}")
    H = simple_view(G)
    if H.number_of_nodes() == 0:
        return {}
    if by == "degree":
        return {n: float(d) for n, d in H.degree()}
    if by == "betweenness":
        k = BETWEENNESS_SAMPLE if H.number_of_nodes() > BETWEENNESS_EXACT_UP_TO else None
        return nx.betweenness_centrality(H, k=k, seed=LAYOUT_SEED if k else None)
    if H.number_of_edges() == 0:
        return {n: 1.0 / H.number_of_nodes() for n in H}
    return nx.pagerank(H, weight="weight")


# --- the evidence behind the claims ----------------------------------------------------------------



def _values(var: str, iris) -> str:
    """A VALUES block of IRIs that came from the store, re-checked and written by pyoxigraph itself."""
    from pyoxigraph import NamedNode

    terms = " ".join(str(NamedNode(i)) for i in sorted(set(iris)))
    return f"VALUES ?{var} {{ {terms} }}"


def _partial_span(texts) -> list[str] | None:
    dates = [PartialDate(t) for t in texts if t]
    if not dates:
        return None
    return [min(d.earliest for d in dates).isoformat(), max(d.latest for d in dates).isoformat()]


def evidence(store, G: nx.MultiDiGraph) -> dict:
    """Everything the page shows on a click, for the claims drawn as edges in G and the attribute claims
    (literal values, e.g. a charge's maximum penalty) about its nodes, in five queries.

    Returns plain values: {"claims": {claim IRI: {...}}, "documents": {doc id: {...}},
    "facts": {node: [claim IRI, ...]}}.
    """
    from graph.iris import entity_id
    from graph.store import select

    schema = load_schema()
    edge_claims = {d.get("claim") or k for _, _, k, d in G.edges(keys=True, data=True)}
    node_iris = {d["iri"]: n for n, d in G.nodes(data=True) if d.get("iri")}
    claims: dict[str, dict] = {}
    facts: dict = defaultdict(list)
    if node_iris:
        # Literal-valued claims about the nodes drawn: they have no edge, so they are looked up by subject.
        rows = select(store, f"""
            SELECT ?c ?s ?p ?o ?n ?role ?acc WHERE {{
              {_values("s", node_iris)}
              GRAPH ?c {{ ?s ?p ?o }} FILTER(isLiteral(?o) && ?p != rg:date)
              ?c a rg:Claim ; rg:supportCount ?n .
              OPTIONAL {{ ?c rg:role ?role }} OPTIONAL {{ ?c rg:accordingTo ?acc }}
            }}""", union=False)
        for r in rows:
            claims[r["c"]] = _claim_row(r, schema, entity_id, literal=True)
            facts[node_iris[r["s"]]].append(r["c"])
    if edge_claims:
        rows = select(store, f"""
            SELECT ?c ?s ?p ?o ?n ?role ?acc WHERE {{
              {_values("c", edge_claims)}
              GRAPH ?c {{ ?s ?p ?o }} FILTER(isIRI(?o) && ?p != rg:date)
              ?c rg:supportCount ?n .
              OPTIONAL {{ ?c rg:role ?role }} OPTIONAL {{ ?c rg:accordingTo ?acc }}
            }}""", union=False)
        for r in rows:
            claims[r["c"]] = _claim_row(r, schema, entity_id, literal=False)
    if not claims:
        return {"claims": {}, "documents": {}, "facts": {}}
    dates: dict[str, set] = defaultdict(set)
    for r in select(store, f"""
            SELECT ?c ?d WHERE {{ {_values("c", claims)} ?c rg:date ?d }}""", union=False):
        dates[r["c"]].add(str(r["d"]))
    doc_ids: set[str] = set()
    for r in select(store, f"""
            SELECT ?c ?ev ?quote ?doc ?file ?line ?conf WHERE {{
              {_values("c", claims)}
              ?c rg:evidence ?ev . ?ev rg:quote ?quote ; prov:wasDerivedFrom ?doc .
              OPTIONAL {{ ?doc rg:sourceFile ?file }} OPTIONAL {{ ?ev rg:sourceLine ?line }}
              OPTIONAL {{ ?ev rg:confidence ?conf }}
            }}""", union=False):
        did = r["doc"]
        doc_ids.add(did)
        claims[r["c"]]["evidence"].append({
            "quote": r["quote"], "document": did,
            "source": f"{r['file']}:{r['line']}" if r["file"] else "",
            "confidence": r["conf"] if r["conf"] is not None else 1.0,
        })
    documents = {}
    if doc_ids:
        for r in select(store, f"""
                SELECT ?doc ?id ?kind ?title ?date ?url ?publisher WHERE {{
                  {_values("doc", doc_ids)}
                  ?doc dcterms:identifier ?id ; dcterms:title ?title ; dcterms:date ?date ; a ?kind .
                  OPTIONAL {{ ?doc schema:url ?url }}
                  OPTIONAL {{ ?doc rg:publishedBy ?p . ?p rdfs:label ?publisher }}
                }}""", union=False):
            documents[r["doc"]] = {
                "id": r["id"], "title": r["title"], "date": str(r["date"]), "publisher": r["publisher"] or "",
                "kind": r["kind"][len(NS):] if r["kind"].startswith(NS) else r["kind"],
                "url": safe_url(r["url"]),
            }
    for c in claims.values():
        c["dates"] = sorted(dates.get(c["id"], ()))
        # Oldest document first, then by its id: a stable order for the page.
        c["evidence"].sort(key=lambda e: (documents.get(e["document"], {}).get("date", ""), e["document"],
                                          e["quote"]))
        for e in c["evidence"]:
            e["document"] = documents.get(e["document"], {}).get("id", e["document"])
    documents = {d["id"]: d for d in documents.values()}
    return {"claims": dict(sorted(claims.items())), "documents": dict(sorted(documents.items())),
            "facts": {str(n): sorted(v) for n, v in sorted(facts.items(), key=lambda x: str(x[0]))}}


def _claim_row(r: dict, schema, entity_id, literal: bool) -> dict:
    p = r["p"][len(NS):] if r["p"].startswith(NS) else r["p"]
    relation = schema.relations.get(p)
    return {
        "id": r["c"], "subject": entity_id(r["s"]) or r["s"], "predicate": p,
        "label": relation.label if relation else p,
        "object": None if literal else (entity_id(r["o"]) or r["o"]),
        "value": str(r["o"]) if literal else None,
        "support": int(r["n"]), "role": r["role"] or "",
        "according_to": entity_id(r["acc"]) if r["acc"] else "",
        "evidence": [],
    }


def safe_url(url) -> str:
    """The URL if it is a plain http(s) link; anything else (javascript:, data:) is dropped."""
    if not url:
        return ""
    url = str(url).strip()
    return url if re.match(r"^https?://[^\s\"'<>]+$", url, re.IGNORECASE) else ""


# --- the page --------------------------------------------------------------------------------------

def script_json(value) -> str:
    """JSON that is safe inside <script>: no '<', '>' or '&' (so no '</script>' or '<!--') and no
    U+2028/U+2029, which older engines treat as line ends."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _vis_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS as shipped inside pyvis, for inlining."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    # A source-map comment makes developer tools fetch a file we do not ship.
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    if "</script" in js.lower() or "</style" in css.lower():
        raise ViewError("the vis-network files shipped with pyvis cannot be inlined safely")
    return js, css


def stabilization_iterations(n_nodes: int) -> int:
    """Bounded layout work: enough for small graphs to settle well, capped so large ones still open fast."""
    if n_nodes <= 200:
        return 600
    return max(150, int(120000 / n_nodes))


def _options(n_nodes: int, n_edges: int) -> dict:
    return {
        "autoResize": True,
        "layout": {"randomSeed": LAYOUT_SEED, "improvedLayout": n_nodes <= 150},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -90, "centralGravity": 0.012, "springLength": 130,
                                 "springConstant": 0.06, "damping": 0.5, "avoidOverlap": 0.4},
            "stabilization": {"enabled": True, "iterations": stabilization_iterations(n_nodes),
                              "updateInterval": 25, "fit": True},
            "minVelocity": 1.0,
            "timestep": 0.5,
        },
        "nodes": {"font": {"size": 14, "face": "sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "borderWidth": 1},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
            "color": {"color": "#9a9a9a", "highlight": "#333333", "hover": "#555555", "inherit": False},
            "font": {"size": 11, "face": "sans-serif", "align": "horizontal", "color": "#444444",
                     "strokeWidth": 3, "strokeColor": "#ffffff"},
            # Curves cost layout time; past a few hundred edges straight lines keep the page responsive.
            "smooth": {"enabled": n_edges <= 600, "type": "continuous", "roundness": 0.3},
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": n_edges > 1000,
                        "multiselect": False, "navigationButtons": False, "keyboard": False},
    }


def _scaled(values: dict, n) -> float:
    top = max(values.values(), default=0.0)
    v = values.get(n, 0.0)
    return round(12 + 30 * math.sqrt(v / top), 2) if top > 0 else 16.0


def _span(d: dict) -> list[str] | None:
    """The days an edge's claim may refer to (the projection's rule: its dates, else first reported)."""
    texts = [t for t in (d.get("dates") or "").split(";") if t]
    return _partial_span(texts or [d.get("reported") or ""])


def page_data(V: nx.MultiDiGraph, ev: dict, values: dict, *, size_by: str = "degree",
              title: str = "rightsgraph network") -> dict:
    """The plain data the page is drawn from: pyvis nodes and edges, vis options, and the evidence."""
    from pyvis.network import Network

    net = Network(directed=True, height="100%", width="100%", cdn_resources="in_line")
    nodes = sorted(V.nodes(data=True), key=lambda x: str(x[0]))
    entities = {}
    for n, d in nodes:
        t = d.get("type", "")
        shape, colour = type_style(t)
        label = d.get("label") or str(n)
        aliases = [a.strip() for a in (d.get("aliases") or "").split(";") if a.strip()]
        # Tooltips are plain text (vis-network 9 writes string titles with innerText); never HTML.
        tip = f"{label} ({t})" + (f"\nalso: {', '.join(aliases)}" if aliases else "")
        net.add_node(str(n), label=label, shape=shape, color=colour, size=_scaled(values, n), title=tip)
        entities[str(n)] = {"label": label, "type": t, "aliases": aliases}
    seen_pairs: Counter = Counter()
    edges = sorted(V.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2])))
    edge_meta = {}
    for u, v, k, d in edges:
        cid = d.get("claim") or str(k)
        pair = tuple(sorted((str(u), str(v))))
        nth = seen_pairs[pair]
        seen_pairs[pair] += 1
        weight = int(d.get("weight") or 1)
        opts = {"id": cid, "label": d.get("label") or d.get("predicate", ""),
                "width": round(1 + 0.8 * min(weight, 6), 2),
                "title": f"{entities[str(u)]['label']} {d.get('label', '')} {entities[str(v)]['label']}"
                         f" ({weight} document{'s' if weight != 1 else ''})"}
        if nth:
            # Several claims link the same two entities: fan them out instead of drawing them on top of each other.
            opts["smooth"] = {"enabled": True, "type": "curvedCW" if nth % 2 else "curvedCCW",
                              "roundness": round(0.2 * ((nth + 1) // 2), 2)}
        if d.get("according_to"):
            opts["dashes"] = True
        net.add_edge(str(u), str(v), **opts)
        edge_meta[cid] = {"span": _span(d), "from": str(u), "to": str(v)}
    types = Counter(e["type"] for e in entities.values())
    legend = [{"type": t, "count": c, "shape": type_style(t)[0], "color": type_style(t)[1]}
              for t, c in sorted(types.items())]
    net.options = _options(len(net.nodes), len(net.edges))
    spans = [m["span"] for m in edge_meta.values() if m["span"]]
    return {
        "title": title,
        "sizeBy": size_by,
        "nodes": net.nodes,
        "edges": net.edges,
        "options": net.options,
        "entities": entities,
        "edgeMeta": edge_meta,
        "legend": legend,
        "dateRange": [min(s[0] for s in spans), max(s[1] for s in spans)] if spans else None,
        "claims": ev.get("claims", {}),
        "documents": ev.get("documents", {}),
        "facts": ev.get("facts", {}),
    }


def render(data: dict) -> str:
    """One self-contained HTML page: vis-network, our script and style inline, the data as escaped JSON."""
    from jinja2 import Environment, FileSystemLoader

    js, css = _vis_assets()
    env = Environment(loader=FileSystemLoader(str(ASSETS)), autoescape=True, keep_trailing_newline=True)
    page = env.get_template("view.html").render(
        title=data["title"],
        vis_js=js, vis_css=css,
        view_js=(ASSETS / "view.js").read_text(encoding="utf-8"),
        view_css=(ASSETS / "view.css").read_text(encoding="utf-8"),
        data_json=script_json(data),
    )
    return page


def html(V: nx.MultiDiGraph, ev: dict, values: dict, *, size_by: str = "degree",
         title: str = "rightsgraph network", max_nodes: int | None = MAX_NODES) -> str:
    """The page for an already chosen view; ViewError when it has more than `max_nodes` nodes."""
    check_limit(V.number_of_nodes(), max_nodes)
    return render(page_data(V, ev, values, size_by=size_by, title=title))


def check_limit(n: int, max_nodes: int | None) -> None:
    """ViewError when a view of `n` entities is past `max_nodes`."""
    if max_nodes is not None and n > max_nodes:
        raise ViewError(
            f"the view would have {n:,} entities, over the limit of {max_nodes:,} (--max-nodes): past it a browser "
            "takes too long to lay the network out; narrow it with --focus NAME (and --depth N), --type T "
            "or --from/--to DATE")


def _counts(build_dir: Path) -> dict:
    try:
        return json.loads((build_dir / MANIFEST).read_text(encoding="utf-8")).get("counts", {})
    except (OSError, ValueError, AttributeError):
        return {}


def parse_date(text: str | None, end: bool = False) -> dt.date | None:
    """--from takes a partial date's first day, --to its last (so --to 2017 includes all of 2017)."""
    if text is None:
        return None
    try:
        d = PartialDate.parse(text)
    except ValueError as e:
        raise ViewError(f"bad date: {e}") from None
    return d.latest if end else d.earliest


def describe(focus, depth, types, date_from, date_to) -> str:
    parts = []
    if focus:
        parts.append(f"around {focus} (depth {depth})")
    if types:
        parts.append("types: " + ", ".join(types))
    if date_from or date_to:
        parts.append(f"dates {date_from or '…'} to {date_to or '…'}")
    return "rightsgraph network" + (" — " + "; ".join(parts) if parts else "")


def write_view(build_dir: Path, out: Path, *, focus: str | None = None, depth: int = 1, types=(),
               date_from: str | None = None, date_to: str | None = None, size_by: str = "degree",
               max_nodes: int | None = MAX_NODES) -> dict:
    """Make the page for a build and write it atomically to `out`; return what it holds.

    Raises ViewError (bad name, type, date, or too many nodes), graph.network.NetworkError or
    graph.writers.OutputError (no build); nothing is written then.
    """
    from graph.network import project
    from graph.store import open_store

    if size_by not in SIZE_MEASURES:
        raise ViewError(f"unknown --size-by '{size_by}'; choose one of {', '.join(SIZE_MEASURES)}")
    start, end = parse_date(date_from), parse_date(date_to, end=True)
    if start and end and start > end:
        raise ViewError(f"the date range is empty: --from {date_from} is after --to {date_to}")
    out = Path(out)
    if out.is_dir():
        raise ViewError(f"{out} is a directory; give a file name with --out, e.g. --out view.html")
    store = open_store(Path(build_dir))
    if not (focus or types or start or end):
        # the whole network: the build counted its nodes (a build made before that count is checked once projected)
        check_limit(_counts(Path(build_dir)).get("linked_entities", 0), max_nodes)
    G = project(store, date_from=start, date_to=end)
    V = select_view(G, focus=focus, depth=depth, types=types)
    check_limit(V.number_of_nodes(), max_nodes)
    values = sizes(G, size_by)
    page = html(V, evidence(store, V), values, size_by=size_by,
                title=describe(focus, depth, types, date_from, date_to), max_nodes=max_nodes)
    write_text_atomic(page, out)
    return {"nodes": V.number_of_nodes(), "edges": V.number_of_edges(), "bytes": len(page.encode("utf-8")),
            "out": str(out)}


