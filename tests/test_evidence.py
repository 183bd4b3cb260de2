"""The evidence checks of a passage (wiretrace.evidence): whole names at the edges, typed edits,
the conflict rule, telling evidence, run-on passages cut, readable edits."""

from __future__ import annotations

from dataclasses import replace

import pytest

from wiretrace.align.pair import AlignView, align_view, span_edits
from wiretrace.evidence import (
    MIN_EVIDENCE,
    Judgement,
    edit_type,
    evidence,
    judge,
    other_figures,
    snap_to_names,
    split_unsupported,
    spun_copy,
    typed,
)
from wiretrace.model import Alignment, Edit, EditType, PassageKind, Span
from wiretrace.tracing import classify


def _idf(term: str) -> float:
    return 1.0


@pytest.mark.parametrize(
    ("source", "query", "expected"),
    [
        ("Russia", "Russian Federation", EditType.RENAME),
        ("China", "People's Republic of China", EditType.RENAME),
        ("Kim Jong Un", "Kim Jong Il", EditType.ENTITY),
        ("2019", "2002", EditType.DATE),
        ("April", "August", EditType.DATE),
        ("five", "seven", EditType.NUMBER),
        ("11", "12", EditType.NUMBER),
        ("is", "is not", EditType.NEGATION),
        ("said", "stated", EditType.SYNONYM),
        ("said", "shouted", EditType.OTHER),
    ],
)
def test_edit_types(source: str, query: str, expected: EditType) -> None:
    assert edit_type(Edit(source, query)) is expected


def test_a_span_edge_inside_a_name_moves_out_to_the_whole_name() -> None:
    q = "Putin, right, smiles as he hugs North Korean leader Kim Jong Il in Vladivostok."
    s = "Putin and North Korean leader Kim Jong Un met in Vladivostok on Thursday."
    qv, sv = align_view(q), align_view(s)
    # An alignment that stops at "Kim Jong" on both sides, hiding the different names.
    a = Alignment(
        Span(q.index("North"), q.index(" Il")), Span(s.index("North"), s.index(" Un")), 1.0
    )
    snapped = snap_to_names(qv, sv, a, 50)
    assert q[snapped.query.start : snapped.query.end].endswith("Kim Jong Il")
    assert s[snapped.source.start : snapped.source.end].endswith("Kim Jong Un")
    assert Edit("Un", "Il") in [Edit(e.source, e.query) for e in snapped.edits]


def test_an_edge_inside_an_alias_takes_in_the_whole_renamed_entity() -> None:
    q = "People's Republic of China remains the main area of concern for the carmaker."
    s = "China remains the main area of concern for the carmaker."
    qv, sv = align_view(q), align_view(s)
    a = Alignment(Span(q.index("China"), len(q)), Span(0, len(s)), 1.0)
    snapped = snap_to_names(qv, sv, a, 50)
    assert snapped.query.start == 0
    assert [(e.source, e.query) for e in snapped.edits] == [("China", "People's Republic of China")]


def test_a_rewrite_naming_another_person_is_dropped_a_copy_keeps_the_conflict() -> None:
    q = "Russian President Vladimir Putin, right, smiles as he hugs North Korean leader Kim Jong Il"
    s = "Russian President Vladimir Putin and North Korean leader Kim Jong Un"
    qv, sv = align_view(q), align_view(s)
    edits = span_edits(qv, sv, Span(0, len(q)), Span(0, len(s)), 50)
    rewrite = Alignment(Span(0, len(q)), Span(0, len(s)), 0.6, edits)
    verdict = judge(qv, sv, rewrite, classify, _idf, 50)
    assert verdict.alignment is None and "different entity" in verdict.reason
    copy_q = "The minister said 120 people were hurt in the blast on Tuesday."
    copy_s = "The minister said 150 people were hurt in the blast on Tuesday."
    cq, cs = align_view(copy_q), align_view(copy_s)
    edits = span_edits(cq, cs, Span(0, len(copy_q)), Span(0, len(copy_s)), 50)
    a = Alignment(Span(0, len(copy_q)), Span(0, len(copy_s)), 0.92, edits)
    kept = judge(cq, cs, a, classify, _idf, 50)
    assert kept.alignment is not None and kept.kind is PassageKind.NEAR_VERBATIM
    assert [e.type for e in kept.alignment.edits] == [EditType.NUMBER]


def test_a_spun_copy_keeps_its_changed_name() -> None:
    # Renamed ("US" -> "U.S.A.") and with a synonym swap, the passage is rewritten; its words
    # are otherwise the source's, so the changed speaker is a copy's changed fact.
    s = (
        "Mr Opsahl said the EFF was planning to appeal against the ruling because the bloggers "
        "were journalists and US federal laws stop net firms handing over copies of messages."
    )
    q = (
        "Mr Macklin stated the EFF was planning to appeal against the ruling because the "
        "bloggers were journalists and U.S.A. federal laws stop net firms handing over copies "
        "of messages."
    )
    qv, sv = align_view(q), align_view(s)
    edits = span_edits(qv, sv, Span(0, len(q)), Span(0, len(s)), 50)
    a = Alignment(Span(0, len(q)), Span(0, len(s)), 0.9, edits)
    assert spun_copy(qv, sv, replace(a, edits=typed(qv, sv, a.edits)))
    verdict = judge(qv, sv, a, classify, _idf, 50)
    assert verdict.alignment is not None and verdict.kind is PassageKind.REWRITTEN
    types = {(e.source, e.query): e.type for e in verdict.alignment.edits}
    assert types[("US", "U.S.A")] is EditType.RENAME
    assert types[("Opsahl said", "Macklin stated")] in (EditType.ATTRIBUTION, EditType.ENTITY)


def test_evidence_weighs_terms_by_their_rarity() -> None:
    common = {"north": 0.1, "korean": 0.1, "leader": 0.1, "kim": 0.1}
    weight = {**common, "hug": 3.0, "caption": 3.0}

    def idf(t: str) -> float:
        return weight.get(t, 1.0)

    query = {"north", "korean", "leader", "kim", "hug", "caption"}
    assert evidence(query, set(common), idf) < MIN_EVIDENCE
    assert evidence(query, query, idf) == 1.0


def test_a_run_on_passage_is_cut_at_the_sentence_its_source_lacks() -> None:
    first = "The council approved the new budget for the harbour district on Monday night."
    other = "Fishing crews moved their boats to the old slipway near the lighthouse."
    last = "Officials said work on the harbour walls would begin within a month."
    q = f"{first} {other} {last}"
    s = f"{first} Residents welcomed the decision at a packed meeting of the town hall. {last}"
    qv, sv = align_view(q), align_view(s)
    run_on = Alignment(Span(0, len(q)), Span(0, len(s)), 0.7)
    parts = split_unsupported(qv, sv, run_on, 50)
    texts = [q[p.query.start : p.query.end] for p in parts]
    assert texts == [first.rstrip("."), last.rstrip(".")]
    for p in parts:
        assert s[p.source.start : p.source.end] == q[p.query.start : p.query.end]


def test_a_sentence_listing_names_is_no_headline() -> None:
    s = "He is up for the award with Martin Scorsese for The Aviator, Michael Mann for Collateral."
    q = s.replace("Michael Mann", "Jeremy Flynn")
    qv, sv = align_view(q), align_view(s)
    edits = span_edits(qv, sv, Span(0, len(q)), Span(0, len(s)), 50)
    verdict = judge(
        qv, sv, Alignment(Span(0, len(q)), Span(0, len(s)), 0.9, edits), classify, _idf, 50
    )
    assert verdict.alignment is not None
    assert [e.type for e in verdict.alignment.edits] == [EditType.ENTITY]
    head = "Scorsese And Mann Lead The Race For Best Director Award"
    hv, gv = align_view(head.replace("Mann", "Flynn")), align_view(head)
    edits = span_edits(hv, gv, Span(0, len(head) + 1), Span(0, len(head)), 50)
    a = Alignment(Span(0, len(head) + 1), Span(0, len(head)), 0.9, edits)
    verdict = judge(hv, gv, a, classify, _idf, 50)
    assert verdict.alignment is not None
    assert [e.type for e in verdict.alignment.edits] == [EditType.OTHER]


_CENSUS = (
    "As of the census of 2000, there were {0} people, {1} households, and {2} families "
    "residing in the town. The population density was {3} people per square mile. There "
    "were {4} housing units at an average density of {5} per square mile, and {6}% of all "
    "households were made up of individuals."
)


def _judged(source: str, query: str) -> tuple[AlignView, Alignment, Judgement]:
    qv, sv = align_view(query), align_view(source)
    edits = span_edits(qv, sv, Span(0, len(query)), Span(0, len(source)), 80)
    a = Alignment(Span(0, len(query)), Span(0, len(source)), 0.7, edits)
    return qv, a, judge(qv, sv, a, classify, _idf, 80)


def test_a_page_from_the_same_template_with_other_figures_is_no_source() -> None:
    # Two towns' census paragraphs share every word of their frame and none of their figures.
    town_a = _CENSUS.format("1,854", "712", "498", "1,021.4", "780", "430.1", "31.8")
    town_b = _CENSUS.format("6,223", "2,412", "1,610", "2,310.7", "2,598", "964.5", "27.2")
    qv, a, verdict = _judged(town_a, town_b)
    assert other_figures(qv, a)
    assert verdict.alignment is None and verdict.reason == "same frame, other figures"
    # The same paragraph with one figure changed is a copy whose facts drifted: kept, typed.
    drifted = town_a.replace("1,854 people", "1,954 people")
    qv, a, verdict = _judged(town_a, drifted)
    assert not other_figures(qv, a)
    assert verdict.alignment is not None
    assert [e.type for e in verdict.alignment.edits] == [EditType.NUMBER]


def test_figures_changed_across_a_long_updated_story_are_kept() -> None:
    # Six updated figures, one every forty words or so: a wire story updated, not a template.
    filler = (
        "Rescue teams worked through the night in the flooded valley while officials "
        "asked residents to stay away from the river banks until the water receded. "
    )
    source = " ".join(
        f"The count stood at {n} on the morning report. {filler}" for n in range(11, 17)
    )
    query = " ".join(
        f"The count stood at {n} on the morning report. {filler}" for n in range(41, 47)
    )
    qv, a, verdict = _judged(source, query)
    assert sum(e.source.isdigit() for e in a.edits) == 6
    assert not other_figures(qv, a)
    assert verdict.alignment is not None
