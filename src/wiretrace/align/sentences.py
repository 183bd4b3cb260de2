"""Sentence-level alignment for rewritten, shuffled and summarised text.

Word n-grams miss copies whose words were swapped, reordered or translated back and forth.
This aligner compares *sentences* as bags of content-word stems instead:

1. **Sentences and terms.** Each text is split into sentences
   (:func:`wiretrace.text.sentences.split_sentences`). A sentence's terms are its words with
   entity aliases canonicalised ("Russian Federation" -> ``russia``), function words dropped
   and Snowball-stemmed (PyStemmer). A sentence with fewer than ``min_terms`` terms is joined
   to the next one, so headlines and fragments do not become seeds on their own.
2. **Seeds.** Both texts' sentences are weighted by tf-isf (inverse sentence frequency over the
   two texts). A pair of sentences is a seed when its cosine is at least ``strong_cosine``, its
   Dice coefficient over distinct terms at least ``min_dice`` and it shares at least
   ``min_shared_terms`` distinct terms (short sentences on one topic look alike); or when it
   starts a *chain*: two or three consecutive query sentences matched, in order, to source
   sentences at most two apart, with a mean cosine of at least ``chain2_cosine`` or
   ``chain3_cosine`` (each link at least ``min_cosine``). Texts on the same topic share
   single sentences of moderate similarity; rewritten copies share runs of them. A query
   sentence seeds with at most its ``max_seeds_per_sentence`` best source sentences, so a
   sentence repeated many times costs linear, not quadratic, work. On PAN
   pan-train, this rule keeps the false-positive rate on unrelated pairs under 1% while
   finding most rewritten copies.
3. **Window seeds**, only for a pair that has no seed at all by step 2. Heavy obfuscation
   (PAN's random and translation obfuscation) splits and merges sentences, so one query
   sentence matches parts of two source sentences and no single pair, nor any chain, clears
   the thresholds above; the copied *passage* still matches. Every run of ``window``
   (three) consecutive query sentences is compared, as one bag, with every run of three
   consecutive source sentences; a pair of windows with a cosine of at least
   ``window_cosine`` that also passes the strong-pair checks (Dice at least ``min_dice``,
   at least ``min_shared_terms`` shared distinct terms) seeds each sentence pair inside it
   whose cosine is at least ``min_cosine``. This is contiguity evidence: a copied passage
   keeps its words together, so three adjacent sentences gather them, while two texts on
   one topic share scattered terms, and a window that takes in three sentences on each side
   dilutes them with the words around them. On PAN pan-train, the best such window of an
   unrelated pair (``01-no-plagiarism``, less the three pairs that share genuine text) has a
   cosine of 0.42, while 9 of the 27 random- and translation-obfuscated pairs that the
   other steps missed have one of 0.45-0.56: the rule lifts pair detection on ``03`` from
   0.964 to 0.975 and on ``04`` from 0.955 to 0.971 (``05``: 0.150 to 0.155), with no new
   detection in ``01`` (the first comes at 0.42). Fitted on the pairs at even positions of
   each category alone, the threshold would be 0.44, and the other half then gains 2 and 6
   pairs with no false positive; fitted on the odd positions, 0.40, which lets in one
   unrelated pair of the other half. The margin is small; 0.45 is above both halves' worst
   unrelated pair. The step runs only for pairs without other seeds: texts that share a
   passage also share its topic around it, and there (in the verbatim category ``02``)
   window seeds found two passages that the truth does not hold, costing 0.001 plagdet; as
   a last resort they cost none.
4. **Passages.** Seeds are grouped into passages: seeds whose query sentences are at most
   ``max_gap`` sentences apart, and whose source sentences are too, belong together (order
   inside a passage may change, which is what shuffling does).
5. **Validation.** A passage is kept when the cosine of its two sides, each taken as one bag, is
   at least ``min_passage_cosine``, and its query side holds ``min_chars`` characters.

6. **Fragments.** A query sentence of at least ``min_fragment_words`` words that occurs
   inside one source sentence is a passage too: a sentence whose head or tail was cut off.
   (This step lives in :mod:`wiretrace.align.pair`, which sees the exact words.)

In a pair that also holds a verbatim copy found by the word aligner, these passages and
fragments must pass a stricter test, applied in :mod:`wiretrace.align.pair` ("Beside a
verbatim copy"): texts that share a copied passage share its topic, and their other sentences
match on it.

The two sides of a passage span whole sentences, from the first to the last one matched.

**Work, linear in the query.** A text's sentences are indexed once (:class:`TermIndex`: its
terms by sentence, and the sentences holding each term), so a long query aligned against many
candidates pays for its own length once. For one candidate, only sentence pairs that share a
term are scored (:class:`PairCells`, a sparse matrix), through the postings of the source's
terms, under two bounds of :class:`SentenceOptions`:

- a source term held by more than ``max_postings`` (200) query sentences proposes no pair (it
  still counts in the cosine of the pairs that other terms propose);
- each source sentence keeps its ``max_pairs_per_sentence`` (100) best query sentences by the
  terms that proposed them.

So the work for one candidate is at most its number of (sentence, term) entries times
``max_postings + max_pairs_per_sentence``, whatever the query's length
(``tests/test_bounds.py``). The chain and window rules then look only at scored cells; a cell
that is not scored has cosine 0. On PAN pan-train the bounds leave out some cells in 204 of
the 1,750 pairs (``max_postings`` in 6 of them; the rest are long documents where a source
sentence shares terms with more than 100 query sentences), and every figure of
``wiretrace eval pan`` is the same as with the dense arrays this replaced. Those are kept as
the slow, obviously correct reference (:mod:`wiretrace.align.sentences_dense`), which a
hypothesis test compares with this kernel where the bounds do not bind. A source sentence's
copy in the query shares all its terms, so the bound keeps it unless more than 100 query
sentences share as much with it (``test_sentence_cap_keeps_the_copied_sentences``).
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from wiretrace.align.sentence_kernel import (
    Pair,
    SentenceOptions,
    TermIndex,
    pair_cells,
    range_cosine,
    seed_cells,
    term_index,
    window_cells,
)
from wiretrace.model import Span
from wiretrace.text.aliases import canonicalise, load_aliases
from wiretrace.text.sentences import split_sentences
from wiretrace.text.stemming import english_content_stems
from wiretrace.text.tokens import Tokens
from wiretrace.text.words import STOPWORDS

__all__ = [
    "SentenceOptions",
    "SentencePassage",
    "SentenceView",
    "align_sentences",
    "canonical_tokens",
    "sentence_view",
]

FloatMatrix = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class SentenceView:
    """A text as sentences (character spans) and their term lists; ``index`` holds the terms
    as a :class:`TermIndex`, built once when the view is made."""

    spans: tuple[Span, ...]
    terms: tuple[tuple[str, ...], ...] = field(repr=False)
    sentences: tuple[Span, ...] = field(default=(), repr=False)
    index: TermIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", term_index(self.terms))


def canonical_tokens(text: str, tokens: Tokens) -> Tokens:
    """``tokens`` with every entity alias replaced by its entity key (one token per name)."""
    return canonicalise(tokens, load_aliases(), text=text)


def sentence_view(
    text: str, canon: Tokens, min_terms: int = 3, max_terms: int = 40
) -> SentenceView:
    """Split ``text`` into sentences with their content-word stems.

    ``canon`` are the text's tokens with aliases canonicalised (:func:`canonical_tokens`).
    A sentence with more than ``max_terms`` terms (a list, a table, text without punctuation)
    is cut into pieces of about ``max_terms / 2`` terms: long bags of words look alike by
    chance.
    """
    sentences = _cut_long(split_sentences(text), canon, max_terms)
    bags: list[list[str]] = [[] for _ in sentences]
    stems = english_content_stems(canon.words, STOPWORDS)  # "" for the words left out
    keep = list(itertools.compress(range(len(stems)), stems))
    if keep and sentences:
        ends = np.fromiter((s.end for s in sentences), dtype=np.int64, count=len(sentences))
        starts = np.asarray(canon.starts, dtype=np.int64)[keep]
        where = np.searchsorted(ends, starts, side="right")
        # Words are in text order, so each sentence's terms are a run of the kept stems.
        kept = iter(filter(None, stems))
        for i, n in enumerate(np.bincount(where, minlength=len(sentences)).tolist()):
            run = list(itertools.islice(kept, n))
            if i < len(bags):
                bags[i] = run
    spans: list[Span] = []
    terms: list[tuple[str, ...]] = []
    pending_start: int | None = None
    pending: list[str] = []
    for span, bag in zip(sentences, bags, strict=True):
        start = span.start if pending_start is None else pending_start
        pending.extend(bag)
        if len(pending) >= min_terms:
            spans.append(Span(start, span.end))
            terms.append(tuple(pending))
            pending_start, pending = None, []
        else:
            pending_start = start
    if pending and spans:
        spans[-1] = Span(spans[-1].start, sentences[-1].end)
        terms[-1] = terms[-1] + tuple(pending)
    elif pending:
        spans.append(Span(pending_start or 0, sentences[-1].end))
        terms.append(tuple(pending))
    return SentenceView(tuple(spans), tuple(terms), tuple(sentences))


def _cut_long(sentences: list[Span], canon: Tokens, max_terms: int) -> list[Span]:
    """Sentences of more than ``2 * max_terms`` words cut into pieces of ``max_terms`` words."""
    out: list[Span] = []
    starts = canon.starts
    for span in sentences:
        first = bisect.bisect_left(starts, span.start)
        last = bisect.bisect_left(starts, span.end)
        if last - first <= 2 * max_terms:
            out.append(span)
            continue
        begin = span.start
        for cut in range(first + max_terms, last - max_terms // 2, max_terms):
            out.append(Span(begin, canon.ends[cut - 1]))
            begin = starts[cut]
        out.append(Span(begin, span.end))
    return out


def _matrices(query: SentenceView, source: SentenceView) -> tuple[FloatMatrix, FloatMatrix]:
    """Term-count matrices (sentences x vocabulary) of both texts over a shared vocabulary."""
    vocab: dict[str, int] = {}
    for bag in query.terms + source.terms:
        for t in bag:
            vocab.setdefault(t, len(vocab))

    def counts(view: SentenceView) -> FloatMatrix:
        cells = [i * len(vocab) + vocab[t] for i, bag in enumerate(view.terms) for t in bag]
        flat = np.bincount(cells, minlength=len(view.terms) * len(vocab)).astype(np.float32)
        return flat.reshape(len(view.terms), len(vocab))

    return counts(query), counts(source)


def _groups(values: list[int], gap: int) -> list[list[int]]:
    """Indices of ``values`` grouped so that sorted neighbours are at most ``gap`` apart."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    groups: list[list[int]] = []
    for i in order:
        if groups and values[i] - values[groups[-1][-1]] <= gap + 1:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _passages(seeds: list[tuple[int, int]], gap: int) -> list[list[tuple[int, int]]]:
    """Split seeds into groups dense on both sides, alternately by query and source order."""
    todo = [seeds]
    done: list[list[tuple[int, int]]] = []
    while todo:
        group = todo.pop()
        by_q = _groups([q for q, _ in group], gap)
        if len(by_q) > 1:
            todo.extend([group[i] for i in g] for g in by_q)
            continue
        by_s = _groups([s for _, s in group], gap)
        if len(by_s) > 1:
            todo.extend([group[i] for i in g] for g in by_s)
            continue
        done.extend(_split_insertions(group))
    done.sort()
    return done


def _split_insertions(group: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Split a group where the query holds more unmatched sentences than the source does.

    Between two matched sentences, a rewrite leaves as many sentences on each side (or drops
    some of the source's); sentences that only the query has were pasted in from elsewhere,
    as in a shuffled composite, and must not be attributed to this source.
    """
    seeds = sorted(group)
    pieces = [[seeds[0]]]
    for (q0, s0), (q1, s1) in itertools.pairwise(seeds):
        q_gap = q1 - q0 - 1
        s_gap = max(0, abs(s1 - s0) - 1)
        if q_gap > s_gap:
            pieces.append([])
        pieces[-1].append((q1, s1))
    return pieces


def _window_sums(m: npt.NDArray[np.floating[Any]], k: int) -> FloatMatrix:
    """Sums of every ``k`` consecutive rows of ``m``: row ``i`` is rows ``i .. i + k - 1``."""
    csum = np.zeros((len(m) + 1, *m.shape[1:]), dtype=np.result_type(m.dtype, np.float32))
    np.cumsum(m, axis=0, out=csum[1:])
    out: FloatMatrix = csum[k:] - csum[:-k]
    return out


@dataclass(frozen=True, slots=True)
class SentencePassage:
    """A sentence-level passage: character spans on both sides and its cosine."""

    query: Span
    source: Span
    cosine: float
    seeds: int


def align_sentences(
    query: SentenceView, source: SentenceView, options: SentenceOptions | None = None
) -> list[SentencePassage]:
    """Sentence-level passages shared by two texts (see the module docstring)."""
    opts = options or SentenceOptions()
    if not query.terms or not source.terms:
        return []
    pair = Pair(query.index, source.index)
    cells = pair_cells(pair, opts)
    seeds = seed_cells(cells, opts)
    if not seeds:
        seeds = window_cells(pair, cells, opts)
    if not seeds:
        return []
    out: list[SentencePassage] = []
    for group in _passages(seeds, opts.max_gap):
        qs = sorted({q for q, _ in group})
        ss = sorted({s for _, s in group})
        cos = range_cosine(pair, (qs[0], qs[-1] + 1), (ss[0], ss[-1] + 1))
        q_span = Span(query.spans[qs[0]].start, query.spans[qs[-1]].end)
        s_span = Span(source.spans[ss[0]].start, source.spans[ss[-1]].end)
        if cos >= opts.min_passage_cosine and len(q_span) >= opts.min_chars:
            out.append(SentencePassage(q_span, s_span, round(cos, 4), len(group)))
    return out
