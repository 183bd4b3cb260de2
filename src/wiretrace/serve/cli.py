"""``wiretrace serve``: the command only; FastAPI and uvicorn are imported when it runs."""

from __future__ import annotations

import click


@click.command("serve")
def serve_cmd() -> None:
    """Serve the HTTP API and the web page (needs the [serve] extra)."""
    raise click.ClickException("not built yet")
