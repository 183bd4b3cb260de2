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
import socket
import sqlite3
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SHARED_DATA = SHARED / "data"
NEWS = Path(__file__).resolve().parent / "data" / "news"

# Words of local news, for generated texts in the index tests.
NEWS_WORDS = [
    "harbour",
    "council",
    "vote",
    "budget",
    "ferry",
    "strike",
    "wages",
    "minister",
    "court",
    "ruling",
    "flood",
    "river",
    "bridge",
    "school",
    "teachers",
    "union",
    "hospital",
    "nurses",
    "police",
    "report",
    "election",
    "mayor",
    "rail",
    "line",
    "tunnel",
    "airport",
    "runway",
    "storm",
    "damage",
    "farmers",
    "drought",
    "prices",
    "market",
    "shares",
    "bank",
    "rates",
    "inflation",
]


@pytest.fixture
def unreachable_s3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """Point Arrow's S3 client (through the AWS environment variables) at a port on this
    machine with no server behind it, so nothing leaves it; return the port. Skips where
    pyarrow was built without S3 (PyPI's wheels have it, so CI runs these tests)."""
    pytest.importorskip("pyarrow._s3fs", reason="needs a pyarrow built with S3 (PyPI wheels are)")
    with socket.socket() as probe:  # a port with no server behind it
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    for name, value in {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    return port


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
