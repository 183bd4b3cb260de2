"""Quality gate on real news (issue 11): ``wiretrace eval news`` against its floors.

The set is the fixed one (seed ``DEFAULT_SEED``) built from ECB+, BBC News and Wikinews in
``../shared/data`` (see :mod:`wiretrace.eval.news`); one run traces every query of both splits
and the spun composites, in about a minute. Run it alone with
``pytest -m slow tests/test_quality_news.py``.

A floor that the code does not meet yet is marked ``xfail(strict=True)`` with the figure it
measured, so CI stays green and fails the day the floor is met: then remove the mark. Never
lower a floor.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wiretrace.eval.news import NewsReport, run_news
from wiretrace.eval.news_build import DEFAULT_SEED

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
NEEDED = (
    "ecbplus-news-events/ecbplus_docs.jsonl.gz",
    "bbc-news/bbc_news.jsonl.gz",
    "wikinewssum/wikinews_with_sources.jsonl",
)

PRECISION_FLOOR = 0.97
HEADLINE_RECALL_FLOOR = 0.90
EARLIEST_ACCURACY_FLOOR = 0.95
LATER_DATED_SOURCES_MAX = 0
RENAMES_AS_EDITS_FLOOR = 0.95
# Calibration of passage confidence on the held-out half (0.017 measured when it was fitted).
CALIBRATION_ERROR_MAX = 0.05

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report() -> NewsReport:
    for part in NEEDED:
        if not (SHARED_DATA / part).is_file():
            pytest.skip(f"needs {SHARED_DATA / part} (the project's shared data, present in CI)")
    return run_news(SHARED_DATA, seed=DEFAULT_SEED)


def test_the_set_is_the_fixed_one(report: NewsReport) -> None:
    data = report.to_dict()
    # Enough of every case to measure it (BENCHMARKS.md has the exact counts of the run).
    assert data["queries"] >= 600 and data["wikinews_queries"] >= 70
    assert data["headline_only"] >= 150 and data["headline_copied"] >= 60
    assert data["later_truth"] >= 80 and data["earliest_queries"] >= 600
    assert data["calibration_passages"] >= 500
    assert data["spun_rename_recall"] is not None


def test_precision_floor(report: NewsReport) -> None:
    assert report.precision >= PRECISION_FLOOR, report.format_table()


def test_headline_recall_floor(report: NewsReport) -> None:
    assert report.headline_recall >= HEADLINE_RECALL_FLOOR, report.format_table()


def test_earliest_accuracy_floor(report: NewsReport) -> None:
    assert report.earliest_accuracy >= EARLIEST_ACCURACY_FLOOR, report.format_table()


def test_no_later_dated_sources(report: NewsReport) -> None:
    assert report.later_dated_sources <= LATER_DATED_SOURCES_MAX, report.format_table()


def test_renames_as_edits_floor(report: NewsReport) -> None:
    recall = report.spun_rename_recall
    assert recall is not None and recall >= RENAMES_AS_EDITS_FLOOR, report.format_table()


def test_direction_is_checked_exactly_for_dated_queries(report: NewsReport) -> None:
    assert report.to_dict()["direction_flag_wrong"] == 0, report.format_table()


def test_confidence_is_calibrated_on_the_held_out_half(report: NewsReport) -> None:
    error = report.to_dict()["calibration_error"]
    assert error is not None and error <= CALIBRATION_ERROR_MAX, report.format_table()
