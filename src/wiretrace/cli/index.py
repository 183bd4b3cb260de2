"""``wiretrace index``: add documents to a SQLite index, with a progress bar and a summary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from wiretrace.cli._shared import (
    SKIP_BAD_HINT,
    CommandError,
    check_writable,
    column_option,
    delimiter_option,
    detect_encoding_option,
    format_option,
    max_bytes_option,
    read_options,
    skip_bad_option,
    workers_option,
)
from wiretrace.errors import InputError, WiretraceError
from wiretrace.index.sqlite import SQLiteIndex, open_index
from wiretrace.ingest.base import os_reason
from wiretrace.ingest.readers import ReadOptions, Rejected, input_size, write_rejects
from wiretrace.ingest.run import FormatCounts, Summary, index_inputs
from wiretrace.ingest.run import Progress as RunProgress
from wiretrace.report.terminal import terminal_safe

SHOWN_WARNINGS = 10


@dataclass
class _Collected:
    """What a run reported besides its summary: rejected records and warnings."""

    rejected: list[Rejected] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def warn(self, where: str, message: str) -> None:
        self.warnings.append((where, message))


@click.command("index")
@click.option(
    "--db",
    "db",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite index file; created if missing.",
)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@skip_bad_option("Go on past bad records and write them to the rejects file.")
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where --skip-bad writes rejected records (default: DB.rejects.jsonl).",
)
@format_option("Read every input as this format instead of by extension and content.")
@column_option(
    "CSV: read FIELD (id, text, title, url, source, published_at, language, author) "
    "from column NAME; repeatable."
)
@delimiter_option()
@detect_encoding_option("Decode .txt files that are not UTF-8 with the detected encoding.")
@max_bytes_option(
    "Largest document accepted, in bytes (UTF-8 text; the raw page for HTML and WARC)."
)
@workers_option("Processes that fingerprint documents while the main one writes.")
@click.option(
    "--replace",
    "replace_meta",
    is_flag=True,
    help="Replace the stored metadata of re-added documents as a whole: fields an input "
    "lacks are cleared (by default they keep their stored values).",
)
@click.option(
    "--no-fold",
    is_flag=True,
    help="Keep exact duplicates as separate documents (for a new index).",
)
@click.option(
    "--optimize",
    is_flag=True,
    help="After indexing, compact the index as 'wiretrace optimize' does (one postings table, "
    "one word-index segment, no free pages): worth it after a bulk load of many documents.",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def index_cmd(
    db: Path,
    inputs: tuple[Path, ...],
    skip_bad: bool,
    rejects: Path | None,
    fmt: str,
    columns: tuple[str, ...],
    delimiter: str | None,
    detect_encoding: bool,
    max_bytes: int,
    workers: int,
    replace_meta: bool,
    no_fold: bool,
    optimize: bool,
    quiet: bool,
) -> None:
    """Add documents to the index DB.

    Reads .jsonl/.jsonl.gz, .txt, .html, .warc/.warc.gz, .rss/.atom feeds, .csv/.tsv, .pdf and
    .docx files and folders of them. A run killed part-way can be rerun: it resumes and ends
    as a clean run. An id is at most 1,024 characters and holds no control character; other
    records are rejected with their place. Re-adding a document updates it: a new text
    replaces the stored one, and metadata fields the input lacks keep their stored values
    unless --replace is given.
    """
    options = read_options(fmt, columns, delimiter, detect_encoding, max_bytes)
    path = rejects or db.with_name(db.name + ".rejects.jsonl")
    # The default file sits next to DB: a missing folder there is the index's error to report.
    if rejects is not None or (skip_bad and db.parent.is_dir()):
        check_writable(path, "--rejects")
    try:
        index = open_index(db, fold_duplicates=not no_fold)
    except WiretraceError as exc:
        raise CommandError(str(exc)) from exc
    collected = _Collected()
    try:
        summary = _run(index, inputs, options, skip_bad, replace_meta, workers, collected, quiet)
        size, folded = len(index), index.appearance_count()
        report = index.optimize() if optimize else None
    except InputError as exc:
        raise CommandError(f"{exc}\n{SKIP_BAD_HINT} and list them in a file.") from exc
    except WiretraceError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        index.close()
    if collected.rejected:
        try:
            write_rejects(collected.rejected, path)
        except OSError as exc:  # checked before the work; the disk may have filled since
            raise CommandError(
                f"{path}: cannot write the rejected records: {os_reason(exc)}"
            ) from exc
    _print_summary(db, size, folded, summary)
    if report is not None:
        seconds = report.postings_seconds + report.lexical_seconds + (report.vacuum_seconds or 0)
        click.echo(
            f"  optimized in {seconds:.1f} s: {report.postings_tables} postings table(s) merged "
            f"into one, {report.bytes_before / 1_000_000:,.1f} MB -> "
            f"{report.bytes_after / 1_000_000:,.1f} MB",
            err=True,
        )
    _print_warnings(collected.warnings)
    if collected.rejected:
        click.echo(f"  rejected records are listed in {terminal_safe(str(path))}", err=True)


def _run(
    index: SQLiteIndex,
    inputs: Sequence[Path],
    options: ReadOptions,
    skip_bad: bool,
    replace_meta: bool,
    workers: int,
    collected: _Collected,
    quiet: bool,
) -> Summary:
    """Index ``inputs`` under a progress bar (on standard error, unless ``quiet``)."""
    known = all(p.exists() for p in inputs)
    total_bytes = input_size(list(inputs)) if known else 0
    progress = Progress(
        TextColumn("[bold]indexing"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[docs]} docs, {task.fields[rate]} docs/s"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=Console(stderr=True, quiet=quiet),
        transient=True,
    )
    with progress:
        task = progress.add_task("index", total=total_bytes or None, docs="0", rate="-")

        def tick(state: RunProgress) -> None:
            elapsed = progress.tasks[0].elapsed or 0
            rate = f"{state.documents / elapsed:,.0f}" if elapsed else "-"
            progress.update(
                task, completed=state.bytes_read, docs=f"{state.documents:,}", rate=rate
            )

        return index_inputs(
            index,
            list(inputs),
            options,
            skip_bad=skip_bad,
            replace_meta=replace_meta,
            workers=workers,
            on_reject=collected.rejected.append,
            on_warning=collected.warn,
            on_progress=tick,
        )


def _print_summary(db: Path, size: int, folded: int, summary: Summary) -> None:
    """The table by format; in each row, read = added + updated + metadata + unchanged +
    duplicate + skipped + rejected ("updated": a new text; "metadata": new metadata only)."""
    title = f"Indexed into {db} ({size:,} documents in the index"
    title += f"; {folded:,} more ids folded into them as exact duplicates)" if folded else ")"
    table = Table(title=Text(terminal_safe(title)), title_justify="left")
    table.add_column("format")
    names = (
        "read", "added", "updated", "metadata", "unchanged", "duplicate", "skipped", "rejected"
    )  # fmt: skip
    for name in (*names, "warnings"):
        table.add_column(name, justify="right")
    rows: list[tuple[str, FormatCounts]] = [(str(f), c) for f, c in sorted(summary.formats.items())]
    if len(rows) > 1:
        rows.append(("total", summary.total()))
    for label, c in rows:
        values = (c.read, c.added, c.updated, c.metadata, c.unchanged, c.duplicate, c.skipped)
        table.add_row(label, *map(str, values), str(c.rejected_total), str(c.warnings))
    Console(stderr=True, width=120).print(table)
    for file, note in summary.notes.items():
        click.echo(f"  {terminal_safe(file)}: {terminal_safe(note)}", err=True)
    for fmt, c in sorted(summary.formats.items()):
        for reason, count in c.rejected.most_common():
            click.echo(f"  {fmt}: rejected {count}: {terminal_safe(reason)}", err=True)
    for file, number in summary.resumed.items():
        earlier = summary.resumed_rejected.get(file, 0)
        click.echo(
            f"  resumed {file} after record {number:,}, where an earlier run stopped (its "
            f"{earlier:,} rejected records are listed again)",
            err=True,
        )


def _print_warnings(warnings: Sequence[tuple[str, str]]) -> None:
    for where, message in warnings[:SHOWN_WARNINGS]:
        click.echo(f"  warning: {terminal_safe(where)}: {terminal_safe(message)}", err=True)
    if len(warnings) > SHOWN_WARNINGS:
        click.echo(f"  ... and {len(warnings) - SHOWN_WARNINGS} more warnings", err=True)
