"""Choose a reader for a file: by its extension, else by its first bytes.

A known extension decides (``.html``, ``.warc.gz``, ``.rss``, ``.csv``...); the reader then
rejects content that does not match it, with a reason. A file with another extension, or
``.xml`` and ``.gz``, is sniffed: gzip holding WARC or JSON lines, ``WARC/`` headers, an HTML
document, an RSS/Atom/RDF root element, a JSON object, ``%PDF-``, a ZIP package holding
``word/document.xml`` (Word). Anything else is reported as an
unsupported file type (plain text is read only from ``.txt`` files, so that notes, code and
other files in a folder are not indexed by accident).
"""

from __future__ import annotations

import re
import zlib

from wiretrace.errors import Problem
from wiretrace.ingest.base import Format
from wiretrace.ingest.encoding import nul_problem
from wiretrace.ingest.pdf import MAGIC as PDF_MAGIC
from wiretrace.ingest.word import OLE_MAGIC, ZIP_MAGIC

SNIFF_BYTES = 8192

EXTENSIONS: dict[str, Format] = {
    ".jsonl": Format.JSONL,
    ".jsonl.gz": Format.JSONL,
    ".txt": Format.TXT,
    ".html": Format.HTML,
    ".htm": Format.HTML,
    ".xhtml": Format.HTML,
    ".warc": Format.WARC,
    ".warc.gz": Format.WARC,
    ".arc": Format.WARC,
    ".arc.gz": Format.WARC,
    ".rss": Format.FEED,
    ".atom": Format.FEED,
    ".csv": Format.CSV,
    ".tsv": Format.CSV,
    ".pdf": Format.PDF,
    ".docx": Format.DOCX,
}
SUPPORTED = (
    "wiretrace reads .jsonl, .jsonl.gz, .txt, .html/.htm, .warc/.warc.gz, .rss/.atom/.xml "
    "feeds, .csv/.tsv, .pdf and .docx files"
)

_GZIP = b"\x1f\x8b"
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_HTML_START = re.compile(rb"^(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]",
                         re.IGNORECASE | re.DOTALL)  # fmt: skip


def by_extension(name: str) -> Format | None:
    """The format a file name's extension names (case-insensitive), if any."""
    lower = name.lower()
    for suffix, fmt in sorted(EXTENSIONS.items(), key=lambda kv: -len(kv[0])):
        if lower.endswith(suffix):
            return fmt
    return None


def sniff(head: bytes) -> Format | Problem:
    """The format of a file from its first bytes (pure), or why it cannot be read."""
    if head.startswith(_GZIP):
        inner = _gunzip_head(head)
        if inner.startswith(b"WARC/"):
            return Format.WARC
        if inner.lstrip().startswith(b"{"):
            return Format.JSONL
        return Problem("record", "a gzip file that holds neither WARC records nor JSON lines")
    if head.startswith(b"WARC/"):
        return Format.WARC
    if head.startswith(PDF_MAGIC):
        return Format.PDF
    if head.startswith(ZIP_MAGIC) and (b"[Content_Types].xml" in head or b"word/" in head):
        # An Office package: the local headers name its parts (the Word reader checks it).
        return Format.DOCX
    container = container_problem(head)
    if container is not None:
        return container
    binary = nul_problem(head)
    if binary is not None:
        return Problem("encoding", binary.reason)
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<?xml"):
        if _FEED_ROOT.search(text):
            return Format.FEED
        if re.search(rb"<html[\s>]", text, re.IGNORECASE):
            return Format.HTML
        return Problem("record", "an XML file that is not an RSS, Atom or RDF feed")
    if _HTML_START.match(text):
        return Format.HTML
    if _FEED_ROOT.match(text):
        return Format.FEED
    if text.startswith(b"{"):
        return Format.JSONL
    return Problem("record", "content is not HTML, XML, WARC or JSON lines")


def container_problem(head: bytes) -> Problem | None:
    """Why a file that starts with ``head`` is a container wiretrace does not read: a ZIP
    file that is not a Word package, or an old Word 97-2003 (OLE) file; else ``None``."""
    if head.startswith(ZIP_MAGIC):
        return Problem("record", "a ZIP file that is not a Word document")
    if head.startswith(OLE_MAGIC):
        return Problem(
            "record", "an old Word 97-2003 .doc (or another OLE file); save it as .docx or PDF"
        )
    return None


def _gunzip_head(head: bytes) -> bytes:
    try:
        return zlib.decompressobj(wbits=31).decompress(head, 64)
    except zlib.error:
        return b""
