"""Load bench of the HTTP service (issue 5): ``POST /v1/trace`` under concurrent clients.

One run:

1. builds (or reuses) an index of the ``bench/corpus.py`` corpus (10,000 documents by default)
   in ``bench/.cache/serve-<N>.db``, and copies it to a scratch folder so the run never
   changes the cached file;
2. starts ``wiretrace serve`` on loopback (a real uvicorn process, one worker);
3. warms it up, then for each client count (1, 4 and 16 by default) runs that many client
   threads for a fixed time. Each client keeps one HTTP connection and posts the queries of
   the corpus query set in turn (``{text, title, source, published_at, id}``); every request
   is timed from send to full response;
4. runs one more round with 4 trace clients while a writer posts batches of new documents to
   ``POST /v1/documents``, to show traces keep working during additions;
5. samples the server's RSS every 100 ms (peak per round) and reads its ``VmHWM`` at the end.

Any status other than 200, and any transport error, counts as an error; the error rate must
be 0 and the bench exits non-zero otherwise. The clients run on the same machine as the
server, so their CPU use is part of what is measured: figures are a floor for a dedicated host.

Usage::

    python bench/bench_serve.py                  # 10,000 documents, 15 s per round
    python bench/bench_serve.py --quick          # 1,000 documents, 3 s per round
    python bench/bench_serve.py --seconds 30 --clients 1,4,16,32

Results go to ``bench/results/serve.json`` and ``bench/results/serve.md``.

Mixed load (issue 12), ``--mixed``: the index also holds the 2,225 BBC articles of
``../shared/data/bbc-news``; for ``--seconds`` (60 by default in this mode) 16 clients post
ordinary traces, 2 clients post 1 MB traces (BBC articles run together, so every one has
sources), a writer adds batches of documents, and one more client asks ``/v1/health``
every 50 ms. Reported: health p50/p99, ordinary and 1 MB trace latencies (answered traces
only), throughput, the 503s by code, any other 5xx (must be 0), and the server's RSS (with its
worker processes). Each client stops at the deadline or after ``--max-requests``; a 503
``busy`` is retried after its ``Retry-After`` (capped at 1 s)::

    python bench/bench_serve.py --mixed                      # threads (the default mode)
    python bench/bench_serve.py --mixed --trace-processes 2  # worker processes

Results go to ``bench/results/serve-mixed[-pN].json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import iter_documents, latency_stats, machine, vm_hwm_mb, wiretrace_cmd
from corpus import DEFAULT_SEED, REPO_ROOT, ensure_corpus, read_jsonl

BBC = REPO_ROOT.parent / "shared" / "data" / "bbc-news" / "bbc_news.jsonl.gz"
RESULTS_DIR = REPO_ROOT / "bench" / "results"
CACHE_DIR = REPO_ROOT / "bench" / ".cache"
DEFAULT_LEVELS = (1, 4, 16)
WRITE_BATCH = 50


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def index_code_digest() -> str:
    """A digest of what decides what an index file holds: its format version, and the code
    that fingerprints, tokenizes and stores text. A cached index is reused while they are
    unchanged; code that only reads an index (look-ups, ranking) does not invalidate it."""
    from wiretrace.index.sqlite_file import FORMAT_VERSION

    src = REPO_ROOT / "src" / "wiretrace"
    files = sorted(
        [
            *src.glob("text/*"),
            src / "fingerprint.py",
            src / "index" / "base.py",
            src / "index" / "stored_text.py",
        ]
    )
    digest = hashlib.blake2b(FORMAT_VERSION.encode(), digest_size=6)
    for path in files:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def ensure_index(corpus: Path, n_docs: int) -> tuple[Path, float | None]:
    """The cached index of the corpus, built when missing; and the build time if built."""
    from wiretrace import open_index

    for old in CACHE_DIR.glob(f"serve-{n_docs}-s{DEFAULT_SEED}*.db*"):
        if index_code_digest() not in old.name:
            old.unlink()
    db = CACHE_DIR / f"serve-{n_docs}-s{DEFAULT_SEED}-{index_code_digest()}.db"
    if db.exists():
        with open_index(db, create=False, readonly=True) as index:
            if len(index) == n_docs:
                return db, None
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    start = time.perf_counter()
    with open_index(db) as index:
        index.add(iter_documents(corpus))
    return db, time.perf_counter() - start


class RssSampler(threading.Thread):
    """Samples the RSS of the server process and its children (trace worker processes, if
    any); ``mark()`` starts a new round and returns the last peak."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.peak = max(self.peak, self.total())
            except psutil.Error:
                return
            self.stop.wait(self.interval)

    def total(self) -> int:
        rss = self.proc.memory_info().rss
        for child in self.proc.children(recursive=True):
            with contextlib.suppress(psutil.Error):  # a child may exit meanwhile
                rss += child.memory_info().rss
        return int(rss)

    def mark(self) -> float:
        peak, self.peak = self.peak, 0
        return round(peak / 2**20, 1)

    def now_mb(self) -> float:
        return round(self.total() / 2**20, 1)


def start_server(
    db: Path, port: int, log: Path, trace_processes: int = 0
) -> subprocess.Popen[bytes]:
    cmd = [
        *wiretrace_cmd(),
        "serve",
        "--db",
        str(db),
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--trace-processes",
        str(trace_processes),
    ]
    env = {k: v for k, v in os.environ.items() if k != "WIRETRACE_TOKEN"}
    proc = subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited {proc.returncode}: {log.read_text()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"server did not start: {log.read_text()}")


def request_bodies(queries: list[dict[str, Any]]) -> list[bytes]:
    fields = ("id", "text", "title", "source", "published_at")
    return [json.dumps({k: q.get(k) for k in fields}).encode() for q in queries]


def _busy(code: int, response: httpx.Response | None) -> bool:
    """Whether an answer is admission control's 503 "busy" (retry after ``Retry-After``)."""
    return code == 503 and response is not None and '"busy"' in response.text


def run_round(
    base: str, bodies: list[bytes], clients: int, seconds: float, writer_docs: list[bytes] | None
) -> dict[str, Any]:
    """``clients`` threads posting traces for ``seconds``; optionally one writer adding.

    A 503 "busy" from admission control (``--trace-queue``, ``--trace-max-wait``) is not an
    error: the client waits as its ``Retry-After`` says (at most 1 s) and asks again, as a
    well-behaved client does; such answers are counted as ``shed_and_retried``, and a trace's
    latency runs from its first try to its answer."""
    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    statuses: dict[int, int] = {}
    shed = [0]  # 503 "busy" answers that were retried
    shed_at_end = [0]  # requests still answered 503 "busy" when the round ended
    written: dict[str, Any] = {"batches": 0, "documents": 0, "errors": 0, "error_samples": []}
    start_gate = threading.Barrier(clients + 1 + (1 if writer_docs else 0))
    deadline = 0.0

    def client() -> None:
        mine: list[float] = []
        with httpx.Client(
            base_url=base, timeout=120, headers={"content-type": "application/json"}
        ) as c:
            start_gate.wait()
            while time.perf_counter() < deadline:
                with lock:
                    body = bodies[next(counter) % len(bodies)]
                t0 = time.perf_counter()
                r: httpx.Response | None = None
                while True:
                    try:
                        r = c.post("/v1/trace", content=body)
                        r.read()
                        code = r.status_code
                    except httpx.HTTPError as exc:
                        code = -1
                        with lock:
                            errors.append(repr(exc))
                    if not _busy(code, r) or time.perf_counter() >= deadline:
                        break
                    # Shed by admission control: a client waits as told, then asks again.
                    with lock:
                        shed[0] += 1
                    time.sleep(min(float(r.headers.get("retry-after", 1)), 1.0))
                elapsed = time.perf_counter() - t0  # from the first try to the answer
                if _busy(code, r):  # still shed when the round ended: not answered, not failed
                    with lock:
                        shed_at_end[0] += 1
                    continue
                with lock:
                    statuses[code] = statuses.get(code, 0) + 1
                    if code == 200:
                        mine.append(elapsed)
                    elif r is not None:
                        errors.append(f"{code}: {r.text[:200]}")
        with lock:
            latencies.extend(mine)

    def writer() -> None:
        assert writer_docs is not None
        with httpx.Client(base_url=base, timeout=120) as c:
            start_gate.wait()
            batches = iter(writer_docs)
            while time.perf_counter() < deadline:
                body = next(batches, None)
                if body is None:
                    break
                r = c.post(
                    "/v1/documents", content=body, headers={"content-type": "application/x-ndjson"}
                )
                if r.status_code == 200:
                    written["batches"] += 1
                    written["documents"] += r.json()["added"]
                else:
                    written["errors"] += 1
                    written["error_samples"] = [*written["error_samples"], r.text[:200]][:3]

    threads = [threading.Thread(target=client) for _ in range(clients)]
    if writer_docs:
        threads.append(threading.Thread(target=writer))
    for t in threads:
        t.start()
    deadline = time.perf_counter() + seconds + 0.05
    began = time.perf_counter()
    start_gate.wait()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    total = sum(statuses.values())
    failed = total - statuses.get(200, 0)
    out: dict[str, Any] = {
        "clients": clients,
        "seconds": round(wall, 2),
        "requests": total,
        "ok": statuses.get(200, 0),
        "errors": failed,
        "error_rate": round(failed / total, 4) if total else None,
        "throughput_rps": round(statuses.get(200, 0) / wall, 2),
        "latency": latency_stats(latencies),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "shed_and_retried": shed[0],
        "shed_at_end": shed_at_end[0],
        "error_samples": errors[:5],
    }
    if writer_docs:
        out["writer"] = written
    return out


def in_process_round(
    db: Path, queries: list[dict[str, Any]], seconds: float, threads: int = 1
) -> dict[str, Any]:
    """The same queries traced in this process with no HTTP, for the same time, by ``threads``
    threads with a connection each: the floor the service is compared with in the same run
    (the machine may be shared, so absolute figures move between runs; the ratio moves much
    less)."""
    from wiretrace import Document, open_index, trace

    docs = [
        Document(q["id"], q["text"], q.get("title"), None, q.get("source"), q.get("published_at"))
        for q in queries
    ]
    latencies: list[float] = []
    lock = threading.Lock()
    counter = itertools.count()
    with open_index(db, create=False, readonly=True) as index:
        for doc in docs[:20]:
            trace(index, doc)  # warm the page cache like the server's warm-up
    began = time.perf_counter()
    deadline = began + seconds

    def client() -> None:
        with open_index(db, create=False, readonly=True) as own:
            while time.perf_counter() < deadline:
                doc = docs[next(counter) % len(docs)]
                t0 = time.perf_counter()
                trace(own, doc)
                with lock:
                    latencies.append(time.perf_counter() - t0)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    wall = time.perf_counter() - began
    return {
        "clients": "in-process" if threads == 1 else f"in-process x{threads}",
        "threads": threads,
        "seconds": round(wall, 2),
        "requests": len(latencies),
        "throughput_rps": round(len(latencies) / wall, 2),
        "latency": latency_stats(latencies),
    }


def batches_of(rows: list[dict[str, Any]]) -> list[bytes]:
    """JSONL request bodies of :data:`WRITE_BATCH` documents each."""
    return [
        "\n".join(json.dumps(r) for r in rows[i : i + WRITE_BATCH]).encode()
        for i in range(0, len(rows), WRITE_BATCH)
    ]


def writer_batches(corpus: Path, limit: int) -> list[bytes]:
    """JSONL batches of corpus documents under new ids, for the write round."""
    batches: list[bytes] = []
    lines: list[str] = []
    with corpus.open(encoding="utf-8") as rows:  # streamed: a million-document corpus is 4 GB
        for i, line in enumerate(itertools.islice(rows, limit)):
            lines.append(json.dumps({**json.loads(line), "id": f"bench-write/{i}"}))
            if len(lines) == WRITE_BATCH:
                batches.append("\n".join(lines).encode())
                lines = []
    return batches


def markdown(result: dict[str, Any]) -> str:
    m, c = result["machine"], result["corpus"]
    procs = result["server"]["trace_processes"]
    where = f"tracing in {procs} worker processes" if procs else "tracing in its threads"
    lines = [
        "## HTTP service: load bench of `POST /v1/trace`",
        "",
        f"Command: `{result['command']}` ({result['started']}).",
        "",
        f"Index: {c['documents']:,} documents from `bench/corpus.py` (seed {c['seed']}); "
        f"requests cycle through its {c['queries']} queries (synthetic composites, Wikinews "
        "rewrites, spun excerpts). One `wiretrace serve` process (uvicorn) on 127.0.0.1, "
        + where
        + "; client threads with keep-alive connections run on the same machine. Server RSS "
        "includes any worker processes.",
        "",
        f"Machine: {m['cpu']}, {m['nproc']} CPUs, {m['memory_gib']} GiB, Python {m['python']}, "
        f"SQLite {m['sqlite']}; load average before {result['load_average_before']} (the "
        "machine is shared).",
        "",
        "The first row traces the same queries in one process with no HTTP, in the same run, "
        "as the floor the service is compared with.",
        "",
        "| clients | seconds | requests | throughput (req/s) | p50 ms | p90 ms | p99 ms | "
        "errors | error rate | server RSS peak (MiB) | 503 busy, retried |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, label in (
        ("in_process", "no HTTP, in process"),
        ("in_process_4", "no HTTP, in process, 4 threads"),
    ):
        base = result.get(key)
        if base is None:
            continue
        lat = base["latency"]
        lines.append(
            f"| {label} | {base['seconds']} | {base['requests']} | "
            f"{base['throughput_rps']} | {lat.get('p50_ms', '-')} | {lat.get('p90_ms', '-')} | "
            f"{lat.get('p99_ms', '-')} | - | - | - | - |"
        )
    four = next((r for r in result["rounds"] if r["clients"] == 4 and "writer" not in r), None)
    if four and result.get("in_process_4"):
        ratio = four["throughput_rps"] / max(result["in_process_4"]["throughput_rps"], 1e-9)
        lines.append(f"| 4 clients / in process 4 threads | | | {ratio:.2f}x | | | | | | | |")
    for r in result["rounds"]:
        lat = r["latency"]
        name = str(r["clients"]) + (" + writer" if "writer" in r else "")
        lines.append(
            f"| {name} | {r['seconds']} | {r['requests']} | {r['throughput_rps']} | "
            f"{lat.get('p50_ms', '-')} | {lat.get('p90_ms', '-')} | {lat.get('p99_ms', '-')} | "
            f"{r['errors']} | {r['error_rate']} | {r['server_rss_peak_mb']} | "
            f"{r.get('shed_and_retried', '-')} |"
        )
    s = result["server"]
    writes = next((r["writer"] for r in result["rounds"] if "writer" in r), None)
    lines += [
        "",
        f"Server memory: {s['rss_idle_mb']} MiB RSS after start-up and warm-up, "
        f"{s['rss_end_mb']} MiB at the end (with any worker processes); high-water mark "
        f"(VmHWM) of the server process itself {s['vm_hwm_mb']} MiB.",
    ]
    if writes:
        lines.append(
            f"During the write round the writer added {writes['documents']:,} documents in "
            f"{writes['batches']} batches of {WRITE_BATCH} ({writes['errors']} failed) while "
            "the trace clients ran."
        )
    one = next((r for r in result["rounds"] if r["clients"] == 1 and "writer" not in r), None)
    if one and base["latency"] and one["latency"]:
        ratio = one["latency"]["p50_ms"] / base["latency"]["p50_ms"]
        rate = one["throughput_rps"] / base["throughput_rps"]
        lines.append(
            f"At 1 client the service's p50 is {ratio:.2f}x and its throughput {rate:.2f}x "
            "those of the in-process trace (the cost of HTTP, JSON and handing the trace to "
            + ("a worker process)." if procs else "a thread).")
        )
    lines.append(f"Error rate over all rounds: {result['error_rate']} (must be 0).")
    return "\n".join(lines) + "\n"


# -- mixed load (issue 12) ------------------------------------------------------------------------

LONG_BYTES = 1_000_000


def bbc_rows() -> list[dict[str, Any]]:
    if not BBC.exists():
        raise SystemExit(f"--mixed needs {BBC} (the project's shared data folder)")
    with gzip.open(BBC, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def long_bodies(rows: list[dict[str, Any]], count: int) -> list[bytes]:
    """``count`` different articles of about 1 MB, each BBC articles run together."""
    bodies = []
    for k in range(count):
        parts: list[str] = []
        size = 0
        for row in itertools.islice(itertools.cycle(rows), k * 97, None):
            parts.append(row["text"])
            size += len(row["text"].encode("utf-8")) + 2
            if size >= LONG_BYTES:
                break
        bodies.append(json.dumps({"id": f"long-{k}", "text": "\n\n".join(parts)}).encode())
    return bodies


def health_probe(base: str, deadline: float, latencies: list[float], failures: list[str]) -> None:
    """GET /v1/health every 50 ms until ``deadline``."""
    with httpx.Client(base_url=base, timeout=10) as c:
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                r = c.get("/v1/health")
                if r.status_code == 200:
                    latencies.append(time.perf_counter() - t0)
                else:
                    failures.append(str(r.status_code))
            except httpx.HTTPError as exc:
                failures.append(repr(exc))
            time.sleep(0.05)


def mixed_round(
    base: str,
    ordinary: list[bytes],
    long: list[bytes],
    writes: list[bytes],
    seconds: float,
    max_requests: int,
    clients: int,
    long_clients: int,
) -> dict[str, Any]:
    lock = threading.Lock()
    stats: dict[str, dict[str, Any]] = {
        kind: {"latencies": [], "statuses": {}, "codes": {}, "samples": []}
        for kind in ("ordinary", "long", "write")
    }
    deadline = time.perf_counter() + seconds
    counter = itertools.count()

    def record(kind: str, code: int, elapsed: float, response: httpx.Response | None) -> None:
        with lock:
            entry = stats[kind]
            entry["statuses"][code] = entry["statuses"].get(code, 0) + 1
            if code == 200:
                entry["latencies"].append(elapsed)
            elif response is not None and code >= 400:
                try:
                    error = response.json()["error"]["code"]
                except (ValueError, KeyError, TypeError):
                    error = response.text[:80]
                key = f"{code} {error}"
                entry["codes"][key] = entry["codes"].get(key, 0) + 1
            elif response is None and len(entry["samples"]) < 5:
                entry["samples"].append("transport error")

    def client(kind: str, bodies: list[bytes], path: str, content_type: str) -> None:
        with httpx.Client(base_url=base, timeout=120, headers={"content-type": content_type}) as c:
            for _ in range(max_requests):
                if time.perf_counter() >= deadline:
                    return
                body = bodies[next(counter) % len(bodies)]
                t0 = time.perf_counter()
                response: httpx.Response | None = None
                try:
                    response = c.post(path, content=body)
                    code = response.status_code
                except httpx.HTTPError:
                    code = -1
                record(kind, code, time.perf_counter() - t0, response)
                if code == 503 and response is not None and "retry-after" in response.headers:
                    time.sleep(min(1.0, float(response.headers["retry-after"])))

    health_latencies: list[float] = []
    health_failures: list[str] = []
    threads = [
        threading.Thread(
            target=health_probe, args=(base, deadline, health_latencies, health_failures)
        )
    ]
    threads += [
        threading.Thread(
            target=client, args=("ordinary", ordinary, "/v1/trace", "application/json")
        )
        for _ in range(clients)
    ]
    threads += [
        threading.Thread(target=client, args=("long", long, "/v1/trace", "application/json"))
        for _ in range(long_clients)
    ]
    threads.append(
        threading.Thread(
            target=client, args=("write", writes, "/v1/documents", "application/x-ndjson")
        )
    )
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    out: dict[str, Any] = {
        "seconds": round(wall, 1),
        "health": {
            "latency": latency_stats(health_latencies),
            "failures": len(health_failures),
            "failure_samples": health_failures[:5],
        },
    }
    for kind, entry in stats.items():
        ok = entry["statuses"].get(200, 0)
        out[kind] = {
            "requests": sum(entry["statuses"].values()),
            "ok": ok,
            "throughput_rps": round(ok / wall, 2),
            "latency": latency_stats(entry["latencies"]),
            "statuses": {str(k): v for k, v in sorted(entry["statuses"].items())},
            "errors": dict(sorted(entry["codes"].items())),
        }
    statuses = [
        (int(k), v)
        for e in out.values()
        if isinstance(e, dict) and "statuses" in e
        for k, v in e["statuses"].items()
    ]
    out["count_503"] = sum(v for k, v in statuses if k == 503)
    out["other_5xx"] = sum(v for k, v in statuses if k >= 500 and k != 503)
    out["transport_errors"] = sum(v for k, v in statuses if k == -1)
    return out


def mixed_markdown(result: dict[str, Any]) -> str:
    m, r, s = result["machine"], result["round"], result["server"]
    mode = (
        f"{s['trace_processes']} trace worker processes (+1 for long articles)"
        if s["trace_processes"]
        else "traces in the server's threads"
    )
    h, o, lg, w = r["health"], r["ordinary"], r["long"], r["write"]

    def lat(entry: dict[str, Any], key: str) -> str:
        return str(entry["latency"].get(key, "-"))

    return "\n".join(
        [
            f"### Mixed load, {mode}",
            "",
            f"Command: `{result['command']}` ({result['started']}); machine: {m['cpu']}, "
            f"{m['nproc']} CPUs, {m['memory_gib']} GiB, Python {m['python']}; load average "
            f"before {result['load_average_before']} (shared machine). Index: "
            f"{result['index_documents']:,} documents: the bench corpus "
            f"({result['corpus']['documents']:,}) and the {result['bbc']:,} BBC articles the 1 MB "
            f"traces are made of ({result['bbc_added']:,} of them not already in the corpus). "
            f"{result['clients']} ordinary trace clients, {result['long_clients']} "
            "clients of 1 MB traces, 1 writer (JSONL batches of 50), health asked every 50 ms "
            "by one more client thread.",
            "",
            "| | requests | answered 200 | throughput (/s) | p50 ms | p99 ms | max ms | refusals |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
            f"| `GET /v1/health` | {h['latency'].get('n', 0) + h['failures']} | "
            f"{h['latency'].get('n', 0)} | - | {lat(h, 'p50_ms')} | {lat(h, 'p99_ms')} | "
            f"{lat(h, 'max_ms')} | {h['failures']} failed |",
            *[
                f"| {name} | {e['requests']} | {e['ok']} | {e['throughput_rps']} | "
                f"{lat(e, 'p50_ms')} | {lat(e, 'p99_ms')} | {lat(e, 'max_ms')} | "
                f"{', '.join(f'{k}: {v}' for k, v in e['errors'].items()) or '-'} |"
                for name, e in (("ordinary trace", o), ("1 MB trace", lg), ("add documents", w))
            ],
            "",
            f"503s: {r['count_503']}; other 5xx: {r['other_5xx']} (must be 0); transport errors: "
            f"{r['transport_errors']}. Server RSS (with worker processes): {s['rss_idle_mb']} MiB "
            f"idle, peak {s['rss_peak_mb']} MiB, {s['rss_end_mb']} MiB at the end.",
            "",
        ]
    )


def mixed_main(args: argparse.Namespace, command: str) -> None:
    started = datetime.now(UTC).isoformat(timespec="seconds")
    load_before = [round(x, 2) for x in os.getloadavg()]
    files = ensure_corpus(args.docs, args.queries)
    queries = read_jsonl(files.queries)
    cached_db, _ = ensure_index(files.corpus, args.docs)
    rows = bbc_rows()
    with tempfile.TemporaryDirectory(prefix="wiretrace-serve-mixed-") as tmp:
        db = Path(tmp) / "index.db"
        for suffix in ("", "-wal"):
            if Path(f"{cached_db}{suffix}").exists():
                shutil.copy(f"{cached_db}{suffix}", f"{db}{suffix}")
        from wiretrace import Document, open_index

        with open_index(db) as index:  # the bench corpus may hold them already
            bbc_added = index.add(
                [
                    Document(f"bbc/{r['id']}", r["text"], r.get("title"), None, r.get("source"))
                    for r in rows
                    if r.get("text", "").strip()
                ]
            ).added
            index_documents = len(index)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_server(db, port, Path(tmp) / "server.log", args.trace_processes)
        sampler = RssSampler(proc.pid)
        sampler.start()
        try:
            run_round(base, request_bodies(queries), 2, args.warmup, None)
            sampler.mark()
            rss_idle = sampler.now_mb()
            r = mixed_round(
                base,
                request_bodies(queries),
                long_bodies(rows, 4),
                writer_batches(files.corpus, 5_000),
                args.seconds,
                args.max_requests,
                16,
                2,
            )
            rss_peak = sampler.mark()
            rss_end = sampler.now_mb()
        finally:
            sampler.stop.set()
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log_tail = (Path(tmp) / "server.log").read_text(errors="replace")[-2000:]
    result = {
        "started": started,
        "command": command,
        "machine": machine(),
        "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "corpus": {"documents": args.docs, "queries": len(queries)},
        "bbc": len(rows),
        "bbc_added": bbc_added,
        "index_documents": index_documents,
        "clients": 16,
        "long_clients": 2,
        "server": {
            "trace_processes": args.trace_processes,
            "rss_idle_mb": rss_idle,
            "rss_peak_mb": rss_peak,
            "rss_end_mb": rss_end,
        },
        "round": r,
        "server_log_tail": log_tail,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    name = "serve-mixed" + (f"-p{args.trace_processes}" if args.trace_processes else "")
    (args.out / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n")
    md = mixed_markdown(result)
    (args.out / f"{name}.md").write_text(md)
    print(md)
    if r["other_5xx"]:
        raise SystemExit(f"{r['other_5xx']} responses were 5xx other than 503")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, default=10_000, help="corpus size")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=15.0, help="duration of each round")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument(
        "--clients",
        default=",".join(map(str, DEFAULT_LEVELS)),
        help="comma-separated client counts",
    )
    parser.add_argument("--no-write-round", action="store_true")
    parser.add_argument(
        "--trace-processes",
        type=int,
        default=0,
        help="pass --trace-processes N to the server (0: trace in threads)",
    )
    parser.add_argument("--quick", action="store_true", help="1,000 documents, 3 s rounds")
    parser.add_argument(
        "--mixed",
        action="store_true",
        help="the mixed load of issue 12 (ordinary + 1 MB traces + a writer)",
    )
    parser.add_argument(
        "--max-requests", type=int, default=2_000, help="--mixed: most requests per client"
    )
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    parser.add_argument(
        "--million",
        action="store_true",
        help="the news-like corpus and index of bench_million.py (issue 16)",
    )
    parser.add_argument(
        "--optimized",
        action="store_true",
        help="--million: serve the copy of the index after 'wiretrace optimize'",
    )
    parser.add_argument(
        "--index",
        type=Path,
        help="--million: serve this index file (a copy of it) instead of the cached one "
        "(with --optimized: one made by 'wiretrace optimize'; names the results)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.docs, args.queries, args.seconds, args.warmup = 1_000, 40, 3.0, 1.0
    levels = [int(x) for x in args.clients.split(",") if x.strip()]
    command = (
        "python bench/bench_serve.py"
        + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip()
    )
    if args.mixed:
        if "--seconds" not in (argv if argv is not None else sys.argv[1:]):
            args.seconds = 60.0
        mixed_main(args, command)
        return
    started = datetime.now(UTC).isoformat(timespec="seconds")
    load_before = [round(x, 2) for x in os.getloadavg()]

    if args.million:
        from bench_million import QUERIES, indexed, optimized
        from corpus_million import ensure_million

        files = ensure_million(args.docs, QUERIES)
        if args.index:
            cached_db, built = args.index, {}
        else:
            with tempfile.TemporaryDirectory() as scratch:
                cached_db, built = indexed(args.docs, files.corpus, Path(scratch))
                if args.optimized:
                    cached_db, _ = optimized(cached_db, Path(scratch))
        build_seconds = built.get("seconds")
    else:
        files = ensure_corpus(args.docs, args.queries)
        cached_db, build_seconds = ensure_index(files.corpus, args.docs)
    queries = read_jsonl(files.queries)
    bodies = request_bodies(queries)
    in_process = in_process_round(cached_db, queries, args.seconds)
    in_process_4 = in_process_round(cached_db, queries, args.seconds, threads=4)
    for r in (in_process, in_process_4):
        print(
            f"{r['clients']}: {r['throughput_rps']:7.2f} traces/s, "
            f"p50 {r['latency'].get('p50_ms')} ms",
            file=sys.stderr,
        )

    with tempfile.TemporaryDirectory(prefix="wiretrace-serve-bench-") as tmp:
        db = Path(tmp) / "index.db"
        for suffix in ("", "-wal"):  # a read-only check may leave a WAL beside the file
            if Path(f"{cached_db}{suffix}").exists():
                shutil.copy(f"{cached_db}{suffix}", f"{db}{suffix}")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_server(db, port, Path(tmp) / "server.log", args.trace_processes)
        sampler = RssSampler(proc.pid)
        sampler.start()
        rounds: list[dict[str, Any]] = []
        try:
            warm = run_round(base, bodies, 2, args.warmup, None)
            if warm["errors"]:
                raise SystemExit(f"errors during warm-up: {warm['error_samples']}")
            sampler.mark()
            rss_idle = sampler.now_mb()
            for clients in levels:
                r = run_round(base, bodies, clients, args.seconds, None)
                r["server_rss_peak_mb"] = sampler.mark()
                rounds.append(r)
                print(
                    f"{clients:>3} clients: {r['throughput_rps']:7.2f} req/s, "
                    f"p50 {r['latency'].get('p50_ms')} ms, p99 {r['latency'].get('p99_ms')} "
                    f"ms, errors {r['errors']}",
                    file=sys.stderr,
                )
            if not args.no_write_round:
                if args.million:  # the next days' news: texts the index does not hold
                    from corpus_million import later_articles

                    writes = batches_of(later_articles(args.docs, 2_000))
                else:
                    writes = writer_batches(files.corpus, 5_000)
                r = run_round(base, bodies, 4, args.seconds, writes)
                r["server_rss_peak_mb"] = sampler.mark()
                rounds.append(r)
                print(
                    f"  4 clients + writer: {r['throughput_rps']:7.2f} req/s, "
                    f"{r['writer']['documents']} documents added, errors {r['errors']}",
                    file=sys.stderr,
                )
            rss_end = sampler.now_mb()
            hwm = vm_hwm_mb(proc.pid)
        finally:
            sampler.stop.set()
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    total = sum(r["requests"] for r in rounds)
    failed = sum(r["errors"] for r in rounds)
    result = {
        "started": started,
        "command": command,
        "machine": machine(),
        "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "corpus": {
            "documents": args.docs,
            "queries": len(queries),
            "seed": DEFAULT_SEED,
            "file": str(files.corpus.relative_to(REPO_ROOT)),
            "index_build_seconds": round(build_seconds, 1) if build_seconds else None,
        },
        "server": {
            "trace_processes": args.trace_processes,
            "rss_idle_mb": rss_idle,
            "rss_end_mb": rss_end,
            "vm_hwm_mb": round(hwm, 1) if hwm is not None else None,
        },
        "in_process": in_process,
        "in_process_4": in_process_4,
        "rounds": rounds,
        "requests": total,
        "errors": failed,
        "error_rate": round(failed / total, 4) if total else None,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.docs == 10_000 and not args.million else f"-{args.docs}"
    suffix = f"-million{suffix}" if args.million else suffix
    suffix += "-optimized" if args.million and args.optimized else ""
    suffix += f"-p{args.trace_processes}" if args.trace_processes else ""
    (args.out / f"serve{suffix}.json").write_text(json.dumps(result, indent=1) + "\n")
    md = markdown(result)
    (args.out / f"serve{suffix}.md").write_text(md)
    print(md)
    if failed:
        raise SystemExit(f"error rate {result['error_rate']} is not 0")
    write_errors = sum(r.get("writer", {}).get("errors", 0) for r in rounds)
    if write_errors:
        raise SystemExit(f"{write_errors} document batches failed during the write round")


if __name__ == "__main__":
    main()
