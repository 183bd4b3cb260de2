"""The story clustering baselines of ``wiretrace eval stories``: TF-IDF complete link and
MinHash LSH.

:func:`wiretrace.eval.stories.run_stories` tunes and scores them beside wiretrace's own
clusterer, from a repository checkout (:mod:`wiretrace.eval.checkout`); the module docstring of
:mod:`wiretrace.eval.stories` describes both methods and their grids.

- ``tfidf-complete``: scikit-learn's ``TfidfVectorizer`` with its defaults, fitted on the
  collection being clustered, and complete-link agglomerative clustering on cosine distance,
  computed once with SciPy and cut at every threshold of :data:`BASELINE_THRESHOLDS`.
- ``minhash-lsh``: datasketch ``MinHashLSH`` over word n-gram shingles of the lower-cased
  words; candidates are joined (connected components). Shingle sizes :data:`LSH_SHINGLES`,
  Jaccard thresholds :data:`LSH_THRESHOLDS`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from wiretrace.errors import CorpusError
from wiretrace.eval.stories import LabelledDoc
from wiretrace.text.words import WORD

__all__ = [
    "BASELINE_THRESHOLDS",
    "LSH_SHINGLES",
    "LSH_THRESHOLDS",
    "baseline_grid",
    "lsh_grid",
    "minhash_lsh_clusters",
    "tfidf_complete_clusters",
]

BASELINE_THRESHOLDS = tuple(round(0.5 + 0.01 * k, 2) for k in range(50))
LSH_THRESHOLDS = tuple(round(0.1 * k, 1) for k in range(1, 10))
LSH_SHINGLES = (1, 2, 3, 5)
_LSH_PERMUTATIONS = 128


def tfidf_complete_clusters(texts: Sequence[str], thresholds: Sequence[float]) -> list[list[int]]:
    """Baseline labels of ``texts`` for each distance threshold (one tree, many cuts)."""
    try:
        from scipy.cluster.hierarchy import fcluster, linkage
        from sklearn.feature_extraction.text import TfidfVectorizer
    except ImportError as exc:
        raise CorpusError(
            "the TF-IDF baseline needs scikit-learn and SciPy: pip install 'wiretrace[eval]'"
        ) from exc

    if len(texts) < 2:
        return [list(range(len(texts))) for _ in thresholds]
    matrix = TfidfVectorizer().fit_transform(list(texts)).toarray()
    tree = linkage(matrix, method="complete", metric="cosine")
    return [[int(x) for x in fcluster(tree, t, criterion="distance")] for t in thresholds]


def _shingles(text: str, size: int) -> set[bytes]:
    words = WORD.findall(text.lower())
    if len(words) < size:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def minhash_lsh_clusters(
    texts: Sequence[str], thresholds: Sequence[float], shingle: int = 3
) -> list[list[int]]:
    """Connected components of MinHash LSH candidates over word ``shingle``-grams, for each
    LSH Jaccard threshold."""
    from datasketch import MinHash, MinHashLSH

    hashes = []
    for text in texts:
        mh = MinHash(num_perm=_LSH_PERMUTATIONS, seed=1)
        mh.update_batch(sorted(_shingles(text, shingle)))
        hashes.append(mh)
    out = []
    for t in thresholds:
        lsh = MinHashLSH(threshold=t, num_perm=_LSH_PERMUTATIONS)
        parent = list(range(len(texts)))

        for i, mh in enumerate(hashes):
            for j in lsh.query(mh):
                a, b = _find(parent, int(j)), _find(parent, i)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            lsh.insert(i, mh)
        out.append([_find(parent, i) for i in range(len(texts))])
    return out


def _find(parent: list[int], i: int) -> int:
    """Union-find root of ``i``, halving the path on the way."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def baseline_grid(
    part: Sequence[LabelledDoc], only: int | None
) -> list[tuple[str, list[Hashable]]]:
    """Every TF-IDF grid point's (description, labels) for ``part``, or just point ``only``."""
    points = BASELINE_THRESHOLDS if only is None else (BASELINE_THRESHOLDS[only],)
    cuts = tfidf_complete_clusters([d.document.text for d in part], points)
    return [(f"cosine distance <= {t:g}", list(c)) for t, c in zip(points, cuts, strict=True)]


def lsh_grid(part: Sequence[LabelledDoc], only: int | None) -> list[tuple[str, list[Hashable]]]:
    """Every LSH grid point's (description, labels) for ``part``, or just point ``only``."""
    lsh_points = [(size, t) for size in LSH_SHINGLES for t in LSH_THRESHOLDS]
    texts = [d.document.text for d in part]
    out: list[tuple[str, list[Hashable]]] = []
    for size in LSH_SHINGLES:
        points = [t for z, t in lsh_points if z == size]
        if only is not None:
            points = [t for t in points if (size, t) == lsh_points[only]]
        if points:
            cuts = minhash_lsh_clusters(texts, points, size)
            out.extend(
                (f"LSH threshold {t:g}, {size}-word shingles", list(c))
                for t, c in zip(points, cuts, strict=True)
            )
    return out
