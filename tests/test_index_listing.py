"""Listing an index's articles (``list_documents``): the rules of :mod:`wiretrace.index.listing`,
checked on both indexes, and the SQLite answer against the in-memory reference on random
corpora and queries, hostile search strings included."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wiretrace import Document, MemoryIndex, SQLiteIndex, open_index
from wiretrace.index.listing import MAX_QUERY_CHARS, DocumentQuery, QueryError, Sort

BODY = "Words of an article about {} that are long enough to fingerprint, number {}."

DOCS = [
    Document("a", BODY.format("rates", 1), "Bank raises rates", None, "Wire", "2019-04-23T16:43Z"),
    Document("b", BODY.format("floods", 2), "Floods close roads", None, "Daily", "2019-04-23"),
    Document("c", BODY.format("ferries", 3), "Ferry 100% late_", None, "Wire", "2019-04-22"),
    Document("d", BODY.format("summits", 4), "Summit in Vladivostok", None, "Daily", None),
    Document("e", BODY.format("markets", 5), None, "https://x.example/e", None, "2019-05-01"),
    Document("f", BODY.format("rates", 1), "Bank RAISES rates again", None, "Copy", "2019-04-24"),
]


@pytest.fixture(params=["memory", "sqlite"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MemoryIndex | SQLiteIndex]:
    if request.param == "memory":
        yield MemoryIndex(fold_duplicates=True)
        return
    with open_index(tmp_path / "test.db", fold_duplicates=True) as sqlite_index:
        yield sqlite_index


def ids(index: MemoryIndex | SQLiteIndex, **values: object) -> list[str]:
    page = index.list_documents(DocumentQuery.of(**values))  # type: ignore[arg-type]
    return [item.id for item in page.items]


def test_filters_orders_and_pages(index: MemoryIndex | SQLiteIndex) -> None:
    index.add(DOCS)
    # "f" has the text of "a": folded into it, yet listed as an article of its own.
    assert len(index) == 5
    assert ids(index) == ["e", "f", "a", "b", "c", "d"]  # newest first, undated last
    assert ids(index, sort="oldest") == ["c", "b", "a", "f", "e", "d"]
    assert ids(index, sort="title") == ["f", "a", "c", "b", "d", "e"]  # code point order
    assert ids(index, q="raises  RATES") == ["f", "a"]  # every word, ASCII case folded
    assert ids(index, q="100%") == ["c"] and ids(index, q="e_") == ["c"]
    assert ids(index, q="%") == ["c"] and ids(index, q="_") == ["c"]
    assert ids(index, outlet="Wire") == ["a", "c"]
    assert ids(index, outlet="wire") == []
    # A date bound leaves undated articles out; "to" keeps the whole day it names.
    assert ids(index, date_to="2019-04-23") == ["a", "b", "c"]
    assert ids(index, date_from="2019-04-23", date_to="2019-04-23") == ["a", "b"]
    assert ids(index, date_from="2019-04-23T12:00") == ["e", "f", "a"]
    assert ids(index, date_to="2019-04-23 12:00") == ["b", "c"]
    page = index.list_documents(DocumentQuery.of(per_page=4, page=2, sort="id"))
    assert [i.id for i in page.items] == ["e", "f"]
    assert (page.total, page.total_exact, page.pages) == (6, True, 2)
    listed = {i.id: i for i in index.list_documents(DocumentQuery.of(sort="id")).items}
    assert listed["f"].length == listed["a"].length == len(DOCS[0].text)
    assert listed["f"].title == "Bank RAISES rates again" and listed["f"].outlet == "Copy"
    assert listed["e"].url == "https://x.example/e" and listed["e"].title is None
    assert index.list_documents(DocumentQuery.of(page=9)).items == ()


def test_an_empty_index_lists_nothing(index: MemoryIndex | SQLiteIndex) -> None:
    page = index.list_documents(DocumentQuery.of(q="anything"))
    assert page.to_dict() == {
        "items": [], "total": 0, "total_exact": True, "page": 1, "per_page": 20, "pages": 0,
        "sort": "newest",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"per_page": 0}, "per_page"),
        ({"per_page": 101}, "1 to 100"),
        ({"page": 0}, "page 0"),
        ({"page": 501, "per_page": 20}, "narrow the search"),
        ({"sort": "random"}, "newest"),
        ({"date_from": "yesterday"}, "from date"),
        ({"date_to": "2019-13-01"}, "to date"),
        ({"q": "x" * (MAX_QUERY_CHARS + 1)}, "at most 200"),
    ],
)
def test_bad_queries_say_what_to_change(values: dict[str, object], words: str) -> None:
    with pytest.raises(QueryError, match=words):
        DocumentQuery.of(**values)  # type: ignore[arg-type]


HOSTILE = ['"', "*", "NEAR(", "a AND b", "-x", "title:x", "((", ")", "'; DROP TABLE x; --",
           "\\", "\x00", "a\x00b", "%_%", "\\%"]  # fmt: skip


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_search_strings_are_plain_words(tmp_path: Path, q: str) -> None:
    odd = Document("z", BODY.format("odd", 9), f"odd {q.replace(chr(0), ' ')} title")
    with open_index(tmp_path / "h.db") as index:
        index.add([*DOCS, odd])
        found = ids(index, q=q)
        memory = MemoryIndex()
        memory.add([*DOCS, odd])
        assert found == ids(memory, q=q)
        assert "z" in found


TITLES = st.one_of(st.none(), st.text(alphabet='abAB %_\\"*(é', max_size=8))
DATES = st.one_of(
    st.none(), st.sampled_from(["2019-04-23", "2019-04-23T10:00", "2019-04-22T23:59Z",
                                "2019-05-01", "2020-01-01T00:00:00+02:00"]),
)  # fmt: skip
OUTLETS = st.one_of(st.none(), st.sampled_from(["Wire", "Daily", "wire"]))


@st.composite
def corpora(draw: st.DrawFn) -> list[Document]:
    n = draw(st.integers(0, 8))
    texts = draw(st.lists(st.sampled_from(["one", "two", "three"]), min_size=n, max_size=n))
    return [
        Document(f"d{i}", BODY.format(text, 0), draw(TITLES), None, draw(OUTLETS), draw(DATES))
        for i, text in enumerate(texts)
    ]


@st.composite
def queries(draw: st.DrawFn) -> DocumentQuery:
    return DocumentQuery.of(
        q=draw(st.text(alphabet='abAB %_\\"*(é\x00', max_size=6)),
        outlet=draw(OUTLETS),
        date_from=draw(DATES),
        date_to=draw(DATES),
        sort=draw(st.sampled_from(list(Sort))),
        page=draw(st.integers(1, 3)),
        per_page=draw(st.integers(1, 4)),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=corpora(), query_list=st.lists(queries(), min_size=1, max_size=4))
def test_sqlite_lists_as_the_reference_does(
    docs: list[Document], query_list: list[DocumentQuery]
) -> None:
    memory = MemoryIndex(fold_duplicates=True)
    memory.add(docs)
    with (
        tempfile.TemporaryDirectory() as folder,
        SQLiteIndex(Path(folder) / "p.db", fold_duplicates=True) as sqlite_index,
    ):
        sqlite_index.add(docs)
        for query in query_list:
            assert sqlite_index.list_documents(query) == memory.list_documents(query)
