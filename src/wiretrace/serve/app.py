"""The FastAPI application: the versioned JSON API under ``/v1`` and the web page at ``/``.

Endpoints (OpenAPI at ``/openapi.json``)::

    POST /v1/trace              JSON {text, title?, url?, source?, published_at?, id?}, or a
                                multipart upload of a .txt or .html file -> the JSON report
                                (?view=true adds the text and word diffs the page draws;
                                ?format=html returns the standalone HTML report)
    POST /v1/documents          a JSON array or a JSONL body -> counts and rejects
    GET  /v1/documents/{id}     one stored document
    GET  /v1/health             status, version and document count
    GET  /                      the web page; /static/... its script and style

Errors are JSON ``{"error": {"status", "code", "message"}}`` with a 4xx status for anything the
client can fix; nothing the client sends produces a 500. A trace that cannot start because its
queue is full gets 503 ``busy`` with ``Retry-After``; one that passes its deadline gets 503
``trace_timeout`` and is stopped (see :mod:`wiretrace.serve.pool`); one whose client goes away
is stopped too. The routes only parse, call the library (:func:`wiretrace.trace.trace`, the
index) off the event loop, and format.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from importlib import metadata, resources
from typing import Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from wiretrace.errors import WiretraceError
from wiretrace.model import SCHEMA_VERSION, Document, Trace
from wiretrace.report.html import asset_text, render_html, report_csp, view_payload
from wiretrace.report.json import trace_schema, trace_to_dict
from wiretrace.serve.guard import Guard, HostPolicy
from wiretrace.serve.inputs import (
    JSON_TYPES,
    JSONL_TYPES,
    MULTIPART,
    TRACE_FIELDS,
    ApiError,
    media_type,
    parse_documents,
    parse_trace_json,
    trace_upload,
    validate_doc_id,
)
from wiretrace.serve.options import ServeOptions
from wiretrace.serve.pool import Backend, Busy, Lane, ProcessLane, ThreadLane, WorkerLost
from wiretrace.serve.store import IndexStore
from wiretrace.trace import trace

log = logging.getLogger(__name__)

# The page's files: URL name -> (package, path inside it, media type). Nothing else is served.
STATIC_FILES = {
    "report.js": ("wiretrace.report", "assets/report.js", "text/javascript"),
    "report.css": ("wiretrace.report", "assets/report.css", "text/css"),
    "app.js": ("wiretrace.serve", "static/app.js", "text/javascript"),
    "page.css": ("wiretrace.serve", "static/page.css", "text/css"),
}

_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
            },
        }
    },
}


_ERROR_MEANING = {
    400: "malformed request (bad Content-Length, no Host)",
    401: "API token missing or wrong",
    403: "cross-site request refused",
    404: "not found",
    405: "method not allowed",
    413: "request body over the limit",
    415: "unsupported media type",
    421: "Host header not one this server answers to",
    422: "invalid request",
    500: "internal error",
    503: "busy (queue full: see Retry-After), past the trace deadline, or index unavailable",
}
# What any /v1 request may get from the guard, whatever the route.
_GUARD_STATUSES = (400, 401, 403, 421)


def _error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        s: {
            "description": _ERROR_MEANING.get(s, "error"),
            "content": {"application/json": {"schema": _ERROR_SCHEMA}},
        }
        for s in sorted({*statuses, *_GUARD_STATUSES})
    }


def _openapi_schema(node: Any) -> Any:
    """A JSON schema as the OpenAPI document gives it: a tuple (``prefixItems: [a, b, c]``)
    becomes ``items: {anyOf: [a, b, c]}`` (with the length bounds kept). schemathesis 4.32
    turns ``prefixItems`` into the draft-07 ``items: [...]`` form and then rejects that as
    invalid OpenAPI 3.1; the report's own schema (``wiretrace.report.json.trace_schema``)
    keeps the exact tuple."""
    if isinstance(node, list):
        return [_openapi_schema(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _openapi_schema(v) for k, v in node.items()}
    tuple_items = out.pop("prefixItems", None)
    if isinstance(out.get("items"), list):
        tuple_items = out.pop("items")
    if isinstance(tuple_items, list):
        out["items"] = {"anyOf": tuple_items}
    return out


def _report_schema() -> dict[str, Any]:
    schema = trace_schema()
    result = _openapi_schema({k: v for k, v in schema.items() if not k.startswith("$")})
    assert isinstance(result, dict)
    return result


_TRACE_REQUEST = {
    "type": "object",
    "required": ["text"],
    "additionalProperties": False,
    "properties": {
        "text": {"type": "string", "minLength": 1, "description": "the article text"},
        "title": {"type": ["string", "null"]},
        "url": {"type": ["string", "null"], "description": "kept as metadata; never fetched"},
        "source": {"type": ["string", "null"], "description": "the outlet"},
        "published_at": {"type": ["string", "null"], "description": "ISO 8601"},
        "id": {"type": ["string", "null"], "description": "default 'query'"},
    },
}
_UPLOAD_REQUEST = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "a .txt or .html file"},
        **{k: {"type": "string"} for k in TRACE_FIELDS if k != "text"},
    },
}
_DOCUMENT = {
    "type": "object",
    "required": ["id", "text"],
    "properties": {
        "id": {"type": ["string", "integer"]},
        "text": {"type": "string"},
        **{k: {"type": ["string", "null"]} for k in ("title", "url", "source", "language")},
        "published_at": {"type": ["string", "null"], "description": "ISO 8601"},
    },
}


def _version() -> str:
    try:
        return metadata.version("wiretrace")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"


def _json_error(error: ApiError, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        error.body(), status_code=error.status, headers={**error.headers, **(headers or {})}
    )


async def _client_gone(request: Request) -> None:
    """Returns when the client of ``request`` (whose body was read) disconnects."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


# CPU priority of the trace worker processes below the server's own (see ProcessLane).
ORDINARY_NICENESS = 5
LONG_NICENESS = 15


def _lanes(options: ServeOptions, index: IndexStore) -> tuple[Lane, Lane]:
    """The ordinary and the long-article lanes, on threads or worker processes."""

    def trace_here(doc: Document) -> Trace:
        with index.reading("trace") as reader:
            return trace(reader, doc, options.trace)

    def trace_long(doc: Document) -> Trace:
        with index.reading("long") as reader:
            return trace(reader, doc, options.trace)

    ordinary_backend: Backend
    long_backend: Backend
    if options.trace_processes:
        ordinary_backend = ProcessLane(options.db, options.trace, options.trace_processes,
                                       ORDINARY_NICENESS)
        long_backend = ProcessLane(options.db, options.trace, 1, LONG_NICENESS)
    else:
        ordinary_backend = ThreadLane(trace_here, options.readers, "wt-trace")
        long_backend = ThreadLane(trace_long, 1, "wt-long")
    queue, deadline = options.trace_queue, options.trace_timeout
    return (
        Lane("ordinary", ordinary_backend, queue, 1, min(options.trace_max_wait, deadline)),
        # A long article waits at most its deadline: a longer wait could never end in time.
        Lane("long-article", long_backend, queue, 10, deadline),
    )


def _describe_validation(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = [str(x) for x in err.get("loc", ())]
        where = f"{loc[0]} parameter {'.'.join(loc[1:])!r}" if len(loc) > 1 else "request"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def create_app(options: ServeOptions, store: IndexStore | None = None) -> FastAPI:
    """The application for ``options``; it opens the index (or uses ``store``) and closes it
    on shutdown."""
    index = store or IndexStore(options.db, readers=options.readers)
    limit = options.max_body_bytes
    ordinary, long = _lanes(options, index)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        ordinary.backend.close()
        long.backend.close()
        index.close()

    app = FastAPI(
        title="wiretrace",
        version=_version(),
        summary="Trace where news text came from: passages, sources, edits and signals.",
        description=(
            "Versioned JSON API of wiretrace. No URL given in a request is ever fetched. "
            "When the server runs with a token, every /v1 request needs "
            "'Authorization: Bearer <token>'. Request bodies over the limit get 413; "
            "errors are JSON {\"error\": {\"status\", \"code\", \"message\"}}."
        ),
        docs_url=None,  # the Swagger and ReDoc pages load scripts from a CDN; nothing may
        redoc_url=None,  # be fetched, so only the OpenAPI document itself is served
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.lanes = (ordinary, long)
    app.add_middleware(
        Guard,
        token=options.token,
        max_body=limit,
        hosts=HostPolicy.for_bind(options.host, options.allowed_hosts),
    )

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return _json_error(exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return _json_error(ApiError(422, "invalid_parameter", _describe_validation(exc)))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        codes = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}
        message = str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such endpoint: {request.method} {request.url.path}"
        elif exc.status_code == 405:
            method = request.scope.get("wiretrace.method", request.method)
            message = f"{method} is not allowed on {request.url.path}"
        code = codes.get(exc.status_code, "bad_request")
        return _json_error(ApiError(exc.status_code, code, message), exc.headers)

    # Any other exception reaches the Guard, which logs it and answers a JSON 500.

    async def run_trace(request: Request, doc: Document) -> Trace:
        """Trace ``doc`` in its lane; stopped at the deadline or when the client goes away."""
        lane = long if len(doc.text) > options.long_chars else ordinary
        work = asyncio.ensure_future(lane.run(doc))
        gone = asyncio.ensure_future(_client_gone(request))
        try:
            await asyncio.wait(
                (work, gone), timeout=options.trace_timeout,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            gone.cancel()
            if not work.done():
                work.cancel()
        if not work.done() or work.cancelled():
            if gone.done() and not gone.cancelled():
                raise ClientDisconnect()
            raise ApiError(
                503,
                "trace_timeout",
                f"the trace took longer than {options.trace_timeout:g} s and was stopped; "
                "send a shorter article, or ask the operator to raise --trace-timeout",
            )
        try:
            return work.result()
        except Busy as exc:
            raise ApiError(
                503,
                "busy",
                f"the {exc.lane} trace queue is full; try again in {exc.retry_after} s",
                headers={"retry-after": str(exc.retry_after)},
            ) from exc
        except WiretraceError as exc:
            raise ApiError(503, "index_unavailable", str(exc)) from exc
        except WorkerLost as exc:
            raise ApiError(
                503, "workers_unavailable", f"{exc}; it is being replaced, try again",
                headers={"retry-after": "2"},
            ) from exc

    async def read_article(request: Request) -> Document:
        kind = media_type(request.headers.get("content-type"))
        if kind in JSON_TYPES or kind.endswith("+json"):
            body = await request.body()
            return await run_in_threadpool(parse_trace_json, body, limit)
        if kind == MULTIPART:
            async with request.form(max_files=1, max_fields=len(TRACE_FIELDS)) as form:
                upload = form.get("file")
                if not isinstance(upload, UploadFile):
                    raise ApiError(
                        422, "missing_file", "the multipart body needs a 'file' part (.txt or "
                        ".html); to send pasted text, post JSON {\"text\": ...}"
                    )
                data = await upload.read()
                fields = {k: v for k, v in form.items() if k != "file" and isinstance(v, str)}
                return await run_in_threadpool(
                    trace_upload, upload.filename, data, fields, limit
                )
        raise ApiError(
            415,
            "unsupported_media_type",
            f"Content-Type {kind or '(none)'!r} is not accepted: send application/json "
            "{\"text\": ...} or multipart/form-data with a 'file' part",
        )

    @app.post(
        "/v1/trace",
        summary="Trace an article to its sources",
        response_class=JSONResponse,
        responses={
            200: {
                "description": "the JSON trace report (schema_version 1.x); with "
                "format=html, the standalone HTML report",
                "content": {
                    "application/json": {"schema": _report_schema()},
                    "text/html": {"schema": {"type": "string"}},
                },
            },
            **_error_responses(401, 413, 415, 422, 503),
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": _TRACE_REQUEST},
                    "multipart/form-data": {"schema": _UPLOAD_REQUEST},
                },
            }
        },
    )
    async def post_trace(
        request: Request,
        view: bool = Query(False, description="add the query text and per-passage word diffs"),
        format: Literal["json", "html"] = Query("json", description="json or html"),
    ) -> Response:
        doc = await read_article(request)
        result = await run_trace(request, doc)
        if format == "html":
            body = await run_in_threadpool(render_html, result)
            return Response(
                body,
                media_type="text/html; charset=utf-8",
                headers={
                    "content-disposition": 'attachment; filename="wiretrace-report.html"',
                    "content-security-policy": report_csp(),
                },
            )
        payload = await run_in_threadpool(view_payload if view else trace_to_dict, result)
        return JSONResponse(payload)

    @app.post(
        "/v1/documents",
        summary="Add documents to the index",
        responses={
            200: {
                "description": "what was added, and every rejected record with its reason",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                k: {"type": "integer"}
                                for k in ("added", "updated", "unchanged", "rejected", "documents")
                            }
                            | {"rejects": {"type": "array", "items": {"type": "object"}}},
                        }
                    }
                },
            },
            **_error_responses(401, 413, 415, 422, 503),
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"type": "array", "items": _DOCUMENT}},
                    "application/x-ndjson": {"schema": {"type": "string"}},
                },
            }
        },
    )
    async def post_documents(
        request: Request,
        all_or_nothing: bool = Query(
            False, description="add nothing (422) when any record is rejected"
        ),
    ) -> Response:
        kind = media_type(request.headers.get("content-type"))
        if kind not in JSON_TYPES and kind not in JSONL_TYPES:
            raise ApiError(
                415,
                "unsupported_media_type",
                f"Content-Type {kind or '(none)'!r} is not accepted: send a JSON array as "
                "application/json, or JSONL as application/x-ndjson",
            )
        body = await request.body()
        batch = await run_in_threadpool(parse_documents, body, kind, limit)
        if all_or_nothing and batch.rejects:
            first = batch.rejects[0]
            raise ApiError(
                422,
                "rejected_records",
                f"{len(batch.rejects)} record(s) rejected, nothing added; first: "
                f"{first['location']}: {first['reason']}",
                rejects=batch.rejects,
            )
        try:
            report = await run_in_threadpool(index.add, batch.documents)
            total = await run_in_threadpool(index.count)
        except WiretraceError as exc:
            raise ApiError(503, "index_unavailable", str(exc)) from exc
        return JSONResponse(batch.response(report, total))

    @app.get(
        "/v1/documents/{doc_id:path}",
        summary="One stored document",
        responses=_error_responses(401, 404, 422, 503),
    )
    async def get_document(doc_id: str) -> dict[str, Any]:
        validate_doc_id(doc_id)
        doc = await run_in_threadpool(index.get, doc_id)
        if doc is None:
            raise ApiError(404, "unknown_document", f"no document with id {doc_id!r}")
        return {
            "id": doc.id,
            "title": doc.title,
            "url": doc.url,
            "source": doc.source,
            "published_at": doc.published_at,
            "language": doc.language,
            "text": doc.text,
        }

    @app.get("/v1/health", summary="Service status", responses=_error_responses(401, 503))
    async def health() -> dict[str, Any]:
        count = await run_in_threadpool(index.count)
        return {
            "status": "ok",
            "version": app.version,
            "schema_version": SCHEMA_VERSION,
            "documents": count,
            "max_body_bytes": limit,
        }

    @app.get("/", include_in_schema=False)
    async def page() -> Response:
        text = resources.files("wiretrace.serve").joinpath("static", "index.html")
        return Response(text.read_text("utf-8"), media_type="text/html; charset=utf-8")

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        entry = STATIC_FILES.get(name)
        if entry is None:
            raise ApiError(404, "not_found", f"no static file {name!r}")
        package, path, kind = entry
        if package == "wiretrace.report":
            content = asset_text(path.split("/", 1)[1])
        else:
            content = resources.files(package).joinpath(*path.split("/")).read_text("utf-8")
        return Response(content, media_type=f"{kind}; charset=utf-8")

    return app
