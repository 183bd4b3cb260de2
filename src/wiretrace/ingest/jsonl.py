"""JSON lines files (gzip-compressed or not): one document a line, in bounded memory."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import NamedTuple

from wiretrace.errors import InputError, Problem
from wiretrace.ingest.base import (
    HINT_MAX_BYTES,
    Entry,
    Format,
    ReadOptions,
    Rejected,
    os_reason,
)
from wiretrace.ingest.records import json_type, record_to_document, utf8_reason
from wiretrace.model import Document

BOM = codecs.BOM_UTF8
_GZIP_MAGIC = b"\x1f\x8b"
# A JSON string can take up to 6 bytes per byte of UTF-8 text (``\u0000`` escapes), and the
# metadata needs some room on top.
_LINE_FACTOR = 6
_LINE_OVERHEAD = 1024 * 1024
_READ_CHUNK = 1024 * 1024
# White space at the start of a line; the blank lines in it end at its last newline.
_WHITE = frozenset(b" \t\r\n\f\v")
_WHITE_RUN = re.compile(rb"[ \t\r\n\f\v]+")
# What a (possibly compressed) byte stream can raise while being read.
_STREAM_ERRORS = (OSError, EOFError, zlib.error)


def line_limit(options: ReadOptions) -> int:
    """The longest JSONL line, in bytes, that is parsed under ``options``."""
    return _LINE_FACTOR * options.max_bytes + _LINE_OVERHEAD


def iter_jsonl(path: Path, options: ReadOptions) -> Iterator[Entry]:
    """JSON lines, gzip-compressed when the name ends in ``.gz`` or the bytes say so."""
    compressed = path.name.lower().endswith(".gz") or _starts_with(path, _GZIP_MAGIC)
    for item, position in _jsonl_items(path, options, compressed=compressed):
        yield Entry(Format.JSONL, item, position=position)


def _starts_with(path: Path, magic: bytes) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(magic)) == magic
    except OSError:
        return False


def _jsonl_items(
    path: Path, options: ReadOptions, *, compressed: bool
) -> Iterator[tuple[Document | Rejected, int]]:
    location = str(path)
    limit = line_limit(options)
    where = " of the decompressed data" if compressed else " of the file"
    lineno = 0
    offset = 0
    with ExitStack() as stack:
        try:
            raw_file = stack.enter_context(path.open("rb"))
            stream: io.BufferedIOBase = raw_file
            if compressed:
                stream = stack.enter_context(gzip.GzipFile(fileobj=raw_file, mode="rb"))
        except OSError as exc:
            yield Rejected(location, f"cannot open the file: {os_reason(exc)}"), 0
            return
        lines = _raw_lines(stream, limit)
        while True:
            try:
                item = next(lines, None)
            except _STREAM_ERRORS as exc:
                yield (
                    Rejected(
                        f"{location}:{lineno + 1}",
                        _stream_reason(exc, lineno, compressed),
                        error=InputError,
                    ),
                    raw_file.tell(),
                )
                return
            if item is None:
                return
            raw, length, count = item
            lineno += count
            start = offset
            offset += length
            if raw is not None and (not raw or raw[0] in _WHITE) and not raw.strip():
                continue
            here = f"{location}:{lineno}"
            position = raw_file.tell() if compressed else offset
            if raw is None:
                too_long = Problem(
                    "size_limit",
                    f"line is {length:,} bytes, longer than the {limit:,} bytes read for a "
                    f"record under the {options.max_bytes:,}-byte text limit",
                    hint=options.hint(HINT_MAX_BYTES),
                )
                yield Rejected.of(too_long, here), position
                continue
            if lineno == 1 and raw.startswith(BOM):
                raw = raw[len(BOM) :]
                start += len(BOM)
            if not raw.strip():  # a line of white space after a byte order mark
                continue
            result = parse_line(raw, start, where, options)
            if isinstance(result, Document):
                yield result, position
            else:
                problem, shown = result
                yield Rejected.of(problem, here, shown), position


def _raw_lines(
    stream: io.BufferedIOBase, limit: int, chunk: int = _READ_CHUNK
) -> Iterator[tuple[bytes | None, int, int]]:
    """Each line's bytes (without the newline), its length with the newline, and how many
    lines it stands for.

    A run of blank lines (white space only) comes as one item ``(b"", length, count)``: the
    run is found by one regular expression and one count over the chunk, both in C, so a flood
    of blank lines (a small gzip can hold billions) costs work per chunk read, not per line.
    Other lines come one by one with a count of 1. A line over ``limit`` bytes is skipped a
    chunk at a time and given as ``None``, so memory stays bounded. Stream errors (I/O,
    truncated or corrupt gzip) propagate to the caller. Reads take what the stream has
    (``read1``), so the lines before a corrupt part of a gzip come through first.
    """
    chunk = max(1, min(chunk, limit))  # so a blank run found in one chunk is never too long
    buf = b""
    pos = 0
    while True:
        if pos == len(buf):
            buf, pos = stream.read1(chunk), 0
            if not buf:
                return
        last = -1
        if buf[pos] in _WHITE:  # (a test first: most lines start with no white space)
            white = _WHITE_RUN.match(buf, pos)
            last = buf.rfind(b"\n", pos, white.end()) if white is not None else -1
        if last >= 0:  # whole blank lines, up to the last newline in the white space
            yield b"", last + 1 - pos, buf.count(b"\n", pos, last + 1)
            pos = last + 1
            continue
        newline = buf.find(b"\n", pos)
        if newline >= 0 and newline - pos <= limit:
            yield buf[pos:newline], newline + 1 - pos, 1
            pos = newline + 1
            continue
        # The line goes on past this chunk (or is too long): gather it, or only its length.
        parts = [buf[pos : newline if newline >= 0 else len(buf)]]
        length = len(parts[0])
        while newline < 0:
            buf, pos = stream.read1(chunk), 0
            if not buf:
                break
            newline = buf.find(b"\n")
            piece = buf if newline < 0 else buf[:newline]
            length += len(piece)
            if length <= limit:
                parts.append(piece)
            else:
                parts = []
        if newline >= 0:
            pos = newline + 1
            yield (b"".join(parts) if length <= limit else None), length + 1, 1
        else:  # the last line, without a newline
            pos = len(buf)
            yield (b"".join(parts) if length <= limit else None), length, 1


def parse_line(
    raw: bytes, start: int, where: str, options: ReadOptions
) -> Document | tuple[Problem, str | None]:
    """One non-blank JSONL line as a document, or the problem and the raw line to show."""
    loaded = load_line(raw, start, where)
    if not isinstance(loaded, Line):
        return loaded
    line, value = loaded
    if not isinstance(value, dict):
        reason = f"expected a JSON object, got {json_type(value)}"
        return Problem("record", reason), line
    result = record_to_document(value, options)
    if isinstance(result, Problem):
        keep = None if result.code == "size_limit" else line
        return result, keep
    return result


class Line(NamedTuple):
    """A JSONL line's text and its JSON value."""

    text: str
    value: object


def load_line(raw: bytes, start: int, where: str) -> Line | tuple[Problem, str | None]:
    """One JSONL line decoded: its text and its JSON value, or the problem and the line as
    shown. ``start`` is the line's byte offset and ``where`` follows it in a UTF-8 error
    (`` of the file``). The HTTP API reads its JSONL bodies with this too."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        shown = raw.decode("utf-8", "backslashreplace")
        return Problem("encoding", utf8_reason(raw, exc, start, where)), shown
    try:
        return Line(line, json.loads(line))
    except json.JSONDecodeError as exc:
        return Problem("record", f"not valid JSON: {exc.msg} (column {exc.colno})"), line
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        return Problem("record", f"not valid JSON: {exc}"), line
    except RecursionError:
        return Problem("record", "not valid JSON: nested too deeply"), line


def _stream_reason(exc: BaseException, lines_read: int, compressed: bool) -> str:
    if compressed and isinstance(exc, EOFError):
        what = "gzip stream is truncated"
    elif compressed:
        what = "gzip stream is corrupt or not gzip"
    else:
        what = "cannot read the file"
    detail = os_reason(exc) if isinstance(exc, OSError) else str(exc)
    advice = "; re-download or re-compress the file" if compressed else ""
    return (
        f"{what} ({detail}); {lines_read:,} lines were read before it and the rest of the "
        f"file is lost{advice}"
    )
