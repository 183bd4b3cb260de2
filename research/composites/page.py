"""Page furniture of the made-up content-farm pages: headlines, bylines, outlets, boilerplate.

Both composite generators draw on these: the BBC spun composites
(:mod:`research.composites.spinning`) and the Wikinews demo composites
(:mod:`research.composites.wikinews`, which takes the first eight :data:`BYLINES`). The
Wikinews generator keeps its own headline templates and boilerplate lines: its headlines are
built from a topic and a title rather than a category, and the committed demo composites
(``data/demo/composites``) are made with exactly these four lines.
"""

from __future__ import annotations

__all__ = [
    "BOILERPLATE",
    "BYLINES",
    "HEADLINES",
    "OUTLETS",
    "WIKINEWS_BOILERPLATE",
    "WIKINEWS_HEADLINES",
]

HEADLINES = (
    "{Category} roundup: the stories you need to know",
    "Morning briefing: the latest {category} news",
    "Top {category} headlines today",
    "What happened in {category} this week",
    "{Category} update: everything you missed",
    "Breaking {category} news and analysis",
    "Your daily {category} digest",
)
BYLINES = (
    "Dana Whitlock", "Marcus Trell", "Ivy Kerrigan", "Owen Blakesley", "Nora Villanueva",
    "Felix Ambrose", "Lena Castellano", "Victor Haldane", "Saul Bowman", "Petra Lindqvist",
)  # fmt: skip
OUTLETS = ("Daily Newswire Hub", "Global Report Today", "NewsFlash 24", "The Trend Post")
BOILERPLATE = (
    "Discuss This Article",
    "Other reports by {byline}",
    "Share this article",
    "Subscribe to our newsletter for more {category} news.",
    "Click here to read more stories like this",
    "Copyright 2005 {outlet}. All rights reserved.",
    "Follow us on Twitter and Facebook",
    "Related articles",
    "Sign up for breaking news alerts",
    "Read more: {category} news",
    "Comments (0)",
    "Tags: {category}, news, latest",
)

WIKINEWS_HEADLINES = (
    "{topic}: {title}",
    "Latest: {title}",
    "{title}, reports say",
    "{topic} update: {title}",
    "What we know: {title}",
)
WIKINEWS_BOILERPLATE = (
    "Other reports by {byline}",
    "Discuss This Article",
    "Share this article",
    "Subscribe to our newsletter",
)
