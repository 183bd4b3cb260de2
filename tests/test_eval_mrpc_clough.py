"""MRPC and Clough short-answer evaluation: unit tests on toy inputs, and quality floors.

The floors are measured values minus a small slack (MRPC 0.01, Clough 0.02). Raise a floor
when the matcher or the trace improves; never lower one quietly. Each real-data test also
checks that we beat the baseline computed in the same run. Together they take a few seconds.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from research.mrpc.features import lexical_features, sentence_similarity, sentence_terms
from research.mrpc.fit import (
    LOGISTIC_FEATURES,
    cross_validate,
    fit_linear_rule,
    fit_logistic,
    fit_logistic_matcher,
    fit_threshold,
)
from wiretrace.errors import CorpusError
from wiretrace.eval.clough import (
    CATEGORIES,
    CloughReport,
    TieredRule,
    copied_share,
    decode_text,
    distribution,
    fit_tiered_rule,
    ngram_containment,
    read_clough,
    run_clough,
)
from wiretrace.eval.mrpc import MrpcReport, binary_scores, read_mrpc, run_mrpc
from wiretrace.model import Passage, PassageKind, Span
from wiretrace.semantic import EXTRA_HINT, semantic_available

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
MRPC_DIR = SHARED_DATA / "mrpc"
CLOUGH_DIR = SHARED_DATA / "clough-short-answers"

# Measured on 2026-11-29 at 02:29 UTC (BENCHMARKS.md, "MRPC" and "Clough short answers").
# The Clough figure follows the trace code (candidates, aligners, kinds); re-measure with
# run_clough when they change, and raise the floor when the figure rises.
MRPC_ACCURACY_FLOOR = 0.720  # measured 0.7304
MRPC_F1_FLOOR = 0.802  # measured 0.8120
# The logistic matcher over LOGISTIC_FEATURES, and with the MiniLM embedding cosine added:
# measured on 2026-11-29 at 06:10 UTC (the mrpc module docstring; not yet in BENCHMARKS.md).
MRPC_LOGISTIC_ACCURACY_FLOOR = 0.748  # measured 0.7588
MRPC_LOGISTIC_F1_FLOOR = 0.812  # measured 0.8225
MRPC_SEMANTIC_ACCURACY_FLOOR = 0.750  # measured 0.7600
MRPC_SEMANTIC_F1_FLOOR = 0.820  # measured 0.8309
# Lowered on 2026-12-04, not quietly: issue 14's sentence-edge rule (a word passage a few
# words short of its sentence's edge runs on to it, so that a changed name, number or
# negation there is an edit) takes the changed words at the edges of the Clough answers into
# their passages. Coverage rises and the copied share falls for 12 of the 95 answers, and the
# refitted rule gets 0.7325 (was 0.7544). Every way of narrowing the rule that keeps this
# floor (passage similarity at least 0.88 or 0.9) breaks a drift recall floor (negation
# 0.874 against 0.90); see BENCHMARKS.md, "Fact drift". Measured minus 0.02, as before.
CLOUGH_MEAN_ACCURACY_FLOOR = 0.712  # measured 0.7325 (mean of abc->de and de->abc)


# --------------------------------------------------------------------------------------------
# MRPC: fitting and features
# --------------------------------------------------------------------------------------------


def test_fit_threshold_separates_at_the_midpoint() -> None:
    fit = fit_threshold([0.1, 0.2, 0.3, 0.7, 0.8, 0.9], [0, 0, 0, 1, 1, 1])
    assert fit.threshold == pytest.approx(0.5)
    assert fit.train_accuracy == 1.0
    assert fit.margin == pytest.approx(0.2)


def test_fit_threshold_breaks_ties_on_the_widest_gap() -> None:
    # Cutting at 0.15 or at 0.7 both get 3 of 4 right; the gap around 0.7 is wider.
    fit = fit_threshold([0.1, 0.2, 0.5, 0.9], [0, 1, 0, 1])
    assert fit.train_accuracy == 0.75
    assert fit.threshold == pytest.approx(0.7)


def test_fit_threshold_with_one_class_predicts_it_everywhere() -> None:
    fit = fit_threshold([0.3, 0.6], [1, 1])
    assert fit.threshold < 0.3
    assert fit.train_accuracy == 1.0
    with pytest.raises(ValueError):
        fit_threshold([], [])


def test_fit_linear_rule_takes_the_smallest_weight_that_separates() -> None:
    first = [0.5, 0.5, 0.65, 0.4]
    second = [0.0, 1.0, 0.0, 1.0]
    labels = [0, 1, 0, 1]
    assert fit_threshold(first, labels).train_accuracy < 1.0
    rule = fit_linear_rule(first, second, labels)
    assert rule.weight == pytest.approx(0.3)
    assert rule.train_accuracy == 1.0
    assert rule.threshold == pytest.approx(0.675)


def test_binary_scores() -> None:
    s = binary_scores([True, True, False, False], [1, 0, 1, 0])
    assert (s.accuracy, s.precision, s.recall, s.f1) == (0.5, 0.5, 0.5, 0.5)
    assert binary_scores([False, False], [1, 0]).f1 == 0.0


def test_sentence_similarity_sees_aliases_and_stems() -> None:
    f = sentence_similarity(
        "Russia signed the treaties on Monday.", "The Russian Federation signs the treaty Monday."
    )
    assert f.containment == 1.0
    assert f.dice == 1.0
    assert f.cosine == pytest.approx(1.0)
    assert f.word_similarity > 0.8
    other = sentence_similarity("Russia signed the treaty.", "Shares fell sharply in Tokyo.")
    assert other.containment == other.dice == 0.0
    assert other.word_similarity < 0.5


def test_fit_logistic_matches_the_closed_form_for_one_binary_feature() -> None:
    # Unpenalised, one 0/1 feature: the fitted probabilities are the two groups' label means,
    # so the intercept is logit(3/10) and the weight logit(8/10) - logit(3/10).
    x = np.array([0.0] * 10 + [1.0] * 10)
    y = np.array([1] * 3 + [0] * 7 + [1] * 8 + [0] * 2)
    model = fit_logistic(x, y, l2=0.0)

    def logit(p: float) -> float:
        return math.log(p / (1 - p))

    assert model.raw_intercept == pytest.approx(logit(0.3), abs=1e-8)
    assert model.coefficients[0] == pytest.approx(logit(0.8) - logit(0.3), abs=1e-8)
    assert model.probability(np.array([[0.0], [1.0]])) == pytest.approx([0.3, 0.8], abs=1e-8)


def test_fit_logistic_recovers_the_weights_it_was_drawn_from() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(20_000, 3))
    true = np.array([2.0, -1.0, 0.0])
    y = (rng.random(20_000) < 1 / (1 + np.exp(-(x @ true + 0.5)))).astype(np.int64)
    model = fit_logistic(x, y, l2=1.0)
    assert model.coefficients == pytest.approx(true, abs=0.1)
    assert model.raw_intercept == pytest.approx(0.5, abs=0.1)


def test_fit_logistic_on_separable_data_is_finite_signed_and_deterministic() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 2))
    y = (x[:, 0] < 0).astype(np.int64)  # the first feature alone separates, downwards
    first, again = fit_logistic(x, y), fit_logistic(x, y)
    assert np.isfinite(first.weights).all()
    assert first.weights[0] < 0
    assert abs(first.weights[0]) > 5 * abs(first.weights[1])
    assert np.array_equal(first.weights, again.weights)
    assert first.intercept == again.intercept
    matcher = fit_logistic_matcher(x, y, ("signal", "noise"))
    assert matcher.train_accuracy == 1.0
    assert matcher.predict(np.array([[-1.0, 0.0], [1.0, 0.0]])).tolist() == [True, False]
    assert "signal" in matcher.describe()
    assert cross_validate(x, y) == cross_validate(x, y) >= 0.95
    with pytest.raises(ValueError):
        fit_logistic(x, y[:-1])


def test_lexical_features_are_symmetric_and_read_numbers_and_names() -> None:
    a = sentence_terms("Shares of Acme rose 2,500 points on Monday, analysts said.")
    b = sentence_terms("On Monday Acme shares didn't rise 2500 points.")
    ab, ba = lexical_features(a, b), lexical_features(b, a)
    assert ab == ba
    assert set(LOGISTIC_FEATURES) <= set(ab)
    assert a.numbers == b.numbers == frozenset({"2500"})
    assert ab["numbers_agree"] == 1.0 and ab["numbers_unmatched"] == 0.0
    assert "acm" in a.names and "shares" not in " ".join(a.names)  # the first word is no name
    assert ab["negation_mismatch"] == 1.0


def test_read_mrpc_checks_the_format(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    header = "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n"
    good.write_bytes(("\ufeff" + header + "1\t1\t2\tA cat sat.\tA cat sat down.\n").encode())
    pairs = read_mrpc(good)
    assert [(p.label, p.sentence1, p.line) for p in pairs] == [(1, "A cat sat.", 2)]
    bad = tmp_path / "bad.txt"
    bad.write_text("1\t1\t2\tonly four columns\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad\.txt:1: 4 tab-separated columns"):
        read_mrpc(bad)
    label = tmp_path / "label.txt"
    label.write_text("1\t1\t2\ta\tb\nyes\t1\t2\ta\tb\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"label\.txt:2: label 'yes'"):
        read_mrpc(label)


# --------------------------------------------------------------------------------------------
# Clough: rules, measures and files
# --------------------------------------------------------------------------------------------


def test_tiered_rule_classifies_in_order() -> None:
    rule = TieredRule("coverage", "copied", non_below=0.1, light_at=0.6, cut_at=0.9)
    assert [rule.classify(g, s) for g, s in [(0.05, 1.0), (0.5, 0.95), (0.5, 0.7), (0.5, 0.2)]] == [
        "non",
        "cut",
        "light",
        "heavy",
    ]


def test_fit_tiered_rule_recovers_a_toy_table() -> None:
    # gate separates non from the rest; score orders heavy < light < cut.
    table = [
        (0.0, 0.0, "non"),
        (0.02, 0.5, "non"),
        (0.5, 0.3, "heavy"),
        (0.6, 0.4, "heavy"),
        (0.9, 0.7, "light"),
        (0.8, 0.75, "light"),
        (1.0, 0.95, "cut"),
        (0.4, 0.99, "cut"),
    ]
    gate, score, labels = zip(*table, strict=True)
    rule, accuracy = fit_tiered_rule(gate, score, labels, ("coverage", "copied"))
    assert accuracy == 1.0
    assert rule.non_below == pytest.approx((0.02 + 0.4) / 2)
    # Between 0.5 (a non answer's score counts too) and 0.7: the wider of the two gaps.
    assert rule.light_at == pytest.approx((0.5 + 0.7) / 2)
    assert rule.cut_at == pytest.approx((0.75 + 0.95) / 2)
    assert [rule.classify(g, s) for g, s, _ in table] == list(labels)
    with pytest.raises(ValueError, match="unknown labels"):
        fit_tiered_rule([0.1], [0.1], ["copied"])


def test_fit_tiered_rule_with_one_measure_is_three_ordered_thresholds() -> None:
    values = [0.01, 0.02, 0.2, 0.3, 0.5, 0.6, 0.8, 0.9]
    labels = ["non", "non", "heavy", "heavy", "light", "light", "cut", "cut"]
    rule, accuracy = fit_tiered_rule(values, values, labels)
    assert accuracy == 1.0
    assert rule.non_below <= rule.light_at <= rule.cut_at


def test_ngram_containment() -> None:
    assert ngram_containment("a b c d", "x a b c d y") == 1.0
    assert ngram_containment("a b c x", "a b c d") == 0.5
    assert ngram_containment("a b", "a b c") == 0.0


def test_copied_share_counts_words_matched_in_order() -> None:
    source = "The model ranks pages by the links that point to them."
    answer = "The model ranks web pages by links pointing to them."
    passage = Passage(Span(0, len(answer)), "src", Span(0, len(source)), 0.7, PassageKind.REWRITTEN)
    share = copied_share(answer, [passage], {"src": source})
    # Matched in order: the model ranks pages by links to them (8 of 10 words).
    assert share == pytest.approx(0.8)
    assert copied_share(answer, [], {"src": source}) == 0.0


def test_distribution_quartiles() -> None:
    d = distribution([0.0, 1.0, 2.0, 3.0, 4.0])
    assert (d.n, d.mean, d.q1, d.median, d.q3, d.maximum) == (5, 2.0, 1.0, 2.0, 3.0, 4.0)


def test_decode_text_falls_back_to_windows_1252_and_reports_it(tmp_path: Path) -> None:
    utf8 = tmp_path / "u.txt"
    utf8.write_bytes("\ufeffit\u2019s".encode())
    assert decode_text(utf8) == ("it\u2019s", "utf-8")
    legacy = tmp_path / "w.txt"
    legacy.write_bytes(b"it\x92s \x93kind of\x94")
    assert decode_text(legacy) == ("it\u2019s \u201ckind of\u201d", "cp1252")
    broken = tmp_path / "b.txt"
    broken.write_bytes(b"\xff\x81")
    with pytest.raises(CorpusError, match=r"b\.txt: neither UTF-8"):
        decode_text(broken)


def _toy_corpus(root: Path, rows: list[str]) -> Path:
    folder = root / "corpus-20090418"
    folder.mkdir(parents=True)
    for task in "abcde":
        (folder / f"orig_task{task}.txt").write_text(f"Source text of task {task}.")
    (folder / "g0pA_taska.txt").write_text("An answer.")
    (folder / "stray.txt").write_text("Not listed anywhere.")
    (root / "file_information.csv").write_text(
        "File,Group,Person,Task,Category\n" + "".join(r + "\n" for r in rows)
    )
    return root


def test_read_clough_names_unlisted_files_and_rejects_bad_rows(tmp_path: Path) -> None:
    ok = _toy_corpus(tmp_path / "ok", ["g0pA_taska.txt,0,A,a,cut"])
    corpus = read_clough(ok)
    assert [a.file for a in corpus.answers] == ["g0pA_taska.txt"]
    assert corpus.unlisted == ("stray.txt",)
    missing = _toy_corpus(
        tmp_path / "missing", ["g0pA_taska.txt,0,A,a,cut", "g9pZ_taskb.txt,9,Z,b,non"]
    )
    with pytest.raises(CorpusError, match=r"file_information\.csv:3: .*g9pZ_taskb\.txt is listed"):
        read_clough(missing)
    label = _toy_corpus(tmp_path / "label", ["g0pA_taska.txt,0,A,a,copied"])
    with pytest.raises(CorpusError, match="category 'copied'"):
        read_clough(label)
    task = _toy_corpus(tmp_path / "task", ["g0pA_taska.txt,0,A,b,cut"])
    with pytest.raises(CorpusError, match="listed under task 'b'"):
        read_clough(task)


# --------------------------------------------------------------------------------------------
# Quality floors on the real data
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mrpc_report() -> MrpcReport:
    if not MRPC_DIR.is_dir():
        pytest.skip(f"needs MRPC at {MRPC_DIR} (the project's shared data folder, present in CI)")
    return run_mrpc(MRPC_DIR)


@pytest.fixture(scope="module")
def clough_report() -> CloughReport:
    if not CLOUGH_DIR.is_dir():
        pytest.skip(
            f"needs the Clough short answers at {CLOUGH_DIR} (the project's shared data "
            "folder, present in CI)"
        )
    return run_clough(CLOUGH_DIR)


def test_mrpc_reads_every_pair(mrpc_report: MrpcReport) -> None:
    r = mrpc_report
    assert (r.train_pairs, r.train_positive) == (4076, 2753)
    assert (r.test_pairs, r.test_positive) == (1725, 1147)


def test_mrpc_rule_holds_its_floors_and_beats_the_baseline(mrpc_report: MrpcReport) -> None:
    rule, base = mrpc_report.rule.test, mrpc_report.baseline.test
    assert rule.accuracy >= MRPC_ACCURACY_FLOOR
    assert rule.f1 >= MRPC_F1_FLOOR
    assert rule.accuracy > base.accuracy
    assert rule.f1 > base.f1


def test_mrpc_logistic_matcher_holds_its_floors_and_beats_the_rules(
    mrpc_report: MrpcReport,
) -> None:
    r = mrpc_report
    ours, base, rule = r.logistic.test, r.baseline.test, r.rule.test
    table = r.format_table()
    assert ours.accuracy >= MRPC_LOGISTIC_ACCURACY_FLOOR, table
    assert ours.f1 >= MRPC_LOGISTIC_F1_FLOOR, table
    assert ours.accuracy > max(base.accuracy, rule.accuracy), table
    assert ours.f1 > base.f1, table
    assert r.logistic_fit.model.features == LOGISTIC_FEATURES
    summary = r.to_dict()
    assert summary["logistic"]["test_accuracy"] == round(ours.accuracy, 4)  # type: ignore[index]
    assert "semantic" not in summary


@pytest.mark.skipif(not semantic_available(), reason=f"needs the [semantic] extra ({EXTRA_HINT})")
@pytest.mark.slow
def test_mrpc_semantic_rows_hold_their_floors() -> None:
    if not MRPC_DIR.is_dir():
        pytest.skip(f"needs MRPC at {MRPC_DIR} (the project's shared data folder, present in CI)")
    r = run_mrpc(MRPC_DIR, semantic=True)  # encodes ~11k sentences: minutes on two cores
    alone, both = r.semantic
    table = r.format_table()
    assert both.test.accuracy >= MRPC_SEMANTIC_ACCURACY_FLOOR, table
    assert both.test.f1 >= MRPC_SEMANTIC_F1_FLOOR, table
    # The embedding cosine pays as a feature more than alone, and beats the baseline alone.
    assert both.test.accuracy > alone.test.accuracy > r.baseline.test.accuracy, table
    assert both.test.f1 > alone.test.f1 > r.baseline.test.f1, table
    assert len(r.to_dict()["semantic"]) == 2  # type: ignore[arg-type]


def test_clough_reads_every_answer_and_reports_encodings(clough_report: CloughReport) -> None:
    r = clough_report
    assert len(r.answers) == 95
    counts = {c: sum(m.category == c for m in r.answers) for c in CATEGORIES}
    assert counts == {"non": 38, "heavy": 19, "light": 19, "cut": 19}
    legacy = sorted(f for f, e in r.encodings.items() if e != "utf-8")
    assert len(legacy) == 17
    assert "g1pB_taska.txt" in legacy
    assert r.unlisted == ()


def test_clough_rule_holds_its_floor_and_beats_the_baseline(clough_report: CloughReport) -> None:
    ours, base = clough_report.trace_rule, clough_report.baseline
    assert ours.mean_accuracy >= CLOUGH_MEAN_ACCURACY_FLOOR
    assert ours.mean_accuracy > base.mean_accuracy
    assert ours.pooled_accuracy > base.pooled_accuracy


def test_clough_coverage_orders_the_classes(clough_report: CloughReport) -> None:
    median = {c: clough_report.classes[c]["coverage"].median for c in CATEGORIES}
    assert median["non"] < median["heavy"] < median["light"]
    copied = {c: clough_report.classes[c]["copied"].median for c in CATEGORIES}
    assert copied["non"] < copied["heavy"] < copied["light"] < copied["cut"]


# --------------------------------------------------------------------------------------------
# The fast fitters against slow, obviously correct references
# --------------------------------------------------------------------------------------------

_unit = st.floats(0, 1).map(lambda x: round(x, 2))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_unit, st.integers(0, 1)), min_size=1, max_size=12))
def test_fit_threshold_matches_brute_force(rows: list[tuple[float, int]]) -> None:
    scores, labels = zip(*rows, strict=True)
    fit = fit_threshold(scores, labels)
    cuts = [min(scores) - 1, *scores, max(scores) + 1]
    best = max(sum((x >= t) == bool(y) for x, y in rows) for t in cuts) / len(rows)
    assert fit.train_accuracy == pytest.approx(best)
    got = sum((x >= fit.threshold) == bool(y) for x, y in rows) / len(rows)
    assert got == pytest.approx(fit.train_accuracy)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(_unit, _unit, st.sampled_from(CATEGORIES)), min_size=1, max_size=7))
def test_fit_tiered_rule_matches_brute_force(rows: list[tuple[float, float, str]]) -> None:
    gate, score, labels = zip(*rows, strict=True)
    rule, accuracy = fit_tiered_rule(gate, score, labels)
    g_cuts = [min(gate) - 1, *gate, max(gate) + 1]
    s_cuts = sorted({min(score) - 1, *score, max(score) + 1})
    best = 0
    for a, light, cut in itertools.product(g_cuts, s_cuts, s_cuts):
        if light <= cut:
            r = TieredRule("g", "s", a, light, cut)
            best = max(best, sum(r.classify(g, s) == y for g, s, y in rows))
    assert accuracy == pytest.approx(best / len(rows))
    got = sum(rule.classify(g, s) == y for g, s, y in rows) / len(rows)
    assert got == pytest.approx(accuracy)
