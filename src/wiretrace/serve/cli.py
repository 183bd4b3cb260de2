"""``wiretrace serve``: the command only; FastAPI and uvicorn are imported when it runs."""

from __future__ import annotations

from pathlib import Path

import click

from wiretrace.serve.options import (
    DEFAULT_HOST,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_PORT,
    DEFAULT_READERS,
    LOOPBACK_HOSTS,
    TOKEN_ENV,
)

MISSING_EXTRA = (
    "wiretrace serve needs the [serve] extra (FastAPI, uvicorn, python-multipart); "
    "install it with: pip install 'wiretrace[serve]'"
)


@click.command("serve")
@click.option(
    "--db",
    "db",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite index file (created empty when missing; fill it with 'wiretrace index' or "
    "POST /v1/documents).",
)
@click.option(
    "--host",
    default=DEFAULT_HOST,
    show_default=True,
    help="Address to bind. Anything but loopback exposes the service to the network.",
)
@click.option("--port", type=int, default=DEFAULT_PORT, show_default=True, help="TCP port.")
@click.option(
    "--token",
    envvar=TOKEN_ENV,
    default=None,
    help=f"API token: /v1 requests without 'Authorization: Bearer TOKEN' get 401. Prefer the "
    f"{TOKEN_ENV} environment variable (a command-line argument is visible to other users).",
)
@click.option(
    "--max-body",
    "max_body",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BODY_BYTES,
    show_default=True,
    help="Largest request body accepted, in bytes; larger ones get 413.",
)
@click.option(
    "--max-candidates",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="How many candidate sources are aligned per trace.",
)
@click.option(
    "--readers",
    type=click.IntRange(min=1),
    default=DEFAULT_READERS,
    show_default=True,
    help="Index read connections; more concurrent traces than this wait their turn.",
)
@click.option(
    "--trace-processes",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Trace in this many worker processes (0: in the server's threads). Tracing is "
    "CPU-bound, so on a machine with spare cores this raises throughput.",
)
@click.option(
    "--log-level",
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    default="info",
    show_default=True,
)
def serve_cmd(
    db: Path,
    host: str,
    port: int,
    token: str | None,
    max_body: int,
    max_candidates: int,
    readers: int,
    trace_processes: int,
    log_level: str,
) -> None:
    """Serve the HTTP API (/v1, OpenAPI at /openapi.json) and the web page at / (needs the
    [serve] extra)."""
    try:
        import uvicorn

        from wiretrace.serve.app import create_app
    except ImportError as exc:
        raise click.ClickException(f"{MISSING_EXTRA} ({exc})") from exc
    from wiretrace.errors import WiretraceError
    from wiretrace.serve.options import ServeOptions
    from wiretrace.serve.store import IndexStore
    from wiretrace.trace import TraceOptions

    if not db.parent.exists():
        raise click.ClickException(f"{db}: folder {db.parent} does not exist")
    try:
        options = ServeOptions(
            db=db,
            token=token or None,
            max_body_bytes=max_body,
            readers=readers,
            trace_processes=trace_processes,
            trace=TraceOptions(max_candidates=max_candidates),
        )
        store = IndexStore(db, readers=readers)
    except (ValueError, WiretraceError) as exc:
        raise click.ClickException(str(exc)) from exc
    count = store.count()
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"wiretrace: {count:,} documents in {db}", err=True)
    click.echo(f"wiretrace: open http://{shown}:{port}/ in a browser", err=True)
    if host not in LOOPBACK_HOSTS and not options.token:
        click.echo(
            f"wiretrace: warning: listening on {host} without a token; anyone who can reach "
            f"this address can add documents. Set {TOKEN_ENV} or pass --token.",
            err=True,
        )
    app = create_app(options, store)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        server_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=5,
    )
