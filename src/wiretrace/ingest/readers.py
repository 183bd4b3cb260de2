"""Read inputs (JSONL, text, HTML, WARC, RSS/Atom, CSV files, folders of them) as documents.

This is an I/O edge: it opens files and turns their bytes into :class:`~wiretrace.model.Document`
values. Everything it cannot turn into a document comes out as a :class:`Rejected` value that
names the place (``path:line`` for JSONL, the path for a text file) and says why, so a batch job
can stop on it or, with ``--skip-bad``, record it and keep going. Nothing is dropped silently.

The formats other than JSONL and text have their own modules: :mod:`~wiretrace.ingest.html`
(trafilatura), :mod:`~wiretrace.ingest.warc` (warcio), :mod:`~wiretrace.ingest.feeds`
(feedparser) and :mod:`~wiretrace.ingest.tables` (CSV). :mod:`~wiretrace.ingest.sniff` picks
the reader: by extension, else by the first bytes; :attr:`ReadOptions.format` overrides both.
:func:`iter_entries` gives every record with its format, its warnings and any record skipped
on purpose (a WARC request, an image); :func:`iter_records` gives documents and rejections only.

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
    - ``.html``/``.htm``: one document, the page's main text; its id is chosen like a text
      file's. ``.warc``/``.warc.gz``: one document per HTML response. ``.rss``/``.atom`` (and
      ``.xml`` holding a feed): one per entry. ``.csv``/``.tsv``: one per row.
    - In a folder, names starting with ``.`` (hidden files and folders) are skipped; a file
      whose format neither its extension nor its first bytes tell, and any symbolic link to a
      folder (not followed, to avoid cycles), is reported as ``Rejected``. Extensions are
      matched case-insensitively.
    - A file given explicitly with an unsupported type is also ``Rejected`` (not raised), like
      one found in a folder.

Decisions about records
    - JSONL and text are decoded as strict UTF-8 (text files with charset-normalizer's
      detected encoding when :attr:`ReadOptions.detect_encoding` is set); a UTF-8 byte order
      mark at the start of a file is dropped. Line endings are kept as they are, so offsets
      index the text as given.
    - An integer ``id`` is accepted and converted to a string; any other non-string ``id``
      (including ``true``/``false`` and floats) and an empty ``id`` are rejected.
    - Every reader's ids follow :mod:`wiretrace.ids`: an id over 1,024 characters, or holding a
      control character (NUL, ESC, ...), is rejected with the file and line (JSONL) or the
      file and the id, so that every stored document can be fetched by its id.
    - Optional metadata must be a string or ``null``; an empty string is read as ``null``.
    - A ``published_at`` that :meth:`datetime.datetime.fromisoformat` cannot parse rejects the
      whole JSONL record rather than keeping it without a date: a bad date in a JSONL file
      (which names its fields) usually means a mix-up in the export, and losing the date would
      change which source is "earliest". The value is kept as written (not normalised) when it
      parses. The other formats get their dates from pages, feeds and exports where an odd date
      is common: there a date that cannot be parsed is dropped with a warning, and the document
      is kept.
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
import logging
import multiprocessing
import multiprocessing.pool
import os
import re
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import replace
from functools import partial
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from wiretrace.dates import is_iso8601
from wiretrace.errors import EncodingError, InputError, RecordError, SizeLimitError
from wiretrace.ids import id_problem, shown_id
from wiretrace.ingest.base import (
    DEFAULT_MAX_BYTES,
    CsvOptions,
    Entry,
    Format,
    ReadOptions,
    Rejected,
    Skipped,
    size_reason,
)
from wiretrace.ingest.base import Problem as _Problem
from wiretrace.ingest.encoding import Decoded, decode
from wiretrace.ingest.feeds import iter_feed
from wiretrace.ingest.html import PageJob, page_to_document
from wiretrace.ingest.sniff import SNIFF_BYTES, SUPPORTED, by_extension, sniff
from wiretrace.ingest.tables import iter_csv
from wiretrace.ingest.warc import iter_warc
from wiretrace.model import Document

__all__ = [
    "DEFAULT_MAX_BYTES",
    "CsvOptions",
    "Entry",
    "Format",
    "ReadOptions",
    "Rejected",
    "Skipped",
    "input_size",
    "iter_entries",
    "iter_records",
    "line_limit",
    "read_article",
    "read_document",
    "record_to_document",
    "write_rejects",
]

log = logging.getLogger(__name__)

STDIN_ID = "stdin"
STDIN_LOCATION = "<stdin>"

_BOM = codecs.BOM_UTF8
_GZIP_MAGIC = b"\x1f\x8b"
_OPTIONAL_FIELDS = ("title", "url", "source", "published_at", "language")
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


# --- public entry points ----------------------------------------------------------------------


def iter_records(paths: Sequence[Path], options: ReadOptions) -> Iterator[Document | Rejected]:
    """Stream the documents in ``paths``, and a :class:`Rejected` for everything unreadable.

    Raises :class:`~wiretrace.errors.InputError` at once (before anything is read) when a path
    does not exist: that is a usage error, not a bad record. After that the stream never raises
    for bad input; see the module docstring for the formats, the order and the decisions.
    Records skipped on purpose (see :func:`iter_entries`) are left out, and warnings about kept
    documents are logged; use :func:`iter_entries` to see both.
    """
    return _records_only(iter_entries(paths, options))


def iter_entries(
    paths: Sequence[Path],
    options: ReadOptions,
    *,
    resume: Callable[[Path], tuple[int, int] | None] | None = None,
    workers: int = 1,
) -> Iterator[Entry]:
    """Stream every record in ``paths`` as an :class:`~wiretrace.ingest.base.Entry`.

    Like :func:`iter_records`, but each entry also says which reader produced it, carries the
    warnings about a kept document, and records skipped on purpose (a WARC request, an image
    response, an empty feed) come through as :class:`~wiretrace.ingest.base.Skipped`, so that
    counts add up. ``Entry.position`` counts the bytes of all inputs consumed so far, the
    numerator of :func:`input_size`.

    ``resume`` is asked, for each file that can be resumed (WARC), for an ``Entry.resume``
    value from an earlier run; reading of that file continues after that record.

    With ``workers`` above 1, pages (HTML files, WARC responses) are extracted in that many
    worker processes while the files are read; the entries still come in input order.
    """
    resolved = [Path(p) for p in paths]
    for path in resolved:
        if not path.exists():
            raise InputError(str(path), "no such file or folder; check the path")
    items = _iter_inputs(resolved, options, resume)
    if workers > 1:
        return map(_check_id, _finish_in_workers(items, options, workers))
    return (_check_id(_finish(item, options)) for item in items)


def _check_id(entry: Entry) -> Entry:
    """The entry, or a rejection when its document's id cannot be an id (:mod:`wiretrace.ids`).

    JSONL records are checked as they are parsed (with their line); this catches the ids the
    other readers make from file names, URLs, feed entries and CSV columns.
    """
    item = entry.item
    if not isinstance(item, Document):
        return entry
    problem = id_problem(item.id)
    if problem is None:
        return entry
    where = f"{entry.file or '<input>'}: record with id {shown_id(item.id)}"
    return replace(entry, item=Rejected(where, problem, error=RecordError), warnings=())


def input_size(paths: Sequence[Path]) -> int:
    """The bytes :func:`iter_entries` will read from ``paths`` (hidden files left out)."""
    total = 0
    for path in paths:
        if Path(path).is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                for name in files:
                    if not name.startswith("."):
                        total += _size_of(Path(root) / name)
        else:
            total += _size_of(Path(path))
    return total


def read_document(
    path_or_dash: str, options: ReadOptions, *, record_id: str | None = None
) -> Document:
    """Read one article to trace from a file, or from standard input when it is ``-``.

    See :func:`read_article`; warnings about the document are logged.
    """
    entry = read_article(path_or_dash, options, record_id=record_id)
    for warning in entry.warnings:
        log.warning("%s: %s", path_or_dash, warning)
    if not isinstance(entry.item, Document):  # pragma: no cover - read_article raises instead
        raise InputError(path_or_dash, "holds no article to trace")
    return entry.item


def read_article(path_or_dash: str, options: ReadOptions, *, record_id: str | None = None) -> Entry:
    """Read one article to trace, with its format and warnings.

    A text file's whole content is the text (decoded as strict UTF-8, a leading BOM dropped);
    its id is the file name, or ``"stdin"``. An HTML page (by extension, by its first bytes, or
    with ``options.format``) gives its main text, so trace offsets refer to that text. A WARC,
    feed, CSV or JSONL file must hold exactly one article, or ``record_id`` picks one by id.
    Standard input is read as text or HTML.

    Raises :class:`~wiretrace.errors.EncodingError` for bytes that are not text (including NUL
    bytes), :class:`~wiretrace.errors.RecordError` for an empty text or a page with no main
    text, :class:`~wiretrace.errors.SizeLimitError` for a text over ``options.max_bytes``, and
    :class:`~wiretrace.errors.InputError` when the file is missing or cannot be read, or holds
    no article or several. The location of each error is the file name as given, or
    ``<stdin>``.
    """
    if path_or_dash == "-":
        data, total = _read_stdin(options)
        return _article_from_bytes(data, total, STDIN_LOCATION, STDIN_ID, "", options)
    location = path_or_dash
    path = Path(path_or_dash)
    if not path.exists():
        raise InputError(location, "no such file; check the path")
    if path.is_dir():
        raise InputError(
            location, "is a folder; trace reads one article file (index folders instead)"
        )
    fmt = options.format or by_extension(path.name)
    if fmt is None:
        try:
            data, total = _read_head(path, options)
        except OSError as exc:
            raise InputError(location, f"cannot read the file: {_os_reason(exc)}") from exc
        sniffed = sniff(data[:SNIFF_BYTES])
        if isinstance(sniffed, _Problem) or sniffed in (Format.HTML, Format.TXT):
            # Not recognisably another format: read it as text, as before formats existed.
            fmt = Format.HTML if sniffed == Format.HTML else Format.TXT
            return _article_from_bytes(data, total, location, path.name, fmt, options)
        fmt = sniffed
    if fmt in (Format.TXT, Format.HTML):
        try:
            data, total = _read_head(path, options)
        except OSError as exc:
            raise InputError(location, f"cannot read the file: {_os_reason(exc)}") from exc
        return _article_from_bytes(data, total, location, path.name, fmt, options)
    return _one_article(path, location, replace(options, format=fmt), record_id)


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


def _records_only(entries: Iterator[Entry]) -> Iterator[Document | Rejected]:
    for entry in entries:
        item = entry.item
        if isinstance(item, Skipped):
            log.debug("%s: skipped: %s", item.location, item.reason)
            continue
        for warning in entry.warnings:
            log.warning("%s: %s", item.id if isinstance(item, Document) else "", warning)
        yield item


def _article_from_bytes(
    data: bytes, total: int | None, location: str, doc_id: str, fmt: str, options: ReadOptions
) -> Entry:
    """One text or HTML article from (the head of) a file or standard input."""
    if not fmt:
        sniffed = sniff(data[:SNIFF_BYTES])
        fmt = Format.HTML if sniffed == Format.HTML else Format.TXT
    if fmt == Format.HTML:
        page = page_to_document(data, doc_id, options)
        if isinstance(page, _Problem):
            if page.error is SizeLimitError and total is not None and total > len(data):
                raise page.error(location, page.reason.replace("more than", f"{total:,}"))
            raise page.error(location, page.reason)
        return Entry(Format.HTML, page.document, page.warnings, len(data))
    text = _text_from_bytes(data, total, options)
    if isinstance(text, _Problem):
        raise text.error(location, text.reason)
    return Entry(Format.TXT, Document(id=doc_id, text=text), (), len(data))


def _one_article(path: Path, location: str, options: ReadOptions, record_id: str | None) -> Entry:
    found: list[Entry] = []
    first_reject: Rejected | None = None
    for raw, _ in _iter_file(path, path.name, options):
        entry = _finish(raw, options)
        item = entry.item
        if isinstance(item, Document):
            if record_id is None or item.id == record_id:
                found.append(entry)
        elif isinstance(item, Rejected) and first_reject is None:
            first_reject = item
        if len(found) > 1 and record_id is None:
            break
    if len(found) == 1:
        return found[0]
    if record_id is not None and not found:
        raise InputError(location, f"holds no article with id {record_id!r}")
    if len(found) > 1:
        ids = ", ".join(repr(e.item.id) for e in found if isinstance(e.item, Document))
        raise InputError(
            location,
            f"holds more than one article ({ids}, ...); pick the one to trace with --id ID",
        )
    if first_reject is not None:
        raise first_reject.as_error()
    raise InputError(location, "holds no article to trace")


# --- walking inputs ---------------------------------------------------------------------------


_Resume = Callable[[Path], tuple[int, int] | None] | None
_Item = Entry | PageJob
# Pages handed to the workers at a time: enough to keep them busy, few enough to bound memory.
_WINDOW = 64


def _finish(item: _Item, options: ReadOptions) -> Entry:
    return item.finish(options) if isinstance(item, PageJob) else item


def _finish_in_workers(
    items: Iterator[_Item], options: ReadOptions, workers: int
) -> Iterator[Entry]:
    """Extract pages in worker processes, a window at a time, keeping the order.

    The next window is read while the workers extract the current one; reading (and so the
    resume and rejection bookkeeping of the caller) stays in this process, and entries that
    are not pages never leave it. The pool starts at the first page.
    """
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    work = partial(_finish, options=options)
    with ExitStack() as stack:
        pool: multiprocessing.pool.Pool | None = None
        in_flight: _Window | None = None
        while window := list(islice(items, _WINDOW)):
            jobs = [item for item in window if isinstance(item, PageJob)]
            submitted = None
            if jobs:
                if pool is None:
                    pool = stack.enter_context(context.Pool(workers))
                chunk = max(1, len(jobs) // (4 * workers))
                submitted = pool.map_async(work, jobs, chunksize=chunk)
            if in_flight is not None:
                yield from _merge(*in_flight)
            in_flight = (window, submitted)
        if in_flight is not None:
            yield from _merge(*in_flight)


_Window = tuple[list[_Item], "multiprocessing.pool.AsyncResult[list[Entry]] | None"]


def _merge(
    window: list[_Item], done: multiprocessing.pool.AsyncResult[list[Entry]] | None
) -> Iterator[Entry]:
    finished = iter(done.get() if done is not None else ())
    for item in window:
        yield next(finished) if isinstance(item, PageJob) else item


def _iter_inputs(paths: list[Path], options: ReadOptions, resume: _Resume) -> Iterator[_Item]:
    base = 0
    for path in paths:
        if path.is_dir():
            items = _iter_folder(path, options, resume)
        else:
            items = _iter_file(path, path.name, options, resume)
        consumed = 0
        for entry, done in items:
            consumed = done
            yield replace(entry, position=base + done)
        base += consumed


def _iter_folder(root: Path, options: ReadOptions, resume: _Resume) -> Iterator[tuple[_Item, int]]:
    done = 0
    for item in _walk(root, ()):
        if isinstance(item, Rejected):
            yield Entry(_guess_format(Path(item.location)), item), done
        else:
            path, parts = item
            for entry, position in _iter_file(path, "/".join(parts), options, resume):
                yield entry, done + position
            done += _size_of(path)


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


def _iter_file(
    path: Path, txt_id: str, options: ReadOptions, resume: _Resume = None
) -> Iterator[tuple[_Item, int]]:
    """The entries of one file, each with the bytes of the file consumed after it."""
    for entry, done in _file_entries(path, txt_id, options, resume):
        yield replace(entry, file=str(path)), done


def _file_entries(
    path: Path, txt_id: str, options: ReadOptions, resume: _Resume
) -> Iterator[tuple[_Item, int]]:
    size = _size_of(path)
    chosen = options.format or by_extension(path.name) or _sniff_file(path)
    if isinstance(chosen, Rejected):
        yield Entry(_guess_format(path), chosen), size
        return
    fmt: Format = chosen
    if fmt == Format.TXT:
        yield Entry(Format.TXT, _read_txt(path, txt_id, options)), size
    elif fmt == Format.HTML:
        yield _read_html(path, txt_id, options), size
    elif fmt == Format.JSONL:
        for entry in _iter_jsonl(path, options):
            yield entry, min(entry.position, size)
    elif fmt == Format.WARC:
        for item in iter_warc(path, options, resume(path) if resume else None):
            yield item, min(item.position, size)
    else:
        readers = {Format.FEED: iter_feed, Format.CSV: iter_csv}
        for entry in readers[fmt](path, options):
            yield entry, min(entry.position, size)


def _sniff_file(path: Path) -> Format | Rejected:
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as exc:
        return Rejected(str(path), f"cannot read the file: {_os_reason(exc)}")
    found = sniff(head)
    if isinstance(found, _Problem):
        return Rejected(
            str(path),
            f"unsupported file type {_describe_suffix(path)}: {found.reason}; {SUPPORTED}; "
            "convert it or move it out of the input",
            error=found.error,
        )
    return found


def _guess_format(path: Path) -> Format:
    """The format a rejected path is counted under in summaries."""
    return by_extension(path.name) or Format.TXT


def _size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _describe_suffix(path: Path) -> str:
    suffixes = path.suffixes
    if not suffixes:
        return "(no extension)"
    shown = suffixes[-2:] if suffixes[-1].lower() == ".gz" else suffixes[-1:]
    return repr("".join(shown))


# --- HTML files -------------------------------------------------------------------------------


def _read_html(path: Path, doc_id: str, options: ReadOptions) -> _Item:
    location = str(path)
    if not _is_utf8(doc_id):
        reason = "the file name is not valid UTF-8, so it cannot be an id; rename the file"
        return Entry(Format.HTML, Rejected(location, reason, error=EncodingError))
    try:
        data, total = _read_head(path, options)
    except OSError as exc:
        return Entry(Format.HTML, Rejected(location, f"cannot read the file: {_os_reason(exc)}"))
    if len(data) > options.max_bytes:
        size = f"{max(total or 0, len(data)):,} bytes"
        reason = size_reason(size, options, "page")
        return Entry(Format.HTML, Rejected(location, reason, error=SizeLimitError))
    return PageJob(Format.HTML, data, doc_id, location)


# --- text files -------------------------------------------------------------------------------


def _read_txt(path: Path, doc_id: str, options: ReadOptions) -> Document | Rejected:
    """A whole text file as one document (see the module docstring)."""
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
        detected = decode(body, what="file") if options.detect_encoding else None
        if isinstance(detected, Decoded):
            text = detected.text
        else:
            line = body.count(b"\n", 0, exc.start) + 1
            reason = _utf8_reason(body, exc, skip, f" (line {line})")
            return _Problem(reason + " (or pass --detect-encoding)", EncodingError)
    if not text.strip():
        return _Problem("empty text: the file is empty or holds only whitespace", RecordError)
    return text


# --- JSONL ------------------------------------------------------------------------------------


def _iter_jsonl(path: Path, options: ReadOptions) -> Iterator[Entry]:
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
            yield Rejected(location, f"cannot open the file: {_os_reason(exc)}"), 0
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
                yield (
                    Rejected(
                        here,
                        f"line is {length:,} bytes, longer than the {limit:,} bytes read for a "
                        f"record under the {options.max_bytes:,}-byte text limit; raise the "
                        "limit with --max-bytes",
                        error=SizeLimitError,
                    ),
                    position,
                )
                continue
            if lineno == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
                start += len(_BOM)
            if not raw.strip():  # a line of white space after a byte order mark
                continue
            result = _parse_line(raw, start, where, options)
            if isinstance(result, Document):
                yield result, position
            else:
                problem, shown = result
                yield Rejected(here, problem.reason, shown, problem.error), position


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
        parts = [buf[pos:newline if newline >= 0 else len(buf)]]
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
    result = record_to_document(value, options)
    if isinstance(result, _Problem):
        keep = None if result.error is SizeLimitError else line
        return result, keep
    return result


def record_to_document(record: dict[str, object], options: ReadOptions) -> Document | _Problem:
    """Validate one decoded JSON object and build its document (pure).

    The HTTP API uses it too, so that both accept and reject the same records, in the same
    words.
    """
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
    bad_id = id_problem(doc_id)
    if bad_id is not None:
        return _Problem(bad_id, RecordError)
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        return _Problem(_surrogate_reason("text"), EncodingError)
    if size > options.max_bytes:
        return _Problem(_size_reason(f"{size:,} bytes", options), SizeLimitError)
    published_at = fields["published_at"]
    if published_at is not None and not is_iso8601(published_at):
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
