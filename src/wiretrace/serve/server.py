"""Running the HTTP server: the FastAPI application under uvicorn (the ``[serve]`` extra).

``wiretrace serve`` parses its options into :class:`~wiretrace.serve.options.ServeOptions`
and :class:`Listen`, opens the store, and calls :func:`run_server`.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiretrace.errors import MissingExtraError
from wiretrace.serve.options import (
    DEFAULT_HEADER_TIMEOUT,
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_PORT,
    ServeOptions,
)
from wiretrace.serve.store import IndexStore

# Seconds a connection may stay open with no request after a response.
KEEP_ALIVE_SECONDS = 5

MISSING_EXTRA = (
    "wiretrace serve needs the [serve] extra (FastAPI, uvicorn, python-multipart); "
    "install it with: pip install 'wiretrace[serve]'"
)


@dataclass(frozen=True, slots=True)
class Listen:
    """How the server listens: its port, log level, and the client timeouts in seconds (for
    the request line and headers, and for silence while a body is sent). The address to bind
    is ``ServeOptions.host``."""

    port: int = DEFAULT_PORT
    log_level: str = "info"
    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT


def check_extra() -> None:
    """Raise :class:`MissingExtraError`, saying what to install, when the server's libraries
    cannot be imported."""
    try:
        import uvicorn  # noqa: F401

        from wiretrace.serve.app import create_app  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError(f"{MISSING_EXTRA} ({exc})") from exc


def run_server(options: ServeOptions, store: IndexStore, listen: Listen) -> None:
    """Serve the application on ``options.host`` until the process is stopped."""
    import uvicorn

    from wiretrace.serve.app import create_app
    from wiretrace.serve.protocol import protocol_class

    app = create_app(options, store)
    uvicorn.run(
        app,
        host=options.host,
        port=listen.port,
        log_level=listen.log_level,
        server_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=5,
        http=protocol_class(listen.header_timeout, listen.idle_timeout),
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
