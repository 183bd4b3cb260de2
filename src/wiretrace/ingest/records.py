"""One decoded JSON record as a document, or the :class:`~wiretrace.errors.Problem` with it.

Pure: no files here. The JSONL reader and the HTTP API both use :func:`record_to_document`, so
both accept and reject the same records with the same words. The messages of the helpers below
are the ones every reader uses for the same fault.
"""

from __future__ import annotations

from wiretrace.dates import is_iso8601
from wiretrace.errors import Problem
from wiretrace.ids import id_problem
from wiretrace.ingest.base import ReadOptions, is_utf8, size_problem
from wiretrace.model import Document

OPTIONAL_FIELDS = ("title", "url", "source", "published_at", "language")


def record_to_document(record: dict[str, object], options: ReadOptions) -> Document | Problem:
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
        return Problem("record", f"missing {names}{note}")
    raw_id, text = record["id"], record["text"]
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        doc_id = str(raw_id)
    elif isinstance(raw_id, str):
        doc_id = raw_id
    else:
        return Problem(
            "record",
            f"'id' must be a string or an integer, got {json_type(raw_id)}",
        )
    if not doc_id.strip():
        return Problem("record", "'id' is empty")
    if not isinstance(text, str):
        return Problem("record", f"'text' must be a string, got {json_type(text)}")
    if not text.strip():
        return Problem("empty_text", "empty text: 'text' is empty or holds only whitespace")
    fields: dict[str, str | None] = {}
    for name in OPTIONAL_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            return Problem(
                "record",
                f"'{name}' must be a string or null, got {json_type(value)}",
            )
        fields[name] = value or None
    for name, value in (("id", doc_id), *fields.items()):
        if value is not None and not is_utf8(value):
            return Problem("encoding", surrogate_reason(name))
    bad_id = id_problem(doc_id)
    if bad_id is not None:
        return Problem("record", bad_id)
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        return Problem("encoding", surrogate_reason("text"))
    if size > options.max_bytes:
        return size_problem(f"{size:,} bytes of UTF-8", options)
    published_at = fields["published_at"]
    if published_at is not None and not is_iso8601(published_at):
        return Problem(
            "record",
            f"'published_at' is not an ISO 8601 date or date-time: {published_at!r} "
            "(expected e.g. '2019-04-23' or '2019-04-23T08:15:00Z')",
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


def json_type(value: object) -> str:
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


def utf8_reason(data: bytes, exc: UnicodeDecodeError, base: int, context: str) -> str:
    """``context`` follows the offset: `` (line 3)`` or `` of the file``."""
    return (
        f"not valid UTF-8: byte 0x{data[exc.start]:02x} at byte offset {base + exc.start}"
        f"{context}; re-save the file as UTF-8"
    )


def surrogate_reason(name: str) -> str:
    return (
        f"'{name}' holds an unpaired surrogate (a lone \\ud800-\\udfff escape), which is not "
        "valid Unicode; fix the export"
    )
