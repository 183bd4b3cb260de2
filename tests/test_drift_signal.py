"""The ``fact_drift`` signal of a trace: a changed fact is named once, with its type, both
wordings, both spans and the source it differs from; a source that agrees with the article
withdraws it; renames stay spin. Also its JSON, its terminal table and its marks on the page.

The texts are ours, written for these tests."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest
from rich.console import Console

from wiretrace import Document, EditType, MemoryIndex, Trace, trace
from wiretrace.drift.signal import FACT_TYPES, fact_drift_signals
from wiretrace.model import Edit, Passage, PassageKind, Span
from wiretrace.report.json import trace_schema, trace_to_dict
from wiretrace.report.terminal import render_trace

WIRE = (
    "A powerful earthquake off the coast of Sumatra killed at least 80 people in three "
    "villages, officials said on Thursday. Rescue teams from Australia and Japan arrived in "
    'Banda Aceh to help the survivors of the disaster. "We did not expect a wave of this size '
    'so close to the shore," said Ushakov, the head of the regional relief agency. The United '
    "Nations appealed for donations to fund the relief effort across the whole region."
)
COPY = (
    "A powerful earthquake off the coast of Sumatra killed at least 120 people in three "
    "villages, officials said on Friday. Rescue teams from Australia and Japan arrived in "
    'Banda Aceh to help the survivors of the disaster. "We did expect a wave of this size '
    'so close to the shore," said Peskov, the head of the regional relief agency. The United '
    "Nations appealed for donations to fund the relief effort across the whole region."
)


def _index(*docs: Document) -> MemoryIndex:
    index = MemoryIndex()
    index.add(docs)
    return index


@pytest.fixture(scope="module")
def drifted() -> Trace:
    wire = Document("wire/quake", WIRE, title="Quake kills 80", published_at="2004-12-27")
    return trace(_index(wire), Document("farm/quake", COPY, published_at="2004-12-29"))


def _facts(t: Trace) -> list[tuple[str, str, str]]:
    return [
        (s.fact.type.value, s.fact.source_wording, s.fact.query_wording)
        for s in t.signals
        if s.fact is not None
    ]


def test_each_changed_fact_is_named_with_its_type_and_both_wordings(drifted: Trace) -> None:
    facts = [s.fact for s in drifted.signals if s.fact is not None]
    kinds = {f.type for f in facts}
    assert {EditType.NUMBER, EditType.DATE, EditType.NEGATION} <= kinds
    assert kinds <= FACT_TYPES
    for f in facts:
        assert COPY[f.query_span.start : f.query_span.end] == f.query_wording
        assert f.source_span is not None
        assert WIRE[f.source_span.start : f.source_span.end] == f.source_wording
        assert f.source_id == "wire/quake" and f.source_published_at == "2004-12-27"
    number = next(f for f in facts if f.type is EditType.NUMBER)
    assert "80" in number.source_wording and "120" in number.query_wording
    date = next(f for f in facts if f.type is EditType.DATE)
    assert (date.source_wording, date.query_wording) == ("Thursday", "Friday")
    negation = next(f for f in facts if f.type is EditType.NEGATION)
    assert "not" in negation.source_wording and "not" not in negation.query_wording
    spans = [f.query_span.start for f in facts]
    assert spans == sorted(spans)
    detail = next(s.detail for s in drifted.signals if s.fact is date)
    assert detail == 'date: "Thursday" -> "Friday" (source wire/quake, 2004-12-27)'


def test_a_source_that_agrees_with_the_article_withdraws_the_change() -> None:
    wire = Document("wire/quake", WIRE, published_at="2004-12-27")
    # A later correction, still before the copy, that says what the copy says.
    fixed = Document("wire/quake-update", COPY, published_at="2004-12-28")
    t = trace(_index(wire, fixed), Document("farm/quake", COPY, published_at="2004-12-29"))
    assert _facts(t) == []
    assert {s.document.id for s in t.sources} >= {"wire/quake-update"}


def test_the_earliest_of_the_sources_with_the_same_change_is_named() -> None:
    early = Document("a/first", WIRE, published_at="2004-12-27T08:00Z")
    late = Document("b/second", WIRE, published_at="2004-12-27T15:00Z")
    t = trace(_index(late, early), Document("farm/quake", COPY, published_at="2004-12-29"))
    named = {s.fact.source_id for s in t.signals if s.fact is not None}
    assert named == {"a/first"}


def test_renames_are_spin_not_drift() -> None:
    text = (
        "Russia and China signed a new trade agreement in Beijing on Monday, officials from both "
        "governments said after the ceremony. Under the deal Russia will export more natural "
        "gas to northern provinces, and China will build two new pipelines near the border. "
        "Trade between the two neighbours grew sharply over the past decade, the commerce "
        "ministry said in a statement on its website."
    )
    spun = text.replace("Russia", "Russian Federation")
    # Other news beside it, so that the story's words are not the whole index's words.
    others = [
        Document(
            f"other/{i}",
            WIRE
            if i == 0
            else f"Local council meeting {i} "
            "discussed the school budget and new bus routes for the town centre.",
        )
        for i in range(3)
    ]
    t = trace(_index(Document("wire/trade", text), *others), Document("farm/trade", spun))
    assert _facts(t) == []
    assert any(s.type == "spin" for s in t.signals)


def test_hand_made_passages_follow_the_rules() -> None:
    """The rules on passages made by hand: a fact edit without a span is not listed; another
    source covering the span with its own fact edit there does not withdraw the change."""
    docs = {
        "s1": Document("s1", "x", published_at="2020-01-02"),
        "s2": Document("s2", "y", published_at="2020-01-01"),
    }
    number = Edit("80", "120", EditType.NUMBER, Span(5, 7), Span(5, 8))

    def passage(source: str, *edits: Edit) -> Passage:
        return Passage(Span(0, 40), source, Span(0, 40), 0.9, PassageKind.NEAR_VERBATIM, edits)

    both = fact_drift_signals([passage("s1", number), passage("s2", number)], docs)
    assert [s.fact.source_id for s in both if s.fact] == ["s2"]  # the earlier of the two
    agreed = fact_drift_signals([passage("s1", number), passage("s2")], docs)
    assert agreed == []
    spanless = Edit("80", "120", EditType.NUMBER)
    assert fact_drift_signals([passage("s1", spanless)], docs) == []
    synonym = Edit("said", "stated", EditType.SYNONYM, Span(9, 13), Span(9, 15))
    assert fact_drift_signals([passage("s1", synonym)], docs) == []


def test_json_carries_the_fact_and_validates(drifted: Trace) -> None:
    report = trace_to_dict(drifted)
    jsonschema.validate(report, trace_schema())
    facts = [s["fact"] for s in report["signals"] if s["type"] == "fact_drift"]
    assert facts and all(f["source_id"] == "wire/quake" for f in facts)
    date = next(f for f in facts if f["type"] == "date")
    assert COPY[date["start"] : date["end"]] == "Friday" == date["to"]
    assert WIRE[date["source_start"] : date["source_end"]] == "Thursday" == date["from"]
    broken = json.loads(json.dumps(report))
    next(s for s in broken["signals"] if "fact" in s)["fact"]["type"] = "rename"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, trace_schema())


def test_terminal_shows_drift_apart_from_spin(drifted: Trace) -> None:
    out = io.StringIO()
    render_trace(drifted, Console(file=out, width=120, color_system=None))
    shown = out.getvalue()
    assert "Fact drift" in shown
    assert "[source: Thursday]" in shown
    signals_table = shown.split("Fact drift", 1)[1]
    assert "fact_drift" not in signals_table  # drift has its own table, not a signal row


def test_html_report_marks_the_changed_fact(drifted: Trace, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs Playwright for Python")
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip(f"needs Debian's Chromium at {chromium} (.ci/run installs it)")
    from wiretrace.report.html import render_html

    path = tmp_path / "drift.html"
    path.write_text(render_html(drifted), encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri())
            marked = page.locator("#wt-article .wt-drift").all_inner_texts()
            assert "Friday" in marked
            notes = page.locator("#wt-article .wt-was").all_inner_texts()
            assert "source: Thursday" in notes
            table = page.locator(".wt-drift-table").inner_text()
            assert "Thursday" in table and "Friday" in table and "Quake kills 80" in table
            signals = page.locator("[aria-labelledby=wt-h-signals]").inner_text()
            assert "fact_drift" not in signals
            assert errors == []
        finally:
            browser.close()


def test_spans_meet_where_an_empty_span_stands() -> None:
    assert Span(0, 5).intersects(Span(4, 8)) and not Span(0, 5).intersects(Span(5, 8))
    assert not Span(0, 5).meets(Span(5, 8))  # two words side by side do not meet
    assert Span(5, 5).meets(Span(0, 5)) and Span(0, 5).meets(Span(5, 5))  # at an edge
    assert Span(3, 3).meets(Span(0, 5)) and not Span(7, 7).meets(Span(0, 5))
