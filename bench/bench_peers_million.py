"""Peers at scale (issue 16, item 5): tantivy and datasketch beside wiretrace, in one run.

On the news-like corpus of ``bench/corpus_million.py`` (``ensure_million(N, 400)``) and its
400 queries (100 each of wire copies, spun composites, rewrites and articles with no source):

- **tantivy** (the ``tantivy`` package, a Lucene-class engine in Rust; what a user would
  otherwise reach for). Indexing, in a fresh process: one document per article, the title and
  text in one ``body`` field with tantivy's defaults (the ``default`` tokenizer: split on what
  is not a letter or digit, drop tokens of 40 bytes or more, lower-case; positions kept; the
  writer's default heap and thread count), the id stored. Reported: wall and CPU time,
  documents a second, the index folder's bytes a document after the merges, peak memory.
  Querying, in another fresh process: each query (title and text) is cut into the index's own
  terms by the same tokenizer, and its distinct terms become a boolean OR of term queries (no
  query parser, so no punctuation can break a query); BM25 top 20, the ids read from the doc
  store. Two variants: **all** the query's distinct terms (about 300 for a 3,000-character
  article), and its **64 most telling** (count in the query times BM25 idf, terms no document
  holds left out). Every query runs once to warm up, then is timed. Recall@5 of the true
  sources by kind (top 5 of tantivy's ranking) and recall@20 (its 20 candidates).
- **datasketch MinHashLSH**, ``bench_core.phase_peer`` as at 10k: 128 permutations of word
  5-gram shingles, thresholds 0.5 and 0.1, each in a fresh process (``--skip-datasketch`` to
  leave it out).
- **wiretrace**: the index ``bench/bench_million.py`` cached for this corpus (its figures:
  ``wiretrace index`` docs/s, peak memory), copied to the work folder; then in fresh processes
  ``bench_core.phase_trace`` (the whole trace; recall@5 among its sources) and
  ``bench_million.phase_rank`` (the source ranking alone, the candidates a trace aligns).
  Ratios: our latency over tantivy's, our recall@5 minus tantivy's, per kind.

The cached index is looked up by name rather than through ``bench_million.indexed``: that
function deletes cached indexes made by other index code, and a rebuild at 100k takes minutes.
The figures say which cache file was used and whether the current index code made it; with
``--reindex``, or when nothing is cached, ``wiretrace index`` builds a fresh one in the work
folder (the cache is never written).

Usage::

    python bench/bench_peers_million.py                       # 10,000 documents
    python bench/bench_peers_million.py --docs 100000 --skip-datasketch

JSON goes to stdout and ``bench/results/peers-million-<N>.json``, a Markdown table to stderr.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_core import (  # noqa: E402
    PEER_THRESHOLDS,
    RESULTS_DIR,
    RssSampler,
    cli_index,
    current_rss_mb,
    index_size,
    latency_stats,
    machine,
    memory_fields,
    phase_peer,
    phase_trace,
    recall_at_k,
    run_in_fresh_process,
)
from bench_million import QUERIES, phase_rank  # noqa: E402
from bench_serve import index_code_digest  # noqa: E402
from corpus import CACHE_DIR, read_jsonl  # noqa: E402
from corpus_million import ensure_million  # noqa: E402

DEFAULT_DOCS = 10_000
TOP = 20  # tantivy's candidates, as many as a trace's source ranking considers
WORDS = 64  # the capped query: its most telling terms
VARIANTS: dict[str, int | None] = {"all_terms": None, f"top_{WORDS}_terms": WORDS}
KINDS = ("wire_copy", "spun_composite", "rewrite")


# -- tantivy ---------------------------------------------------------------------------------


def tantivy_schema() -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("body")  # title and text: tantivy's default tokenizer and options
    return builder.build()


def body(record: dict[str, Any]) -> str:
    """What tantivy indexes and searches for an article or a query: its title and text."""
    return f"{record.get('title') or ''}\n{record['text']}"


def phase_tantivy_index(corpus: str, folder: str) -> dict[str, Any]:
    """Index the corpus JSONL into a tantivy index in ``folder`` (created empty)."""
    import tantivy

    base = current_rss_mb()
    with RssSampler() as sampler:
        start, cpu = time.perf_counter(), time.process_time()
        index = tantivy.Index(tantivy_schema(), path=folder, reuse=False)
        writer = index.writer()  # the defaults: a 128 MB heap, threads chosen by tantivy
        documents = 0
        with Path(corpus).open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                writer.add_document(tantivy.Document(id=record["id"], body=body(record)))
                documents += 1
        writer.commit()
        writer.wait_merging_threads()  # the final segments, so the size is the index's own
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    index.reload()
    size = sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())
    return {
        "documents": documents,
        "segments": index.searcher().num_segments,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "docs_per_s": round(documents / seconds, 1),
        "docs_per_cpu_s": round(documents / cpu, 1),
        "bytes": size,
        "bytes_per_doc": round(size / max(documents, 1), 1),
        **memory_fields(base, sampler),
    }


def query_terms(
    terms: list[str], doc_freq: Callable[[str], int], documents: int, words: int | None
) -> list[str]:
    """A query's distinct terms; with ``words``, only its ``words`` most telling ones: count in
    the query times BM25 idf, highest first (ties by term), terms no document holds left out."""
    counts = Counter(terms)
    if words is None:
        return sorted(counts)
    weighted = []
    for term, count in counts.items():
        df = doc_freq(term)
        if df:
            weighted.append((-count * math.log(1 + (documents - df + 0.5) / (df + 0.5)), term))
    return [term for _, term in sorted(weighted)[:words]]


@dataclass(frozen=True)
class TantivySearch:
    """An open tantivy index and the tokenizer of its ``body`` field."""

    index: Any
    searcher: Any
    analyzer: Any

    @classmethod
    def open(cls, folder: str) -> TantivySearch:
        import tantivy

        index = tantivy.Index.open(folder)
        # tantivy's "default" tokenizer, the body field's: the query gets the index's terms.
        analyzer = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(40))
            .filter(tantivy.Filter.lowercase())
            .build()
        )
        return cls(index, index.searcher(), analyzer)

    def top(self, text: str, words: int | None = None, limit: int = TOP) -> list[str]:
        """The ids of the BM25 top ``limit`` for an OR of the text's terms."""
        import tantivy

        terms = query_terms(
            self.analyzer.analyze(text),
            lambda term: int(self.searcher.doc_freq("body", term)),
            int(self.searcher.num_docs),
            words,
        )
        if not terms:
            return []
        schema = self.index.schema
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(schema, "body", t)) for t in terms]
        )
        hits = self.searcher.search(query, limit, count=False).hits
        return [self.searcher.doc(address).get_first("id") for _, address in hits]


def phase_tantivy_query(folder: str, queries_path: str) -> dict[str, Any]:
    """Each query variant over all queries: one warm pass, one timed pass."""
    queries = read_jsonl(Path(queries_path))
    base = current_rss_mb()
    result: dict[str, Any] = {}
    with RssSampler() as sampler:
        search = TantivySearch.open(folder)
        for name, words in VARIANTS.items():
            for q in queries:
                search.top(body(q), words)
            latencies: list[float] = []
            cpu_latencies: list[float] = []
            hits: dict[str, list[str]] = {}
            for q in queries:
                start, cpu = time.perf_counter(), time.process_time()
                hits[q["id"]] = search.top(body(q), words)
                latencies.append(time.perf_counter() - start)
                cpu_latencies.append(time.process_time() - cpu)
            result[name] = {
                "words": words,
                "latency": latency_stats(latencies),
                "cpu_latency": latency_stats(cpu_latencies),
                "recall": recall_at_k(hits, queries),
                "candidates_recall": recall_at_k(hits, queries, TOP),
            }
    return {**result, **memory_fields(base, sampler)}


def tantivy_side(corpus: Path, queries: Path, workdir: Path) -> dict[str, Any]:
    folder = workdir / "tantivy"
    folder.mkdir()
    log("tantivy: indexing")
    index = run_in_fresh_process(phase_tantivy_index, str(corpus), str(folder))
    log("tantivy: querying")
    query = run_in_fresh_process(phase_tantivy_query, str(folder), str(queries))
    return {"version": metadata.version("tantivy"), "index": index, "query": query}


# -- wiretrace -------------------------------------------------------------------------------


def wiretrace_index(
    n_docs: int, corpus: Path, workdir: Path, reindex: bool
) -> tuple[Path, dict[str, Any]]:
    """Our index of the corpus in the work folder, and its indexing figures: a copy of the one
    ``bench_million`` cached (tracing opens an index for writing, which upgrades an older
    format in place; the copy keeps the cache as it is), the current index code's first;
    built by ``wiretrace index`` with ``reindex`` or when none is cached."""
    db = workdir / "wiretrace.db"
    current = index_code_digest()
    cached = [
        figures
        for figures in CACHE_DIR.glob(f"million-index-{n_docs}-{corpus.stem}-*.json")
        if figures.with_suffix(".db").exists()
    ]
    cached.sort(key=lambda figures: (current not in figures.name, -figures.stat().st_mtime))
    if cached and not reindex:
        source = cached[0].with_suffix(".db")
        log(f"wiretrace: copying {source.name}")
        src, dst = sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(db)
        try:
            src.backup(dst)  # a consistent copy, the write-ahead log included
        finally:
            src.close()
            dst.close()
        figures = json.loads(cached[0].read_text(encoding="utf-8"))
        return db, {**figures, "cached": source.name, "current_code": current in source.name}
    log("wiretrace: indexing through the CLI")
    figures = cli_index(corpus, db, workdir)
    if "error" in figures:
        raise SystemExit(f"indexing {n_docs:,} documents failed: {figures['error']}")
    return db, {**figures, "cached": None, "current_code": True}


def wiretrace_side(
    n_docs: int, corpus: Path, queries: Path, workdir: Path, reindex: bool
) -> dict[str, Any]:
    db, index = wiretrace_index(n_docs, corpus, workdir, reindex)
    size = index_size(db, corpus)
    log("wiretrace: tracing")
    trace = run_in_fresh_process(phase_trace, str(db), str(queries))
    log("wiretrace: ranking")
    rank = run_in_fresh_process(phase_rank, str(db), str(queries))
    return {"index": index, "size": size, "trace": trace, "rank": rank}


# -- comparison and report -------------------------------------------------------------------


def _recall(side: dict[str, Any], kind: str) -> float | None:
    value = side.get("recall", {}).get(kind, {}).get("recall_at_5")
    return None if value is None else float(value)


def compare(ours: dict[str, Any], peer: dict[str, Any]) -> dict[str, Any]:
    """Our latency over the peer's (p50, p99), and our recall@5 minus its, per kind."""
    latency = {
        p: round(ours["latency"][p] / peer["latency"][p], 2)
        for p in ("p50_ms", "p99_ms")
        if peer["latency"].get(p)
    }
    recall: dict[str, float | None] = {}
    for kind in KINDS:
        a, b = _recall(ours, kind), _recall(peer, kind)
        recall[kind] = None if a is None or b is None else round(a - b, 3)
    return {"latency_ratio": latency, "recall_at_5_difference": recall}


def candidates(trace: dict[str, Any]) -> dict[str, Any]:
    """The trace's first stage alone, as ``phase_trace`` times it: the candidates of the
    fingerprint postings (``index.candidates``), before the source ranking."""
    return {"latency": trace["candidates_latency"], "recall": trace["candidates_recall"]}


def comparisons(res: dict[str, Any]) -> dict[str, Any]:
    trace = res["wiretrace"]["trace"]
    ours = {"trace": trace, "rank": res["wiretrace"]["rank"], "candidates": candidates(trace)}
    return {
        f"{mine}_vs_tantivy_{variant}": compare(side, res["tantivy"]["query"][variant])
        for mine, side in ours.items()
        for variant in VARIANTS
    }


def _num(value: Any, digits: int = 0) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}"


def markdown(res: dict[str, Any]) -> str:
    n, m = res["corpus_size"], res["machine"]
    w, t = res["wiretrace"], res["tantivy"]
    lines = [
        f"### Peers on the {n:,}-article corpus ({res['started']})",
        "",
        f"Machine: {m['cpu']}, {m['nproc']} CPUs, {m['memory_gib']} GiB; tantivy {t['version']}, "
        f"datasketch {m['datasketch']}; load average before / after "
        f"{res['load_average_before'][0]:g} / {res['load_average_after'][0]:g}.",
        f"wiretrace index: {w['index'].get('cached') or 'built in this run'}"
        + ("" if w["index"]["current_code"] else " (made by older index code)")
        + ".",
        "",
        "| system | index docs/s | index peak MiB | bytes a document | query p50 ms | p99 ms | "
        "query peak MiB | " + " | ".join(f"recall@5 {k}" for k in KINDS) + " |",
        "|---|" + "---:|" * (6 + len(KINDS)),
    ]

    def row(name: str, index: dict[str, Any], size: Any, side: dict[str, Any], peak: Any) -> None:
        lines.append(
            f"| {name} | {_num(index.get('docs_per_s'))} | {_num(index.get('peak_rss_mb'))} | "
            f"{_num(size)} | {_num(side['latency']['p50_ms'], 1)} | "
            f"{_num(side['latency']['p99_ms'], 1)} | {_num(peak)} | "
            + " | ".join(_num(_recall(side, k), 3) for k in KINDS)
            + " |"
        )

    size = w["size"]["bytes_per_doc"]
    row("wiretrace trace", w["index"], size, w["trace"], w["trace"].get("peak_rss_mb"))
    row("wiretrace ranking alone", w["index"], size, w["rank"], None)
    row("wiretrace candidates alone", w["index"], size, candidates(w["trace"]), None)
    ti, tq = t["index"], t["query"]
    for variant in VARIANTS:
        label = variant.replace("_", " ")
        row(f"tantivy BM25, {label}", ti, ti["bytes_per_doc"], tq[variant], tq["peak_rss_mb"])
    for p in res.get("datasketch", []):
        lines.append(
            f"| MinHashLSH t={p['threshold']} | {_num(p['docs_per_s'])} | "
            f"{_num(p['build_peak_rss_mb'])} | {_num(p['pickled_bytes_per_doc'])} | "
            f"{_num(p['latency']['p50_ms'], 1)} | {_num(p['latency']['p99_ms'], 1)} | "
            f"{_num(p['peak_rss_mb'])} | "
            + " | ".join(_num(_recall(p, k), 3) for k in KINDS)
            + " |"
        )
    lines += [
        "",
        "| ours vs tantivy | p50 ratio | p99 ratio | "
        + " | ".join(f"recall@5 Δ {k}" for k in KINDS)
        + " |",
        "|---|" + "---:|" * (2 + len(KINDS)),
    ]
    for name, c in res["comparisons"].items():
        diffs = c["recall_at_5_difference"]
        lines.append(
            f"| {name.replace('_', ' ')} | {_num(c['latency_ratio'].get('p50_ms'), 2)}× | "
            f"{_num(c['latency_ratio'].get('p99_ms'), 2)}× | "
            + " | ".join("n/a" if diffs[k] is None else f"{diffs[k]:+.3f}" for k in KINDS)
            + " |"
        )
    return "\n".join(lines)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(n_docs: int, workdir: Path, skip_datasketch: bool, reindex: bool) -> dict[str, Any]:
    files = ensure_million(n_docs, QUERIES)
    res: dict[str, Any] = {
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "machine": machine(),
        "corpus_size": n_docs,
        "corpus": files.corpus.name,
        "queries": len(read_jsonl(files.queries)),
    }
    res["wiretrace"] = wiretrace_side(n_docs, files.corpus, files.queries, workdir, reindex)
    res["tantivy"] = tantivy_side(files.corpus, files.queries, workdir)
    if not skip_datasketch:
        res["datasketch"] = []
        for threshold in PEER_THRESHOLDS:
            log(f"datasketch MinHashLSH, threshold {threshold}")
            res["datasketch"].append(
                run_in_fresh_process(phase_peer, str(files.corpus), str(files.queries), threshold)
            )
    res["comparisons"] = comparisons(res)
    res["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return res


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=DEFAULT_DOCS, help="corpus size (10,000)")
    ap.add_argument("--skip-datasketch", action="store_true", help="leave MinHashLSH out")
    ap.add_argument(
        "--reindex", action="store_true", help="build our index afresh instead of the cached one"
    )
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="wiretrace-peers-") as tmp:
        res = run(args.docs, Path(tmp), args.skip_datasketch, args.reindex)
    res["command"] = " ".join(
        ["python bench/bench_peers_million.py", *(sys.argv[1:] if argv is None else argv)]
    )
    out = RESULTS_DIR / f"peers-million-{args.docs}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(res, indent=1))
    print(markdown(res), file=sys.stderr)


if __name__ == "__main__":
    main()
