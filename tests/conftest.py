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
import sqlite3
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


# The tables of an index file of format 1, as the first release wrote them (before content
# digests, appearances and compressed text): the upgrade tests start from this file.
_FORMAT_1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('format', '1'), ('n', '5'), ('window', '4');
CREATE TABLE documents (
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
    title TEXT, url TEXT, source TEXT, published_at TEXT, language TEXT,
    text TEXT NOT NULL, text_digest TEXT NOT NULL, meta_digest TEXT NOT NULL);
CREATE TABLE postings (hash INTEGER NOT NULL, doc INTEGER NOT NULL,
    PRIMARY KEY (hash, doc)) WITHOUT ROWID;
CREATE VIRTUAL TABLE lexical USING fts5(
    text, content='', tokenize='porter unicode61', detail=full);
"""


def write_format_1_index(path: Path, doc_id: str, text: str) -> sqlite3.Connection:
    """A format-1 index file at ``path`` holding one document (committed); the connection is
    returned open so a test can add rows (``with con:`` commits them), and closes it."""
    con = sqlite3.connect(path)
    con.executescript(_FORMAT_1)
    con.execute(
        "INSERT INTO documents VALUES (1, ?, NULL, NULL, NULL, NULL, NULL, ?, 'x', 'y')",
        (doc_id, text),
    )
    con.commit()
    return con
