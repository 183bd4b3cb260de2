"""Index format 3: stored text compressed with zstandard, kept whole through every path that
returns it; files of format 1 and 2 upgraded in place; newer formats refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import write_format_1_index
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace import Document, open_index
from wiretrace.errors import IndexError_
from wiretrace.index.base import content_digest, document_hashes
from wiretrace.index.listing import DocumentQuery
from wiretrace.index.sqlite_file import FORMAT_VERSION
from wiretrace.index.stored_text import pack, unpack
from wiretrace.tracing import TraceOptions, trace

WIRE = (
    "The central bank raised its main interest rate by a quarter of a percentage point on "
    "Thursday, the third increase this year, citing stubborn inflation in services and wages. "
    "Officials said further moves would depend on the data over the coming months."
)
UNICODE = (
    "Zürich: «Ça coûte 5 €» — 東京の市場は上昇した。 مرحبا بالعالم 🚢🌊 e\u0301 "
    "\u200d\U0001f468\u200d\U0001f469 tab\tand\r\nlines \x00 after a NUL."
)
TEXTS = {
    "empty": "",
    "unicode": UNICODE,
    "wire": WIRE,
    "long": " ".join(f"word{i % 5000} of sentence {i}." for i in range(120_000)),
}

FORMAT_2 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('format', '2'), ('n', '5'), ('window', '4');
CREATE TABLE documents (
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
    title TEXT, url TEXT, source TEXT, published_at TEXT, language TEXT,
    text TEXT NOT NULL, text_digest TEXT NOT NULL, meta_digest TEXT NOT NULL,
    author TEXT, crawled_at TEXT, content_digest TEXT NOT NULL DEFAULT '');
CREATE TABLE appearances (
    id TEXT PRIMARY KEY, doc INTEGER NOT NULL,
    title TEXT, url TEXT, source TEXT, published_at TEXT, language TEXT,
    author TEXT, crawled_at TEXT, meta_digest TEXT NOT NULL);
CREATE INDEX appearances_doc ON appearances(doc);
CREATE TABLE progress (input TEXT PRIMARY KEY, signature TEXT NOT NULL,
    position INTEGER NOT NULL, records INTEGER NOT NULL, state TEXT NOT NULL DEFAULT '');
CREATE TABLE postings (hash INTEGER NOT NULL, doc INTEGER NOT NULL,
    PRIMARY KEY (hash, doc)) WITHOUT ROWID;
CREATE VIRTUAL TABLE lexical USING fts5(
    text, content='', tokenize='porter unicode61', detail=full);
CREATE INDEX documents_content ON documents(content_digest);
"""


def _format_2_file(path: Path) -> None:
    """An index as format 2 wrote it (text stored raw), holding WIRE as 'old'."""
    with sqlite3.connect(path) as con:
        con.executescript(FORMAT_2)
        con.execute(
            "INSERT INTO documents VALUES (1, 'old', 'Rates rise', NULL, 'Wire', '2024-03-07',"
            " NULL, ?, 'x', 'y', NULL, NULL, ?)",
            (WIRE + " ü", content_digest(WIRE + " ü")),
        )
        con.execute("INSERT INTO lexical(rowid, text) VALUES (1, ?)", (f"Rates rise\n{WIRE} ü",))
        con.executemany(
            "INSERT INTO postings VALUES (?, 1)",
            [(h,) for h in document_hashes(WIRE + " ü", 5, 4)],
        )
    con.close()


def _stored(path: Path) -> dict[str, tuple[str, int | None]]:
    """Each stored row's SQLite type of ``text`` and its ``text_chars``."""
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT id, typeof(text), text_chars FROM documents").fetchall()
    finally:
        con.close()
    return {r[0]: (r[1], r[2]) for r in rows}


def _format(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return str(con.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()[0])
    finally:
        con.close()


def _lengths(index: object) -> dict[str, int]:
    page = index.list_documents(DocumentQuery.of(per_page=100))  # type: ignore[attr-defined]
    return {item.id: item.length for item in page.items}


@given(st.text())
@settings(max_examples=200)
def test_pack_round_trips_any_text(text: str) -> None:
    stored = pack(text)
    assert isinstance(stored, bytes)
    assert unpack(stored) == text
    assert unpack(text) == text  # a raw row of format 1 or 2


def test_every_text_comes_back_whole_through_every_reader(tmp_path: Path) -> None:
    path = tmp_path / "idx.db"
    docs = [Document(doc_id, text, title=f"T {doc_id}") for doc_id, text in TEXTS.items()]
    with open_index(path) as index:
        index.add(docs)
    for readonly in (False, True):
        with open_index(path, create=False, readonly=readonly) as index:
            for doc in docs:
                assert index.get(doc.id) == doc
                assert index.appearances(doc.id)[0].id == doc.id
            assert list(index.documents()) == sorted(docs, key=lambda d: d.id)
            assert _lengths(index) == {d.id: len(d.text) for d in docs}
            assert index.summary().texts == len(docs)
    stored = _stored(path)
    assert stored == {d.id: ("blob", len(d.text)) for d in docs}
    assert _format(path) == FORMAT_VERSION
    # Compressed: the long text is stored in far fewer bytes than it has.
    con = sqlite3.connect(path)
    (size,) = con.execute("SELECT length(text) FROM documents WHERE id = 'long'").fetchone()
    con.close()
    assert size < len(TEXTS["long"]) / 4


def test_replacing_and_folding_read_the_compressed_text(tmp_path: Path) -> None:
    path = tmp_path / "idx.db"
    with open_index(path, fold_duplicates=True) as index:
        index.add([Document("a", WIRE, source="Wire", published_at="2024-03-07")])
        index.add([Document("b", WIRE, source="Paper", published_at="2024-03-06")])  # folded
        assert [a.id for a in index.appearances("a")] == ["b", "a"]
        assert index.get("a") == Document("a", WIRE, source="Wire", published_at="2024-03-07")
        index.add([Document("b", UNICODE + " " + WIRE)])  # b takes its own text again
        assert index.get("a") is not None and index.get("a").text == WIRE  # type: ignore[union-attr]
        assert index.get("b").text == UNICODE + " " + WIRE  # type: ignore[union-attr]
        found = index.lexical_candidates("stubborn inflation services wages", limit=5)
        assert {c.doc_id for c in found} == {"a", "b"}


def test_format_2_is_read_as_it_is_and_upgraded_on_write(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    _format_2_file(path)
    old = Document("old", WIRE + " ü", "Rates rise", None, "Wire", "2024-03-07")
    with open_index(path, create=False, readonly=True) as index:
        assert index.get("old") == old
        assert _lengths(index) == {"old": len(WIRE) + 2}
        assert index.summary().format_version == "2"
    assert _format(path) == "2"

    with open_index(path) as index:  # upgraded: a column added, no row rewritten
        assert _format(path) == FORMAT_VERSION
        assert _stored(path) == {"old": ("text", None)}
        assert index.get("old") == old
        index.add([Document("new", UNICODE, "Harbour", None, "Daily", "2024-03-08")])
        assert _stored(path) == {"old": ("text", None), "new": ("blob", len(UNICODE))}
        assert _lengths(index) == {"old": len(WIRE) + 2, "new": len(UNICODE)}
        assert index.summary().texts == 2
        assert index.lexical_candidates("stubborn inflation wages")[0].doc_id == "old"
        result = trace(index, Document("q", WIRE), TraceOptions())
        assert [s.document for s in result.sources] == [old]
        index.add([Document("old", WIRE + " again", "Rates rise")])  # rewritten: compressed
        assert _stored(path)["old"] == ("blob", len(WIRE) + 6)
        assert index.get("old").text == WIRE + " again"  # type: ignore[union-attr]


def test_format_1_is_upgraded_to_the_current_format_and_refused_read_only(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    write_format_1_index(path, "old", WIRE).close()
    with pytest.raises(IndexError_, match=r"format 1 .* open it once for writing"):
        open_index(path, create=False, readonly=True)
    with open_index(path) as index:
        assert index.get("old") == Document("old", WIRE)
        assert _lengths(index) == {"old": len(WIRE)}
    assert _format(path) == FORMAT_VERSION
    assert _stored(path) == {"old": ("text", None)}


@pytest.mark.parametrize("readonly", [False, True])
def test_a_newer_format_is_refused_and_left_alone(tmp_path: Path, readonly: bool) -> None:
    newer = str(int(FORMAT_VERSION) + 1)
    path = tmp_path / "newer.db"
    with open_index(path) as index:
        index.add([Document("a", WIRE)])
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE meta SET value = ? WHERE key = 'format'", (newer,))
        con.execute("DROP TABLE progress")
    con.close()
    with pytest.raises(IndexError_, match=rf"format {newer} is newer than this wiretrace reads"):
        open_index(path, create=False, readonly=readonly)
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    con.close()
    assert "progress" not in tables  # nothing was created in a file of a newer format
    assert _format(path) == newer
