"""``wiretrace eval news``: tracing real news against same-story distractors (issue 11).

The set (:mod:`wiretrace.eval.news_build`) is made from the ECB+ articles of the shared data:
query articles lift sentences and headlines from 1-3 articles of one real event, and the index
holds those sources beside every other stored article of the same event and of the same
topic's other event (hard, same-story distractors), plus background: BBC News articles, the
Wikinews articles and their cited sources. Scoring is :mod:`wiretrace.eval.news_score`.

Wikinews
--------
Wikinews articles are real rewrites of the sources they cite (:mod:`wiretrace.eval.sources`
reads them). Their truth is per source, not per character, so two figures are reported:

- ``cited source found``: the share of Wikinews queries with at least one cited source among
  the trace's ``sources``;
- ``copied-character recall``: a query character is *copied* when it lies inside a run of
  :data:`COPIED_NGRAM` words that also occurs in one of its cited sources (case-insensitive
  words); the figure is the share of copied characters that the trace attributes to a cited
  source. Paraphrased text has no truth here and counts in neither direction.

Wikinews queries are traced without a date (their sources have none), in both splits (by
position: even ``fit``, odd ``held-out``), and their passages are dumped with ``set:
"wikinews"`` and label 1 when the source is cited.

Calibration
-----------
The calibration error is over the passages of the ``held-out`` ECB+ queries (none when only
``fit`` is traced); Wikinews passages are left out, their label being per source.

Generated composites
--------------------
``renames as edits`` is :func:`wiretrace.eval.spun.run_spun`'s rename recall, run with its
defaults (200 BBC composites): injected renames reported as edits.
"""

from __future__ import annotations

import json
import logging
import random
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from wiretrace.eval.news_build import DEFAULT_SEED, NewsQuery, NewsSet, build_news
from wiretrace.eval.news_ecb import FORMATS, ecb_article, format_moment
from wiretrace.eval.news_report import (
    NewsReport,
    WikiScore,
    copied_chars,
    passage_rows,
    score_wikinews,
)
from wiretrace.eval.news_score import (
    QueryScore,
    label_share,
    score_query,
    truth_by_char,
)
from wiretrace.eval.sources import BBC_FILE, SourcesData, _read_jsonl, load_sources_data
from wiretrace.eval.spun import run_spun
from wiretrace.index.base import Index
from wiretrace.index.sqlite import open_index
from wiretrace.model import Document, Trace
from wiretrace.text.aliases import load_aliases
from wiretrace.tracing import TraceOptions, trace

__all__ = [
    "ECBPLUS_FILE",
    "NewsData",
    "NewsReport",
    "copied_chars",
    "load_news",
    "passage_rows",
    "run_news",
]

log = logging.getLogger(__name__)

ECBPLUS_FILE = Path("ecbplus-news-events") / "ecbplus_docs.jsonl.gz"
BACKGROUND_BBC = 400
SPLIT_CHOICES = ("fit", "held-out", "all")


# --------------------------------------------------------------------------------------------
# The runner
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewsData:
    """The built set, the background documents indexed with it, and the Wikinews queries."""

    news: NewsSet
    background: tuple[Document, ...]  # BBC News, Wikinews cited sources, Wikinews articles
    wikinews: SourcesData

    @property
    def stored(self) -> tuple[Document, ...]:
        return (*self.news.documents, *self.background)


def load_news(shared_data: Path, seed: int = DEFAULT_SEED) -> NewsData:
    """Read ECB+, BBC News and Wikinews from ``shared_data`` and build the set."""
    wiki = load_sources_data(shared_data)
    background = (
        *_background(shared_data, random.Random(seed)),
        *wiki.pool[: wiki.sources],
        *(q for q, _ in wiki.queries),
    )
    path = shared_data / ECBPLUS_FILE
    articles = [ecb_article(record) for _, record in _read_jsonl(path, gz=True)]
    news = build_news(articles, load_aliases(), seed=seed, background=background)
    return NewsData(news, background, wiki)


def _background(shared_data: Path, rng: random.Random) -> list[Document]:
    docs: list[Document] = []
    for _, record in _read_jsonl(shared_data / BBC_FILE, gz=True):
        if len(docs) >= BACKGROUND_BBC:
            break
        day = f"2005-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        when = format_moment(date.fromisoformat(day), rng.randrange(1440), rng.choice(FORMATS))
        docs.append(
            Document(
                f"bbc/{record['id']}",
                str(record["text"]),
                title=str(record.get("title")),
                source="BBC News",
                published_at=when,
            )
        )
    return docs


@dataclass(slots=True)
class _Tally:
    """What one run of the news evaluation collects while it traces (private to run_news)."""

    opts: TraceOptions
    every: TraceOptions
    wanted: set[str]
    dump_split: str | None  # None when nothing is dumped
    dates: dict[str, str | None]
    texts: dict[str, str]
    scores: list[QueryScore] = field(default_factory=list)
    wikis: list[WikiScore] = field(default_factory=list)
    pairs: list[tuple[float, int]] = field(default_factory=list)
    examples: list[dict[str, Any]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)


def run_news(
    shared_data: Path,
    *,
    seed: int = DEFAULT_SEED,
    split: str = "all",
    dump: Path | None = None,
    dump_split: str | None = None,
    options: TraceOptions | None = None,
    spun: bool = True,
) -> NewsReport:
    """Build the set, index it in a temporary SQLite file, trace every query of ``split``,
    and score (module docstrings). With ``dump``, write one JSON line per passage of the
    ``dump_split`` queries (``fit`` when None; it must be traced, so inside ``split``)."""
    if split not in SPLIT_CHOICES:
        raise ValueError(f"split must be one of {', '.join(SPLIT_CHOICES)}, not {split!r}")
    dump_split = dump_split or ("fit" if split == "all" else split)
    opts = options or TraceOptions()
    started = time.perf_counter()
    data = load_news(shared_data, seed)
    news, stored = data.news, data.stored
    tally = _Tally(
        opts,
        replace(opts, min_confidence=0.0),
        {"fit", "held-out"} if split == "all" else {split},
        dump_split if dump is not None else None,
        {d.id: d.published_at for d in stored},
        {d.id: d.text for d in stored},
    )
    with tempfile.TemporaryDirectory(prefix="wiretrace-news-") as tmp:
        store = open_index(Path(tmp) / "news.db")
        try:
            store.add(stored)
            _trace_news_queries(store, news, tally)
            _trace_wikinews_queries(store, data.wikinews, tally)
        finally:
            store.close()
    if dump is not None:
        with dump.open("w", encoding="utf-8") as fh:
            for row in tally.rows:
                fh.write(json.dumps(row) + "\n")
    spun_recall = run_spun(shared_data).rename_recall if spun else None
    times = sorted(tally.times)
    return NewsReport(
        split,
        seed,
        tuple(tally.scores),
        tuple(tally.wikis),
        len(stored),
        spun_recall,
        tuple(tally.pairs),
        time.perf_counter() - started,
        1000 * times[len(times) // 2] if times else 0.0,
        tuple(tally.examples[:12]),
        {q.document.id: q.kind for q in news.queries},
    )


def _trace_news_queries(store: Index, news: NewsSet, tally: _Tally) -> None:
    """Trace and score the ECB+ queries of the wanted splits."""
    opts, every, dates = tally.opts, tally.every, tally.dates
    for q in news.queries:
        if q.split not in tally.wanted:
            continue
        t0 = time.perf_counter()
        result = trace(store, q.document, opts)
        tally.times.append(time.perf_counter() - t0)
        score = score_query(q, result, dates, news.topics, news.events)
        tally.scores.append(score)
        _examples(tally.examples, q, result, [y for _, y in score.labels], tally.texts)
        dumped = q.split == tally.dump_split
        if q.split != "held-out" and not dumped:
            continue
        # Calibration and the dump see every passage, below the threshold too.
        full = result if every == opts else trace(store, q.document, every)
        labels_of = score_query(q, full, dates, news.topics, news.events).labels
        if q.split == "held-out":
            tally.pairs.extend(labels_of)
        if dumped:
            truth = truth_by_char(q)
            shares = [label_share(q.document.text, p, truth) for p in full.passages]
            labels = [y for _, y in labels_of]
            tally.rows.extend(
                passage_rows(q.document, q.split, q.kind, full, labels, shares, dates, "ecbplus")
            )


def _trace_wikinews_queries(store: Index, wiki: SourcesData, tally: _Tally) -> None:
    """Trace and score the Wikinews queries of the wanted splits (even ones fit, odd held out)."""
    opts, every = tally.opts, tally.every
    for i, (doc, relevant) in enumerate(wiki.queries):
        wsplit = "fit" if i % 2 == 0 else "held-out"
        if wsplit not in tally.wanted:
            continue
        query = Document(doc.id, doc.text, title=doc.title, source=doc.source)
        t0 = time.perf_counter()
        result = trace(store, query, opts)
        tally.times.append(time.perf_counter() - t0)
        tally.wikis.append(score_wikinews(query, relevant, result, tally.texts, wsplit))
        if wsplit == tally.dump_split:
            full = result if every == opts else trace(store, query, every)
            labels = [int(p.source_id in relevant) for p in full.passages]
            tally.rows.extend(
                passage_rows(
                    query,
                    wsplit,
                    "wikinews",
                    full,
                    labels,
                    [float(y) for y in labels],
                    tally.dates,
                    "wikinews",
                )
            )


def _examples(
    out: list[dict[str, Any]],
    q: NewsQuery,
    result: Trace,
    labels: Sequence[int],
    texts: Mapping[str, str],
) -> None:
    """Keep a few wrong passages, to show where trace fails."""
    if len(out) >= 12:
        return
    truth = truth_by_char(q)
    for p, label in zip(result.passages, labels, strict=True):
        if label:
            continue
        src = texts.get(p.source_id, "")
        true = sorted({truth[i] for i in range(p.query.start, p.query.end) if i in truth})
        out.append(
            {
                "query_id": q.document.id,
                "query": q.document.text[p.query.start : p.query.end][:300],
                "source_id": p.source_id,
                "source": src[p.source.start : p.source.end][:300]
                if p.source_field == "text"
                else "",
                "source_field": p.source_field,
                "kind": str(p.kind),
                "confidence": p.confidence,
                "true_sources_here": true,
            }
        )
        return  # one example a query, to see many kinds of failure
