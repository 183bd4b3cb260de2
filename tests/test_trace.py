"""Tracing real-looking news: our own corpus in ``tests/data/news`` everywhere, and the BBC
texts of ``../shared/data`` as well where that folder is present."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from conftest import read_report

from wiretrace import (
    Document,
    Index,
    MemoryIndex,
    PassageKind,
    open_index,
    trace,
    trace_to_dict,
)
from wiretrace.model import SourceSummary, Span
from wiretrace.report.json import trace_schema
from wiretrace.tracing import TraceOptions, earliest, is_rename

WIRE = "meridian/fisheries-pact"


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if len(p.split()) >= 25]


def _composite(articles: list[dict[str, str]]) -> tuple[str, list[tuple[str, str]]]:
    """A query made of one long paragraph from each of three articles, with filler between."""
    pieces = []
    for art in articles:
        pieces.append((art["id"], _paragraphs(art["text"])[0]))
    filler = "This sentence was written by the copier and appears nowhere else in the corpus."
    query = "\n\n".join(f"{filler} {text}" for _, text in pieces)
    return query, pieces


def _pick(articles: list[dict[str, str]], start: int, count: int = 3) -> list[dict[str, str]]:
    """``count`` articles with a long paragraph from ``start`` on (wrapped in a small corpus)."""
    long = [a for a in articles if _paragraphs(a["text"])]
    start %= max(1, len(long) - count + 1)
    return long[start : start + count]


@pytest.fixture(params=["memory", "sqlite"])
def news_index(
    request: pytest.FixtureRequest, tmp_path: Path, corpus: list[dict[str, str]]
) -> Iterator[Index]:
    docs = [
        Document(
            a["id"],
            a["text"],
            a["title"],
            f"https://bbc.invalid/{a['id']}",
            "BBC News",
            f"2005-01-{1 + i % 28:02d}",
        )
        for i, a in enumerate(corpus)
    ]
    index = MemoryIndex() if request.param == "memory" else open_index(tmp_path / "news.db")
    try:
        index.add(docs)
        yield index
    finally:
        index.close()


def test_a_composite_is_traced_to_each_source_with_exact_spans(
    news_index: Index, corpus: list[dict[str, str]]
) -> None:
    chosen = _pick(corpus, 10)
    query, pieces = _composite(chosen)
    result = trace(news_index, Document("query", query))
    by_source = {p.source_id: p for p in result.passages}
    for source_id, text in pieces:
        p = by_source[source_id]
        assert query[p.query.start : p.query.end] == text
        src = news_index.get(source_id)
        assert src is not None and src.text[p.source.start : p.source.end] == text
        assert p.kind is PassageKind.VERBATIM and p.score == 1.0
    expected = sum(len(t) for _, t in pieces) / len(query)
    assert result.coverage == pytest.approx(expected, abs=1e-3)
    assert {s.document.id for s in result.sources} >= {sid for sid, _ in pieces}
    dates = {s.document.id: s.document.published_at for s in result.sources}
    assert result.earliest_source == min(dates, key=lambda k: (dates[k], k))


def test_excluded_documents_are_never_candidates(
    news_index: Index, corpus: list[dict[str, str]]
) -> None:
    chosen = _pick(corpus, 10)
    query, pieces = _composite(chosen)
    gone, kept = pieces[0][0], {sid for sid, _ in pieces[1:]}
    # A copy of the excluded source under another id takes its place: the exclusion is of a
    # document, not of the text it holds.
    twin = news_index.get(gone)
    assert twin is not None
    news_index.add([Document("twin/" + gone, twin.text, twin.title, None, "Elsewhere")])
    result = trace(news_index, Document("query", query), TraceOptions(exclude=(gone,)))
    ids = {s.document.id for s in result.sources} | {p.source_id for p in result.passages}
    assert gone not in ids
    assert kept <= ids and "twin/" + gone in ids
    assert result.options["exclude"] == (gone,)
    both = trace(news_index, Document("query", query), TraceOptions(exclude=(gone, *kept)))
    assert not {gone, *kept} & {s.document.id for s in both.sources}


def test_edited_copy_is_near_verbatim_with_edits(
    news_index: Index, corpus: list[dict[str, str]]
) -> None:
    art = next(a for a in corpus if len(_paragraphs(a["text"])) >= 2)
    original = " ".join(_paragraphs(art["text"])[:2])
    words = original.split()
    words[10] = "XYZZY"
    result = trace(news_index, Document("q", " ".join(words)))
    [p] = [p for p in result.passages if p.source_id == art["id"]]
    assert p.kind is PassageKind.NEAR_VERBATIM
    assert any(e.query == "XYZZY" for e in p.edits)


def test_unrelated_text_and_self_are_not_sources(
    news_index: Index, corpus: list[dict[str, str]]
) -> None:
    result = trace(news_index, Document("q", "Nothing in this short note was ever published."))
    assert result.passages == () and result.coverage == 0 and result.earliest_source is None
    art = corpus[0]
    self_trace = trace(news_index, Document(art["id"], art["text"]))
    assert art["id"] not in {s.document.id for s in self_trace.sources}


def test_json_report_matches_its_schema(news_index: Index, corpus: list[dict[str, str]]) -> None:
    chosen = _pick(corpus, 20)
    query, _ = _composite(chosen)
    report = trace_to_dict(trace(news_index, Document("query", query)))
    jsonschema.validate(report, trace_schema())
    assert report["passages"] and report["sources"]
    bad = dict(report, coverage=1.5)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, trace_schema())


def test_earliest_ignores_undated_and_names_every_tie() -> None:
    def s(doc_id: str, when: str | None) -> SourceSummary:
        return SourceSummary(Document(doc_id, "x", published_at=when), 0.1, 1)

    assert earliest([s("a", None), s("b", "2020-01-02")]) == ("b",)
    assert earliest([s("b", "2020-01-01T10:00:00+02:00"), s("a", "2020-01-01T09:00:00Z")]) == ("b",)
    # Two bare dates of one day: their order is unknown, so both are earliest.
    assert earliest([s("b", "2020-01-01"), s("a", "2020-01-01")]) == ("a", "b")
    # A bare date does not beat a time on the same day, and loses to the day before.
    assert earliest([s("d", "2019-04-23"), s("t", "2019-04-23T16:43Z")]) == ("d", "t")
    assert earliest([s("d", "2019-04-24"), s("t", "2019-04-23T16:43Z")]) == ("t",)
    # A time without a zone is certain against a zoned one only beyond any zone's offset.
    assert earliest([s("n", "2019-04-23T10:00"), s("z", "2019-04-23T16:43Z")]) == ("n", "z")
    assert earliest([s("n", "2019-04-23T01:00"), s("z", "2019-04-23T16:43Z")]) == ("n",)
    assert earliest([s("a", None), s("b", "not a date")]) == ()


def test_union_length_counts_overlaps_once() -> None:
    assert Span.union_length([Span(0, 10), Span(5, 15), Span(20, 25), Span(21, 22)]) == 20
    assert Span.union_length([]) == 0


def test_memory_index_is_a_faithful_double(tmp_path: Path, corpus: list[dict[str, str]]) -> None:
    docs = [Document(a["id"], a["text"]) for a in corpus[:100]]
    mem = MemoryIndex()
    mem.add(docs)
    query, _ = _composite(_pick(corpus[:100], 0))
    with open_index(tmp_path / "x.db") as sql:
        sql.add(docs)
        assert trace_to_dict(trace(mem, Document("q", query))) == trace_to_dict(
            trace(sql, Document("q", query))
        )


@pytest.fixture
def wire_index(news_articles: list[dict[str, str]]) -> MemoryIndex:
    index = MemoryIndex()
    index.add(
        Document(a["id"], a["text"], a["title"], a["url"], a["source"], a["published_at"])
        for a in news_articles
    )
    return index


def test_a_report_that_renames_an_entity_is_traced_to_the_wire(wire_index: MemoryIndex) -> None:
    query = read_report("harbour-gazette")
    result = trace(wire_index, Document("gazette", query, published_at="2022-06-15"))
    assert {s.document.id for s in result.sources} == {WIRE}
    assert result.earliest_source == WIRE
    wire = wire_index.get(WIRE)
    assert wire is not None
    [first, second] = wire.text.split("\n\n")[:2]
    renames = [e for p in result.passages for e in p.edits if is_rename(e)]
    assert renames and {(e.source, e.query) for e in renames} == {("Britain", "United Kingdom")}
    assert all(p.kind is PassageKind.REWRITTEN for p in result.passages)
    # The copied paragraphs are covered; the harbour master's words are the report's own.
    own = query.index("Harbour master")
    covered = Span.union_length([p.query for p in result.passages])
    assert covered >= len(first) + len(second) - 2 * len("the United Kingdom")
    assert all(p.query.end <= own for p in result.passages)


def test_a_report_that_swaps_synonyms_is_traced_to_the_wire(wire_index: MemoryIndex) -> None:
    query = read_report("coastline-daily")
    result = trace(wire_index, Document("coastline", query, published_at="2022-06-16"))
    assert {s.document.id for s in result.sources} == {WIRE}
    swaps = {(e.source, e.query) for p in result.passages for e in p.edits}
    assert {("asked for", "requested"), ("review", "examine"), ("warned", "cautioned")} <= swaps
    assert any(a == "said" and b.startswith("stated") for a, b in swaps)
    assert [p.kind for p in result.passages] == [PassageKind.NEAR_VERBATIM]
    assert not any(is_rename(e) for p in result.passages for e in p.edits)
    # The first paragraph is the report's own.
    assert min(p.query.start for p in result.passages) >= query.index("The fisheries minister")
