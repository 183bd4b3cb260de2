"""The dense sentence aligner: the slow, obviously correct reference of
:func:`wiretrace.align.sentences.align_sentences`.

It builds full ``sentences x vocabulary`` and ``query sentences x source sentences`` arrays,
so its memory grows with the product of the two texts' sizes: use it in tests only. The fast
kernel must give the same passages whenever its work bounds
(:class:`~wiretrace.align.sentences.SentenceOptions` ``max_postings`` and
``max_pairs_per_sentence``) do not bind (``tests/test_align_sentences.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from wiretrace.align.sentence_kernel import COSINE_DECIMALS
from wiretrace.align.sentences import (
    SentenceOptions,
    SentencePassage,
    SentenceView,
    _matrices,
    _passages,
    _window_sums,
)
from wiretrace.model import Span

FloatMatrix = npt.NDArray[np.float64]


def _cosine_rows(m: FloatMatrix) -> FloatMatrix:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: FloatMatrix = m / norms
    return out


def _row_top(m: npt.NDArray[np.floating[Any]], k: int) -> npt.NDArray[np.bool_]:
    """Exactly ``k`` cells of each row holding its largest values (ties broken by position)."""
    if m.shape[1] <= k:
        return np.ones(m.shape, dtype=bool)
    top = np.argsort(-m, axis=1, kind="stable")[:, :k]
    mask = np.zeros(m.shape, dtype=bool)
    np.put_along_axis(mask, top, True, axis=1)
    return mask


def _next_best(m: FloatMatrix) -> tuple[FloatMatrix, npt.NDArray[np.intp]]:
    """For each cell (i, j): the best of (i+1, j), (i+1, j+1), (i+1, j+2), and its column."""
    nq, ns = m.shape
    padded = np.zeros((nq + 1, ns + 2), dtype=m.dtype)
    padded[:nq, :ns] = m
    options = np.stack([padded[1:, k : k + ns] for k in range(3)])
    pick = options.argmax(axis=0)
    return options.max(axis=0), np.arange(ns)[None, :] + pick


def _seed_cells(
    cosine: FloatMatrix, dice: FloatMatrix, shared: FloatMatrix, opts: SentenceOptions
) -> list[tuple[int, int]]:
    """Strong sentence pairs, and the links of chains of two or three matched sentences."""
    linked = np.where(cosine >= opts.min_cosine, cosine, 0).astype(np.float64)
    next1, col1 = _next_best(linked)
    chain2 = (linked + next1) / 2
    next2, _ = _next_best(linked + next1)
    chain3 = (linked + next2) / 3
    strong = (
        (cosine >= opts.strong_cosine) & (dice >= opts.min_dice) & (shared >= opts.min_shared_terms)
    )
    strong &= _row_top(cosine, opts.max_seeds_per_sentence)
    seeds = set(map(tuple, np.argwhere(strong)))
    starts = (linked > 0) & ((chain2 >= opts.chain2_cosine) | (chain3 >= opts.chain3_cosine))
    starts &= _row_top(chain2, opts.max_seeds_per_sentence)
    nq = cosine.shape[0]
    for i, j in np.argwhere(starts):
        seeds.add((i, j))
        # Follow the chain forwards while its links hold.
        while i + 1 < nq and next1[i, j] > 0:
            i, j = i + 1, int(col1[i, j])
            if j >= cosine.shape[1]:
                break
            seeds.add((i, j))
            if len(seeds) > 4 * nq:
                break
            if linked[i, j] < opts.chain3_cosine:
                break
    return sorted((int(q), int(s)) for q, s in seeds)


def _window_norms(m: FloatMatrix, k: int) -> FloatMatrix:
    """Norms of the sums of every ``k`` consecutive rows, from the rows' products with their
    next ``k - 1`` neighbours (no ``n x vocabulary`` matrix of sums is built)."""
    squared = _window_sums(np.einsum("ij,ij->i", m, m), k)
    for d in range(1, k):
        squared += 2 * _window_sums(np.einsum("ij,ij->i", m[:-d], m[d:]), k - d)
    out: FloatMatrix = np.sqrt(np.maximum(squared, 0))
    return out


def _window_cells(
    weights: tuple[FloatMatrix, FloatMatrix],
    terms: tuple[FloatMatrix, FloatMatrix],
    cosine: FloatMatrix,
    opts: SentenceOptions,
) -> list[tuple[int, int]]:
    """Sentence pairs inside matching windows of ``window`` consecutive sentences a side.

    ``weights`` are both texts' tf-isf rows, ``terms`` their 0/1 term rows and ``cosine`` their
    sentence cosines. A window pair matches when its bags' cosine is at least
    ``window_cosine`` and it passes the strong-pair Dice and shared-term checks; it seeds its
    sentence pairs of cosine ``min_cosine`` or more. A text of fewer than ``window`` sentences
    has no window: for it, a window would be a single sentence or two under a looser threshold
    than the single-pair and chain rules, which already judge it.
    """
    (q_w, s_w), (q_bin, s_bin) = weights, terms
    if min(len(q_w), len(s_w)) < opts.window:
        return []
    kq = ks = opts.window
    q_norms, s_norms = np.linalg.norm(q_w, axis=1), np.linalg.norm(s_w, axis=1)
    # The dot product of two windows' sums is the sum of their sentences' dot products.
    dots = cosine * q_norms[:, None] * s_norms[None, :]
    window_dots = _window_sums(_window_sums(dots, kq).T, ks).T
    denom = _window_norms(q_w, kq)[:, None] * _window_norms(s_w, ks)[None, :]
    wins = np.round(window_dots / np.maximum(denom, 1e-12), COSINE_DECIMALS)
    hits = wins >= opts.window_cosine
    if not hits.any():
        return []
    hits &= _row_top(wins, opts.max_seeds_per_sentence)
    q_terms = (_window_sums(q_bin, kq) > 0).astype(np.float64)
    s_terms = (_window_sums(s_bin, ks) > 0).astype(np.float64)
    shared = q_terms @ s_terms.T
    sizes = q_terms.sum(axis=1)[:, None] + s_terms.sum(axis=1)[None, :]
    hits &= (shared >= opts.min_shared_terms) & (2 * shared >= opts.min_dice * sizes)
    seeds: set[tuple[int, int]] = set()
    for i, j in np.argwhere(hits):
        block = np.argwhere(cosine[i : i + kq, j : j + ks] >= opts.min_cosine)
        seeds.update((int(i + a), int(j + b)) for a, b in block)
    return sorted(seeds)


def align_sentences_reference(
    query: SentenceView, source: SentenceView, options: SentenceOptions | None = None
) -> list[SentencePassage]:
    """Sentence-level passages shared by two texts (see the module docstring)."""
    opts = options or SentenceOptions()
    if not query.terms or not source.terms:
        return []
    q_counts, s_counts = _matrices(query, source)
    both = np.vstack([q_counts, s_counts])
    isf = np.log((len(both) + 1) / (1 + (both > 0).sum(axis=0))).astype(np.float64) + 1.0
    q_w, s_w = q_counts * isf, s_counts * isf
    cosine = np.round(_cosine_rows(q_w) @ _cosine_rows(s_w).T, COSINE_DECIMALS)
    q_bin, s_bin = (q_counts > 0).astype(np.float64), (s_counts > 0).astype(np.float64)
    shared = q_bin @ s_bin.T
    sizes = q_bin.sum(axis=1)[:, None] + s_bin.sum(axis=1)[None, :]
    dice = 2 * shared / np.maximum(sizes, 1)
    seeds = _seed_cells(cosine, dice, shared, opts)
    if not seeds:
        seeds = _window_cells((q_w, s_w), (q_bin, s_bin), cosine, opts)
    if not seeds:
        return []
    out: list[SentencePassage] = []
    for group in _passages(seeds, opts.max_gap):
        qs = sorted({q for q, _ in group})
        ss = sorted({s for _, s in group})
        q_range = range(qs[0], qs[-1] + 1)
        s_range = range(ss[0], ss[-1] + 1)
        q_vec = q_w[list(q_range)].sum(axis=0)
        s_vec = s_w[list(s_range)].sum(axis=0)
        denom = float(np.linalg.norm(q_vec) * np.linalg.norm(s_vec)) or 1.0
        cos = round(float(q_vec @ s_vec) / denom, COSINE_DECIMALS)
        q_span = Span(query.spans[qs[0]].start, query.spans[qs[-1]].end)
        s_span = Span(source.spans[ss[0]].start, source.spans[ss[-1]].end)
        if cos >= opts.min_passage_cosine and len(q_span) >= opts.min_chars:
            out.append(SentencePassage(q_span, s_span, round(cos, 4), len(group)))
    return out
