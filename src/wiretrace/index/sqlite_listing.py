"""The SQLite index's answer to a listing query (:mod:`wiretrace.index.listing` has the rules).

Three bounded queries: count the matches (stopping after :data:`~wiretrace.index.listing.
MAX_COUNT` + 1), read one page of light columns (``LIMIT``), then the text lengths of that
page's articles only. Every value the client gives is a bound parameter; title words are
``LIKE`` patterns with ``%``, ``_`` and the escape character escaped, so no search string is
read as SQL or as a pattern.
"""

from __future__ import annotations

import sqlite3

from wiretrace.index.listing import MAX_COUNT, DocumentPage, DocumentQuery, Listed, Sort

__all__ = ["list_articles"]

# Every article id: the stored texts and the other ids that carried one (``doc`` is the rowid
# of the stored text).
_ARTICLES = """
    SELECT id, title, source, url, published_at, rowid AS doc FROM documents
    UNION ALL
    SELECT id, title, source, url, published_at, doc FROM appearances
"""
_UNDATED = "coalesce(published_at, '') = ''"
_ORDER = {
    Sort.NEWEST: f"{_UNDATED}, published_at DESC, id",
    Sort.OLDEST: f"{_UNDATED}, published_at, id",
    Sort.TITLE: "title IS NULL, title, id",
    Sort.ID: "id",
}


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(query: DocumentQuery) -> tuple[str, list[str]]:
    """The ``WHERE`` clause of ``query`` and its parameters."""
    clauses: list[str] = []
    params: list[str] = []
    for word in query.words:
        clauses.append("title LIKE ? ESCAPE '\\'")
        params.append(_like(word))
    if query.outlet is not None:
        clauses.append("source = ?")
        params.append(query.outlet)
    if query.date_from is not None or query.date_to is not None:
        clauses.append(f"NOT {_UNDATED}")
    if query.date_from is not None:
        clauses.append("published_at >= ?")
        params.append(query.date_from)
    if query.date_to is not None:
        clauses.append(f"substr(published_at, 1, {len(query.date_to)}) <= ?")
        params.append(query.date_to)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def list_articles(
    db: sqlite3.Connection, query: DocumentQuery, *, text_chars: bool = True
) -> DocumentPage:
    """One page of the articles of the index open on ``db`` that ``query`` lists;
    ``text_chars`` is whether ``documents`` has that column (see :mod:`.sqlite_file`)."""
    where, params = _where(query)
    (counted,) = db.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM ({_ARTICLES}){where} LIMIT ?)",
        (*params, MAX_COUNT + 1),
    ).fetchone()
    rows = db.execute(
        f"SELECT id, title, source, url, published_at, doc FROM ({_ARTICLES}){where}"
        f" ORDER BY {_ORDER[query.sort]} LIMIT ? OFFSET ?",
        (*params, query.per_page, query.offset),
    ).fetchall()
    lengths = _lengths(db, sorted({int(r[5]) for r in rows}), text_chars)
    items = [Listed(r[0], r[1], r[2], r[3], r[4], lengths[int(r[5])]) for r in rows]
    return DocumentPage.of(items, int(counted), query)


def _lengths(db: sqlite3.Connection, rowids: list[int], text_chars: bool) -> dict[int, int]:
    """The text length, in characters, of each stored row (a page holds at most 100): the
    recorded ``text_chars`` of a compressed text, ``length(text)`` of a raw one (format 1
    and 2 rows), so no text is decompressed."""
    if not rowids:
        return {}
    marks = ",".join("?" * len(rowids))
    chars = "coalesce(text_chars, length(text))" if text_chars else "length(text)"
    found = db.execute(
        f"SELECT rowid, {chars} FROM documents WHERE rowid IN ({marks})", rowids
    ).fetchall()
    return {int(rowid): int(n) for rowid, n in found}
