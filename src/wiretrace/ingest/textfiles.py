"""Whole text files and standard input: read at most just over the limit, decode strictly."""

from __future__ import annotations

import codecs
import os
import sys
from pathlib import Path
from typing import BinaryIO

from wiretrace.errors import EncodingError, Problem
from wiretrace.ingest.base import HINT_DETECT_ENCODING, ReadOptions, size_problem
from wiretrace.ingest.encoding import Decoded, decode
from wiretrace.ingest.records import utf8_reason

STDIN_LOCATION = "<stdin>"
BOM = codecs.BOM_UTF8


def read_head(path: Path, options: ReadOptions) -> tuple[bytes, int | None]:
    """Up to just over ``max_bytes`` of the file (enough to tell it is too big), and its size."""
    with path.open("rb") as stream:
        try:
            total: int | None = os.fstat(stream.fileno()).st_size
        except OSError:
            total = None
        data = stream.read(options.max_bytes + len(BOM) + 1)
    return data, total


def read_stdin(options: ReadOptions) -> tuple[bytes, int | None]:
    limit = options.max_bytes + len(BOM) + 1
    buffer: BinaryIO | None = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        return buffer.read(limit), None
    text = sys.stdin.read(limit)
    try:
        # Bytes that the text layer could not decode come back as themselves, so the strict
        # decode below reports them with their offset.
        return text.encode("utf-8", "surrogateescape"), None
    except UnicodeEncodeError as exc:
        raise EncodingError(
            STDIN_LOCATION,
            f"standard input holds an unpaired surrogate at character {exc.start}; send UTF-8 text",
        ) from exc


def text_from_bytes(data: bytes, total: int | None, options: ReadOptions) -> str | Problem:
    """Decode a whole text file's bytes (or its first ``max_bytes`` and a bit) as a document."""
    skip = len(BOM) if data.startswith(BOM) else 0
    body = data[skip:]
    if len(body) > options.max_bytes:
        size = f"more than {options.max_bytes:,} bytes"
        if total is not None and total - skip >= len(body):  # not a pipe or a /proc file
            size = f"{total - skip:,} bytes"
        return size_problem(f"{size} of UTF-8", options)
    nul = body.find(b"\x00")
    if nul >= 0:
        line = body.count(b"\n", 0, nul) + 1
        return Problem(
            "encoding",
            f"binary file: NUL byte at byte offset {nul + skip} (line {line}); expected UTF-8 text",
        )
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        detected = decode(body, what="file") if options.detect_encoding else None
        if isinstance(detected, Decoded):
            text = detected.text
        else:
            line = body.count(b"\n", 0, exc.start) + 1
            reason = utf8_reason(body, exc, skip, f" (line {line})")
            return Problem("encoding", reason, hint=options.hint(HINT_DETECT_ENCODING))
    if not text.strip():
        return Problem("empty_text", "empty text: the file is empty or holds only whitespace")
    return text
