"""Write a build directory: serialisations, an embedded Oxigraph store and a manifest, swapped in atomically."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path

from graph import __version__
from graph.errors import UserError
from graph.triples import PREFIXES, RDF_TYPE, is_assertion, nquad

MANIFEST = "manifest.json"
STORE = "store"
SERIALISATIONS = ("graph.nq", "graph.trig", "graph.ttl")
STORE_SOURCE = "graph.trig"
"""What the store is loaded from: the same quads as graph.nq in a third of the bytes, which Oxigraph's
loader reads with about 7% less work."""


class OutputError(UserError):
    """The output cannot be written where the user asked."""


_BARE = {"http://www.w3.org/2001/XMLSchema#integer", "http://www.w3.org/2001/XMLSchema#decimal"}
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


class _Compactor(dict):
    """Prefixed names for IRIs (and literals' datatypes) wherever the local part is safe to write bare.

    A dict of what it has seen, so that the writers' hot loop is one lookup; plain literals pass through.
    """

    _LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")

    def __init__(self):
        super().__init__()
        self.namespaces = sorted(((ns, p) for p, ns in PREFIXES.items()), key=lambda x: -len(x[0]))

    def __missing__(self, term: str) -> str:
        if term.startswith("<"):
            found = term
            value = term[1:-1]
            for ns, prefix in self.namespaces:
                if value.startswith(ns) and self._LOCAL.match(value[len(ns):]):
                    found = f"{prefix}:{value[len(ns):]}"
                    break
        elif term.endswith(">"):
            # a typed literal (counts, confidences, dates: a few thousand values, each repeated many times):
            # numbers are written bare, other datatypes compacted
            i = term.rindex("^^<")
            if term[i + 3:-1] in _BARE and _NUMBER.match(term[1:i - 1]):
                found = term[1:i - 1]
            else:
                found = term[: i + 2] + self[term[i + 2:]]
        else:
            return term  # a plain or language-tagged literal: nothing to compact, and not worth remembering
        if len(self) < 1_000_000:
            self[term] = found
        return found


class _HashingFile:
    """A file written in large chunks and hashed as it goes; `mirror` gets the same bytes (the store's pipe)."""

    def __init__(self, path: Path, mirror=None):
        self.file = open(path, "wb")
        self.sha = hashlib.sha256()
        self.mirror = mirror

    def write(self, parts: list[str]) -> None:
        data = "".join(parts).encode("utf-8")
        parts.clear()
        self.sha.update(data)
        self.file.write(data)
        if self.mirror is not None:
            self.mirror.write(data)

    def close(self) -> str:
        self.file.close()
        return self.sha.hexdigest()


def _prefix_lines() -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items())) + "\n"


def write_serialisations(all_quads, folder: Path, mirror=None) -> dict[str, str]:
    """Stream the quads once into graph.nq, graph.trig and graph.ttl; return each file's SHA-256.

    TriG and Turtle group consecutive triples of one subject with ';'. `mirror` receives graph.trig's bytes.
    """
    files = tuple(_HashingFile(folder / name, mirror if name == STORE_SOURCE else None) for name in SERIALISATIONS)
    compact = _Compactor()
    nq, trig, ttl = [], [_prefix_lines()], [_prefix_lines()]
    graph = trig_subject = ttl_subject = None
    indent = ""
    asserted = set()  # two claims may assert the same triple with different roles; the union lists it once
    for i, q in enumerate(all_quads):
        s, p, o, g = q
        nq.append(nquad(q))
        pred = "a" if p == RDF_TYPE else compact[p]
        obj = o if o[-1] == '"' else compact[o]  # plain literals (quotes, names) stay as they are
        if g != graph:
            if trig_subject is not None:
                trig.append(" .\n" if indent else " .\n\n")
                trig_subject = None
            if graph is not None:
                trig.append("}\n\n")
            if g is not None:
                trig.append(f"{compact[g]} {{\n")
            indent = "    " if g else ""
            graph = g
        if s == trig_subject:
            trig.append(f" ;\n{indent}    {pred} {obj}")
        else:
            if trig_subject is not None:
                trig.append(" .\n" if indent else " .\n\n")
            trig.append(f"{indent}{compact[s]} {pred} {obj}")
            trig_subject = s
        if is_assertion(q) and (s, p, o) not in asserted:
            asserted.add((s, p, o))
            if s == ttl_subject:
                ttl.append(f" ;\n    {pred} {obj}")
            else:
                if ttl_subject is not None:
                    ttl.append(" .\n\n")
                ttl.append(f"{compact[s]} {pred} {obj}")
                ttl_subject = s
        if i & 8191 == 8191:
            for f, parts in zip(files, (nq, trig, ttl)):
                f.write(parts)
    if trig_subject is not None:
        trig.append(" .\n" if indent else " .\n\n")
    if graph is not None:
        trig.append("}\n")
    if ttl_subject is not None:
        ttl.append(" .\n\n")
    for f, parts in zip(files, (nq, trig, ttl)):
        f.write(parts)
    return {name: f.close() for name, f in zip(SERIALISATIONS, files)}


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


def load_store(path: Path, trig_file: Path) -> None:
    import pyoxigraph

    store = pyoxigraph.Store(str(path))
    # lenient skips re-validating IRIs that the loader checked and the writer escaped
    store.bulk_load(path=str(trig_file), format=pyoxigraph.RdfFormat.TRIG, lenient=True)
    # The bulk loader leaves many overlapping files; compacted, each lookup reads one, which makes the
    # named questions 3 to 10 times faster on 10^6 statements for about 12 s of build.
    store.optimize()
    store.flush()
    del store  # releases the store's lock before the directory is moved


class _StoreLoader:
    """Loads the store from a pipe on another thread while graph.trig is being written.

    Oxigraph parses and indexes without holding Python's lock, so on two cores the store costs
    little wall time beyond the serialisation. Where there are no named pipes, it loads afterwards.
    """

    def __init__(self, store: Path, folder: Path):
        self.store, self.fifo = store, folder / ".store-source.pipe"
        self.thread = self.pipe = self.error = None
        if hasattr(os, "mkfifo"):
            os.mkfifo(self.fifo)
            self.thread = threading.Thread(target=self._load, daemon=True)
            self.thread.start()
            self.pipe = self._open()

    def _load(self) -> None:
        try:
            load_store(self.store, self.fifo)
        except BaseException as e:  # reported by finish(), on the writing thread
            self.error = e

    def _open(self):
        while True:  # a pipe opens for writing only once the loader has opened it for reading
            try:
                fd = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as e:
                if e.errno != errno.ENXIO or not self.thread.is_alive():
                    raise
                time.sleep(0.005)
                continue
            os.set_blocking(fd, True)
            return open(fd, "wb", buffering=1 << 20)

    def finish(self, source_file: Path) -> None:
        if self.thread is None:
            load_store(self.store, source_file)
            return
        self.close()
        if self.error is not None:
            raise OutputError(f"cannot write the store: {self.error}")

    def close(self) -> None:
        """Ends the stream (a failed build ends it early) and waits for the loader."""
        if self.pipe is not None:
            try:
                self.pipe.close()
            except BrokenPipeError:
                pass
            self.pipe = None
        if self.thread is not None:
            self.thread.join()
        self.fifo.unlink(missing_ok=True)


def write_build(out: Path, all_quads, counts: dict) -> dict:
    """Write everything into a fresh sibling directory, then swap it in; the old build survives any failure."""
    out = Path(out)
    if out.exists() and not (out.is_dir() and ((out / MANIFEST).exists() or not any(out.iterdir()))):
        raise OutputError(f"{out} exists and is not a rightsgraph build directory; choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    loader = None
    try:
        loader = _StoreLoader(tmp / STORE, tmp)
        try:
            digests = write_serialisations(all_quads, tmp, mirror=loader.pipe)
        except BrokenPipeError:
            loader.close()
            raise OutputError(f"cannot write the store: {loader.error}") from None
        loader.finish(tmp / STORE_SOURCE)
        manifest = {"rightsgraph": __version__, "counts": counts, "sha256": digests, "store": STORE}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        _swap(tmp, out)
    except BaseException:
        if loader is not None:
            loader.close()
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
