"""Scoring the sentence matcher on MRPC, the Microsoft Research Paraphrase Corpus.

MRPC holds news sentence pairs from web news clusters, each labelled paraphrase (1) or not (0):
4,076 pairs for training and 1,725 for testing. Every decision threshold here is fitted on
the train split only, then scored once on the test split.

The code has three layers, in three modules:

1. **Features** (pure, :mod:`wiretrace.eval.mrpc_features`): :func:`sentence_similarity`
   compares two sentences with the machinery of the sentence aligner
   (:mod:`wiretrace.align.sentences`) and returns five measures in one
   :class:`SentenceFeatures` (``cosine``, ``pair_cosine``, ``dice``, ``word_similarity``,
   ``containment``); :func:`lexical_features` adds the richer set the logistic matcher draws
   on. That module's docstring defines every feature.
2. **Rules and their fitting** (pure, :mod:`wiretrace.eval.mrpc_fit`): a threshold on one score
   (:func:`fit_threshold`) or the two-feature rule :class:`LinearRule`
   (:func:`fit_linear_rule`), each chosen by a grid search for the best train accuracy; and the
   logistic matcher (:func:`fit_logistic`, :func:`fit_logistic_matcher`,
   :func:`cross_validate`). That module's docstring records the rule, how the logistic
   matcher's features were chosen by cross-validation on train, and how ties are broken.
3. **This module**: the corpus reader :func:`read_mrpc`, the TF-IDF baseline, and the runner
   :func:`run_mrpc`, which reads both splits, computes the baseline and the rules side by side,
   and returns an :class:`MrpcReport`. With ``semantic=True`` it adds two rows on the packaged
   MiniLM sentence encoder (:mod:`wiretrace.semantic`): the embedding cosine of the two
   sentences (:func:`embedding_cosines`, L2-normalised rows) thresholded alone, and added to
   :data:`LOGISTIC_FEATURES` as one more feature.

Every public name of the two other modules is re-exported here, so
``from wiretrace.eval.mrpc import ...`` reaches all of them.

The rows
--------
- the baseline (below);
- a threshold on each of the five features alone;
- the rule: paraphrase when ``word_similarity + weight * containment >= threshold``;
- the logistic matcher: an L2-penalised logistic regression over :data:`LOGISTIC_FEATURES`,
  with a threshold on its probability;
- with ``semantic``, the embedding cosine alone and the logistic matcher with it.

Scored once on test (2026-11-29): the lexical logistic matcher 0.759 accuracy / 0.823 F1,
against 0.716 / 0.800 for the baseline and 0.730 / 0.812 for the two-feature rule; the
embedding cosine alone 0.720 / 0.807; the logistic matcher with it 0.760 / 0.831.

Baseline
--------
:func:`tfidf_cosine_baseline` is the usual TF-IDF baseline: lower-cased words of two or more
word characters (``\\b\\w\\w+\\b``), smoothed idf ``ln((1 + n) / (1 + df)) + 1`` fitted on the
distinct train sentences, raw term counts, cosine, one threshold fitted on train. It is
computed in the same run, so the comparison is side by side.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from wiretrace.errors import CorpusError
from wiretrace.eval.mrpc_features import (
    FEATURE_GROUPS,
    FEATURE_NAMES,
    NEGATIONS,
    FloatArray,
    Idf,
    SentenceFeatures,
    SentenceTerms,
    _cosine,
    _distinct_sentences,
    _terms,
    fit_idf,
    lexical_features,
    lexical_matrix,
    sentence_similarity,
    sentence_terms,
    similarity,
)
from wiretrace.eval.mrpc_fit import (
    CV_FOLDS,
    LINEAR_WEIGHTS,
    LOGISTIC_FEATURES,
    LOGISTIC_GROUPS,
    LOGISTIC_L2,
    BinaryScores,
    IntArray,
    LinearRule,
    LogisticMatcher,
    LogisticModel,
    ThresholdFit,
    binary_scores,
    cross_validate,
    fit_linear_rule,
    fit_logistic,
    fit_logistic_matcher,
    fit_threshold,
)

if TYPE_CHECKING:
    from wiretrace.semantic import SentenceEncoder

__all__ = [
    "CV_FOLDS",
    "FEATURE_GROUPS",
    "FEATURE_NAMES",
    "LINEAR_WEIGHTS",
    "LOGISTIC_FEATURES",
    "LOGISTIC_GROUPS",
    "LOGISTIC_L2",
    "NEGATIONS",
    "TEST_FILE",
    "TRAIN_FILE",
    "BinaryScores",
    "Idf",
    "LinearRule",
    "LogisticMatcher",
    "LogisticModel",
    "MrpcPair",
    "MrpcReport",
    "RuleResult",
    "SentenceFeatures",
    "SentenceTerms",
    "ThresholdFit",
    "baseline_words",
    "binary_scores",
    "cross_validate",
    "embedding_cosines",
    "fit_idf",
    "fit_linear_rule",
    "fit_logistic",
    "fit_logistic_matcher",
    "fit_threshold",
    "lexical_features",
    "lexical_matrix",
    "read_mrpc",
    "run_mrpc",
    "sentence_similarity",
    "sentence_terms",
    "similarity",
    "tfidf_cosine_baseline",
]

TRAIN_FILE = "msr_paraphrase_train.txt"
TEST_FILE = "msr_paraphrase_test.txt"
OFFICIAL_HEADER = "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String"
_BASELINE_WORD = re.compile(r"\b\w\w+\b")


# --------------------------------------------------------------------------------------------
# Baseline
# --------------------------------------------------------------------------------------------


def baseline_words(text: str) -> list[str]:
    """Words as the TF-IDF baseline sees them: lower case, at least two word characters."""
    return _BASELINE_WORD.findall(text.lower())


def tfidf_cosine_baseline(pairs: Sequence[tuple[str, str]], idf: Idf) -> FloatArray:
    """Plain TF-IDF cosine of each pair (raw counts times idf over :func:`baseline_words`)."""
    return np.array(
        [_cosine(baseline_words(a), baseline_words(b), idf) for a, b in pairs], dtype=np.float64
    )


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
            f"{'rule':<44} {'train acc':>9} {'test acc':>8} {'prec':>6} {'rec':>6} {'F1':>6}",
        ]
        for r in self.rows():
            t = r.test
            lines.append(
                f"{r.name:<44} {r.train_accuracy:>9.4f} {t.accuracy:>8.4f} {t.precision:>6.4f} "
                f"{t.recall:>6.4f} {t.f1:>6.4f}"
            )
        lines.append(f"chosen rule: {self.fitted.describe()}")
        lines.append(f"logistic: {self.logistic.rule}")
        lines.extend(f"{r.name}: {r.rule}" for r in self.semantic)
        lines.append(f"baseline: {self.baseline.rule}")
        lines.append(f"wall {self.wall_seconds:.1f} s")
        return "\n".join(lines)


def _features(pairs: Sequence[MrpcPair], idf: Idf, cache: dict[str, SentenceTerms]) -> FloatArray:
    rows = []
    for p in pairs:
        f = similarity(_terms(p.sentence1, cache), _terms(p.sentence2, cache), idf)
        rows.append([f.get(name) for name in FEATURE_NAMES])
    return np.array(rows, dtype=np.float64).reshape(len(pairs), len(FEATURE_NAMES))


def embedding_cosines(
    encoder: SentenceEncoder, *splits: Sequence[MrpcPair]
) -> tuple[FloatArray, ...]:
    """The embedding cosine of every pair of each split, in order.

    Every distinct sentence of all the splits is encoded once, in one call (the slow part:
    minutes on two cores for MRPC's ~11k sentences); the encoder's rows are L2-normalised, so
    the cosine is a dot product.
    """
    sentences = _distinct_sentences([p for split in splits for p in split])
    vectors = np.asarray(encoder.encode(sentences), dtype=np.float64)
    row = {s: k for k, s in enumerate(sentences)}
    out = []
    for split in splits:
        first = vectors[[row[p.sentence1] for p in split]]
        second = vectors[[row[p.sentence2] for p in split]]
        out.append(np.asarray((first * second).sum(axis=1), dtype=np.float64))
    return tuple(out)


def _threshold_row(
    name: str, label: str, train: FloatArray, test: FloatArray, y_train: IntArray, y_test: IntArray
) -> RuleResult:
    fit = fit_threshold(train, y_train)
    return RuleResult(
        name,
        f"{label} >= {fit.threshold:.4f}",
        fit.train_accuracy,
        binary_scores(test >= fit.threshold, y_test),
    )


def _logistic_row(
    name: str, matcher: LogisticMatcher, x_test: FloatArray, y_test: IntArray
) -> RuleResult:
    model = matcher.model
    rule = (
        f"P(paraphrase) >= {matcher.threshold:.4f}, logistic over {len(model.features)} "
        f"features (l2 = {model.l2:g}, {model.iterations} L-BFGS iterations)"
    )
    return RuleResult(
        name, rule, matcher.train_accuracy, binary_scores(matcher.predict(x_test), y_test)
    )


def run_mrpc(
    data_dir: Path, semantic: bool = False, encoder: SentenceEncoder | None = None
) -> MrpcReport:
    """Fit every rule on the train split of ``data_dir`` and score it on the test split.

    With ``semantic``, also the embedding rows; ``encoder`` defaults to
    :func:`wiretrace.semantic.load_encoder`, which says what to install when the
    ``[semantic]`` extra is missing. Encoding MRPC's sentences takes minutes on two cores.
    """
    start = time.perf_counter()
    train = read_mrpc(data_dir / TRAIN_FILE)
    test = read_mrpc(data_dir / TEST_FILE)
    y_train = np.array([p.label for p in train], dtype=np.int64)
    y_test = np.array([p.label for p in test], dtype=np.int64)
    sentences = _distinct_sentences(train)

    base_idf = fit_idf([baseline_words(s) for s in sentences])
    base_train = tfidf_cosine_baseline([(p.sentence1, p.sentence2) for p in train], base_idf)
    base_test = tfidf_cosine_baseline([(p.sentence1, p.sentence2) for p in test], base_idf)
    base_fit = fit_threshold(base_train, y_train)
    baseline = RuleResult(
        "baseline: TF-IDF cosine",
        f"tfidf_cosine(lowercase words) >= {base_fit.threshold:.4f}",
        base_fit.train_accuracy,
        binary_scores(base_test >= base_fit.threshold, y_test),
    )

    cache: dict[str, SentenceTerms] = {}
    idf = fit_idf([_terms(s, cache).content for s in sentences])
    x_train = _features(train, idf, cache)
    x_test = _features(test, idf, cache)
    singles = tuple(
        _threshold_row(name, name, x_train[:, k], x_test[:, k], y_train, y_test)
        for k, name in enumerate(FEATURE_NAMES)
    )
    ws, cont = FEATURE_NAMES.index("word_similarity"), FEATURE_NAMES.index("containment")
    fitted = fit_linear_rule(x_train[:, ws], x_train[:, cont], y_train)
    test_scores = x_test[:, ws] + fitted.weight * x_test[:, cont]
    rule = RuleResult(
        "rule: word_similarity + w*containment",
        fitted.describe(),
        fitted.train_accuracy,
        binary_scores(test_scores >= fitted.threshold, y_test),
    )

    names, lex_train = lexical_matrix(train, train, cache)
    _, lex_test = lexical_matrix(train, test, cache)
    cols = [names.index(f) for f in LOGISTIC_FEATURES]
    lex_train, lex_test = lex_train[:, cols], lex_test[:, cols]
    matcher = fit_logistic_matcher(lex_train, y_train, LOGISTIC_FEATURES)
    logistic = _logistic_row("logistic: lexical features", matcher, lex_test, y_test)

    semantic_rows: tuple[RuleResult, ...] = ()
    semantic_fit: LogisticMatcher | None = None
    if semantic:
        if encoder is None:
            from wiretrace.semantic import load_encoder  # the [semantic] extra, only when asked

            encoder = load_encoder()
        emb_train, emb_test = embedding_cosines(encoder, train, test)
        alone = _threshold_row(
            "embedding cosine (MiniLM)", "embedding_cosine", emb_train, emb_test, y_train, y_test
        )
        both_train = np.column_stack([lex_train, emb_train])
        both_test = np.column_stack([lex_test, emb_test])
        semantic_fit = fit_logistic_matcher(
            both_train, y_train, (*LOGISTIC_FEATURES, "embedding_cosine")
        )
        both = _logistic_row(
            "logistic: lexical + embedding cosine", semantic_fit, both_test, y_test
        )
        semantic_rows = (alone, both)
    return MrpcReport(
        data_dir=str(data_dir),
        train_pairs=len(train),
        train_positive=int(y_train.sum()),
        test_pairs=len(test),
        test_positive=int(y_test.sum()),
        baseline=baseline,
        singles=singles,
        rule=rule,
        fitted=fitted,
        logistic=logistic,
        logistic_fit=matcher,
        semantic=semantic_rows,
        semantic_fit=semantic_fit,
        wall_seconds=time.perf_counter() - start,
    )
