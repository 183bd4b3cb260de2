"""The index's documents: ``POST /v1/documents``, ``GET /v1/documents`` (list and search),
``GET /v1/documents/{id}``, and ``GET /v1/index`` and ``GET /v1/health``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from wiretrace.errors import WiretraceError
from wiretrace.index.listing import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    DocumentQuery,
    QueryError,
    Sort,
)
from wiretrace.model import SCHEMA_VERSION
from wiretrace.serve.inputs import (
    JSON_TYPES,
    JSONL_TYPES,
    MAX_ID_LENGTH,
    MULTIPART,
    ApiError,
    DocumentBatch,
    media_type,
    parse_documents,
    validate_doc_id,
)
from wiretrace.serve.openapi import DOCUMENT, DOCUMENT_LIST, DOCUMENT_UPLOAD, error_responses
from wiretrace.serve.service import ServiceDep
from wiretrace.serve.uploads import read_upload

router = APIRouter()

_ADD_RESPONSE = {
    "type": "object",
    "properties": {
        k: {"type": "integer"}
        for k in ("added", "updated", "metadata", "unchanged", "rejected", "documents")
    }
    | {"rejects": {"type": "array", "items": {"type": "object"}}},
}


@router.post(
    "/v1/documents",
    summary="Add documents to the index",
    responses={
        200: {
            "description": "what was added, and every rejected record with its reason",
            "content": {"application/json": {"schema": _ADD_RESPONSE}},
        },
        **error_responses(401, 413, 415, 422, 503),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "array", "items": DOCUMENT}},
                "application/x-ndjson": {"schema": {"type": "string"}},
                "multipart/form-data": {"schema": DOCUMENT_UPLOAD},
            },
        }
    },
)
async def post_documents(
    request: Request,
    svc: ServiceDep,
    all_or_nothing: bool = Query(
        False, description="add nothing (422) when any record is rejected"
    ),
) -> Response:
    batch = await _read_batch(request, svc.options.max_body_bytes)
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
        report = await run_in_threadpool(svc.index.add, batch.documents)
        total = await run_in_threadpool(svc.index.count)
    except WiretraceError as exc:
        raise ApiError(503, "index_unavailable", str(exc)) from exc
    return JSONResponse(batch.response(report, total))


async def _read_batch(request: Request, limit: int) -> DocumentBatch:
    """The documents of a ``POST /v1/documents`` body: JSON, JSONL, or one uploaded file."""
    kind = media_type(request.headers.get("content-type"))
    if kind == MULTIPART:
        async with request.form(max_files=1, max_fields=8) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise ApiError(
                    422, "missing_file", "the multipart body needs a 'file' part (one file)"
                )
            data = await upload.read()
            return await run_in_threadpool(read_upload, upload.filename, data, limit)
    if kind not in JSON_TYPES and kind not in JSONL_TYPES:
        raise ApiError(
            415,
            "unsupported_media_type",
            f"Content-Type {kind or '(none)'!r} is not accepted: send a JSON array as "
            "application/json, JSONL as application/x-ndjson, or one file as "
            "multipart/form-data",
        )
    body = await request.body()
    return await run_in_threadpool(parse_documents, body, kind, limit)


@router.get(
    "/v1/documents",
    summary="List and search the stored articles, a page at a time",
    description=(
        "Title words (every one, ASCII case folded), outlet (exact), dates from/to (ISO 8601, "
        "compared as written; a date-only 'to' keeps its whole day). Undated articles are left "
        "out when a date bound is given and listed last otherwise. Matches are counted up to "
        "10,000 (total_exact false beyond), and pages lie within them."
    ),
    responses={
        200: {
            "description": "one page of articles, with the number of matches",
            "content": {"application/json": {"schema": DOCUMENT_LIST}},
        },
        **error_responses(401, 422, 503),
    },
)
async def list_documents(
    svc: ServiceDep,
    q: str | None = Query(None, max_length=MAX_QUERY_CHARS, description="title words"),
    outlet: str | None = Query(None, max_length=MAX_ID_LENGTH, description="exact outlet"),
    date_from: str | None = Query(None, alias="from", description="ISO 8601, inclusive"),
    date_to: str | None = Query(None, alias="to", description="ISO 8601, inclusive"),
    page: int = Query(1, ge=1, le=10_000),
    per_page: int = Query(DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE),
    sort: Annotated[Sort, Query(description="newest, oldest, title or id")] = Sort.NEWEST,
) -> dict[str, Any]:
    try:
        query = DocumentQuery.of(
            q=q, outlet=outlet, date_from=date_from, date_to=date_to, sort=sort, page=page,
            per_page=per_page,
        )  # fmt: skip
        found = await run_in_threadpool(svc.index.list_documents, query)
    except QueryError as exc:
        raise ApiError(422, "invalid_parameter", str(exc)) from exc
    except WiretraceError as exc:
        raise ApiError(503, "index_unavailable", str(exc)) from exc
    return found.to_dict()


@router.get(
    "/v1/documents/{doc_id:path}",
    summary="One stored document",
    responses=error_responses(401, 404, 422, 503),
)
async def get_document(doc_id: str, svc: ServiceDep) -> dict[str, Any]:
    validate_doc_id(doc_id)
    doc = await run_in_threadpool(svc.index.get, doc_id)
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


@router.get(
    "/v1/index",
    summary="What the index holds: articles, outlets (top 20), dates, format and size",
    responses=error_responses(401, 503),
)
async def index_summary(svc: ServiceDep) -> dict[str, Any]:
    summary = await run_in_threadpool(svc.index.summary)
    return {**summary.to_dict(), "summary": summary.headline()}


@router.get("/v1/health", summary="Service status", responses=error_responses(401, 503))
async def health(request: Request, svc: ServiceDep) -> dict[str, Any]:
    """Status, version, document count, body limit, and whether the API needs a token
    (``token_required``; never the token). Without a token, a server that needs one answers
    401 here, so a client learns either way."""
    count = await run_in_threadpool(svc.index.count)
    return {
        "status": "ok",
        "version": request.app.version,
        "schema_version": SCHEMA_VERSION,
        "documents": count,
        "max_body_bytes": svc.options.max_body_bytes,
        "token_required": svc.options.token is not None,
    }
