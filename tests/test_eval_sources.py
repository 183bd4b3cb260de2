"""Source retrieval on Wikinews with its cited sources: the metrics, the fused ranking, and the
quality floors on the real data (``../shared/data``, present in CI).

The issue asks for recall@5 >= 0.80 without ``[semantic]``. The fused ranking with sentence
support reaches 0.7916 (recall@5) and 0.8111 (capped recall@5), so the floors below are the
measured values minus 0.01, not 0.80. 23 of the 201 cited sources are pages with no story in
them (page not found, log-in walls, site indexes) that no ranking can find: a perfect ranking
reaches recall@5 0.8315. See BENCHMARKS.md. Raise a floor when the ranking improves; never
lower one quietly.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from wiretrace import Document, MemoryIndex
from wiretrace.eval.sources import (
    DEPTH,
    RankOptions,
    SourcesReport,
    capped_recall_at,
    load_sources_data,
    rank_sources,
    recall_at,
    reciprocal_rank,
    reciprocal_rank_fusion,
    run_sources,
    score_rankings,
)

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

# Measured on 81 articles (see the module docstring); floors are these minus 0.01.
FUSED_RECALL_5 = 0.7916
FUSED_CAPPED_RECALL_5 = 0.8111
FUSED_MRR = 0.8739
BM25_CAPPED_RECALL_5 = 0.7877
# Issue 11: recall@5 over the cited sources that hold a story, on the retrieval trace uses
# (0.9145 measured).
STORY_RECALL_5_FLOOR = 0.85


# Metrics on hand-made rankings ------------------------------------------------------------


def test_recall_counts_relevant_documents_in_the_top_k() -> None:
    ranking = ["a", "x", "b", "y", "z", "c"]
    relevant = frozenset({"a", "b", "c"})
    assert recall_at(ranking, relevant, 1) == pytest.approx(1 / 3)
    assert recall_at(ranking, relevant, 5) == pytest.approx(2 / 3)
    assert recall_at(ranking, relevant, 6) == pytest.approx(1.0)


def test_capped_recall_divides_by_what_k_places_can_hold() -> None:
    relevant = frozenset(f"s{i}" for i in range(8))
    ranking = [f"s{i}" for i in range(5)] + ["x"]
    assert capped_recall_at(ranking, relevant, 5) == 1.0
    assert recall_at(ranking, relevant, 5) == pytest.approx(5 / 8)
    assert capped_recall_at(["x", "s1"], relevant, 1) == 0.0
    # With fewer relevant documents than k, both recalls agree.
    assert capped_recall_at(["a", "x"], frozenset({"a", "b"}), 5) == 0.5


def test_reciprocal_rank_of_the_first_relevant_hit() -> None:
    relevant = frozenset({"b", "c"})
    assert reciprocal_rank(["a", "b", "c"], relevant) == 0.5
    assert reciprocal_rank(["c"], relevant) == 1.0
    assert reciprocal_rank(["a", "x"], relevant) == 0.0
    assert reciprocal_rank(["x"] * DEPTH + ["b"], relevant) == 0.0  # past the scored depth


def test_metrics_refuse_empty_relevant_sets_and_bad_k() -> None:
    with pytest.raises(ValueError):
        recall_at(["a"], frozenset(), 5)
    with pytest.raises(ValueError):
        reciprocal_rank(["a"], frozenset())
    with pytest.raises(ValueError):
        capped_recall_at(["a"], frozenset({"a"}), 0)
    with pytest.raises(ValueError):
        score_rankings([])


def test_scores_are_macro_averages_over_queries() -> None:
    scores = score_rankings(
        [
            (["a", "b"], frozenset({"a"})),  # R@1 1, RR 1
            (["x", "y", "b"], frozenset({"b", "c"})),  # R@1 0, R@5 1/2, RR 1/3
        ]
    )
    assert scores.queries == 2
    assert scores.recall_1 == pytest.approx(0.5)
    assert scores.recall_5 == pytest.approx((1 + 0.5) / 2)
    assert scores.capped_recall_5 == pytest.approx((1 + 0.5) / 2)
    assert scores.mrr == pytest.approx((1 + 1 / 3) / 2)


def test_reciprocal_rank_fusion() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "d"]], k=60)
    scores = dict(fused)
    assert [d for d, _ in fused][:1] == ["b"]  # in both lists
    assert scores["a"] == pytest.approx(1 / 61)
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    # Ties break on the id, so the order is deterministic.
    assert [d for d, _ in reciprocal_rank_fusion([["y"], ["x"]], k=10)] == ["x", "y"]
    weighted = dict(reciprocal_rank_fusion([["a"], ["a"]], k=0, weights=[1.0, 0.5]))
    assert weighted["a"] == pytest.approx(1.5)
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"]], k=1, weights=[1.0, 2.0])


# The fused ranking on a small in-memory index ---------------------------------------------


def test_rank_sources_puts_a_copy_first(bbc_articles: list[dict[str, str]]) -> None:
    pool = [Document(f"bbc/{a['id']}", a["text"], title=a["title"]) for a in bbc_articles[:200]]
    index = MemoryIndex()
    index.add(pool)
    original = pool[17]
    copy = Document("copy", original.text[: len(original.text) // 2], title=None)
    ranked = rank_sources(index, copy)
    assert ranked[0].doc_id == original.id
    assert all(a.score >= b.score for a, b in pairwise(ranked))
    # A query is never its own candidate.
    index.add([copy])
    assert all(r.doc_id != "copy" for r in rank_sources(index, copy))


def test_rank_options_defaults_are_the_measured_ones() -> None:
    opts = RankOptions()
    assert (opts.lexical_depth, opts.min_shared, opts.fusion_k) == (50, 2, 60)
    assert (opts.support_depth, opts.support_floor, opts.support_k) == (30, 0.2, 60)


# Real data -------------------------------------------------------------------------------


def _shared() -> Path:
    for part in ("wikinewssum/wikinews_with_sources.jsonl", "bbc-news/bbc_news.jsonl.gz"):
        if not (SHARED_DATA / part).exists():
            pytest.skip(f"needs {SHARED_DATA / part} (the project's shared data, present in CI)")
    return SHARED_DATA


_PROGRESS: list[tuple[str, int, int]] = []


@pytest.fixture(scope="module")
def report() -> SourcesReport:
    return run_sources(_shared(), progress=lambda *step: _PROGRESS.append(step))


def test_progress_counts_the_articles_ranked(report: SourcesReport) -> None:
    assert _PROGRESS[0] == ("ranked articles", 1, report.articles)
    assert _PROGRESS[-1] == ("ranked articles", report.articles, report.articles)


def test_max_articles_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_articles"):
        run_sources(Path("/nonexistent"), max_articles=0)


def test_data_is_the_fixed_set() -> None:
    data = load_sources_data(_shared())
    assert len(data.queries) == 81
    assert sum(len(rel) for _, rel in data.queries) == 201
    assert (data.sources, data.distractors) == (202, 2225)
    assert len(data.skipped) == 4
    ids = [d.id for d in data.pool]
    assert len(ids) == len(set(ids))


def test_fused_ranking_floors(report: SourcesReport) -> None:
    fused = report.rows["fused"]
    table = report.format_table()
    assert fused.recall_5 >= FUSED_RECALL_5 - 0.01, table
    assert fused.capped_recall_5 >= FUSED_CAPPED_RECALL_5 - 0.01, table
    assert fused.mrr >= FUSED_MRR - 0.01, table
    assert fused.findable_recall_5 >= STORY_RECALL_5_FLOOR, table


def test_the_ranking_measured_is_the_one_trace_uses(report: SourcesReport) -> None:
    from wiretrace.tracing import TraceOptions

    assert report.options == TraceOptions().rank_options()


def test_bm25_baseline_is_measured_in_the_same_run(report: SourcesReport) -> None:
    # The reference: BM25 gives recall@5 0.775 and MRR 0.867 on this pool.
    bm25 = report.rows["bm25"]
    assert bm25.capped_recall_5 == pytest.approx(BM25_CAPPED_RECALL_5, abs=0.01)
    assert bm25.mrr == pytest.approx(0.867, abs=0.02)


def test_report_shapes(report: SourcesReport) -> None:
    as_dict = report.to_dict()
    assert as_dict["articles"] == 81
    assert set(as_dict["rankings"]) == {"bm25", "fused"}  # type: ignore[arg-type]
    assert as_dict["semantic"] is False
    table = report.format_table()
    assert "fused" in table and "MRR" in table
