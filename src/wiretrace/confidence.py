"""Confidence: the estimated probability that a passage's source really is where it came from.

Each passage gets ``confidence = 1 / (1 + exp(-(b + w · x)))`` over the features ``x`` of
:func:`features`: its kind, its word similarity, its length, the share of the query its source
accounts for in all and the number of passages it gives, whether it is a headline matched to a
title, and whether its edits name a different person, number or date. Every feature is read
off the trace itself, so the model is fitted from what ``wiretrace eval news --dump-passages``
writes.

The weights :data:`WEIGHTS` are fitted by logistic regression on the *fit* half of the
real-news evaluation (:mod:`wiretrace.eval.news`: ECB+ queries among same-story distractors,
and Wikinews articles against their cited sources) by ``research/fit_confidence.py``, and the
calibration is measured on the *held-out* half (BENCHMARKS.md: expected calibration error and
a reliability table).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from wiretrace.evidence import CONFLICTS
from wiretrace.model import Passage, PassageKind, Span

__all__ = ["FEATURES", "WEIGHTS", "confidence", "features", "with_confidence"]

FEATURES = (
    "verbatim",
    "near_verbatim",
    "rewritten",
    "score",
    "log_chars",
    "source_share",
    "log_source_passages",
    "title",
    "conflict",
)
# Fitted by research/fit_confidence.py (see the module docstring); the first value is the bias.
WEIGHTS: tuple[float, ...] = (
    -4.9818,
    3.3265,
    1.1127,
    0.2506,
    3.3475,
    1.7627,
    0.9652,
    1.3611,
    0.6375,
    -0.4056,
)


def features(passage: Passage, source_share: float, source_passages: int) -> tuple[float, ...]:
    """The features of one passage, in :data:`FEATURES` order."""
    return (
        float(passage.kind is PassageKind.VERBATIM),
        float(passage.kind is PassageKind.NEAR_VERBATIM),
        float(passage.kind is PassageKind.REWRITTEN),
        passage.score,
        math.log1p(len(passage.query)) / 5,
        source_share,
        math.log1p(source_passages),
        float(passage.source_field == "title"),
        float(any(e.type in CONFLICTS for e in passage.edits)),
    )


def confidence(x: Sequence[float], weights: Sequence[float] = WEIGHTS) -> float:
    """The logistic model's probability for features ``x``."""
    z = weights[0] + sum(w * v for w, v in zip(weights[1:], x, strict=True))
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def with_confidence(passages: Sequence[Passage], length: int) -> list[Passage]:
    """The passages with their confidence set (``length``: the query's length)."""
    spans: dict[str, list[Span]] = {}
    for p in passages:
        spans.setdefault(p.source_id, []).append(p.query)
    share = {d: Span.union_length(s) / length if length else 0.0 for d, s in spans.items()}
    return [
        replace(
            p,
            confidence=round(
                confidence(features(p, share[p.source_id], len(spans[p.source_id]))), 4
            ),
        )
        for p in passages
    ]
