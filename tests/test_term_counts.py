"""Term document counts read from FTS5 with bounded work (wiretrace.index.term_counts)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from wiretrace.index.sqlite import SQLiteIndex, open_index
from wiretrace.index.term_counts import (
    PER_STRATUM,
    PROBE,
    STRATA,
    bounded_counts,
    fts_documents,
    matchable,
)
from wiretrace.model import Document
from wiretrace.text.stemming import porter_stems

# "nervousness" stems to "nervous", which stems again to "nervou": MATCH cannot find that stem
# as itself, but finds it through a word with a common ending ("nervouse" will do).
UNMATCHABLE = "nervous"
# "it's" gives the token "s", which no word with an ending stems to: counted from fts5vocab.
NO_WORD = "s"


def corpus(n: int) -> Iterator[Document]:
    """``n`` short articles in indexing order: "harbour" in every one, "ferry" in every
    fifth, "eclipse" only in the last quarter (a burst late in the file), "lantern" in 40,
    "nervousness" in every third, "it's" in every second, and a word of each article's own."""
    for i in range(n):
        words = ["The harbour", f"saw word{i}x today"]
        if i % 5 == 0:
            words.append("a ferry sailed")
        if i >= 3 * n // 4:
            words.append("under the eclipse")
        if i < 40:
            words.append("by lantern light")
        if i % 3 == 0:
            words.append("with some nervousness")
        if i % 2 == 0:
            words.append("and it's")
        yield Document(f"d{i:05d}", " ".join(words) + ".")


def exact_counts(db: sqlite3.Connection, terms: list[str]) -> dict[str, int]:
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.rows USING fts5vocab(main, lexical, row)")
    marks = ",".join("?" * len(terms))
    found = dict(db.execute(f"SELECT term, doc FROM temp.rows WHERE term IN ({marks})", terms))
    return {t: int(found.get(t, 0)) for t in terms}


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("counts") / "big.db"
    with open_index(path) as index:
        index.add(corpus(6000))
    return path


TERMS = ["harbour", "ferri", "eclips", "lantern", UNMATCHABLE, NO_WORD, "word17x", "absent"]


def test_rare_terms_are_counted_exactly_and_common_ones_closely(big: Path) -> None:
    db = sqlite3.connect(big)
    got = bounded_counts(db, TERMS)
    exact = exact_counts(db, TERMS)
    assert exact == {
        "harbour": 6000,
        "ferri": 1200,
        "eclips": 1500,
        "lantern": 40,
        UNMATCHABLE: 2000,
        NO_WORD: 3000,
        "word17x": 1,
        "absent": 0,
    }
    for term in ("lantern", "word17x", "absent"):
        assert got[term] == exact[term]
    # Estimated: the late burst of "eclipse" too (a probe from the start alone would put it
    # near PROBE * 6000 / 4500, about 340, against 1,500).
    for term in ("harbour", "ferri", "eclips", UNMATCHABLE, NO_WORD):
        assert got[term] == pytest.approx(exact[term], rel=0.2), term
    words = matchable(["eclips", UNMATCHABLE, NO_WORD])
    assert sorted(words) == ["eclips", UNMATCHABLE]
    assert porter_stems(list(words.values())) == list(words)


def test_a_surface_word_counts_a_stem_that_match_cannot_name(big: Path) -> None:
    db = sqlite3.connect(big)
    got = bounded_counts(db, [UNMATCHABLE], probes={UNMATCHABLE: "nervousness"})
    assert got[UNMATCHABLE] == pytest.approx(2000, rel=0.2)


def rows_read(db: sqlite3.Connection, terms: list[str]) -> int:
    """SQLite virtual-machine steps of counting ``terms``: each row FTS5 hands back is one.
    FTS5's own reading inside a statement is not seen by them (``fts5vocab``'s ``row`` table
    reads a word's whole list to return one row), so every statement must also cap its rows."""
    steps = 0
    statements: list[str] = []

    def tick() -> int:
        nonlocal steps
        steps += 1
        return 0

    db.set_progress_handler(tick, 1)
    db.set_trace_callback(statements.append)
    try:
        bounded_counts(db, terms)
    finally:
        db.set_progress_handler(None, 1)
        db.set_trace_callback(None)
    # Ours, not FTS5's own statements on its shadow tables.
    reads = [s for s in statements if "MATCH" in s or "temp." in s]
    assert reads and all("LIMIT" in s and "'row'" not in s for s in reads), reads
    return steps


def test_counting_a_common_word_does_not_grow_with_the_corpus(tmp_path: Path, big: Path) -> None:
    small = tmp_path / "small.db"
    with open_index(small) as index:
        index.add(corpus(1500))
    common = ["harbour", "ferri"]
    at_small = rows_read(sqlite3.connect(small), common)
    at_big = rows_read(sqlite3.connect(big), common)
    # Both words are over PROBE documents in both files: the same rows are read for 4x the
    # documents (and far fewer than the words' 7,200 documents in the big file).
    assert at_big <= 1.2 * at_small
    per_term_rows = PROBE + STRATA * PER_STRATUM
    assert at_big < 40 * len(common) * per_term_rows


def test_the_document_count_is_read_from_fts5_and_follows_writes(tmp_path: Path) -> None:
    path = tmp_path / "n.db"
    with open_index(path) as index:
        index.add(corpus(300))
        db = sqlite3.connect(path)
        assert fts_documents(db) == 300
        index.add([Document("d00001", "A new text for an old id.")])  # replaced: still 300
        index.add([Document("extra", "One more article.")])
        db = sqlite3.connect(path)
        assert fts_documents(db) == 301 == len(index)
    empty = tmp_path / "empty.db"
    open_index(empty).close()
    assert fts_documents(sqlite3.connect(empty)) == 0


def test_an_index_answers_with_bounded_counts(big: Path) -> None:
    reader = SQLiteIndex(big, create=False, readonly=True)
    try:
        counts, documents = reader.term_document_counts(["lantern", "harbour"])
    finally:
        reader.close()
    assert documents == 6000
    assert counts["lantern"] == 40
    assert counts["harbour"] == pytest.approx(6000, rel=0.2)
