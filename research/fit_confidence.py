"""Fit the passage confidence model (wiretrace.confidence) on the real-news evaluation.

Research, not product: it reads the passages ``wiretrace eval news --dump-passages`` writes,
fits a logistic regression (scikit-learn, the ``[eval]`` extra) on the fit split, and reports on
the held-out split the expected calibration error, a reliability table, and the precision and
recall of attributed characters at each threshold, so the default ``--min-confidence`` is
chosen from the data. Print the weights to paste into ``wiretrace/confidence.py``::

    wiretrace eval news ../shared/data --no-spun --split fit --dump-passages fit.jsonl
    wiretrace eval news ../shared/data --no-spun --split held-out --dump-passages held.jsonl
    python research/fit_confidence.py fit.jsonl held.jsonl
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from wiretrace.confidence import FEATURES, confidence

CONFLICT_TYPES = {"number", "date", "entity"}


def row_features(row: dict[str, Any]) -> list[float]:
    """The features of :func:`wiretrace.confidence.features`, from a dumped passage."""
    chars = row["query_end"] - row["query_start"]
    return [
        float(row["kind"] == "verbatim"),
        float(row["kind"] == "near_verbatim"),
        float(row["kind"] == "rewritten"),
        float(row["score"]),
        math.log1p(chars) / 5,
        float(row["source_coverage"]),
        math.log1p(row["source_passages"]),
        float(row["source_field"] == "title"),
        float(bool(CONFLICT_TYPES & set(row["edit_types"]))),
    ]


def read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def ece(probs: np.ndarray, labels: np.ndarray, bins: int = 10) -> tuple[float, list[str]]:
    """Expected calibration error over equal-width bins, and a reliability table."""
    edges = np.linspace(0, 1, bins + 1)
    total, lines = 0.0, []
    for i in range(bins):
        inside = (probs >= edges[i]) & ((probs < edges[i + 1]) | (i == bins - 1))
        n = int(inside.sum())
        if n == 0:
            continue
        mean_p, mean_y = float(probs[inside].mean()), float(labels[inside].mean())
        total += n / len(probs) * abs(mean_p - mean_y)
        lines.append(f"| {edges[i]:.1f}-{edges[i + 1]:.1f} | {n} | {mean_p:.3f} | {mean_y:.3f} |")
    return total, lines


def reliability_plot(probs: np.ndarray, labels: np.ndarray, out: Path, bins: int = 10) -> None:
    """Mean confidence against the share right, per bin, with the bins' sizes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    edges = np.linspace(0, 1, bins + 1)
    xs, ys, ns = [], [], []
    for i in range(bins):
        inside = (probs >= edges[i]) & ((probs < edges[i + 1]) | (i == bins - 1))
        if inside.any():
            xs.append(float(probs[inside].mean()))
            ys.append(float(labels[inside].mean()))
            ns.append(int(inside.sum()))
    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=120)
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfect")
    ax.scatter(xs, ys, s=[20 + 3 * n**0.5 * 4 for n in ns], color="#1f5fa8", zorder=3)
    ax.plot(xs, ys, color="#1f5fa8", linewidth=1)
    for x, y, n in zip(xs, ys, ns, strict=True):
        ax.annotate(str(n), (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set_xlabel("mean confidence in bin")
    ax.set_ylabel("share of passages right")
    ax.set_title("Passage confidence, held-out half of eval news", fontsize=9)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fit", type=Path)
    parser.add_argument("held_out", type=Path)
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    parser.add_argument("--plot", type=Path, default=None, help="write a reliability plot (PNG)")
    args = parser.parse_args()
    fit, held = read(args.fit), read(args.held_out)
    x = np.array([row_features(r) for r in fit])
    y = np.array([r["label"] for r in fit])
    model = LogisticRegression(C=args.c, max_iter=1000).fit(x, y)
    weights = (float(model.intercept_[0]), *(float(w) for w in model.coef_[0]))
    print("WEIGHTS =", tuple(round(w, 4) for w in weights))
    print("features:", ", ".join(FEATURES))
    print(f"fit: {len(fit)} passages, {int(y.sum())} right")
    hx = [row_features(r) for r in held]
    hy = np.array([r["label"] for r in held])
    probs = np.array([confidence(f, weights) for f in hx])
    error, table = ece(probs, hy)
    print(f"held-out: {len(held)} passages, {int(hy.sum())} right; ECE {error:.4f}")
    if args.plot is not None:
        reliability_plot(probs, hy, args.plot)
    print("| confidence | passages | mean confidence | share right |")
    print("|---|---:|---:|---:|")
    print("\n".join(table))
    chars = np.array([r["length"] for r in held], dtype=float)
    right = np.array([r["label_share"] for r in held], dtype=float) * chars
    all_right = right.sum()
    print("| threshold | passages kept | char precision | share of right chars kept |")
    print("|---:|---:|---:|---:|")
    for t in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        keep = probs >= t
        kept = chars[keep].sum()
        precision = right[keep].sum() / kept if kept else 0.0
        recall = right[keep].sum() / all_right if all_right else 0.0
        print(f"| {t:.1f} | {int(keep.sum())} | {precision:.4f} | {recall:.4f} |")


if __name__ == "__main__":
    main()
