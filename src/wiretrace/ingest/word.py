"""The text and metadata of a Word (``.docx``) file, with python-docx.

:func:`docx_to_document` reads the body in document order: each paragraph is a line (a line
break inside one stays a line break), and each table row is a line of its cells' text joined
by tabs (a merged cell once). Empty paragraphs are dropped. Headers, footers, footnotes,
comments and text boxes are left out: python-docx does not read them, and they are rarely the
article. Offsets in a trace refer to this text.

python-docx is the well-kept reader of the format (pure Python over lxml, which trafilatura
already brings). Metadata comes from the core properties: ``title``, ``author``, ``language``
and ``created`` (kept as ``published_at``: when the file was made).

Problems, each a :class:`~wiretrace.errors.Problem`:

- a file over :attr:`ReadOptions.max_bytes`, a package that unpacks to more than
  :data:`UNPACKED_FACTOR` times that or :data:`UNPACKED_FLOOR` (python-docx loads every part
  into memory: this refuses a zip bomb), and a text over the limit;
- not a ZIP package at all (an old Word 97-2003 ``.doc`` is named as such);
- a ZIP package that is not a Word document (no ``word/document.xml``: a zip of photos, a
  spreadsheet, a presentation);
- a damaged Word document (bad XML, a missing part), and one with no text.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any

from wiretrace.dates import is_iso8601
from wiretrace.errors import Problem
from wiretrace.ingest.base import HINT_MAX_BYTES, Page, ReadOptions, clean, size_problem
from wiretrace.model import Document

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAIN_PART = "word/document.xml"
# How much the unpacked parts may hold: 8 times max_bytes (the XML around a text is several
# times its size, and pictures are stored as they are), and at least 16 MiB (an empty
# document's styles, theme and thumbnail unpack to nearly 1 MB).
UNPACKED_FACTOR = 8
UNPACKED_FLOOR = 16 * 1024 * 1024


def docx_to_document(data: bytes, doc_id: str, options: ReadOptions) -> Page | Problem:
    """The document in the ``.docx`` ``data``, with id ``doc_id`` (pure)."""
    if len(data) > options.max_bytes:
        return size_problem(f"{len(data):,} bytes", options, "Word file")
    problem = _check_package(data, options)
    if problem is not None:
        return problem
    import docx  # imported on use: only Word inputs need it
    from docx.opc.exceptions import OpcError

    # Past the package check, python-docx reports damage as its own errors, KeyError (a part
    # that is named but missing), ValueError (a part of the wrong type) or lxml's
    # XMLSyntaxError (a ValueError); all mean a damaged document.
    try:
        document = docx.Document(io.BytesIO(data))
        text = _body_text(document)
    except (OpcError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        return Problem("record", f"damaged Word document: {_detail(exc)}")
    if not text.strip():
        return Problem("empty_text", "empty text: the Word document holds no text")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > options.max_bytes:
        return size_problem(f"{size:,} bytes of UTF-8", options)
    warnings: list[str] = []
    props = document.core_properties
    return Page(
        Document(
            id=doc_id,
            text=text,
            title=clean(props.title),
            published_at=_created(props, warnings),
            language=clean(props.language),
            author=clean(props.author),
        ),
        tuple(warnings),
    )


def _check_package(data: bytes, options: ReadOptions) -> Problem | None:
    """Why ``data`` is not a Word package python-docx can safely open, or ``None``."""
    if data.startswith(OLE_MAGIC):
        return Problem(
            "record",
            "not a .docx file: an old Word 97-2003 .doc (or another OLE file); save it as "
            ".docx or PDF",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        what = "empty file" if not data else "not a ZIP package"
        return Problem(
            "record",
            f"not a Word document: {what} ({_detail(exc)}); a .docx file is a ZIP package",
        )
    names = [info.filename for info in infos]
    if MAIN_PART not in names:
        shown = ", ".join(repr(name) for name in names[:5]) or "nothing"
        more = f" and {len(names) - 5} more" if len(names) > 5 else ""
        return Problem(
            "record",
            f"not a Word document: a ZIP file without {MAIN_PART} (it holds {shown}{more})",
        )
    unpacked = sum(info.file_size for info in infos)
    bound = max(UNPACKED_FACTOR * options.max_bytes, UNPACKED_FLOOR)
    if unpacked > bound:
        return Problem(
            "size_limit",
            f"Word package is too large: {unpacked:,} bytes unpacked, over {bound:,} bytes "
            f"({UNPACKED_FACTOR} times the limit of {options.max_bytes:,}, at least "
            f"{UNPACKED_FLOOR:,})",
            hint=options.hint(HINT_MAX_BYTES),
        )
    return None


def _body_text(document: Any) -> str:
    from docx.table import Table

    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[Any] = []
                for cell in row.cells:  # a merged cell comes once for each grid column
                    if not cells or cell._tc is not cells[-1]._tc:
                        cells.append(cell)
                line = "\t".join(cell.text.strip() for cell in cells).strip()
                if line:
                    lines.append(line)
        else:
            line = block.text.strip()
            if line:
                lines.append(line)
    return "\n".join(lines)


def _created(props: Any, warnings: list[str]) -> str | None:
    try:
        created: datetime | None = props.created
    except ValueError:  # a date python-docx cannot parse
        warnings.append("the Word document's creation date cannot be parsed; it is not kept")
        return None
    if created is None:
        return None
    stamp = created.isoformat()
    return stamp if is_iso8601(stamp) else None


def _detail(exc: BaseException) -> str:
    return str(exc).strip().strip('"') or type(exc).__name__
