"""The aligners' work grows linearly with the query, with a hard cap per candidate (issue 12).

Work is counted, not timed: postings and term look-ups of the sentence aligner
(:attr:`~wiretrace.align.sentences.PairCells.work`), its scored sentence pairs, and the peak of
memory allocated while one candidate is aligned (``tracemalloc``, which numpy reports to).
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import tracemalloc
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.align.pair import AlignView, align_pair, align_view
from wiretrace.align.sentence_kernel import Pair, PairCells, pair_cells
from wiretrace.align.sentences import SentenceOptions, SentenceView
from wiretrace.align.sentences_dense import align_sentences_reference
from wiretrace.model import Span
from wiretrace.semantic import covered_chars
from wiretrace.signals.boilerplate import BOILERPLATE_PATTERNS, _match_normalised

COMMON = [f"common{c}" for c in "abcdefghijklmnopqrstuvwxyz"]


def _word(k: int) -> str:
    """A made-up word for ``k``, letters only (``zqab``): the text's vocabulary grows with it."""
    letters = ""
    while True:
        k, r = divmod(k, 26)
        letters += chr(97 + r)
        if k == 0:
            return "zq" + letters


def _sentences(first: int, count: int, seed: int) -> list[str]:
    """``count`` sentences: five words shared by the whole text and three of their own."""
    rng = random.Random(seed)
    out = []
    for i in range(first, first + count):
        words = [*rng.sample(COMMON, 5), _word(3 * i), _word(3 * i + 1), _word(3 * i + 2)]
        rng.shuffle(words)
        out.append(" ".join(words).capitalize() + ".")
    return out


def _query(count: int) -> AlignView:
    return align_view(" ".join(_sentences(0, count, seed=count)))


SOURCE = align_view(" ".join(_sentences(0, 20, seed=400) + _sentences(10_000, 20, seed=1)))


def _cells(query: SentenceView, source: SentenceView, opts: SentenceOptions) -> PairCells:
    return pair_cells(Pair(query.index, source.index), opts)


def test_sentence_work_grows_at_most_linearly_with_the_query() -> None:
    opts = SentenceOptions()
    small = _cells(_query(400).sentences, SOURCE.sentences, opts)
    large = _cells(_query(800).sentences, SOURCE.sentences, opts)
    assert small.work > 0 and len(small.rows) > 0
    assert large.work <= 2.2 * small.work, (small.work, large.work)
    assert len(large.rows) <= 2.2 * len(small.rows)


def _hard_cap(source: SentenceView, opts: SentenceOptions) -> int:
    """At most ``max_postings`` postings per source term, and ``max_pairs_per_sentence``
    query sentences scored per source sentence, each over the source sentence's terms."""
    return len(source.index.hashes) * (opts.max_postings + opts.max_pairs_per_sentence)


def test_sentence_work_per_candidate_has_a_hard_cap_whatever_the_query() -> None:
    # Every query sentence shares terms with every source sentence: without the bounds the
    # work would grow with the query's length times the source's.
    query = align_view(" ".join(_sentences(0, 5, seed=400) * 600)).sentences
    opts = SentenceOptions(max_postings=50, max_pairs_per_sentence=20)
    cells = _cells(query, SOURCE.sentences, opts)
    assert cells.work <= _hard_cap(SOURCE.sentences, opts)
    assert len(cells.rows) <= SOURCE.sentences.index.sentences * opts.max_pairs_per_sentence
    # The cap binds here: with bounds out of reach, the same pair costs far more.
    loose = SentenceOptions(max_postings=10**9, max_pairs_per_sentence=10**9)
    assert _cells(query, SOURCE.sentences, loose).work > 5 * _hard_cap(SOURCE.sentences, opts)


def test_sentence_cap_keeps_the_copied_sentences() -> None:
    """A source sentence keeps its best query sentences: the copies of it among thousands of
    query sentences that share its common words."""
    copied = _sentences(0, 20, seed=400)
    noise = _sentences(50_000, 3000, seed=7)
    query = align_view(" ".join(noise[:1500] + copied + noise[1500:]))
    found = align_pair(query, SOURCE)
    start = query.words.original.index(copied[0])
    assert any(a.query.start <= start < a.query.end for a in found)


def _peak(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_of_one_candidate_grows_at_most_linearly_with_the_query() -> None:
    small, large = _query(2000), _query(4000)
    # Warm the caches made once per text (stems, sorted n-grams): no part of one candidate's work.
    align_pair(small, SOURCE)
    align_pair(large, SOURCE)
    peak_small = _peak(lambda: align_pair(small, SOURCE))
    peak_large = _peak(lambda: align_pair(large, SOURCE))
    assert peak_large <= 2.2 * peak_small, (peak_small, peak_large)
    # The measure can fail: the dense reference's sentences x vocabulary arrays grow with the
    # square of the query (smaller queries here: at 4,000 sentences it takes 1.2 GB).
    small, large = _query(500), _query(1000)
    align_sentences_reference(small.sentences, SOURCE.sentences)
    dense_small = _peak(lambda: align_sentences_reference(small.sentences, SOURCE.sentences))
    dense_large = _peak(lambda: align_sentences_reference(large.sentences, SOURCE.sentences))
    assert dense_large > 3 * dense_small


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(1, 30), max_size=20),
    st.lists(st.tuples(st.integers(0, 300), st.integers(0, 60)), max_size=20),
)
def test_covered_chars_sweep_matches_overlap_per_span(
    lengths: list[int], covered: list[tuple[int, int]]
) -> None:
    spans, at = [], 0
    for n in lengths:
        spans.append(Span(at, at + n))
        at += n + 1
    others = [Span(a, a + n) for a, n in covered]
    assert covered_chars(spans, others) == [s.overlap(others) for s in spans]


def test_covered_chars_work_is_linear() -> None:
    """Thousands of sentences and passages: one sweep, where a check per pair would take
    millions of steps (counted through the spans each sentence compares with)."""
    spans = [Span(10 * i, 10 * i + 8) for i in range(5000)]
    covered = [Span(20 * i, 20 * i + 5) for i in range(2500)]
    compared: list[int] = []

    class Counting(Span):
        def overlap(self, others: Iterable[Span]) -> int:
            others = list(others)
            compared.append(len(others))
            return Span(self.start, self.end).overlap(others)

    got = covered_chars([Counting(s.start, s.end) for s in spans], covered)
    assert got == [s.overlap(covered) for s in spans]
    assert sum(compared) <= 2 * (len(spans) + len(covered))


def _match_one_by_one(norm: str) -> str | None:
    """The boilerplate rule as written: each pattern in order, within its length limit."""
    for kind, rx, limit in BOILERPLATE_PATTERNS:
        if norm and len(norm) <= limit and re.fullmatch(rx, norm):
            return kind
    return None


CHROME_BITS = [
    "share", "this", "article", "on", "facebook", "twitter", "click here", "read more",
    "subscribe", "to our newsletter", "posted", "by", "12", "2019", "/", "|", "tags", ":",
    "advertisement", "cookies", "we use", "copyright", "©", "all rights reserved", "the", "x",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(CHROME_BITS), max_size=12), st.integers(0, 300))
def test_boilerplate_alternation_matches_the_patterns_one_by_one(bits: list[str], pad: int) -> None:
    for norm in (" ".join(bits), " ".join(bits) + " " + "a" * pad):
        assert _match_normalised(norm) == _match_one_by_one(norm)


def test_boilerplate_alternation_is_not_vacuous() -> None:
    kinds = {_match_normalised(n) for n in ("share this article", "advertisement", "tags: news")}
    assert None not in kinds and len(kinds) >= 2


# Through the real CLI ---------------------------------------------------------------------------

# Runs ``wiretrace trace`` (the click command, in a fresh interpreter) with the sentence
# aligner's pair scorer wrapped to record each candidate's work and source entries.
_COUNTING_CLI = """
import json, sys
import wiretrace.align.sentences as s
from wiretrace.cli import main
calls = []
scorer = s.pair_cells
def counted(pair, opts):
    cells = scorer(pair, opts)
    calls.append([cells.work, len(pair.source.hashes), len(cells.rows), pair.source.sentences])
    return cells
s.pair_cells = counted
try:
    main(sys.argv[2:], standalone_mode=False)
finally:
    with open(sys.argv[1], "w") as f:
        json.dump(calls, f)
"""


def _cli_trace(db: Path, query: str, tmp: Path) -> tuple[dict[str, Any], list[list[int]]]:
    qfile, counts = tmp / f"q{len(query)}.txt", tmp / f"work{len(query)}.json"
    qfile.write_text(query)
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            _COUNTING_CLI,
            str(counts),
            "trace",
            "--db",
            str(db),
            str(qfile),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return json.loads(proc.stdout), json.loads(counts.read_text())


def test_cli_trace_of_a_long_article_does_bounded_work_per_candidate(tmp_path: Path) -> None:
    docs = [" ".join(_sentences(100 * d, 40, seed=d)) for d in range(30)]
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text(
        "".join(json.dumps({"id": f"d{d}", "text": t}) + "\n" for d, t in enumerate(docs))
    )
    db = tmp_path / "long.db"
    subprocess.run(
        [sys.executable, "-m", "wiretrace.cli", "index", "--db", str(db), str(corpus), "--quiet"],
        check=True,
        capture_output=True,
        timeout=600,
    )

    def query(noise: int) -> str:
        # Filler sentences made of the indexed documents' own words: every candidate's terms
        # recur in the query, more often the longer it is.
        rng = random.Random(noise)
        vocab = [
            _word(3 * i + k)
            for d in range(30)
            for i in range(100 * d, 100 * d + 40)
            for k in (0, 1, 2)
        ]
        filler = [" ".join(rng.sample(vocab, 6)).capitalize() + "." for _ in range(noise)]
        return " ".join([*filler[: noise // 2], docs[3], docs[17], *filler[noise // 2 :]])

    small, small_work = _cli_trace(db, query(3000), tmp_path)
    large, large_work = _cli_trace(db, query(6000), tmp_path)
    opts = SentenceOptions()
    for work, entries, pairs, sentences in small_work + large_work:
        assert work <= entries * (opts.max_postings + opts.max_pairs_per_sentence)
        assert pairs <= sentences * opts.max_pairs_per_sentence
    total_small = sum(w for w, *_ in small_work)
    total_large = sum(w for w, *_ in large_work)
    assert 0 < total_large <= 2.2 * total_small, (total_small, total_large)
    for report in (small, large):
        assert {"d3", "d17"} <= {s["id"] for s in report["sources"]}
