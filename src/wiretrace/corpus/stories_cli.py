"""``wiretrace corpus stories``."""

from __future__ import annotations

import click


@click.command("stories")
def stories_cmd() -> None:
    """Group articles about the same event, online in time order."""
    raise click.ClickException("not built yet")
