"""What an index holds, at a glance: how many articles, from which outlets, over which dates.

A trace says where a text came from *in this corpus*; a reader needs to know what the corpus
is before trusting "0% attributed" as a sign of originality. :func:`summarise` answers from
the SQLite file with a few aggregate queries (no document text is read), for
``wiretrace info`` and ``GET /v1/index``.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["TOP_OUTLETS", "IndexSummary", "summarise"]

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


def summarise(db: sqlite3.Connection, path: Path, top: int = TOP_OUTLETS) -> IndexSummary:
    """The summary of the index open on ``db`` (the file at ``path``)."""
    row = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    texts = int(db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    articles, undated, first, last, outlets, without = db.execute(
        f"""
        SELECT COUNT(*),
               SUM(published_at IS NULL OR published_at = ''),
               MIN(NULLIF(published_at, '')),
               MAX(NULLIF(published_at, '')),
               COUNT(DISTINCT NULLIF(source, '')),
               SUM(source IS NULL OR source = '')
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
    size = 0
    for part in (path, path.with_name(path.name + "-wal")):  # the journal holds recent batches
        with contextlib.suppress(OSError):
            size += part.stat().st_size
    return IndexSummary(
        path=str(path),
        format_version=str(row[0]) if row else "",
        size_bytes=size,
        articles=int(articles or 0),
        texts=texts,
        outlets=int(outlets or 0),
        top_outlets=tuple((str(s), int(n)) for s, n in top_rows),
        without_outlet=int(without or 0),
        first_published=first,
        last_published=last,
        undated=int(undated or 0),
    )
