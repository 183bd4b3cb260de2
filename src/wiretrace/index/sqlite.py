"""The SQLite index: one file, WAL journal, one transaction per batch.

The file's tables are listed in :mod:`wiretrace.index.sqlite_file`. Stored texts are
compressed (:mod:`wiretrace.index.stored_text`): they are unpacked only where a document's
text is returned or needed (``get``, ``appearances``, ``documents``, replacing a text);
listing, summary and candidate search never read them.

Exact duplicates: a document whose normalised text (:func:`~wiretrace.index.base.
content_digest`) is already stored under another id becomes an *appearance* of that document:
its id and metadata are kept, its text and fingerprints are not stored again. The stored row
always carries the metadata of the earliest appearance (:func:`~wiretrace.index.base.
first_key`), so a trace's "earliest source" names whoever had the text first; the others are
listed by :meth:`SQLiteIndex.appearances`. The stored text is the first one seen.

Replacing a document recomputes the old text's hashes and deletes exactly those postings, so
no secondary index on ``postings.doc`` is needed. The postings are split over a write table and
sealed runs so that adding documents costs the same at any index size
(:mod:`wiretrace.index.sqlite_postings`). Every batch is one transaction: a process killed
mid-batch, or a batch the disk has no room for (the error says the disk is full, see
:func:`~wiretrace.index.sqlite_file.index_error`), leaves the index as it was after the
previous batch, and re-adding the same documents is a no-op, so an interrupted ingest can
simply be rerun. A caller can also store a
resume point for an input in the same transaction as a batch (:meth:`SQLiteIndex.add_batch`
with ``progress``) and read it back with :meth:`SQLiteIndex.progress`.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, islice, repeat
from pathlib import Path

from wiretrace.errors import IndexError_
from wiretrace.ids import check_ids
from wiretrace.index import stored_text
from wiretrace.index.base import (
    DEFAULT_MAX_DF,
    AddOutcome,
    AddReport,
    Candidate,
    Prepared,
    appearance_of,
    document_hashes,
    first_key,
    keep_stored,
    meta_digest,
    prepare,
    rank_candidates,
)
from wiretrace.index.lexical import fts_query, query_terms
from wiretrace.index.listing import DocumentPage, DocumentQuery
from wiretrace.index.sqlite_file import index_error, open_file
from wiretrace.index.sqlite_listing import list_articles
from wiretrace.index.sqlite_postings import PostingTables
from wiretrace.index.stored_text import TextCodec
from wiretrace.index.summary import (
    TOP_OUTLETS,
    IndexSummary,
    apply_summary_delta,
    placed_articles,
    summarise,
)
from wiretrace.index.term_counts import bounded_counts, fts_documents
from wiretrace.model import Appearance, Document


@dataclass(slots=True)
class OptimizeReport:
    """What :meth:`SQLiteIndex.optimize` did: the file's size before and after, the
    postings tables it merged into one, and the seconds each step took."""

    bytes_before: int
    postings_tables: int = 1
    postings_seconds: float = 0.0
    lexical_seconds: float = 0.0
    vacuum_seconds: float | None = None
    bytes_after: int = 0


# (input, signature, position, records, state): see SQLiteIndex.add_batch_outcomes.
ResumePoint = tuple[str, str, int, int, str]
BATCH_SIZE = 2000

# Lexical term document counts kept per connection (see SQLiteIndex.term_document_counts).
TERM_COUNT_CACHE = 200_000
# Terms held by at least this many documents stay in that cache when it is trimmed.
TERM_COUNT_KEEP_DF = 1_000
# Bounds on the work of one BM25 search (see SQLiteIndex.lexical_candidates): a word held by
# more than this share of the documents (and more than LEXICAL_MIN_DF_CAP of them) is left
# out, and the document counts of the words searched add up to at most LEXICAL_POSTINGS.
LEXICAL_MAX_SHARE = 0.02
LEXICAL_MIN_DF_CAP = 500
LEXICAL_POSTINGS = 10_000

_LEXICAL_INSERT = "INSERT INTO lexical(rowid, text) VALUES (?, ?)"
_LEXICAL_DELETE = "INSERT INTO lexical(lexical, rowid, text) VALUES ('delete', ?, ?)"
_DOC_COLUMNS = "id, text, title, url, source, published_at, language, author, crawled_at"
_META = "title, url, source, published_at, language, author, crawled_at"
_APP_COLUMNS = f"id, {_META}"


def _meta(doc: Document | Appearance) -> tuple[str | None, ...]:
    return (
        doc.title,
        doc.url,
        doc.source,
        doc.published_at,
        doc.language,
        doc.author,
        doc.crawled_at,
    )


class SQLiteIndex:
    """An index in one SQLite file."""

    def __init__(
        self,
        path: str | Path,
        *,
        create: bool = True,
        readonly: bool = False,
        fold_duplicates: bool | None = None,
    ) -> None:
        """Open the index at ``path``.

        ``fold_duplicates=True`` makes the index fold exact duplicates (see the module
        docstring) from now on, and records that in the file; ``None`` keeps what the file
        says (a new file does not fold). ``wiretrace index`` turns folding on.
        """
        self.path = Path(path)
        self._pending: list[tuple[int, int]] = []
        # Term document counts read so far, shared by every connection of this process to the
        # same file, and the document count (-1: not read); both are forgotten when this
        # connection writes (see term_document_counts).
        self._documents = -1
        if not create and not self.path.exists():
            raise IndexError_(f"{self.path}: no such index; create it with 'wiretrace index'")
        if create and not self.path.parent.exists():
            raise IndexError_(f"{self.path}: folder {self.path.parent} does not exist")
        self._db, settings = open_file(
            self.path, readonly=readonly, fold_duplicates=fold_duplicates
        )
        self.n, self.window = settings.n, settings.window
        self.fold_duplicates = settings.fold_duplicates
        self._folded = settings.folded
        self._text_chars = settings.text_chars
        self._postings = PostingTables(
            self._db, has_runs=settings.posting_runs, key_shift=settings.key_shift
        )
        self._texts = TextCodec(self._db, has_table=settings.dictionaries)
        self._term_counts = _shared_term_counts(self.path)

    # -- writing ---------------------------------------------------------------------------

    def add(self, docs: Iterable[Document | Prepared], *, replace_meta: bool = False) -> AddReport:
        total = AddReport()
        it = iter(docs)
        while batch := list(islice(it, BATCH_SIZE)):
            total = total + self.add_batch(batch, replace_meta=replace_meta)
        return total

    def add_batch(
        self,
        batch: Sequence[Document | Prepared],
        *,
        progress: Sequence[ResumePoint] = (),
        replace_meta: bool = False,
    ) -> AddReport:
        """Add one batch of documents in a single transaction."""
        outcomes = self.add_batch_outcomes(batch, progress=progress, replace_meta=replace_meta)
        return AddReport.of(outcomes)

    def add_batch_outcomes(
        self,
        batch: Sequence[Document | Prepared],
        *,
        progress: Sequence[ResumePoint] = (),
        replace_meta: bool = False,
    ) -> list[AddOutcome]:
        """Add one batch in a single transaction; return each document's outcome, in order.

        A stored id's metadata fields that a new document leaves empty are kept, unless
        ``replace_meta`` (see :meth:`wiretrace.index.base.Index.add`).

        ``progress`` rows ``(input, signature, position, records, state)`` are resume points
        stored in the same transaction (see :meth:`progress`), so they never run ahead of the
        documents they cover. ``state`` is the caller's own text (the ingest job keeps the
        records it rejected so far there).
        """
        check_ids(d.document.id if isinstance(d, Prepared) else d.id for d in batch)
        preps = [d if isinstance(d, Prepared) else prepare(d, self.n, self.window) for d in batch]
        outcomes: list[AddOutcome] = []
        self._pending = []
        ids = [p.document.id for p in preps]
        trained = False
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                trained = self._train_dictionary(preps)
                before = placed_articles(self._db, ids)
                for prep in preps:
                    kept = prep if replace_meta else keep_stored(prep, self._stored_meta(prep))
                    outcomes.append(self._add_one(kept))
                apply_summary_delta(self._db, before, placed_articles(self._db, ids))
                self._flush_postings()
                self._postings.settle()
                self._db.executemany(
                    "INSERT OR REPLACE INTO progress(input, signature, position, records, state)"
                    " VALUES (?, ?, ?, ?, ?)",
                    progress,
                )
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:  # after a full disk, SQLite has rolled back itself
                    self._db.execute("ROLLBACK")
                if trained:
                    self._texts.forget()
                raise
        except sqlite3.Error as exc:
            raise index_error(self.path, "cannot write to index", exc) from exc
        return outcomes

    def _train_dictionary(self, preps: Sequence[Prepared]) -> bool:
        """Train the stored texts' dictionary (:class:`~wiretrace.index.stored_text.TextCodec`)
        when this batch brings the file to :data:`~wiretrace.index.stored_text.TRAIN_TEXTS`
        texts and it has none: from the batch's texts, then the latest stored ones, read one
        at a time. Inside the batch's transaction; return whether one was trained."""
        if self._texts.dictionary:
            return False
        row = self._db.execute("SELECT COALESCE(MAX(rowid), 0) FROM documents").fetchone()
        if not self._texts.wants_training(int(row[0]), len(preps)):
            return False
        stored = self._db.execute(
            "SELECT text FROM documents ORDER BY rowid DESC LIMIT ?", (stored_text.TRAIN_TEXTS,)
        )
        batch = (p.document.text for p in preps)
        try:
            return self._texts.train(chain(batch, (self._texts.unpack(r[0]) for r in stored)))
        finally:
            stored.close()  # read only as far as the batch fell short

    def optimize(self, *, vacuum: bool = True) -> OptimizeReport:
        """Compact the index after a bulk load, in three steps, each its own transaction
        (a step stopped by a kill or a full disk is rolled back, and the index stays as it
        was before that step):

        1. merge every postings table into one (:meth:`PostingTables.merge_all`), so a
           fingerprint look-up seeks one table;
        2. merge FTS5's segments into one (its ``optimize`` command), so a word's list is read
           from one place;
        3. unless ``vacuum`` is false, ``VACUUM``: rewrite the file without the pages the merges
           freed. It needs free disk space about the size of the index for a while.

        Readers may go on meanwhile (the write-ahead log keeps their view); a writer waits.
        Indexing more documents afterwards works as before; run this again after the next
        bulk load."""
        report = OptimizeReport(self.path.stat().st_size)
        try:
            started = time.perf_counter()
            self._db.execute("BEGIN IMMEDIATE")
            try:
                report.postings_tables = self._postings.merge_all()
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            report.postings_seconds = time.perf_counter() - started
            started = time.perf_counter()
            self._db.execute("INSERT INTO lexical(lexical) VALUES ('optimize')")
            report.lexical_seconds = time.perf_counter() - started
            self._term_counts = {}
            if vacuum:
                started = time.perf_counter()
                self._db.execute("VACUUM")
                report.vacuum_seconds = time.perf_counter() - started
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:
            raise index_error(self.path, "cannot optimize index", exc) from exc
        report.bytes_after = self.path.stat().st_size
        return report

    def progress(self, input_key: str) -> ResumePoint | None:
        """The stored resume point of an input, as given to :meth:`add_batch`, or None."""
        row = self._db.execute(
            "SELECT input, signature, position, records, state FROM progress WHERE input = ?",
            (input_key,),
        ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]), int(row[2]), int(row[3]),
                                         str(row[4]))  # fmt: skip

    def clear_progress(self, input_key: str) -> None:
        """Forget an input's resume point (after it was read to the end)."""
        try:
            self._db.execute("DELETE FROM progress WHERE input = ?", (input_key,))
        except sqlite3.Error as exc:
            raise index_error(self.path, "cannot write to index", exc) from exc

    def _stored_meta(self, prep: Prepared) -> Document | None:
        """The stored metadata of ``prep``'s id (its text left empty), or None when new."""
        doc_id = prep.document.id
        row = self._db.execute(f"SELECT {_META} FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None and self._folded:
            row = self._db.execute(
                f"SELECT {_META} FROM appearances WHERE id = ?", (doc_id,)
            ).fetchone()
        return None if row is None else Document(doc_id, "", *row)

    def _add_one(self, prep: Prepared) -> AddOutcome:
        doc = prep.document
        if self._folded:
            outcome = self._readd_appearance(prep)
            if outcome is not None:
                return outcome
        owner = None
        if self.fold_duplicates:
            owner = self._db.execute(
                "SELECT rowid, id FROM documents WHERE content_digest = ? LIMIT 1",
                (prep.content_digest,),
            ).fetchone()
        if owner is not None and owner[1] != doc.id:
            replaced = self._detach(doc.id)
            self._fold(int(owner[0]), doc, prep.meta_digest)
            return AddOutcome.UPDATED if replaced else AddOutcome.DUPLICATE
        # Try the insert first: in a growing index most ids are new, and this saves a lookup.
        cur = self._db.execute(
            "INSERT INTO documents(id, title, url, source, published_at, language, author,"
            " crawled_at, text, text_digest, meta_digest, content_digest, text_chars)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
            (doc.id, *_meta(doc), self._texts.pack(doc.text), prep.text_digest, prep.meta_digest,
             prep.content_digest, len(doc.text)),
        )  # fmt: skip
        if cur.rowcount == 1:
            rowid = int(cur.lastrowid or 0)
            self._pending.extend(zip(prep.hashes, repeat(rowid)))
            self._lexical(_LEXICAL_INSERT, rowid, doc.title, doc.text)
            return AddOutcome.ADDED
        row = self._db.execute(
            "SELECT rowid, text, content_digest, text_digest, meta_digest, title FROM documents"
            " WHERE id = ?",
            (doc.id,),
        ).fetchone()
        rowid, stored, old_content, old_text_digest, old_meta_digest, old_title = row
        old_text = self._texts.unpack(stored)
        # When folding, the stored text of a group is the first one seen; a copy that differs
        # only in what normalisation folds does not replace it (so reruns change nothing).
        same_text = (
            old_content == prep.content_digest
            if self.fold_duplicates
            else old_text_digest == prep.text_digest
        )
        if same_text and old_meta_digest == prep.meta_digest:
            return AddOutcome.UNCHANGED
        if same_text:  # new metadata for the same text
            self._set_meta(rowid, doc, prep.meta_digest, old_title, old_text)
            self._settle(rowid)
            return AddOutcome.METADATA
        if self._folded and self._has_appearances(rowid):
            # Others still carry the old text: it stays, under the next of them.
            self._detach(doc.id)
            self._add_one(prep)
            return AddOutcome.UPDATED
        self._lexical(_LEXICAL_DELETE, rowid, old_title, old_text)
        self._lexical(_LEXICAL_INSERT, rowid, doc.title, doc.text)
        self._db.execute(
            f"UPDATE documents SET {_assign(_META)}, text=?, text_digest=?, meta_digest=?,"
            " content_digest=?, text_chars=? WHERE rowid=?",
            (*_meta(doc), self._texts.pack(doc.text), prep.text_digest, prep.meta_digest,
             prep.content_digest, len(doc.text), rowid),
        )  # fmt: skip
        self._flush_postings()
        old_hashes = document_hashes(old_text, self.n, self.window)
        self._postings.delete((h, rowid) for h in old_hashes - prep.hashes)
        self._pending.extend(zip(prep.hashes - old_hashes, repeat(rowid)))
        self._flush_postings()
        return AddOutcome.UPDATED

    # -- exact duplicates ------------------------------------------------------------------

    def _readd_appearance(self, prep: Prepared) -> AddOutcome | None:
        """Handle an id that is already an appearance; None when it is not one."""
        doc = prep.document
        row = self._db.execute(
            "SELECT a.doc, a.meta_digest, d.content_digest FROM appearances a"
            " JOIN documents d ON d.rowid = a.doc WHERE a.id = ?",
            (doc.id,),
        ).fetchone()
        if row is None:
            return None
        rowid, old_meta, content = row
        if content == prep.content_digest:
            if old_meta == prep.meta_digest:
                return AddOutcome.UNCHANGED
            self._db.execute(
                f"UPDATE appearances SET {_assign(_META)}, meta_digest=? WHERE id=?",
                (*_meta(doc), prep.meta_digest, doc.id),
            )
            self._settle(rowid)
            return AddOutcome.METADATA
        self._db.execute("DELETE FROM appearances WHERE id = ?", (doc.id,))
        self._add_one(prep)
        return AddOutcome.UPDATED

    def _fold(self, rowid: int, doc: Document, digest: str) -> None:
        self._db.execute(
            f"INSERT INTO appearances(id, doc, {_META}, meta_digest)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (doc.id, rowid, *_meta(doc), digest),
        )
        self._folded = True
        self._settle(rowid)

    def _has_appearances(self, rowid: int) -> bool:
        row = self._db.execute("SELECT 1 FROM appearances WHERE doc = ? LIMIT 1", (rowid,))
        return row.fetchone() is not None

    def _others(self, rowid: int) -> list[Appearance]:
        """The appearances of stored row ``rowid`` other than its own id."""
        owner = self._db.execute("SELECT id FROM documents WHERE rowid = ?", (rowid,)).fetchone()
        rows = self._db.execute(
            f"SELECT {_APP_COLUMNS} FROM appearances WHERE doc = ?", (rowid,)
        ).fetchall()
        return [Appearance(r[0], owner[0], *r[1:]) for r in rows]

    def _settle(self, rowid: int) -> None:
        """Make the stored row carry the earliest appearance's id and metadata."""
        others = self._others(rowid)
        if not others:
            return
        row = self._db.execute(
            f"SELECT {_DOC_COLUMNS}, meta_digest FROM documents WHERE rowid = ?", (rowid,)
        ).fetchone()
        current = self._row_to_document(row[:-1])
        first = min(others, key=first_key)
        if first_key(first) >= first_key(current):
            return
        self._db.execute("DELETE FROM appearances WHERE id = ?", (first.id,))
        self._db.execute(
            f"INSERT INTO appearances(id, doc, {_META}, meta_digest)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (current.id, rowid, *_meta(current), row[-1]),
        )
        promoted = _as_document(first, current.text)
        self._db.execute("UPDATE documents SET id = ? WHERE rowid = ?", (first.id, rowid))
        self._set_meta(rowid, promoted, meta_digest(promoted), current.title, current.text)

    def _set_meta(
        self, rowid: int, doc: Document, digest: str, old_title: str | None, text: str
    ) -> None:
        self._db.execute(
            f"UPDATE documents SET {_assign(_META)}, meta_digest=? WHERE rowid=?",
            (*_meta(doc), digest, rowid),
        )
        if doc.title != old_title:
            self._lexical(_LEXICAL_DELETE, rowid, old_title, text)
            self._lexical(_LEXICAL_INSERT, rowid, doc.title, text)

    def _detach(self, doc_id: str) -> bool:
        """Take ``doc_id`` off the stored text it owns, if any; return whether it owned one.

        When other ids carry that text, the earliest of them takes it over (the text and its
        fingerprints stay); otherwise the row and its postings are deleted.
        """
        row = self._db.execute(
            "SELECT rowid, text, title FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        if row is None:
            return False
        rowid, stored, title = row
        text = self._texts.unpack(stored)
        others = self._others(rowid) if self._folded else []
        if others:
            first = min(others, key=first_key)
            self._db.execute("DELETE FROM appearances WHERE id = ?", (first.id,))
            promoted = _as_document(first, text)
            self._db.execute("UPDATE documents SET id = ? WHERE rowid = ?", (first.id, rowid))
            self._set_meta(rowid, promoted, meta_digest(promoted), title, text)
            return True
        self._flush_postings()
        self._lexical(_LEXICAL_DELETE, rowid, title, text)
        self._postings.delete((h, rowid) for h in document_hashes(text, self.n, self.window))
        self._db.execute("DELETE FROM documents WHERE rowid = ?", (rowid,))
        return True

    def _lexical(self, sql: str, rowid: int, title: str | None, text: str) -> None:
        # A connection that writes keeps counts of its own from now on, forgotten at each
        # write: the shared cache stays with the readers (a server's writer would otherwise
        # send every reader back to counting, seconds a ranking at a million documents).
        self._term_counts = {}
        self._documents = -1
        self._db.execute(sql, (rowid, f"{title}\n{text}" if title else text))

    def _flush_postings(self) -> None:
        """Insert the batch's new postings. (Sorting them first by key was measured: it
        cost more in Python than it saved in SQLite.)"""
        self._postings.insert(self._pending)
        self._pending = []

    # -- reading ---------------------------------------------------------------------------

    def _row_to_document(self, row: tuple[str, ...]) -> Document:
        """A document from a row of :data:`_DOC_COLUMNS` (its text still stored)."""
        return Document(row[0], self._texts.unpack(row[1]), *row[2:])

    def get(self, doc_id: str) -> Document | None:
        row = self._db.execute(
            f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        if row is not None:
            return self._row_to_document(row)
        if not self._folded:
            return None
        found = self._db.execute(
            f"SELECT a.id, d.text, {', '.join('a.' + c.strip() for c in _META.split(','))}"
            " FROM appearances a JOIN documents d ON d.rowid = a.doc WHERE a.id = ?",
            (doc_id,),
        ).fetchone()
        return None if found is None else self._row_to_document(found)

    def appearances(self, doc_id: str) -> list[Appearance]:
        row = self._db.execute("SELECT rowid FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None and self._folded:
            row = self._db.execute("SELECT doc FROM appearances WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return []
        rowid = int(row[0])
        owner = self._db.execute(
            f"SELECT {_DOC_COLUMNS} FROM documents WHERE rowid = ?", (rowid,)
        ).fetchone()
        stored = self._row_to_document(owner)
        others = self._others(rowid) if self._folded else []
        return [appearance_of(stored, stored.id), *sorted(others, key=first_key)]

    def appearance_count(self) -> int:
        """How many ids are folded into another document's text."""
        return int(self._db.execute("SELECT COUNT(*) FROM appearances").fetchone()[0])

    def candidates(
        self,
        hashes: Iterable[int],
        *,
        max_df: int = DEFAULT_MAX_DF,
        limit: int = 20,
        min_shared: int = 1,
        exclude: str | None = None,
    ) -> list[Candidate]:
        postings = self._postings.lookup(hashes, max_df)
        rowids = sorted({d for _, docs in postings for d in docs})
        names = self._ids_of(rowids)
        named = [(h, [names[d] for d in docs]) for h, docs in postings]
        return rank_candidates(named, exclude=exclude, limit=limit, min_shared=min_shared)

    def lexical_candidates(
        self, text: str, *, limit: int = 5, exclude: str | None = None
    ) -> list[Candidate]:
        """Documents ranked by BM25 for the query's most telling words (see
        :mod:`wiretrace.index.lexical`); ``shared`` is 0, ``score`` the BM25 score.

        FTS5 scores every document that holds any of the words, reading each one's positions,
        so the work is the sum of their document counts: a word held by more than
        :data:`LEXICAL_MAX_SHARE` of the documents (and more than
        :data:`LEXICAL_MIN_DF_CAP`) is left out, as is a word that would take the sum past
        :data:`LEXICAL_POSTINGS`; such words are common and weigh little in BM25. At 100,000
        documents a query's common words made the search cost more than the rest of a trace
        (76 of 130 s over 200 traces). FTS5's ``bm25()`` costs about a microsecond per
        matching document and word, so at a million documents a budget of 20,000 took
        26 ms a search, 10,000 18 ms and 5,000 13 ms; the source ranking's recall@5 on spun
        composites there was 0.901, and 0.886 at 5,000. The Wikinews ranking (2,427
        documents) is the same with any of them."""
        terms = self._bounded_terms(query_terms(text))
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

    def _bounded_terms(self, terms: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """``terms`` without those that would make the search's work unbounded (see
        :meth:`lexical_candidates`); a word no document holds costs nothing and stays."""
        counts, documents = self.term_document_counts(
            (stem for stem, _ in terms), probes=dict(terms)
        )
        cap = max(LEXICAL_MIN_DF_CAP, int(documents * LEXICAL_MAX_SHARE))
        kept: list[tuple[str, str]] = []
        work = 0
        for stem, word in terms:
            df = counts[stem]
            if df > cap or work + df > LEXICAL_POSTINGS:
                continue
            kept.append((stem, word))
            work += df
        return kept

    def term_document_counts(
        self, terms: Iterable[str], probes: Mapping[str, str] | None = None
    ) -> tuple[dict[str, int], int]:
        """How many documents hold each term, and how many there are, from FTS5 with bounded
        work: exact below :data:`~wiretrace.index.term_counts.PROBE` documents, estimated
        within a few percent above (:mod:`wiretrace.index.term_counts`). ``probes`` maps a
        stem to a word that stems to it, to match the stem by.

        Counts are kept for the next query (a ranking asks for the same candidates' terms
        again and again), in one cache for all the connections of this process to the file
        (a server's pool). A connection that writes counts anew after each write, in a cache
        of its own (see :meth:`_lexical`). When the cache holds more than
        :data:`TERM_COUNT_CACHE` terms, the rare ones are forgotten. Another process's writes
        are seen after that: the counts weigh terms, and a few documents more or less do not
        change a weight much.
        """
        cache = self._term_counts
        if len(cache) > TERM_COUNT_CACHE:
            common = {t: n for t, n in list(cache.items()) if n >= TERM_COUNT_KEEP_DF}
            cache.clear()
            if len(common) < TERM_COUNT_CACHE // 2:
                cache.update(common)
        # Looked up one by one into this call's own answer (another thread may trim the
        # cache meanwhile); not ``asked - cache.keys()``, which builds a set of the whole
        # cache on every call.
        counts: dict[str, int] = {}
        wanted: list[str] = []
        for term in set(terms):
            known = cache.get(term)
            if known is None:
                wanted.append(term)
            else:
                counts[term] = known
        if wanted:
            fresh = bounded_counts(self._db, wanted, probes)
            counts.update(fresh)
            cache.update(fresh)
        if self._documents < 0:
            self._documents = fts_documents(self._db)
        return counts, self._documents

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
            yield self._row_to_document(row)

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def list_documents(self, query: DocumentQuery) -> DocumentPage:
        """One page of the articles ``query`` lists (:mod:`wiretrace.index.listing`)."""
        try:
            return list_articles(self._db, query, text_chars=self._text_chars)
        except sqlite3.Error as exc:
            raise IndexError_(f"{self.path}: cannot list documents: {exc}") from exc

    def summary(self, top: int = TOP_OUTLETS) -> IndexSummary:
        """What the index holds: articles, outlets, dates (:mod:`wiretrace.index.summary`)."""
        return summarise(self._db, self.path, top)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SQLiteIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# Term document counts by index file (see SQLiteIndex.term_document_counts).
_TERM_COUNTS: dict[str, dict[str, int]] = {}
_TERM_COUNTS_LOCK = threading.Lock()


def _shared_term_counts(path: Path) -> dict[str, int]:
    """The cache of the file at ``path``: by its device and inode too, so a file made anew
    under the same name starts with none."""
    st = path.stat()
    key = f"{path.resolve()}:{st.st_dev}:{st.st_ino}"
    with _TERM_COUNTS_LOCK:
        return _TERM_COUNTS.setdefault(key, {})


def _assign(columns: str) -> str:
    return ", ".join(f"{c.strip()}=?" for c in columns.split(","))


def _as_document(appearance: Appearance, text: str) -> Document:
    a = appearance
    return Document(
        a.id, text, a.title, a.url, a.source, a.published_at, a.language, a.author, a.crawled_at
    )


def open_index(
    path: str | Path,
    *,
    create: bool = True,
    readonly: bool = False,
    fold_duplicates: bool | None = None,
) -> SQLiteIndex:
    """Open (and by default create) the SQLite index at ``path`` (see :class:`SQLiteIndex`)."""
    return SQLiteIndex(path, create=create, readonly=readonly, fold_duplicates=fold_duplicates)
