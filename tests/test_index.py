from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from wiretrace import Document, IndexError_, MemoryIndex, SQLiteIndex, open_index
from wiretrace.index.base import AddReport, document_hashes

TEXT_A = (
    "The central bank raised its main interest rate by a quarter of a percentage point on "
    "Thursday, the third increase this year, citing stubborn inflation in services and wages."
)
TEXT_B = (
    "Heavy rain flooded roads across the north of the country overnight, and rail operators "
    "cancelled dozens of services while engineers inspected bridges for damage."
)


@pytest.fixture(params=["memory", "sqlite"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MemoryIndex | SQLiteIndex]:
    if request.param == "memory":
        yield MemoryIndex()
        return
    with open_index(tmp_path / "test.db") as sqlite_index:
        yield sqlite_index


def test_add_is_idempotent_and_replaces_new_text(index: MemoryIndex | SQLiteIndex) -> None:
    assert index.add([Document("a", TEXT_A), Document("b", TEXT_B)]) == AddReport(added=2)
    assert index.add([Document("a", TEXT_A)]) == AddReport(unchanged=1)
    assert len(index) == 2
    # New text for the same id replaces the old one, and old fingerprints stop matching.
    assert index.add([Document("a", TEXT_B)]) == AddReport(updated=1)
    found = index.candidates(document_hashes(TEXT_A))
    assert [c.doc_id for c in found] == []
    found = index.candidates(document_hashes(TEXT_B))
    assert [c.doc_id for c in found] == ["a", "b"]
    assert index.get("a") == Document("a", TEXT_B)
    # A metadata change alone is counted apart from new texts.
    assert index.add([Document("a", TEXT_B, title="Floods")]) == AddReport(metadata=1)
    doc = index.get("a")
    assert doc is not None and doc.title == "Floods"
    assert index.get("missing") is None
    assert list(index.ids()) == ["a", "b"]


FULL = Document(
    "a", TEXT_A, "Rates rise", "https://wire.example/a", "Wire", "2024-01-02T08:00Z", "en",
    "R. Writer",
)  # fmt: skip


def test_readding_with_fewer_fields_keeps_the_stored_ones(
    index: MemoryIndex | SQLiteIndex,
) -> None:
    index.add([FULL])
    # Only the id and the text (a CSV mapped with just those): nothing is lost.
    assert index.add([Document("a", TEXT_A)]) == AddReport(unchanged=1)
    assert index.get("a") == FULL
    # A field that is given replaces the stored one; the others stay.
    assert index.add([Document("a", TEXT_A, title="Rates up")]) == AddReport(metadata=1)
    assert index.get("a") == Document(**{**_fields(FULL), "title": "Rates up"})
    # A new text with fewer fields: the text is replaced, the metadata kept.
    assert index.add([Document("a", TEXT_B)]) == AddReport(updated=1)
    assert index.get("a") == Document(**{**_fields(FULL), "title": "Rates up", "text": TEXT_B})
    # The same document twice in one batch: the second sees the first.
    report = index.add([Document("a", TEXT_B, source="Agency"), Document("a", TEXT_B)])
    assert report == AddReport(metadata=1, unchanged=1)
    stored = index.get("a")
    assert stored is not None and stored.source == "Agency" and stored.url == FULL.url


def test_replace_meta_replaces_the_stored_metadata_as_a_whole(
    index: MemoryIndex | SQLiteIndex,
) -> None:
    index.add([FULL])
    assert index.add([Document("a", TEXT_A)], replace_meta=True) == AddReport(metadata=1)
    assert index.get("a") == Document("a", TEXT_A)
    assert index.add([Document("a", TEXT_A)], replace_meta=True) == AddReport(unchanged=1)
    # New text and no metadata: both replaced.
    index.add([FULL])
    assert index.add([Document("a", TEXT_B)], replace_meta=True) == AddReport(updated=1)
    assert index.get("a") == Document("a", TEXT_B)


def _fields(doc: Document) -> dict[str, str | None]:
    return {name: getattr(doc, name) for name in Document.__dataclass_fields__}


def test_candidates_rank_by_shared_fingerprints_and_bound_df(
    index: MemoryIndex | SQLiteIndex,
) -> None:
    boiler = (
        " Copyright 2024 Example Media Group all rights reserved do not redistribute this story."
    )
    docs = [
        Document(f"d{i}", f"Story number {i} about nothing in particular at all." + boiler)
        for i in range(5)
    ]
    index.add([*docs, Document("a", TEXT_A + boiler)])
    hashes = document_hashes(TEXT_A + boiler)
    ranked = index.candidates(hashes, max_df=100)
    assert ranked[0].doc_id == "a"
    assert {c.doc_id for c in ranked} == {"a", "d0", "d1", "d2", "d3", "d4"}
    # With a document-frequency bound below 6, the shared boilerplate is ignored.
    assert [c.doc_id for c in index.candidates(hashes, max_df=3)] == ["a"]
    assert index.candidates(hashes, max_df=3, exclude="a") == []
    assert index.candidates(hashes, min_shared=10_000) == []


def test_sqlite_index_persists_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "persist.db"
    with open_index(path) as idx:
        idx.add([Document("a", TEXT_A, title="Rates", source="Wire", published_at="2024-01-02")])
    with open_index(path, create=False) as idx:
        assert len(idx) == 1
        assert idx.get("a") == Document("a", TEXT_A, "Rates", None, "Wire", "2024-01-02")
        assert [c.doc_id for c in idx.candidates(document_hashes(TEXT_A))] == ["a"]
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_sqlite_index_errors_name_the_path(tmp_path: Path) -> None:
    with pytest.raises(IndexError_, match="no such index"):
        open_index(tmp_path / "absent.db", create=False)
    with pytest.raises(IndexError_, match="does not exist"):
        open_index(tmp_path / "no" / "such" / "folder.db")
    not_a_db = tmp_path / "junk.db"
    not_a_db.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(IndexError_, match=r"junk\.db"):
        open_index(not_a_db)


def test_memory_and_sqlite_agree_on_real_articles(
    tmp_path: Path, corpus: list[dict[str, str]]
) -> None:
    docs = [Document(a["id"], a["text"], a["title"]) for a in corpus[:120]]
    mem = MemoryIndex()
    with open_index(tmp_path / "agree.db") as sql:
        assert mem.add(docs) == sql.add(docs) == AddReport(added=len(docs))
        for d in docs[:30]:
            hashes = document_hashes(d.text[: len(d.text) // 2])
            assert mem.candidates(hashes, limit=5) == sql.candidates(hashes, limit=5)
        assert list(mem.ids()) == list(sql.ids())


def test_lexical_candidates_rank_by_telling_words(index: MemoryIndex | SQLiteIndex) -> None:
    index.add(
        [
            Document("rates", TEXT_A, title="Central bank raises rates"),
            Document("floods", TEXT_B, title="Floods close northern railways"),
        ]
    )
    # A rewrite shares no five-word run with TEXT_B, only its telling words.
    query = "Rail operators cancelled trains after overnight floods; engineers checked bridges."
    assert [c.doc_id for c in index.lexical_candidates(query)] == ["floods"]
    assert index.lexical_candidates(query, exclude="floods") == []
    # Replacing a document's text replaces its words too.
    index.add([Document("floods", TEXT_A, title="Now about rates")])
    assert index.lexical_candidates(query) == []
    assert index.lexical_candidates("") == []


def test_term_document_counts_follow_adds_and_replacements(
    index: MemoryIndex | SQLiteIndex,
) -> None:
    index.add([Document("rates", TEXT_A), Document("floods", TEXT_B)])
    # Porter stems, as the lexical index stores them: "services" is in both texts.
    counts, documents = index.term_document_counts(["servic", "bridg", "volcano"])
    assert (counts, documents) == ({"servic": 2, "bridg": 1, "volcano": 0}, 2)
    index.add([Document("floods", TEXT_A)])  # "bridges" leaves the index
    counts, documents = index.term_document_counts(["bridg", "servic"])
    assert (counts, documents) == ({"bridg": 0, "servic": 2}, 2)
    index.add([Document("quake", "A volcano erupted near the coast.")])
    assert index.term_document_counts(["volcano"]) == ({"volcano": 1}, 3)


def test_a_read_only_index_answers_term_counts(tmp_path: Path) -> None:
    with open_index(tmp_path / "ro.db") as writer:
        writer.add([Document("a", TEXT_A), Document("b", TEXT_B)])
    reader = SQLiteIndex(tmp_path / "ro.db", create=False, readonly=True)
    try:
        assert reader.term_document_counts(["rail", "inflat"]) == ({"rail": 1, "inflat": 1}, 2)
    finally:
        reader.close()


def test_memory_and_sqlite_agree_on_lexical_ranking(
    tmp_path: Path, corpus: list[dict[str, str]]
) -> None:
    docs = [Document(a["id"], a["text"], a["title"]) for a in corpus[:150]]
    mem = MemoryIndex()
    mem.add(docs)
    with open_index(tmp_path / "lex.db") as sql:
        sql.add(docs)
        for d in docs[:20]:
            words = d.text.split()
            query = " ".join(words[len(words) // 3 : len(words) // 3 + 60])
            top_mem = [c.doc_id for c in mem.lexical_candidates(query, limit=3)]
            top_sql = [c.doc_id for c in sql.lexical_candidates(query, limit=3)]
            assert top_mem[0] == top_sql[0] == d.id
