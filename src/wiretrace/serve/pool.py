"""Traces in worker processes, so that concurrent requests use more than one core.

Tracing is CPU-bound Python: in the server's threads, concurrent traces share one core. With
``--trace-processes N`` the server hands each trace to one of N worker processes, each with
its own read-only connection to the index (SQLite WAL: they see every committed addition).
Documents are still added by the server's single writer.

The per-process index below is set once by the pool's initializer, in the worker only.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path

from wiretrace.index.sqlite import SQLiteIndex, open_index
from wiretrace.model import Document, Trace
from wiretrace.trace import TraceOptions, trace

_worker: tuple[SQLiteIndex, TraceOptions] | None = None


def _start_worker(db: str, options: TraceOptions) -> None:
    global _worker
    _worker = (open_index(db, create=False, readonly=True), options)


def _trace_in_worker(doc: Document) -> Trace:
    if _worker is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("trace worker was not initialised")
    index, options = _worker
    return trace(index, doc, options)


class TracePool:
    """A pool of ``processes`` worker processes that trace against the index at ``db``."""

    def __init__(self, db: str | Path, options: TraceOptions, processes: int) -> None:
        if processes < 1:
            raise ValueError(f"processes must be at least 1, got {processes}")
        # Spawned, not forked: the server runs threads, and a fork would copy their locks.
        self._pool = ProcessPoolExecutor(
            max_workers=processes,
            mp_context=get_context("spawn"),
            initializer=_start_worker,
            initargs=(str(db), options),
        )

    async def trace(self, doc: Document) -> Trace:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, _trace_in_worker, doc)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


__all__ = ["BrokenProcessPool", "TracePool"]
