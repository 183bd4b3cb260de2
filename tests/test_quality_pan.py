"""Quality gate: alignment scores on a fixed subset of the PAN 2013 pan-train corpus.

The floors are the bar the aligner must keep. Raise a floor when the aligner improves; never
lower one quietly. The subset is the first pairs, in file order, of two categories:

- ``02-no-obfuscation`` (verbatim reuse, truth XML): the first 120 pairs;
- ``01-no-plagiarism`` (no reuse): all 323 pairs, for the false-positive rate. Three of them
  share genuine text (a kiwifruit passage, an ingredient list, a sentence about Uranus), and
  two of those three are among the first 150, so a smaller subset cannot measure a 1% rate.

Run it alone with ``pytest -m slow tests/test_quality_pan.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wiretrace.eval.pan import PanReport, run_pan

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "data" / "pan-train" / "corpus"

VERBATIM = "02-no-obfuscation"
NEGATIVE = "01-no-plagiarism"
VERBATIM_PAIRS = 120
NEGATIVE_PAIRS = 323

PLAGDET_FLOOR = 0.91  # measured 0.9143 (0.9085 before the verbatim-copy rule of pair.py)
CASE_RECALL_FLOOR = 0.95
FALSE_POSITIVE_CEILING = 0.01

pytestmark = pytest.mark.slow


def _corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"needs the PAN pan-train corpus at {CORPUS} (shared data, present in CI)")
    return CORPUS


@pytest.fixture(scope="module")
def verbatim() -> PanReport:
    return run_pan(_corpus(), categories=[VERBATIM], limit_per_category=VERBATIM_PAIRS, workers=2)


@pytest.fixture(scope="module")
def negative() -> PanReport:
    return run_pan(_corpus(), categories=[NEGATIVE], limit_per_category=NEGATIVE_PAIRS, workers=2)


def test_subset_is_the_fixed_one(verbatim: PanReport, negative: PanReport) -> None:
    assert verbatim.pairs == VERBATIM_PAIRS
    assert negative.pairs == NEGATIVE_PAIRS
    assert verbatim.scores.char.cases == 154  # cases of the first 120 verbatim pairs


def test_plagdet_floor(verbatim: PanReport) -> None:
    plagdet = verbatim.scores.char.plagdet
    assert plagdet >= PLAGDET_FLOOR, verbatim.format_table()


def test_case_recall_floor(verbatim: PanReport) -> None:
    case_recall = verbatim.scores.case.recall
    assert case_recall >= CASE_RECALL_FLOOR, verbatim.format_table()


def test_false_positive_ceiling(negative: PanReport) -> None:
    rate = negative.scores.false_positive_rate
    assert rate is not None
    assert rate <= FALSE_POSITIVE_CEILING, negative.format_table()


# The whole pan-train corpus (1,750 pairs) runs in seconds, so CI scores it all as well.
# Floors at the level the aligners reached when they were set (see BENCHMARKS.md); raise them
# as they improve. The sentence aligner lifts 03 and 04 from 0.84 and 0.70 to about 0.97; it
# cost 02 0.007 plagdet (0.9131 to 0.9060) through 7 topic matches and stock phrases beside
# verbatim copies until pair.py required evidence of their own there ("Beside a verbatim
# copy"). 02 is back at 0.9131, the word n-gram aligner's own figure, and the floor holds it at
# the core issue's level (0.9135 when it was measured): one more false detection in 02 costs
# about 0.001. Repeated n-grams on an anchor's run (align/local.py, step 1) joined the two
# halves of one detection split where the source repeats its text (granularity 1.0023 to
# 1.0000): 0.9146, and the floor rose to 0.914.
# Case recall on the full verbatim category is capped near 0.945 by truth offsets that
# point at the wrong text (23 of 438 cases, SOURCE.md's diag_text_match_ratio below 0.5), so
# the full-corpus floor is set below that cap. The window seeds of the sentence aligner
# (sentences.py, step 3) lifted 03 and 04 from 0.964 and 0.955 to 0.975 and 0.971.
FULL_FLOORS = {
    "plagdet": 0.914,
    "case_recall": 0.94,
    "03-random-obfuscation": 0.97,
    "04-translation-obfuscation": 0.97,
    "05-summary-obfuscation": 0.145,
}


@pytest.fixture(scope="module")
def full() -> PanReport:
    return run_pan(_corpus(), workers=2)


def test_full_corpus_floors(full: PanReport) -> None:
    table = full.format_table()
    rates = {c.name: c.pairs.rate for c in full.scores.categories}
    verbatim_scores = next(c for c in full.scores.categories if c.name == VERBATIM)
    assert verbatim_scores.char is not None and verbatim_scores.case is not None
    assert verbatim_scores.char.plagdet >= FULL_FLOORS["plagdet"], table
    assert verbatim_scores.case.recall >= FULL_FLOORS["case_recall"], table
    assert rates[VERBATIM] == 1.0, table
    assert full.scores.false_positive_rate is not None
    assert full.scores.false_positive_rate <= FALSE_POSITIVE_CEILING, table
    for category in (
        "03-random-obfuscation",
        "04-translation-obfuscation",
        "05-summary-obfuscation",
    ):
        assert rates[category] >= FULL_FLOORS[category], table
