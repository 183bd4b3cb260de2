"""Scoring source retrieval on Wikinews articles with their cited sources.

Wikinews reporters write each article in their own words from the sources they cite, so an
article and its sources share facts and names more than word sequences (half of the pairs share
no five-word sequence). Given an article, wiretrace must rank its cited sources first among
many other news articles.

Data
----
- **Queries:** the Wikinews articles of ``wikinews_with_sources.jsonl`` (WikinewsSum, see its
  ``SOURCE.md``) that cite at least one English source, as plain text: the converted
  ``data/demo/wikinews.jsonl`` of this repository (``scripts/wikinews_to_text.py``), matched
  to the raw records by title. A query is the article's title, a line break, and its text.
  Articles whose text is empty after conversion are left out and counted.
- **Pool:** every English source with a non-empty ``maintext`` (a text cited twice, by one
  article or by two, is one document), plus the 2,225 BBC News articles of
  ``bbc-news/bbc_news.jsonl.gz`` as distractors. The pool is indexed with the library
  (:func:`wiretrace.open_index`, a real SQLite file in a temporary folder), titles included.
- **Relevant documents** of an article: the pool documents of its English sources. Three BBC
  articles are near-copies of two cited BBC sources (they share most of their fingerprints);
  they count as distractors, as the data says, which costs the rankings a little.
- **What no ranking can find:** 23 of the 201 cited sources are pages with no story in them
  (page not found, log-in walls, "are you a robot?", site indexes, an unrelated headline
  list). None is in any ranking's top 50, and each was read by hand. Without them, a perfect
  ranking reaches recall@5 0.8315 (``ceiling@5`` below): the issue's 0.85 with
  ``[semantic]`` is above what this pool allows.

Metrics
-------
For one article with relevant set ``R`` (never empty) and a ranking ``r_1, r_2, ...`` of pool
documents (the first :data:`DEPTH` are scored; the article itself is not in the pool):

- ``recall@k = |R ∩ {r_1..r_k}| / |R|``: the share of the article's sources in the top k;
- ``capped recall@k = |R ∩ {r_1..r_k}| / min(k, |R|)``: the same, out of what k places can
  hold (an article with 8 sources can put at most 5 in the top 5, and that scores 1.0);
- ``reciprocal rank = 1 / i`` for the first ``i`` with ``r_i`` in ``R``; 0 when no relevant
  document is in the top :data:`DEPTH`.

Each figure is the mean over the articles (macro average): ``MRR`` is the mean reciprocal
rank. ``recall@50`` is reported too, and ``ceiling@5``, the recall@5 of the best possible
reordering of the top 50 (``min(5, |R ∩ top 50|) / |R|``): what reranking can reach at most.
``story recall@5`` (``sR@5``) is recall@5 over the cited sources that hold a story, taken as
those some ranking of the run finds in its top 50 (every other one was read by hand: error
pages, log-in walls, site indexes), averaged over the articles that have any.

Rankings compared in one run
----------------------------
- ``bm25``: the plain baseline, Okapi BM25 (FTS5's formula and constants,
  :func:`wiretrace.index.lexical.bm25_rank`) over the Porter stems of *every* word of the
  query, against title and text of every pool document.
- ``fused``: wiretrace's own source ranking, :func:`wiretrace.rank.rank_sources` without an
  encoder (words, fingerprints, the headline's own search and sentence support; see
  :mod:`wiretrace.rank`), with the options ``trace`` uses (``TraceOptions().rank_options()``):
  the order in which ``trace`` aligns candidates found by words.
- ``fused+semantic``: the same with the sentence encoder of the ``[semantic]`` extra (only
  when asked for), which adds support by sentence embeddings.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from wiretrace.errors import CorpusError
from wiretrace.eval.report import Column, table_lines
from wiretrace.index.lexical import bm25_rank, document_terms
from wiretrace.index.sqlite import open_index
from wiretrace.model import Document
from wiretrace.progress import StepCallback, no_progress
from wiretrace.rank import (
    DEPTH,
    RankedSource,
    RankOptions,
    query_text,
    rank_sources,
    reciprocal_rank_fusion,
)
from wiretrace.semantic import SentenceEncoder, load_encoder
from wiretrace.tracing import TraceOptions

__all__ = [
    "DEPTH",
    "RankOptions",
    "RankedSource",
    "RetrievalScores",
    "SourcesData",
    "SourcesReport",
    "capped_recall_at",
    "load_sources_data",
    "query_text",
    "rank_sources",
    "recall_at",
    "reciprocal_rank",
    "reciprocal_rank_fusion",
    "run_sources",
    "score_rankings",
]

log = logging.getLogger(__name__)

WIKINEWS_FILE = Path("wikinewssum") / "wikinews_with_sources.jsonl"
BBC_FILE = Path("bbc-news") / "bbc_news.jsonl.gz"
# The converted articles ship with the repository (src/wiretrace/eval/ -> repository root).
DEFAULT_ARTICLES = Path(__file__).resolve().parents[3] / "data" / "demo" / "wikinews.jsonl"


# --------------------------------------------------------------------------------------------
# Metrics (pure)
# --------------------------------------------------------------------------------------------


def _hits(ranking: Sequence[str], relevant: frozenset[str], k: int) -> int:
    if not relevant:
        raise ValueError("a query needs at least one relevant document")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    return len(relevant.intersection(ranking[:k]))


def recall_at(ranking: Sequence[str], relevant: frozenset[str], k: int) -> float:
    """``|relevant ∩ top k| / |relevant|``."""
    return _hits(ranking, relevant, k) / len(relevant)


def capped_recall_at(ranking: Sequence[str], relevant: frozenset[str], k: int) -> float:
    """``|relevant ∩ top k| / min(k, |relevant|)``: 1.0 when the top k is as full of relevant
    documents as it can be."""
    return _hits(ranking, relevant, k) / min(k, len(relevant))


def reciprocal_rank(ranking: Sequence[str], relevant: frozenset[str], depth: int = DEPTH) -> float:
    """``1 / i`` for the first relevant document at 1-based rank ``i <= depth``, else 0."""
    if not relevant:
        raise ValueError("a query needs at least one relevant document")
    for i, doc_id in enumerate(ranking[:depth], 1):
        if doc_id in relevant:
            return 1.0 / i
    return 0.0


@dataclass(frozen=True, slots=True)
class RetrievalScores:
    """Macro averages over queries of the measures in the module docstring."""

    queries: int
    recall_1: float
    recall_5: float
    capped_recall_1: float
    capped_recall_5: float
    recall_50: float
    mrr: float
    ceiling_5: float  # recall@5 of the best possible reordering of the top DEPTH
    findable_recall_5: float = 0.0  # recall@5 over the sources some ranking finds at all


def score_rankings(
    rankings: Sequence[tuple[Sequence[str], frozenset[str]]],
    findable: Sequence[frozenset[str]] | None = None,
) -> RetrievalScores:
    """Score ``(ranking, relevant set)`` pairs, one per query. ``findable`` holds, per query,
    the relevant documents that hold a story (see the module docstring); recall@5 over them is
    the mean over the queries that have any."""
    if not rankings:
        raise ValueError("no queries to score")
    n = len(rankings)
    found = findable or [rel for _, rel in rankings]
    over = [(r, f) for (r, _), f in zip(rankings, found, strict=True) if f]

    def mean(values: Iterator[float]) -> float:
        return sum(values) / n

    return RetrievalScores(
        queries=n,
        recall_1=mean(recall_at(r, rel, 1) for r, rel in rankings),
        recall_5=mean(recall_at(r, rel, 5) for r, rel in rankings),
        capped_recall_1=mean(capped_recall_at(r, rel, 1) for r, rel in rankings),
        capped_recall_5=mean(capped_recall_at(r, rel, 5) for r, rel in rankings),
        recall_50=mean(recall_at(r, rel, DEPTH) for r, rel in rankings),
        mrr=mean(reciprocal_rank(r, rel) for r, rel in rankings),
        ceiling_5=mean(min(5, _hits(r, rel, DEPTH)) / len(rel) for r, rel in rankings),
        findable_recall_5=sum(recall_at(r, f, 5) for r, f in over) / len(over) if over else 0.0,
    )


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourcesData:
    """Queries with their relevant pool ids, and the pool (sources first, then distractors)."""

    queries: tuple[tuple[Document, frozenset[str]], ...]
    pool: tuple[Document, ...]
    sources: int
    distractors: int
    skipped: tuple[str, ...]  # titles of articles with sources but no converted text


def _read_jsonl(path: Path, *, gz: bool = False) -> Iterator[tuple[int, dict[str, object]]]:
    if not path.is_file():
        raise CorpusError(f"{path}: not found")
    opener = gzip.open if gz else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{path}:{lineno}: not JSON ({exc.msg})") from exc
            if not isinstance(record, dict):
                raise CorpusError(f"{path}:{lineno}: expected a JSON object")
            yield lineno, record


def _text_id(text: str) -> str:
    return "source/" + hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def _str(record: Mapping[str, object], key: str) -> str | None:
    value = record.get(key)
    return value if isinstance(value, str) and value.strip() else None


def load_sources_data(shared_data: Path, articles: Path | None = None) -> SourcesData:
    """Read the queries, their relevant sets and the pool (see the module docstring)."""
    articles = articles or DEFAULT_ARTICLES
    converted: dict[str, dict[str, object]] = {}
    for lineno, record in _read_jsonl(articles):
        title, text = _str(record, "title"), _str(record, "text")
        if title is None or text is None:
            raise CorpusError(f"{articles}:{lineno}: needs a 'title' and a 'text'")
        converted[title] = record
    raw_path = shared_data / WIKINEWS_FILE
    pool: dict[str, Document] = {}
    queries: list[tuple[Document, frozenset[str]]] = []
    skipped: list[str] = []
    for lineno, record in _read_jsonl(raw_path):
        title = _str(record, "title")
        sources = record.get("sources") or []
        if title is None or not isinstance(sources, list):
            raise CorpusError(f"{raw_path}:{lineno}: needs a 'title' and a 'sources' list")
        relevant: set[str] = set()
        for source in sources:
            if not isinstance(source, dict) or source.get("language") != "en":
                continue
            text = _str(source, "maintext")
            if text is None:
                continue
            doc_id = _text_id(text)
            relevant.add(doc_id)
            pool.setdefault(
                doc_id, Document(doc_id, text, title=_str(source, "title"), url=_str(source, "url"))
            )
        if not relevant:
            continue
        article = converted.get(title)
        if article is None:
            skipped.append(title)
            continue
        query = Document(
            str(article.get("id") or title),
            str(article["text"]),
            title=title,
            url=_str(article, "url"),
            source="Wikinews",
            published_at=_str(article, "published_at"),
        )
        queries.append((query, frozenset(relevant)))
    n_sources = len(pool)
    bbc_path = shared_data / BBC_FILE
    for lineno, record in _read_jsonl(bbc_path, gz=True):
        bbc_id, text = _str(record, "id"), _str(record, "text")
        if bbc_id is None or text is None:
            raise CorpusError(f"{bbc_path}:{lineno}: needs an 'id' and a 'text'")
        doc_id = f"bbc/{bbc_id}"
        pool[doc_id] = Document(doc_id, text, title=_str(record, "title"), source="BBC News")
    if not queries:
        raise CorpusError(f"{raw_path}: no article with an English source matches {articles}")
    return SourcesData(
        tuple(queries), tuple(pool.values()), n_sources, len(pool) - n_sources, tuple(skipped)
    )


# --------------------------------------------------------------------------------------------
# The baseline: BM25 over every word of the query
# --------------------------------------------------------------------------------------------


class _Bm25:
    """Okapi BM25 over the whole pool, in memory: the plain baseline, with no term selection."""

    def __init__(self, pool: Sequence[Document]) -> None:
        self.postings: dict[str, dict[str, int]] = {}
        self.lengths: dict[str, int] = {}
        for doc in pool:
            terms = document_terms(query_text(doc))
            self.lengths[doc.id] = len(terms)
            for term in terms:
                docs = self.postings.setdefault(term, {})
                docs[doc.id] = docs.get(doc.id, 0) + 1

    def rank(self, text: str, depth: int = DEPTH) -> list[str]:
        terms = sorted(set(document_terms(text)))
        return [d for d, _ in bm25_rank(terms, self.postings, self.lengths)[:depth]]


# --------------------------------------------------------------------------------------------
# The runner
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourcesReport:
    """The result of :func:`run_sources`: one row of scores per ranking."""

    data_dir: str
    articles: int
    relevant: int
    sources: int
    distractors: int
    skipped: tuple[str, ...]
    rows: dict[str, RetrievalScores]
    options: RankOptions
    semantic: bool
    embedded: int  # texts the encoder embedded (0 without semantic)
    wall_seconds: float = field(compare=False)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready summary."""
        return {
            "data_dir": self.data_dir,
            "articles": self.articles,
            "relevant": self.relevant,
            "pool": {"sources": self.sources, "distractors": self.distractors},
            "skipped_articles": list(self.skipped),
            "semantic": self.semantic,
            "options": asdict(self.options),
            "rankings": {
                name: {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(s).items()}
                for name, s in self.rows.items()
            },
            "embedded_texts": self.embedded,
            "wall_seconds": round(self.wall_seconds, 3),
        }

    def format_table(self) -> str:
        """A plain-text table, one ranking a row."""
        lines = [
            f"Wikinews sources: {self.articles} articles, {self.relevant} cited English sources; "
            f"pool {self.sources} sources + {self.distractors} BBC distractors",
        ]
        columns = [Column("ranking", 16, left=True)] + [
            Column(name, 6, ".4f")
            for name in ("R@1", "R@5", "cR@1", "cR@5", "R@50", "MRR", "ceil@5", "sR@5")
        ]
        lines += table_lines(
            columns,
            [
                (
                    name,
                    s.recall_1,
                    s.recall_5,
                    s.capped_recall_1,
                    s.capped_recall_5,
                    s.recall_50,
                    s.mrr,
                    s.ceiling_5,
                    s.findable_recall_5,
                )
                for name, s in self.rows.items()
            ],
        )
        lines.append(
            "R@k = |relevant in top k| / |relevant|; cR@k = ... / min(k, |relevant|); "
            f"MRR over the top {DEPTH}; sR@5 = R@5 over the sources that hold a story (found in "
            f"the top {DEPTH} of some ranking); means over articles"
        )
        if self.skipped:
            lines.append(f"skipped {len(self.skipped)} articles with no text after conversion")
        lines.append(f"wall {self.wall_seconds:.1f} s")
        return "\n".join(lines)


def run_sources(
    shared_data: Path,
    *,
    semantic: bool = False,
    articles: Path | None = None,
    options: RankOptions | None = None,
    encoder: SentenceEncoder | None = None,
    max_articles: int | None = None,
    progress: StepCallback = no_progress,
) -> SourcesReport:
    """Index the pool in a temporary SQLite index and score every ranking on every article.

    ``shared_data`` is the folder holding ``wikinewssum/`` and ``bbc-news/``; ``articles`` the
    converted Wikinews articles (default: the repository's ``data/demo/wikinews.jsonl``).
    With ``semantic``, the ``[semantic]`` extra is needed (``encoder`` defaults to
    :func:`wiretrace.semantic.load_encoder`, which says what to install when it is missing).
    ``max_articles`` scores only the first articles, in file order (the pool stays whole): CI
    holds the semantic floor on a subset, since embedding is slow. ``progress(step, done,
    total)`` counts the articles ranked.
    """
    start = time.perf_counter()
    opts = options or TraceOptions().rank_options()
    if semantic and encoder is None:
        encoder = load_encoder()
    if max_articles is not None and max_articles < 1:
        raise ValueError(f"max_articles must be at least 1, got {max_articles}")
    data = load_sources_data(shared_data, articles)
    if max_articles is not None:
        data = replace(data, queries=data.queries[:max_articles])
    baseline = _Bm25(data.pool)
    rankings: dict[str, list[tuple[Sequence[str], frozenset[str]]]] = {"bm25": [], "fused": []}
    if semantic:
        rankings["fused+semantic"] = []
    embedded_before = getattr(encoder, "embedded", 0)
    with tempfile.TemporaryDirectory(prefix="wiretrace-sources-") as tmp:
        index = open_index(Path(tmp) / "pool.db")
        try:
            index.add(data.pool)
            for done, (query, relevant) in enumerate(data.queries, 1):
                rankings["bm25"].append((baseline.rank(query_text(query)), relevant))
                fused = [r.doc_id for r in rank_sources(index, query, opts)]
                rankings["fused"].append((fused, relevant))
                if semantic:
                    ranked = rank_sources(index, query, opts, encoder=encoder)
                    rankings["fused+semantic"].append(([r.doc_id for r in ranked], relevant))
                progress("ranked articles", done, len(data.queries))
        finally:
            index.close()
    # A cited source "holds a story" when some ranking finds it at all (in its top DEPTH): the
    # 23 that none finds are error pages, log-in walls and site indexes, each read by hand.
    findable = [
        frozenset(d for d in rel if any(d in pairs[i][0][:DEPTH] for pairs in rankings.values()))
        for i, (_, rel) in enumerate(data.queries)
    ]
    rows = {name: score_rankings(pairs, findable) for name, pairs in rankings.items()}
    report = SourcesReport(
        data_dir=str(shared_data),
        articles=len(data.queries),
        relevant=sum(len(rel) for _, rel in data.queries),
        sources=data.sources,
        distractors=data.distractors,
        skipped=data.skipped,
        rows=rows,
        options=opts,
        semantic=semantic,
        embedded=getattr(encoder, "embedded", 0) - embedded_before,
        wall_seconds=time.perf_counter() - start,
    )
    log.debug("sources evaluation: %s", report.to_dict())
    return report
