"""Scoring trace reports on the Clough & Stevenson corpus of plagiarised short answers.

The corpus holds 5 Wikipedia source texts (``orig_task{a..e}.txt``) and 95 short answers to
5 questions, written by 19 people under four instructions: ``cut`` (copy and paste), ``light``
(light revision), ``heavy`` (heavy paraphrase) and ``non`` (written independently). The labels
are per answer; there are no passage offsets.

The module has three layers:

1. **Corpus files** (:mod:`wiretrace.eval.clough_corpus`, its names re-exported here):
   :func:`read_clough` reads the sources, the answers and ``file_information.csv``, decoding
   the answers saved as Windows-1252 (that module's docstring says how).
2. **Measures and rules** (pure): for each answer, :func:`measure_answer` traces it against an
   index of the five sources and keeps what the report says:

   - ``coverage``: the report's coverage (share of the answer's characters attributed);
   - ``shares``: the share of the answer's characters in passages of each kind (``verbatim``,
     ``near_verbatim``, ``rewritten``, ``paraphrase``; overlapping passages of two kinds count
     for both);
   - ``copied``: of the answer's words inside attributed passages, the share that the
     passage's source side has in the same order (the longest common subsequence of the two
     sides' words, aliases canonicalised). Passage kinds are decided per passage, and a
     copy-and-paste answer that takes sentences from across the source is often one long
     passage with gaps on the source side, and then it is not ``verbatim`` as a whole; this
     share looks at words.
   - ``containment3``: the baseline, word 3-gram containment of the answer in its own task's
     source, ``|3grams(answer) & 3grams(source)| / |3grams(answer)|`` (lower-case ``\\w+``
     words).

   A :class:`TieredRule` maps two measures to a class: ``non`` when the *gate* measure is
   below ``non_below``; otherwise ``cut`` when the *score* measure is at least ``cut_at``,
   ``light`` when it is at least ``light_at``, else ``heavy``. :func:`fit_tiered_rule` picks
   the three thresholds by an exhaustive grid search for the best accuracy
   (:mod:`wiretrace.eval.clough_rules`, which also says how ties are broken).
3. **The runner** :func:`run_clough` fits each rule on some tasks and scores it on the others:
   tasks a, b, c for fitting and d, e for scoring, and the reverse (so each answer is scored
   exactly once), plus leave-one-task-out. Three rules are compared side by side:

   - ``trace``: gate ``coverage``, score ``copied``;
   - ``trace kinds``: gate ``coverage``, score the share of the answer in ``verbatim`` or
     ``near_verbatim`` passages (kinds only);
   - ``baseline``: gate and score both ``containment3``, which is three thresholds on word
     3-gram containment (Clough and Stevenson's own measure).
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rapidfuzz.distance import Indel

from wiretrace.align.sentences import canonical_tokens
from wiretrace.eval.clough_corpus import (
    CATEGORIES,
    CORPUS_DIR,
    TASKS,
    Answer,
    CloughCorpus,
    decode_text,
    read_clough,
)
from wiretrace.eval.clough_rules import TieredRule, fit_tiered_rule
from wiretrace.eval.report import Column, table_lines
from wiretrace.index.memory import MemoryIndex
from wiretrace.model import Document, Passage, PassageKind, Span
from wiretrace.text.tokens import Tokens, tokenize
from wiretrace.text.words import WORD
from wiretrace.tracing import TraceOptions, trace

__all__ = [
    "CATEGORIES",
    "CORPUS_DIR",
    "MEASURES",
    "SPLITS",
    "TASKS",
    "Answer",
    "AnswerMeasures",
    "CloughCorpus",
    "CloughReport",
    "Distribution",
    "MethodResult",
    "SplitResult",
    "TieredRule",
    "copied_share",
    "decode_text",
    "distribution",
    "fit_tiered_rule",
    "measure_answer",
    "ngram_containment",
    "read_clough",
    "run_clough",
]

SPLITS = (("a", "b", "c"), ("d", "e")), (("d", "e"), ("a", "b", "c"))
"""(fitting tasks, scoring tasks) of the two half splits."""
KINDS = tuple(k.value for k in PassageKind)
MEASURES = ("coverage", *KINDS, "close", "copied", "containment3")
"""The per-answer measures summarised per class (``close`` is verbatim or near-verbatim)."""


# --------------------------------------------------------------------------------------------
# Measures (pure)
# --------------------------------------------------------------------------------------------


def ngram_containment(answer: str, source: str, n: int = 3) -> float:
    """Share of the answer's distinct word n-grams that occur in the source (0 for none)."""

    def grams(text: str) -> set[tuple[str, ...]]:
        words = WORD.findall(text.lower())
        return set(zip(*(words[k:] for k in range(n)), strict=False))

    mine = grams(answer)
    return len(mine & grams(source)) / len(mine) if mine else 0.0


def token_range(tokens: Tokens, span: Span) -> tuple[int, int]:
    first = bisect.bisect_left(tokens.starts, span.start)
    return first, max(first, bisect.bisect_right(tokens.ends, span.end))


def _canonical(text: str) -> Tokens:
    return canonical_tokens(text, tokenize(text))


def copied_share(text: str, passages: Sequence[Passage], sources: Mapping[str, str]) -> float:
    """Of the words of ``text`` inside some passage, the share matched in order to a word of
    that passage's source side (0 when no word is attributed).

    ``sources`` maps each passage's ``source_id`` to the source text.
    """
    words = _canonical(text)
    inside = np.zeros(len(words), dtype=bool)
    copied = np.zeros(len(words), dtype=bool)
    source_words: dict[str, Tokens] = {}
    for p in passages:
        if p.source_id not in sources:
            raise KeyError(f"passage source {p.source_id!r} has no text")
        st = source_words.get(p.source_id)
        if st is None:
            st = source_words[p.source_id] = _canonical(sources[p.source_id])
        q0, q1 = token_range(words, p.query)
        s0, s1 = token_range(st, p.source)
        inside[q0:q1] = True
        for op in Indel.opcodes(words.words[q0:q1], st.words[s0:s1]):
            if op.tag == "equal":
                copied[q0 + op.src_start : q0 + op.src_end] = True
    return float(copied.sum() / inside.sum()) if inside.any() else 0.0


@dataclass(frozen=True, slots=True)
class AnswerMeasures:
    """What the trace report says about one answer, and the baseline's containment."""

    file: str
    task: str
    category: str
    encoding: str
    coverage: float
    shares: Mapping[str, float]
    close: float
    copied: float
    containment3: float
    sources: tuple[str, ...]

    def get(self, name: str) -> float:
        """A measure by name (one of :data:`MEASURES`)."""
        if name in KINDS:
            return self.shares[name]
        if name not in MEASURES:
            raise KeyError(f"unknown measure {name!r}; expected one of {MEASURES}")
        value: float = getattr(self, name)
        return value


def measure_answer(
    index: MemoryIndex,
    answer: Answer,
    sources: Mapping[str, Document],
    options: TraceOptions | None = None,
) -> AnswerMeasures:
    """Trace ``answer`` against ``index`` (which holds ``sources``, keyed by task)."""
    result = trace(index, Document(answer.file, answer.text), options)
    length = len(answer.text)
    passages = list(result.passages)

    def share(kinds: set[str]) -> float:
        spans = [p.query for p in passages if p.kind.value in kinds]
        return Span.union_length(spans) / length if length else 0.0

    texts = {doc.id: doc.text for doc in sources.values()}
    return AnswerMeasures(
        file=answer.file,
        task=answer.task,
        category=answer.category,
        encoding=answer.encoding,
        coverage=result.coverage,
        shares={k: round(share({k}), 4) for k in KINDS},
        close=round(share({"verbatim", "near_verbatim"}), 4),
        copied=round(copied_share(answer.text, passages, texts), 4),
        containment3=round(ngram_containment(answer.text, sources[answer.task].text), 4),
        sources=tuple(s.document.id for s in result.sources),
    )


@dataclass(frozen=True, slots=True)
class Distribution:
    """Mean and quartiles of one measure over one class."""

    n: int
    mean: float
    minimum: float
    q1: float
    median: float
    q3: float
    maximum: float


def distribution(values: Sequence[float]) -> Distribution:
    """Mean, extremes and quartiles (linear interpolation, numpy's default)."""
    if not values:
        return Distribution(0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    v = np.asarray(values, dtype=np.float64)
    lo, q1, med, q3, hi = (float(x) for x in np.percentile(v, [0, 25, 50, 75, 100]))
    return Distribution(len(values), float(v.mean()), lo, q1, med, q3, hi)


# --------------------------------------------------------------------------------------------
# The runner
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SplitResult:
    """A rule fitted on some tasks and scored on others."""

    fit_tasks: tuple[str, ...]
    score_tasks: tuple[str, ...]
    rule: TieredRule
    fit_accuracy: float
    accuracy: float
    scored: int


@dataclass(frozen=True, slots=True)
class MethodResult:
    """One way of classifying answers, fitted and scored on every split.

    - ``splits``: the two half splits (a, b, c / d, e and the reverse);
    - ``mean_accuracy``: the mean of their two accuracies;
    - ``pooled_accuracy`` and ``confusion``: over all answers, each scored once by the rule
      fitted on the other half (rows: true class, columns: predicted, in :data:`CATEGORIES`
      order);
    - ``loto_accuracy``: leave one task out, pooled over the five tasks.
    """

    name: str
    gate: str
    score: str
    splits: tuple[SplitResult, ...]
    mean_accuracy: float
    pooled_accuracy: float
    confusion: tuple[tuple[int, ...], ...]
    loto_accuracy: float


def _evaluate(name: str, gate: str, score: str, measures: Sequence[AnswerMeasures]) -> MethodResult:
    def fit_on(tasks: Sequence[str]) -> tuple[TieredRule, float]:
        chosen = [m for m in measures if m.task in tasks]
        return fit_tiered_rule(
            [m.get(gate) for m in chosen],
            [m.get(score) for m in chosen],
            [m.category for m in chosen],
            (gate, score),
        )

    splits: list[SplitResult] = []
    predicted: dict[str, str] = {}
    for fit_tasks, score_tasks in SPLITS:
        rule, fit_acc = fit_on(fit_tasks)
        scored = [m for m in measures if m.task in score_tasks]
        hits = 0
        for m in scored:
            predicted[m.file] = rule(m)
            hits += predicted[m.file] == m.category
        splits.append(
            SplitResult(fit_tasks, score_tasks, rule, fit_acc, hits / len(scored), len(scored))
        )
    confusion = [[0] * len(CATEGORIES) for _ in CATEGORIES]
    for m in measures:
        confusion[CATEGORIES.index(m.category)][CATEGORIES.index(predicted[m.file])] += 1
    loto_hits = 0
    for task in TASKS:
        rule, _ = fit_on([t for t in TASKS if t != task])
        loto_hits += sum(rule(m) == m.category for m in measures if m.task == task)
    pooled = sum(confusion[k][k] for k in range(len(CATEGORIES))) / len(measures)
    return MethodResult(
        name,
        gate,
        score,
        tuple(splits),
        float(np.mean([s.accuracy for s in splits])),
        pooled,
        tuple(tuple(row) for row in confusion),
        loto_hits / len(measures),
    )


_RULE_COLUMNS = (
    Column("rule", 34, left=True),
    Column("abc->de", 8, ".4f"),
    Column("de->abc", 8, ".4f"),
    Column("mean", 6, ".4f"),
    Column("pooled", 7, ".4f"),
    Column("LOTO", 6, ".4f"),
)


@dataclass(frozen=True, slots=True)
class CloughReport:
    """The result of :func:`run_clough`: per-answer measures, per-class summaries, and the
    accuracy of each rule (``methods[0]`` is the trace rule, ``methods[-1]`` the baseline)."""

    data_dir: str
    answers: tuple[AnswerMeasures, ...] = field(repr=False)
    encodings: Mapping[str, str]
    unlisted: tuple[str, ...]
    classes: Mapping[str, Mapping[str, Distribution]]
    methods: tuple[MethodResult, ...]
    wall_seconds: float = field(compare=False)

    @property
    def trace_rule(self) -> MethodResult:
        return self.methods[0]

    @property
    def baseline(self) -> MethodResult:
        return self.methods[-1]

    def unattributed(self) -> list[AnswerMeasures]:
        """Answers labelled as derived (not ``non``) to which the trace attributed nothing."""
        return [m for m in self.answers if m.category != "non" and m.coverage == 0]

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready summary, with every answer's measures."""
        return {
            "data_dir": self.data_dir,
            "answers": len(self.answers),
            "not_utf8": {f: e for f, e in sorted(self.encodings.items()) if e != "utf-8"},
            "unlisted_files": list(self.unlisted),
            "classes": {
                c: {name: _dist_dict(d) for name, d in by.items()} for c, by in self.classes.items()
            },
            "methods": [_method_dict(m) for m in self.methods],
            "unattributed": [m.file for m in self.unattributed()],
            "per_answer": [
                {
                    "file": m.file,
                    "task": m.task,
                    "category": m.category,
                    "encoding": m.encoding,
                    "coverage": m.coverage,
                    **dict(m.shares),
                    "close": m.close,
                    "copied": m.copied,
                    "containment3": m.containment3,
                    "sources": list(m.sources),
                }
                for m in self.answers
            ],
            "wall_seconds": round(self.wall_seconds, 3),
        }

    def format_table(self) -> str:
        """Plain-text tables: each measure per class, then each rule's accuracy."""
        odd = {f: e for f, e in sorted(self.encodings.items()) if e != "utf-8"}
        lines = [f"Clough & Stevenson short answers: {self.data_dir} ({len(self.answers)} answers)"]
        lines.append(
            f"encodings: {len(self.encodings) - len(odd)} files UTF-8, {len(odd)} Windows-1252"
            + (f" ({', '.join(odd)})" if odd else "")
        )
        if self.unlisted:
            lines.append(f"unlisted .txt files (not scored): {', '.join(self.unlisted)}")
        lines.append("")
        lines.append("measure per class: mean [q1 median q3]")
        lines.append(f"{'measure':<14}" + "".join(f"{c:>26}" for c in CATEGORIES))
        for name in MEASURES:
            cells = []
            for c in CATEGORIES:
                d = self.classes[c][name]
                cells.append(f"{d.mean:.2f} [{d.q1:.2f} {d.median:.2f} {d.q3:.2f}]".rjust(26))
            lines.append(f"{name:<14}" + "".join(cells))
        lines.append("")
        lines += table_lines(
            _RULE_COLUMNS,
            [
                (
                    m.name,
                    *(s.accuracy for s in m.splits),
                    m.mean_accuracy,
                    m.pooled_accuracy,
                    m.loto_accuracy,
                )
                for m in self.methods
            ],
        )
        for m in self.methods:
            lines.append(f"{m.name}:")
            for s in m.splits:
                lines.append(f"  fitted on {''.join(s.fit_tasks)}: {s.rule.describe()}")
            lines.append(
                "  confusion (rows true, columns predicted, "
                + " ".join(CATEGORIES)
                + "): "
                + "; ".join(" ".join(str(v) for v in row) for row in m.confusion)
            )
        missing = self.unattributed()
        if missing:
            lines.append(
                "derived answers with nothing attributed: "
                + ", ".join(f"{m.file} ({m.category})" for m in missing)
            )
        lines.append(f"wall {self.wall_seconds:.1f} s")
        return "\n".join(lines)


def _dist_dict(d: Distribution) -> dict[str, float]:
    return {
        "n": d.n,
        "mean": round(d.mean, 4),
        "min": round(d.minimum, 4),
        "q1": round(d.q1, 4),
        "median": round(d.median, 4),
        "q3": round(d.q3, 4),
        "max": round(d.maximum, 4),
    }


def _method_dict(m: MethodResult) -> dict[str, object]:
    return {
        "name": m.name,
        "gate": m.gate,
        "score": m.score,
        "splits": [
            {
                "fit_tasks": "".join(s.fit_tasks),
                "score_tasks": "".join(s.score_tasks),
                "rule": {
                    "non_below": round(s.rule.non_below, 6),
                    "light_at": round(s.rule.light_at, 6),
                    "cut_at": round(s.rule.cut_at, 6),
                    "text": s.rule.describe(),
                },
                "fit_accuracy": round(s.fit_accuracy, 4),
                "accuracy": round(s.accuracy, 4),
                "scored": s.scored,
            }
            for s in m.splits
        ],
        "mean_accuracy": round(m.mean_accuracy, 4),
        "pooled_accuracy": round(m.pooled_accuracy, 4),
        "loto_accuracy": round(m.loto_accuracy, 4),
        "confusion": {"order": list(CATEGORIES), "rows": [list(r) for r in m.confusion]},
    }


METHODS: tuple[tuple[str, str, str], ...] = (
    ("trace: coverage + copied", "coverage", "copied"),
    ("trace kinds: coverage + close", "coverage", "close"),
    ("baseline: 3-gram containment", "containment3", "containment3"),
)
"""(name, gate measure, score measure) of the rules :func:`run_clough` compares."""


def run_clough(
    data_dir: Path,
    *,
    options: TraceOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CloughReport:
    """Trace every answer against the five sources, summarise, and score the rules."""
    start = time.perf_counter()
    corpus = read_clough(data_dir)
    index = MemoryIndex()
    index.add(corpus.sources.values())
    measures = []
    for k, answer in enumerate(corpus.answers, 1):
        measures.append(measure_answer(index, answer, corpus.sources, options))
        if progress is not None:
            progress(k, len(corpus.answers))
    classes = {
        c: {
            name: distribution([m.get(name) for m in measures if m.category == c])
            for name in MEASURES
        }
        for c in CATEGORIES
    }
    methods = tuple(_evaluate(name, g, s, measures) for name, g, s in METHODS)
    encodings = {**corpus.source_encodings, **{a.file: a.encoding for a in corpus.answers}}
    return CloughReport(
        data_dir=str(data_dir),
        answers=tuple(measures),
        encodings=encodings,
        unlisted=corpus.unlisted,
        classes=classes,
        methods=methods,
        wall_seconds=time.perf_counter() - start,
    )
