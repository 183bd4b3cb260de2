"""The seed's case end to end, on a small corpus written for this test (no news article is
copied here): a wire story, two reports that lift from it and from each other, same-event
reports that are not sources, one later article, and a farm rewrite of them all with its
headline renamed ("Russia" -> "Russian Federation")."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiretrace import Document, open_index
from wiretrace.model import EditType, Trace
from wiretrace.tracing import TraceOptions, trace

HEADLINE = "Preparations underway for Kim-Putin summit in Russia"
AIDE = (
    "A Kremlin aide told reporters that no joint statement was planned and that the agenda "
    "would remain open until the leaders sat down together."
)
STANDOFF = (
    "Officials in Moscow described the meeting as a chance to discuss the nuclear standoff on "
    "the Korean Peninsula after talks between Kim and the United States stalled in February."
)
PROFESSOR = (
    "Professor Ilya Semenov of the Far Eastern Federal University said the summit would show "
    "that {} still has a voice in Korean affairs, whatever Washington thinks of it."
)
ROADWORKS = (
    "Residents said the sudden burst of roadworks near the railway station had snarled traffic "
    "across the city centre for most of the week."
)

WIRE = Document(
    "wire-story",
    " ".join(
        [
            "Workers in the port city of Vladivostok were repainting railings and resurfacing "
            "roads on Tuesday ahead of a summit between North Korean leader Kim Jong Un and "
            "Russian President Vladimir Putin.",
            "The Kremlin said the two leaders would hold one-on-one talks on Thursday at a "
            "university campus on Russky Island.",
            STANDOFF,
            AIDE,
            "Local media reported that the city's railway station had been closed to the public "
            "for cleaning and that police patrols had been doubled along the waterfront.",
        ]
    ),
    title=HEADLINE,
    source="Wire Agency",
    published_at="2019-04-23T16:43:00Z",
)
REPORT_A = Document(
    "daily-a",
    " ".join(
        [
            "Analysts in Seoul said Pyongyang hopes to win economic help from Moscow while "
            "sanctions continue to squeeze its trade.",
            AIDE,
            PROFESSOR.format("Russia"),
            "The university's dormitories have been emptied of students to house delegations.",
        ]
    ),
    title="Pyongyang looks to Moscow for help as summit nears",
    source="Daily A",
    published_at="2019-04-24",
)
REPORT_B = Document(
    "daily-b",
    " ".join(
        [
            STANDOFF,
            ROADWORKS,
            PROFESSOR.format("Russia"),
            "Shopkeepers near the harbour said they had been told to keep their shutters down "
            "on the day of the visit.",
        ]
    ),
    title="Vladivostok braces for a visit from Pyongyang",
    source="Daily B",
    published_at="2019-04-24T09:30:00+09:00",
)
SAME_EVENT = [
    Document(
        "same-event-1",
        "Russian President Vladimir Putin and North Korean leader Kim Jong Un will meet in "
        "Vladivostok on Thursday, the Kremlin confirmed. It will be the first meeting between "
        "the leaders, and officials expect talks on sanctions and the nuclear programme. The "
        "armoured train carrying the North Korean delegation is expected to cross the border "
        "at Khasan early on Wednesday morning.",
        title="Kremlin confirms Kim Jong Un visit",
        source="Evening Post",
        published_at="2019-04-23",
    ),
    Document(
        "same-event-2",
        "North Korean leader Kim Jong Un is expected in Russia this week for the first meeting "
        "between the leaders. Putin has said he wants to hear Kim's view of the stalled talks "
        "with Washington. Security around the island campus has been tightened, with boats "
        "barred from the bay for three days.",
        title="Kim to travel to Russia by train",
        source="Morning Herald",
        published_at="2019-04-23T08:00:00Z",
    ),
]
LATER = Document(
    "later-analysis",
    " ".join(
        [
            "A week after the summit, little had changed on the peninsula.",
            PROFESSOR.format("Russia"),
            "Diplomats in Beijing said they had been briefed by both sides within days.",
        ]
    ),
    title="A week on, what the summit changed",
    source="Weekly Review",
    published_at="2019-05-02",
)
CAPTION = (
    "In this August 2002 photo, Russian President Vladimir Putin, right, smiles as he greets "
    "North Korean leader Kim Jong Il during their meeting in Vladivostok."
)
FARM = Document(
    "farm-article",
    "\n\n".join(
        [
            HEADLINE.replace("Russia", "Russian Federation"),
            "Saul Whitby\nApril 25, 2019",
            AIDE,
            PROFESSOR.format("Russian Federation"),
            STANDOFF,
            ROADWORKS,
            CAPTION,
            "Other reports by Saul Whitby\nDiscuss This Article",
        ]
    ),
    source="Farm",
    published_at="2019-04-25",
)


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path: Path = tmp_path_factory.mktemp("seed") / "seed.db"
    with open_index(path) as index:
        index.add([WIRE, REPORT_A, REPORT_B, *SAME_EVENT, LATER])
        yield index


@pytest.fixture(scope="module")
def farm_trace(seed_index) -> Trace:  # type: ignore[no-untyped-def]
    return trace(seed_index, FARM)


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def test_headline_is_attributed_to_the_wire_with_its_rename(farm_trace: Trace) -> None:
    head = _span(FARM.text, HEADLINE.replace("Russia", "Russian Federation"))
    found = [
        p
        for p in farm_trace.passages
        if p.source_id == WIRE.id and p.query.start <= head[0] and p.query.end >= head[1] - 1
    ]
    assert found, [(p.source_id, p.query) for p in farm_trace.passages]
    renames = [(e.source, e.query) for p in found for e in p.edits if e.type is EditType.RENAME]
    assert ("Russia", "Russian Federation") in renames


def test_the_wire_is_the_first_publisher(farm_trace: Trace) -> None:
    assert farm_trace.earliest_source == WIRE.id
    assert farm_trace.earliest_sources == (WIRE.id,)
    assert farm_trace.direction_checked


def test_the_later_article_is_never_a_source(farm_trace: Trace) -> None:
    assert LATER.id not in {s.document.id for s in farm_trace.sources}
    assert LATER.id not in {p.source_id for p in farm_trace.passages}
    assert LATER.id in {s.document.id for s in farm_trace.later}
    assert all(p.source_id == LATER.id for p in farm_trace.later_passages)


def test_renamed_lift_is_rewritten_with_its_rename(farm_trace: Trace) -> None:
    lift = _span(FARM.text, PROFESSOR.format("Russian Federation"))
    inside = [
        p
        for p in farm_trace.passages
        if p.source_id in (REPORT_A.id, REPORT_B.id) and p.query.overlap([_as_span(lift)])
    ]
    assert inside
    edits = {(e.source, e.query, e.type) for p in inside for e in p.edits}
    assert ("Russia", "Russian Federation", EditType.RENAME) in edits


def test_same_event_reports_are_not_sources(farm_trace: Trace) -> None:
    cited = {s.document.id for s in farm_trace.sources}
    assert not cited & {d.id for d in SAME_EVENT}, [
        (p.source_id, FARM.text[p.query.start : p.query.end]) for p in farm_trace.passages
    ]
    caption = _as_span(_span(FARM.text, CAPTION))
    assert not [p for p in farm_trace.passages if p.query.overlap([caption])]


def test_true_sources_cover_the_lifted_text(farm_trace: Trace) -> None:
    cited = {s.document.id for s in farm_trace.sources}
    assert {WIRE.id, REPORT_A.id, REPORT_B.id} <= cited
    for part in (AIDE, STANDOFF, ROADWORKS):
        span = _as_span(_span(FARM.text, part))
        assert any(p.query.overlap([span]) >= len(span) - 2 for p in farm_trace.passages), part


def test_two_same_day_reports_are_a_tie(seed_index) -> None:  # type: ignore[no-untyped-def]
    # Lifts from the two reports only: a bare date and a zoned time on the same day.
    query = Document(
        "tie-query",
        "\n\n".join(
            [
                "Analysts in Seoul said Pyongyang hopes to win economic help from Moscow while "
                "sanctions continue to squeeze its trade.",
                ROADWORKS,
                "Shopkeepers near the harbour said they had been told to keep their shutters "
                "down on the day of the visit.",
            ]
        ),
        published_at="2019-04-26",
    )
    result = trace(seed_index, query)
    assert {s.document.id for s in result.sources} >= {REPORT_A.id, REPORT_B.id}
    assert result.earliest_source is None
    assert result.earliest_sources == (REPORT_A.id, REPORT_B.id)


def test_an_undated_query_cannot_check_direction(seed_index) -> None:  # type: ignore[no-untyped-def]
    result = trace(seed_index, Document("undated", FARM.text))
    assert not result.direction_checked
    assert result.later == ()
    assert LATER.id in {s.document.id for s in result.sources}


def _as_span(bounds: tuple[int, int]):  # type: ignore[no-untyped-def]
    from wiretrace.model import Span

    return Span(*bounds)


def test_min_confidence_hides_and_counts_passages(seed_index) -> None:  # type: ignore[no-untyped-def]
    every = trace(seed_index, FARM, TraceOptions(min_confidence=0.0))
    assert every.hidden_passages == 0
    cut = max(p.confidence for p in every.passages) - 1e-9
    some = trace(seed_index, FARM, TraceOptions(min_confidence=cut))
    assert some.passages and all(p.confidence >= cut for p in some.passages)
    shown = len(some.passages) + len(some.later_passages)
    assert shown + some.hidden_passages == len(every.passages) + len(every.later_passages)
    assert some.hidden_passages > 0


def test_cli_takes_min_confidence_and_the_article_details(
    seed_index,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    import json

    from click.testing import CliRunner

    from wiretrace.cli import main

    db = tmp_path / "cli.db"
    with open_index(db) as index:
        index.add([WIRE, REPORT_A, REPORT_B, *SAME_EVENT, LATER])
    article = tmp_path / "farm.txt"
    article.write_text(FARM.text, encoding="utf-8")
    run = CliRunner().invoke(
        main,
        [
            "trace",
            "--db",
            str(db),
            str(article),
            "--json",
            "--published-at",
            "2019-04-25",
            "--min-confidence",
            "0",
        ],
    )
    assert run.exit_code == 0, run.output
    report = json.loads(run.output)
    assert report["min_confidence"] == 0 and report["hidden_passages"] == 0
    assert LATER.id in {s["id"] for s in report["later"]}
    assert report["earliest_source"] == WIRE.id
    args = ["trace", "--db", str(db), str(article), "--min-confidence", "2"]
    bad = CliRunner().invoke(main, args)
    assert bad.exit_code == 2
