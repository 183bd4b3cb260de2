"""The web page's own time: page load and trace-to-render, in a real browser, beside the API.

Playwright drives Debian's Chromium (``/usr/bin/chromium``) headless against a real
``wiretrace serve`` on loopback, on two indexes: the bundled demo articles, and the
100,000-document benchmark corpus (``bench/corpus_big.py``; built and cached on first use).

- **Page load**: from ``page.goto("/")`` until the page is ready to use: the form is there and
  the corpus summary line is filled in (it asks ``GET /v1/index``). The first load after the
  server starts (or after the index changes) reads the summary from the file; later loads get
  the server's copy. Both are reported.
- **Trace to render**: from the click on "Trace" until the result heading is visible, with the
  report drawn (passages, sources, signals).
- **API alone**, in the same run, the same request: ``POST /v1/trace?view=true`` sent with
  httpx. The ratio ``render / API`` is what the page adds on top of the server's answer; the
  machines are shared and noisy, so the ratio is the figure to compare between runs.

Usage::

    python bench/bench_page.py                    # demo index and 100,000 documents
    python bench/bench_page.py --docs 0           # the demo index only
    python bench/bench_page.py --rounds 5 --queries 10
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_serve import ensure_index, free_port, start_server  # noqa: E402
from corpus import DEFAULT_QUERIES, DEFAULT_SEED, ensure_corpus, read_jsonl  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DEMO = ROOT / "data" / "demo"
SUMMARY = "#wt-index-line"
RESULT = "#wt-h-result"
TIMEOUT_MS = 120_000


def demo_index(folder: Path) -> Path:
    from wiretrace import open_index
    from wiretrace.ingest import ReadOptions, iter_records
    from wiretrace.model import Document

    db = folder / "demo.db"
    records = iter_records([DEMO / "wikinews.jsonl"], ReadOptions())
    with open_index(db) as index:
        index.add(r for r in records if isinstance(r, Document))
    return db


def big_index(n_docs: int) -> Path:
    from corpus_big import ensure_big_corpus

    corpus = ensure_big_corpus(n_docs)
    db, built = ensure_index(corpus, n_docs)
    if built is not None:
        print(f"built the {n_docs:,}-document index in {built:.0f} s", file=sys.stderr)
    return db


def queries(kind: str, count: int) -> list[str]:
    """Texts to trace: the demo showcase composite, or the benchmark's queries."""
    if kind == "demo":
        texts = [p.read_text(encoding="utf-8") for p in sorted((DEMO / "composites").glob("*.txt"))]
        return texts[:count]
    files = ensure_corpus(10_000, DEFAULT_QUERIES, DEFAULT_SEED)
    rows = read_jsonl(files.queries)
    step = max(1, len(rows) // count)
    return [rows[i]["text"] for i in range(0, len(rows), step)][:count]


def page_load(page: Any, base: str) -> float:
    from playwright.sync_api import expect

    start = time.perf_counter()
    page.goto(base + "/", wait_until="domcontentloaded", timeout=TIMEOUT_MS)
    if page.locator(SUMMARY).count():
        # (The page's content security policy forbids evaluating strings: wait with expect.)
        expect(page.locator(SUMMARY)).not_to_contain_text("Reading what", timeout=TIMEOUT_MS)
    else:
        page.wait_for_load_state("load", timeout=TIMEOUT_MS)
    return time.perf_counter() - start


def trace_to_render(page: Any, text: str) -> float:
    page.fill("#wt-text", text)
    page.evaluate("document.getElementById('wt-report').replaceChildren()")
    start = time.perf_counter()
    page.click("#wt-submit")
    page.wait_for_selector(RESULT, state="visible", timeout=TIMEOUT_MS)
    return time.perf_counter() - start


def api_alone(base: str, text: str) -> float:
    start = time.perf_counter()
    r = httpx.post(base + "/v1/trace?view=true", json={"text": text}, timeout=TIMEOUT_MS / 1000)
    r.raise_for_status()
    return time.perf_counter() - start


def measure(db: Path, label: str, texts: list[str], rounds: int, log: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = start_server(db, port, log)
    base = f"http://127.0.0.1:{port}"
    first = 0.0
    loads: list[float] = []
    renders: list[float] = []
    apis: list[float] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
            page = browser.new_page()
            first = page_load(page, base)  # the server reads the index summary once
            trace_to_render(page, texts[0])
            for _ in range(rounds):
                loads.append(page_load(page, base))
                for text in texts:
                    apis.append(api_alone(base, text))
                    renders.append(trace_to_render(page, text))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)

    def ms(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {
        "index": label,
        "first_load_ms": round(1000 * first, 1),
        "page_load_p50_ms": ms(loads, 0.5),
        "page_load_max_ms": ms(loads, 1.0),
        "render_p50_ms": ms(renders, 0.5),
        "render_p90_ms": ms(renders, 0.9),
        "api_p50_ms": ms(apis, 0.5),
        "api_p90_ms": ms(apis, 0.9),
        "render/api p50": round(statistics.median(renders) / statistics.median(apis), 2),
        "loads": len(loads),
        "traces": len(renders),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000, help="big index size (0: demo only)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--queries", type=int, default=10)
    args = ap.parse_args(argv)
    if not CHROMIUM.exists():
        raise SystemExit(f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows.append(
            measure(
                demo_index(folder),
                "demo",
                queries("demo", args.queries),
                args.rounds,
                folder / "demo.log",
            )
        )
        if args.docs:
            rows.append(
                measure(
                    big_index(args.docs),
                    f"{args.docs:,} documents",
                    queries("bench", args.queries),
                    args.rounds,
                    folder / "big.log",
                )
            )
    result = {"machine": f"{platform.machine()}, {platform.python_version()}", "rows": rows}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
