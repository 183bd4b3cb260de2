"""Dates in running text, by what they denote: "April 24", "24 April" and "24th of April" are
one day; "Thursday, April 25, 2019" is consistent, "Wednesday, April 25, 2019" is not.

(Publication times, in ISO 8601, are :mod:`wiretrace.dates`; this module reads the dates that
news text writes out.)

:func:`find_dates` reads every date expression in a stretch of text; adjacent parts
("Thursday", "April 24", "2019", "at 10am") are one :class:`DateValue` that states some of:
year, month, day, weekday, hour and minute, or a ``relative`` day ("yesterday", "last week").
:func:`compare_dates` says whether two dates are ``same`` (they state the same fields with the
same values; a full date's weekday is computed), ``conflict`` (some field both state, or the
weekday a full date implies, differs) or ``different`` (neither: "Thursday" and "April 24"
without a year).

Month names that are also words ("May", "March") count only next to a day or a year or after
a preposition ("in May"); abbreviations only capitalised ("Jan", "Sept."). A four-digit number
from 1800 to 2099 is a year unless a unit, scale or currency goes with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from typing import Literal

from wiretrace.drift._scan import WINDOW, Token, digits_value, joined, scan
from wiretrace.drift.numbers import touches
from wiretrace.model import Span

__all__ = ["DATE_WORDS", "DateValue", "compare_dates", "dates_near", "find_dates", "parse_date"]

_MONTHS = {
    name: i
    for i, names in enumerate(
        (
            "january jan", "february feb", "march mar", "april apr", "may", "june jun",
            "july jul", "august aug", "september sep sept", "october oct",
            "november nov", "december dec",
        ),
        1,
    )
    for name in names.split()
}  # fmt: skip
_FULL_MONTHS = frozenset(
    "january february march april may june july august september october november december".split()  # noqa: SIM905
)
_WORD_MONTHS = frozenset({"may", "march"})  # also English words
_WEEKDAYS = {
    name: i
    for i, names in enumerate(
        (
            "monday mon", "tuesday tue tues", "wednesday wed", "thursday thu thur thurs",
            "friday fri", "saturday sat", "sunday sun",
        )
    )
    for name in names.split()
}  # fmt: skip
_FULL_WEEKDAYS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday".split()  # noqa: SIM905
)
_RELATIVE = frozenset({"today", "yesterday", "tomorrow", "tonight"})
_RELATIVE_HEADS = frozenset({"last", "next", "this"})
_RELATIVE_TAILS = frozenset({"week", "month", "year", "weekend", "morning", "evening"})
# Every word a date can be written with (a text without any of these and without a digit
# holds no date).
DATE_WORDS = (
    frozenset(_MONTHS)
    | frozenset(_WEEKDAYS)
    | _RELATIVE
    | _RELATIVE_TAILS
    | {"noon", "midday", "midnight"}
)
# The words a date part can start with (digits are tokens of another kind): a month, a
# weekday, a relative day or its head ("last week"), noon or midnight.
_STARTS = (
    frozenset(_MONTHS)
    | frozenset(_WEEKDAYS)
    | _RELATIVE
    | _RELATIVE_HEADS
    | {
        "noon",
        "midday",
        "midnight",
    }
)
_PREPOSITIONS = frozenset(
    """in on since until till by from to of during before after early late mid last next this
    between through throughout""".split()  # noqa: SIM905
)
_JOINERS = frozenset({"the", "of", "at", "on"})
_MERIDIEM = {"am": 0, "pm": 12, "a": 0, "p": 12}
_NOT_YEAR_AFTER = frozenset(
    """% percent per people million billion thousand km miles kg tonnes dollars euros pounds
    votes""".split()  # noqa: SIM905
)

Relation = Literal["same", "conflict", "different"]


@dataclass(frozen=True, slots=True)
class DateValue:
    """The fields a date expression states (None: not stated); ``span`` is where it is
    written."""

    span: Span
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    hour: int | None = None
    minute: int | None = None
    relative: str | None = None

    def stated(self) -> dict[str, int | str]:
        """The stated fields, with the weekday a full valid date implies filled in."""
        out: dict[str, int | str] = {
            f.name: v
            for f in fields(self)
            if f.name != "span" and (v := getattr(self, f.name)) is not None
        }
        if self.year is not None and self.month is not None and self.day is not None:
            try:
                implied = dt.date(self.year, self.month, self.day).weekday()
            except ValueError:
                return out
            out.setdefault("weekday", implied)
        return out


def compare_dates(a: DateValue, b: DateValue) -> Relation:
    """``same``, ``conflict`` or ``different`` (module docstring)."""
    x, y = a.stated(), b.stated()
    if any(x[k] != y[k] for k in x.keys() & y.keys()):
        return "conflict"
    return "same" if x == y else "different"


def find_dates(
    text: str, start: int = 0, end: int | None = None, *, tokens: list[Token] | None = None
) -> list[DateValue]:
    """Every date expression in ``text[start:end]``, adjacent parts merged, in text order;
    ``tokens`` are that stretch's tokens when already scanned."""
    if tokens is None:
        stop = len(text) if end is None else min(end, len(text))
        tokens = scan(text, max(0, start), stop)
    parts = _Parts(text, tokens).read()
    merged: list[tuple[DateValue, int]] = []
    for value, last in parts:
        if merged and _mergeable(text, tokens, merged[-1], value):
            prev, _ = merged[-1]
            merged[-1] = (_merge(prev, value), last)
        else:
            merged.append((value, last))
    return [v for v, _ in merged]


def parse_date(text: str) -> DateValue | None:
    """The first date expression in ``text``, or None."""
    found = find_dates(text)
    return found[0] if found else None


def dates_near(text: str, span: Span) -> list[DateValue]:
    """The date expressions that touch ``span`` (see :func:`wiretrace.drift.numbers.touches`),
    read whole from a window around it."""
    found = find_dates(text, span.start - WINDOW, span.end + WINDOW)
    return [d for d in found if touches(text, d.span, span)]


def _mergeable(
    text: str, tokens: list[Token], prev: tuple[DateValue, int], value: DateValue
) -> bool:
    a, _ = prev
    between = text[a.span.end : value.span.start]
    words = between.replace(",", " ").split()
    if len(between) > 12 or any(w.lower() not in _JOINERS for w in words):
        return False
    stated_a = {k for k, v in a.stated().items() if getattr(a, k) is not None}
    stated_b = {k for k, v in value.stated().items() if getattr(value, k) is not None}
    return not stated_a & stated_b


def _merge(a: DateValue, b: DateValue) -> DateValue:
    out = replace(a, span=Span(a.span.start, b.span.end))
    for f in fields(b):
        if f.name != "span" and getattr(b, f.name) is not None:
            out = replace(out, **{f.name: getattr(b, f.name)})
    return out


def _weekday_written(t: Token) -> bool:
    """A weekday name in full, or an abbreviation capitalised ("Thu", "Thurs."); the
    abbreviations that are also words ("Sun", "Sat", "Wed", "Mon") need their dot."""
    if t.lower in _FULL_WEEKDAYS:
        return True
    if not t.text[:1].isupper():
        return False
    return t.lower not in ("sun", "sat", "wed", "mon") or t.text.endswith(".")


class _Parts:
    """Date parts over tokens: each part's value and the index of its last token."""

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.toks = tokens

    def _joined(self, i: int) -> bool:
        toks = self.toks
        return 0 < i < len(toks) and joined(self.text, toks[i - 1], toks[i])

    def _day(self, i: int) -> int | None:
        if not 0 <= i < len(self.toks):
            return None
        t = self.toks[i]
        if t.kind != "num" or t.suffix not in ("", "st", "nd", "rd", "th") or not t.lower.isdigit():
            return None
        d = int(digits_value(t.lower))
        return d if 1 <= d <= 31 and len(t.lower) <= 2 else None

    def _year(self, i: int, *, alone: bool = False) -> int | None:
        if not 0 <= i < len(self.toks):
            return None
        t = self.toks[i]
        if t.kind != "num" or len(t.lower) != 4 or not t.lower.isdigit():
            return None
        if t.suffix not in ("", "s") or (alone and t.suffix):
            return None
        y = int(digits_value(t.lower))
        if not 1800 <= y <= 2099:
            return None
        if alone:
            before = self.toks[i - 1] if i > 0 else None
            after = self.toks[i + 1] if i + 1 < len(self.toks) else None
            if before is not None and before.kind == "sym" and before.end == t.start:
                return None
            if after is not None and self._joined(i + 1) and after.lower in _NOT_YEAR_AFTER:
                return None
            if after is not None and after.kind == "sym" and after.text in "%％":
                return None
        return y

    def _month(self, i: int) -> int | None:
        if not 0 <= i < len(self.toks):
            return None
        t = self.toks[i]
        if t.kind != "word" or t.lower not in _MONTHS:
            return None
        capital = t.text[:1].isupper()
        if t.lower not in _FULL_MONTHS and not capital:
            return None
        if t.lower in _WORD_MONTHS or (t.lower not in _FULL_MONTHS and not t.text.endswith(".")):
            # "May", "March", "Mar": need a capital and a day, a year or a preposition.
            before = self.toks[i - 1].lower if i > 0 and self._joined(i) else ""
            near = (
                self._day(i + 1) is not None
                or self._year(i + 1) is not None
                or (i > 0 and self._day(i - 1) is not None and self._joined(i))
                or before in _PREPOSITIONS
            )
            if not (capital and near):
                return None
        return _MONTHS[t.lower]

    def read(self) -> list[tuple[DateValue, int]]:
        toks = self.toks
        out: list[tuple[DateValue, int]] = []
        i = 0
        while i < len(toks):
            if toks[i].kind == "word" and toks[i].lower not in _STARTS:
                i += 1  # no date part starts with this word (the common case)
                continue
            found = self._part(i)
            if found is None:
                i += 1
                continue
            value, last = found
            out.append((value, last))
            i = last + 1
        return out

    def _span(self, i: int, last: int) -> Span:
        return Span(self.toks[i].start, self.toks[last].end)

    def _part(self, i: int) -> tuple[DateValue, int] | None:
        toks = self.toks
        t = toks[i]
        # ISO date: 2019-04-24.
        if (
            (iso_year := self._year(i)) is not None
            and i + 4 < len(toks)
            and toks[i + 1].kind == "dash"
            and toks[i + 3].kind == "dash"
            and toks[i + 4].end - t.start == 10
        ):
            m, d = toks[i + 2], toks[i + 4]
            if m.kind == d.kind == "num" and m.lower.isdigit() and d.lower.isdigit():
                mm, dd = int(m.lower), int(d.lower)
                if 1 <= mm <= 12 and 1 <= dd <= 31:
                    return DateValue(self._span(i, i + 4), iso_year, mm, dd), i + 4
        # Month day [year]: "April 24", "April 24th, 2019".
        if (month := self._month(i)) is not None:
            last = i
            day_after = self._day(i + 1) if self._joined(i + 1) else None
            if day_after is not None:
                last = i + 1
            year_after = None
            j = last + 1
            if j < len(toks) and self.text[toks[last].end : toks[j].start].strip() in ("", ","):
                year_after = self._year(j)
                if year_after is not None:
                    last = j
            return DateValue(self._span(i, last), year_after, month, day_after), last
        # Day [of] month: "24 April", "24th of April".
        if (day := self._day(i)) is not None:
            j = i + 1
            if j < len(toks) and toks[j].lower == "of" and self._joined(j):
                j += 1
            if self._joined(j) and (month_after := self._month(j)) is not None:
                return DateValue(self._span(i, j), None, month_after, day), j
        # Times: "10am", "10 a.m.", "10:30", "10.30pm".
        if t.kind == "num":
            found = self._time(i)
            if found is not None:
                return found
        if (year := self._year(i, alone=True)) is not None:
            return DateValue(self._span(i, i), year), i
        if t.kind == "word":
            if t.lower in _WEEKDAYS and _weekday_written(t):
                return DateValue(self._span(i, i), weekday=_WEEKDAYS[t.lower]), i
            if t.lower in _RELATIVE:
                return DateValue(self._span(i, i), relative=t.lower), i
            if (
                t.lower in _RELATIVE_HEADS
                and i + 1 < len(toks)
                and self._joined(i + 1)
                and (toks[i + 1].lower in _RELATIVE_TAILS or toks[i + 1].lower in _WEEKDAYS)
            ):
                return DateValue(self._span(i, i + 1), relative=f"{t.lower} {toks[i + 1].lower}"), (
                    i + 1
                )
            if t.lower in ("noon", "midday"):
                return DateValue(self._span(i, i), hour=12, minute=0), i
            if t.lower == "midnight":
                return DateValue(self._span(i, i), hour=0, minute=0), i
        return None

    def _time(self, i: int) -> tuple[DateValue, int] | None:
        toks = self.toks
        t = toks[i]
        hour: int | None = None
        minute = 0
        last = i
        raw = t.lower
        if "." in raw and raw.replace(".", "").isdigit() and len(raw.split(".")[1]) == 2:
            h, m = raw.split(".")
            hour, minute = int(h), int(m)
        elif raw.isdigit() and len(raw) <= 2:
            hour = int(raw)
            if (
                i + 2 < len(toks)
                and toks[i + 1].text == ":"
                and toks[i + 1].start == t.end
                and toks[i + 2].kind == "num"
                and toks[i + 2].lower.isdigit()
                and len(toks[i + 2].lower) == 2
            ):
                minute = int(toks[i + 2].lower)
                last = i + 2
                raw = toks[i + 2].lower
                t = toks[i + 2]
        else:
            return None
        suffix = t.suffix
        meridiem: int | None = _MERIDIEM.get(suffix) if suffix in ("am", "pm") else None
        if meridiem is None and last + 1 < len(toks) and self._joined(last + 1):
            word = toks[last + 1].lower
            if word in ("am", "pm"):
                meridiem, last = _MERIDIEM[word], last + 1
            elif word in ("a", "p") and last + 2 < len(toks) and toks[last + 2].lower == "m":
                meridiem, last = _MERIDIEM[word], last + 2
        if hour is None or not 0 <= minute < 60:
            return None
        if meridiem is not None:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + meridiem
        elif last == i or hour > 23:
            return None  # a bare number is not a time
        return DateValue(self._span(i, last), hour=hour, minute=minute), last
