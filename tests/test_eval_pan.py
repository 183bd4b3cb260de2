"""PAN measures on hand-computed cases, corpus reading, detection XML, and the runner."""

from __future__ import annotations

import json
import random
from math import log2
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.errors import CorpusError
from wiretrace.eval.pan import (
    TruthKind,
    detection_file_name,
    read_annotations,
    read_corpus,
    read_detections_dir,
    run_pan,
    score_detections,
    write_detections,
)
from wiretrace.eval.plagdet import (
    Annotation,
    case_measures,
    char_measures,
    detects,
    pair_measures,
    plagdet_score,
)

SUSP = "suspicious-document00001.txt"
SRC = "source-document00001.txt"


def ann(t0: int, t1: int, s0: int, s1: int, susp: str = SUSP, src: str = SRC) -> Annotation:
    """An annotation from half-open ranges: suspicious [t0, t1), source [s0, s1)."""
    return Annotation(susp, src, t0, t1 - t0, s0, s1 - s0)


# --------------------------------------------------------------------------------------------
# Character-level measures, computed by hand
# --------------------------------------------------------------------------------------------


def test_perfect_detection() -> None:
    case = ann(0, 100, 500, 600)
    m = char_measures([case], [case])
    # |s| = 100 + 100 = 200, s ∩ r = 200 -> rec = 1, prec = 1, gran = 1, plagdet = 1 / log2(2)
    assert (m.recall, m.precision, m.granularity, m.plagdet) == (1.0, 1.0, 1.0, 1.0)
    assert (m.cases, m.detections, m.detected_cases) == (1, 1, 1)


def test_half_covered_case() -> None:
    case = ann(0, 100, 0, 100)
    det = ann(0, 50, 0, 50)
    m = char_measures([case], [det])
    # s ∩ r = 50 susp + 50 source = 100 of |s| = 200 -> rec = 0.5
    # r is entirely inside s: 100 of |r| = 100 -> prec = 1; one detection -> gran = 1
    # F1 = 2 * 1 * 0.5 / 1.5 = 2/3; plagdet = (2/3) / log2(2) = 2/3
    assert m.recall == pytest.approx(0.5)
    assert m.precision == pytest.approx(1.0)
    assert m.granularity == 1.0
    assert m.plagdet == pytest.approx(2 / 3)


def test_case_split_into_two_detections() -> None:
    case = ann(0, 100, 200, 300)
    first, second = ann(0, 50, 200, 250), ann(50, 100, 250, 300)
    m = char_measures([case], [first, second])
    # the union of (s ∩ r1) and (s ∩ r2) covers all 200 chars -> rec = 1; each r is inside s
    # -> prec = (1 + 1) / 2 = 1; two detections detect the case -> gran = 2
    # plagdet = F1 / log2(1 + 2) = 1 / 1.58496 = 0.63093
    assert m.recall == pytest.approx(1.0)
    assert m.precision == pytest.approx(1.0)
    assert m.granularity == 2.0
    assert m.plagdet == pytest.approx(1 / log2(3))
    assert m.plagdet == pytest.approx(0.63093, abs=1e-5)


def test_overlapping_detections_count_each_char_once() -> None:
    case = ann(0, 100, 0, 100)
    first, second = ann(0, 60, 0, 60), ann(40, 100, 40, 100)
    m = char_measures([case], [first, second])
    # union on each side is [0, 100): 100 + 100 = 200 of 200 -> rec = 1 (not 240/200)
    assert m.recall == pytest.approx(1.0)
    assert m.granularity == 2.0


def test_false_detection_in_another_pair() -> None:
    case = ann(0, 100, 0, 100)
    good = ann(0, 100, 0, 100)
    false = ann(0, 40, 0, 60, susp="suspicious-document00002.txt")
    m = char_measures([case], [good, false])
    # the false detection is in another pair: it detects nothing -> its precision is 0/100
    # prec = (1 + 0) / 2 = 0.5; rec = 1; gran = 1; F1 = 2 * 0.5 * 1 / 1.5 = 2/3
    assert m.precision == pytest.approx(0.5)
    assert m.recall == pytest.approx(1.0)
    assert m.plagdet == pytest.approx(2 / 3)


def test_same_susp_other_source_does_not_detect() -> None:
    case = ann(0, 100, 0, 100)
    other_source = ann(0, 100, 0, 100, src="source-document00002.txt")
    assert not detects(other_source, case)
    m = char_measures([case], [other_source])
    assert (m.recall, m.precision, m.detected_cases) == (0.0, 0.0, 0)


def test_overlap_on_susp_side_only_does_not_detect() -> None:
    case = ann(0, 100, 0, 100)
    det = ann(0, 100, 500, 600)  # same susp range, disjoint source range
    assert not detects(det, case)
    m = char_measures([case], [det])
    # nothing detected: rec = 0, prec = 0, gran = 1 (no detected case), plagdet = 0
    assert (m.recall, m.precision, m.granularity, m.plagdet) == (0.0, 0.0, 1.0, 0.0)


def test_touching_ranges_do_not_overlap() -> None:
    case = ann(0, 100, 0, 100)
    assert not detects(ann(100, 200, 50, 150), case)  # [100, 200) shares no char with [0, 100)
    assert detects(ann(99, 200, 99, 150), case)


def test_recall_is_macro_over_cases() -> None:
    small = ann(0, 100, 0, 100)  # 200 chars, fully detected
    large = ann(1000, 2000, 1000, 2000)  # 2000 chars, missed
    m = char_measures([small, large], [small])
    # macro: (1 + 0) / 2 = 0.5, not the char-weighted 200 / 2200
    assert m.recall == pytest.approx(0.5)
    assert m.precision == pytest.approx(1.0)
    assert m.detected_cases == 1


def test_precision_takes_union_over_cases() -> None:
    # one detection spanning two adjacent cases: both parts of it are covered
    c1, c2 = ann(0, 50, 0, 50), ann(50, 100, 50, 100)
    det = ann(0, 100, 0, 100)
    m = char_measures([c1, c2], [det])
    # prec = |(c1 ∩ r) ∪ (c2 ∩ r)| / |r| = (100 + 100) / 200 = 1; each case fully covered
    # gran = (1 + 1) / 2 = 1
    assert (m.precision, m.recall, m.granularity) == (1.0, 1.0, 1.0)


def test_edge_cases() -> None:
    case = ann(0, 100, 0, 100)
    nothing = char_measures([], [])
    assert (nothing.plagdet, nothing.precision, nothing.recall, nothing.granularity) == (1, 1, 1, 1)
    missed = char_measures([case], [])
    assert (missed.plagdet, missed.precision, missed.recall, missed.granularity) == (0, 0, 0, 1)
    spurious = char_measures([], [case])
    assert (spurious.plagdet, spurious.precision, spurious.recall) == (0, 0, 0)
    assert plagdet_score(0.0, 0.0, 1.0) == 0.0


def test_plagdet_formula() -> None:
    # F1(0.8, 0.6) = 0.96 / 1.4 = 0.685714; / log2(1 + 1.5) = / 1.321928 -> 0.518723
    assert plagdet_score(0.8, 0.6, 1.5) == pytest.approx(0.96 / 1.4 / log2(2.5))
    assert plagdet_score(0.8, 0.6, 1.5) == pytest.approx(0.518723, abs=1e-6)


# --------------------------------------------------------------------------------------------
# Case and pair level
# --------------------------------------------------------------------------------------------


def test_case_recall_threshold_at_exactly_half() -> None:
    case = ann(0, 100, 0, 200)
    exactly_half = ann(0, 50, 0, 100)  # 50/100 susp, 100/200 source: found (>= 50%)
    assert case_measures([case], [exactly_half]).recall == 1.0
    source_short = ann(0, 50, 0, 99)  # 99/200 = 49.5% of the source side: not found
    assert case_measures([case], [source_short]).recall == 0.0
    susp_short = ann(0, 49, 0, 200)  # 49% of the susp side, 100% source: not found
    assert case_measures([case], [susp_short]).recall == 0.0


def test_case_recall_pools_the_detections_of_a_case() -> None:
    case = ann(0, 100, 0, 100)
    # each piece covers 30%; together 60% on both sides
    pieces = [ann(0, 30, 0, 30), ann(60, 90, 60, 90)]
    assert case_measures([case], pieces[:1]).recall == 0.0
    m = case_measures([case], pieces)
    assert (m.recall, m.found, m.cases) == (1.0, 1, 1)
    # each piece lies inside the case: both detections are correct
    assert (m.precision, m.correct) == (1.0, 2)


def test_case_recall_over_several_cases() -> None:
    found = ann(0, 100, 0, 100)
    missed = ann(500, 600, 500, 600)
    m = case_measures([found, missed], [ann(0, 80, 0, 80), ann(500, 520, 500, 520)])
    # case 1: 80% per side -> found; case 2: 20% -> missed -> recall 1/2
    assert m.recall == 0.5
    # detection 1 inside case 1, detection 2 inside case 2: both correct at >= 50% of their chars
    assert m.precision == 1.0


def test_pair_detection_rate() -> None:
    pairs = [("a", "x"), ("a", "y"), ("b", "x"), ("c", "z")]
    dets = {("a", "x"): [ann(0, 10, 0, 10, "a", "x")], ("b", "x"): []}
    m = pair_measures(pairs, dets)
    # one of four pairs has a detection
    assert (m.pairs, m.detected, m.rate) == (4, 1, 0.25)
    assert pair_measures([], dets).rate == 0.0


# --------------------------------------------------------------------------------------------
# Interval arithmetic against an obviously correct set-of-characters reference
# --------------------------------------------------------------------------------------------


def _chars(a: Annotation) -> set[tuple[str, str, int]]:
    return {(a.susp, "t", i) for i in range(a.this_offset, a.this_end)} | {
        (a.src, "s", i) for i in range(a.source_offset, a.source_end)
    }


def _reference(cases: list[Annotation], dets: list[Annotation]) -> tuple[float, float, float]:
    def overlaps(r: Annotation, s: Annotation) -> bool:
        this = set(range(r.this_offset, r.this_end)) & set(range(s.this_offset, s.this_end))
        src = set(range(r.source_offset, r.source_end)) & set(range(s.source_offset, s.source_end))
        return r.pair == s.pair and bool(this) and bool(src)

    recalls, counts = [], []
    for s in cases:
        hits = [r for r in dets if overlaps(r, s)]
        union: set[tuple[str, str, int]] = set()
        for r in hits:
            union |= _chars(s) & _chars(r)
        recalls.append(len(union) / len(_chars(s)))
        if hits:
            counts.append(len(hits))
    precisions = []
    for r in dets:
        union = set()
        for s in cases:
            if overlaps(r, s):
                union |= _chars(s) & _chars(r)
        precisions.append(len(union) / len(_chars(r)))
    return (
        sum(precisions) / len(precisions),
        sum(recalls) / len(recalls),
        sum(counts) / len(counts) if counts else 1.0,
    )


_ranges = st.tuples(st.integers(0, 60), st.integers(1, 40), st.integers(0, 60), st.integers(1, 40))
_annotations = st.lists(
    st.tuples(st.sampled_from([("s1", "r1"), ("s1", "r2"), ("s2", "r1")]), _ranges).map(
        lambda x: Annotation(x[0][0], x[0][1], x[1][0], x[1][1], x[1][2], x[1][3])
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(cases=_annotations, dets=_annotations)
def test_measures_match_set_reference(cases: list[Annotation], dets: list[Annotation]) -> None:
    m = char_measures(cases, dets)
    precision, recall, granularity = _reference(cases, dets)
    assert m.precision == pytest.approx(precision)
    assert m.recall == pytest.approx(recall)
    assert m.granularity == pytest.approx(granularity)


# --------------------------------------------------------------------------------------------
# Detection XML
# --------------------------------------------------------------------------------------------


def test_detection_xml_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "dets"
    dets = (ann(10, 110, 20, 125), ann(300, 350, 0, 50))
    path = write_detections(out, SUSP, SRC, dets)
    assert path.name == "suspicious-document00001-source-document00001.xml"
    empty = write_detections(out, SUSP, "source-document00002.txt", ())
    assert empty.is_file()
    assert empty.name == "suspicious-document00001-source-document00002.xml"

    reference, read_back = read_annotations(path, "detected-plagiarism")
    assert reference == SUSP
    assert read_back == dets
    assert read_annotations(empty, "detected-plagiarism") == (SUSP, ())
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f'<document reference="{SUSP}">')
    assert text.count('name="detected-plagiarism"') == 2
    assert 'this_offset="10" this_length="100"' in text
    assert f'source_reference="{SRC}" source_offset="20" source_length="105"' in text

    both = read_detections_dir(out, [(SUSP, SRC), (SUSP, "source-document00002.txt")])
    assert both == {(SUSP, SRC): dets, (SUSP, "source-document00002.txt"): ()}
    with pytest.raises(CorpusError, match="missing detection file"):
        read_detections_dir(out, [(SUSP, "source-document00003.txt")])


def test_detection_file_name() -> None:
    assert detection_file_name(SUSP, SRC) == "suspicious-document00001-source-document00001.xml"


# --------------------------------------------------------------------------------------------
# A small synthetic corpus on disk
# --------------------------------------------------------------------------------------------

# 2,000 made-up words of 3 to 8 letters. (One generator for them all: a generator seeded
# afresh for each letter made every word one letter repeated, 156 words in all, and then two
# "unrelated" texts shared most of their words.)
_VOCAB_RNG = random.Random(20240613)
_VOCAB = [
    "".join(_VOCAB_RNG.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(3 + i % 6))
    for i in range(2000)
]


def _words(rng: random.Random, n: int) -> str:
    lines = []
    for start in range(0, n, 12):
        lines.append(" ".join(rng.choice(_VOCAB) for _ in range(min(12, n - start))))
    return "\n".join(lines)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")


def _make_corpus(root: Path) -> dict[str, object]:
    """Three suspicious and four source documents in three categories.

    - 01: susp 1 / src 1 and susp 2 / src 2 share nothing;
    - 02: susp 1 / src 3 holds one verbatim case, susp 3 / src 4 holds two;
    - 03: susp 2 / src 3 shares a passage, but that category has no truth XML.
    """
    rng = random.Random(7)
    src = {i: _words(rng, 400) for i in range(1, 5)}
    passage = src[3][300:1100]
    passage = passage[passage.index(" ") + 1 : passage.rindex(" ")]
    head, tail = _words(rng, 150), _words(rng, 150)
    susp1 = head + "\n" + passage + "\n" + tail
    p1 = src[4][100:700]
    p2 = src[4][1500:2100]
    p1 = p1[p1.index(" ") + 1 : p1.rindex(" ")]
    p2 = p2[p2.index(" ") + 1 : p2.rindex(" ")]
    susp3 = _words(rng, 100) + "\n" + p2 + "\n" + _words(rng, 100) + "\n" + p1 + "\n"
    susp2 = _words(rng, 300) + "\n" + src[3][2000:2600] + "\n"
    texts = {
        "susp/suspicious-document00001.txt": susp1,
        "susp/suspicious-document00002.txt": susp2,
        "susp/suspicious-document00003.txt": susp3,
        **{f"src/source-document0000{i}.txt": t for i, t in src.items()},
    }
    for name, text in texts.items():
        _write(root / name, text)
    pairs = {
        "01-no-plagiarism": [("1", "1"), ("2", "2")],
        "02-no-obfuscation": [("1", "3"), ("3", "4")],
        "03-random-obfuscation": [("2", "3")],
    }
    lines = []
    for folder, items in pairs.items():
        rows = [f"suspicious-document0000{s}.txt source-document0000{r}.txt" for s, r in items]
        _write(root / folder / "pairs", "\n".join(rows) + "\n")
        lines.extend(rows)
    _write(root / "pairs", "\n".join(lines) + "\n")

    def feature(t_off: int, t_len: int, s_off: int, s_len: int, src_name: str) -> str:
        return (
            f'<feature name="plagiarism" obfuscation="none" source_length="{s_len}" '
            f'source_offset="{s_off}" source_reference="{src_name}" this_length="{t_len}" '
            f'this_offset="{t_off}" type="artificial" />'
        )

    s3 = "source-document00003.txt"
    s4 = "source-document00004.txt"
    xml1 = feature(susp1.index(passage), len(passage), src[3].index(passage), len(passage), s3)
    xml3 = "\n".join(feature(susp3.index(p), len(p), src[4].index(p), len(p), s4) for p in (p2, p1))
    for susp_name, src_name, body in (
        ("suspicious-document00001", "source-document00003", xml1),
        ("suspicious-document00003", "source-document00004", xml3),
    ):
        _write(
            root / "02-no-obfuscation" / f"{susp_name}-{src_name}.xml",
            f'<document reference="{susp_name}.txt">\n{body}\n</document>\n',
        )
    return {"susp1": susp1, "passage": passage}


def test_read_corpus(tmp_path: Path) -> None:
    _make_corpus(tmp_path)
    corpus = read_corpus(tmp_path)
    kinds = {c.name: c.truth for c in corpus.categories}
    assert kinds == {
        "01-no-plagiarism": TruthKind.KNOWN_EMPTY,
        "02-no-obfuscation": TruthKind.XML,
        "03-random-obfuscation": TruthKind.UNAVAILABLE,
    }
    assert len(corpus.cases) == 3
    assert [p.src for p in corpus.categories[1].pairs] == [
        "source-document00003.txt",
        "source-document00004.txt",
    ]
    sub = corpus.select(["02", "no-plagiarism"], limit_per_category=1)
    assert [c.name for c in sub.categories] == ["02-no-obfuscation", "01-no-plagiarism"]
    assert [len(c.pairs) for c in sub.categories] == [1, 1]
    assert len(sub.cases) == 1  # only the case of the first 02 pair is kept
    with pytest.raises(CorpusError, match="no category '07'"):
        corpus.select(["07"])


def test_run_pan_on_synthetic_corpus(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    _make_corpus(root)
    out = tmp_path / "dets"
    seen: list[tuple[int, int]] = []
    report = run_pan(root, detections_dir=out, progress=lambda d, t: seen.append((d, t)))
    s = report.scores
    by_name = {c.name: c for c in s.categories}
    # verbatim copies of whole words: found exactly, one detection each
    assert by_name["02-no-obfuscation"].char is not None
    assert by_name["02-no-obfuscation"].char.plagdet == pytest.approx(1.0)
    assert by_name["02-no-obfuscation"].pairs.rate == 1.0
    assert by_name["01-no-plagiarism"].pairs.detected == 0
    assert s.false_positive_rate == 0.0
    # the 03 pair is detected but, without truth, it is not counted against precision
    assert by_name["03-random-obfuscation"].pairs.detected == 1
    assert by_name["03-random-obfuscation"].char is None
    assert s.char.precision == pytest.approx(1.0)
    assert s.case.recall == 1.0
    assert seen[-1] == (5, 5)
    assert report.pairs == 5

    # one file per pair, the two 01 pairs with no detection included
    assert len(list(out.glob("*.xml"))) == 5
    assert (
        read_annotations(
            out / "suspicious-document00001-source-document00001.xml", "detected-plagiarism"
        )[1]
        == ()
    )
    assert score_detections(root, out) == s

    data = report.to_dict()
    json.dumps(data)
    assert data["pairs"] == 5
    table = report.format_table()
    assert "02-no-obfuscation" in table
    assert "false-positive pair rate (01-no-plagiarism): 0.0000" in table


def test_workers_give_identical_results(tmp_path: Path) -> None:
    _make_corpus(tmp_path)
    one = run_pan(tmp_path, workers=1)
    two = run_pan(tmp_path, workers=2)
    assert one.results == two.results
    assert one.scores == two.scores


def test_limit_per_category(tmp_path: Path) -> None:
    _make_corpus(tmp_path)
    report = run_pan(tmp_path, categories=["02-no-obfuscation"], limit_per_category=1)
    assert [r.pair.susp for r in report.results] == ["suspicious-document00001.txt"]
    assert report.scores.char.cases == 1


# --------------------------------------------------------------------------------------------
# Bad corpora
# --------------------------------------------------------------------------------------------


def test_missing_corpus_folder(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="corpus folder not found"):
        read_corpus(tmp_path / "nope")


def test_missing_susp_folder(tmp_path: Path) -> None:
    _make_corpus(tmp_path)
    for f in (tmp_path / "susp").iterdir():
        f.unlink()
    (tmp_path / "susp").rmdir()
    with pytest.raises(CorpusError, match=r"susp: missing folder of texts"):
        read_corpus(tmp_path)


def test_missing_category_pairs(tmp_path: Path) -> None:
    _make_corpus(tmp_path)
    (tmp_path / "03-random-obfuscation" / "pairs").unlink()
    with pytest.raises(CorpusError, match=r"03-random-obfuscation/pairs: missing pairs file"):
        read_corpus(tmp_path)


def test_malformed_pairs_line(tmp_path: Path) -> None:
    _make_corpus(tmp_path)
    path = tmp_path / "pairs"
    path.write_text(path.read_text() + "just-one-name.txt\n")
    with pytest.raises(CorpusError, match=r"pairs:6: expected one pair a line"):
        read_corpus(tmp_path)


def test_pair_naming_a_missing_text(tmp_path: Path) -> None:
    _make_corpus(tmp_path)
    (tmp_path / "src" / "source-document00002.txt").unlink()
    with pytest.raises(CorpusError, match=r"source-document00002\.txt"):
        read_corpus(tmp_path)


def test_missing_truth_file(tmp_path: Path) -> None:
    _make_corpus(tmp_path)
    (tmp_path / "02-no-obfuscation" / "suspicious-document00003-source-document00004.xml").unlink()
    with pytest.raises(CorpusError, match="missing truth file"):
        read_corpus(tmp_path)


def test_malformed_truth_xml(tmp_path: Path) -> None:
    _make_corpus(tmp_path)
    path = tmp_path / "02-no-obfuscation" / "suspicious-document00001-source-document00003.xml"
    path.write_text('<document reference="suspicious-document00001.txt">\n<feature')
    with pytest.raises(CorpusError, match="not well-formed XML"):
        read_corpus(tmp_path)
    path.write_text(
        '<document reference="suspicious-document00001.txt"><feature name="plagiarism" '
        'source_reference="source-document00003.txt" this_offset="x" this_length="1" '
        'source_offset="0" source_length="1"/></document>'
    )
    with pytest.raises(CorpusError, match="this_offset"):
        read_corpus(tmp_path)


def test_text_that_is_not_utf8(tmp_path: Path) -> None:
    _make_corpus(tmp_path)
    bad = tmp_path / "src" / "source-document00002.txt"
    bad.write_bytes(b"caf\xe9 au lait " * 20)
    with pytest.raises(CorpusError, match=r"source-document00002.txt: not valid UTF-8 at byte 3"):
        run_pan(tmp_path, categories=["01"])
