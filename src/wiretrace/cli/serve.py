"""``wiretrace serve``: the command and its options; :mod:`wiretrace.serve.server` runs the
server (FastAPI and uvicorn are imported only then).

Its errors are plain :class:`click.ClickException` (``Error: ...``), as they always were.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from wiretrace.serve.options import (
    DEFAULT_HEADER_TIMEOUT,
    DEFAULT_HOST,
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_LONG_CHARS,
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_PORT,
    DEFAULT_READERS,
    DEFAULT_TRACE_MAX_WAIT,
    DEFAULT_TRACE_PROCESSES,
    DEFAULT_TRACE_QUEUE,
    DEFAULT_TRACE_TIMEOUT,
    TOKEN_ENV,
    exposure_warning,
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
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="Another name the server answers to in the Host header (repeatable), e.g. when it "
    "is reached as wiretrace.example.org. Other names get 421, which stops DNS rebinding.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="TCP port.",
)
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
    help="Traces that run at once in the server's threads (with --trace-processes 0); "
    "more wait their turn.",
)
@click.option(
    "--trace-processes",
    type=click.IntRange(min=0),
    default=DEFAULT_TRACE_PROCESSES,
    show_default=True,
    help="Trace in this many worker processes, plus one for long articles (0: in the "
    "server's threads). A worker whose trace passes its deadline, or whose client goes "
    "away, is killed and replaced; a thread cannot be stopped and runs on.",
)
@click.option(
    "--trace-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TRACE_TIMEOUT,
    show_default=True,
    help="Seconds a trace may take, waiting included; past it the request gets 503.",
)
@click.option(
    "--trace-queue",
    type=click.IntRange(min=0),
    default=DEFAULT_TRACE_QUEUE,
    show_default=True,
    help="Traces that may wait for a free slot (per lane: ordinary and long articles); "
    "beyond that, 503 with Retry-After.",
)
@click.option(
    "--trace-max-wait",
    type=click.FloatRange(min=0),
    default=DEFAULT_TRACE_MAX_WAIT,
    show_default=True,
    help="An ordinary trace that would wait longer than this many seconds for a slot (by "
    "the recent trace times) gets 503 with Retry-After at once.",
)
@click.option(
    "--long-chars",
    type=click.IntRange(min=1),
    default=DEFAULT_LONG_CHARS,
    show_default=True,
    help="Articles longer than this (characters) are traced in a lane of their own, one at "
    "a time, so they never hold up ordinary ones.",
)
@click.option(
    "--header-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_HEADER_TIMEOUT,
    show_default=True,
    help="Seconds a client has to send its request line and headers.",
)
@click.option(
    "--idle-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_IDLE_TIMEOUT,
    show_default=True,
    help="Seconds a client may send nothing while sending a request body.",
)
@click.option(
    "--log-level",
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    default="info",
    show_default=True,
)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Report passages at least this likely to be right (default: that of 'trace "
    "--min-confidence'); 0 reports every passage found.",
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
    trace_timeout: float,
    trace_queue: int,
    trace_max_wait: float,
    long_chars: int,
    header_timeout: float,
    idle_timeout: float,
    allowed_hosts: tuple[str, ...],
    log_level: str,
    min_confidence: float | None,
) -> None:
    """Serve the HTTP API (/v1, OpenAPI at /openapi.json) and the web page at / (needs the
    [serve] extra)."""
    from wiretrace.errors import MissingExtraError, WiretraceError
    from wiretrace.serve.options import ServeOptions
    from wiretrace.serve.server import Listen, check_extra, run_server
    from wiretrace.serve.store import IndexStore
    from wiretrace.tracing import TraceOptions

    try:
        check_extra()
    except MissingExtraError as exc:
        raise click.ClickException(str(exc)) from exc
    if token is None and TOKEN_ENV in os.environ:
        token = os.environ[TOKEN_ENV]  # click reads an empty variable as unset; it is not
    if not db.parent.exists():
        raise click.ClickException(f"{db}: folder {db.parent} does not exist")
    try:
        options = ServeOptions(
            db=db,
            token=token,
            max_body_bytes=max_body,
            readers=readers,
            trace_processes=trace_processes,
            trace_timeout=trace_timeout,
            trace_queue=trace_queue,
            trace_max_wait=trace_max_wait,
            long_chars=long_chars,
            host=host,
            allowed_hosts=allowed_hosts,
            trace=TraceOptions(max_candidates=max_candidates)
            if min_confidence is None
            else TraceOptions(max_candidates=max_candidates, min_confidence=min_confidence),
        )
        store = IndexStore(db, readers=readers)
    except (ValueError, WiretraceError) as exc:
        raise click.ClickException(str(exc)) from exc
    count = store.count()
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"wiretrace: {count:,} documents in {db}", err=True)
    click.echo(f"wiretrace: open http://{shown}:{port}/ in a browser", err=True)
    warning = exposure_warning(host, options.token)
    if warning:
        click.echo(f"wiretrace: {warning}", err=True)
    run_server(options, store, Listen(port, log_level, header_timeout, idle_timeout))
