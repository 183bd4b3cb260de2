"""Ingestion benchmark (issue 4): throughput and peak memory per format, and boilerplate removal.

One run measures:

a. **Throughput and peak memory of ``wiretrace index`` per input format**, on the same N
   articles (default 10,000: the documents of ``bench/corpus.py``'s 10,000-document corpus)
   written as

   - one WARC.gz crawl (``tests/data/make_fixtures.py``: each article in a news-site page with
     navigation, adverts, related links, comments and a cookie banner; plus a request record
     per page and, every 50 pages, an image, a JSON answer, a redirect and a revisit),
   - a folder of N saved HTML pages (the same pages),
   - RSS feeds of 100 entries each with the full text in ``content:encoded``,
   - one CSV export (mapped with ``--column``),
   - the corpus JSONL itself (the baseline reader).

   Each is indexed into a fresh SQLite file by one ``wiretrace index --quiet --skip-bad``
   subprocess (default ``--workers``). Throughput is records read per wall-clock second
   (the summary table's ``read`` column; for WARC that counts only documents, not the
   request/image records). Peak memory is the CLI process's own RSS high-water mark
   (``VmHWM``, polled), and the peak of the summed RSS of the CLI and its worker processes
   (psutil, sampled every 50 ms).

b. **Main-text F1** of the extracted text against the known article text on P generated pages
   (default 250) from BBC News articles, with wiretrace's HTML reader (trafilatura in precision
   mode). F1 is over bags of lower-cased ``\\w+`` words. For scale, the same score is given for
   the page's whole visible text (``trafilatura.html2txt``), i.e. no boilerplate removal.

c. **A peer**: the plain loop a user would write by hand with the same libraries, on the same
   WARC.gz, HTML folder and feeds, in one process, writing nothing:

   - WARC: warcio's ``ArchiveIterator``, taking 2xx ``text/html`` responses, and
     ``trafilatura.extract`` on each with the options wiretrace's HTML reader gives trafilatura
     (precision mode, tables, no comments or images, metadata with the same date options:
     ``with_metadata=True`` runs ``extract_metadata`` inside the same call, as our reader's
     ``bare_extraction`` does);
   - HTML: ``trafilatura.extract`` on each file of the folder, with the same options;
   - feeds: ``feedparser.parse`` on each file (with our reader's parse options).

   Each peer runs in a fresh ``python -c`` subprocess holding only its loop (the source of the
   ``peer_*`` functions below), measured like the CLI: wall time, CPU time, peak RSS. The
   report gives ours ÷ peer for docs/s and docs per CPU second. Ours does more for its
   documents: it also normalises, fingerprints, folds duplicates and writes the SQLite index,
   with worker processes (and, for feeds, turns each entry's HTML into text with trafilatura,
   and, for pages, looks for a declared date and falls back to htmldate); the peer only parses.

Usage::

    python bench/bench_ingest.py                 # 10,000 pages, 250 F1 pages
    python bench/bench_ingest.py --pages 1000    # a quick run

Results go to ``bench/results/ingest.json`` and a Markdown section to
``bench/results/ingest.md``.
"""

from __future__ import annotations

import argparse
import collections
import inspect
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil
import trafilatura

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests" / "data"))
sys.path.insert(0, str(REPO_ROOT / "bench"))

import make_fixtures as mf  # noqa: E402
from corpus import ensure_corpus, read_jsonl  # noqa: E402

from wiretrace.ingest.base import ReadOptions  # noqa: E402
from wiretrace.ingest.html import Page, page_to_document  # noqa: E402

RESULTS = REPO_ROOT / "bench" / "results"
FEED_SIZE = 100
CSV_ARGS = [
    *("--column", "id=story_id", "--column", "text=body", "--column", "title=headline"),
    *("--column", "url=link", "--column", "source=publisher", "--column", "published_at=date"),
]
COUNTS = (
    "read", "added", "updated", "metadata", "unchanged", "duplicate", "skipped", "rejected",
    "warnings",
)  # fmt: skip


# --- inputs --------------------------------------------------------------------------------------


def corpus_articles(n: int) -> tuple[list[mf.Article], Path]:
    """The first ``n`` documents of the 10,000-document bench corpus as fixture articles."""
    files = ensure_corpus(max(n, 10_000))
    rng = random.Random(20260411)
    out = []
    start = datetime(2005, 1, 3, tzinfo=UTC)
    for i, row in enumerate(read_jsonl(files.corpus)[:n]):
        published = _date(row.get("published_at")) or start + _minutes(rng)
        slug = re.sub(r"[^A-Za-z0-9]+", "-", row["id"]).strip("-")
        outlet = row.get("source") or "Bench Daily"
        out.append(
            mf.Article(
                id=row["id"],
                title=row.get("title") or f"Story {i}",
                text=row["text"],
                url=row.get("url") or f"https://www.bench.example/{slug}.html",
                outlet=outlet,
                author=rng.choice(mf.AUTHORS),
                published=published,
                category="bench",
            )
        )
    return out, files.corpus


def _minutes(rng: random.Random) -> timedelta:
    return timedelta(minutes=rng.randrange(600_000))


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def write_inputs(articles: list[mf.Article], jsonl: Path, work: Path) -> dict[str, list[str]]:
    """Write every format; return the CLI arguments (inputs and options) of each."""
    pages = list(mf.render_pages(articles))
    mf.write_warc(work / "crawl.warc.gz", pages)
    html_dir = work / "pages"
    html_dir.mkdir()
    for n, (_, page) in enumerate(pages):
        (html_dir / f"{n:06d}.html").write_text(page, encoding="utf-8")
    feed_dir = work / "feeds"
    feed_dir.mkdir()
    for n in range(0, len(articles), FEED_SIZE):
        chunk = articles[n : n + FEED_SIZE]
        (feed_dir / f"{n:06d}.rss").write_text(mf.render_rss(chunk, f"Feed {n}"), "utf-8")
    mf.write_csv(work / "export.csv", articles)
    return {
        "warc": [str(work / "crawl.warc.gz")],
        "html": [str(html_dir)],
        "feed": [str(feed_dir)],
        "csv": [str(work / "export.csv"), *CSV_ARGS],
        "jsonl": [str(jsonl)],
    }


# --- running the CLI -----------------------------------------------------------------------------


def vm_hwm_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    m = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(m.group(1)) / 1024 if m else None


def watch(cmd: list[str], stdout: Any, err_path: Path) -> tuple[int, Any, float, float, float]:
    """Run ``cmd`` to its end: its wait status, resource usage (``os.wait4``), wall seconds,
    peak RSS MiB of the process (``VmHWM``, polled) and of it with its children (sampled)."""
    with err_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=err)
        parent = psutil.Process(proc.pid)
        hwm, tree_peak, last_sample = 0.0, 0.0, 0.0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            hwm = max(hwm, vm_hwm_mb(proc.pid) or 0.0)
            now = time.perf_counter()
            if now - last_sample > 0.05:
                last_sample = now
                tree_peak = max(tree_peak, _tree_rss_mb(parent))
            time.sleep(0.005)
        seconds = time.perf_counter() - start
    return status, usage, seconds, hwm, tree_peak


def run_index(args: list[str], db: Path) -> dict[str, Any]:
    """One ``wiretrace index`` subprocess: wall time, CPU time, peak memory, summary counts."""
    cmd = [sys.executable, "-m", "wiretrace.cli", "index", "--db", str(db), "--quiet",
           "--skip-bad", *args]  # fmt: skip
    err_path = db.with_suffix(".err")
    status, usage, seconds, hwm, tree_peak = watch(cmd, subprocess.DEVNULL, err_path)
    stderr = err_path.read_text("utf-8", errors="replace")
    cpu = usage.ru_utime + usage.ru_stime  # the CLI and its (joined) worker processes
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{stderr}")
    rows = summary_rows(stderr)
    total = rows.get("total") or next(iter(rows.values()))
    reasons = re.findall(r"^\s+\w+: rejected (\d+): (.+)$", stderr, re.MULTILINE)
    return {
        "rejected_by_reason": {reason: int(count) for count, reason in reasons},
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "records_read": total["read"],
        "documents": total["read"] - total["skipped"] - total["rejected"],
        "docs_per_s": round((total["read"] - total["skipped"]) / seconds, 1),
        "docs_per_cpu_s": round((total["read"] - total["skipped"]) / cpu, 1),
        "peak_rss_mb": round(hwm, 1),
        "peak_rss_with_workers_mb": round(tree_peak, 1),
        "summary": total,
        "db_mb": round(sum(p.stat().st_size for p in db.parent.glob(db.name + "*")) / 2**20, 1),
    }


def _tree_rss_mb(parent: psutil.Process) -> float:
    total = 0
    try:
        procs = [parent, *parent.children(recursive=True)]
    except psutil.Error:
        return 0.0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            continue
    return total / 2**20


def summary_rows(stderr: str) -> dict[str, dict[str, int]]:
    rows = {}
    for line in stderr.splitlines():
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if len(cells) == len(COUNTS) + 1 and cells[1].isdigit():
            rows[cells[0]] = dict(zip(COUNTS, map(int, cells[1:]), strict=True))
    return rows


# --- the peer: the same libraries in a plain loop, parsing only ---------------------------------

# The options wiretrace's HTML reader gives trafilatura (``wiretrace.ingest.html._extract``).
PEER_EXTRACT: dict[str, Any] = {
    "with_metadata": True,  # runs trafilatura.extract_metadata within the same call
    "favor_precision": True,
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "date_extraction_params": {"extensive_search": False, "original_date": True},
}


# Each peer_* function runs on its own in a fresh interpreter (see peer_source), so it imports
# what it uses itself and refers to nothing else of this module but PEER_EXTRACT.


def peer_warc(path: str) -> dict[str, int]:
    """warcio over the crawl; trafilatura on each 2xx HTML response."""
    import trafilatura
    from warcio.archiveiterator import ArchiveIterator

    pages = with_text = 0
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            status = record.http_headers.get_statuscode() or ""
            content_type = record.http_headers.get_header("Content-Type") or ""
            if not status.startswith("2") or not content_type.startswith("text/html"):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            html = record.content_stream().read()
            text = trafilatura.extract(html, url=url, **PEER_EXTRACT)
            pages += 1
            with_text += bool(text)
    return {"documents": pages, "with_text": with_text}


def peer_html(folder: str) -> dict[str, int]:
    """trafilatura on each file of the folder."""
    from pathlib import Path

    import trafilatura

    pages = with_text = 0
    for file in sorted(Path(folder).iterdir()):
        text = trafilatura.extract(file.read_bytes(), **PEER_EXTRACT)
        pages += 1
        with_text += bool(text)
    return {"documents": pages, "with_text": with_text}


def peer_feed(folder: str) -> dict[str, int]:
    """feedparser on each file of the folder; the entries are the documents."""
    from pathlib import Path

    import feedparser

    entries = with_text = 0
    for file in sorted(Path(folder).iterdir()):
        parsed = feedparser.parse(file.read_bytes(), sanitize_html=True,
                                  resolve_relative_uris=False)  # fmt: skip
        for entry in parsed.entries:
            entries += 1
            with_text += bool(entry.get("content") or entry.get("summary"))
    return {"documents": entries, "with_text": with_text}


PEERS = {"warc": peer_warc, "html": peer_html, "feed": peer_feed}
PEER_LOOPS = {
    "warc": "warcio `ArchiveIterator`, 2xx HTML responses, `trafilatura.extract`",
    "html": "each file, `trafilatura.extract`",
    "feed": "each file, `feedparser.parse`",
}


def peer_source(fmt: str, path: str) -> str:
    """A script that runs the peer of ``fmt`` on ``path`` and prints its counts as JSON."""
    peer = PEERS[fmt]
    return "\n".join(
        [
            "import json",
            f"PEER_EXTRACT = {PEER_EXTRACT!r}",
            textwrap.dedent(inspect.getsource(peer)),
            f"print(json.dumps({peer.__name__}({path!r})))",
        ]
    )


def run_peer(fmt: str, path: str, work: Path) -> dict[str, Any]:
    """The peer of ``fmt`` in a fresh subprocess: wall time, CPU time, peak memory, counts."""
    cmd = [sys.executable, "-c", peer_source(fmt, path)]
    out_path, err_path = work / f"peer-{fmt}.out", work / f"peer-{fmt}.err"
    with out_path.open("wb") as out:
        status, usage, seconds, hwm, _ = watch(cmd, out, err_path)
    if os.waitstatus_to_exitcode(status) != 0:
        stderr = err_path.read_text("utf-8", errors="replace")
        raise RuntimeError(f"the {fmt} peer failed:\n{stderr}")
    counts = json.loads(out_path.read_text("utf-8"))
    cpu = usage.ru_utime + usage.ru_stime
    return {
        "loop": PEER_LOOPS[fmt],
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "documents": counts["documents"],
        "with_text": counts["with_text"],
        "docs_per_s": round(counts["documents"] / seconds, 1),
        "docs_per_cpu_s": round(counts["documents"] / cpu, 1),
        # one process: its VmHWM (ru_maxrss would include the forking bench process's RSS)
        "peak_rss_mb": round(hwm, 1),
    }


def ratios(ours: dict[str, Any], peer: dict[str, Any]) -> dict[str, float]:
    """Ours ÷ peer: above 1, ours is faster (it does more per document)."""
    ours_per_cpu = ours.get("docs_per_cpu_s") or ours["documents"] / ours["cpu_seconds"]
    return {
        "docs_per_s": round(ours["docs_per_s"] / peer["docs_per_s"], 2),
        "docs_per_cpu_s": round(ours_per_cpu / peer["docs_per_cpu_s"], 2),
    }


# --- main-text F1 --------------------------------------------------------------------------------


def _words(text: str) -> collections.Counter[str]:
    return collections.Counter(re.findall(r"\w+", text.lower()))


def f1(extracted: str, truth: str) -> float:
    got, want = _words(extracted), _words(truth)
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def main_text_f1(n_pages: int) -> dict[str, Any]:
    articles = mf.make_articles(mf.load_bbc(), seed=2005, count=n_pages)
    scores, whole, failed = [], [], 0
    start = time.perf_counter()
    for article, page in mf.render_pages(articles, seed=99):
        result = page_to_document(page.encode("utf-8"), article.id, ReadOptions(), url=article.url)
        text = result.document.text if isinstance(result, Page) else ""
        failed += not text
        scores.append(f1(text, article.main_text))
        whole.append(f1(trafilatura.html2txt(page), article.main_text))
    seconds = time.perf_counter() - start
    ordered = sorted(scores)
    return {
        "pages": n_pages,
        "mean": round(statistics.fmean(scores), 4),
        "median": round(statistics.median(scores), 4),
        "p10": round(ordered[len(ordered) // 10], 4),
        "min": round(ordered[0], 4),
        "share_at_least_0.90": round(sum(s >= 0.9 for s in scores) / len(scores), 4),
        "no_text": failed,
        "whole_page_text_mean": round(statistics.fmean(whole), 4),
        "seconds": round(seconds, 1),
    }


# --- report --------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "versions": {
            name: metadata.version(name)
            for name in (
                "wiretrace",
                "trafilatura",
                "htmldate",
                "warcio",
                "feedparser",
                "charset-normalizer",
            )
        },
    }


def markdown(result: dict[str, Any]) -> str:
    m = result["machine"]
    lines = [
        "## Ingestion (issue 4)",
        "",
        f"Command: `{result['command']}` ({result['date']}). "
        f"{result['pages']:,} articles from the 10,000-document bench corpus, written in each "
        "format; one `wiretrace index --quiet --skip-bad` subprocess per format into a fresh "
        f"index (default `--workers`). Machine: {m['platform']}, {m['cpus']} CPUs, "
        f"{m['memory_gb']} GB RAM, Python {m['python']}; load average at start "
        f"{m['load_average_at_start'][0]} (the machine is shared, so wall-clock figures are "
        "pessimistic; CPU seconds are given too).",
        "",
        "| format | input | documents | wall s | docs/s | CPU s | docs per CPU s "
        "| peak RSS MiB (CLI) | peak RSS MiB (CLI + workers) | rejected |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for fmt, r in result["formats"].items():
        per_cpu = r.get("docs_per_cpu_s") or round(r["documents"] / r["cpu_seconds"], 1)
        why = "; ".join(f"{n} {k}" for k, n in r.get("rejected_by_reason", {}).items())
        rejected = r["summary"]["rejected"]
        lines.append(
            f"| {fmt} | {r['input']} | {r['documents']:,} | {r['seconds']} | {r['docs_per_s']:,} "
            f"| {r['cpu_seconds']} | {per_cpu:,} | {r['peak_rss_mb']} "
            f"| {r['peak_rss_with_workers_mb']} | {rejected}{f' ({why})' if why else ''} |"
        )
    lines += [
        "",
        "docs/s is wall-clock; docs per CPU s counts the CPU time of the CLI and its worker "
        "processes, which the other jobs sharing the machine do not inflate. Documents are the "
        "records read minus those skipped on purpose (for WARC: request, image, JSON, redirect "
        "and revisit records).",
    ]
    if result.get("peers"):
        lines += [
            "",
            "Against a peer: the plain loop a user would write by hand with the same libraries, "
            "on the same input, in one fresh process that only parses and writes nothing "
            "(trafilatura with the options our HTML reader uses, metadata included; "
            "feedparser with our feed reader's options). Ours, in the same run (table above), "
            "also normalises, fingerprints, folds duplicates and writes the SQLite index, "
            "with worker processes (default `--workers`: 2 on this machine); for feeds it also "
            "turns each entry's HTML into text with trafilatura, which the feed peer does not. "
            "A ratio above 1 means ours is faster. The wall-clock ratio favours ours, whose "
            "workers can use both cores; the per-CPU-second ratio compares the work done per "
            "document.",
            "",
            "| format | peer loop | documents | wall s | docs/s | CPU s | docs per CPU s "
            "| peak RSS MiB | ours ÷ peer, docs/s | ours ÷ peer, docs per CPU s |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for fmt, peer in result["peers"].items():
            ratio = peer["ours_over_peer"]
            lines.append(
                f"| {fmt} | {peer['loop']} | {peer['documents']:,} | {peer['seconds']} "
                f"| {peer['docs_per_s']:,} | {peer['cpu_seconds']} | {peer['docs_per_cpu_s']:,} "
                f"| {peer['peak_rss_mb']} | **{ratio['docs_per_s']:.2f}** "
                f"| **{ratio['docs_per_cpu_s']:.2f}** |"
            )
        lines += [
            "",
            "The peer's documents are those it parsed (pages given to trafilatura, whether or "
            "not it found text; feed entries), counted like ours; its peak RSS is its one "
            "process's high-water mark, to set beside ours with workers above.",
        ]
    f = result["f1"]
    lines += [
        "",
        f"Main-text F1 (bag of words, extracted vs known article text) on {f['pages']} generated "
        f"pages: mean **{f['mean']}**, median {f['median']}, 10th percentile {f['p10']}, "
        f"minimum {f['min']}; {f['share_at_least_0.90']:.0%} of pages at 0.90 or more; "
        f"{f['no_text']} pages without text. The page's whole visible text "
        f"(no boilerplate removal) scores {f['whole_page_text_mean']}.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--f1-pages", type=int, default=250)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--formats", default="warc,html,feed,csv,jsonl")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {
        "command": "python bench/bench_ingest.py"
        + "".join(f" {a}" for a in (argv or sys.argv[1:])),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "pages": args.pages,
    }
    print(f"F1 on {args.f1_pages} pages ...", file=sys.stderr)
    result["f1"] = main_text_f1(args.f1_pages)
    print(json.dumps(result["f1"]), file=sys.stderr)
    work = Path(tempfile.mkdtemp(prefix="wiretrace-ingest-"))
    try:
        articles, jsonl = corpus_articles(args.pages)
        if args.pages < 10_000:
            jsonl_small = work / "corpus.jsonl"
            jsonl_small.write_text(
                "".join(line for line, _ in zip(jsonl.open(encoding="utf-8"), range(args.pages),
                                                strict=False)),
                encoding="utf-8",
            )  # fmt: skip
            jsonl = jsonl_small
        inputs = write_inputs(articles, jsonl, work)
        result["formats"] = {}
        for fmt in args.formats.split(","):
            print(f"indexing {fmt} ...", file=sys.stderr)
            measured = run_index(inputs[fmt], work / f"{fmt}.db")
            first = Path(inputs[fmt][0])
            size = (
                sum(p.stat().st_size for p in first.rglob("*"))
                if first.is_dir()
                else (first.stat().st_size)
            )
            measured["input"] = f"{first.name} ({size / 2**20:,.1f} MiB)"
            result["formats"][fmt] = measured
            print(json.dumps(measured), file=sys.stderr)
            if fmt in PEERS:  # right after ours, so both see much the same load
                print(f"peer for {fmt} ...", file=sys.stderr)
                peer = run_peer(fmt, inputs[fmt][0], work)
                peer["ours_over_peer"] = ratios(measured, peer)
                result.setdefault("peers", {})[fmt] = peer
                print(json.dumps(peer), file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ingest.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (args.out / "ingest.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
