"""Spun composites: scoring on hand-made traces, the generator, and a CI quality gate.

The gate generates a fixed set (200 composites, seed ``DEFAULT_SEED``, 300 distractors) from
the BBC News articles in ``../shared/data``, traces it against a temporary SQLite index and
holds the floors of issue 3. Raise a floor when the system improves; never lower one quietly.
A floor the system does not reach yet would be marked ``xfail(strict=True)`` with the
measured value, so CI notices the day it is reached. Run the gate alone with
``pytest -m slow tests/test_quality_spun.py`` (about 10 s).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from research.composites.spinner import renameable_mentions, synonym_options
from research.composites.spinning import generate, verify
from wiretrace.errors import CorpusError
from wiretrace.eval.spun import SpunReport, run_spun, score_composite, score_spun
from wiretrace.eval.spun_truth import (
    DEFAULT_SEED,
    Article,
    Change,
    InsertedSentence,
    RenameRule,
    SpunComposite,
)
from wiretrace.model import Edit, Passage, PassageKind, Signal, Span
from wiretrace.text.aliases import load_aliases
from wiretrace.text.sentences import split_sentences
from wiretrace.text.tokens import words_of

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
BBC = SHARED_DATA / "bbc-news" / "bbc_news.jsonl.gz"

# --------------------------------------------------------------------------------------------
# A hand-made composite
# --------------------------------------------------------------------------------------------

SOURCE_A = "Intro line here. The UK economy grew by 2% last year, officials said on Monday."
SOURCE_B = "Prices rose sharply in France during the winter months, traders said."
HEADLINE = "Business roundup"
S1 = "The United Kingdom economy grew by 2% last year, officials stated on Monday."
S2 = "Prices rose sharply in France during the winter months, traders said."
TEXT = f"{HEADLINE}\n\n{S1} {S2}\n\nDiscuss This Article\n"


def _span(text: str, part: str) -> Span:
    start = text.index(part)
    return Span(start, start + len(part))


def composite(also_in_b: tuple[tuple[str, Span], ...] = ()) -> SpunComposite:
    q1, q2 = _span(TEXT, S1), _span(TEXT, S2)
    a1 = _span(SOURCE_A, "The UK economy grew by 2% last year, officials said on Monday.")
    rename = Change(
        "rename",
        "UK",
        "United Kingdom",
        _span(TEXT, "United Kingdom"),
        _span(SOURCE_A, "UK"),
    )
    swap = Change("synonym", "said", "stated", _span(TEXT, "stated"), _span(SOURCE_A, "said"))
    return SpunComposite(
        "c1",
        TEXT,
        "business",
        (
            InsertedSentence(q1, "a", a1, (rename, swap)),
            InsertedSentence(q2, "b", _span(SOURCE_B, S2), (), 0, also_in_b),
        ),
        (RenameRule("UK", "United Kingdom", 1, 1),),
        _span(TEXT, HEADLINE),
        (_span(TEXT, "Discuss This Article"),),
    )


def passage(
    text_part: str,
    source_id: str,
    source: Span,
    edits: tuple[Edit, ...] = (),
    kind: PassageKind = PassageKind.VERBATIM,
) -> Passage:
    return Passage(_span(TEXT, text_part), source_id, source, 1.0, kind, edits)


def good_passages() -> list[Passage]:
    a1 = _span(SOURCE_A, "The UK economy grew by 2% last year, officials said on Monday.")
    edits = (Edit("UK", "United Kingdom"), Edit("said", "stated"))
    return [
        passage(S1, "a", a1, edits, PassageKind.REWRITTEN),
        passage(S2, "b", _span(SOURCE_B, S2)),
    ]


def test_hand_made_composite_is_consistent() -> None:
    verify(composite(), {"a": SOURCE_A, "b": SOURCE_B})


def test_verify_catches_a_wrong_span() -> None:
    c = composite()
    bad = InsertedSentence(Span(0, 10), "b", Span(0, 10))
    broken = SpunComposite(c.id, c.text, c.category, (bad,))
    with pytest.raises(ValueError, match="do not turn source"):
        verify(broken, {"a": SOURCE_A, "b": SOURCE_B})


def test_a_perfect_trace_scores_one() -> None:
    counts = score_composite(
        composite(), good_passages(), [Signal("spin", "UK -> United Kingdom, 1 of 1 mentions")]
    )
    assert counts.sentences["all"] == counts.attributed["all"] == 2
    assert counts.attributed_chars == counts.correct_chars == counts.strict_chars
    assert counts.attributed_chars == sum(1 for c in S1 + S2 if not c.isspace())
    assert (counts.renames, counts.renames_reported, counts.renames_reported_normalised) == (
        1,
        1,
        1,
    )
    assert (counts.rules, counts.rules_signalled) == (1, 1)
    assert counts.kinds == {"rewritten": 1, "verbatim": 1}
    assert counts.missed == ()


def test_no_passages() -> None:
    counts = score_composite(composite(), [])
    assert counts.attributed["all"] == 0 and counts.attributed_chars == 0
    assert counts.renames == 1 and counts.renames_reported == 0
    report = score_spun([composite()], [([], [])])
    assert report.sentence_recall == 0.0
    assert report.char_precision == 1.0  # nothing attributed, nothing wrong
    assert report.rename_recall == 0.0


def test_half_a_sentence_is_enough_and_less_is_not() -> None:
    b = _span(SOURCE_B, S2)
    half = S2[: len(S2) // 2 + 1]
    assert score_composite(composite(), [passage(half, "b", b)]).attributed["all"] == 1
    short = S2[: len(S2) // 2 - 2]
    assert score_composite(composite(), [passage(short, "b", b)]).attributed["all"] == 0


def test_wrong_source_or_wrong_place_is_not_attributed() -> None:
    c = composite()
    elsewhere = Span(200, 260)  # not where the sentence is in b
    assert score_composite(c, [passage(S2, "b", elsewhere)]).attributed["all"] == 0
    counts = score_composite(c, [passage(S2, "x", _span(SOURCE_B, S2))])
    assert counts.attributed["all"] == 0
    assert counts.correct_chars == 0 and counts.attributed_chars > 0


def test_a_duplicate_source_is_accepted() -> None:
    dup = Span(100, 100 + len(S2))
    c = composite(also_in_b=(("b-copy", dup),))
    counts = score_composite(c, [passage(S2, "b-copy", dup)])
    assert counts.attributed["all"] == 1
    assert counts.correct_chars == counts.attributed_chars > 0


def test_characters_outside_sentences_are_wrong_and_white_space_is_ignored() -> None:
    c = composite()
    everything = passage(TEXT.rstrip("\n"), "b", _span(SOURCE_B, S2))
    counts = score_composite(c, [everything])
    non_space = sum(1 for ch in TEXT if not ch.isspace())
    assert counts.attributed_chars == non_space
    assert counts.correct_chars == sum(1 for ch in S2 if not ch.isspace())
    assert counts.wrong_outside == sum(
        1 for ch in HEADLINE + "Discuss This Article" if not ch.isspace()
    )


def test_strict_precision_counts_spurious_overlaps() -> None:
    spurious = passage(S2, "x", Span(0, 10))
    counts = score_composite(composite(), [*good_passages(), spurious])
    assert counts.correct_chars == counts.attributed_chars
    assert counts.strict_chars == counts.attributed_chars - sum(1 for ch in S2 if not ch.isspace())


def test_rename_needs_the_exact_edit_inside_a_passage_of_the_source() -> None:
    c = composite()
    a1 = good_passages()[0].source
    # Trailing punctuation is trimmed: "U.K." and "U.K" are the same form.
    dotted = passage(S1, "a", a1, (Edit("UK.", "United Kingdom"),))
    assert score_composite(c, [dotted]).renames_reported == 1
    # Case differs: only the normalised comparison accepts it.
    lower = score_composite(c, [passage(S1, "a", a1, (Edit("uk", "united kingdom"),))])
    assert (lower.renames_reported, lower.renames_reported_normalised) == (0, 1)
    # A merged edit ("UK economy" -> "United Kingdom economy") is not the rename.
    merged = passage(S1, "a", a1, (Edit("The UK", "The United Kingdom"),))
    assert score_composite(c, [merged]).renames_reported == 0
    # The passage must hold the renamed mention, and come from the right source.
    tail = passage(S1[20:], "a", a1, (Edit("UK", "United Kingdom"),))
    assert score_composite(c, [tail]).renames_reported == 0
    other = passage(S1, "x", a1, (Edit("UK", "United Kingdom"),))
    assert score_composite(c, [other]).renames_reported == 0


def test_one_edit_reports_one_rename() -> None:
    sentence = "Both the UK and the UK again said so, in a long sentence here."
    spun = "Both the Britain and the Britain again said so, in a long sentence here."
    text = spun + "\n"
    q = Span(0, len(spun))
    first, second = spun.index("Britain"), spun.rindex("Britain")
    changes = tuple(
        Change("rename", "UK", "Britain", Span(at, at + 7), Span(s, s + 2))
        for at, s in ((first, sentence.index("UK")), (second, sentence.rindex("UK")))
    )
    c = SpunComposite("c2", text, "x", (InsertedSentence(q, "a", q, changes),))
    once = Passage(q, "a", q, 1.0, PassageKind.REWRITTEN, (Edit("UK", "Britain"),))
    assert score_composite(c, [once]).renames_reported == 1
    twice = Passage(q, "a", q, 1.0, PassageKind.REWRITTEN, (Edit("UK", "Britain"),) * 2)
    assert score_composite(c, [twice]).renames_reported == 2


def test_report_sums_and_formats() -> None:
    report = score_spun(
        [composite(), composite()], [(good_passages(), []), ([], [])], documents=3, index="memory"
    )
    assert report.sentence_recall == 0.5
    assert report.rename_recall == 0.5
    assert report.by_transformation()["renamed"] == (1, 2)
    assert report.by_transformation()["verbatim"] == (1, 2)
    data = report.to_dict()
    assert data["sentences"] == 4 and data["renames"] == 2
    assert data["kinds"]["rewritten"] == {"passages": 1, "correct": 1}
    table = report.format_table()
    assert "sentence attribution recall" in table and "0.5000" in table


# --------------------------------------------------------------------------------------------
# The generator's rules
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "surfaces"),
    [
        ("Sales in the UK rose by 5% last year, the company said.", ["UK"]),
        ("In Britain, sales rose by 5% last year, the company said.", ["Britain"]),
        ("The firm paid US$25,000 for it in the spring of that year.", []),
        ("The US Federal Reserve raised interest rates again on Tuesday.", []),
        ("Little Britain won the comedy award for the second time running.", []),
        ("The Bank of China said lending had slowed during the summer.", []),
        ("Wales won the match at the Stade de France on a cold Saturday.", []),
        ("Eddie Jordan said his team would be ready for the new season.", []),
        (
            "Trade between Russia and the United States grew fast this year.",
            ["Russia", "United States"],
        ),
    ],
)
def test_renameable_mentions(sentence: str, surfaces: list[str]) -> None:
    assert [m.surface for m in renameable_mentions(sentence, load_aliases())] == surfaces


def test_synonym_options_keep_names_and_articles() -> None:
    sentence = "However, a rise in profits said Big Bank, which said it was big."
    found = {sentence[s:e]: new for s, e, new in synonym_options(sentence, [])}
    assert found["However"] == "Nevertheless"  # sentence-initial: capitalised replacement
    assert "rise" not in found  # "a increase" would be wrong
    assert "Big" not in found  # a name
    assert found["said"] == "stated" and found["big"] == "large" and found["profits"] == "earnings"
    taken = [(sentence.index("profits"), sentence.index("profits") + 7)]
    assert "profits" not in {sentence[s:e] for s, e, _ in synonym_options(sentence, taken)}


def _toy_articles() -> list[Article]:
    """Made-up articles with country mentions, enough for a few composites."""
    rng = random.Random(1)
    countries = ["the UK", "France", "Russia", "the US", "Germany", "India", "China", "Spain"]
    verbs = ["said", "announced", "warned", "claimed", "believes"]
    articles = []
    for i in range(12):
        sentences = []
        for j in range(8):
            country = rng.choice(countries)
            sentences.append(
                f"Officials in {country} {rng.choice(verbs)} the big firm would buy {j + 1} "
                f"more plants from companies near {rng.choice(countries)} by the end of "
                f"{2000 + i} as profits rose quickly (story {i}-{j})."
            )
        text = "\n\n".join(" ".join(sentences[k : k + 2]) for k in range(0, 8, 2))
        category = "business" if i % 2 else "politics"
        articles.append(
            Article(
                f"{category}/{i:03d}", category, f"Story {i}", text, tuple(split_sentences(text))
            )
        )
    return articles


def test_generator_is_deterministic_and_consistent() -> None:
    articles = _toy_articles()
    one = generate(articles, count=10, seed=5, distractors=2)
    two = generate(articles, count=10, seed=5, distractors=2)
    assert [c.to_dict() for c in one.composites] == [c.to_dict() for c in two.composites]
    assert one.documents == two.documents
    assert generate(articles, count=10, seed=6).composites != one.composites
    texts = {a.id: a.text for a in articles}
    table = load_aliases()
    for c in one.composites:
        verify(c, texts)
        assert SpunComposite.from_dict(c.to_dict()) == c
        assert 4 <= len(c.sentences) <= 8
        assert 2 <= len({s.source_id for s in c.sentences}) <= 4
        for s in c.sentences:
            for change in s.renames:  # a rename keeps the entity
                old = table.lookup(tuple(words_of(change.old)))
                new = table.lookup(tuple(words_of(change.new)))
                assert old is not None and new is not None and old.key == new.key
            if s.truncated_words:
                assert 3 <= s.truncated_words <= 8
    sentences = [s for c in one.composites for s in c.sentences]
    assert any(s.renames for s in sentences)
    assert any(s.synonyms for s in sentences)
    assert any(s.truncated_words for s in sentences)
    indexed = {d.id for d in one.documents}
    assert {s.source_id for s in sentences} <= indexed


def test_runner_errors_name_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"bbc_news\.jsonl\.gz: no such file"):
        run_spun(tmp_path, count=1)
    with pytest.raises(ValueError, match="index must be"):
        run_spun(tmp_path, count=1, index="postgres")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Quality gate on the BBC News articles
# --------------------------------------------------------------------------------------------

GATE_COUNT = 200
GATE_DISTRACTORS = 300
SENTENCE_RECALL_FLOOR = 0.95
CHAR_PRECISION_FLOOR = 0.95
RENAME_RECALL_FLOOR = 0.95  # issue 11 (0.913 before it; 0.952 measured)


@pytest.fixture(scope="module")
def gate() -> SpunReport:
    if not BBC.is_file():
        pytest.skip(f"needs the BBC News set at {BBC} (the project's shared data, present in CI)")
    return run_spun(
        SHARED_DATA,
        count=GATE_COUNT,
        seed=DEFAULT_SEED,
        distractors=GATE_DISTRACTORS,
        index="sqlite",
    )


@pytest.mark.slow
def test_gate_set_is_the_fixed_one(gate: SpunReport) -> None:
    counts = gate.counts
    assert gate.composites == GATE_COUNT and gate.distractors == GATE_DISTRACTORS
    # Every transformation is well represented (the exact numbers depend on the splitter and
    # the alias table; see BENCHMARKS.md for the run that set the floors).
    assert counts.sentences["all"] >= 1000
    assert counts.renames >= 150
    assert counts.sentences["synonyms"] >= 250 and counts.sentences["truncated"] >= 120


@pytest.mark.slow
def test_sentence_recall_floor(gate: SpunReport) -> None:
    assert gate.sentence_recall >= SENTENCE_RECALL_FLOOR, gate.format_table()


@pytest.mark.slow
def test_char_precision_floor(gate: SpunReport) -> None:
    assert gate.char_precision >= CHAR_PRECISION_FLOOR, gate.format_table()


@pytest.mark.slow
def test_rename_recall_floor(gate: SpunReport) -> None:
    assert gate.rename_recall >= RENAME_RECALL_FLOOR, gate.format_table()
