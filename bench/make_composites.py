"""Generate content-farm composite articles, with their truth, from the Wikinews demo texts.

A thin command line over :mod:`research.composites.wikinews` (the generator), which writes the
composites and their truth files.

A composite imitates the page that started wiretrace (``specimens/seed-kim-putin-summit.txt``):
a made-up headline and byline, then sentences and short paragraphs lifted from 2-4 Wikinews
articles on a shared topic, shuffled, lightly spun, and followed by web page boilerplate.

The spinning, all recorded in the truth file:

- **rename**: one entity (a country or organisation whose short name occurs at least three
  times) is replaced by its formal name in every mention but one, as a rewriting rule that
  missed a case would (``Russia -> Russian Federation``);
- **synonym**: a few words swapped from the small list in :data:`SYNONYMS`;
- **truncation**: one piece (never the first) loses the head of its first sentence, so it
  starts mid-sentence (the seed had ``-North Korea summit in Vietnam in February``).

Inputs and outputs, relative to the repository root::

    data/demo/wikinews.jsonl                  (input, written by scripts/wikinews_to_text.py)
    data/demo/composites/composite-NN.txt     one composite each, UTF-8, "\\n" line ends
    data/demo/composites/truth.jsonl          one object a composite, described below
    data/demo/composites/showcase.txt         a copy of the composite chosen for ``make demo``

Each truth object has ``id``, ``file``, ``length`` and ``showcase``; ``headline``, ``byline``
and ``boilerplate`` spans; ``sources`` (ids and titles); ``renames`` (``from``, ``to``,
``applied``, ``mentions``); and ``pieces``, one per inserted piece, in composite order::

    {"query_start", "query_end", "source_id", "source_start", "source_end",
     "kind": "verbatim" | "rewritten", "edits": [{"from", "to"}, ...],
     "transformations": [
        {"type": "rename" | "synonym", "from", "to",
         "query_start", "query_end", "source_start", "source_end"},
        {"type": "truncation", "removed", "source_start", "source_end"}]}

All offsets are Python string indices: into the composite text as written and into the
source ``text`` as written in ``wikinews.jsonl``. The source span of a truncated piece starts
where its kept text starts; the truncation records the removed span. Without rename or synonym
edits, ``composite[query_start:query_end] == source_text[source_start:source_end]``; the script
asserts this, and that applying the recorded edits to the source span gives the query span.

The output depends only on the input file and ``--seed``; the same inputs give the same bytes.

    .venv/bin/python bench/make_composites.py [--seed 20190423] [--count 6]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from research.composites.wikinews import (  # noqa: E402
    DEFAULT_COUNT,
    DEFAULT_SEED,
    generate,
    load_articles,
    verify,
)

__all__ = ["main", "verify"]

DEFAULT_INPUT = REPO_ROOT / "data" / "demo" / "wikinews.jsonl"
DEFAULT_OUTPUT = REPO_ROOT / "data" / "demo" / "composites"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=DEFAULT_INPUT)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    args = parser.parse_args(argv)

    articles = load_articles(args.input)
    composites = generate(articles, count=args.count, seed=args.seed)
    if len(composites) < args.count:
        print(f"only {len(composites)} groups of related articles found", file=sys.stderr)
    showcase = next(c for c in composites if c.truth["showcase"])

    args.output.mkdir(parents=True, exist_ok=True)
    for old in args.output.glob("composite-*.txt"):
        old.unlink()
    lines = []
    for composite in composites:
        path = args.output / f"{composite.id}.txt"
        path.write_text(composite.text, encoding="utf-8", newline="\n")
        # What is on disk must be what the truth describes.
        assert path.read_text(encoding="utf-8") == composite.text
        lines.append(json.dumps(composite.truth, ensure_ascii=False) + "\n")
        shown = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
        print(
            f"{shown}: {len(composite.text)} chars, {len(composite.truth['pieces'])} pieces "
            f"from {len(composite.truth['sources'])} articles"
            f"{' (showcase)' if composite is showcase else ''}"
        )
    (args.output / "truth.jsonl").write_text("".join(lines), encoding="utf-8", newline="\n")
    shutil.copyfile(args.output / f"{showcase.id}.txt", args.output / "showcase.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
