"""What an index holds, at a glance: how many articles, from which outlets, over which dates.

A trace says where a text came from *in this corpus*; a reader needs to know what the corpus
is before trusting "0% attributed" as a sign of originality. :func:`summarise` answers for
``wiretrace info``, ``GET /v1/index`` and the note of a trace that finds nothing.

Counting every article at each question took 2.8 s at a million documents (the rows lie
among the stored texts' pages), on every trace that found no source. So the file keeps the
counts itself (:data:`SUMMARY_TABLES`, index format 5), updated in the transaction of each
batch from the outlets and dates of the batch's ids before and after it
(:func:`apply_summary_delta`; SQLite triggers did the same but cost 40% more CPU a document,
as each trigger made FTS5 flush its pending terms):

- ``summary_outlets(source, articles)``: articles per outlet ('' for none);
- ``summary_days(day, articles, first, last)``: articles per publication day (the first ten
  characters of ``published_at``, '' for none), with the smallest and largest value as written
  that day. A removed article leaves them as they were, so after removals the first or last
  date may carry the time of day of a removed article of the same day (a day left with no
  article is skipped).

A summary then reads a row per outlet and per day, never a row per article. A format 4 file
opened read-only is summarised by counting; :func:`add_summary_tables` adds the tables when it
is upgraded, on its first open for writing.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wiretrace.index.term_counts import fts_documents

__all__ = [
    "SUMMARY_TABLES",
    "TOP_OUTLETS",
    "IndexSummary",
    "add_summary_tables",
    "apply_summary_delta",
    "placed_articles",
    "summarise",
]

TOP_OUTLETS = 20

# Every article id the index knows: stored texts and the other ids that carried one.
_ARTICLES = """
    SELECT source, published_at FROM documents
    UNION ALL
    SELECT source, published_at FROM appearances
"""


@dataclass(frozen=True, slots=True)
class IndexSummary:
    """What an index holds.

    ``articles`` counts every id (an exact duplicate folded into a stored text counts as an
    article of its own outlet); ``texts`` the distinct texts stored. ``top_outlets`` are the
    outlets with most articles (ties by name), ``without_outlet`` the articles with none.
    ``first_published`` and ``last_published`` are the earliest and latest dates as written
    (ISO 8601 sorts by date); ``undated`` the articles with no date.
    """

    path: str
    format_version: str
    size_bytes: int
    articles: int
    texts: int
    outlets: int
    top_outlets: tuple[tuple[str, int], ...]
    without_outlet: int
    first_published: str | None
    last_published: str | None
    undated: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format_version": self.format_version,
            "size_bytes": self.size_bytes,
            "articles": self.articles,
            "texts": self.texts,
            "outlets": self.outlets,
            "top_outlets": [{"outlet": o, "articles": n} for o, n in self.top_outlets],
            "without_outlet": self.without_outlet,
            "first_published": self.first_published,
            "last_published": self.last_published,
            "undated": self.undated,
        }

    def headline(self) -> str:
        """One line: "12,034 articles from 212 outlets, 2019-01-02 to 2019-06-30"."""
        if not self.articles:
            return "The index is empty: no article to compare with."
        outlets = f"{self.outlets:,} outlet{'' if self.outlets == 1 else 's'}"
        line = f"{self.articles:,} article{'' if self.articles == 1 else 's'} from {outlets}"
        if self.first_published and self.last_published:
            line += f", {self.first_published[:10]} to {self.last_published[:10]}"
        if self.undated:
            line += f" ({self.undated:,} undated)"
        return line


SUMMARY_TABLES = """
CREATE TABLE IF NOT EXISTS summary_outlets (
    source TEXT PRIMARY KEY, articles INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS summary_days (
    day TEXT PRIMARY KEY, articles INTEGER NOT NULL, first TEXT, last TEXT
) WITHOUT ROWID;
"""

# An article's place in the summary: its outlet and publication date, as stored.
Placed = tuple[str | None, str | None]


def placed_articles(db: sqlite3.Connection, ids: Sequence[str]) -> dict[str, Placed]:
    """The outlet and date of each of ``ids`` the index holds, stored or folded."""
    found: dict[str, Placed] = {}
    unique = sorted(set(ids))
    for start in range(0, len(unique), 900):
        chunk = unique[start : start + 900]
        marks = ",".join("?" * len(chunk))
        for table in ("documents", "appearances"):
            for doc_id, source, when in db.execute(
                f"SELECT id, source, published_at FROM {table} WHERE id IN ({marks})", chunk
            ):
                found[doc_id] = (source, when)
    return found


def apply_summary_delta(
    db: sqlite3.Connection, before: dict[str, Placed], after: dict[str, Placed]
) -> None:
    """Move the summary tables from ``before`` to ``after`` (the batch's ids, read with
    :func:`placed_articles` before and after its writes), inside the batch's transaction."""
    outlets: Counter[str] = Counter()
    days: Counter[str] = Counter()
    dates: dict[str, list[str]] = {}
    for sign, state in ((-1, before), (1, after)):
        for source, when in state.values():
            outlets[source or ""] += sign
            day = (when or "")[:10]
            days[day] += sign
            if sign > 0 and when:
                dates.setdefault(day, []).append(when)
    db.executemany(
        "INSERT INTO summary_outlets(source, articles) VALUES (?, ?)"
        " ON CONFLICT(source) DO UPDATE SET articles = articles + excluded.articles",
        [(k, n) for k, n in outlets.items() if n],
    )
    rows = []
    for day in sorted({k for k, n in days.items() if n} | set(dates)):
        seen = dates.get(day)
        rows.append((day, days[day], min(seen) if seen else None, max(seen) if seen else None))
    db.executemany(
        "INSERT INTO summary_days(day, articles, first, last) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(day) DO UPDATE SET articles = articles + excluded.articles,"
        " first = coalesce(min(first, excluded.first), excluded.first, first),"
        " last = coalesce(max(last, excluded.last), excluded.last, last)",
        rows,
    )


def has_summary_tables(db: sqlite3.Connection) -> bool:
    found = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'summary_days'").fetchone()
    return found is not None


def add_summary_tables(db: sqlite3.Connection) -> None:
    """Create the summary tables if missing and fill them anew from every article (reads each
    once), inside the caller's transaction: the upgrade from format 4."""
    for statement in SUMMARY_TABLES.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute("DELETE FROM summary_outlets")
    db.execute("DELETE FROM summary_days")
    db.execute(
        "INSERT INTO summary_outlets(source, articles)"
        f" SELECT coalesce(source, ''), COUNT(*) FROM ({_ARTICLES}) GROUP BY 1"
    )
    db.execute(
        "INSERT INTO summary_days(day, articles, first, last)"
        " SELECT substr(coalesce(published_at, ''), 1, 10), COUNT(*),"
        " MIN(NULLIF(published_at, '')), MAX(NULLIF(published_at, ''))"
        f" FROM ({_ARTICLES}) GROUP BY 1"
    )


def summarise(db: sqlite3.Connection, path: Path, top: int = TOP_OUTLETS) -> IndexSummary:
    """The summary of the index open on ``db`` (the file at ``path``): from the summary
    tables when the file has them, else by counting every article."""
    if has_summary_tables(db):
        return _from_tables(db, path, top)
    return count_summary(db, path, top)


def count_summary(db: sqlite3.Connection, path: Path, top: int = TOP_OUTLETS) -> IndexSummary:
    """The summary by counting every article (the answer the summary tables keep)."""
    texts = int(db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    counts = db.execute(
        f"""
        SELECT COUNT(*),
               COUNT(DISTINCT NULLIF(source, '')),
               SUM(source IS NULL OR source = ''),
               SUM(published_at IS NULL OR published_at = ''),
               MIN(NULLIF(published_at, '')),
               MAX(NULLIF(published_at, ''))
        FROM ({_ARTICLES})
        """
    ).fetchone()
    top_rows = db.execute(
        f"""
        SELECT source, COUNT(*) AS n FROM ({_ARTICLES})
        WHERE source IS NOT NULL AND source != ''
        GROUP BY source ORDER BY n DESC, source LIMIT ?
        """,
        (top,),
    ).fetchall()
    return _summary(db, path, texts, counts, top_rows)


def _from_tables(db: sqlite3.Connection, path: Path, top: int) -> IndexSummary:
    by_outlet = db.execute(
        "SELECT SUM(articles), SUM(source != '' AND articles > 0),"
        " SUM(CASE WHEN source = '' THEN articles ELSE 0 END) FROM summary_outlets"
    ).fetchone()
    by_day = db.execute(
        "SELECT SUM(CASE WHEN day = '' THEN articles ELSE 0 END),"
        " MIN(CASE WHEN day != '' AND articles > 0 THEN first END),"
        " MAX(CASE WHEN day != '' AND articles > 0 THEN last END) FROM summary_days"
    ).fetchone()
    top_rows = db.execute(
        "SELECT source, articles FROM summary_outlets WHERE source != '' AND articles > 0"
        " ORDER BY articles DESC, source LIMIT ?",
        (top,),
    ).fetchall()
    return _summary(db, path, fts_documents(db), (*by_outlet, *by_day), top_rows)


def _summary(
    db: sqlite3.Connection,
    path: Path,
    texts: int,
    counts: tuple[Any, ...],
    top_rows: list[tuple[str, int]],
) -> IndexSummary:
    """``counts``: articles, outlets, articles without outlet, undated, first and last date."""
    articles, outlets, without, undated, first, last = counts
    row = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    return IndexSummary(
        path=str(path),
        format_version=str(row[0]) if row else "",
        size_bytes=_size(path),
        articles=int(articles or 0),
        texts=texts,
        outlets=int(outlets or 0),
        top_outlets=tuple((str(s), int(n)) for s, n in top_rows),
        without_outlet=int(without or 0),
        first_published=first,
        last_published=last,
        undated=int(undated or 0),
    )


def _size(path: Path) -> int:
    size = 0
    for part in (path, path.with_name(path.name + "-wal")):  # the journal holds recent batches
        with contextlib.suppress(OSError):
            size += part.stat().st_size
    return size
