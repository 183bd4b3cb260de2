"""Exact-duplicate folding (issue 4): one stored text, every outlet kept as an appearance."""

from __future__ import annotations

import dataclasses
import itertools
import random
import sqlite3
from pathlib import Path

import pytest
from conftest import write_format_1_index

from wiretrace import Document, MemoryIndex, SQLiteIndex, open_index
from wiretrace.index.base import AddOutcome, AddReport, document_hashes
from wiretrace.index.sqlite_file import FORMAT_VERSION
from wiretrace.model import Appearance
from wiretrace.tracing import TraceOptions, trace

WIRE = (
    "The central bank raised its main interest rate by a quarter of a percentage point on "
    "Thursday, the third increase this year, citing stubborn inflation in services and wages. "
    "Officials said further moves would depend on the data over the coming months."
)
# The same story as a farm republished it: other spacing, case, quotes and dashes.
FARM = (
    WIRE.replace("  ", " ")
    .replace("The central", "THE central")
    .replace("said further", "said \u2014 further")
)
OTHER = (
    "Heavy rain flooded roads across the north of the country overnight, and rail operators "
    "cancelled dozens of services while engineers inspected bridges for damage."
)

COPIES = [
    Document("farm-1", FARM, "Rates up", "https://farm.example/1", "Farm", "2024-03-08T09:00Z"),
    Document("wire-1", WIRE, "Rates rise", "https://wire.example/1", "Wire", "2024-03-07T12:00Z"),
    Document("paper-1", WIRE, "Bank lifts rates", "https://paper.example/a", "Paper", "2024-03-07"),
    Document("undated", WIRE, "Rates", "https://blog.example/x", "Blog"),
]


@pytest.fixture(params=["memory", "sqlite"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> MemoryIndex | SQLiteIndex:
    if request.param == "memory":
        return MemoryIndex(fold_duplicates=True)
    return open_index(tmp_path / "fold.db", fold_duplicates=True)


def _ids(apps: list[Appearance]) -> list[str]:
    return [a.id for a in apps]


def test_identical_normalised_text_is_stored_once_with_every_appearance(
    index: MemoryIndex | SQLiteIndex,
) -> None:
    assert index.add([Document("other", OTHER)]) == AddReport(added=1)
    assert index.add(COPIES) == AddReport(added=1, duplicate=3)
    assert len(index) == 2
    assert list(index.ids()) == ["other", "paper-1"]  # the earliest appearance holds the text
    apps = index.appearances("farm-1")
    assert _ids(apps) == ["paper-1", "wire-1", "farm-1", "undated"]
    assert apps == index.appearances("paper-1") == index.appearances("undated")
    assert {a.document_id for a in apps} == {"paper-1"}
    assert apps[2].url == "https://farm.example/1" and apps[2].published_at == "2024-03-08T09:00Z"
    # Each id still reads back with its own metadata, and the one stored text.
    farm = index.get("farm-1")
    assert farm is not None and farm.source == "Farm" and farm.text == FARM
    assert index.get("wire-1") == Document(
        "wire-1", FARM, "Rates rise", "https://wire.example/1", "Wire", "2024-03-07T12:00Z"
    )
    # The text's fingerprints are stored once.
    assert [c.doc_id for c in index.candidates(document_hashes(WIRE))] == ["paper-1"]
    assert index.appearances("nope") == []


def test_the_earliest_appearance_wins_whatever_the_order(tmp_path: Path) -> None:
    results = set()
    for n, order in enumerate(itertools.permutations(COPIES)):
        for idx in (
            MemoryIndex(fold_duplicates=True),
            open_index(tmp_path / f"{n}.db", fold_duplicates=True),
        ):
            idx.add(order)
            results.add((tuple(idx.ids()), tuple(_ids(idx.appearances("wire-1")))))
    assert results == {(("paper-1",), ("paper-1", "wire-1", "farm-1", "undated"))}


def test_readding_is_unchanged_and_changes_are_updates(index: MemoryIndex | SQLiteIndex) -> None:
    index.add(COPIES)
    assert index.add(COPIES) == AddReport(unchanged=4)
    # New metadata for a folded id: a metadata update; an earlier date makes it the holder.
    moved = Document("farm-1", FARM, "Rates up", "https://farm.example/1", "Farm", "2024-03-01")
    assert index.add([moved]) == AddReport(metadata=1)
    assert list(index.ids()) == ["farm-1"]
    assert _ids(index.appearances("wire-1")) == ["farm-1", "paper-1", "wire-1", "undated"]
    # New text for the holder: the others keep the old text under the next earliest id.
    assert index.add([Document("farm-1", OTHER, published_at="2024-03-01")]) == AddReport(updated=1)
    assert sorted(index.ids()) == ["farm-1", "paper-1"]
    assert _ids(index.appearances("paper-1")) == ["paper-1", "wire-1", "undated"]
    assert [c.doc_id for c in index.candidates(document_hashes(OTHER))] == ["farm-1"]
    # New text for a folded id: it leaves the group and is stored on its own.
    assert index.add([Document("undated", OTHER + " More rain is forecast.")]) == AddReport(
        updated=1
    )
    assert len(index) == 3
    assert _ids(index.appearances("paper-1")) == ["paper-1", "wire-1"]


def test_readding_folded_ids_with_fewer_fields_keeps_their_own(
    index: MemoryIndex | SQLiteIndex,
) -> None:
    index.add(COPIES)
    bare = [Document(d.id, d.text) for d in COPIES]
    assert index.add(bare) == AddReport(unchanged=4)
    for doc in COPIES:  # each id keeps its own metadata (the text is the one stored)
        stored = index.get(doc.id)
        assert stored is not None and dataclasses.replace(stored, text=doc.text) == doc
    assert _ids(index.appearances("wire-1")) == ["paper-1", "wire-1", "farm-1", "undated"]
    # With replace_meta the dates go too, and so does who held the text first.
    assert index.add(bare, replace_meta=True) == AddReport(metadata=4)
    assert all(a.published_at is None for a in index.appearances("wire-1"))


def test_memory_and_sqlite_agree_on_random_operations(tmp_path: Path) -> None:
    rng = random.Random(5)
    texts = [WIRE, FARM, OTHER, OTHER.upper(), "A third story about the harbour and its cranes."]
    dates = [None, "2024-01-02", "2024-01-01T10:00:00+02:00", "2023-12-31T23:00Z", "bad date"]
    mem, sql = (
        MemoryIndex(fold_duplicates=True),
        open_index(tmp_path / "r.db", fold_duplicates=True),
    )
    for step in range(300):
        doc = Document(
            f"id{rng.randrange(8)}", rng.choice(texts), rng.choice(["A", "B", None]),
            source=rng.choice(["X", "Y", None]), published_at=rng.choice(dates),
        )  # fmt: skip
        replace_meta = rng.random() < 0.3  # else empty fields keep their stored values
        assert mem.add([doc], replace_meta=replace_meta) == sql.add(
            [doc], replace_meta=replace_meta
        ), step
        assert list(mem.ids()) == list(sql.ids()), step
        for i in range(8):
            assert mem.get(f"id{i}") == sql.get(f"id{i}"), (step, i)
            assert mem.appearances(f"id{i}") == sql.appearances(f"id{i}"), (step, i)
    with sqlite3.connect(tmp_path / "r.db") as con:
        stored = con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        distinct = con.execute("SELECT COUNT(DISTINCT content_digest) FROM documents").fetchone()[0]
        orphans = con.execute(
            "SELECT COUNT(*) FROM appearances WHERE doc NOT IN (SELECT rowid FROM documents)"
        ).fetchone()[0]
        postings = con.execute("SELECT COUNT(DISTINCT doc) FROM postings").fetchone()[0]
    assert stored == distinct == len(sql) == postings
    assert orphans == 0


def test_trace_names_whoever_had_the_text_first(tmp_path: Path) -> None:
    idx = open_index(tmp_path / "t.db", fold_duplicates=True)
    idx.add([*COPIES, Document("other", OTHER, published_at="2024-01-01")])
    query = Document("query", "Local news. " + FARM + " And finally: " + OTHER)
    result = trace(idx, query, TraceOptions())
    assert {s.document.id for s in result.sources} == {"paper-1", "other"}
    assert result.earliest_source == "other"
    wire = next(s for s in result.sources if s.document.id == "paper-1")
    assert wire.document.published_at == "2024-03-07"


def test_folding_is_off_unless_asked_and_is_recorded_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    with open_index(path) as plain:
        assert plain.add(COPIES[:2]) == AddReport(added=2)
        assert not plain.fold_duplicates
    with open_index(path, fold_duplicates=True) as folding:
        assert folding.add(COPIES[2:3]) == AddReport(duplicate=1)
    with open_index(path) as again:  # the setting stays with the file
        assert again.fold_duplicates
        assert again.add([COPIES[3]]) == AddReport(duplicate=1)


def test_an_index_of_format_1_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    with write_format_1_index(path, "old", WIRE) as con:
        con.execute("INSERT INTO lexical(rowid, text) VALUES (1, ?)", (WIRE,))
        con.executemany(
            "INSERT INTO postings VALUES (?, 1)", [(h,) for h in document_hashes(WIRE, 5, 4)]
        )
    with open_index(path, fold_duplicates=True) as idx:
        assert idx.add_batch_outcomes([COPIES[0]]) == [AddOutcome.DUPLICATE]
        assert _ids(idx.appearances("old")) == ["farm-1", "old"]
        assert idx.lexical_candidates("stubborn inflation services wages")[0].doc_id == "farm-1"
    with sqlite3.connect(path) as con:
        format_row = con.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        assert format_row == (FORMAT_VERSION,)
