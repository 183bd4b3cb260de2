"""Exact batch story clustering: complete-link over a whole collection.

The reference for the streaming clusterer of :mod:`wiretrace.corpus.stories` (its module
docstring describes both): every pair of documents within the time window is compared at
once, so memory grows with the square of the collection. ``wiretrace corpus stories --exact``
and ``wiretrace eval stories`` use it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from wiretrace.corpus.stories import (
    _BAGS,
    _SECONDS_PER_DAY,
    Assignment,
    StoryFeatures,
    StoryMember,
    StoryOptions,
    StoryResult,
    _LiveStory,
    order_key,
    parse_time,
    story_features,
    story_id,
)
from wiretrace.model import Document
from wiretrace.progress import StepCallback, no_progress

__all__ = [
    "bag_similarities",
    "cluster_stories_exact",
    "complete_link_merges",
    "cut_merges",
    "window_mask",
]


def bag_similarities(
    features: Sequence[StoryFeatures],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Cosine similarity matrices (body, lead, entities) of documents, with batch idf.

    Weights are as in the online clusterer (``1 + ln(tf)`` times ``ln((n + 1) / df)``), but
    ``n`` and ``df`` count the whole collection. Each matrix is accumulated term by term from
    its postings, so the cost is the sum of squared document frequencies.
    """
    n = len(features)
    out = []
    for b in range(len(_BAGS)):
        df: Counter[str] = Counter()
        for f in features:
            df.update(f.bags()[b].keys())
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for i, f in enumerate(features):
            bag = f.bags()[b]
            weights = {t: (1.0 + math.log(c)) * math.log((n + 1) / df[t]) for t, c in bag.items()}
            norm = math.sqrt(sum(w * w for w in weights.values()))
            if norm <= 0:
                continue
            for t, w in weights.items():
                docs, values = postings.setdefault(t, ([], []))
                docs.append(i)
                values.append(w / norm)
        sim = np.zeros((n, n), dtype=np.float64)
        for docs, values in postings.values():
            idx = np.asarray(docs, dtype=np.intp)
            vec = np.asarray(values, dtype=np.float64)
            sim[np.ix_(idx, idx)] += np.outer(vec, vec)
        out.append(sim)
    return out[0], out[1], out[2]


def complete_link_merges(
    similarity: npt.NDArray[np.float64], floor: float
) -> list[tuple[int, int, float]]:
    """Complete-link merges ``(keep, absorbed, similarity)`` while the best link is >= floor.

    Clusters are named by their smallest member. The linkage similarity of two clusters is
    the smallest similarity between their members; the pair with the largest linkage merges
    first, ties to the first pair in row-major order. Similarities only fall as merges go on,
    so the clustering at any threshold ``t >= floor`` is the prefix of merges with similarity
    ``>= t`` (:func:`cut_merges`). Time and memory: O(n^2) memory, O(n^2) per merge.
    """
    n = similarity.shape[0]
    link = similarity.astype(np.float64, copy=True)
    np.fill_diagonal(link, -np.inf)
    merges: list[tuple[int, int, float]] = []
    for _ in range(max(n - 1, 0)):
        flat = int(np.argmax(link))
        i, j = divmod(flat, n)
        best = float(link[i, j])
        if best < floor:
            break
        keep, gone = min(i, j), max(i, j)
        row = np.minimum(link[keep], link[gone])
        link[keep, :] = row
        link[:, keep] = row
        link[keep, keep] = -np.inf
        link[gone, :] = -np.inf
        link[:, gone] = -np.inf
        merges.append((keep, gone, best))
    return merges


def cut_merges(n: int, merges: Sequence[tuple[int, int, float]], threshold: float) -> list[int]:
    """Cluster of each of ``n`` items (its smallest member) after the merges ``>= threshold``."""
    parent = list(range(n))
    for keep, gone, value in merges:
        if value < threshold:
            break
        parent[gone] = keep
    labels = []
    for i in range(n):
        root = i
        while parent[root] != root:
            root = parent[root]
        labels.append(root)
    return labels


def window_mask(times: Sequence[float | None], window_days: float) -> npt.NDArray[np.bool_]:
    """``True`` where two documents are both dated and further apart than the window."""
    n = len(times)
    dated = np.array([t is not None for t in times], dtype=bool)
    when = np.array([t if t is not None else 0.0 for t in times], dtype=np.float64)
    apart = np.abs(when[:, None] - when[None, :]) > window_days * _SECONDS_PER_DAY
    mask: npt.NDArray[np.bool_] = apart & dated[:, None] & dated[None, :]
    return mask if n else np.zeros((0, 0), dtype=bool)


def cluster_stories_exact(
    documents: Iterable[Document],
    options: StoryOptions | None = None,
    features: Mapping[str, StoryFeatures] | None = None,
    progress: StepCallback = no_progress,
) -> StoryResult:
    """Batch-only stories by complete-link clustering over the whole collection.

    Not online: it needs every document first, and O(n^2) memory, so use it for collections
    of up to some ten thousand documents (or one time window of a larger one). It uses the
    same features, bag weights and time window as :class:`StoryClusterer`, with idf over the
    whole collection, and its own threshold ``options.exact_threshold``: two groups merge only
    when *every* pair across them is at least that similar, and two dated documents further
    apart than the window never share a story. Results have the same shape and the same ids
    (the hash of each story's first document in batch order) as :func:`cluster_stories`.
    ``progress("read documents", done, total)`` is called as each document's features are
    read (the clustering after it is one matrix computation).
    """
    opts = options or StoryOptions()
    docs = sorted(documents, key=order_key)
    feats = []
    for done, d in enumerate(docs, 1):
        given = features.get(d.id) if features else None
        feats.append(given or story_features(d, opts))
        progress("read documents", done, len(docs))
    body, lead, entities = bag_similarities(feats)
    wb, wl, we = opts.weights()
    sim = (wb * body + wl * lead + we * entities) / (wb + wl + we)
    sim[window_mask([parse_time(d.published_at) for d in docs], opts.window_days)] = -np.inf
    labels = cut_merges(len(docs), complete_link_merges(sim, opts.exact_threshold), -np.inf)
    return _result_from_labels(docs, labels, sim)


def _result_from_labels(
    docs: Sequence[Document], labels: Sequence[int], sim: npt.NDArray[np.float64]
) -> StoryResult:
    stories: dict[int, _LiveStory] = {}
    seen: dict[int, list[int]] = {}
    assignments: list[Assignment] = []
    for i, (doc, label) in enumerate(zip(docs, labels, strict=True)):
        story = stories.get(label)
        new = story is None
        earlier = seen.setdefault(label, [])
        if story is None:
            story = stories[label] = _LiveStory(story_id(doc.id), len(stories))
            score = 1.0
        else:
            score = float(sim[i, earlier].max())
        earlier.append(i)
        member = StoryMember(doc.id, doc.published_at, doc.source, doc.title, score)
        story.members.append((member, parse_time(doc.published_at)))
        assignments.append(Assignment(doc.id, story.id, score, new))
    return StoryResult(tuple(s.freeze() for s in stories.values()), tuple(assignments))
