"""What an index holds (``wiretrace info``, ``GET /v1/index``, and the note of a trace that
finds nothing): articles, outlets, dates, format and size, from a real SQLite file."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from wiretrace import Document, open_index
from wiretrace.index.sqlite_file import FORMAT_VERSION
from wiretrace.index.summary import IndexSummary

WIRETRACE = [sys.executable, "-m", "wiretrace.cli"]
TEXT = "The harbour council approved the budget for {n} new ferries on a long evening vote."


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*WIRETRACE, *args], input=stdin, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "news.db"
    docs = [
        Document("g1", TEXT.format(n=1), source="Gazette", published_at="2019-04-23"),
        Document("g2", TEXT.format(n=2), source="Gazette", published_at="2019-04-25T08:00Z"),
        Document("h1", TEXT.format(n=3), source="Herald", published_at="2019-04-20"),
        Document("x1", TEXT.format(n=4)),  # no outlet, no date
    ]
    with open_index(path, fold_duplicates=True) as index:
        index.add(docs)
        # An exact duplicate under another id and outlet: one text, two articles.
        index.add([Document("p1", TEXT.format(n=1), source="Post", published_at="2019-04-24")])
    return path


def test_summary_counts_articles_outlets_and_dates(db: Path) -> None:
    with open_index(db, create=False, readonly=True) as index:
        s = index.summary()
    assert isinstance(s, IndexSummary)
    assert (s.articles, s.texts) == (5, 4)
    assert s.outlets == 3 and s.without_outlet == 1
    assert s.top_outlets == (("Gazette", 2), ("Herald", 1), ("Post", 1))
    assert (s.first_published, s.last_published, s.undated) == (
        "2019-04-20",
        "2019-04-25T08:00Z",
        1,
    )
    assert s.format_version == FORMAT_VERSION and s.size_bytes > 0
    assert s.headline() == "5 articles from 3 outlets, 2019-04-20 to 2019-04-25 (1 undated)"
    with open_index(db, create=False, readonly=True) as index:
        assert index.summary(top=1).top_outlets == (("Gazette", 2),)


def test_an_empty_index_says_so(tmp_path: Path) -> None:
    with open_index(tmp_path / "empty.db") as index:
        s = index.summary()
    assert (s.articles, s.outlets, s.first_published) == (0, 0, None)
    assert s.headline() == "The index is empty: no article to compare with."


def test_info_command_prints_the_summary_and_json(db: Path, tmp_path: Path) -> None:
    shown = run("info", "--db", str(db))
    assert shown.returncode == 0, shown.stderr
    assert "5 articles from 3 outlets, 2019-04-20 to 2019-04-25 (1 undated)" in shown.stdout
    assert "Gazette" in shown.stdout and "4 distinct texts" in shown.stdout
    as_json = json.loads(run("info", "--db", str(db), "--json", "--top", "2").stdout)
    assert as_json["articles"] == 5 and as_json["summary"].startswith("5 articles")
    assert as_json["top_outlets"] == [
        {"outlet": "Gazette", "articles": 2},
        {"outlet": "Herald", "articles": 1},
    ]
    missing = run("info", "--db", str(tmp_path / "nope.db"))
    assert missing.returncode != 0 and "no such index" in missing.stderr


def test_a_trace_that_finds_nothing_names_the_corpus(db: Path, tmp_path: Path) -> None:
    text = "Gardeners across the valley planted early tomatoes after a mild and sunny March."
    done = run("trace", "--db", str(db), "-", stdin=text)
    assert done.returncode == 0, done.stderr
    assert "No source found among 5 articles from 3 outlets" in done.stderr
    assert "not proof that the article is original" in done.stderr
    with open_index(tmp_path / "empty.db") as index:
        assert len(index) == 0
    empty = run("trace", "--db", str(tmp_path / "empty.db"), "-", stdin=text)
    assert "The index is empty: nothing was compared" in empty.stderr
    found = run("trace", "--db", str(db), "-", stdin=TEXT.format(n=3))
    assert "No source found" not in found.stderr


@pytest.fixture
def server(db: Path, tmp_path: Path) -> Iterator[object]:
    pytest.importorskip("fastapi", reason="needs the [serve] extra (FastAPI, uvicorn)")
    from test_serve import start_server

    srv = start_server(db, tmp_path / "server.log")
    yield srv
    srv.stop()


def test_api_index_summary(server: object) -> None:
    with server.client() as client:  # type: ignore[attr-defined]
        body = client.get("/v1/index").json()
    assert body["articles"] == 5 and body["outlets"] == 3
    assert body["summary"] == "5 articles from 3 outlets, 2019-04-20 to 2019-04-25 (1 undated)"
    assert body["top_outlets"][0] == {"outlet": "Gazette", "articles": 2}


def test_api_index_summary_follows_every_writer(server: object, db: Path) -> None:
    # The server keeps the summary while the file is unchanged; an addition through the API
    # and one by another process (a `wiretrace index` run on the same file) both show.
    with server.client() as client:  # type: ignore[attr-defined]
        assert client.get("/v1/index").json()["articles"] == 5
        added = client.post(
            "/v1/documents", json=[{"id": "api/1", "text": "A new text " * 20, "source": "Wire"}]
        )
        assert added.status_code == 200, added.text
        assert client.get("/v1/index").json()["articles"] == 6
        with open_index(db) as index:
            index.add([Document("cli/1", "Another text " * 20, source="Courier")])
        body = client.get("/v1/index").json()
    assert body["articles"] == 7
    assert {"outlet": "Courier", "articles": 1} in body["top_outlets"]
