"""Articles from CSV (and TSV) exports, read with the csv module.

The first row is the header. :class:`~wiretrace.ingest.base.CsvOptions` maps document fields
to its columns (``--column text=body``); only the text column is required. A field that is not
mapped is read from the first column whose name is one of the field's common names in
:data:`COLUMN_NAMES` (``body`` or ``content`` for the text, ``headline`` for the title,
``pubDate`` for the date, ``link`` for the URL, ``guid`` for the id...), compared without case,
spaces, ``_`` or ``-``. The mapping used is said once per file, in the first entry's
``note`` (``wiretrace index`` prints it). Each row is one document:

- a row with fewer or more fields than the header is rejected (a quoting or export error
  shifts the columns, so no field of it can be trusted);
- an empty text or id, and a text over the size limit, are rejected;
- a ``published_at`` in ISO 8601 or RFC 2822 (``Tue, 23 Apr 2019 08:15:00 GMT``) is kept in ISO
  8601; another form is dropped with a warning and the row is kept.

The file is decoded as UTF-8 (a byte order mark dropped) when it is, else with the encoding
charset-normalizer detects from its first megabyte. Locations are ``path:line``, the physical
line where the row starts (quoted fields can span lines).
"""

from __future__ import annotations

import codecs
import csv
import io
import sys
from collections.abc import Iterator
from datetime import UTC
from email.utils import parsedate_to_datetime
from pathlib import Path

from wiretrace.dates import is_iso8601
from wiretrace.errors import EncodingError, Problem, RecordError, SizeLimitError
from wiretrace.ingest.base import (
    CSV_FIELDS,
    HINT_TEXT_COLUMN,
    Entry,
    Format,
    ReadOptions,
    Rejected,
    advised,
    clean,
    os_reason,
    size_reason,
)
from wiretrace.ingest.encoding import Decoded, decode
from wiretrace.model import Document

_SAMPLE = 1024 * 1024

# The column names each field is recognised by, most telling first (a header holding both
# ``pubDate`` and ``date`` reads the date from ``pubDate``). Names are compared by
# :func:`_folded`: "Pub Date", "pub_date" and "pubDate" are one name.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("id", "guid", "uuid", "doc_id", "document_id", "article_id", "story_id", "item_id"),
    "text": (
        "text", "body", "content", "article_text", "full_text", "fulltext", "article_body",
        "articleBody", "article", "story", "maintext", "body_text",
    ),
    "title": ("title", "headline", "head", "heading", "subject"),
    "url": ("url", "link", "permalink", "canonical_url", "href", "uri", "article_url"),
    "source": (
        "source", "outlet", "publisher", "publication", "site_name", "sitename", "site",
        "source_name", "newspaper", "media", "feed",
    ),
    "published_at": (
        "published_at", "pubDate", "pub_date", "published", "publish_date", "publication_date",
        "date_published", "datePublished", "published_date", "date", "datetime", "timestamp",
        "time",
    ),
    "language": ("language", "lang", "locale"),
    "author": ("author", "byline", "authors", "creator", "dc:creator", "writer"),
}  # fmt: skip


def iter_csv(path: Path, options: ReadOptions) -> Iterator[Entry]:
    """Every data row of the CSV file at ``path``, in file order."""
    location = str(path)
    try:
        raw = path.open("rb")
    except OSError as exc:
        yield Entry(Format.CSV, Rejected(location, f"cannot open the file: {os_reason(exc)}"))
        return
    with raw:
        sample = raw.read(_SAMPLE)
        encoding = _encoding_of(sample)
        if isinstance(encoding, Problem):
            yield Entry(Format.CSV, Rejected(location, encoding.reason, error=encoding.error))
            return
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        yield from _rows(text, raw, path, options)


def _encoding_of(sample: bytes) -> str | Problem:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:  # a character cut at the end of the sample
            return "utf-8"
    decoded = decode(sample, what="CSV file")
    return decoded.encoding if isinstance(decoded, Decoded) else decoded


def _rows(
    text: io.TextIOWrapper, raw: io.BufferedReader, path: Path, options: ReadOptions
) -> Iterator[Entry]:
    location = str(path)
    delimiter = options.csv.delimiter or ("\t" if path.name.lower().endswith(".tsv") else ",")
    # A field holds a whole article; the csv module's default cap is 128 KiB. (This setting is
    # process-wide; it is only ever raised.)
    limit = 6 * options.max_bytes + 1024
    if csv.field_size_limit() < limit:
        csv.field_size_limit(min(limit, sys.maxsize))
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = next(reader, None)
    except (csv.Error, UnicodeDecodeError) as exc:
        yield Entry(Format.CSV, Rejected(f"{location}:1", f"cannot read the header: {exc}"))
        return
    if header is None:
        yield Entry(Format.CSV, Rejected(location, "empty file: no header row", error=RecordError))
        return
    columns = _column_positions(header, options)
    if isinstance(columns, Rejected):
        yield Entry(Format.CSV, Rejected(f"{location}:1", columns.reason, error=RecordError))
        return
    note = mapping_note(header, columns)
    line = reader.line_num
    while True:
        start = line + 1
        where = f"{location}:{start}"
        try:
            row = next(reader, None)
        except UnicodeDecodeError as exc:
            reason = (
                f"cannot decode the file past this row ({exc}); the rest of the file is lost; "
                "re-save it as UTF-8"
            )
            yield Entry(Format.CSV, Rejected(where, reason, error=EncodingError))
            return
        except csv.Error as exc:
            line = reader.line_num
            yield Entry(Format.CSV, Rejected(where, f"malformed CSV row: {exc}", error=RecordError))
            continue
        if row is None:
            return
        line = reader.line_num
        if not any(field.strip() for field in row):
            continue  # a blank line, like a blank JSONL line
        item, warnings = _row_document(row, header, columns, where, path.name, start, options)
        yield Entry(Format.CSV, item, warnings, position=raw.tell(), note=note)
        note = ""


def _column_positions(header: list[str], options: ReadOptions) -> dict[str, int] | Rejected:
    """Where each field is read from: the mapped columns, then the recognised names."""
    names = [name.strip() for name in header]
    mapped = dict(options.csv.columns)
    positions: dict[str, int] = {}
    for field, column in mapped.items():
        if column not in names:
            return Rejected(
                "",
                f"the header has no column {column!r} (mapped to {field!r}); the columns are "
                + ", ".join(repr(n) for n in names),
            )
        positions[field] = names.index(column)
    folded = [_folded(name) for name in names]
    for field in CSV_FIELDS:
        if field in positions:
            continue
        for alias in COLUMN_NAMES[field]:
            key = _folded(alias)
            free = [i for i, f in enumerate(folded) if f == key and i not in positions.values()]
            if free:
                positions[field] = free[0]
                break
    if "text" not in positions:
        return Rejected(
            "",
            advised(
                "the header has no 'text' column, nor one of its common names ("
                + ", ".join(COLUMN_NAMES["text"][1:6])
                + "...; the columns are "
                + ", ".join(repr(n) for n in names)
                + ")",
                options,
                HINT_TEXT_COLUMN,
            ),
        )
    return positions


def _folded(name: str) -> str:
    """A column name compared without case, spaces, ``_``, ``-``, ``.`` or ``:``."""
    return "".join(c for c in name.casefold() if c not in " _-.:")


def mapping_note(header: list[str], columns: dict[str, int]) -> str:
    """Which column each field is read from, and the columns not read, in one line."""
    used = ", ".join(
        f"{field}={header[columns[field]].strip()!r}" for field in CSV_FIELDS if field in columns
    )
    unused = [repr(n.strip()) for i, n in enumerate(header) if i not in columns.values()]
    note = f"columns read: {used}"
    if "id" not in columns:
        note += "; no id column, so each row's id is FILE:LINE"
    if unused:
        shown = ", ".join(unused[:8]) + (f" and {len(unused) - 8} more" if len(unused) > 8 else "")
        note += f"; not read: {shown}"
    return note


def _row_document(
    row: list[str],
    header: list[str],
    columns: dict[str, int],
    where: str,
    name: str,
    line: int,
    options: ReadOptions,
) -> tuple[Document | Rejected, tuple[str, ...]]:
    if len(row) != len(header):
        fewer = "missing columns" if len(row) < len(header) else "extra columns"
        reason = (
            f"{fewer}: the row has {len(row)} fields and the header {len(header)}; check the "
            "quoting of the export"
        )
        return Rejected(where, reason, error=RecordError), ()
    values = {field: row[index] for field, index in columns.items()}
    text = values["text"]
    if not text.strip():
        return Rejected(where, "empty text in the 'text' column", error=RecordError), ()
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > options.max_bytes:
        reason = size_reason(f"{size:,} bytes of UTF-8", options)
        return Rejected(where, reason, error=SizeLimitError), ()
    doc_id = clean(values.get("id")) if "id" in columns else f"{name}:{line}"
    if doc_id is None:
        return Rejected(where, "empty id in the 'id' column", error=RecordError), ()
    warnings: list[str] = []
    published = clean(values.get("published_at"))
    if published is not None:
        iso = parse_date(published)
        if iso is None:
            warnings.append(
                f"published_at {published!r} is not an ISO 8601 or RFC 2822 date; the row is "
                "kept without a date"
            )
        published = iso
    return Document(
        id=doc_id,
        text=text,
        title=clean(values.get("title")),
        url=clean(values.get("url")),
        source=clean(values.get("source")),
        published_at=published,
        language=clean(values.get("language")),
        author=clean(values.get("author")),
    ), tuple(warnings)


def parse_date(value: str) -> str | None:
    """``value`` as ISO 8601 if it is ISO 8601 (kept as written) or RFC 2822, else ``None``."""
    text = value.strip()
    if is_iso8601(text):
        return text
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC)
    return parsed.isoformat()


__all__ = ["COLUMN_NAMES", "iter_csv", "mapping_note", "parse_date"]
