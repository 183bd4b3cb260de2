"""The JSON trace report; its schema is ``trace.schema.json`` next to this module.

Time direction (schema 2.0): ``sources`` and ``passages`` hold only documents that may have come
before the query; stored documents dated after it are in ``later`` and ``later_passages``, with
the same shapes. ``earliest_sources`` names every source that no other certainly precedes, and
``earliest_order`` says whether that is one source (``known``), a tie (``tie``) or no dated
source (``none``).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, Literal

from wiretrace.dates import implausible, parse_moment
from wiretrace.model import SCHEMA_VERSION, Edit, FactChange, Passage, Signal, SourceSummary, Trace

__all__ = [
    "date_note",
    "earliest_ids",
    "earliest_order",
    "trace_schema",
    "trace_to_dict",
    "trace_to_json",
]


def date_note(value: str | None) -> str | None:
    """Why a publication date is suspicious ("in the future", "before 1900"), else None.

    The date is kept as given either way; a value that is not ISO 8601 gets no note here
    (the readers and the API reject it before a trace)."""
    moment = parse_moment(value)
    return implausible(moment) if moment is not None else None


def earliest_ids(trace: Trace) -> list[str]:
    """The earliest sources' ids: every one of a tie, else the one ``earliest_source``."""
    if trace.earliest_sources:
        return list(trace.earliest_sources)
    return [trace.earliest_source] if trace.earliest_source is not None else []


def earliest_order(trace: Trace) -> Literal["known", "tie", "none"]:
    """``known`` for one earliest source, ``tie`` when their dates cannot order several, and
    ``none`` when no source is dated."""
    count = len(earliest_ids(trace))
    return "tie" if count > 1 else "known" if count else "none"


def _passage(p: Passage) -> dict[str, Any]:
    return {
        "query_start": p.query.start,
        "query_end": p.query.end,
        "source_id": p.source_id,
        "source_start": p.source.start,
        "source_end": p.source.end,
        "source_field": p.source_field,
        "score": p.score,
        "confidence": p.confidence,
        "kind": p.kind.value,
        "edits": [_edit(e) for e in p.edits],
    }


def _edit(e: Edit) -> dict[str, Any]:
    """An edit; its spans, when known, as ``source_start``/``source_end`` and
    ``query_start``/``query_end`` (the passage's own convention)."""
    out: dict[str, Any] = {"from": e.source, "to": e.query, "type": e.type.value}
    if e.source_span is not None:
        out["source_start"], out["source_end"] = e.source_span.start, e.source_span.end
    if e.query_span is not None:
        out["query_start"], out["query_end"] = e.query_span.start, e.query_span.end
    return out


def _source(s: SourceSummary) -> dict[str, Any]:
    d = s.document
    return {
        "id": d.id,
        "title": d.title,
        "url": d.url,
        "source": d.source,
        "published_at": d.published_at,
        "published_at_note": date_note(d.published_at),
        "coverage": s.coverage,
        "passages": s.passages,
    }


def _signal(s: Signal) -> dict[str, Any]:
    out: dict[str, Any] = {"type": s.type, "detail": s.detail}
    if s.span is not None:
        out["start"], out["end"] = s.span.start, s.span.end
    if s.fact is not None:
        out["fact"] = _fact(s.fact)
    return out


def _fact(f: FactChange) -> dict[str, Any]:
    return {
        "type": f.type.value,
        "from": f.source_wording,
        "to": f.query_wording,
        "start": f.query_span.start,
        "end": f.query_span.end,
        "source_id": f.source_id,
        "source_published_at": f.source_published_at,
        "source_field": f.source_field,
        "source_start": f.source_span.start if f.source_span else None,
        "source_end": f.source_span.end if f.source_span else None,
    }


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
            "published_at_note": date_note(q.published_at),
        },
        "coverage": trace.coverage,
        "passages": [_passage(p) for p in trace.passages],
        "sources": [_source(s) for s in trace.sources],
        "earliest_source": trace.earliest_source,
        "earliest_sources": earliest_ids(trace),
        "earliest_order": earliest_order(trace),
        "direction_checked": trace.direction_checked,
        "later": [_source(s) for s in trace.later],
        "later_passages": [_passage(p) for p in trace.later_passages],
        "min_confidence": trace.min_confidence,
        "hidden_passages": trace.hidden_passages,
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
