"""The JSON trace report; its schema is ``trace.schema.json`` next to this module."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from wiretrace.model import SCHEMA_VERSION, Passage, Signal, SourceSummary, Trace


def _passage(p: Passage) -> dict[str, Any]:
    return {
        "query_start": p.query.start,
        "query_end": p.query.end,
        "source_id": p.source_id,
        "source_start": p.source.start,
        "source_end": p.source.end,
        "score": p.score,
        "kind": p.kind.value,
        "edits": [{"from": e.source, "to": e.query} for e in p.edits],
    }


def _source(s: SourceSummary) -> dict[str, Any]:
    d = s.document
    return {
        "id": d.id,
        "title": d.title,
        "url": d.url,
        "source": d.source,
        "published_at": d.published_at,
        "coverage": s.coverage,
        "passages": s.passages,
    }


def _signal(s: Signal) -> dict[str, Any]:
    out: dict[str, Any] = {"type": s.type, "detail": s.detail}
    if s.span is not None:
        out["start"], out["end"] = s.span.start, s.span.end
    return out


def trace_to_dict(trace: Trace) -> dict[str, Any]:
    """The report as plain JSON-ready data (see ``trace.schema.json``)."""
    q = trace.query
    return {
        "schema_version": SCHEMA_VERSION,
        "query": {
            "id": q.id,
            "length": len(q.text),
            "title": q.title,
            "url": q.url,
            "source": q.source,
            "published_at": q.published_at,
        },
        "coverage": trace.coverage,
        "passages": [_passage(p) for p in trace.passages],
        "sources": [_source(s) for s in trace.sources],
        "earliest_source": trace.earliest_source,
        "signals": [_signal(s) for s in trace.signals],
        "candidates_considered": trace.candidates_considered,
        "semantic": bool(trace.options.get("semantic", False)),
    }


def trace_to_json(trace: Trace, *, indent: int | None = 2) -> str:
    return json.dumps(trace_to_dict(trace), indent=indent, ensure_ascii=False)


def trace_schema() -> dict[str, Any]:
    """The JSON Schema of the trace report."""
    text = resources.files("wiretrace.report").joinpath("trace.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
