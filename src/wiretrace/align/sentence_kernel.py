"""The sparse kernel of the sentence aligner (:mod:`wiretrace.align.sentences`): each text's
sentence x term counts as flat arrays (:class:`TermIndex`), the scored sentence pairs of a
query and a source with bounded work (:func:`pair_cells`), and the seeds that start passages
(:func:`seed_cells`, :func:`window_cells`). The module docstring of
:mod:`wiretrace.align.sentences` says what each step does and how its work is bounded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from wiretrace.fingerprint import HashArray, word_hashes


@dataclass(frozen=True, slots=True)
class SentenceOptions:
    """Parameters of :func:`align_sentences`; defaults are tuned on PAN pan-train.

    ``max_postings`` and ``max_pairs_per_sentence`` bound the work per candidate (module
    docstring, "Work, linear in the query"); on PAN pan-train they change no figure.
    """

    min_terms: int = 3
    strong_cosine: float = 0.6
    min_dice: float = 0.3
    min_shared_terms: int = 6
    min_cosine: float = 0.25
    chain2_cosine: float = 0.5
    chain3_cosine: float = 0.4
    max_gap: int = 4
    min_passage_cosine: float = 0.3
    min_chars: int = 0
    min_fragment_words: int = 5
    max_seeds_per_sentence: int = 3
    window: int = 3
    window_cosine: float = 0.45
    max_postings: int = 200
    max_pairs_per_sentence: int = 100


IntArray = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
# Cosines are rounded to this many decimals, so that a cosine equal to a threshold (0.5 between
# two bags of equal weights, say) compares the same whatever the order of the float sums.
COSINE_DECIMALS = 9


@dataclass(frozen=True, slots=True)
class TermIndex:
    """A text's sentence x term counts as flat arrays, built once per text in linear time.

    - Entries, one per distinct term of a sentence, ordered by sentence then term hash:
      ``hashes``, ``counts``, ``df`` (how many of the text's sentences hold the term) and
      ``rank`` (the term's position in ``vocab``); sentence ``i`` holds entries
      ``offsets[i]:offsets[i + 1]``.
    - Postings: ``vocab`` (the distinct term hashes, sorted); the sentences holding
      ``vocab[k]`` are ``post_sents[starts[k]:starts[k + 1]]`` (in order, with their counts in
      ``post_counts``), and ``post_keys`` holds ``k * (sentences + 1) + sentence`` for every
      posting, sorted, so that one binary search tells whether a sentence holds a term.
    """

    offsets: IntArray
    hashes: HashArray
    counts: Floats
    df: IntArray
    rank: IntArray
    vocab: HashArray
    starts: IntArray
    post_sents: IntArray
    post_counts: Floats
    post_keys: IntArray

    @property
    def sentences(self) -> int:
        return len(self.offsets) - 1


def term_index(terms: tuple[tuple[str, ...], ...]) -> TermIndex:
    """The :class:`TermIndex` of sentences given as term lists."""
    n = len(terms)
    lens = np.fromiter(map(len, terms), dtype=np.int64, count=n)
    hashes = word_hashes([t for bag in terms for t in bag])
    sent = np.repeat(np.arange(n, dtype=np.int64), lens)
    order = np.lexsort((hashes, sent))
    hashes, sent = hashes[order], sent[order]
    first = np.flatnonzero(
        np.concatenate([[True], (hashes[1:] != hashes[:-1]) | (sent[1:] != sent[:-1])])
    )[: len(hashes)]
    counts = np.diff(np.append(first, len(hashes))).astype(np.float64)
    hashes, sent = hashes[first], sent[first]
    vocab, rank, df_vocab = np.unique(hashes, return_inverse=True, return_counts=True)
    rank = rank.astype(np.int64)
    starts = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.cumsum(df_vocab, out=starts[1:])
    by_term = np.lexsort((sent, rank))
    return TermIndex(
        offsets=np.searchsorted(sent, np.arange(n + 1)).astype(np.int64),
        hashes=hashes,
        counts=counts,
        df=df_vocab[rank].astype(np.int64),
        rank=rank,
        vocab=vocab,
        starts=starts,
        post_sents=sent[by_term],
        post_counts=counts[by_term],
        post_keys=rank[by_term] * (n + 1) + sent[by_term],
    )


def _expand(starts: IntArray, lengths: IntArray) -> tuple[IntArray, IntArray]:
    """For ranges ``starts[i] : starts[i] + lengths[i]``: each element's range and position."""
    owner = np.repeat(np.arange(len(starts), dtype=np.int64), lengths)
    begin = np.cumsum(lengths) - lengths
    position = np.repeat(starts - begin, lengths) + np.arange(int(lengths.sum()), dtype=np.int64)
    return owner, position


def _lookup(index: TermIndex, hashes: HashArray) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """Each hash's position in ``index.vocab``, and whether it is there at all."""
    if len(index.vocab) == 0:
        return np.zeros(len(hashes), dtype=np.int64), np.zeros(len(hashes), dtype=bool)
    at = np.minimum(np.searchsorted(index.vocab, hashes), len(index.vocab) - 1)
    return at.astype(np.int64), index.vocab[at] == hashes


def _df(index: TermIndex, hashes: HashArray) -> IntArray:
    """How many sentences of ``index`` hold each term (0 for terms it lacks)."""
    at, hit = _lookup(index, hashes)
    out: IntArray = np.where(hit, index.starts[at + 1] - index.starts[at], 0)
    return out


@dataclass(frozen=True, slots=True)
class Pair:
    """A query and a source being aligned: tf-isf weights of any of their entries."""

    query: TermIndex
    source: TermIndex

    def isf(self, side: TermIndex, entries: IntArray) -> Floats:
        """Inverse sentence frequency, over both texts, of the terms of ``side``'s entries."""
        other = self.source if side is self.query else self.query
        total = self.query.sentences + self.source.sentences
        df = side.df[entries] + _df(other, side.hashes[entries])
        out: Floats = np.log((total + 1) / (1 + df)) + 1.0
        return out

    def norms(self, side: TermIndex, first: IntArray, k: int) -> Floats:
        """Norms of the tf-isf vectors of sentences ``first .. first + k - 1``, for each first."""
        lo = side.offsets[first]
        owner, entries = _expand(lo, side.offsets[first + k] - lo)
        weights = side.counts[entries] * self.isf(side, entries)
        if k > 1:  # a term in several sentences of a window: its weights add up first
            keys = owner * len(side.vocab) + side.rank[entries]
            unique, inverse = np.unique(keys, return_inverse=True)
            weights = np.bincount(inverse, weights=weights).astype(np.float64)
            owner = unique // max(len(side.vocab), 1)
        out: Floats = np.sqrt(np.bincount(owner, weights=weights**2, minlength=len(first)))
        return out


@dataclass(frozen=True, slots=True)
class PairCells:
    """The scored sentence pairs of a query and a source: a sparse matrix of ``shape``.

    Cell ``n`` is query sentence ``rows[n]`` and source sentence ``cols[n]``, in row-major
    order; cells that are not listed share no term that was looked up (cosine 0). ``work`` is
    how many postings and term look-ups it took (:class:`SentenceOptions` bounds it).
    """

    shape: tuple[int, int]
    rows: IntArray
    cols: IntArray
    cosine: Floats
    dice: Floats
    shared: Floats
    dots: Floats
    work: int


def pair_cells(pair: Pair, opts: SentenceOptions) -> PairCells:
    """Score the sentence pairs that share a term, with bounded work (module docstring)."""
    q, s = pair.query, pair.source
    nq, ns = q.sentences, s.sentences
    s_sent = np.repeat(np.arange(ns, dtype=np.int64), np.diff(s.offsets))
    at, hit = _lookup(q, s.hashes)
    q_df = np.where(hit, q.starts[at + 1] - q.starts[at], 0)
    s_isf = pair.isf(s, np.arange(len(s.hashes), dtype=np.int64))
    # 1. Candidate pairs: through the postings of each source term held by at most
    #    ``max_postings`` query sentences (a term in more of them says little on its own).
    via = np.flatnonzero((q_df > 0) & (q_df <= opts.max_postings))
    entry, posting = _expand(q.starts[at[via]], q_df[via])
    entry = via[entry]
    rows, cols = q.post_sents[posting], s_sent[entry]
    partial = q.post_counts[posting] * s.counts[entry] * s_isf[entry] ** 2
    keys, inverse = np.unique(rows * ns + cols, return_inverse=True)
    score = np.bincount(inverse, weights=partial)
    rows, cols = keys // max(ns, 1), keys % max(ns, 1)
    # 2. Each source sentence keeps its ``max_pairs_per_sentence`` best query sentences.
    order = np.lexsort((rows, -score, cols))
    rank = np.arange(len(order)) - np.searchsorted(cols[order], cols[order])
    kept = np.sort(order[rank < opts.max_pairs_per_sentence])
    rows, cols = rows[kept], cols[kept]
    # 3. Exact dot products and shared terms of the kept pairs, over all their terms.
    pair_of, entry = _expand(s.offsets[cols], s.offsets[cols + 1] - s.offsets[cols])
    keys = at[entry] * (nq + 1) + rows[pair_of]
    where = np.minimum(np.searchsorted(q.post_keys, keys), max(len(q.post_keys) - 1, 0))
    found = hit[entry] & (q.post_keys[where] == keys) if len(q.post_keys) else hit[entry]
    contrib = np.where(found, q.post_counts[where] * s.counts[entry] * s_isf[entry] ** 2, 0.0)
    dots = np.bincount(pair_of, weights=contrib, minlength=len(rows))
    shared = np.bincount(pair_of, weights=found, minlength=len(rows)).astype(np.float64)
    # 4. Norms of the sentences involved, and the cosines.
    touched, local = np.unique(rows, return_inverse=True)
    q_norms = pair.norms(q, touched, 1)[local]
    s_norms = pair.norms(s, np.arange(ns, dtype=np.int64), 1)[cols]
    cosine = np.round(dots / np.maximum(q_norms * s_norms, 1e-300), COSINE_DECIMALS)
    sizes = np.diff(q.offsets)[rows] + np.diff(s.offsets)[cols]
    dice = 2 * shared / np.maximum(sizes, 1)
    work = len(posting) + len(entry)
    return PairCells((nq, ns), rows, cols, cosine, dice, shared, cosine * q_norms * s_norms, work)


def _top_per_row(rows: IntArray, cols: IntArray, values: Floats, k: int) -> npt.NDArray[np.bool_]:
    """The ``k`` largest values of each row (ties to the lower column), as a mask."""
    order = np.lexsort((cols, -values, rows))
    rank = np.arange(len(order)) - np.searchsorted(rows[order], rows[order])
    mask = np.zeros(len(rows), dtype=bool)
    mask[order[rank < k]] = True
    return mask


def seed_cells(cells: PairCells, opts: SentenceOptions) -> list[tuple[int, int]]:
    """Strong sentence pairs, and the links of chains of two or three matched sentences.

    ``linked`` cells are those of cosine ``min_cosine`` or more; ``next1`` of a cell is the
    best linked cell of the next query sentence among the same source sentence and the two
    after it, ``next2`` the same over ``linked + next1``: a chain of two has the mean cosine
    ``(linked + next1) / 2``, of three ``(linked + next2) / 3``.
    """
    nq = cells.shape[0]
    is_linked = cells.cosine >= opts.min_cosine
    linked = {
        (int(i), int(j)): float(c)
        for i, j, c in zip(
            cells.rows[is_linked], cells.cols[is_linked], cells.cosine[is_linked], strict=True
        )
    }

    def best_next(table: dict[tuple[int, int], float], i: int, j: int) -> tuple[float, int]:
        best, col = 0.0, j
        for d in range(3):
            v = table.get((i + 1, j + d), 0.0)
            if v > best:
                best, col = v, j + d
        return best, col

    # Cells where a chain may start: linked ones, and those just before a linked one.
    around = set(linked)
    around.update((i - 1, j - d) for i, j in linked for d in range(3) if i > 0 and j >= d)
    link_next = {c: linked.get(c, 0.0) + best_next(linked, *c)[0] for c in around}
    starts_at = sorted(around)
    chain2 = np.array([link_next[c] / 2 for c in starts_at], dtype=np.float64)
    rows = np.array([i for i, _ in starts_at], dtype=np.int64)
    cols = np.array([j for _, j in starts_at], dtype=np.int64)
    top2 = _top_per_row(rows, cols, chain2, opts.max_seeds_per_sentence)

    strong = (
        (cells.cosine >= opts.strong_cosine)
        & (cells.dice >= opts.min_dice)
        & (cells.shared >= opts.min_shared_terms)
    )
    strong &= _top_per_row(cells.rows, cells.cols, cells.cosine, opts.max_seeds_per_sentence)
    seeds = {(int(i), int(j)) for i, j in zip(cells.rows[strong], cells.cols[strong], strict=True)}
    for n, (i, j) in enumerate(starts_at):
        if not top2[n] or (i, j) not in linked:
            continue
        chain3 = (linked[i, j] + best_next(link_next, i, j)[0]) / 3
        if chain2[n] < opts.chain2_cosine and chain3 < opts.chain3_cosine:
            continue
        seeds.add((i, j))
        # Follow the chain forwards while its links hold.
        while i + 1 < nq:
            value, col = best_next(linked, i, j)
            if value <= 0:
                break
            i, j = i + 1, col
            if j >= cells.shape[1]:
                break
            seeds.add((i, j))
            if len(seeds) > 4 * nq:
                break
            if linked.get((i, j), 0.0) < opts.chain3_cosine:
                break
    return sorted(seeds)


def window_cells(pair: Pair, cells: PairCells, opts: SentenceOptions) -> list[tuple[int, int]]:
    """Sentence pairs inside matching windows of ``window`` consecutive sentences a side.

    A window pair matches when its bags' cosine is at least ``window_cosine`` and it passes
    the strong-pair Dice and shared-term checks; it seeds its sentence pairs of cosine
    ``min_cosine`` or more. A text of fewer than ``window`` sentences has no window: for it,
    a window would be a single sentence or two under a looser threshold than the single-pair
    and chain rules, which already judge it. Only windows that hold a scored cell are looked
    at: the dot product of two windows is the sum of their sentences' dot products.
    """
    k = opts.window
    nq, ns = cells.shape
    if min(nq, ns) < k or len(cells.rows) == 0:
        return []
    shift = np.arange(k, dtype=np.int64)
    wi = (cells.rows[:, None, None] - shift[:, None]).repeat(k, axis=2).ravel()
    wj = (cells.cols[:, None, None] - shift[None, :]).repeat(k, axis=0).ravel()
    dots = np.repeat(cells.dots, k * k)
    valid = (wi >= 0) & (wi <= nq - k) & (wj >= 0) & (wj <= ns - k)
    keys, inverse = np.unique(wi[valid] * ns + wj[valid], return_inverse=True)
    window_dots = np.bincount(inverse, weights=dots[valid])
    wi, wj = keys // ns, keys % ns
    q_first, q_local = np.unique(wi, return_inverse=True)
    s_first, s_local = np.unique(wj, return_inverse=True)
    q_norms = pair.norms(pair.query, q_first, k)[q_local]
    denom = q_norms * pair.norms(pair.source, s_first, k)[s_local]
    wins = np.round(window_dots / np.maximum(denom, 1e-12), COSINE_DECIMALS)
    hits = wins >= opts.window_cosine
    if not hits.any():
        return []
    hits &= _top_per_row(wi, wj, wins, opts.max_seeds_per_sentence)
    q, s = pair.query, pair.source
    linked = {
        (int(i), int(j))
        for i, j, c in zip(cells.rows, cells.cols, cells.cosine, strict=True)
        if c >= opts.min_cosine
    }
    seeds: set[tuple[int, int]] = set()
    for i, j in zip(wi[hits].tolist(), wj[hits].tolist(), strict=True):
        q_terms = set(q.hashes[q.offsets[i] : q.offsets[i + k]].tolist())
        s_terms = set(s.hashes[s.offsets[j] : s.offsets[j + k]].tolist())
        shared = len(q_terms & s_terms)
        if shared < opts.min_shared_terms or 2 * shared < opts.min_dice * (
            len(q_terms) + len(s_terms)
        ):
            continue
        seeds.update((i + a, j + b) for a in range(k) for b in range(k) if (i + a, j + b) in linked)
    return sorted(seeds)


def range_cosine(pair: Pair, q_range: tuple[int, int], s_range: tuple[int, int]) -> float:
    """Cosine of the tf-isf bags of query sentences and source sentences (half-open ranges)."""

    def bag(side: TermIndex, lo: int, hi: int) -> tuple[HashArray, Floats]:
        entries = np.arange(side.offsets[lo], side.offsets[hi], dtype=np.int64)
        terms, inverse = np.unique(side.hashes[entries], return_inverse=True)
        weights = side.counts[entries] * pair.isf(side, entries)
        return terms, np.bincount(inverse, weights=weights, minlength=len(terms)).astype(np.float64)

    q_terms, q_weights = bag(pair.query, *q_range)
    s_terms, s_weights = bag(pair.source, *s_range)
    _, qi, si = np.intersect1d(q_terms, s_terms, assume_unique=True, return_indices=True)
    dot = float(q_weights[qi] @ s_weights[si])
    denom = float(np.linalg.norm(q_weights) * np.linalg.norm(s_weights)) or 1.0
    return round(dot / denom, COSINE_DECIMALS)
