"""Readers for HTML pages, WARC crawls, RSS/Atom feeds and CSV exports (issue 4).

Fixtures are rendered from real BBC News texts by ``tests/data/make_fixtures.py``, so every test
knows the exact main text a file should give back. Each bad input of the issue has its own
test: a truncated gzip or WARC record, a page with no main text, a "feed" that is not XML, a
binary file, a document over the size limit, a CSV row with missing columns, and a date that
cannot be parsed (kept without the date, with a warning).
"""

from __future__ import annotations

import collections
import gzip
import io
import random
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import require_shared
from warcio.archiveiterator import ArchiveIterator

from wiretrace.cli._shared import CLI_HINTS
from wiretrace.errors import EncodingError, InputError, RecordError, SizeLimitError
from wiretrace.ingest import (
    CsvOptions,
    Entry,
    Format,
    ReadOptions,
    Rejected,
    Skipped,
    iter_entries,
    iter_records,
    read_article,
    read_document,
)
from wiretrace.model import Document

sys.path.insert(0, str(Path(__file__).parent / "data"))
import make_fixtures as mf

OPTIONS = ReadOptions()
CHROME = (
    "We use cookies",
    "Related stories",
    "Advertisement",
    "Sponsored",
    "Sign up for our daily briefing",
    "Copyright 2005",
    "Share on Facebook",
    *mf.COMMENTS,
)
CSV_MAP = CsvOptions(
    (
        ("id", "story_id"),
        ("title", "headline"),
        ("text", "body"),
        ("url", "link"),
        ("source", "publisher"),
        ("published_at", "date"),
    )
)


@pytest.fixture(scope="session")
def articles() -> list[mf.Article]:
    require_shared("bbc-news", "bbc_news.jsonl.gz")
    return mf.make_articles(mf.load_bbc(limit=400), count=40)


def _entries(*paths: Path, options: ReadOptions = OPTIONS) -> list[Entry]:
    return list(iter_entries(list(paths), options))


def _docs(entries: list[Entry]) -> list[Document]:
    return [e.item for e in entries if isinstance(e.item, Document)]


def _rejects(entries: list[Entry]) -> list[Rejected]:
    return [e.item for e in entries if isinstance(e.item, Rejected)]


def _skipped(entries: list[Entry]) -> list[Skipped]:
    return [e.item for e in entries if isinstance(e.item, Skipped)]


def _words(text: str) -> collections.Counter[str]:
    return collections.Counter(re.findall(r"\w+", text.lower()))


def f1(extracted: str, truth: str) -> float:
    """Bag-of-words F1 of an extracted text against the known article text."""
    got, want = _words(extracted), _words(truth)
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def _page(article: mf.Article, variant: int, **kw: str) -> str:
    return mf.render_page(article, [article], random.Random(1), variant, **kw)


# --- HTML ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", [0, 1, 2, 3])
def test_html_page_gives_main_text_without_chrome_and_metadata(
    tmp_path: Path, articles: list[mf.Article], variant: int
) -> None:
    article = articles[variant]
    path = tmp_path / "story.html"
    path.write_text(_page(article, variant), encoding="utf-8")
    (entry,) = _entries(path)
    doc = entry.item
    assert entry.format is Format.HTML and entry.warnings == ()
    assert isinstance(doc, Document)
    assert doc.id == "story.html"
    assert f1(doc.text, article.main_text) >= 0.97
    for chrome in CHROME:
        assert chrome not in doc.text
    assert doc.text.splitlines()[0] == article.paragraphs[0]
    assert doc.title == article.title
    assert doc.language == "en"
    assert doc.published_at is not None
    if variant in (0, 1, 2):  # the page declares its date and time
        published = datetime.fromisoformat(doc.published_at)
        assert published == article.published
    else:  # only "12 March 2005" in the text: htmldate finds the day
        assert doc.published_at == article.published.date().isoformat()
    if variant in (0, 1):
        assert doc.source == article.outlet
        assert doc.author == article.author


def test_html_folder_ids_are_relative_paths(tmp_path: Path, articles: list[mf.Article]) -> None:
    root = tmp_path / "saved"
    (root / "world").mkdir(parents=True)
    (root / "world" / "a.htm").write_text(_page(articles[0], 0), encoding="utf-8")
    (root / "b.HTML").write_text(_page(articles[1], 2), encoding="utf-8")
    assert [d.id for d in _docs(_entries(root))] == ["b.HTML", "world/a.htm"]


def test_html_page_with_no_main_text_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "gallery.html"
    path.write_text(mf.EMPTY_PAGE, encoding="utf-8")
    (rejected,) = _rejects(_entries(path))
    assert rejected.location == str(path)
    assert rejected.reason.startswith("no main text")
    assert rejected.error is RecordError


def test_unparseable_page_date_is_dropped_with_a_warning(
    tmp_path: Path, articles: list[mf.Article]
) -> None:
    paras = "".join(f"<p>{p}</p>" for p in articles[0].paragraphs)
    path = tmp_path / "odd-date.html"
    path.write_text(
        '<html><head><meta property="article:published_time" content="last Tuesday">'
        f"<title>{articles[0].title}</title></head><body><article>{paras}</article></body></html>",
        encoding="utf-8",
    )
    (entry,) = _entries(path)
    doc = entry.item
    assert isinstance(doc, Document)
    assert doc.published_at is None
    assert entry.warnings == (
        "the page's publication date 'last Tuesday' cannot be parsed; it is not kept",
    )


def test_html_in_an_undeclared_legacy_charset_is_detected(
    tmp_path: Path, articles: list[mf.Article]
) -> None:
    text = "Le président a déclaré que l'économie française était très forte cette année. " * 8
    page = f"<html><body><article><p>{text}</p><p>{text}</p></article></body></html>"
    path = tmp_path / "fr.html"
    path.write_bytes(page.encode("cp1252"))
    (entry,) = _entries(path)
    doc = entry.item
    assert isinstance(doc, Document)
    assert "président a déclaré" in doc.text
    assert entry.warnings and "decoded as" in entry.warnings[0]


def test_binary_file_named_html_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "photo.html"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (rejected,) = _rejects(_entries(path))
    assert rejected.location == str(path)
    assert rejected.reason.startswith("binary page: NUL byte at byte offset 8")
    assert rejected.error is EncodingError


def test_html_page_over_the_size_limit_is_rejected(
    tmp_path: Path, articles: list[mf.Article]
) -> None:
    path = tmp_path / "big.html"
    page = _page(articles[0], 0)
    path.write_text(page, encoding="utf-8")
    (rejected,) = _rejects(_entries(path, options=ReadOptions(max_bytes=2000, hints=CLI_HINTS)))
    assert rejected.location == str(path)
    assert f"{len(page.encode()):,} bytes" in rejected.reason
    assert "limit of 2,000 bytes" in rejected.reason and "--max-bytes" in rejected.reason
    assert rejected.error is SizeLimitError


# --- WARC ----------------------------------------------------------------------------------------


def _warc_records(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for _ in ArchiveIterator(fh))


@pytest.mark.parametrize("compress", [True, False])
def test_warc_reads_html_responses_and_counts_every_record(
    tmp_path: Path, articles: list[mf.Article], compress: bool
) -> None:
    pages = list(mf.render_pages(articles[:12]))
    path = tmp_path / ("crawl.warc.gz" if compress else "crawl.warc")
    assert mf.write_warc(path, pages, compress=compress) == 12
    entries = _entries(path)
    docs = _docs(entries)
    assert [d.id for d in docs] == [a.url for a, _ in pages]
    assert len(entries) == _warc_records(path)  # nothing dropped silently
    reasons = collections.Counter(s.reason.split(" (")[0] for s in _skipped(entries))
    assert reasons == {
        "warcinfo record, not a response": 1,
        "request record, not a response": 12,
        "revisit record, not a response": 1,
        "not an HTML response": 2,  # an image and a JSON answer
        "HTTP status 301, not a page": 1,
    }
    for doc, (article, _) in zip(docs, pages, strict=True):
        assert doc.url == article.url
        assert f1(doc.text, article.main_text) >= 0.97
        assert doc.crawled_at is not None  # the crawler came two hours after publication
        crawled = datetime.fromisoformat(doc.crawled_at.replace("Z", "+00:00"))
        assert crawled == article.published + timedelta(hours=2)
        assert doc.title == article.title
    assert all(e.format is Format.WARC for e in entries)


def test_truncated_warc_record_is_rejected_after_the_good_ones(
    tmp_path: Path, articles: list[mf.Article]
) -> None:
    pages = list(mf.render_pages(articles[:6]))
    for name, compress in (("cut.warc.gz", True), ("cut.warc", False)):
        path = tmp_path / name
        mf.write_warc(path, pages, compress=compress, truncate=True)
        entries = _entries(path)
        assert [d.id for d in _docs(entries)] == [a.url for a, _ in pages[:-1]]
        rejected = entries[-1].item
        assert isinstance(rejected, Rejected)
        assert re.fullmatch(
            rf"{re.escape(str(path))}:record \d+ \(byte [\d,]+\)", rejected.location
        )
        assert rejected.reason.startswith("truncated WARC record:")
        assert pages[-1][0].url in rejected.reason


def test_corrupt_gzip_in_a_warc_stops_with_a_reason(
    tmp_path: Path, articles: list[mf.Article]
) -> None:
    path = tmp_path / "bad.warc.gz"
    mf.write_warc(path, list(mf.render_pages(articles[:6])))
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = b"\x00garbage" * 8
    path.write_bytes(bytes(data))
    entries = _entries(path)
    assert 0 < len(_docs(entries)) < 6
    last = entries[-1].item
    assert isinstance(last, Rejected)
    assert last.location.startswith(f"{path}:record ")
    assert "the rest of the file is lost" in last.reason or "truncated" in last.reason


def test_a_file_that_is_not_a_warc_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "notes.warc"
    path.write_text("these are my notes about the crawl\n", encoding="utf-8")
    (rejected,) = _rejects(_entries(path))
    assert rejected.location == str(path)
    assert rejected.reason.startswith("not a WARC or ARC file")


def test_warc_page_over_the_size_limit_is_rejected_and_reading_goes_on(
    tmp_path: Path, articles: list[mf.Article]
) -> None:
    pages = list(mf.render_pages(articles[:3]))
    big = pages[1][1].replace("</body>", "<!--" + "x" * 50_000 + "--></body>")
    pages[1] = (pages[1][0], big)
    path = tmp_path / "crawl.warc.gz"
    mf.write_warc(path, pages, extras=False)
    entries = _entries(path, options=ReadOptions(max_bytes=20_000))
    assert [d.id for d in _docs(entries)] == [pages[0][0].url, pages[2][0].url]
    (rejected,) = _rejects(entries)
    assert "page is too large" in rejected.reason and pages[1][0].url in rejected.reason
    assert rejected.error is SizeLimitError


def test_warc_resumes_after_a_given_record(tmp_path: Path, articles: list[mf.Article]) -> None:
    path = tmp_path / "crawl.warc.gz"
    mf.write_warc(path, list(mf.render_pages(articles[:10])))
    full = _entries(path)
    cut = next(i for i, e in enumerate(full) if isinstance(e.item, Document) and i > 8)
    point = full[cut].resume
    assert point is not None
    resumed = list(iter_entries([path], OPTIONS, resume=lambda _: point))
    assert [e.item for e in resumed] == [e.item for e in full[cut + 1 :]]


# --- feeds ---------------------------------------------------------------------------------------


def test_rss_with_full_content(tmp_path: Path, articles: list[mf.Article]) -> None:
    path = tmp_path / "top.rss"
    path.write_text(mf.render_rss(articles[:8], "Ledger top stories"), encoding="utf-8")
    entries = _entries(path)
    docs = _docs(entries)
    assert len(docs) == len(entries) == 8
    for doc, article in zip(docs, articles, strict=False):
        assert doc.id == doc.url == article.url
        assert doc.text == article.main_text
        assert doc.title == article.title
        assert doc.source == "Ledger top stories"
        assert doc.author == article.author
        assert doc.published_at == article.published.astimezone(UTC).isoformat()


def test_atom_feed_and_summary_only_rss(tmp_path: Path, articles: list[mf.Article]) -> None:
    atom = tmp_path / "courier.atom"
    atom.write_text(mf.render_atom(articles[:4], "Courier"), encoding="utf-8")
    briefs = tmp_path / "briefs.xml"  # .xml: sniffed as a feed
    briefs.write_text(mf.render_rss(articles[:4], "Briefs", full=False), encoding="utf-8")
    atom_docs, brief_docs = _docs(_entries(atom)), _docs(_entries(briefs))
    assert [d.text for d in atom_docs] == [a.main_text for a in articles[:4]]
    assert [d.source for d in atom_docs] == ["Courier"] * 4
    assert [d.text for d in brief_docs] == [a.paragraphs[0] for a in articles[:4]]


@pytest.mark.parametrize(
    "content",
    [b"this is not a feed, just words\n", b'{"items": []}', b"<html><body>a page</body></html>"],
)
def test_a_feed_that_is_not_xml_is_rejected(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "news.rss"
    path.write_bytes(content)
    (rejected,) = _rejects(_entries(path))
    assert rejected.location == str(path)
    assert rejected.reason.startswith("not an RSS or Atom feed")
    assert rejected.error is RecordError


def test_feed_entry_with_an_unparseable_date_is_kept_without_it(
    tmp_path: Path, articles: list[mf.Article]
) -> None:
    feed = mf.render_rss(articles[:2], "Ledger")
    stamp = re.search(r"<pubDate>(.*?)</pubDate>", feed)
    assert stamp is not None
    path = tmp_path / "odd.rss"
    path.write_text(feed.replace(stamp.group(1), "sometime last week", 1), encoding="utf-8")
    first, second = _entries(path)
    assert isinstance(first.item, Document) and first.item.published_at is None
    assert first.warnings == (
        "published date 'sometime last week' cannot be parsed; the entry is kept without it",
    )
    assert isinstance(second.item, Document) and second.item.published_at is not None


# --- CSV -----------------------------------------------------------------------------------------


def test_csv_columns_map_to_fields(tmp_path: Path, articles: list[mf.Article]) -> None:
    path = tmp_path / "export.csv"
    mf.write_csv(path, articles[:5])
    entries = _entries(path, options=ReadOptions(csv=CSV_MAP))
    docs = _docs(entries)
    assert [d.id for d in docs] == [a.id for a in articles[:5]]
    assert docs[0] == Document(
        id=articles[0].id,
        text=articles[0].text,
        title=articles[0].title,
        url=articles[0].url,
        source=articles[0].outlet,
        published_at=articles[0].published.strftime("%Y-%m-%d %H:%M"),
    )
    assert all(e.format is Format.CSV for e in entries)


def test_csv_common_column_names_are_recognised_and_the_mapping_said(
    tmp_path: Path, articles: list[mf.Article]
) -> None:
    # story_id, headline, body, link, publisher, date: no option needed.
    path = tmp_path / "export.csv"
    mf.write_csv(path, articles[:5])
    entries = _entries(path)
    assert _docs(entries) == _docs(_entries(path, options=ReadOptions(csv=CSV_MAP)))
    assert entries[0].note == (
        "columns read: id='story_id', text='body', title='headline', url='link', "
        "source='publisher', published_at='date'"
    )
    assert [e.note for e in entries[1:]] == [""] * 4  # said once a file
    # Case, spaces and underscores do not matter; the most telling name wins (pubDate over
    # date); a mapped column wins over every name; unread columns and a missing id are said.
    other = tmp_path / "feed-export.csv"
    other.write_text(
        "Date,GUID,Pub Date,Headline,Article Body,Content,By-line,Section\n"
        "2001-01-01,g1,2019-04-23,Floods,The river rose.,Summary.,A. Writer,World\n",
        encoding="utf-8",
    )
    (entry,) = _entries(other)
    assert entry.item == Document(
        "g1", "Summary.", "Floods", published_at="2019-04-23", author="A. Writer"
    )
    assert "text='Content'" in entry.note and "published_at='Pub Date'" in entry.note
    assert entry.note.endswith("not read: 'Date', 'Article Body', 'Section'")
    mapped = ReadOptions(csv=CsvOptions((("text", "Article Body"),)))
    (entry,) = _entries(other, options=mapped)
    assert isinstance(entry.item, Document) and entry.item.text == "The river rose."
    assert "text='Article Body'" in entry.note and "'Content'" in entry.note.split("not read")[1]
    no_id = tmp_path / "no-id.csv"
    no_id.write_text("body\nSome text.\n", encoding="utf-8")
    (entry,) = _entries(no_id)
    assert entry.note == "columns read: text='body'; no id column, so each row's id is FILE:LINE"
    assert isinstance(entry.item, Document) and entry.item.id == "no-id.csv:2"


def test_csv_without_a_text_column_names_the_columns_and_the_names_tried(
    tmp_path: Path,
) -> None:
    path = tmp_path / "export.csv"
    path.write_text("story_id,headline,copy\n1,Floods,The river rose.\n", encoding="utf-8")
    (rejected,) = _rejects(_entries(path, options=ReadOptions(hints=CLI_HINTS)))
    assert rejected.location == f"{path}:1"
    assert "no 'text' column, nor one of its common names (body, content" in rejected.reason
    assert "'copy'" in rejected.reason and "--column text=NAME" in rejected.reason
    wrong = ReadOptions(csv=CsvOptions((("text", "content"),)))
    (rejected,) = _rejects(_entries(path, options=wrong))
    assert "no column 'content'" in rejected.reason


def test_csv_row_with_missing_columns_is_rejected_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(
        "id,text,published_at\n"
        'a,"First story,\nover two lines",2019-04-23\n'
        "b,missing a column\n"
        "c,too,many,fields\n"
        "d,Last story,Tue, 23 Apr 2019 08:15:00 GMT\n"
        'e,Fine story,"Tue, 23 Apr 2019 08:15:00 GMT"\n'
        "f,Odd date,the day before yesterday\n",
        encoding="utf-8",
    )
    entries = _entries(path)
    docs, rejects = _docs(entries), _rejects(entries)
    assert [d.id for d in docs] == ["a", "e", "f"]
    assert [r.location for r in rejects] == [f"{path}:{n}" for n in (4, 5, 6)]
    assert rejects[0].reason.startswith("missing columns: the row has 2 fields and the header 3")
    assert rejects[1].reason.startswith("extra columns")
    assert docs[0].text == "First story,\nover two lines"
    assert docs[1].published_at == "2019-04-23T08:15:00+00:00"
    assert docs[2].published_at is None
    odd = next(e for e in entries if e.item == docs[2])
    assert "'the day before yesterday' is not an ISO 8601 or RFC 2822 date" in odd.warnings[0]


def test_csv_text_over_the_limit_and_legacy_encoding(tmp_path: Path) -> None:
    path = tmp_path / "legacy.tsv"
    path.write_bytes(
        "id\ttext\nx\tCafé crème à la française, déjà vu.\ny\t".encode("cp1252")
        + b"z" * 300
        + b"\n"
    )
    entries = _entries(path, options=ReadOptions(max_bytes=100))
    (doc,) = _docs(entries)
    assert doc.text == "Café crème à la française, déjà vu."
    (rejected,) = _rejects(entries)
    assert rejected.location == f"{path}:3" and rejected.error is SizeLimitError


# --- choosing the reader -------------------------------------------------------------------------


def test_unknown_extensions_are_sniffed(tmp_path: Path, articles: list[mf.Article]) -> None:
    page = tmp_path / "saved-page"
    page.write_text(_page(articles[0], 0), encoding="utf-8")
    crawl = tmp_path / "crawl.bin"
    mf.write_warc(crawl, list(mf.render_pages(articles[:2])), extras=False)
    feed = tmp_path / "feed.xml"
    feed.write_text(mf.render_atom(articles[:2], "Courier"), encoding="utf-8")
    formats = [(e.format, type(e.item).__name__) for e in _entries(page, crawl, feed)]
    assert (
        formats
        == [(Format.HTML, "Document")]
        + [(Format.WARC, "Document")] * 2
        + [(Format.FEED, "Document")] * 2
    )


def test_binary_file_with_an_unknown_extension_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 4)
    (rejected,) = _rejects(_entries(path))
    assert rejected.location == str(path)
    assert "unsupported file type '.mp4': binary file: NUL byte" in rejected.reason
    assert rejected.error is EncodingError


def test_format_option_overrides_the_extension(tmp_path: Path, articles: list[mf.Article]) -> None:
    path = tmp_path / "page.txt"
    path.write_text(_page(articles[0], 1), encoding="utf-8")
    as_text = _docs(_entries(path))[0]
    as_html = _docs(_entries(path, options=ReadOptions(format=Format.HTML)))[0]
    assert "<html" in as_text.text
    assert as_html.text.splitlines()[0] == articles[0].paragraphs[0]


def test_every_record_of_a_mixed_folder_is_counted(
    tmp_path: Path, articles: list[mf.Article]
) -> None:
    root = tmp_path / "fixtures"
    mf.build(root, articles[:20])
    (root / "bad").mkdir()
    (root / "bad" / "empty.html").write_text(mf.EMPTY_PAGE, encoding="utf-8")
    (root / "bad" / "feed.rss").write_text("not xml at all", encoding="utf-8")
    (root / "bad" / "blob.bin").write_bytes(b"\x00\x01\x02" * 100)
    entries = _entries(root, options=ReadOptions(csv=CSV_MAP))
    by_format = collections.Counter(e.format for e in entries)
    warc_records = sum(_warc_records(p) for p in root.glob("*.warc*") if "cut" not in p.name)
    cut_records = len([e for e in entries if e.file.endswith("cut.warc.gz")])
    assert by_format[Format.WARC] == warc_records + cut_records
    assert by_format[Format.HTML] == 20 + 1
    assert by_format[Format.CSV] == 20
    assert by_format[Format.FEED] == 20 + 5 + 20 + 1
    kinds = collections.Counter(type(e.item).__name__ for e in entries)
    assert kinds["Rejected"] == 4  # cut WARC record, empty page, not-a-feed, binary
    positions = [e.position for e in entries]
    assert positions == sorted(positions)


# --- the article to trace ------------------------------------------------------------------------


def test_read_article_traces_an_html_page_on_its_main_text(
    tmp_path: Path, articles: list[mf.Article]
) -> None:
    path = tmp_path / "page.html"
    path.write_text(_page(articles[0], 0), encoding="utf-8")
    entry = read_article(str(path), OPTIONS)
    assert entry.format is Format.HTML
    doc = read_document(str(path), OPTIONS)
    assert doc == entry.item and doc.id == "page.html"
    # trafilatura keeps the "Read more: <link>" line inside the story body; all else is chrome.
    lines = doc.text.splitlines()
    assert [line for line in lines if not line.startswith("Read more:")] == articles[0].paragraphs


def test_read_article_picks_one_record_by_id(tmp_path: Path, articles: list[mf.Article]) -> None:
    path = tmp_path / "crawl.warc.gz"
    mf.write_warc(path, list(mf.render_pages(articles[:3])))
    with pytest.raises(InputError, match=r"more than one article.*--id"):
        read_article(str(path), ReadOptions(hints=CLI_HINTS))
    entry = read_article(str(path), OPTIONS, record_id=articles[1].url)
    assert isinstance(entry.item, Document) and entry.item.url == articles[1].url
    with pytest.raises(InputError, match="no article with id 'nope'"):
        read_article(str(path), OPTIONS, record_id="nope")
    empty = tmp_path / "gallery.html"
    empty.write_text(mf.EMPTY_PAGE, encoding="utf-8")
    with pytest.raises(RecordError, match="no main text"):
        read_article(str(empty), OPTIONS)


def test_read_article_from_stdin_sniffs_html(
    monkeypatch: pytest.MonkeyPatch, articles: list[mf.Article]
) -> None:
    page = _page(articles[0], 2).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(page), encoding="utf-8"))
    entry = read_article("-", OPTIONS)
    assert entry.format is Format.HTML
    assert isinstance(entry.item, Document) and entry.item.id == "stdin"


def test_iter_records_keeps_its_old_contract(tmp_path: Path, articles: list[mf.Article]) -> None:
    path = tmp_path / "crawl.warc.gz"
    mf.write_warc(path, list(mf.render_pages(articles[:3])))
    items = list(iter_records([path], OPTIONS))
    assert all(isinstance(i, Document) for i in items) and len(items) == 3


def test_gzip_jsonl_is_sniffed_without_its_extension(tmp_path: Path) -> None:
    path = tmp_path / "dump.gzdata"
    path.write_bytes(gzip.compress(b'{"id": "a", "text": "zipped lines"}\n'))
    assert _docs(_entries(path)) == [Document("a", "zipped lines")]


def test_boilerplate_removal_quality_gate() -> None:
    """Main-text F1 on generated pages: the issue asks for 0.90; the floor sits just under
    what is measured (0.995 mean on 250 pages in bench/bench_ingest.py)."""
    require_shared("bbc-news", "bbc_news.jsonl.gz")
    pages = list(mf.render_pages(mf.make_articles(mf.load_bbc(), seed=7, count=120), seed=3))
    scores = []
    for article, page in pages:
        doc = read_article_bytes(page.encode("utf-8"), article.url)
        scores.append(f1(doc.text, article.main_text))
    assert sum(scores) / len(scores) >= 0.98
    assert min(scores) >= 0.90


def read_article_bytes(page: bytes, url: str) -> Document:
    from wiretrace.ingest.html import Page, page_to_document

    result = page_to_document(page, url, OPTIONS, url=url)
    assert isinstance(result, Page), result
    return result.document


def test_text_file_in_a_legacy_charset_is_read_with_detect_encoding(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    text = "Le gouvernement a annoncé des mesures économiques très attendues à Paris.\n" * 3
    path.write_bytes(text.encode("cp1252"))
    (plain,) = _rejects(_entries(path))
    assert "not valid UTF-8" in plain.reason and "--" not in plain.reason  # no CLI advice
    (strict,) = _rejects(_entries(path, options=ReadOptions(hints=CLI_HINTS)))
    assert "not valid UTF-8" in strict.reason and "--detect-encoding" in strict.reason
    (doc,) = _docs(_entries(path, options=ReadOptions(detect_encoding=True)))
    assert doc.text == text


def test_pages_extracted_in_workers_come_in_the_same_order(
    tmp_path: Path, articles: list[mf.Article]
) -> None:
    root = tmp_path / "fixtures"
    mf.build(root, articles[:30])
    (root / "pages" / "gallery.html").write_text(mf.EMPTY_PAGE, encoding="utf-8")
    options = ReadOptions(csv=CSV_MAP)
    alone = list(iter_entries([root], options))
    shared = list(iter_entries([root], options, workers=2))
    assert shared == alone
    assert any(isinstance(e.item, Rejected) for e in shared)
