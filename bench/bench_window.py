"""Corpus mode at two winnowing windows, and how many of passim's pairs each finds (issue 17).

Runs ``wiretrace corpus reuse`` (local engine) on the 10k corpus of ``bench/corpus_big.py``
with ``--window W`` in this process and its workers, and measures wall time and CPU time (this
process and its reaped workers, from ``getrusage``). Then counts the document pairs of the two
stored passim runs of ``bench/bench_passim.py --docs 10000`` (default and ``--all-pairs``, in
``bench/.cache/passim-runs``) that the run finds.

Usage::

    python bench/bench_window.py 8 OUT_DIR [--workers 2]
    python bench/bench_window.py 4 OUT_DIR

Prints one JSON line: window, min_shared, wall, cpu, pairs and the recall against each passim
run.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_passim as bp
from corpus import REPO_ROOT
from corpus_big import ensure_big_corpus

from wiretrace.corpus.engines import reuse_options
from wiretrace.corpus.local import LocalEngine, LocalOptions
from wiretrace.corpus.pipeline import run_reuse


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("window", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--docs", type=int, default=10_000)
    args = parser.parse_args(argv)
    corpus = ensure_big_corpus(args.docs)
    options = reuse_options(window=args.window)
    started = time.perf_counter()
    run_reuse([corpus], args.out, LocalEngine(LocalOptions(workers=args.workers)), options)
    wall = time.perf_counter() - started
    own, workers = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    cpu = own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime
    ours = bp.read_our_pairs(args.out)
    result = {
        "window": args.window,
        "min_shared": options.min_shared,
        "documents": args.docs,
        "wall": round(wall, 1),
        "cpu": round(cpu, 1),
        "pairs": len(ours),
    }
    for name in (f"passim-{args.docs}", f"passim-{args.docs}-all-pairs"):
        align = REPO_ROOT / "bench" / ".cache" / "passim-runs" / name / "align.json"
        if align.exists():
            peer = bp.read_passim_output(align)
            result[f"recall against {name}"] = round(len(set(peer) & set(ours)) / len(peer), 4)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
