"""How many aligner views corpus mode builds, for the order its workers take the candidate pairs.

Reads the ``candidates`` stage of a finished ``wiretrace corpus reuse --engine local`` run and
replays the documents each worker's aligner asks for through a view cache of the engine's size
(``LocalOptions.cache_size``, least recently used out first). A view is built for every ask
that misses. Three orders are replayed:

- **chunks in turn**: chunks of ``chunk_pairs`` pairs handed to the workers one after the other
  (the engine before lanes);
- **lanes**: one lane of consecutive chunks per worker, a view dropped after the last pair of
  its lane that needs it (the engine now, ``wiretrace.corpus.local``);
- **best possible** for one worker with the same cache: the view that is needed again latest is
  the one dropped (Belady's rule), a bound no order-keeping cache can beat.

Building a view (tokens, hashes, sentences, page chrome, values) is most of the cost of a pair
that is not aligned before, so fewer builds is less CPU time.

Usage::

    python bench/bench_view_cache.py OUT [--workers 2] [--cache 2048]

where ``OUT`` is the output folder of a local-engine run (its ``_stages`` folder is read).
"""

from __future__ import annotations

import argparse
import heapq
import sys
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyarrow.parquet as pq

Pair = tuple[int, int]


def candidate_pairs(out: Path) -> list[Pair]:
    """The candidate pairs of a run, in the order the engine aligns them."""
    pairs: list[Pair] = []
    for f in sorted((out / "_stages" / "candidates").glob("*.parquet")):
        t = pq.read_table(f, columns=["a", "b"])
        pairs += zip(t.column("a").to_pylist(), t.column("b").to_pylist(), strict=True)
    return pairs


class ViewCache:
    """Counts the views a least-recently-used cache of ``size`` builds."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.views: OrderedDict[int, None] = OrderedDict()
        self.built = 0

    def ask(self, doc: int) -> None:
        if doc in self.views:
            self.views.move_to_end(doc)
            return
        self.built += 1
        self.views[doc] = None
        if len(self.views) > self.size:
            self.views.popitem(last=False)


def chunks_in_turn(pairs: Sequence[Pair], workers: int, chunk: int, size: int) -> int:
    caches = [ViewCache(size) for _ in range(workers)]
    for n, start in enumerate(range(0, len(pairs), chunk)):
        cache = caches[n % workers]
        for a, b in pairs[start : start + chunk]:
            cache.ask(a)
            cache.ask(b)
    return sum(c.built for c in caches)


def lanes(pairs: Sequence[Pair], workers: int, size: int) -> int:
    """Equal lanes by pairs (the engine balances them by characters of text, close to this)."""
    built = 0
    for w in range(workers):
        lane = pairs[len(pairs) * w // workers : len(pairs) * (w + 1) // workers]
        uses = Counter(d for p in lane for d in p)
        cache = ViewCache(size)
        for a, b in lane:
            for doc in (a, b):
                cache.ask(doc)
                uses[doc] -= 1
                if uses[doc] == 0:
                    cache.views.pop(doc, None)
        built += cache.built
    return built


def best_possible(asks: Iterable[int], size: int) -> int:
    seq = list(asks)
    end = len(seq)
    following = [0] * end
    seen: dict[int, int] = {}
    for i in range(end - 1, -1, -1):
        following[i] = seen.get(seq[i], end + i)
        seen[seq[i]] = i
    held: dict[int, int] = {}
    heap: list[tuple[int, int]] = []
    built = 0
    for i, doc in enumerate(seq):
        if doc not in held:
            built += 1
            if len(held) >= size:
                while True:
                    when, victim = heapq.heappop(heap)
                    if held.get(victim) == -when:
                        del held[victim]
                        break
        held[doc] = following[i]
        heapq.heappush(heap, (-following[i], doc))
    return built


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache", type=int, default=2048)
    parser.add_argument("--chunk-pairs", type=int, default=1000)
    args = parser.parse_args(argv)
    pairs = candidate_pairs(args.out)
    docs = len({d for p in pairs for d in p})
    print(f"{args.out}: {len(pairs):,} candidate pairs over {docs:,} documents")
    print(f"views built with a cache of {args.cache:,} per worker, {args.workers} workers:")
    print(
        f"  chunks in turn: {chunks_in_turn(pairs, args.workers, args.chunk_pairs, args.cache):,}"
    )
    print(f"  lanes:          {lanes(pairs, args.workers, args.cache):,}")
    flat = (d for p in pairs for d in p)
    print(f"  best possible (one worker): {best_possible(flat, args.cache):,}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
