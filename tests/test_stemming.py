"""The remembered stemmers give PyStemmer's stems, and their memo stays bounded."""

from __future__ import annotations

import pytest
import Stemmer
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.text import stemming

words = st.lists(st.text(alphabet="abcdeilnorstuyz", min_size=1, max_size=12), max_size=40)


@settings(max_examples=200, deadline=None)
@given(words)
def test_memo_stems_are_pystemmers(batch: list[str]) -> None:
    assert stemming.porter_stems(batch) == Stemmer.Stemmer("porter").stemWords(batch)
    assert stemming.english_stems(batch) == Stemmer.Stemmer("english").stemWords(batch)


def test_memo_is_cleared_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stemming, "MEMO_WORDS", 5)
    memo = stemming._Memo("porter")
    first = memo.stems(["running", "jumps", "cats"])
    assert first == ["run", "jump", "cat"]
    second = memo.stems(["running", "flies", "houses", "connected"])
    assert second == ["run", "fli", "hous", "connect"]
    assert len(memo._seen) <= 5
