"""The ``wiretrace`` command line: a thin layer over the library."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Protocol

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from wiretrace.corpus.cli import corpus_group
from wiretrace.errors import InputError, WiretraceError
from wiretrace.index.base import AddReport, prepare_batches
from wiretrace.index.sqlite import BATCH_SIZE, open_index
from wiretrace.ingest.readers import (
    ReadOptions,
    Rejected,
    iter_records,
    read_document,
    write_rejects,
)
from wiretrace.model import Document
from wiretrace.report.json import trace_to_json
from wiretrace.report.terminal import render_trace
from wiretrace.serve.cli import serve_cmd
from wiretrace.trace import TraceOptions, trace

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@click.group()
@click.version_option(package_name="wiretrace")
def main() -> None:
    """wiretrace finds where news text came from."""


@main.command("index")
@click.option(
    "--db",
    "db",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite index file; created if missing.",
)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--skip-bad", is_flag=True, help="Go on past bad records and write them to the rejects file."
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where --skip-bad writes rejected records (default: DB.rejects.jsonl).",
)
@click.option(
    "--max-bytes",
    type=int,
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Largest document accepted, in bytes of UTF-8 text.",
)
@click.option(
    "--workers",
    type=int,
    default=min(2, os.cpu_count() or 1),
    show_default=True,
    help="Processes that fingerprint documents while the main one writes.",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def index_cmd(
    db: Path,
    inputs: tuple[Path, ...],
    skip_bad: bool,
    rejects: Path | None,
    max_bytes: int,
    workers: int,
    quiet: bool,
) -> None:
    """Add documents (.jsonl, .jsonl.gz, .txt files and folders of them) to the index DB."""
    console = Console(stderr=True, quiet=quiet)
    rejected: list[Rejected] = []
    total = AddReport()
    try:
        index = open_index(db)
    except WiretraceError as exc:
        _fail(str(exc))
        return
    try:
        records = iter_records(list(inputs), ReadOptions(max_bytes=max_bytes))
        progress = Progress(
            TextColumn("[bold]indexing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} docs/s"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        with progress:
            task = progress.add_task("index", total=None, rate="-")
            documents = _checked(records, skip_bad, rejected)
            batches = prepare_batches(
                documents, batch_size=BATCH_SIZE, workers=workers, n=index.n, window=index.window
            )
            for batch in batches:
                total = total + index.add_batch(batch)
                progress.advance(task, len(batch))
                elapsed = progress.tasks[0].elapsed or 0
                done = progress.tasks[0].completed
                progress.update(task, rate=f"{done / elapsed:,.0f}" if elapsed else "-")
    except InputError as exc:
        index.close()
        _fail(
            f"{exc}\nFix the record, or pass --skip-bad to skip bad records"
            " and list them in a file."
        )
        return
    except WiretraceError as exc:
        index.close()
        _fail(str(exc))
        return
    size = len(index)
    index.close()
    if rejected:
        path = rejects or db.with_name(db.name + ".rejects.jsonl")
        write_rejects(rejected, path)
    table = Table(
        title=f"Indexed into {db} ({size:,} documents in the index)", title_justify="left"
    )
    for col in ("added", "updated", "unchanged", "rejected"):
        table.add_column(col, justify="right")
    table.add_row(str(total.added), str(total.updated), str(total.unchanged), str(len(rejected)))
    Console(stderr=True).print(table)
    if rejected:
        reasons = Counter(r.reason.split(":")[0] for r in rejected)
        for reason, count in reasons.most_common():
            click.echo(f"  rejected {count}: {reason}", err=True)
        click.echo(f"  rejected records are listed in {path}", err=True)


def _checked(
    records: Iterator[Document | Rejected], skip_bad: bool, rejected: list[Rejected]
) -> Iterator[Document]:
    for record in records:
        if isinstance(record, Rejected):
            if not skip_bad:
                raise record.as_error()
            rejected.append(record)
        else:
            yield record


@main.command("trace")
@click.option(
    "--db",
    "db",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite index file made by 'wiretrace index'.",
)
@click.argument("file", type=str)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report.")
@click.option(
    "--max-candidates",
    type=int,
    default=20,
    show_default=True,
    help="How many candidate sources are aligned.",
)
@click.option(
    "--max-bytes",
    type=int,
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Largest article accepted, in bytes of UTF-8 text.",
)
@click.option(
    "--semantic",
    is_flag=True,
    help="Also match paraphrased sentences by meaning (needs the [semantic] extra).",
)
def trace_cmd(
    db: Path, file: str, as_json: bool, max_candidates: int, max_bytes: int, semantic: bool
) -> None:
    """Trace the article in FILE (or '-' for standard input) to its sources."""
    try:
        doc = read_document(file, ReadOptions(max_bytes=max_bytes))
        index = open_index(db, create=False)
    except WiretraceError as exc:
        _fail(str(exc))
        return
    try:
        result = trace(index, doc, TraceOptions(max_candidates=max_candidates, semantic=semantic))
    except WiretraceError as exc:  # for example the [semantic] extra is missing
        _fail(str(exc))
        return
    finally:
        index.close()
    if as_json:
        click.echo(trace_to_json(result))
    else:
        render_trace(result, Console())


class _Report(Protocol):
    def to_dict(self) -> Mapping[str, object]: ...

    def format_table(self) -> str: ...


def _echo_report(report: _Report, as_json: bool) -> None:
    """Print an evaluation report as JSON or as its plain-text table."""
    click.echo(json.dumps(report.to_dict(), indent=2) if as_json else report.format_table())


@main.group("eval")
def eval_group() -> None:
    """Score wiretrace on labelled data."""


@eval_group.command("pan")
@click.argument("corpus_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report.")
@click.option(
    "--detections",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write one PAN detection XML file per pair into this folder.",
)
@click.option("--workers", type=int, default=2, show_default=True, help="Worker processes.")
@click.option(
    "--category",
    "categories",
    multiple=True,
    help="Only these category folders (for example 02-no-obfuscation); repeatable.",
)
@click.option("--limit", type=int, default=None, help="Only the first N pairs of each category.")
@click.option(
    "--words-only",
    is_flag=True,
    help="Use the word n-gram aligner alone (the sentence aligner off), as before issue 3.",
)
def eval_pan_cmd(
    corpus_dir: Path,
    as_json: bool,
    detections: Path | None,
    workers: int,
    categories: tuple[str, ...],
    limit: int | None,
    words_only: bool,
) -> None:
    """Run alignment on a PAN text-alignment corpus and print plagdet and friends."""
    from wiretrace.align.pair import PairOptions
    from wiretrace.eval.pan import run_pan

    console = Console(stderr=True, quiet=as_json)
    try:
        with Progress(
            TextColumn("[bold]aligning pairs"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("pan", total=None)

            def tick(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = run_pan(
                corpus_dir,
                categories=list(categories) or None,
                limit_per_category=limit,
                detections_dir=detections,
                workers=workers,
                progress=tick,
                options=PairOptions(sentences=None) if words_only else None,
            )
    except WiretraceError as exc:
        _fail(str(exc))
        return
    _echo_report(report, as_json)


@eval_group.command("spun")
@click.argument(
    "shared_data", type=click.Path(file_okay=False, path_type=Path), default="../shared/data"
)
@click.option("--count", type=int, default=200, show_default=True, help="Composites to make.")
@click.option("--seed", type=int, default=20050314, show_default=True, help="Generator seed.")
@click.option(
    "--distractors",
    type=int,
    default=300,
    show_default=True,
    help="Other BBC articles indexed besides the sources (-1: all of them).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report.")
def eval_spun_cmd(
    shared_data: Path, count: int, seed: int, distractors: int, as_json: bool
) -> None:
    """Trace spun composites made from BBC articles (SHARED_DATA holds bbc-news/) and score
    sentence attribution, attributed-character precision and reported renames."""
    from wiretrace.eval.spun import run_spun

    try:
        report = run_spun(
            shared_data,
            count=count,
            seed=seed,
            distractors=None if distractors < 0 else distractors,
        )
    except WiretraceError as exc:
        _fail(str(exc))
        return
    _echo_report(report, as_json)


@eval_group.command("mrpc")
@click.argument("data_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report.")
def eval_mrpc_cmd(data_dir: Path, as_json: bool) -> None:
    """Accuracy and F1 of the sentence matcher on MRPC (thresholds fitted on train)."""
    from wiretrace.eval.mrpc import run_mrpc

    try:
        report = run_mrpc(data_dir)
    except WiretraceError as exc:
        _fail(str(exc))
        return
    _echo_report(report, as_json)


@eval_group.command("clough")
@click.argument("data_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report.")
def eval_clough_cmd(data_dir: Path, as_json: bool) -> None:
    """How coverage and kinds separate cut, light, heavy and non answers (Clough corpus)."""
    from wiretrace.eval.clough import run_clough

    try:
        report = run_clough(data_dir)
    except WiretraceError as exc:
        _fail(str(exc))
        return
    _echo_report(report, as_json)


@eval_group.command("sources")
@click.argument(
    "shared_data", type=click.Path(file_okay=False, path_type=Path), default="../shared/data"
)
@click.option("--semantic", is_flag=True, help="Rerank with sentence embeddings ([semantic]).")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report.")
def eval_sources_cmd(shared_data: Path, semantic: bool, as_json: bool) -> None:
    """Rank Wikinews articles' cited sources among BBC distractors: recall@1/5 and MRR."""
    from wiretrace.eval.sources import run_sources

    try:
        report = run_sources(shared_data, semantic=semantic)
    except WiretraceError as exc:
        _fail(str(exc))
        return
    _echo_report(report, as_json)


if __name__ == "__main__":  # pragma: no cover
    main()


main.add_command(corpus_group)
main.add_command(serve_cmd)
