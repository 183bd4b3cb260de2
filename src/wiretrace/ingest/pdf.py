"""The text and metadata of a PDF file, with pypdf.

Press releases and statements often arrive as PDF. :func:`pdf_to_document` turns the bytes of
one into a document: its text is pypdf's text of each page in reading order, one visual line a
line, with runs of spaces (justified type) folded to one; pages are separated by a blank line.
Offsets in a trace refer to this text, as they refer to the main text of an HTML page.
Running headers and footers (page numbers) stay in the text: pypdf cannot tell them apart.

Why pypdf: on the same news text typeset three ways (fpdf2 justified, fpdf2 in two columns,
reportlab paragraphs, with curly quotes, dashes and accents), pypdf's plain extraction gave
every word in order on all three (word error 0.000), where pdfminer.six put words of one
column's line into the next on the two-column page (word error 0.011) and took 2-4 times as
long; pypdf's "layout" mode mixed the columns (0.73). pypdf is pure Python and needs nothing
else; its ``crypto`` extra (cryptography) opens AES-encrypted files that have no password.
From 6.0 it bounds what a compressed stream may expand to, which protects against
decompression bombs.

Metadata comes from the document information dictionary: ``/Title``, ``/Author`` and
``/CreationDate`` (the moment the file was made, kept as ``published_at``: a press office
makes the PDF when it releases the text), and the catalogue's ``/Lang``.

Problems, each a :class:`~wiretrace.errors.Problem` rather than an exception:

- a file over :attr:`ReadOptions.max_bytes`, or text over it once extracted;
- an encrypted file that needs a password (one encrypted without a user password, which any
  viewer opens, is read);
- a damaged or truncated file, or one that is not a PDF at all;
- no text layer: the pages are images (a scan). wiretrace does not run OCR.

A page whose text cannot be extracted while others can is left out with a warning.
"""

from __future__ import annotations

import io
import logging
import re
from datetime import datetime
from typing import Any

from wiretrace.dates import is_iso8601
from wiretrace.errors import Problem
from wiretrace.ingest.base import Page, ReadOptions, clean, size_problem
from wiretrace.model import Document

log = logging.getLogger(__name__)

MAGIC = b"%PDF-"
_SPACES = re.compile(r"[ \t\u00a0]{2,}")


def pdf_to_document(data: bytes, doc_id: str, options: ReadOptions) -> Page | Problem:
    """The document in the PDF ``data``, with id ``doc_id`` (pure: bytes in, a value out)."""
    if len(data) > options.max_bytes:
        return size_problem(f"{len(data):,} bytes", options, "PDF file")
    if not data.strip():
        return Problem("empty_text", "empty file: a PDF of 0 bytes")
    from pypdf import PdfReader  # imported on use: only PDF inputs need it
    from pypdf.errors import FileNotDecryptedError, PyPdfError

    # pypdf raises its own errors for most damage, but a hostile or broken file can also
    # surface as ValueError, KeyError, TypeError, AttributeError or RecursionError from deep
    # in its parser. Any of them means the same to the user, "this PDF cannot be read", so
    # they are all caught here, and only around pypdf's calls.
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = list(reader.pages)
    except FileNotDecryptedError:
        return _encrypted()
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        return _damaged(exc)
    texts: list[str] = []
    warnings: list[str] = []
    failed: list[int] = []
    for number, page in enumerate(pages, 1):
        try:
            raw = page.extract_text()
        except FileNotDecryptedError:
            return _encrypted()
        except Exception as exc:  # same reason as above: any parser error is a damaged page
            log.debug("page %d: %s", number, exc)
            failed.append(number)
            continue
        text = _clean_page(raw)
        if text:
            texts.append(text)
    if failed and len(failed) == len(pages):
        return Problem("record", f"damaged PDF: no page's text could be read (pages: {len(pages)})")
    if failed:
        warnings.append(
            f"the text of page(s) {_numbers(failed)} could not be read; they are left out"
        )
    if not texts:
        return Problem(
            "record",
            f"no text layer: the PDF's {len(pages)} page(s) hold no text, only images (a "
            "scanned document?); wiretrace does not run OCR, so give it a PDF with text, or "
            "the text itself",
        )
    text = "\n\n".join(texts)
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > options.max_bytes:
        return size_problem(f"{size:,} bytes of UTF-8", options)
    meta = _metadata(reader, warnings)
    document = Document(
        id=doc_id,
        text=text,
        title=meta.get("title"),
        published_at=meta.get("published_at"),
        language=meta.get("language"),
        author=meta.get("author"),
    )
    return Page(document, tuple(warnings))


def _clean_page(raw: str) -> str:
    """A page's text: runs of spaces folded, lines stripped, blank lines dropped."""
    lines = (_SPACES.sub(" ", line).strip() for line in raw.splitlines())
    return "\n".join(line for line in lines if line)


def _metadata(reader: Any, warnings: list[str]) -> dict[str, str | None]:
    try:
        info = reader.metadata
    except Exception as exc:  # a damaged information dictionary: the text is still good
        warnings.append(f"the PDF's metadata cannot be read ({exc}); it is not kept")
        return {}
    out: dict[str, str | None] = {"language": _language(reader)}
    if info is None:
        return out
    out["title"] = clean(info.title)
    out["author"] = clean(info.author)
    try:
        created: datetime | None = info.creation_date
    except (ValueError, TypeError):
        created = None
        raw = clean(info.get("/CreationDate"))
        warnings.append(f"the PDF's creation date {raw!r} cannot be parsed; it is not kept")
    if created is not None:
        stamp = created.isoformat()
        out["published_at"] = stamp if is_iso8601(stamp) else None
    return out


def _language(reader: Any) -> str | None:
    try:
        lang = reader.trailer["/Root"].get("/Lang")
    except Exception:  # no catalogue language is common; a damaged one is not worth a warning
        return None
    return clean(lang) if isinstance(lang, str) else None


def _numbers(pages: list[int]) -> str:
    shown = ", ".join(map(str, pages[:10]))
    return shown + (f" and {len(pages) - 10} more" if len(pages) > 10 else "")


def _encrypted() -> Problem:
    return Problem(
        "record",
        "encrypted PDF: it needs a password to open; save a copy without a password and read that",
    )


def _damaged(exc: BaseException) -> Problem:
    detail = str(exc).strip() or type(exc).__name__
    return Problem(
        "record",
        f"damaged PDF: cannot be read ({detail}); the file may be truncated, or not a PDF",
    )
