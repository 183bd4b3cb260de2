"""The ``eval news`` harness itself: truth, strict scoring, dates and the set builder."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from wiretrace.cli import main
from wiretrace.dates import certainly_before, parse_moment
from wiretrace.eval.news import NewsReport, copied_chars, passage_rows, run_news
from wiretrace.eval.news_build import Lift, NewsQuery, build_news
from wiretrace.eval.news_ecb import EcbArticle, detokenise, earliest_truth, ecb_article
from wiretrace.eval.news_score import (
    expected_calibration_error,
    later_dated,
    passage_label,
    score_query,
    truth_by_char,
)
from wiretrace.model import Document, Passage, PassageKind, SourceSummary, Span, Trace
from wiretrace.text.aliases import load_aliases

S1 = "Rescuers pulled two climbers from the north face of the mountain on Sunday morning."
S2 = "The pair had been missing for three days after a storm closed the only road."
OWN = "Nobody else reported this sentence anywhere at all, as far as we know."
HEAD = "Climbers rescued after three days"
TEXT = f"{HEAD}\n\n{S1} {S2} {OWN}\n"
DATES: dict[str, str | None] = {
    "a": "2019-04-22T09:00:00Z",
    "b": "2019-04-22",
    "same-event": "2019-04-21",
    "later": "2019-04-25T10:00:00+02:00",
    "bbc": None,
}
TOPICS = {"a": "1", "b": "1", "same-event": "1", "later": "1", "other-event": "1"}
EVENTS = {"a": "1_ecb", "b": "1_ecb", "same-event": "1_ecb", "later": "1_ecb"}


def _span(part: str) -> Span:
    start = TEXT.index(part)
    return Span(start, start + len(part))


def _query(
    published_at: str | None = "2019-04-23",
    later: frozenset[str] = frozenset(),
    earliest: frozenset[str] = frozenset({"a", "b"}),
) -> NewsQuery:
    head = Lift(_span(HEAD), "a", "title", "verbatim")
    lifts = (head, Lift(_span(S1), "a", "text", "verbatim"), Lift(_span(S2), "b", "text", "cut"))
    doc = Document("q", TEXT, published_at=published_at)
    return NewsQuery(doc, "fit", "lifted", "1", "1_ecb", lifts, head, earliest, later, "after")


def _passage(part: str, source: str, field: str = "text", confidence: float = 0.5) -> Passage:
    return Passage(
        _span(part), source, Span(0, len(part)), 1.0, PassageKind.VERBATIM, (), confidence, field
    )


def _trace(
    passages: list[Passage],
    earliest: tuple[str, ...] = ("a", "b"),
    later: tuple[str, ...] = (),
) -> Trace:
    ids = sorted({p.source_id for p in passages})
    sources = tuple(SourceSummary(Document(i, ""), 0.1, 1) for i in ids)
    return Trace(
        Document("q", TEXT),
        0.5,
        tuple(passages),
        sources,
        earliest[0] if len(earliest) == 1 else None,
        earliest_sources=earliest,
        later=tuple(SourceSummary(Document(i, ""), 0.1, 1) for i in later),
    )


def _nonspace(part: str) -> int:
    return sum(1 for c in part if not c.isspace())


def test_a_perfect_trace_scores_one() -> None:
    result = _trace([_passage(HEAD, "a", "title"), _passage(S1, "a"), _passage(S2, "b")])
    s = score_query(_query(), result, DATES, TOPICS, EVENTS)
    assert s.attributed == s.correct == s.sourced == s.recalled
    assert s.attributed == _nonspace(HEAD + S1 + S2)
    assert s.headline is True and s.earliest_ok is True and s.later_sources == 0
    assert [y for _, y in s.labels] == [1, 1, 1]


def test_strict_precision_counts_a_same_event_distractor_as_wrong() -> None:
    # The same sentence attributed to its true source and to a same-event report: half wrong.
    result = _trace([_passage(S1, "a"), _passage(S1, "same-event")])
    s = score_query(_query(), result, DATES, TOPICS, EVENTS)
    assert s.attributed == 2 * _nonspace(S1) and s.correct == _nonspace(S1)
    assert s.wrong == {"same-event": _nonspace(S1)}
    assert [y for _, y in s.labels] == [1, 0]
    # A true source credited with another source's sentence, or with unsourced text, is wrong.
    s = score_query(
        _query(), _trace([_passage(S2, "a"), _passage(OWN, "b")]), DATES, TOPICS, EVENTS
    )
    assert s.correct == 0 and s.wrong == {"true-other": _nonspace(S2 + OWN)}
    assert s.recalled == 0


def test_headline_found_through_the_title_or_not_at_all() -> None:
    q = _query()
    assert (
        score_query(q, _trace([_passage(HEAD, "a", "title")]), DATES, TOPICS, EVENTS).headline
        is True
    )
    assert (
        score_query(q, _trace([_passage(HEAD, "b", "title")]), DATES, TOPICS, EVENTS).headline
        is False
    )
    assert score_query(q, _trace([]), DATES, TOPICS, EVENTS).headline is False


def test_the_later_check_catches_a_later_dated_source() -> None:
    q = _query(later=frozenset({"later"}))
    result = _trace([_passage(S1, "a"), _passage(S2, "later")])
    s = score_query(q, result, DATES, TOPICS, EVENTS)
    assert s.later_sources == 1 and s.wrong == {"later": _nonspace(S2)}
    assert s.later_truth == 1 and s.later_found == 0
    moved = _trace([_passage(S1, "a")], later=("later",))
    assert score_query(q, moved, DATES, TOPICS, EVENTS).later_found == 1
    # The stored dates decide, not the trace's own ``later`` list.
    assert later_dated(result.passages, "2019-04-23", DATES) == 1
    assert later_dated(result.passages, "2019-04-25T10:00:00Z", DATES) == 0  # 08:00Z is before
    assert later_dated(result.passages, "2019-04-25", DATES) == 0  # same day: undecided
    assert later_dated(result.passages, None, DATES) == 0  # no date: nothing to check
    assert later_dated([_passage(S1, "bbc")], "2019-04-23", DATES) == 0  # undated source


def test_a_later_source_is_no_true_source() -> None:
    q = _query(later=frozenset({"b"}), earliest=frozenset({"a"}))
    truth = truth_by_char(q)
    assert set(truth.values()) == {"a"}
    assert q.sources == frozenset({"a"})
    s = score_query(q, _trace([_passage(S2, "b")], earliest=("a",)), DATES, TOPICS, EVENTS)
    assert s.correct == 0 and s.sourced == _nonspace(HEAD + S1)


def test_earliest_truth_with_ties_and_undated() -> None:
    # A bare date ties with a time on the same day; the next day is later; undated never first.
    dates = {"a": "2019-04-23", "b": "2019-04-23T16:43Z", "c": "2019-04-24", "d": None}
    assert earliest_truth(dates) == {"a", "b"}
    assert earliest_truth({"b": "2019-04-23T16:43Z", "e": "2019-04-23T10:00:00Z"}) == {"e"}
    # A local time and a zoned time 3 hours apart: a zone could reverse them, so a tie.
    assert earliest_truth({"f": "2019-04-23T10:00:00", "g": "2019-04-23T13:00:00Z"}) == {"f", "g"}
    assert earliest_truth({"d": None}) == frozenset()


def test_earliest_accuracy_accepts_the_set_or_the_single_id() -> None:
    q = _query()
    assert score_query(q, _trace([], earliest=("a", "b")), DATES, TOPICS, EVENTS).earliest_ok
    assert not score_query(q, _trace([], earliest=("a",)), DATES, TOPICS, EVENTS).earliest_ok
    single = _query(earliest=frozenset({"a"}))
    assert score_query(single, _trace([], earliest=("a",)), DATES, TOPICS, EVENTS).earliest_ok


def test_calibration_error() -> None:
    assert expected_calibration_error([]) is None
    assert expected_calibration_error([(0.95, 1), (0.05, 0)]) == pytest.approx(0.05)
    assert expected_calibration_error([(0.0, 1)] * 3) == pytest.approx(1.0)
    # Within a bin, confidences average against the share of ones.
    assert expected_calibration_error([(0.75, 1), (0.75, 0)]) == pytest.approx(0.25)


def test_passage_label_needs_most_characters() -> None:
    truth = truth_by_char(_query())
    both = Passage(Span(_span(S1).start, _span(S2).end), "a", Span(0, 1), 1.0, PassageKind.VERBATIM)
    assert passage_label(TEXT, both, truth) == int(_nonspace(S1) > _nonspace(S2))
    assert passage_label(TEXT, _passage(OWN, "a"), truth) == 0


def test_report_and_dump_rows() -> None:
    q = _query()
    result = _trace([_passage(HEAD, "a", "title", 0.9), _passage(S1, "same-event", "text", 0.2)])
    s = score_query(q, result, DATES, TOPICS, EVENTS)
    report = NewsReport("all", 1, (s,), (), 5, None, s.labels, kinds={"q": "lifted"})
    data = report.to_dict()
    assert data["precision"] == pytest.approx(_nonspace(HEAD) / _nonspace(HEAD + S1))
    assert data["headline_copied_recall"] == 1.0 and data["headline_only"] == 0
    assert data["calibration_error"] == pytest.approx((0.1 + 0.2) / 2)
    assert "headline recall" in report.format_table()
    rows = list(
        passage_rows(q.document, "fit", "lifted", result, [1, 0], [1.0, 0.0], DATES, "ecbplus")
    )
    assert [r["label"] for r in rows] == [1, 0]
    assert rows[0]["source_field"] == "title" and rows[0]["in_first_line"]
    assert rows[1]["source_dated"] and rows[1]["source_passages"] == 1


def test_copied_chars_are_runs_shared_with_a_cited_source() -> None:
    source = "one two three four five six seven eight nine ten"
    query = "Zero one two three four five six seven eight, then other words."
    got = copied_chars(query, [source])
    assert "".join(query[i] for i in sorted(got)) == "onetwothreefourfivesixseveneight"
    assert copied_chars("one two three", [source]) == set()


def test_detokenise_and_headline() -> None:
    assert detokenise("`` We ca n't , '' he said ( reportedly ) .") == (
        '"We can\'t," he said (reportedly).'
    )
    assert detokenise("Reid 's 90 - day stay") == "Reid's 90-day stay"
    assert detokenise("A 6 . 1 quake in the U . S . , TMZ . com said .") == (
        "A 6.1 quake in the U.S., TMZ.com said."
    )
    assert detokenise("The \u201c Mean Girls \u201d star") == "The \u201cMean Girls\u201d star"
    record = {
        "doc_id": "1_1ecbplus",
        "topic": 1,
        "subtopic": "1_ecbplus",
        "component": "ecbplus",
        "text": "http : / / example . com / story\nStar checks into rehab clinic\n"
        "May 03 , 2013\nThe star checked into a clinic on Friday , her lawyer said .",
    }
    a = ecb_article(record)
    assert a.title == "Star checks into rehab clinic" and a.url == "http://example.com/story"
    assert a.text == "The star checked into a clinic on Friday, her lawyer said."
    assert [a.text[s.start : s.end] for s in a.sentences] == [a.text]


# --------------------------------------------------------------------------------------------
# The builder on made-up articles
# --------------------------------------------------------------------------------------------


def _articles() -> list[EcbArticle]:
    """Made-up articles of made-up words, so that no two share a sentence."""
    rng = random.Random(3)
    syllables = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "vo", "de", "pa", "xu", "zen"]
    places = ["France", "Russia", "the UK", "Germany", "Spain", "India"]
    out = []
    for topic in ("1", "2", "3", "4"):
        for part in ("ecb", "ecbplus"):
            for n in range(6):
                sentences = []
                for _ in range(8):
                    words = ["".join(rng.choices(syllables, k=3)) for _ in range(12)]
                    words.insert(rng.randrange(12), f"in {rng.choice(places)}")
                    sentences.append(" ".join(words).capitalize() + ".")
                text = " ".join(sentences)
                spans, at = [], 0
                for s in sentences:
                    spans.append(Span(at, at + len(s)))
                    at += len(s) + 1
                title = None
                if part == "ecbplus":
                    title = " ".join(rng.choices(syllables, k=4)).capitalize() + f" report {n}"
                out.append(
                    EcbArticle(
                        f"{topic}_{n}{part}",
                        topic,
                        f"{topic}_{part}",
                        title,
                        None,
                        text,
                        tuple(spans),
                    )
                )
    return out


def test_builder_is_deterministic_and_its_truth_holds() -> None:
    articles = _articles()
    table = load_aliases()
    one = build_news(articles, table, seed=7)
    assert one == build_news(articles, table, seed=7)
    assert one.queries != build_news(articles, table, seed=8).queries
    stored = {d.id: d for d in one.documents}
    assert not set(one.held_out) & set(stored)
    kinds = {q.kind for q in one.queries}
    assert kinds == {"lifted", "headline"}
    splits = {}
    for q in one.queries:
        assert splits.setdefault(q.topic, q.split) == q.split  # one split per topic
        text = q.document.text
        for lift in q.lifts:
            src = stored[lift.source_id]
            copied = text[lift.query.start : lift.query.end]
            assert events_of(src.id) == q.event
            if lift.transform == "verbatim":
                assert copied in ((src.title or "") if lift.field == "title" else src.text)
        if q.headline is not None:
            assert q.headline.query.start == 0 and q.headline.field == "title"
        qm = parse_moment(q.document.published_at)
        for s in {lift.source_id for lift in q.lifts}:
            sm = parse_moment(stored[s].published_at)
            assert sm is not None
            assert (s in q.later) == (qm is not None and certainly_before(qm, sm))
        assert q.earliest == earliest_truth({s: stored[s].published_at for s in q.sources})
    assert set(splits.values()) == {"fit", "held-out"}
    assert any(q.headline is not None and q.kind == "lifted" for q in one.queries)
    assert {q.date_mode for q in one.queries} == {"after", "between", "undated"}
    assert any(q.later for q in one.queries) and any(len(q.earliest) > 1 for q in one.queries)
    assert any(lift.renames for q in one.queries for lift in q.lifts)


def events_of(doc_id: str) -> str:
    topic, rest = doc_id.split("_", 1)
    return f"{topic}_{rest.lstrip('0123456789')}"


def test_an_own_headline_credited_to_a_source_is_counted() -> None:
    base = _query()
    q = NewsQuery(
        base.document,
        "fit",
        "lifted",
        "1",
        "1_ecb",
        base.lifts[1:],
        None,
        base.earliest,
        base.later,
        "after",
        _span(HEAD),
    )
    assert (
        score_query(q, _trace([_passage(S1, "a")]), DATES, TOPICS, EVENTS).own_headline_credited
        is False
    )
    s = score_query(q, _trace([_passage(HEAD, "same-event", "title")]), DATES, TOPICS, EVENTS)
    assert s.own_headline_credited is True and s.wrong == {"same-event": _nonspace(HEAD)}
    assert s.headline is None


def test_recall_by_transform() -> None:
    s = score_query(_query(), _trace([_passage(S1, "a")]), DATES, TOPICS, EVENTS)
    assert s.by_transform == {
        "headline": (_nonspace(HEAD), 0),
        "verbatim": (_nonspace(S1), _nonspace(S1)),
        "cut": (_nonspace(S2), 0),
    }
    report = NewsReport("all", 1, (s,), (), 5, None, ())
    assert report.recall_by_transform() == {"cut": 0.0, "headline": 0.0, "verbatim": 1.0}


def test_the_command_names_missing_data(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "news", str(tmp_path), "--no-spun"])
    assert result.exit_code != 0
    assert "wikinews_with_sources.jsonl: not found" in result.output
    with pytest.raises(ValueError, match="split must be"):
        run_news(tmp_path, split="test")


def test_direction_flag_must_follow_the_query_date() -> None:
    checked = replace(_trace([]), direction_checked=True)
    assert score_query(_query(), checked, DATES, TOPICS, EVENTS).direction_ok
    assert not score_query(_query(), _trace([]), DATES, TOPICS, EVENTS).direction_ok
    undated = _query(published_at=None)
    assert score_query(undated, _trace([]), DATES, TOPICS, EVENTS).direction_ok
    assert not score_query(undated, checked, DATES, TOPICS, EVENTS).direction_ok
