"""Generate realistic ingest fixtures from the shared news texts (BBC News articles).

Nothing here is written by hand: every page, crawl, feed and export is rendered from real
article texts in ``../shared/data/bbc-news``, so the tests and the boilerplate benchmark know
the exact main text each file should give back.

- **HTML pages** wrap each article in the chrome of a news site: navigation, a cookie banner,
  advertisements, a "related stories" list, reader comments, a newsletter box and a footer.
  Four site templates differ in structure and in how they declare metadata (Open Graph and
  ``article:*`` meta tags, ``<time datetime>``, a plain byline, or nothing at all).
- **WARC files** are written with warcio's writer: ``warcinfo``, a ``request`` and a
  ``response`` per page, plus non-HTML responses (an image, a JSON API answer), a redirect and
  a ``revisit``. ``truncate=True`` cuts the last record short.
- **RSS 2.0 and Atom feeds**, with full content (``content:encoded`` / Atom ``content``) or
  only a summary.
- **CSV exports** with configurable column names.

Use it as a library (the tests and ``bench/bench_ingest.py`` import it) or from the command
line::

    python tests/data/make_fixtures.py OUT_DIR [--pages 200] [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import html
import io
import json
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"
BBC = Path("bbc-news") / "bbc_news.jsonl.gz"

OUTLETS = (
    ("The Morning Ledger", "ledger.example"),
    ("Riverside Courier", "courier.example"),
    ("Metro Wire Today", "metrowire.example"),
    ("North Star Gazette", "northstar.example"),
)
AUTHORS = ("Ann Reyes", "Bilal Okafor", "Clara Nowak", "Dev Patel", "Eve Lindqvist")
COMMENTERS = ("pat_w", "Sunny77", "j.morrow", "oldreader", "MapleLeaf")
COMMENTS = (
    "Great piece, thanks for sharing this with us all.",
    "I do not agree with any of this, the figures look wrong to me.",
    "Who else remembers when this happened last time? Same story every year.",
    "Can someone explain what this means for ordinary people like me?",
    "Shared with my family. Keep up the good reporting!",
)
ADS = (
    "Advertisement",
    "Sponsored: Find the best mortgage rates in your area today",
    "Top deals: save up to 70% on summer holidays",
    "Ad: You won't believe these ten simple tricks",
)
NAV = ("Home", "News", "World", "Business", "Politics", "Tech", "Sport", "Culture", "Opinion")
TOPICS = ("Economy", "Markets", "Elections", "Football", "Music", "Gadgets", "Health", "Travel")


@dataclass(frozen=True, slots=True)
class Article:
    """A real article text with the metadata a fixture gives it."""

    id: str
    title: str
    text: str
    url: str
    outlet: str
    author: str
    published: datetime
    category: str

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.split("\n") if p.strip()]

    @property
    def main_text(self) -> str:
        """The text a perfect extractor returns: the paragraphs, one a line."""
        return "\n".join(self.paragraphs)


def load_bbc(shared_data: Path = SHARED_DATA, limit: int | None = None) -> list[dict[str, str]]:
    """The BBC News records (``id``, ``category``, ``title``, ``text``), in file order."""
    out: list[dict[str, str]] = []
    with gzip.open(shared_data / BBC, "rt", encoding="utf-8") as fh:
        for line in fh:
            out.append(json.loads(line))
            if limit is not None and len(out) >= limit:
                break
    return out


def make_articles(
    records: Sequence[dict[str, str]], seed: int = 4, count: int | None = None
) -> list[Article]:
    """Give ``count`` records (cycling through them if needed) an outlet, URL, author and date.

    When the records are cycled, the copies get new ids, URLs and dates but keep their text:
    the same story carried by several sites, as exact duplicates are in real crawls.
    """
    rng = random.Random(seed)
    total = len(records) if count is None else count
    start = datetime(2005, 1, 3, 6, 0, tzinfo=UTC)
    order = rng.sample(range(len(records)), len(records))  # every category, not just the first
    out = []
    for i in range(total):
        rec = records[order[i % len(records)]]
        outlet, domain = OUTLETS[rng.randrange(len(OUTLETS))]
        lap = i // len(records)
        slug = rec["id"].replace("/", "-") + (f"-r{lap}" if lap else "")
        when = start + timedelta(days=rng.randrange(360), minutes=rng.randrange(24 * 60))
        out.append(
            Article(
                id=f"{domain}/{slug}",
                title=rec["title"],
                text=rec["text"],
                url=f"https://www.{domain}/{rec['category']}/{when:%Y/%m/%d}/{slug}.html",
                outlet=outlet,
                author=rng.choice(AUTHORS),
                published=when,
                category=rec["category"],
            )
        )
    return out


# --- HTML pages --------------------------------------------------------------------------------


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _nav(rng: random.Random, domain: str) -> str:
    items = "".join(
        f'<li><a href="https://www.{domain}/{name.lower()}/">{name}</a></li>' for name in NAV
    )
    search = '<form action="/search"><input name="q" placeholder="Search"></form>'
    return f'<nav class="site-nav"><ul>{items}</ul>{search}</nav>'


def _cookie_banner() -> str:
    return (
        '<div id="cookie-consent" class="cookie-banner"><p>We use cookies to improve your '
        "experience, personalise advertising and analyse our traffic. By clicking Accept, you "
        "agree to our use of cookies.</p><button>Accept all</button><button>Manage "
        "preferences</button></div>"
    )


def _ad(rng: random.Random) -> str:
    return f'<div class="ad-slot advert"><span>{_e(rng.choice(ADS))}</span></div>'


def _related(related: Sequence[Article]) -> str:
    links = "".join(f'<li><a href="{_e(a.url)}">{_e(a.title)}</a></li>' for a in related)
    return f'<aside class="related"><h3>Related stories</h3><ul>{links}</ul></aside>'


def _most_read(related: Sequence[Article]) -> str:
    items = "".join(
        f'<li><span class="rank">{n}</span><a href="{_e(a.url)}">{_e(a.title)}</a></li>'
        for n, a in enumerate(related, 1)
    )
    return f'<div class="most-read"><h3>Most read</h3><ol>{items}</ol></div>'


def _read_more(article: Article) -> str:
    return (
        f'<p class="read-more"><strong>Read more:</strong> <a href="{_e(article.url)}">'
        f"{_e(article.title)}</a></p>"
    )


def _after_article(article: Article, rng: random.Random) -> str:
    topics = "".join(f'<a href="/topic/{t.lower()}">{t}</a> ' for t in rng.sample(TOPICS, 3))
    return (
        f'<div class="tags">Topics: {topics}</div><div class="author-bio"><p>'
        f"{_e(article.author)} is a reporter at {_e(article.outlet)}. Follow them for more "
        "stories like this one.</p></div>"
    )


def _comments(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(3, 8)):
        parts.append(
            f'<li class="comment"><span class="comment-author">{rng.choice(COMMENTERS)}</span>'
            f"<p>{_e(rng.choice(COMMENTS))}</p></li>"
        )
    return (
        f'<section id="comments" class="comments"><h3>{len(parts)} comments</h3>'
        f"<ol>{''.join(parts)}</ol></section>"
    )


def _footer(domain: str, outlet: str) -> str:
    links = "".join(
        f'<li><a href="/{x.lower().replace(" ", "-")}">{x}</a></li>'
        for x in ("About us", "Contact", "Privacy policy", "Terms of use", "Advertise")
    )
    return (
        f'<footer class="site-footer"><ul>{links}</ul><p>Copyright 2005 {_e(outlet)}. All '
        "rights reserved. Subscribe to our newsletter for the top stories every morning.</p>"
        "</footer>"
    )


def render_page(
    article: Article,
    related: Sequence[Article],
    rng: random.Random,
    variant: int | None = None,
    *,
    declared_date: str | None = None,
) -> str:
    """One HTML page holding ``article`` inside a news site's chrome.

    ``variant`` picks one of four templates (0-1: Open Graph and ``article:*`` meta tags, a
    ``<time>``; 2: a ``<div>`` layout with a sidebar and a ``<time>``; 3: no metadata at all,
    the date only as text); by default ``rng`` picks it. ``declared_date`` replaces the
    ``article:published_time`` value (to test dates that cannot be parsed).
    """
    domain = article.url.split("/")[2].removeprefix("www.")
    iso = article.published.isoformat()
    variant = rng.randrange(4) if variant is None else variant
    paras = [f"<p>{_e(p)}</p>" for p in article.paragraphs]
    if len(paras) > 3:  # an advert and a "read more" link inside the story, as sites do
        paras.insert(len(paras) // 2, _ad(rng))
        paras.insert(len(paras) // 3, _read_more(related[0]))
    body = "".join(paras)
    head = [f"<title>{_e(article.title)} | {_e(article.outlet)}</title>"]
    byline = f'<p class="byline">By {_e(article.author)}</p>'
    if variant in (0, 1):
        head += [
            f'<meta property="og:title" content="{_e(article.title)}">',
            f'<meta property="og:site_name" content="{_e(article.outlet)}">',
            f'<meta property="og:url" content="{_e(article.url)}">',
            f'<meta name="author" content="{_e(article.author)}">',
            f'<meta property="article:published_time" content="{_e(declared_date or iso)}">',
        ]
    dateline = (
        f'<time datetime="{iso}">{article.published:%d %B %Y}</time>'
        if variant != 3
        else f'<span class="date">{article.published:%d %B %Y}</span>'
    )
    share = '<div class="share"><a href="#">Share on Facebook</a><a href="#">Tweet</a></div>'
    if variant == 2:
        main = (
            f'<div id="content"><div class="story"><h1>{_e(article.title)}</h1>{byline}'
            f'{dateline}{share}<div class="story-body">{body}</div>'
            f"{_after_article(article, rng)}</div>"
            f'<div class="sidebar">{_ad(rng)}{_most_read(related)}{_related(related)}</div></div>'
        )
    else:
        main = (
            f"<main><article><header><h1>{_e(article.title)}</h1>{byline}{dateline}</header>"
            f'{share}<div class="article-body">{body}</div>{_after_article(article, rng)}'
            f"</article>{_related(related)}{_most_read(related)}</main>"
        )
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"{''.join(head)}</head><body>{_cookie_banner()}"
        f'<header class="masthead"><a class="logo" href="/">{_e(article.outlet)}</a>'
        f"{_nav(rng, domain)}</header>{_ad(rng)}{main}{_comments(rng)}"
        f'<div class="newsletter"><h3>Get the news</h3><p>Sign up for our daily briefing.</p>'
        f'<input type="email" placeholder="Your email"></div>{_footer(domain, article.outlet)}'
        "</body></html>\n"
    )
    return page


def render_pages(articles: Sequence[Article], seed: int = 11) -> Iterator[tuple[Article, str]]:
    """Each article with its page; related links point at three other articles."""
    rng = random.Random(seed)
    for i, article in enumerate(articles):
        related = [articles[(i + k) % len(articles)] for k in (1, 2, 3)]
        yield article, render_page(article, related, rng)


EMPTY_PAGE = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Gallery</title></head>'
    '<body><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>'
    '<div class="gallery"><img src="a.jpg" alt=""><img src="b.jpg" alt=""></div>'
    "<footer>Copyright 2005</footer></body></html>\n"
)


# --- WARC --------------------------------------------------------------------------------------


def ascii_url(url: str) -> str:
    """``url`` with non-ASCII characters percent-encoded (as a crawler records it)."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def _http_headers(content_type: str, length: int, status: str = "200 OK") -> StatusAndHeaders:
    return StatusAndHeaders(
        status,
        [("Content-Type", content_type), ("Content-Length", str(length)), ("Server", "nginx")],
        protocol="HTTP/1.1",
    )


def write_warc(
    path: Path,
    pages: Iterable[tuple[Article, str]],
    *,
    compress: bool = True,
    extras: bool = True,
    truncate: bool = False,
) -> int:
    """Write a crawl of ``pages`` to ``path``; return the number of HTML responses written.

    With ``extras``, the crawl also holds a ``warcinfo`` record, a ``request`` before every
    response, and after every 50 pages an image, a JSON answer, a redirect and a ``revisit``:
    none of them is an article. With ``truncate``, the file is cut in the middle of its last
    record (an HTML response).
    """
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=compress)
        if extras:
            writer.write_record(
                writer.create_warcinfo_record(path.name, {"software": "make_fixtures.py"})
            )
        count = 0
        for article, page in pages:
            article = replace(article, url=ascii_url(article.url))  # WARC headers are ASCII
            when = article.published + timedelta(hours=2)
            warc_date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
            data = page.encode("utf-8")
            if extras:
                req = StatusAndHeaders(
                    f"GET /{article.url.split('/', 3)[3]} HTTP/1.1",
                    [("Host", article.url.split("/")[2])],
                    is_http_request=True,
                )
                writer.write_record(
                    writer.create_warc_record(
                        article.url,
                        "request",
                        http_headers=req,
                        warc_headers_dict={"WARC-Date": warc_date},
                    )
                )
            writer.write_record(
                writer.create_warc_record(
                    article.url,
                    "response",
                    payload=io.BytesIO(data),
                    http_headers=_http_headers("text/html; charset=utf-8", len(data)),
                    warc_headers_dict={"WARC-Date": warc_date},
                )
            )
            count += 1
            if extras and count % 50 == 1:
                _write_non_articles(writer, article, warc_date)
    if truncate:
        data = path.read_bytes()
        path.write_bytes(data[: len(data) - max(200, len(page) // 3)])
    return count


def _write_non_articles(writer: WARCWriter, article: Article, warc_date: str) -> None:
    base = article.url.rsplit("/", 1)[0]
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    api = json.dumps({"id": article.id, "views": 1234}).encode()
    for url, ctype, body, status in (
        (f"{base}/photo.png", "image/png", png, "200 OK"),
        (f"{base}/api/views.json", "application/json", api, "200 OK"),
        (f"{base}/old-link", "text/html", b"", "301 Moved Permanently"),
    ):
        writer.write_record(
            writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=_http_headers(ctype, len(body), status),
                warc_headers_dict={"WARC-Date": warc_date},
            )
        )
    writer.write_record(
        writer.create_revisit_record(
            article.url,
            digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            refers_to_uri=article.url,
            refers_to_date=warc_date,
        )
    )


# --- feeds and CSV -----------------------------------------------------------------------------


def render_rss(articles: Sequence[Article], title: str, *, full: bool = True) -> str:
    """An RSS 2.0 feed; ``full`` puts the article in ``content:encoded``, else a summary."""
    items = []
    for a in articles:
        paras = "".join(f"<p>{_e(p)}</p>" for p in a.paragraphs)
        content = f"<content:encoded><![CDATA[{paras}]]></content:encoded>" if full else ""
        items.append(
            f"<item><title>{_e(a.title)}</title><link>{_e(a.url)}</link>"
            f'<guid isPermaLink="true">{_e(a.url)}</guid>'
            f"<pubDate>{format_datetime(a.published)}</pubDate>"
            f"<dc:creator>{_e(a.author)}</dc:creator>"
            f"<description>{_e(a.paragraphs[0])}</description>{content}</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{_e(title)}</title><link>https://www.example/</link>"
        f"<description>Latest stories</description>{''.join(items)}</channel></rss>\n"
    )


def render_atom(articles: Sequence[Article], title: str, *, full: bool = True) -> str:
    """An Atom feed; ``full`` gives each entry an HTML ``content``, else only a ``summary``."""
    entries = []
    for a in articles:
        paras = _e("".join(f"<p>{_e(p)}</p>" for p in a.paragraphs))
        content = f'<content type="html">{paras}</content>' if full else ""
        entries.append(
            f'<entry><title>{_e(a.title)}</title><link href="{_e(a.url)}"/>'
            f"<id>{_e(a.url)}</id><updated>{a.published.isoformat()}</updated>"
            f"<published>{a.published.isoformat()}</published>"
            f"<author><name>{_e(a.author)}</name></author>"
            f"<summary>{_e(a.paragraphs[0])}</summary>{content}</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{_e(title)}</title><id>urn:fixture:{_e(title)}</id>"
        f"<updated>2005-12-31T00:00:00Z</updated>{''.join(entries)}</feed>\n"
    )


CSV_COLUMNS = ("story_id", "headline", "body", "link", "publisher", "date")


def write_csv(path: Path, articles: Sequence[Article], *, encoding: str = "utf-8") -> None:
    """A CSV export with the columns of :data:`CSV_COLUMNS` (not wiretrace's field names)."""
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for a in articles:
            writer.writerow(
                [a.id, a.title, a.text, a.url, a.outlet, a.published.strftime("%Y-%m-%d %H:%M")]
            )


# --- a whole fixture folder --------------------------------------------------------------------


def build(out: Path, articles: Sequence[Article]) -> dict[str, int]:
    """Write every kind of fixture for ``articles`` under ``out``; return counts by kind."""
    out.mkdir(parents=True, exist_ok=True)
    pages = list(render_pages(articles))
    html_dir = out / "pages"
    html_dir.mkdir(exist_ok=True)
    for article, page in pages:
        (html_dir / f"{article.id.split('/')[1]}.html").write_text(page, encoding="utf-8")
    write_warc(out / "crawl.warc.gz", pages)
    write_warc(out / "crawl.warc", pages[:10], compress=False)
    write_warc(out / "cut.warc.gz", pages[:10], truncate=True)
    (out / "feed.rss").write_text(render_rss(articles[:20], "Ledger top stories"), "utf-8")
    (out / "summary.rss").write_text(render_rss(articles[:5], "Briefs", full=False), "utf-8")
    (out / "feed.atom").write_text(render_atom(articles[:20], "Courier"), "utf-8")
    write_csv(out / "export.csv", articles[:30])
    (out / ".truth.jsonl").write_text(  # hidden: not read when the folder is indexed
        "".join(
            json.dumps({"id": a.id, "url": a.url, "title": a.title, "text": a.main_text}) + "\n"
            for a in articles
        ),
        encoding="utf-8",
    )
    return {"pages": len(pages), "feeds": 3, "csv_rows": min(30, len(articles))}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--shared", type=Path, default=SHARED_DATA)
    args = parser.parse_args(argv)
    articles = make_articles(load_bbc(args.shared), count=args.pages)
    print(json.dumps(build(args.out, articles)))


if __name__ == "__main__":
    main()
