"""What the OpenAPI document says about the API: request bodies and error responses.

Only schemas live here; the routes in :mod:`wiretrace.serve.routes` use them.
"""

from __future__ import annotations

from typing import Any

from wiretrace.report.json import trace_schema
from wiretrace.serve.inputs import MAX_EXCLUDE, MAX_ID_LENGTH, TRACE_FIELDS

ERROR_SCHEMA = {
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


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of the error ``statuses`` (and the guard's own)."""
    return {
        s: {
            "description": _ERROR_MEANING.get(s, "error"),
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
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


def report_schema() -> dict[str, Any]:
    """The JSON trace report's schema, in the form the OpenAPI document takes."""
    schema = trace_schema()
    result = _openapi_schema({k: v for k, v in schema.items() if not k.startswith("$")})
    assert isinstance(result, dict)
    return result


TRACE_REQUEST = {
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
        "exclude": {
            "type": ["array", "null"],
            "maxItems": MAX_EXCLUDE,
            "items": {"type": "string", "minLength": 1, "maxLength": MAX_ID_LENGTH},
            "description": "ids of documents that must not be sources of this trace",
        },
    },
}
UPLOAD_REQUEST = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {
            "type": "string",
            "format": "binary",
            "description": "a .txt, .html, .pdf or .docx file",
        },
        **{k: {"type": "string"} for k in TRACE_FIELDS if k not in ("text", "exclude")},
        "exclude": {
            "type": "array",
            "maxItems": MAX_EXCLUDE,
            "items": {"type": "string", "minLength": 1, "maxLength": MAX_ID_LENGTH},
            "description": "ids of documents that must not be sources (one part per id)",
        },
    },
}
DOCUMENT = {
    "type": "object",
    "required": ["id", "text"],
    "properties": {
        "id": {"type": ["string", "integer"]},
        "text": {"type": "string"},
        **{k: {"type": ["string", "null"]} for k in ("title", "url", "source", "language")},
        "published_at": {"type": ["string", "null"], "description": "ISO 8601"},
    },
}
_NULLABLE = {"type": ["string", "null"]}
DOCUMENT_LIST = {
    "type": "object",
    "required": ["items", "total", "total_exact", "page", "per_page", "pages", "sort"],
    "properties": {
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "title", "outlet", "url", "published_at", "length"],
                "properties": {
                    "id": {"type": "string"},
                    "title": _NULLABLE,
                    "outlet": _NULLABLE,
                    "url": _NULLABLE,
                    "published_at": _NULLABLE,
                    "length": {"type": "integer", "description": "characters of the text"},
                },
            },
        },
        "total": {"type": "integer", "description": "matches, counted up to 10,000"},
        "total_exact": {"type": "boolean", "description": "false when counting stopped"},
        "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "pages": {"type": "integer"},
        "sort": {"type": "string"},
    },
}
DOCUMENT_UPLOAD = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {
            "type": "string",
            "format": "binary",
            "description": "one file: JSONL, CSV, HTML, WARC, RSS/Atom, PDF, Word or text",
        },
    },
}
