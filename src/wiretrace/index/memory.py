"""An in-memory index: a test double with the same behaviour as the SQLite index."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from wiretrace.fingerprint import DEFAULT_N, DEFAULT_WINDOW
from wiretrace.index.base import (
    DEFAULT_MAX_DF,
    AddOutcome,
    AddReport,
    Candidate,
    Prepared,
    prepare,
    rank_candidates,
)
from wiretrace.index.lexical import bm25_rank, document_terms, query_terms
from wiretrace.model import Document


class MemoryIndex:
    """Documents and postings held in dictionaries."""

    def __init__(self, n: int = DEFAULT_N, window: int = DEFAULT_WINDOW) -> None:
        self.n = n
        self.window = window
        self._docs: dict[str, Prepared] = {}
        self._postings: defaultdict[int, set[str]] = defaultdict(set)
        self._terms: defaultdict[str, dict[str, int]] = defaultdict(dict)
        self._lengths: dict[str, int] = {}

    def add(self, docs: Iterable[Document | Prepared]) -> AddReport:
        outcomes = []
        for item in docs:
            prep = item if isinstance(item, Prepared) else prepare(item, self.n, self.window)
            doc_id = prep.document.id
            old = self._docs.get(doc_id)
            if old is None:
                outcomes.append(AddOutcome.ADDED)
            elif (old.text_digest, old.meta_digest) == (prep.text_digest, prep.meta_digest):
                outcomes.append(AddOutcome.UNCHANGED)
                continue
            else:
                outcomes.append(AddOutcome.UPDATED)
                for h in old.hashes:
                    self._postings[h].discard(doc_id)
                for term in self._terms_of(old.document):
                    self._terms[term].pop(doc_id, None)
            for h in prep.hashes:
                self._postings[h].add(doc_id)
            terms = self._terms_of(prep.document)
            for term, count in Counter(terms).items():
                self._terms[term][doc_id] = count
            self._lengths[doc_id] = len(terms)
            self._docs[doc_id] = prep
        return AddReport.of(outcomes)

    def get(self, doc_id: str) -> Document | None:
        prep = self._docs.get(doc_id)
        return None if prep is None else prep.document

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

    def ids(self) -> Iterator[str]:
        return iter(sorted(self._docs))

    def __len__(self) -> int:
        return len(self._docs)

    def close(self) -> None:
        """Nothing to release."""
