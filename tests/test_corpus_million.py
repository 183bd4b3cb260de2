"""The large benchmark corpus of ``bench/corpus_million.py`` (issue 16), built small.

One corpus of 3,000 articles is built with two worker processes, and again with one: the files
must be equal (an article is a function of the seed and its number only, so the 10k corpus is
also the first 10k articles of the 1M one). The checks then read it: the truth holds, reuse is
1-3%, lengths, outlets and dates are spread like news, no two articles share 8 words outside
recorded reuse, the document-frequency curve follows the real data's, the queries know their
sources, and the ``wiretrace index`` JSONL reader takes every record.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, require_shared

from wiretrace.dates import parse_date
from wiretrace.ingest.base import ReadOptions
from wiretrace.ingest.jsonl import iter_jsonl
from wiretrace.model import Document

sys.path.insert(0, str(REPO / "bench"))
import corpus_million as cm
import million_check as mc

DOCS = 3000
QUERIES = 40
# The generated share of documents holding the word at a rank stays within this factor of the
# real share (measured at 3,000 articles: 1.04-1.19 at ranks 10 to 1,000).
DF_FACTOR = 1.5


def _shared() -> Path:
    for part in ("bbc-news", "ecbplus-news-events", "wikinewssum", "pan-train"):
        require_shared(part)
    return require_shared()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> cm.MillionFiles:
    data = _shared()
    cache = tmp_path_factory.mktemp("million")
    return cm.ensure_million(DOCS, QUERIES, workers=2, data=data, cache=cache)


@pytest.fixture(scope="module")
def records(built: cm.MillionFiles) -> list[dict[str, Any]]:
    return list(mc.read_jsonl(built.corpus))


@pytest.fixture(scope="module")
def truth(built: cm.MillionFiles) -> list[dict[str, Any]]:
    return list(mc.read_jsonl(built.truth))


@pytest.fixture(scope="module")
def manifest(built: cm.MillionFiles) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(built.manifest.read_text(encoding="utf-8"))
    return result


def test_two_builds_are_equal_whatever_the_process_count(
    built: cm.MillionFiles, manifest: dict[str, Any], tmp_path: Path
) -> None:
    again = cm.ensure_million(DOCS, QUERIES, workers=1, data=_shared(), cache=tmp_path)
    for name in ("corpus", "truth", "queries"):
        assert getattr(again, name).read_bytes() == getattr(built, name).read_bytes(), name
    second = json.loads(again.manifest.read_text(encoding="utf-8"))
    assert {**second, "build": None} == {**manifest, "build": None}


def test_the_truth_holds(records: list[dict[str, Any]], truth: list[dict[str, Any]]) -> None:
    texts = {r["id"]: r["text"] for r in records}
    result = mc.check_truth(texts, truth)
    assert result.problems == ()
    assert result.passages >= len(truth)
    assert {t["kind"] for t in truth} == set(cm.REUSE_RATES)
    assert result.changed["verbatim"] == 0
    assert 0.1 <= result.changed["spun"] <= 0.3
    assert 0.2 <= result.changed["partial"] <= 0.4  # "about a third of their words changed"
    when = {r["id"]: r["published_at"] for r in records}
    for t in truth:
        for s in t["sources"]:
            assert s < t["id"]  # sources come earlier in the stream
            assert _published(when[s]) <= _published(when[t["id"]]) + _slack(when[s], when[t["id"]])


def _published(value: str) -> datetime:
    parsed = parse_date(value)
    assert parsed is not None, value
    return parsed


def _slack(*values: str) -> timedelta:
    """A copy is published 10 minutes or more after its source; a date or a time with no zone
    reads as UTC, up to 14 hours (and a day for a date) away from the instant."""
    zoned = all(len(v) > 19 for v in values)
    return timedelta(minutes=-10) if zoned else timedelta(hours=38)


def test_reuse_rate_is_realistic(manifest: dict[str, Any], truth: list[dict[str, Any]]) -> None:
    assert 0.01 <= len(truth) / DOCS <= 0.03
    assert manifest["reuse_rate"] == round(len(truth) / DOCS, 4)


def test_lengths_headlines_outlets_and_dates(records: list[dict[str, Any]]) -> None:
    lengths = [len(r["text"]) for r in records]
    assert 2700 <= statistics.median(lengths) <= 3300
    assert all(r["title"] and len(r["title"]) < 300 for r in records)
    assert len({r["source"] for r in records}) >= 1000
    years = Counter(r["published_at"][:4] for r in records)
    assert len(years) >= 7
    date_only = sum(len(r["published_at"]) == 10 for r in records) / len(records)
    assert 0.15 <= date_only <= 0.35
    assert len({r["id"] for r in records}) == DOCS


def test_no_shared_run_outside_recorded_reuse(
    records: list[dict[str, Any]], truth: list[dict[str, Any]]
) -> None:
    assert mc.accidental_runs(records, mc.related_pairs(truth)) == []


def test_recorded_reuse_is_found_by_the_run_check(
    records: list[dict[str, Any]], truth: list[dict[str, Any]]
) -> None:
    verbatim = [t for t in truth if t["kind"] == "verbatim"]
    pair = frozenset((verbatim[0]["id"], verbatim[0]["sources"][0]))
    runs = mc.accidental_runs([r for r in records if r["id"] in pair], set())
    assert len(runs) == 1  # without the truth, the copy and its source do share runs


def test_df_curve_follows_the_real_data(manifest: dict[str, Any]) -> None:
    generated, real = manifest["df"][-1], manifest["real"]
    assert generated["documents"] == DOCS and real["documents"] == 5646
    for rank in ("1", "10", "100", "1000"):
        ours = generated["at_rank"][rank] / DOCS
        theirs = real["at_rank"][rank] / real["documents"]
        assert 1 / DF_FACTOR <= ours / theirs <= DF_FACTOR, rank
    # The vocabulary grows with the corpus (Heaps' law), not with a suffix per replica.
    sizes = [row["vocabulary"] for row in manifest["df"]]
    assert sizes == sorted(sizes) and sizes[-1] > 1.5 * sizes[0]


def test_queries_are_new_and_know_their_sources(
    built: cm.MillionFiles, records: list[dict[str, Any]], truth: list[dict[str, Any]]
) -> None:
    queries = list(mc.read_jsonl(built.queries))
    ids = {r["id"] for r in records}
    assert Counter(q["kind"] for q in queries) == {k: QUERIES // 4 for k in cm.QUERY_KINDS}
    texts = {r["id"]: r["text"] for r in records}
    with_copies = 0
    for q in queries:
        assert q["id"] not in ids
        assert set(q["true_sources"]) <= ids and set(q["corpus_copies"]) <= ids
        assert bool(q["true_sources"]) == (q["kind"] != "no_source")
        with_copies += bool(q["corpus_copies"])
        texts[q["id"]] = q["text"]
    assert with_copies >= QUERIES // 4
    assert (
        mc.check_truth(texts, [{**q, "sources": q["true_sources"]} for q in queries]).problems == ()
    )


def test_wiretrace_reads_every_record(built: cm.MillionFiles) -> None:
    entries = list(iter_jsonl(built.corpus, ReadOptions()))
    assert len(entries) == DOCS
    assert all(isinstance(e.item, Document) for e in entries)


def test_rewordings_keep_the_names(
    records: list[dict[str, Any]], truth: list[dict[str, Any]]
) -> None:
    # A pickup or a spun copy keeps the people and places it reports on: every capitalised
    # word that does not open a sentence in a source passage is still in its reworded copy.
    texts = {r["id"]: r["text"] for r in records}
    checked = 0
    for t in truth:
        for p in t["passages"]:
            if p["op"] not in ("spun", "partial"):
                continue
            source = texts[p["source"]][slice(*p["source_span"])]
            copy = texts[t["id"]][slice(*p["copy_span"])]
            names = [w for w in re.findall(r"(?<=[a-z,;] )[A-Z][a-z]+", source)]
            checked += len(names)
            assert all(n in copy for n in names), (source, copy)
    assert checked > 100
