"""The tantivy phase of ``bench/bench_peers_million.py`` (issue 16), on a small million corpus.

A corpus of a few hundred articles of ``bench/corpus_million.py`` is indexed by tantivy and
queried: the figures are sane, and a verbatim wire copy finds its source in tantivy's top 5.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, require_shared

pytest.importorskip("tantivy", reason="needs tantivy (the [eval] extra)")

sys.path.insert(0, str(REPO / "bench"))
import bench_peers_million as bp
import corpus_million as cm
import million_check as mc

DOCS = 400
QUERIES = 16

pytestmark = pytest.mark.slow  # the corpus's text model is learnt from the shared data


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> cm.MillionFiles:
    for part in ("bbc-news", "ecbplus-news-events", "wikinewssum", "pan-train"):
        require_shared(part)
    cache = tmp_path_factory.mktemp("million")
    return cm.ensure_million(DOCS, QUERIES, workers=1, data=require_shared(), cache=cache)


@pytest.fixture(scope="module")
def folder(built: cm.MillionFiles, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tantivy")


@pytest.fixture(scope="module")
def indexed(built: cm.MillionFiles, folder: Path) -> dict[str, Any]:
    return bp.phase_tantivy_index(str(built.corpus), str(folder))


@pytest.fixture(scope="module")
def queried(built: cm.MillionFiles, folder: Path, indexed: dict[str, Any]) -> dict[str, Any]:
    return bp.phase_tantivy_query(str(folder), str(built.queries))


def test_index_figures_are_sane(indexed: dict[str, Any]) -> None:
    assert indexed["documents"] == DOCS
    assert indexed["seconds"] > 0 and indexed["docs_per_s"] > 0
    assert 100 < indexed["bytes_per_doc"] < 20_000  # articles of about 3,000 characters
    assert indexed["peak_rss_mb"] >= indexed["rss_before_mb"] > 0


def test_query_figures_are_sane(queried: dict[str, Any]) -> None:
    for variant in bp.VARIANTS:
        figures = queried[variant]
        latency = figures["latency"]
        assert latency["n"] == QUERIES
        assert 0 < latency["p50_ms"] <= latency["p99_ms"] <= latency["max_ms"]
        assert set(figures["recall"]) == set(bp.KINDS)  # no_source queries have no sources
        for kind in bp.KINDS:
            at_5 = figures["recall"][kind]["recall_at_5"]
            assert 0 <= at_5 <= figures["candidates_recall"][kind]["recall_at_20"] <= 1
        assert figures["recall"]["wire_copy"]["recall_at_5"] == 1.0


def test_a_wire_copy_finds_its_source(built: cm.MillionFiles, folder: Path, queried: Any) -> None:
    search = bp.TantivySearch.open(str(folder))
    copies = [q for q in mc.read_jsonl(built.queries) if q["kind"] == "wire_copy"]
    assert copies
    for q in copies:
        for words in bp.VARIANTS.values():
            top = search.top(bp.body(q), words)
            assert len(top) == bp.TOP
            assert set(q["true_sources"]) <= set(top[:5]), q["id"]


def test_punctuation_never_reaches_a_query_parser(folder: Path, indexed: Any) -> None:
    search = bp.TantivySearch.open(str(folder))
    hostile = 'AND OR NOT "unclosed (paren [x TO y] field:value title:* +a -b ~2 ^3 \\ /re/ :'
    assert len(search.top(hostile)) <= bp.TOP
    assert search.top("") == [] and search.top("!!! ... ???") == []


def test_the_most_telling_terms_are_the_rare_and_repeated_ones() -> None:
    df = {"the": 1000, "said": 800, "zorblat": 1, "quux": 3}
    terms = ["the"] * 9 + ["said"] * 3 + ["zorblat", "quux", "quux", "missing"]
    assert bp.query_terms(terms, lambda t: df.get(t, 0), 1000, None) == sorted(set(terms))
    assert bp.query_terms(terms, lambda t: df.get(t, 0), 1000, 2) == ["quux", "zorblat"]
    assert "missing" not in bp.query_terms(terms, lambda t: df.get(t, 0), 1000, 10)


def test_the_results_are_json(queried: dict[str, Any], indexed: dict[str, Any]) -> None:
    assert json.loads(json.dumps({"index": indexed, "query": queried}))
