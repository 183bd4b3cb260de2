"""The MRPC experiment: the TF-IDF baseline, and every matcher fitted on train and scored on test.

:func:`wiretrace.eval.mrpc.run_mrpc` (``wiretrace eval mrpc``) reads the two splits and calls
:func:`fit_and_score`, which returns the :class:`~wiretrace.eval.mrpc.MrpcReport`. The rows are
listed in :mod:`wiretrace.eval.mrpc`; the features are :mod:`research.mrpc.features`, the
rules and the logistic matcher :mod:`research.mrpc.fit`.

Baseline
--------
:func:`tfidf_cosine_baseline` is the usual TF-IDF baseline: lower-cased words of two or more
word characters (``\\b\\w\\w+\\b``), smoothed idf ``ln((1 + n) / (1 + df)) + 1`` fitted on the
distinct train sentences, raw term counts, cosine, one threshold fitted on train. It is
computed in the same run, so the comparison is side by side.

With ``semantic=True`` two rows use the packaged MiniLM sentence encoder
(:mod:`wiretrace.semantic`): the embedding cosine of the two sentences
(:func:`embedding_cosines`, L2-normalised rows) thresholded alone, and added to
:data:`~research.mrpc.fit.LOGISTIC_FEATURES` as one more feature.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from research.mrpc.features import (
    FEATURE_NAMES,
    FloatArray,
    Idf,
    SentenceTerms,
    _cosine,
    _distinct_sentences,
    _terms,
    fit_idf,
    lexical_matrix,
    similarity,
)
from research.mrpc.fit import (
    LOGISTIC_FEATURES,
    LogisticMatcher,
    fit_linear_rule,
    fit_logistic_matcher,
    fit_threshold,
)
from wiretrace.eval.mrpc import IntArray, MrpcPair, MrpcReport, RuleResult, binary_scores

if TYPE_CHECKING:
    from wiretrace.semantic import SentenceEncoder

__all__ = [
    "baseline_words",
    "embedding_cosines",
    "fit_and_score",
    "tfidf_cosine_baseline",
]

_BASELINE_WORD = re.compile(r"\b\w\w+\b")


def baseline_words(text: str) -> list[str]:
    """Words as the TF-IDF baseline sees them: lower case, at least two word characters."""
    return _BASELINE_WORD.findall(text.lower())


def tfidf_cosine_baseline(pairs: Sequence[tuple[str, str]], idf: Idf) -> FloatArray:
    """Plain TF-IDF cosine of each pair (raw counts times idf over :func:`baseline_words`)."""
    return np.array(
        [_cosine(baseline_words(a), baseline_words(b), idf) for a, b in pairs], dtype=np.float64
    )


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


def fit_and_score(
    data_dir: str,
    train: Sequence[MrpcPair],
    test: Sequence[MrpcPair],
    semantic: bool = False,
    encoder: SentenceEncoder | None = None,
    start: float | None = None,
) -> MrpcReport:
    """Fit every row on ``train``, score it on ``test`` (``start``: when the run began)."""
    start = time.perf_counter() if start is None else start
    y_train = np.array([p.label for p in train], dtype=np.int64)
    y_test = np.array([p.label for p in test], dtype=np.int64)
    sentences = _distinct_sentences(train)
    baseline = _baseline_row(train, test, sentences, y_train, y_test)

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
        semantic_rows, semantic_fit = _semantic_rows(
            encoder, train, test, lex_train, lex_test, y_train, y_test
        )
    return MrpcReport(
        data_dir=data_dir,
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


def _baseline_row(
    train: Sequence[MrpcPair],
    test: Sequence[MrpcPair],
    sentences: Sequence[str],
    y_train: IntArray,
    y_test: IntArray,
) -> RuleResult:
    base_idf = fit_idf([baseline_words(s) for s in sentences])
    base_train = tfidf_cosine_baseline([(p.sentence1, p.sentence2) for p in train], base_idf)
    base_test = tfidf_cosine_baseline([(p.sentence1, p.sentence2) for p in test], base_idf)
    base_fit = fit_threshold(base_train, y_train)
    return RuleResult(
        "baseline: TF-IDF cosine",
        f"tfidf_cosine(lowercase words) >= {base_fit.threshold:.4f}",
        base_fit.train_accuracy,
        binary_scores(base_test >= base_fit.threshold, y_test),
    )


def _semantic_rows(
    encoder: SentenceEncoder | None,
    train: Sequence[MrpcPair],
    test: Sequence[MrpcPair],
    lex_train: FloatArray,
    lex_test: FloatArray,
    y_train: IntArray,
    y_test: IntArray,
) -> tuple[tuple[RuleResult, ...], LogisticMatcher]:
    """The embedding cosine alone, and the logistic matcher with it as one more feature."""
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
    both = _logistic_row("logistic: lexical + embedding cosine", semantic_fit, both_test, y_test)
    return (alone, both), semantic_fit
