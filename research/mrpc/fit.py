"""Rules and models for the MRPC matcher, and their fitting (pure).

Each is fitted on the train split only by :func:`research.mrpc.experiment.fit_and_score`, which
``wiretrace eval mrpc`` (:func:`wiretrace.eval.mrpc.run_mrpc`) runs from a repository checkout;
the features they read come from :mod:`research.mrpc.features`. A threshold on one score
(:func:`fit_threshold`) or the two-feature rule :class:`LinearRule` (:func:`fit_linear_rule`)
is chosen by a grid search for the best train accuracy; the logistic matcher is
:func:`fit_logistic`, :func:`fit_logistic_matcher` and :func:`cross_validate`.
:func:`wiretrace.eval.mrpc.binary_scores` scores predictions against labels.

The rule
--------
A pair is a paraphrase when ``word_similarity + weight * containment >= threshold``. The
weight comes from the grid 0, 0.1, ..., 1.5 (:data:`LINEAR_WEIGHTS`) and the threshold from the
midpoints between consecutive train scores; the pair (weight, threshold) with the best train
accuracy wins.

Two features were kept because they carry different evidence: word order and function words
(``word_similarity``) and extra content on one side (``containment``). On 5-fold
cross-validation within the train split this pair did best: 0.735 accuracy, against 0.711
for ``word_similarity`` alone and 0.726 to 0.733 when it is paired with ``cosine``, ``dice``
or ``pair_cosine``. A numbers-agreement feature (the same numbers on both sides) was tried and
dropped: as a gate it cost 3 points of train accuracy (0.686 against 0.719; the sentences
write one number in many ways), and as a penalty it reached 0.718, below ``containment``.

The logistic matcher
--------------------
:class:`LogisticMatcher` is an L2-penalised logistic regression over
:data:`LOGISTIC_FEATURES`, with a threshold on its probability. The features are those of
:func:`research.mrpc.features.lexical_features`, in the groups of
:data:`~research.mrpc.features.FEATURE_GROUPS` (listed in that module's docstring).

Fitting (:func:`fit_logistic`): features are standardised with train means and standard
deviations; the loss is the log-loss plus ``l2/2`` times the squared standardised weights
(``l2 = 1``, intercept unpenalised), minimised by scikit-learn's ``LogisticRegression``
(L-BFGS from zero, so the fit is deterministic). The probability
threshold is then fitted on the train probabilities by :func:`fit_threshold` (ties as below).

Choosing the features: 5-fold cross-validation within train (fold ``k`` holds the pairs whose
index is ``k`` mod 5), each fold fitting the model and its threshold on four folds and scoring
accuracy on the fifth; ``research/mrpc_feature_search.py`` prints every figure. The five base
features alone reach 0.731. Each group added alone to them: ``ngram4`` 0.745, ``ngrams``
0.744, ``content2`` 0.742, ``length`` 0.740, ``negation`` 0.736, ``unmatched_idf`` 0.733,
``unmatched`` 0.732, ``lcs`` 0.731, ``names`` 0.729, ``chars`` 0.729, ``char_ngrams`` 0.729,
``numbers`` 0.725. Groups that do little alone pay together: all thirteen groups reach 0.775.
Two greedy searches over groups, and the better end wins: forward selection from the base
(add the group that raises the figure most, stop when none does) adds ngram4, content2, chars,
ngrams, numbers, negation, names, unmatched and unmatched_idf and stops at 0.7765; backward
elimination from all groups (drop the group whose removal raises it most, stop when every
removal lowers it) drops ``ngrams`` (0.782; it mostly repeats ``ngram4``, ``content2``
and ``lcs``) and stops there, since dropping any other group lowers the figure (``content2``
most, to 0.767; ``numbers`` to 0.768). So :data:`LOGISTIC_FEATURES` is every group but
``ngrams``, 29 features, at 0.782. The penalty: ``l2`` = 0.01, 0.1, 1, 10 and 100 give 0.777,
0.777, 0.782, 0.773 and 0.7645. One cross-validated accuracy on 4,076 pairs has a standard
error near 0.007, so steps under a point are noise one by one, and the 0.782 of the chosen set
is a best of many tries: expect about 0.77 on held-out pairs.

The embedding cosine (MiniLM, :func:`research.mrpc.experiment.embedding_cosines`), on the same
cross-validation: alone it reaches 0.728, and added to the lexical features 0.779 (0.782
without): on train it adds nothing the lexical features lack.

Fitting ties
------------
Candidate thresholds are the midpoints between consecutive distinct training scores, plus one
below the lowest and one above the highest. Among thresholds with the same train accuracy, the
one farthest from any training score wins (the middle of the widest gap); then the lowest.
Among weights with the same train accuracy, the smallest wins.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from research.mrpc.features import FEATURE_GROUPS, FloatArray, SentenceFeatures
from wiretrace.errors import CorpusError
from wiretrace.eval.mrpc import IntArray

__all__ = [
    "CV_FOLDS",
    "LINEAR_WEIGHTS",
    "LOGISTIC_FEATURES",
    "LOGISTIC_GROUPS",
    "LOGISTIC_L2",
    "LinearRule",
    "LogisticMatcher",
    "LogisticModel",
    "ThresholdFit",
    "cross_validate",
    "fit_linear_rule",
    "fit_logistic",
    "fit_logistic_matcher",
    "fit_threshold",
]

LINEAR_WEIGHTS = tuple(round(0.1 * k, 1) for k in range(16))
# The logistic matcher: the chosen feature groups, the penalty, the CV folds.
LOGISTIC_GROUPS = tuple(g for g in FEATURE_GROUPS if g != "ngrams")
LOGISTIC_FEATURES = tuple(f for g in LOGISTIC_GROUPS for f in FEATURE_GROUPS[g])
LOGISTIC_L2 = 1.0
CV_FOLDS = 5


@dataclass(frozen=True, slots=True)
class ThresholdFit:
    """A fitted threshold: predict positive when ``score >= threshold``."""

    threshold: float
    train_accuracy: float
    margin: float


def fit_threshold(
    scores: Sequence[float] | FloatArray, labels: Sequence[int] | IntArray
) -> ThresholdFit:
    """The threshold with the best accuracy on ``(scores, labels)``; ties as in the module doc.

    Every candidate is scored at once from cumulative label counts over the sorted scores, so
    fitting costs one sort.
    """
    x = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    if x.size == 0 or x.shape != y.shape:
        raise ValueError(f"need as many scores as labels, and some: {x.size} and {y.size}")
    order = np.argsort(x, kind="stable")
    xs, ys = x[order], y[order]
    values, first = np.unique(xs, return_index=True)
    # Cutting before sorted position k predicts negative for xs[:k] and positive for the rest.
    cuts = np.append(first, xs.size)
    negatives_below = np.concatenate([[0], np.cumsum(1 - ys)])[cuts]
    positives_above = int(ys.sum()) - np.concatenate([[0], np.cumsum(ys)])[cuts]
    correct = negatives_below + positives_above
    thresholds = np.concatenate(
        [[values[0] - 1.0], (values[1:] + values[:-1]) / 2, [values[-1] + 1.0]]
    )
    margins = np.concatenate([[1.0], (values[1:] - values[:-1]) / 2, [1.0]])
    best = int(correct.max())
    tied = np.flatnonzero(correct == best)
    pick = int(tied[np.argmax(margins[tied])])  # argmax takes the first, so the lowest
    return ThresholdFit(float(thresholds[pick]), best / x.size, float(margins[pick]))


@dataclass(frozen=True, slots=True)
class LinearRule:
    """Paraphrase when ``word_similarity + weight * containment >= threshold``."""

    weight: float
    threshold: float
    train_accuracy: float

    def score(self, features: SentenceFeatures) -> float:
        return features.word_similarity + self.weight * features.containment

    def __call__(self, features: SentenceFeatures) -> bool:
        return self.score(features) >= self.threshold

    def describe(self) -> str:
        return f"word_similarity + {self.weight:g} * containment >= {self.threshold:.4f}"


def fit_linear_rule(
    first: Sequence[float] | FloatArray,
    second: Sequence[float] | FloatArray,
    labels: Sequence[int] | IntArray,
    weights: Sequence[float] = LINEAR_WEIGHTS,
) -> LinearRule:
    """The ``(weight, threshold)`` of ``first + weight * second >= threshold`` with the best
    accuracy; ties go to the smallest weight."""
    a = np.asarray(first, dtype=np.float64)
    b = np.asarray(second, dtype=np.float64)
    if not weights:
        raise ValueError("need at least one weight")
    best: LinearRule | None = None
    for w in weights:
        fit = fit_threshold(a + w * b, labels)
        if best is None or fit.train_accuracy > best.train_accuracy:
            best = LinearRule(float(w), fit.threshold, fit.train_accuracy)
    assert best is not None
    return best


@dataclass(frozen=True, slots=True)
class LogisticModel:
    """A fitted L2-penalised logistic regression over standardised features.

    ``weights`` and ``intercept`` apply to the features standardised with ``mean`` and
    ``scale`` (train statistics); :attr:`coefficients` gives the weights in raw units.
    """

    features: tuple[str, ...]
    mean: FloatArray = field(repr=False)
    scale: FloatArray = field(repr=False)
    weights: FloatArray
    intercept: float
    l2: float
    iterations: int

    def standardise(self, x: FloatArray) -> FloatArray:
        out: FloatArray = (np.asarray(x, dtype=np.float64) - self.mean) / self.scale
        return out

    def decision(self, x: FloatArray) -> FloatArray:
        """The log-odds of paraphrase for each row of raw features ``x``."""
        out: FloatArray = self.standardise(x) @ self.weights + self.intercept
        return out

    def probability(self, x: FloatArray) -> FloatArray:
        """The probability of paraphrase for each row of raw features ``x``."""
        return _sigmoid(self.decision(x))

    @property
    def coefficients(self) -> FloatArray:
        """The weights on raw (unstandardised) features."""
        out: FloatArray = self.weights / self.scale
        return out

    @property
    def raw_intercept(self) -> float:
        """The intercept on raw (unstandardised) features."""
        return float(self.intercept - (self.weights * self.mean / self.scale).sum())


def _sigmoid(z: FloatArray) -> FloatArray:
    out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * z))  # exact and overflow-free
    return out


def fit_logistic(
    x: FloatArray,
    labels: Sequence[int] | IntArray,
    l2: float = LOGISTIC_L2,
    features: Sequence[str] | None = None,
    max_iter: int = 1000,
    tol: float = 1e-10,
) -> LogisticModel:
    """L2-penalised logistic regression: scikit-learn's ``LogisticRegression`` (L-BFGS) on
    standardised features (the ``[eval]`` extra).

    Features are standardised with the mean and standard deviation of ``x`` (a constant
    column gets scale 1). The loss is the log-loss plus ``l2/2`` times the squared
    standardised weights (scikit-learn's ``C = 1 / l2``; ``l2 = 0`` is ``C = inf``, no penalty);
    the intercept is not penalised. With ``l2 > 0`` separable data get finite weights. The
    fit is deterministic: L-BFGS starts from zero.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    y = np.asarray(labels, dtype=np.float64)
    if x.shape[0] == 0 or x.shape[0] != y.shape[0]:
        raise ValueError(f"need as many rows as labels, and some: {x.shape[0]} and {y.size}")
    if l2 < 0:
        raise ValueError(f"l2 must be >= 0, got {l2}")
    names = tuple(features) if features is not None else tuple(f"x{k}" for k in range(x.shape[1]))
    if len(names) != x.shape[1]:
        raise ValueError(f"{len(names)} feature names for {x.shape[1]} columns")
    linear_model = _sklearn_linear_model()
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    penalty = 1.0 / l2 if l2 > 0 else math.inf
    fitted = linear_model.LogisticRegression(C=penalty, max_iter=max_iter, tol=tol).fit(
        (x - mean) / scale, y
    )
    return LogisticModel(
        names,
        mean,
        scale,
        np.asarray(fitted.coef_[0], dtype=np.float64),
        float(fitted.intercept_[0]),
        l2,
        int(fitted.n_iter_[0]),
    )


def _sklearn_linear_model() -> Any:
    try:
        return importlib.import_module("sklearn.linear_model")
    except ImportError as exc:
        raise CorpusError(
            "the logistic matcher needs scikit-learn: pip install 'wiretrace[eval]'"
        ) from exc


@dataclass(frozen=True, slots=True)
class LogisticMatcher:
    """Paraphrase when the logistic model's probability is at least ``threshold``."""

    model: LogisticModel
    threshold: float
    train_accuracy: float

    def predict(self, x: FloatArray) -> npt.NDArray[np.bool_]:
        out: npt.NDArray[np.bool_] = self.model.probability(x) >= self.threshold
        return out

    def describe(self) -> str:
        terms = ", ".join(
            f"{n} {w:+.3f}" for n, w in zip(self.model.features, self.model.weights, strict=True)
        )
        return (
            f"P(paraphrase) >= {self.threshold:.4f}; standardised weights: {terms}; "
            f"intercept {self.model.intercept:+.3f}"
        )


def fit_logistic_matcher(
    x: FloatArray,
    labels: Sequence[int] | IntArray,
    features: Sequence[str] | None = None,
    l2: float = LOGISTIC_L2,
) -> LogisticMatcher:
    """Fit :func:`fit_logistic` on ``x``, then the probability threshold with the best
    accuracy on the same rows (:func:`fit_threshold`, so ties as in the module doc)."""
    model = fit_logistic(x, labels, l2, features)
    fit = fit_threshold(model.probability(x), labels)
    return LogisticMatcher(model, fit.threshold, fit.train_accuracy)


def cross_validate(
    x: FloatArray,
    labels: Sequence[int] | IntArray,
    folds: int = CV_FOLDS,
    l2: float = LOGISTIC_L2,
) -> float:
    """Mean held-out accuracy of :func:`fit_logistic_matcher` over ``folds`` folds.

    Fold ``k`` holds the rows whose index is ``k`` modulo ``folds``: deterministic, and it
    spreads the file's order over every fold.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    index = np.arange(y.size)
    accuracies = []
    for k in range(folds):
        held = index % folds == k
        matcher = fit_logistic_matcher(x[~held], y[~held], l2=l2)
        accuracies.append(float((matcher.predict(x[held]) == (y[held] == 1)).mean()))
    return float(np.mean(accuracies))
