"""Open the embedded Oxigraph store of a build and run read-only SPARQL on it."""

from __future__ import annotations

from pathlib import Path

from graph.triples import PREFIXES as _NAMESPACES
from graph.writers import MANIFEST, STORE, OutputError

QUERY_PREFIXES: dict[str, str] = dict(sorted(
    {**_NAMESPACES, "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}.items()))
"""The prefixes every query of the project may use without declaring them (rg:, rdfs:, prov:, ...)."""


def open_store(build_dir: Path):
    """The build's store, read-only; several readers may share it."""
    import pyoxigraph

    build_dir = Path(build_dir)
    if not (build_dir / MANIFEST).exists() or not (build_dir / STORE).is_dir():
        raise OutputError(f"no build in {build_dir}; run 'rightsgraph build' first (or pass --store DIR)")
    return pyoxigraph.Store.read_only(str(build_dir / STORE))


def term_value(term):
    """A plain Python value for an Oxigraph term: IRIs and strings as str, numbers as numbers."""
    import pyoxigraph

    if term is None:
        return None
    if isinstance(term, pyoxigraph.Literal):
        dt = term.datatype.value if term.datatype else ""
        if dt.endswith("#integer"):
            return int(term.value)
        if dt.endswith(("#decimal", "#double", "#float")):
            return float(term.value)
        return term.value
    return term.value


def select(store, query: str, union: bool = True) -> list[dict]:
    """Rows of a SELECT as dicts of plain values; `union` makes the default graph the union of all graphs."""
    solutions = store.query(query, prefixes=QUERY_PREFIXES, use_default_graph_as_union=union)
    names = [v.value for v in solutions.variables]
    return [{n: term_value(row[n]) for n in names} for row in solutions]
