"""Long-article benchmark (issue 12, item 1): trace time and peak memory at 200 kB, 1 MB, 5 MB.

The query is BBC News articles (``data/bbc-news``) run together, in a fixed shuffled order,
until it reaches the size; it is traced against a SQLite index holding all 2,225 BBC articles
(the ones in the query, and the rest as background).

Each size runs in a fresh subprocess that reports:

- wall time of ``wiretrace.trace`` with default :class:`~wiretrace.TraceOptions`;
- its own peak RSS (``VmHWM`` from ``/proc/self/status``; ``ru_maxrss`` of a child can inherit
  the parent's mark, so the child reads its own); the parent also samples the child's RSS
  every 0.2 s, so that a size stopped at ``--timeout`` still shows how far it had got;
- the split of that time between candidate retrieval (``Index.candidates``,
  ``Index.lexical_candidates``, ``Index.get``), alignment (``align_view``, ``align_pair``) and
  the rest (signals, report), by timing wrappers around those calls;
- how many of the query's ``k`` articles were candidates (returned by the index and so
  aligned), and how many the trace names as a source. With the default
  ``max_candidates`` (20) a query of hundreds of articles can name at most 25 of them: that is
  the retrieval side's bound, reported as is. The second mode (``all``) sets
  ``max_candidates`` to ``k``, to measure alignment against as many candidates as the query
  has articles.

Usage::

    python bench/bench_long.py                       # 200 kB, 1 MB, 5 MB; both modes
    python bench/bench_long.py --sizes 200k,1m       # a subset
    python bench/bench_long.py --modes default       # default TraceOptions only
    python bench/bench_long.py --timeout 600         # give up on a size after 600 s

The index is built once into ``bench/.cache/long-bbc.db``. Results go to
``bench/results/long[-LABEL].json``; Markdown tables are printed.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import json
import os
import platform
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = REPO_ROOT.parent / "shared" / "data" / "bbc-news" / "bbc_news.jsonl.gz"
if not DATA.exists():
    DATA = Path("/work/shared/data/bbc-news/bbc_news.jsonl.gz")
RESULTS_DIR = REPO_ROOT / "bench" / "results"
SIZES = {"200k": 200_000, "1m": 1_000_000, "5m": 5_000_000}
SEED = 12


def _articles() -> list[dict[str, Any]]:
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def build_query(size: int) -> tuple[str, list[str]]:
    """BBC articles, title and text, run together until ``size`` characters."""
    arts = _articles()
    random.Random(SEED).shuffle(arts)
    parts: list[str] = []
    ids: list[str] = []
    total = 0
    for a in arts:
        if total >= size:
            break
        piece = f"{a['title']}\n\n{a['text'].strip()}\n\n"
        parts.append(piece)
        ids.append(a["id"])
        total += len(piece)
    return "".join(parts)[:size], ids


def build_index(db: Path) -> None:
    from wiretrace import Document, open_index

    if db.exists():
        return
    tmp = db.with_suffix(".tmp.db")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    with open_index(str(tmp)) as index:
        index.add(
            Document(id=a["id"], text=a["text"], title=a["title"], source=a["source"])
            for a in _articles()
        )
    tmp.rename(db)


def _hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _timed(table: dict[str, float], key: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            table[key] += time.perf_counter() - t0

    return wrapper


def child(size_key: str, db: Path, all_candidates: bool) -> dict[str, Any]:
    """One size in this process: trace once and report figures (run as a subprocess)."""
    from wiretrace import Document, TraceOptions, open_index

    # ``wiretrace.trace`` is also the name of the function the package exports.
    trace_module = importlib.import_module("wiretrace.tracing")

    text, ids = build_query(SIZES[size_key])
    k_ids = ids
    aligned: set[str] = set()

    def recording(fn: Callable[..., Any]) -> Callable[..., Any]:
        # trace() fetches each candidate it aligns, once.
        def wrapper(doc_id: str) -> Any:
            aligned.add(doc_id)
            return fn(doc_id)

        return wrapper

    spent = {"retrieval": 0.0, "align": 0.0}
    trace_module.align_pair = _timed(spent, "align", trace_module.align_pair)  # type: ignore[assignment]
    trace_module.align_view = _timed(spent, "align", trace_module.align_view)  # type: ignore[assignment]
    with open_index(str(db), readonly=True) as index:
        setattr(index, "get", recording(index.get))  # noqa: B010
        for name in ("candidates", "lexical_candidates", "get"):
            setattr(index, name, _timed(spent, "retrieval", getattr(index, name)))
        opts = TraceOptions(max_candidates=len(ids)) if all_candidates else TraceOptions()
        t0 = time.perf_counter()
        result = trace_module.trace(index, Document(id="long-query", text=text), opts)
        wall = time.perf_counter() - t0
    named = {s.document.id for s in (*result.sources, *result.later)}
    return {
        "size": size_key,
        "chars": len(text),
        "articles": len(k_ids),
        "found": sum(1 for i in k_ids if i in named),
        "candidates_of_k": sum(1 for i in k_ids if i in aligned),
        "sources": len(named),
        "candidates": result.candidates_considered,
        "coverage": result.coverage,
        "passages": len(result.passages),
        "seconds": round(wall, 2),
        "retrieval_s": round(spent["retrieval"], 2),
        "align_s": round(spent["align"], 2),
        "peak_rss_mb": round(_hwm_mb(), 1),
    }


def run_size(size_key: str, db: Path, timeout: float, all_candidates: bool) -> dict[str, Any]:
    """Run one size in a subprocess; its RSS is sampled too, so a run that is stopped at the
    timeout still reports how much memory it had reached."""
    import psutil

    cmd = [sys.executable, __file__, "--child", size_key, "--db", str(db)]
    if all_candidates:
        cmd.append("--all-candidates")
    t0 = time.perf_counter()
    peak = 0
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        watched = psutil.Process(proc.pid)
        while proc.poll() is None:
            if time.perf_counter() - t0 > timeout:
                proc.kill()
                proc.wait()
                return {
                    "size": size_key,
                    "timeout": timeout,
                    "sampled_peak_rss_mb": round(peak / 2**20, 1),
                }
            try:
                peak = max(peak, watched.memory_info().rss)
            except psutil.NoSuchProcess:
                break
            time.sleep(0.2)
        out, err = proc.communicate()
    if proc.returncode != 0:
        return {"size": size_key, "error": err[-2000:]}
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def _table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| size | articles (k) | candidates of k | found of k | time (s) | retrieval (s) |"
        " align (s) | peak RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if "timeout" in r:
            rss = r["sampled_peak_rss_mb"]
            lines.append(f"| {r['size']} | | | | > {r['timeout']:.0f} (stopped) | | | > {rss} |")
        elif "error" in r:
            lines.append(f"| {r['size']} | error | | | | | | |")
        else:
            lines.append(
                f"| {r['size']} | {r['articles']} | {r.get('candidates_of_k', '')} | {r['found']} |"
                f" {r['seconds']} |"
                f" {r['retrieval_s']} | {r['align_s']} | {r['peak_rss_mb']} |"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="200k,1m,5m")
    parser.add_argument("--timeout", type=float, default=1200)
    parser.add_argument(
        "--modes", default="default,all", help="default candidates, all k articles, or both"
    )
    parser.add_argument("--child")
    parser.add_argument("--all-candidates", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, default=REPO_ROOT / "bench" / ".cache" / "long-bbc.db")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.db, args.all_candidates)))
        return
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    build_index(args.db)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    results: dict[str, Any] = {"label": args.label, "machine": machine}
    for mode in args.modes.split(","):
        rows = []
        for key in args.sizes.split(","):
            row = run_size(key, args.db, args.timeout, mode == "all")
            print(json.dumps({"mode": mode, **row}), flush=True)
            rows.append(row)
        results[mode] = rows
        title = "all k articles as candidates" if mode == "all" else "default TraceOptions"
        print("\n".join([f"\n{machine}; {title}\n", *_table(rows)]), flush=True)
    out = RESULTS_DIR / f"long{'-' + args.label if args.label else ''}.json"
    out.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
