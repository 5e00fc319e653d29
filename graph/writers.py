"""Write a build directory: serialisations, an embedded Oxigraph store and a manifest, swapped in atomically."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from graph import __version__
from graph.triples import PREFIXES, assertions, bind_prefixes

MANIFEST = "manifest.json"
STORE = "store"
SERIALISATIONS = {"graph.trig": "trig", "graph.nq": "nquads", "graph.ttl": "turtle"}


class OutputError(Exception):
    """The output cannot be written where the user asked."""


def nquads_text(ds: Dataset) -> str:
    # rdflib writes quads in store order; sorting the lines makes the file byte-stable.
    lines = ds.serialize(format="nquads").splitlines()
    return "".join(sorted(set(line + "\n" for line in lines if line.strip())))


def _turtle_body(g: Graph) -> list[str]:
    bind_prefixes(g)
    text = g.serialize(format="turtle")
    return [line for line in text.splitlines() if not line.startswith("@prefix")]


def trig_text(ds: Dataset) -> str:
    # rdflib orders named graphs by hash; we write the default graph first, then graphs sorted by name.
    out = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(PREFIXES.items())]
    default = Graph()
    for t in ds.default_graph:
        default.add(t)
    out += _turtle_body(default)
    named = sorted((c for c in ds.graphs() if c.identifier != DATASET_DEFAULT_GRAPH_ID),
                   key=lambda c: str(c.identifier))
    for context in named:
        g = Graph()
        for t in context:
            g.add(t)
        body = [line for line in _turtle_body(g) if line.strip()]
        out += ["", f"<{context.identifier}> {{"] + ["    " + line for line in body] + ["}"]
    return "\n".join(out).strip() + "\n"


def serialise(ds: Dataset, fmt: str) -> str:
    if fmt == "nquads":
        return nquads_text(ds)
    if fmt == "turtle":
        return assertions(ds).serialize(format="turtle")
    if fmt == "trig":
        return trig_text(ds)
    return ds.serialize(format=fmt)


def load_store(path: Path, nquads_file: Path) -> None:
    import pyoxigraph

    store = pyoxigraph.Store(str(path))
    store.bulk_load(path=str(nquads_file), format=pyoxigraph.RdfFormat.N_QUADS)
    store.flush()
    del store  # releases the store's lock before the directory is moved


def write_build(out: Path, ds: Dataset, counts: dict) -> dict:
    """Write everything into a fresh sibling directory, then swap it in; the old build survives any failure."""
    out = Path(out)
    if out.exists() and not (out.is_dir() and ((out / MANIFEST).exists() or not any(out.iterdir()))):
        raise OutputError(f"{out} exists and is not a rightsgraph build directory; choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        digests = {}
        for name, fmt in SERIALISATIONS.items():
            data = serialise(ds, fmt).encode("utf-8")
            (tmp / name).write_bytes(data)
            digests[name] = hashlib.sha256(data).hexdigest()
        load_store(tmp / STORE, tmp / "graph.nq")
        manifest = {"rightsgraph": __version__, "counts": counts, "sha256": digests, "store": STORE}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def _swap(new: Path, out: Path) -> None:
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.replace(out, old)
    try:
        os.replace(new, out)
    except BaseException:
        if old.exists():
            os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)
