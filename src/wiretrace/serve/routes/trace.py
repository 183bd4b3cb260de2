"""``POST /v1/trace``: trace an article (JSON or an uploaded file) to its sources."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from wiretrace.report.html import render_html, report_csp, view_payload
from wiretrace.report.json import trace_to_dict
from wiretrace.serve.openapi import TRACE_REQUEST, UPLOAD_REQUEST, error_responses, report_schema
from wiretrace.serve.service import ServiceDep


async def post_trace(
    request: Request,
    svc: ServiceDep,
    view: bool = Query(False, description="add the query text and per-passage word diffs"),
    format: Literal["json", "html"] = Query("json", description="json or html"),
) -> Response:
    asked = await svc.read_article(request)
    result = await svc.run_trace(request, asked)
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


def build_router() -> APIRouter:
    """The router of ``POST /v1/trace`` (built when the application is, since the report's
    schema is read from a file)."""
    built = APIRouter()
    built.add_api_route(
        "/v1/trace",
        summary="Trace an article to its sources",
        response_class=JSONResponse,
        responses={
            200: {
                "description": "the JSON trace report (schema_version 1.x); with "
                "format=html, the standalone HTML report",
                "content": {
                    "application/json": {"schema": report_schema()},
                    "text/html": {"schema": {"type": "string"}},
                },
            },
            **error_responses(401, 413, 415, 422, 503),
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": TRACE_REQUEST},
                    "multipart/form-data": {"schema": UPLOAD_REQUEST},
                },
            }
        },
        endpoint=post_trace,
        methods=["POST"],
    )
    return built
