"""Project the RDF claims of a build onto networkx graphs, and export them for Gephi and Cytoscape."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import networkx as nx

from graph.iris import entity_id
from graph.store import open_store, select
from graph.writers import OutputError, write_text_atomic
from ontology import BASE, NS
from ontology.schema import load_schema
from sources.model import PartialDate

EXPORT_FORMATS = ("graphml", "gexf", "csv-edges")

# Attribute names every node and edge carries; a literal-valued claim never overwrites them.
NODE_KEYS = ("label", "type", "aliases", "iri")
EDGE_KEYS = ("predicate", "label", "weight", "dates", "date", "reported", "claim", "role", "according_to")



class NetworkError(OutputError):
    """The network cannot be built, analysed or exported as asked (bad date, unknown format, nothing to rank).

    A kind of OutputError, so every command's ``run_guarded`` turns it into one message and exit code 1.
    """


def _entities(store) -> dict[str, dict]:
    rows = select(store, f"""
        SELECT ?e ?t ?label WHERE {{
          ?e a ?t . FILTER(STRSTARTS(STR(?e), "{BASE}id/") && STRSTARTS(STR(?t), "{NS}"))
          OPTIONAL {{ ?e rdfs:label ?label }}
        }}""", union=False)
    out: dict[str, dict] = {}
    for r in rows:
        eid = entity_id(r["e"])
        t = r["t"][len(NS):]
        node = out.setdefault(eid, {"label": r["label"] or eid, "type": t, "aliases": "", "iri": r["e"]})
        # An entity has one registry type; should a store hold more, the choice must still be stable.
        node["type"] = min(node["type"], t)
    aliases: dict[str, list[str]] = defaultdict(list)
    for r in select(store, "SELECT ?e ?a WHERE { ?e skos:altLabel ?a }", union=False):
        eid = entity_id(r["e"])
        if eid in out:
            aliases[eid].append(r["a"])
    for eid, names in aliases.items():
        out[eid]["aliases"] = "; ".join(sorted(set(names)))
    return out


def _claims(store) -> list[dict]:
    """Every claim with its assertion, support, role, allegation, dates and the dates of its documents."""
    rows = select(store, """
        SELECT ?c ?s ?p ?o ?kind ?n ?role ?acc WHERE {
          ?c a rg:Claim ; rg:supportCount ?n .
          OPTIONAL { ?c rg:role ?role }
          OPTIONAL { ?c rg:accordingTo ?acc }
          GRAPH ?c { ?s ?p ?o } FILTER(?p != rg:date)
          BIND(IF(isIRI(?o), "entity", "value") AS ?kind)
        }""", union=False)
    dates: dict[str, set[str]] = defaultdict(set)
    for r in select(store, "SELECT ?c ?d WHERE { ?c a rg:Claim ; rg:date ?d }", union=False):
        dates[r["c"]].add(str(r["d"]))
    reported: dict[str, set[str]] = defaultdict(set)
    for r in select(store, """
            SELECT ?c ?d WHERE { ?c a rg:Claim ; prov:wasDerivedFrom ?doc . ?doc dcterms:date ?d }""",
                    union=False):
        reported[r["c"]].add(str(r["d"]))
    claims = []
    for r in rows:
        # Plain values lose the IRI/literal distinction; ?kind keeps it.
        is_iri = r["kind"] == "entity"
        claims.append({
            "claim": r["c"], "subject": entity_id(r["s"]),
            "predicate": r["p"][len(NS):] if r["p"].startswith(NS) else r["p"],
            "object": entity_id(r["o"]) if is_iri else None, "value": None if is_iri else r["o"],
            "weight": int(r["n"]), "role": r["role"] or "",
            "according_to": entity_id(r["acc"]) if r["acc"] else "",
            "dates": sorted((PartialDate(d) for d in dates.get(r["c"], ())), key=_date_order),
            "reported": sorted((PartialDate(d) for d in reported.get(r["c"], ())), key=_date_order),
        })
    claims.sort(key=lambda c: (c["subject"] or "", c["object"] or "", c["predicate"], c["claim"]))
    return claims


def _date_order(d: PartialDate) -> tuple:
    return (d.earliest, d.latest, d.text)


def claim_span(dates: list[PartialDate], reported: list[PartialDate]) -> tuple[dt.date, dt.date] | None:
    """The days a claim may refer to: from its earliest date's first day to its latest date's last day.

    An undated claim is placed when it was first reported: the first day of its earliest supporting
    document's date. A claim with neither (impossible in a normal build) has no span.
    """
    known = dates or reported[:1]
    if not known:
        return None
    return min(d.earliest for d in known), max(d.latest for d in known)


def keep_claim(span, as_of=None, date_from=None, date_to=None) -> bool:
    """The time rule of the projection; see docs/network.md ("Dates")."""
    if as_of is None and date_from is None and date_to is None:
        return True
    if span is None:
        return False
    first, last = span
    if as_of is not None and first > as_of:
        return False
    if date_to is not None and first > date_to:
        return False
    if date_from is not None and last < date_from:
        return False
    return True


def _check_dates(as_of, date_from, date_to) -> None:
    for name, value in (("as_of", as_of), ("date_from", date_from), ("date_to", date_to)):
        if value is not None and not isinstance(value, dt.date):
            raise NetworkError(f"{name} must be a date, not {value!r}")
    if date_from is not None and date_to is not None and date_from > date_to:
        raise NetworkError(f"the date range is empty: {date_from.isoformat()} is after {date_to.isoformat()}")


def project(store, *, events: bool = True, charges: bool = True, as_of: dt.date | None = None,
            date_from: dt.date | None = None, date_to: dt.date | None = None) -> nx.MultiDiGraph:
    """The claims of a store as a typed, directed multigraph: one edge per entity-to-entity claim.

    Parameters
    ----------
    store : pyoxigraph.Store
        A build's store (see ``graph.store.open_store``).
    events, charges : bool
        Keep nodes whose type is an Event (or one of its kinds) / a Charge, and their claims.
    as_of : datetime.date, optional
        Keep only claims whose earliest date's first day is on or before this day
        (undated claims: the first day of the earliest document that supports them).
    date_from, date_to : datetime.date, optional
        Keep only claims whose span (first day of the earliest date to last day of the latest)
        overlaps ``[date_from, date_to]``; undated claims are placed as for ``as_of``.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes keyed by entity id, edges keyed by claim IRI, from subject to object; attributes are
        plain str/int values (see docs/network.md).
    """
    _check_dates(as_of, date_from, date_to)
    schema = load_schema()
    entities = _entities(store)

    def wanted(eid: str | None) -> bool:
        if eid is None or eid not in entities:
            return False
        t = entities[eid]["type"]
        if not events and schema.is_a(t, "Event"):
            return False
        if not charges and schema.is_a(t, "Charge"):
            return False
        return True

    G = nx.MultiDiGraph()
    edges, literals = [], defaultdict(lambda: defaultdict(set))
    for c in _claims(store):
        if not keep_claim(claim_span(c["dates"], c["reported"]), as_of, date_from, date_to):
            continue
        if c["object"] is None:
            if c["subject"] is not None:
                literals[c["subject"]][c["predicate"]].add(c["value"])
            continue
        if not (wanted(c["subject"]) and wanted(c["object"])):
            continue
        relation = schema.relations.get(c["predicate"])
        edges.append((c["subject"], c["object"], c["claim"], {
            "predicate": c["predicate"],
            "label": relation.label if relation else c["predicate"],
            "weight": c["weight"],
            "dates": ";".join(d.text for d in c["dates"]),
            "date": c["dates"][0].text if c["dates"] else "",
            "reported": c["reported"][0].text if c["reported"] else "",
            "claim": c["claim"],
            "role": c["role"],
            "according_to": c["according_to"] or "",
        }))
    for eid in sorted({e[0] for e in edges} | {e[1] for e in edges}):
        G.add_node(eid, **entities[eid])
        for name, values in sorted(literals.get(eid, {}).items()):
            key = name if name not in NODE_KEYS else f"{name}_value"
            # Sources may disagree (two sentence lengths): keep both side by side rather than pick one.
            G.nodes[eid][key] = next(iter(values)) if len(values) == 1 else "; ".join(sorted(map(str, values)))
    for s, o, key, attrs in edges:
        G.add_edge(s, o, key=key, **attrs)
    return G


def load_network(build_dir: Path, **kwargs) -> nx.MultiDiGraph:
    """Open a build's store read-only and project it; keyword arguments go to ``project``."""
    return project(open_store(Path(build_dir)), **kwargs)


def simple_view(G: nx.MultiDiGraph) -> nx.Graph:
    """Undirected, one edge per pair of nodes, weight = the sum of the claims' weights, no self-loops.

    Each edge also records ``claims`` (how many claims link the pair) and ``predicates``
    (their predicates, sorted and ";"-joined). Node attributes are copied.
    """
    H = nx.Graph()
    H.add_nodes_from(sorted(G.nodes(data=True), key=lambda n: n[0]))
    acc: dict[tuple, dict] = {}
    for u, v, data in G.edges(data=True):
        if u == v:
            continue
        pair = (u, v) if u <= v else (v, u)
        a = acc.setdefault(pair, {"weight": 0, "claims": 0, "predicates": set()})
        a["weight"] += int(data.get("weight", 1))
        a["claims"] += 1
        if "predicate" in data:
            a["predicates"].add(data["predicate"])
    for (u, v), a in sorted(acc.items()):
        H.add_edge(u, v, weight=a["weight"], claims=a["claims"], predicates=";".join(sorted(a["predicates"])))
    return H


# --- export --------------------------------------------------------------------------------------

def _plain(value):
    """GraphML and GEXF take str, int, float and bool; anything else is written as text."""
    if isinstance(value, bool | int | float | str):
        return value
    if value is None:
        return ""
    return str(value)


def _uniform(items) -> dict[str, type]:
    """For each attribute, one type across all elements (GraphML declares one type per key)."""
    seen: dict[str, set[type]] = defaultdict(set)
    for attrs in items:
        for k, v in attrs.items():
            seen[k].add(type(_plain(v)))
    out = {}
    for k, types in seen.items():
        if types <= {int, bool} and types != {int, bool}:
            out[k] = next(iter(types))
        elif types <= {int, float}:
            out[k] = float if float in types else int
        else:
            out[k] = str
    return out


def export_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of G whose attribute values are plain (str, int, float, bool) and of one type per attribute,
    as GraphML declares one type per key; a value a node lacks stays missing."""
    node_types = _uniform(d for _, d in G.nodes(data=True))
    edge_types = _uniform(d for _, _, d in G.edges(data=True))
    H = nx.MultiDiGraph()

    def fill(attrs: dict, types: dict) -> dict:
        out = {}
        for k, t in sorted(types.items()):
            if k in attrs:  # a missing value stays missing: 0 years is not "unknown"
                v = _plain(attrs[k])
                out[k] = v if type(v) is t else t(v)
        return out

    for n, d in sorted(G.nodes(data=True), key=lambda x: x[0]):
        H.add_node(n, **fill(d, node_types))
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
        H.add_edge(u, v, key=k, **fill(d, edge_types))
    return H


def _csv_edges(G: nx.MultiDiGraph) -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    edge_cols = sorted({k for _, _, d in G.edges(data=True) for k in d} - {"label"})
    w.writerow(["source", "target", "source_label", "target_label", "source_type", "target_type", "label"]
               + edge_cols)
    for u, v, d in G.edges(data=True):
        nu, nv = G.nodes[u], G.nodes[v]
        w.writerow([u, v, nu.get("label", u), nv.get("label", v), nu.get("type", ""), nv.get("type", ""),
                    d.get("label", "")] + [d.get(c, "") for c in edge_cols])
    return buf.getvalue()


def export_text(G: nx.MultiDiGraph, fmt: str) -> str:
    """G as GraphML, GEXF 1.2 or a CSV edge list (one row per claim, with both ends' labels)."""
    if fmt not in EXPORT_FORMATS:
        raise NetworkError(f"unknown export format '{fmt}'; choose one of {', '.join(EXPORT_FORMATS)}")
    H = export_graph(G)
    if fmt == "csv-edges":
        return _csv_edges(H)
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(H, encoding="utf-8", prettyprint=True)) + "\n"
    # GEXF 1.2: Gephi reads edge weights from the 'weight' attribute; keys become edge ids.
    return "\n".join(nx.generate_gexf(H, encoding="utf-8", prettyprint=True, version="1.2draft")) + "\n"


def export_network(build_dir: Path, fmt: str, out: Path | None = None) -> str | None:
    """Export a build's network (events and charges included) for Gephi or Cytoscape.

    ``fmt`` is one of "graphml", "gexf", "csv-edges". With ``out``, the file is written to a temporary
    file in the same directory that then replaces ``out``; without, the text is returned.
    Raises NetworkError (bad format) or graph.writers.OutputError (no build, unwritable destination).
    """
    if fmt not in EXPORT_FORMATS:
        raise NetworkError(f"unknown export format '{fmt}'; choose one of {', '.join(EXPORT_FORMATS)}")
    text = export_text(load_network(build_dir), fmt)
    if out is None:
        return text
    write_text_atomic(text, out)
    return None
