"""Read inputs (JSONL, text, HTML, WARC, RSS/Atom, CSV, PDF, Word; folders of them) as documents.

This is an I/O edge: it opens files and turns their bytes into :class:`~wiretrace.model.Document`
values. Everything it cannot turn into a document comes out as a :class:`Rejected` value that
names the place (``path:line`` for JSONL, the path for a text file) and says why, so a batch job
can stop on it or, with ``--skip-bad``, record it and keep going. Nothing is dropped silently.

This module holds the entry points; each format has its own module: JSONL
(:mod:`~wiretrace.ingest.jsonl`, records checked by :mod:`~wiretrace.ingest.records`), text
(:mod:`~wiretrace.ingest.textfiles`), :mod:`~wiretrace.ingest.html` (trafilatura),
:mod:`~wiretrace.ingest.warc` (warcio), :mod:`~wiretrace.ingest.feeds` (feedparser),
:mod:`~wiretrace.ingest.tables` (CSV), :mod:`~wiretrace.ingest.pdf` (pypdf) and
:mod:`~wiretrace.ingest.word` (python-docx). :mod:`~wiretrace.ingest.walk` walks folders and hands
each file to its reader; :mod:`~wiretrace.ingest.sniff` picks the reader: by extension, else by
the first bytes; :attr:`ReadOptions.format` overrides both.
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
      ``.xml`` holding a feed): one per entry. ``.csv``/``.tsv``: one per row. ``.pdf`` and
      ``.docx``: one document, the extracted text; the id is chosen like a text file's.
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

import json
import logging
import os
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import replace
from pathlib import Path

from wiretrace.errors import InputError, Problem, RecordError
from wiretrace.ids import id_problem, shown_id
from wiretrace.ingest.base import (
    DEFAULT_MAX_BYTES,
    HINT_CHOOSE_ID,
    CsvOptions,
    Entry,
    Format,
    ReadOptions,
    Rejected,
    Skipped,
    os_reason,
    size_problem,
)
from wiretrace.ingest.html import page_to_document
from wiretrace.ingest.jsonl import line_limit
from wiretrace.ingest.office import FILE_KINDS, OFFICE_FORMATS, office_to_document
from wiretrace.ingest.records import record_to_document
from wiretrace.ingest.sniff import SNIFF_BYTES, by_extension, container_problem, sniff
from wiretrace.ingest.textfiles import STDIN_LOCATION, read_head, read_stdin, text_from_bytes
from wiretrace.ingest.walk import finish, finish_in_workers, iter_file, iter_inputs, size_of
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
# Formats whose whole file is one article to trace.
_WHOLE_FILE = (Format.TXT, Format.HTML, *OFFICE_FORMATS)


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
) -> Generator[Entry, None, None]:
    """Stream every record in ``paths`` as an :class:`~wiretrace.ingest.base.Entry`.

    Like :func:`iter_records`, but each entry also says which reader produced it, carries the
    warnings about a kept document, and records skipped on purpose (a WARC request, an image
    response, an empty feed) come through as :class:`~wiretrace.ingest.base.Skipped`, so that
    counts add up. ``Entry.position`` counts the bytes of all inputs consumed so far, the
    numerator of :func:`input_size`.

    ``resume`` is asked, for each file that can be resumed (WARC), for an ``Entry.resume``
    value from an earlier run; reading of that file continues after that record.

    With ``workers`` above 1, pages (HTML files, WARC responses, PDF and Word files) are
    extracted in that many worker processes while the files are read; the entries still come
    in input order. A caller that stops early should ``close()`` the generator: that stops the
    workers at once, rather than when the generator is collected (at exit, if an exception's
    traceback holds it, when the pool's pipes may already be gone).
    """
    resolved = [Path(p) for p in paths]
    for path in resolved:
        if not path.exists():
            raise InputError(str(path), "no such file or folder; check the path")
    items = iter_inputs(resolved, options, resume)
    if workers > 1:
        return _checked(finish_in_workers(items, options, workers))
    return (_check_id(finish(item, options)) for item in items)


def _checked(entries: Generator[Entry, None, None]) -> Generator[Entry, None, None]:
    with closing(entries):  # closing this closes the workers' generator, and so its pool
        for entry in entries:
            yield _check_id(entry)


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
                        total += size_of(Path(root) / name)
        else:
            total += size_of(Path(path))
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
    with ``options.format``) gives its main text, a PDF or Word file its extracted text (see
    :mod:`~wiretrace.ingest.pdf`, :mod:`~wiretrace.ingest.word`), so trace offsets refer to
    that text. A WARC,
    feed, CSV or JSONL file must hold exactly one article, or ``record_id`` picks one by id.
    Standard input is read as text, HTML, PDF or Word, by its first bytes.

    Raises :class:`~wiretrace.errors.EncodingError` for bytes that are not text (including NUL
    bytes), :class:`~wiretrace.errors.RecordError` for an empty text or a page with no main
    text, :class:`~wiretrace.errors.SizeLimitError` for a text over ``options.max_bytes``, and
    :class:`~wiretrace.errors.InputError` when the file is missing or cannot be read, or holds
    no article or several. The location of each error is the file name as given, or
    ``<stdin>``.
    """
    if path_or_dash == "-":
        data, total = read_stdin(options)
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
            data, total = read_head(path, options)
        except OSError as exc:
            raise InputError(location, f"cannot read the file: {os_reason(exc)}") from exc
        sniffed = sniff(data[:SNIFF_BYTES])
        if isinstance(sniffed, Problem) or sniffed in _WHOLE_FILE:
            # Not recognisably a format of records: one article, read as text unless it is
            # a page, a PDF or a Word file (as before formats existed).
            return _article_from_bytes(data, total, location, path.name, "", options)
        fmt = sniffed
    if fmt in _WHOLE_FILE:
        try:
            data, total = read_head(path, options)
        except OSError as exc:
            raise InputError(location, f"cannot read the file: {os_reason(exc)}") from exc
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
    """One text, HTML, PDF or Word article from (the head of) a file or standard input."""
    if not fmt:
        sniffed = sniff(data[:SNIFF_BYTES])
        if isinstance(sniffed, Problem) and container_problem(data) is not None:
            raise sniffed.at(location).as_error()  # a .doc or a zip: say so, not "NUL byte"
        fmt = sniffed if sniffed in _WHOLE_FILE else Format.TXT
    if fmt in OFFICE_FORMATS:
        office = office_to_document(Format(fmt), data, doc_id, options)
        if isinstance(office, Problem):
            if office.code == "size_limit" and total is not None and total > len(data):
                office = size_problem(f"{total:,} bytes", options, FILE_KINDS[Format(fmt)])
            raise office.at(location).as_error()
        return Entry(Format(fmt), office.document, office.warnings, len(data))
    if fmt == Format.HTML:
        page = page_to_document(data, doc_id, options)
        if isinstance(page, Problem):
            if page.code == "size_limit" and total is not None and total > len(data):
                # the page was read only up to the limit: give its whole size
                page = size_problem(f"{total:,} bytes", options, "page")
            raise page.at(location).as_error()
        return Entry(Format.HTML, page.document, page.warnings, len(data))
    text = text_from_bytes(data, total, options)
    if isinstance(text, Problem):
        raise text.at(location).as_error()
    return Entry(Format.TXT, Document(id=doc_id, text=text), (), len(data))


def _one_article(path: Path, location: str, options: ReadOptions, record_id: str | None) -> Entry:
    found: list[Entry] = []
    first_reject: Rejected | None = None
    for raw, _ in iter_file(path, path.name, options):
        entry = finish(raw, options)
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
            f"holds more than one article ({ids}, ...)",
            hint=options.hint(HINT_CHOOSE_ID),
        )
    if first_reject is not None:
        raise first_reject.as_error()
    raise InputError(location, "holds no article to trace")
