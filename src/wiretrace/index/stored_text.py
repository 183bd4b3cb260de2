"""How the SQLite index stores a document's text: a zstandard frame (level 3, no dictionary).

Index format 3 stores new texts as a BLOB holding one zstandard frame of the UTF-8 text; rows
written by formats 1 and 2 stay TEXT until they are rewritten. :func:`unpack` tells them apart
by type, so upgrading a file needs no pass over its rows.

Why level 3 without a trained dictionary (``bench/bench_zstd.py``, BENCHMARKS.md, issue 16):
on news-length texts (median about 3,000 characters) level 3 halves the stored bytes for
about 20 µs a document to compress and 5 µs to decompress; a 64 KiB dictionary saves about
280 bytes a document more, but needs a training sample before the first batch can be stored
and ties every row to it. A frame names its dictionary in its header, so a later format can
add one without rewriting the rows stored now.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import zstandard

__all__ = ["LEVEL", "pack", "unpack"]

LEVEL = 3

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
    """The stored form of ``text``: one zstandard frame of its UTF-8 bytes (its size in the
    frame header)."""
    return _compressor().compress(text.encode("utf-8"))


def unpack(stored: str | bytes) -> str:
    """The text of a stored value: a BLOB is a frame made by :func:`pack`, a TEXT value a
    row kept raw from index format 1 or 2."""
    if isinstance(stored, str):
        return stored
    return _decompressor().decompress(stored).decode("utf-8")
