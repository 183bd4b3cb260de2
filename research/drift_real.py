"""Fact drift on real rewrites: how many fact changes the typing claims, and a sample to read.

Two sets of real human rewrites, from ``../shared/data``:

- **Wikinews**: the bundled Wikinews articles (``data/demo/wikinews.jsonl``) traced against an
  index of the articles they cite (``wiretrace.eval.sources``' pool, cited sources only), the
  way ``wiretrace trace`` would; only passages from an article's own cited sources count.
- **MRPC**: the sentence pairs labelled as paraphrases (label 1, train and test), each pair
  aligned and typed by :func:`wiretrace.drift.compare` (sentence 1 as the source).

For each set it prints the aligned words (the query side of the passages), the fact edits
claimed (``number``, ``date``, ``entity``, ``quote``, ``attribution``, ``negation``) by type,
and the claims per 1,000 aligned words; then a seeded sample of the claims, with context, to be
read by hand (the verdicts go in BENCHMARKS.md).

Usage::

    PYTHONPATH=src:. python research/drift_real.py [--shared ../shared/data] [--sample 50]
"""

from __future__ import annotations

import argparse
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from wiretrace import Document, MemoryIndex, trace
from wiretrace.drift import compare
from wiretrace.drift.signal import FACT_TYPES
from wiretrace.eval.sources import load_sources_data
from wiretrace.model import Edit

REPO = Path(__file__).resolve().parents[1]
WORD = re.compile(r"\w+")
CONTEXT = 60


@dataclass(frozen=True)
class Claim:
    where: str
    edit: Edit
    source_text: str
    query_text: str

    def shown(self) -> str:
        def around(text: str, span: tuple[int, int]) -> str:
            a, b = span
            left = text[max(0, a - CONTEXT) : a].replace("\n", " ")
            right = text[b : b + CONTEXT].replace("\n", " ")
            return f"...{left}[[{text[a:b]}]]{right}..."

        e = self.edit
        s, q = e.source_span, e.query_span
        src = around(self.source_text, (s.start, s.end)) if s else ""
        qry = around(self.query_text, (q.start, q.end)) if q else ""
        return (
            f"{self.where} | {e.type.value}: {e.source!r} -> {e.query!r}\n"
            f"    source: {src}\n    copy:   {qry}"
        )


def _words(text: str) -> int:
    return len(WORD.findall(text))


def wikinews(shared: Path) -> tuple[int, list[Claim]]:
    data = load_sources_data(shared)
    cited = {doc_id for _, relevant in data.queries for doc_id in relevant}
    index = MemoryIndex()
    index.add(d for d in data.pool if d.id in cited)
    by_id = {d.id: d for d in data.pool}
    aligned = 0
    claims: list[Claim] = []
    for query, relevant in data.queries:
        # The articles cite sources of their own time; the query's date is left out so that
        # no source is set aside as later.
        undated = Document(query.id, query.text, title=query.title)
        result = trace(index, undated)
        for p in result.passages:
            if p.source_id not in relevant:
                continue
            aligned += _words(query.text[p.query.start : p.query.end])
            source = by_id[p.source_id]
            text = source.title or "" if p.source_field == "title" else source.text
            claims += [
                Claim(f"wikinews {query.id} <- {p.source_id}", e, text, query.text)
                for e in p.edits
                if e.type in FACT_TYPES
            ]
    return aligned, claims


def mrpc(shared: Path) -> tuple[int, list[Claim]]:
    aligned = 0
    claims: list[Claim] = []
    for name in ("msr_paraphrase_train.txt", "msr_paraphrase_test.txt"):
        lines = (shared / "mrpc" / name).read_text(encoding="utf-8-sig").splitlines()[1:]
        for line in lines:
            label, id1, id2, s1, s2 = line.split("\t")
            if label != "1":
                continue
            edits = compare(s1, s2)
            aligned += _words(s2)
            claims += [Claim(f"mrpc {id1}/{id2}", e, s1, s2) for e in edits if e.type in FACT_TYPES]
    return aligned, claims


def report(name: str, aligned: int, claims: list[Claim]) -> None:
    by_type = Counter(c.edit.type.value for c in claims)
    rate = 1000 * len(claims) / aligned if aligned else 0.0
    print(
        f"{name}: {aligned:,} aligned words, {len(claims)} fact claims ({rate:.2f} per 1,000 words)"
    )
    print("  by type: " + ", ".join(f"{k} {v}" for k, v in sorted(by_type.items())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261204)
    args = parser.parse_args()
    w_words, w_claims = wikinews(args.shared)
    m_words, m_claims = mrpc(args.shared)
    report("Wikinews articles against their cited sources", w_words, w_claims)
    report("MRPC paraphrase pairs", m_words, m_claims)
    rng = random.Random(args.seed)
    half = args.sample // 2
    sample = rng.sample(w_claims, min(half, len(w_claims)))
    sample += rng.sample(m_claims, min(args.sample - len(sample), len(m_claims)))
    print(f"\nSample of {len(sample)} claims (seed {args.seed}):")
    for i, claim in enumerate(sample, 1):
        print(f"{i:2d}. {claim.shown()}")


if __name__ == "__main__":
    main()
