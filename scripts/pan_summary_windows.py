"""How far passage-level word evidence can go on PAN's 05-summary-obfuscation pairs.

A summary compresses a source passage, so its sentences may match no source sentence one by
one while a few of its sentences, taken as one bag of words, still resemble a longer stretch
of the source. For every pair of the 01 (no reuse), 03 and 05 categories, this script finds the
best tf-isf cosine between a run of ``kq`` consecutive suspicious sentences and a run of ``ks``
consecutive source sentences (the sentence aligner's terms and weights), for several window
shapes. It then prints, per shape, the share of 05 and 03 pairs whose best window beats the
best window of every 01 pair, and of 99% of them: what any rule built on such windows could
flag at a false-positive rate of 0 or 0.01.

    python scripts/pan_summary_windows.py ../shared/data/pan-train/corpus [--semantic]

With ``--semantic`` (the ``[semantic]`` extra; about 8 minutes on two cores), the windows are
means of MiniLM sentence embeddings instead of bags of words (the first 150 sentences of each
document), on the 01 and 05 pairs, together with the best single sentence pair ("1 x 1").
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import numpy.typing as npt

from wiretrace.align.pair import align_view
from wiretrace.align.sentences import SentenceView, _matrices, _window_sums
from wiretrace.eval.pan import read_text

SHAPES = ((3, 3), (3, 6), (2, 6), (3, 9), (4, 8))
CATEGORIES = ("01-no-plagiarism", "03-random-obfuscation", "05-summary-obfuscation")
Matrix = npt.NDArray[np.float32]


def window_sums(m: Matrix, k: int) -> Matrix | None:
    """Sums of every ``k`` consecutive rows (the aligner's own), or None for fewer rows."""
    return None if len(m) < k else _window_sums(m, k)


def best_windows(query: SentenceView, source: SentenceView) -> dict[tuple[int, int], float]:
    if not query.terms or not source.terms:
        return dict.fromkeys(SHAPES, 0.0)
    q_counts, s_counts = _matrices(query, source)
    both = np.vstack([q_counts, s_counts])
    isf = np.log((len(both) + 1) / (1 + (both > 0).sum(axis=0))).astype(np.float32) + 1.0
    q_w, s_w = q_counts * isf, s_counts * isf
    out = {}
    for kq, ks in SHAPES:
        a, b = window_sums(q_w, kq), window_sums(s_w, ks)
        if a is None or b is None:
            out[(kq, ks)] = 0.0
            continue
        norms = np.linalg.norm(a, axis=1)[:, None] * np.linalg.norm(b, axis=1)[None, :]
        out[(kq, ks)] = float(((a @ b.T) / np.maximum(norms, 1e-9)).max())
    return out


def _unit(m: Matrix) -> Matrix:
    out: Matrix = m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-9)
    return out


def best_embedded_windows(query: Matrix, source: Matrix) -> dict[tuple[int, int], float]:
    """Best cosine between means of ``kq`` and ``ks`` consecutive sentence embeddings."""
    out = {}
    for kq, ks in ((1, 1), *SHAPES):
        a, b = window_sums(query, kq), window_sums(source, ks)
        if a is None or b is None or not len(a) or not len(b):
            out[(kq, ks)] = 0.0
        else:
            out[(kq, ks)] = float((_unit(a) @ _unit(b).T).max())
    return out


def semantic_main(corpus: Path) -> None:
    from wiretrace.semantic import load_encoder

    encoder = load_encoder()
    cache: dict[Path, Matrix] = {}

    def embedded(path: Path) -> Matrix:
        if path not in cache:
            text = read_text(path)
            spans = align_view(text).sentences.spans[:150]
            cache[path] = encoder.encode([text[s.start : s.end] for s in spans])
        return cache[path]

    best = {}
    for category in (CATEGORIES[0], CATEGORIES[2]):
        rows = []
        for line in (corpus / category / "pairs").read_text().splitlines():
            if line.strip():
                susp, src = line.split()
                q, s = embedded(corpus / "susp" / susp), embedded(corpus / "src" / src)
                rows.append(best_embedded_windows(q, s))
        best[category] = rows
    print("embedded windows (suspicious x source sentences): share of 05 pairs above 01")
    for shape in best[CATEGORIES[0]][0]:
        negatives = np.array([r[shape] for r in best[CATEGORIES[0]]])
        for label, level in (("max", negatives.max()), ("99%", np.quantile(negatives, 0.99))):
            share = np.mean([r[shape] > level for r in best[CATEGORIES[2]]])
            print(f"{shape[0]} x {shape[1]}  01 {label} {level:.3f}   05 {share:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--semantic", action="store_true")
    args = parser.parse_args()
    corpus: Path = args.corpus
    if args.semantic:
        semantic_main(corpus)
        return
    views: dict[Path, SentenceView] = {}

    def view(path: Path) -> SentenceView:
        if path not in views:
            views[path] = align_view(read_text(path)).sentences
        return views[path]

    best: dict[str, list[dict[tuple[int, int], float]]] = {}
    for category in CATEGORIES:
        rows = []
        for line in (corpus / category / "pairs").read_text().splitlines():
            if line.strip():
                susp, src = line.split()
                rows.append(best_windows(view(corpus / "susp" / susp), view(corpus / "src" / src)))
        best[category] = rows
    print("window shape (suspicious x source sentences): share of pairs above the 01 level")
    for shape in SHAPES:
        negatives = np.array([r[shape] for r in best["01-no-plagiarism"]])
        for label, level in (("max", negatives.max()), ("99%", np.quantile(negatives, 0.99))):
            shares = [np.mean([r[shape] > level for r in best[c]]) for c in CATEGORIES[1:]]
            print(
                f"{shape[0]} x {shape[1]}  01 {label} {level:.3f}   "
                f"03 {shares[0]:.3f}   05 {shares[1]:.3f}"
            )


if __name__ == "__main__":
    main()
