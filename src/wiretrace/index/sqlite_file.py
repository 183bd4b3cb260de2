"""The SQLite index's file: its tables, its format version, and how it is opened.

Tables::

    meta(key PRIMARY KEY, value)                 format version and fingerprint parameters
    documents(rowid, id UNIQUE, metadata, text,  one row per distinct normalised text
              text_digest, meta_digest,          (content_digest is indexed: exact duplicates
              content_digest, text_chars)        are found by it)
    appearances(id PRIMARY KEY, doc, metadata,   the other ids that carried a stored text
                meta_digest)
    postings(hash, doc) WITHOUT ROWID            distinct winnowed hashes (their top 48 bits
                                                 since format 6) per document: the
    postings_<run>(hash, doc) WITHOUT ROWID      write table and sealed runs, listed in
    postings_runs(run PRIMARY KEY, level,        postings_runs (see
                  postings)                      :mod:`wiretrace.index.sqlite_postings`)
    lexical (FTS5, contentless, rowid = doc)     title and text, Porter-stemmed, for BM25
    progress(input PRIMARY KEY, ...)             how far ``wiretrace index`` got in each input
    summary_outlets(source PRIMARY KEY, ...)     articles per outlet and per day, kept by
    summary_days(day PRIMARY KEY, ...)           batch (:mod:`wiretrace.index.summary`)
    text_dictionaries(dict_id PRIMARY KEY, data) the zstandard dictionary of the stored texts
                                                 (:mod:`wiretrace.index.stored_text`)

Format versions (``meta.format``):

- 1: the first; no author, crawl date or content digest.
- 2: adds ``author``, ``crawled_at`` and ``content_digest`` (duplicate folding).
- 3: ``documents.text`` of new rows is a zstandard frame (a BLOB, see
  :mod:`wiretrace.index.stored_text`), and ``documents.text_chars`` its length in characters,
  so a listing reads lengths without decompressing. Rows kept from format 1 or 2 stay TEXT with
  ``text_chars`` NULL, and are compressed when they are next rewritten.
- 4: the postings may be split over sealed runs (``postings_<run>``, listed in
  ``postings_runs``), so adding documents costs the same at any index size. A format 3
  ``postings`` table becomes run 0, the write table, as it is.
- 5: ``summary_outlets`` and ``summary_days`` keep the counts of what the index holds, so a
  summary (``wiretrace info``, ``GET /v1/index``, a trace that finds nothing) reads a row per
  outlet and day, not per article. Upgrading a format 4 file reads every article once (a few
  seconds at a million); a format 4 file opened read-only is summarised by counting.
- 6: stored texts are compressed with a dictionary trained from the file's first texts
  (``text_dictionaries``), and a new file keys its postings by the hashes' top 48 bits
  (``meta.hash_bits``, :func:`~wiretrace.index.sqlite_postings.posting_key`): together about
  630 bytes less a news article at 1M. A format 5 file gets the dictionaries table (its texts so far
  stay as they are, new ones use the dictionary once it is trained) and keeps its 64-bit keys.

Opening an older file for writing upgrades it in place, in one transaction: from 2, by adding
the ``text_chars`` column and from 3, by adding ``postings_runs`` (both without reading a row of
documents, so quick at any size; the postings are counted once); from 4, by filling the
summary tables (every article's outlet and date read once); from 5, by adding
``text_dictionaries``; from 1, by also adding the
format-2 columns and computing each row's content digest. A read-only open of a format 2, 3 or
4 file works as it is; a format-1 file must be opened for writing once. A file of a newer
format than this code knows is refused.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from wiretrace.errors import IndexError_
from wiretrace.fingerprint import DEFAULT_N, DEFAULT_WINDOW
from wiretrace.index.base import content_digest
from wiretrace.index.sqlite_postings import KEY_SHIFT, RUNS_SCHEMA, add_runs_table
from wiretrace.index.stored_text import DICTIONARIES_SCHEMA
from wiretrace.index.summary import SUMMARY_TABLES, add_summary_tables

__all__ = ["FORMAT_VERSION", "FileSettings", "index_error", "open_file", "sqlite_uri"]

FORMAT_VERSION = "6"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT, url TEXT, source TEXT, published_at TEXT, language TEXT,
    text TEXT NOT NULL,
    text_digest TEXT NOT NULL,
    meta_digest TEXT NOT NULL,
    author TEXT, crawled_at TEXT,
    content_digest TEXT NOT NULL DEFAULT '',
    text_chars INTEGER
);
CREATE TABLE IF NOT EXISTS appearances (
    id TEXT PRIMARY KEY,
    doc INTEGER NOT NULL,
    title TEXT, url TEXT, source TEXT, published_at TEXT, language TEXT,
    author TEXT, crawled_at TEXT,
    meta_digest TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS appearances_doc ON appearances(doc);
CREATE TABLE IF NOT EXISTS progress (
    input TEXT PRIMARY KEY,
    signature TEXT NOT NULL,
    position INTEGER NOT NULL,
    records INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT ''
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

CONTENT_INDEX = "CREATE INDEX IF NOT EXISTS documents_content ON documents(content_digest)"


def sqlite_uri(path: Path, mode: str) -> str:
    """The SQLite URI of the file ``path``: a path, never read as a URI itself.

    ``Path.as_uri`` percent-encodes what a URI would read otherwise (``#`` starts a fragment,
    ``?`` the parameters, ``%`` an escape), so ``news#2.db`` is that file, not ``news``.
    """
    return f"{path.absolute().as_uri()}?mode={mode}"


@dataclass(frozen=True, slots=True)
class FileSettings:
    """What an index file records about itself: the fingerprint parameters ``n`` and
    ``window``, whether it folds exact duplicates from now on, and whether it holds any folded
    appearance yet; ``text_chars`` whether ``documents`` has that column (false only for a
    format-2 file open read-only); ``posting_runs`` whether the file has ``postings_runs``
    (false only for a format 2 or 3 file open read-only); ``key_shift`` the low bits its
    postings keys drop (16 in a file made at format 6 or later, else 0); ``dictionaries``
    whether it has ``text_dictionaries`` (false only for an older file open read-only)."""

    n: int
    window: int
    fold_duplicates: bool
    folded: bool
    text_chars: bool = True
    posting_runs: bool = True
    key_shift: int = 0
    dictionaries: bool = True


def open_file(
    path: Path, *, readonly: bool, fold_duplicates: bool | None
) -> tuple[sqlite3.Connection, FileSettings]:
    """Connect to the index file at ``path`` (created, or upgraded from format 1, unless
    ``readonly``) and read its settings; ``fold_duplicates`` is as in ``SQLiteIndex``."""
    try:
        db = sqlite3.connect(
            sqlite_uri(path, "ro" if readonly else "rwc"),
            uri=True,
            check_same_thread=False,
            isolation_level=None,
        )
        db.execute("PRAGMA busy_timeout = 10000")
        db.execute("PRAGMA cache_size = -262144")  # up to 256 MiB of page cache
        _refuse_newer(db, path)
        if not readonly:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            # A merge of postings runs writes hundreds of MB in one transaction; the log is
            # cut back to this size once it is checkpointed, not kept at its largest.
            db.execute("PRAGMA journal_size_limit = 67108864")
            db.executescript(SCHEMA + RUNS_SCHEMA + SUMMARY_TABLES + DICTIONARIES_SCHEMA)
        n, window, version = _read_parameters(db, path, readonly)
        if not readonly:
            db.execute(CONTENT_INDEX)
        fold = _fold_setting(db, fold_duplicates, readonly)
        folded = db.execute("SELECT EXISTS (SELECT 1 FROM appearances)").fetchone()[0] == 1
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        bits = db.execute("SELECT value FROM meta WHERE key = 'hash_bits'").fetchone()
    except sqlite3.Error as exc:
        raise index_error(path, "cannot open index", exc) from exc
    return db, FileSettings(
        n,
        window,
        fold,
        folded,
        version not in ("1", "2"),
        posting_runs="postings_runs" in tables,
        key_shift=64 - int(bits[0]) if bits is not None else 0,
        dictionaries="text_dictionaries" in tables,
    )


def index_error(path: Path, doing: str, exc: sqlite3.Error) -> IndexError_:
    """The error to raise for ``exc``, met while ``doing`` something to the index at ``path``.

    A full disk says so, and what to do. SQLite reports it as SQLITE_FULL when the index, its
    write-ahead log or a temporary file cannot grow (``wiretrace index`` writes no temporary
    file), and as SQLITE_IOERR_SHMSIZE when the ``-shm`` file beside the index cannot be made
    (opening an existing index, even read-only). A write that fails is rolled back, so the
    file keeps every batch committed before it, with the resume points stored alongside.
    """
    code = getattr(exc, "sqlite_errorcode", 0)
    if code & 0xFF == sqlite3.SQLITE_FULL or code == sqlite3.SQLITE_IOERR_SHMSIZE:
        why = str(exc) if code != sqlite3.SQLITE_IOERR_SHMSIZE else f"cannot grow {path}-shm"
        return IndexError_(
            f"{path}: {doing}: the disk is full ({why}); free some space and run the same "
            "command again (nothing stored is lost, and 'wiretrace index' resumes where it "
            "stopped)"
        )
    return IndexError_(f"{path}: {doing}: {exc}")


def _format_of(db: sqlite3.Connection) -> str | None:
    """The file's format version, or None when it has no ``meta`` table or no version."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone() is None:
        return None
    row = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    return None if row is None else str(row[0])


def _refuse_newer(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a file written by a newer wiretrace before anything touches it."""
    version = _format_of(db)
    if version is not None and version.isdigit() and int(version) > int(FORMAT_VERSION):
        raise IndexError_(
            f"{path}: index format {version} is newer than this wiretrace reads (format "
            f"{FORMAT_VERSION}); upgrade wiretrace, or rebuild the index with 'wiretrace index'"
        )


def _read_parameters(db: sqlite3.Connection, path: Path, readonly: bool) -> tuple[int, int, str]:
    rows = dict(db.execute("SELECT key, value FROM meta").fetchall())
    if not rows and not readonly:
        db.executemany(
            "INSERT INTO meta(key, value) VALUES (?, ?)",
            [
                ("format", FORMAT_VERSION),
                ("n", str(DEFAULT_N)),
                ("window", str(DEFAULT_WINDOW)),
                ("hash_bits", str(64 - KEY_SHIFT)),
            ],
        )
        add_runs_table(db)
        return DEFAULT_N, DEFAULT_WINDOW, FORMAT_VERSION
    version = rows.get("format")
    if version in _UPGRADES and not readonly:
        _upgrade(db)
        version = FORMAT_VERSION
    if version == "1" and readonly:
        raise IndexError_(
            f"{path}: index format 1 cannot be read as it is; open it once for writing "
            "(for example 'wiretrace index' with no new input) to upgrade it in place"
        )
    if version not in (FORMAT_VERSION, "5", "4", "3", "2"):
        raise IndexError_(
            f"{path}: index format {version!r} is not {FORMAT_VERSION!r}; "
            "rebuild it with 'wiretrace index'"
        )
    return int(rows["n"]), int(rows["window"]), version


def _fold_setting(db: sqlite3.Connection, requested: bool | None, readonly: bool) -> bool:
    row = db.execute("SELECT value FROM meta WHERE key = 'fold'").fetchone()
    stored = row is not None and row[0] == "1"
    if requested and not stored and not readonly:
        db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('fold', '1')")
        return True
    return stored


def _upgrade(db: sqlite3.Connection) -> None:
    """Bring a format 1 or 2 file to the current format, in one transaction. The version is
    read again inside it: another writer may have upgraded the file meanwhile."""
    db.execute("BEGIN IMMEDIATE")
    try:
        version = _format_of(db)
        while version in _UPGRADES:
            version = _UPGRADES[version](db)
        db.execute("UPDATE meta SET value = ? WHERE key = 'format'", (FORMAT_VERSION,))
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:  # SQLite has rolled back already after some errors (a full disk)
            db.execute("ROLLBACK")
        raise


def _from_1(db: sqlite3.Connection) -> str:
    """Format 1 had no author, crawl date or content digest: add them (every row is read)."""
    for column in ("author TEXT", "crawled_at TEXT", "content_digest TEXT NOT NULL DEFAULT ''"):
        db.execute(f"ALTER TABLE documents ADD COLUMN {column}")
    rows = db.execute("SELECT rowid, text FROM documents").fetchall()
    db.executemany(
        "UPDATE documents SET content_digest = ? WHERE rowid = ?",
        ((content_digest(text), rowid) for rowid, text in rows),
    )
    return "2"


def _from_2(db: sqlite3.Connection) -> str:
    """Format 2 stored every text raw: add ``text_chars`` (NULL for the raw rows, whose
    ``length(text)`` is their length). No row is read or rewritten."""
    db.execute("ALTER TABLE documents ADD COLUMN text_chars INTEGER")
    return "3"


def _from_3(db: sqlite3.Connection) -> str:
    """Format 3 kept every posting in one table: it becomes run 0, the write table, of
    ``postings_runs`` (its rows are counted, not moved)."""
    add_runs_table(db)
    return "4"


def _from_4(db: sqlite3.Connection) -> str:
    """Format 4 counted the summary at each question: fill the summary tables from every
    article (they were made empty by the schema script just before)."""
    add_summary_tables(db)
    return "5"


def _from_5(db: sqlite3.Connection) -> str:
    """Format 5 had no dictionary for the stored texts: the schema script has just made the
    empty table, and the next batch that brings the file to :data:`~wiretrace.index.
    stored_text.TRAIN_TEXTS` texts trains one. The postings keep their 64-bit keys (no
    ``hash_bits`` in ``meta``): rewriting them would read the whole file."""
    return "6"


_UPGRADES = {"1": _from_1, "2": _from_2, "3": _from_3, "4": _from_4, "5": _from_5}
