"""Readers that turn input files into documents, and report what they cannot read."""

from wiretrace.ingest.base import CsvOptions, Entry, Format, Skipped
from wiretrace.ingest.readers import (
    ReadOptions,
    Rejected,
    input_size,
    iter_entries,
    iter_records,
    line_limit,
    read_article,
    read_document,
    write_rejects,
)

__all__ = [
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
    "write_rejects",
]
