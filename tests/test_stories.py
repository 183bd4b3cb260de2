"""Story clustering: the online clusterer, the measures, the CLI and a quality floor on ECB+."""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import require_shared

from wiretrace.cli.eval import eval_stories_cmd
from wiretrace.corpus.stories import (
    StoryClusterer,
    StoryOptions,
    cluster_stories,
    order_key,
    story_features,
    story_id,
)
from wiretrace.corpus.stories_exact import (
    cluster_stories_exact,
    complete_link_merges,
    cut_merges,
)
from wiretrace.eval.stories import (
    bcubed,
    pairwise,
    read_ecbplus,
    run_stories,
    split_halves,
)
from wiretrace.model import Document

WIRETRACE = [sys.executable, "-c", "from wiretrace.cli import main; main()"]

# Three events; two of them (the quakes) are the same kind of event, like ECB+ near misses.
EVENTS = {
    "chile": (
        "Earthquake of magnitude 7.1 strikes northern Chile near Iquique",
        "A magnitude 7.1 earthquake struck northern Chile near the port city of Iquique on "
        "Friday, the US Geological Survey said. Residents of Iquique left their homes and the "
        "Chilean navy issued a tsunami warning for the coast of Chile.",
    ),
    "japan": (
        "Strong earthquake shakes Hokkaido in Japan, Sapporo without power",
        "A strong earthquake hit the island of Hokkaido in Japan on Thursday, cutting power to "
        "Sapporo and triggering landslides near Atsuma, Japanese officials said. The Japan "
        "Meteorological Agency measured magnitude 6.7 on Hokkaido.",
    ),
    "apple": (
        "Apple unveils new MacBook Pro at Cupertino event",
        "Apple unveiled a new MacBook Pro at an event in Cupertino on Tuesday, with a faster "
        "chip, a brighter display and longer battery life, Phil Schiller told the audience. The "
        "MacBook Pro ships next week.",
    ),
}


def _variant(event: str, k: int, when: str | None, source: str = "Outlet") -> Document:
    title, text = EVENTS[event]
    words = text.split()
    rng = random.Random(f"{event}-{k}")
    kept = [w for w in words if rng.random() > 0.25]  # each copy keeps about 3/4 of the words
    return Document(
        id=f"{event}-{k:02d}",
        text=" ".join(kept),
        title=title if k % 2 == 0 else None,
        source=f"{source}{k}",
        published_at=when,
    )


def _stream() -> list[Document]:
    docs = []
    for k in range(6):
        day = 1 + k % 3
        docs.append(_variant("chile", k, f"2024-03-0{day}T10:00:00+00:00"))
        docs.append(_variant("japan", k, f"2024-03-0{day}T11:00:00"))
        docs.append(_variant("apple", k, f"2024-03-0{day}T10:00:00Z"))
    return docs


def _groups(labels: dict[str, str]) -> set[frozenset[str]]:
    by_story: dict[str, set[str]] = {}
    for doc, story in labels.items():
        by_story.setdefault(story, set()).add(doc)
    return {frozenset(v) for v in by_story.values()}


# --------------------------------------------------------------------------------------------
# The clusterer
# --------------------------------------------------------------------------------------------


def test_separates_events_of_the_same_kind() -> None:
    result = cluster_stories(_stream())
    expected = {
        frozenset(d.id for d in _stream() if d.id.startswith(e))
        for e in ("chile", "japan", "apple")
    }
    assert _groups(result.labels()) == expected


def test_online_and_batch_agree() -> None:
    docs = _stream()
    batch = cluster_stories(list(reversed(docs)))
    clusterer = StoryClusterer()
    online = {d.id: clusterer.add(d) for d in sorted(docs, key=order_key)}
    assert online == batch.labels()
    flushed = clusterer.flush()
    assert {s.id for s in flushed} == {s.id for s in batch.stories}
    assert clusterer.live_stories == 0


def test_batch_ignores_input_order_and_ties_go_by_id() -> None:
    docs = _stream()
    shuffled = docs[:]
    random.Random(7).shuffle(shuffled)
    a, b = cluster_stories(docs), cluster_stories(shuffled)
    assert a == b
    # Identical timestamps: the processing order is by id.
    same_time = [d for d in a.assignments if d.document_id.endswith(("-00", "-03"))]
    chile_apple = [x.document_id for x in same_time if not x.document_id.startswith("japan")]
    assert chile_apple == sorted(chile_apple)


def test_first_publisher_and_timeline() -> None:
    result = cluster_stories(_stream())
    chile = next(s for s in result.stories if s.first_document and "chile" in s.first_document)
    # Documents 00 and 03 share the earliest time; the tie goes to the smaller id.
    assert chile.first_document == "chile-00"
    assert chile.first_publisher == "Outlet0"
    times = [m.published_at for m in chile.timeline]
    assert times == sorted(times)
    assert chile.first_seen == "2024-03-01T10:00:00+00:00"
    assert chile.last_seen == "2024-03-03T10:00:00+00:00"


def test_story_ids_are_stable_hashes_of_the_founder() -> None:
    assert story_id("chile-00") == story_id("chile-00")
    assert story_id("a") != story_id("b")
    assert len(story_id("x")) == len("story-") + 16
    result = cluster_stories(_stream())
    founders = {a.story_id: a.document_id for a in result.assignments if a.new_story}
    assert all(story_id(founder) == sid for sid, founder in founders.items())
    # The same input gives the same ids on a second run.
    assert [s.id for s in cluster_stories(_stream()).stories] == [s.id for s in result.stories]


def test_story_id_golden() -> None:
    # BLAKE2b-64 of the UTF-8 id: a change here would rename every stored story.
    import hashlib

    expected = hashlib.blake2b(b"doc-1", digest_size=8).hexdigest()
    assert story_id("doc-1") == f"story-{expected}"


def test_time_window_splits_distant_reports() -> None:
    early = _variant("chile", 0, "2024-03-01T00:00:00Z")
    near = _variant("chile", 1, "2024-03-03T00:00:00Z")
    far = _variant("chile", 2, "2024-04-20T00:00:00Z")
    result = cluster_stories([early, near, far], StoryOptions(window_days=7))
    labels = result.labels()
    assert labels[early.id] == labels[near.id]
    assert labels[far.id] != labels[early.id]
    # With a wide window the three are one story.
    wide = cluster_stories([early, near, far], StoryOptions(window_days=100)).labels()
    assert len(set(wide.values())) == 1


def test_stories_expire_on_a_stream() -> None:
    clusterer = StoryClusterer(StoryOptions(window_days=2))
    first = clusterer.add(_variant("apple", 0, "2024-01-01T00:00:00Z"))
    assert clusterer.pop_finished() == ()
    clusterer.add(_variant("japan", 0, "2024-01-10T00:00:00Z"))
    ended = clusterer.pop_finished()
    assert [s.id for s in ended] == [first]
    assert clusterer.live_stories == 1
    # An expired story takes no more documents: a late copy founds a new story.
    late = clusterer.add(_variant("apple", 1, "2024-01-10T01:00:00Z"))
    assert late != first


def test_live_story_backstop() -> None:
    clusterer = StoryClusterer(StoryOptions(max_live_stories=2))
    ids = [clusterer.add(_variant(e, 0, None)) for e in ("chile", "japan", "apple")]
    assert clusterer.live_stories == 2
    assert [s.id for s in clusterer.pop_finished()] == ids[:1]


def test_undated_documents_are_kept_and_never_first() -> None:
    dated = _variant("chile", 0, "2024-03-01T00:00:00Z")
    undated = [_variant("chile", 1, None), _variant("chile", 2, None)]
    lone = _variant("apple", 0, None)
    result = cluster_stories([*undated, lone, dated])
    assert [a.document_id for a in result.assignments] == [
        dated.id,
        "apple-00",
        *[d.id for d in undated],
    ]
    chile = next(s for s in result.stories if dated.id in s.document_ids)
    assert set(chile.document_ids) == {dated.id, *(d.id for d in undated)}
    assert chile.first_document == dated.id
    assert [m.document_id for m in chile.timeline] == [dated.id]
    apple = next(s for s in result.stories if "apple-00" in s.document_ids)
    assert apple.first_document is None and apple.first_publisher is None
    assert apple.timeline == ()


def test_duplicate_ids_are_refused() -> None:
    clusterer = StoryClusterer()
    doc = _variant("chile", 0, None)
    clusterer.add(doc)
    with pytest.raises(ValueError, match="already added"):
        clusterer.add(doc)


def test_empty_batch() -> None:
    for cluster in (cluster_stories, cluster_stories_exact):
        result = cluster([])
        assert result.stories == () and result.assignments == ()


# --------------------------------------------------------------------------------------------
# The exact (batch-only) mode
# --------------------------------------------------------------------------------------------


def test_exact_mode_separates_events_with_the_same_ids() -> None:
    online = cluster_stories(_stream())
    exact = cluster_stories_exact(list(reversed(_stream())))
    assert _groups(exact.labels()) == _groups(online.labels())
    assert {s.id for s in exact.stories} == {s.id for s in online.stories}
    chile = next(s for s in exact.stories if s.first_document == "chile-00")
    assert chile.first_publisher == "Outlet0"
    assert [a.document_id for a in exact.assignments] == [a.document_id for a in online.assignments]


def test_exact_mode_respects_the_time_window() -> None:
    early = _variant("chile", 0, "2024-03-01T00:00:00Z")
    near = _variant("chile", 1, "2024-03-03T00:00:00Z")
    far = _variant("chile", 2, "2024-04-20T00:00:00Z")
    undated = _variant("chile", 3, None)
    labels = cluster_stories_exact([early, near, far, undated]).labels()
    assert labels[early.id] == labels[near.id] != labels[far.id]


def test_complete_link_by_hand() -> None:
    # 0-1 very similar, 2 close to 1 but not to 0: complete link keeps 2 apart at 0.5.
    sim = np.array([[1.0, 0.9, 0.1], [0.9, 1.0, 0.8], [0.1, 0.8, 1.0]])
    merges = complete_link_merges(sim, 0.0)
    assert merges == [(0, 1, 0.9), (0, 2, 0.1)]
    assert cut_merges(3, merges, 0.5) == [0, 0, 2]
    assert cut_merges(3, merges, 0.05) == [0, 0, 0]
    assert cut_merges(3, merges, 0.95) == [0, 1, 2]


def test_entity_features() -> None:
    doc = Document(
        "x",
        "Lindsay Lohan checked into the Betty Ford Center on Friday, 3 May 2013, "
        "a week after she left the Russian Federation.",
    )
    entities = story_features(doc).entities
    assert "p:lindsay lohan" in entities
    assert "p:betty ford center" in entities
    assert "e:lohan" in entities
    assert "c:russia" in entities
    assert "y:2013" in entities
    assert not any(k.startswith("p:") and "checked" in k for k in entities)


def test_options_are_validated() -> None:
    with pytest.raises(ValueError):
        StoryOptions(window_days=0)
    with pytest.raises(ValueError):
        StoryOptions(body_weight=0, lead_weight=0, entity_weight=0)


# --------------------------------------------------------------------------------------------
# Measures, on cases computed by hand
# --------------------------------------------------------------------------------------------


def test_bcubed_by_hand() -> None:
    # Predicted {0,1} {2,3,4}; gold {0,1,2} {3,4}.
    # Precision per doc: 1, 1, 1/3, 2/3, 2/3 -> 11/15. Recall: 2/3, 2/3, 1/3, 1, 1 -> 11/15.
    s = bcubed([1, 1, 2, 2, 2], ["a", "a", "a", "b", "b"])
    assert s.precision == pytest.approx(11 / 15)
    assert s.recall == pytest.approx(11 / 15)
    assert s.f1 == pytest.approx(11 / 15)
    perfect = bcubed(["x", "x", "y"], [5, 5, 6])
    assert (perfect.precision, perfect.recall, perfect.f1) == (1.0, 1.0, 1.0)
    one = bcubed([0, 0, 0, 0], ["a", "a", "b", "b"])
    assert one.precision == pytest.approx(0.5) and one.recall == 1.0


def test_pairwise_by_hand() -> None:
    # Predicted pairs: (0,1), (2,3), (2,4), (3,4); gold pairs: (0,1), (0,2), (1,2), (3,4).
    s = pairwise([1, 1, 2, 2, 2], ["a", "a", "a", "b", "b"])
    assert (s.precision, s.recall, s.f1) == (0.5, 0.5, 0.5)
    singletons = pairwise([0, 1, 2], ["a", "a", "b"])
    assert singletons.precision == 1.0 and singletons.recall == 0.0 and singletons.f1 == 0.0


def test_measures_check_lengths() -> None:
    with pytest.raises(ValueError):
        bcubed([1, 2], [1])
    with pytest.raises(ValueError):
        pairwise([1], [1, 2])


# --------------------------------------------------------------------------------------------
# The CLI, as a user runs it
# --------------------------------------------------------------------------------------------


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*WIRETRACE, *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_cli_writes_jsonl_and_parquet(tmp_path: Path) -> None:
    docs = [*_stream(), _variant("apple", 9, None)]
    src = tmp_path / "in.jsonl"
    src.write_text(
        "".join(
            json.dumps({k: v for k, v in vars_of(d).items() if v is not None}, ensure_ascii=False)
            + "\n"
            for d in docs
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    proc = _run("corpus", "stories", str(src), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "19 documents -> 3 stories" in proc.stdout
    # Progress on standard error (sparse lines: it is not a terminal), none on stdout.
    assert "clustered documents 1/19, 0 s" in proc.stderr
    assert "clustered documents 19/19" in proc.stderr and "clustered" not in proc.stdout
    assert "1 undated" in proc.stderr
    stories = [json.loads(line) for line in (out / "stories.jsonl").read_text().splitlines()]
    assert sorted(s["document_count"] for s in stories) == [6, 6, 7]
    table = pq.read_table(out / "stories.parquet")
    assert table.num_rows == 3
    assert table.column("story_id").to_pylist() == [s["story_id"] for s in stories]
    assignments = pq.read_table(out / "assignments.parquet")
    assert assignments.num_rows == len(docs)
    assert set(assignments.column_names) == {"document_id", "story_id", "score", "new_story"}
    assert not list(out.glob(".*"))  # no temporary file left behind
    exact = _run(
        "corpus", "stories", str(src), "--out", str(tmp_path / "exact"), "--exact", "--quiet"
    )
    assert exact.returncode == 0, exact.stderr
    assert "19 documents -> 3 stories" in exact.stdout and "read documents" not in exact.stderr


def vars_of(doc: Document) -> dict[str, str | None]:
    return {
        "id": doc.id,
        "text": doc.text,
        "title": doc.title,
        "source": doc.source,
        "published_at": doc.published_at,
    }


def test_cli_empty_input(tmp_path: Path) -> None:
    src = tmp_path / "empty.jsonl"
    src.write_text("", encoding="utf-8")
    out = tmp_path / "out"
    proc = _run("corpus", "stories", str(src), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "no documents" in proc.stderr
    assert (out / "stories.jsonl").read_text() == ""
    table = pq.read_table(out / "stories.parquet")
    assert table.num_rows == 0
    assert "timeline" in table.column_names and "first_outlet" in table.column_names
    assert pq.read_table(out / "assignments.parquet").num_rows == 0


def test_cli_bad_record_names_the_line(tmp_path: Path) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text('{"id": "a", "text": "fine"}\n{"id": "b"}\n', encoding="utf-8")
    proc = _run("corpus", "stories", str(src), "--out", str(tmp_path / "out"))
    assert proc.returncode == 1
    assert "bad.jsonl:2" in proc.stderr and "--skip-bad" in proc.stderr
    ok = _run("corpus", "stories", str(src), "--out", str(tmp_path / "out"), "--skip-bad")
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "out" / "rejects.jsonl").exists()


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------


def _tiny_ecbplus(folder: Path) -> None:
    rows = []
    for topic, events in (
        (1, ("chile", "japan")),
        (2, ("apple", "chile")),
        (3, ("japan", "apple")),
    ):
        for sub, event in zip(("ecb", "ecbplus"), events, strict=True):
            for k in range(3):
                doc = _variant(event, k + 10 * topic, None)
                rows.append(
                    {
                        "doc_id": f"{topic}_{k}{sub}",
                        "topic": topic,
                        "subtopic": f"{topic}_{sub}",
                        "text": doc.text,
                    }
                )
    with gzip.open(folder / "ecbplus_docs.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)


def test_eval_command_on_a_tiny_corpus(tmp_path: Path) -> None:
    _tiny_ecbplus(tmp_path)
    result = CliRunner().invoke(eval_stories_cmd, [str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)  # progress goes to stderr only
    assert "read documents 18/18" in result.stderr
    assert "tuned and scored methods 8/8" in result.stderr
    quiet = CliRunner().invoke(eval_stories_cmd, [str(tmp_path), "--json", "--quiet"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert report["documents"] == 18 and report["stories"] == 6
    methods = {r["method"] for r in report["results"]}
    assert methods == {"ours", "ours-exact", "tfidf-complete", "minhash-lsh"}
    assert {(r["tuned_on"], r["scored_on"]) for r in report["results"]} == {
        ("odd", "even"),
        ("even", "odd"),
    }


def test_eval_command_missing_data(tmp_path: Path) -> None:
    result = CliRunner().invoke(eval_stories_cmd, [str(tmp_path)])
    assert result.exit_code == 1
    assert "ecbplus_docs.jsonl.gz" in result.output


# Held-out B-cubed F1 of the default options (tuned on the odd topics) on the even topics,
# measured 0.876 (bench/results/stories.md). Raise this floor when the method improves.
HELD_OUT_FLOOR = 0.86


# The same for the exact batch mode (default exact_threshold, tuned on the odd topics):
# measured 0.907.
EXACT_HELD_OUT_FLOOR = 0.89


@pytest.mark.slow
@pytest.mark.parametrize(
    ("cluster", "floor"),
    [(cluster_stories, HELD_OUT_FLOOR), (cluster_stories_exact, EXACT_HELD_OUT_FLOOR)],
    ids=["online", "exact"],
)
def test_quality_floor_on_ecbplus_held_out_topics(cluster: Any, floor: float) -> None:
    folder = require_shared("ecbplus-news-events")
    held_out = split_halves(read_ecbplus(folder))["even"]
    result = cluster([d.document for d in held_out], StoryOptions())
    labels = result.labels()
    scores = bcubed([labels[d.document.id] for d in held_out], [d.label for d in held_out])
    assert scores.f1 >= floor, scores


def test_run_stories_checks_its_input(tmp_path: Path) -> None:
    from wiretrace.errors import CorpusError

    (tmp_path / "ecbplus_docs.jsonl.gz").write_bytes(gzip.compress(b'{"doc_id": "x"}\n'))
    with pytest.raises(CorpusError, match=":1:"):
        run_stories(tmp_path)
