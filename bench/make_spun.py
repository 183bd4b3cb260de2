"""Write a set of spun composites, with their truth, and the documents to index them against.

A thin command line over :mod:`research.composites.spinning`, whose docstring describes the
generator, its rules, the truth, and how duplicates in the BBC set are handled. The
source articles are the BBC News set in ``../shared/data/bbc-news/bbc_news.jsonl.gz``.

Outputs, in ``--out`` (default ``bench/.cache/spun/``, which git ignores)::

    documents.jsonl    the documents to index, one object a line: id, text, title, source
                       (every article a composite draws on, every article repeating one of
                       their inserted sentences, and --distractors other BBC articles)
    composites.jsonl   one composite a line: id, category, text, headline, boilerplate,
                       renames (from, to, applied, mentions) and sentences (query_start,
                       query_end, source_id, source_start, source_end, truncated_words,
                       changes [{type, from, to, query_start, query_end, source_start,
                       source_end}], also_in [{id, start, end}])

The same arguments give the same bytes. To score the set as well, run
``wiretrace eval spun`` (or :func:`wiretrace.eval.spun.run_spun`), which generates it in memory.

    .venv/bin/python bench/make_spun.py --count 200 --seed 20050314 --out bench/.cache/spun
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from research.composites.spinning import generate  # noqa: E402
from wiretrace.eval.spun_truth import (  # noqa: E402
    BBC_FILE,
    DEFAULT_COUNT,
    DEFAULT_DISTRACTORS,
    DEFAULT_SEED,
    load_bbc,
)

SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
DEFAULT_OUT = REPO_ROOT / "bench" / ".cache" / "spun"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT, help="composites to make")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument(
        "--distractors",
        type=int,
        default=DEFAULT_DISTRACTORS,
        help="other BBC articles to index; -1 for all of them",
    )
    parser.add_argument("--data", type=Path, default=SHARED_DATA, help="the shared data folder")
    args = parser.parse_args(argv)

    articles = load_bbc(args.data / BBC_FILE)
    spun = generate(
        articles,
        count=args.count,
        seed=args.seed,
        distractors=None if args.distractors < 0 else args.distractors,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "documents.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
        for doc in spun.documents:
            record = {"id": doc.id, "text": doc.text, "title": doc.title, "source": doc.source}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    with (args.out / "composites.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
        for composite in spun.composites:
            fh.write(json.dumps(composite.to_dict(), ensure_ascii=False) + "\n")

    sentences = [s for c in spun.composites for s in c.sentences]
    kinds = Counter(t for s in sentences for t in s.transformations())
    renames = sum(len(s.renames) for s in sentences)
    print(
        f"{args.out}: {len(spun.composites)} composites, {len(sentences)} sentences "
        f"({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}), {renames} renames; "
        f"{len(spun.documents)} documents ({spun.distractors} distractors)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
