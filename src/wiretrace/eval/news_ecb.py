"""Reading ECB+ articles as plain text with their headlines, and made-up publication dates.

ECB+ (``ecbplus-news-events``, see its ``SOURCE.md``) is tokenised, one sentence a line; in
``ecbplus`` articles sentence 0 is the page URL, usually followed by the headline and a
dateline. :func:`ecb_article` joins the tokens back into text (:func:`detokenise`), takes the
URL and the headline out of the body (a real page's body does not repeat its headline), and
drops the short dateline and byline lines after the headline. ``ecb`` articles have neither.

ECB+ has no publication dates: :func:`random_moment` writes one in any of the four precisions
of :mod:`wiretrace.dates` (:data:`FORMATS`), and :func:`earliest_truth` says which of a set of
dated ids no other certainly precedes.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from wiretrace.dates import Moment, certainly_before, parse_moment
from wiretrace.model import Span

__all__ = [
    "FORMATS",
    "EcbArticle",
    "detokenise",
    "earliest_truth",
    "ecb_article",
    "format_moment",
    "outlet_of",
    "random_moment",
]

FORMATS = ("date", "local", "utc", "offset")


@dataclass(frozen=True, slots=True)
class EcbArticle:
    """One ECB+ article as plain text: body sentences with their offsets, and its headline."""

    id: str
    topic: str
    event: str
    title: str | None
    url: str | None
    text: str
    sentences: tuple[Span, ...]


_SUBS = (
    (re.compile(r"``\s*"), '"'),
    (re.compile(r"\s*''"), '"'),
    (re.compile(r"\s+([.,;:!?%)\]}\u201d])"), r"\1"),
    (re.compile(r"\u201c\s+"), "\u201c"),
    (re.compile(r"([(\[{$])\s+"), r"\1"),
    (re.compile(r"\s+(n't|'s|'re|'ve|'m|'ll|'d)\b", re.IGNORECASE), r"\1"),
    (re.compile(r"(\w) - (?=\w)"), r"\1-"),
    (re.compile(r"\s{2,}"), " "),
    (re.compile(r"(?<=\d)\. (?=\d)"), "."),  # "6. 1" -> "6.1"
    (re.compile(r"\b([A-Z])\. (?=[A-Z]\.)"), r"\1."),  # "U. S." -> "U.S."
    (re.compile(r"(?<=\w)\. (?=(?:com|org|net)\b)"), "."),  # "TMZ. com" -> "TMZ.com"
)


def detokenise(line: str) -> str:
    """Join the tokens of one ECB+ sentence back into plain text (good enough to read)."""
    out = line.strip()
    for pattern, repl in _SUBS:
        out = pattern.sub(repl, out)
    return out.strip()


# Words of datelines and page furniture that ECB+ keeps where a headline would be ("Posted
# 11/27/2005 7:21 AM", "Last Updated: Monday, 28 November 2005, 02:24 GMT", "Jan 05, 2011").
_DATELINE_WORDS = frozenset(
    """posted updated published last am pm gmt et est edt pst utc at on by jan feb mar apr may
    jun jul aug sep sept oct nov dec january february march april june july august september
    october november december monday tuesday wednesday thursday friday saturday sunday
    """.split()  # noqa: SIM905
)


def _is_headline(line: str) -> bool:
    """Whether a line reads as a headline: 3 to 25 words, capitalised, not all capitals ("THE
    WHITE HOUSE" is a section name), and at least three words that are not dateline words or
    numbers (a dateline is not a headline)."""
    words = line.split()
    telling = [w for w in re.findall(r"[A-Za-z]+", line) if w.lower() not in _DATELINE_WORDS]
    return (
        3 <= len(words) <= 25
        and not line.startswith("http")
        and line[:1].isupper()
        and not line.isupper()
        and len(telling) >= 3
    )


def ecb_article(record: Mapping[str, object]) -> EcbArticle:
    """An ECB+ record (``ecbplus_docs.jsonl.gz``) as an :class:`EcbArticle`."""
    lines = [line for line in str(record["text"]).split("\n") if line.strip()]
    title: str | None = None
    url: str | None = None
    if str(record["component"]) == "ecbplus" and lines:
        url = re.sub(r"\s+", "", lines[0]) if lines[0].startswith("http") else None
        lines = lines[1:] if url else lines
        if lines and _is_headline(detokenise(lines[0])):
            title = detokenise(lines[0])
            lines = lines[1:]
            while lines and len(lines[0].split()) < 6:  # dateline, byline
                lines = lines[1:]
    sentences = [detokenise(line) for line in lines]
    text, spans, at = [], [], 0
    for i, sentence in enumerate(sentences):
        sep = "" if i == 0 else ("\n\n" if i % 3 == 0 else " ")
        at += len(sep)
        spans.append(Span(at, at + len(sentence)))
        text.append(sep + sentence)
        at += len(sentence)
    return EcbArticle(
        str(record["doc_id"]),
        str(record["topic"]),
        str(record["subtopic"]),
        title,
        url,
        "".join(text),
        tuple(spans),
    )


def format_moment(day: date, minute: int, fmt: str) -> str:
    """``day`` at ``minute`` past midnight in one of :data:`FORMATS`."""
    if fmt == "date":
        return day.isoformat()
    clock = f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}:00"
    return {"local": clock, "utc": clock + "Z", "offset": clock + "+02:00"}[fmt]


def random_moment(rng: random.Random, day: date) -> str:
    """``day`` at a random time of day, in a random one of :data:`FORMATS`."""
    return format_moment(day, rng.randrange(6 * 60, 23 * 60), rng.choice(FORMATS))


def earliest_truth(dates: Mapping[str, str | None]) -> frozenset[str]:
    """The ids no other id certainly precedes, among the dated ones (undated are never first)."""
    moments: list[tuple[str, Moment]] = []
    for doc_id, value in dates.items():
        moment = parse_moment(value)
        if moment is not None:
            moments.append((doc_id, moment))
    return frozenset(d for d, m in moments if not any(certainly_before(o, m) for _, o in moments))


def outlet_of(url: str | None) -> str | None:
    """The host name of ``url`` without ``www.``, as the outlet."""
    if not url:
        return None
    m = re.match(r"https?://(?:www\.)?([^/]+)", url)
    return m.group(1) if m else None
