"""The index as the service uses it: one writer behind a lock, two small pools of readers.

SQLite in WAL mode lets readers go on while one writer commits, so traces keep working while
documents are added. Traces borrow one of at most ``readers`` read-only connections (opened on
first need): tracing is CPU-bound Python, so more concurrent traces than that only add memory
(each connection keeps its own page cache). The long-article lane has one connection of its
own (``pool="long"``), and health checks and document reads a pool of their own
(``pool="quick"``), so neither ever waits for an ordinary trace to give a connection back.
Additions go through the single writer connection, one request at a time; fingerprinting
happens before the lock is taken, so the lock is held only while SQLite writes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from wiretrace.index.base import AddReport, prepare
from wiretrace.index.listing import DocumentPage, DocumentQuery
from wiretrace.index.sqlite import SQLiteIndex, open_index
from wiretrace.index.summary import IndexSummary
from wiretrace.model import Document
from wiretrace.serve.options import DEFAULT_READERS

QUICK_READERS = 2
Pool = Literal["trace", "long", "quick"]


class _Pool:
    def __init__(self, size: int) -> None:
        self.slots = threading.BoundedSemaphore(size)
        self.idle: list[SQLiteIndex] = []


class IndexStore:
    """Thread-safe access to one SQLite index file for a server process."""

    def __init__(self, path: str | Path, *, readers: int = DEFAULT_READERS) -> None:
        if readers < 1:
            raise ValueError(f"readers must be at least 1, got {readers}")
        self.path = Path(path)
        self._writer = open_index(self.path, create=True)
        self._write_lock = threading.Lock()
        self._pools: dict[Pool, _Pool] = {
            "trace": _Pool(readers),
            "long": _Pool(1),
            "quick": _Pool(QUICK_READERS),
        }
        self._lock = threading.Lock()
        self._all: list[SQLiteIndex] = []
        self._closed = False
        self._summary: tuple[tuple[tuple[int, int], ...], IndexSummary] | None = None

    @contextmanager
    def reading(self, pool_name: Pool = "trace") -> Iterator[SQLiteIndex]:
        """Borrow a read-only connection; blocks while all of its pool are in use. ``quick``
        connections are for short reads (health, one document), never for traces."""
        pool = self._pools[pool_name]
        with pool.slots:
            with self._lock:
                if self._closed:
                    raise RuntimeError("the index store is closed")
                index = pool.idle.pop() if pool.idle else None
            if index is None:
                index = open_index(self.path, create=False, readonly=True)
                with self._lock:
                    self._all.append(index)
            try:
                yield index
            finally:
                with self._lock:
                    pool.idle.append(index)

    def get(self, doc_id: str) -> Document | None:
        with self.reading("quick") as index:
            return index.get(doc_id)

    def count(self) -> int:
        with self.reading("quick") as index:
            return len(index)

    def list_documents(self, query: DocumentQuery) -> DocumentPage:
        with self.reading("quick") as index:
            return index.list_documents(query)

    def summary(self) -> IndexSummary:
        """What the index holds, read again only when the file has changed: the page asks on
        every load, and the aggregate queries read every article's row (about a second at
        100,000 articles). Any commit, by this server or another process, changes the size or
        the modification time of the file or its write-ahead log."""
        state = self._file_state()
        cached = self._summary
        if cached is not None and cached[0] == state:
            return cached[1]
        with self.reading("quick") as index:
            summary = index.summary()
        self._summary = (state, summary)
        return summary

    def _file_state(self) -> tuple[tuple[int, int], ...]:
        out = []
        for part in (self.path, self.path.with_name(self.path.name + "-wal")):
            try:
                st = part.stat()
            except OSError:
                out.append((-1, -1))
                continue
            out.append((st.st_size, st.st_mtime_ns))
        return tuple(out)

    def add(self, documents: Sequence[Document]) -> AddReport:
        """Add documents in one transaction (the same id twice is one document)."""
        if not documents:
            return AddReport()
        prepared = [prepare(d, self._writer.n, self._writer.window) for d in documents]
        with self._write_lock:
            return self._writer.add_batch(prepared)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for index in self._all:
                index.close()
            self._all.clear()
            for pool in self._pools.values():
                pool.idle.clear()
        with self._write_lock:
            self._writer.close()
