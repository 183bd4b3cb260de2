"""Confidence: the estimated probability that a passage's source really is where it came from.

Each passage gets ``confidence = 1 / (1 + exp(-(b + w · x)))`` over the features ``x`` of
:func:`features`: its kind, its word similarity, its evidence (the idf-weighted share of its
content terms the source holds, :func:`wiretrace.evidence.evidence`), its length, the share of
the query its source accounts for in all, and whether it is a headline matched to a title.
The weights :data:`WEIGHTS` are fitted by logistic regression on the fit half of the real-news
evaluation (``wiretrace eval news``, :mod:`wiretrace.eval.news`) with
``scripts/fit_confidence.py``, and calibrated on the held-out half (BENCHMARKS.md gives the
calibration error and a reliability table).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

from wiretrace.evidence import CONFLICTS
from wiretrace.model import Passage, PassageKind, Span

__all__ = ["FEATURES", "WEIGHTS", "confidence", "features", "with_confidence"]

FEATURES = (
    "verbatim",
    "near_verbatim",
    "rewritten",
    "score",
    "evidence",
    "log_chars",
    "source_share",
    "title",
    "conflict",
)
# Fitted by scripts/fit_confidence.py (see the module docstring); the first value is the bias.
WEIGHTS: tuple[float, ...] = (-2.0, 2.5, 2.0, 0.5, 1.0, 2.0, 0.4, 2.0, 1.0, -0.5)


def features(passage: Passage, evidence: float, source_share: float) -> tuple[float, ...]:
    """The features of one passage, in :data:`FEATURES` order."""
    conflict = any(e.type in CONFLICTS for e in passage.edits)
    return (
        float(passage.kind is PassageKind.VERBATIM),
        float(passage.kind is PassageKind.NEAR_VERBATIM),
        float(passage.kind is PassageKind.REWRITTEN),
        passage.score,
        evidence,
        math.log1p(len(passage.query)) / 5,
        source_share,
        float(passage.source_field == "title"),
        float(conflict),
    )


def confidence(x: Sequence[float], weights: Sequence[float] = WEIGHTS) -> float:
    """The logistic model's probability for features ``x``."""
    z = weights[0] + sum(w * v for w, v in zip(weights[1:], x, strict=True))
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def source_shares(passages: Sequence[Passage], length: int) -> dict[str, float]:
    """The share of the query each source's passages cover."""
    from wiretrace.trace import union_length  # the one home of span unions

    spans: dict[str, list[Span]] = {}
    for p in passages:
        spans.setdefault(p.source_id, []).append(p.query)
    return {d: union_length(s) / length if length else 0.0 for d, s in spans.items()}


def with_confidence(
    passages: Sequence[Passage], evidence: Mapping[int, float], length: int
) -> list[Passage]:
    """The passages with their confidence set; ``evidence`` maps ``id(passage)`` to its
    evidence (1.0 when missing)."""
    shares = source_shares(passages, length)
    return [
        replace(
            p,
            confidence=round(
                confidence(features(p, evidence.get(id(p), 1.0), shares[p.source_id])), 4
            ),
        )
        for p in passages
    ]
