"""Trace latency of two versions of wiretrace on one index, side by side in one run.

The machines are shared and noisy, so a before/after figure is only worth its ratio measured
in the same run: both versions trace the same queries against the same SQLite index (the
10,000-document corpus of ``bench/corpus.py``), in alternating subprocesses, each with a
warm-up pass before its timed pass. The older version is a git ref checked out in a temporary
worktree and put first on ``PYTHONPATH``.

Usage::

    python bench/bench_trace_ab.py --before 5bedb13          # 10,000 documents, 200 queries
    python bench/bench_trace_ab.py --before 5bedb13 --docs 1000 --rounds 1
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_core import latency_stats, query_documents  # noqa: E402
from corpus import DEFAULT_QUERIES, DEFAULT_SEED, ensure_corpus, read_jsonl  # noqa: E402

WORKER = r"""
import json, sys, time
sys.path.insert(0, sys.argv[3])
from bench_core import query_documents
from corpus import read_jsonl
import wiretrace
docs = query_documents(read_jsonl(__import__("pathlib").Path(sys.argv[2])))
out = []
with wiretrace.open_index(sys.argv[1], create=False) as index:
    for doc in docs:
        wiretrace.trace(index, doc)
    for doc in docs:
        t = time.perf_counter()
        wiretrace.trace(index, doc)
        out.append(time.perf_counter() - t)
print(json.dumps({"file": wiretrace.__file__, "seconds": out}))
"""


def run_version(src: Path, db: Path, queries: Path) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(src))
    done = subprocess.run(
        [sys.executable, "-c", WORKER, str(db), str(queries), str(ROOT / "bench")],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="git ref of the older version")
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=DEFAULT_QUERIES)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    files = ensure_corpus(args.docs, args.queries, DEFAULT_SEED)
    with tempfile.TemporaryDirectory(prefix="wiretrace-ab-") as tmp:
        old = Path(tmp) / "before"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(old), args.before],
            check=True,
        )
        try:
            db = Path(tmp) / "index.db"
            import wiretrace

            with wiretrace.open_index(db) as index:
                index.add(query_documents(read_jsonl(files.corpus)))
            runs: dict[str, list[float]] = {"before": [], "after": []}
            for _ in range(args.rounds):
                for name, src in (("before", old / "src"), ("after", ROOT / "src")):
                    result = run_version(src, db, files.queries)
                    assert result["file"].startswith(str(src)), result["file"]
                    runs[name].extend(result["seconds"])
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], check=True
            )
    stats = {name: latency_stats(values) for name, values in runs.items()}
    ratio = {
        key: round(stats["after"][key] / stats["before"][key], 3)
        for key in ("p50_ms", "p99_ms", "mean_ms")
    }
    # The same figures for each kind of query of the benchmark (bench/corpus.py): a change
    # that costs one kind only moves the mixed p50 a lot when it crosses another kind's median.
    kinds = [q["kind"] for q in read_jsonl(files.queries)] * args.rounds
    by_kind = {}
    for kind in sorted(set(kinds)):
        medians = {
            name: latency_stats([t for t, k in zip(values, kinds, strict=True) if k == kind])
            for name, values in runs.items()
        }
        by_kind[kind] = {
            "n": medians["after"]["n"],
            "before_p50_ms": medians["before"]["p50_ms"],
            "after_p50_ms": medians["after"]["p50_ms"],
            "p50 after/before": round(medians["after"]["p50_ms"] / medians["before"]["p50_ms"], 3),
        }
    print(
        json.dumps(
            {
                "docs": args.docs,
                "before": args.before,
                "stats": stats,
                "after/before": ratio,
                "by kind": by_kind,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
