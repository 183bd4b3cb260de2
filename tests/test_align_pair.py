"""The pair aligner (wiretrace.align.pair): fragments, whole query sentences found inside a source
sentence, looked up by their first words, against the plain search of every source sentence for
every query sentence."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.align import pair as pair_module
from wiretrace.align.pair import AlignView, _fragments, _starts_mid_clause, align_view, token_range
from wiretrace.model import Alignment, Span


def _reference(
    query: AlignView, source: AlignView, covered: list[Span], min_words: int, cut_only: bool
) -> list[tuple[Span, Span]]:
    qt, st_ = query.canon, source.canon
    src_ranges = [token_range(st_, span) for span in source.sentences.spans]
    out = []
    for span in query.sentences.sentences:
        if span.overlap(covered):
            continue
        if cut_only and not _starts_mid_clause(query.words.original, span):
            continue
        q0, q1 = token_range(qt, span)
        if q1 - q0 < min_words:
            continue
        needle = qt.words[q0:q1]
        for a, b in src_ranges:
            hay = st_.words[a:b]
            at = next(
                (
                    i
                    for i in range(len(hay) - len(needle) + 1)
                    if hay[i : i + len(needle)] == needle
                ),
                None,
            )
            if at is None:
                continue
            first = a + at
            out.append(
                (
                    Span(qt.starts[q0], qt.ends[q1 - 1]),
                    Span(st_.starts[first], st_.ends[first + q1 - q0 - 1]),
                )
            )
            break
    return out


def _spans(found: list[Alignment]) -> list[tuple[Span, Span]]:
    return [(a.query, a.source) for a in found]


WORDS = ["alpha", "beta", "gamma", "delta", "Epsilon", "zeta"]
sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=9).map(
    lambda ws: " ".join(ws) + "."
)
text = st.lists(sentence, min_size=1, max_size=10).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(text, text, st.integers(1, 6), st.booleans())
def test_fragments_match_the_plain_search(q: str, s: str, min_words: int, cut_only: bool) -> None:
    query, source = align_view(q), align_view(s)
    got = _spans(_fragments(query, source, [], min_words, cut_only=cut_only))
    assert got == _reference(query, source, [], min_words, cut_only)


def test_fragment_lookup_finds_a_cut_sentence() -> None:
    source = align_view(
        "The council said the bridge over the river would reopen in May after repairs."
    )
    query = align_view("Other news. the bridge over the river would reopen in May after repairs.")
    got = _spans(_fragments(query, source, [], 5, cut_only=True))
    assert got == _reference(query, source, [], 5, True)
    assert len(got) == 1


@settings(max_examples=200, deadline=None)
@given(text, text, st.integers(1, 6), st.booleans())
def test_the_first_words_lookup_finds_what_the_scan_finds(
    q: str, s: str, min_words: int, cut_only: bool
) -> None:
    """Past the scan budget, fragments are looked up by their first words only: same result."""
    query, source = align_view(q), align_view(s)
    scanned = _spans(_fragments(query, source, [], min_words, cut_only=cut_only))
    original = pair_module.FRAGMENT_SCAN_CHARS
    pair_module.FRAGMENT_SCAN_CHARS = 0
    try:
        by_first_words = _spans(_fragments(query, source, [], min_words, cut_only=cut_only))
    finally:
        pair_module.FRAGMENT_SCAN_CHARS = original
    assert by_first_words == scanned


def _texts(query: str, source: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    q, s = align_view(query), align_view(source)
    return [
        (
            query[a.query.start : a.query.end],
            source[a.source.start : a.source.end],
            [(e.source, e.query) for e in a.edits],
        )
        for a in pair_module.align_pair(q, s)
    ]


def test_a_changed_name_at_a_sentence_head_is_taken_in() -> None:
    tail = (
        "allegedly approached the singer, who was seated at a table in front of the stage, "
        "and appeared to ask for an autograph."
    )
    found = _texts(f"Fans were stunned. Mr Kerry {tail}", f"It was late. Mr Johnson {tail}")
    assert [(q, s) for q, s, _ in found] == [(f"Mr Kerry {tail}", f"Mr Johnson {tail}")]
    assert found[0][2] == [("Johnson", "Kerry")]


def test_a_changed_word_at_a_sentence_tail_is_taken_in() -> None:
    head = "The greatest hits album has crept back into the top 40 nine years after it was"
    found = _texts(f"{head} not first released. Fans cheered.", f"{head} first released. No.")
    assert [(q, s) for q, s, _ in found] == [
        (f"{head} not first released", f"{head} first released")
    ]
    assert found[0][2] == [("", "not")]


def test_a_passage_further_from_the_sentence_edge_stops_where_it_stopped() -> None:
    copied = "was planning to appeal against the ruling because the bloggers were journalists"
    q = f"On Monday the lawyers for the small group said it {copied} and said so in court."
    s = f"A spokesman for the foundation, Mr Opsahl, told reporters it {copied} of a kind."
    (found,) = _texts(q, s)
    assert found[0] == f"it {copied}"


def test_a_longer_head_with_two_changed_words_is_taken_in() -> None:
    tail = "taken the step in response to greater customer demand for the open source software."
    found = _texts(
        f"Fans were stunned. IBM stated it had not {tail}", f"It was late. IBM said it had {tail}"
    )
    assert [(q, s) for q, s, _ in found] == [
        (f"IBM stated it had not {tail}", f"IBM said it had {tail}")
    ]


def test_a_tail_ending_as_the_source_sentence_ends_is_taken_in() -> None:
    head = "Sound distribution of the cash could cut poverty levels in the region to"
    found = _texts(
        f"{head} thirty-six per cent from 32%, the government believes. Fans cheered.",
        f"{head} 36% from 53%, the government believes. Nobody knew.",
    )
    assert [q for q, _, _ in found] == [
        f"{head} thirty-six per cent from 32%, the government believes"
    ]


def test_a_word_passage_bridging_one_word_into_a_sentence_does_not_overlap_it() -> None:
    first = "McFadden says he was beaten at his own school, in the lyrics of the song."
    second = "He enjoyed 15 chart-toppers with the boy band before parting business with them."
    text = f"{first} {second}"
    view = align_view(text)
    sentence = Span(text.index(second), len(text))
    bridged = Span(0, text.index(second) + 2)  # "... of the song. He"
    assert not pair_module._overlaps_words(view, sentence, [bridged])
    held = Span(0, text.index("15 chart"))  # "... He enjoyed"
    assert not pair_module._overlaps_words(view, sentence, [held])
    run_on = Span(0, text.index("with the boy"))  # "... He enjoyed 15 chart-toppers"
    assert pair_module._overlaps_words(view, sentence, [run_on])
