"""Shared fixtures: where the read-only shared data lives, and news texts to trace.

``tests/data/news`` holds short news articles written for these tests: a wire story
(``meridian/fisheries-pact``), two reports that copy from it (one renames an entity, the other
swaps words for synonyms) and twelve unrelated background pieces. They make the trace, report
and index tests trace real-looking text on any machine. The BBC News texts in ``../shared/data``
add a larger corpus where it is present (in CI); the quality floors need it.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SHARED_DATA = SHARED / "data"
NEWS = Path(__file__).resolve().parent / "data" / "news"


def require_shared(*parts: str) -> Path:
    """The path under ../shared/data, or skip: that folder exists in CI, not on users' machines."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (the project's shared data folder, present in CI)")
    return path


def read_news() -> list[dict[str, str]]:
    """The articles of ``tests/data/news/corpus.jsonl``, wire story first."""
    with (NEWS / "corpus.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def read_report(name: str) -> str:
    """One of the reports in ``tests/data/news`` that copy from the wire story."""
    return (NEWS / f"report-{name}.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def news_articles() -> list[dict[str, str]]:
    return read_news()


@pytest.fixture(scope="session")
def bbc_articles() -> list[dict[str, str]]:
    path = require_shared("bbc-news", "bbc_news.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line, _ in zip(fh, range(300), strict=False)]


@pytest.fixture(scope="session", params=["news", "bbc"])
def corpus(request: pytest.FixtureRequest) -> list[dict[str, str]]:
    """Our own small corpus, then the BBC texts of the shared folder (skipped without it)."""
    fixture = "news_articles" if request.param == "news" else "bbc_articles"
    corpus: list[dict[str, str]] = request.getfixturevalue(fixture)
    return corpus
