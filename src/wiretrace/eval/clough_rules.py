"""Tiered rules for the Clough & Stevenson answers, and their fitting (pure).

A :class:`TieredRule` maps two measures of an answer to a class: ``non`` when the *gate*
measure is below ``non_below``; otherwise ``cut`` when the *score* measure is at least
``cut_at``, ``light`` when it is at least ``light_at``, else ``heavy``.
:func:`fit_tiered_rule` picks the three thresholds by an exhaustive grid search for the best
accuracy. :mod:`wiretrace.eval.clough` fits and scores them across tasks.

Fitting ties
------------
Candidate thresholds are the midpoints between consecutive distinct values of the fitting
answers, plus one below the lowest and one above the highest. Among rules with the same
fitting accuracy, the one whose closest threshold is farthest from any fitting value wins
(the widest margin); then the one with the lowest thresholds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from wiretrace.eval.clough_corpus import CATEGORIES


class Measures(Protocol):
    """Anything that gives a measure of an answer by name (``clough.AnswerMeasures``)."""

    def get(self, name: str) -> float: ...


__all__ = ["TieredRule", "fit_tiered_rule"]


@dataclass(frozen=True, slots=True)
class TieredRule:
    """``non`` when ``gate < non_below``; else ``cut`` when ``score >= cut_at``; else
    ``light`` when ``score >= light_at``; else ``heavy``."""

    gate: str
    score: str
    non_below: float
    light_at: float
    cut_at: float

    def classify(self, gate: float, score: float) -> str:
        if gate < self.non_below:
            return "non"
        if score >= self.cut_at:
            return "cut"
        if score >= self.light_at:
            return "light"
        return "heavy"

    def __call__(self, m: Measures) -> str:
        return self.classify(m.get(self.gate), m.get(self.score))

    def describe(self) -> str:
        return (
            f"non if {self.gate} < {self.non_below:.4f}; else cut if {self.score} >= "
            f"{self.cut_at:.4f}; else light if {self.score} >= {self.light_at:.4f}; else heavy"
        )


def _candidates(values: npt.NDArray[np.float64]) -> tuple[np.ndarray, np.ndarray]:
    """Candidate thresholds (midpoints, one below, one above) and their distance to the data."""
    v = np.unique(values)
    thresholds = np.concatenate([[v[0] - 1.0], (v[1:] + v[:-1]) / 2, [v[-1] + 1.0]])
    margins = np.concatenate([[1.0], (v[1:] - v[:-1]) / 2, [1.0]])
    return thresholds, margins


def fit_tiered_rule(
    gate: Sequence[float],
    score: Sequence[float],
    labels: Sequence[str],
    names: tuple[str, str] = ("gate", "score"),
) -> tuple[TieredRule, float]:
    """The :class:`TieredRule` with the best accuracy on the given answers, and that accuracy.

    Every combination of candidate thresholds is tried (``light_at <= cut_at``); ties are
    broken as the module docstring says (fitting ties).
    """
    g = np.asarray(gate, dtype=np.float64)
    s = np.asarray(score, dtype=np.float64)
    if g.size == 0 or g.shape != s.shape or g.size != len(labels):
        raise ValueError(
            f"need as many values as labels, and some: {g.size}, {s.size}, {len(labels)}"
        )
    unknown = set(labels) - set(CATEGORIES)
    if unknown:
        raise ValueError(f"unknown labels {sorted(unknown)}; expected {CATEGORIES}")
    y = np.array([CATEGORIES.index(c) for c in labels])
    g_thr, g_margin = _candidates(g)
    s_thr, s_margin = _candidates(s)
    light_i, cut_i = np.triu_indices(len(s_thr))
    non = g[None, :] < g_thr[:, None]  # (gates, answers)
    at_least = s[None, :] >= s_thr[:, None]  # (score thresholds, answers)
    level = 1 + at_least[light_i].astype(np.int64) + at_least[cut_i]  # heavy=1 .. cut=3
    right_level = (level == y[None, :]).astype(np.int64)  # (pairs, answers)
    gated_right = (non & (y == 0)[None, :]).sum(axis=1)  # non answers below each gate
    passed = (~non).astype(np.int64)
    correct = gated_right[:, None] + passed @ right_level.T  # (gates, pairs)
    margin = np.minimum(g_margin[:, None], np.minimum(s_margin[light_i], s_margin[cut_i])[None, :])
    gate_i, pair_i = np.meshgrid(np.arange(len(g_thr)), np.arange(len(light_i)), indexing="ij")
    # lexsort: the last key is the primary one; lower indices mean lower thresholds.
    order = np.lexsort(
        (
            cut_i[pair_i].ravel(),
            light_i[pair_i].ravel(),
            gate_i.ravel(),
            -margin.ravel(),
            -correct.ravel(),
        )
    )
    best = int(order[0])
    a, p = divmod(best, len(light_i))
    rule = TieredRule(
        names[0],
        names[1],
        float(g_thr[a]),
        float(s_thr[light_i[p]]),
        float(s_thr[cut_i[p]]),
    )
    return rule, int(correct.ravel()[best]) / g.size
