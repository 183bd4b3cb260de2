"""Choose the logistic MRPC matcher's features by 5-fold cross-validation on the train split.

Run ``python research/mrpc_feature_search.py ../shared/data/mrpc [--semantic]``. Only the train
split is read: every figure printed is a cross-validated train accuracy (see
:func:`research.mrpc.fit.cross_validate`). The chosen set and its figures are recorded in
the module docstring of :mod:`research.mrpc.fit`. With ``--semantic`` it also scores the
embedding cosine alone and as one more feature (encoding the train sentences takes minutes).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root

from research.mrpc.experiment import embedding_cosines
from research.mrpc.features import FEATURE_GROUPS, lexical_matrix
from research.mrpc.fit import LOGISTIC_FEATURES, cross_validate
from wiretrace.eval.mrpc import TRAIN_FILE, read_mrpc
from wiretrace.semantic import SentenceEncoder


def main(data_dir: Path, encoder: SentenceEncoder | None = None) -> None:
    train = read_mrpc(data_dir / TRAIN_FILE)
    y = np.array([p.label for p in train], dtype=np.int64)
    names, x = lexical_matrix(train, train)

    def columns(features: tuple[str, ...] | list[str]) -> list[int]:
        return [names.index(f) for f in features]

    def cv(groups: list[str], l2: float = 1.0) -> float:
        return cross_validate(
            x[:, columns([f for g in groups for f in FEATURE_GROUPS[g]])], y, l2=l2
        )

    def show(label: str, value: float) -> None:
        print(f"{label:<72} {value:>7.4f}")

    print(f"{'feature groups (5-fold CV on train)':<72} {'CV acc':>7}")
    base = ["base"]
    show("base", cv(base))
    for g in FEATURE_GROUPS:
        if g != "base":
            show(f"base + {g}", cv([*base, g]))
    everything = list(FEATURE_GROUPS)
    show("all", cv(everything))
    for g in everything[1:]:
        show(f"all - {g}", cv([h for h in everything if h != g]))
    # Greedy forward selection over groups, from the base five; stop when nothing adds.
    chosen, best = list(base), cv(base)
    while True:
        trials = {g: cv([*chosen, g]) for g in everything if g not in chosen}
        if not trials:
            break
        g, score = max(trials.items(), key=lambda kv: kv[1])
        if score <= best:
            break
        chosen, best = [*chosen, g], score
        show("forward: + " + g, best)
    print("forward selection chose: " + ", ".join(chosen))
    # Greedy backward elimination from all groups; stop when every removal costs accuracy.
    kept, kept_best = list(everything), cv(everything)
    while len(kept) > 1:
        trials = {g: cv([h for h in kept if h != g]) for g in kept if g != "base"}
        g, score = max(trials.items(), key=lambda kv: kv[1])
        if score < kept_best:
            break
        kept, kept_best = [h for h in kept if h != g], score
        show("backward: - " + g, kept_best)
    print("backward elimination kept: " + ", ".join(kept))
    # The better end wins; on a tie, the one with fewer features.
    if (kept_best, -len(kept)) > (best, -len(chosen)):
        chosen, best = kept, kept_best
    print("chosen: " + ", ".join(chosen))
    for l2 in (0.01, 0.1, 1.0, 10.0, 100.0):
        show(f"chosen set, l2 = {l2:g}", cv(chosen, l2))
    if encoder is not None:
        (cosines,) = embedding_cosines(encoder, train)
        lexical = x[:, columns(LOGISTIC_FEATURES)]
        show("embedding cosine alone", cross_validate(cosines[:, None], y))
        show(
            "LOGISTIC_FEATURES + embedding cosine",
            cross_validate(np.column_stack([lexical, cosines]), y),
        )


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--semantic"]
    encoder = None
    if "--semantic" in sys.argv[1:]:
        from wiretrace.semantic import load_encoder

        encoder = load_encoder()
    main(Path(args[0] if args else "../shared/data/mrpc"), encoder)
