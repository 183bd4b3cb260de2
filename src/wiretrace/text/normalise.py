"""Normalisation of text with an exact map back to the original character offsets.

The normalised text is what fingerprints and alignment look at:

- Unicode NFKC and case folding;
- curly quotes, primes and guillemets folded to ``'`` and ``"``;
- all dashes and the minus sign folded to ``-``;
- a hyphen between two word characters becomes a space, so "Kim Jong-un" and "Kim Jong Un"
  normalise to the same words;
- every run of whitespace becomes one space.

``NormalizedText.offsets[i]`` is the index, in the original text, of the character that produced
normalised character ``i``; ``offsets[len(text)]`` is ``len(original)``. A normalised span
``[a, b)`` maps back with :meth:`NormalizedText.to_original`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

_QUOTES = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u2035\u0060\u00b4\u02bc", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb\u2039\u203a", '"'),
}
_DASHES = dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-")

# Runs of printable ASCII with single inner spaces: they normalise to their lower case one for
# one, except inner hyphens between word characters, which become spaces (same length).
_PLAIN_RUN = re.compile(r"[!-~]+(?: [!-~]+)*")
_INNER_HYPHEN = re.compile(r"(?<=[^\W_])-(?=[^\W_])")


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    """Fold one non-plain character (NFKC, case, quotes, dashes); whitespace becomes ' '."""
    if ch.isspace():
        return " "
    folded = _QUOTES.get(ch) or _DASHES.get(ch)
    if folded is not None:
        return folded
    out = []
    for c in unicodedata.normalize("NFKC", ch).casefold():
        if c.isspace():
            out.append(" ")
        else:
            out.append(_QUOTES.get(c) or _DASHES.get(c) or c)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A normalised text and the map from its positions to the original's."""

    original: str = field(repr=False)
    text: str
    offsets: list[int] = field(repr=False, compare=False)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised half-open span to the smallest original span that produced it."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span [{start}, {end}) outside normalised text of {len(self.text)}")
        if start == end:
            pos = self.offsets[start]
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


def normalise(original: str) -> NormalizedText:
    """Normalise ``original`` and keep the offset map (see the module docstring)."""
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    n = len(original)
    last = ""  # last character emitted, to collapse spaces and judge hyphens
    for match in _PLAIN_RUN.finditer(original):
        start, end = match.span()
        while pos < start:
            last = _emit_special(original, pos, n, last, parts, offsets)
            pos += 1
        chunk = _INNER_HYPHEN.sub(" ", match.group().lower())
        parts.append(chunk)
        offsets.extend(range(start, end))
        last = chunk[-1]
        pos = end
    while pos < n:
        last = _emit_special(original, pos, n, last, parts, offsets)
        pos += 1
    offsets.append(n)
    return NormalizedText(original, "".join(parts), offsets)


def _emit_special(
    original: str, pos: int, n: int, last: str, parts: list[str], offsets: list[int]
) -> str:
    """Emit the normalised form of the special character at ``pos``; return the last char."""
    folded = _fold_char(original[pos])
    if folded == "-" and last.isalnum() and pos + 1 < n:
        following = _fold_char(original[pos + 1])[:1]
        if following.isalnum():
            folded = " "
    for c in folded:
        if c == " " and (last == " " or last == ""):
            continue
        parts.append(c)
        offsets.append(pos)
        last = c
    return last
