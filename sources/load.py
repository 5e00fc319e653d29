"""Read a sources directory into a Corpus, collecting every problem before giving up."""

from __future__ import annotations

import os
import re
import sys
from functools import partial
from pathlib import Path

from ontology.schema import Schema, load_schema
from sources.jsonl import read_jsonl
from sources.model import Corpus, Document, Entity, PartialDate, Statement
from sources.parallel import in_parallel
from sources.problems import Location, Problem, SourcesError, did_you_mean, display_path
from sources.text import normalise
from sources.yamlpos import Map, Seq, read_yaml

ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")
# RDF serialisers do not all escape these; no article needs them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

ENTITY_KEYS = {"id", "type", "name", "aliases", "name_km", "wikidata", "note"}
DOCUMENT_KEYS = {"id", "title", "kind", "publisher", "date", "date_basis", "url", "text", "statements", "note"}
STATEMENT_KEYS = {"subject", "predicate", "object", "value", "quote", "date", "role", "according_to",
                  "confidence", "note"}


class _Checker:
    """Collects problems while reading; each check records and carries on."""

    def __init__(self, schema: Schema):
        self.schema = schema
        self.problems: list[Problem] = []
        # where a statement or document starts -> where each of its keys' values is written
        self.refs: dict[Location, object] = {}
        self.dates: dict[str, PartialDate] = {}

    def remember(self, m: Map) -> None:
        self.refs[m.location] = m.key_locations

    def where(self, start: Location, key: str) -> Location:
        """Where the value of `key` is written in the statement or document that starts at `start`."""
        keys = self.refs.get(start)
        return keys.get(key, start) if keys is not None else start

    def add(self, where: Location, message: str) -> None:
        self.problems.append(Problem(where, message))

    def mapping(self, value, where: Location, what: str, allowed: set[str], required: tuple[str, ...]) -> bool:
        if not isinstance(value, Map):
            self.add(getattr(value, "location", where), f"{what} must be a mapping of keys to values")
            return False
        for key in value:
            if key not in allowed:
                self.add(value.key_locations[key],
                         f"unknown key '{key}' in {what}{did_you_mean(str(key), allowed)}")
        for key in required:
            if value.get(key) in (None, ""):
                self.add(value.location, f"{what} has no '{key}'")
        return True

    def text(self, m: Map, key: str, what: str) -> str | None:
        v = m.get(key)
        if v is None:
            return None
        if type(v) is str:
            text = v.strip()
        elif isinstance(v, (dict, list, bool)):
            self.add(m.key_locations[key], f"'{key}' of {what} must be text")
            return None
        else:
            text = str(v).strip()
        # every character _CONTROL finds is unprintable; most texts are printable and need no search
        if not text.isprintable() and (bad := _CONTROL.search(text)):
            self.add(m.key_locations[key], f"'{key}' of {what} contains the control character "
                                           f"U+{ord(bad.group()):04X}; remove it")
            return None
        return text or None

    def date(self, m: Map, key: str) -> PartialDate | None:
        v = m.get(key)
        if v is None:
            return None
        found = self.dates.get(v)
        if found is None:
            try:
                found = PartialDate.parse(str(v))
            except ValueError as e:
                self.add(m.key_locations[key], str(e))
                return None
            if isinstance(v, str):  # corpora repeat a few thousand dates a million times: one object each
                self.dates[v] = found
        return found

    def ident(self, m: Map, key: str, what: str) -> str | None:
        v = self.text(m, key, what)
        if v is not None and not ID.match(v):
            self.add(m.key_locations[key],
                     f"id '{v}' may hold only lower-case letters, digits and '-' (e.g. 'kem-sokha')")
            return None
        return v


def load_sources(directory: Path, texts: Path | None = None, workers: int | None = None) -> Corpus:
    """Read and check `directory`; raise SourcesError listing every problem found.

    Documents are read in `workers` processes at once (None: one per core for a big corpus, else one).
    """
    schema = load_schema()
    check = _Checker(schema)
    directory = Path(directory)
    if not directory.is_dir():
        raise SourcesError([Problem(Location(display_path(directory)),
                                    "no such sources directory; pass --sources DIR")])
    entities = _read_registry(directory, check)
    if texts is not None and not Path(texts).is_dir():
        check.add(Location(display_path(texts)), "no such texts directory; pass --texts DIR")
        texts = None
    # References are only checked against a registry that could be read; otherwise every id would be flagged.
    registry = entities if not check.problems else None
    paths = _document_files(directory / "documents")
    parts = in_parallel(partial(_read_part, schema, registry, texts), _split(paths, _workers(paths, workers)))
    documents: dict[str, Document] = {}
    statements: list[Statement] = []
    for part_documents, part_statements, problems in parts:
        documents.update(part_documents)
        statements += part_statements
        check.problems += problems
    if not entities and not documents and not check.problems:
        check.add(Location(display_path(directory)),
                  "the sources directory is empty: it needs entities.yaml and documents/*.yaml (see sources/FORMAT.md)")
    if check.problems:
        raise SourcesError(check.problems)
    return Corpus(entities=entities, documents=documents, statements=statements)


def _document_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml", ".jsonl"))


PARALLEL_BYTES = 16 << 20
"""Below this many bytes of documents (about 100,000 statements) one process reads them faster than two."""


def _workers(paths: list[Path], workers: int | None) -> int:
    if workers is not None:
        return max(1, workers)
    # Forking is safe on Linux (sched_getaffinity is Linux's); macOS's system libraries may not survive it.
    if not hasattr(os, "sched_getaffinity") or sum(p.stat().st_size for p in paths) < PARALLEL_BYTES:
        return 1
    return len(os.sched_getaffinity(0))


def _split(paths: list[Path], n: int) -> list[list[Path]]:
    """`n` runs of consecutive files of about equal size. A cut never falls between files of one
    name (x.yaml, x.jsonl), so that each part sees every duplicate document id it must report."""
    if n <= 1 or len(paths) < 2:
        return [paths]
    sizes = [p.stat().st_size for p in paths]
    total, parts, current, done = sum(sizes), [], [], 0
    for i, (path, size) in enumerate(zip(paths, sizes)):
        current.append(path)
        done += size
        last = i + 1 == len(paths)
        if not last and paths[i + 1].stem != path.stem and done >= total * (len(parts) + 1) / n:
            parts.append(current)
            current = []
    parts.append(current)
    return parts


def _read_part(schema: Schema, entities: dict[str, Entity] | None, texts: Path | None,
               paths: list[Path]) -> tuple[dict[str, Document], list[Statement], list[Problem]]:
    """Read and check some of the document files: everything about a document is checked where it is read."""
    check = _Checker(schema)
    documents, statements = _read_documents(paths, check)
    if entities is not None:
        _check_references(entities, documents, statements, check)
    if texts is not None:
        _check_quotes(documents, statements, Path(texts), check)
    return documents, statements, check.problems


def _read_registry(directory: Path, check: _Checker) -> dict[str, Entity]:
    """entities.yaml, or entities.jsonl (one entity a line) for registries written by other programs."""
    found = [p for p in (directory / "entities.yaml", directory / "entities.jsonl") if p.exists()]
    if len(found) > 1:
        check.add(Location(display_path(found[1])), "there are two registries; keep entities.yaml or entities.jsonl")
        return {}
    if not found:
        if any(directory.iterdir()):
            check.add(Location(display_path(directory / "entities.yaml")),
                      "missing: the registry of entities (see sources/FORMAT.md)")
        return {}
    path = found[0]
    if path.suffix == ".jsonl":
        items, problems = read_jsonl(path)
        check.problems += problems
        if problems:
            return {}
        return _entities(items, [i.location for i in items], check)
    data, problems = read_yaml(path)
    check.problems += problems
    if problems or data is None:
        return {}
    if not isinstance(data, Map) or not isinstance(data.get("entities"), Seq):
        check.add(getattr(data, "location", Location(display_path(path))),
                  "the registry must be a mapping with a list under 'entities:'")
        return {}
    return _entities(data["entities"], data["entities"].item_locations, check)


def _entities(items, locations, check: _Checker) -> dict[str, Entity]:
    entities: dict[str, Entity] = {}
    types = check.schema.entity_types()
    for item, where in zip(items, locations):
        if not check.mapping(item, where, "an entity", ENTITY_KEYS, ("id", "type", "name")):
            continue
        eid = check.ident(item, "id", "an entity")
        etype = check.text(item, "type", "an entity")
        name = check.text(item, "name", "an entity")
        if etype and etype not in types:
            check.add(item.key_locations["type"], f"unknown type '{etype}'{did_you_mean(etype, types)}")
            etype = None
        aliases = item.get("aliases") or []
        if not isinstance(aliases, list) or any(isinstance(a, (dict, list)) or _CONTROL.search(str(a))
                                                for a in aliases):
            check.add(item.key_locations["aliases"], "'aliases' must be a list of names without control characters")
            aliases = []
        if eid and eid in entities:
            check.add(item.key_locations["id"],
                      f"duplicate entity id '{eid}' (first defined at {entities[eid].location})")
            continue
        if eid and etype and name:
            entities[eid] = Entity(
                id=eid, type=etype, name=name,
                aliases=tuple(str(a).strip() for a in aliases if str(a).strip()),
                name_km=check.text(item, "name_km", "an entity"),
                wikidata=_wikidata(item, check),
                note=check.text(item, "note", "an entity"),
                location=item.location,
            )
    return entities


def _wikidata(item: Map, check: _Checker) -> str | None:
    qid = check.text(item, "wikidata", "an entity")
    if qid is not None and not WIKIDATA.match(qid):
        check.add(item.key_locations["wikidata"], f"'{qid}' is not a Wikidata item id (like Q123)")
        return None
    return qid


def _url(data: Map, check: _Checker) -> str | None:
    url = check.text(data, "url", "a document")
    if url is not None and not re.match(r"^https?://[^\s<>\"]+$", url):
        check.add(data.key_locations["url"], f"'{url}' is not a web address; write it as http:// or https://...")
        return None
    return url


def _read_documents(paths: list[Path], check: _Checker) -> tuple[dict[str, Document], list[Statement]]:
    documents: dict[str, Document] = {}
    statements: list[Statement] = []
    kinds = check.schema.document_kinds()
    for path in paths:
        data = _read_document_file(path, check)
        if data is None:
            continue
        # a mapping knows where it starts; resolving the file's path again would cost system calls
        where = data.location if isinstance(data, Map) else Location(display_path(path))
        if not check.mapping(data, where, "a document", DOCUMENT_KEYS,
                             ("id", "title", "kind", "publisher", "date", "statements")):
            continue
        did = check.ident(data, "id", "a document")
        if did and did != path.stem:
            check.add(data.key_locations["id"],
                      f"document id '{did}' differs from its file name; rename the file to {did}{path.suffix}")
            did = None
        if did and did in documents:
            check.add(data.key_locations["id"], f"duplicate document id '{did}' (also {documents[did].location})")
            continue
        kind = check.text(data, "kind", "a document")
        if kind and kind not in kinds:
            check.add(data.key_locations["kind"], f"unknown document kind '{kind}'{did_you_mean(kind, kinds)}")
            kind = None
        text = check.text(data, "text", "a document")
        if text and (Path(text).is_absolute() or ".." in Path(text).parts):
            check.add(data.key_locations["text"], "'text' must be a file name inside the --texts directory")
            text = None
        title = check.text(data, "title", "a document")
        publisher = check.ident(data, "publisher", "a document")
        date = check.date(data, "date")
        if not (did and kind and title and publisher and date):
            continue
        doc = Document(id=did, title=title, kind=kind, publisher=publisher, date=date, text=text,
                       date_basis=check.text(data, "date_basis", "a document"),
                       url=_url(data, check), location=data.location)
        documents[did] = doc
        check.remember(data)
        items = data.get("statements")
        if not isinstance(items, Seq):
            check.add(data.key_locations.get("statements", data.location), "'statements' must be a list")
            continue
        for item, where in zip(items, items.item_locations):
            s = _read_statement(item, where, doc, check)
            if s:
                statements.append(s)
    return documents, statements


def _read_document_file(path: Path, check: _Checker) -> Map | None:
    """A document as a mapping with its statements under 'statements', from YAML or JSON Lines.

    In JSON Lines the first line is the document and every further line one of its statements.
    """
    if path.suffix == ".jsonl":
        items, problems = read_jsonl(path)
        data = items[0] if items else None
        if data is not None and not problems:
            if "statements" in data:
                check.add(data.key_locations["statements"], "in a .jsonl document the statements are the lines "
                                                            "after the first; remove 'statements' from the first line")
                return None
            data["statements"] = Seq(items[1:])
            data["statements"].location = data.location
            data["statements"].item_locations = [i.location for i in items[1:]]
    else:
        data, problems = read_yaml(path)
    check.problems += problems
    if problems:
        return None
    if data is None:
        check.add(Location(display_path(path)), "the document file is empty")
    return data


def _read_statement(item, where: Location, doc: Document, check: _Checker) -> Statement | None:
    if not check.mapping(item, where, "a statement", STATEMENT_KEYS, ("subject", "predicate", "quote")):
        return None
    subject = check.text(item, "subject", "a statement")
    predicate = check.text(item, "predicate", "a statement")
    quote = check.text(item, "quote", "a statement")
    obj = check.text(item, "object", "a statement")
    value = item.get("value")
    relation = check.schema.relations.get(predicate) if predicate else None
    ok = bool(subject and predicate and quote)
    if predicate and relation is None:
        check.add(item.key_locations["predicate"],
                  f"unknown predicate '{predicate}'{did_you_mean(predicate, check.schema.relations)}")
        ok = False
    elif relation is not None:
        if relation.is_attribute:
            if obj is not None:
                check.add(item.key_locations["object"],
                          f"'{predicate}' takes a literal: write 'value:' instead of 'object:'")
                ok = False
            elif value is None:
                check.add(item.location, f"'{predicate}' needs a 'value:'")
                ok = False
            else:
                value = _literal(item, relation, check)
                ok = ok and value is not None
        else:
            if value is not None:
                check.add(item.key_locations["value"],
                          f"'{predicate}' links two entities: write 'object:' instead of 'value:'")
                ok = False
            elif obj is None:
                check.add(item.location, f"'{predicate}' needs an 'object:' (an entity id)")
                ok = False
    confidence = item.get("confidence", 1.0)
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 <= confidence <= 1:
        check.add(item.key_locations.get("confidence", item.location), "'confidence' must be a number from 0 to 1")
        ok = False
    date = check.date(item, "date")
    if "date" in item and date is None:
        ok = False
    if not ok:
        return None
    check.remember(item)
    # ids recur across a corpus: one string each keeps memory down and pickles short
    return Statement(
        document=doc.id, subject=sys.intern(subject), predicate=sys.intern(predicate), quote=quote,
        object=sys.intern(obj) if obj is not None else None, value=value if obj is None else None, date=date,
        role=check.text(item, "role", "a statement"),
        according_to=check.text(item, "according_to", "a statement"),
        confidence=float(confidence), location=item.location,
    )


def _literal(item: Map, relation, check: _Checker):
    value = item["value"]
    where = item.key_locations["value"]
    if isinstance(value, (dict, list)):
        check.add(where, f"the value of '{relation.name}' must be a single value")
        return None
    if relation.datatype is not None and str(relation.datatype).endswith("#integer"):
        if isinstance(value, bool) or not isinstance(value, int):
            check.add(where, f"the value of '{relation.name}' must be a whole number, not '{value}'")
            return None
        return value
    return str(value).strip()


def type_mismatch(key: str, eid: str, etype: str, predicate: str, allowed: tuple[str, ...]) -> str:
    """The message for a statement that breaks its relation's shape (ontology/shapes.ttl)."""
    return (f"{key} '{eid}' is a {etype}, but '{predicate}' expects {' or '.join(allowed)} "
            f"as its {key} (shape {predicate}-{key})")


def _check_references(entities, documents, statements, check: _Checker) -> None:
    def known(eid: str | None, start: Location, role: str) -> None:
        if eid is not None and eid not in entities:
            check.add(check.where(start, role), f"unknown entity '{eid}' as {role}{did_you_mean(eid, entities)}; "
                                                "add it to the registry or fix the id")

    for doc in documents.values():
        known(doc.publisher, doc.location, "publisher")
    for s in statements:
        for key in ("subject", "object", "according_to"):
            known(getattr(s, key), s.location, key)
        relation = check.schema.relations[s.predicate]
        for key, allowed in (("subject", relation.domain), ("object", relation.range)):
            entity = entities.get(getattr(s, key))
            if entity is not None and not check.schema.fits(entity.type, allowed):
                check.add(check.where(s.location, key),
                          type_mismatch(key, entity.id, entity.type, relation.name, allowed))


def _check_quotes(documents, statements, texts: Path, check: _Checker) -> None:
    normalised: dict[str, str | None] = {}
    for doc in documents.values():
        if doc.text is None:
            continue
        path = texts / doc.text
        try:
            normalised[doc.id] = normalise(path.read_bytes().decode("utf-8", errors="replace"))
        except OSError:
            check.add(doc.location, f"text '{doc.text}' not found in {display_path(texts)}")
            normalised[doc.id] = None
    for s in statements:
        text = normalised.get(s.document)
        if text is not None and normalise(s.quote) not in text:
            check.add(check.where(s.location, "quote"),
                      f"quote not found in {documents[s.document].text}: \"{_short(s.quote)}\"; "
                      "copy the words exactly as the text has them")


def _short(quote: str, limit: int = 60) -> str:
    return quote if len(quote) <= limit else quote[: limit - 1] + "…"
