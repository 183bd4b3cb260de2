"""Articles from RSS and Atom feeds, parsed with feedparser.

Each entry is one document:

- text: the entry's full content (``content:encoded``, Atom ``content``) when present, else its
  summary (``description``, Atom ``summary``), turned from HTML into text by trafilatura with
  one block a line;
- id: the entry's ``guid``/``id``, else its link, else ``FILE:entry N``;
- url: the entry link; title; author; source: the feed's title; language: the feed's;
- published_at: the entry's published date, else its updated date, in UTC ISO 8601. A date
  feedparser cannot parse is dropped with a warning, and the entry is kept.

A file that is not a feed at all (not XML, or XML of another kind) is rejected as a whole. The
file is parsed in memory, so it must be within the size limit.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wiretrace.errors import InputError, RecordError, SizeLimitError
from wiretrace.ingest.base import (
    HINT_FORMAT,
    Entry,
    Format,
    ReadOptions,
    Rejected,
    Skipped,
    advised,
    clean,
    os_reason,
    size_reason,
)
from wiretrace.ingest.encoding import nul_problem
from wiretrace.model import Document


def iter_feed(path: Path, options: ReadOptions) -> Iterator[Entry]:
    """Every entry of the feed at ``path``, in document order."""
    location = str(path)
    try:
        with path.open("rb") as fh:
            data = fh.read(options.max_bytes + 1)
            size = fh.seek(0, 2)
    except OSError as exc:
        yield _whole(location, f"cannot read the file: {os_reason(exc)}")
        return
    if len(data) > options.max_bytes:
        reason = size_reason(f"{size:,} bytes", options, "feed file")
        yield _whole(location, reason, SizeLimitError, size)
        return
    binary = nul_problem(data)
    if binary is not None:
        yield _whole(location, binary.reason, binary.error, size)
        return
    import feedparser  # imported on use: it and trafilatura cost 0.1 s to import

    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    if not parsed.get("version"):
        reason = advised(_not_a_feed(parsed), options, HINT_FORMAT)
        yield _whole(location, reason, RecordError, size)
        return
    feed = parsed.get("feed", {})
    entries = parsed.get("entries", [])
    if not entries:
        yield Entry(Format.FEED, Skipped(location, "the feed has no entries"), position=size)
        return
    for number, entry in enumerate(entries, 1):
        where = f"{location}:entry {number}"
        item, warnings = _entry_document(entry, feed, where, path.name, number, options)
        yield Entry(Format.FEED, item, warnings, position=size)


def _whole(
    location: str, reason: str, error: type[InputError] = InputError, size: int = 0
) -> Entry:
    return Entry(Format.FEED, Rejected(location, reason, error=error), position=size)


def _not_a_feed(parsed: Any) -> str:
    problem = parsed.get("bozo_exception")
    detail = f" ({problem})" if problem else ""
    return (
        f"not an RSS or Atom feed: the file is not XML or has no feed root element{detail}; "
        "check the file"
    )


def _entry_document(
    entry: Any, feed: Any, where: str, name: str, number: int, options: ReadOptions
) -> tuple[Document | Rejected, tuple[str, ...]]:
    warnings: list[str] = []
    body, kind = _body(entry)
    text = _to_text(body, kind) if body else ""
    if not text:
        return Rejected(where, "entry has no content and no summary", error=RecordError), ()
    size = len(text.encode("utf-8"))
    if size > options.max_bytes:
        reason = size_reason(f"{size:,} bytes of UTF-8", options)
        return Rejected(where, reason, error=SizeLimitError), ()
    link = clean(entry.get("link"))
    doc_id = clean(entry.get("id")) or link or f"{name}:entry {number}"
    published = None
    # dict.get: feedparser's own get() maps a missing "updated" to "published" (deprecated).
    for key in ("published", "updated"):
        raw = clean(dict.get(entry, key))
        if raw is None:
            continue
        parsed = dict.get(entry, f"{key}_parsed")
        if parsed:
            published = _iso(parsed)
        else:
            warnings.append(f"{key} date {raw!r} cannot be parsed; the entry is kept without it")
        break
    doc = Document(
        id=doc_id,
        text=text,
        title=clean(entry.get("title")),
        url=link,
        source=clean(feed.get("title")),
        published_at=published,
        language=clean(feed.get("language")),
        author=clean(entry.get("author")),
    )
    return doc, tuple(warnings)


def _body(entry: Any) -> tuple[str, str]:
    """The fullest text the entry has, and its MIME type."""
    for content in entry.get("content") or ():
        value = content.get("value") or ""
        if value.strip():
            return value, content.get("type") or "text/html"
    detail = entry.get("summary_detail") or {}
    summary = entry.get("summary") or ""
    return summary, detail.get("type") or "text/html"


def _to_text(body: str, kind: str) -> str:
    if "html" not in kind:
        return "\n".join(line.strip() for line in body.splitlines() if line.strip())
    wrapped = f"<html><body>{body}</body></html>"
    import trafilatura

    text = trafilatura.extract(
        wrapped, favor_recall=True, include_comments=False, include_tables=True
    ) or trafilatura.html2txt(wrapped)
    return "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())


def _iso(parsed: time.struct_time) -> str:
    return datetime(*parsed[:6], tzinfo=UTC).isoformat()
