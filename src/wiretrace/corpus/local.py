"""The local engine: worker processes over shards, postings spilled to disk.

Stages (each checkpointed, see :mod:`wiretrace.corpus.stages`):

- ``postings``: each shard of documents (one ``docs`` part) is fingerprinted by a worker
  (:func:`~wiretrace.corpus.kernels.doc_postings`); its postings are split by hash into
  ``partitions`` and written as one Parquet run per (partition, shard). No process holds more
  than one shard's postings.
- ``candidates``: each hash partition is read alone (all postings of a hash are in it), turned
  into counted pairs (:func:`~wiretrace.corpus.kernels.group_pairs`), and the counts are
  spilled into as many buckets, by ranges of the first document; each bucket is then summed
  (:func:`~wiretrace.corpus.kernels.merge_counts`) and filtered by ``min_shared``.
- ``pairs``: the candidate pairs, in document order, are cut into one lane per worker, of
  about equal text to read; each worker aligns its lane's chunks in order
  (:class:`~wiretrace.corpus.kernels.PairAligner`), reading texts from a memory-mapped Arrow
  file. A worker knows how many of its lane's pairs each document is still in, and drops a
  document's prepared view once it is in none: the view cache keeps documents still needed
  (at 100k documents, 144k views are built instead of 212k when workers took chunks in turn).

The local engine reads and writes its stages as local files (worker processes, a
memory-mapped Arrow file): the output folder must be a local path or a ``file://`` URI.

Peak memory is set by the shard size, the number of partitions and the aligner cache, not by
the corpus size (beyond one small metadata record per document in the final stage).
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from wiretrace.corpus import schema
from wiretrace.corpus.kernels import (
    CorpusOptions,
    PairAligner,
    bucket_of,
    count_pairs,
    doc_postings,
    group_pairs,
    merge_counts,
    unpack_keys,
)
from wiretrace.corpus.location import Location
from wiretrace.corpus.pipeline import Progress, align_candidates, doc_part_files, open_texts
from wiretrace.corpus.stages import StageStore

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

POSTINGS_PER_PARTITION = 1_000_000
AVERAGE_POSTINGS_PER_DOC = 150


@dataclass(frozen=True, slots=True)
class LocalOptions:
    """How the local engine runs: worker processes, hash partitions (0: about one per million
    postings), candidate pairs per alignment task, and aligner views cached per worker."""

    workers: int = 2
    partitions: int = 0
    chunk_pairs: int = 1000
    cache_size: int = 2048

    def partitions_for(self, n_docs: int) -> int:
        if self.partitions > 0:
            return self.partitions
        return max(4, -(-n_docs * AVERAGE_POSTINGS_PER_DOC // POSTINGS_PER_PARTITION))


class LocalEngine:
    """All-pairs reuse on one machine (see the module docstring)."""

    name = "local"
    local_only = True

    def __init__(self, options: LocalOptions | None = None) -> None:
        self.options = options or LocalOptions()

    def pairs(
        self, store: StageStore, n_docs: int, options: CorpusOptions, progress: Progress
    ) -> Location:
        lo = self.options
        parts = lo.partitions_for(n_docs)
        if not store.done("postings"):
            files = [_local(f) for f in doc_part_files(store)]
            progress.stage("fingerprinting", n_docs)
            with store.write("postings", {"partitions": parts}) as where:
                tmp = _local(where)
                tasks = [(f, tmp, parts, options.n, options.window) for f in files]
                for count in self._map(_postings_task, tasks):
                    progress.advance(count)
        parts = int(store.info("postings")["partitions"])
        if not store.done("candidates"):
            progress.stage("candidate pairs", 2 * parts)
            info: dict[str, Any] = {}
            with store.write("candidates", info) as where:
                tmp = _local(where)
                spill = tmp / "_spill"
                postings = _local(store.path("postings"))
                tasks2 = [
                    (postings / f"p{p:04d}", spill, parts, options.max_df, n_docs)
                    for p in range(parts)
                ]
                for _ in self._map(_pairkeys_task, tasks2):
                    progress.advance()
                tasks3 = [(spill / f"q{q:04d}", tmp, options.min_shared) for q in range(parts)]
                total = 0
                for count in self._map(_candidates_task, tasks3):
                    total += count
                    progress.advance()
                shutil.rmtree(spill, ignore_errors=True)
                info["candidates"] = total
        if not store.done("pairs"):
            total = int(store.info("candidates")["candidates"])
            progress.stage("aligning pairs", total)
            docs_dir = _local(store.path("docs"))
            files = sorted(_local(store.path("candidates")).glob("*.parquet"))
            lanes = _lanes(files, open_texts(docs_dir).column("length"), lo)
            info = {}
            with store.write("pairs", info) as where:
                tmp = _local(where)
                tasks4 = [(docs_dir, lane, n_docs, tmp) for lane in lanes]
                info["pairs"] = self._lanes_map(tasks4, (options, lo), progress)
        return store.path("pairs")

    def _lanes_map(
        self,
        tasks: list[_LaneTask],
        initargs: tuple[CorpusOptions, LocalOptions],
        progress: Progress,
    ) -> int:
        """Align the lanes, one per worker; chunks report to ``progress`` as they finish.
        Returns the number of pairs kept."""
        if self.options.workers <= 1 or len(tasks) <= 1:
            _init_aligner(*initargs, None)
            return sum(_align_lane(t, progress.advance) for t in tasks)
        context = _context()
        done = context.SimpleQueue()
        with context.Pool(len(tasks), _init_aligner, (*initargs, done)) as pool:
            running = [pool.apply_async(_align_lane, (t,)) for t in tasks]
            while True:
                while not done.empty():
                    progress.advance(done.get())
                pending = [r for r in running if not r.ready()]
                if not pending:
                    break
                pending[0].wait(0.2)
            return sum(r.get() for r in running)

    def _map(self, fn: Callable[[T], R], tasks: list[T]) -> Iterator[R]:
        """Results of ``fn`` over ``tasks`` as they finish (in this process with one worker)."""
        if self.options.workers <= 1 or len(tasks) <= 1:
            yield from map(fn, tasks)
            return
        with _context().Pool(self.options.workers) as pool:
            yield from pool.imap_unordered(fn, tasks)


def _context() -> Any:
    """Worker processes are forked on Linux (they share the parent's imports), spawned
    elsewhere."""
    return multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")


def _local(where: Location) -> Path:
    return where.require_local("the local engine")


# A chunk of candidate pairs: a file, the first row and the number of rows.
_Chunk = tuple[Path, int, int]
# A lane: the folder of the ``docs`` stage, its chunks in order, the number of documents and
# the folder the aligned chunks go to.
_LaneTask = tuple[Path, list[_Chunk], int, Path]


def _lanes(files: Iterable[Path], lengths: pa.ChunkedArray, lo: LocalOptions) -> list[list[_Chunk]]:
    """The chunks of the candidate files cut into ``lo.workers`` lanes in document order, each
    with about as many characters of text to align (a pair weighs its two documents'
    lengths), so that the workers finish together."""
    length = lengths.to_numpy()
    chunks: list[_Chunk] = []
    weights: list[int] = []
    for f in files:
        cand = pq.read_table(f, columns=["a", "b"])
        a, b = cand.column("a").to_numpy(), cand.column("b").to_numpy()
        for start in range(0, len(cand), lo.chunk_pairs):
            stop = min(start + lo.chunk_pairs, len(cand))
            chunks.append((f, start, stop - start))
            weights.append(int(length[a[start:stop]].sum() + length[b[start:stop]].sum()))
    n = max(1, min(lo.workers, len(chunks)))
    if not chunks:
        return []
    cumulative = np.cumsum(weights)
    cuts = np.searchsorted(cumulative, cumulative[-1] * np.arange(1, n) / n, side="right")
    bounds = [0, *(int(c) for c in cuts), len(chunks)]
    return [chunks[i:j] for i, j in itertools.pairwise(bounds) if i < j]


# -- worker tasks (module level so that they can be sent to worker processes) ------------------


def _postings_task(task: tuple[Path, Path, int, int, int]) -> int:
    part, out, parts, n, window = task
    table = pq.read_table(part, columns=["idx", "text"])
    idxs = table.column("idx").to_pylist()
    hashes: list[np.ndarray[Any, Any]] = []
    docs: list[np.ndarray[Any, Any]] = []
    for idx, text in zip(idxs, table.column("text").to_pylist(), strict=True):
        h = doc_postings(text, n, window)
        hashes.append(h)
        docs.append(np.full(len(h), idx, dtype=np.int64))
    if not hashes:
        return 0
    all_h, all_d = np.concatenate(hashes), np.concatenate(docs)
    buckets = bucket_of(all_h, parts)
    order = np.argsort(buckets, kind="stable")
    all_h, all_d, buckets = all_h[order], all_d[order], buckets[order]
    bounds = np.searchsorted(buckets, np.arange(parts + 1))
    for p in range(parts):
        lo, hi = bounds[p], bounds[p + 1]
        if lo == hi:
            continue
        folder = out / f"p{p:04d}"
        folder.mkdir(exist_ok=True)
        t = pa.table({"hash": all_h[lo:hi], "doc": all_d[lo:hi]}, schema=schema.POSTINGS)
        pq.write_table(t, folder / f"{part.stem}.parquet", compression="none")
    return len(idxs)


def _pairkeys_task(task: tuple[Path, Path, int, int, int]) -> int:
    folder, spill, buckets, max_df, n_docs = task
    files = sorted(folder.glob("*.parquet")) if folder.exists() else []
    if not files:
        return 0
    t = pa.concat_tables([pq.read_table(f) for f in files])
    a, b = group_pairs(t.column("hash").to_numpy(), t.column("doc").to_numpy(), max_df)
    keys, counts = count_pairs(a, b)
    # Buckets are ranges of the first document, so that the aligned chunks go through the
    # documents in order and the aligner's view cache is reused.
    where = (unpack_keys(keys)[0] * buckets) // max(n_docs, 1)
    order = np.argsort(where, kind="stable")
    keys, counts, where = keys[order], counts[order], where[order]
    bounds = np.searchsorted(where, np.arange(buckets + 1))
    for q in range(buckets):
        lo, hi = bounds[q], bounds[q + 1]
        if lo == hi:
            continue
        out = spill / f"q{q:04d}"
        out.mkdir(parents=True, exist_ok=True)
        pq.write_table(
            pa.table({"key": keys[lo:hi], "count": counts[lo:hi]}),
            out / f"{folder.name}.parquet",
            compression="none",
        )
    return len(keys)


def _candidates_task(task: tuple[Path, Path, int]) -> int:
    folder, out, min_shared = task
    files = sorted(folder.glob("*.parquet")) if folder.exists() else []
    if not files:
        return 0
    t = pa.concat_tables([pq.read_table(f) for f in files])
    keys, counts = merge_counts(t.column("key").to_numpy(), t.column("count").to_numpy())
    keep = counts >= min_shared
    a, b = unpack_keys(keys[keep])
    table = pa.table({"a": a, "b": b, "shared": counts[keep]}, schema=schema.CANDIDATES)
    pq.write_table(table, out / f"{folder.name}.parquet")
    return len(table)


_STATE: dict[str, Any] = {}


def _init_aligner(options: CorpusOptions, lo: LocalOptions, done: Any) -> None:
    """Worker set-up: one aligner (with its view cache) per worker process, and the queue
    that finished chunks are reported to (None in the parent's own process)."""
    _STATE["aligner"] = PairAligner(options, lo.cache_size)
    _STATE["done"] = done


def _align_lane(task: _LaneTask, advance: Callable[[int], None] | None = None) -> int:
    """Align a lane's chunks in order, one output file per chunk; returns the pairs kept.

    ``uses`` counts, for each document, the lane's pairs not yet aligned that it is in: when
    it reaches zero the document's view is dropped from the aligner's cache."""
    docs_dir, chunks, n_docs, out = task
    aligner: PairAligner = _STATE["aligner"]
    report = advance or _STATE["done"].put
    docs = open_texts(docs_dir)
    uses = np.zeros(n_docs, dtype=np.int32)
    for cand in _lane_chunks(chunks, ["a", "b"]):
        for side in ("a", "b"):
            uses += np.bincount(cand.column(side).to_numpy(), minlength=n_docs).astype(np.int32)
    kept = 0
    for (f, start, size), cand in zip(chunks, _lane_chunks(chunks), strict=True):
        rows = align_candidates(aligner, docs, cand, uses)
        table = pa.Table.from_pylist(rows, schema=schema.PAIRS)
        pq.write_table(table, out / f"{f.stem}-{start:09d}.parquet")
        kept += len(rows)
        report(size)
    return kept


def _lane_chunks(chunks: list[_Chunk], columns: list[str] | None = None) -> Iterator[pa.Table]:
    """The candidate pairs of each chunk, in order; each file is read once, when its first
    chunk comes."""
    current: tuple[Path, pa.Table] | None = None
    for f, start, size in chunks:
        if current is None or current[0] != f:
            current = (f, pq.read_table(f, columns=columns))
        yield current[1].slice(start, size)


__all__ = ["LocalEngine", "LocalOptions"]
