"""Articles from WARC (and ARC) crawl files, streamed with warcio.

Only HTML responses are read: ``response`` (or ``resource``) records whose HTTP status is 2xx
and whose content type is ``text/html`` or ``application/xhtml+xml``. Every other record
(``warcinfo``, ``request``, ``revisit``, ``metadata``, images, JSON, redirects, errors) is a
:class:`~wiretrace.ingest.base.Skipped` entry with its reason, so the summary still adds up.

A document's id and URL are the record's ``WARC-Target-URI`` (the ``WARC-Record-ID`` when a
record has none), so capturing the same page twice updates one document; its ``crawled_at``
is the ``WARC-Date``. Its text, title, outlet, author and date come from the page
(:mod:`wiretrace.ingest.html`).

A record cut short (the file ends before its ``Content-Length``) or a stream that warcio
cannot read further (corrupt gzip, garbage between records) is rejected with the record
number and byte offset; nothing after a broken stream can be read, and the reason says so.
Memory stays bounded: one record is held at a time, and a response larger than the size
limit is skipped without being read into memory.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from wiretrace.dates import is_iso8601
from wiretrace.errors import InputError, RecordError, SizeLimitError
from wiretrace.ingest.base import (
    HINT_FORMAT,
    Entry,
    Format,
    ReadOptions,
    Rejected,
    Skipped,
    advised,
    clean,
    os_reason,
    size_reason,
)
from wiretrace.ingest.html import PageJob

if TYPE_CHECKING:
    from warcio.archiveiterator import ArchiveIterator

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_MAGIC = (b"WARC/", b"\x1f\x8b", b"filedesc://")
_READ_CHUNK = 1024 * 1024


def iter_warc(
    path: Path, options: ReadOptions, after: tuple[int, int] | None = None
) -> Iterator[Entry | PageJob]:
    """Every record of the crawl at ``path`` as an entry, in file order.

    Each entry's ``resume`` is ``(offset, number)``: where its record starts and its number.
    ``after`` is such a pair from an earlier run: reading continues with the record after it
    (its own record is read again from the offset and passed over without being extracted).
    """
    location = str(path)
    try:
        raw = path.open("rb")
    except OSError as exc:
        yield Entry(Format.WARC, Rejected(location, f"cannot open the file: {os_reason(exc)}"))
        return
    with raw:
        head = raw.read(16)
        raw.seek(0)
        if not head.startswith(_MAGIC):
            reason = advised(
                "not a WARC or ARC file: it starts with neither a WARC header, an ARC header nor "
                "gzip; check the file",
                options,
                HINT_FORMAT,
            )
            yield Entry(Format.WARC, Rejected(location, reason, error=RecordError))
            return
        start, number = (0, 0) if after is None else after
        if start:
            raw.seek(start)
        yield from _records(raw, location, options, number, skip_first=after is not None)


def _records(
    raw: BinaryIO, location: str, options: ReadOptions, done: int, *, skip_first: bool
) -> Iterator[Entry | PageJob]:
    # Imported on use, like the page extractor: warcio costs 35 ms at start-up.
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    stream_errors = (ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError)
    records = ArchiveIterator(raw, arc2warc=True)
    number = done - 1 if skip_first else done
    while True:
        where = f"{location}:record {number + 1}"
        try:
            record = next(records, None)
            if record is None:
                return
            number += 1
            where = f"{location}:record {number}"
            if skip_first:  # the last record an earlier run finished: read past it
                skip_first = False
                continue
            item, warnings = _read_record(record, _Locator(records, location, number), options)
            offset = records.get_record_offset()
        except stream_errors as exc:
            broken = _broken(where, exc, number, options)
            yield Entry(Format.WARC, broken, position=raw.tell())
            return
        if isinstance(item, PageJob):
            yield replace(item, position=raw.tell(), file=location, resume=(offset, number))
        else:
            yield Entry(Format.WARC, item, warnings, raw.tell(), location, (offset, number))


def _broken(where: str, exc: BaseException, number: int, options: ReadOptions) -> Rejected:
    detail = _stream_detail(exc)
    if number == 0:
        return Rejected(
            where,
            advised(f"not a WARC or ARC file ({detail}); check the file", options, HINT_FORMAT),
            error=RecordError,
        )
    return Rejected(
        where,
        f"the WARC stream cannot be read past this point ({detail}); the records before it "
        "were read and the rest of the file is lost; re-download or repair the file",
        error=InputError,
    )


class _Locator:
    """Names a record's place. warcio knows a record's offset only once the record has been
    read (asking earlier reads it), so the name is made after the payload is read."""

    def __init__(self, records: ArchiveIterator, location: str, number: int) -> None:
        self.records = records
        self.location = location
        self.number = number

    def __call__(self) -> str:
        offset = self.records.get_record_offset()  # from the start of the file
        return f"{self.location}:record {self.number} (byte {offset:,})"


def _read_record(
    record: Any, locate: _Locator, options: ReadOptions
) -> tuple[Rejected | Skipped | PageJob, tuple[str, ...]]:
    rec_type = record.rec_type
    uri = clean(record.rec_headers.get_header("WARC-Target-URI"))
    if rec_type is None:  # warcio found no WARC header line (blank lines, other data)
        return Rejected(
            locate(),
            "not a WARC record: no WARC-Type header (blank lines or other data); check the file",
            error=RecordError,
        ), ()
    if rec_type not in ("response", "resource"):
        return Skipped(locate(), f"{rec_type} record, not a response"), ()
    status, content_type = _http_status_and_type(record)
    if status is not None and not 200 <= status < 300:
        return Skipped(locate(), f"HTTP status {status}, not a page ({uri})"), ()
    if not content_type.startswith(_HTML_TYPES):
        shown = content_type or "no content type"
        return Skipped(locate(), f"not an HTML response ({shown})"), ()
    length = _declared_length(record)
    data = _read_payload(record, options)
    truncated = record.raw_stream.limit  # the file ended before the record's Content-Length
    where = locate()
    if data is None:
        size = f"more than {options.max_bytes:,} bytes"
        return Rejected(
            where, size_reason(size, options, "page") + f" ({uri})", error=SizeLimitError
        ), ()
    if truncated:
        got = (length or 0) - truncated
        return Rejected(
            where,
            f"truncated WARC record: {got:,} of {length:,} bytes present ({uri}); the file "
            "was cut short, re-download or repair it",
            error=RecordError,
        ), ()
    record_id = clean(record.rec_headers.get_header("WARC-Record-ID"))
    doc_id = uri or record_id or where
    warc_date = clean(record.rec_headers.get_header("WARC-Date"))
    warnings: list[str] = []
    crawled = warc_date
    if warc_date is not None and not is_iso8601(warc_date):
        warnings.append(f"WARC-Date {warc_date!r} cannot be parsed; crawl date not kept")
        crawled = None
    job = PageJob(
        Format.WARC,
        data,
        doc_id,
        where,
        url=uri,
        charset=_charset(record),
        crawled_at=crawled,
        suffix=f" ({uri})" if uri else "",
        warnings=tuple(warnings),
    )
    return job, ()


def _http_status_and_type(record: Any) -> tuple[int | None, str]:
    headers = record.http_headers
    if headers is None:  # a resource record, or a response without HTTP headers
        content_type = record.rec_headers.get_header("Content-Type") or ""
        return None, content_type.lower().strip()
    try:
        status = int(headers.get_statuscode())
    except (TypeError, ValueError):
        status = None
    content_type = headers.get_header("Content-Type") or ""
    return status, content_type.lower().strip()


def _charset(record: Any) -> str | None:
    headers = record.http_headers
    if headers is None:
        return None
    for part in (headers.get_header("Content-Type") or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _declared_length(record: Any) -> int | None:
    try:
        return int(record.rec_headers.get_header("Content-Length"))
    except (TypeError, ValueError):
        return None


def _read_payload(record: Any, options: ReadOptions) -> bytes | None:
    """The decoded HTTP body, or ``None`` when it is over the limit (the rest is skipped)."""
    stream = record.content_stream()
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(_READ_CHUNK):
        size += len(chunk)
        if size > options.max_bytes:
            while stream.read(_READ_CHUNK):
                pass
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _stream_detail(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return os_reason(exc)
    return str(exc).strip() or type(exc).__name__
