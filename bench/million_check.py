"""Checks of a corpus from ``bench/corpus_million.py``: its truth holds, and its texts share no
long run of words outside recorded reuse.

``python bench/million_check.py --docs 100000 [--sample 4000]`` checks built files and prints
the figures; ``tests/test_corpus_million.py`` runs the same functions on a small corpus.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import DEFAULT_SEED
from corpus_million import DEFAULT_QUERIES, files_for

from wiretrace.text.words import WORD

RUN_WORDS = 8


@dataclass(frozen=True, slots=True)
class TruthCheck:
    """What the truth check found: passages checked, problems, and the share of source words
    changed in the copy by operation (mean over passages)."""

    passages: int
    problems: tuple[str, ...]
    changed: dict[str, float]


def read_jsonl(path: Path, ids: set[str] | None = None) -> Iterator[dict[str, Any]]:
    """The records of a JSONL file (only those whose id is in ``ids`` when it is given)."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            if ids is not None and line[8:20].split('"', 1)[0] not in ids:
                continue  # (the id is the first field: '{"id": "m/0000001", ...')
            yield json.loads(line)


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def changed_share(source: str, copy: str) -> float:
    """The share of the source passage's words that are not in the copy passage (as a bag)."""
    want = Counter(words(source))
    have = Counter(words(copy))
    total = sum(want.values())
    return sum((want - have).values()) / total if total else 0.0


def check_truth(texts: dict[str, str], truth: Iterable[dict[str, Any]]) -> TruthCheck:
    """Every recorded passage lies in both texts; a verbatim one is equal on both sides, a spun
    or partial one of 8 words or more keeps 30% or more of the source's words."""
    problems: list[str] = []
    changed: dict[str, list[float]] = {}
    count = 0
    for t in truth:
        copy = texts[t["id"]]
        for p in t["passages"]:
            count += 1
            source = texts[p["source"]]
            (a, b), (c, d) = p["source_span"], p["copy_span"]
            if not (0 <= a < b <= len(source) and 0 <= c < d <= len(copy)):
                problems.append(f"{t['id']}: span out of range {p}")
                continue
            share = changed_share(source[a:b], copy[c:d])
            changed.setdefault(p["op"], []).append(share)
            if p["op"] == "verbatim" and source[a:b] != copy[c:d]:
                problems.append(f"{t['id']}: verbatim passage differs from {p['source']}")
            elif share > 0.7 and len(words(source[a:b])) >= 8:
                problems.append(f"{t['id']}: {p['op']} passage shares too little of the source")
    means = {op: round(sum(v) / len(v), 3) for op, v in sorted(changed.items())}
    return TruthCheck(count, tuple(problems), means)


def related_pairs(truth: Iterable[dict[str, Any]]) -> set[frozenset[str]]:
    """Pairs of articles that recorded reuse links: a copy and its source, two copies of one
    source."""
    pairs: set[frozenset[str]] = set()
    by_source: dict[str, list[str]] = {}
    for t in truth:
        for s in t["sources"]:
            pairs.add(frozenset((t["id"], s)))
            by_source.setdefault(s, []).append(t["id"])
    for copies in by_source.values():
        pairs.update(frozenset((a, b)) for a in copies for b in copies if a < b)
    return pairs


def accidental_runs(
    records: Iterable[dict[str, Any]], related: set[frozenset[str]], n: int = RUN_WORDS
) -> list[tuple[str, str, str]]:
    """Pairs of articles that share a run of ``n`` words (title or text) with no recorded
    reuse between them, with one such run each."""
    first: dict[tuple[str, ...], str] = {}
    found: dict[frozenset[str], tuple[str, str, str]] = {}
    for r in records:
        tokens = words(f"{r['title']}\n{r['text']}")
        for k in range(len(tokens) - n + 1):
            gram = tuple(tokens[k : k + n])
            other = first.setdefault(gram, r["id"])
            pair = frozenset((other, r["id"]))
            if other != r["id"] and pair not in related and pair not in found:
                found[pair] = (other, r["id"], " ".join(gram))
    return sorted(found.values())


def sample_ids(n_docs: int, size: int, seed: int) -> set[str]:
    rng = random.Random(f"{seed}/check")
    return {f"m/{i:07d}" for i in rng.sample(range(n_docs), min(size, n_docs))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, required=True)
    parser.add_argument("--queries", type=int, default=DEFAULT_QUERIES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--sample", type=int, default=4000, help="articles in the run check")
    args = parser.parse_args()
    files = files_for(args.docs, args.queries, args.seed)
    truth = list(read_jsonl(files.truth))
    needed = {t["id"] for t in truth} | {s for t in truth for s in t["sources"]}
    texts = {r["id"]: r["text"] for r in read_jsonl(files.corpus, needed)}
    result = check_truth(texts, truth)
    print(
        f"truth: {len(truth):,} reuse articles, {result.passages:,} passages, "
        f"{len(result.problems)} problems; words changed by op {result.changed}"
    )
    for problem in result.problems[:10]:
        print("  ", problem)
    ids = sample_ids(args.docs, args.sample, args.seed)
    runs = accidental_runs(read_jsonl(files.corpus, ids), related_pairs(truth))
    print(
        f"runs: {len(ids):,} sampled articles ({len(ids) * (len(ids) - 1) // 2:,} pairs), "
        f"{len(runs)} pairs share {RUN_WORDS} words outside recorded reuse"
    )
    for run in runs[:10]:
        print("  ", run)


if __name__ == "__main__":
    main()
