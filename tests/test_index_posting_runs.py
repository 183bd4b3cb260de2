"""Index format 4: the postings split over a write table and sealed, merged runs
(wiretrace.index.sqlite_postings) answer exactly as one table does, through adds, replaced and
removed texts, folding and concurrent readers; a format 3 file is upgraded in place."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from conftest import NEWS_WORDS

import wiretrace.index.sqlite_postings as runs_module
from wiretrace import Document, open_index
from wiretrace.fingerprint import DEFAULT_N, DEFAULT_WINDOW
from wiretrace.index.base import document_hashes
from wiretrace.index.sqlite_file import FORMAT_VERSION

WORDS = NEWS_WORDS


def _text(rng: random.Random, n_words: int) -> str:
    return " ".join(rng.choice(WORDS) + str(rng.randrange(400)) for _ in range(n_words)) + "."


def _docs(seed: int, count: int) -> list[Document]:
    rng = random.Random(seed)
    return [Document(f"d{seed}-{i}", _text(rng, 60)) for i in range(count)]


def _tables(path: Path) -> dict[str, tuple[int, int]]:
    """postings_runs as {table: (level, postings counted)}."""
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT run, level FROM postings_runs ORDER BY run").fetchall()
        out = {}
        for run, level in rows:
            name = "postings" if run == 0 else f"postings_{run}"
            (count,) = con.execute(f"SELECT COUNT(*) FROM {name}").fetchone()
            out[name] = (int(level), int(count))
        return out
    finally:
        con.close()


def _all_postings(path: Path) -> set[tuple[int, str]]:
    con = sqlite3.connect(path)
    try:
        ids = dict(con.execute("SELECT rowid, id FROM documents"))
        names = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name GLOB 'postings*' AND name != 'postings_runs'"
            )
        ]
        pairs = [(h, d) for name in names for h, d in con.execute(f"SELECT hash, doc FROM {name}")]
    finally:
        con.close()
    assert len(pairs) == len(set(pairs)), "a posting is stored twice"
    return {(h, ids[d]) for h, d in pairs}


def _expected(docs: dict[str, str]) -> set[tuple[int, str]]:
    """The postings ``docs`` should leave in a new file, whose keys are the hashes' top 48
    bits (index format 6)."""
    return {
        (runs_module.posting_key(h, runs_module.KEY_SHIFT), doc_id)
        for doc_id, text in docs.items()
        for h in document_hashes(text, DEFAULT_N, DEFAULT_WINDOW)
    }


@pytest.fixture
def small_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seal the write table after every batch of 5 documents (about 57 postings) and merge
    runs 3 at a time."""
    monkeypatch.setattr(runs_module, "LEVEL0_POSTINGS", 40)
    monkeypatch.setattr(runs_module, "FANOUT", 3)


@pytest.mark.usefixtures("small_runs")
def test_runs_hold_every_posting_once_through_adds_replacements_and_removals(
    tmp_path: Path,
) -> None:
    split, whole = tmp_path / "split.db", tmp_path / "whole.db"
    live: dict[str, str] = {}
    rng = random.Random(7)
    for seed in range(13):  # 13 seals: 9 merged to 3 of level 2, those to one of level 3
        batch = _docs(seed, 5)
        with open_index(split) as index:
            index.add(batch)
        live.update({d.id: d.text for d in batch})
    tables = _tables(split)
    assert sorted(level for level, _ in tables.values()) == [0, 1, 2, 3], tables
    assert _all_postings(split) == _expected(live)

    # Replace some texts and re-add others unchanged; the old postings leave every run.
    changed = [Document(doc_id, _text(rng, 50)) for doc_id in rng.sample(sorted(live), 8)]
    with open_index(split) as index:
        index.add(changed + [Document(i, live[i]) for i in list(live)[:3]])
    live.update({d.id: d.text for d in changed})
    assert _all_postings(split) == _expected(live)

    # The same documents in one table (a threshold never reached) give the same candidates.
    with open_index(whole) as index:
        runs_module.LEVEL0_POSTINGS = 10**9
        index.add([Document(i, t) for i, t in sorted(live.items())])
    assert set(_tables(whole)) == {"postings"}
    with open_index(split, readonly=True, create=False) as a, open_index(whole) as b:
        for doc_id in rng.sample(sorted(live), 10):
            hashes = document_hashes(live[doc_id], DEFAULT_N, DEFAULT_WINDOW)
            got = {(c.doc_id, c.shared) for c in a.candidates(hashes, limit=50)}
            want = {(c.doc_id, c.shared) for c in b.candidates(hashes, limit=50)}
            assert got == want and (doc_id, len(hashes)) in got


@pytest.mark.usefixtures("small_runs")
def test_folding_and_detaching_keep_runs_consistent(tmp_path: Path) -> None:
    path = tmp_path / "fold.db"
    docs = _docs(1, 20)
    with open_index(path, fold_duplicates=True) as index:
        index.add(docs)
        index.add([Document("copy", docs[0].text)])  # folded: no new postings
        index.add([Document(docs[0].id, "A different text now. " + docs[1].text[:80])])
        index.add([Document("copy", "copy has its own words about the harbour ferry strike")])
        live = {d.id: d.text for d in index.documents()}
    assert len(_tables(path)) > 1
    assert _all_postings(path) == _expected(live)


def test_a_format_3_file_becomes_run_0_and_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    docs = _docs(3, 30)
    with open_index(path) as index:
        index.add(docs)
    con = sqlite3.connect(path)
    with con:  # what format 3 wrote: no runs table
        con.execute("DROP TABLE postings_runs")
        con.execute("UPDATE meta SET value = '3' WHERE key = 'format'")
    con.close()
    hashes = document_hashes(docs[4].text, DEFAULT_N, DEFAULT_WINDOW)
    with open_index(path, create=False, readonly=True) as index:  # read as it is
        assert index.candidates(hashes)[0].doc_id == docs[4].id
    with open_index(path) as index:  # upgraded on write: the table is counted, not moved
        assert index.candidates(hashes)[0].doc_id == docs[4].id
    assert _tables(path) == {"postings": (0, len(_expected({d.id: d.text for d in docs})))}
    con = sqlite3.connect(path)
    assert con.execute("SELECT value FROM meta WHERE key = 'format'").fetchone() == (
        FORMAT_VERSION,
    )
    con.close()


@pytest.mark.usefixtures("small_runs")
def test_a_reader_sees_whole_runs_while_a_writer_merges(tmp_path: Path) -> None:
    """A reader's look-up runs in one read transaction: a writer that seals and merges
    (dropping tables) between the reader's statements cannot take a table from under it."""
    path = tmp_path / "live.db"
    docs = _docs(5, 10)
    with open_index(path) as writer, open_index(path, create=False, readonly=True) as reader:
        writer.add(docs)
        target = document_hashes(docs[2].text, DEFAULT_N, DEFAULT_WINDOW)
        for seed in range(20, 30):
            assert reader.candidates(target)[0].doc_id == docs[2].id
            writer.add(_docs(seed, 5))
        assert reader.candidates(target)[0].doc_id == docs[2].id


@pytest.mark.usefixtures("small_runs")
def test_optimize_merges_every_table_into_one_and_answers_the_same(tmp_path: Path) -> None:
    path = tmp_path / "opt.db"
    live: dict[str, str] = {}
    for seed in range(8):
        batch = _docs(seed, 5)
        with open_index(path) as index:
            index.add(batch)
        live.update({d.id: d.text for d in batch})
    with open_index(path) as index:
        index.add(_docs(40, 2))  # some postings left in the write table
        live.update({d.id: d.text for d in _docs(40, 2)})
        probes = [document_hashes(live[i], DEFAULT_N, DEFAULT_WINDOW) for i in sorted(live)[::7]]
        query = live[sorted(live)[3]]
        before = [index.candidates(h, limit=50) for h in probes]
        lexical = index.lexical_candidates(query, limit=10)
        tables = len(_tables(path))
        assert tables > 2
        report = index.optimize()
        assert report.postings_tables == tables
        assert [index.candidates(h, limit=50) for h in probes] == before
        assert index.lexical_candidates(query, limit=10) == lexical
    tables = _tables(path)
    assert tables["postings"] == (0, 0) and len(tables) == 2  # the empty write table, one run
    assert _all_postings(path) == _expected(live)
    assert report.bytes_after <= report.bytes_before

    # Indexing goes on as before, and a second optimize merges again.
    with open_index(path) as index:
        for seed in range(50, 54):
            index.add(_docs(seed, 5))
            live.update({d.id: d.text for d in _docs(seed, 5)})
        assert len(_tables(path)) > 2
        assert index.optimize(vacuum=False).vacuum_seconds is None
    assert len(_tables(path)) == 2
    assert _all_postings(path) == _expected(live)
    with open_index(path) as index:  # nothing left to merge
        assert index.optimize().postings_tables == 1
