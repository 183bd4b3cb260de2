"""The measures of text alignment on PAN corpora (pure, no I/O): plagdet and friends.

Measures
--------
A case ``s`` (truth) or a detection ``r`` is an :class:`Annotation`: a range of the suspicious
document and a range of the source document. Its character set is the union of its
suspicious-side characters and its source-side characters, kept distinct, so
``|s| = this_length + source_length``. Cases and detections of all scored pairs are pooled
(micro over pairs) and averaged over cases and over detections (macro).

- ``r`` *detects* ``s`` iff they name the same two documents and their ranges overlap (share
  at least one character) on the suspicious side **and** on the source side.
- ``recall = mean over cases s of |U_{r detects s} (s ∩ r)| / |s|``
- ``precision = mean over detections r of |U_{s detected by r} (s ∩ r)| / |r|``
- ``granularity = mean over detected cases s of |{r : r detects s}|``
- ``plagdet = F1(precision, recall) / log2(1 + granularity)``

Unions are computed with interval arithmetic per side, so overlapping detections of one case
count each character once.

Edge cases (the conventions of the PAN 2013 evaluator):

- no cases and no detections: precision = recall = 1, granularity = 1, plagdet = 1;
- cases but no detections: recall = 0 (by the formula) and precision = 0;
- detections but no cases: precision = 0 (by the formula) and recall = 0;
- no detected case: granularity = 1;
- F1 = 0 when precision + recall = 0;
- an annotation with no characters (both lengths 0) contributes 0 to its mean.

Case level (PAN 2015 style): a case is *found* when the detections that detect it cover at
least ``threshold`` (default 50%) of its suspicious-side characters **and** at least that share
of its source-side characters. Symmetrically a detection is *correct* when the cases it
detects cover at least ``threshold`` of each of its sides. Empty sets follow the conventions
above (1 when there are neither cases nor detections, else 0).

Pair level: a pair is *detected* when it has at least one detection. For a category whose
pairs are known to hold no reuse (``01-no-plagiarism``) that rate is the false-positive rate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from math import log2

from wiretrace.model import Alignment

__all__ = [
    "CASE_THRESHOLD",
    "Annotation",
    "CaseMeasures",
    "CharMeasures",
    "PairKey",
    "PairMeasures",
    "by_pair",
    "case_measures",
    "char_measures",
    "detections_from_alignments",
    "detects",
    "pair_measures",
    "plagdet_score",
]

CASE_THRESHOLD = 0.5

PairKey = tuple[str, str]

# --------------------------------------------------------------------------------------------
# Measures (pure)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Annotation:
    """A truth case or a detection: a suspicious-document range and a source-document range.

    ``susp`` and ``src`` are document names as in the ``pairs`` file (for example
    ``suspicious-document00005.txt``); offsets and lengths are in characters.
    """

    susp: str
    src: str
    this_offset: int
    this_length: int
    source_offset: int
    source_length: int

    def __post_init__(self) -> None:
        values = (self.this_offset, self.this_length, self.source_offset, self.source_length)
        if min(values) < 0:
            raise ValueError(f"negative offset or length in {self}")

    @property
    def this_end(self) -> int:
        return self.this_offset + self.this_length

    @property
    def source_end(self) -> int:
        return self.source_offset + self.source_length

    @property
    def pair(self) -> PairKey:
        return (self.susp, self.src)

    @property
    def size(self) -> int:
        """Number of characters: suspicious side plus source side."""
        return self.this_length + self.source_length


@dataclass(frozen=True, slots=True)
class CharMeasures:
    """Character-level measures (Potthast et al. 2010) over a pool of cases and detections."""

    plagdet: float
    precision: float
    recall: float
    granularity: float
    cases: int
    detections: int
    detected_cases: int


@dataclass(frozen=True, slots=True)
class CaseMeasures:
    """Case-level (PAN15-style) recall and precision at a coverage threshold."""

    recall: float
    precision: float
    cases: int
    found: int
    detections: int
    correct: int
    threshold: float


@dataclass(frozen=True, slots=True)
class PairMeasures:
    """How many pairs have at least one detection."""

    pairs: int
    detected: int

    @property
    def rate(self) -> float:
        """Share of pairs with a detection (0 when there are no pairs)."""
        return self.detected / self.pairs if self.pairs else 0.0


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def detects(r: Annotation, s: Annotation) -> bool:
    """True when ``r`` and ``s`` name the same documents and overlap on both sides."""
    return (
        r.susp == s.susp
        and r.src == s.src
        and _overlap(r.this_offset, r.this_end, s.this_offset, s.this_end) > 0
        and _overlap(r.source_offset, r.source_end, s.source_offset, s.source_end) > 0
    )


def _union_length(intervals: Iterable[tuple[int, int]]) -> int:
    """Number of integers covered by half-open intervals (empty ones are ignored)."""
    total = 0
    cur_start = cur_end = -1
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if start > cur_end:
            total += cur_end - cur_start
            cur_start, cur_end = start, end
        elif end > cur_end:
            cur_end = end
    return total + (cur_end - cur_start)


def _covered(a: Annotation, others: Sequence[Annotation]) -> tuple[int, int]:
    """Characters of ``a`` covered by ``others``: (suspicious side, source side)."""
    this = _union_length(
        (max(a.this_offset, o.this_offset), min(a.this_end, o.this_end)) for o in others
    )
    source = _union_length(
        (max(a.source_offset, o.source_offset), min(a.source_end, o.source_end)) for o in others
    )
    return this, source


def by_pair(annotations: Iterable[Annotation]) -> dict[PairKey, list[Annotation]]:
    """Annotations grouped by their (suspicious, source) document pair."""
    grouped: dict[PairKey, list[Annotation]] = defaultdict(list)
    for a in annotations:
        grouped[a.pair].append(a)
    return grouped


def _hits(a: Annotation, pool: Mapping[PairKey, list[Annotation]]) -> list[Annotation]:
    return [b for b in pool.get(a.pair, ()) if detects(a, b)]


def plagdet_score(precision: float, recall: float, granularity: float) -> float:
    """``F1(precision, recall) / log2(1 + granularity)``; 0 when precision + recall is 0."""
    if precision + recall <= 0:
        return 0.0
    f1 = 2 * precision * recall / (precision + recall)
    return f1 / log2(1 + granularity)


def char_measures(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> CharMeasures:
    """Precision, recall, granularity and plagdet of pooled detections against pooled cases.

    See the module docstring for the definitions and the edge-case conventions.
    """
    if not cases and not detections:
        return CharMeasures(1.0, 1.0, 1.0, 1.0, 0, 0, 0)
    dets_by_pair = by_pair(detections)
    cases_by_pair = by_pair(cases)
    recall_sum = 0.0
    detected = 0
    detecting = 0
    for s in cases:
        hits = _hits(s, dets_by_pair)
        if hits:
            detected += 1
            detecting += len(hits)
            this, source = _covered(s, hits)
            recall_sum += (this + source) / s.size if s.size else 0.0
    precision_sum = 0.0
    for r in detections:
        hits = _hits(r, cases_by_pair)
        if hits:
            this, source = _covered(r, hits)
            precision_sum += (this + source) / r.size if r.size else 0.0
    recall = recall_sum / len(cases) if cases else 0.0
    precision = precision_sum / len(detections) if detections else 0.0
    granularity = detecting / detected if detected else 1.0
    return CharMeasures(
        plagdet=plagdet_score(precision, recall, granularity),
        precision=precision,
        recall=recall,
        granularity=granularity,
        cases=len(cases),
        detections=len(detections),
        detected_cases=detected,
    )


def _half_covered(a: Annotation, others: Sequence[Annotation], threshold: float) -> bool:
    if not others:
        return False
    this, source = _covered(a, others)
    return this >= threshold * a.this_length and source >= threshold * a.source_length


def case_measures(
    cases: Sequence[Annotation],
    detections: Sequence[Annotation],
    threshold: float = CASE_THRESHOLD,
) -> CaseMeasures:
    """Case-level recall and precision (PAN15 style) at ``threshold`` coverage per side.

    A case is found when the detections detecting it cover at least ``threshold`` of its
    suspicious side and of its source side (exactly 50% counts); a detection is correct when
    the cases it detects cover at least ``threshold`` of each of its sides.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    dets_by_pair = by_pair(detections)
    cases_by_pair = by_pair(cases)
    found = sum(_half_covered(s, _hits(s, dets_by_pair), threshold) for s in cases)
    correct = sum(_half_covered(r, _hits(r, cases_by_pair), threshold) for r in detections)
    if not cases and not detections:
        recall = precision = 1.0
    else:
        recall = found / len(cases) if cases else 0.0
        precision = correct / len(detections) if detections else 0.0
    return CaseMeasures(
        recall=recall,
        precision=precision,
        cases=len(cases),
        found=found,
        detections=len(detections),
        correct=correct,
        threshold=threshold,
    )


def pair_measures(
    pairs: Iterable[PairKey], detections: Mapping[PairKey, Sequence[Annotation]]
) -> PairMeasures:
    """Count the pairs that have at least one detection."""
    keys = list(pairs)
    return PairMeasures(len(keys), sum(1 for k in keys if detections.get(k)))


def detections_from_alignments(
    susp: str, src: str, alignments: Iterable[Alignment]
) -> tuple[Annotation, ...]:
    """One detection per alignment: the query is the suspicious side."""
    return tuple(
        Annotation(susp, src, a.query.start, len(a.query), a.source.start, len(a.source))
        for a in alignments
    )
