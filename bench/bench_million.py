"""The growth curve of issue 16: index and trace on the news-like corpus at 10k, 100k and 1M.

For each size N, on the corpus of ``bench/corpus_million.py`` (one shared Zipf-like
vocabulary, so common words keep their real document frequencies as N grows):

- ``wiretrace index`` through the CLI, as a user runs it: wall and CPU time, documents a
  second, peak memory;
- the index file: bytes a document, and what each table costs a document (SQLite's
  ``dbstat``);
- in process, in a fresh interpreter: trace latency p50/p99 over the query mix (400 queries:
  wire copies, spun composites, rewrites, articles with no source; each traced once to warm
  up, then timed), and recall@5 of the true sources by kind, among the trace's sources and
  among the source ranking's top five (``rank_sources``, the candidates a trace aligns).

An index is kept under ``bench/.cache/`` with its figures beside it, and reused while the code
that decides what an index holds is unchanged (``bench_serve.index_code_digest``).

Usage::

    python bench/bench_million.py                          # 10,000 and 100,000 documents
    python bench/bench_million.py --sizes 10000,100000,1000000
    python bench/bench_million.py --sizes 10000,100000,1000000 --plot docs/growth-curve.png

Each size's figures are saved in ``bench/results/million-<N>.json``; ``--plot`` draws the
curve from those files (no measuring). ``--add 10000`` indexes 10,000 new articles into a copy
of each size's index and into an empty index, and compares the two rates
(``bench/results/million-add-<N>-10000.json``). ``--optimize`` measures a copy of each index
after ``wiretrace optimize`` (its time too); ``--one-shot`` adds ``wiretrace trace`` run once a
process, with the OS page cache warm and emptied (root only).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_core import (  # noqa: E402
    cli_index,
    cli_startup,
    index_size,
    machine,
    phase_trace,
    run_in_fresh_process,
    run_timed,
    wiretrace_cmd,
)
from bench_serve import index_code_digest  # noqa: E402
from corpus import CACHE_DIR  # noqa: E402
from corpus_million import ensure_million  # noqa: E402

QUERIES = 400
RESULTS = ROOT / "bench" / "results"


def indexed(n_docs: int, corpus: Path, workdir: Path) -> tuple[Path, dict[str, Any]]:
    """The cached index of the ``n_docs`` corpus and its indexing figures (built when
    missing or made by other index code)."""
    key = f"{corpus.stem}-{index_code_digest()}"  # the corpus's version and the index code
    for old in CACHE_DIR.glob(f"million-index-{n_docs}-*"):
        if key not in old.name:
            old.unlink()
    db = CACHE_DIR / f"million-index-{n_docs}-{key}.db"
    figures = db.with_suffix(".json")
    if db.exists() and figures.exists():
        return db, json.loads(figures.read_text(encoding="utf-8"))
    for part in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        part.unlink(missing_ok=True)
    result = cli_index(corpus, db, workdir)
    if "error" in result:
        raise SystemExit(f"indexing {n_docs:,} documents failed: {result['error']}")
    figures.write_text(json.dumps(result), encoding="utf-8")
    return db, result


def optimized(db: Path, workdir: Path) -> tuple[Path, dict[str, Any]]:
    """A copy of the cached index after ``wiretrace optimize`` (cached beside it), and the
    command's figures: wall and CPU time, peak memory, and its own report."""
    out = db.with_name(db.stem + "-optimized.db")
    figures = out.with_suffix(".json")
    if out.exists() and figures.exists():
        return out, json.loads(figures.read_text(encoding="utf-8"))
    for part in (out, Path(f"{out}-wal"), Path(f"{out}-shm")):
        part.unlink(missing_ok=True)
    shutil.copyfile(db, out)
    res = run_timed([*wiretrace_cmd(), "optimize", "--db", str(out), "--json"], workdir)
    if res.code != 0:
        raise SystemExit(f"optimize failed: {res.stderr.strip()[-600:]}")
    result = {
        "seconds": round(res.seconds, 1),
        "cpu_seconds": round(res.cpu_seconds, 1),
        "peak_rss_mb": round(res.maxrss_mb, 1),
        "report": json.loads(res.stdout),
    }
    figures.write_text(json.dumps(result), encoding="utf-8")
    return out, result


def drop_os_cache() -> bool:
    """Empty the OS page cache (root on Linux only); whether it was done."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("1\n")
    except OSError:
        return False
    return True


def one_shot_traces(
    db: Path, queries_path: Path, workdir: Path, per_kind: int = 3
) -> dict[str, Any]:
    """``wiretrace trace --json`` as a user runs it once, a fresh process a query: with the
    index's pages in the OS cache (``warm``), and after emptying that cache (``cold``, when
    this process may). ``per_kind`` queries of each kind, the same in both."""
    from bench_core import latency_stats
    from corpus import read_jsonl

    queries = read_jsonl(queries_path)
    picked: list[dict[str, Any]] = []
    for kind in sorted({q["kind"] for q in queries}):
        picked += [q for q in queries if q["kind"] == kind][:per_kind]
    base = [*wiretrace_cmd(), "trace", "--db", str(db), "--json"]
    result: dict[str, Any] = {"queries": len(picked)}
    for mode in ("warm", "cold"):
        seconds: dict[str, list[float]] = {}
        for i, q in enumerate(picked):
            path = workdir / f"one-shot-{i:03d}.txt"
            path.write_text(q["text"], encoding="utf-8")
            if mode == "cold" and not drop_os_cache():
                result["cold"] = "not measured: cannot empty the OS page cache"
                break
            res = run_timed([*base, str(path)], workdir, timeout=600)
            if res.code != 0:
                raise SystemExit(f"trace failed: {res.stderr.strip()[-600:]}")
            seconds.setdefault(q["kind"], []).append(res.seconds)
        else:
            every = [x for xs in seconds.values() for x in xs]
            result[mode] = {
                "all": latency_stats(every),
                "max_s_by_kind": {k: round(max(v), 3) for k, v in sorted(seconds.items())},
            }
    return result


def phase_rank(db: str, queries_path: str) -> dict[str, Any]:
    """Source ranking alone (``wiretrace.rank.rank_sources``, what a trace aligns against):
    recall@5 of the true sources by kind, and its latency (each query ranked once to warm up,
    then timed)."""
    import time

    from bench_core import latency_stats, query_documents, recall_at_k
    from corpus import read_jsonl

    import wiretrace
    from wiretrace.rank import rank_sources

    queries = read_jsonl(Path(queries_path))
    hits: dict[str, list[str]] = {}
    latencies: list[float] = []
    docs = query_documents(queries)
    with wiretrace.open_index(db, create=False) as index:
        for doc in docs:  # warm up, as phase_trace does: the first rankings count terms
            rank_sources(index, doc)
        for doc in docs:
            start = time.perf_counter()
            hits[doc.id] = [r.doc_id for r in rank_sources(index, doc)]
            latencies.append(time.perf_counter() - start)
    return {"latency": latency_stats(latencies), "recall": recall_at_k(hits, queries)}


def measure(
    n_docs: int, workdir: Path, *, optimize: bool = False, one_shot: bool = False
) -> dict[str, Any]:
    files = ensure_million(n_docs, QUERIES)
    db, index = indexed(n_docs, files.corpus, workdir)
    extra: dict[str, Any] = {}
    if optimize:
        db, extra["optimize"] = optimized(db, workdir)
    size = index_size(db, files.corpus)
    if one_shot:
        extra["one_shot"] = one_shot_traces(db, files.queries, workdir)
    trace = run_in_fresh_process(phase_trace, str(db), str(files.queries))
    rank = run_in_fresh_process(phase_rank, str(db), str(files.queries))
    docs = max(index["documents"], 1)
    return {
        "documents": index["documents"],
        **extra,
        "index": index,
        "size": size,
        "table_bytes_per_doc": {
            name: round(b / docs, 1) for name, b in sorted(size["table_bytes"].items())
        },
        "trace": trace,
        "rank": rank,
    }


def markdown(rows: list[dict[str, Any]]) -> str:
    kinds = sorted({k for r in rows for k in r["trace"]["recall"]})
    head = (
        "| documents | index docs/s | index peak MB | bytes a document | trace p50 ms | "
        "trace p99 ms | trace peak MB | "
        + " | ".join(f"trace recall@5 {k}" for k in kinds)
        + " | "
        + " | ".join(f"rank recall@5 {k}" for k in kinds)
        + " |"
    )
    lines = [head, "|" + "---|" * (7 + 2 * len(kinds))]
    for r in rows:
        t, recall = r["trace"], r["trace"]["recall"]
        lines.append(
            f"| {r['documents']:,} | {r['index']['docs_per_s']:,.0f} | "
            f"{r['index']['peak_rss_mb']:,.0f} | {r['size']['bytes_per_doc']:,.0f} | "
            f"{t['latency']['p50_ms']:.1f} | {t['latency']['p99_ms']:.1f} | "
            f"{t.get('peak_rss_mb') or 0:,.0f} | "
            + " | ".join(f"{recall.get(k, {}).get('recall_at_5', float('nan')):.3f}" for k in kinds)
            + " | "
            + " | ".join(
                f"{r['rank']['recall'].get(k, {}).get('recall_at_5', float('nan')):.3f}"
                for k in kinds
            )
            + " |"
        )
    return "\n".join(lines)


def n_docs_stored(db: Path) -> int:
    import sqlite3

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(con.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    finally:
        con.close()


def measure_addition(
    n_docs: int, added: int, workdir: Path, index: Path | None = None
) -> dict[str, Any]:
    """``wiretrace index`` of ``added`` new articles (the next ones of the sequence) into a
    copy of the ``n_docs`` index (or of ``index``, an index of that corpus), and of the same
    articles into an empty index, in one run: the ratio of the two rates says whether adding
    costs what the index already holds."""
    from corpus_million import later_articles

    files = ensure_million(n_docs, QUERIES)
    db = index if index is not None else indexed(n_docs, files.corpus, workdir)[0]
    new = workdir / f"later-{n_docs}-{added}.jsonl"
    with new.open("w", encoding="utf-8") as out:
        for row in later_articles(n_docs, added):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    big = workdir / "grown.db"
    shutil.copy(db, big)  # the cached index has no WAL: it was closed cleanly
    # The copy's gigabytes would otherwise be written back during the timed run, and the
    # first checkpoint's fsync would wait for all of them.
    os.sync()
    into_big = cli_index(new, big, workdir)
    into_empty = cli_index(new, workdir / "fresh.db", workdir)
    for part in (big, workdir / "fresh.db"):
        part.unlink()
    # cli_index counts every document of the file: the rate is that of the added ones.
    into_big["docs_per_s"] = round(
        (into_big["documents"] - n_docs_stored(db)) / into_big["seconds"], 1
    )
    ratio = into_big["docs_per_s"] / into_empty["docs_per_s"]
    return {
        "index_documents": n_docs,
        "added": added,
        "into_index": into_big,
        "into_empty_index": into_empty,
        "rate_ratio": round(ratio, 3),
    }


def plot(rows: list[dict[str, Any]], out: Path) -> None:
    """The growth curve: trace and ranking latency (log-log, with a linear slope for scale),
    indexing rate and bytes a document, against the corpus size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = sorted(rows, key=lambda r: r["documents"])
    docs = [r["documents"] for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2))
    for key, label in (("trace", "trace"), ("rank", "source ranking")):
        for q, style in (("p50_ms", "o-"), ("p99_ms", "s--")):
            left.plot(docs, [r[key]["latency"][q] for r in rows], style, label=f"{label} {q[:3]}")
    base = rows[0]["trace"]["latency"]["p50_ms"]
    left.plot(docs, [base * d / docs[0] for d in docs], "k:", label="linear growth")
    left.set(xscale="log", yscale="log", xlabel="documents", ylabel="ms")
    right.plot(docs, [r["index"]["docs_per_s"] for r in rows], "o-", label="index docs/s")
    right.plot(docs, [r["size"]["bytes_per_doc"] for r in rows], "s-", label="bytes a document")
    right.set(xscale="log", xlabel="documents", ylim=(0, None))
    for ax in (left, right):
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated corpus sizes")
    ap.add_argument("--plot", type=Path, help="draw the growth curve of the saved results here")
    ap.add_argument(
        "--add",
        type=int,
        help="index this many new articles into a copy of "
        "each size's index, and into an empty one (no other measuring)",
    )
    ap.add_argument(
        "--optimize",
        action="store_true",
        help="measure on a copy of the index after 'wiretrace optimize' "
        "(results in million-<N>-optimized.json; with --plot, draw those results)",
    )
    ap.add_argument(
        "--add-to",
        type=Path,
        help="--add: add to a copy of this index of the first size's corpus (for example the "
        "one 'wiretrace optimize' made); results in million-add-<N>-<added>-given.json",
    )
    ap.add_argument(
        "--one-shot-db",
        type=Path,
        help="only time one-shot 'wiretrace trace' runs on this index file (with the "
        "queries of the first size), and print them; the wiretrace on PYTHONPATH runs",
    )
    ap.add_argument(
        "--one-shot",
        action="store_true",
        help="also time 'wiretrace trace' as a one-shot command, with the OS page cache "
        "warm and emptied",
    )
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.one_shot_db:
        files = ensure_million(sizes[0], QUERIES)
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(one_shot_traces(args.one_shot_db, files.queries, Path(tmp)), indent=1))
        return
    if args.add:
        with tempfile.TemporaryDirectory(dir=CACHE_DIR) as tmp:  # beside the cache: big copies
            added = [measure_addition(n, args.add, Path(tmp), args.add_to) for n in sizes]
        for row in added:
            given = "-given" if args.add_to else ""
            name = f"million-add-{row['index_documents']}-{args.add}{given}.json"
            (RESULTS / name).write_text(json.dumps(row, indent=1) + "\n")
        print(json.dumps(added, indent=1))
        return
    if args.plot:  # from the results of earlier runs, one file a size
        suffix = "-optimized" if args.optimize else ""  # the runs on optimized indexes
        saved = [json.loads((RESULTS / f"million-{n}{suffix}.json").read_text()) for n in sizes]
        plot(saved, args.plot)
        print(markdown(saved))
        return
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        rows = []
        for n in sizes:
            row = measure(n, workdir, optimize=args.optimize, one_shot=args.one_shot)
            row["machine"] = machine()
            RESULTS.mkdir(parents=True, exist_ok=True)
            name = f"million-{n}-optimized.json" if args.optimize else f"million-{n}.json"
            (RESULTS / name).write_text(json.dumps(row, indent=1) + "\n")
            rows.append(row)
        startup = cli_startup(workdir)
    result = {"machine": machine(), "cli_startup": startup, "rows": rows}
    print(json.dumps(result, indent=1))
    print(markdown(rows), file=sys.stderr)


if __name__ == "__main__":
    main()
