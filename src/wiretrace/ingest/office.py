"""PDF and Word files: the documents press offices send, one document a file.

:func:`office_to_document` picks the extractor of a format (:mod:`~wiretrace.ingest.pdf`,
:mod:`~wiretrace.ingest.word`); :class:`FileJob` is a file read but not extracted yet, which
:func:`~wiretrace.ingest.readers.iter_entries` extracts in worker processes when asked, like
an HTML page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from wiretrace.errors import Problem
from wiretrace.ingest.base import Entry, Format, Page, ReadOptions, Rejected
from wiretrace.ingest.pdf import pdf_to_document
from wiretrace.ingest.word import docx_to_document

OFFICE_FORMATS = (Format.PDF, Format.DOCX)
# What a file of each format is called in messages.
FILE_KINDS = {Format.PDF: "PDF file", Format.DOCX: "Word file"}
_EXTRACTORS: dict[Format, Callable[[bytes, str, ReadOptions], Page | Problem]] = {
    Format.PDF: pdf_to_document,
    Format.DOCX: docx_to_document,
}


def office_to_document(
    fmt: Format, data: bytes, doc_id: str, options: ReadOptions
) -> Page | Problem:
    """The document in ``data``, a file of ``fmt`` (one of :data:`OFFICE_FORMATS`)."""
    return _EXTRACTORS[fmt](data, doc_id, options)


@dataclass(frozen=True, slots=True)
class FileJob:
    """A PDF or Word file read whole and not extracted yet; ``where`` names it."""

    format: Format
    data: bytes = field(repr=False)
    doc_id: str
    where: str
    position: int = 0
    file: str = ""

    def finish(self, options: ReadOptions) -> Entry:
        """Extract the file: its entry, with the document or the reason it is rejected."""
        result = office_to_document(self.format, self.data, self.doc_id, options)
        if isinstance(result, Problem):
            rejected = Rejected(self.where, result.reason, error=result.error)
            return Entry(self.format, rejected, (), self.position, self.file)
        return Entry(self.format, result.document, result.warnings, self.position, self.file)
