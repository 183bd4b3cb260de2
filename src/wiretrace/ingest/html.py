"""Main text and metadata of an HTML page, with trafilatura (and htmldate for the date).

:func:`page_to_document` is shared by HTML files, WARC responses and ``wiretrace trace`` on a
saved page. The document's text is trafilatura's main text (navigation, adverts, related links,
comments and cookie banners removed), one block a line; offsets in a trace refer to it.

The publication date, in order of trust:

1. a date the page declares in its metadata (``article:published_time`` and similar meta
   tags, ``itemprop="datePublished"``, ``<time datetime>``), kept as written when it is ISO
   8601;
2. the date trafilatura's metadata extraction finds;
3. htmldate on the whole page and its URL, as the fallback. (Its "extensive" search is left
   off: on news text it turns a year mentioned in the story into a date like 2005-01-01,
   which would be worse than no date for "who had it first".)

A declared date that cannot be parsed is not kept: the document gets a warning, and a date
from (2) or (3) if there is one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from wiretrace.dates import is_iso8601
from wiretrace.errors import Problem
from wiretrace.ingest.base import (
    Entry,
    Format,
    Page,
    ReadOptions,
    Rejected,
    clean,
    size_problem,
)
from wiretrace.ingest.encoding import Decoded, decode
from wiretrace.model import Document

log = logging.getLogger(__name__)

# Meta tags and attributes that declare a publication date, most specific first.
_DECLARED_DATES = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@name='article:published_time']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//*[@itemprop='datePublished']/@datetime",
    "//meta[@name='pubdate' or @name='publishdate' or @name='date']/@content",
    "//meta[@name='dc.date' or @name='DC.date.issued' or @name='dcterms.created']/@content",
    "//time[@datetime][1]/@datetime",
)


@dataclass(frozen=True, slots=True)
class PageJob:
    """A page read from a file or a crawl but not extracted yet.

    Extraction is the slow step of reading pages, so readers hand pages over as jobs and
    :func:`~wiretrace.ingest.readers.iter_entries` runs them, in worker processes when asked.
    The fields other than the page are those of the :class:`~wiretrace.ingest.base.Entry`
    it becomes; ``where`` names the record and ``suffix`` ends a rejection's reason (the URL).
    """

    format: Format
    data: bytes = field(repr=False)
    doc_id: str
    where: str
    url: str | None = None
    charset: str | None = None
    crawled_at: str | None = None
    suffix: str = ""
    warnings: tuple[str, ...] = ()
    position: int = 0
    file: str = ""
    resume: tuple[int, int] | None = None

    def finish(self, options: ReadOptions) -> Entry:
        """Extract the page: its entry, with the document or the reason it is rejected."""
        result = page_to_document(
            self.data,
            self.doc_id,
            options,
            url=self.url,
            charset=self.charset,
            crawled_at=self.crawled_at,
        )
        if isinstance(result, Problem):
            item: Document | Rejected = Rejected(
                self.where, result.reason + self.suffix, error=result.error
            )
            warnings = self.warnings
        else:
            item, warnings = result.document, (*self.warnings, *result.warnings)
        return Entry(self.format, item, warnings, self.position, self.file, self.resume)


def page_to_document(
    data: bytes,
    doc_id: str,
    options: ReadOptions,
    *,
    url: str | None = None,
    charset: str | None = None,
    crawled_at: str | None = None,
) -> Page | Problem:
    """Extract the article in the HTML ``data`` as a document with id ``doc_id``.

    ``charset`` is a declared encoding (an HTTP header); ``url`` and ``crawled_at`` come from a
    crawl. Returns a :class:`~wiretrace.ingest.base.Problem` for a page over the size limit,
    bytes that are not text, and a page with no main text.
    """
    if len(data) > options.max_bytes:
        return size_problem(f"{len(data):,} bytes", options, "page")
    decoded = decode(data, charset, what="page")
    if isinstance(decoded, Problem):
        return decoded
    warnings: list[str] = []
    if decoded.detected:
        warnings.append(f"not UTF-8 and no charset declared; decoded as {decoded.encoding}")
    return _extract(decoded, doc_id, options, url, crawled_at, warnings)


def _extract(
    decoded: Decoded,
    doc_id: str,
    options: ReadOptions,
    url: str | None,
    crawled_at: str | None,
    warnings: list[str],
) -> Page | Problem:
    import trafilatura  # imported on use: it loads lxml and its models (0.1 s)

    tree = trafilatura.load_html(decoded.text)
    if tree is None:
        return Problem("record", "not an HTML document: no element could be parsed")
    declared = _declared_date(tree)
    language = clean(tree.get("lang"))
    result = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        favor_precision=True,  # provenance would rather lose a line than keep chrome
        include_comments=False,
        include_tables=True,
        include_images=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    title = clean(_attr(result, "title"))
    text = _main_text(result, title)
    if not text:
        return Problem(
            "record",
            "no main text: the page holds only navigation, images or boilerplate (or is "
            "empty); trace or index the article's own page",
        )
    size = len(text.encode("utf-8"))
    if size > options.max_bytes:
        return size_problem(f"{size:,} bytes of UTF-8", options)
    published = None
    if declared is not None:
        if is_iso8601(declared):
            published = declared
        else:
            warnings.append(
                f"the page's publication date {declared!r} cannot be parsed; it is not kept"
            )
    if published is None:
        published = _fallback_date(result, decoded.text, url)
    return Page(
        Document(
            id=doc_id,
            text=text,
            title=title,
            url=url or clean(_attr(result, "url")),
            source=clean(_attr(result, "sitename")),
            published_at=published,
            language=language,
            author=clean(_attr(result, "author")),
            crawled_at=crawled_at,
        ),
        tuple(warnings),
    )


def _attr(result: Any, name: str) -> object:
    return getattr(result, name, None) if result is not None else None


def _main_text(result: Any, title: str | None) -> str:
    """The extracted text, one block a line; a first line that repeats the title (a headline
    inside the article element) is dropped, since the title is kept apart."""
    raw = _attr(result, "text")
    if not isinstance(raw, str):
        return ""
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    if lines and title and lines[0] == title:
        lines = lines[1:]
    return "\n".join(lines)


def _declared_date(tree: Any) -> str | None:
    for path in _DECLARED_DATES:
        for value in tree.xpath(path):
            text = clean(value)
            if text:
                return text
    return None


def _fallback_date(result: Any, page: str, url: str | None) -> str | None:
    found = clean(_attr(result, "date"))
    if found is None:
        import htmldate  # imported on use, like trafilatura

        try:
            found = htmldate.find_date(page, extensive_search=False, original_date=True, url=url)
        except (ValueError, TypeError) as exc:  # htmldate rejects some malformed pages
            log.debug("htmldate failed: %s", exc)
            found = None
    return found if found and is_iso8601(found) else None
