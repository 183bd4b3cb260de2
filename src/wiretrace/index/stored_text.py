"""How the SQLite index stores a document's text: a zstandard frame, level 3, with the file's
trained dictionary once it has one.

Index format 3 stores new texts as a BLOB holding one zstandard frame of the UTF-8 text; rows
written by formats 1 and 2 stay TEXT until they are rewritten. :meth:`TextCodec.unpack` tells
them apart by type, so upgrading a file needs no pass over its rows.

Format 6 adds a dictionary (``text_dictionaries``), trained once from the first
:data:`TRAIN_TEXTS` texts a file holds (:meth:`TextCodec.train`, called by the writer before a
batch). News articles share much of their phrasing (datelines, attributions, the outlet's own
formulas), and a frame of a few kilobytes cannot learn it from itself: on the benchmark's news
(median 3,000 characters), a 128 KiB dictionary cuts level 3's 1,853 bytes a text to about
1,560, for 0.4 s of training once and the same 25 µs to compress (BENCHMARKS.md, issue 16).
Each frame names its dictionary in its header, so texts stored before the dictionary existed
(a small index, or a file upgraded from format 5) stay readable as they are, and a file could
hold more than one dictionary.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from itertools import islice
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import zstandard

__all__ = [
    "DICTIONARIES_SCHEMA",
    "DICTIONARY_BYTES",
    "LEVEL",
    "SAMPLE_BYTES",
    "TRAIN_TEXTS",
    "TextCodec",
    "pack",
    "unpack",
]

LEVEL = 3
# The size of a trained dictionary, and how many texts it is trained from (at least half of
# them: fewer texts would train a dictionary that fits them and no one else).
DICTIONARY_BYTES = 128 * 1024
TRAIN_TEXTS = 2_000
# What training reads of a text: its first 8 KiB of UTF-8 (news is about 3 KB; a long text
# adds nothing a dictionary would keep). Training reads at most TRAIN_TEXTS of them (16 MiB),
# however long the texts are.
SAMPLE_BYTES = 8 * 1024

DICTIONARIES_SCHEMA = """
CREATE TABLE IF NOT EXISTS text_dictionaries (
    dict_id INTEGER PRIMARY KEY,
    data BLOB NOT NULL
);
"""

# zstandard's contexts may not be shared by threads at once (a served index is used by
# several); each thread makes its own on first use.
_contexts = threading.local()


def _compressor() -> zstandard.ZstdCompressor:
    found: zstandard.ZstdCompressor | None = getattr(_contexts, "compressor", None)
    if found is None:
        import zstandard  # imported on first use: the CLI's start-up does not pay for it

        found = _contexts.compressor = zstandard.ZstdCompressor(level=LEVEL)
    return found


def _decompressor() -> zstandard.ZstdDecompressor:
    found: zstandard.ZstdDecompressor | None = getattr(_contexts, "decompressor", None)
    if found is None:
        import zstandard

        found = _contexts.decompressor = zstandard.ZstdDecompressor()
    return found


def pack(text: str) -> bytes:
    """The stored form of ``text`` without a dictionary: one zstandard frame of its UTF-8
    bytes (its size in the frame header)."""
    return _compressor().compress(text.encode("utf-8"))


def unpack(stored: str | bytes) -> str:
    """The text of a stored value made without a dictionary (by :func:`pack`), or a TEXT
    value kept raw from index format 1 or 2. Use :meth:`TextCodec.unpack` for a file's rows."""
    if isinstance(stored, str):
        return stored
    return _decompressor().decompress(stored).decode("utf-8")


class TextCodec:
    """Packs and unpacks the texts of one index file, with its dictionaries.

    ``db`` is the file's connection; ``has_table`` is false for a file without
    ``text_dictionaries`` (format 5 or older opened read-only), whose frames have none.
    Each thread gets its own zstandard contexts; the dictionaries are read once and shared.
    """

    def __init__(self, db: sqlite3.Connection, *, has_table: bool) -> None:
        self._db = db
        self._has_table = has_table
        self._dictionaries: dict[int, zstandard.ZstdCompressionDict] = {}
        self._current = 0  # the dictionary new texts are packed with; 0 for none
        self._lock = threading.Lock()
        self._local = threading.local()
        if has_table:
            row = db.execute("SELECT MAX(dict_id) FROM text_dictionaries").fetchone()
            self._current = int(row[0] or 0)

    @property
    def dictionary(self) -> int:
        """The zstandard id of the dictionary new texts are packed with (0: none yet)."""
        return self._current

    def wants_training(self, stored: int, incoming: int) -> bool:
        """Whether to train a dictionary before storing ``incoming`` more texts beside the
        ``stored`` ones: none exists yet, and together they reach :data:`TRAIN_TEXTS`."""
        return self._has_table and self._current == 0 and stored + incoming >= TRAIN_TEXTS

    def train(self, samples: Iterable[str]) -> bool:
        """Train the file's dictionary from the first :data:`TRAIN_TEXTS` of ``samples`` (the
        first :data:`SAMPLE_BYTES` of each) and store it, inside the caller's transaction;
        return whether one was made. Too few or too uniform samples make none (zstandard
        refuses them), and texts are then stored without one, as before. After a rollback of
        that transaction, call :meth:`forget`."""
        import zstandard

        if not self._has_table or self._current:
            return False
        encoded: list[bytes | bytearray | memoryview[int]] = [
            s.encode("utf-8")[:SAMPLE_BYTES] for s in islice(samples, TRAIN_TEXTS) if s
        ]
        if len(encoded) < TRAIN_TEXTS // 2:
            return False
        try:
            trained = zstandard.train_dictionary(DICTIONARY_BYTES, encoded, level=LEVEL)
        except zstandard.ZstdError:
            return False
        dict_id = trained.dict_id()
        self._db.execute(
            "INSERT OR REPLACE INTO text_dictionaries(dict_id, data) VALUES (?, ?)",
            (dict_id, trained.as_bytes()),
        )
        with self._lock:
            self._dictionaries[dict_id] = trained
        self._current = dict_id
        self._local.__dict__.clear()
        return True

    def forget(self) -> None:
        """Forget the dictionary :meth:`train` made, after its transaction was rolled back
        (the file had none before: :meth:`train` makes one only then)."""
        with self._lock:
            self._dictionaries.pop(self._current, None)
        self._local.__dict__.clear()
        self._current = 0

    def pack(self, text: str) -> bytes:
        """The stored form of ``text``: a frame made with the current dictionary, if any."""
        if not self._current:
            return pack(text)
        compressor = getattr(self._local, "compressor", None)
        if compressor is None:
            import zstandard

            compressor = zstandard.ZstdCompressor(
                level=LEVEL, dict_data=self._dictionary(self._current)
            )
            self._local.compressor = compressor
        return bytes(compressor.compress(text.encode("utf-8")))

    def unpack(self, stored: str | bytes) -> str:
        """The text of a stored value: a frame (with the dictionary its header names, or
        none), or a TEXT value kept raw from index format 1 or 2."""
        if isinstance(stored, str) or not self._has_table:
            return unpack(stored)
        import zstandard

        dict_id = zstandard.get_frame_parameters(stored).dict_id
        if dict_id == 0:
            return unpack(stored)
        decompressors: dict[int, zstandard.ZstdDecompressor] = self._local.__dict__.setdefault(
            "decompressors", {}
        )
        found = decompressors.get(dict_id)
        if found is None:
            found = decompressors[dict_id] = zstandard.ZstdDecompressor(
                dict_data=self._dictionary(dict_id)
            )
        return bytes(found.decompress(stored)).decode("utf-8")

    def _dictionary(self, dict_id: int) -> zstandard.ZstdCompressionDict:
        with self._lock:
            found = self._dictionaries.get(dict_id)
            if found is None:
                import zstandard

                row = self._db.execute(
                    "SELECT data FROM text_dictionaries WHERE dict_id = ?", (dict_id,)
                ).fetchone()
                if row is None:
                    raise ValueError(f"stored text names dictionary {dict_id}, not in the file")
                found = self._dictionaries[dict_id] = zstandard.ZstdCompressionDict(row[0])
            return found
