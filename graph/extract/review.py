"""Review candidates: accept, reject or edit them; only accepted ones are written into the sources."""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from graph.extract import ExtractError
from graph.extract.candidates import dump_yaml, write_atomic

EDITABLE = ("subject", "predicate", "object", "value", "role", "according_to", "date", "quote", "confidence",
            "note")
STATEMENT_KEYS = ("subject", "predicate", "object", "value", "role", "according_to", "date", "quote",
                  "confidence", "note")
STATUSES = ("candidate", "accepted", "rejected", "merged")


@dataclass
class Decisions:
    accept: set[str] = field(default_factory=set)
    reject: set[str] = field(default_factory=set)
    edit: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> {key: new value ('' removes)}


@dataclass
class Outcome:
    merged: list[str]  # ids written into the sources now
    rejected: list[str]
    pending: list[str]
    written: list[Path]
    new_entities: list[str]


def read_candidates(path: Path) -> dict:
    """The review file as plain data; raise ExtractError naming the file when it is not one."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ExtractError(f"{path}: cannot be read ({e.strerror})") from None
    except UnicodeDecodeError:
        raise ExtractError(f"{path}: is not UTF-8 text; pass a file written by `rightsgraph extract`") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise ExtractError(f"{path}{where}: not valid YAML ({getattr(e, 'problem', e)})") from None
    if not isinstance(data, dict) or data.get("candidates") is not True or not isinstance(data.get("statements"), list):
        raise ExtractError(f"{path}: not a candidates file (it needs 'candidates: true' and a list under "
                           "'statements:'); create one with `rightsgraph extract --format yaml`")
    for i, s in enumerate(data["statements"], 1):
        if not isinstance(s, dict) or not s.get("id"):
            raise ExtractError(f"{path}: statement {i} has no 'id'; do not remove the ids extract wrote")
        s.setdefault("status", "candidate")
        if s["status"] not in STATUSES:
            raise ExtractError(f"{path}: statement {s['id']} has status '{s['status']}'; use one of "
                               + ", ".join(STATUSES))
    return data


def apply_decisions(data: dict, decisions: Decisions, path: Path) -> None:
    """Mark accepted and rejected candidates and apply edits, in place."""
    by_id = {s["id"]: s for s in data["statements"]}
    named = decisions.accept | decisions.reject | set(decisions.edit)
    unknown = sorted(named - set(by_id))
    if unknown:
        raise ExtractError(f"{path}: no candidate with id {', '.join(unknown)}; the ids are listed in the file")
    both = sorted(decisions.accept & decisions.reject)
    if both:
        raise ExtractError(f"candidate {', '.join(both)} is both accepted and rejected; choose one")
    for cid, changes in sorted(decisions.edit.items()):
        s = by_id[cid]
        if s["status"] == "merged":
            raise ExtractError(f"candidate {cid} is already in the sources; edit it there")
        for key, raw in changes.items():
            if key not in EDITABLE:
                raise ExtractError(f"cannot edit '{key}' of {cid}; editable keys: {', '.join(EDITABLE)}")
            value = yaml.safe_load(raw) if raw != "" else None
            if key == "confidence" and (not isinstance(value, (int, float)) or not 0 <= value <= 1):
                raise ExtractError(f"confidence of {cid} must be a number from 0 to 1, not '{raw}'")
            if key not in ("value", "confidence") and value is not None:
                value = str(value)
            if value is None:
                s.pop(key, None)
            else:
                s[key] = value
                if key == "object":
                    s.pop("value", None)
                elif key == "value":
                    s.pop("object", None)
    for cid in decisions.accept:
        if by_id[cid]["status"] != "merged":
            by_id[cid]["status"] = "accepted"
    for cid in decisions.reject:
        if by_id[cid]["status"] == "merged":
            raise ExtractError(f"candidate {cid} is already in the sources; remove it there")
        by_id[cid]["status"] = "rejected"


def _statement(s: dict, extractor: str) -> dict:
    out = {k: s[k] for k in STATEMENT_KEYS if s.get(k) is not None}
    out.setdefault("note", f"proposed by {extractor} (candidate {s['id']}), accepted in review")
    return out


def merge(data: dict, path: Path, sources: Path, texts: Path | None = None) -> Outcome:
    """Write the accepted candidates into `sources` (and the new entities they need into its registry),
    check the result as `rightsgraph validate` would, and only then replace the files."""
    from graph.build import check
    from sources.load import load_sources
    from sources.problems import SourcesError

    sources = Path(sources)
    accepted = [s for s in data["statements"] if s["status"] == "accepted"]
    outcome = Outcome(merged=[], rejected=[s["id"] for s in data["statements"] if s["status"] == "rejected"],
                      pending=[s["id"] for s in data["statements"] if s["status"] == "candidate"], written=[],
                      new_entities=[])
    if not accepted:
        return outcome
    for key in ("id", "title", "kind", "publisher", "date"):
        if not data.get(key):
            raise ExtractError(f"{path}: the document has no '{key}'; add it to the candidates file "
                               "(or extract again with --date/--publisher) before accepting")
    registry = load_sources(sources).entities if (sources / "entities.yaml").exists() else {}
    proposed = {e["id"]: e for e in data.get("new_entities") or [] if isinstance(e, dict) and e.get("id")}
    needed = []
    refs = [data["publisher"]] + [s.get(k) for s in accepted for k in ("subject", "object", "according_to")]
    for eid in refs:
        if eid and eid not in registry and eid not in needed:
            if eid not in proposed:
                raise ExtractError(f"{path}: entity '{eid}' is neither in {sources / 'entities.yaml'} nor under "
                                   "'new_entities:'; edit the candidate or add the entity")
            needed.append(eid)
    doc_path = sources / "documents" / f"{data['id']}.yaml"
    new_statements = [_statement(s, data.get("extractor", "the extractor")) for s in accepted]
    existing_keys = set()
    if doc_path.exists():
        old = yaml.safe_load(doc_path.read_text(encoding="utf-8")) or {}
        for s in old.get("statements") or []:
            existing_keys.add((s.get("subject"), s.get("predicate"), str(s.get("object", s.get("value")))))
    fresh = [s for s in new_statements
             if (s["subject"], s["predicate"], str(s.get("object", s.get("value")))) not in existing_keys]

    files: dict[Path, str] = {}
    if needed:
        reg_path = sources / "entities.yaml"
        reg_text = reg_path.read_text(encoding="utf-8") if reg_path.exists() else "entities:\n"
        files[reg_path] = _append_entities(reg_text, [proposed[e] for e in needed])
    if fresh:
        if doc_path.exists():
            files[doc_path] = _append_statements(doc_path.read_text(encoding="utf-8"), fresh, doc_path)
        else:
            doc = {k: data[k] for k in ("id", "title", "kind", "publisher", "date", "date_basis", "url", "text")
                   if data.get(k) not in (None, "")}
            doc["date"] = str(doc["date"])
            doc["statements"] = fresh
            files[doc_path] = (f"# Statements accepted in review from candidates proposed by "
                               f"{data.get('extractor', 'the extractor')}.\n" + dump_yaml(doc))

    # Check on a copy first, so that sources/ never holds statements that do not validate.
    with tempfile.TemporaryDirectory(prefix="rightsgraph-review-") as tmp:
        copy = Path(tmp) / "sources"
        shutil.copytree(sources, copy, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
        for target, text in files.items():
            dest = copy / target.relative_to(sources)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8")
        try:
            check(copy, texts)
        except SourcesError as e:
            lines = [str(p).replace(str(copy), str(sources)) for p in e.problems]
            raise ExtractError("the accepted candidates do not validate; nothing was written:\n  "
                               + "\n  ".join(lines)) from None
    for target, text in files.items():
        write_atomic(target, text)
        outcome.written.append(target)
    for s in accepted:
        s["status"] = "merged"
    outcome.merged = [s["id"] for s in accepted]
    outcome.new_entities = needed
    return outcome


def _append_entities(text: str, entities: list[dict]) -> str:
    m = re.search(r"^([ \t]*)- id:", text, re.M)
    indent = m.group(1) if m else "  "
    block = dump_yaml([{k: e[k] for k in ("id", "type", "name", "aliases", "note") if e.get(k)} for e in entities])
    lines = [indent + line if line else line for line in block.splitlines()]
    return text.rstrip("\n") + "\n" + "\n".join(lines) + "\n"


def _append_statements(text: str, statements: list[dict], path: Path) -> str:
    """Add statements to the end of an existing document file, keeping its comments and layout."""
    top = re.findall(r"^([A-Za-z_]+):", text, re.M)
    if not top or top[-1] != "statements":
        raise ExtractError(f"{path}: 'statements:' is not the last key of the file, so accepted statements "
                           "cannot be appended safely; move it to the end and run review again")
    if re.search(r"^statements:\s*\[\s*\]\s*$", text, re.M):
        text = re.sub(r"^statements:\s*\[\s*\]\s*$", "statements:", text, flags=re.M)
    m = re.search(r"^statements:\s*\n([ \t]*)- ", text, re.M)
    indent = m.group(1) if m else "  "
    block = dump_yaml(statements)
    lines = [indent + line if line else line for line in block.splitlines()]
    return text.rstrip("\n") + "\n" + "\n".join(lines) + "\n"


def write_candidates(path: Path, data: dict) -> None:
    """Save the review file with its statuses, so a later review carries on where this one stopped."""
    original = Path(path).read_text(encoding="utf-8")
    head = ""
    for line in original.splitlines():
        if not line.startswith("#"):
            break
        head += line + "\n"
    write_atomic(Path(path), head + dump_yaml(data))
