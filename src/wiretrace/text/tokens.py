"""Word tokens of a text, as normalised words with their original character offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wiretrace.text.normalise import NormalizedText, normalise

_WORD = re.compile(r"\w+")


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
    """Split a text into normalised word tokens with original offsets."""
    norm = text if isinstance(text, NormalizedText) else normalise(text)
    offsets = norm.offsets
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _WORD.finditer(norm.text):
        s, e = m.span()
        words.append(m.group())
        starts.append(offsets[s])
        ends.append(offsets[e - 1] + 1)
    return Tokens(words, starts, ends)


def words_of(text: str | NormalizedText) -> list[str]:
    """Just the normalised words of a text, without offsets (the fast path for indexing)."""
    norm = text if isinstance(text, NormalizedText) else normalise(text)
    return _WORD.findall(norm.text)
