"""Scoring sentence matchers on MRPC, the Microsoft Research Paraphrase Corpus.

MRPC holds news sentence pairs from web news clusters, each labelled paraphrase (1) or not (0):
4,076 pairs for training and 1,725 for testing. Every decision threshold is fitted on the train
split only, then scored once on the test split.

What the wheel ships is the scoring side: the corpus reader :func:`read_mrpc`, the scores
:func:`binary_scores`, and the report :class:`MrpcReport`. The matchers, their features, their
fitting and the TF-IDF baseline are research and live outside the wheel, in
``research/mrpc``: :mod:`research.mrpc.features` (the features, each defined in its
docstring), :mod:`research.mrpc.fit` (the rules and the logistic matcher, how their features
were chosen, how ties are broken) and :mod:`research.mrpc.experiment` (the baseline, and the
fitting and scoring of every row). :func:`run_mrpc` reads both splits and runs that
experiment, so ``wiretrace eval mrpc`` runs from a repository checkout
(:mod:`wiretrace.eval.checkout`). ``research/mrpc_feature_search.py`` prints the
cross-validation figures the feature choice rests on.

The rows
--------
- the baseline: TF-IDF cosine with one threshold;
- a threshold on each of the five sentence features alone;
- the rule: paraphrase when ``word_similarity + weight * containment >= threshold``;
- the logistic matcher: an L2-penalised logistic regression over the chosen lexical
  features, with a threshold on its probability;
- with ``semantic``, the embedding cosine of the packaged MiniLM encoder
  (:mod:`wiretrace.semantic`) alone, and the logistic matcher with it as one more feature.

Scored once on test (2026-11-29): the lexical logistic matcher 0.759 accuracy / 0.823 F1,
against 0.716 / 0.800 for the baseline and 0.730 / 0.812 for the two-feature rule; the
embedding cosine alone 0.720 / 0.807; the logistic matcher with it 0.760 / 0.831.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from wiretrace.errors import CorpusError
from wiretrace.eval.checkout import require_research
from wiretrace.eval.report import Column, table_lines

if TYPE_CHECKING:
    from research.mrpc.fit import LinearRule, LogisticMatcher
    from wiretrace.semantic import SentenceEncoder

__all__ = [
    "TEST_FILE",
    "TRAIN_FILE",
    "BinaryScores",
    "MrpcPair",
    "MrpcReport",
    "RuleResult",
    "binary_scores",
    "read_mrpc",
    "run_mrpc",
]

TRAIN_FILE = "msr_paraphrase_train.txt"
TEST_FILE = "msr_paraphrase_test.txt"
OFFICIAL_HEADER = "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String"

IntArray = npt.NDArray[np.int64]

_MRPC_COLUMNS = (
    Column("rule", 44, left=True),
    Column("train acc", 9, ".4f"),
    Column("test acc", 8, ".4f"),
    Column("prec", 6, ".4f"),
    Column("rec", 6, ".4f"),
    Column("F1", 6, ".4f"),
)


@dataclass(frozen=True, slots=True)
class BinaryScores:
    """Accuracy, precision, recall and F1 of the positive class (paraphrase)."""

    accuracy: float
    precision: float
    recall: float
    f1: float
    pairs: int


def binary_scores(
    predicted: Sequence[bool] | npt.NDArray[np.bool_], gold: Sequence[int] | IntArray
) -> BinaryScores:
    """Scores of boolean predictions against 0/1 labels (all 0 for no pairs)."""
    p = np.asarray(predicted, dtype=bool)
    g = np.asarray(gold, dtype=np.int64) == 1
    if p.shape != g.shape:
        raise ValueError(f"{p.shape[0]} predictions for {g.shape[0]} labels")
    n = int(p.size)
    if n == 0:
        return BinaryScores(0.0, 0.0, 0.0, 0.0, 0)
    tp = int((p & g).sum())
    precision = tp / int(p.sum()) if p.any() else 0.0
    recall = tp / int(g.sum()) if g.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BinaryScores(float((p == g).mean()), precision, recall, f1, n)


# --------------------------------------------------------------------------------------------
# Corpus files
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MrpcPair:
    """One labelled sentence pair; ``line`` is its line number in its file."""

    label: int
    id1: str
    id2: str
    sentence1: str
    sentence2: str
    line: int


def read_mrpc(path: Path) -> list[MrpcPair]:
    """The pairs of one MRPC file: UTF-8 (a BOM is allowed), tab-separated, five columns.

    The official header line (``Quality\\t#1 ID\\t...``) is skipped when present; any other
    malformed line raises :class:`CorpusError` naming the file and line.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{path}: not valid UTF-8 at byte {exc.start} ({exc.reason}); MRPC files are UTF-8"
        ) from exc
    pairs: list[MrpcPair] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if lineno == 1 and line.strip() == OFFICIAL_HEADER:
            continue
        if not line.strip():
            raise CorpusError(f"{path}:{lineno}: empty line; every line must hold one pair")
        cells = line.split("\t")
        if len(cells) != 5:
            raise CorpusError(
                f"{path}:{lineno}: {len(cells)} tab-separated columns, expected 5 "
                "(label, id1, id2, sentence1, sentence2)"
            )
        label, id1, id2, s1, s2 = cells
        if label not in ("0", "1"):
            raise CorpusError(f"{path}:{lineno}: label {label!r}, expected 0 or 1")
        if not s1.strip() or not s2.strip():
            raise CorpusError(f"{path}:{lineno}: empty sentence")
        pairs.append(MrpcPair(int(label), id1, id2, s1, s2, lineno))
    if not pairs:
        raise CorpusError(f"{path}: no pairs")
    return pairs


# --------------------------------------------------------------------------------------------
# The runner
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleResult:
    """A fitted rule: how it reads, its train accuracy and its test scores."""

    name: str
    rule: str
    train_accuracy: float
    test: BinaryScores


@dataclass(frozen=True, slots=True)
class MrpcReport:
    """The result of :func:`run_mrpc`: the baseline, one rule per feature, and the matchers.

    ``rule`` is the documented two-feature rule (:class:`LinearRule`); ``singles`` hold a
    threshold on each feature alone, for comparison; ``logistic`` is the logistic matcher over
    :data:`LOGISTIC_FEATURES`. ``semantic`` holds the embedding rows when asked for: a
    threshold on the embedding cosine alone, and the logistic matcher with that cosine as one
    more feature.
    """

    data_dir: str
    train_pairs: int
    train_positive: int
    test_pairs: int
    test_positive: int
    baseline: RuleResult
    singles: tuple[RuleResult, ...]
    rule: RuleResult
    fitted: LinearRule
    logistic: RuleResult
    logistic_fit: LogisticMatcher = field(compare=False)
    semantic: tuple[RuleResult, ...] = ()
    semantic_fit: LogisticMatcher | None = field(default=None, compare=False)
    wall_seconds: float = field(default=0.0, compare=False)

    def rows(self) -> tuple[RuleResult, ...]:
        """Every fitted row, baseline first, in the order of the table."""
        return (self.baseline, *self.singles, self.rule, self.logistic, *self.semantic)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready summary."""

        def row(r: RuleResult) -> dict[str, object]:
            t = r.test
            return {
                "name": r.name,
                "rule": r.rule,
                "train_accuracy": round(r.train_accuracy, 4),
                "test_accuracy": round(t.accuracy, 4),
                "test_precision": round(t.precision, 4),
                "test_recall": round(t.recall, 4),
                "test_f1": round(t.f1, 4),
            }

        def logistic(r: RuleResult, m: LogisticMatcher) -> dict[str, object]:
            return {
                **row(r),
                "threshold": round(m.threshold, 6),
                "l2": m.model.l2,
                "intercept": round(m.model.intercept, 6),
                "standardised_weights": {
                    n: round(float(w), 6)
                    for n, w in zip(m.model.features, m.model.weights, strict=True)
                },
            }

        out: dict[str, object] = {
            "data_dir": self.data_dir,
            "train": {"pairs": self.train_pairs, "paraphrase": self.train_positive},
            "test": {"pairs": self.test_pairs, "paraphrase": self.test_positive},
            "baseline": row(self.baseline),
            "rule": {
                **row(self.rule),
                "weight": self.fitted.weight,
                "threshold": round(self.fitted.threshold, 6),
            },
            "logistic": logistic(self.logistic, self.logistic_fit),
            "singles": [row(r) for r in self.singles],
        }
        if self.semantic:
            semantic = [row(r) for r in self.semantic]
            if self.semantic_fit is not None:
                semantic[-1] = logistic(self.semantic[-1], self.semantic_fit)
            out["semantic"] = semantic
        out["wall_seconds"] = round(self.wall_seconds, 3)
        return out

    def format_table(self) -> str:
        """A plain-text table: every rule's train accuracy and test scores."""
        lines = [
            f"MRPC: {self.data_dir} (train {self.train_pairs} pairs, {self.train_positive} "
            f"paraphrase; test {self.test_pairs} pairs, {self.test_positive} paraphrase)",
        ]
        lines += table_lines(
            _MRPC_COLUMNS,
            [
                (
                    r.name,
                    r.train_accuracy,
                    r.test.accuracy,
                    r.test.precision,
                    r.test.recall,
                    r.test.f1,
                )
                for r in self.rows()
            ],
        )
        lines.append(f"chosen rule: {self.fitted.describe()}")
        lines.append(f"logistic: {self.logistic.rule}")
        lines.extend(f"{r.name}: {r.rule}" for r in self.semantic)
        lines.append(f"baseline: {self.baseline.rule}")
        lines.append(f"wall {self.wall_seconds:.1f} s")
        return "\n".join(lines)


def run_mrpc(
    data_dir: Path, semantic: bool = False, encoder: SentenceEncoder | None = None
) -> MrpcReport:
    """Fit every rule on the train split of ``data_dir`` and score it on the test split.

    With ``semantic``, also the embedding rows; ``encoder`` defaults to
    :func:`wiretrace.semantic.load_encoder`, which says what to install when the
    ``[semantic]`` extra is missing. Encoding MRPC's sentences takes minutes on two cores.
    The fitting is research code (:mod:`research.mrpc.experiment`): run from a checkout.
    """
    start = time.perf_counter()
    train = read_mrpc(data_dir / TRAIN_FILE)
    test = read_mrpc(data_dir / TEST_FILE)
    require_research()
    from research.mrpc.experiment import fit_and_score

    return fit_and_score(str(data_dir), train, test, semantic, encoder, start)
