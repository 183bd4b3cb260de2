"""Reading output folders written by format 1 of ``wiretrace corpus reuse``, under the old names.

Format 2 gave every concept one name (``docs/corpus-outputs.md``): ``clusters`` became
``families``, ``doc_a`` became ``a_document_id``, ``first_doc`` became ``first_document_id``,
and so on. :func:`output_rows` reads an output of either format and gives the rows under the
new names, so ``wiretrace corpus report`` still draws an old folder. A run of ``corpus reuse``
does not read old stages: its stage store discards them (the format version is part of the run
configuration) and computes them again.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pyarrow.parquet as pq

from wiretrace.corpus.location import Location

__all__ = ["OLD_FILES", "output_path", "output_rows", "upgrade_row", "upgrade_summary"]

# New output name -> the file name format 1 used.
OLD_FILES = {"families": "clusters"}

# Old field -> new field (None: dropped, it repeated another field), per output; nested
# records are renamed by the map under their field's new name.
_Renames = Mapping[str, str | None]
_TOP: dict[str, _Renames] = {
    "pairs": {
        "doc_a": "a_document_id",
        "doc_b": "b_document_id",
        "idx_a": "a_idx",
        "idx_b": "b_idx",
        "outlet_a": "a_outlet",
        "outlet_b": "b_outlet",
        "published_a": "a_published_at",
        "published_b": "b_published_at",
        "source_doc": "source_document_id",
        "target_doc": "copy_document_id",
        "n_passages": "passage_count",
        "a_chars": "a_shared_chars",
        "b_chars": "b_shared_chars",
    },
    "families": {
        "story_id": "family_id",
        "size": "document_count",
        "outlets": "outlet_count",
        "first_doc": "first_document_id",
        "first_published": None,
        "undated": "undated_count",
        "start": "first_published_at",
        "end": "last_published_at",
    },
    "outlets": {
        "documents": "document_count",
        "dated_documents": "dated_document_count",
        "chars": "text_chars",
        "documents_reusing": "reusing_document_count",
    },
    "drift": {
        "story_id": "family_id",
        "slot_id": "fact_id",
        "origin_doc": "origin_document_id",
        "original": "origin_wording",
        "first_changed_doc": "first_changed_document_id",
        "first_changed_at": "first_changed_published_at",
        "changed_to": "first_changed_wording",
    },
}
_NESTED: dict[str, dict[str, _Renames]] = {
    "families": {"timeline": {"doc_id": "document_id"}},
    "outlets": {"top_upstream": {"chars": "reused_chars"}},
    "drift": {"values": {"doc_id": "document_id"}},
}
_SUMMARY: _Renames = {"stories": "families", "tied_first_publishers": "tied_first_documents"}


def _rename(row: Mapping[str, Any], renames: _Renames) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        new = renames.get(key, key)
        if new is not None:
            out[new] = value
    return out


def upgrade_row(output: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """``row`` of ``output`` (``pairs``, ``families``, ``outlets``, ``drift``) under the
    format 2 names; a row already under them is returned as it is (copied)."""
    out = _rename(row, _TOP.get(output, {}))
    for field, renames in _NESTED.get(output, {}).items():
        items = out.get(field)
        if isinstance(items, list):
            out[field] = [_rename(x, renames) if isinstance(x, Mapping) else x for x in items]
    return out


def upgrade_summary(summary: Mapping[str, Any]) -> dict[str, Any]:
    """``summary.json`` under the format 2 names."""
    return _rename(summary, _SUMMARY)


def output_path(folder: Location, output: str) -> Location | None:
    """The Parquet file of ``output`` in ``folder`` (the format 1 name when only it is
    there), or None when neither is."""
    for name in (output, OLD_FILES.get(output)):
        if name and (folder / f"{name}.parquet").exists():
            return folder / f"{name}.parquet"
    return None


def output_rows(
    folder: Location, output: str, columns: list[str] | None = None, batch_size: int = 4096
) -> Iterator[dict[str, Any]]:
    """The rows of ``output`` in ``folder`` under the format 2 names, streamed (one batch of
    rows in memory at a time, on any file system).

    ``columns`` (format 2 names) limits what is read when the file has the new names; a
    format 1 file is read whole. Nothing is yielded when the output is missing.
    """
    path = output_path(folder, output)
    if path is None:
        return
    with path.open_input() as source:
        pf = pq.ParquetFile(source)
        names = set(pf.schema_arrow.names)
        wanted = columns if columns and names.issuperset(columns) else None
        for batch in pf.iter_batches(batch_size=batch_size, columns=wanted):
            for row in batch.to_pylist():
                yield upgrade_row(output, row)
