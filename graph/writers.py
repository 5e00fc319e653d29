"""Write a build directory: serialisations, an embedded Oxigraph store and a manifest, swapped in atomically."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from graph import __version__
from graph.errors import UserError
from graph.triples import PREFIXES, RDF_TYPE, is_assertion, nquad

MANIFEST = "manifest.json"
STORE = "store"
SERIALISATIONS = ("graph.nq", "graph.trig", "graph.ttl")


class OutputError(UserError):
    """The output cannot be written where the user asked."""


_BARE = {"http://www.w3.org/2001/XMLSchema#integer", "http://www.w3.org/2001/XMLSchema#decimal"}
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


class _Compactor:
    """Prefixed names for IRIs (and literals' datatypes) wherever the local part is safe to write bare."""

    _LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")

    def __init__(self):
        self.namespaces = sorted(((ns, p) for p, ns in PREFIXES.items()), key=lambda x: -len(x[0]))
        self.cache: dict[str, str] = {}

    def __call__(self, term: str) -> str:
        if not term.startswith("<"):
            if term.endswith(">"):  # a typed literal: numbers are written bare, other datatypes compacted
                i = term.rindex("^^<")
                if term[i + 3:-1] in _BARE and _NUMBER.match(term[1:i - 1]):
                    return term[1:i - 1]
                return term[: i + 2] + self(term[i + 2:])
            return term
        found = self.cache.get(term)
        if found is None:
            found = term
            value = term[1:-1]
            for ns, prefix in self.namespaces:
                if value.startswith(ns) and self._LOCAL.match(value[len(ns):]):
                    found = f"{prefix}:{value[len(ns):]}"
                    break
            if len(self.cache) < 1_000_000:
                self.cache[term] = found
        return found


class _TurtleBlock:
    """Writes triples grouped by consecutive subject, as Turtle (default graph) or inside a TriG graph."""

    def __init__(self, out, compact: _Compactor):
        self.out, self.compact = out, compact
        self.subject = None
        self.indent = ""

    def triple(self, s: str, p: str, o: str) -> None:
        c = self.compact
        pred = "a" if p == RDF_TYPE else c(p)
        if s == self.subject:
            self.out.write(f" ;\n{self.indent}    {pred} {c(o)}")
        else:
            self.end()
            self.out.write(f"{self.indent}{c(s)} {pred} {c(o)}")
            self.subject = s

    def end(self) -> None:
        if self.subject is not None:
            self.out.write(" .\n" if self.indent else " .\n\n")
            self.subject = None


class _HashingFile:
    """A text file that hashes what it writes, in chunks (millions of small writes are slow)."""

    def __init__(self, path: Path):
        self.file = open(path, "wb")
        self.sha = hashlib.sha256()
        self.pending: list[str] = []

    def write(self, text: str) -> None:
        self.pending.append(text)
        if len(self.pending) >= 4096:
            self.flush()

    def flush(self) -> None:
        data = "".join(self.pending).encode("utf-8")
        self.pending.clear()
        self.sha.update(data)
        self.file.write(data)

    def close(self) -> str:
        self.flush()
        self.file.close()
        return self.sha.hexdigest()


def _prefix_lines() -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items())) + "\n"


def write_serialisations(all_quads, folder: Path) -> dict[str, str]:
    """Stream the quads once into graph.nq, graph.trig and graph.ttl; return each file's SHA-256."""
    nq, trig, ttl = (_HashingFile(folder / name) for name in SERIALISATIONS)
    compact = _Compactor()
    trig.write(_prefix_lines())
    ttl.write(_prefix_lines())
    in_trig, in_ttl = _TurtleBlock(trig, compact), _TurtleBlock(ttl, compact)
    graph = None
    asserted = set()  # two claims may assert the same triple with different roles; the union lists it once
    for q in all_quads:
        s, p, o, g = q
        nq.write(nquad(q))
        if g != graph:
            in_trig.end()
            if graph is not None:
                trig.write("}\n\n")
            if g is not None:
                trig.write(f"{compact(g)} {{\n")
            in_trig.indent = "    " if g else ""
            graph = g
        in_trig.triple(s, p, o)
        if is_assertion(q):
            if (s, p, o) not in asserted:
                asserted.add((s, p, o))
                in_ttl.triple(s, p, o)
    in_trig.end()
    if graph is not None:
        trig.write("}\n")
    in_ttl.end()
    return {name: f.close() for name, f in zip(SERIALISATIONS, (nq, trig, ttl))}


def write_text_atomic(text: str, out: Path) -> None:
    """Write next to the destination, then rename: a failure leaves an earlier file untouched."""
    out = Path(out)
    if out.is_dir():
        raise OutputError(f"{out} is a directory; give a file name with --out")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"cannot write {out}: the directory {parent} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=parent)
    except OSError as e:
        raise OutputError(f"cannot write {out}: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        # mkstemp makes the file private; reports and pages are meant to be shared, so use the umask's mode.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {out}: {e.strerror or e}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_store(path: Path, nquads_file: Path) -> None:
    import pyoxigraph

    store = pyoxigraph.Store(str(path))
    store.bulk_load(path=str(nquads_file), format=pyoxigraph.RdfFormat.N_QUADS)
    store.flush()
    del store  # releases the store's lock before the directory is moved


def write_build(out: Path, all_quads, counts: dict) -> dict:
    """Write everything into a fresh sibling directory, then swap it in; the old build survives any failure."""
    out = Path(out)
    if out.exists() and not (out.is_dir() and ((out / MANIFEST).exists() or not any(out.iterdir()))):
        raise OutputError(f"{out} exists and is not a rightsgraph build directory; choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        digests = write_serialisations(all_quads, tmp)
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
