"""``wiretrace index`` and ``wiretrace trace`` on pages, crawls, feeds and CSV (issue 4).

Real subprocesses, real files generated from the shared BBC texts, a real SQLite index; the
resume test kills ``wiretrace index`` with SIGKILL in the middle of a large WARC.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import require_shared

from wiretrace import open_index
from wiretrace.ingest import ReadOptions, read_article
from wiretrace.model import Document

sys.path.insert(0, str(Path(__file__).parent / "data"))
import make_fixtures as mf

WIRETRACE = [sys.executable, "-m", "wiretrace.cli"]
CSV_ARGS = [
    *("--column", "id=story_id", "--column", "text=body", "--column", "title=headline"),
    *("--column", "url=link", "--column", "source=publisher", "--column", "published_at=date"),
]
COUNTS = (
    "read", "added", "updated", "metadata", "unchanged", "duplicate", "skipped", "rejected",
    "warnings",
)  # fmt: skip
STORED = ("added", "updated", "metadata", "unchanged", "duplicate")


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [*WIRETRACE, *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COLUMNS": "120"},
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"exit {proc.returncode}\nstdout: {proc.stdout}\nstderr: {proc.stderr}"
        )
    return proc


def summary_rows(stderr: str) -> dict[str, dict[str, int]]:
    """The per-format summary table printed by 'wiretrace index'."""
    rows = {}
    for line in stderr.splitlines():
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if len(cells) == len(COUNTS) + 1 and cells[1].isdigit():
            rows[cells[0]] = dict(zip(COUNTS, map(int, cells[1:]), strict=True))
    return rows


@pytest.fixture(scope="module")
def articles() -> list[mf.Article]:
    require_shared("bbc-news", "bbc_news.jsonl.gz")
    return mf.make_articles(mf.load_bbc(limit=600), count=40)


@pytest.fixture
def fixtures(tmp_path: Path, articles: list[mf.Article]) -> Path:
    root = tmp_path / "fixtures"
    mf.build(root, articles)
    bad = root / "bad"
    bad.mkdir()
    (bad / "gallery.html").write_text(mf.EMPTY_PAGE, encoding="utf-8")
    (bad / "feed.rss").write_text("<<< not xml >>>", encoding="utf-8")
    (bad / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)))
    header = ",".join(mf.CSV_COLUMNS)
    (bad / "rows.csv").write_text(f"{header}\nx,T,ok text,u,P,2005-01-01\ny,T\n", "utf-8")
    return root


def test_index_a_mixed_folder_with_a_summary_that_adds_up(tmp_path: Path, fixtures: Path) -> None:
    db = tmp_path / "mixed.db"
    rejects = tmp_path / "rejects.jsonl"
    proc = run("index", "--db", str(db), str(fixtures), "--skip-bad", "--rejects", str(rejects),
               *CSV_ARGS, "--quiet")  # fmt: skip
    rows = summary_rows(proc.stderr)
    assert set(rows) == {"csv", "feed", "html", "warc", "txt", "total"}
    for fmt, c in rows.items():
        done = sum(c[k] for k in STORED)
        assert c["read"] == done + c["skipped"] + c["rejected"], fmt
    assert rows["html"]["read"] == 41 and rows["html"]["rejected"] == 1
    assert rows["warc"]["skipped"] > 0 and rows["warc"]["rejected"] == 1
    assert rows["csv"]["read"] == 32 and rows["csv"]["rejected"] == 1
    # The same 40 stories came as pages, crawl records, feed entries and CSV rows: folded.
    with sqlite3.connect(db) as con:
        stored = con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        folded = con.execute("SELECT COUNT(*) FROM appearances").fetchone()[0]
    assert stored + folded == rows["total"]["added"] + rows["total"]["duplicate"]
    assert folded >= 40
    listed = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert len(listed) == rows["total"]["rejected"] == 5
    reasons = {Path(r["location"].split(":")[0]).name: r["reason"] for r in listed}
    assert reasons["gallery.html"].startswith("no main text")
    assert reasons["feed.rss"].startswith("not an RSS or Atom feed")
    assert "binary file" in reasons["photo.jpg"]
    assert reasons["rows.csv"].startswith("missing columns")
    assert reasons["cut.warc.gz"].startswith("truncated WARC record")
    assert "warc: rejected 1: truncated WARC record" in proc.stderr

    # Indexing the crawl again adds nothing. (The 20 stories also in the feeds were last read
    # from a feed entry with the same id, the page URL; the crawl's text and metadata come
    # back: a text update where the entry held another text, else a metadata update.)
    again = run("index", "--db", str(db), str(fixtures / "crawl.warc.gz"), "--quiet")
    warc = summary_rows(again.stderr)["warc"]
    assert (warc["unchanged"], warc["added"], warc["duplicate"]) == (20, 0, 0)
    assert warc["updated"] + warc["metadata"] == 20
    assert warc["updated"] > 0 and warc["metadata"] > 0


def test_a_bad_record_stops_the_run_without_skip_bad(tmp_path: Path, fixtures: Path) -> None:
    proc = run("index", "--db", str(tmp_path / "x.db"), str(fixtures / "cut.warc.gz"), check=False)
    assert proc.returncode == 1
    assert f"{fixtures / 'cut.warc.gz'}:record " in proc.stderr
    assert "truncated WARC record" in proc.stderr and "--skip-bad" in proc.stderr


def test_trace_a_saved_html_page_against_an_indexed_crawl(
    tmp_path: Path, fixtures: Path, articles: list[mf.Article]
) -> None:
    db = tmp_path / "crawl.db"
    run("index", "--db", str(db), str(fixtures / "crawl.warc.gz"), "--quiet")
    page = fixtures / "pages" / f"{articles[3].id.split('/')[1]}.html"
    report = json.loads(run("trace", "--db", str(db), str(page), "--json").stdout)
    main_text = read_article(str(page), ReadOptions()).item
    assert isinstance(main_text, Document)
    assert report["query"]["length"] == len(main_text.text)
    assert report["coverage"] > 0.9
    assert report["sources"][0]["id"] == articles[3].url
    for p in report["passages"]:  # offsets index the main text, not the page
        assert 0 <= p["query_start"] < p["query_end"] <= len(main_text.text)
    assert "<p>" not in main_text.text

    # The same page read as text would be traced on its markup; --format html fixes that.
    as_txt = tmp_path / "page.txt"
    as_txt.write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    fixed = json.loads(
        run("trace", "--db", str(db), str(as_txt), "--format", "html", "--json").stdout
    )
    assert fixed["query"]["length"] == len(main_text.text)

    # One record of a crawl, picked by id.
    picked = run("trace", "--db", str(db), str(fixtures / "crawl.warc"), "--id",
                 articles[2].url, "--json")  # fmt: skip
    assert json.loads(picked.stdout)["query"]["id"] == articles[2].url
    several = run("trace", "--db", str(db), str(fixtures / "crawl.warc"), check=False)
    assert several.returncode == 1 and "--id" in several.stderr


def test_trace_reads_a_csv_row_with_column_options(
    tmp_path: Path, fixtures: Path, articles: list[mf.Article]
) -> None:
    db = tmp_path / "c.db"
    run("index", "--db", str(db), str(fixtures / "crawl.warc.gz"), "--quiet")
    one = tmp_path / "one.csv"
    mf.write_csv(one, articles[5:6])
    report = json.loads(run("trace", "--db", str(db), str(one), *CSV_ARGS, "--json").stdout)
    assert report["query"]["id"] == articles[5].id
    assert report["coverage"] > 0.9
    bad = run("trace", "--db", str(db), str(one), "--column", "text", check=False)
    assert bad.returncode == 2 and "FIELD=NAME" in bad.stderr


def _state(db: Path) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]], int, int]:
    with sqlite3.connect(db) as con:
        docs = con.execute(
            "SELECT id, text_digest, meta_digest, content_digest FROM documents ORDER BY id"
        ).fetchall()
        apps = con.execute(
            "SELECT a.id, d.id, a.meta_digest FROM appearances a"
            " JOIN documents d ON d.rowid = a.doc ORDER BY a.id"
        ).fetchall()
        postings = con.execute(
            "SELECT COUNT(*), TOTAL(p.hash % 1000003 * 7 + length(d.id)) FROM postings p"
            " JOIN documents d ON d.rowid = p.doc"
        ).fetchone()
    return docs, apps, postings[0], int(postings[1])


@pytest.mark.slow
def test_a_killed_warc_index_run_resumes_to_the_same_index(tmp_path: Path) -> None:
    require_shared("bbc-news", "bbc_news.jsonl.gz")
    # 4,600 pages: every BBC story, then 2,375 copies of them on other sites (exact duplicates),
    # and two pages with no main text, one early and one late.
    articles = mf.make_articles(mf.load_bbc(), count=4600)
    pages = list(mf.render_pages(articles))
    for n in (150, 4500):
        pages[n] = (pages[n][0], mf.EMPTY_PAGE)
    crawl = tmp_path / "big.warc.gz"
    mf.write_warc(crawl, pages)
    clean, killed = tmp_path / "clean.db", tmp_path / "killed.db"
    common = ["--skip-bad", "--quiet"]
    run("index", "--db", str(clean), str(crawl), *common, "--rejects", str(tmp_path / "c.rej"))

    args = ["index", "--db", str(killed), str(crawl), *common, "--rejects", str(tmp_path / "k.rej")]
    proc = subprocess.Popen(
        [*WIRETRACE, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    count = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        try:
            with sqlite3.connect(f"file:{killed}?mode=ro", uri=True) as con:
                count = con.execute("SELECT COUNT(*) FROM progress").fetchone()[0]
        except sqlite3.Error:
            continue
        if count:
            break
    assert proc.poll() is None, "indexing finished before it could be killed; use more pages"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert count == 1
    partial = _state(killed)
    assert 0 < len(partial[0]) + len(partial[1]) < 4600

    rerun = run(*[a for a in args if a != "--quiet"])
    assert "resumed" in rerun.stderr and "1 rejected records are listed again" in rerun.stderr
    assert _state(killed) == _state(clean)
    with sqlite3.connect(killed) as con:  # a finished file leaves no resume point behind
        assert con.execute("SELECT COUNT(*) FROM progress").fetchone()[0] == 0
    stored, folded = len(_state(clean)[0]), len(_state(clean)[1])
    assert stored + folded == 4598 and folded >= 2370
    # Every rejected record is listed, the early one (read before the kill) included.
    clean_rejects = (tmp_path / "c.rej").read_text().splitlines()
    assert len(clean_rejects) == 2
    assert sorted((tmp_path / "k.rej").read_text().splitlines()) == sorted(clean_rejects)


def test_index_format_override_and_no_fold(tmp_path: Path, articles: list[mf.Article]) -> None:
    page = mf.render_page(articles[0], articles[1:4], random.Random(2), 0)
    saved = tmp_path / "saved.txt"  # a page saved with the wrong extension
    saved.write_text(page, encoding="utf-8")
    copy = tmp_path / "copy.txt"
    copy.write_text(page, encoding="utf-8")
    db = tmp_path / "f.db"
    rows = summary_rows(
        run("index", "--db", str(db), str(saved), str(copy), "--format", "html", "--quiet").stderr
    )
    assert rows["html"] == dict(rows["html"], read=2, added=1, duplicate=1)
    with open_index(db, create=False, readonly=True) as index:  # the stored text is compressed
        (text,) = [d.text for d in index.documents()]
    assert "<" not in text and text.startswith(articles[0].paragraphs[0])
    plain = tmp_path / "plain.db"
    rows = summary_rows(
        run("index", "--db", str(plain), str(saved), str(copy), "--no-fold", "--quiet").stderr
    )
    assert rows["txt"] == dict(rows["txt"], read=2, added=2, duplicate=0)
