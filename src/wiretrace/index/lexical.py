"""Lexical candidates: the words a rewritten copy keeps even when no word sequence survives.

Fingerprints find copied stretches; a rewrite that swaps words and reorders sentences may share
no five-word sequence with its source, but it keeps the source's names, places and rare words.
:func:`query_terms` picks the query's most telling words, and an index ranks its documents
for them with BM25 (SQLite's FTS5 in :mod:`wiretrace.index.sqlite`; :func:`bm25_rank` here for
the in-memory index).

Terms are Porter stems (PyStemmer's ``porter``, the same algorithm as FTS5's ``porter``
tokenizer), so the two indexes agree.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

from wiretrace.text.stemming import porter_stems
from wiretrace.text.words import STOPWORDS, WORD

DEFAULT_TERMS = 24


def stems(words: Sequence[str]) -> list[str]:
    """Porter stems of lower-case words."""
    return porter_stems(words)


def document_terms(text: str) -> list[str]:
    """The stems of every word of a text, for indexing."""
    return stems([w.lower() for w in WORD.findall(text)])


def query_terms(text: str, limit: int = DEFAULT_TERMS) -> list[tuple[str, str]]:
    """The query's ``limit`` most telling words, as ``(stem, surface word)``, best first.

    A word scores by its frequency (log-damped), by how often it is capitalised (names and
    places tell most about a news story) and by its length; function words, numbers and words
    of fewer than three letters are left out. No corpus statistics are needed, so choosing
    terms costs nothing at query time.
    """
    words = WORD.findall(text)
    lower = [w.lower() for w in words]
    keys = stems(lower)
    tf: Counter[str] = Counter()
    caps: Counter[str] = Counter()
    surface: dict[str, str] = {}
    for word, low, key in zip(words, lower, keys, strict=True):
        if low in STOPWORDS or len(low) < 3 or low.isdigit():
            continue
        tf[key] += 1
        caps[key] += word[:1].isupper()
        surface.setdefault(key, low)
    score = {
        k: (1 + math.log(tf[k])) * (1 + caps[k] / tf[k]) * min(len(surface[k]), 10) / 5 for k in tf
    }
    best = sorted(score, key=lambda k: (-score[k], k))[:limit]
    return [(k, surface[k]) for k in best]


def fts_query(terms: Sequence[tuple[str, str]]) -> str:
    """An FTS5 MATCH expression: any of the terms, each quoted as a string."""
    return " OR ".join('"' + word.replace('"', '""') + '"' for _, word in terms)


def bm25_rank(
    terms: Sequence[str],
    postings: Mapping[str, Mapping[str, int]],
    lengths: Mapping[str, int],
    *,
    k1: float = 1.2,
    b: float = 0.75,
) -> list[tuple[str, float]]:
    """Documents holding any of ``terms``, by Okapi BM25 (FTS5's formula and constants).

    ``postings[term][doc]`` is the term's count in the document; ``lengths[doc]`` its length.
    Ties break on the document id.
    """
    n = len(lengths)
    if n == 0:
        return []
    avg = sum(lengths.values()) / n
    scores: dict[str, float] = {}
    for term in terms:
        docs = postings.get(term, {})
        if not docs:
            continue
        idf = math.log((n - len(docs) + 0.5) / (len(docs) + 0.5))
        idf = max(idf, 1e-6)
        for doc, count in docs.items():
            norm = count + k1 * (1 - b + b * lengths[doc] / avg)
            scores[doc] = scores.get(doc, 0.0) + idf * count * (k1 + 1) / norm
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))
