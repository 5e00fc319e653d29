"""Project the RDF claims of a build onto networkx graphs, and export them for Gephi and Cytoscape."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from pathlib import Path

import networkx as nx

from graph.iris import entity_id
from graph.store import QUERY_PREFIXES, open_store
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


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CLAIM = NS + "Claim"

# The projection asks the store only single-pattern questions and joins their answers here, by IRI. Each
# answer is read as SPARQL CSV, so that Oxigraph writes the values and Python makes no term object per
# value, and the questions run two at a time in threads (Oxigraph lets go of the GIL while it answers), so
# the store answers the next while Python joins the last. On 10^5 actors (1.3M quads) this takes a quarter
# of the time of the one five-pattern join it replaces.
QUESTIONS = {
    "assertions": """SELECT ?c ?s ?p ?o ?dt WHERE {
                       GRAPH ?c { ?s ?p ?o } FILTER(?p != rg:date)
                       BIND(IF(isIRI(?o), "", STR(DATATYPE(?o))) AS ?dt) }""",
    "typed": "SELECT ?e ?t WHERE { ?e a ?t }",
    "labels": "SELECT ?e ?label WHERE { ?e rdfs:label ?label }",
    "aliases": "SELECT ?e ?a WHERE { ?e skos:altLabel ?a }",
    "support": "SELECT ?c ?n WHERE { ?c rg:supportCount ?n }",
    "derived": "SELECT ?c ?doc WHERE { ?c prov:wasDerivedFrom ?doc }",
    "dates": "SELECT ?c ?d WHERE { ?c rg:date ?d }",
    "doc_dates": "SELECT ?doc ?d WHERE { ?doc dcterms:date ?d }",
    "roles": "SELECT ?c ?role WHERE { ?c rg:role ?role }",
    "according": "SELECT ?c ?acc WHERE { ?c rg:accordingTo ?acc }",
}


def _table(store, query: str) -> list[list[str]]:
    """Rows of a SELECT on the default graph as lists of strings (IRIs and lexical forms; "" if unbound)."""
    import csv
    import io

    import pyoxigraph

    solutions = store.query(query, prefixes=QUERY_PREFIXES, use_default_graph_as_union=False)
    text = solutions.serialize(format=pyoxigraph.QueryResultsFormat.CSV).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[1:]


class _Answers:
    """The answers to QUESTIONS, asked two at a time in threads as soon as this is made; reading one
    waits for that one only, so Python joins the first answers while the store works on the next."""

    def __init__(self, store):
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="rightsgraph-projection")
        self._futures = {name: self._pool.submit(_table, store, q) for name, q in QUESTIONS.items()}

    def __getitem__(self, name: str) -> list[list[str]]:
        return self._futures[name].result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _literal(lexical: str, datatype: str):
    """A literal's plain value, as graph.store.term_value gives it: numbers as numbers, the rest as text."""
    if datatype.endswith("#integer"):
        return int(lexical)
    if datatype.endswith(("#decimal", "#double", "#float")):
        return float(lexical)
    return lexical


def _entities(answers: dict) -> dict[str, dict]:
    """Registry entities (IRIs under id/ typed with a class of ours), with label, type and aliases."""
    id_base = f"{BASE}id/"
    out: dict[str, dict] = {}
    for e, t in answers["typed"]:
        if not (e.startswith(id_base) and t.startswith(NS)):
            continue
        eid = entity_id(e)
        node = out.setdefault(eid, {"label": eid, "type": t[len(NS):], "aliases": "", "iri": e})
        # An entity has one registry type; should a store hold more, the choice must still be stable.
        node["type"] = min(node["type"], t[len(NS):])
    labels: dict[str, list[str]] = defaultdict(list)
    for e, label in answers["labels"]:
        eid = entity_id(e)
        if eid in out and label:
            labels[eid].append(label)
    for eid, names in labels.items():
        out[eid]["label"] = min(names)  # one label per entity; min keeps a second one from making runs differ
    aliases: dict[str, set[str]] = defaultdict(set)
    for e, alias in answers["aliases"]:
        eid = entity_id(e)
        if eid in out:
            aliases[eid].add(alias)
    for eid, names in aliases.items():
        out[eid]["aliases"] = "; ".join(sorted(names))
    return out


def _claims(answers: dict) -> list[dict]:
    """Every claim with its assertion, support, role, allegation, dates and the dates of its documents."""
    claim_iris = {e for e, t in answers["typed"] if t == CLAIM}

    def per_claim(name: str) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for c, value in answers[name]:
            if c in claim_iris:
                found[c].append(value)
        return found

    support = per_claim("support")
    roles = per_claim("roles")
    according = per_claim("according")
    dates = per_claim("dates")
    doc_dates: dict[str, set[str]] = defaultdict(set)
    for doc, d in answers["doc_dates"]:
        doc_dates[doc].add(d)
    reported: dict[str, set[str]] = defaultdict(set)
    for c, docs in per_claim("derived").items():
        for doc in docs:
            reported[c] |= doc_dates.get(doc, set())
    claims = []
    for c, s, p, o, datatype in answers["assertions"]:
        if c not in support:  # a named graph that is not a claim with its support count
            continue
        # CSV loses the IRI/literal distinction; ?dt keeps it (a literal always has a datatype). A claim
        # that (wrongly) holds two support counts, roles or allegations gives one row per combination, as
        # a SPARQL join of them would.
        is_iri = not datatype
        for n in support[c]:
            for role in roles.get(c) or [""]:
                for acc in according.get(c) or [""]:
                    claims.append({
                        "claim": c, "subject": entity_id(s),
                        "predicate": p[len(NS):] if p.startswith(NS) else p,
                        "object": entity_id(o) if is_iri else None,
                        "value": None if is_iri else _literal(o, datatype),
                        "weight": int(n), "role": role,
                        "according_to": entity_id(acc) if acc else "",
                        "dates": _sorted_dates(frozenset(dates.get(c, ()))),
                        "reported": _sorted_dates(frozenset(reported.get(c, ()))),
                    })
    claims.sort(key=lambda c: (c["subject"] or "", c["object"] or "", c["predicate"], c["claim"]))
    return claims


@functools.lru_cache(maxsize=65536)
def _bounds(text: str) -> tuple[dt.date, dt.date]:
    """First and last day of a date's text; the same few thousand dates recur across 10^5 claims."""
    d = PartialDate(text)
    return d.earliest, d.latest


@functools.lru_cache(maxsize=65536)
def _sorted_dates(texts: frozenset[str]) -> tuple[PartialDate, ...]:
    """Dates in time order; claims share few sets of dates, so each set is sorted once."""
    return tuple(PartialDate(t) for t in sorted(texts, key=lambda t: (*_bounds(t), t)))


def _date_order(d: PartialDate) -> tuple:
    return (*_bounds(d.text), d.text)


def claim_span(dates: list[PartialDate], reported: list[PartialDate]) -> tuple[dt.date, dt.date] | None:
    """The days a claim may refer to: from its earliest date's first day to its latest date's last day.

    An undated claim is placed when it was first reported: the first day of its earliest supporting
    document's date. A claim with neither (impossible in a normal build) has no span.
    """
    known = dates or reported[:1]
    if not known:
        return None
    return min(_bounds(d.text)[0] for d in known), max(_bounds(d.text)[1] for d in known)


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
    answers = _Answers(store)
    try:
        return _project(answers, schema, events=events, charges=charges, as_of=as_of, date_from=date_from,
                        date_to=date_to)
    finally:
        answers.close()


def _project(answers: _Answers, schema, *, events, charges, as_of, date_from, date_to) -> nx.MultiDiGraph:
    entities = _entities(answers)

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
    dated = as_of is not None or date_from is not None or date_to is not None  # else keep_claim keeps all
    for c in _claims(answers):
        if dated and not keep_claim(claim_span(c["dates"], c["reported"]), as_of, date_from, date_to):
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
    G.add_edges_from(edges)  # (subject, object, claim IRI as key, attributes)
    return G


def load_network(build_dir: Path, **kwargs) -> nx.MultiDiGraph:
    """Open a build's store read-only and project it; keyword arguments go to ``project``."""
    return project(open_store(Path(build_dir)), **kwargs)


def simple_view(G: nx.MultiDiGraph, *, node_data: bool = True) -> nx.Graph:
    """Undirected, one edge per pair of nodes, weight = the sum of the claims' weights, no self-loops.

    Each edge also records ``claims`` (how many claims link the pair) and ``predicates``
    (their predicates, sorted and ";"-joined). Node attributes are copied unless ``node_data`` is False
    (the measures need none).
    """
    H = nx.Graph()
    if node_data:
        H.add_nodes_from(sorted(G.nodes(data=True), key=lambda n: n[0]))
    else:
        H.add_nodes_from(sorted(G.nodes))
    acc: dict[tuple, list] = {}  # pair -> [weight, claims, predicates]
    for u, targets in G.adj.items():  # each claim once: a MultiDiGraph's adjacency holds successors
        for v, claims in targets.items():
            if u == v:
                continue
            pair = (u, v) if u <= v else (v, u)
            a = acc.get(pair)
            if a is None:
                a = acc[pair] = [0, 0, set()]
            for data in claims.values():
                a[0] += int(data.get("weight", 1))
                a[1] += 1
                if "predicate" in data:
                    a[2].add(data["predicate"])
    H.add_edges_from((u, v, {"weight": w, "claims": n, "predicates": ";".join(sorted(p))})
                     for (u, v), (w, n, p) in sorted(acc.items(), key=lambda item: item[0]))
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
