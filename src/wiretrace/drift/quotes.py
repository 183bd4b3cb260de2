"""Quotations: whether a stretch of text lies inside quotation marks.

A quotation is a pair of marks in one paragraph (between line breaks): a straight ``"``
opens and the next one closes; ``“``, ``„`` and ``«`` open and ``”`` and ``»`` close. An
opening mark that no mark closes in its paragraph opens nothing, so an unbalanced mark never
makes the rest of a text a quote. Multi-paragraph quotations, whose paragraphs open without
closing, are therefore not seen: the safe side for a fact-checker's "quote changed".

Only a window of :data:`QUOTE_WINDOW` characters on either side is read, so the work per
look-up is bounded whatever the text; a paragraph longer than that is read from the window's
edge (straight marks could then pair differently, which only matters in such paragraphs).
"""

from __future__ import annotations

from wiretrace.model import Span

__all__ = ["QUOTE_WINDOW", "quotations", "quoted"]

QUOTE_WINDOW = 600
_OPEN = "\u201c\u201e\u00ab"
_CLOSE = "\u201d\u00bb"
_STRAIGHT = '"\uff02'


def quotations(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """The quotations (inside the marks) of the paragraphs of ``text[start:end]``."""
    stop = len(text) if end is None else min(end, len(text))
    out: list[Span] = []
    opened: int | None = None
    for i in range(max(0, start), stop):
        ch = text[i]
        if ch == "\n":
            opened = None  # a mark left open at a paragraph's end opens nothing
        elif ch in _STRAIGHT:
            if opened is None:
                opened = i + 1
            else:
                out.append(Span(opened, i))
                opened = None
        elif ch in _OPEN:
            opened = i + 1  # an earlier open mark was never closed: it opens nothing
        elif ch in _CLOSE and opened is not None:
            out.append(Span(opened, i))
            opened = None
    return out


def quoted(text: str, span: Span) -> bool:
    """Whether ``span`` lies inside one quotation of ``text`` (an empty span: strictly
    inside)."""
    lo = text.rfind("\n", max(0, span.start - QUOTE_WINDOW), span.start) + 1
    lo = max(lo, span.start - QUOTE_WINDOW, 0)
    nl = text.find("\n", span.end, span.end + QUOTE_WINDOW)
    hi = nl if nl >= 0 else min(len(text), span.end + QUOTE_WINDOW)
    return any(q.start <= span.start and span.end <= q.end for q in quotations(text, lo, hi))
