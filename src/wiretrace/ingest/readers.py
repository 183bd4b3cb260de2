"""Read inputs (JSONL, gzipped JSONL, text files, folders of them) as documents.

This is an I/O edge: it opens files and turns their bytes into :class:`~wiretrace.model.Document`
values. Everything it cannot turn into a document comes out as a :class:`Rejected` value that
names the place (``path:line`` for JSONL, the path for a text file) and says why, so a batch job
can stop on it or, with ``--skip-bad``, record it and keep going. Nothing is dropped silently.

Inputs and order
    :func:`iter_records` reads its inputs in the order given. A folder is walked recursively in
    code-point order of the names, one directory level at a time (the order of the relative
    paths compared part by part), so the same folder always gives the same stream.

    - ``.jsonl``: one JSON object a line with ``id`` and ``text``, and optionally ``title``,
      ``url``, ``source``, ``published_at`` (ISO 8601) and ``language``. Other keys are ignored.
      Blank lines are skipped but still counted in line numbers.
    - ``.jsonl.gz``: the same, gzip-compressed. A truncated or corrupt stream gives one
      ``Rejected`` at the line it reached; the lines before it still come through.
    - ``.txt``: one document. Its id is the file name, or, inside a folder given as input, its
      path relative to that folder with ``/`` separators. Its title is ``None``.
    - In a folder, names starting with ``.`` (hidden files and folders) are skipped; any other
      file with another extension, and any symbolic link to a folder (not followed, to avoid
      cycles), is reported as ``Rejected``. Extensions are matched case-insensitively.
    - A file given explicitly with an unsupported extension is also ``Rejected`` (not raised),
      like one found in a folder.

Decisions about records
    - Text is decoded as strict UTF-8; a UTF-8 byte order mark at the start of a file is
      dropped. Line endings are kept as they are, so offsets index the text as given.
    - An integer ``id`` is accepted and converted to a string; any other non-string ``id``
      (including ``true``/``false`` and floats) and an empty ``id`` are rejected.
    - Optional metadata must be a string or ``null``; an empty string is read as ``null``.
    - A ``published_at`` that :meth:`datetime.datetime.fromisoformat` cannot parse rejects the
      whole record rather than keeping it without a date: a bad date usually means a column
      mix-up in the export, and silently losing the date would silently change which source is
      "earliest". The value is kept as written (not normalised) when it parses.
    - The size limit (:attr:`ReadOptions.max_bytes`) is measured on the UTF-8 encoding of the
      text. To keep memory bounded, a JSONL line longer than :func:`line_limit` bytes is
      rejected without being parsed, and a text file is read only up to the limit.
    - Strings holding unpaired surrogates (possible through JSON ``\\ud800`` escapes) and file
      names that are not valid UTF-8 are rejected: they cannot be stored or encoded.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import sys
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from wiretrace.errors import EncodingError, InputError, RecordError, SizeLimitError
from wiretrace.model import Document

__all__ = [
    "ReadOptions",
    "Rejected",
    "iter_records",
    "line_limit",
    "read_document",
    "write_rejects",
]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
STDIN_ID = "stdin"
STDIN_LOCATION = "<stdin>"

_BOM = codecs.BOM_UTF8
_TXT = ".txt"
_JSONL = ".jsonl"
_JSONL_GZ = ".jsonl.gz"
_SUPPORTED = f"wiretrace reads {_TXT}, {_JSONL} and {_JSONL_GZ} files"
_OPTIONAL_FIELDS = ("title", "url", "source", "published_at", "language")
# A JSON string can take up to 6 bytes per byte of UTF-8 text (``\u0000`` escapes), and the
# metadata needs some room on top.
_LINE_FACTOR = 6
_LINE_OVERHEAD = 1024 * 1024
_SKIP_CHUNK = 1024 * 1024
# What a (possibly compressed) byte stream can raise while being read.
_STREAM_ERRORS = (OSError, EOFError, zlib.error)


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How inputs are read.

    ``max_bytes`` is the largest document text accepted, in bytes of UTF-8 (default 10 MB).
    """

    max_bytes: int = DEFAULT_MAX_BYTES

    def __post_init__(self) -> None:
        if self.max_bytes <= 0:
            raise ValueError(f"max_bytes must be positive, got {self.max_bytes}")


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record or file that could not be read as a document.

    ``location`` is ``path:line`` for a JSONL record and the path for a text file or folder
    entry; ``reason`` says what is wrong and, where it helps, what to do. ``raw`` is the line
    as read (decoded with backslash escapes if it was not UTF-8) when there is one small enough
    to keep, else ``None``. ``error`` is the :class:`~wiretrace.errors.InputError` subclass
    that describes the problem; :meth:`as_error` builds it, for callers that stop at the first
    bad record.
    """

    location: str
    reason: str
    raw: str | None = None
    error: type[InputError] = InputError

    def as_error(self) -> InputError:
        """This rejection as an exception, for callers that do not skip bad records."""
        return self.error(self.location, self.reason)


@dataclass(frozen=True, slots=True)
class _Problem:
    """Why some bytes or a record are not a document (pure helpers return this, not raise)."""

    reason: str
    error: type[InputError]


def line_limit(options: ReadOptions) -> int:
    """The longest JSONL line, in bytes, that is parsed under ``options``."""
    return _LINE_FACTOR * options.max_bytes + _LINE_OVERHEAD


# --- public entry points ----------------------------------------------------------------------


def iter_records(paths: Sequence[Path], options: ReadOptions) -> Iterator[Document | Rejected]:
    """Stream the documents in ``paths``, and a :class:`Rejected` for everything unreadable.

    Raises :class:`~wiretrace.errors.InputError` at once (before anything is read) when a path
    does not exist: that is a usage error, not a bad record. After that the stream never raises
    for bad input; see the module docstring for the formats, the order and the decisions.
    """
    resolved = [Path(p) for p in paths]
    for path in resolved:
        if not path.exists():
            raise InputError(str(path), "no such file or folder; check the path")
    return _iter_inputs(resolved, options)


def read_document(path_or_dash: str, options: ReadOptions) -> Document:
    """Read one article to trace from a text file, or from standard input when it is ``-``.

    The whole file is the text (decoded as strict UTF-8, a leading BOM dropped); its id is the
    file name, or ``"stdin"``. The extension is not checked. Raises
    :class:`~wiretrace.errors.EncodingError` for bytes that are not UTF-8 text (including NUL
    bytes), :class:`~wiretrace.errors.RecordError` for an empty text,
    :class:`~wiretrace.errors.SizeLimitError` for a text over ``options.max_bytes``, and
    :class:`~wiretrace.errors.InputError` when the file is missing or cannot be read. The
    location of each error is the file name as given, or ``<stdin>``.
    """
    if path_or_dash == "-":
        data, total = _read_stdin(options)
        location, doc_id = STDIN_LOCATION, STDIN_ID
    else:
        location = path_or_dash
        path = Path(path_or_dash)
        if not path.exists():
            raise InputError(location, "no such file; check the path")
        if path.is_dir():
            raise InputError(
                location, "is a folder; trace reads one article file (index folders instead)"
            )
        try:
            data, total = _read_head(path, options)
        except OSError as exc:
            raise InputError(location, f"cannot read the file: {_os_reason(exc)}") from exc
        doc_id = path.name
    text = _text_from_bytes(data, total, options)
    if isinstance(text, _Problem):
        raise text.error(location, text.reason)
    return Document(id=doc_id, text=text)


def write_rejects(rejects: Iterable[Rejected], path: Path) -> int:
    """Write ``rejects`` to ``path`` as JSONL ``{"location", "reason"}`` lines; return the count.

    The file is replaced. It is written as it goes, so a stream of rejects is never held in
    memory. Raises :class:`OSError` if the file cannot be written.
    """
    count = 0
    with Path(path).open("w", encoding="utf-8", errors="backslashreplace", newline="\n") as out:
        for rejected in rejects:
            record = {"location": rejected.location, "reason": rejected.reason}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


# --- walking inputs ---------------------------------------------------------------------------


def _iter_inputs(paths: list[Path], options: ReadOptions) -> Iterator[Document | Rejected]:
    for path in paths:
        if path.is_dir():
            yield from _iter_folder(path, options)
        else:
            yield from _iter_file(path, path.name, options)


def _iter_folder(root: Path, options: ReadOptions) -> Iterator[Document | Rejected]:
    for item in _walk(root, ()):
        if isinstance(item, Rejected):
            yield item
        else:
            path, parts = item
            yield from _iter_file(path, "/".join(parts), options)


def _walk(
    folder: Path, parts: tuple[str, ...]
) -> Iterator[tuple[Path, tuple[str, ...]] | Rejected]:
    """Files under ``folder`` (with their relative parts) in sorted order, and what to reject."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        yield Rejected(str(folder), f"cannot list the folder: {_os_reason(exc)}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        here = (*parts, entry.name)
        try:
            is_link_dir = entry.is_symlink() and entry.is_dir()
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = entry.is_file()
        except OSError as exc:
            yield Rejected(str(path), f"cannot inspect the entry: {_os_reason(exc)}")
            continue
        if is_link_dir:
            yield Rejected(
                str(path),
                "symbolic link to a folder is not followed; pass its target as an input",
            )
        elif is_dir:
            yield from _walk(path, here)
        elif is_file:
            yield (path, here)
        else:
            yield Rejected(str(path), "not a regular file (broken link, device or pipe)")


def _iter_file(path: Path, txt_id: str, options: ReadOptions) -> Iterator[Document | Rejected]:
    name = path.name.lower()
    if name.endswith(_JSONL_GZ):
        yield from _iter_jsonl(path, options, compressed=True)
    elif name.endswith(_JSONL):
        yield from _iter_jsonl(path, options, compressed=False)
    elif name.endswith(_TXT):
        yield _read_txt(path, txt_id, options)
    else:
        yield Rejected(
            str(path),
            f"unsupported file type {_describe_suffix(path)}: {_SUPPORTED}; "
            "convert it or move it out of the input",
        )


def _describe_suffix(path: Path) -> str:
    suffixes = path.suffixes
    if not suffixes:
        return "(no extension)"
    shown = suffixes[-2:] if suffixes[-1].lower() == ".gz" else suffixes[-1:]
    return repr("".join(shown))


# --- text files -------------------------------------------------------------------------------


def _read_txt(path: Path, doc_id: str, options: ReadOptions) -> Document | Rejected:
    location = str(path)
    if not _is_utf8(doc_id):
        return Rejected(
            location,
            "the file name is not valid UTF-8, so it cannot be an id; rename the file",
            error=EncodingError,
        )
    try:
        data, total = _read_head(path, options)
    except OSError as exc:
        return Rejected(location, f"cannot read the file: {_os_reason(exc)}")
    text = _text_from_bytes(data, total, options)
    if isinstance(text, _Problem):
        return Rejected(location, text.reason, error=text.error)
    return Document(id=doc_id, text=text)


def _read_head(path: Path, options: ReadOptions) -> tuple[bytes, int | None]:
    """Up to just over ``max_bytes`` of the file (enough to tell it is too big), and its size."""
    with path.open("rb") as stream:
        try:
            total: int | None = os.fstat(stream.fileno()).st_size
        except OSError:
            total = None
        data = stream.read(options.max_bytes + len(_BOM) + 1)
    return data, total


def _read_stdin(options: ReadOptions) -> tuple[bytes, int | None]:
    limit = options.max_bytes + len(_BOM) + 1
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


def _text_from_bytes(data: bytes, total: int | None, options: ReadOptions) -> str | _Problem:
    """Decode a whole text file's bytes (or its first ``max_bytes`` and a bit) as a document."""
    skip = len(_BOM) if data.startswith(_BOM) else 0
    body = data[skip:]
    if len(body) > options.max_bytes:
        size = f"more than {options.max_bytes:,} bytes"
        if total is not None and total - skip >= len(body):  # not a pipe or a /proc file
            size = f"{total - skip:,} bytes"
        return _Problem(_size_reason(size, options), SizeLimitError)
    nul = body.find(b"\x00")
    if nul >= 0:
        line = body.count(b"\n", 0, nul) + 1
        return _Problem(
            f"binary file: NUL byte at byte offset {nul + skip} (line {line}); expected UTF-8 text",
            EncodingError,
        )
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        return _Problem(_utf8_reason(body, exc, skip, f" (line {line})"), EncodingError)
    if not text.strip():
        return _Problem("empty text: the file is empty or holds only whitespace", RecordError)
    return text


# --- JSONL ------------------------------------------------------------------------------------


def _iter_jsonl(
    path: Path, options: ReadOptions, *, compressed: bool
) -> Iterator[Document | Rejected]:
    location = str(path)
    limit = line_limit(options)
    where = " of the decompressed data" if compressed else " of the file"
    lineno = 0
    offset = 0
    with ExitStack() as stack:
        try:
            stream = stack.enter_context(_open_binary(path, compressed=compressed))
        except OSError as exc:
            yield Rejected(location, f"cannot open the file: {_os_reason(exc)}")
            return
        lines = _raw_lines(stream, limit)
        while True:
            try:
                item = next(lines, None)
            except _STREAM_ERRORS as exc:
                yield Rejected(
                    f"{location}:{lineno + 1}",
                    _stream_reason(exc, lineno, compressed),
                    error=InputError,
                )
                return
            if item is None:
                return
            raw, length = item
            lineno += 1
            start = offset
            offset += length
            here = f"{location}:{lineno}"
            if raw is None:
                yield Rejected(
                    here,
                    f"line is {length:,} bytes, longer than the {limit:,} bytes read for a "
                    f"record under the {options.max_bytes:,}-byte text limit; raise the limit "
                    "with --max-bytes",
                    error=SizeLimitError,
                )
                continue
            if lineno == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
                start += len(_BOM)
            if not raw.strip():
                continue
            result = _parse_line(raw, start, where, options)
            if isinstance(result, Document):
                yield result
            else:
                problem, shown = result
                yield Rejected(here, problem.reason, shown, problem.error)


def _open_binary(path: Path, *, compressed: bool) -> io.BufferedIOBase:
    if compressed:
        return gzip.open(path, "rb")
    return path.open("rb")


def _raw_lines(stream: io.BufferedIOBase, limit: int) -> Iterator[tuple[bytes | None, int]]:
    """Each line's bytes (without the newline) and its length with the newline.

    A line over ``limit`` bytes is skipped in chunks and given as ``None``, so memory stays
    bounded. Stream errors (I/O, truncated or corrupt gzip) propagate to the caller.
    """
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if line.endswith(b"\n"):
            yield line[:-1], len(line)
        elif len(line) <= limit:
            yield line, len(line)  # the last line, without a newline
        else:
            length = len(line)
            while True:
                chunk = stream.readline(_SKIP_CHUNK)
                length += len(chunk)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield None, length


def _parse_line(
    raw: bytes, start: int, where: str, options: ReadOptions
) -> Document | tuple[_Problem, str | None]:
    """One non-blank JSONL line as a document, or the problem and the raw line to show."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        shown = raw.decode("utf-8", "backslashreplace")
        reason = _utf8_reason(raw, exc, start, where)
        return _Problem(reason, EncodingError), shown
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        reason = f"not valid JSON: {exc.msg} (column {exc.colno})"
        return _Problem(reason, RecordError), line
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        return _Problem(f"not valid JSON: {exc}", RecordError), line
    except RecursionError:
        return _Problem("not valid JSON: nested too deeply", RecordError), line
    if not isinstance(value, dict):
        reason = f"expected a JSON object, got {_json_type(value)}"
        return _Problem(reason, RecordError), line
    result = _record_to_document(value, options)
    if isinstance(result, _Problem):
        keep = None if result.error is SizeLimitError else line
        return result, keep
    return result


def _record_to_document(record: dict[str, object], options: ReadOptions) -> Document | _Problem:
    """Validate one decoded JSON object and build its document (pure)."""
    missing = [name for name in ("id", "text") if record.get(name) is None]
    if missing:
        names = " and ".join(f"'{name}'" for name in missing)
        nulls = [name for name in missing if name in record]
        verb = "is" if len(nulls) == 1 else "are"
        note = f" ({' and '.join(f'{n!r}' for n in nulls)} {verb} null)" if nulls else ""
        return _Problem(f"missing {names}{note}", RecordError)
    raw_id, text = record["id"], record["text"]
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        doc_id = str(raw_id)
    elif isinstance(raw_id, str):
        doc_id = raw_id
    else:
        return _Problem(
            f"'id' must be a string or an integer, got {_json_type(raw_id)}", RecordError
        )
    if not doc_id.strip():
        return _Problem("'id' is empty", RecordError)
    if not isinstance(text, str):
        return _Problem(f"'text' must be a string, got {_json_type(text)}", RecordError)
    if not text.strip():
        return _Problem("empty text: 'text' is empty or holds only whitespace", RecordError)
    fields: dict[str, str | None] = {}
    for name in _OPTIONAL_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            return _Problem(
                f"'{name}' must be a string or null, got {_json_type(value)}", RecordError
            )
        fields[name] = value or None
    for name, value in (("id", doc_id), *fields.items()):
        if value is not None and not _is_utf8(value):
            return _Problem(_surrogate_reason(name), EncodingError)
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        return _Problem(_surrogate_reason("text"), EncodingError)
    if size > options.max_bytes:
        return _Problem(_size_reason(f"{size:,} bytes", options), SizeLimitError)
    published_at = fields["published_at"]
    if published_at is not None and not _is_iso8601(published_at):
        return _Problem(
            f"'published_at' is not an ISO 8601 date or date-time: {published_at!r} "
            "(expected e.g. '2019-04-23' or '2019-04-23T08:15:00Z')",
            RecordError,
        )
    return Document(
        id=doc_id,
        text=text,
        title=fields["title"],
        url=fields["url"],
        source=fields["source"],
        published_at=published_at,
        language=fields["language"],
    )


# --- small pure helpers -----------------------------------------------------------------------


def _is_iso8601(value: str) -> bool:
    try:
        datetime.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


def _is_utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _size_reason(size: str, options: ReadOptions) -> str:
    return (
        f"text is too large: {size} of UTF-8, over the limit of {options.max_bytes:,} bytes; "
        "raise the limit with --max-bytes"
    )


def _utf8_reason(data: bytes, exc: UnicodeDecodeError, base: int, context: str) -> str:
    """``context`` follows the offset: `` (line 3)`` or `` of the file``."""
    return (
        f"not valid UTF-8: byte 0x{data[exc.start]:02x} at byte offset {base + exc.start}"
        f"{context}; re-save the file as UTF-8"
    )


def _surrogate_reason(name: str) -> str:
    return (
        f"'{name}' holds an unpaired surrogate (a lone \\ud800-\\udfff escape), which is not "
        "valid Unicode; fix the export"
    )


def _stream_reason(exc: BaseException, lines_read: int, compressed: bool) -> str:
    if compressed and isinstance(exc, EOFError):
        what = "gzip stream is truncated"
    elif compressed:
        what = "gzip stream is corrupt or not gzip"
    else:
        what = "cannot read the file"
    detail = _os_reason(exc) if isinstance(exc, OSError) else str(exc)
    advice = "; re-download or re-compress the file" if compressed else ""
    return (
        f"{what} ({detail}); {lines_read:,} lines were read before it and the rest of the "
        f"file is lost{advice}"
    )


def _os_reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
