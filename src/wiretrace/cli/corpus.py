"""``wiretrace corpus``: commands over whole corpora.

The commands are thin adapters over :func:`wiretrace.corpus.pipeline.run_reuse`,
:func:`wiretrace.corpus.report.write_report` and :mod:`wiretrace.corpus.stories`; the corpus
modules (pyarrow, and PySpark for ``--engine spark``) are imported only when a command runs, to
keep the CLI start-up fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

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

from wiretrace.cli._progress import StepProgress, quiet_option
from wiretrace.cli._shared import (
    CLI_HINTS,
    SKIP_BAD_HINT,
    CommandError,
    json_option,
    max_bytes_option,
    skip_bad_option,
    workers_option,
)
from wiretrace.corpus.stories import StoryOptions
from wiretrace.errors import InputError, WiretraceError

if TYPE_CHECKING:
    from wiretrace.corpus.pipeline import ReuseSummary


@click.group("corpus")
def corpus_group() -> None:
    """Find reuse, reuse families, stories and first publishers across a whole corpus."""


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


def _spark_conf(items: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """``--spark-conf KEY=VALUE`` items as pairs."""
    pairs = [item.split("=", 1) for item in items]
    if any(len(p) != 2 or not p[0] for p in pairs):
        raise CommandError("--spark-conf takes KEY=VALUE, e.g. --spark-conf spark.driver.memory=4g")
    return tuple((k, v) for k, v in pairs)


@corpus_group.command("reuse")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    required=True,
    metavar="DIR|URI",
    help="Output folder (pairs, families, outlets, drift; stages are kept in OUT/_stages): a "
    "local path, or file:///path, hdfs://namenode:port/path or s3a://bucket/path (the last "
    "two with --engine spark).",
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
@workers_option("Worker processes of the local engine.")
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
    "--window",
    type=click.IntRange(min=1),
    default=None,
    help="Winnowing window of the fingerprints (default 8). 4 keeps about twice as many and "
    "finds more heavily edited reuse, for about a fifth more candidate pairs.",
)
@click.option(
    "--sentences",
    is_flag=True,
    help="Also run the sentence aligner of 'trace' on every pair (finds spun sentences; slower).",
)
@skip_bad_option("Go on past bad records and list them in OUT/rejects.jsonl.")
@max_bytes_option("Largest document accepted, in bytes of UTF-8 text.")
@json_option("Print the run summary as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def reuse_cmd(
    inputs: tuple[Path, ...],
    out: str,
    engine: str,
    spark_master: str | None,
    spark_partitions: int,
    spark_conf: tuple[str, ...],
    workers: int,
    max_df: int | None,
    min_shared: int | None,
    window: int | None,
    sentences: bool,
    skip_bad: bool,
    max_bytes: int,
    as_json: bool,
    quiet: bool,
) -> None:
    """Find every pair of documents in INPUTS that share passages, the reuse families they
    form with their first publishers, and how original each outlet is."""
    from wiretrace.corpus.engines import EngineOptions, reuse_options, running_engine
    from wiretrace.corpus.local import LocalOptions
    from wiretrace.corpus.location import parse_location
    from wiretrace.corpus.pipeline import run_reuse
    from wiretrace.corpus.spark import SparkOptions
    from wiretrace.ingest.readers import ReadOptions

    try:
        # Checked before any input is read or Spark starts (run_reuse checks it again, with
        # what the engine can write to).
        parse_location(out)
    except WiretraceError as exc:
        raise CommandError(str(exc)) from exc
    try:
        options = reuse_options(
            max_df=max_df, min_shared=min_shared, window=window, sentences=sentences
        )
        read = ReadOptions(max_bytes=max_bytes, hints=CLI_HINTS)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    chosen = EngineOptions(
        name="spark" if engine == "spark" else "local",
        local=LocalOptions(workers=workers),
        spark=SparkOptions(
            master=spark_master,
            partitions=spark_partitions,
            conf=_spark_conf(spark_conf) if engine == "spark" else (),
        ),
    )
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True, quiet=quiet),
        transient=True,
    )
    try:
        with running_engine(chosen) as runner, bar:
            summary = run_reuse(
                list(inputs),
                out,
                runner,
                options,
                read=read,
                skip_bad=skip_bad,
                progress=_Bar(bar),
            )
    except InputError as exc:
        raise CommandError(f"{exc}\n{SKIP_BAD_HINT} and list them in OUT/rejects.jsonl.") from exc
    except WiretraceError as exc:
        raise CommandError(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(summary.as_dict(), indent=1, sort_keys=True))
    _print_summary(summary, out)


def _print_summary(summary: ReuseSummary, out: str) -> None:
    """What the run found, and where, on standard error."""
    if summary.documents == 0:
        click.echo(f"No documents found in the inputs; wrote empty outputs to {out}.", err=True)
        return
    lines = [
        f"{summary.documents:,} documents, {summary.pairs:,} reuse pairs, "
        f"{summary.families:,} reuse families, {summary.outlets:,} outlets "
        f"({summary.engine} engine).",
        f"Outputs in {out}: pairs.parquet, families.parquet, outlets.parquet, drift.parquet "
        "(+ JSONL when small).",
    ]
    if summary.drifted_facts:
        n = summary.drifted_facts
        lines.append(
            f"{n:,} {'fact is' if n == 1 else 'facts are'} stated differently within a family "
            "(drift.parquet names who changed each first)."
        )
    if summary.stages_skipped:
        lines.append(f"Stages reused from an earlier run: {', '.join(summary.stages_skipped)}.")
    if summary.undated_documents:
        n = summary.undated_documents
        lines.append(
            f"{n:,} {'document has' if n == 1 else 'documents have'} no date: undated "
            "documents are kept but never called first."
        )
    if summary.tied_first_documents:
        n = summary.tied_first_documents
        lines.append(
            f"{n:,} {'family has' if n == 1 else 'families have'} a first document tied on "
            "timestamp with another document; ties are ordered by document id."
        )
    if summary.rejected:
        rejects = f"{out.rstrip('/')}/rejects.jsonl"
        lines.append(f"{summary.rejected:,} records rejected; listed in {rejects}.")
    for line in lines:
        click.echo(line, err=True)


@corpus_group.command("report")
@click.argument("folder", metavar="FOLDER")
@click.option(
    "--html",
    "html_out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the static HTML overview.",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Reuse families to show.",
)
def report_cmd(folder: str, html_out: Path, top: int) -> None:
    """Write a static HTML overview of a 'corpus reuse' output FOLDER: the largest reuse
    families, the pairs that share the most text side by side, outlets ranked by originality,
    and reuse over time.

    FOLDER is where the run wrote its output: a local path, or a file://, hdfs:// or s3a://
    URI. HDFS and S3 are read directly through Arrow, with the same settings as the driver of
    a Spark run: for HDFS JAVA_HOME, libhdfs (in HADOOP_HOME/lib/native or ARROW_LIBHDFS_DIR)
    and the Hadoop jars in CLASSPATH; for S3 the AWS environment variables (credentials,
    AWS_DEFAULT_REGION, and AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL for an S3-compatible
    store). See docs/spark.md."""
    from wiretrace.corpus.report import write_report

    try:
        write_report(folder, html_out, top=top)
    except WiretraceError as exc:
        raise CommandError(str(exc)) from exc
    click.echo(f"Wrote {html_out}", err=True)


@corpus_group.command("stories")
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
@skip_bad_option("Go on past bad records and list them in OUT/rejects.jsonl.")
@quiet_option()
def stories_cmd(
    inputs: tuple[Path, ...],
    out: Path,
    threshold: float,
    window_days: float,
    exact: bool,
    exact_threshold: float,
    skip_bad: bool,
    quiet: bool,
) -> None:
    """Group articles about the same event, online in time order, even when they share no
    text (INPUT: .jsonl, .jsonl.gz, .txt files and folders of them)."""
    from wiretrace.corpus.stories import cluster_stories
    from wiretrace.corpus.stories_exact import cluster_stories_exact
    from wiretrace.corpus.story_files import accepted_documents, write_story_outputs
    from wiretrace.ingest.readers import ReadOptions, Rejected, iter_records, write_rejects

    rejected: list[Rejected] = []
    try:
        options = StoryOptions(
            threshold=threshold, window_days=window_days, exact_threshold=exact_threshold
        )
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    try:
        records = iter_records(list(inputs), ReadOptions(hints=CLI_HINTS))
        docs = list(accepted_documents(records, skip_bad, rejected))
        with StepProgress(quiet) as progress:
            cluster = cluster_stories_exact if exact else cluster_stories
            result = cluster(docs, options, progress=progress)
        write_story_outputs(result, out)
    except InputError as exc:
        raise CommandError(f"{exc}\n{SKIP_BAD_HINT}.") from exc
    except (WiretraceError, OSError, ValueError) as exc:
        raise CommandError(str(exc)) from exc
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
