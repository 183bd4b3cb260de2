"""Exception handlers: every error a route raises becomes the JSON error body.

``{"error": {"status", "code", "message"}}``; anything else reaches the
:class:`~wiretrace.serve.guard.Guard`, which logs it and answers a JSON 500.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from wiretrace.serve.inputs import ApiError


def json_error(error: ApiError, headers: Mapping[str, str] | None = None) -> JSONResponse:
    """The JSON response of ``error`` (with its own headers and any others)."""
    return JSONResponse(
        error.body(), status_code=error.status, headers={**error.headers, **(headers or {})}
    )


def describe_validation(exc: RequestValidationError) -> str:
    """FastAPI's validation errors as one line: which parameter, and what is wrong."""
    parts = []
    for err in exc.errors():
        loc = [str(x) for x in err.get("loc", ())]
        where = f"{loc[0]} parameter {'.'.join(loc[1:])!r}" if len(loc) > 1 else "request"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


async def api_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return json_error(exc)


async def validation_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return json_error(ApiError(422, "invalid_parameter", describe_validation(exc)))


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
    return json_error(ApiError(exc.status_code, code, message), exc.headers)


def add_handlers(app: FastAPI) -> None:
    """Install the handlers above on ``app``."""
    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
