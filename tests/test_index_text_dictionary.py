"""Index format 6: stored texts compressed with a dictionary trained from the file's first
texts, and postings keyed by the hashes' top 48 bits; a format 5 file, upgraded in place,
keeps its 64-bit keys, reads the same, and gains a dictionary once it has enough texts."""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import zstandard
from conftest import NEWS_WORDS

import wiretrace.index.sqlite as sqlite_module
import wiretrace.index.stored_text as stored_text
from wiretrace import Document, open_index
from wiretrace.index.base import document_hashes
from wiretrace.index.memory import MemoryIndex
from wiretrace.index.sqlite_file import FORMAT_VERSION
from wiretrace.index.stored_text import pack

PLACES = ["HARBOUR CITY", "NORTHWICK", "LAKESIDE", "PORT ELLEN", "GREYFORD", "MILLBROOK"]
WORDS = [*NEWS_WORDS, "contract", "workers", "plan", "residents", "funding", "inquiry"]


def _article(rng: random.Random, number: int) -> Document:
    """A news-like article: a dateline, sentences of drawn words, and the formulas news
    repeats (attributions, the outlet's sign-off) that a trained dictionary learns."""
    sentences = [f"{rng.choice(PLACES)} (Wire Service) — The {rng.choice(WORDS)} {number}"]
    for _ in range(rng.randint(8, 14)):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16)))
        formula = rng.choice(
            [
                ", officials said in a statement on Tuesday",
                ", according to people familiar with the matter",
                ", a spokesperson told reporters at a news conference",
                "",
            ]
        )
        sentences.append(f"The {words}{formula}.")
    sentences.append("Reporting by the Wire Service newsroom; editing by the regional desk.")
    return Document(f"d{number}", " ".join(sentences), title=f"Story {number}")


def _articles(count: int, seed: int = 5, first: int = 0) -> list[Document]:
    rng = random.Random(seed)
    return [_article(rng, first + i) for i in range(count)]


@pytest.fixture
def small_training(monkeypatch: pytest.MonkeyPatch) -> None:
    """Train from 60 texts, a 4 KiB dictionary, instead of 2,000 texts and 128 KiB."""
    monkeypatch.setattr(stored_text, "TRAIN_TEXTS", 60)
    monkeypatch.setattr(stored_text, "DICTIONARY_BYTES", 4096)


def _frames(path: Path) -> dict[str, tuple[int, int]]:
    """Each stored text's dictionary id (0: none) and stored size."""
    with closing(sqlite3.connect(path)) as con:
        rows = con.execute("SELECT id, text FROM documents").fetchall()
    return {i: (zstandard.get_frame_parameters(t).dict_id, len(t)) for i, t in rows}


def _dictionaries(path: Path) -> list[int]:
    with closing(sqlite3.connect(path)) as con:
        return [r[0] for r in con.execute("SELECT dict_id FROM text_dictionaries")]


def _keys(path: Path) -> list[int]:
    with closing(sqlite3.connect(path)) as con:
        return [r[0] for r in con.execute("SELECT hash FROM postings")]


def _meta(path: Path) -> dict[str, str]:
    with closing(sqlite3.connect(path)) as con:
        return dict(con.execute("SELECT key, value FROM meta").fetchall())


def _reads_back(path: Path, docs: list[Document]) -> None:
    for readonly in (False, True):
        with open_index(path, create=False, readonly=readonly) as index:
            for doc in docs:
                assert index.get(doc.id) == doc
            assert list(index.documents()) == sorted(docs, key=lambda d: d.id)


@pytest.mark.usefixtures("small_training")
def test_the_first_big_batch_trains_a_dictionary_that_every_text_uses(tmp_path: Path) -> None:
    path = tmp_path / "idx.db"
    docs = _articles(80)
    with open_index(path) as index:
        index.add(docs)
    (dict_id,) = _dictionaries(path)
    frames = _frames(path)
    assert {d for d, _ in frames.values()} == {dict_id}
    _reads_back(path, docs)
    # The dictionary pays: the texts take fewer bytes than packed alone.
    with_dictionary = sum(size for _, size in frames.values())
    alone = sum(len(pack(d.text)) for d in docs)
    assert with_dictionary < 0.8 * alone, (with_dictionary, alone)
    assert _meta(path)["format"] == FORMAT_VERSION


@pytest.mark.usefixtures("small_training")
def test_small_batches_train_once_the_file_reaches_the_threshold(tmp_path: Path) -> None:
    path = tmp_path / "idx.db"
    docs = _articles(100)
    with open_index(path) as index:
        index.add(docs[:25])
        index.add(docs[25:50])
        assert _dictionaries(path) == []  # 50 texts: not yet
        index.add(docs[50:75])  # 75: trained from this batch and the latest stored texts
        (dict_id,) = _dictionaries(path)
        index.add(docs[75:])
        assert _dictionaries(path) == [dict_id]  # once
        index.add([Document("d3", docs[3].text + " Updated.", title="Story 3")])  # rewritten
    frames = _frames(path)
    assert all(frames[d.id][0] == 0 for d in docs[4:50])  # stored before: as they were
    assert all(frames[d.id][0] == dict_id for d in docs[50:])
    assert frames["d3"][0] == dict_id
    _reads_back(path, [*docs[:3], Document("d3", docs[3].text + " Updated.", "Story 3"), *docs[4:]])


@pytest.mark.usefixtures("small_training")
def test_a_batch_rolled_back_takes_its_dictionary_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "idx.db"
    docs = _articles(70)
    real = sqlite_module.apply_summary_delta
    failures = iter([RuntimeError("killed mid-batch")])

    def failing_once(*args: object) -> None:
        for error in failures:
            raise error
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite_module, "apply_summary_delta", failing_once)
    with open_index(path) as index:
        with pytest.raises(RuntimeError, match="killed mid-batch"):
            index.add(docs)
        assert _dictionaries(path) == [] and index.summary().texts == 0
        assert index.add(docs).added == len(docs)  # trained again, and kept this time
    (dict_id,) = _dictionaries(path)
    assert {d for d, _ in _frames(path).values()} == {dict_id}
    _reads_back(path, docs)


@pytest.mark.usefixtures("small_training")
def test_texts_too_few_to_train_are_stored_without_a_dictionary(tmp_path: Path) -> None:
    path = tmp_path / "idx.db"
    docs = [Document(f"e{i}", "", title=f"Empty {i}") for i in range(59)]
    docs.append(Document("one", "A single short text."))
    with open_index(path) as index:
        index.add(docs)  # 60 texts, one not empty: zstandard cannot train, nothing is lost
    assert _dictionaries(path) == []
    assert {d for d, _ in _frames(path).values()} == {0}
    _reads_back(path, docs)


def test_postings_keys_are_48_bits_and_find_what_full_hashes_find(tmp_path: Path) -> None:
    path = tmp_path / "idx.db"
    docs = _articles(40, seed=9)
    memory = MemoryIndex()
    memory.add(docs)
    with open_index(path) as index:
        index.add(docs)
        for doc in docs[::5]:
            hashes = document_hashes(doc.text[: len(doc.text) // 2])
            assert index.candidates(hashes) == memory.candidates(hashes)
            assert index.candidates(hashes)[0].doc_id == doc.id
    assert _meta(path)["hash_bits"] == "48"
    keys = _keys(path)
    assert keys and max(abs(k) for k in keys) < 2**47  # stored in 6 bytes
    with closing(sqlite3.connect(path)) as con:
        widths = {r[0] for r in con.execute("SELECT DISTINCT typeof(hash) FROM postings")}
    assert widths == {"integer"}


def _as_format_5(path: Path, docs: list[Document]) -> None:
    """Turn a new file holding ``docs`` into what format 5 wrote: no dictionaries table, no
    ``hash_bits``, and every posting keyed by its full 64-bit hash."""
    with closing(sqlite3.connect(path)) as con, con:
        con.execute("DROP TABLE text_dictionaries")
        con.execute("DELETE FROM meta WHERE key = 'hash_bits'")
        con.execute("UPDATE meta SET value = '5' WHERE key = 'format'")
        rows = dict(con.execute("SELECT id, rowid FROM documents").fetchall())
        con.execute("DELETE FROM postings")
        con.executemany(
            "INSERT INTO postings(hash, doc) VALUES (?, ?)",
            [(h, rows[d.id]) for d in docs for h in document_hashes(d.text)],
        )


@pytest.mark.usefixtures("small_training")
def test_a_format_5_file_keeps_its_keys_and_gains_a_dictionary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "v5.db"
    old, new = _articles(30, seed=2), _articles(40, seed=3, first=100)
    with monkeypatch.context() as m:
        m.setattr(stored_text, "TRAIN_TEXTS", 10_000)  # format 5 had no dictionary
        with open_index(path) as index:
            index.add(old)
    _as_format_5(path, old)
    assert max(abs(k) for k in _keys(path)) >= 2**47  # full hashes, as format 5 kept them
    probe = document_hashes(old[7].text)
    with open_index(path, create=False, readonly=True) as index:  # read as it is
        assert index.summary().format_version == "5"
        assert index.candidates(probe)[0].doc_id == old[7].id
        assert index.get(old[7].id) == old[7]
    with open_index(path) as index:  # upgraded on a write open
        assert index.summary().format_version == FORMAT_VERSION
        assert index.candidates(probe)[0].doc_id == old[7].id
        index.add(new)  # 70 texts: trained
        assert index.candidates(document_hashes(new[5].text))[0].doc_id == new[5].id
    assert "hash_bits" not in _meta(path)
    assert len(_dictionaries(path)) == 1
    frames = _frames(path)
    assert all(frames[d.id][0] == 0 for d in old)
    assert all(frames[d.id][0] != 0 for d in new)
    _reads_back(path, old + new)


def test_training_reads_a_bounded_sample_however_long_the_texts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch of long texts trains from at most TRAIN_TEXTS samples of SAMPLE_BYTES each;
    the stored texts it fills up with are read only as far as needed."""
    monkeypatch.setattr(stored_text, "TRAIN_TEXTS", 60)
    monkeypatch.setattr(stored_text, "DICTIONARY_BYTES", 4096)
    seen: list[list[int]] = []
    real = zstandard.train_dictionary

    def spy(size: int, samples: list[bytes], **kwargs: object) -> zstandard.ZstdCompressionDict:
        seen.append([len(s) for s in samples])
        return real(size, samples, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zstandard, "train_dictionary", spy)
    path = tmp_path / "idx.db"
    long_docs = [
        Document(d.id, " ".join([d.text] * 40), title=d.title) for d in _articles(100, seed=8)
    ]
    assert min(len(d.text) for d in long_docs) > 4 * stored_text.SAMPLE_BYTES
    with open_index(path) as index:
        index.add(long_docs[:40])  # 40 stored: not yet
        index.add(long_docs[40:])  # 60 more: trained from 60 samples of this batch alone
    assert len(seen) == 1
    assert len(seen[0]) == 60 and max(seen[0]) == stored_text.SAMPLE_BYTES
    assert len(_dictionaries(path)) == 1
    _reads_back(path, long_docs)
