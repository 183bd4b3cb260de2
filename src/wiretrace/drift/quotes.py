"""Quotations: whether a stretch of text lies inside quotation marks.

A quotation is a pair of marks in one paragraph (between line breaks): ``“``, ``„`` and ``«``
open and ``”`` and ``»`` close. A straight ``"`` is read by what stands around it, as
typesetters do: after a space or at the start of a paragraph and before a word, it opens;
after a word or punctuation and before a space or punctuation, it closes; otherwise (spaces
or words on both sides) it opens when no quotation is open and closes one that is.

Two habits of news text are read as quotations:

- **A quotation carried on.** A quotation of several sentences may open each sentence anew
  without closing the one before (the rule for quotations of several paragraphs, kept when a
  page joins the paragraphs into one): ``"We played well. "But we were lucky," he said.``. An
  opening mark while a quotation is open, after text ending in a stop (``.``, ``!``, ``?``,
  ``…``), closes the open one there.
- **A quotation whose head was cut off.** A copy that starts inside a quotation keeps only
  its closing mark: ``deal before it will ever happen," said the New Zealander.`` A closing
  mark with none open, right after punctuation, closes a quotation that runs from the start
  of its paragraph.

Otherwise an opening mark that no mark closes in its paragraph opens nothing, so an
unbalanced mark never makes the rest of a text a quote.

Only a window of :data:`QUOTE_WINDOW` characters on either side is read, so the work per
look-up is bounded whatever the text; a paragraph longer than that is read from the window's
edge (straight marks could then pair differently, which only matters in such paragraphs).
"""

from __future__ import annotations

import re

from wiretrace.model import Span

__all__ = ["QUOTE_WINDOW", "quotations", "quoted"]

QUOTE_WINDOW = 600
_OPEN = "\u201c\u201e\u00ab"
_CLOSE = "\u201d\u00bb"
_STRAIGHT = '"\uff02'
_STOPS = ".!?\u2026"
# Punctuation that ends a quotation right before its closing mark.
_QUOTE_END = ".,!?\u2026"
# Around a straight mark: what may stand before an opening one, after a closing one.
_BEFORE_OPENING = "([{\u2014\u2013-"
_AFTER_CLOSING = ".,;:!?)]}\u2014\u2013-\u2026"
# What the reader stops at: a paragraph's end and every quotation mark.
_MARKS = re.compile("[\n" + re.escape(_OPEN + _CLOSE + _STRAIGHT) + "]")


def quotations(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """The quotations (inside the marks) of the paragraphs of ``text[start:end]``."""
    stop = len(text) if end is None else min(end, len(text))
    out: list[Span] = []
    opened: int | None = None
    paragraph = max(0, start)
    for m in _MARKS.finditer(text, max(0, start), stop):
        i, ch = m.start(), m.group()
        if ch == "\n":
            opened, paragraph = None, i + 1  # a mark left open at a paragraph's end opens nothing
            continue
        if ch in _STRAIGHT:
            role = _role(text, i)
            if role == "either":
                role = "open" if opened is None else "close"
        else:
            role = "open" if ch in _OPEN else "close"
        if role == "open":
            if opened is not None and _carried_on(text, opened, i):
                out.append(Span(opened, i))
            opened = i + 1  # an earlier open mark not carried on was never closed: nothing
        elif opened is not None:
            out.append(Span(opened, i))
            opened = None
        elif i > paragraph and text[i - 1] in _QUOTE_END:
            out.append(Span(paragraph, i))  # a quotation whose head was cut off
    return out


def _role(text: str, i: int) -> str:
    """Whether the straight mark at ``i`` opens, closes, or could do ``either``."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    spaced_before = before.isspace() or before in _BEFORE_OPENING
    spaced_after = after.isspace() or after in _AFTER_CLOSING
    if spaced_before and not spaced_after:
        return "open"
    if spaced_after and not spaced_before:
        return "close"
    return "either"


def _carried_on(text: str, opened: int, i: int) -> bool:
    """Whether the open quotation ``text[opened:i]`` ends in a stop before an opening mark at
    ``i``: a quotation carried on into the next sentence (module docstring)."""
    return text[opened:i].rstrip()[-1:] in _STOPS


def quoted(text: str, span: Span) -> bool:
    """Whether ``span`` lies inside one quotation of ``text`` (an empty span: strictly
    inside)."""
    lo = text.rfind("\n", max(0, span.start - QUOTE_WINDOW), span.start) + 1
    lo = max(lo, span.start - QUOTE_WINDOW, 0)
    nl = text.find("\n", span.end, span.end + QUOTE_WINDOW)
    hi = nl if nl >= 0 else min(len(text), span.end + QUOTE_WINDOW)
    return any(q.start <= span.start and span.end <= q.end for q in quotations(text, lo, hi))
