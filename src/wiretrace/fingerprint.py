"""Fingerprints: pure functions from word tokens to hashes with positions.

A fingerprint is the hash of a word n-gram of normalised tokens. :func:`ngram_hashes` gives
every n-gram's hash; :func:`winnow` keeps the minimum of each window of ``w`` consecutive
hashes (Schleimer et al., 2003), so any shared run of at least ``n + w - 1`` words yields at
least one shared fingerprint while only about ``2 / (w + 1)`` of the hashes are stored. A
changed word or an OCR-damaged word breaks only the ``n`` n-grams that contain it.

Hashes are stable across processes and machines (BLAKE2b of the UTF-8 word, combined
polynomially modulo 2**64) and are returned as non-negative 63-bit integers, so that SQLite
can store them as INTEGER.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from wiretrace.text.tokens import Tokens

DEFAULT_N = 5
# Window 8 stores about 2/9 of the n-grams and guarantees a shared fingerprint for every shared
# run of 12 words; window 4 (runs of 8) made indexing 1.5x slower for no measured gain in
# candidate recall on the benchmark corpus (BENCHMARKS.md).
DEFAULT_WINDOW = 8

_MULT = np.uint64(0x9E3779B97F4A7C15)
_MASK63 = np.uint64((1 << 63) - 1)

HashArray = npt.NDArray[np.uint64]
PosArray = npt.NDArray[np.int64]


# Hashes of the words seen so far; cleared when it holds this many (a dictionary look-up is
# cheaper than lru_cache's, and texts repeat the same words).
HASH_MEMO_WORDS = 1 << 18
_HASHES: dict[str, int] = {}


def word_hash(word: str) -> int:
    """A stable 64-bit hash of one normalised word."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def word_hashes(words: list[str]) -> HashArray:
    """Stable 64-bit hashes of each word."""
    memo = _HASHES
    try:
        return np.fromiter(map(memo.__getitem__, words), dtype=np.uint64, count=len(words))
    except KeyError:
        pass
    # Values are taken from this call's own look-ups, so another thread clearing the memo
    # meanwhile changes nothing.
    known = list(map(memo.get, words))
    fresh = {w: word_hash(w) for w, h in zip(words, known, strict=True) if h is None}
    if len(memo) + len(fresh) > HASH_MEMO_WORDS:
        memo.clear()
    memo.update(fresh)
    values = (fresh[w] if h is None else h for w, h in zip(words, known, strict=True))
    return np.fromiter(values, dtype=np.uint64, count=len(words))


def ngram_hashes(words: list[str] | HashArray, n: int = DEFAULT_N) -> HashArray:
    """The hash of every word n-gram, in order: element ``i`` covers words ``i .. i+n-1``.

    Texts shorter than ``n`` words give an empty array.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    wh = words if isinstance(words, np.ndarray) else word_hashes(words)
    count = len(wh) - n + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64)
    acc = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            acc = acc * _MULT + wh[k : k + count]
        # A final avalanche so that similar n-grams do not give similar hashes.
        acc ^= acc >> np.uint64(31)
        acc *= _MULT
        acc ^= acc >> np.uint64(29)
    return acc & _MASK63


def winnow(hashes: HashArray, window: int = DEFAULT_WINDOW) -> PosArray:
    """Positions selected by winnowing: the rightmost minimum of each window, deduplicated.

    When there are fewer hashes than ``window``, the single minimum is selected.
    """
    if window < 1:
        raise ValueError("window must be at least 1")
    if len(hashes) == 0:
        return np.empty(0, dtype=np.int64)
    if len(hashes) <= window:
        rev = hashes[::-1]
        return np.array([len(hashes) - 1 - int(np.argmin(rev))], dtype=np.int64)
    views = np.lib.stride_tricks.sliding_window_view(hashes, window)
    # argmin returns the first minimum; reversing each window makes it the rightmost one.
    rightmost = window - 1 - np.argmin(views[:, ::-1], axis=1)
    picks = np.arange(len(views), dtype=np.int64) + rightmost
    # Picks never decrease from one window to the next, so dropping repeats needs no sort.
    keep = np.empty(len(picks), dtype=bool)
    keep[0] = True
    np.not_equal(picks[1:], picks[:-1], out=keep[1:])
    selected: PosArray = picks[keep]
    return selected


@dataclass(frozen=True, slots=True)
class Fingerprints:
    """Winnowed n-gram hashes of a text and the token index where each n-gram starts."""

    hashes: HashArray
    positions: PosArray

    def __len__(self) -> int:
        return len(self.hashes)


def fingerprint(tokens: Tokens, n: int = DEFAULT_N, window: int = DEFAULT_WINDOW) -> Fingerprints:
    """Winnowed fingerprints of a tokenised text."""
    hashes = ngram_hashes(tokens.words, n)
    picks = winnow(hashes, window)
    return Fingerprints(hashes[picks], picks)
