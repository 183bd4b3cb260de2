"""The files of ``wiretrace corpus stories``: reading documents and writing the stories.

:func:`write_story_outputs` writes, into a folder:

- ``stories.jsonl`` and ``stories.parquet``: one record per story (``story_id``,
  ``document_count``, ``first_document_id``, ``first_outlet``, ``first_published_at``,
  ``last_published_at``, ``document_ids`` in arrival order, and ``timeline``: the dated members
  by time, each with ``document_id``, ``published_at``, ``outlet``, ``title`` and ``score``);
- ``assignments.jsonl`` and ``assignments.parquet``: one record per document (``document_id``,
  ``story_id``, ``score``, ``new_story``), in processing order.

Each file is written beside its final name and renamed into place
(:func:`wiretrace.fileio.atomic_path`), so an interrupted run never leaves a half-written file
under the final name. An empty result writes the four files empty, Parquet with the full schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from wiretrace.corpus.stories import Assignment, Story, StoryMember, StoryResult
from wiretrace.fileio import atomic_path
from wiretrace.ingest.readers import Rejected
from wiretrace.model import Document


def accepted_documents(
    records: Iterator[Document | Rejected], skip_bad: bool, rejected: list[Rejected]
) -> Iterator[Document]:
    """The documents of ``records``; a rejected record raises its error, or with
    ``skip_bad`` is appended to ``rejected``."""
    for record in records:
        if isinstance(record, Rejected):
            if not skip_bad:
                raise record.as_error()
            rejected.append(record)
        else:
            yield record


def _member_dict(m: StoryMember) -> dict[str, Any]:
    return {
        "document_id": m.document_id,
        "published_at": m.published_at,
        "outlet": m.source,
        "title": m.title,
        "score": round(m.score, 6),
    }


def _story_dict(s: Story) -> dict[str, Any]:
    return {
        "story_id": s.id,
        "document_count": s.size,
        "first_document_id": s.first_document,
        "first_outlet": s.first_publisher,
        "first_published_at": s.first_seen,
        "last_published_at": s.last_seen,
        "document_ids": list(s.document_ids),
        "timeline": [_member_dict(m) for m in s.timeline],
    }


def _assignment_dict(a: Assignment) -> dict[str, Any]:
    return {
        "document_id": a.document_id,
        "story_id": a.story_id,
        "score": round(a.score, 6),
        "new_story": a.new_story,
    }


def _schemas() -> tuple[Any, Any]:
    import pyarrow as pa

    member = pa.struct(
        [
            ("document_id", pa.string()),
            ("published_at", pa.string()),
            ("outlet", pa.string()),
            ("title", pa.string()),
            ("score", pa.float64()),
        ]
    )
    stories = pa.schema(
        [
            ("story_id", pa.string()),
            ("document_count", pa.int64()),
            ("first_document_id", pa.string()),
            ("first_outlet", pa.string()),
            ("first_published_at", pa.string()),
            ("last_published_at", pa.string()),
            ("document_ids", pa.list_(pa.string())),
            ("timeline", pa.list_(member)),
        ]
    )
    assignments = pa.schema(
        [
            ("document_id", pa.string()),
            ("story_id", pa.string()),
            ("score", pa.float64()),
            ("new_story", pa.bool_()),
        ]
    )
    return stories, assignments


def _write_jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _write_parquet(path: Path, rows: Sequence[dict[str, Any]], schema: Any) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(list(rows), schema=schema)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def write_story_outputs(result: StoryResult, out: Path) -> None:
    """Write the stories and assignments of ``result`` into ``out`` as JSONL and Parquet."""
    out.mkdir(parents=True, exist_ok=True)
    story_schema, assignment_schema = _schemas()
    stories = [_story_dict(s) for s in result.stories]
    assignments = [_assignment_dict(a) for a in result.assignments]
    _write_jsonl(out / "stories.jsonl", stories)
    _write_parquet(out / "stories.parquet", stories, story_schema)
    _write_jsonl(out / "assignments.jsonl", assignments)
    _write_parquet(out / "assignments.parquet", assignments, assignment_schema)
