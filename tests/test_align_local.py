"""The word n-gram aligner (wiretrace.align.local): its seeds against a naive reference, a golden
alignment with edits, exact verbatim spans, and bounded work on repeated phrases."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.align import AlignOptions, align, text_view
from wiretrace.align.local import _seeds

SOURCE = (
    "Russia had written off $11 billion in debt accrued by North Korea during the Soviet era. "
    "Officials said the two leaders would meet in the eastern port of Vladivostok on Thursday, "
    "and that talks would cover economic cooperation, rail links and the stalled nuclear "
    "negotiations with the United States. Weather in the region was expected to be mild."
)


def _naive_seeds(q: list[str], s: list[str], n: int, max_repeat: int) -> list[tuple[int, int]]:
    qg = [tuple(q[i : i + n]) for i in range(len(q) - n + 1)]
    sg = [tuple(s[i : i + n]) for i in range(len(s) - n + 1)]
    out = []
    for i, g in enumerate(qg):
        if qg.count(g) > max_repeat or sg.count(g) > max_repeat:
            continue
        out.extend((i, j) for j, h in enumerate(sg) if h == g)
    return sorted(out)


words = st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=40)


@settings(max_examples=200)
@given(words, words, st.integers(1, 4), st.integers(1, 5))
def test_seeds_match_the_naive_reference(q: list[str], s: list[str], n: int, rep: int) -> None:
    got = _seeds(text_view(" ".join(q)), text_view(" ".join(s)), n, rep)
    assert got == _naive_seeds(q, s, n, rep)


GOLDEN_SPANS = (10, 220, 89, 298)


def test_golden_alignment_of_a_lightly_edited_copy() -> None:
    query = (
        "BREAKING. Officials said the two leaders would meet in the eastern port of Vladivostok "
        "on Thursday, and that talks would cover economic co-operation, rail links and the "
        "stalled nuclear negotiations with the United States of America. Share this article."
    )
    [a] = align(text_view(query), text_view(SOURCE))
    assert query[a.query.start : a.query.end].startswith("Officials said")
    # Words added after the last shared word are not part of the passage.
    assert query[a.query.start : a.query.end].endswith("with the United States")
    assert SOURCE[a.source.start : a.source.end].startswith("Officials said")
    assert SOURCE[a.source.start : a.source.end].endswith("with the United States")
    assert (a.query.start, a.query.end, a.source.start, a.source.end) == GOLDEN_SPANS
    assert not a.identical
    assert [(e.source, e.query) for e in a.edits] == [("cooperation", "co-operation")]
    assert 0.9 < a.score < 1.0


def test_verbatim_copy_is_identical_with_exact_spans() -> None:
    start = SOURCE.index("Officials")
    piece = SOURCE[start : SOURCE.index("Weather") - 1]
    query = "Intro line that is not copied at all. " + piece + " Outro that is new."
    [a] = align(text_view(query), text_view(SOURCE))
    assert query[a.query.start : a.query.end] == piece
    assert SOURCE[a.source.start : a.source.end] == piece
    assert a.identical and a.score == 1.0 and a.edits == ()


def test_short_common_phrases_are_not_passages() -> None:
    query = "He said the talks would cover economic cooperation. Then he left the room quickly."
    assert align(text_view(query), text_view(SOURCE)) == []


def test_repeated_phrases_bound_the_work() -> None:
    phrase = "the president of the united states said "
    many = phrase * 3000
    opts = AlignOptions(max_repeat=8)
    seeds = _seeds(text_view(many), text_view(many), opts.seed_n, opts.max_repeat)
    # Every n-gram repeats thousands of times, so none is used as a seed.
    assert seeds == []
    assert align(text_view(many), text_view(many), opts) == []
