"""The source ranking of :mod:`wiretrace.rank`: sentence terms, sentence support, and the
whole ranking on small real indexes."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from wiretrace import Document, MemoryIndex, open_index
from wiretrace.rank import (
    RankOptions,
    rank_sources,
    sentence_terms,
    support_from_similarities,
    support_scores,
)

STORY = (
    "Floods closed the main railway line between Leeds and York on Tuesday. "
    "Engineers found two bridges damaged by the swollen river Ouse. "
    "Services will resume on Friday at the earliest, the operator said."
)
# The same three facts, reworded and reordered.
REWRITE = (
    "The operator said services would not resume before Friday. "
    "Engineers inspecting the line found the swollen Ouse had damaged two bridges. "
    "On Tuesday floods shut the railway between York and Leeds."
)
# Same topic and many of the same words, but none of the facts.
SAME_TOPIC = (
    "Leeds, York and Selby: the Ouse floods again. Floods in Leeds, floods in York, floods on "
    "the Ouse every Tuesday and Friday. Leeds engineers and York engineers blame the operator. "
    "Railway bridges in Leeds and York are old, the operator said."
)


def test_sentence_terms_are_porter_stems_of_content_words() -> None:
    sentences = sentence_terms("The railways were flooded. Yes. Engineers inspected bridges.")
    # "Yes." has fewer than three terms, so it joins the sentence before it.
    assert sentences == [["railwai", "flood", "ye"], ["engin", "inspect", "bridg"]]
    assert sentence_terms("") == []
    assert sentence_terms("the of and") == []


def test_support_sums_how_far_each_best_match_rises_above_the_floor() -> None:
    similarities = np.array([[0.9, 0.1], [0.3, 0.25], [0.0, 0.1]])
    assert support_from_similarities(similarities, 0.2) == pytest.approx(0.7 + 0.1)
    assert support_from_similarities(np.zeros((0, 3)), 0.2) == 0.0


def test_a_copy_supports_every_sentence_fully() -> None:
    query = sentence_terms(STORY)
    [copy] = support_scores(query, [sentence_terms(STORY)], {}, 10, floor=0.2)
    assert copy == pytest.approx(len(query) * 0.8, abs=1e-5)


def test_a_rewrite_supports_more_sentences_than_a_same_topic_text() -> None:
    query = sentence_terms(STORY)
    candidates = [sentence_terms(REWRITE), sentence_terms(SAME_TOPIC)]
    rewrite, same_topic = support_scores(query, candidates, {}, 10, floor=0.2)
    assert rewrite > same_topic


def test_common_terms_weigh_less() -> None:
    # "leed" and "york" in nearly every document: the same-topic text, which shares mostly
    # those names, loses support; the rewrite keeps its rarer shared terms.
    query = sentence_terms(STORY)
    candidates = [sentence_terms(SAME_TOPIC)]
    rare = support_scores(query, candidates, {}, 1000, floor=0.2)[0]
    common = support_scores(query, candidates, {"leed": 990, "york": 990}, 1000, floor=0.2)[0]
    assert common < rare


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_the_rewritten_source_outranks_a_same_topic_article(
    backend: str, tmp_path: Path, bbc_articles: list[dict[str, str]]
) -> None:
    pool = [Document(f"bbc/{a['id']}", a["text"], title=a["title"]) for a in bbc_articles[:100]]
    pool += [Document("rewrite", REWRITE), Document("same-topic", SAME_TOPIC)]
    index = MemoryIndex() if backend == "memory" else open_index(tmp_path / "pool.db")
    index.add(pool)
    query = Document("story", STORY)
    without = rank_sources(index, query, RankOptions(support_floor=0))
    ranked = rank_sources(index, query)
    assert [r.doc_id for r in ranked[:2]] == ["rewrite", "same-topic"]
    # Support reorders the candidates; it neither adds nor drops one.
    assert sorted(r.doc_id for r in ranked) == sorted(r.doc_id for r in without)
    assert all(a.score >= b.score for a, b in pairwise(ranked))
