"""``wiretrace corpus``: commands over whole corpora.

The commands are thin adapters over :func:`wiretrace.corpus.pipeline.run_reuse` and
:func:`wiretrace.corpus.report.write_report`; the corpus modules (pyarrow, and PySpark for
``--engine spark``) are imported only when a command runs, to keep the CLI start-up fast.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from wiretrace.corpus.stories_cli import stories_cmd
from wiretrace.errors import InputError, WiretraceError
from wiretrace.report.terminal import terminal_safe

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@click.group("corpus")
def corpus_group() -> None:
    """Find reuse, stories and first publishers across a whole corpus."""


corpus_group.add_command(stories_cmd)


class _Bar:
    """A rich progress bar that shows one stage at a time."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def stage(self, name: str, total: int | None) -> None:
        if self.task is not None:
            self.progress.update(self.task, visible=False)
        # The description goes through the column's markup: escape it.
        self.task = self.progress.add_task(escape(name), total=total)

    def advance(self, steps: int = 1) -> None:
        if self.task is not None:
            self.progress.advance(self.task, steps)


def _fail(message: str) -> None:
    click.echo(f"error: {terminal_safe(message, multiline=True)}", err=True)
    sys.exit(1)


@corpus_group.command("reuse")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (pairs, stories, outlets; stages are kept in OUT/_stages for reruns).",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default="local",
    show_default=True,
    help="local: worker processes on this machine; spark: PySpark (the [spark] extra).",
)
@click.option(
    "--spark-master",
    default=None,
    help="Spark master URL for --engine spark (default: that of spark-submit, or local[2]).",
)
@click.option(
    "--spark-partitions",
    type=click.IntRange(min=0),
    default=0,
    help="Shuffle partitions for --engine spark (default: twice the default parallelism).",
)
@click.option(
    "--spark-conf",
    multiple=True,
    metavar="KEY=VALUE",
    help="A Spark setting for --engine spark (repeatable), e.g. spark.driver.memory=4g.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=min(2, os.cpu_count() or 1),
    show_default=True,
    help="Worker processes of the local engine.",
)
@click.option(
    "--max-df",
    type=click.IntRange(min=1),
    default=None,
    help="Ignore fingerprints held by more documents than this (default 100).",
)
@click.option(
    "--min-shared",
    type=click.IntRange(min=1),
    default=None,
    help="Fingerprints two documents must share to be aligned (default 2).",
)
@click.option(
    "--sentences",
    is_flag=True,
    help="Also run the sentence aligner of 'trace' on every pair (finds spun sentences; slower).",
)
@click.option(
    "--skip-bad", is_flag=True, help="Go on past bad records and list them in OUT/rejects.jsonl."
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Largest document accepted, in bytes of UTF-8 text.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def reuse_cmd(
    inputs: tuple[Path, ...],
    out: Path,
    engine: str,
    spark_master: str | None,
    spark_partitions: int,
    spark_conf: tuple[str, ...],
    workers: int,
    max_df: int | None,
    min_shared: int | None,
    sentences: bool,
    skip_bad: bool,
    max_bytes: int,
    as_json: bool,
    quiet: bool,
) -> None:
    """Find every pair of documents in INPUTS that share passages, the story families they
    form with their first publishers, and how original each outlet is."""
    from wiretrace.align.pair import PairOptions
    from wiretrace.corpus.kernels import CORPUS_ALIGN, CorpusOptions
    from wiretrace.corpus.pipeline import Engine, run_reuse
    from wiretrace.ingest.readers import ReadOptions

    settings: dict[str, Any] = {"align": PairOptions() if sentences else CORPUS_ALIGN}
    if max_df is not None:
        settings["max_df"] = max_df
    if min_shared is not None:
        settings["min_shared"] = min_shared
    try:
        options = CorpusOptions(**settings)
        read = ReadOptions(max_bytes=max_bytes)
    except ValueError as exc:
        _fail(str(exc))
        return
    chosen: Engine
    if engine == "spark":
        from wiretrace.corpus.spark import SparkEngine, SparkOptions

        pairs = [item.split("=", 1) for item in spark_conf]
        if any(len(p) != 2 or not p[0] for p in pairs):
            _fail("--spark-conf takes KEY=VALUE, e.g. --spark-conf spark.driver.memory=4g")
        conf = tuple((k, v) for k, v in pairs)
        chosen = SparkEngine(
            SparkOptions(master=spark_master, partitions=spark_partitions, conf=conf)
        )
    else:
        from wiretrace.corpus.local import LocalEngine, LocalOptions

        if workers < 1:
            _fail("--workers must be at least 1")
        chosen = LocalEngine(LocalOptions(workers=workers))
    console = Console(stderr=True, quiet=quiet)
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    try:
        with bar:
            summary = run_reuse(
                list(inputs),
                out,
                chosen,
                options,
                read=read,
                skip_bad=skip_bad,
                progress=_Bar(bar),
            )
    except InputError as exc:
        _fail(
            f"{exc}\nFix the record, or pass --skip-bad to skip bad records"
            " and list them in OUT/rejects.jsonl."
        )
        return
    except WiretraceError as exc:
        _fail(str(exc))
        return
    finally:
        stop = getattr(chosen, "stop", None)
        if stop is not None:
            stop()
    if as_json:
        click.echo(json.dumps(summary.as_dict(), indent=1, sort_keys=True))
    if summary.documents == 0:
        click.echo(f"No documents found in the inputs; wrote empty outputs to {out}.", err=True)
        return
    lines = [
        f"{summary.documents:,} documents, {summary.pairs:,} reuse pairs, "
        f"{summary.stories:,} stories, {summary.outlets:,} outlets ({summary.engine} engine).",
        f"Outputs in {out}: pairs.parquet, clusters.parquet, outlets.parquet (+ JSONL when small).",
    ]
    if summary.stages_skipped:
        lines.append(f"Stages reused from an earlier run: {', '.join(summary.stages_skipped)}.")
    if summary.undated_documents:
        n = summary.undated_documents
        lines.append(
            f"{n:,} {'document has' if n == 1 else 'documents have'} no date: undated "
            "documents are kept but never called first."
        )
    if summary.tied_first_publishers:
        n = summary.tied_first_publishers
        lines.append(
            f"{n:,} {'story has' if n == 1 else 'stories have'} a first publisher tied on "
            "timestamp with another document; ties are ordered by document id."
        )
    if summary.rejected:
        lines.append(f"{summary.rejected:,} records rejected; listed in {out / 'rejects.jsonl'}.")
    for line in lines:
        click.echo(line, err=True)


@corpus_group.command("report")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--html",
    "html_out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the static HTML overview.",
)
@click.option(
    "--top", type=click.IntRange(min=1), default=20, show_default=True, help="Stories to show."
)
def report_cmd(folder: Path, html_out: Path, top: int) -> None:
    """Write a static HTML overview of a 'corpus reuse' output FOLDER: top stories, outlets
    ranked by originality, and reuse over time."""
    from wiretrace.corpus.report import write_report

    try:
        write_report(folder, html_out, top=top)
    except WiretraceError as exc:
        _fail(str(exc))
        return
    click.echo(f"Wrote {html_out}", err=True)
