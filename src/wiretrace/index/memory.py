"""An in-memory index: a test double with the same behaviour as the SQLite index.

Exact duplicates fold as in :mod:`wiretrace.index.sqlite`: one stored document per normalised
text, carrying the earliest appearance's id and metadata, and the other ids as appearances.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from wiretrace.fingerprint import DEFAULT_N, DEFAULT_WINDOW
from wiretrace.ids import check_ids
from wiretrace.index.base import (
    DEFAULT_MAX_DF,
    AddOutcome,
    AddReport,
    Candidate,
    Prepared,
    appearance_of,
    first_key,
    keep_stored,
    meta_digest,
    prepare,
    rank_candidates,
)
from wiretrace.index.lexical import bm25_rank, document_terms, query_terms
from wiretrace.index.listing import (
    MAX_COUNT,
    DocumentPage,
    DocumentQuery,
    Listed,
    matches,
    order_key,
)
from wiretrace.model import Appearance, Document


@dataclass(frozen=True, slots=True)
class _Folded:
    """An id folded into the stored document of ``content``, with its own metadata."""

    content: str
    document: Document  # text left empty: the stored document holds it
    meta_digest: str


class MemoryIndex:
    """Documents and postings held in dictionaries."""

    def __init__(
        self, n: int = DEFAULT_N, window: int = DEFAULT_WINDOW, *, fold_duplicates: bool = False
    ) -> None:
        self.n = n
        self.window = window
        self.fold_duplicates = fold_duplicates
        self._docs: dict[str, Prepared] = {}
        self._by_content: dict[str, str] = {}
        self._folded: dict[str, _Folded] = {}
        self._postings: defaultdict[int, set[str]] = defaultdict(set)
        self._terms: defaultdict[str, dict[str, int]] = defaultdict(dict)
        self._lengths: dict[str, int] = {}

    def add(self, docs: Iterable[Document | Prepared], *, replace_meta: bool = False) -> AddReport:
        outcomes = []
        docs = list(docs)
        check_ids(d.document.id if isinstance(d, Prepared) else d.id for d in docs)
        for item in docs:
            prep = item if isinstance(item, Prepared) else prepare(item, self.n, self.window)
            if not replace_meta:
                prep = keep_stored(prep, self.get(prep.document.id))
            outcomes.append(self._add_one(prep))
        return AddReport.of(outcomes)

    def _add_one(self, prep: Prepared) -> AddOutcome:
        doc_id = prep.document.id
        folded = self._folded.get(doc_id)
        if folded is not None:
            if folded.content == prep.content_digest:
                if folded.meta_digest == prep.meta_digest:
                    return AddOutcome.UNCHANGED
                self._folded[doc_id] = _Folded(
                    folded.content, replace(prep.document, text=""), prep.meta_digest
                )
                self._settle(folded.content)
                return AddOutcome.METADATA
            del self._folded[doc_id]
            self._add_one(prep)
            return AddOutcome.UPDATED
        owner = self._by_content.get(prep.content_digest) if self.fold_duplicates else None
        if owner is not None and owner != doc_id:
            replaced = self._detach(doc_id)
            self._folded[doc_id] = _Folded(
                prep.content_digest, replace(prep.document, text=""), prep.meta_digest
            )
            self._settle(prep.content_digest)
            return AddOutcome.UPDATED if replaced else AddOutcome.DUPLICATE
        old = self._docs.get(doc_id)
        if old is None:
            self._store(prep)
            return AddOutcome.ADDED
        same_text = (
            old.content_digest == prep.content_digest
            if self.fold_duplicates
            else old.text_digest == prep.text_digest
        )
        if same_text and old.meta_digest == prep.meta_digest:
            return AddOutcome.UNCHANGED
        if same_text:  # new metadata for the same text
            self._set_meta(old, prep.document)
            self._settle(old.content_digest)
            return AddOutcome.METADATA
        self._detach(doc_id)
        self._add_one(prep)
        return AddOutcome.UPDATED

    # -- storage ---------------------------------------------------------------------------

    def _store(self, prep: Prepared) -> None:
        doc_id = prep.document.id
        for h in prep.hashes:
            self._postings[h].add(doc_id)
        terms = self._terms_of(prep.document)
        for term, count in Counter(terms).items():
            self._terms[term][doc_id] = count
        self._lengths[doc_id] = len(terms)
        self._docs[doc_id] = prep
        if self.fold_duplicates:
            self._by_content[prep.content_digest] = doc_id

    def _unstore(self, doc_id: str) -> Prepared:
        old = self._docs.pop(doc_id)
        for h in old.hashes:
            self._postings[h].discard(doc_id)
        for term in self._terms_of(old.document):
            self._terms[term].pop(doc_id, None)
        self._lengths.pop(doc_id, None)
        if self._by_content.get(old.content_digest) == doc_id:
            del self._by_content[old.content_digest]
        return old

    def _set_meta(self, old: Prepared, doc: Document) -> None:
        """Give the stored text of ``old`` the id and metadata of ``doc``."""
        self._unstore(old.document.id)
        stored = replace(doc, text=old.document.text)
        self._store(replace(old, document=stored, meta_digest=meta_digest(stored)))

    def _members(self, content: str) -> list[_Folded]:
        return [f for f in self._folded.values() if f.content == content]

    def _settle(self, content: str) -> None:
        if content not in self._by_content:
            return
        owner = self._docs[self._by_content[content]]
        others = self._members(content)
        if not others:
            return
        first = min(others, key=lambda f: first_key(f.document))
        if first_key(first.document) >= first_key(owner.document):
            return
        del self._folded[first.document.id]
        current = owner.document
        self._folded[current.id] = _Folded(content, replace(current, text=""), owner.meta_digest)
        self._set_meta(owner, first.document)

    def _detach(self, doc_id: str) -> bool:
        old = self._docs.get(doc_id)
        if old is None:
            return False
        others = self._members(old.content_digest)
        if others:
            first = min(others, key=lambda f: first_key(f.document))
            del self._folded[first.document.id]
            self._set_meta(old, first.document)
        else:
            self._unstore(doc_id)
        return True

    # -- reading ---------------------------------------------------------------------------

    def get(self, doc_id: str) -> Document | None:
        prep = self._docs.get(doc_id)
        if prep is not None:
            return prep.document
        folded = self._folded.get(doc_id)
        if folded is None:
            return None
        owner = self._docs[self._by_content[folded.content]]
        return replace(folded.document, text=owner.document.text)

    def appearances(self, doc_id: str) -> list[Appearance]:
        prep = self._docs.get(doc_id)
        if prep is None:
            folded = self._folded.get(doc_id)
            if folded is None:
                return []
            prep = self._docs[self._by_content[folded.content]]
        owner = prep.document
        others = sorted(
            (appearance_of(f.document, owner.id) for f in self._members(prep.content_digest)),
            key=first_key,
        )
        return [appearance_of(owner, owner.id), *others]

    def candidates(
        self,
        hashes: Iterable[int],
        *,
        max_df: int = DEFAULT_MAX_DF,
        limit: int = 20,
        min_shared: int = 1,
        exclude: str | None = None,
    ) -> list[Candidate]:
        postings = []
        for h in set(hashes):
            docs = self._postings.get(h)
            if docs and len(docs) <= max_df:
                postings.append((h, sorted(docs)))
        return rank_candidates(postings, exclude=exclude, limit=limit, min_shared=min_shared)

    @staticmethod
    def _terms_of(doc: Document) -> list[str]:
        return document_terms(f"{doc.title}\n{doc.text}" if doc.title else doc.text)

    def lexical_candidates(
        self, text: str, *, limit: int = 5, exclude: str | None = None
    ) -> list[Candidate]:
        terms = [stem for stem, _ in query_terms(text)]
        ranked = bm25_rank(terms, self._terms, self._lengths)
        return [
            Candidate(doc_id, 0, round(score, 4)) for doc_id, score in ranked if doc_id != exclude
        ][:limit]

    def term_document_counts(self, terms: Iterable[str]) -> tuple[dict[str, int], int]:
        return {t: len(self._terms.get(t, ())) for t in terms}, len(self._lengths)

    def ids(self) -> Iterator[str]:
        return iter(sorted(self._docs))

    def list_documents(self, query: DocumentQuery) -> DocumentPage:
        """The reference listing: every article filtered by :func:`~wiretrace.index.listing.
        matches` and sorted by :func:`~wiretrace.index.listing.order_key`."""
        articles = [*(p.document for p in self._docs.values()),
                    *(self.get(f.document.id) for f in self._folded.values())]  # fmt: skip
        found = sorted(
            (
                Listed(d.id, d.title, d.source, d.url, d.published_at, len(d.text))
                for d in articles
                if d is not None and matches(query, d.title, d.source, d.published_at)
            ),
            key=lambda item: order_key(query.sort, item),
        )
        page = found[query.offset : query.offset + query.per_page]
        return DocumentPage.of(page, min(len(found), MAX_COUNT + 1), query)

    def __len__(self) -> int:
        return len(self._docs)

    def close(self) -> None:
        """Nothing to release."""
