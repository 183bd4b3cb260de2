"""The sparse sentence aligner against its dense reference, and its work bounds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.align.sentences import (
    SentenceOptions,
    SentencePassage,
    SentenceView,
    align_sentences,
)
from wiretrace.align.sentences_dense import align_sentences_reference
from wiretrace.model import Span

VOCAB = [f"w{i}" for i in range(12)]

bags = st.lists(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=8), max_size=14)

# Loose thresholds as well as the defaults: on small random bags the defaults seldom fire, and
# the chain and window rules must be compared too.
LOOSE = SentenceOptions(
    strong_cosine=0.5,
    min_dice=0.2,
    min_shared_terms=2,
    min_cosine=0.2,
    chain2_cosine=0.35,
    chain3_cosine=0.3,
    min_passage_cosine=0.2,
    window_cosine=0.3,
    max_seeds_per_sentence=2,
)
WINDOWS_ONLY = SentenceOptions(
    strong_cosine=2.0, chain2_cosine=2.0, chain3_cosine=2.0, min_shared_terms=2, min_dice=0.1
)


def _view(terms: list[list[str]]) -> SentenceView:
    spans = tuple(Span(10 * i, 10 * i + 8) for i in range(len(terms)))
    return SentenceView(spans, tuple(tuple(t) for t in terms))


def _same(got: list[SentencePassage], want: list[SentencePassage]) -> None:
    assert [(p.query, p.source, p.seeds) for p in got] == [
        (p.query, p.source, p.seeds) for p in want
    ]
    for a, b in zip(got, want, strict=True):
        assert abs(a.cosine - b.cosine) <= 1e-4


@settings(max_examples=400, deadline=None)
@given(bags, bags, st.sampled_from([SentenceOptions(), LOOSE, WINDOWS_ONLY]))
def test_sparse_aligner_matches_the_dense_reference(
    q: list[list[str]], s: list[list[str]], opts: SentenceOptions
) -> None:
    query, source = _view(q), _view(s)
    _same(align_sentences(query, source, opts), align_sentences_reference(query, source, opts))


def test_reference_comparison_is_not_vacuous() -> None:
    """The compared outputs are not all empty: a shuffled copy is found by both."""
    s = [[f"w{i}", f"w{i + 1}", f"w{i + 2}", f"x{i}", f"y{i}", f"z{i}"] for i in range(8)]
    q = [*s[4:], *s[:4]]
    want = align_sentences_reference(_view(q), _view(s))
    assert want
    _same(align_sentences(_view(q), _view(s)), want)
