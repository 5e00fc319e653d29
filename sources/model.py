"""Plain values that flow from the sources into the graph: entities, documents, statements."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from sources.problems import Location

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True, slots=True)
class PartialDate:
    """A date known to the day, the month or only the year."""

    text: str

    @property
    def precision(self) -> str:
        return ("year", "month", "day")[self.text.count("-")]

    @property
    def earliest(self) -> dt.date:
        parts = [int(p) for p in self.text.split("-")] + [1, 1]
        return dt.date(parts[0], parts[1], parts[2])

    @property
    def latest(self) -> dt.date:
        parts = [int(p) for p in self.text.split("-")]
        if len(parts) == 1:
            return dt.date(parts[0], 12, 31)
        if len(parts) == 2:
            return dt.date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
        return dt.date(*parts)

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """Parse YYYY, YYYY-MM or YYYY-MM-DD; raise ValueError with a readable reason."""
        m = _DATE.match(text.strip())
        if not m:
            raise ValueError(f"'{text}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = (int(g) if g else None for g in m.groups())
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"'{text}' has no month {month}")
        if day is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"'{text}' is not a real date: {calendar.month_name[month]} {year} has {last} days")
        return cls(text.strip())


@dataclass(frozen=True)
class Entity:
    id: str
    type: str
    name: str
    aliases: tuple[str, ...] = ()
    name_km: str | None = None
    wikidata: str | None = None
    note: str | None = None
    location: Location = field(default=Location(""), compare=False)


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    kind: str
    publisher: str
    date: PartialDate
    text: str | None = None
    date_basis: str | None = None
    url: str | None = None
    location: Location = field(default=Location(""), compare=False)


@dataclass(frozen=True, slots=True)
class Statement:
    """One document's statement of one fact, with the words that state it."""

    document: str
    subject: str
    predicate: str
    quote: str
    object: str | None = None
    value: str | int | float | None = None
    date: PartialDate | None = None
    role: str | None = None
    according_to: str | None = None
    confidence: float = 1.0
    location: Location = field(default=Location(""), compare=False)

    def claim_key(self) -> tuple:
        """What makes two statements the same claim, whichever documents they come from."""
        target = self.object if self.object is not None else f"{type(self.value).__name__}:{self.value}"
        return (self.subject, self.predicate, target, self.role or "", self.according_to or "")

    def __reduce__(self):
        # Pickled as its fields, rebuilt by one call: the slots' default way is field by field, and a
        # process reading half of a big corpus sends its statements back pickled.
        return (Statement, (self.document, self.subject, self.predicate, self.quote, self.object, self.value,
                            self.date, self.role, self.according_to, self.confidence, self.location))


@dataclass
class Corpus:
    entities: dict[str, Entity]
    documents: dict[str, Document]
    statements: list[Statement]
