"""An in-memory index: a test double with the same behaviour as the SQLite index."""

from __future__ import annotations

from collections import defaultdict
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
from wiretrace.model import Document


class MemoryIndex:
    """Documents and postings held in dictionaries."""

    def __init__(self, n: int = DEFAULT_N, window: int = DEFAULT_WINDOW) -> None:
        self.n = n
        self.window = window
        self._docs: dict[str, Prepared] = {}
        self._postings: defaultdict[int, set[str]] = defaultdict(set)

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
            for h in prep.hashes:
                self._postings[h].add(doc_id)
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

    def ids(self) -> Iterator[str]:
        return iter(sorted(self._docs))

    def __len__(self) -> int:
        return len(self._docs)

    def close(self) -> None:
        """Nothing to release."""
