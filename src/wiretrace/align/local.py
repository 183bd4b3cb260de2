"""Seed-and-extend local alignment over normalised word tokens.

1. **Seeds** are word n-grams (``seed_n`` words) that occur in both texts. An n-gram that
   occurs at most ``max_repeat`` times in each text is an *anchor*. An n-gram repeated up to
   ``max_anchored_repeat`` times in a text (a sentence that a page prints twice) is a seed
   only where it continues an anchor: on the anchor's diagonal (the same offset between the
   two texts), in a *run* of seeds at most ``chain_gap`` words apart that holds an anchor and
   spans at least ``anchored_words`` query words. Any other repeated n-gram is ignored, so a
   text made of one phrase repeated thousands of times costs no more than
   ``max_anchored_repeat`` squared position pairs per distinct n-gram, and a phrase repeated
   more often than that costs none.
2. **Chaining.** Seeds are taken in query order and appended to an open chain when the gaps on
   both sides are at most ``chain_gap`` words and the source side runs forwards (small
   backward steps of one n-gram are allowed, for repeated words); otherwise a new chain starts.
3. **Filtering.** A chain must hold ``min_seeds`` seeds and span ``min_words`` query words.
4. **Merging.** Chains whose gaps on both sides are at most ``merge_gap`` words, and about as
   long on one side as on the other, are merged, so a passage with a few edited words stays
   one passage (PAN granularity) while text pasted in from elsewhere splits it.
5. **Edges.** Each passage is extended word by word while the words on both sides are equal or
   nearly equal (OCR-like damage such as ``rn`` -> ``m``), then mapped to character spans of
   the original texts.
6. **Scoring and edits.** The score is the normalised Indel similarity of the two word
   sequences (rapidfuzz); edits are the replaced, inserted and deleted word runs, given in the
   original surface forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import Indel, Levenshtein

from wiretrace.fingerprint import HashArray, ngram_hashes, word_hashes
from wiretrace.model import Alignment, Edit, Span
from wiretrace.text.tokens import Tokens, tokenize


@dataclass(frozen=True, slots=True)
class AlignOptions:
    """Parameters of :func:`align`; the defaults are tuned on PAN pan-train."""

    seed_n: int = 4
    max_repeat: int = 1
    # Repeated n-grams seed only on an anchor's run (module docstring, step 1). Without them a
    # passage that one text prints twice in part was lost; with every n-gram seen twice as a
    # seed (max_repeat=2), PAN 02 plagdet fell from 0.913 to 0.854 through seeds on the wrong
    # copy. Runs of 15 words (10k bench corpus) added 63 pairs, 62 of them stock phrases and a
    # wire footer printed twice; 25 words lost quoted sentences of 21 to 24 words. A cap of 4,
    # 8 or 32 finds the same pairs there.
    max_anchored_repeat: int = 8
    anchored_words: int = 20
    chain_gap: int = 12
    min_seeds: int = 2
    min_words: int = 10
    merge_gap: int = 120
    edge_similarity: float = 0.75
    max_edits: int = 200


@dataclass(frozen=True, slots=True)
class TextView:
    """A text prepared for alignment: its tokens and their word hashes.

    ``grams`` keeps, per n-gram size, the text's n-gram hashes sorted and their positions, made
    on first use: a query aligned against many candidates sorts its n-grams once.
    """

    original: str = field(repr=False)
    tokens: Tokens = field(repr=False)
    hashes: HashArray = field(repr=False)
    grams: dict[int, tuple[HashArray, npt.NDArray[np.intp]]] = field(
        default_factory=dict, repr=False, compare=False
    )


def _sorted_grams(view: TextView, n: int) -> tuple[HashArray, npt.NDArray[np.intp]]:
    """The view's n-gram hashes in sorted order, and the position of each."""
    got = view.grams.get(n)
    if got is None:
        hashes = ngram_hashes(view.hashes, n)
        order = np.argsort(hashes, kind="stable")
        got = (hashes[order], order)
        view.grams[n] = got
    return got


def text_view(text: str) -> TextView:
    """Tokenise and hash a text once, to align it against many others."""
    tokens = tokenize(text)
    return TextView(text, tokens, word_hashes(tokens.words))


@dataclass(slots=True)
class _Chain:
    q_start: int
    q_end: int  # exclusive, in words
    s_start: int
    s_end: int
    seeds: int


def _seeds(query: TextView, source: TextView, opts: AlignOptions) -> list[tuple[int, int]]:
    """Pairs of positions of n-grams that occur in both texts: anchors, and repeated n-grams on
    an anchor's run (module docstring, step 1), sorted. The query's sorted n-grams are reused;
    the work per call is in the source's length (times the logarithm of the query's), plus at
    most ``max_anchored_repeat`` squared pairs per distinct repeated n-gram."""
    n = opts.seed_n
    q_sorted, q_order = _sorted_grams(query, n)
    s_sorted, s_order = _sorted_grams(source, n)
    if len(q_sorted) == 0 or len(s_sorted) == 0:
        return []
    s_first = np.flatnonzero(np.concatenate([[True], s_sorted[1:] != s_sorted[:-1]]))
    s_counts = np.diff(np.append(s_first, len(s_sorted)))
    unique = s_sorted[s_first]
    lo = np.searchsorted(q_sorted, unique, side="left")
    q_counts = np.searchsorted(q_sorted, unique, side="right") - lo
    most = np.maximum(q_counts, s_counts)
    shared = np.flatnonzero(
        (q_counts > 0) & (most <= max(opts.max_repeat, opts.max_anchored_repeat))
    )
    q, s = _position_pairs(
        q_order, lo[shared], q_counts[shared], s_order, s_first[shared], s_counts[shared]
    )
    anchor = np.repeat(most[shared] <= opts.max_repeat, q_counts[shared] * s_counts[shared])
    if not anchor.all():
        kept = anchor | _on_anchored_runs(q, s, anchor, opts)
        q, s = q[kept], s[kept]
    order = np.lexsort((s, q))
    return list(zip(q[order].tolist(), s[order].tolist(), strict=True))


def _position_pairs(
    q_order: npt.NDArray[np.intp],
    q_first: npt.NDArray[np.intp],
    q_counts: npt.NDArray[np.intp],
    s_order: npt.NDArray[np.intp],
    s_first: npt.NDArray[np.intp],
    s_counts: npt.NDArray[np.intp],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Every query position paired with every source position of each n-gram ``i``, whose
    positions are ``q_order[q_first[i] : q_first[i] + q_counts[i]]`` (and so for the source)."""
    sizes = q_counts * s_counts
    gram = np.repeat(np.arange(len(sizes)), sizes)
    k = np.arange(len(gram)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    q = q_order[q_first[gram] + k // s_counts[gram]]
    s = s_order[s_first[gram] + k % s_counts[gram]]
    return q, s


def _on_anchored_runs(
    q: npt.NDArray[np.intp],
    s: npt.NDArray[np.intp],
    anchor: npt.NDArray[np.bool_],
    opts: AlignOptions,
) -> npt.NDArray[np.bool_]:
    """Which seeds lie on an anchored run: seeds on one diagonal (equal query minus source
    position), each n-gram at most ``chain_gap`` words after the one before, holding an anchor
    and spanning at least ``anchored_words`` query words."""
    diagonal = q - s
    order = np.lexsort((q, diagonal))
    q, diagonal = q[order], diagonal[order]
    starts = np.ones(len(q), dtype=bool)
    starts[1:] = (diagonal[1:] != diagonal[:-1]) | (q[1:] - q[:-1] > opts.chain_gap + opts.seed_n)
    run = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    last = np.append(first[1:], len(q)) - 1
    kept_runs = (np.bincount(run, weights=anchor[order]) > 0) & (
        q[last] + opts.seed_n - q[first] >= opts.anchored_words
    )
    on_run = np.empty(len(q), dtype=bool)
    on_run[order] = kept_runs[run]
    return on_run


def _chain(seeds: list[tuple[int, int]], n: int, gap: int) -> list[_Chain]:
    open_chains: list[_Chain] = []
    done: list[_Chain] = []
    for q, s in seeds:
        best: _Chain | None = None
        best_cost = 0
        still_open = []
        for c in open_chains:
            if q - c.q_end > gap:
                done.append(c)
                continue
            still_open.append(c)
            ds = s - c.s_end
            if -n <= ds <= gap and s >= c.s_start:
                cost = max(q - c.q_end, 0) + abs(ds)
                if best is None or cost < best_cost:
                    best, best_cost = c, cost
        open_chains = still_open
        if best is None:
            open_chains.append(_Chain(q, q + n, s, s + n, 1))
        else:
            best.q_end = max(best.q_end, q + n)
            best.s_end = max(best.s_end, s + n)
            best.seeds += 1
    return done + open_chains


GAP_SLACK = 10


def _merge(chains: list[_Chain], gap: int) -> list[_Chain]:
    chains = sorted(chains, key=lambda c: (c.q_start, c.s_start))
    merged: list[_Chain] = []
    for c in chains:
        for m in reversed(merged[-4:]):
            q_gap = c.q_start - m.q_end
            s_gap = c.s_start - m.s_end
            overlap_ok = c.s_end > m.s_start and c.s_start >= m.s_start
            # The two gaps must be alike: edited text between two copied stretches has about
            # the same length on both sides, text inserted from elsewhere (a shuffled
            # composite) does not.
            alike = abs(q_gap - s_gap) <= max(GAP_SLACK, max(q_gap, s_gap) // 2)
            if q_gap <= gap and -gap <= s_gap <= gap and overlap_ok and alike:
                m.q_end = max(m.q_end, c.q_end)
                m.s_end = max(m.s_end, c.s_end)
                m.q_start = min(m.q_start, c.q_start)
                m.s_start = min(m.s_start, c.s_start)
                m.seeds += c.seeds
                break
        else:
            merged.append(_Chain(c.q_start, c.q_end, c.s_start, c.s_end, c.seeds))
    return merged


def _similar(a: str, b: str, threshold: float) -> bool:
    return a == b or Indel.normalized_similarity(a, b) >= threshold


_SENTENCE_END = ".!?\n"


def _starts_sentence(view: TextView, i: int) -> bool:
    """Whether word ``i`` opens a sentence (only space, quotes or brackets since a stop)."""
    pos = view.tokens.starts[i] - 1
    text = view.original
    while pos >= 0 and (text[pos] in " \t\"'([\u201c\u2018"):
        pos -= 1
    return pos < 0 or text[pos] in _SENTENCE_END


def _ends_sentence(view: TextView, i: int) -> bool:
    """Whether word ``i`` closes a sentence (a stop follows, after closing quotes)."""
    pos = view.tokens.ends[i]
    text = view.original
    while pos < len(text) and text[pos] in "\"')]\u201d\u2019":
        pos += 1
    return pos >= len(text) or text[pos] in _SENTENCE_END


def _extend(c: _Chain, query: TextView, source: TextView, threshold: float) -> None:
    """Grow the chain word by word while words are equal or nearly equal.

    A single different word is taken in when the two words beyond it are equal again, or when
    on both sides it is the first (last) word of a sentence: a renamed word at an edge.
    """
    qw, sw = query.tokens.words, source.tokens.words

    def same(i: int, j: int) -> bool:
        return 0 <= i < len(qw) and 0 <= j < len(sw) and _similar(qw[i], sw[j], threshold)

    def inside(i: int, j: int) -> bool:
        return 0 <= i < len(qw) and 0 <= j < len(sw)

    while True:
        q, s = c.q_start - 1, c.s_start - 1
        if same(q, s):
            c.q_start, c.s_start = q, s
        elif same(q - 1, s - 1) and same(q - 2, s - 2):
            c.q_start, c.s_start = q - 2, s - 2
        elif inside(q, s) and _starts_sentence(query, q) and _starts_sentence(source, s):
            c.q_start, c.s_start = q, s
            break
        else:
            break
    while True:
        q, s = c.q_end, c.s_end
        if same(q, s):
            c.q_end, c.s_end = q + 1, s + 1
        elif same(q + 1, s + 1) and same(q + 2, s + 2):
            c.q_end, c.s_end = q + 3, s + 3
        elif inside(q, s) and _ends_sentence(query, q) and _ends_sentence(source, s):
            c.q_end, c.s_end = q + 1, s + 1
            break
        else:
            break


def word_edits(
    query: TextView, source: TextView, q: tuple[int, int], s: tuple[int, int], limit: int
) -> tuple[Edit, ...]:
    """Word-level edits turning source words ``s`` into query words ``q`` (half-open)."""
    qw = query.tokens.words[q[0] : q[1]]
    sw = source.tokens.words[s[0] : s[1]]
    edits: list[Edit] = []
    # Adjacent inserts, deletes and replaces form one edit: "cooperation" -> "co-operation".
    runs: list[list[int]] = []
    for op in Levenshtein.opcodes(sw, qw):
        if op.tag == "equal":
            continue
        if runs and runs[-1][1] == op.src_start and runs[-1][3] == op.dest_start:
            runs[-1][1], runs[-1][3] = op.src_end, op.dest_end
        else:
            runs.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    for s0, s1, d0, d1 in runs[:limit]:
        edits.append(
            Edit(_surface(source, s[0] + s0, s[0] + s1), _surface(query, q[0] + d0, q[0] + d1))
        )
    return tuple(edits)


def _surface(view: TextView, first: int, end: int) -> str:
    if first >= end:
        return ""
    start, stop = view.tokens.char_span(first, end - 1)
    return view.original[start:stop]


def _refine_edges(q: str, s: str, qs: int, qe: int, ss: int, se: int) -> tuple[int, int, int, int]:
    """Take in punctuation that touches the passage and is the same on both sides."""
    while qs > 0 and ss > 0 and q[qs - 1] == s[ss - 1] and not q[qs - 1].isspace():
        qs, ss = qs - 1, ss - 1
    while qe < len(q) and se < len(s) and q[qe] == s[se] and not q[qe].isspace():
        qe, se = qe + 1, se + 1
    return qs, qe, ss, se


def align(
    query: TextView, source: TextView, options: AlignOptions | None = None
) -> list[Alignment]:
    """Local alignments between two texts, in query order (see the module docstring)."""
    opts = options or AlignOptions()
    seeds = _seeds(query, source, opts)
    if not seeds:
        return []
    chains = [
        c
        for c in _chain(seeds, opts.seed_n, opts.chain_gap)
        if c.seeds >= opts.min_seeds and c.q_end - c.q_start >= opts.min_words
    ]
    qw, sw = query.tokens.words, source.tokens.words
    out: list[Alignment] = []
    for c in _merge(chains, opts.merge_gap):
        _extend(c, query, source, opts.edge_similarity)
        q_words, s_words = qw[c.q_start : c.q_end], sw[c.s_start : c.s_end]
        identical = q_words == s_words
        score = 1.0 if identical else float(Indel.normalized_similarity(s_words, q_words))
        edits = (
            ()
            if identical
            else word_edits(
                query, source, (c.q_start, c.q_end), (c.s_start, c.s_end), opts.max_edits
            )
        )
        qs, qe = query.tokens.char_span(c.q_start, c.q_end - 1)
        ss, se = source.tokens.char_span(c.s_start, c.s_end - 1)
        qs, qe, ss, se = _refine_edges(query.original, source.original, qs, qe, ss, se)
        out.append(Alignment(Span(qs, qe), Span(ss, se), round(score, 4), edits, identical))
    out.sort(key=lambda a: (a.query.start, a.source.start))
    return out
