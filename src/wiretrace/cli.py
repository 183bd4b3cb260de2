"""The ``wiretrace`` command line: a thin layer over the library."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from wiretrace.corpus.cli import corpus_group
from wiretrace.corpus.stories_cli import eval_stories_cmd
from wiretrace.dates import implausible, parse_moment
from wiretrace.errors import InputError, WiretraceError
from wiretrace.index.sqlite import open_index
from wiretrace.ingest.base import CsvOptions, Format, os_reason
from wiretrace.ingest.readers import (
    ReadOptions,
    Rejected,
    input_size,
    read_article,
    write_rejects,
)
from wiretrace.ingest.run import FormatCounts, Summary, index_inputs
from wiretrace.ingest.run import Progress as RunProgress
from wiretrace.model import Document
from wiretrace.report.html import render_html
from wiretrace.report.json import trace_to_json
from wiretrace.report.terminal import render_trace, terminal_safe
from wiretrace.serve.cli import serve_cmd
from wiretrace.trace import DEFAULT_MIN_CONFIDENCE, TraceOptions, trace

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_F = TypeVar("_F", bound=Callable[..., Any])


def _fail(message: str) -> None:
    click.echo(f"error: {terminal_safe(message, multiline=True)}", err=True)
    sys.exit(1)


@click.group()
@click.version_option(package_name="wiretrace")
def main() -> None:
    """wiretrace finds where news text came from."""


_FORMATS = click.Choice(["auto", *(f.value for f in Format)], case_sensitive=False)
_SHOWN_WARNINGS = 10


def _format_option(help_text: str) -> Callable[[_F], _F]:
    return click.option(
        "--format", "fmt", type=_FORMATS, default="auto", show_default=True, help=help_text
    )


def _read_options(
    fmt: str, columns: tuple[str, ...], delimiter: str | None, detect: bool, max_bytes: int
) -> ReadOptions:
    """Build the reading options from the command line; raise click.BadParameter if wrong."""
    pairs = []
    for item in columns:
        name, sep, column = item.partition("=")
        if not sep or not name.strip() or not column.strip():
            raise click.BadParameter(f"expected FIELD=NAME, got {item!r}", param_hint="--column")
        pairs.append((name.strip(), column.strip()))
    try:
        return ReadOptions(
            max_bytes=max_bytes,
            format=None if fmt.lower() == "auto" else Format(fmt.lower()),
            csv=CsvOptions(tuple(pairs), delimiter),
            detect_encoding=detect,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def _check_writable(path: Path, option: str) -> None:
    """Raise click.BadParameter, before any work, when ``path`` cannot be written.

    The file is opened for appending (so nothing in it is lost) and removed again when this
    made it.
    """
    existed = path.exists()
    try:
        with path.open("a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise click.BadParameter(
            f"cannot write {terminal_safe(str(path))}: {os_reason(exc)}; choose a writable file",
            param_hint=option,
        ) from exc
    if not existed:
        path.unlink(missing_ok=True)


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
@_format_option("Read every input as this format instead of by extension and content.")
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=NAME",
    help="CSV: read FIELD (id, text, title, url, source, published_at, language, author) "
    "from column NAME; repeatable.",
)
@click.option("--delimiter", default=None, help="CSV: field delimiter (default ',').")
@click.option(
    "--detect-encoding",
    is_flag=True,
    help="Decode .txt files that are not UTF-8 with the detected encoding.",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Largest document accepted, in bytes (UTF-8 text; the raw page for HTML and WARC).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=min(2, os.cpu_count() or 1),
    show_default=True,
    help="Processes that fingerprint documents while the main one writes.",
)
@click.option(
    "--no-fold",
    is_flag=True,
    help="Keep exact duplicates as separate documents (for a new index).",
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
    no_fold: bool,
    quiet: bool,
) -> None:
    """Add documents to the index DB.

    Reads .jsonl/.jsonl.gz, .txt, .html, .warc/.warc.gz, .rss/.atom feeds, .csv/.tsv files and
    folders of them. A run killed part-way can be rerun: it resumes and ends as a clean run.
    An id is at most 1,024 characters and holds no control character; other records are
    rejected with their place.
    """
    options = _read_options(fmt, columns, delimiter, detect_encoding, max_bytes)
    path = rejects or db.with_name(db.name + ".rejects.jsonl")
    # The default file sits next to DB: a missing folder there is the index's error to report.
    if rejects is not None or (skip_bad and db.parent.is_dir()):
        _check_writable(path, "--rejects")
    console = Console(stderr=True, quiet=quiet)
    rejected: list[Rejected] = []
    warnings: list[tuple[str, str]] = []
    try:
        index = open_index(db, fold_duplicates=not no_fold)
    except WiretraceError as exc:
        _fail(str(exc))
        return
    try:
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
            console=console,
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

            summary = index_inputs(
                index,
                list(inputs),
                options,
                skip_bad=skip_bad,
                workers=workers,
                on_reject=rejected.append,
                on_warning=lambda where, message: warnings.append((where, message)),
                on_progress=tick,
            )
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
    size, folded = len(index), index.appearance_count()
    index.close()
    if rejected:
        try:
            write_rejects(rejected, path)
        except OSError as exc:  # checked before the work; the disk may have filled since
            _fail(f"{path}: cannot write the rejected records: {os_reason(exc)}")
            return
    _print_summary(db, size, folded, summary)
    for where, message in warnings[:_SHOWN_WARNINGS]:
        click.echo(f"  warning: {terminal_safe(where)}: {terminal_safe(message)}", err=True)
    if len(warnings) > _SHOWN_WARNINGS:
        click.echo(f"  ... and {len(warnings) - _SHOWN_WARNINGS} more warnings", err=True)
    if rejected:
        click.echo(f"  rejected records are listed in {terminal_safe(str(path))}", err=True)


def _print_summary(db: Path, size: int, folded: int, summary: Summary) -> None:
    """The table by format; in each row, read = added + updated + unchanged + duplicate +
    skipped + rejected."""
    title = f"Indexed into {db} ({size:,} documents in the index"
    title += f"; {folded:,} more ids folded into them as exact duplicates)" if folded else ")"
    table = Table(title=Text(terminal_safe(title)), title_justify="left")
    table.add_column("format")
    names = ("read", "added", "updated", "unchanged", "duplicate", "skipped", "rejected")
    for name in (*names, "warnings"):
        table.add_column(name, justify="right")
    rows: list[tuple[str, FormatCounts]] = [(str(f), c) for f, c in sorted(summary.formats.items())]
    if len(rows) > 1:
        rows.append(("total", summary.total()))
    for label, c in rows:
        values = (c.read, c.added, c.updated, c.unchanged, c.duplicate, c.skipped)
        table.add_row(label, *map(str, values), str(c.rejected_total), str(c.warnings))
    Console(stderr=True, width=120).print(table)
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
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="How many candidate sources are aligned.",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Largest article accepted, in bytes of UTF-8 text.",
)
@click.option(
    "--semantic",
    is_flag=True,
    help="Also match paraphrased sentences by meaning (needs the [semantic] extra).",
)
@_format_option("Read FILE as this format (an HTML page is traced on its main text).")
@click.option(
    "--id", "record_id", default=None, help="The article to trace in a file that holds several."
)
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=NAME",
    help="CSV: read FIELD from column NAME; repeatable.",
)
@click.option("--delimiter", default=None, help="CSV: field delimiter (default ',').")
@click.option(
    "--detect-encoding",
    is_flag=True,
    help="Decode a text file that is not UTF-8 with the detected encoding.",
)
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the report as one self-contained HTML file that opens offline.",
)
@click.option(
    "--published-at",
    default=None,
    metavar="ISO8601",
    help="When the article was published (e.g. 2019-04-23 or 2019-04-23T08:15Z); overrides "
    "the file's date. Stored documents dated after it are listed as later, never as sources.",
)
@click.option("--title", default=None, help="The article's title; overrides the file's.")
@click.option("--source", default=None, help="The article's outlet; overrides the file's.")
@click.option("--url", default=None, help="The article's URL; overrides the file's.")
@click.option(
    "--min-confidence",
    type=click.FloatRange(0.0, 1.0),
    default=DEFAULT_MIN_CONFIDENCE,
    show_default=True,
    help="Show passages at least this likely to be right; 0 shows every passage found "
    "(the JSON then holds them all).",
)
def trace_cmd(
    db: Path,
    file: str,
    as_json: bool,
    max_candidates: int,
    max_bytes: int,
    semantic: bool,
    fmt: str,
    record_id: str | None,
    columns: tuple[str, ...],
    delimiter: str | None,
    detect_encoding: bool,
    html_out: Path | None,
    published_at: str | None,
    title: str | None,
    source: str | None,
    url: str | None,
    min_confidence: float,
) -> None:
    """Trace the article in FILE (or '-' for standard input) to its sources.

    FILE is a text file, an HTML page (traced on its main text; offsets refer to that text),
    or one article of a JSONL, CSV, WARC or feed file (pick it with --id). --published-at,
    --title, --source and --url give what the file does not carry, or replace it.
    """
    options = _read_options(fmt, columns, delimiter, detect_encoding, max_bytes)
    if published_at is not None and parse_moment(published_at) is None:
        raise click.BadParameter(
            f"{published_at!r} is not an ISO 8601 date or date-time; write e.g. 2019-04-23 "
            "or 2019-04-23T08:15:00Z",
            param_hint="--published-at",
        )
    try:  # the index first: a wrong --db is the likelier mistake, and says so at once
        index = open_index(db, create=False)
    except WiretraceError as exc:
        _fail(str(exc))
        return
    try:
        entry = read_article(file, options, record_id=record_id)
    except WiretraceError as exc:
        index.close()
        _fail(str(exc))
        return
    if not isinstance(entry.item, Document):  # pragma: no cover - read_article raises instead
        index.close()
        _fail(f"{file}: holds no article to trace")
        return
    item = entry.item
    doc = replace(
        item,
        published_at=_given(published_at, item.published_at),
        title=_given(title, item.title),
        source=_given(source, item.source),
        url=_given(url, item.url),
    )
    for warning in entry.warnings:
        click.echo(f"warning: {terminal_safe(file)}: {terminal_safe(warning)}", err=True)
    moment = parse_moment(doc.published_at)
    odd = implausible(moment) if moment is not None else None
    if odd is not None:
        origin = "--published-at" if published_at is not None else terminal_safe(file)
        click.echo(
            f"warning: {origin}: the article's date {terminal_safe(doc.published_at or '')} is "
            f"{odd}; it is kept, but check it: it decides which documents can be sources",
            err=True,
        )
    try:
        opts = TraceOptions(
            max_candidates=max_candidates, semantic=semantic, min_confidence=min_confidence
        )
        result = trace(index, doc, opts)
    except WiretraceError as exc:  # for example the [semantic] extra is missing
        _fail(str(exc))
        return
    finally:
        index.close()
    if html_out is not None:
        try:
            html_out.write_text(render_html(result), encoding="utf-8")
        except OSError as exc:
            _fail(f"{html_out}: cannot write the HTML report: {exc.strerror or exc}")
            return
    if as_json:
        click.echo(trace_to_json(result))
    else:
        render_trace(result, Console())


def _given(option: str | None, carried: str | None) -> str | None:
    """An option's value when given (an empty one clears the field), else the file's."""
    return carried if option is None else (option.strip() or None)


class _Report(Protocol):
    def to_dict(self) -> Mapping[str, object]: ...

    def format_table(self) -> str: ...


def _echo_report(report: _Report, as_json: bool) -> None:
    """Print an evaluation report as JSON or as its plain-text table."""
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:  # names in the table come from the corpus: no control characters to the terminal
        click.echo(terminal_safe(report.format_table(), multiline=True))


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
@click.option(
    "--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Worker processes."
)
@click.option(
    "--category",
    "categories",
    multiple=True,
    help="Only these category folders (for example 02-no-obfuscation); repeatable.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help="Only the first N pairs of each category.",
)
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
@click.option(
    "--count", type=click.IntRange(min=1), default=200, show_default=True,
    help="Composites to make.",
)
@click.option("--seed", type=int, default=20050314, show_default=True, help="Generator seed.")
@click.option(
    "--distractors",
    type=click.IntRange(min=-1),
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
@click.option(
    "--semantic",
    is_flag=True,
    help="Also score sentence-embedding matchers (needs the [semantic] extra; a few minutes).",
)
def eval_mrpc_cmd(data_dir: Path, as_json: bool, semantic: bool) -> None:
    """Accuracy and F1 of the sentence matchers on MRPC (everything fitted on train)."""
    from wiretrace.eval.mrpc import run_mrpc

    try:
        report = run_mrpc(data_dir, semantic=semantic)
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


@eval_group.command("news")
@click.argument(
    "shared_data", type=click.Path(file_okay=False, path_type=Path), default="../shared/data"
)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report.")
@click.option(
    "--dump-passages",
    "dump",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write one JSON line per reported passage, with features and label, to this file.",
)
@click.option(
    "--split",
    type=click.Choice(["fit", "held-out", "all"]),
    default=None,
    help="Queries to trace and score (default all); the dump holds this split (default fit).",
)
@click.option("--seed", type=int, default=20190423, show_default=True, help="Generator seed.")
@click.option("--no-spun", is_flag=True, help="Skip the spun composites (renames as edits).")
def eval_news_cmd(
    shared_data: Path,
    as_json: bool,
    dump: Path | None,
    split: str | None,
    seed: int,
    no_spun: bool,
) -> None:
    """Trace query articles lifted from real ECB+ news among same-story distractors, and
    Wikinews articles among their cited sources: precision, recall, headlines, earliest
    source, direction and calibration."""
    from wiretrace.eval.news import run_news

    try:
        report = run_news(
            shared_data,
            seed=seed,
            split=split or "all",
            dump=dump,
            dump_split=split,
            spun=not no_spun,
        )
    except WiretraceError as exc:
        _fail(str(exc))
        return
    _echo_report(report, as_json)


main.add_command(corpus_group)
main.add_command(serve_cmd)
eval_group.add_command(eval_stories_cmd)

if __name__ == "__main__":  # pragma: no cover
    main()
