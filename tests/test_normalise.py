from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wiretrace.text import normalise, tokenize

texts = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list(" \n\t-–—‘’“”ﬁßİΣ\u00a0\u200bKim Jong-un")),
    ),
    max_size=200,
)


@given(texts)
def test_offset_map_points_into_the_original_in_order(text: str) -> None:
    norm = normalise(text)
    assert len(norm.offsets) == len(norm.text) + 1
    assert norm.offsets[-1] == len(text)
    assert all(0 <= o < len(text) for o in norm.offsets[:-1])
    assert norm.offsets[:-1] == sorted(norm.offsets[:-1])


@given(texts)
def test_each_token_round_trips_through_its_original_span(text: str) -> None:
    tokens = tokenize(text)
    for word, start, end in zip(tokens.words, tokens.starts, tokens.ends, strict=True):
        assert 0 <= start < end <= len(text)
        # The original characters of a word normalise back to words containing it.
        assert word in normalise(text[start:end]).text


@given(texts, st.data())
def test_normalised_spans_map_to_original_spans_that_contain_them(
    text: str, data: st.DataObject
) -> None:
    norm = normalise(text)
    a = data.draw(st.integers(0, len(norm.text)))
    b = data.draw(st.integers(a, len(norm.text)))
    start, end = norm.to_original(a, b)
    assert 0 <= start <= end <= len(text)
    piece = norm.text[a:b].strip(" -")
    if piece:
        assert piece.replace("-", " ") in normalise(text[start:end]).text.replace("-", " ")


def test_folds_case_quotes_dashes_and_whitespace() -> None:
    assert normalise("“Hello” — it’s  ﬁne\n\nSTRASSE Straße").text == (
        '"hello" - it\'s fine strasse strasse'
    )


def test_hyphenated_and_spaced_names_are_one() -> None:
    assert normalise("Kim Jong-un").text == normalise("Kim Jong Un").text == "kim jong un"
    assert tokenize("Kim Jong‑un").words == ["kim", "jong", "un"]  # non-breaking hyphen


def test_offsets_of_a_known_text() -> None:
    text = "A  “Big”\tdeal"
    norm = normalise(text)
    assert norm.text == 'a "big" deal'
    assert norm.to_original(3, 6) == (4, 7)
    assert text[slice(*norm.to_original(8, 12))] == "deal"
    tokens = tokenize(text)
    assert [text[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)] == [
        "A",
        "Big",
        "deal",
    ]


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=300))
def test_ascii_fast_paths_agree_with_normalisation(text: str) -> None:
    from wiretrace.text.tokens import _split_words, words_of

    norm = normalise(text)
    slow = _split_words(norm.text, norm.offsets)
    fast = tokenize(text)
    assert (fast.words, fast.starts, fast.ends) == (slow.words, slow.starts, slow.ends)
    assert words_of(text) == slow.words


@given(st.text(max_size=400))
def test_short_and_long_texts_are_split_alike(text: str) -> None:
    # Below _SHORT_TEXT characters words are split in Python, above it with numpy: a text
    # split on its own and as the head of a longer text gives the same tokens.
    from wiretrace.text.tokens import _SHORT_TEXT

    alone = tokenize(text)
    padded = tokenize(text + " " + "x" * (_SHORT_TEXT + 1))
    n = len(alone.words)
    assert padded.words[:n] == alone.words
    assert (padded.starts[:n], padded.ends[:n]) == (alone.starts, alone.ends)
