"""The summary tables kept by each batch (wiretrace.index.summary) give the summary that counting
every article gives, through adds, replaced texts and metadata, folded duplicates and
detached ones; a format 4 index gets them when it is upgraded."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import replace
from pathlib import Path

from wiretrace import Document, open_index
from wiretrace.index.sqlite_file import FORMAT_VERSION
from wiretrace.index.summary import IndexSummary, count_summary, has_summary_tables, summarise

OUTLETS = ["Gazette", "Herald", "Post", None, ""]
DATES = ["2019-04-23", "2019-04-23T08:00Z", "2019-04-24T23:30+02:00", "2019-05-01", None, ""]
TEXTS = [
    f"Story {i}: the harbour council met about ferry number {i} and its crew." for i in range(12)
]


def days_of(summary: IndexSummary) -> tuple[str, str]:
    """The first and last publication days of a summary."""
    return (summary.first_published or "")[:10], (summary.last_published or "")[:10]


def both(path: Path) -> tuple[IndexSummary, IndexSummary]:
    db = sqlite3.connect(path)
    try:
        assert has_summary_tables(db)
        return summarise(db, path, 10), count_summary(db, path, 10)
    finally:
        db.close()


def test_kept_counts_match_counting_through_random_writes(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    rng = random.Random(5)
    with open_index(path, fold_duplicates=True) as index:
        for step in range(120):
            doc = Document(
                f"id{rng.randrange(30)}",
                rng.choice(TEXTS),  # a text another id holds is folded under it
                source=rng.choice(OUTLETS),
                published_at=rng.choice(DATES),
            )
            index.add([doc], replace_meta=rng.random() < 0.3)
            if step % 10 == 9:
                kept, counted = both(path)
                # Every count agrees, and the first and last days; a removed or re-dated
                # article may leave the time of day of its day's first or last date behind.
                assert days_of(kept) == days_of(counted), step
                assert replace(kept, first_published=None, last_published=None) == replace(
                    counted, first_published=None, last_published=None
                ), step


def test_a_re_dated_article_leaves_the_time_of_day_of_its_day(tmp_path: Path) -> None:
    path = tmp_path / "dates.db"
    with open_index(path) as index:
        index.add([Document("a", TEXTS[0], published_at="2019-04-23T01:00Z")])
        index.add([Document("b", TEXTS[1], published_at="2019-04-23T09:00Z")])
        index.add([Document("a", TEXTS[0], published_at="2019-05-02")])
    kept, counted = both(path)
    assert counted.first_published == "2019-04-23T09:00Z"
    assert kept.first_published == "2019-04-23T01:00Z"  # the documented caveat
    assert kept.last_published == counted.last_published == "2019-05-02"


def test_a_format_4_index_is_counted_read_only_and_upgraded_on_a_write_open(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    with open_index(path, fold_duplicates=True) as index:
        index.add([Document(f"d{i}", TEXTS[i], source=OUTLETS[i % 3]) for i in range(6)])
        index.add([Document("dup", TEXTS[0], source="Post", published_at="2019-05-01")])
    db = sqlite3.connect(path)
    with db:  # as format 4 wrote it
        db.execute("DROP TABLE summary_outlets")
        db.execute("DROP TABLE summary_days")
        db.execute("UPDATE meta SET value = '4' WHERE key = 'format'")
    db.close()
    with open_index(path, create=False, readonly=True) as index:  # counted, as before
        assert index.summary().articles == 7
        assert index.summary().format_version == "4"
    with open_index(path) as index:
        assert index.summary().format_version == FORMAT_VERSION == "6"
        index.add([Document("late", "A new story about the river.", source="Herald")])
    kept, counted = both(path)
    assert kept == counted
    assert kept.articles == 8 and kept.outlets == 3
