"""Read JSON Lines sources into the same position-aware mappings as the YAML reader, for bulk corpora."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from sources.problems import Location, Problem, display_path, read_utf8
from sources.yamlpos import Map, Seq


class _LineKeys(Mapping):
    """Where each key's value is written on one line, found only when a message needs it.

    A million statements would otherwise carry a million dictionaries of positions that no message uses.
    """

    __slots__ = ("path", "shown", "line")

    def __init__(self, path: str, shown: str, line: int):
        self.path, self.shown, self.line = path, shown, line

    def __getitem__(self, key: str) -> Location:
        path = Path(self.path)
        try:
            text = _lines(self.path, path.stat().st_mtime_ns)[self.line - 1]
        except (OSError, UnicodeDecodeError, IndexError):
            return Location(self.shown, self.line, 1)
        m = re.search(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:\s*", text)
        return Location(self.shown, self.line, m.end() + 1 if m else 1)

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0


@lru_cache(maxsize=4)
def _lines(path: str, mtime_ns: int) -> list[str]:
    return Path(path).read_text(encoding="utf-8").splitlines()


def _object(pairs: list) -> dict:
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"key '{key}' appears twice in this object")
        out[key] = value
    return out


_strict = json.JSONDecoder(object_pairs_hook=_object).decode


def _decode(line: str):
    item = json.loads(line)
    # Plain decoding keeps the last of two equal keys; decode again, checking, only when a key may repeat.
    if isinstance(item, dict) and line.count('":') > len(item):
        _strict(line)
    return item


def read_jsonl(path: Path) -> tuple[list[Map], list[Problem]]:
    """Parse one JSON Lines file: one object a line, blank lines skipped; problems instead of exceptions."""
    shown = display_path(path)
    text, problems = read_utf8(path, shown)
    if problems:
        return [], problems
    items: list[Map] = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            item = _decode(line)
        except json.JSONDecodeError as e:
            problems.append(Problem(Location(shown, number, e.colno),
                                    f"malformed JSON: {e.msg}; each line must be one JSON object"))
            continue
        except ValueError as e:
            problems.append(Problem(Location(shown, number, 1), str(e)))
            continue
        if not isinstance(item, dict):
            problems.append(Problem(Location(shown, number, 1), "each line must be one JSON object {...}"))
            continue
        item = Map(item)
        item.location = Location(shown, number, 1)
        item.key_locations = _LineKeys(str(path), shown, number)
        items.append(item)
    return items, problems
