"""Corpora of 10k to 100k+ documents for the corpus-mode benchmark, built from the shared data.

How a corpus of N documents is made
-----------------------------------
The shared data holds 5,646 real articles. ``bench/corpus.py`` tops them up with synthetic
content-farm composites; above 10,000 documents every extra document is another farm copy of
the same 5,646 sources, so the number of true reuse pairs grows with the square of N and no
all-pairs method could be sub-quadratic on it. Real news does not work that way: more
articles bring more stories.

So a corpus of N documents here is ``ceil(N / 10,000)`` disjoint *replicas* ("universes") of
the 10,000-document corpus of ``bench/corpus.py`` (seed 20240613), truncated to N documents:

- universe 0 is that corpus unchanged;
- in universe ``u >= 1`` every document id gets the prefix ``u<u>/`` and every word of every
  text and title gets a suffix made of letters that encode ``u`` (``Russia`` ->
  ``Russiazqb``), so two universes share no word and no fingerprint, while each keeps the
  reuse structure of the original (the same passages copied, spun and shuffled between the
  same documents), its dates and its outlets.

Reuse pairs therefore grow linearly with N, as in a corpus that covers more stories; an
engine that compared all pairs would still grow quadratically, which is what the benchmark
checks. Files go to ``bench/.cache/corpus-big-<N>-s<seed>-v<version>.jsonl``.

Run ``python bench/corpus_big.py --docs 100000`` to build (or find) the file.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import CACHE_DIR, DEFAULT_SEED, ensure_corpus

BIG_VERSION = "1"
UNIVERSE_DOCS = 10_000
_WORD = re.compile(r"[^\W\d_]+")


def universe_suffix(u: int) -> str:
    """Letters that encode ``u`` (``zq`` then base-26 digits), distinct for each ``u``."""
    digits = ""
    while True:
        digits = chr(ord("a") + u % 26) + digits
        u //= 26
        if u == 0:
            break
    return "zq" + digits


def relabel(text: str, suffix: str) -> str:
    return _WORD.sub(lambda m: m.group(0) + suffix, text)


def big_corpus_path(n_docs: int, seed: int = DEFAULT_SEED, cache: Path = CACHE_DIR) -> Path:
    return cache / f"corpus-big-{n_docs}-s{seed}-v{BIG_VERSION}.jsonl"


def ensure_big_corpus(n_docs: int, seed: int = DEFAULT_SEED, cache: Path = CACHE_DIR) -> Path:
    """Build the N-document replica corpus unless it is cached; return its path."""
    path = big_corpus_path(n_docs, seed, cache)
    if path.exists():
        return path
    base = ensure_corpus(UNIVERSE_DOCS, seed=seed, cache=cache).corpus
    records = [json.loads(line) for line in base.open(encoding="utf-8")]
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    written = 0
    with tmp.open("w", encoding="utf-8") as out:
        u = 0
        while written < n_docs:
            suffix = universe_suffix(u)
            for r in records:
                if written >= n_docs:
                    break
                if u:
                    r = {
                        **r,
                        "id": f"u{u}/{r['id']}",
                        "text": relabel(r["text"], suffix),
                        "title": relabel(r["title"], suffix) if r.get("title") else r.get("title"),
                    }
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
                written += 1
            u += 1
    tmp.replace(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, default=UNIVERSE_DOCS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    print(ensure_big_corpus(args.docs, args.seed))


if __name__ == "__main__":
    main()
