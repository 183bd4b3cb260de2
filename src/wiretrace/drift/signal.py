"""The ``fact_drift`` signal of a trace: the facts a copy changed, one signal per fact.

An edit of a passage whose type is a fact type (:data:`FACT_TYPES`: a number, date, name,
quotation, speaker or polarity) says the query and that source disagree there. It becomes a
changed fact unless another source agrees with the query: a passage of another source that
covers the same words with no fact edit on them. Then the query's wording has a source, and
the disagreement says only that the sources differ. When several sources show the same change,
the earliest dated one is named (ties by id), as a fact-checker would cite it.

Renames and synonym swaps are spin, not drift: they stay in the ``spin`` signals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from wiretrace.dates import time_key
from wiretrace.model import Document, Edit, EditType, FactChange, Passage, Signal, Span

__all__ = ["FACT_TYPES", "fact_drift_signals"]

FACT_TYPES = frozenset(
    {
        EditType.NUMBER,
        EditType.DATE,
        EditType.ENTITY,
        EditType.QUOTE,
        EditType.ATTRIBUTION,
        EditType.NEGATION,
    }
)


def fact_drift_signals(
    passages: Sequence[Passage], documents: Mapping[str, Document]
) -> list[Signal]:
    """One ``fact_drift`` signal per changed fact of the query, in text order.

    ``passages`` are the trace's passages (from sources dated before the query) and
    ``documents`` their sources by id, for the dates.
    """
    found: dict[tuple[int, int, EditType], tuple[tuple[int, datetime, str], Passage, Edit]] = {}
    for p in passages:
        for e in p.edits:
            if e.type not in FACT_TYPES or e.query_span is None:
                continue
            if _agreed(e.query_span, p.source_id, passages):
                continue
            doc = documents.get(p.source_id)
            order = time_key(doc.published_at if doc else None, p.source_id)
            key = (e.query_span.start, e.query_span.end, e.type)
            if key not in found or order < found[key][0]:
                found[key] = (order, p, e)
    out: list[Signal] = []
    for key in sorted(found, key=lambda k: (k[0], k[1], k[2].value)):
        _, p, e = found[key]
        doc = documents.get(p.source_id)
        fact = FactChange(
            type=e.type,
            source_wording=e.source,
            query_wording=e.query,
            query_span=Span(key[0], key[1]),
            source_span=e.source_span,
            source_id=p.source_id,
            source_published_at=doc.published_at if doc else None,
            source_field=p.source_field,
        )
        out.append(Signal("fact_drift", describe(fact), fact.query_span, fact))
    return out


def describe(fact: FactChange) -> str:
    """``number: "80,000" -> "100,000" (source wikinews/tsunami-toll, 2004-12-27)``."""
    when = fact.source_published_at or "undated"
    where = " title" if fact.source_field == "title" else ""
    return (
        f'{fact.type.value}: "{fact.source_wording}" -> "{fact.query_wording}" '
        f"(source {fact.source_id}{where}, {when})"
    )


def _agreed(span: Span, source_id: str, passages: Sequence[Passage]) -> bool:
    """Whether a passage of another source covers ``span`` with no fact edit on it."""
    for other in passages:
        if other.source_id == source_id:
            continue
        if not (other.query.start <= span.start and span.end <= other.query.end):
            continue
        if not any(
            e.type in FACT_TYPES and e.query_span is not None and e.query_span.meets(span)
            for e in other.edits
        ):
            return True
    return False
