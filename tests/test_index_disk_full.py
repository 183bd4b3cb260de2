"""A disk that fills up under ``wiretrace index`` (issue 16, "Bad input and faults").

Each test mounts a tmpfs of a few megabytes of its own (mounting needs root, as in CI; without
it the tests skip and say why) and puts the index there, SQLite's temporary files too
(``SQLITE_TMPDIR``). A filler file takes the space the test does not want the index to have;
deleting it frees the space, as a user would, before the same command is run again.

The crawl is generated here, deterministically: pages of made-up words, unique per page, in a
WARC file (the format whose ingest keeps resume points).
"""

from __future__ import annotations

import errno
import html
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from conftest import NEWS
from test_ingest_cli import summary_rows

from wiretrace.index.base import document_hashes
from wiretrace.index.sqlite_postings import posting_key
from wiretrace.index.stored_text import TextCodec

sys.path.insert(0, str(Path(__file__).parent / "data"))
import make_fixtures as mf

WIRETRACE = [sys.executable, "-m", "wiretrace.cli"]
DISK = "16m"
# 3,500 pages of about 1,200 characters make an index of about 7.5 MB. With 6 MiB free, the
# first batch of 2,000 (and its resume point) is stored, and the second does not fit.
PAGES = 3500
ROOM = 6 * 2**20
SYLLABLES = (
    "ka", "ro", "mi", "tes", "lan", "vor", "qui", "del", "na", "shu",
    "per", "gal", "ti", "bon", "rex", "ul", "fa", "zen", "mo", "cri",
)  # fmt: skip


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A folder on a tmpfs of :data:`DISK`, mounted for the test and unmounted after it."""
    mount, umount = shutil.which("mount"), shutil.which("umount")
    if not sys.platform.startswith("linux") or mount is None or umount is None:
        pytest.skip("needs Linux with mount and umount to make a small filesystem")
    disk = tmp_path / "disk"
    disk.mkdir()
    made = subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={DISK}", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        why = (made.stderr.strip().splitlines() or [f"exit status {made.returncode}"])[0]
        pytest.skip(
            f"cannot mount a {DISK} tmpfs ({why}): making a small filesystem needs root "
            "(or CAP_SYS_ADMIN in a container)"
        )
    try:
        yield disk
    finally:
        if subprocess.run([umount, str(disk)], capture_output=True).returncode != 0:
            subprocess.run([umount, "-l", str(disk)], check=True)  # busy: detach it now


def fill(disk: Path, leave: int) -> Path:
    """A filler file taking all the free space on ``disk`` but ``leave`` bytes."""
    filler = disk / "filler"
    chunk = bytes(2**16)
    with filler.open("wb", buffering=0) as out:
        todo = shutil.disk_usage(disk).free - leave
        try:
            while todo > 0:
                todo -= out.write(chunk[: min(todo, len(chunk))])
        except OSError as exc:  # the last chunk can meet the limit first
            if exc.errno != errno.ENOSPC:
                raise
    return filler


def run(disk: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120", "SQLITE_TMPDIR": str(disk)}
    return subprocess.run([*WIRETRACE, *args], capture_output=True, text=True, timeout=600, env=env)


def write_crawl(path: Path, count: int) -> list[str]:
    """A WARC of ``count`` short news pages; return their document ids (URLs), in order."""
    rng = random.Random(16)
    words = sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(6000)})

    def sentence() -> str:
        return " ".join(rng.choices(words, k=rng.randint(8, 16))).capitalize() + "."

    records = [
        {
            "id": f"story-{i:05d}",
            "category": "world",
            "title": " ".join(rng.choices(words, k=6)).capitalize(),
            "text": "\n".join(
                " ".join(sentence() for _ in range(rng.randint(2, 3)))
                for _ in range(rng.randint(3, 5))
            ),
        }
        for i in range(count)
    ]
    articles = mf.make_articles(records)
    mf.write_warc(path, ((a, page(a)) for a in articles), extras=False)
    return [a.url for a in articles]


def page(article: mf.Article) -> str:
    """A plain page: the title and the paragraphs (extraction is the slow part of indexing)."""
    title = html.escape(article.title)
    body = "".join(f"<p>{html.escape(p)}</p>" for p in article.paragraphs)
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><article><h1>{title}</h1>{body}</article></body></html>\n"
    )


def whole_documents(db: Path) -> list[str]:
    """The ids stored in ``db``, after checking the file and that every document is whole:
    its postings are exactly the fingerprints of its text (as keyed in the file), and it has
    its lexical row."""
    with closing(sqlite3.connect(db)) as con:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        con.execute("INSERT INTO lexical(lexical) VALUES ('integrity-check')")
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        docs = con.execute("SELECT rowid, id, text FROM documents").fetchall()
        postings: dict[int, set[int]] = {}
        for h, doc in con.execute("SELECT hash, doc FROM postings"):
            postings.setdefault(doc, set()).add(h)
        lexical = [r for (r,) in con.execute("SELECT rowid FROM lexical")]
        texts = TextCodec(con, has_table=True)
        stored = {r: texts.unpack(text) for r, _, text in docs}
    n, window = int(meta["n"]), int(meta["window"])
    shift = 64 - int(meta["hash_bits"])
    assert postings == {
        r: {posting_key(h, shift) for h in document_hashes(text, n, window)}
        for r, text in stored.items()
    }
    assert sorted(lexical) == sorted(r for r, _, _ in docs)
    return [doc_id for _, doc_id, _ in docs]


@pytest.mark.slow
def test_a_full_disk_stops_indexing_with_the_index_whole_and_a_rerun_finishes(
    tmp_path: Path, small_disk: Path
) -> None:
    crawl = tmp_path / "crawl.warc.gz"
    ids = write_crawl(crawl, PAGES)
    filler = fill(small_disk, leave=ROOM)
    db = small_disk / "news.db"
    args = ("index", "--db", str(db), str(crawl))

    stopped = run(small_disk, *args, "--quiet")
    assert stopped.returncode == 1, stopped.stderr
    assert "Traceback" not in stopped.stderr
    assert stopped.stderr.startswith(f"error: {db}: cannot write to index: the disk is full")
    assert "free some space and run the same command again" in stopped.stderr
    stored = whole_documents(db)
    with closing(sqlite3.connect(db)) as con:
        points = con.execute("SELECT input, records FROM progress").fetchall()
    assert points, "the disk filled before the first batch was stored: leave more ROOM"
    assert points == [(str(crawl.resolve()), len(stored))]
    assert 0 < len(stored) < PAGES, "the index fitted: use more PAGES or less ROOM"
    assert sorted(stored) == sorted(ids[: len(stored)])  # the first pages, each one whole

    filler.unlink()
    rerun = run(small_disk, *args)
    assert rerun.returncode == 0, rerun.stderr
    assert f"resumed {crawl} after record {len(stored):,}," in rerun.stderr
    rest = PAGES - len(stored)
    counts = summary_rows(rerun.stderr)["warc"]
    assert (counts["read"], counts["added"], counts["rejected"]) == (rest, rest, 0)
    assert sorted(whole_documents(db)) == sorted(ids)  # every page, each once
    with closing(sqlite3.connect(db)) as con:
        assert con.execute("SELECT COUNT(*) FROM appearances").fetchone()[0] == 0
        assert con.execute("SELECT COUNT(DISTINCT content_digest) FROM documents").fetchone() == (
            PAGES,
        )
        assert con.execute("SELECT COUNT(*) FROM progress").fetchone()[0] == 0


def assert_says_disk_full(done: subprocess.CompletedProcess[str], db: Path) -> None:
    """The command failed with the short disk-full message, not a traceback."""
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: {db}: cannot open index: the disk is full")
    assert "free some space and run the same command again" in done.stderr


def test_an_index_made_or_opened_on_a_full_disk_says_the_disk_is_full(
    small_disk: Path,
) -> None:
    db = small_disk / "news.db"
    news = NEWS / "corpus.jsonl"
    index = ("index", "--db", str(db), str(news), "--quiet")

    filler = fill(small_disk, leave=0)
    assert_says_disk_full(run(small_disk, *index), db)
    filler.unlink()
    assert run(small_disk, *index).returncode == 0
    assert not db.with_name(db.name + "-wal").exists()  # closed cleanly: no -wal, no -shm

    # Opening an existing index makes its -shm file, even to read: a full disk says so too.
    filler = fill(small_disk, leave=0)
    for args in (index, ("info", "--db", str(db))):
        assert_says_disk_full(run(small_disk, *args), db)
    filler.unlink()
    documents = sum(1 for line in news.read_text(encoding="utf-8").splitlines() if line.strip())
    assert len(whole_documents(db)) == documents
    assert run(small_disk, "info", "--db", str(db)).returncode == 0
