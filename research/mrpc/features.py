"""Sentence-pair features for the MRPC matcher (pure): :mod:`research.mrpc.experiment` runs them.

:func:`sentence_similarity` compares two sentences with the machinery of the sentence aligner
(:mod:`wiretrace.align.sentences`): normalised words with entity aliases canonicalised
("Russian Federation" -> ``russia``), Snowball stems, the aligner's stopword list. It returns
every measure in one :class:`SentenceFeatures` (:data:`FEATURE_NAMES`):

- ``cosine``: tf-idf cosine over content-word stems, with idf weights fitted on the MRPC
  train sentences (:func:`fit_idf`);
- ``pair_cosine``: the same with the aligner's own weights, tf-isf over just the two
  sentences (this is what :func:`wiretrace.align.sentences.align_sentences` computes);
- ``dice``: Dice coefficient over distinct content-word stems;
- ``word_similarity``: normalised Indel similarity (rapidfuzz) of the two sequences of
  stemmed words, function words kept, so word order counts;
- ``containment``: the share of the *larger* sentence's distinct content-word stems that the
  other sentence has too. An MRPC pair whose one side adds a clause is not a paraphrase.

Lexical features
----------------
:func:`lexical_features` adds the richer set the logistic matcher
(:mod:`research.mrpc.fit`) draws on, and :func:`lexical_matrix` computes it for a list of
pairs. Every feature is symmetric in the two sentences (MRPC's pair order means nothing): a
directed share is reported as the smaller and the larger of its two directions (``_min``,
``_max``). Besides the five above, these groups (:data:`FEATURE_GROUPS`):

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

Which groups the logistic matcher uses, and the cross-validation that chose them, is in
:mod:`research.mrpc.fit`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import Indel, LCSseq

from wiretrace.align.sentences import canonical_tokens
from wiretrace.text.stemming import english_stems
from wiretrace.text.tokens import tokenize
from wiretrace.text.words import STOPWORDS

__all__ = [
    "FEATURE_GROUPS",
    "FEATURE_NAMES",
    "NEGATIONS",
    "Idf",
    "SentenceFeatures",
    "SentencePair",
    "SentenceTerms",
    "fit_idf",
    "lexical_features",
    "lexical_matrix",
    "sentence_similarity",
    "sentence_terms",
    "similarity",
]

FEATURE_NAMES = ("cosine", "pair_cosine", "dice", "word_similarity", "containment")
# Candidate feature groups for the logistic matcher (the chosen ones: research.mrpc.fit).
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
NEGATIONS = frozenset({"not", "no", "never", "nor", "t", "cannot", "without", "none"})
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z]+")

FloatArray = npt.NDArray[np.float64]


class SentencePair(Protocol):
    """Two sentences to compare, such as :class:`wiretrace.eval.mrpc.MrpcPair`."""

    @property
    def sentence1(self) -> str: ...

    @property
    def sentence2(self) -> str: ...


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
    stems = english_stems(words)
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
    names = english_stems(capitalised)
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
    # Summed in sorted order: a set's order changes with the hash seed, and float sums with it.
    low_mass, high_mass = sorted(
        (sum(weight(t) for t in sorted(sa - sb)), sum(weight(t) for t in sorted(sb - sa)))
    )
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
    fit_on: Sequence[SentencePair],
    pairs: Sequence[SentencePair],
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


def _distinct_sentences(pairs: Sequence[SentencePair]) -> list[str]:
    return list(dict.fromkeys(s for p in pairs for s in (p.sentence1, p.sentence2)))
