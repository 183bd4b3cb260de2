from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from wiretrace import Document, MemoryIndex, PassageKind, open_index, trace, trace_to_dict
from wiretrace.model import SourceSummary, Span
from wiretrace.report.json import trace_schema
from wiretrace.trace import earliest


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


@pytest.fixture(params=["memory", "sqlite"])
def news_index(request: pytest.FixtureRequest, tmp_path: Path, bbc_articles: list[dict[str, str]]):
    docs = [
        Document(
            a["id"],
            a["text"],
            a["title"],
            f"https://bbc.invalid/{a['id']}",
            "BBC News",
            f"2005-01-{1 + i % 28:02d}",
        )
        for i, a in enumerate(bbc_articles)
    ]
    index = MemoryIndex() if request.param == "memory" else open_index(tmp_path / "news.db")
    index.add(docs)
    return index


def test_a_composite_is_traced_to_each_source_with_exact_spans(
    news_index: MemoryIndex, bbc_articles: list[dict[str, str]]
) -> None:
    chosen = [a for a in bbc_articles if _paragraphs(a["text"])][10:13]
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


def test_edited_copy_is_near_verbatim_with_edits(
    news_index: MemoryIndex, bbc_articles: list[dict[str, str]]
) -> None:
    art = next(a for a in bbc_articles if len(_paragraphs(a["text"])) >= 2)
    original = " ".join(_paragraphs(art["text"])[:2])
    words = original.split()
    words[10] = "XYZZY"
    result = trace(news_index, Document("q", " ".join(words)))
    [p] = [p for p in result.passages if p.source_id == art["id"]]
    assert p.kind is PassageKind.NEAR_VERBATIM
    assert any(e.query == "XYZZY" for e in p.edits)


def test_unrelated_text_and_self_are_not_sources(news_index: MemoryIndex, bbc_articles) -> None:
    result = trace(news_index, Document("q", "Nothing in this short note was ever published."))
    assert result.passages == () and result.coverage == 0 and result.earliest_source is None
    art = bbc_articles[0]
    self_trace = trace(news_index, Document(art["id"], art["text"]))
    assert art["id"] not in {s.document.id for s in self_trace.sources}


def test_json_report_matches_its_schema(news_index: MemoryIndex, bbc_articles) -> None:
    chosen = [a for a in bbc_articles if _paragraphs(a["text"])][20:23]
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
    assert earliest([s("b", "2020-01-01T10:00:00+02:00"), s("a", "2020-01-01T09:00:00Z")]) == (
        "b",
    )
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


def test_memory_index_is_a_faithful_double(tmp_path: Path, bbc_articles) -> None:
    docs = [Document(a["id"], a["text"]) for a in bbc_articles[:100]]
    mem, sql = MemoryIndex(), open_index(tmp_path / "x.db")
    mem.add(docs)
    sql.add(docs)
    query, _ = _composite([a for a in bbc_articles[:100] if _paragraphs(a["text"])][:3])
    assert trace_to_dict(trace(mem, Document("q", query))) == trace_to_dict(
        trace(sql, Document("q", query))
    )
