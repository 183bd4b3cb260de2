"""Benchmark of the finish of corpus mode (families, outlets, drift): the driver-side
``pipeline.finish`` against the Spark engine's executor-side ``finish_on_spark``.

A synthetic ``docs`` and ``pairs`` stage is written once (``--docs`` documents in stories of 2
to 12 documents, each document paired with up to three earlier ones of its story, some pairs
with a changed number; a few outlets). Then each finish runs in a fresh process on the same
stages, and the outputs are compared row by row (they must be identical).

Measured per finish: wall time, and the peak RSS of the driver's Python process (``VmHWM``,
before and after the finish; for Spark, the JVM and the Python workers are other processes and
are not counted: what is measured is what the driver's Python holds). ``local[2]``, so the
Spark figure is about where the work happens, not about speed on a cluster.

Usage::

    python bench/bench_spark_finish.py                  # 20,000 documents
    python bench/bench_spark_finish.py --docs 100000
    python bench/bench_spark_finish.py --docs 100000 --reuse-stages   # the same stages again

Results go to ``bench/results/spark-finish-<N>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from wiretrace.corpus import schema
from wiretrace.corpus.kernels import DocMeta, pair_record
from wiretrace.corpus.location import Location, open_location
from wiretrace.corpus.pipeline import NoProgress, finish
from wiretrace.corpus.records import PassageRecord
from wiretrace.corpus.stages import StageStore

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
OUTLETS = ["Wire", "Daily", "Farm A", "Farm B", "Blog", None]
OUTPUTS = ("pairs", "families", "outlets", "drift")


def _store(work: Path, n: int) -> StageStore:
    return StageStore(work / "_stages", {"bench": "spark-finish", "documents": n})


def _write_parquet(table: pa.Table, where: Location) -> None:
    with where.output() as f:
        pq.write_table(table, f)


def make_stages(work: Path, n: int, seed: int) -> dict[str, int]:
    """Write the synthetic docs and pairs stages; return their sizes."""
    rng = random.Random(seed)
    store = _store(work, n)
    metas: list[DocMeta] = []
    docs: list[dict[str, Any]] = []
    for i in range(n):
        day = rng.randrange(1, 28)
        when = None if rng.random() < 0.05 else f"2021-03-{day:02d}T{rng.randrange(24):02d}:00:00Z"
        meta = DocMeta(i, f"doc/{i:07d}", rng.choice(OUTLETS), when, rng.randrange(800, 4000))
        metas.append(meta)
        docs.append(
            {
                "idx": i,
                "id": meta.id,
                "text": "",
                "title": f"Story {i}",
                "url": None,
                "source": meta.source,
                "published_at": when,
                "length": meta.length,
            }
        )
    pairs: list[dict[str, Any]] = []
    start = 0
    while start < n:
        size = min(n - start, rng.randrange(2, 13))
        story = list(range(start, start + size))
        for k, b in enumerate(story[1:], 1):
            for a in rng.sample(story[:k], min(k, rng.randrange(1, 4))):
                passages: list[PassageRecord] = []
                for _ in range(rng.randrange(1, 4)):
                    s = rng.randrange(0, 600)
                    t = rng.randrange(0, 600)
                    length = rng.randrange(40, 200)
                    edits: list[Any] = []
                    if rng.random() < 0.1:
                        edits.append(
                            {
                                "from": "30",
                                "to": "40",
                                "type": "number",
                                "a_start": s + 10,
                                "a_end": s + 12,
                                "b_start": t + 10,
                                "b_end": t + 12,
                            }
                        )
                    passages.append(
                        {
                            "a_start": s,
                            "a_end": s + length,
                            "b_start": t,
                            "b_end": t + length,
                            "score": 0.9,
                            "kind": "near_verbatim" if edits else "verbatim",
                            "edits": edits,
                        }
                    )
                pairs.append(dict(pair_record(metas[a], metas[b], 5, passages)))
        start += size
    table = pa.Table.from_pylist(docs, schema=schema.DOCS)
    with store.write("docs", {"documents": n, "rejected": 0, "parts": 1}) as tmp:
        _write_parquet(table, tmp / "part-00000.parquet")
    with store.write("pairs", {"pairs": len(pairs)}) as tmp:
        (tmp / "data").mkdir()
        step = max(1, len(pairs) // 8)
        for part, first in enumerate(range(0, len(pairs), step)):
            table = pa.Table.from_pylist(pairs[first : first + step], schema=schema.PAIRS)
            _write_parquet(table, tmp / "data" / f"part-{part:05d}.parquet")
    return {"documents": n, "pairs": len(pairs)}


def _peak_rss_mb() -> float:
    """This process's peak resident memory (``VmHWM``; unlike ``ru_maxrss``, it does not carry
    over the peak of the parent that started this process)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_phase(work: Path, n: int, phase: str, partitions: int) -> dict[str, Any]:
    """One finish in this process: wall time and the peak RSS of this Python process."""
    store = _store(work, n)
    pairs_dir = store.path("pairs") / "data"
    shutil.rmtree(work / f"out-{phase}", ignore_errors=True)
    out = open_location(work / f"out-{phase}")
    out.mkdir()
    before = _peak_rss_mb()
    if phase == "local":
        start = time.perf_counter()
        counts = finish(store, pairs_dir, out, NoProgress())
        seconds = time.perf_counter() - start
    else:
        from wiretrace.corpus.spark import SparkEngine, SparkOptions
        from wiretrace.corpus.spark_finish import STAGES, finish_on_spark

        for name in STAGES:
            store.path(name).remove()
        engine = SparkEngine(SparkOptions(master="local[2]", partitions=partitions))
        spark = engine.session()
        spark.conf.set("spark.sql.shuffle.partitions", str(partitions))
        try:
            start = time.perf_counter()
            counts = finish_on_spark(spark, store, pairs_dir, out, NoProgress())
            seconds = time.perf_counter() - start
            rounds = store.info("components")["iterations"]
        finally:
            engine.stop()
        counts = {**counts, "components_rounds": rounds}
    peak = _peak_rss_mb()
    return {
        "phase": phase,
        "seconds": round(seconds, 2),
        "driver_python_peak_rss_mb": round(peak, 1),
        "driver_python_rss_before_mb": round(before, 1),
        "counts": counts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--partitions", type=int, default=4, help="Spark shuffle partitions")
    parser.add_argument("--work", type=Path, default=REPO / "bench" / ".cache" / "spark-finish")
    parser.add_argument(
        "--reuse-stages", action="store_true", help="keep the stages of an earlier run (same size)"
    )
    parser.add_argument("--phase", choices=["local", "spark"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    work = args.work / str(args.docs)
    if args.phase:
        print(json.dumps(run_phase(work, args.docs, args.phase, args.partitions)))
        return 0
    store = _store(work, args.docs)
    if args.reuse_stages and store.done("pairs"):
        sizes = {"documents": args.docs, "pairs": int(store.info("pairs")["pairs"])}
    else:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        sizes = make_stages(work, args.docs, args.seed)
    result: dict[str, Any] = {
        "command": "python bench/bench_spark_finish.py " + " ".join(sys.argv[1:]),
        "machine": f"{platform.machine()}, {platform.system()}, Python {platform.python_version()}",
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        **sizes,
    }
    for phase in ("local", "spark"):
        done = subprocess.run(
            [
                *(sys.executable, __file__, "--docs", str(args.docs), "--work", str(args.work)),
                *("--partitions", str(args.partitions), "--phase", phase),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        result[phase] = json.loads(done.stdout.strip().splitlines()[-1])
        print(phase, result[phase], flush=True)
    same = {
        name: pq.read_table(work / "out-local" / f"{name}.parquet").to_pylist()
        == pq.read_table(work / "out-spark" / f"{name}.parquet").to_pylist()
        for name in OUTPUTS
    }
    result["identical_outputs"] = same
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print("identical outputs:", same)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"spark-finish-{args.docs}.json"
    path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"results: {path}")
    return 0 if all(same.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
