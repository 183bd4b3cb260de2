"""Word tokens of a text, as normalised words with their original character offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from wiretrace.text.normalise import NormalizedText, normalise
from wiretrace.text.words import WORD

_WORD_SPLIT = re.compile(f"({WORD.pattern})")


@dataclass(frozen=True, slots=True)
class Tokens:
    """Normalised words of a text; ``starts[i]:ends[i]`` is word ``i`` in the original text."""

    words: list[str]
    starts: list[int] = field(repr=False)
    ends: list[int] = field(repr=False)

    def __len__(self) -> int:
        return len(self.words)

    def char_span(self, first: int, last: int) -> tuple[int, int]:
        """Original character span of words ``first`` to ``last`` inclusive."""
        return self.starts[first], self.ends[last]


def tokenize(text: str | NormalizedText) -> Tokens:
    """Split a text into normalised word tokens with original offsets.

    ASCII text takes a fast path: its normalised words are its lower-cased words, at the same
    offsets (a test checks both paths agree).
    """
    if isinstance(text, str) and text.isascii():
        return _split_words(text.lower(), None)
    norm = text if isinstance(text, NormalizedText) else normalise(text)
    return _split_words(norm.text, norm.offsets)


# Below this many characters a text is split word by word in Python: numpy's set-up costs
# more than it saves on an edit's few words (both paths give the same tokens; a test checks).
_SHORT_TEXT = 160


def _split_words(text: str, offsets: list[int] | None) -> Tokens:
    if len(text) < _SHORT_TEXT:
        found = [(m.group(), m.start(), m.end()) for m in WORD.finditer(text)]
        if offsets is None:
            return Tokens(
                [w for w, _, _ in found], [a for _, a, _ in found], [b for *_, b in found]
            )
        return Tokens(
            [w for w, _, _ in found],
            [offsets[a] for _, a, _ in found],
            [offsets[b - 1] + 1 for *_, b in found],
        )
    # Splitting on a capturing group gives [gap, word, gap, word, ..., gap] with every character
    # in exactly one part, so cumulative part lengths are the word boundaries; this keeps the
    # per-word work in C.
    parts = _WORD_SPLIT.split(text)
    words = parts[1::2]
    if not words:
        return Tokens([], [], [])
    bounds = np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)))
    starts, ends = bounds[0:-1:2], bounds[1::2]
    if offsets is not None:
        mapping = np.asarray(offsets, dtype=np.int64)
        starts, ends = mapping[starts], mapping[ends - 1] + 1
    return Tokens(words, starts.tolist(), ends.tolist())


def words_of(text: str | NormalizedText) -> list[str]:
    """Just the normalised words of a text, without offsets (the fast path for indexing)."""
    if isinstance(text, str) and text.isascii():
        return WORD.findall(text.lower())
    norm = text if isinstance(text, NormalizedText) else normalise(text)
    return WORD.findall(norm.text)
