"""Boilerplate: lines of web-page chrome left in an article's text.

Each line of the text is normalised (lower case, white space collapsed, decorative marks such
as ``|``, ``•``, ``»`` and ``-`` stripped from both ends) and matched in full against the
patterns in :data:`BOILERPLATE_PATTERNS`. A pattern only applies to lines up to its length
limit, so a sentence that merely mentions "click here" or "cookies" is not chrome. The
patterns, by kind:

- comment links: "Discuss This Article", "Leave a comment", "12 comments", "Join the debate";
- author and related links: "Other reports by ...", "More stories from ...", "Related: ...",
  "Read more", "See also", "Most popular", "You may also like", "Continue reading";
- share, subscribe and follow lines: "Share this article", "Facebook Twitter Email",
  "Subscribe to our newsletter", "Sign up for ... alerts", "Follow us on Twitter";
- calls to action: "Click here ...", "Download our app";
- advertising: "Advertisement", "Sponsored content", "Story continues below advertisement";
- cookie notices: "We use cookies ...", "This site uses cookies ...", "Accept all cookies";
- legal lines: "All rights reserved", "Copyright 2019 ...", "© 2019 ...", the AP line "This
  material may not be published, broadcast, rewritten or redistributed";
- site furniture: "Terms of use", "Privacy policy", "Back to top", "Skip to content",
  "Image copyright ...", "Media caption ...", "Posted by ...", "Tags: ...", "Last updated ...".
"""

from __future__ import annotations

import bisect
import re

from wiretrace.model import Signal, Span

__all__ = ["BOILERPLATE_PATTERNS", "boilerplate_signals", "boilerplate_spans"]

_SOCIAL = (
    r"(?:facebook|twitter|x|linkedin|whatsapp|e-?mail|reddit|pinterest|messenger|telegram"
    r"|instagram|tumblr|flipboard|sms|google\+|youtube|tiktok|threads|bluesky|mastodon)"
)

#: ``(kind, regex, longest line it applies to)``. Each regex must match the whole normalised
#: line (lower case, single spaces, decorative marks stripped from both ends).
BOILERPLATE_PATTERNS: tuple[tuple[str, str, int], ...] = (
    # Comment links.
    ("comments", r"(?:discuss|comment on|talk about) this (?:article|story|post|report)", 60),
    (
        "comments",
        r"(?:leave|post|add|write|view|show|read|see|load|hide) (?:a |all |the |your )?"
        r"(?:comments?|reply|replies)(?: \(\d+\))?",
        40,
    ),
    ("comments", r"(?:\d+ )?comments?(?: \(\d+\))?|no comments(?: yet)?", 20),
    ("comments", r"join the (?:discussion|conversation|debate)", 40),
    ("comments", r"have your say", 20),
    # Author and related links.
    (
        "author links",
        r"(?:other|more) (?:reports|stories|articles|posts|news|columns) (?:by|from)\b.*",
        80,
    ),
    (
        "related links",
        r"related(?: (?:stories|articles|content|coverage|links|news|topics|posts|reading|videos?"
        r"|internet links))?(?: ?:.*)?",
        160,
    ),
    (
        "related links",
        r"(?:read|see|find out|learn) more(?: (?:here|about this|stories))?(?: ?:.*)?",
        160,
    ),
    ("related links", r"(?:continue|keep) reading(?: the main story| below| here)?.*", 60),
    (
        "related links",
        r"(?:see also|also read|read also|also see|more on this(?: story)?|recommended"
        r"(?: for you| stories| reading)?|you (?:may|might) also (?:like|be interested in)"
        r"|most (?:popular|read|viewed|shared|emailed|watched)|trending(?: now| stories)?"
        r"|top stories|editor'?s picks?|around the web|from around the web|more from .*"
        r"|more news|latest news|don'?t miss)(?: ?:.*)?",
        160,
    ),
    # Share, subscribe and follow.
    (
        "share",
        rf"(?:share|tweet|email|e-mail|print|pin it|save)(?: this| it)?"
        rf"(?: (?:article|story|page|post|link|video))?(?: ?(?:on|via|with|to) {_SOCIAL})?"
        rf"(?: ?: ?(?:{_SOCIAL}[\s,|/•·]*)+)?",
        60,
    ),
    ("share", rf"(?:(?:share|tweet|print|copy link|{_SOCIAL})[\s,|/•·]*)+", 120),
    ("subscribe", r"subscribe\b.*|(?:sign up|register) (?:now|today|here|for free)\b.*", 160),
    (
        "subscribe",
        r"(?:sign up|subscribe|register)(?: (?:to|for) .*)? (?:newsletters?|alerts|updates|emails?"
        r"|briefings?|digest)\b.*",
        200,
    ),
    (
        "subscribe",
        r"(?:get|receive) (?:our|the latest|the best|breaking)\b.* (?:delivered )?(?:to|in) your"
        r" inbox\b.*",
        200,
    ),
    ("follow", rf"follow (?:us|him|her|them|me|@\w+|[\w .'-]{{1,40}}) on {_SOCIAL}\b.*", 120),
    ("follow", rf"(?:like|find) us on {_SOCIAL}\b.*", 80),
    # Calls to action.
    ("click here", r"(?:click|tap|press) here\b.*", 160),
    ("app", r"download (?:our|the) .{0,40}\bapp\b.*", 120),
    # Advertising.
    (
        "advertisement",
        r"advertisement|advertisements|advertising|advert|ad|ads|sponsored(?: content| links?"
        r"| stories| by .*)?|paid (?:content|post|partner content)|promoted(?: content| stories"
        r"| links?)?|partner content|report (?:this|an) ad|(?:story|article) continues"
        r"(?: below| after)?(?: (?:this )?advertisement)?"
        r"|scroll (?:down )?to continue(?: reading)?",
        60,
    ),
    # Cookie notices.
    (
        "cookie notice",
        r".*\b(?:we use cookies|(?:this|our) (?:web)?site uses cookies|uses cookies to"
        r"|cookie (?:policy|settings|preferences|notice|consent)|by continuing to"
        r" (?:use|browse|visit) this)\b.*",
        400,
    ),
    (
        "cookie notice",
        r"(?:accept|reject|allow|manage|refuse) (?:all )?(?:cookies|preferences)",
        30,
    ),
    # Legal lines.
    ("rights", r".*\ball rights reserved\b.*", 200),
    (
        "copyright",
        r"(?:copyright ?)?(?:©|\(c\)|copyright) ?(?:\d{4}(?:\s?[-–]\s?\d{2,4})?)\b.*",
        160,
    ),
    ("copyright", r"©.*", 160),
    (
        "copyright",
        r"image copyright\b.*|(?:photo|image|picture|video) (?:credit|courtesy):? .*",
        100,
    ),
    (
        "copyright",
        r".*\bmay not be (?:published|reproduced|copied), broadcast, rewritten,?"
        r" or redistributed\b.*",
        300,
    ),
    # Site furniture.
    (
        "site furniture",
        r"terms (?:of (?:use|service)|and conditions)|privacy(?: policy| notice| settings)?"
        r"|contact us|about us|back to top|skip to (?:main )?(?:content|navigation)|main menu"
        r"|(?:open|close) menu|toggle navigation|sitemap|site map|log ?in|sign ?in|log ?out"
        r"|sign ?out|my account|loading(?:\.\.\.|…)?|advertise with us|rss(?: feeds?)?"
        r"|newsletters?|jump to (?:content|navigation)|(?:watch|play|view) (?:the )?"
        r"(?:video|gallery|slideshow)|listen to (?:this|the) (?:article|story)"
        r"|image caption.*|media caption.*",
        100,
    ),
    (
        "site furniture",
        r"(?:posted|filed|published|updated|last updated|first published)"
        r"(?: on| at| in| by| under)?:? .*\d.*|(?:posted|filed) (?:by|in|under):? .*",
        60,
    ),
    ("site furniture", r"(?:tags|tagged|filed under|topics|categories|keywords) ?: .*", 200),
)

# The patterns a line of some length may match are those whose limit is at least its length.
# For each limit, the patterns of that limit or more are joined into one alternation, in
# order, so that one fullmatch per line finds the first pattern that matches: the same answer
# as trying them one by one, in one call to the regex engine instead of thirty.
_LIMITS = sorted({limit for _, _, limit in BOILERPLATE_PATTERNS})
_BY_LIMIT: tuple[re.Pattern[str], ...] = tuple(
    re.compile(
        "|".join(
            f"(?P<p{i}>{rx})"
            for i, (_, rx, limit) in enumerate(BOILERPLATE_PATTERNS)
            if limit >= floor
        )
    )
    for floor in _LIMITS
)
_LONGEST = _LIMITS[-1]
_DECORATION = " \t|•·»«›‹<>-–—:*#_=~+"
_SPACES = re.compile(r"\s+")
_NAV_SEPARATOR = re.compile(r"\s[/|•·]\s|\s?[|•·]\s?")
_LINE = re.compile(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")


def boilerplate_spans(text: str) -> list[Span]:
    """The trimmed spans of the lines of ``text`` that are page chrome, in order."""
    return [span for span, _ in _boilerplate_lines(text)]


def boilerplate_signals(text: str) -> list[Signal]:
    """One ``boilerplate`` signal per chrome line, quoting the line."""
    return [
        Signal("boilerplate", f"{kind} line left in the text: {_quote(text[s.start : s.end])}", s)
        for s, kind in _boilerplate_lines(text)
    ]


def _boilerplate_lines(text: str) -> list[tuple[Span, str]]:
    out: list[tuple[Span, str]] = []
    for m in _LINE.finditer(text):
        start, end = m.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end or end - start > 2 * _LONGEST:
            continue
        kind = _match_line(text[start:end])
        if kind is not None:
            out.append((Span(start, end), kind))
    return out


def _match_line(line: str) -> str | None:
    """The kind of chrome ``line`` is, or None."""
    norm = _SPACES.sub(" ", line.lower()).strip(_DECORATION)
    kind = _match_normalised(norm)
    if kind is None and len(norm) <= _LONGEST:
        # A navigation bar: several chrome items in one line ("About us / Contact us / RSS").
        items = [item.strip(_DECORATION) for item in _NAV_SEPARATOR.split(norm)]
        if len(items) >= 2 and all(_match_normalised(item) for item in items if item):
            kind = "navigation"
    return kind


def _match_normalised(norm: str) -> str | None:
    """The kind of the first pattern whose limit allows ``norm`` and that matches all of it."""
    at = bisect.bisect_left(_LIMITS, len(norm))
    if not norm or at == len(_LIMITS):
        return None
    m = _BY_LIMIT[at].fullmatch(norm)
    if m is None or m.lastgroup is None:
        return None
    return BOILERPLATE_PATTERNS[int(m.lastgroup[1:])][0]


def _quote(line: str, limit: int = 80) -> str:
    line = _SPACES.sub(" ", line)
    return f"'{line}'" if len(line) <= limit else f"'{line[: limit - 1]}…'"
