"""Export a build's dataset as Turtle, TriG, N-Quads, N-Triples or JSON-LD, byte-stable and written atomically."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import XSD

from graph.triples import PREFIXES
from graph.writers import MANIFEST, OutputError, write_text_atomic

RDF_FORMATS = ("ttl", "trig", "nq", "nt", "jsonld")
NETWORK_FORMATS = ("graphml", "gexf", "csv-edges")
FORMATS = RDF_FORMATS + NETWORK_FORMATS
# ttl and nt cannot hold named graphs: they carry the union (every claim's assertion plus all provenance).
HOLDS_GRAPHS = {"trig": True, "nq": True, "jsonld": True, "ttl": False, "nt": False}


def bind_prefixes(g) -> None:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)


def _build_file(build_dir: Path, name: str) -> Path:
    build_dir = Path(build_dir)
    if not (build_dir / MANIFEST).exists() or not (build_dir / name).exists():
        raise OutputError(f"no build in {build_dir}; run 'rightsgraph build' first (or pass --store DIR)")
    return build_dir / name


def load_dataset(build_dir: Path) -> Dataset:
    ds = Dataset()
    ds.parse(_build_file(build_dir, "graph.nq"), format="nquads")
    bind_prefixes(ds)
    return ds


def union(ds: Dataset) -> Graph:
    g = Graph()
    bind_prefixes(g)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def _nt_term(t) -> str:
    return t.n3()


def ntriples_text(ds: Dataset) -> str:
    lines = {f"{_nt_term(s)} {_nt_term(p)} {_nt_term(o)} .\n" for s, p, o, _ in ds.quads((None, None, None, None))}
    return "".join(sorted(lines))


def _json_value(o) -> dict:
    if isinstance(o, URIRef):
        return {"@id": str(o)}
    if isinstance(o, Literal):
        if o.language:
            return {"@value": str(o), "@language": o.language}
        if o.datatype and o.datatype != XSD.string:
            return {"@value": str(o), "@type": str(o.datatype)}
        return {"@value": str(o)}
    raise OutputError(f"cannot export the blank node {o} to JSON-LD; builds never contain blank nodes")


def _json_nodes(triples) -> list[dict]:
    nodes: dict[str, dict[str, list]] = {}
    for s, p, o in triples:
        nodes.setdefault(str(s), {}).setdefault(str(p), []).append(_json_value(o))
    out = []
    for sid in sorted(nodes):
        node = {"@id": sid}
        for pid in sorted(nodes[sid]):
            node[pid] = sorted(nodes[sid][pid], key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        out.append(node)
    return out


def jsonld_text(ds: Dataset) -> str:
    """Expanded-form nodes under an inline context of our prefixes: no remote context, nothing fetched."""
    default = list(ds.default_graph)
    doc = _json_nodes(default)
    named = sorted((c for c in ds.graphs() if c.identifier != DATASET_DEFAULT_GRAPH_ID), key=lambda c: str(c.identifier))
    for c in named:
        doc.append({"@id": str(c.identifier), "@graph": _json_nodes(list(c))})
    context = {p: str(ns) for p, ns in sorted(PREFIXES.items())}
    return json.dumps({"@context": context, "@graph": doc}, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def export_text(build_dir: Path, fmt: str) -> str:
    # The build already writes byte-stable TriG and N-Quads of the whole dataset: those are the exports.
    if fmt == "trig":
        return _build_file(build_dir, "graph.trig").read_text(encoding="utf-8")
    if fmt == "nq":
        return _build_file(build_dir, "graph.nq").read_text(encoding="utf-8")
    if fmt not in RDF_FORMATS:
        raise OutputError(f"unknown RDF format {fmt!r}; choose one of {', '.join(RDF_FORMATS)}")
    ds = load_dataset(build_dir)
    if fmt == "nt":
        return ntriples_text(ds)
    if fmt == "ttl":
        return union(ds).serialize(format="turtle")
    return jsonld_text(ds)


def export(build_dir: Path, fmt: str, out: Path | None = None) -> str | None:
    """Write the export to `out`, or return its text when no file is given."""
    text = export_text(build_dir, fmt)
    if out is None:
        return text
    write_text_atomic(text, out)
    return None
