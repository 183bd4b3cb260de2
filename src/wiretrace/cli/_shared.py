"""What the commands share: the error they raise, options used by several, and reading them."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar

import click

from wiretrace.errors import WiretraceError
from wiretrace.ingest.base import (
    DEFAULT_MAX_BYTES,
    HINT_CHOOSE_ID,
    HINT_DETECT_ENCODING,
    HINT_FORMAT,
    HINT_MAX_BYTES,
    HINT_TEXT_COLUMN,
    CsvOptions,
    Format,
    os_reason,
)
from wiretrace.ingest.readers import ReadOptions
from wiretrace.report.terminal import terminal_safe

_F = TypeVar("_F", bound=Callable[..., Any])

FORMATS = click.Choice(["auto", *(f.value for f in Format)], case_sensitive=False)
DEFAULT_WORKERS = min(2, os.cpu_count() or 1)
# How a command that stopped at a bad record tells the user what to do.
SKIP_BAD_HINT = "Fix the record, or pass --skip-bad to skip bad records"


class CommandError(click.ClickException):
    """A command failed: shown as ``error: MESSAGE`` (no control characters), exit status 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {terminal_safe(self.message, multiline=True)}", err=True)


def format_option(help_text: str) -> Callable[[_F], _F]:
    return click.option(
        "--format", "fmt", type=FORMATS, default="auto", show_default=True, help=help_text
    )


def column_option(help_text: str) -> Callable[[_F], _F]:
    return click.option("--column", "columns", multiple=True, metavar="FIELD=NAME", help=help_text)


def delimiter_option() -> Callable[[_F], _F]:
    return click.option("--delimiter", default=None, help="CSV: field delimiter (default ',').")


def detect_encoding_option(help_text: str) -> Callable[[_F], _F]:
    return click.option("--detect-encoding", is_flag=True, help=help_text)


def max_bytes_option(help_text: str) -> Callable[[_F], _F]:
    return click.option(
        "--max-bytes",
        type=click.IntRange(min=1),
        default=DEFAULT_MAX_BYTES,
        show_default=True,
        help=help_text,
    )


def workers_option(help_text: str) -> Callable[[_F], _F]:
    return click.option(
        "--workers",
        type=click.IntRange(min=1),
        default=DEFAULT_WORKERS,
        show_default=True,
        help=help_text,
    )


def json_option(help_text: str = "Print the JSON report.") -> Callable[[_F], _F]:
    return click.option("--json", "as_json", is_flag=True, help=help_text)


def skip_bad_option(help_text: str) -> Callable[[_F], _F]:
    return click.option("--skip-bad", is_flag=True, help=help_text)


# The command line's advice for input problems, in the words of its options (the readers say
# only what is wrong: see ``ReadOptions.hints``).
CLI_HINTS = {
    HINT_MAX_BYTES: "raise the limit with --max-bytes",
    HINT_DETECT_ENCODING: "or pass --detect-encoding to guess its encoding",
    HINT_FORMAT: "or pass the right --format",
    HINT_TEXT_COLUMN: "name the column that holds the article with --column text=NAME",
    HINT_CHOOSE_ID: "pick the one to trace with --id ID",
}


def read_options(
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
            hints=CLI_HINTS,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def check_writable(path: Path, option: str) -> None:
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


class Report(Protocol):
    """What an evaluation returns: a dict for JSON and a plain-text table."""

    def to_dict(self) -> Mapping[str, object]: ...

    def format_table(self) -> str: ...


def echo_report(run: Callable[[], Report], as_json: bool) -> None:
    """Run an evaluation and print its report as JSON or as its plain-text table; a
    :class:`WiretraceError` becomes a :class:`CommandError`."""
    try:
        report = run()
    except WiretraceError as exc:
        raise CommandError(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:  # names in the table come from the corpus: no control characters to the terminal
        click.echo(terminal_safe(report.format_table(), multiline=True))
