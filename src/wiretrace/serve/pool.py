"""Where traces run: bounded lanes of threads or worker processes, with admission control.

Tracing is CPU-bound Python. The server never lets it block anything else:

- traces run on their own threads (or processes), never on the threads that answer health and
  document reads, and take their own read connections;
- each **lane** has a fixed number of slots (traces running at once) and a queue (traces
  waiting). A trace that finds the queue full is refused at once with :class:`Busy` (the API
  answers 503 with ``Retry-After``), so waiting is bounded too;
- long articles go to a lane of their own with one slot, so a few of them cannot take every
  slot from ordinary articles.

Two ways to run a trace:

- :class:`ThreadLane` runs it on a thread of the server. A thread cannot be stopped, so a trace
  past its deadline or abandoned by its client runs to its end; its slot stays taken until
  then, which keeps the bound honest (new traces wait, then get 503);
- :class:`ProcessLane` runs it in a worker process with its own read-only connection (SQLite
  WAL: it sees every committed addition). A trace that is cancelled (deadline, client gone)
  is stopped by killing its process, which frees its CPU and memory at once; a fresh worker
  replaces it. Spawned, not forked: the server runs threads, and a fork would copy their locks.
"""

from __future__ import annotations

import asyncio
import logging
import math
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Protocol

from wiretrace.errors import WiretraceError
from wiretrace.model import Document, Trace
from wiretrace.tracing import TraceOptions

log = logging.getLogger(__name__)


class Busy(Exception):
    """The lane's queue is full; try again in ``retry_after`` seconds."""

    def __init__(self, lane: str, retry_after: int) -> None:
        super().__init__(f"the {lane} trace queue is full")
        self.lane = lane
        self.retry_after = retry_after


class WorkerLost(Exception):
    """A worker process died during a trace (killed from outside, or out of memory)."""


class Backend(Protocol):
    slots: int
    mean_seconds: float

    @property
    def abandoned(self) -> int:
        """Traces still running whose request has given up (only threads can have any)."""

    async def run(self, doc: Document, options: TraceOptions) -> Trace: ...

    def close(self) -> None: ...


class Lane:
    """Admission for one backend: ``slots`` traces run, at most ``queue`` more wait, and a
    trace is refused with :class:`Busy` when the queue is full or when the wait it would
    face is over ``max_wait`` seconds. The wait is estimated from the traces ahead of it and a
    moving average of recent trace times, so the bound follows the machine: on a slow or busy
    host fewer traces wait, and those that do are answered in time."""

    def __init__(
        self, name: str, backend: Backend, queue: int, retry_after: int, max_wait: float
    ) -> None:
        self.name = name
        self.backend = backend
        self.capacity = backend.slots + queue
        self.retry_after = retry_after
        self.max_wait = max_wait
        self.admitted = 0  # running or waiting now
        self.refused = 0

    def expected_wait(self) -> float:
        ahead = self.admitted + self.backend.abandoned - self.backend.slots + 1
        return max(0, ahead) * self.backend.mean_seconds / self.backend.slots

    async def run(self, doc: Document, options: TraceOptions) -> Trace:
        busy = self.admitted + self.backend.abandoned
        wait = self.expected_wait()
        if busy >= self.capacity or wait > self.max_wait:
            self.refused += 1
            raise Busy(self.name, max(self.retry_after, math.ceil(wait)))
        self.admitted += 1
        try:
            return await self.backend.run(doc, options)
        finally:
            self.admitted -= 1


class _Timing:
    """A moving average of the time traces take once started (finished traces only)."""

    mean_seconds = 0.0

    def _took(self, seconds: float) -> None:
        self.mean_seconds = (
            seconds if not self.mean_seconds else 0.8 * self.mean_seconds + 0.2 * seconds
        )


# -- threads ------------------------------------------------------------------------------------


class ThreadLane(_Timing):
    """Traces on ``slots`` threads of this process; ``trace_one`` does the work."""

    def __init__(
        self, trace_one: Callable[[Document, TraceOptions], Trace], slots: int, name: str
    ) -> None:
        self.slots = slots
        self._trace_one = trace_one
        self._executor = ThreadPoolExecutor(max_workers=slots, thread_name_prefix=name)
        self._free: asyncio.Semaphore | None = None
        self._abandoned = 0

    @property
    def abandoned(self) -> int:
        return self._abandoned

    async def run(self, doc: Document, options: TraceOptions) -> Trace:
        loop = asyncio.get_running_loop()
        if self._free is None:
            self._free = asyncio.Semaphore(self.slots)
        free = self._free
        await free.acquire()
        began = loop.time()
        future = self._executor.submit(self._trace_one, doc, options)
        given_up = False

        def finished() -> None:
            nonlocal given_up
            free.release()
            self._took(loop.time() - began)
            if given_up:
                self._abandoned -= 1

        # The slot is given back when the thread is done, not when the request gives up.
        future.add_done_callback(lambda _: loop.call_soon_threadsafe(finished))
        try:
            return await asyncio.shield(asyncio.wrap_future(future))
        except asyncio.CancelledError:
            if not future.done():
                given_up = True
                self._abandoned += 1
            raise

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


# -- processes ----------------------------------------------------------------------------------


def _worker_main(conn: Connection, db: str, niceness: int) -> None:
    """A worker process: trace each document received (with its options), send back the
    result."""
    from wiretrace.index.sqlite import open_index
    from wiretrace.tracing import trace

    if niceness:
        os.nice(niceness)

    index = open_index(db, create=False, readonly=True)
    while True:
        try:
            doc, options = conn.recv()
        except (EOFError, OSError):
            return
        reply: tuple[str, Any]
        try:
            reply = ("ok", trace(index, doc, options))
        except WiretraceError as exc:
            reply = ("wiretrace", str(exc))
        except Exception as exc:  # reported to the server, which logs it and answers 500
            reply = ("error", f"{type(exc).__name__}: {exc}")
        conn.send(reply)


class _Worker:
    def __init__(self, db: str, niceness: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=_worker_main,
            args=(child, db, niceness),
            daemon=True,
            name="wiretrace-trace",
        )
        self.process.start()
        child.close()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=10)
        self.conn.close()


class ProcessLane(_Timing):
    """Traces in ``slots`` worker processes against the index at ``db``.

    The workers run at a lower CPU priority (``niceness``) than the server process, so that
    on a saturated machine the event loop (health, document reads, admission) still gets the
    CPU at once; the long-article lane runs lower still, behind ordinary traces."""

    def __init__(self, db: str | Path, slots: int, niceness: int = 0) -> None:
        if slots < 1:
            raise ValueError(f"processes must be at least 1, got {slots}")
        self.slots = slots
        self._db = str(db)
        self._niceness = niceness
        self._workers = [_Worker(self._db, niceness) for _ in range(slots)]
        # Threads that wait on the workers' pipes (one per slot) and start replacements.
        self._waiters = ThreadPoolExecutor(max_workers=slots + 1, thread_name_prefix="wt-wait")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._closed = False
        self.replaced = 0

    @property
    def abandoned(self) -> int:
        return 0  # a cancelled trace's process is killed at once

    def _queue(self) -> asyncio.Queue[_Worker]:
        if self._idle is None:
            self._idle = asyncio.Queue()
            for worker in self._workers:
                self._idle.put_nowait(worker)
        return self._idle

    async def run(self, doc: Document, options: TraceOptions) -> Trace:
        idle = self._queue()
        worker = await idle.get()
        loop = asyncio.get_running_loop()
        began = loop.time()
        try:
            worker.conn.send((doc, options))
            reply = await loop.run_in_executor(self._waiters, worker.conn.recv)
        except asyncio.CancelledError:
            self._replace(worker, "cancelled (deadline passed or client gone)")
            raise
        except (EOFError, OSError) as exc:
            self._replace(worker, f"died ({exc!r})")
            raise WorkerLost("a trace worker process died during the trace") from exc
        idle.put_nowait(worker)
        self._took(loop.time() - began)
        kind, value = reply
        if kind == "ok":
            assert isinstance(value, Trace)
            return value
        if kind == "wiretrace":
            raise WiretraceError(str(value))
        raise RuntimeError(f"trace worker failed: {value}")

    def _replace(self, worker: _Worker, why: str) -> None:
        """Kill ``worker`` and put a fresh one in its place (in the background)."""
        log.info("trace worker %s %s; replacing it", worker.process.pid, why)
        loop = asyncio.get_running_loop()
        idle = self._queue()

        def swap() -> _Worker | None:
            worker.kill()
            if self._closed:
                return None
            return _Worker(self._db, self._niceness)

        def done(future: asyncio.Future[_Worker | None]) -> None:
            fresh = future.result()
            if fresh is None:
                return
            self._workers = [fresh if w is worker else w for w in self._workers]
            self.replaced += 1
            idle.put_nowait(fresh)

        loop.run_in_executor(self._waiters, swap).add_done_callback(done)

    def close(self) -> None:
        self._closed = True
        for worker in self._workers:
            worker.kill()
        self._waiters.shutdown(wait=False, cancel_futures=True)


__all__ = ["Busy", "Lane", "ProcessLane", "ThreadLane", "WorkerLost"]
