"""Candidate statements: the record, its stable id, and the JSONL and YAML (review) files that hold them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from graph.extract import EXTRACTOR_VERSION, ExtractError

JSONL_KEYS = ("subject", "subject_type", "predicate", "object", "object_type", "value", "role", "according_to",
              "date", "date_precision", "quote", "start", "end", "confidence", "extractor", "source")


@dataclass
class Candidate:
    """A statement the extractor proposes; a curator accepts, rejects or edits it before it becomes data."""

    subject: str
    subject_type: str
    predicate: str
    object: str | None
    object_type: str | None
    value: object
    role: str | None
    according_to: str | None
    date: str | None  # YYYY, YYYY-MM or YYYY-MM-DD
    date_precision: str | None  # year | month | day
    quote: str  # the sentence, as it stands in the cleaned text
    start: int  # character offsets of the quote in the cleaned text
    end: int
    confidence: float
    extractor: str = EXTRACTOR_VERSION
    source: str = ""

    def key(self) -> tuple:
        target = self.object if self.object is not None else f"{type(self.value).__name__}:{self.value}"
        return (self.subject, self.predicate, target, self.according_to or "")

    @property
    def id(self) -> str:
        """Stable across runs: a hash of what the candidate says and where."""
        h = hashlib.sha1(json.dumps([*self.key(), self.role or "", self.start], ensure_ascii=False).encode())
        return "c" + h.hexdigest()[:8]

    def as_json(self) -> dict:
        d = asdict(self)
        return {k: d[k] for k in JSONL_KEYS}


def write_atomic(path: Path, text: str) -> None:
    """Write next to the target and rename (the project's one atomic writer), creating the directory first;
    a failed run leaves the earlier file as it was."""
    from graph.writers import write_text_atomic

    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(text, path)
    except OSError as e:
        raise ExtractError(f"{path}: cannot be written ({e.strerror}); choose another --out directory") from None


def jsonl_text(candidates: list[Candidate]) -> str:
    return "".join(json.dumps(c.as_json(), ensure_ascii=False, sort_keys=False) + "\n" for c in candidates)


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper, s: str):
    special = s != s.strip() or "\n" in s or any(ch in s for ch in ":#'\"{}[]&*!|>%@`") or s[:1] in "-?,"
    style = '"' if special else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style=style)


_Dumper.add_representer(str, _str)


def dump_yaml(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100000,
                     default_flow_style=False)


def review_document(meta: dict, candidates: list[Candidate], new_entities: dict[str, dict]) -> dict:
    """The review file: a document of sources/ marked as candidates, with the entities it would add."""
    doc = {"candidates": True, "extractor": EXTRACTOR_VERSION}
    for key in ("id", "title", "kind", "publisher", "date", "date_basis", "url", "text"):
        if meta.get(key) not in (None, ""):
            doc[key] = meta[key]
    if new_entities:
        doc["new_entities"] = [dict(v) for _, v in sorted(new_entities.items())]
    statements = []
    for c in candidates:
        s = {"id": c.id, "status": "candidate", "subject": c.subject, "predicate": c.predicate}
        if c.object is not None:
            s["object"] = c.object
        else:
            s["value"] = c.value
        for key in ("role", "according_to", "date"):
            if getattr(c, key) is not None:
                s[key] = getattr(c, key)
        s["quote"] = c.quote
        s["confidence"] = c.confidence
        s["subject_type"] = c.subject_type
        if c.object_type:
            s["object_type"] = c.object_type
        if c.date_precision:
            s["date_precision"] = c.date_precision
        s["start"] = c.start
        s["end"] = c.end
        statements.append(s)
    doc["statements"] = statements
    return doc


def review_yaml(meta: dict, candidates: list[Candidate], new_entities: dict[str, dict], source: str) -> str:
    head = (f"# Candidate statements proposed by {EXTRACTOR_VERSION} from {source}.\n"
            "# Not curated data: review them with `rightsgraph review THIS_FILE --accept ID ...`;\n"
            "# accepted statements are written into sources/, the rest stay here.\n")
    return head + dump_yaml(review_document(meta, candidates, new_entities))
