"""Generate ``data/demo/samples/``, the small files the README tour indexes and traces.

Run it from the repository root with the dev extra installed (it needs fpdf2 for the PDF; the
rest uses wiretrace's own dependencies)::

    python scripts/make_samples.py              # rewrites data/demo/samples/
    python scripts/make_samples.py --out DIR

Every file is rendered from the public-domain Wikinews articles of ``data/demo/wikinews.jsonl``
and the composites of ``data/demo/composites`` (see NOTICE), and the output is byte-stable:
fixed dates, record ids derived from the URL, zip entries with a fixed time, and PDF's core
font (no font file from the machine). ``tests/test_readme_tour.py`` regenerates the folder and
compares it with the committed one.

The files, and the story they tell
----------------------------------
"World News Digest" (``worldnewsdigest.example``) is a made-up content farm that republishes
other outlets' text; "Harbour Gazette" a made-up local paper whose CMS exports CSV.

- ``crawl.warc.gz``: a crawl of the farm. Three article pages copy Wikinews articles (one with
  a changed figure), each with its ``request`` record; besides them a ``warcinfo`` record, a
  ``robots.txt`` (not a page: skipped), and a section front that holds only links (no main text:
  rejected, so ``--skip-bad`` has something to do).
- ``export.csv``: three Gazette stories that reuse Wikinews text (one renames "Russia" to
  "Russian Federation"). The text is in a column named ``copy`` and the id in ``slug``, which
  wiretrace does not guess, hence ``--column text=copy --column id=slug`` in the tour; the
  other columns (``headline``, ``pubDate``, ``link``, ``outlet``) have names it knows.
- ``saved-page.html``: composite-02 as the farm published it, saved from a browser: navigation,
  a "Trending now" box and a footer around the article, with Open Graph metadata and a date.
- ``newsletter.pdf``: composite-04 as a PDF newsletter (a text layer; title, author, date).
- ``submitted-story.docx``: composite-05 as a Word file sent in by a contributor.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "demo"
OUT = DEMO / "samples"

FARM = "World News Digest"
FARM_HOST = "worldnewsdigest.example"
GAZETTE = "Harbour Gazette"
GAZETTE_HOST = "harbourgazette.example"
# Zip entries and document properties get this time, so the bytes never depend on the clock.
FIXED = datetime(2005, 1, 10, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Copy:
    """A republished Wikinews article: which one, when, and the edits made on the way."""

    source: str  # the id in wikinews.jsonl, without "wikinews/"
    slug: str
    published: str  # ISO 8601
    headline: str
    edits: tuple[tuple[str, str], ...] = ()
    paragraphs: int | None = None  # keep only the first N paragraphs


# The farm's pages in the crawl: articles no composite uses, so the tour's traces stay clean.
CRAWLED = (
    Copy(
        "kmart-to-buy-sears-for-us-11-billion",
        "kmart-sears-deal",
        "2004-11-19T07:30:00Z",
        "Kmart and Sears to merge in $11bn deal",
        edits=(("Sears was up 22 percent", "Sears was up 25 percent"),),
    ),
    Copy(
        "firefox-1-0-internet-browser-released-by-mozilla-foundation",
        "firefox-released",
        "2004-11-18T12:00:00Z",
        "Firefox 1.0 is out: what you need to know",
        paragraphs=3,
    ),
    Copy(
        "man-bites-dog-charged-with-animal-cruelty",
        "man-bites-dog",
        "2004-12-16T18:45:00Z",
        "Florida man bites his dog, is arrested",
    ),
)

# The Gazette's CSV export.
EXPORTED = (
    Copy(
        "nasa-hopes-raised-for-shuttle-flights-to-resume-soon",
        "2005-01-02-shuttle",
        "2005-01-02T06:00:00Z",
        "Shuttle flights could resume soon, NASA hopes",
        edits=(("Russia", "Russian Federation"),),
    ),
    Copy(
        "indian-sensex-reaches-a-new-all-time-high",
        "2005-01-04-sensex",
        "2005-01-04T16:20:00Z",
        "Bombay index closes at a record",
    ),
    Copy(
        "security-firm-identifies-united-states-as-world-s-top-spamming-country",
        "2004-12-29-spam",
        "2004-12-29T11:05:00Z",
        "Most spam comes from the United States, says Sophos",
        paragraphs=2,
    ),
)

# The composites that become the saved page, the PDF and the Word file.
PAGE_COMPOSITE = ("composite-02", "2004-11-20T09:15:00Z", "brazil-south-korea-china")
PDF_COMPOSITE = ("composite-04", datetime(2004, 11, 25, 8, 0, tzinfo=UTC))
DOCX_COMPOSITE = ("composite-05", datetime(2004, 12, 9, 14, 30, tzinfo=UTC))


def read_wikinews() -> dict[str, dict[str, str]]:
    with (DEMO / "wikinews.jsonl").open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    return {r["id"].removeprefix("wikinews/"): r for r in records}


def copied_text(copy: Copy, articles: dict[str, dict[str, str]]) -> str:
    record = articles[copy.source]
    if record["license"] != "public domain":  # the samples stay public domain (see NOTICE)
        raise ValueError(f"{copy.source} is {record['license']}, not public domain")
    text = record["text"]
    for old, new in copy.edits:
        if old not in text:
            raise ValueError(f"{copy.source}: {old!r} is not in the text")
        text = text.replace(old, new)
    paragraphs = text.split("\n\n")
    return "\n\n".join(paragraphs[: copy.paragraphs or len(paragraphs)])


def read_composite(name: str, articles: dict[str, dict[str, str]]) -> tuple[str, str, list[str]]:
    """A composite's headline, byline and the paragraphs after them."""
    with (DEMO / "composites" / "truth.jsonl").open(encoding="utf-8") as fh:
        truth = next(t for t in map(json.loads, fh) if t["id"] == name)
    for source in truth["sources"]:
        licence = articles[source["id"].removeprefix("wikinews/")]["license"]
        if licence != "public domain":  # the samples stay public domain (see NOTICE)
            raise ValueError(f"{name} is made from {source['id']}, which is {licence}")
    text = (DEMO / "composites" / f"{name}.txt").read_text(encoding="utf-8")
    headline, byline, *rest = [line for line in text.split("\n") if line.strip()]
    return headline, byline.removeprefix("By "), rest


# -- the farm's web pages -------------------------------------------------------------------------


def farm_page(url: str, headline: str, byline: str, published: str, paragraphs: list[str]) -> str:
    """An article page of the farm: the article inside a site's navigation and footer."""
    e = html.escape
    body = "\n".join(f"<p>{e(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{e(headline)} | {FARM}</title>
<meta property="og:title" content="{e(headline)}">
<meta property="og:site_name" content="{FARM}">
<meta property="og:url" content="{e(url)}">
<meta property="article:published_time" content="{published}">
<meta name="author" content="{e(byline)}">
<link rel="canonical" href="{e(url)}">
</head>
<body>
<header><a href="/">{FARM}</a>
<nav><ul><li><a href="/world/">World</a></li><li><a href="/business/">Business</a></li>
<li><a href="/tech/">Tech</a></li><li><a href="/odd/">Odd news</a></li></ul></nav></header>
<main>
<article>
<h1>{e(headline)}</h1>
<p class="byline">By {e(byline)} | <time datetime="{published}">{published[:10]}</time></p>
{body}
</article>
<aside><h2>Trending now</h2>
<ul><li><a href="/odd/man-bites-dog">Florida man bites his dog, is arrested</a></li>
<li><a href="/tech/firefox-released">Firefox 1.0 is out: what you need to know</a></li></ul>
</aside>
</main>
<footer><p>&copy; 2005 {FARM}. All rights reserved.</p>
<p><a href="/about">About us</a> | <a href="/privacy">Privacy</a></p></footer>
</body>
</html>
"""


def section_front() -> str:
    """A page that lists links and nothing else: a crawl holds many; no article in it."""
    links = "\n".join(
        f'<li><a href="/{c.slug}">{html.escape(c.headline)}</a></li>' for c in CRAWLED
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>World | {FARM}</title></head>
<body><nav><ul>
{links}
</ul></nav></body></html>
"""


# -- the files ------------------------------------------------------------------------------------


def write_warc(path: Path, articles: dict[str, dict[str, str]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def headers(url: str, kind: str, date: str) -> dict[str, str]:
        record_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{kind} {url}")
        return {"WARC-Record-ID": f"<urn:uuid:{record_id}>", "WARC-Date": date}

    def response(url: str, date: str, body: bytes, content_type: str) -> None:
        path_part = "/" + url.split("/", 3)[3]
        request = StatusAndHeaders(
            f"GET {path_part} HTTP/1.1", [("Host", FARM_HOST)], is_http_request=True
        )
        writer.write_record(
            writer.create_warc_record(
                url, "request", http_headers=request, warc_headers_dict=headers(url, "req", date)
            )
        )
        http = StatusAndHeaders(
            "200 OK",
            [("Content-Type", content_type), ("Content-Length", str(len(body)))],
            protocol="HTTP/1.1",
        )
        writer.write_record(
            writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=http,
                warc_headers_dict=headers(url, "resp", date),
            )
        )

    crawl_date = "2005-01-08T10:00:00Z"
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        info = b"software: wiretrace scripts/make_samples.py\r\nformat: WARC File Format 1.1\r\n"
        writer.write_record(
            writer.create_warc_record(
                path.name,
                "warcinfo",
                payload=io.BytesIO(info),
                warc_content_type="application/warc-fields",
                warc_headers_dict=headers(path.name, "info", crawl_date),
            )
        )
        base = f"https://{FARM_HOST}"
        response(f"{base}/robots.txt", crawl_date, b"User-agent: *\nAllow: /\n", "text/plain")
        response(f"{base}/world/", crawl_date, section_front().encode(), "text/html; charset=utf-8")
        for copy in CRAWLED:
            url = f"{base}/{copy.slug}"
            text = copied_text(copy, articles)
            page = farm_page(url, copy.headline, "Staff", copy.published, text.split("\n\n"))
            response(url, crawl_date, page.encode(), "text/html; charset=utf-8")


def write_csv(path: Path, articles: dict[str, dict[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["slug", "headline", "copy", "pubDate", "link", "outlet"])
    for copy in EXPORTED:
        url = f"https://{GAZETTE_HOST}/news/{copy.slug}"
        writer.writerow(
            [copy.slug, copy.headline, copied_text(copy, articles), copy.published, url, GAZETTE]
        )
    path.write_text(out.getvalue(), encoding="utf-8")


def write_page(path: Path, articles: dict[str, dict[str, str]]) -> None:
    name, published, slug = PAGE_COMPOSITE
    headline, byline, paragraphs = read_composite(name, articles)
    url = f"https://{FARM_HOST}/world/{slug}"
    path.write_text(farm_page(url, headline, byline, published, paragraphs), encoding="utf-8")


def write_pdf(path: Path, articles: dict[str, dict[str, str]]) -> None:
    import fpdf

    name, created = PDF_COMPOSITE
    headline, byline, paragraphs = read_composite(name, articles)
    pdf = fpdf.FPDF()
    pdf.set_title(headline)
    pdf.set_author(byline)
    pdf.set_creator("World News Digest newsletter")
    pdf.set_producer("wiretrace scripts/make_samples.py")
    pdf.set_creation_date(created)
    pdf.set_lang("en")
    pdf.add_page()

    def write(text: str, size: int, style: str = "", height: float = 6) -> None:
        # The core font is Latin-1; a character beyond it would fail here, not silently.
        pdf.set_font("helvetica", style=style, size=size)
        pdf.multi_cell(0, height, text, align="J", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)

    write(headline, 15, "B", 8)
    write(f"By {byline}", 10)
    for paragraph in paragraphs:
        write(paragraph, 11)
    path.write_bytes(bytes(pdf.output()))


def write_docx(path: Path, articles: dict[str, dict[str, str]]) -> None:
    import docx

    name, created = DOCX_COMPOSITE
    headline, byline, paragraphs = read_composite(name, articles)
    document = docx.Document()
    props = document.core_properties
    props.title = headline
    props.author = byline
    props.last_modified_by = byline
    props.created = created.replace(tzinfo=None)
    props.modified = created.replace(tzinfo=None)
    props.revision = 1
    props.language = "en"
    document.add_heading(headline, level=1)
    document.add_paragraph(f"By {byline}")
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    raw = io.BytesIO()
    document.save(raw)
    path.write_bytes(_fixed_zip_times(raw.getvalue()))


def _fixed_zip_times(data: bytes) -> bytes:
    """The zip ``data`` with every entry dated :data:`FIXED` (python-docx uses the clock)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info))
    return out.getvalue()


FILES = {
    "crawl.warc.gz": write_warc,
    "export.csv": write_csv,
    "saved-page.html": write_page,
    "newsletter.pdf": write_pdf,
    "submitted-story.docx": write_docx,
}


def make_samples(out: Path) -> list[Path]:
    """Write every sample file into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    articles = read_wikinews()
    written = []
    for name, write in FILES.items():
        write(out / name, articles)
        written.append(out / name)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder (default {OUT})")
    args = parser.parse_args()
    for path in make_samples(args.out):
        print(f"{path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
