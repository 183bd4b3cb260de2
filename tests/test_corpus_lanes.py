"""The local engine's alignment lanes: chunks cut into one lane per worker, and views dropped
from the aligner's cache once no pair of the lane needs them."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_corpus_engines import build_corpus

from wiretrace.corpus import schema
from wiretrace.corpus.kernels import CorpusOptions, PairAligner
from wiretrace.corpus.local import LocalEngine, LocalOptions, _lanes
from wiretrace.corpus.pipeline import align_candidates, run_reuse

SOURCE = (
    "The central bank raised its main interest rate by half a point on Tuesday, the third "
    "rise this year, saying that prices were climbing faster than wages in every region."
)
OTHER = (
    "Heavy rain closed the coastal road for a second day, and the ferry to the islands ran "
    "only twice, officials said, while crews cleared fallen trees near the harbour."
)


def write_candidates(path: Path, pairs: list[tuple[int, int]]) -> Path:
    a, b = zip(*pairs, strict=True)
    table = pa.table({"a": list(a), "b": list(b), "shared": [3] * len(pairs)})
    pq.write_table(table.cast(schema.CANDIDATES), path)
    return path


@pytest.mark.parametrize("workers", [1, 2, 3, 5])
def test_lanes_cover_every_chunk_once_in_order_with_balanced_text(
    tmp_path: Path, workers: int
) -> None:
    rng = np.random.default_rng(7)
    lengths = pa.chunked_array([rng.integers(100, 20_000, size=60)])
    files = []
    for k, rows in enumerate((23, 1, 17)):
        pairs = sorted({(int(x), int(y)) for x, y in rng.integers(0, 60, size=(rows, 2)) if x < y})
        files.append(write_candidates(tmp_path / f"q{k:04d}.parquet", pairs or [(0, 1)]))
    lo = LocalOptions(workers=workers, chunk_pairs=4)
    lanes = _lanes(files, lengths, lo)

    assert 1 <= len(lanes) <= workers and all(lanes)
    chunks = list(itertools.chain.from_iterable(lanes))
    # Every row of every file once, in file then row order.
    expected = [(f, start) for f in files for start in range(0, pq.read_metadata(f).num_rows, 4)]
    assert [(f, start) for f, start, _ in chunks] == expected
    for f, start, size in chunks:
        assert size == min(4, pq.read_metadata(f).num_rows - start)

    length = lengths.to_numpy()

    def weight(chunk: tuple[Path, int, int]) -> int:
        cand = pq.read_table(chunk[0]).slice(chunk[1], chunk[2])
        return int(length[cand["a"].to_numpy()].sum() + length[cand["b"].to_numpy()].sum())

    per_lane = [sum(weight(c) for c in lane) for lane in lanes]
    heaviest_chunk = max(weight(c) for c in chunks)
    assert max(per_lane) <= sum(per_lane) / len(lanes) + heaviest_chunk


def test_no_candidates_give_no_lanes(tmp_path: Path) -> None:
    assert _lanes([], pa.chunked_array([[10, 20]]), LocalOptions(workers=2)) == []


def docs_table(texts: list[str]) -> pa.Table:
    return pa.table(
        {
            "idx": list(range(len(texts))),
            "id": [f"d{i}" for i in range(len(texts))],
            "text": texts,
            "title": [None] * len(texts),
            "url": [None] * len(texts),
            "source": ["X"] * len(texts),
            "published_at": [f"2020-01-0{i + 1}" for i in range(len(texts))],
            "length": [len(t) for t in texts],
        },
        schema=schema.DOCS,
    )


def test_a_view_leaves_the_cache_after_the_last_pair_that_needs_it() -> None:
    texts = [SOURCE, SOURCE + " " + OTHER, OTHER + " " + SOURCE, OTHER]
    docs = docs_table(texts)
    pairs = [(0, 1), (0, 2), (1, 2), (2, 3)]
    cand = pa.table(
        {"a": [a for a, _ in pairs], "b": [b for _, b in pairs], "shared": [3] * len(pairs)}
    )
    uses = np.zeros(len(texts), dtype=np.int32)
    for side in ("a", "b"):
        uses += np.bincount(cand[side].to_numpy(), minlength=len(texts)).astype(np.int32)
    aligner = PairAligner(CorpusOptions())
    rows = []
    cached = []
    for i in range(len(pairs)):
        rows += align_candidates(aligner, docs, cand.slice(i, 1), uses)
        cached.append(sorted(aligner._cache))
    # 0 is in the first two pairs, 1 in the first and third, 2 in the last three, 3 in the
    # last: each leaves after its last pair.
    assert cached == [[0, 1], [1, 2], [2], []]
    assert not uses.any()
    # Forgetting views changes no record.
    assert rows == align_candidates(PairAligner(CorpusOptions()), docs, cand)
    assert rows, "the copies of SOURCE and OTHER must pair"


class Recorder:
    def __init__(self) -> None:
        self.stages: dict[str, int | None] = {}
        self.steps: dict[str, int] = {}
        self.current = ""

    def stage(self, name: str, total: int | None) -> None:
        self.current = name
        self.stages[name] = total
        self.steps[name] = 0

    def advance(self, steps: int = 1) -> None:
        self.steps[self.current] += steps


@pytest.mark.parametrize("workers", [1, 2])
def test_lanes_report_every_aligned_pair_and_agree_across_worker_counts(
    tmp_path: Path, workers: int
) -> None:
    corpus = build_corpus(tmp_path / "news.jsonl")
    progress = Recorder()
    out = tmp_path / "out"
    run_reuse(
        [corpus], out, LocalEngine(LocalOptions(workers=workers, chunk_pairs=3)), progress=progress
    )
    total = progress.stages["aligning pairs"]
    assert total and progress.steps["aligning pairs"] == total
    reference = tmp_path / "one"
    run_reuse([corpus], reference, LocalEngine(LocalOptions(workers=1, chunk_pairs=1000)))
    key = ("a_document_id", "b_document_id")
    got = sorted(
        pq.read_table(out / "pairs.parquet").to_pylist(), key=lambda r: [r[k] for k in key]
    )
    want = sorted(
        pq.read_table(reference / "pairs.parquet").to_pylist(), key=lambda r: [r[k] for k in key]
    )
    assert got == want and got
