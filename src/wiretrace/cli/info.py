"""``wiretrace info``: what an index holds, before anything is traced against it."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from wiretrace.cli._shared import CommandError, json_option
from wiretrace.errors import WiretraceError
from wiretrace.index.sqlite import open_index
from wiretrace.index.summary import TOP_OUTLETS, IndexSummary
from wiretrace.report.terminal import terminal_safe


@click.command("info")
@click.option(
    "--db", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The index."
)
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=TOP_OUTLETS,
    show_default=True,
    help="How many outlets to list, most articles first.",
)
@json_option("Print the summary as JSON.")
def info_cmd(db: Path, top: int, as_json: bool) -> None:
    """Say what the index in DB holds: articles, outlets, the dates they span, its size.

    A trace finds sources in this corpus only: an article that matches nothing here is not
    shown to be original.
    """
    try:
        with open_index(db, create=False, readonly=True) as index:
            summary = index.summary(top)
    except WiretraceError as exc:
        raise CommandError(str(exc)) from exc
    if as_json:
        click.echo(json.dumps({**summary.to_dict(), "summary": summary.headline()}, indent=2))
        return
    _print(summary)


def _print(summary: IndexSummary) -> None:
    console = Console()
    console.print(Text(summary.headline(), style="bold"))
    console.print(
        Text(
            f"{summary.texts:,} distinct texts; index format {summary.format_version}, "
            f"{summary.size_bytes / 1_000_000:,.1f} MB ({terminal_safe(summary.path)})"
        )
    )
    if summary.without_outlet:
        console.print(Text(f"{summary.without_outlet:,} articles name no outlet."))
    if summary.top_outlets:
        table = Table(title="Outlets, most articles first", title_justify="left")
        table.add_column("outlet", overflow="fold")
        table.add_column("articles", justify="right")
        for outlet, count in summary.top_outlets:
            table.add_row(Text(terminal_safe(outlet)), f"{count:,}")
        if summary.outlets > len(summary.top_outlets):
            table.caption = f"... and {summary.outlets - len(summary.top_outlets):,} more"
        console.print(table)
