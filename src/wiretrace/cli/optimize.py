"""``wiretrace optimize``: compact an index after a bulk load, for faster traces."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from wiretrace.cli._shared import CommandError, json_option
from wiretrace.errors import WiretraceError
from wiretrace.index.sqlite import open_index


@click.command("optimize")
@click.option(
    "--db", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The index."
)
@click.option(
    "--no-vacuum",
    is_flag=True,
    help="Skip rewriting the file (VACUUM), which needs free disk space about its size.",
)
@json_option("Print what was done as JSON.")
def optimize_cmd(db: Path, no_vacuum: bool, as_json: bool) -> None:
    """Merge the index in DB into its fastest form: one postings table, one FTS5 segment, and
    (unless --no-vacuum) no free pages. Run it after indexing many documents; a trace is
    then quicker on a big index. Indexing more afterwards works as before.
    """
    try:
        with open_index(db, create=False) as index:
            report = index.optimize(vacuum=not no_vacuum)
    except WiretraceError as exc:
        raise CommandError(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(asdict(report), indent=2))
        return
    steps = [
        f"postings: {report.postings_tables} table(s) merged into one "
        f"({report.postings_seconds:.1f} s)",
        f"word index: segments merged ({report.lexical_seconds:.1f} s)",
    ]
    if report.vacuum_seconds is not None:
        steps.append(f"file rewritten without free pages ({report.vacuum_seconds:.1f} s)")
    for step in steps:
        click.echo(step)
    click.echo(
        f"{db}: {report.bytes_before / 1_000_000:,.1f} MB before, "
        f"{report.bytes_after / 1_000_000:,.1f} MB after"
    )
