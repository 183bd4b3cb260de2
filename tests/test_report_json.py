"""The JSON report, schema 2.0: time direction (``later``, ties, unchecked direction), passage
confidence and source field, typed edits, and a schema strict enough to catch a broken report.

The corpus in ``tests/data/time`` is ours: a wire story and a local report that share a bare
date (a tie), a weekly dated after the query that repeats one of its paragraphs, and an
unrelated notice. The query is dated between them and has one paragraph that no source has and
the weekly repeats (with "villages" as "hamlets")."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from wiretrace.index.memory import MemoryIndex
from wiretrace.ingest.readers import ReadOptions, iter_records
from wiretrace.model import (
    Document,
    Edit,
    EditType,
    Passage,
    PassageKind,
    SourceSummary,
    Span,
    Trace,
)
from wiretrace.report.html import view_payload
from wiretrace.report.json import date_note, trace_schema, trace_to_dict, trace_to_json
from wiretrace.tracing import trace

TIME = Path(__file__).resolve().parent / "data" / "time"
WIRE, DAILY = "northwind/port-alder-strike", "alder-daily/strike-day-one"
WEEKLY = "coastal-weekly/port-dispute-week"


def time_index() -> MemoryIndex:
    index = MemoryIndex()
    index.add(
        r for r in iter_records([TIME / "corpus.jsonl"], ReadOptions()) if isinstance(r, Document)
    )
    return index


def time_query(published_at: str | None = "2021-03-10") -> Document:
    return Document(
        "farm/port-story",
        (TIME / "query.txt").read_text(encoding="utf-8"),
        title="Dockworkers walk out at Port Alder over pay",
        source="Farm News",
        published_at=published_at,
    )


@pytest.fixture(scope="module")
def index() -> MemoryIndex:
    return time_index()


@pytest.fixture(scope="module")
def dated(index: MemoryIndex) -> Trace:
    return trace(index, time_query())


def validate(report: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(trace_schema())
    jsonschema.validate(report, trace_schema(), cls=jsonschema.Draft202012Validator)


def test_later_documents_are_listed_apart_from_sources_and_a_tie_is_named(dated: Trace) -> None:
    report = trace_to_dict(dated)
    validate(report)
    assert report["schema_version"] == "2.0"
    assert {s["id"] for s in report["sources"]} == {WIRE, DAILY}
    assert [s["id"] for s in report["later"]] == [WEEKLY]
    assert {p["source_id"] for p in report["passages"]} == {WIRE, DAILY}
    assert {p["source_id"] for p in report["later_passages"]} == {WEEKLY}
    # The two sources share a bare date: their order is unknown, and both are named.
    assert report["earliest_source"] is None
    assert report["earliest_sources"] == sorted([WIRE, DAILY])
    assert report["earliest_order"] == "tie"
    assert report["direction_checked"] is True
    assert report["query"]["published_at"] == "2021-03-10"
    assert report["query"]["published_at_note"] is None
    text = dated.query.text
    (later,) = report["later_passages"]
    assert text[later["query_start"] : later["query_end"]].startswith("Ferry operators added")
    weekly = next(s for s in dated.later if s.document.id == WEEKLY).document.text
    assert weekly[later["source_start"] : later["source_end"]].startswith("Ferry operators added")
    assert [(e["from"], e["to"]) for e in later["edits"]] == [("hamlets", "villages")]
    # Passages and edits carry the new fields.
    headline = text.index("Dockworkers walk out")
    for p in report["passages"] + report["later_passages"]:
        assert 0 <= p["confidence"] <= 1
        # The headline is the wire's title, not in its text: attributed to the title.
        expected = "title" if p["query_start"] == headline else "text"
        assert p["source_field"] == expected, p
    assert [p["source_field"] for p in report["passages"]].count("title") == 1
    edits = [(p, e) for p in report["passages"] for e in p["edits"]]
    said = [(p, e) for p, e in edits if (e["from"], e["to"]) == ("said", "stated")]
    assert said and all(e["type"] == "synonym" for _, e in said)
    # Each edit's spans point at its two wordings (issue 14).
    for p, e in said:
        source = next(s.document for s in dated.sources if s.document.id == p["source_id"])
        assert source.text[e["source_start"] : e["source_end"]] == "said"
        assert text[e["query_start"] : e["query_end"]] == "stated"
    assert json.loads(trace_to_json(dated)) == report


def test_an_undated_query_says_direction_was_not_checked(index: MemoryIndex) -> None:
    report = trace_to_dict(trace(index, time_query(published_at=None)))
    validate(report)
    assert report["direction_checked"] is False
    assert report["later"] == [] and report["later_passages"] == []
    # Without the query's date, the weekly cannot be told apart from a source.
    assert WEEKLY in {s["id"] for s in report["sources"]}
    assert report["query"]["published_at"] is None
    assert report["query"]["published_at_note"] is None


def hand_trace(**changes: Any) -> Trace:
    """A trace built by hand, for fields the tracer fills only on some inputs."""
    wire = Document(
        "wire",
        "Preparations underway for Kim-Putin summit in Russia. More text.",
        title="Preparations underway for Kim-Putin summit in Russia",
        published_at="2019-04-23T16:43Z",
    )
    headline = Passage(
        Span(0, 64),
        "wire",
        Span(0, 52),
        0.93,
        PassageKind.REWRITTEN,
        (Edit("Russia", "Russian Federation", EditType.RENAME),),
        confidence=0.88,
        source_field="title",
    )
    fields: dict[str, Any] = {
        "query": Document(
            "q",
            "Preparations underway for Kim-Putin summit in Russian Federation\n\nBody.",
            published_at="2019-04-24",
        ),
        "coverage": 0.8,
        "passages": (headline,),
        "sources": (SourceSummary(wire, 0.8, 1),),
        "earliest_source": "wire",
        "earliest_sources": ("wire",),
        "direction_checked": True,
        "min_confidence": 0.5,
        "hidden_passages": 2,
    }
    fields.update(changes)
    return Trace(**fields)


def test_confidence_title_passages_and_edit_types_are_reported() -> None:
    report = trace_to_dict(hand_trace())
    validate(report)
    p = report["passages"][0]
    assert p["source_field"] == "title" and p["confidence"] == 0.88
    assert p["edits"] == [{"from": "Russia", "to": "Russian Federation", "type": "rename"}]
    assert report["earliest_order"] == "known" and report["earliest_sources"] == ["wire"]
    assert report["min_confidence"] == 0.5 and report["hidden_passages"] == 2


def test_earliest_order_is_none_without_a_dated_source() -> None:
    report = trace_to_dict(hand_trace(earliest_source=None, earliest_sources=()))
    validate(report)
    assert report["earliest_order"] == "none" and report["earliest_sources"] == []


@pytest.mark.parametrize(
    ("value", "note"),
    [
        ("2999-01-01", "in the future"),
        ("1850-06-01T10:00Z", "before 1900"),
        ("2019-04-24", None),
        (None, None),
    ],
)
def test_implausible_dates_are_kept_and_flagged(value: str | None, note: str | None) -> None:
    wire = Document("wire", "Some text of the wire.", published_at=value)
    report = trace_to_dict(
        hand_trace(
            query=Document("q", "x" * 70, published_at=value),
            sources=(SourceSummary(wire, 0.8, 1),),
        )
    )
    validate(report)
    assert date_note(value) == note
    assert report["query"]["published_at"] == value
    assert report["query"]["published_at_note"] == note
    assert report["sources"][0]["published_at_note"] == note


def later_trace() -> Trace:
    weekly = Document("weekly", "Later words. Preparations underway.", published_at="2019-05-01")
    later = Passage(Span(0, 12), "weekly", Span(13, 25), 1.0, PassageKind.VERBATIM, confidence=0.7)
    return hand_trace(later=(SourceSummary(weekly, 0.2, 1),), later_passages=(later,))


BREAKS = {
    "later missing": lambda r: r.pop("later"),
    "later_passages missing": lambda r: r.pop("later_passages"),
    "earliest_sources missing": lambda r: r.pop("earliest_sources"),
    "earliest_order unknown word": lambda r: r.update(earliest_order="maybe"),
    "direction_checked a string": lambda r: r.update(direction_checked="yes"),
    "min_confidence above 1": lambda r: r.update(min_confidence=1.5),
    "hidden_passages negative": lambda r: r.update(hidden_passages=-1),
    "query note free text": lambda r: r["query"].update(published_at_note="someday"),
    "query note missing": lambda r: r["query"].pop("published_at_note"),
    "confidence above 1": lambda r: r["passages"][0].update(confidence=1.2),
    "confidence missing": lambda r: r["passages"][0].pop("confidence"),
    "source_field unknown": lambda r: r["passages"][0].update(source_field="body"),
    "edit type unknown": lambda r: r["passages"][0]["edits"][0].update(type="spelling"),
    "edit type missing": lambda r: r["passages"][0]["edits"][0].pop("type"),
    "passage stray field": lambda r: r["passages"][0].update(source_title="x"),
    "later passage confidence": lambda r: r["later_passages"][0].update(confidence=-0.1),
    "later source note missing": lambda r: r["later"][0].pop("published_at_note"),
    "later source stray field": lambda r: r["later"][0].update(text="copied"),
    "view without later_diffs": lambda r: r.update(view={"text": "", "diffs": []}),
}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_a_broken_report_fails_the_schema(name: str) -> None:
    good = view_payload(later_trace())
    validate(good)
    assert good["later"] and good["later_passages"] and good["passages"][0]["edits"]
    bad = copy.deepcopy(good)
    BREAKS[name](bad)
    with pytest.raises(jsonschema.ValidationError):
        validate(bad)


def test_view_payload_has_one_diff_per_later_passage(dated: Trace) -> None:
    payload = view_payload(dated)
    validate(payload)
    view = payload["view"]
    assert len(view["diffs"]) == len(payload["passages"])
    assert len(view["later_diffs"]) == len(payload["later_passages"]) == 1
    (diff,) = view["later_diffs"]
    later = payload["later_passages"][0]
    assert (
        "".join(q for _, _, q in diff)
        == dated.query.text[later["query_start"] : later["query_end"]]
    )
    assert ["replace", "hamlets ", "villages "] in diff


def test_view_payload_takes_a_headline_passage_from_the_source_title() -> None:
    payload = view_payload(hand_trace())
    (diff,) = payload["view"]["diffs"]
    assert "".join(s for _, s, _ in diff) == "Preparations underway for Kim-Putin summit in Russia"
    assert ["replace", "Russia", "Russian Federation"] in diff
