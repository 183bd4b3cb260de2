from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wiretrace import fingerprint as fingerprint_module
from wiretrace.fingerprint import fingerprint, ngram_hashes, winnow, word_hash
from wiretrace.text import tokenize

SENTENCE = (
    "The upcoming summit will be the first meeting between the leaders of the two countries "
    "in eight years, after Kim's late father met then Russian President Dmitry Medvedev in 2011."
)


def test_golden_fingerprints() -> None:
    # Pinned: a change here changes every stored index, so it must be deliberate.
    assert word_hash("russia") == 3785596517809564975
    fp = fingerprint(tokenize(SENTENCE))
    assert fp.positions.tolist() == GOLDEN_POSITIONS
    assert fp.hashes[:3].tolist() == GOLDEN_HASHES


GOLDEN_POSITIONS = [2, 9, 10, 13, 21, 23]
GOLDEN_HASHES = [2142504837670792543, 197763896896981188, 194968533021681435]


def _slow_winnow(hashes: list[int], window: int) -> list[int]:
    if not hashes:
        return []
    if len(hashes) <= window:
        m = min(hashes)
        return [max(i for i, h in enumerate(hashes) if h == m)]
    picks = set()
    for start in range(len(hashes) - window + 1):
        win = hashes[start : start + window]
        m = min(win)
        picks.add(start + max(i for i, h in enumerate(win) if h == m))
    return sorted(picks)


@given(st.lists(st.integers(0, 20), max_size=60), st.integers(1, 6))
def test_winnow_matches_the_slow_reference(values: list[int], window: int) -> None:
    got = winnow(np.array(values, dtype=np.uint64), window).tolist()
    assert got == _slow_winnow(values, window)


@given(st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=30), st.integers(1, 5))
def test_ngram_hashes_equal_exactly_when_ngrams_equal(words: list[str], n: int) -> None:
    hashes = ngram_hashes(words, n).tolist()
    grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    assert len(hashes) == len(grams)
    for i in range(len(grams)):
        for j in range(len(grams)):
            assert (hashes[i] == hashes[j]) == (grams[i] == grams[j])
    assert all(0 <= h < 2**63 for h in hashes)


def test_fingerprints_survive_small_local_damage() -> None:
    base = fingerprint(tokenize(SENTENCE))
    damaged = SENTENCE.replace("meeting", "rneeting").replace("Medvedev", "Medvedew")
    other = fingerprint(tokenize(damaged))
    shared = set(base.hashes.tolist()) & set(other.hashes.tolist())
    # Two damaged words break at most 2 * 5 n-grams; the long clean runs still share hashes.
    assert len(shared) >= len(base) // 3
    unrelated = fingerprint(
        tokenize("Shares in the carmaker rose sharply after results beat forecasts.")
    )
    assert not set(base.hashes.tolist()) & set(unrelated.hashes.tolist())


def test_case_and_punctuation_do_not_change_fingerprints() -> None:
    a = fingerprint(tokenize(SENTENCE))
    b = fingerprint(tokenize(SENTENCE.upper().replace(",", " ;")))
    assert a.hashes.tolist() == b.hashes.tolist()


def test_word_hashes_stay_right_when_the_memo_is_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fingerprint_module, "HASH_MEMO_WORDS", 3)
    monkeypatch.setattr(fingerprint_module, "_HASHES", {})
    for words in (["alpha", "beta"], ["gamma", "delta", "alpha"], ["alpha", "epsilon"] * 3):
        got = fingerprint_module.word_hashes(words).tolist()
        assert got == [fingerprint_module.word_hash(w) for w in words]
        assert len(fingerprint_module._HASHES) <= 3
