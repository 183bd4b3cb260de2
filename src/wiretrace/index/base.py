"""The Index protocol and the pure pieces every implementation shares."""

from __future__ import annotations

import hashlib
import multiprocessing
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from functools import partial
from itertools import islice
from typing import Protocol

from wiretrace.dates import time_key
from wiretrace.fingerprint import DEFAULT_N, DEFAULT_WINDOW, ngram_hashes, winnow
from wiretrace.index.listing import DocumentPage, DocumentQuery
from wiretrace.model import Appearance, Document
from wiretrace.text.tokens import words_of

DEFAULT_MAX_DF = 500


class AddOutcome(StrEnum):
    """What adding one document did to the index.

    ``UPDATED``: a stored id got a new text (and any new metadata with it). ``METADATA``: a
    stored id kept its text and got new metadata. ``DUPLICATE``: a new id whose normalised text
    is already stored under another id; the text is not stored again, the id is kept as an
    appearance of the stored document.
    """

    ADDED = "added"
    UPDATED = "updated"
    METADATA = "metadata"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"


@dataclass(frozen=True, slots=True)
class AddReport:
    """Counts of what a batch of additions did: ``updated`` counts new texts, ``metadata``
    new metadata for a text already stored."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0
    metadata: int = 0

    def __add__(self, other: AddReport) -> AddReport:
        return AddReport(
            self.added + other.added,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.duplicate + other.duplicate,
            self.metadata + other.metadata,
        )

    @staticmethod
    def of(outcomes: Iterable[AddOutcome]) -> AddReport:
        counts = Counter(outcomes)
        return AddReport(
            counts[AddOutcome.ADDED],
            counts[AddOutcome.UPDATED],
            counts[AddOutcome.UNCHANGED],
            counts[AddOutcome.DUPLICATE],
            counts[AddOutcome.METADATA],
        )


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate source: a document id, how many query fingerprints it shares, and its
    lexical (BM25) score when it was found by words rather than fingerprints."""

    doc_id: str
    shared: int
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class Prepared:
    """A document with its distinct fingerprint hashes and digests, ready to store.

    ``content_digest`` identifies the normalised text (see :func:`content_digest`): two
    documents with the same one are exact duplicates and the text is stored once.
    """

    document: Document
    hashes: frozenset[int] = field(repr=False)
    text_digest: str
    meta_digest: str
    content_digest: str = ""


def text_digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def meta_digest(doc: Document) -> str:
    values = [doc.title, doc.url, doc.source, doc.published_at, doc.language]
    if doc.author is not None or doc.crawled_at is not None:  # fields added later: digests of
        values += [doc.author, doc.crawled_at]  # documents without them stay as they were
    meta = "\x1f".join(v or "" for v in values)
    return hashlib.blake2b(meta.encode("utf-8"), digest_size=16).hexdigest()


def content_digest(text: str, words: Sequence[str] | None = None) -> str:
    """The digest of a text's normalised form: its normalised word sequence.

    Texts that differ only in case, whitespace, punctuation, quote and dash styles (the
    differences :mod:`wiretrace.text.normalise` folds, plus punctuation between words) have
    the same digest: they are exact duplicates for folding. A text without words falls back to
    its raw digest, so such texts never fold together.
    """
    words = words_of(text) if words is None else words
    if not words:
        return "raw:" + text_digest(text)
    return hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=16).hexdigest()


def document_hashes(text: str, n: int = DEFAULT_N, window: int = DEFAULT_WINDOW) -> frozenset[int]:
    """The distinct winnowed fingerprint hashes of a text, as stored in an index."""
    return _hashes_of_words(words_of(text), n, window)


def _hashes_of_words(words: list[str], n: int, window: int) -> frozenset[int]:
    hashes = ngram_hashes(words, n)
    return frozenset(hashes[winnow(hashes, window)].tolist())


def prepare(doc: Document, n: int = DEFAULT_N, window: int = DEFAULT_WINDOW) -> Prepared:
    """Fingerprint a document for storage (pure; safe to run in worker processes)."""
    words = words_of(doc.text)
    return Prepared(
        doc,
        _hashes_of_words(words, n, window),
        text_digest(doc.text),
        meta_digest(doc),
        content_digest(doc.text, words),
    )


# The metadata fields of a document, in Document's order.
META_FIELDS = ("title", "url", "source", "published_at", "language", "author", "crawled_at")


def keep_stored_meta(new: Document, stored: Document | Appearance | None) -> Document:
    """``new`` with each metadata field it leaves empty taken from ``stored`` (pure).

    Re-adding a document from an input that carries fewer fields (a CSV mapped with only its
    text and id) must not wipe what an earlier input stored: the dates decide who published
    first. A field ``new`` gives replaces the stored one; only the index's ``replace_meta``
    mode, which does not call this, clears fields.
    """
    if stored is None:
        return new
    kept = {
        name: getattr(stored, name)
        for name in META_FIELDS
        if getattr(new, name) is None and getattr(stored, name) is not None
    }
    return replace(new, **kept) if kept else new


def keep_stored(prep: Prepared, stored: Document | Appearance | None) -> Prepared:
    """``prep`` with its document's empty metadata fields taken from ``stored``."""
    merged = keep_stored_meta(prep.document, stored)
    if merged is prep.document:
        return prep
    return replace(prep, document=merged, meta_digest=meta_digest(merged))


def appearance_of(doc: Document, document_id: str) -> Appearance:
    """``doc``'s metadata as an appearance of the stored document ``document_id``."""
    return Appearance(
        doc.id,
        document_id,
        doc.title,
        doc.url,
        doc.source,
        doc.published_at,
        doc.language,
        doc.author,
        doc.crawled_at,
    )


def first_key(item: Document | Appearance) -> tuple[int, datetime, str]:
    """Sort key that puts the earliest dated appearance first (undated last, then by id).

    Of the ids that carry one text, the first by this key is the stored document's own id, so
    that its date and outlet are those of whoever had the text first.
    """
    return time_key(item.published_at, item.id)


def prepare_batches(
    docs: Iterable[Document],
    *,
    batch_size: int,
    workers: int = 1,
    n: int = DEFAULT_N,
    window: int = DEFAULT_WINDOW,
) -> Iterator[list[Prepared]]:
    """Prepare documents in batches, in order, with ``workers`` processes when more than one.

    Fingerprinting is the CPU-heavy half of indexing. With workers, the next batch is
    fingerprinted while the caller writes the current one. ``docs`` is read in the calling
    thread, so an exception it raises reaches the caller unchanged.
    """
    it = iter(docs)
    batches: Iterator[list[Document]] = iter(lambda: list(islice(it, batch_size)), [])
    if workers <= 1:
        for batch in batches:
            yield [prepare(d, n, window) for d in batch]
        return
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    work = partial(prepare, n=n, window=window)
    with context.Pool(workers) as pool:
        in_flight = None
        for batch in batches:
            chunk = max(1, len(batch) // (4 * workers))
            submitted = pool.map_async(work, batch, chunksize=chunk)
            if in_flight is not None:
                yield in_flight.get()
            in_flight = submitted
        if in_flight is not None:
            yield in_flight.get()


def rank_candidates(
    postings: Iterable[tuple[int, Sequence[str]]],
    *,
    exclude: str | None,
    limit: int,
    min_shared: int,
) -> list[Candidate]:
    """Rank documents by the number of query hashes they share.

    ``postings`` yields, for each query hash that passed the document-frequency bound, the
    documents that hold it. Ties break on the document id, so results are deterministic.
    """
    shared: Counter[str] = Counter()
    for _, docs in postings:
        shared.update(docs)
    if exclude is not None:
        shared.pop(exclude, None)
    ranked = sorted(
        (c for c in shared.items() if c[1] >= min_shared), key=lambda item: (-item[1], item[0])
    )
    return [Candidate(doc_id, count) for doc_id, count in ranked[:limit]]


class Index(Protocol):
    """Where documents and their fingerprints live.

    Implementations: :class:`~wiretrace.index.memory.MemoryIndex` (tests) and
    :class:`~wiretrace.index.sqlite.SQLiteIndex` (one file).
    """

    n: int
    window: int

    def add(self, docs: Iterable[Document | Prepared], *, replace_meta: bool = False) -> AddReport:
        """Add or update documents; the same id with the same content changes nothing.

        A new text replaces the stored one. A metadata field the new document leaves empty
        keeps its stored value (:func:`keep_stored_meta`) unless ``replace_meta`` is true, when
        the stored metadata is replaced as a whole.
        """
        ...

    def get(self, doc_id: str) -> Document | None:
        """The document with this id, or None. For an id folded into another document (an
        exact duplicate), its own metadata with the stored text."""
        ...

    def appearances(self, doc_id: str) -> list[Appearance]:
        """Every id that carried the text of ``doc_id``, with its own metadata, earliest first
        (the stored document's own id is first); empty when the id is unknown."""
        ...

    def candidates(
        self,
        hashes: Iterable[int],
        *,
        max_df: int = DEFAULT_MAX_DF,
        limit: int = 20,
        min_shared: int = 1,
        exclude: str | None = None,
    ) -> list[Candidate]:
        """Documents sharing the given hashes, best first, ignoring hashes held by more than
        ``max_df`` documents (boilerplate)."""
        ...

    def lexical_candidates(
        self, text: str, *, limit: int = 5, exclude: str | None = None
    ) -> list[Candidate]:
        """Documents that share the query's most telling words, best first (BM25)."""
        ...

    def term_document_counts(self, terms: Iterable[str]) -> tuple[dict[str, int], int]:
        """How many stored documents hold each lexical term (Porter stems, as
        :func:`wiretrace.index.lexical.stems` makes them), and how many documents there are:
        the document frequencies that weigh terms by how telling they are. A term no document
        holds counts 0."""
        ...

    def ids(self) -> Iterator[str]:
        """All stored document ids, sorted (ids folded into another document are not listed;
        see :meth:`appearances`)."""
        ...

    def list_documents(self, query: DocumentQuery) -> DocumentPage:
        """One page of the articles ``query`` lists: filtered by title words, outlet and
        dates, in its order (:mod:`wiretrace.index.listing` has the rules)."""
        ...

    def __len__(self) -> int: ...

    def close(self) -> None: ...
