"""Scoring fact drift on drift composites (``research/composites/drifting.py`` makes them).

A drift composite is a spun composite with typed fact changes injected beside the spin
(:class:`~wiretrace.eval.spun_truth.DriftComposite`). Its trace lists, per passage, word edits
with a :class:`~wiretrace.model.EditType`; the *fact types* are ``number``, ``date``,
``entity``, ``quote``, ``attribution`` and ``negation`` (:data:`FACT_TYPES`).

Scores (:func:`score_composite`, pure)
--------------------------------------
- **An edit hits a truth change** when the edit's passage comes from a source accepted for the
  change's sentence (its true source or a document repeating it, as in ``eval spun``) and the
  edit lies on the change's copy span: its ``query_span`` overlaps that span (an empty span,
  a deleted wording, touches it or lies one character beside it). An edit without spans is
  located by its wording: its copy wording occurs inside the passage's query span at an offset
  that overlaps the change, or, for a deletion, its source wording is part of the change's
  source wording.
- **Recall of type T:** the share of the truth changes of type T (``changed`` ones) hit by an
  edit of type T.
- **Precision of type T:** the share of the reported edits of type T, in all passages, that
  hit a truth change of type T. A reported fact change on a restatement (the same number or
  date in other words, ``changed=False``) is wrong, as is one on spin or on an unchanged word.
- **False-drift rate:** a *spin-only passage* is a passage whose query span overlaps no truth
  change (so every passage of a spin-only composite, and the passages of the other composites
  that miss their changes). The rate is the share of them reported with at least one edit of a
  fact type.
- **Restatements flagged:** the share of the restatements hit by an edit of any fact type.
- **Confusion:** for each truth change, the types of the edits that hit it, whatever their
  type (``none`` when no edit does): where the typing goes wrong.
- **Uncovered:** the truth changes that no passage from an accepted source overlaps. They are
  missed by the alignment (a passage that stops at the changed words), not by the typing.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from wiretrace.eval.checkout import require_research
from wiretrace.eval.report import Column, table_lines
from wiretrace.eval.spun_truth import (
    BBC_FILE,
    DEFAULT_DISTRACTORS,
    DEFAULT_DRIFT_COUNT,
    DEFAULT_SEED,
    FACT_TYPES,
    DriftComposite,
    FactChange,
    load_bbc,
)
from wiretrace.index.base import Index
from wiretrace.index.memory import MemoryIndex
from wiretrace.index.sqlite import SQLiteIndex
from wiretrace.model import Document, Edit, Passage, Span
from wiretrace.tracing import TraceOptions, trace

__all__ = [
    "DriftCounts",
    "DriftReport",
    "edit_hits",
    "run_drift",
    "score_composite",
    "score_drift",
]

log = logging.getLogger(__name__)

EXAMPLES = 40
"""How many missed changes and wrong edits a report keeps, as examples."""

# --------------------------------------------------------------------------------------------
# Scoring (pure)
# --------------------------------------------------------------------------------------------


def _touches(edit: Span, change: Span) -> bool:
    """Whether an edit's copy span lies on a change's: overlapping, or for an empty span (a
    deleted wording) inside it or one character beside it."""
    if edit.start == edit.end:
        return change.start - 1 <= edit.start <= change.end + 1
    return edit.intersects(change)


def edit_hits(edit: Edit, passage: Passage, change: FactChange, text: str) -> bool:
    """Whether ``edit`` of ``passage`` lies on ``change`` (the composite's ``text``); the
    source is not checked here (see the module docstring)."""
    if edit.query_span is not None:
        return _touches(edit.query_span, change.query)
    if not (passage.query.start <= change.query.start and change.query.end <= passage.query.end):
        return False
    if not edit.query:
        return bool(edit.source) and edit.source in change.old
    at = text.find(edit.query, passage.query.start, passage.query.end)
    while at >= 0:
        if Span(at, at + len(edit.query)).intersects(change.query):
            return True
        at = text.find(edit.query, at + 1, passage.query.end)
    return False


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


@dataclass(frozen=True, slots=True)
class DriftCounts:
    """The counts behind the scores, summed over composites (see the module docstring)."""

    changes: Counter[str] = field(default_factory=Counter)
    recalled: Counter[str] = field(default_factory=Counter)
    reported: Counter[str] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)
    restatements: int = 0
    restatements_flagged: int = 0
    spin_passages: int = 0
    drifted_spin_passages: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    """``(truth type, reported type)`` of each edit hitting a change; ``none`` for no edit."""
    uncovered: Counter[str] = field(default_factory=Counter)
    missed: tuple[str, ...] = ()
    wrong: tuple[str, ...] = ()

    def __add__(self, other: DriftCounts) -> DriftCounts:
        return DriftCounts(
            self.changes + other.changes,
            self.recalled + other.recalled,
            self.reported + other.reported,
            self.correct + other.correct,
            self.restatements + other.restatements,
            self.restatements_flagged + other.restatements_flagged,
            self.spin_passages + other.spin_passages,
            self.drifted_spin_passages + other.drifted_spin_passages,
            self.confusion + other.confusion,
            self.uncovered + other.uncovered,
            (self.missed + other.missed)[:EXAMPLES],
            (self.wrong + other.wrong)[:EXAMPLES],
        )


def _accepted(composite: DriftComposite, change: FactChange) -> set[str]:
    """The documents accepted as the source of the sentence that holds ``change``."""
    for s in composite.composite.sentences:
        if s.query.start <= change.query.start < s.query.end:
            return set(s.accepted)
    return {change.source_id}


def _is_fact(edit: Edit) -> bool:
    return edit.type.value in FACT_TYPES


def score_composite(composite: DriftComposite, passages: Sequence[Passage]) -> DriftCounts:
    """Score the passages of one composite's trace against its truth."""
    text = composite.text
    accepted = {id(f): _accepted(composite, f) for f in composite.facts}

    def hits(passage: Passage, edit: Edit, change: FactChange) -> bool:
        return passage.source_id in accepted[id(change)] and edit_hits(edit, passage, change, text)

    changes: Counter[str] = Counter()
    recalled: Counter[str] = Counter()
    confusion: Counter[tuple[str, str]] = Counter()
    uncovered: Counter[str] = Counter()
    missed: list[str] = []
    restatements = flagged = 0
    for change in composite.facts:
        found = [e.type.value for p in passages for e in p.edits if hits(p, e, change)]
        if not change.changed:
            restatements += 1
            flagged += any(t in FACT_TYPES for t in found)
            continue
        changes[change.type] += 1
        recalled[change.type] += change.type in found
        for t in sorted(set(found)) or ["none"]:
            confusion[(change.type, t)] += 1
        covered = any(
            p.source_id in accepted[id(change)] and p.query.intersects(change.query)
            for p in passages
        )
        if not covered:
            uncovered[change.type] += 1
        if change.type not in found:
            there = ", ".join(sorted(set(found))) or "nothing"
            missed.append(
                f"{composite.id} {change.type} {change.old!r}->{change.new!r} at "
                f"{change.query.start} from {change.source_id}: "
                + (f"reported {there} there" if covered else "no passage of the source holds it")
            )
    reported: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    wrong: list[str] = []
    spin_passages = drifted = 0
    changed = composite.changed
    for p in passages:
        facts = [e for e in p.edits if _is_fact(e)]
        if not any(p.query.intersects(c.query) for c in changed):
            spin_passages += 1
            drifted += bool(facts)
        for e in facts:
            kind = e.type.value
            reported[kind] += 1
            if any(c.type == kind and hits(p, e, c) for c in changed):
                correct[kind] += 1
            else:
                wrong.append(
                    f"{composite.id} {kind} {e.source!r}->{e.query!r} in passage "
                    f"{p.query.start}-{p.query.end} from {p.source_id}"
                )
    return DriftCounts(
        changes,
        recalled,
        reported,
        correct,
        restatements,
        flagged,
        spin_passages,
        drifted,
        confusion,
        uncovered,
        tuple(missed),
        tuple(wrong),
    )


@dataclass(frozen=True, slots=True)
class DriftReport:
    """Scores of a drift-composite run (see the module docstring for the definitions)."""

    composites: int
    spin_only: int
    documents: int
    seed: int
    distractors: int
    index: str
    counts: DriftCounts
    wall_seconds: float = 0.0
    trace_ms_p50: float = 0.0

    def recall(self, kind: str) -> float:
        return _ratio(self.counts.recalled[kind], self.counts.changes[kind])

    def precision(self, kind: str) -> float:
        return _ratio(self.counts.correct[kind], self.counts.reported[kind])

    @property
    def false_drift_rate(self) -> float:
        c = self.counts
        return c.drifted_spin_passages / c.spin_passages if c.spin_passages else 0.0

    @property
    def restatements_flagged_rate(self) -> float:
        c = self.counts
        return c.restatements_flagged / c.restatements if c.restatements else 0.0

    def to_dict(self) -> dict[str, Any]:
        c = self.counts
        return {
            "composites": self.composites,
            "spin_only_composites": self.spin_only,
            "documents": self.documents,
            "seed": self.seed,
            "distractors": self.distractors,
            "index": self.index,
            "types": {
                t: {
                    "changes": c.changes[t],
                    "recalled": c.recalled[t],
                    "recall": round(self.recall(t), 4),
                    "reported": c.reported[t],
                    "correct": c.correct[t],
                    "precision": round(self.precision(t), 4),
                    "uncovered": c.uncovered[t],
                }
                for t in FACT_TYPES
            },
            "false_drift_rate": round(self.false_drift_rate, 4),
            "spin_only_passages": c.spin_passages,
            "spin_only_passages_with_drift": c.drifted_spin_passages,
            "restatements": c.restatements,
            "restatements_flagged": c.restatements_flagged,
            "confusion": {f"{a}->{b}": n for (a, b), n in sorted(c.confusion.items())},
            "wall_seconds": round(self.wall_seconds, 2),
            "trace_ms_p50": round(self.trace_ms_p50, 2),
            "missed": list(c.missed),
            "wrong": list(c.wrong),
        }

    def format_table(self) -> str:
        """A plain-text table, one fact type a row, and the false-drift rate."""
        c = self.counts
        lines = [
            f"Drift composites: {self.composites} composites ({self.spin_only} spin only), "
            f"seed {self.seed}, {self.documents} documents indexed ({self.index}, "
            f"{self.distractors} distractors)",
        ]
        lines += table_lines(
            _COLUMNS,
            [
                (
                    t,
                    c.changes[t],
                    c.recalled[t],
                    self.recall(t),
                    c.reported[t],
                    c.correct[t],
                    self.precision(t),
                    c.uncovered[t],
                )
                for t in FACT_TYPES
            ],
        )
        lines.append(
            f"false-drift rate: {self.false_drift_rate:.4f} "
            f"({c.drifted_spin_passages} of {c.spin_passages} spin-only passages report a "
            "fact change)"
        )
        lines.append(
            f"restatements reported as a fact change: {c.restatements_flagged} of "
            f"{c.restatements} (the same number or date in other words)"
        )
        lines.append("uncovered: changes no passage of an accepted source overlaps (alignment)")
        misses = [f"{a}->{b} {n}" for (a, b), n in sorted(c.confusion.items()) if a != b]
        if misses:
            lines.append(f"changes typed otherwise: {', '.join(misses)}")
        lines.append(f"wall {self.wall_seconds:.1f} s, trace p50 {self.trace_ms_p50:.1f} ms")
        return "\n".join(lines)


_COLUMNS = (
    Column("type", 12, left=True),
    Column("changes", 7),
    Column("found", 6),
    Column("recall", 6, ".4f"),
    Column("reported", 8),
    Column("right", 6),
    Column("precision", 9, ".4f"),
    Column("uncovered", 9),
)


def score_drift(
    composites: Sequence[DriftComposite],
    traces: Sequence[Sequence[Passage]],
    *,
    seed: int = DEFAULT_SEED,
    documents: int = 0,
    distractors: int = DEFAULT_DISTRACTORS,
    index: str = "",
    wall_seconds: float = 0.0,
    trace_ms_p50: float = 0.0,
) -> DriftReport:
    """Score every composite's passages and sum the counts."""
    if len(composites) != len(traces):
        raise ValueError("one trace is needed per composite")
    total = DriftCounts()
    for composite, passages in zip(composites, traces, strict=True):
        total = total + score_composite(composite, passages)
    return DriftReport(
        len(composites),
        sum(c.spin_only for c in composites),
        documents,
        seed,
        distractors,
        index,
        total,
        wall_seconds,
        trace_ms_p50,
    )


# --------------------------------------------------------------------------------------------
# The runner
# --------------------------------------------------------------------------------------------


def run_drift(
    shared_data: Path,
    *,
    count: int = DEFAULT_DRIFT_COUNT,
    seed: int = DEFAULT_SEED,
    distractors: int | None = DEFAULT_DISTRACTORS,
    index: Literal["sqlite", "memory"] = "sqlite",
    options: TraceOptions | None = None,
) -> DriftReport:
    """Generate ``count`` drift composites from ``shared_data``/bbc-news, index their sources
    (and ``distractors`` other articles), trace them and score.

    ``index`` is ``"sqlite"`` (a temporary SQLite file) or ``"memory"``; ``options`` are the
    :class:`~wiretrace.tracing.TraceOptions` (defaults when None).
    """
    if index not in ("sqlite", "memory"):
        raise ValueError(f"index must be 'sqlite' or 'memory', not {index!r}")
    opts = options or TraceOptions()
    started = time.perf_counter()
    articles = load_bbc(shared_data / BBC_FILE)
    require_research()
    from research.composites.drifting import generate

    drift = generate(articles, count=count, seed=seed, distractors=distractors)
    with tempfile.TemporaryDirectory(prefix="wiretrace-drift-") as tmp:
        store: Index = SQLiteIndex(Path(tmp) / "drift.db") if index == "sqlite" else MemoryIndex()
        try:
            store.add(drift.documents)
            results: list[Sequence[Passage]] = []
            times: list[float] = []
            for composite in drift.composites:
                t0 = time.perf_counter()
                result = trace(store, Document(composite.id, composite.text), opts)
                times.append(time.perf_counter() - t0)
                results.append(result.passages)
        finally:
            store.close()
    times.sort()
    log.info("traced %d drift composites", len(times))
    return score_drift(
        drift.composites,
        results,
        seed=seed,
        documents=len(drift.documents),
        distractors=drift.distractors,
        index=index,
        wall_seconds=time.perf_counter() - started,
        trace_ms_p50=1000 * times[len(times) // 2],
    )
