"""The pure parts of ``bench/bench_passim.py`` (issue 17), and a real passim run when present.

The conversion to passim's input, the reading of passim's pairwise output (``align.json``
records as ``seriatim --pairwise`` writes them), the pair overlap and the seeded sample are
checked on small hand-made values. When passim is installed (``WIRETRACE_PASSIM_SCRIPT`` and
``WIRETRACE_PASSIM_VENV``, or the default paths under ``bench/.cache``), a slow test runs it and
our local engine on the test news corpus and compares their pairs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import REPO, read_news, read_report

sys.path.insert(0, str(REPO / "bench"))
import bench_passim as bp

# Two records of passim's pairwise output, in the fields ``seriatim --pairwise`` writes
# (``uid2, uid, begin2, end2, begin, end``, the input's fields for both sides, and the
# alignment ``s1``, ``s2``, ``matches``). Shortened from a real run on three documents.
ALIGN_RECORDS = [
    {
        "uid2": -7847297758111233121,
        "uid": -8708919673497260530,
        "begin2": 26,
        "end2": 210,
        "begin": 0,
        "end": 184,
        "id": "a1",
        "series": "A",
        "id2": "b1",
        "series2": "B",
        "s1": "The quick brown fox jumped over the lazy dog",
        "s2": "The quick brown fox jumped over the lazy dog",
        "matches": 184,
    },
    {
        "uid2": -8708919673497260530,
        "uid": 1220944014262785551,
        "begin2": 300,
        "end2": 420,
        "begin": 10,
        "end": 125,
        "id": "z9",
        "series": "Z",
        "id2": "a1",
        "series2": "A",
        "s1": "to be or not to be-",
        "s2": "to be or not to bee",
        "matches": 0,
    },
]


def test_passim_record_has_id_series_date_text() -> None:
    rec = {
        "id": "x/1",
        "text": "Some text.",
        "source": "Daily Bugle",
        "published_at": "2022-06-14",
        "title": "T",
        "url": "https://example.org/1",
    }
    assert bp.to_passim_record(rec) == {
        "id": "x/1",
        "series": "Daily Bugle",
        "text": "Some text.",
        "date": "2022-06-14",
        "title": "T",
    }
    bare = bp.to_passim_record({"id": "y", "text": "t", "source": None})
    assert bare == {"id": "y", "series": bp.UNKNOWN_SERIES, "text": "t"}


@pytest.mark.parametrize("rec", [{"text": "t"}, {"id": "", "text": "t"}, {"id": "q"}])
def test_passim_record_rejects_a_record_without_id_or_text(rec: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=r"id|text"):
        bp.to_passim_record(rec)


def test_write_passim_input_names_the_bad_line(tmp_path: Path) -> None:
    src = tmp_path / "c.jsonl"
    src.write_text('{"id": "a", "text": "x"}\n{"id": "b"}\n', encoding="utf-8")
    with pytest.raises(SystemExit, match=r"c\.jsonl:2: record 'b' has no text"):
        bp.write_passim_input(src, tmp_path / "p.jsonl")
    src.write_text('{"id": "a", "text": "x"}\n\n{"id": "b", "text": "y"}\n', encoding="utf-8")
    assert bp.write_passim_input(src, tmp_path / "p.jsonl") == 2
    lines = (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["id"] for x in lines] == ["a", "b"]


def test_parse_passim_pairs_puts_spans_on_the_sides_in_id_order() -> None:
    lines = [json.dumps(r) for r in ALIGN_RECORDS] + [""]
    pairs = bp.parse_passim_pairs(lines)
    assert set(pairs) == {("a1", "b1"), ("a1", "z9")}
    (ab,) = pairs[("a1", "b1")]
    assert (ab.a_start, ab.a_end, ab.b_start, ab.b_end, ab.length) == (0, 184, 26, 210, 184)
    # id "z9" sorts after "a1": its span (begin/end) goes on side b, and with no matches
    # counted the length is the longer span.
    (az,) = pairs[("a1", "z9")]
    assert (az.a_start, az.a_end, az.b_start, az.b_end, az.length) == (300, 420, 10, 125, 120)


def test_parse_passim_pairs_groups_passages_and_names_a_missing_field() -> None:
    again = {**ALIGN_RECORDS[0], "begin": 500, "end": 600, "begin2": 700, "end2": 800}
    pairs = bp.parse_passim_pairs([json.dumps(ALIGN_RECORDS[0]), json.dumps(again)])
    assert [p.a_start for p in pairs[("a1", "b1")]] == [0, 500]
    broken = {k: v for k, v in ALIGN_RECORDS[0].items() if k != "id2"}
    with pytest.raises(bp.PassimFormatError, match="record 1 has no field 'id2'"):
        bp.parse_passim_pairs([json.dumps(broken)])


def test_pair_key_orders_and_rejects_a_self_pair() -> None:
    assert bp.pair_key("b", "a") == bp.pair_key("a", "b") == ("a", "b")
    with pytest.raises(ValueError, match="two different"):
        bp.pair_key("a", "a")


def test_overlap_counts_both_ways() -> None:
    peer = {("a", "b"), ("a", "c"), ("b", "c"), ("c", "d")}
    ours = {("a", "b"), ("c", "d"), ("d", "e")}
    assert bp.overlap(peer, ours) == {
        "passim_pairs": 4,
        "our_pairs": 3,
        "both": 2,
        "passim_only": 2,
        "ours_only": 1,
        "recall_of_ours_against_passim": 0.5,
        "share_of_ours_found_by_passim": 0.6667,
    }
    empty = bp.overlap(set(), ours)
    assert empty["recall_of_ours_against_passim"] is None
    assert empty["share_of_ours_found_by_passim"] == 0.0


def test_siblings_are_linked_through_the_source_passim_gives_both() -> None:
    P = bp.Passage
    # passim: the original o gives [100, 300) to copy a (at [0, 200)) and to copy b (at
    # [50, 250)); elsewhere o gives [1000, 1100) to c and x gives [0, 100) to d.
    peer = {
        ("a", "o"): [P(0, 200, 100, 300, 200)],
        ("b", "o"): [P(50, 250, 100, 300, 200)],
        ("c", "o"): [P(0, 100, 1000, 1100, 100)],
        ("d", "x"): [P(0, 100, 0, 100, 100)],
    }
    ours = {
        ("a", "b"): [P(10, 150, 60, 200, 140)],  # siblings, linked through o
        ("a", "c"): [P(0, 100, 0, 100, 100)],  # both from o, but from parts that do not meet
        ("a", "d"): [P(0, 100, 0, 100, 100)],  # no common third document
        ("a", "o"): [P(0, 200, 100, 300, 200)],  # a passim pair: not counted
        ("b", "c"): [P(400, 500, 0, 100, 100)],  # our passage is not where passim's is on b
    }
    assert bp.through_common_source(peer, ours) == {("a", "b"): "o"}
    assert bp.through_common_source({}, ours) == {}


def test_sample_is_seeded_and_ignores_input_order() -> None:
    pairs = [(f"d{i:03}", f"e{i:03}") for i in range(50)]
    first = bp.sample_pairs(pairs, 10, seed=17)
    assert len(first) == 10 == len(set(first))
    assert set(first) <= set(pairs)
    assert bp.sample_pairs(list(reversed(pairs)), 10, seed=17) == first
    assert bp.sample_pairs(pairs, 10, seed=18) != first
    assert bp.sample_pairs(pairs[:3], 10, seed=17) == sorted(pairs[:3])


def test_difference_shows_the_longest_passage_on_both_sides() -> None:
    docs = {
        "a": {"text": "xx" + "copied words " * 40, "source": "A", "published_at": "2022-01-01"},
        "b": {"text": "copied words " * 40, "source": None},
    }
    short, long_ = bp.Passage(0, 2, 0, 2, 2), bp.Passage(2, 482, 0, 480, 480, "verbatim")
    d = bp.describe_difference(("a", "b"), "wiretrace", [short, long_], docs)
    assert d["b_outlet"] == bp.UNKNOWN_SERIES and d["a_outlet"] == "A"
    assert d["matched_chars"] == 482 and d["passages"] == 2
    assert d["longest"] == {"a": [2, 482], "b": [0, 480], "length": 480, "kind": "verbatim"}
    assert d["a_excerpt"].startswith("copied words copied")
    assert len(d["a_excerpt"]) <= bp.EXCERPT_CHARS
    assert bp.excerpt("a\n\nb  c", 0, 7) == "a b c"


def news_corpus(path: Path) -> Path:
    """The test news corpus with its two copies of the wire story as documents."""
    records = read_news()
    for name, outlet in (("harbour-gazette", "Harbour Gazette"), ("coastline-daily", "Coastline")):
        records.append(
            {
                "id": f"report/{name}",
                "source": outlet,
                "published_at": "2022-06-15",
                "text": read_report(name),
            }
        )
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_our_pairs_are_read_from_a_real_run(tmp_path: Path) -> None:
    corpus = news_corpus(tmp_path / "news.jsonl")
    run = bp.run_cli([str(corpus), "--engine", "local", "--workers", "1"], tmp_path / "ours")
    ours = bp.read_our_pairs(tmp_path / "ours")
    assert run["pairs"] == len(ours) >= 1
    wire = ("meridian/fisheries-pact", "report/harbour-gazette")
    assert wire in ours
    text = {r["id"]: r["text"] for r in map(json.loads, corpus.open(encoding="utf-8"))}
    for p in ours[wire]:
        # Side a is the wire story (its id sorts first); the spans hold the same words.
        a, b = text[wire[0]][p.a_start : p.a_end], text[wire[1]][p.b_start : p.b_end]
        assert a.split()[-3:] == b.split()[-3:]


def passim_paths() -> tuple[Path, Path]:
    script, venv = Path(bp.DEFAULT_SCRIPT), Path(bp.DEFAULT_VENV)
    if not script.exists() or not (venv / "bin" / "spark-submit").exists():
        pytest.skip(
            f"passim is not installed here ({script}, {venv}): its documented install needs "
            "GitHub; set WIRETRACE_PASSIM_SCRIPT and WIRETRACE_PASSIM_VENV to run this test"
        )
    return script, venv


@pytest.mark.slow
def test_passim_finds_the_verbatim_copy_we_find(tmp_path: Path) -> None:
    script, venv = passim_paths()
    corpus = news_corpus(tmp_path / "news.jsonl")
    passim_in = tmp_path / "passim.jsonl"
    assert bp.write_passim_input(corpus, passim_in) == 15
    run = bp.run_passim(script, venv, passim_in, tmp_path / "passim", "1g")
    assert run["seconds"] > 0 and run["peak_pss_total_mb"] > 0
    peer = bp.read_passim_output(tmp_path / "passim" / "align.json")
    bp.run_cli([str(corpus), "--engine", "local", "--workers", "1"], tmp_path / "ours")
    ours = bp.read_our_pairs(tmp_path / "ours")
    wire = ("meridian/fisheries-pact", "report/harbour-gazette")
    assert wire in peer and wire in ours
    # The background pieces share no passage with anything: every pair involves the wire story.
    assert all("meridian/fisheries-pact" in pair for pair in peer)
    stats = bp.overlap(peer, ours)
    assert stats["both"] >= 1
    assert stats["recall_of_ours_against_passim"] == 1.0
