"""Scoring wiretrace on spun composites (``research/composites/spinning.py`` makes them).

Scores (:func:`score_composite`, pure)
--------------------------------------
- **Sentence attribution recall:** an inserted sentence is attributed when the passages whose
  source is accepted for it, and whose source span overlaps its accepted source span, together
  cover at least 50% of its query characters.
- **Attributed-character precision:** over the non-white-space query characters covered by at
  least one passage, the share covered by at least one *correct* passage: the character lies
  in an inserted sentence and the passage's source is accepted for that sentence (the true
  source, or a document containing the same sentence; the location in it is not checked).
  Characters of the headline, byline and boilerplate are never correct. The *strict* variant
  counts a character correct only when every passage covering it is correct.
- **Rename recall:** an injected rename is reported when a passage from an accepted source that
  contains the renamed mention's query span lists an edit ``{from: original form, to: new
  form}``. Forms are compared exactly (case-sensitive) after trimming non-word characters at
  both ends, because reported edits run from the first to the last word character ("U.S." is
  reported as "U.S"). Each edit of a passage is matched to at most one rename. The
  *normalised* variant compares forms after :func:`wiretrace.text.normalise.normalise`.
  *Rename rule recall* is the share of (composite, rename rule) pairs named by a ``spin``
  signal ("UK -> United Kingdom, 3 of 4 mentions").
"""

from __future__ import annotations

import logging
import re
import tempfile
import time
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from wiretrace.eval.checkout import require_research
from wiretrace.eval.spun_truth import (
    BBC_FILE,
    DEFAULT_COUNT,
    DEFAULT_DISTRACTORS,
    DEFAULT_SEED,
    SpunComposite,
    load_bbc,
)
from wiretrace.index.base import Index
from wiretrace.index.memory import MemoryIndex
from wiretrace.index.sqlite import SQLiteIndex
from wiretrace.model import Document, Passage, PassageKind, Signal, Span
from wiretrace.text.normalise import normalise
from wiretrace.tracing import TraceOptions, trace

__all__ = [
    "CompositeCounts",
    "SpunReport",
    "run_spun",
    "score_composite",
    "score_spun",
]

log = logging.getLogger(__name__)

COVER_SHARE = 0.5

# --------------------------------------------------------------------------------------------
# Scoring (pure)
# --------------------------------------------------------------------------------------------


def _union(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        elif start < end:
            out.append((start, end))
    return out


def _covered(span: Span, intervals: list[tuple[int, int]]) -> int:
    return sum(max(0, min(span.end, e) - max(span.start, s)) for s, e in intervals)


def _form(surface: str) -> str:
    """A surface form trimmed of non-word characters at both ends."""
    return re.sub(r"^\W+|\W+$", "", surface)


@dataclass(frozen=True, slots=True)
class CompositeCounts:
    """The raw counts of one traced composite; they add up across composites."""

    sentences: Counter[str] = field(default_factory=Counter)
    """Inserted sentences by transformation (``all``, ``verbatim``, ``renamed``, ...)."""
    attributed: Counter[str] = field(default_factory=Counter)
    attributed_chars: int = 0
    correct_chars: int = 0
    strict_chars: int = 0
    wrong_outside: int = 0
    """Attributed characters outside every inserted sentence (headline, boilerplate ...)."""
    renames: int = 0
    renames_reported: int = 0
    renames_reported_normalised: int = 0
    rules: int = 0
    rules_signalled: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    correct_kinds: Counter[str] = field(default_factory=Counter)
    missed: tuple[str, ...] = ()
    """One line per sentence not attributed and per rename not reported, for diagnosis."""

    def __add__(self, other: CompositeCounts) -> CompositeCounts:
        return CompositeCounts(
            self.sentences + other.sentences,
            self.attributed + other.attributed,
            self.attributed_chars + other.attributed_chars,
            self.correct_chars + other.correct_chars,
            self.strict_chars + other.strict_chars,
            self.wrong_outside + other.wrong_outside,
            self.renames + other.renames,
            self.renames_reported + other.renames_reported,
            self.renames_reported_normalised + other.renames_reported_normalised,
            self.rules + other.rules,
            self.rules_signalled + other.rules_signalled,
            self.kinds + other.kinds,
            self.correct_kinds + other.correct_kinds,
            self.missed + other.missed,
        )


def score_composite(
    composite: SpunComposite, passages: Sequence[Passage], signals: Sequence[Signal] = ()
) -> CompositeCounts:
    """Score the passages (and spin signals) of one composite's trace against its truth."""
    sentences, attributed, missed_sentences = _sentence_counts(composite, passages)
    chars = _char_counts(composite, passages)
    renames, missed_renames = _rename_counts(composite, passages)
    spin = [sig.detail for sig in signals if sig.type == "spin"]
    rules_signalled = sum(
        1
        for r in composite.renames
        if any(d.startswith(f"{_form(r.old)} -> {_form(r.new)},") for d in spin)
    )
    kinds: Counter[str] = Counter()
    correct_kinds: Counter[str] = Counter()
    for p in passages:
        kinds[p.kind.value] += 1
        over = [s for s in composite.sentences if p.query.intersects(s.query)]
        if over and all(p.source_id in s.accepted for s in over):
            correct_kinds[p.kind.value] += 1
    return CompositeCounts(
        sentences,
        attributed,
        *chars,
        *renames,
        len(composite.renames),
        rules_signalled,
        kinds,
        correct_kinds,
        missed_sentences + missed_renames,
    )


def _sentence_counts(
    composite: SpunComposite, passages: Sequence[Passage]
) -> tuple[Counter[str], Counter[str], tuple[str, ...]]:
    """Inserted and attributed sentences by transformation, and the sentences missed."""
    sentences: Counter[str] = Counter()
    attributed: Counter[str] = Counter()
    missed: list[str] = []
    for s in composite.sentences:
        accepted = s.accepted
        good = _union(
            (p.query.start, p.query.end)
            for p in passages
            if p.source_id in accepted and p.source.intersects(accepted[p.source_id])
        )
        ok = _covered(s.query, good) >= COVER_SHARE * len(s.query)
        for name in ("all", *s.transformations()):
            sentences[name] += 1
            attributed[name] += ok
        if not ok:
            missed.append(
                f"{composite.id} sentence {s.query.start}-{s.query.end} from {s.source_id} "
                f"[{','.join(s.transformations())}]: "
                f"{composite.text[s.query.start : s.query.end]!r}"
            )
    return sentences, attributed, tuple(missed)


def _char_counts(
    composite: SpunComposite, passages: Sequence[Passage]
) -> tuple[int, int, int, int]:
    """Attributed, correct, strictly correct and outside-sentence non-white-space characters."""
    text, sentences = composite.text, composite.sentences
    starts = [s.query.start for s in sentences]
    covering: defaultdict[int, list[Passage]] = defaultdict(list)
    for p in passages:
        for pos in range(p.query.start, min(p.query.end, len(text))):
            covering[pos].append(p)
    attributed = correct = strict = outside = 0
    for pos, ps in covering.items():
        if text[pos].isspace():
            continue
        attributed += 1
        i = bisect_left(starts, pos + 1) - 1
        owner = sentences[i] if i >= 0 and pos < sentences[i].query.end else None
        verdicts = [owner is not None and p.source_id in owner.accepted for p in ps]
        correct += any(verdicts)
        strict += all(verdicts)
        outside += owner is None
    return attributed, correct, strict, outside


def _rename_counts(
    composite: SpunComposite, passages: Sequence[Passage]
) -> tuple[tuple[int, int, int], tuple[str, ...]]:
    """``(renames, reported, reported with normalised forms)`` and the renames missed.

    Each edit of a passage is matched to at most one rename.
    """
    exact: list[Counter[tuple[str, str]]] = []
    folded: list[Counter[tuple[str, str]]] = []
    for p in passages:
        forms = [(_form(e.source), _form(e.query)) for e in p.edits]
        exact.append(Counter(forms))
        folded.append(Counter((normalise(a).text, normalise(b).text) for a, b in forms))
    total = reported = reported_folded = 0
    missed: list[str] = []
    for s in composite.sentences:
        for r in s.renames:
            total += 1
            inside = [
                i
                for i, p in enumerate(passages)
                if p.source_id in s.accepted
                and p.query.start <= r.query.start
                and r.query.end <= p.query.end
            ]
            key = (_form(r.old), _form(r.new))
            key_folded = (normalise(key[0]).text, normalise(key[1]).text)
            for pool, k in ((exact, key), (folded, key_folded)):
                hit = next((i for i in inside if pool[i][k] > 0), None)
                if hit is not None:
                    pool[hit][k] -= 1
                    if pool is exact:
                        reported += 1
                    else:
                        reported_folded += 1
                elif pool is exact:
                    found = sorted(
                        {f"{e.source!r}->{e.query!r}" for i in inside for e in passages[i].edits}
                    )
                    where = (
                        f"edits there: {', '.join(found[:6])}" if inside else "no passage holds it"
                    )
                    missed.append(
                        f"{composite.id} rename {r.old!r}->{r.new!r} at {r.query.start} "
                        f"from {s.source_id}: {where}"
                    )
    return (total, reported, reported_folded), tuple(missed)


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


TRANSFORMATIONS = ("verbatim", "renamed", "synonyms", "truncated")


@dataclass(frozen=True, slots=True)
class SpunReport:
    """Scores of a spun-composite run (see the module docstring for the definitions)."""

    composites: int
    documents: int
    seed: int
    distractors: int
    index: str
    counts: CompositeCounts
    wall_seconds: float = 0.0
    trace_ms_p50: float = 0.0

    @property
    def sentence_recall(self) -> float:
        return _ratio(self.counts.attributed["all"], self.counts.sentences["all"])

    @property
    def char_precision(self) -> float:
        return _ratio(self.counts.correct_chars, self.counts.attributed_chars)

    @property
    def strict_char_precision(self) -> float:
        return _ratio(self.counts.strict_chars, self.counts.attributed_chars)

    @property
    def rename_recall(self) -> float:
        return _ratio(self.counts.renames_reported, self.counts.renames)

    @property
    def rename_recall_normalised(self) -> float:
        return _ratio(self.counts.renames_reported_normalised, self.counts.renames)

    @property
    def rule_recall(self) -> float:
        return _ratio(self.counts.rules_signalled, self.counts.rules)

    def by_transformation(self) -> dict[str, tuple[int, int]]:
        """``name -> (attributed, sentences)`` for each transformation."""
        c = self.counts
        return {t: (c.attributed[t], c.sentences[t]) for t in TRANSFORMATIONS}

    def to_dict(self) -> dict[str, Any]:
        c = self.counts
        return {
            "composites": self.composites,
            "documents": self.documents,
            "seed": self.seed,
            "distractors": self.distractors,
            "index": self.index,
            "sentence_recall": round(self.sentence_recall, 4),
            "char_precision": round(self.char_precision, 4),
            "strict_char_precision": round(self.strict_char_precision, 4),
            "rename_recall": round(self.rename_recall, 4),
            "rename_recall_normalised": round(self.rename_recall_normalised, 4),
            "rule_recall": round(self.rule_recall, 4),
            "sentences": c.sentences["all"],
            "renames": c.renames,
            "rules": c.rules,
            "attributed_chars": c.attributed_chars,
            "wrong_chars_outside_sentences": c.wrong_outside,
            "by_transformation": {
                t: {"attributed": a, "sentences": n, "recall": round(_ratio(a, n), 4)}
                for t, (a, n) in self.by_transformation().items()
            },
            "kinds": {
                k: {"passages": c.kinds[k], "correct": c.correct_kinds[k]}
                for k in (kind.value for kind in PassageKind)
            },
            "wall_seconds": round(self.wall_seconds, 2),
            "trace_ms_p50": round(self.trace_ms_p50, 2),
            "missed": list(c.missed),
        }

    def format_table(self) -> str:
        """A plain-text summary of the scores."""
        c = self.counts
        lines = [
            f"Spun composites: {self.composites} composites, seed {self.seed}, "
            f"{self.documents} documents indexed ({self.index}, {self.distractors} distractors)",
            f"{'measure':<44} {'value':>7} {'of':>12}",
            _line("sentence attribution recall", self.sentence_recall, c.sentences["all"]),
            _line("attributed-character precision", self.char_precision, c.attributed_chars),
            _line(
                "  strict (every covering passage right)",
                self.strict_char_precision,
                c.attributed_chars,
            ),
            _line("rename recall (edits, exact forms)", self.rename_recall, c.renames),
            _line("  normalised forms", self.rename_recall_normalised, c.renames),
            _line("rename rules named by a spin signal", self.rule_recall, c.rules),
            "sentences attributed, by transformation:",
        ]
        for name, (a, n) in self.by_transformation().items():
            lines.append(f"  {name:<42} {_ratio(a, n):>7.4f} {f'{a}/{n}':>12}")
        lines.append("passages by kind (correct / all):")
        for kind in PassageKind:
            lines.append(
                f"  {kind.value:<42} {c.correct_kinds[kind.value]:>7} {c.kinds[kind.value]:>12}"
            )
        lines.append(f"attributed characters outside inserted sentences: {c.wrong_outside}")
        lines.append(f"wall {self.wall_seconds:.1f} s, trace p50 {self.trace_ms_p50:.1f} ms")
        return "\n".join(lines)


def _line(name: str, value: float, of: int) -> str:
    return f"{name:<44} {value:>7.4f} {of:>12}"


def score_spun(
    composites: Sequence[SpunComposite],
    traces: Sequence[tuple[Sequence[Passage], Sequence[Signal]]],
    *,
    seed: int = DEFAULT_SEED,
    documents: int = 0,
    distractors: int = DEFAULT_DISTRACTORS,
    index: str = "",
    wall_seconds: float = 0.0,
    trace_ms_p50: float = 0.0,
) -> SpunReport:
    """Score every composite's ``(passages, signals)`` and sum the counts."""
    if len(composites) != len(traces):
        raise ValueError("one trace is needed per composite")
    total = CompositeCounts()
    for composite, (passages, signals) in zip(composites, traces, strict=True):
        total = total + score_composite(composite, passages, signals)
    return SpunReport(
        len(composites), documents, seed, distractors, index, total, wall_seconds, trace_ms_p50
    )


# --------------------------------------------------------------------------------------------
# The runner
# --------------------------------------------------------------------------------------------


def run_spun(
    shared_data: Path,
    *,
    count: int = DEFAULT_COUNT,
    seed: int = DEFAULT_SEED,
    distractors: int | None = DEFAULT_DISTRACTORS,
    index: Literal["sqlite", "memory"] = "sqlite",
    options: TraceOptions | None = None,
) -> SpunReport:
    """Generate ``count`` composites from ``shared_data``/bbc-news, index, trace and score.

    ``shared_data`` is the shared data folder (``../shared/data``). ``index`` is ``"sqlite"``
    (a temporary SQLite file, the real store) or ``"memory"``. ``options`` are the
    :class:`~wiretrace.tracing.TraceOptions` (defaults when None).
    """
    if index not in ("sqlite", "memory"):
        raise ValueError(f"index must be 'sqlite' or 'memory', not {index!r}")
    opts = options or TraceOptions()
    started = time.perf_counter()
    articles = load_bbc(shared_data / BBC_FILE)
    require_research()
    from research.composites.spinning import generate

    spun = generate(articles, count=count, seed=seed, distractors=distractors)
    with tempfile.TemporaryDirectory(prefix="wiretrace-spun-") as tmp:
        store: Index = SQLiteIndex(Path(tmp) / "spun.db") if index == "sqlite" else MemoryIndex()
        try:
            store.add(spun.documents)
            results: list[tuple[Sequence[Passage], Sequence[Signal]]] = []
            times: list[float] = []
            for composite in spun.composites:
                t0 = time.perf_counter()
                result = trace(store, Document(composite.id, composite.text), opts)
                times.append(time.perf_counter() - t0)
                results.append((result.passages, result.signals))
        finally:
            store.close()
    times.sort()
    log.info("traced %d spun composites", len(times))
    return score_spun(
        spun.composites,
        results,
        seed=seed,
        documents=len(spun.documents),
        distractors=spun.distractors,
        index=index,
        wall_seconds=time.perf_counter() - started,
        trace_ms_p50=1000 * times[len(times) // 2],
    )
