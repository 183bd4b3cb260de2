"""Ranking the candidate sources of a document, best first.

A fact-checker with a story in hand asks "which of these articles was it written from?" before
asking "which sentences came from where?". :func:`rank_sources` answers the first question over
an :class:`~wiretrace.index.base.Index`, for copies and for rewrites alike:

1. **Words:** BM25 on the query's most telling words (``index.lexical_candidates``). This finds
   rewrites that keep no word sequence of their source.
2. **Fingerprints:** documents sharing at least ``min_shared`` word 5-gram fingerprints with
   the query (``index.candidates``): copied stretches.
3. **Fusion** of those two lists by reciprocal rank (:func:`reciprocal_rank_fusion`).
4. **Sentence support** (:func:`support_scores`): each of the top ``support_depth`` candidates
   is scored by how many of the query's sentences it can account for, and that order is fused
   with the fused order. BM25 rewards a candidate that shares the story's words; a source also
   carries the story's *sentences*, one by one, in other words and another order. On the
   Wikinews evaluation (:mod:`wiretrace.eval.sources`), BBC articles on the same event share
   the words of an article as much as its cited sources do, but they support fewer of its
   sentences.
5. **Meaning** (only with an encoder, the ``[semantic]`` extra): the same support measured
   with sentence embeddings over the top ``semantic_depth`` candidates, fused in as one more
   order (:func:`wiretrace.semantic.semantic_support`).

Sentence support
----------------
What step 4 measures, and the choices behind it, are in :mod:`wiretrace.support`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from wiretrace.fingerprint import ngram_hashes
from wiretrace.headline import (
    Headline,
    HeadlineMatch,
    headline_terms,
    headline_words,
    match_headline,
)
from wiretrace.headline import query_headline as query_headline
from wiretrace.index.base import DEFAULT_MAX_DF, Candidate, Index
from wiretrace.model import Document
from wiretrace.support import (
    sentence_terms,
    sentences_of,
    support_from_similarities,
    support_scores,
)
from wiretrace.text.tokens import words_of

if TYPE_CHECKING:
    from wiretrace.semantic import SentenceEncoder

__all__ = [
    "DEPTH",
    "RankOptions",
    "RankedSource",
    "Retrieval",
    "find_headlines",
    "lexical_search",
    "query_text",
    "rank_sources",
    "reciprocal_rank_fusion",
    "retrieve",
    "sentence_terms",
    "sentences_of",
    "support_from_similarities",
    "support_scores",
]


# How many candidates each step takes, and how deep the Wikinews evaluation scores.
DEPTH = 50


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], k: int, weights: Sequence[float] | None = None
) -> list[tuple[str, float]]:
    """Reciprocal-rank fusion (Cormack et al., SIGIR 2009): a document scores
    ``sum_j weight_j / (k + rank_j)`` over the rankings that hold it (1-based ranks).

    Ties break on the document id, so the result is deterministic.
    """
    if weights is not None and len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[str, float] = {}
    for j, ranking in enumerate(rankings):
        w = 1.0 if weights is None else weights[j]
        for i, doc_id in enumerate(ranking, 1):
            scores[doc_id] = scores.get(doc_id, 0.0) + w / (k + i)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


@dataclass(frozen=True, slots=True)
class RankOptions:
    """How :func:`rank_sources` finds and orders candidate sources.

    - ``lexical_depth``: documents taken from BM25 on the query's most telling words;
    - ``fingerprint_depth``, ``min_shared``, ``max_df``: documents sharing at least
      ``min_shared`` word 5-gram fingerprints with the query (copied stretches);
    - ``fusion_k``: the ``k`` of reciprocal-rank fusion of those two lists;
    - ``support_depth``, ``support_floor``, ``support_k``: the top ``support_depth`` of the
      fused list are ordered by sentence support above ``support_floor`` (0 turns the step
      off), and that order is fused with the fused order (``k = support_k``);
    - ``semantic_depth``, ``semantic_floor``: with an encoder, the top ``semantic_depth`` are
      ordered by embedding support above ``semantic_floor`` (cosines of sentence embeddings
      run higher than those of word weights), and that order is fused in too.
    """

    lexical_depth: int = DEPTH
    fingerprint_depth: int = DEPTH
    min_shared: int = 2
    max_df: int = DEFAULT_MAX_DF
    fusion_k: int = 60
    support_depth: int = 30
    support_floor: float = 0.2
    support_k: int = 60
    semantic_depth: int = 20
    semantic_floor: float = 0.5
    headline_depth: int = 10


@dataclass(frozen=True, slots=True)
class Retrieval:
    """What the cheap steps found (:func:`retrieve`).

    - ``copies``: documents sharing at least ``min_shared`` fingerprints, most first (step 2);
    - ``headlines``: documents whose title or lead holds the query's headline. They are not
      fused into the order of :func:`rank_sources`: ``trace`` aligns them all, and on
      Wikinews fusing them in cost MRR (0.874 -> 0.866) for no recall.
    """

    headline: Headline | None
    copies: tuple[Candidate, ...]
    headlines: tuple[HeadlineMatch, ...]


@dataclass(frozen=True, slots=True)
class RankedSource:
    """A candidate source and its fused score (higher is better)."""

    doc_id: str
    score: float


def query_text(doc: Document) -> str:
    """The text a document is ranked by: the title, when there is one, then the text."""
    return f"{doc.title}\n{doc.text}" if doc.title else doc.text


def retrieve(
    index: Index, doc: Document, options: RankOptions | None = None, *, headlines: bool = True
) -> Retrieval:
    """Step 2 of the module docstring, and (with ``headlines``) the headline's own search,
    :func:`find_headlines`."""
    opts = options or RankOptions()
    hashes = ngram_hashes(words_of(doc.text), index.n)
    shared = index.candidates(
        (int(h) for h in hashes),
        max_df=opts.max_df,
        limit=opts.fingerprint_depth,
        min_shared=opts.min_shared,
        exclude=doc.id,
    )
    headline = query_headline(doc)
    found = Retrieval(headline, tuple(shared), ())
    return find_headlines(index, doc, found, opts) if headlines else found


def find_headlines(
    index: Index,
    doc: Document,
    found: Retrieval,
    options: RankOptions | None = None,
    *,
    hits: Sequence[Candidate] | None = None,
) -> Retrieval:
    """``found`` with the documents whose title or lead holds the query's headline
    (:mod:`wiretrace.headline`): BM25 on the headline's words with every name of its entities,
    the top ``headline_depth`` checked against their titles and leads. With ``hits``, those
    documents are checked instead, and no search is made."""
    opts = options or RankOptions()
    if found.headline is None or opts.headline_depth < 1:
        return found
    wanted = headline_words(found.headline.text)
    if hits is None:
        hits = index.lexical_candidates(
            headline_terms(found.headline.text), limit=opts.headline_depth, exclude=doc.id
        )
    matches: list[HeadlineMatch] = []
    for hit in hits:
        stored = index.get(hit.doc_id)
        match = match_headline(wanted, stored) if stored is not None else None
        if match is not None:
            matches.append(match)
    return replace(found, headlines=tuple(matches))


def lexical_search(index: Index, doc: Document, opts: RankOptions) -> list[Candidate]:
    """Step 1 of the module docstring: BM25 on the most telling words of the title and text."""
    return index.lexical_candidates(query_text(doc), limit=opts.lexical_depth, exclude=doc.id)


def _fused(
    index: Index,
    doc: Document,
    opts: RankOptions,
    found: Retrieval,
    lexical: Sequence[Candidate] | None = None,
) -> list[tuple[str, float]]:
    """Steps 1 to 3 of the module docstring."""
    if lexical is None:
        lexical = lexical_search(index, doc, opts)
    words = [c.doc_id for c in lexical]
    return reciprocal_rank_fusion([words, [c.doc_id for c in found.copies]], opts.fusion_k)


def _by_score(ids: Sequence[str], scores: Sequence[float]) -> list[str]:
    """``ids`` ordered by score, best first; ties keep their order."""
    order = sorted(range(len(ids)), key=lambda i: (-scores[i], i))
    return [ids[i] for i in order]


def rank_sources(
    index: Index,
    doc: Document,
    options: RankOptions | None = None,
    *,
    encoder: SentenceEncoder | None = None,
    retrieval: Retrieval | None = None,
    lexical: Sequence[Candidate] | None = None,
) -> list[RankedSource]:
    """Candidate sources of ``doc`` in ``index``, best first (see the module docstring).

    ``encoder`` is a :class:`wiretrace.semantic.SentenceEncoder`; with one, the embedding
    support is fused in too. Scores are the fusion scores of the last step that ranked a
    document; documents past ``support_depth`` keep their fused order after the others.
    ``retrieval`` is what :func:`retrieve` gave for the same document and options, when the
    caller has it already; ``lexical`` what :func:`lexical_search` gave, likewise.
    """
    opts = options or RankOptions()
    fused = _fused(index, doc, opts, retrieval or retrieve(index, doc, opts), lexical)
    if not fused or opts.support_depth < 1 or opts.support_floor <= 0:
        return [RankedSource(d, round(s, 8)) for d, s in fused]
    top = [d for d, _ in fused[: opts.support_depth]]
    texts = []
    for d in top:
        found = index.get(d)
        texts.append(query_text(found) if found is not None else "")
    query_split = sentences_of(query_text(doc))
    candidate_split = [sentences_of(t) for t in texts]
    query_sentences = [terms for _, terms in query_split]
    chain = itertools.chain.from_iterable
    terms = set(chain(query_sentences))
    # A candidate sentence sharing no term with the query has cosine 0 with all its
    # sentences and cannot change a support; leaving it out spares the document counts of
    # its words (a look-up each in the index) and its row of the similarity matrix.
    candidate_sentences = [[t for _, t in c if not terms.isdisjoint(t)] for c in candidate_split]
    terms.update(chain(chain(candidate_sentences)))
    counts, documents = index.term_document_counts(terms)
    support = support_scores(
        query_sentences, candidate_sentences, counts, documents, opts.support_floor
    )
    orders = [top, _by_score(top, support)]
    if encoder is not None:
        from wiretrace.semantic import semantic_support

        near = top[: opts.semantic_depth]
        meaning = semantic_support(
            [text for text, _ in query_split],
            [[text for text, _ in c] for c in candidate_split[: len(near)]],
            encoder,
            opts.semantic_floor,
        )
        orders.append(_by_score(near, meaning))
    head = reciprocal_rank_fusion(orders, opts.support_k)
    tail = fused[opts.support_depth :]
    return [RankedSource(d, round(s, 8)) for d, s in [*head, *tail]]
