"""``wiretrace corpus stories`` and ``wiretrace eval stories``: thin layers over the library.

``corpus stories`` reads documents, runs :func:`wiretrace.corpus.stories.cluster_stories` and
writes, into ``--out``:

- ``stories.jsonl`` and ``stories.parquet``: one record per story (``id``, ``size``,
  ``first_document``, ``first_publisher``, ``first_seen``, ``last_seen``, ``members`` as
  document ids in arrival order, and ``timeline``: the dated members by time, each with
  ``document_id``, ``published_at``, ``source``, ``title`` and ``score``);
- ``assignments.jsonl`` and ``assignments.parquet``: one record per document (``document_id``,
  ``story_id``, ``score``, ``new_story``), in processing order.

Each file is written beside its final name and renamed into place, so an interrupted run never
leaves a half-written file under the final name. An empty input writes the four files empty,
Parquet with the full schema.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import click

from wiretrace.corpus.stories import (
    Assignment,
    Story,
    StoryMember,
    StoryOptions,
    StoryResult,
    cluster_stories,
    cluster_stories_exact,
)
from wiretrace.errors import InputError, WiretraceError
from wiretrace.ingest.readers import ReadOptions, Rejected, iter_records, write_rejects
from wiretrace.model import Document
from wiretrace.report.terminal import terminal_safe

DEFAULT_ECBPLUS = "../shared/data/ecbplus-news-events"


def _fail(message: str) -> None:
    click.echo(f"error: {terminal_safe(message, multiline=True)}", err=True)
    sys.exit(1)


def _member_dict(m: StoryMember) -> dict[str, Any]:
    return {
        "document_id": m.document_id,
        "published_at": m.published_at,
        "source": m.source,
        "title": m.title,
        "score": round(m.score, 6),
    }


def _story_dict(s: Story) -> dict[str, Any]:
    return {
        "id": s.id,
        "size": s.size,
        "first_document": s.first_document,
        "first_publisher": s.first_publisher,
        "first_seen": s.first_seen,
        "last_seen": s.last_seen,
        "members": list(s.document_ids),
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
            ("source", pa.string()),
            ("title", pa.string()),
            ("score", pa.float64()),
        ]
    )
    stories = pa.schema(
        [
            ("id", pa.string()),
            ("size", pa.int64()),
            ("first_document", pa.string()),
            ("first_publisher", pa.string()),
            ("first_seen", pa.string()),
            ("last_seen", pa.string()),
            ("members", pa.list_(pa.string())),
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


def _write_atomic(path: Path, write: Any) -> None:
    tmp = path.with_name(f".{path.name}.partial")
    write(tmp)
    os.replace(tmp, path)


def _write_jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")

    _write_atomic(path, write)


def _write_parquet(path: Path, rows: Sequence[dict[str, Any]], schema: Any) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(list(rows), schema=schema)
    _write_atomic(path, lambda tmp: pq.write_table(table, tmp))


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


def _documents(
    records: Iterator[Document | Rejected], skip_bad: bool, rejected: list[Rejected]
) -> Iterator[Document]:
    for record in records:
        if isinstance(record, Rejected):
            if not skip_bad:
                raise record.as_error()
            rejected.append(record)
        else:
            yield record


@click.command("stories")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for stories.{jsonl,parquet} and assignments.{jsonl,parquet}.",
)
@click.option(
    "--threshold",
    type=click.FloatRange(min=0),
    default=StoryOptions().threshold,
    show_default=True,
    help="Smallest similarity at which an article joins a story.",
)
@click.option(
    "--window-days",
    type=click.FloatRange(min=0, min_open=True),
    default=StoryOptions().window_days,
    show_default=True,
    help="An article joins a story only within this many days of its dated articles.",
)
@click.option(
    "--exact",
    is_flag=True,
    help="Batch only: complete-link over the whole input (more accurate; memory grows with "
    "the square of the number of documents).",
)
@click.option(
    "--exact-threshold",
    type=click.FloatRange(min=0),
    default=StoryOptions().exact_threshold,
    show_default=True,
    help="With --exact: the complete-link similarity threshold.",
)
@click.option(
    "--skip-bad", is_flag=True, help="Go on past bad records and list them in OUT/rejects.jsonl."
)
def stories_cmd(
    inputs: tuple[Path, ...],
    out: Path,
    threshold: float,
    window_days: float,
    exact: bool,
    exact_threshold: float,
    skip_bad: bool,
) -> None:
    """Group articles about the same event, online in time order, even when they share no
    text (INPUT: .jsonl, .jsonl.gz, .txt files and folders of them)."""
    rejected: list[Rejected] = []
    try:
        options = StoryOptions(
            threshold=threshold, window_days=window_days, exact_threshold=exact_threshold
        )
    except ValueError as exc:
        _fail(str(exc))
        return
    try:
        docs = list(_documents(iter_records(list(inputs), ReadOptions()), skip_bad, rejected))
        result = (cluster_stories_exact if exact else cluster_stories)(docs, options)
        write_story_outputs(result, out)
    except InputError as exc:
        _fail(f"{exc}\nFix the record, or pass --skip-bad to skip bad records.")
        return
    except (WiretraceError, OSError, ValueError) as exc:
        _fail(str(exc))
        return
    if rejected:
        write_rejects(rejected, out / "rejects.jsonl")
        click.echo(f"rejected {len(rejected)} records, listed in {out / 'rejects.jsonl'}", err=True)
    if not docs:
        click.echo(
            f"no documents in {', '.join(map(str, inputs))}: wrote empty stories and "
            f"assignments files to {out}",
            err=True,
        )
        return
    undated = sum(1 for d in docs if not d.published_at)
    largest = max(s.size for s in result.stories)
    click.echo(
        f"{len(docs)} documents -> {len(result.stories)} stories (largest {largest}) in {out}"
    )
    click.echo(
        "order: by published_at, then id for identical timestamps"
        + (f"; {undated} undated documents last, never counted as first" if undated else ""),
        err=True,
    )


@click.command("stories")
@click.argument(
    "data_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_ECBPLUS
)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report.")
def eval_stories_cmd(data_dir: Path, as_json: bool) -> None:
    """Story clustering on ECB+ (DATA_DIR holds ecbplus_docs.jsonl.gz): B-cubed and pairwise
    P/R/F1 against a TF-IDF complete-link baseline and MinHash LSH, tuned on half the topics."""
    from wiretrace.eval.stories import run_stories

    try:
        report = run_stories(data_dir)
    except WiretraceError as exc:
        _fail(str(exc))
        return
    except ModuleNotFoundError as exc:  # the baselines' libraries are development extras
        _fail(f"the story evaluation needs {exc.name}: pip install 'wiretrace[dev]'")
        return
    click.echo(json.dumps(report.to_dict(), indent=2) if as_json else report.format_table())
