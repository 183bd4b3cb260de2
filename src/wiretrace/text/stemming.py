"""Word stems, remembered: the Porter stems of the lexical index and the Snowball English stems
of the sentence aligner.

Stemming is a pure function of the word, and news reuses a small vocabulary: a trace stems the
same few thousand words again for every candidate it reads. PyStemmer (C) is fast per word,
but most of its cost is crossing into C and back; a dictionary look-up is three times cheaper.
Each stemmer keeps its own memo, cleared whenever it grows past :data:`MEMO_WORDS`, so memory
stays bounded whatever the input.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import cast

__all__ = [
    "MEMO_WORDS",
    "english_content_stems",
    "english_stems",
    "porter_content_stems",
    "porter_stems",
]

# About 30 MB of short strings at most, per stemmer.
MEMO_WORDS = 200_000


class _Memo:
    """One PyStemmer algorithm with a bounded memo of the words it has stemmed; the words of
    ``drop``, and words of one character when ``drop`` is given, stem to the empty string."""

    def __init__(self, algorithm: str, drop: frozenset[str] = frozenset()) -> None:
        import Stemmer  # PyStemmer: Snowball stemmers in C

        self._stemmer = Stemmer.Stemmer(algorithm)
        self._drop = drop
        self._seen: dict[str, str] = {}

    def stems(self, words: Sequence[str]) -> list[str]:
        seen = self._seen
        out = list(map(seen.get, words))
        if None not in out:
            return cast(list[str], out)
        missing = list({w for w, s in zip(words, out, strict=True) if s is None})
        drop = self._drop
        fresh = {
            w: "" if drop and (len(w) < 2 or w in drop) else s
            for w, s in zip(missing, self._stemmer.stemWords(missing), strict=True)
        }
        if len(seen) + len(fresh) > MEMO_WORDS:
            seen.clear()
        seen.update(fresh)
        # Values come from this call's own look-ups: another thread may clear the memo.
        return [fresh[w] if s is None else s for w, s in zip(words, out, strict=True)]


@cache
def _memo(algorithm: str, drop: frozenset[str] = frozenset()) -> _Memo:
    return _Memo(algorithm, drop)


def porter_stems(words: Sequence[str]) -> list[str]:
    """Porter stems of lower-case words (the algorithm of SQLite FTS5's ``porter`` tokenizer)."""
    return _memo("porter").stems(words)


def porter_content_stems(words: Sequence[str], stopwords: frozenset[str]) -> list[str]:
    """Porter stems of lower-case words, one for each word; the empty string for the words of
    ``stopwords`` and words of one character."""
    return _memo("porter", stopwords).stems(words)


def english_content_stems(words: Sequence[str], stopwords: frozenset[str]) -> list[str]:
    """:func:`english_stems`, with the empty string for the words of ``stopwords`` and words
    of one character."""
    return _memo("english", stopwords).stems(words)


def english_stems(words: Sequence[str]) -> list[str]:
    """Snowball English ("Porter2") stems of lower-case words."""
    return _memo("english").stems(words)
