"""What every route shares: the options, the index and the trace lanes, as one
:class:`Service` kept on ``app.state``, and the steps more than a line long that routes take
(read the article of a request, trace it in its lane).

Routes get the service with a ``svc: ServiceDep`` parameter.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect

from wiretrace.errors import WiretraceError
from wiretrace.model import Document, Trace
from wiretrace.serve.inputs import (
    JSON_TYPES,
    MAX_EXCLUDE,
    MULTIPART,
    TRACE_FIELDS,
    ApiError,
    TraceRequest,
    media_type,
    parse_trace_json,
    trace_upload,
)
from wiretrace.serve.options import ServeOptions
from wiretrace.serve.pool import Backend, Busy, Lane, ProcessLane, ThreadLane, WorkerLost
from wiretrace.serve.store import IndexStore
from wiretrace.tracing import TraceOptions, trace

# CPU priority of the trace worker processes below the server's own (see ProcessLane).
ORDINARY_NICENESS = 5
LONG_NICENESS = 15


def lanes(options: ServeOptions, index: IndexStore) -> tuple[Lane, Lane]:
    """The ordinary and the long-article lanes, on threads or worker processes."""

    def trace_here(doc: Document, opts: TraceOptions) -> Trace:
        with index.reading("trace") as reader:
            return trace(reader, doc, opts)

    def trace_long(doc: Document, opts: TraceOptions) -> Trace:
        with index.reading("long") as reader:
            return trace(reader, doc, opts)

    ordinary_backend: Backend
    long_backend: Backend
    if options.trace_processes:
        ordinary_backend = ProcessLane(options.db, options.trace_processes, ORDINARY_NICENESS)
        long_backend = ProcessLane(options.db, 1, LONG_NICENESS)
    else:
        ordinary_backend = ThreadLane(trace_here, options.readers, "wt-trace")
        long_backend = ThreadLane(trace_long, 1, "wt-long")
    queue, deadline = options.trace_queue, options.trace_timeout
    return (
        Lane("ordinary", ordinary_backend, queue, 1, min(options.trace_max_wait, deadline)),
        # A long article waits at most its deadline: a longer wait could never end in time.
        Lane("long-article", long_backend, queue, 10, deadline),
    )


async def _client_gone(request: Request) -> None:
    """Returns when the client of ``request`` (whose body was read) disconnects."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


@dataclass(frozen=True, slots=True)
class Service:
    """The server's options, its index and its two trace lanes."""

    options: ServeOptions
    index: IndexStore
    ordinary: Lane
    long: Lane

    @classmethod
    def open(cls, options: ServeOptions, store: IndexStore | None = None) -> Service:
        """The service of ``options``, on ``store`` or on the index it opens."""
        index = store or IndexStore(options.db, readers=options.readers)
        return cls(options, index, *lanes(options, index))

    def close(self) -> None:
        self.ordinary.backend.close()
        self.long.backend.close()
        self.index.close()

    async def read_article(self, request: Request) -> TraceRequest:
        """The article of a ``POST /v1/trace`` request (a JSON body or an uploaded file) and
        the documents it excludes."""
        limit = self.options.max_body_bytes
        kind = media_type(request.headers.get("content-type"))
        if kind in JSON_TYPES or kind.endswith("+json"):
            body = await request.body()
            return await run_in_threadpool(parse_trace_json, body, limit)
        if kind == MULTIPART:
            fields_allowed = len(TRACE_FIELDS) + MAX_EXCLUDE
            async with request.form(max_files=1, max_fields=fields_allowed) as form:
                upload = form.get("file")
                if not isinstance(upload, UploadFile):
                    raise ApiError(
                        422,
                        "missing_file",
                        "the multipart body needs a 'file' part (.txt, "
                        '.html, .pdf or .docx); to send pasted text, post JSON {"text": ...}',
                    )
                data = await upload.read()
                fields = {k: v for k, v in form.items() if k != "file" and isinstance(v, str)}
                exclude = [v for v in form.getlist("exclude") if isinstance(v, str)]
                return await run_in_threadpool(
                    trace_upload, upload.filename, data, fields, limit, exclude
                )
        raise ApiError(
            415,
            "unsupported_media_type",
            f"Content-Type {kind or '(none)'!r} is not accepted: send application/json "
            "{\"text\": ...} or multipart/form-data with a 'file' part",
        )

    async def run_trace(self, request: Request, asked: TraceRequest) -> Trace:
        """Trace the article of ``asked`` in its lane, without the documents it excludes;
        stopped at the deadline or when the client goes away."""
        timeout = self.options.trace_timeout
        doc = asked.document
        opts = replace(self.options.trace, exclude=asked.exclude)
        lane = self.long if len(doc.text) > self.options.long_chars else self.ordinary
        work = asyncio.ensure_future(lane.run(doc, opts))
        gone = asyncio.ensure_future(_client_gone(request))
        try:
            await asyncio.wait((work, gone), timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
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
                f"the trace took longer than {timeout:g} s and was stopped; "
                "send a shorter article, or ask the operator to raise --trace-timeout",
            )
        return _trace_result(work)


def _trace_result(work: asyncio.Future[Trace]) -> Trace:
    """The trace of a finished ``work``, or the 503 its failure means."""
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
            503,
            "workers_unavailable",
            f"{exc}; it is being replaced, try again",
            headers={"retry-after": "2"},
        ) from exc


def service(request: Request) -> Service:
    """The route dependency: the application's :class:`Service`."""
    found = request.app.state.service
    assert isinstance(found, Service)
    return found


# How a route asks for the service: ``svc: ServiceDep``.
ServiceDep = Annotated[Service, Depends(service)]
