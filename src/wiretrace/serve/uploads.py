"""Documents from an uploaded file, read by the same readers as ``wiretrace index``.

``POST /v1/documents`` takes a JSON array or JSONL in its body, or one file in a multipart
upload: JSONL, CSV, HTML, WARC, an RSS/Atom feed, PDF or Word. The file is written to a
temporary folder under its own (cleaned) name, so that the readers choose the format by its
extension or first bytes and name its documents as ``wiretrace index`` would (a page's id is its
file name); the folder is removed before the answer is sent. Rejections name the place in the
file (``news.jsonl:3``), never the temporary folder.
"""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path, PurePosixPath

from wiretrace.ingest.readers import Rejected, iter_records
from wiretrace.model import Document
from wiretrace.serve.inputs import DocumentBatch, read_options

__all__ = ["UPLOAD_SUFFIXES", "read_upload", "upload_name"]

# What the page offers to upload (the readers also tell other files by their first bytes).
UPLOAD_SUFFIXES = (
    ".jsonl", ".jsonl.gz", ".csv", ".tsv", ".html", ".htm", ".warc", ".warc.gz", ".rss",
    ".atom", ".xml", ".pdf", ".docx", ".txt",
)  # fmt: skip
_FALLBACK = "upload"
_MAX_NAME_BYTES = 200


def upload_name(filename: str | None) -> str:
    """A safe file name for an upload: its last path part, or ``upload`` when that is empty,
    hidden, too long for a file system, or holds a control character."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    bad = any(unicodedata.category(c) in ("Cc", "Cs") for c in name)
    if not name or name.startswith(".") or bad or len(name.encode("utf-8")) > _MAX_NAME_BYTES:
        return _FALLBACK
    return name


def read_upload(filename: str | None, data: bytes, max_bytes: int) -> DocumentBatch:
    """The documents of an uploaded file, and its rejected records with their reasons."""
    name = upload_name(filename)
    documents: list[Document] = []
    rejects: list[dict[str, str | None]] = []
    with tempfile.TemporaryDirectory(prefix="wiretrace-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        prefix = f"{folder}/"
        for record in iter_records([path], read_options(max_bytes)):
            if isinstance(record, Rejected):
                location = record.location.replace(prefix, "")
                rejects.append({"location": location, "id": None, "reason": record.reason})
            else:
                documents.append(record)
    return DocumentBatch(documents, rejects)
