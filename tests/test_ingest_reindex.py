"""Metadata is never lost silently (issue 15): re-adding documents with fewer fields.

A CSV mapped with only ``text`` and ``id`` over stored ids once set every title, URL and date to
nothing and reported "updated". Now the stored fields stay unless ``--replace`` is given, and
the summary counts metadata-only updates apart from new texts. Real ``wiretrace index``
subprocesses on a real SQLite index, and the HTTP API's ``POST /v1/documents``.
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest
from conftest import read_news
from test_ingest_cli import run, summary_rows

ARTICLES = read_news()[:5]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def full_export(path: Path) -> Path:
    """The articles with their metadata, under the column names of a typical CMS export."""
    header = ["guid", "headline", "body", "link", "publisher", "pubDate"]
    rows = [[a["id"], a["title"], a["text"], a["url"], a["source"], a["published_at"]]
            for a in ARTICLES]  # fmt: skip
    return write_csv(path, header, rows)


def stored(db: Path) -> dict[str, tuple[str | None, ...]]:
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT id, title, url, source, published_at, text FROM documents")
        return {r[0]: r[1:] for r in rows}


def test_a_thinner_export_keeps_the_stored_metadata_unless_replace(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    proc = run("index", "--db", str(db), str(full_export(tmp_path / "cms.csv")), "--quiet")
    assert summary_rows(proc.stderr)["csv"]["added"] == 5
    # the mapping it recognised is said
    assert (
        "cms.csv: columns read: id='guid', text='body', title='headline', url='link', "
        "source='publisher', published_at='pubDate'" in proc.stderr
    )
    before = stored(db)
    assert all(None not in fields for fields in before.values())

    # Only id and text (the case): nothing changes, nothing is lost.
    thin = write_csv(
        tmp_path / "thin.csv", ["id", "text"], [[a["id"], a["text"]] for a in ARTICLES]
    )
    proc = run("index", "--db", str(db), str(thin), "--quiet")
    row = summary_rows(proc.stderr)["csv"]
    assert (row["unchanged"], row["updated"], row["metadata"]) == (5, 0, 0)
    assert stored(db) == before

    # New titles only: metadata updates, counted apart; the dates stay.
    retitled = write_csv(
        tmp_path / "titles.csv",
        ["id", "text", "title"],
        [[a["id"], a["text"], a["title"].upper()] for a in ARTICLES[:2]],
    )
    row = summary_rows(run("index", "--db", str(db), str(retitled), "--quiet").stderr)["csv"]
    assert (row["metadata"], row["updated"], row["unchanged"]) == (2, 0, 0)
    after = stored(db)
    first = ARTICLES[0]
    assert after[first["id"]][:4] == (
        first["title"].upper(),
        first["url"],
        first["source"],
        first["published_at"],
    )

    # A corrected text with fewer fields: a text update; the metadata stays.
    fixed = write_csv(
        tmp_path / "fixed.csv",
        ["id", "text"],
        [[first["id"], first["text"] + " A correction was appended."]],
    )
    row = summary_rows(run("index", "--db", str(db), str(fixed), "--quiet").stderr)["csv"]
    assert (row["updated"], row["metadata"]) == (1, 0)
    assert stored(db)[first["id"]][3] == first["published_at"]

    # --replace: the input's metadata replaces the stored one as a whole.
    proc = run("index", "--db", str(db), str(thin), "--replace", "--quiet")
    row = summary_rows(proc.stderr)["csv"]
    assert row["metadata"] == 4 and row["updated"] == 1  # the corrected text goes back
    assert all(fields[:4] == (None, None, None, None) for fields in stored(db).values())


def test_index_help_documents_replace() -> None:
    out = run("index", "--help").stdout
    assert "--replace" in out and "cleared" in out


# -- the HTTP API ------------------------------------------------------------------------------


@pytest.fixture
def api(tmp_path: Path):  # type: ignore[no-untyped-def]
    pytest.importorskip("fastapi", reason="needs the [serve] extra")
    from test_serve import start_server

    from wiretrace.index.sqlite import open_index

    db = tmp_path / "api.db"
    open_index(db).close()
    server = start_server(db, tmp_path / "server.log")
    with server.client() as client:
        yield client
    server.stop()


def test_api_readding_documents_keeps_their_metadata(api) -> None:  # type: ignore[no-untyped-def]
    full = [{k: a[k] for k in ("id", "text", "title", "url", "source", "published_at")}
            for a in ARTICLES[:3]]  # fmt: skip
    assert api.post("/v1/documents", json=full).json()["added"] == 3
    bare = [{"id": a["id"], "text": a["text"]} for a in ARTICLES[:3]]
    body = api.post("/v1/documents", json=bare).json()
    assert (body["unchanged"], body["updated"], body["metadata"]) == (3, 0, 0)
    retitled = [{"id": ARTICLES[0]["id"], "text": ARTICLES[0]["text"], "title": "New title"}]
    body = api.post("/v1/documents", json=retitled).json()
    assert (body["metadata"], body["updated"], body["unchanged"]) == (1, 0, 0)
    doc = api.get(f"/v1/documents/{ARTICLES[0]['id']}").json()
    assert doc["title"] == "New title"
    assert doc["published_at"] == ARTICLES[0]["published_at"]
    assert doc["url"] == ARTICLES[0]["url"]
