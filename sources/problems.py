"""Problems found in the sources, each pinned to a file, line and column."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple


class Location(NamedTuple):
    """Where something was written; a tuple because the reader makes one for every YAML value."""

    path: str
    line: int = 0  # 1-based; 0 when the problem concerns the whole file
    col: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True, order=True)
class Problem:
    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class SourcesError(Exception):
    """The sources have problems; nothing was built."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(map(str, self.problems)))


def did_you_mean(word: str, choices) -> str:
    """A hint naming the closest choice, or '' when nothing is close."""
    by_lower = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return f" (did you mean '{by_lower[close[0]]}'?)" if close else ""


def display_path(path: Path) -> str:
    """Paths relative to the working directory when they are under it, as users typed them."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_utf8(path: Path, shown: str) -> tuple[str | None, list[Problem]]:
    """A source file's text, or the problem (unreadable, not UTF-8) located where it starts.

    `shown` is display_path(path), which the caller also needs (resolving a path costs a system call a folder).
    """
    try:
        raw = path.read_bytes()
    except OSError as e:
        return None, [Problem(Location(shown), f"cannot read the file: {e.strerror}")]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as e:
        before = raw[: e.start]
        line = before.count(b"\n") + 1
        col = e.start - (before.rfind(b"\n") + 1) + 1
        return None, [Problem(Location(shown, line, col),
                              f"the file is not UTF-8 (byte 0x{raw[e.start]:02x}); save it as UTF-8")]
