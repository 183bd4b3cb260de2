"""Scores of a clustering against labels: B-cubed and pairwise precision, recall and F1.

- **B-cubed** (Bagga and Baldwin 1998): for each document, precision is the share of its
  predicted cluster that shares its label, recall the share of its labelled cluster that
  shares its predicted cluster; both are averaged over documents. F1 is their harmonic mean.
- **Pairwise**: over all unordered pairs of documents, precision is the share of pairs put
  together that share a label, recall the share of same-label pairs put together.

Used by the story clustering evaluation (:mod:`wiretrace.eval.stories`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

__all__ = ["ClusterScores", "bcubed", "pairwise"]


@dataclass(frozen=True, slots=True)
class ClusterScores:
    """Precision, recall and F1 of a clustering against labels."""

    precision: float
    recall: float
    f1: float

    def to_dict(self) -> dict[str, float]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def _scores(precision: float, recall: float) -> ClusterScores:
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return ClusterScores(precision, recall, f1)


def _check(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> None:
    if len(predicted) != len(gold):
        raise ValueError(f"{len(predicted)} predicted labels for {len(gold)} gold labels")


def bcubed(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> ClusterScores:
    """B-cubed precision, recall and F1 (all 0 for no documents)."""
    _check(predicted, gold)
    n = len(gold)
    if n == 0:
        return ClusterScores(0.0, 0.0, 0.0)
    size_p = Counter(predicted)
    size_g = Counter(gold)
    both = Counter(zip(predicted, gold, strict=True))
    precision = sum(both[(p, g)] / size_p[p] for p, g in zip(predicted, gold, strict=True)) / n
    recall = sum(both[(p, g)] / size_g[g] for p, g in zip(predicted, gold, strict=True)) / n
    return _scores(precision, recall)


def _pairs(counts: Counter[Hashable] | Counter[tuple[Hashable, Hashable]]) -> int:
    return sum(c * (c - 1) // 2 for c in counts.values())


def pairwise(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> ClusterScores:
    """Pairwise precision, recall and F1 over unordered document pairs.

    With no predicted pair precision is 1 (nothing wrong was claimed); with no gold pair recall
    is 1.
    """
    _check(predicted, gold)
    together = _pairs(Counter(predicted))
    same = _pairs(Counter(gold))
    both = _pairs(Counter(zip(predicted, gold, strict=True)))
    return _scores(both / together if together else 1.0, both / same if same else 1.0)
