"""Core speed and memory benchmark (issue 2): indexing, trace latency, size, memory.

One run measures, on the corpus and query set of ``bench/corpus.py``:

a. indexing throughput (documents/s) through the library (``SQLiteIndex.add``, streaming the
   corpus JSONL) and through the CLI (``wiretrace index --quiet``, one subprocess);
b. index size on disk per document;
c. trace latency p50/p99 in process (every query traced once to warm up, then timed), and
   through the CLI (``wiretrace trace --db DB FILE --json``, one subprocess per query);
d. peak memory of each phase: library and peer phases run in a fresh spawned process that
   reports its own RSS high-water mark (``VmHWM``; ``ru_maxrss`` is kept too, but on Linux a
   child inherits its parent's mark across ``fork``/``exec``), cross-checked by sampling
   ``psutil`` RSS every 20 ms; CLI subprocesses are polled for ``VmHWM`` while they run and
   reaped with ``os.wait4``;
e. the peer, datasketch ``MinHashLSH`` on the same corpus and queries: MinHash with 128
   permutations of word 5-gram shingles (lower-cased ``\\w+`` words), threshold 0.5 (the
   setting of the issue) and, as a second row, threshold 0.1 (the best LSH can do for partial
   reuse, where a source shares only a few passages with the query). Query hits are ranked by
   estimated Jaccard similarity.

Recall@5 is the share of a query's true sources found among the top 5 hits (our top 5 are the
trace's sources, ordered by coverage), averaged over queries, per query kind.

Usage::

    python bench/bench_core.py                # 10,000 documents, 200 queries
    python bench/bench_core.py --quick        # 1,000 documents, 40 queries: a smoke test
    python bench/bench_core.py --docs 100000
    python bench/bench_core.py --profile      # cProfile of indexing and tracing instead

Results go to ``bench/results/core-<N>.json``; a Markdown section is printed.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import os
import platform
import pstats
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import (
    DEFAULT_DOCS,
    DEFAULT_QUERIES,
    DEFAULT_SEED,
    REPO_ROOT,
    CorpusFiles,
    ensure_corpus,
    read_jsonl,
)

RESULTS_DIR = REPO_ROOT / "bench" / "results"
QUICK_DOCS = 1_000
QUICK_QUERIES = 40
SEMANTIC_QUERIES = 100  # traces with [semantic] take about a second each
SHINGLE = 5
NUM_PERM = 128
PEER_THRESHOLDS = (0.5, 0.1)
TOP_K = 5
GOAL_DOCS_PER_S = 2_000
GOAL_P50_MS = 30.0
_WORD = re.compile(r"\w+")


# -- measuring -------------------------------------------------------------------------------


def maxrss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """``ru_maxrss`` in MiB (KiB on Linux).

    On Linux a process inherits the RSS high-water mark of the process it was forked from
    across ``exec``, so for a child this is at least its parent's RSS at fork time; see
    :func:`vm_hwm_mb` for the child's own figure.
    """
    return resource.getrusage(who).ru_maxrss / 1024


def vm_hwm_mb(pid: int | str = "self") -> float | None:
    """The process's own RSS high-water mark (``VmHWM``), in MiB, or None when unavailable."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    m = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(m.group(1)) / 1024 if m else None


class RssSampler:
    """Samples this process's RSS with psutil every ``interval`` seconds; keeps the maximum."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.peak = 0
        self._proc = psutil.Process()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._proc.memory_info().rss)

    @property
    def peak_mb(self) -> float:
        return self.peak / 2**20


def latency_stats(seconds: list[float]) -> dict[str, float]:
    ms = np.array(seconds) * 1000
    if len(ms) == 0:
        return {}
    return {
        "n": len(ms),
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p90_ms": round(float(np.percentile(ms, 90)), 2),
        "p99_ms": round(float(np.percentile(ms, 99)), 2),
        "mean_ms": round(float(ms.mean()), 2),
        "max_ms": round(float(ms.max()), 2),
    }


def memory_fields(base_mb: float, sampler: RssSampler) -> dict[str, float | None]:
    """RSS before the work, the peak (``VmHWM``, falling back to ``ru_maxrss``), the raw
    ``ru_maxrss`` and the peak of psutil samples, all in MiB."""
    hwm = vm_hwm_mb()
    return {
        "rss_before_mb": round(base_mb, 1),
        "peak_rss_mb": round(hwm if hwm is not None else maxrss_mb(), 1),
        "ru_maxrss_mb": round(maxrss_mb(), 1),
        "psutil_peak_rss_mb": round(sampler.peak_mb, 1),
    }


def current_rss_mb() -> float:
    return float(psutil.Process().memory_info().rss) / 2**20


def run_in_fresh_process(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run ``fn(*args)`` in a new spawned process, so its peak RSS is its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


@dataclass(frozen=True, slots=True)
class Timed:
    """A finished subprocess: exit code, wall time, peak RSS and its output.

    ``maxrss_mb`` is the child's last ``VmHWM`` read while it ran (polled every few ms);
    ``ru_maxrss_mb`` comes from ``os.wait4`` and includes the RSS inherited at fork.
    """

    code: int
    seconds: float
    cpu_seconds: float
    maxrss_mb: float
    ru_maxrss_mb: float
    stdout: str
    stderr: str


def run_timed(cmd: list[str], workdir: Path, timeout: float = 7200) -> Timed:
    """Run a command, timing it and polling its own RSS high-water mark."""
    out_path, err_path = workdir / "cmd.out", workdir / "cmd.err"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        deadline = start + timeout
        hwm = 0.0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                seconds = time.perf_counter() - start
                break
            hwm = max(hwm, vm_hwm_mb(proc.pid) or 0.0)
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                seconds = time.perf_counter() - start
                break
            time.sleep(0.003)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Timed(
        proc.returncode,
        seconds,
        usage.ru_utime + usage.ru_stime,
        hwm,
        usage.ru_maxrss / 1024,
        out_path.read_text("utf-8", errors="replace"),
        err_path.read_text("utf-8", errors="replace"),
    )


def wiretrace_cmd() -> list[str]:
    script = Path(sys.executable).with_name("wiretrace")
    return [str(script)] if script.exists() else [sys.executable, "-m", "wiretrace.cli"]


def file_size(db: Path) -> int:
    return sum(p.stat().st_size for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists())


def recall_at_k(
    hits: dict[str, list[str]], queries: list[dict[str, Any]], k: int = TOP_K
) -> dict[str, Any]:
    """Recall@k (share of true sources in the top k, averaged over queries) per query kind."""
    by_kind: dict[str, list[float]] = {}
    any_hit: dict[str, list[float]] = {}
    for q in queries:
        true = set(q["true_sources"])
        if not true or q["id"] not in hits:
            continue
        found = len(true & set(hits[q["id"]][:k]))
        by_kind.setdefault(q["kind"], []).append(found / len(true))
        any_hit.setdefault(q["kind"], []).append(1.0 if found else 0.0)
    return {
        kind: {
            "queries": len(vals),
            f"recall_at_{k}": round(float(np.mean(vals)), 3),
            f"hit_at_{k}": round(float(np.mean(any_hit[kind])), 3),
        }
        for kind, vals in sorted(by_kind.items())
    }


# -- wiretrace phases (run in fresh processes) ----------------------------------------------


def iter_documents(corpus: Path) -> Iterator[Any]:
    from wiretrace import Document

    with corpus.open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            yield Document(
                r["id"],
                r["text"],
                r.get("title"),
                r.get("url"),
                r.get("source"),
                r.get("published_at"),
            )


def query_documents(queries: list[dict[str, Any]]) -> list[Any]:
    from wiretrace import Document

    return [
        Document(q["id"], q["text"], q.get("title"), None, q.get("source"), q.get("published_at"))
        for q in queries
    ]


def phase_index(corpus: str, db: str) -> dict[str, Any]:
    """Index the corpus through the library, streaming it from the JSONL file."""
    import wiretrace
    from wiretrace.index.base import prepare

    base = current_rss_mb()
    with RssSampler() as sampler:
        start, cpu = time.perf_counter(), time.process_time()
        with wiretrace.open_index(db) as index:
            report = index.add(iter_documents(Path(corpus)))
            n_index = len(index)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    memory = memory_fields(base, sampler)
    # The pure part alone (normalise, tokenise, fingerprint), to split CPU from storage time.
    start = time.perf_counter()
    for doc in iter_documents(Path(corpus)):
        prepare(doc)
    fingerprint_seconds = time.perf_counter() - start
    return {
        "documents": n_index,
        "added": report.added,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "docs_per_s": round(n_index / seconds, 1),
        "docs_per_cpu_s": round(n_index / cpu, 1),
        "fingerprint_only_seconds": round(fingerprint_seconds, 3),
        **memory,
    }


def phase_trace_semantic(db: str, queries_path: str, limit: int) -> dict[str, Any]:
    """Trace the first ``limit`` queries with the [semantic] extra: once to warm up (the model
    loads on the first trace), then a timed pass. Empty when the extra is not installed."""
    import wiretrace
    from wiretrace.semantic import MissingExtraError

    docs = query_documents(read_jsonl(Path(queries_path)))[:limit]
    opts = wiretrace.TraceOptions(semantic=True)
    base = current_rss_mb()
    latencies: list[float] = []
    with RssSampler() as sampler, wiretrace.open_index(db, create=False) as index:
        try:
            for doc in docs:
                wiretrace.trace(index, doc, opts)
        except MissingExtraError as exc:
            return {"skipped": str(exc)}
        for doc in docs:
            start = time.perf_counter()
            wiretrace.trace(index, doc, opts)
            latencies.append(time.perf_counter() - start)
    return {"latency": latency_stats(latencies), **memory_fields(base, sampler)}


def phase_trace(db: str, queries_path: str) -> dict[str, Any]:
    """Trace every query once to warm up, then time a second pass (and candidates alone)."""
    import wiretrace
    from wiretrace.align.local import text_view
    from wiretrace.fingerprint import ngram_hashes

    queries = read_jsonl(Path(queries_path))
    docs = query_documents(queries)
    opts = wiretrace.TraceOptions()
    base = current_rss_mb()
    with RssSampler() as sampler, wiretrace.open_index(db, create=False) as index:
        for doc in docs:
            wiretrace.trace(index, doc, opts)
        latencies: list[float] = []
        cpu_latencies: list[float] = []
        hits: dict[str, list[str]] = {}
        passages = 0
        for doc in docs:
            start, cpu = time.perf_counter(), time.process_time()
            result = wiretrace.trace(index, doc, opts)
            latencies.append(time.perf_counter() - start)
            cpu_latencies.append(time.process_time() - cpu)
            hits[doc.id] = [s.document.id for s in result.sources]
            passages += len(result.passages)
        cand_latencies: list[float] = []
        cand_hits: dict[str, list[str]] = {}
        for doc in docs:
            start = time.perf_counter()
            hashes = ngram_hashes(text_view(doc.text).hashes, index.n)
            cands = index.candidates(
                (int(h) for h in hashes),
                max_df=opts.max_df,
                limit=opts.max_candidates,
                min_shared=opts.min_shared,
                exclude=doc.id,
            )
            cand_latencies.append(time.perf_counter() - start)
            cand_hits[doc.id] = [c.doc_id for c in cands]
    return {
        "latency": latency_stats(latencies),
        "cpu_latency": latency_stats(cpu_latencies),
        "candidates_latency": latency_stats(cand_latencies),
        "passages_per_query": round(passages / max(len(docs), 1), 2),
        "recall": recall_at_k(hits, queries),
        "candidates_recall": recall_at_k(cand_hits, queries),
        **memory_fields(base, sampler),
    }


# -- peer phase: datasketch MinHashLSH -------------------------------------------------------


def shingles(text: str, k: int = SHINGLE) -> list[bytes]:
    """Distinct word k-gram shingles of lower-cased ``\\w+`` words (one shingle when shorter)."""
    words = _WORD.findall(text.lower())
    if len(words) < k:
        return [" ".join(words).encode("utf-8")] if words else []
    return list({" ".join(words[i : i + k]).encode("utf-8") for i in range(len(words) - k + 1)})


def phase_peer(corpus: str, queries_path: str, threshold: float) -> dict[str, Any]:
    """Build a MinHashLSH over the corpus, then query it (one warm pass, one timed pass)."""
    import pickle

    from datasketch import MinHash, MinHashLSH

    queries = read_jsonl(Path(queries_path))
    base = current_rss_mb()
    batch_size = 500
    with RssSampler() as sampler:
        start, cpu = time.perf_counter(), time.process_time()
        lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        store: dict[str, Any] = {}

        def flush(keys: list[str], sets: list[list[bytes]]) -> None:
            with lsh.insertion_session(buffer_size=batch_size) as session:
                for key, mh in zip(keys, MinHash.bulk(sets, num_perm=NUM_PERM), strict=True):
                    session.insert(key, mh, check_duplication=False)
                    store[key] = mh

        keys: list[str] = []
        sets: list[list[bytes]] = []
        with Path(corpus).open(encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                keys.append(r["id"])
                sets.append(shingles(r["text"]))
                if len(keys) >= batch_size:
                    flush(keys, sets)
                    keys, sets = [], []
        if keys:
            flush(keys, sets)
        build_seconds, build_cpu = time.perf_counter() - start, time.process_time() - cpu
        n_docs = len(store)
        build_peak = vm_hwm_mb() or maxrss_mb()

        def query(text: str) -> list[str]:
            mh = MinHash(num_perm=NUM_PERM)
            mh.update_batch(shingles(text))
            found = lsh.query(mh)
            return sorted(found, key=lambda key: (-mh.jaccard(store[key]), key))[:TOP_K]

        for q in queries:
            query(q["text"])
        latencies: list[float] = []
        cpu_latencies: list[float] = []
        hits: dict[str, list[str]] = {}
        for q in queries:
            start, cpu = time.perf_counter(), time.process_time()
            hits[q["id"]] = query(q["text"])
            latencies.append(time.perf_counter() - start)
            cpu_latencies.append(time.process_time() - cpu)
    memory = memory_fields(base, sampler)  # before pickling, which needs memory of its own
    size = len(pickle.dumps((lsh, {k: m.hashvalues for k, m in store.items()}), protocol=5))
    return {
        "threshold": threshold,
        "num_perm": NUM_PERM,
        "bands_rows": [lsh.b, lsh.r],
        "documents": n_docs,
        "seconds": round(build_seconds, 3),
        "cpu_seconds": round(build_cpu, 3),
        "docs_per_s": round(n_docs / build_seconds, 1),
        "docs_per_cpu_s": round(n_docs / build_cpu, 1),
        "build_peak_rss_mb": round(build_peak, 1),
        "pickled_bytes_per_doc": round(size / max(n_docs, 1), 1),
        "latency": latency_stats(latencies),
        "cpu_latency": latency_stats(cpu_latencies),
        "recall": recall_at_k(hits, queries),
        **memory,
    }


# -- CLI phases ------------------------------------------------------------------------------


def cli_index(corpus: Path, db: Path, workdir: Path) -> dict[str, Any]:
    cmd = [*wiretrace_cmd(), "index", "--db", str(db), str(corpus), "--quiet"]
    res = run_timed(cmd, workdir)
    if res.code != 0:
        return {"error": f"exit {res.code}: {res.stderr.strip()[-600:]}"}
    con = sqlite3.connect(db)
    n = int(con.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    con.close()
    return {
        "command": "wiretrace " + " ".join(cmd[-5:]),
        "documents": n,
        "seconds": round(res.seconds, 3),
        "cpu_seconds": round(res.cpu_seconds, 3),
        "docs_per_s": round(n / res.seconds, 1),
        "peak_rss_mb": round(res.maxrss_mb, 1),
        "ru_maxrss_mb": round(res.ru_maxrss_mb, 1),
    }


def cli_trace(db: Path, queries: list[dict[str, Any]], count: int, workdir: Path) -> dict[str, Any]:
    """``wiretrace trace --json`` once per query file (plus one untimed warm-up run)."""
    step = max(len(queries) // max(count, 1), 1)
    picked = queries[::step][:count]
    qdir = workdir / "cli-queries"
    qdir.mkdir(exist_ok=True)
    paths = []
    for i, q in enumerate(picked):
        path = qdir / f"query-{i:03d}.txt"
        path.write_text(q["text"], encoding="utf-8")
        paths.append(path)
    base = [*wiretrace_cmd(), "trace", "--db", str(db)]
    latencies: list[float] = []
    peaks: list[float] = []
    for i, path in enumerate([paths[0], *paths]):
        res = run_timed([*base, str(path), "--json"], workdir, timeout=600)
        if res.code != 0:
            return {"error": f"{path.name}: exit {res.code}: {res.stderr.strip()[-600:]}"}
        report = json.loads(res.stdout)
        if "coverage" not in report or "passages" not in report:
            return {"error": f"{path.name}: JSON report without coverage/passages"}
        if i > 0:
            latencies.append(res.seconds)
            peaks.append(res.maxrss_mb)
    return {"latency": latency_stats(latencies), "peak_rss_mb": round(max(peaks), 1)}


def cli_startup(workdir: Path) -> dict[str, Any]:
    """Wall time of ``wiretrace --version``: the interpreter and import floor of any command."""
    times = [run_timed([*wiretrace_cmd(), "--version"], workdir).seconds for _ in range(5)]
    return latency_stats(times)


# -- index size ------------------------------------------------------------------------------


def index_size(db: Path, corpus: Path) -> dict[str, Any]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    docs = int(con.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    postings = int(con.execute("SELECT COUNT(*) FROM postings").fetchone()[0])
    text_bytes = int(
        con.execute("SELECT SUM(LENGTH(CAST(text AS BLOB))) FROM documents").fetchone()[0] or 0
    )
    tables: dict[str, int] = {}
    try:
        for name, size in con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
            tables[name] = int(size)
    except sqlite3.Error:
        pass  # SQLite built without the dbstat table
    con.close()
    total = file_size(db)
    return {
        "bytes": total,
        "bytes_per_doc": round(total / max(docs, 1), 1),
        "text_bytes_per_doc": round(text_bytes / max(docs, 1), 1),
        "corpus_jsonl_bytes_per_doc": round(corpus.stat().st_size / max(docs, 1), 1),
        "postings_per_doc": round(postings / max(docs, 1), 1),
        "table_bytes": tables,
    }


# -- machine and report ----------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "?"

    return {
        "cpu": cpu,
        "nproc": len(os.sched_getaffinity(0)),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "wiretrace": version("wiretrace"),
        "datasketch": version("datasketch"),
        "numpy": version("numpy"),
    }


def src_digest() -> str:
    """A short digest of the library modules the benchmark runs (those ``wiretrace.cli``
    imports), to tie figures to a state of ``src/``."""
    import importlib

    importlib.import_module("wiretrace.cli")
    files = sorted(
        {
            str(m.__file__)
            for name, m in list(sys.modules.items())
            if name.split(".")[0] == "wiretrace" and getattr(m, "__file__", None)
        }
    )
    h = hashlib.sha256()
    for name in files:
        path = Path(name)
        h.update(path.name.encode() + b"\0" + (path.read_bytes() if path.exists() else b""))
    return h.hexdigest()[:12]


def ratio(ours: float | None, peer: float | None) -> float | None:
    if ours is None or peer is None or peer == 0:
        return None
    return round(ours / peer, 2)


def _get(d: dict[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return None
        d = d[key]
    return d


def ratios(res: dict[str, Any]) -> dict[str, Any]:
    """Our figures divided by the peer's (threshold 0.5 row)."""
    ours, peer = res["ours"], res["peer"][0]
    return {
        "index_docs_per_s": ratio(_get(ours, "index", "docs_per_s"), peer.get("docs_per_s")),
        "index_docs_per_cpu_s": ratio(
            _get(ours, "index", "docs_per_cpu_s"), peer.get("docs_per_cpu_s")
        ),
        "trace_cpu_p50": ratio(
            _get(ours, "trace", "cpu_latency", "p50_ms"), _get(peer, "cpu_latency", "p50_ms")
        ),
        "trace_p50": ratio(
            _get(ours, "trace", "latency", "p50_ms"), _get(peer, "latency", "p50_ms")
        ),
        "trace_p99": ratio(
            _get(ours, "trace", "latency", "p99_ms"), _get(peer, "latency", "p99_ms")
        ),
        "index_peak_rss": ratio(_get(ours, "index", "peak_rss_mb"), peer.get("build_peak_rss_mb")),
        "query_peak_rss": ratio(_get(ours, "trace", "peak_rss_mb"), peer.get("peak_rss_mb")),
        "size_per_doc": ratio(
            _get(ours, "size", "bytes_per_doc"), peer.get("pickled_bytes_per_doc")
        ),
        "recall_at_5_synthetic": ratio(
            _get(ours, "trace", "recall", "synthetic", "recall_at_5"),
            _get(peer, "recall", "synthetic", "recall_at_5"),
        ),
    }


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"
    else:
        text = f"{value:,}" if isinstance(value, int) else str(value)
    return f"{text}{unit}"


def _x(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}×"


def markdown(res: dict[str, Any]) -> str:
    ours, cli, peers, size = res["ours"], res["cli"], res["peer"], res["ours"]["size"]
    p05, p01 = peers[0], peers[1] if len(peers) > 1 else {}
    r = res["ratios"]
    n = res["corpus"]["documents"]
    m = res["machine"]
    lines = [
        f"### Core benchmark, {n:,} documents ({res['started']})",
        "",
        f"Machine: {m['cpu']}, {m['nproc']} CPUs, {m['memory_gib']} GiB, Python {m['python']}, "
        f"SQLite {m['sqlite']}, datasketch {m['datasketch']}; src digest {res['src_digest']}.",
        f"Command: `{res['command']}`; load average before / after: "
        f"{res['load_average_before'][0]:g} / {res['load_average_after'][0]:g}.",
        "",
        "| figure | wiretrace | MinHashLSH t=0.5 | ours ÷ peer | MinHashLSH t=0.1 |",
        "|---|---:|---:|---:|---:|",
        f"| indexing, library (docs/s) | {_fmt(_get(ours, 'index', 'docs_per_s'))} "
        f"| {_fmt(p05.get('docs_per_s'))} | {_x(r['index_docs_per_s'])} "
        f"| {_fmt(p01.get('docs_per_s'))} |",
        f"| indexing, library (docs per CPU-second) "
        f"| {_fmt(_get(ours, 'index', 'docs_per_cpu_s'))} "
        f"| {_fmt(p05.get('docs_per_cpu_s'))} | {_x(r['index_docs_per_cpu_s'])} "
        f"| {_fmt(p01.get('docs_per_cpu_s'))} |",
        f"| indexing, CLI (docs/s) | {_fmt(_get(cli, 'index', 'docs_per_s'))} | | | |",
        f"| trace p50, in process (ms) | {_fmt(_get(ours, 'trace', 'latency', 'p50_ms'))} "
        f"| {_fmt(_get(p05, 'latency', 'p50_ms'))} | {_x(r['trace_p50'])} "
        f"| {_fmt(_get(p01, 'latency', 'p50_ms'))} |",
        f"| trace p99, in process (ms) | {_fmt(_get(ours, 'trace', 'latency', 'p99_ms'))} "
        f"| {_fmt(_get(p05, 'latency', 'p99_ms'))} | {_x(r['trace_p99'])} "
        f"| {_fmt(_get(p01, 'latency', 'p99_ms'))} |",
        f"| trace p50, in process, CPU time (ms) "
        f"| {_fmt(_get(ours, 'trace', 'cpu_latency', 'p50_ms'))} "
        f"| {_fmt(_get(p05, 'cpu_latency', 'p50_ms'))} | {_x(r['trace_cpu_p50'])} "
        f"| {_fmt(_get(p01, 'cpu_latency', 'p50_ms'))} |",
        f"| trace p50 / p99 with [semantic], in process (ms; "
        f"{_fmt(_get(ours, 'trace_semantic', 'latency', 'n'))} queries) "
        f"| {_fmt(_get(ours, 'trace_semantic', 'latency', 'p50_ms'))} / "
        f"{_fmt(_get(ours, 'trace_semantic', 'latency', 'p99_ms'))} | | | |",
        f"| candidates only p50 / p99 (ms) "
        f"| {_fmt(_get(ours, 'trace', 'candidates_latency', 'p50_ms'))} / "
        f"{_fmt(_get(ours, 'trace', 'candidates_latency', 'p99_ms'))} | | | |",
        f"| trace p50 / p99, CLI (ms) | {_fmt(_get(cli, 'trace', 'latency', 'p50_ms'))} / "
        f"{_fmt(_get(cli, 'trace', 'latency', 'p99_ms'))} | | | |",
        f"| CLI start-up floor, `wiretrace --version` p50 (ms) "
        f"| {_fmt(_get(cli, 'startup', 'p50_ms'))} | | | |",
        f"| index size per document (bytes) | {_fmt(size.get('bytes_per_doc'))} "
        f"| {_fmt(p05.get('pickled_bytes_per_doc'))} | {_x(r['size_per_doc'])} "
        f"| {_fmt(p01.get('pickled_bytes_per_doc'))} |",
        f"| peak RSS, indexing (MiB) | {_fmt(_get(ours, 'index', 'peak_rss_mb'))} "
        f"| {_fmt(p05.get('build_peak_rss_mb'))} | {_x(r['index_peak_rss'])} "
        f"| {_fmt(p01.get('build_peak_rss_mb'))} |",
        f"| peak RSS, querying (MiB) | {_fmt(_get(ours, 'trace', 'peak_rss_mb'))} "
        f"| {_fmt(p05.get('peak_rss_mb'))} | {_x(r['query_peak_rss'])} "
        f"| {_fmt(p01.get('peak_rss_mb'))} |",
        f"| peak RSS, CLI index / trace (MiB) | {_fmt(_get(cli, 'index', 'peak_rss_mb'))} / "
        f"{_fmt(_get(cli, 'trace', 'peak_rss_mb'))} | | | |",
    ]
    for kind in ("synthetic", "wikinews_rewrite", "excerpt"):
        ours_r = _get(ours, "trace", "recall", kind, "recall_at_5")
        peer_r = _get(p05, "recall", kind, "recall_at_5")
        queries = _get(ours, "trace", "recall", kind, "queries")
        lines.append(
            f"| recall@5, {kind} queries ({_fmt(queries)}) | {_fmt(ours_r)} | {_fmt(peer_r)} "
            f"| {_x(ratio(ours_r, peer_r))} | {_fmt(_get(p01, 'recall', kind, 'recall_at_5'))} |"
        )
    goal_rate = _get(ours, "index", "docs_per_s")
    goal_p50 = _get(ours, "trace", "latency", "p50_ms")
    lines += [
        "",
        f"Goals: indexing ≥ {GOAL_DOCS_PER_S:,} docs/s: "
        + (
            "n/a"
            if goal_rate is None
            else (
                "met"
                if goal_rate >= GOAL_DOCS_PER_S
                else f"**missed** ({goal_rate / GOAL_DOCS_PER_S:.0%} of the goal)"
            )
        )
        + f"; trace p50 < {GOAL_P50_MS:g} ms in process: "
        + (
            "n/a"
            if goal_p50 is None
            else (
                "met"
                if goal_p50 < GOAL_P50_MS
                else f"**missed** ({goal_p50 / GOAL_P50_MS:.1f}× the goal)"
            )
        )
        + ".",
        f"Index on disk: {_fmt(size.get('bytes_per_doc'))} bytes/doc, of which the stored text "
        f"is {_fmt(size.get('text_bytes_per_doc'))} bytes/doc; "
        f"{_fmt(size.get('postings_per_doc'))} postings/doc.",
    ]
    errors = [
        f"- {name}: {v['error']}"
        for name, v in (("CLI index", cli.get("index", {})), ("CLI trace", cli.get("trace", {})))
        if isinstance(v, dict) and "error" in v
    ]
    if "warning" in res:
        errors.append(f"- warning: {res['warning']}")
    if errors:
        lines += ["", "Errors:", *errors]
    return "\n".join(lines)


# -- profiling -------------------------------------------------------------------------------


def profile(files: CorpusFiles, workdir: Path, out_dir: Path, n_docs: int) -> None:
    """cProfile indexing and a warm trace pass; print the top functions, keep the .prof files."""
    import wiretrace

    out_dir.mkdir(parents=True, exist_ok=True)
    db = workdir / "profile.db"
    prof = cProfile.Profile()
    with wiretrace.open_index(db) as index:
        prof.runcall(index.add, iter_documents(files.corpus))
    path = out_dir / f"profile-index-{n_docs}.prof"
    prof.dump_stats(path)
    _print_profile(path, "indexing")
    docs = query_documents(read_jsonl(files.queries))
    with wiretrace.open_index(db, create=False) as index:
        for doc in docs:
            wiretrace.trace(index, doc)
        prof = cProfile.Profile()
        prof.enable()
        for doc in docs:
            wiretrace.trace(index, doc)
        prof.disable()
    path = out_dir / f"profile-trace-{n_docs}.prof"
    prof.dump_stats(path)
    _print_profile(path, "tracing (warm)")


def _print_profile(path: Path, title: str) -> None:
    print(f"\n## cProfile: {title} ({path})\n", flush=True)
    stats = pstats.Stats(str(path), stream=sys.stdout).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(25)


# -- main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="wiretrace core speed and memory benchmark")
    parser.add_argument("--docs", type=int, default=None, help=f"corpus size ({DEFAULT_DOCS})")
    parser.add_argument(
        "--queries", type=int, default=None, help=f"in-process queries ({DEFAULT_QUERIES})"
    )
    parser.add_argument(
        "--cli-queries", type=int, default=None, help="queries traced through the CLI (20)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke test: {QUICK_DOCS:,} documents, {QUICK_QUERIES} queries",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="where the index files go (default: a temporary folder)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="results JSON (default: bench/results/core-<N>.json)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile indexing and tracing instead of benchmarking",
    )
    args = parser.parse_args(argv)
    n_docs = args.docs or (QUICK_DOCS if args.quick else DEFAULT_DOCS)
    n_queries = args.queries or (QUICK_QUERIES if args.quick else DEFAULT_QUERIES)
    n_cli = args.cli_queries or (5 if args.quick else 20)

    files = ensure_corpus(n_docs, n_queries, args.seed)
    tmp = tempfile.TemporaryDirectory(prefix="wiretrace-bench-", dir=args.workdir)
    workdir = Path(tmp.name)
    try:
        if args.profile:
            profile(files, workdir, RESULTS_DIR, n_docs)
            return
        res = run(files, workdir, n_docs, n_cli)
        res["command"] = " ".join(
            ["python bench/bench_core.py", *(sys.argv[1:] if argv is None else argv)]
        )
    finally:
        tmp.cleanup()
    out = args.out or RESULTS_DIR / f"core-{n_docs}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    print(markdown(res))
    print(f"\nResults written to {out}")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(files: CorpusFiles, workdir: Path, n_docs: int, n_cli: int) -> dict[str, Any]:
    manifest = json.loads(files.manifest.read_text(encoding="utf-8"))
    queries = read_jsonl(files.queries)
    res: dict[str, Any] = {
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "src_digest": src_digest(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "machine": machine(),
        "corpus": {
            "documents": manifest["documents"],
            "origins": manifest["origins"],
            "text_chars": manifest["text_chars"],
            "queries": manifest["queries"],
            "file": str(files.corpus.relative_to(REPO_ROOT)),
        },
        "ours": {},
        "cli": {},
        "peer": [],
    }
    lib_db, cli_db = workdir / "lib.db", workdir / "cli.db"

    log(f"indexing {n_docs:,} documents through the library")
    res["ours"]["index"] = run_in_fresh_process(phase_index, str(files.corpus), str(lib_db))
    res["ours"]["size"] = index_size(lib_db, files.corpus)
    log(f"tracing {len(queries)} queries in process")
    res["ours"]["trace"] = run_in_fresh_process(phase_trace, str(lib_db), str(files.queries))
    n_semantic = min(len(queries), SEMANTIC_QUERIES)
    log(f"tracing {n_semantic} queries in process with [semantic]")
    res["ours"]["trace_semantic"] = run_in_fresh_process(
        phase_trace_semantic, str(lib_db), str(files.queries), n_semantic
    )

    log("indexing through the CLI")
    res["cli"]["index"] = cli_index(files.corpus, cli_db, workdir)
    for path in (cli_db, Path(f"{cli_db}-wal"), Path(f"{cli_db}-shm")):
        path.unlink(missing_ok=True)
    log(f"tracing {n_cli} queries through the CLI")
    res["cli"]["startup"] = cli_startup(workdir)
    res["cli"]["trace"] = cli_trace(lib_db, queries, n_cli, workdir)

    for threshold in PEER_THRESHOLDS:
        log(f"datasketch MinHashLSH, threshold {threshold}")
        res["peer"].append(
            run_in_fresh_process(phase_peer, str(files.corpus), str(files.queries), threshold)
        )

    res["ratios"] = ratios(res)
    res["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    if src_digest() != res["src_digest"]:
        res["warning"] = "src/ changed during the run; figures may mix two states of the code"
        log(res["warning"])
    res["process"] = {
        "self_peak_rss_mb": round(maxrss_mb(), 1),
        "self_vm_hwm_mb": round(vm_hwm_mb() or 0.0, 1),
        "children_ru_maxrss_mb": round(maxrss_mb(resource.RUSAGE_CHILDREN), 1),
    }
    shutil.rmtree(workdir / "cli-queries", ignore_errors=True)
    return res


if __name__ == "__main__":
    main()
