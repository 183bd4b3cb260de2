"""The FastAPI application: the versioned JSON API under ``/v1`` and the web page at ``/``.

Endpoints (OpenAPI at ``/openapi.json``)::

    POST /v1/trace              JSON {text, title?, url?, source?, published_at?, id?}, or a
                                multipart upload of a .txt/.html/.pdf/.docx file -> the JSON report
                                (?view=true adds the text and word diffs the page draws;
                                ?format=html returns the standalone HTML report)
    POST /v1/documents          a JSON array or a JSONL body, or one uploaded file (JSONL,
                                CSV, HTML, WARC, feed, PDF, Word) -> counts and rejects
    GET  /v1/documents          the stored articles, a page at a time: ?q= (title words),
                                outlet, from, to, sort, page, per_page
    GET  /v1/documents/{id}     one stored document
    GET  /v1/health             status, version and document count
    GET  /v1/index              what the index holds: articles, outlets, dates, size
    GET  /                      the web page; /static/... its script and style

Errors are JSON ``{"error": {"status", "code", "message"}}`` with a 4xx status for anything the
client can fix; nothing the client sends produces a 500. A trace that cannot start because its
queue is full gets 503 ``busy`` with ``Retry-After``; one that passes its deadline gets 503
``trace_timeout`` and is stopped (see :mod:`wiretrace.serve.pool`); one whose client goes away
is stopped too. The routes only parse, call the library (:func:`wiretrace.tracing.trace`, the
index) off the event loop, and format.

Where things are: the routes in :mod:`wiretrace.serve.routes` (one router per concern), what
they share in :mod:`wiretrace.serve.service`, the error handlers in
:mod:`wiretrace.serve.handlers`, the OpenAPI schemas in :mod:`wiretrace.serve.openapi`, and the
middleware in :mod:`wiretrace.serve.guard`. This module only puts them together.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import metadata

from fastapi import FastAPI

from wiretrace.serve.guard import Guard, HostPolicy
from wiretrace.serve.handlers import add_handlers
from wiretrace.serve.options import ServeOptions
from wiretrace.serve.routes import routers
from wiretrace.serve.service import Service
from wiretrace.serve.store import IndexStore

__all__ = ["create_app"]

_DESCRIPTION = (
    "Versioned JSON API of wiretrace. No URL given in a request is ever fetched. "
    "When the server runs with a token, every /v1 request needs "
    "'Authorization: Bearer <token>'. Request bodies over the limit get 413; "
    'errors are JSON {"error": {"status", "code", "message"}}.'
)


def _version() -> str:
    try:
        return metadata.version("wiretrace")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"


def create_app(options: ServeOptions, store: IndexStore | None = None) -> FastAPI:
    """The application for ``options``; it opens the index (or uses ``store``) and closes it
    on shutdown."""
    service = Service.open(options, store)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        service.close()

    app = FastAPI(
        title="wiretrace",
        version=_version(),
        summary="Trace where news text came from: passages, sources, edits and signals.",
        description=_DESCRIPTION,
        docs_url=None,  # the Swagger and ReDoc pages load scripts from a CDN; nothing may
        redoc_url=None,  # be fetched, so only the OpenAPI document itself is served
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.service = service
    app.add_middleware(
        Guard,
        token=options.token,
        max_body=options.max_body_bytes,
        hosts=HostPolicy.for_bind(options.host, options.allowed_hosts),
    )
    add_handlers(app)  # any other exception reaches the Guard, which answers a JSON 500
    for router in routers():
        app.include_router(router)
    return app
