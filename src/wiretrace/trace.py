"""Trace one article to its sources: candidates, alignment, attribution.

:func:`trace` is the one function every interface calls. It is pure apart from reading the
index it is given.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from wiretrace.align.local import AlignOptions, align, text_view
from wiretrace.fingerprint import ngram_hashes
from wiretrace.index.base import DEFAULT_MAX_DF, Index
from wiretrace.model import Alignment, Document, Passage, PassageKind, SourceSummary, Span, Trace

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TraceOptions:
    """How candidates are chosen and aligned.

    - ``max_candidates``: how many of the best-sharing documents are aligned;
    - ``min_shared``: fingerprints a document must share with the query to be a candidate;
    - ``max_df``: fingerprints held by more documents than this are ignored (boilerplate);
    - ``align``: local alignment parameters.
    """

    max_candidates: int = 20
    min_shared: int = 2
    max_df: int = DEFAULT_MAX_DF
    align: AlignOptions = field(default_factory=AlignOptions)


def classify(alignment: Alignment) -> PassageKind:
    """The kind of an aligned passage.

    - ``verbatim``: the normalised words of both sides are identical (case, quotes, dashes,
      hyphenation and whitespace are ignored);
    - ``near_verbatim``: anything else the seed-and-extend aligner finds, that is, long runs of
      identical words with small edits between them.
    """
    return PassageKind.VERBATIM if alignment.identical else PassageKind.NEAR_VERBATIM


def union_length(spans: list[Span]) -> int:
    """Number of characters covered by at least one of the spans."""
    total = 0
    end = -1
    for span in sorted(spans, key=lambda s: s.start):
        if span.start >= end:
            total += len(span)
            end = span.end
        elif span.end > end:
            total += span.end - end
            end = span.end
    return total


def trace(index: Index, doc: Document, options: TraceOptions | None = None) -> Trace:
    """Find the sources of ``doc`` in ``index`` and align every passage."""
    opts = options or TraceOptions()
    query = text_view(doc.text)
    hashes = ngram_hashes(query.hashes, index.n)
    candidates = index.candidates(
        (int(h) for h in hashes),
        max_df=opts.max_df,
        limit=opts.max_candidates,
        min_shared=opts.min_shared,
        exclude=doc.id,
    )
    passages: list[Passage] = []
    sources: dict[str, Document] = {}
    for cand in candidates:
        src = index.get(cand.doc_id)
        if src is None:  # removed between the two reads
            continue
        for a in align(query, text_view(src.text), opts.align):
            passages.append(Passage(a.query, src.id, a.source, a.score, classify(a), a.edits))
            sources[src.id] = src
    passages.sort(key=lambda p: (p.query.start, -p.score, p.source_id, p.source.start))
    length = len(doc.text)
    summaries = []
    for src_id, src in sources.items():
        spans = [p.query for p in passages if p.source_id == src_id]
        cov = union_length(spans) / length if length else 0.0
        summaries.append(SourceSummary(src, round(cov, 4), len(spans)))
    summaries.sort(key=lambda s: (-s.coverage, s.document.id))
    coverage = union_length([p.query for p in passages]) / length if length else 0.0
    log.debug("traced %s: %d candidates, %d passages", doc.id, len(candidates), len(passages))
    return Trace(
        query=doc,
        coverage=round(coverage, 4),
        passages=tuple(passages),
        sources=tuple(summaries),
        earliest_source=earliest(summaries),
        candidates_considered=len(candidates),
        options=asdict(opts),
    )


def earliest(sources: list[SourceSummary]) -> str | None:
    """The id of the source published first; undated sources are never earliest.

    Dates are compared after conversion to UTC (a date without a zone is taken as UTC); ties
    break on the id, so the answer is deterministic.
    """
    dated: list[tuple[datetime, str]] = []
    for s in sources:
        when = parse_date(s.document.published_at)
        if when is not None:
            dated.append((when, s.document.id))
    return min(dated)[1] if dated else None


def parse_date(value: str | None) -> datetime | None:
    """An ISO 8601 date or date-time as a naive UTC datetime, or None when absent or invalid."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed
