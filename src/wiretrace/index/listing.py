"""Listing the articles an index holds: which ones, in what order, one page at a time.

A person browsing a corpus wants to see what is in it before trusting what a trace says about
it: the newest articles, those of one outlet, those of a week, those whose title holds some
words. :class:`DocumentQuery` says what to list and :class:`DocumentPage` is one page of the
answer. Both indexes answer it (``list_documents``); the rules live here, in pure functions
(:func:`matches`, :func:`order_key`), which the in-memory index applies directly and the
SQLite index's SQL follows.

The rules:

- **Articles**, not texts: every id the index knows is listed, so an exact duplicate folded
  into another id's text is listed under its own id, title and outlet (as the index summary
  counts it). ``length`` is the characters of its text.
- **Title words** (``words``): an article matches when its title holds every word, as a
  substring, ASCII letters compared without case (SQLite's ``LIKE``). The index's full-text
  table holds title and text as one column and cannot tell a title word from a body word, so
  it is not used. Words are split on white space; control characters count as white space.
- **Outlet**: the outlet name exactly as stored.
- **Dates** compare as written (ISO 8601 sorts by date; zones are not converted). ``date_from``
  keeps articles dated at or after it; ``date_to`` keeps those dated at or before it, to the
  precision it gives: ``2019-04-23`` keeps the whole of that day. **Undated articles** are
  left out whenever a date bound is given (nothing says they fall in the range) and listed
  last in every date order otherwise.
- **Bounded work**: a query is at most :data:`MAX_QUERY_CHARS` characters of title words, a page
  at most :data:`MAX_PER_PAGE` articles, and matches are counted up to :data:`MAX_COUNT`
  (``total_exact`` is false beyond); pages lie within the counted matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from wiretrace.dates import is_iso8601

__all__ = [
    "MAX_COUNT",
    "MAX_PER_PAGE",
    "MAX_QUERY_CHARS",
    "DocumentPage",
    "DocumentQuery",
    "Listed",
    "QueryError",
    "Sort",
    "matches",
    "order_key",
    "title_words",
]

MAX_QUERY_CHARS = 200
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_COUNT = 10_000

_SPACE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class QueryError(ValueError):
    """A listing query that cannot be answered: the message says which part and why."""


class Sort(StrEnum):
    """How a listing is ordered. Ties, and articles without the sort field, go by id."""

    NEWEST = "newest"
    OLDEST = "oldest"
    TITLE = "title"
    ID = "id"


@dataclass(frozen=True, slots=True)
class DocumentQuery:
    """What to list (see the module docstring); build one with :meth:`of` to validate."""

    words: tuple[str, ...] = ()
    outlet: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    sort: Sort = Sort.NEWEST
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @classmethod
    def of(
        cls,
        *,
        q: str | None = None,
        outlet: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        sort: str = Sort.NEWEST,
        page: int = 1,
        per_page: int = DEFAULT_PER_PAGE,
    ) -> DocumentQuery:
        """The query of these request values, or :class:`QueryError` saying what to change."""
        if sort not in Sort.__members__.values():
            raise QueryError(f"sort {sort!r} is not one of {', '.join(Sort)}")
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise QueryError(f"per_page is {per_page}; ask for 1 to {MAX_PER_PAGE} a page")
        if page < 1 or (page - 1) * per_page >= MAX_COUNT:
            raise QueryError(
                f"page {page} is out of reach: pages cover the first {MAX_COUNT:,} matches; "
                "narrow the search instead"
            )
        return cls(
            title_words(q or ""),
            outlet or None,
            _date_bound("from", date_from),
            _date_bound("to", date_to),
            Sort(sort),
            page,
            per_page,
        )

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True, slots=True)
class Listed:
    """One listed article: its id and metadata, and the length of its text in characters."""

    id: str
    title: str | None
    outlet: str | None
    url: str | None
    published_at: str | None
    length: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "outlet": self.outlet,
            "url": self.url,
            "published_at": self.published_at,
            "length": self.length,
        }


@dataclass(frozen=True, slots=True)
class DocumentPage:
    """One page of a listing: its articles, how many match (counted up to
    :data:`MAX_COUNT`; ``total_exact`` false beyond), and the paging asked for."""

    items: tuple[Listed, ...]
    total: int
    total_exact: bool
    query: DocumentQuery

    @classmethod
    def of(cls, items: Iterable[Listed], counted: int, query: DocumentQuery) -> DocumentPage:
        """The page of ``items`` when ``counted`` matches were found (counting stopped after
        :data:`MAX_COUNT` + 1)."""
        return cls(tuple(items), min(counted, MAX_COUNT), counted <= MAX_COUNT, query)

    @property
    def pages(self) -> int:
        return -(-self.total // self.query.per_page)

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": [item.to_dict() for item in self.items],
            "total": self.total,
            "total_exact": self.total_exact,
            "page": self.query.page,
            "per_page": self.query.per_page,
            "pages": self.pages,
            "sort": str(self.query.sort),
        }


def title_words(q: str) -> tuple[str, ...]:
    """The words of a title search (control characters count as white space)."""
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the search is {len(q):,} characters long; use at most {MAX_QUERY_CHARS} "
            "characters of title words"
        )
    return tuple(w for w in _SPACE.split(q) if w)


def _date_bound(name: str, value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    value = value.strip()
    if not is_iso8601(value):
        raise QueryError(
            f"{name} date {value!r} is not an ISO 8601 date; write it like 2019-04-23 or "
            "2019-04-23T16:43"
        )
    return value[:10] + "T" + value[11:] if len(value) > 10 else value


def ascii_lower(value: str) -> str:
    """``value`` with ASCII letters lower-cased only (as SQLite's ``LIKE`` compares)."""
    return value.translate(_ASCII_LOWER)


def matches(query: DocumentQuery, title: str | None, outlet: str | None, date: str | None) -> bool:
    """Whether an article with this title, outlet and date is listed by ``query``."""
    if query.outlet is not None and outlet != query.outlet:
        return False
    if query.date_from is not None or query.date_to is not None:
        if not date:
            return False
        if query.date_from is not None and date < query.date_from:
            return False
        if query.date_to is not None and date[: len(query.date_to)] > query.date_to:
            return False
    folded = ascii_lower(title or "")
    return all(ascii_lower(w) in folded for w in query.words)


def order_key(sort: Sort, item: Listed) -> tuple[Any, ...]:
    """The sort key of ``item`` for ``sort`` (the reference the SQL ``ORDER BY`` follows).

    The newest-first order compares dates as written, backwards: its key inverts each code
    point, and ends in 1 so that a date goes after the longer dates it starts (``2019-04-23``
    after ``2019-04-23T10:00``, as SQL's ``DESC`` puts it).
    """
    date = item.published_at or ""
    if sort is Sort.NEWEST:
        return (date == "", (*(-ord(c) for c in date), 1), item.id)
    if sort is Sort.OLDEST:
        return (date == "", date, item.id)
    if sort is Sort.TITLE:
        return (item.title is None, item.title or "", item.id)
    return (item.id,)
