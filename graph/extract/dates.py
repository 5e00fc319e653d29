"""Resolve the dates an article mentions ("on Friday", "last month", "on 10 November") against its own date."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from sources.model import PartialDate

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_M = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
      r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"((?:19|20)\d{2})"
_W = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"

# A duration or an age is not a date: "15-30 years", "a year", "the 65-year-old", "33 years".
_NOT_A_DATE = re.compile(r"(?:\d|\b(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|many|few|"
                         r"some|the\s+past|the\s+last)\b)\s*-?\s*(?:years?|months?|weeks?|days?|decades?|hours?)\b|"
                         r"year-old|\d{4}\s*[-–]\s*\d{4}", re.I)


def _date(y: int, m: int, d: int) -> PartialDate | None:
    try:
        return PartialDate(dt.date(y, m, d).isoformat())
    except ValueError:
        return None


def _month(y: int, m: int) -> PartialDate:
    return PartialDate(f"{y:04d}-{m:02d}")


def _before(candidate_year: int, month: int, day: int | None, doc: PartialDate, future: bool) -> int:
    """The year for a day or month written without one: the document's, or the one before when that would
    put a past event after the document was written (an article of January about "10 November")."""
    if future:
        if (month, day or 1) < (doc.earliest.month, doc.earliest.day if doc.precision == "day" else 1):
            return candidate_year + 1
        return candidate_year
    if doc.precision == "year":
        return candidate_year
    if (month, day or 1) > (doc.latest.month, doc.latest.day):
        return candidate_year - 1
    return candidate_year


def resolve(text: str, doc_date: PartialDate | None, future: bool = False) -> PartialDate | None:
    """The date a DATE span names, as precise as the text and the document's date allow; None if unsure.

    >>> str(resolve("on 10 November", PartialDate("2021-06-03")).text)
    '2020-11-10'
    >>> resolve("Friday", PartialDate("2017-06-01")).text
    '2017-05-26'
    """
    t = " ".join(text.lower().replace(",", " ").split())
    t = re.sub(r"^(?:on|in|since|by|from|until|at|during|of|the|a|an|early|late|mid|mid-)\s+", "", t)
    t = re.sub(r"^(?:on|in|the)\s+", "", t)
    if _NOT_A_DATE.search(t):
        return None
    m = re.fullmatch(rf"(?:{_W}\s+)?{_DAY}\s+{_M}(?:\s+{_YEAR})?", t) or None
    if m:
        day, month, year = int(m.group(2)), MONTHS[m.group(3).rstrip(".")], m.group(4)
        return _day(day, month, year, doc_date, future)
    m = re.fullmatch(rf"(?:{_W}\s+)?{_M}\s+{_DAY}(?:\s+{_YEAR})?", t)
    if m:
        month, day, year = MONTHS[m.group(2).rstrip(".")], int(m.group(3)), m.group(4)
        return _day(day, month, year, doc_date, future)
    m = re.fullmatch(rf"{_M}(?:\s+(?:of\s+)?{_YEAR})?", t)
    if m:
        month, year = MONTHS[m.group(1).rstrip(".")], m.group(2)
        if year:
            return _month(int(year), month)
        if doc_date is None:
            return None
        return _month(_before(doc_date.earliest.year, month, None, doc_date, future), month)
    m = re.fullmatch(_YEAR, t)
    if m:
        return PartialDate(m.group(1))
    if doc_date is None:
        return None
    base = doc_date.earliest
    m = re.fullmatch(rf"(?:(last|this|next|past)\s+)?{_W}", t)
    if m:
        if doc_date.precision != "day":
            return None  # "on Friday" in an article dated only to the month: no honest day
        want = WEEKDAYS[m.group(2)]
        if m.group(1) == "next" or (future and m.group(1) != "last"):
            delta = (want - base.weekday()) % 7 or 7
            return PartialDate((base + dt.timedelta(days=delta)).isoformat())
        delta = (base.weekday() - want) % 7
        if m.group(1) == "last" and delta == 0:
            delta = 7
        return PartialDate((base - dt.timedelta(days=delta)).isoformat())
    if t in ("today", "this morning", "this afternoon", "this evening", "tonight") and doc_date.precision == "day":
        return doc_date
    if t in ("yesterday", "last night") and doc_date.precision == "day":
        return PartialDate((base - dt.timedelta(days=1)).isoformat())
    if t in ("tomorrow",) and doc_date.precision == "day":
        return PartialDate((base + dt.timedelta(days=1)).isoformat())
    if t in ("last month", "the previous month", "previous month") and doc_date.precision != "year":
        y, mo = (base.year, base.month - 1) if base.month > 1 else (base.year - 1, 12)
        return _month(y, mo)
    if t in ("this month", "earlier this month") and doc_date.precision != "year":
        return _month(base.year, base.month)
    if t in ("next month",) and doc_date.precision != "year":
        y, mo = (base.year, base.month + 1) if base.month < 12 else (base.year + 1, 1)
        return _month(y, mo)
    if t in ("last year", "the previous year", "previous year"):
        return PartialDate(str(base.year - 1))
    if t in ("this year", "earlier this year", "later this year"):
        return PartialDate(str(base.year))
    if t == "next year":
        return PartialDate(str(base.year + 1))
    return None


def _day(day: int, month: int, year: str | None, doc_date: PartialDate | None, future: bool):
    if year:
        return _date(int(year), month, day)
    if doc_date is None:
        return None
    return _date(_before(doc_date.earliest.year, month, day, doc_date, future), month, day)


_MONTH_NAMES = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
                r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)")
_WEEKDAY_NAMES = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_ORD = r"\d{1,2}(?:st|nd|rd|th)?"
DATE_PHRASE = re.compile(
    rf"\b(?:{_WEEKDAY_NAMES}\s+)?{_ORD}\s+{_MONTH_NAMES}(?:,?\s+(?:19|20)\d{{2}})?\b"
    rf"|\b(?:{_WEEKDAY_NAMES},?\s+)?{_MONTH_NAMES}\s+{_ORD}(?:,?\s+(?:19|20)\d{{2}})?\b"
    rf"|\b{_MONTH_NAMES}(?:\s+(?:of\s+)?(?:19|20)\d{{2}})?\b"
    rf"|\b(?:last|this|next)\s+(?:week|month|year|{_WEEKDAY_NAMES})\b|\b{_WEEKDAY_NAMES}\b"
    r"|\b(?:yesterday|today|tomorrow)\b|\b(?:19|20)\d{2}\b(?!\s*[-–]\s*\d)", re.I)
"""Date phrases found without the statistical recogniser, for sentences it does not need to read."""


# Where a date phrase can start: a word that begins with a digit or with the first letters of one of the words a
# date phrase begins with. `find_dates` tries DATE_PHRASE only there, which finds what a scan of every position
# finds (a match begins at a word's start, with one of these) at a fraction of the cost.
_DATE_START = re.compile(r"\b(?:\d|mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|"
                         r"last|this|next|yesterday|today|tomorrow)", re.I)


def _date_phrases(text: str):
    """DATE_PHRASE.finditer(text), trying only the places where a date phrase can start."""
    end = 0
    for start in _DATE_START.finditer(text):
        if start.start() < end:
            continue  # inside the phrase just found
        m = DATE_PHRASE.match(text, start.start())
        if m is not None:
            end = m.end()
            yield m


def find_dates(text: str) -> list[tuple[int, int]]:
    """(start, end) of every date phrase in `text`; "May" counts only with a day or a year."""
    out = []
    for m in _date_phrases(text):
        if m.group(0).lower() == "may" or (m.group(0)[:1].islower() and m.group(0).lower() in (
                "march", "august")):
            continue
        out.append((m.start(), m.end()))
    return out
