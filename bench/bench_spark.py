"""Benchmark of corpus mode on Spark (issue 17): the same job on the local engine, Spark in
``local[2]``, and a Spark standalone cluster on this machine, in one run; and where Spark's
time goes, from its event logs.

For each corpus size (the replica corpora of ``bench/corpus_big.py``, as in
``bench/bench_corpus.py``) it runs ``wiretrace corpus reuse`` through the CLI:

a. ``--engine local --workers 2``;
b. ``--engine spark --spark-master local[2]`` (one JVM, two executor threads);
c. ``--engine spark --spark-master spark://127.0.0.1:PORT`` on a standalone cluster started
   for the run by ``bench/spark_cluster.py``: a master and two workers of one core each, each
   its own JVM, started before the clock starts and stopped after.

Each run records wall time, CPU time (user + system of every process of the job: the command
and its descendants, and for the cluster also the master, workers and executors, counted from
the start of the run) and peak memory (the largest summed PSS of those processes). The Spark
runs write event logs; the profile lists, per stage, its wall time, summed task time, the
bytes sent to and returned from Python workers, shuffle bytes, and the time to start Python
workers. Agreement: the pairs, stories and outlet figures of each Spark run are compared with
the local engine's.

Usage::

    python bench/bench_spark.py --sizes 10000 100000
    python bench/bench_spark.py --sizes 2000 --engines local cluster    # a smoke run

Results go to ``bench/results/spark.json`` and ``bench/results/spark.md``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_corpus import machine, pair_set, story_sets, wiretrace_cmd
from corpus import REPO_ROOT
from corpus_big import ensure_big_corpus
from spark_cluster import SparkCluster

RESULTS = REPO_ROOT / "bench" / "results"
WORK = REPO_ROOT / "bench" / ".cache" / "spark-runs"
ENGINES = ("local", "local2", "cluster")
# Task metrics summed per stage in the profile (names as Spark's event log writes them).
_PYTHON_ACCUMULATORS = (
    "data sent to Python workers",
    "data returned from Python workers",
    "time to start Python workers",
    "time to initialize Python workers",
    "time to execute Python code",
)


class Sampler:
    """Samples the processes under some root pids: CPU time used since the sampler started,
    and the largest summed PSS."""

    def __init__(self, roots: list[int], interval: float = 0.5) -> None:
        self.roots = roots
        self.interval = interval
        self.peak_pss = 0
        self.cpu: dict[int, float] = {}
        self.base: dict[int, float] = {}
        for p in self._processes():
            try:
                t = p.cpu_times()
            except psutil.Error:
                continue
            self.base[p.pid] = t.user + t.system
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _processes(self) -> list[psutil.Process]:
        found: dict[int, psutil.Process] = {}
        for pid in self.roots:
            try:
                root = psutil.Process(pid)
                found[pid] = root
                found.update((c.pid, c) for c in root.children(recursive=True))
            except psutil.Error:
                continue
        return list(found.values())

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for p in self._processes():
                try:
                    info = p.memory_full_info()
                    t = p.cpu_times()
                except psutil.Error:
                    continue
                self.cpu[p.pid] = t.user + t.system - self.base.get(p.pid, 0.0)
                total += info.pss
            self.peak_pss = max(self.peak_pss, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_reuse_cli(
    args: list[str], out: Path, also: list[int], env: dict[str, str]
) -> dict[str, Any]:
    """``wiretrace corpus reuse ARGS --out OUT``: wall time, CPU time and peak PSS of the
    command's process tree and of the trees under ``also`` (a cluster's daemons)."""
    if out.exists():
        shutil.rmtree(out)
    cmd = [*wiretrace_cmd(), "corpus", "reuse", *args, "--out", str(out), "--quiet", "--json"]
    started = datetime.now(UTC).isoformat(timespec="seconds")
    log, answer = out.with_name(out.name + ".log"), out.with_name(out.name + ".json")
    with log.open("w") as err, answer.open("w") as said:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=said, stderr=err, stdin=subprocess.DEVNULL, env=env)
        with Sampler([proc.pid]) as own, Sampler(also) as cluster:
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"failed ({code}): {' '.join(cmd)}\n{log.read_text()[-3000:]}")
    stdout = answer.read_text(encoding="utf-8")
    # wait4 counts the descendants the command reaped (pool workers), the samples those it did
    # not (the Spark JVM and its Python workers) but miss a process's last half second: the
    # larger is kept. A cluster's daemons and executors are sampled from the start of the run.
    own_cpu = max(usage.ru_utime + usage.ru_stime, sum(own.cpu.values()))
    summary = json.loads(stdout)
    return {
        "command": " ".join(["wiretrace", *cmd[len(wiretrace_cmd()) :]]),
        "started": started,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(own_cpu + sum(cluster.cpu.values()), 1),
        "peak_pss_mb": round((own.peak_pss + cluster.peak_pss) / 2**20, 1),
        "pairs": summary["pairs"],
        "stories": summary["families"],
        "outlets": summary["outlets"],
        "stage_seconds": summary["seconds"],
    }


def outlet_rows(out: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = pq.read_table(out / "outlets.parquet").to_pylist()
    return sorted(rows, key=lambda r: str(r["outlet"]))


def agreement(out: Path, local: Path) -> dict[str, bool]:
    return {
        "pairs_equal_local": pair_set(out) == pair_set(local),
        "stories_equal_local": story_sets(out) == story_sets(local),
        "outlets_equal_local": outlet_rows(out) == outlet_rows(local),
    }


def event_log_conf(folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        "--spark-conf",
        "spark.eventLog.enabled=true",
        "--spark-conf",
        f"spark.eventLog.dir={folder.resolve().as_uri()}",
    ]


def _event_lines(folder: Path) -> list[dict[str, Any]]:
    import zstandard

    events: list[dict[str, Any]] = []
    for f in sorted(folder.rglob("events_*")) + sorted(folder.glob("*.json")):
        with f.open("rb") as raw:
            stream = zstandard.ZstdDecompressor().stream_reader(raw) if f.suffix == ".zstd" else raw
            events.extend(json.loads(line) for line in io.TextIOWrapper(stream, "utf-8"))
    return events


def profile(folder: Path) -> dict[str, Any]:
    """Per stage of a Spark application's event log: wall time, task time and its parts."""
    stages: dict[int, dict[str, Any]] = {}
    tasks: dict[int, Counter[str]] = defaultdict(Counter)
    app: dict[str, int] = {}
    described: dict[int, str] = {}
    for e in _event_lines(folder):
        kind = e["Event"]
        if kind == "SparkListenerApplicationStart":
            app["start"] = e["Timestamp"]
        elif kind == "SparkListenerApplicationEnd":
            app["end"] = e["Timestamp"]
        elif kind == "SparkListenerStageSubmitted":
            props = e.get("Properties") or {}
            described[e["Stage Info"]["Stage ID"]] = props.get("spark.job.description", "")
        elif kind == "SparkListenerStageCompleted":
            stages[e["Stage Info"]["Stage ID"]] = e["Stage Info"]
        elif kind == "SparkListenerTaskEnd":
            t = tasks[e["Stage ID"]]
            m = e.get("Task Metrics") or {}
            t["tasks"] += 1
            t["task_ms"] += m.get("Executor Run Time", 0)
            t["cpu_ms"] += m.get("Executor CPU Time", 0) / 1e6
            t["gc_ms"] += m.get("JVM GC Time", 0)
            t["deserialize_ms"] += m.get("Executor Deserialize Time", 0)
            read = m.get("Shuffle Read Metrics", {})
            t["shuffle_read_bytes"] += read.get("Remote Bytes Read", 0) + read.get(
                "Local Bytes Read", 0
            )
            t["shuffle_write_bytes"] += m.get("Shuffle Write Metrics", {}).get(
                "Shuffle Bytes Written", 0
            )
            for acc in e["Task Info"].get("Accumulables", []):
                if acc.get("Name") in _PYTHON_ACCUMULATORS:
                    t[acc["Name"]] += int(acc.get("Update", 0))
    rows = []
    for sid, info in sorted(stages.items(), key=lambda kv: kv[1].get("Submission Time", 0)):
        wall = (info.get("Completion Time", 0) - info.get("Submission Time", 0)) / 1000
        rows.append(
            {
                "stage": sid,
                "job": described.get(sid) or info["Stage Name"][:40],
                "wall_seconds": round(wall, 1),
            }
            | {k: round(v, 1) for k, v in tasks[sid].items()}
        )
    return {"application_seconds": (app.get("end", 0) - app.get("start", 0)) / 1000, "stages": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument(
        "--executor-memory", default="3g", help="per executor of the standalone cluster"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the figures of bench/results/spark.json for the sizes and engines not run "
        "now (one table from several runs; each run is listed)",
    )
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "machine": machine(),
        "command": "python bench/bench_spark.py " + " ".join(sys.argv[1:]),
        "sizes": [],
        "earlier_runs": [],
    }
    kept: dict[int, dict[str, Any]] = {}
    if args.keep and (RESULTS / "spark.json").exists():
        old = json.loads((RESULTS / "spark.json").read_text(encoding="utf-8"))
        kept = {r["documents"]: r for r in old["sizes"]}
        said = ("command", "started", "finished", "load_average_before", "load_average_after")
        result["earlier_runs"] = [*old.get("earlier_runs", []), {k: old.get(k) for k in said}]
        result["sizes"] = [kept[n] for n in sorted(kept) if n not in args.sizes]

    def save() -> None:
        result["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "spark.json").write_text(json.dumps(result, indent=1) + "\n", "utf-8")
        (RESULTS / "spark.md").write_text(markdown(result), encoding="utf-8")

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    for n in sorted(args.sizes):
        corpus = str(ensure_big_corpus(n))
        row: dict[str, Any] = kept.get(n, {"documents": n})
        result["sizes"].append(row)
        result["sizes"].sort(key=lambda r: r["documents"])
        local = WORK / f"local-{n}"
        if "local" in args.engines or "local" not in row or not (local / "summary.json").exists():
            print(f"[{n}] local engine ...", flush=True)
            row["local"] = run_reuse_cli(
                [corpus, "--engine", "local", "--workers", "2"], local, [], env
            )
            save()
        if "local2" in args.engines:
            print(f"[{n}] spark local[2] ...", flush=True)
            out, events = WORK / f"local2-{n}", WORK / f"events-local2-{n}"
            shutil.rmtree(events, ignore_errors=True)
            spark_args = ["--engine", "spark", "--spark-master", "local[2]"]
            row["local2"] = run_reuse_cli(
                [corpus, *spark_args, *event_log_conf(events)], out, [], env
            )
            row["local2"] |= agreement(out, local)
            row["local2"]["profile"] = profile(events)
            shutil.rmtree(out, ignore_errors=True)
            save()
        if "cluster" in args.engines:
            print(f"[{n}] spark standalone cluster ...", flush=True)
            out, events = WORK / f"cluster-{n}", WORK / f"events-cluster-{n}"
            shutil.rmtree(events, ignore_errors=True)
            folder = WORK / f"cluster-daemons-{n}"
            shutil.rmtree(folder, ignore_errors=True)
            with SparkCluster(folder, workers=2, memory="4g", env=env) as cluster:
                spark_args = [
                    "--engine",
                    "spark",
                    "--spark-master",
                    cluster.master_url,
                    "--spark-conf",
                    f"spark.executor.memory={args.executor_memory}",
                ]
                row["cluster"] = run_reuse_cli(
                    [corpus, *spark_args, *event_log_conf(events)],
                    out,
                    [d.pid for d in cluster.daemons],
                    cluster.driver_env(env),
                )
            row["cluster"] |= agreement(out, local)
            row["cluster"]["profile"] = profile(events)
            shutil.rmtree(out, ignore_errors=True)
            save()
    save()
    print(markdown(result))


def markdown(r: dict[str, Any]) -> str:
    names = {
        "local": "local, 2 workers",
        "local2": "Spark local[2]",
        "cluster": "Spark standalone, 2 workers x 1 core",
    }
    lines = [
        f"- **Command:** `{r['command']}` (started {r['started']}, finished "
        f"{r.get('finished', '?')}); load average before {r['load_average_before']}, after "
        f"{r.get('load_average_after', '?')}",
        *(
            f"- **Earlier run kept:** `{e['command']}` (started {e['started']}, finished "
            f"{e['finished']}); load average before {e['load_average_before']}, after "
            f"{e['load_average_after']}"
            for e in r.get("earlier_runs", [])
        ),
        f"- **Machine:** {r['machine']}",
        "",
        "| documents | engine | wall (s) | CPU, all processes (s) | peak PSS (MiB) | pairs "
        "| stories | wall / local | CPU / local | same pairs, stories, outlets |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in r["sizes"]:
        base = row.get("local")
        for key in ENGINES:
            got = row.get(key)
            if got is None:
                continue
            ratio = cpu = agree = "–"
            if base and key != "local":
                ratio = f"{got['seconds'] / base['seconds']:.2f}"
                cpu = f"{got['cpu_seconds'] / base['cpu_seconds']:.2f}"
                agree = ", ".join(
                    "yes" if got.get(f"{x}_equal_local") else "NO"
                    for x in ("pairs", "stories", "outlets")
                )
            lines.append(
                f"| {row['documents']:,} | {names[key]} | {got['seconds']:,} | "
                f"{got['cpu_seconds']:,} | {got['peak_pss_mb']:,} | {got['pairs']:,} | "
                f"{got['stories']:,} | {ratio} | {cpu} | {agree} |"
            )
    for row in r["sizes"]:
        for key in ("local2", "cluster"):
            got = row.get(key)
            if not got or "profile" not in got:
                continue
            lines += [
                "",
                f"Profile, {names[key]}, {row['documents']:,} documents "
                f"(application {got['profile']['application_seconds']:.1f} s):",
                "",
                "| stage | wall (s) | tasks | task time (s) | executor CPU (s) | to Python (MB) "
                "| from Python (MB) | shuffle write (MB) | Python start + init (s) |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
            ]
            for s in got["profile"]["stages"]:
                if s["wall_seconds"] < 0.5:
                    continue
                start = s.get("time to start Python workers", 0) + s.get(
                    "time to initialize Python workers", 0
                )
                lines.append(
                    f"| {s['stage']} ({s['job']}) | {s['wall_seconds']} | {s.get('tasks', 0):.0f} "
                    f"| {s.get('task_ms', 0) / 1000:.1f} | {s.get('cpu_ms', 0) / 1000:.1f} "
                    f"| {s.get('data sent to Python workers', 0) / 1e6:.1f} "
                    f"| {s.get('data returned from Python workers', 0) / 1e6:.1f} "
                    f"| {s.get('shuffle_write_bytes', 0) / 1e6:.1f} | {start / 1000:.1f} |"
                )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
