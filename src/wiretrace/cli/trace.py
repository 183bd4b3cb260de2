"""``wiretrace trace``: trace one article against an index and print or write the report."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click
from rich.console import Console

from wiretrace.cli._shared import (
    CommandError,
    column_option,
    delimiter_option,
    detect_encoding_option,
    format_option,
    max_bytes_option,
    read_options,
)
from wiretrace.dates import implausible, parse_moment
from wiretrace.errors import WiretraceError
from wiretrace.index.sqlite import SQLiteIndex, open_index
from wiretrace.ingest.readers import ReadOptions, read_article
from wiretrace.model import Document, Trace
from wiretrace.report.html import render_html
from wiretrace.report.json import trace_to_json
from wiretrace.report.terminal import render_trace, terminal_safe
from wiretrace.tracing import DEFAULT_MIN_CONFIDENCE, TraceOptions, trace


@click.command("trace")
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
@max_bytes_option("Largest article accepted, in bytes of UTF-8 text.")
@click.option(
    "--semantic",
    is_flag=True,
    help="Also match paraphrased sentences by meaning (needs the [semantic] extra).",
)
@format_option("Read FILE as this format (an HTML page is traced on its main text).")
@click.option(
    "--id", "record_id", default=None, help="The article to trace in a file that holds several."
)
@column_option("CSV: read FIELD from column NAME; repeatable.")
@delimiter_option()
@detect_encoding_option("Decode a text file that is not UTF-8 with the detected encoding.")
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report as one self-contained HTML file that opens offline, and say where "
    "(add --show for the terminal report too).",
)
@click.option("--show", is_flag=True, help="With --html, also print the terminal report.")
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
@click.option(
    "--exclude",
    "exclude",
    multiple=True,
    metavar="ID",
    help="Never take the stored document ID as a source (the next candidate takes its "
    "place); repeatable.",
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
    show: bool,
    published_at: str | None,
    title: str | None,
    source: str | None,
    url: str | None,
    min_confidence: float,
    exclude: tuple[str, ...],
) -> None:
    """Trace the article in FILE (or '-' for standard input) to its sources.

    FILE is a text file, an HTML page (traced on its main text; offsets refer to that text),
    a PDF or Word (.docx) file (traced on its extracted text), or one article of a JSONL, CSV,
    WARC or feed file (pick it with --id). --published-at, --title, --source and --url give
    what the file does not carry, or replace it.
    """
    options = read_options(fmt, columns, delimiter, detect_encoding, max_bytes)
    if published_at is not None and parse_moment(published_at) is None:
        raise click.BadParameter(
            f"{published_at!r} is not an ISO 8601 date or date-time; write e.g. 2019-04-23 "
            "or 2019-04-23T08:15:00Z",
            param_hint="--published-at",
        )
    try:  # the index first: a wrong --db is the likelier mistake, and says so at once
        index = open_index(db, create=False)
    except WiretraceError as exc:
        raise CommandError(str(exc)) from exc
    try:
        item = _read(file, options, record_id)
        doc = replace(
            item,
            published_at=_given(published_at, item.published_at),
            title=_given(title, item.title),
            source=_given(source, item.source),
            url=_given(url, item.url),
        )
        _warn_odd_date(doc, "--published-at" if published_at is not None else file)
        opts = TraceOptions(
            max_candidates=max_candidates,
            semantic=semantic,
            min_confidence=min_confidence,
            exclude=tuple(dict.fromkeys(exclude)),
        )
        result = _trace(index, doc, opts)
        corpus = index.summary(top=0) if not result.passages else None
    finally:
        index.close()
    _write_outputs(result, html_out, as_json, show=show)
    if corpus is not None:
        # Nothing found says as much about the corpus as about the article.
        where = (
            "The index is empty: nothing was compared"
            if not corpus.articles
            else f"No source found among {corpus.headline()}"
        )
        click.echo(
            f"{where}. Absence from this corpus is not proof that the article is original "
            "(see 'wiretrace info --db DB').",
            err=True,
        )


def _read(file: str, options: ReadOptions, record_id: str | None) -> Document:
    """The article to trace, its reading warnings printed."""
    try:
        entry = read_article(file, options, record_id=record_id)
    except WiretraceError as exc:
        raise CommandError(str(exc)) from exc
    if not isinstance(entry.item, Document):  # pragma: no cover - read_article raises instead
        raise CommandError(f"{file}: holds no article to trace")
    for warning in entry.warnings:
        click.echo(f"warning: {terminal_safe(file)}: {terminal_safe(warning)}", err=True)
    return entry.item


def _given(option: str | None, carried: str | None) -> str | None:
    """An option's value when given (an empty one clears the field), else the file's."""
    return carried if option is None else (option.strip() or None)


def _warn_odd_date(doc: Document, origin: str) -> None:
    """Warn when the article's date is implausible (it decides which documents are sources)."""
    moment = parse_moment(doc.published_at)
    odd = implausible(moment) if moment is not None else None
    if odd is not None:
        click.echo(
            f"warning: {terminal_safe(origin)}: the article's date "
            f"{terminal_safe(doc.published_at or '')} is {odd}; it is kept, but check it: it "
            "decides which documents can be sources",
            err=True,
        )


def _trace(index: SQLiteIndex, doc: Document, options: TraceOptions) -> Trace:
    try:
        return trace(index, doc, options)
    except WiretraceError as exc:  # for example the [semantic] extra is missing
        raise CommandError(str(exc)) from exc


def _write_outputs(result: Trace, html_out: Path | None, as_json: bool, *, show: bool) -> None:
    """Write the HTML report when asked and say so (on standard error), then print the JSON,
    or the terminal report unless only the HTML file was asked for."""
    if html_out is not None:
        try:
            html_out.write_text(render_html(result), encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                f"{html_out}: cannot write the HTML report: {exc.strerror or exc}"
            ) from exc
        click.echo(f"wrote {terminal_safe(str(html_out))}", err=True)
    if as_json:
        click.echo(trace_to_json(result))
    elif html_out is None or show:
        render_trace(result, Console())
