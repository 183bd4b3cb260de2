"""Benchmark of corpus mode (issue 6): all-pairs reuse at growing corpus sizes, and a peer.

One run measures, on the replica corpora of ``bench/corpus_big.py`` (10k, 30k, 100k documents
by default):

a. the local engine, through the CLI (``wiretrace corpus reuse FILE --out DIR --engine local
   --workers 2 --quiet --json``, one subprocess per size, a fresh output folder each time):
   wall time and peak memory;
b. the Spark engine in ``local[2]`` through the CLI (``--engine spark --spark-master local[2]``)
   at the sizes given by ``--spark-sizes``; its pairs and stories are compared with the local
   engine's;
c. the growth curve: the exponent ``k`` of ``time ~ N**k`` between consecutive sizes (2 would
   be quadratic);
d. the peer: datasketch ``MinHashLSH`` near-duplicate grouping on the same input (MinHash of
   128 permutations over word 5-gram shingles, every document inserted and then queried), with
   its time, peak memory, and pair recall against our pairs (the share of our reuse pairs that
   LSH puts together).

Peak memory is the largest sum of the PSS (proportional set size: pages shared between forked
workers are split between them, not counted twice) of the command and all its descendants
(workers, the Spark JVM and its Python workers), sampled with psutil every 500 ms; the RSS of
the largest single process is reported too.

Usage::

    python bench/bench_corpus.py                      # 10k, 30k, 100k; Spark at 10k and 30k
    python bench/bench_corpus.py --quick              # 2,000 documents: a smoke test
    python bench/bench_corpus.py --sizes 10000 --spark-sizes 10000

Results go to ``bench/results/corpus.json`` and ``bench/results/corpus.md``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import run_in_fresh_process, shingles
from corpus import REPO_ROOT
from corpus_big import ensure_big_corpus

RESULTS = REPO_ROOT / "bench" / "results"
WORK = REPO_ROOT / "bench" / ".cache" / "corpus-runs"
NUM_PERM = 128
LSH_THRESHOLDS = (0.5, 0.1)
GOAL_SECONDS_100K = 600


class TreeSampler:
    """Samples the summed RSS of a process and its descendants; keeps the maxima."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak_total = 0
        self.peak_single = 0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
            except psutil.Error:
                break
            total = 0
            for p in procs:
                try:
                    info = p.memory_full_info()
                    times = p.cpu_times()
                except psutil.Error:
                    continue
                self.cpu[p.pid] = times.user + times.system
                # PSS splits pages shared by forked workers between them, so the sum does not
                # count them twice.
                total += info.pss
                self.peak_single = max(self.peak_single, info.rss)
            self.peak_total = max(self.peak_total, total)
            self._stop.wait(self.interval)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def wiretrace_cmd() -> list[str]:
    script = Path(sys.executable).with_name("wiretrace")
    return [str(script)] if script.exists() else [sys.executable, "-m", "wiretrace.cli"]


def run_measured(
    cmd: list[str], log_out: Path, log_err: Path, env: dict[str, str] | None = None
) -> dict[str, float]:
    """Run a command to its end, its output to two log files; measure its process tree.

    Returns wall time, CPU time (user + system of the command and every descendant) and peak
    memory (the largest summed PSS of the tree, and the largest RSS of one process). A failed
    command stops the benchmark with the end of its standard error.
    """
    with log_out.open("w") as fo, log_err.open("w") as fe:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fo, stderr=fe, stdin=subprocess.DEVNULL, env=env)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        sampler.stop()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        stderr = log_err.read_text(errors="replace")
        raise SystemExit(f"command failed ({code}): {' '.join(cmd)}\n{stderr[-3000:]}")
    return {
        "seconds": round(seconds, 1),
        # wait4 misses what the command does not reap (the Spark JVM and its workers); the
        # sampled sum misses the last half second of each process. The larger one is kept.
        "cpu_seconds": round(max(usage.ru_utime + usage.ru_stime, sum(sampler.cpu.values())), 1),
        "peak_pss_total_mb": round(sampler.peak_total / 2**20, 1),
        "peak_rss_largest_process_mb": round(sampler.peak_single / 2**20, 1),
    }


def run_cli(args: list[str], out: Path) -> dict[str, Any]:
    """Run ``wiretrace corpus reuse`` into a fresh folder; time it and sample its memory.

    CPU time is the user + system time of the command and every descendant it reaped (pool
    workers; the Spark JVM and, through it, its Python workers), from ``os.wait4``.
    """
    if out.exists():
        shutil.rmtree(out)
    cmd = [*wiretrace_cmd(), "corpus", "reuse", *args, "--out", str(out), "--quiet", "--json"]
    log_out, log_err = out.with_name(out.name + ".out"), out.with_name(out.name + ".err")
    measured = run_measured(cmd, log_out, log_err)
    summary = json.loads(log_out.read_text())
    log_out.unlink()
    log_err.unlink()
    return {
        "command": " ".join(["wiretrace", *cmd[len(wiretrace_cmd()) :]]),
        **measured,
        "pairs": summary["pairs"],
        "stories": summary["families"],
        "outlets": summary["outlets"],
        "stage_seconds": summary["seconds"],
    }


def pair_set(out: Path) -> set[tuple[str, str]]:
    t = pq.read_table(out / "pairs.parquet", columns=["a_document_id", "b_document_id"])
    a, b = t.column("a_document_id").to_pylist(), t.column("b_document_id").to_pylist()
    return set(zip(a, b, strict=True))


def story_sets(out: Path) -> set[frozenset[str]]:
    rows = pq.read_table(out / "families.parquet", columns=["timeline"]).to_pylist()
    return {frozenset(e["document_id"] for e in r["timeline"]) for r in rows}


def phase_lsh(corpus: str, threshold: float, pairs_file: str) -> dict[str, Any]:
    """MinHashLSH over the corpus: insert every document, query every document; pair recall
    against our pairs (read from ``pairs_file``, one JSON ``[a, b]`` a line)."""
    from datasketch import MinHash, MinHashLSH

    sampler = TreeSampler(os.getpid())
    sampler.start()
    start = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    keys: list[str] = []
    hashes: list[Any] = []
    batch_keys: list[str] = []
    batch_sets: list[list[bytes]] = []

    def flush() -> None:
        with lsh.insertion_session(buffer_size=1000) as session:
            for key, mh in zip(
                batch_keys, MinHash.bulk(batch_sets, num_perm=NUM_PERM), strict=True
            ):
                session.insert(key, mh, check_duplication=False)
                keys.append(key)
                hashes.append(mh)
        batch_keys.clear()
        batch_sets.clear()

    with open(corpus, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            batch_keys.append(r["id"])
            batch_sets.append(shingles(r["text"]))
            if len(batch_keys) >= 1000:
                flush()
    flush()
    found: set[tuple[str, str]] = set()
    for key, mh in zip(keys, hashes, strict=True):
        for other in lsh.query(mh):
            if other != key:
                found.add((min(key, other), max(key, other)))
    seconds = time.perf_counter() - start
    sampler.stop()
    ours = set()
    with open(pairs_file, encoding="utf-8") as f:
        for line in f:
            a, b = json.loads(line)
            ours.add((min(a, b), max(a, b)))
    hit = len(ours & found)
    return {
        "threshold": threshold,
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(sampler.peak_total / 2**20, 1),
        "lsh_pairs": len(found),
        "our_pairs": len(ours),
        "pair_recall": round(hit / len(ours), 4) if ours else None,
        "lsh_pairs_not_ours": len(found - ours),
    }


def exponent(n1: int, t1: float, n2: int, t2: float) -> float:
    return round(math.log(t2 / t1) / math.log(n2 / n1), 2)


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "java": subprocess.run(
            ["java", "-version"], capture_output=True, text=True, check=False
        ).stderr.splitlines()[0:1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--spark-sizes", type=int, nargs="*", default=[10_000, 30_000])
    parser.add_argument("--lsh-sizes", type=int, nargs="*", default=None)
    parser.add_argument("--quick", action="store_true", help="2,000 documents, all engines")
    parser.add_argument(
        "--spark-only",
        action="store_true",
        help="run only the Spark engine at --spark-sizes, in parallel with a main run whose "
        "local outputs it compares with; writes bench/results/corpus-spark.json",
    )
    parser.add_argument(
        "--merge-spark",
        action="store_true",
        help="merge bench/results/corpus-spark.json into corpus.json and corpus.md",
    )
    parser.add_argument(
        "--lsh-only",
        action="store_true",
        help="run only the peer at --lsh-sizes, against the local outputs of a main run "
        "(waited for); writes bench/results/corpus-lsh.json",
    )
    args = parser.parse_args()
    if args.lsh_only:
        lsh_only(sorted(args.lsh_sizes or []))
        return
    if args.merge_spark:
        merge_spark()
        return
    if args.spark_only:
        spark_only(sorted(args.spark_sizes))
        return
    if args.quick:
        args.sizes, args.spark_sizes = [2_000], [2_000]
    sizes = sorted(args.sizes)
    lsh_sizes = args.lsh_sizes if args.lsh_sizes is not None else sizes
    WORK.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "machine": machine(),
        "command": "python bench/bench_corpus.py " + " ".join(sys.argv[1:]),
        "sizes": [],
        "growth": [],
        "goal": {"documents": 100_000, "seconds": GOAL_SECONDS_100K, "engine": "local"},
    }
    rows: dict[int, dict[str, Any]] = {}

    def save() -> None:
        """Write the results so far (the run is long; a stopped run keeps what it measured)."""
        result["sizes"] = [rows[n] for n in sorted(rows)]
        result["growth"] = growth([rows[n] for n in sorted(rows)])
        result["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "corpus.json").write_text(json.dumps(result, indent=1) + "\n", "utf-8")
        (RESULTS / "corpus.md").write_text(markdown(result), encoding="utf-8")

    # The local engine first at every size (the main figures), then the peer, then Spark.
    for n in sizes:
        corpus = ensure_big_corpus(n)
        rows[n] = {"documents": n, "corpus": str(corpus.relative_to(REPO_ROOT))}
        print(f"[{n}] local engine ...", flush=True)
        rows[n]["local"] = run_cli(
            [str(corpus), "--engine", "local", "--workers", "2"], WORK / f"local-{n}"
        )
        print(f"[{n}] local: {rows[n]['local']['seconds']} s", flush=True)
        save()
    for n in sizes:
        if n not in lsh_sizes:
            continue
        corpus = ensure_big_corpus(n)
        pairs_file = WORK / f"pairs-{n}.jsonl"
        with pairs_file.open("w", encoding="utf-8") as f:
            for a, b in sorted(pair_set(WORK / f"local-{n}")):
                f.write(json.dumps([a, b]) + "\n")
        thresholds = LSH_THRESHOLDS if n == sizes[0] else LSH_THRESHOLDS[:1]
        rows[n]["lsh"] = []
        for t in thresholds:
            print(f"[{n}] MinHashLSH t={t} ...", flush=True)
            rows[n]["lsh"].append(run_in_fresh_process(phase_lsh, str(corpus), t, str(pairs_file)))
        pairs_file.unlink()
        save()
    for n in sizes:
        if n not in args.spark_sizes:
            continue
        corpus = ensure_big_corpus(n)
        out_spark = WORK / f"spark-{n}"
        print(f"[{n}] spark local[2] ...", flush=True)
        rows[n]["spark"] = run_cli(
            [str(corpus), "--engine", "spark", "--spark-master", "local[2]"], out_spark
        )
        out_local = WORK / f"local-{n}"
        rows[n]["spark"]["pairs_equal_local"] = pair_set(out_spark) == pair_set(out_local)
        rows[n]["spark"]["stories_equal_local"] = story_sets(out_spark) == story_sets(out_local)
        print(f"[{n}] spark: {rows[n]['spark']['seconds']} s", flush=True)
        shutil.rmtree(out_spark, ignore_errors=True)
        save()
    for n in sizes:
        shutil.rmtree(WORK / f"local-{n}", ignore_errors=True)
    save()
    print(markdown(result))


def spark_only(sizes: list[int]) -> None:
    """Spark at each size, compared with the local output of a main run (waited for)."""
    result: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "command": "python bench/bench_corpus.py " + " ".join(sys.argv[1:]),
        "spark": {},
    }
    for n in sizes:
        corpus = ensure_big_corpus(n)
        out_spark = WORK / f"spark-{n}"
        print(f"[{n}] spark local[2] ...", flush=True)
        row = run_cli([str(corpus), "--engine", "spark", "--spark-master", "local[2]"], out_spark)
        out_local = WORK / f"local-{n}"
        while not (out_local / "summary.json").exists():
            time.sleep(10)
        row["pairs_equal_local"] = pair_set(out_spark) == pair_set(out_local)
        row["stories_equal_local"] = story_sets(out_spark) == story_sets(out_local)
        print(f"[{n}] spark: {row['seconds']} s", flush=True)
        shutil.rmtree(out_spark, ignore_errors=True)
        result["spark"][str(n)] = row
        result["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        path = RESULTS / "corpus-spark.json"
        path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


def lsh_only(sizes: list[int]) -> None:
    """The peer at each size, against the local output of a main run (waited for)."""
    result: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python bench/bench_corpus.py " + " ".join(sys.argv[1:]),
        "lsh": {},
    }
    for n in sizes:
        corpus = ensure_big_corpus(n)
        out_local = WORK / f"local-{n}"
        while not (out_local / "summary.json").exists():
            time.sleep(10)
        pairs_file = WORK / f"pairs-lsh-{n}.jsonl"
        with pairs_file.open("w", encoding="utf-8") as f:
            for a, b in sorted(pair_set(out_local)):
                f.write(json.dumps([a, b]) + "\n")
        thresholds = LSH_THRESHOLDS if n == sizes[0] else LSH_THRESHOLDS[:1]
        rows = []
        for t in thresholds:
            print(f"[{n}] MinHashLSH t={t} ...", flush=True)
            rows.append(run_in_fresh_process(phase_lsh, str(corpus), t, str(pairs_file)))
        pairs_file.unlink()
        result["lsh"][str(n)] = rows
        result["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        path = RESULTS / "corpus-lsh.json"
        path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


def merge_spark() -> None:
    """Merge the Spark-only and peer-only runs (when present) into corpus.json and .md."""
    main_run = json.loads((RESULTS / "corpus.json").read_text(encoding="utf-8"))
    spark_path, lsh_path = RESULTS / "corpus-spark.json", RESULTS / "corpus-lsh.json"
    spark = json.loads(spark_path.read_text("utf-8")) if spark_path.exists() else {"spark": {}}
    lsh = json.loads(lsh_path.read_text("utf-8")) if lsh_path.exists() else {"lsh": {}}
    for row in main_run["sizes"]:
        if str(row["documents"]) in spark["spark"]:
            row["spark"] = spark["spark"][str(row["documents"])]
        if str(row["documents"]) in lsh["lsh"]:
            row["lsh"] = lsh["lsh"][str(row["documents"])]
    if lsh["lsh"]:
        main_run["lsh_run"] = {k: v for k, v in lsh.items() if k != "lsh"}
    main_run["growth"] = growth(main_run["sizes"])
    if spark["spark"]:
        main_run["spark_run"] = {k: v for k, v in spark.items() if k != "spark"}
    (RESULTS / "corpus.json").write_text(json.dumps(main_run, indent=1) + "\n", "utf-8")
    (RESULTS / "corpus.md").write_text(markdown(main_run), encoding="utf-8")


def growth(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for prev, cur in itertools.pairwise(rows):
        entry: dict[str, Any] = {"from": prev["documents"], "to": cur["documents"]}
        for engine in ("local", "spark"):
            if engine in prev and engine in cur:
                for what in ("seconds", "cpu_seconds"):
                    entry[f"{engine}_{what}_exponent"] = exponent(
                        prev["documents"],
                        prev[engine][what],
                        cur["documents"],
                        cur[engine][what],
                    )
        entry["pairs_exponent"] = exponent(
            prev["documents"], prev["local"]["pairs"], cur["documents"], cur["local"]["pairs"]
        )
        out.append(entry)
    return out


def run_header(r: dict[str, Any]) -> list[str]:
    """The machine and command lines of a results page (a run's ``machine``, ``command``,
    ``started``/``finished`` and load averages)."""
    m = r["machine"]
    return [
        f"- **Machine:** {m['cpu']}, `nproc` {m['nproc']}, {m['memory_gb']} GiB, "
        f"Python {m['python']}, {' '.join(m['java'])}.",
        f"- **Command:** `{r['command'].strip()}` (started {r['started']}, finished "
        f"{r.get('finished')}); load average before {r['load_average_before']}, after "
        f"{r.get('load_average_after')} (the machine is shared).",
    ]


def markdown(r: dict[str, Any]) -> str:
    lines = [
        "## Corpus mode: all-pairs reuse (issue 6)",
        "",
        *run_header(r),
        *(
            [
                f"- **Spark runs:** `{r['spark_run']['command'].strip()}`, run at the same time "
                f"as the local engine runs (started {r['spark_run']['started']}, "
                f"finished {r['spark_run'].get('finished')}), so the two competed for the 2 "
                "cores."
            ]
            if "spark_run" in r
            else []
        ),
        *(
            [
                f"- **Peer runs:** `{r['lsh_run']['command'].strip()}` (started "
                f"{r['lsh_run']['started']}, finished {r['lsh_run'].get('finished')}), also "
                "alongside the other runs."
            ]
            if "lsh_run" in r
            else []
        ),
        "- **Corpora:** `bench/corpus_big.py`: N/10,000 disjoint replicas of the 10,000-document "
        "corpus of `bench/corpus.py` (5,646 real articles from `../shared/data` and 4,354 "
        "content-farm composites), words suffixed per replica so replicas share no fingerprint.",
        "- **CPU time** is user + system time of the command and all its descendants "
        "(`os.wait4`, or psutil samples of the process tree for Spark's JVM); on a machine "
        "shared with other jobs it is the steadier figure, and "
        "CPU time / 2 is the wall time on 2 free cores.",
        "- **Peak memory:** the largest summed PSS of the command and all its descendant "
        "processes (workers, the Spark JVM and its Python workers; psutil, every 500 ms), and "
        "the largest RSS of a single process.",
        "",
        "| documents | engine | wall time (s) | CPU time, all processes (s) | "
        "peak PSS, all processes (MiB) | largest process RSS (MiB) | pairs | stories |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in r["sizes"]:
        for engine in ("local", "spark"):
            if engine not in row:
                continue
            e = row[engine]
            name = "local, 2 workers" if engine == "local" else "Spark local[2]"
            if engine == "spark":
                if e["stories_equal_local"] is None:  # a run from before a story-rule change
                    same = e["pairs_equal_local"]
                    name += " (same pairs; stories not compared)" if same else " (**differs**)"
                else:
                    same = e["pairs_equal_local"] and e["stories_equal_local"]
                    name += " (same pairs and stories)" if same else " (**differs from local**)"
            stories = "–" if e["stories"] is None else f"{e['stories']:,}"
            lines.append(
                f"| {row['documents']:,} | {name} | {e['seconds']:,} | {e['cpu_seconds']:,} | "
                f"{e['peak_pss_total_mb']:,} | {e['peak_rss_largest_process_mb']:,} | "
                f"{e['pairs']:,} | {stories} |"
            )
    lines += ["", "Growth (exponent k of time ~ N^k; 2 is quadratic):", ""]
    for g in r["growth"]:
        parts = [f"pairs k={g['pairs_exponent']}"]
        for engine, label in (("local", "local"), ("spark", "Spark")):
            if f"{engine}_seconds_exponent" in g:
                parts.append(
                    f"{label} wall time k={g[f'{engine}_seconds_exponent']}, "
                    f"CPU time k={g[f'{engine}_cpu_seconds_exponent']}"
                )
        lines.append(f"- {g['from']:,} -> {g['to']:,} documents: " + ", ".join(parts))
    lines += [
        "",
        "Peer: datasketch `MinHashLSH` (128 permutations, word 5-gram shingles), every document "
        "inserted then queried; recall is the share of our reuse pairs that LSH groups together.",
        "",
        "| documents | threshold | time (s) | peak RSS (MiB) | LSH pairs | pair recall of ours |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for row in r["sizes"]:
        for x in row.get("lsh", []):
            lines.append(
                f"| {row['documents']:,} | {x['threshold']} | {x['seconds']:,} | "
                f"{x['peak_rss_mb']:,} | {x['lsh_pairs']:,} | {x['pair_recall']} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
