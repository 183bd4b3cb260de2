"""Readers that turn input files into documents, and report what they cannot read."""

from wiretrace.ingest.readers import (
    ReadOptions,
    Rejected,
    iter_records,
    line_limit,
    read_document,
    write_rejects,
)

__all__ = [
    "ReadOptions",
    "Rejected",
    "iter_records",
    "line_limit",
    "read_document",
    "write_rejects",
]
