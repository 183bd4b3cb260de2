"""The SQLite index: one file, WAL journal, one transaction per batch.

Tables::

    meta(key PRIMARY KEY, value)                 format version and fingerprint parameters
    documents(rowid, id UNIQUE, metadata, text,  one row per document id
              text_digest, meta_digest)
    postings(hash, doc) WITHOUT ROWID            distinct winnowed hashes per document
    lexical (FTS5, contentless, rowid = doc)     title and text, Porter-stemmed, for BM25

Replacing a document recomputes the old text's hashes and deletes exactly those postings, so
no secondary index on ``postings.doc`` is needed. Every batch is one transaction: a process
killed mid-batch leaves the index as it was after the previous batch, and re-adding the same
documents is a no-op, so an interrupted ingest can simply be rerun.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice, repeat
from pathlib import Path

from wiretrace.errors import IndexError_
from wiretrace.fingerprint import DEFAULT_N, DEFAULT_WINDOW
from wiretrace.index.base import (
    DEFAULT_MAX_DF,
    AddOutcome,
    AddReport,
    Candidate,
    Prepared,
    document_hashes,
    prepare,
    rank_candidates,
)
from wiretrace.index.lexical import fts_query, query_terms
from wiretrace.model import Document

FORMAT_VERSION = "1"
BATCH_SIZE = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT, url TEXT, source TEXT, published_at TEXT, language TEXT,
    text TEXT NOT NULL,
    text_digest TEXT NOT NULL,
    meta_digest TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS postings (
    hash INTEGER NOT NULL,
    doc INTEGER NOT NULL,
    PRIMARY KEY (hash, doc)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS lexical USING fts5(
    text, content='', tokenize='porter unicode61', detail=full
);
"""

_LEXICAL_INSERT = "INSERT INTO lexical(rowid, text) VALUES (?, ?)"
_DOC_COLUMNS = "id, text, title, url, source, published_at, language"


def _row_to_document(row: tuple[str, ...]) -> Document:
    return Document(*row)


class SQLiteIndex:
    """An index in one SQLite file."""

    def __init__(self, path: str | Path, *, create: bool = True, readonly: bool = False) -> None:
        self.path = Path(path)
        self._pending: list[tuple[int, int]] = []
        if not create and not self.path.exists():
            raise IndexError_(f"{self.path}: no such index; create it with 'wiretrace index'")
        if create and not self.path.parent.exists():
            raise IndexError_(f"{self.path}: folder {self.path.parent} does not exist")
        try:
            uri = f"file:{self.path}?mode=ro" if readonly else f"file:{self.path}"
            self._db = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA busy_timeout = 10000")
            self._db.execute("PRAGMA cache_size = -262144")  # up to 256 MiB of page cache
            if not readonly:
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = NORMAL")
                self._db.executescript(_SCHEMA)
            self.n, self.window = self._read_parameters(readonly)
        except sqlite3.Error as exc:
            raise IndexError_(f"{self.path}: cannot open index: {exc}") from exc

    def _read_parameters(self, readonly: bool) -> tuple[int, int]:
        rows = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        if not rows and not readonly:
            self._db.executemany(
                "INSERT INTO meta(key, value) VALUES (?, ?)",
                [
                    ("format", FORMAT_VERSION),
                    ("n", str(DEFAULT_N)),
                    ("window", str(DEFAULT_WINDOW)),
                ],
            )
            return DEFAULT_N, DEFAULT_WINDOW
        if rows.get("format") != FORMAT_VERSION:
            raise IndexError_(
                f"{self.path}: index format {rows.get('format')!r} is not {FORMAT_VERSION!r}; "
                "rebuild it with 'wiretrace index'"
            )
        return int(rows["n"]), int(rows["window"])

    # -- writing ---------------------------------------------------------------------------

    def add(self, docs: Iterable[Document | Prepared]) -> AddReport:
        total = AddReport()
        it = iter(docs)
        while batch := list(islice(it, BATCH_SIZE)):
            total = total + self.add_batch(batch)
        return total

    def add_batch(self, batch: Sequence[Document | Prepared]) -> AddReport:
        """Add one batch of documents in a single transaction."""
        preps = [d if isinstance(d, Prepared) else prepare(d, self.n, self.window) for d in batch]
        outcomes: list[AddOutcome] = []
        self._pending = []
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for prep in preps:
                    outcomes.append(self._add_one(prep))
                self._flush_postings()
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise IndexError_(f"{self.path}: cannot write to index: {exc}") from exc
        return AddReport.of(outcomes)

    def _add_one(self, prep: Prepared) -> AddOutcome:
        doc = prep.document
        meta = (doc.title, doc.url, doc.source, doc.published_at, doc.language)
        # Try the insert first: in a growing index most ids are new, and this saves a lookup.
        cur = self._db.execute(
            "INSERT INTO documents(id, title, url, source, published_at, language, text,"
            " text_digest, meta_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO NOTHING",
            (doc.id, *meta, doc.text, prep.text_digest, prep.meta_digest),
        )
        if cur.rowcount == 1:
            rowid = int(cur.lastrowid or 0)
            self._pending.extend(zip(prep.hashes, repeat(rowid)))
            self._lexical(
                "INSERT INTO lexical(rowid, text) VALUES (?, ?)", rowid, doc.title, doc.text
            )
            return AddOutcome.ADDED
        row = self._db.execute(
            "SELECT rowid, text, text_digest, meta_digest, title FROM documents WHERE id = ?",
            (doc.id,),
        ).fetchone()
        rowid, old_text, old_text_digest, old_meta_digest, old_title = row
        if (old_text_digest, old_meta_digest) == (prep.text_digest, prep.meta_digest):
            return AddOutcome.UNCHANGED
        # A contentless FTS5 table forgets a row only when given the text it indexed.
        delete = "INSERT INTO lexical(lexical, rowid, text) VALUES ('delete', ?, ?)"
        self._lexical(delete, rowid, old_title, old_text)
        self._lexical(_LEXICAL_INSERT, rowid, doc.title, doc.text)
        self._db.execute(
            "UPDATE documents SET title=?, url=?, source=?, published_at=?, language=?, text=?,"
            " text_digest=?, meta_digest=? WHERE rowid=?",
            (*meta, doc.text, prep.text_digest, prep.meta_digest, rowid),
        )
        if old_text_digest != prep.text_digest:
            self._flush_postings()
            old_hashes = document_hashes(old_text, self.n, self.window)
            self._db.executemany(
                "DELETE FROM postings WHERE hash = ? AND doc = ?",
                ((h, rowid) for h in old_hashes - prep.hashes),
            )
            self._pending.extend(zip(prep.hashes - old_hashes, repeat(rowid)))
            self._flush_postings()
        return AddOutcome.UPDATED

    def _lexical(self, sql: str, rowid: int, title: str | None, text: str) -> None:
        self._db.execute(sql, (rowid, f"{title}\n{text}" if title else text))

    def _flush_postings(self) -> None:
        """Insert the batch's new postings. (Sorting them first by key was measured: it
        cost more in Python than it saved in SQLite.)"""
        self._db.executemany(
            "INSERT OR IGNORE INTO postings(hash, doc) VALUES (?, ?)", self._pending
        )
        self._pending = []

    # -- reading ---------------------------------------------------------------------------

    def get(self, doc_id: str) -> Document | None:
        row = self._db.execute(
            f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        return None if row is None else _row_to_document(row)

    def candidates(
        self,
        hashes: Iterable[int],
        *,
        max_df: int = DEFAULT_MAX_DF,
        limit: int = 20,
        min_shared: int = 1,
        exclude: str | None = None,
    ) -> list[Candidate]:
        cur = self._db.cursor()
        postings: list[tuple[int, list[int]]] = []
        for h in set(hashes):
            docs = [
                r[0]
                for r in cur.execute(
                    "SELECT doc FROM postings WHERE hash = ? LIMIT ?", (h, max_df + 1)
                )
            ]
            if docs and len(docs) <= max_df:
                postings.append((h, docs))
        rowids = sorted({d for _, docs in postings for d in docs})
        names = self._ids_of(rowids)
        named = [(h, [names[d] for d in docs]) for h, docs in postings]
        return rank_candidates(named, exclude=exclude, limit=limit, min_shared=min_shared)

    def lexical_candidates(
        self, text: str, *, limit: int = 5, exclude: str | None = None
    ) -> list[Candidate]:
        """Documents ranked by BM25 for the query's most telling words (see
        :mod:`wiretrace.index.lexical`); ``shared`` is 0, ``score`` the BM25 score."""
        terms = query_terms(text)
        if not terms:
            return []
        rows = self._db.execute(
            "SELECT rowid, -bm25(lexical) FROM lexical WHERE lexical MATCH ?"
            " ORDER BY bm25(lexical) LIMIT ?",
            (fts_query(terms), limit + 1),
        ).fetchall()
        names = self._ids_of([r[0] for r in rows])
        ranked = [Candidate(names[r], 0, round(float(score), 4)) for r, score in rows if r in names]
        return [c for c in ranked if c.doc_id != exclude][:limit]

    def _ids_of(self, rowids: list[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        for start in range(0, len(rowids), 900):
            chunk = rowids[start : start + 900]
            marks = ",".join("?" * len(chunk))
            out.update(
                self._db.execute(
                    f"SELECT rowid, id FROM documents WHERE rowid IN ({marks})", chunk
                ).fetchall()
            )
        return out

    def ids(self) -> Iterator[str]:
        for (doc_id,) in self._db.execute("SELECT id FROM documents ORDER BY id"):
            yield doc_id

    def documents(self) -> Iterator[Document]:
        """Every stored document, in id order."""
        for row in self._db.execute(f"SELECT {_DOC_COLUMNS} FROM documents ORDER BY id"):
            yield _row_to_document(row)

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SQLiteIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_index(path: str | Path, *, create: bool = True, readonly: bool = False) -> SQLiteIndex:
    """Open (and by default create) the SQLite index at ``path``."""
    return SQLiteIndex(path, create=create, readonly=readonly)
