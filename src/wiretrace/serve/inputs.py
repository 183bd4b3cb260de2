"""Turn HTTP request bodies into documents, or into precise client errors.

Pure functions over bytes and strings: no FastAPI here, so every rule is testable alone. Each
problem raises :class:`ApiError` with the HTTP status, a stable ``code`` and a message that
says what is wrong and what to send instead.

Record validation (types, empty text, ISO 8601 dates, size) is the one the ``wiretrace index``
readers use, so the API and the CLI accept and reject the same records with the same words.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from wiretrace.errors import Problem
from wiretrace.index.base import AddReport
from wiretrace.ingest.base import HINT_MAX_BYTES, Format, ReadOptions
from wiretrace.ingest.html import page_to_document
from wiretrace.ingest.jsonl import Line, load_line
from wiretrace.ingest.office import office_to_document
from wiretrace.ingest.records import json_type, record_to_document
from wiretrace.ingest.textfiles import text_from_bytes
from wiretrace.model import Document

__all__ = [
    "DEFAULT_QUERY_ID",
    "MAX_EXCLUDE",
    "MAX_ID_LENGTH",
    "TRACE_FIELDS",
    "ApiError",
    "DocumentBatch",
    "TraceRequest",
    "media_type",
    "parse_documents",
    "parse_trace_json",
    "trace_upload",
    "validate_doc_id",
]

DEFAULT_QUERY_ID = "query"
MAX_ID_LENGTH = 1024
# Documents one trace request may exclude: enough for a reader who sets aside sources one by
# one, few enough that the list costs nothing to check.
MAX_EXCLUDE = 100
TRACE_FIELDS = ("text", "title", "url", "source", "published_at", "id", "exclude")
TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
OFFICE_SUFFIXES = {".pdf": Format.PDF, ".docx": Format.DOCX}
JSON_TYPES = ("application/json",)
JSONL_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-lines")
MULTIPART = "multipart/form-data"


class ApiError(Exception):
    """A client error: HTTP ``status``, a stable ``code`` and a human ``message`` (and any
    response ``headers``, such as ``Retry-After``)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {
            "error": {"status": self.status, "code": self.code, "message": self.message}
            | self.extra
        }


def media_type(content_type: str | None) -> str:
    """The media type of a Content-Type header, lower-cased, without parameters."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def _load_json(body: bytes) -> object:
    if not body.strip():
        raise ApiError(422, "empty_body", "the request body is empty; send a JSON object")
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ApiError(
            422, "invalid_encoding", f"the body is not UTF-8: bad byte at offset {exc.start}"
        ) from exc
    except json.JSONDecodeError as exc:
        raise ApiError(
            422,
            "invalid_json",
            f"the body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise ApiError(422, "invalid_json", f"the body is not valid JSON: {exc}") from exc


# The API's own advice for input problems (the command line names its options instead).
API_HINTS = {HINT_MAX_BYTES: "send a shorter text"}


def read_options(max_bytes: int) -> ReadOptions:
    """How the API reads what it is sent: the readers' rules, with the API's advice."""
    return ReadOptions(max_bytes=max_bytes, hints=API_HINTS)


def _to_document(record: dict[str, Any], max_bytes: int) -> Document:
    result = record_to_document(record, read_options(max_bytes))
    if isinstance(result, Document):
        return result
    code = "empty_text" if result.code == "empty_text" else "invalid_field"
    raise ApiError(422, code, result.reason)


@dataclass(frozen=True, slots=True)
class TraceRequest:
    """What a ``POST /v1/trace`` asks for: the article, and the ids of documents that must
    not be its sources (``exclude``)."""

    document: Document
    exclude: tuple[str, ...] = ()


def parse_exclude(value: object) -> tuple[str, ...]:
    """The ``exclude`` of a trace request: a list of document ids (at most
    :data:`MAX_EXCLUDE`), each a valid id; duplicates are dropped, order kept."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiError(
            422,
            "invalid_field",
            f"'exclude' must be a list of document ids (strings), got {json_type(value)}",
        )
    if len(value) > MAX_EXCLUDE:
        raise ApiError(
            422,
            "invalid_field",
            f"'exclude' lists {len(value):,} documents; at most {MAX_EXCLUDE} may be excluded",
        )
    for doc_id in value:
        try:
            validate_doc_id(doc_id)
        except ApiError as exc:
            raise ApiError(422, "invalid_field", f"'exclude': {exc.message}") from None
    return tuple(dict.fromkeys(value))


def parse_trace_json(body: bytes, max_bytes: int) -> TraceRequest:
    """The article of a ``POST /v1/trace`` JSON body ``{text, title?, url?, ...}``, and the
    documents it excludes (``exclude: [id, ...]``)."""
    value = _load_json(body)
    if not isinstance(value, dict):
        raise ApiError(
            422,
            "invalid_body",
            f"expected a JSON object with a 'text' field, got {json_type(value)}",
        )
    unknown = sorted(set(value) - set(TRACE_FIELDS))
    if unknown:
        raise ApiError(
            422,
            "unknown_field",
            f"unknown field {unknown[0]!r}; the fields are {', '.join(TRACE_FIELDS)}",
        )
    if "text" not in value or value["text"] is None:
        raise ApiError(422, "missing_text", "missing 'text': send the article text to trace")
    exclude = parse_exclude(value.pop("exclude", None))
    record = {**value, "id": value.get("id") or DEFAULT_QUERY_ID}
    return TraceRequest(_to_document(record, max_bytes), exclude)


def _decode_text_file(name: str, data: bytes, max_bytes: int) -> str:
    """A ``.txt`` upload's text, decoded by the rules ``wiretrace trace`` reads a file by."""
    text = text_from_bytes(data, len(data), read_options(max_bytes))
    if isinstance(text, str):
        return text
    if text.code == "empty_text":
        raise ApiError(
            422, "empty_text", f"{name}: the file holds no text (empty or only whitespace)"
        )
    code = "invalid_encoding" if text.code == "encoding" else "invalid_field"
    raise ApiError(422, code, f"{name}: {text.reason}")


def _html_text(name: str, data: bytes, max_bytes: int) -> tuple[str, str | None]:
    """The main text and the title of an HTML page, read as ``wiretrace trace`` reads one."""
    page = page_to_document(data, name or DEFAULT_QUERY_ID, read_options(max_bytes))
    if isinstance(page, Problem):
        raise ApiError(422, "unreadable_page", f"{name}: {page.reason}")
    return page.document.text, page.document.title


def _office_document(name: str, data: bytes, fmt: Format, max_bytes: int) -> Document:
    """The text and metadata of a PDF or Word upload, read as ``wiretrace trace`` reads one."""
    found = office_to_document(fmt, data, name or DEFAULT_QUERY_ID, read_options(max_bytes))
    if isinstance(found, Problem):
        if found.code == "empty_text":
            raise ApiError(422, "empty_text", f"{name}: {found.reason}")
        raise ApiError(422, "unreadable_document", f"{name}: {found.reason}")
    return found.document


def trace_upload(
    filename: str | None,
    data: bytes,
    fields: dict[str, str],
    max_bytes: int,
    exclude: list[str] | None = None,
) -> TraceRequest:
    """The article of an uploaded ``.txt``, ``.html``, ``.pdf`` or ``.docx`` file, with
    optional form fields (which replace the file's own title, date and so on), and the ids of
    the documents it excludes (``exclude``, one form field per id)."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    suffix = PurePosixPath(name.lower()).suffix
    carried: dict[str, str | None] = {}
    if suffix in TEXT_SUFFIXES:
        text = _decode_text_file(name, data, max_bytes)
    elif suffix in HTML_SUFFIXES:
        text, carried["title"] = _html_text(name, data, max_bytes)
    elif suffix in OFFICE_SUFFIXES:
        found = _office_document(name, data, OFFICE_SUFFIXES[suffix], max_bytes)
        text = found.text
        carried = {"title": found.title, "published_at": found.published_at}
    else:
        shown = repr(suffix) if suffix else "(no extension)"
        raise ApiError(
            415,
            "unsupported_file_type",
            f"unsupported file type {shown} for {name or 'the upload'!r}: upload a .txt, "
            ".html, .pdf or .docx file",
        )
    if "text" in fields:
        raise ApiError(
            422,
            "ambiguous_input",
            "the multipart body has both a file and a 'text' field; send one or the other",
        )
    unknown = sorted(set(fields) - set(TRACE_FIELDS))
    if unknown:
        raise ApiError(
            422,
            "unknown_field",
            f"unknown form field {unknown[0]!r}; the fields are file, title, url, source, "
            "published_at, id, exclude (repeated, one id each)",
        )
    excluded = parse_exclude(exclude or [])
    fields = {k: v for k, v in fields.items() if k != "exclude"}
    record: dict[str, Any] = {**carried, **{k: v for k, v in fields.items() if v}}
    record["id"] = fields.get("id") or name or DEFAULT_QUERY_ID
    record["text"] = text
    try:
        return TraceRequest(_to_document(record, max_bytes), excluded)
    except ApiError as exc:
        if exc.code == "empty_text":
            raise ApiError(
                422, "empty_text", f"{name}: the file holds no text (empty or only whitespace)"
            ) from None
        raise


@dataclass(frozen=True, slots=True)
class DocumentBatch:
    """Documents to add, and the records rejected (``location``, ``id``, ``reason``).

    In the response, ``updated`` counts stored documents given a new text and ``metadata``
    those given new metadata only; fields a re-sent document leaves out keep their values.
    """

    documents: list[Document]
    rejects: list[dict[str, str | None]]

    def response(self, report: AddReport, total: int) -> dict[str, Any]:
        return {
            "added": report.added,
            "updated": report.updated,
            "metadata": report.metadata,
            "unchanged": report.unchanged,
            "rejected": len(self.rejects),
            "rejects": self.rejects,
            "documents": total,
        }


def _record_id(value: object) -> str | None:
    if isinstance(value, dict):
        raw = value.get("id")
        if isinstance(raw, str | int) and not isinstance(raw, bool):
            return str(raw)
    return None


def parse_documents(body: bytes, content_type: str, max_bytes: int) -> DocumentBatch:
    """Documents of a ``POST /v1/documents`` body: a JSON array, or JSONL (one a line)."""
    records: list[tuple[str, object]] = []
    rejects: list[dict[str, str | None]] = []
    if content_type in JSON_TYPES:
        value = _load_json(body)
        if not isinstance(value, list):
            raise ApiError(
                422,
                "invalid_body",
                f"expected a JSON array of documents, got {json_type(value)}; send "
                '[{"id": ..., "text": ...}, ...] or JSONL as application/x-ndjson',
            )
        records = [(f"item {i}", item) for i, item in enumerate(value)]
    else:
        if not body.strip():
            raise ApiError(422, "empty_body", "the request body is empty; send JSONL records")
        for lineno, raw in enumerate(body.split(b"\n"), 1):
            if not raw.strip():
                continue
            loaded = load_line(raw, 0, "")
            if isinstance(loaded, Line):
                records.append((f"line {lineno}", loaded.value))
            else:
                rejects.append(
                    {"location": f"line {lineno}", "id": None, "reason": loaded[0].reason}
                )
    documents: list[Document] = []
    for location, value in records:
        if not isinstance(value, dict):
            rejects.append(
                {
                    "location": location,
                    "id": None,
                    "reason": f"expected a JSON object, got {json_type(value)}",
                }
            )
            continue
        try:
            documents.append(_to_document(value, max_bytes))
        except ApiError as exc:
            rejects.append({"location": location, "id": _record_id(value), "reason": exc.message})
    rejects.sort(key=lambda r: _location_key(r["location"] or ""))
    return DocumentBatch(documents, rejects)


def _location_key(location: str) -> int:
    tail = location.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def validate_doc_id(doc_id: str) -> str:
    """A document id from a URL path, or a 422 when it cannot be an id."""
    if not doc_id.strip():
        raise ApiError(422, "invalid_id", "the document id is empty or only white space")
    if len(doc_id) > MAX_ID_LENGTH:
        raise ApiError(
            422,
            "invalid_id",
            f"the document id is {len(doc_id):,} characters long; ids are at most "
            f"{MAX_ID_LENGTH:,}",
        )
    bad = next((c for c in doc_id if unicodedata.category(c) in ("Cc", "Cs")), None)
    if bad is not None:
        raise ApiError(
            422,
            "invalid_id",
            f"the document id holds the control character U+{ord(bad):04X}; ids are printable",
        )
    return doc_id
