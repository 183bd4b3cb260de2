"""Scoring the sentence matcher on MRPC, the Microsoft Research Paraphrase Corpus.

MRPC holds news sentence pairs from web news clusters, each labelled paraphrase (1) or not (0):
4,076 pairs for training and 1,725 for testing. Every decision threshold here is fitted on
the train split only, then scored once on the test split.

The module has three layers:

1. **Features** (pure): :func:`sentence_similarity` compares two sentences with the machinery
   of the sentence aligner (:mod:`wiretrace.align.sentences`): normalised words with entity
   aliases canonicalised ("Russian Federation" -> ``russia``), Snowball stems, the aligner's
   stopword list. It returns every measure in one :class:`SentenceFeatures`:

   - ``cosine``: tf-idf cosine over content-word stems, with idf weights fitted on the MRPC
     train sentences (:func:`fit_idf`);
   - ``pair_cosine``: the same with the aligner's own weights, tf-isf over just the two
     sentences (this is what :func:`wiretrace.align.sentences.align_sentences` computes);
   - ``dice``: Dice coefficient over distinct content-word stems;
   - ``word_similarity``: normalised Indel similarity (rapidfuzz) of the two sequences of
     stemmed words, function words kept, so word order counts;
   - ``containment``: the share of the *larger* sentence's distinct content-word stems that the
     other sentence has too. An MRPC pair whose one side adds a clause is not a paraphrase.
   :func:`lexical_features` adds the richer set the logistic matcher draws on (below).
2. **Rules and their fitting** (pure): a threshold on one score (:func:`fit_threshold`) or the
   two-feature rule :class:`LinearRule` (:func:`fit_linear_rule`), each chosen by a grid
   search for the best train accuracy; and the logistic matcher (:func:`fit_logistic`,
   :func:`fit_logistic_matcher`, :func:`cross_validate`).
3. **The runner** :func:`run_mrpc`, which reads both splits, computes the baseline and the
   rules side by side, and returns an :class:`MrpcReport`. With ``semantic=True`` it adds two
   rows on the packaged MiniLM sentence encoder (:mod:`wiretrace.semantic`).

The rule
--------
A pair is a paraphrase when ``word_similarity + weight * containment >= threshold``. The
weight comes from the grid 0, 0.1, ..., 1.5 and the threshold from the midpoints between
consecutive train scores; the pair (weight, threshold) with the best train accuracy wins.

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
:data:`LOGISTIC_FEATURES`, with a threshold on its probability. Every feature is symmetric in
the two sentences (MRPC's pair order means nothing): a directed share is reported as the
smaller and the larger of its two directions (``_min``, ``_max``). Besides the five above,
:func:`lexical_features` computes these groups (:data:`FEATURE_GROUPS`):

- ``ngrams``: shares of one side's distinct word 1-, 2- and 3-grams (all stems, function
  words kept) found in the other; ``ngram4``: the same for 4-grams;
- ``content2``: the same for bigrams of content stems (function words skipped);
- ``chars``: Indel similarity of the stems joined by spaces, character by character (stems
  that differ by a letter, split or joined compounds);
- ``numbers``: numbers written in digits on one side only, on both, and whether the two sets
  are equal;
- ``names``: capitalised words (not the first word) on one side only, and the two shares;
- ``unmatched``: distinct content stems on each side that the other lacks, as counts;
  ``unmatched_idf``: the same weighted by train idf;
- ``negation``: one side has a negation (:data:`NEGATIONS`) and the other none;
- ``lcs``: the longest common subsequence of stems over the shorter and the longer length;
  ``length``: the ratio and the difference of the lengths in words;
- ``char_ngrams``: shares of character 3- and 4-grams of the joined stems.

Fitting (:func:`fit_logistic`): features are standardised with train means and standard
deviations; the loss is the log-loss plus ``l2/2`` times the squared standardised weights
(``l2 = 1``, intercept unpenalised), minimised by scikit-learn's ``LogisticRegression``
(L-BFGS from zero, so the fit is deterministic). The probability
threshold is then fitted on the train probabilities by :func:`fit_threshold` (ties as below).

Choosing the features: 5-fold cross-validation within train (fold ``k`` holds the pairs whose
index is ``k`` mod 5), each fold fitting the model and its threshold on four folds and scoring
accuracy on the fifth; ``scripts/mrpc_feature_search.py`` prints every figure. The five base
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

With ``semantic``, the embedding cosine of the two sentences (MiniLM, L2-normalised rows) is
thresholded alone, and added to :data:`LOGISTIC_FEATURES` as one more feature. On the same
cross-validation the cosine alone reaches 0.728, and adding it to the lexical features 0.779
(0.782 without): on train it adds nothing the lexical features lack.

Scored once on test (2026-11-29): the lexical logistic matcher 0.759 accuracy / 0.823 F1,
against 0.716 / 0.800 for the baseline and 0.730 / 0.812 for the two-feature rule; the
embedding cosine alone 0.720 / 0.807; the logistic matcher with it 0.760 / 0.831.

Baseline
--------
:func:`tfidf_cosine_baseline` is the usual TF-IDF baseline: lower-cased words of two or more
word characters (``\\b\\w\\w+\\b``), smoothed idf ``ln((1 + n) / (1 + df)) + 1`` fitted on the
distinct train sentences, raw term counts, cosine, one threshold fitted on train. It is
computed in the same run, so the comparison is side by side.

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
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import Indel, LCSseq

from wiretrace.align.sentences import STOPWORDS, _stemmer, canonical_tokens
from wiretrace.errors import CorpusError
from wiretrace.text.tokens import tokenize

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
FEATURE_NAMES = ("cosine", "pair_cosine", "dice", "word_similarity", "containment")
LINEAR_WEIGHTS = tuple(round(0.1 * k, 1) for k in range(16))
_BASELINE_WORD = re.compile(r"\b\w\w+\b")
# The logistic matcher: candidate feature groups, the chosen ones, the penalty, the CV folds.
FEATURE_GROUPS: dict[str, tuple[str, ...]] = {
    "base": FEATURE_NAMES,
    "ngrams": tuple(f"ngram{n}_{m}" for n in (1, 2, 3) for m in ("min", "max")),
    "lcs": ("lcs_min", "lcs_max"),
    "length": ("length_ratio", "length_difference"),
    "unmatched": ("unmatched_min", "unmatched_max"),
    "unmatched_idf": ("unmatched_idf_min", "unmatched_idf_max"),
    "numbers": ("numbers_unmatched", "numbers_shared", "numbers_agree"),
    "names": ("names_unmatched", "names_min", "names_max"),
    "negation": ("negation_mismatch",),
    "content2": ("content2_min", "content2_max"),
    "ngram4": ("ngram4_min", "ngram4_max"),
    "chars": ("char_similarity",),
    "char_ngrams": ("char3_min", "char3_max", "char4_min", "char4_max"),
}
LOGISTIC_GROUPS = tuple(g for g in FEATURE_GROUPS if g != "ngrams")
LOGISTIC_FEATURES = tuple(f for g in LOGISTIC_GROUPS for f in FEATURE_GROUPS[g])
LOGISTIC_L2 = 1.0
CV_FOLDS = 5
NEGATIONS = frozenset({"not", "no", "never", "nor", "t", "cannot", "without", "none"})
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z]+")

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


# --------------------------------------------------------------------------------------------
# Features (pure)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SentenceTerms:
    """One sentence prepared for comparison.

    - ``stems``: every word, alias-canonical and stemmed, in order (for ``word_similarity``);
    - ``content``: the stems of content words only (stopwords and one-letter words dropped);
    - ``numbers``: the numbers written in digits, thousands separators dropped (``2,500`` ->
      ``2500``), for the logistic matcher's number features;
    - ``names``: capitalised words other than the first word, lower-cased and stemmed.
    """

    stems: tuple[str, ...]
    content: tuple[str, ...]
    numbers: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()


def sentence_terms(text: str) -> SentenceTerms:
    """Words of ``text`` as the sentence aligner sees them: canonical, stemmed, filtered."""
    words = canonical_tokens(text, tokenize(text)).words
    stemmer = _stemmer()
    stems: list[str] = stemmer.stemWords(words)  # type: ignore[attr-defined]
    content = tuple(
        s for w, s in zip(words, stems, strict=True) if len(w) > 1 and w not in STOPWORDS
    )
    numbers = frozenset(_number_key(m) for m in _NUMBER.findall(text))
    first = re.search(r"[A-Za-z]", text)
    capitalised = [
        m.group().lower()
        for m in _CAPITALISED.finditer(text)
        if first is None or m.start() != first.start()
    ]
    names: list[str] = stemmer.stemWords(capitalised)  # type: ignore[attr-defined]
    return SentenceTerms(tuple(stems), content, numbers, frozenset(names))


def _number_key(number: str) -> str:
    """``2,500`` -> ``2500``, ``4.50`` -> ``4.5``: one key however the number is written."""
    key = number.replace(",", "")
    if "." in key:
        key = key.rstrip("0").rstrip(".")
    return key


@dataclass(frozen=True, slots=True)
class Idf:
    """Inverse document frequencies, with the weight of a term never seen in fitting."""

    weights: Mapping[str, float] = field(repr=False)
    unseen: float
    documents: int

    def __call__(self, term: str) -> float:
        return self.weights.get(term, self.unseen)


def fit_idf(bags: Sequence[Sequence[str]]) -> Idf:
    """Smoothed idf ``ln((1 + n) / (1 + df)) + 1`` over ``bags`` (one bag per document)."""
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(set(bag))
    n = len(bags)
    weights = {t: math.log((1 + n) / (1 + d)) + 1.0 for t, d in df.items()}
    return Idf(weights, math.log(1 + n) + 1.0, n)


def _cosine(a: Sequence[str], b: Sequence[str], weight: Callable[[str], float]) -> float:
    """Cosine of two bags of terms, each count multiplied by the term's weight."""
    wa = {t: c * weight(t) for t, c in Counter(a).items()}
    wb = {t: c * weight(t) for t, c in Counter(b).items()}
    dot = sum(v * wb.get(t, 0.0) for t, v in wa.items())
    norm = math.sqrt(sum(v * v for v in wa.values())) * math.sqrt(sum(v * v for v in wb.values()))
    return dot / norm if norm else 0.0


def _pair_isf(a: Sequence[str], b: Sequence[str]) -> Callable[[str], float]:
    """The aligner's tf-isf weights with the two sentences as the whole collection."""
    sa, sb = set(a), set(b)
    return lambda t: math.log(3 / (1 + (t in sa) + (t in sb))) + 1.0


@dataclass(frozen=True, slots=True)
class SentenceFeatures:
    """Similarities of two sentences, each in 0..1 (see the module docstring)."""

    cosine: float
    pair_cosine: float
    dice: float
    word_similarity: float
    containment: float

    def get(self, name: str) -> float:
        """A feature by name (one of :data:`FEATURE_NAMES`)."""
        if name not in FEATURE_NAMES:
            raise KeyError(f"unknown feature {name!r}; expected one of {FEATURE_NAMES}")
        value: float = getattr(self, name)
        return value


def similarity(a: SentenceTerms, b: SentenceTerms, idf: Idf | None = None) -> SentenceFeatures:
    """Features of two prepared sentences; without ``idf``, ``cosine`` uses the pair's tf-isf."""
    pair = _pair_isf(a.content, b.content)
    pair_cosine = _cosine(a.content, b.content, pair)
    cosine = _cosine(a.content, b.content, idf) if idf is not None else pair_cosine
    sa, sb = set(a.content), set(b.content)
    shared = len(sa & sb)
    dice = 2 * shared / (len(sa) + len(sb)) if sa or sb else 0.0
    containment = shared / max(len(sa), len(sb)) if sa and sb else 0.0
    word_similarity = float(Indel.normalized_similarity(a.stems, b.stems))
    return SentenceFeatures(cosine, pair_cosine, dice, word_similarity, containment)


def sentence_similarity(a: str, b: str, idf: Idf | None = None) -> SentenceFeatures:
    """Features of two sentences given as text (see :func:`similarity`)."""
    return similarity(sentence_terms(a), sentence_terms(b), idf)


def _ngrams(seq: Sequence[str], n: int) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(seq[i : i + n]) for i in range(len(seq) - n + 1))


def _shares(a: frozenset[object], b: frozenset[object]) -> tuple[float, float]:
    """The share of ``a`` found in ``b`` and of ``b`` in ``a``, as (smaller, larger).

    Two empty sets agree fully (1, 1); one empty set shares nothing (0, 0).
    """
    if not a and not b:
        return 1.0, 1.0
    if not a or not b:
        return 0.0, 0.0
    shared = len(a & b)
    x, y = shared / len(a), shared / len(b)
    return min(x, y), max(x, y)


def lexical_features(
    a: SentenceTerms, b: SentenceTerms, idf: Idf | None = None
) -> dict[str, float]:
    """Every lexical feature of a pair, by name (the groups of :data:`FEATURE_GROUPS`, see the
    module docstring); symmetric in ``a`` and ``b``, since MRPC's pair order means nothing."""
    base = similarity(a, b, idf)
    out = {name: base.get(name) for name in FEATURE_NAMES}
    for n in (1, 2, 3):
        low, high = _shares(_ngrams(a.stems, n), _ngrams(b.stems, n))
        out[f"ngram{n}_min"], out[f"ngram{n}_max"] = low, high
    low, high = _shares(_ngrams(a.content, 2), _ngrams(b.content, 2))
    out["content2_min"], out["content2_max"] = low, high
    low, high = _shares(_ngrams(a.stems, 4), _ngrams(b.stems, 4))
    out["ngram4_min"], out["ngram4_max"] = low, high
    text_a, text_b = " ".join(a.stems), " ".join(b.stems)
    out["char_similarity"] = float(Indel.normalized_similarity(text_a, text_b))
    for n in (3, 4):
        low, high = _shares(_ngrams(text_a, n), _ngrams(text_b, n))
        out[f"char{n}_min"], out[f"char{n}_max"] = low, high
    la, lb = len(a.stems), len(b.stems)
    lcs = float(LCSseq.similarity(a.stems, b.stems))
    out["lcs_min"] = lcs / min(la, lb) if la and lb else 0.0
    out["lcs_max"] = lcs / max(la, lb) if la and lb else 0.0
    out["length_ratio"] = min(la, lb) / max(la, lb) if la and lb else 0.0
    out["length_difference"] = float(abs(la - lb))
    sa, sb = set(a.content), set(b.content)
    weight = idf if idf is not None else (lambda _t: 1.0)
    out["unmatched_min"], out["unmatched_max"] = sorted((len(sa - sb), len(sb - sa)))
    low_mass, high_mass = sorted((sum(weight(t) for t in sa - sb), sum(weight(t) for t in sb - sa)))
    out["unmatched_idf_min"], out["unmatched_idf_max"] = low_mass, high_mass
    na, nb = a.numbers, b.numbers
    out["numbers_unmatched"] = float(len(na ^ nb))
    out["numbers_shared"] = float(len(na & nb))
    out["numbers_agree"] = float(na == nb)
    ca, cb = a.names, b.names
    out["names_unmatched"] = float(len(ca ^ cb))
    out["names_min"], out["names_max"] = _shares(ca, cb)
    neg_a, neg_b = bool(NEGATIONS & set(a.stems)), bool(NEGATIONS & set(b.stems))
    out["negation_mismatch"] = float(neg_a != neg_b)
    return out


def lexical_matrix(
    fit_on: Sequence[MrpcPair],
    pairs: Sequence[MrpcPair],
    cache: dict[str, SentenceTerms] | None = None,
) -> tuple[list[str], FloatArray]:
    """The names of :func:`lexical_features` and one row of them per pair of ``pairs``, with
    idf weights fitted on the distinct sentences of ``fit_on`` (the train split)."""
    cache = {} if cache is None else cache
    idf = fit_idf([_terms(s, cache).content for s in _distinct_sentences(fit_on)])
    rows = [
        lexical_features(_terms(p.sentence1, cache), _terms(p.sentence2, cache), idf) for p in pairs
    ]
    names = list(rows[0]) if rows else []
    return names, np.array([[r[n] for n in names] for r in rows], dtype=np.float64)


def _terms(sentence: str, cache: dict[str, SentenceTerms]) -> SentenceTerms:
    """:func:`sentence_terms`, computed once per distinct sentence."""
    got = cache.get(sentence)
    if got is None:
        got = cache[sentence] = sentence_terms(sentence)
    return got


def baseline_words(text: str) -> list[str]:
    """Words as the TF-IDF baseline sees them: lower case, at least two word characters."""
    return _BASELINE_WORD.findall(text.lower())


def tfidf_cosine_baseline(pairs: Sequence[tuple[str, str]], idf: Idf) -> FloatArray:
    """Plain TF-IDF cosine of each pair (raw counts times idf over :func:`baseline_words`)."""
    return np.array(
        [_cosine(baseline_words(a), baseline_words(b), idf) for a, b in pairs], dtype=np.float64
    )


# --------------------------------------------------------------------------------------------
# Rules and fitting (pure)
# --------------------------------------------------------------------------------------------


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


def _distinct_sentences(pairs: Sequence[MrpcPair]) -> list[str]:
    return list(dict.fromkeys(s for p in pairs for s in (p.sentence1, p.sentence2)))


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
