"""Truncated sentences: text that starts mid-clause or stops before its end.

Cut-and-paste rewriting leaves sentences without their heads ("-North Korea summit in Vietnam
in February meant ...", "have been directly contributing money to aid organizations.") or
without their tails. Sentences come from :func:`wiretrace.text.sentences.split_sentences`;
lines that are boilerplate are skipped.

A sentence of at least three words **starts mid-clause** when its first character is

- a lower-case letter, unless the first word is a lower-case brand (``iPhone``, ``eBay``), a
  web address or handle, or a short name particle before a capitalised word (``de Gaulle``);
- a hyphen or dash glued to a letter (``-North Korea``, the tail of ``US-North Korea``);
- closing punctuation: ``,`` ``;`` ``:`` ``)`` ``]`` ``}`` ``”`` ``’``;
- an ellipsis followed by a lower-case letter (``...and then``).

The last sentence of a block (a paragraph, or a line standing alone) **ends early** when it
has no final punctuation (``.`` ``!`` ``?`` ``…`` ``:``, a CJK stop, or one of these before
closing quotes or brackets) and its end reads as unfinished: a trailing ``,`` or ``;``, a
lower-case function word ("... the new rules would be", "... agreed to the"), or, inside a
paragraph with other sentences, a possessive ("... now plays France's"). A complete sentence
that merely lacks its full stop is not flagged. Headlines, bylines and datelines are spared:
the sentence needs at least four words (six when it stands alone) and must not be mostly
capitalised words; bulleted lines and emoticons are skipped.

A sentence flagged at both ends gets one signal. On the 2,225 BBC news articles, 43 articles
are flagged; reading them, nearly all are real damage in that corpus (names that were links
were dropped: "Favourite\n\ndelivered a powerful performance", team line-ups starting with
": Murphy, Dempsey"), a few are stray full stops in the source ("Overall. sales across"), and
one is intact text (a quoted text message, "spoke to trev. think tbwa shd give").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from wiretrace.model import Signal, Span
from wiretrace.signals.boilerplate import boilerplate_spans
from wiretrace.text.sentences import block_sentences, split_blocks

__all__ = ["truncated_sentences"]

_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
_HEAD_CLOSERS = ",;:)]}\u201d\u2019"
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_ENDERS = ".!?\u2026\u203c\u2047\u2048\u2049\u3002\uff01\uff1f\uff61:"
_TAIL_CLOSERS = "\"'\u201d\u2019\u00bb\u203a)]}\u300d\u300f\uff09\u3011*"
_EMOTICON = re.compile(r"[:;=]-?[()DPp]$")
_OPEN_ENDERS = ",;"
_BULLETS = "•·*‣◦▪–—-"
_FUNCTION_WORDS_LIST = """
    a an the of to in on at by for from with about into over after before between against under
    than as and or but nor that which who whom whose this these those its their his her our your
    my is are was were be been being has have had will would could should can may might must
    shall do does did not very said says
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_LIST.split())
_QUOTE_LEN = 60


def truncated_sentences(text: str, exclude: Sequence[Span] | None = None) -> list[Signal]:
    """``truncated_sentence`` signals for ``text``, in order.

    ``exclude`` holds spans (boilerplate lines) whose sentences are not checked; by default
    they are found with :func:`wiretrace.signals.boilerplate.boilerplate_spans`.
    """
    skip = boilerplate_spans(text) if exclude is None else sorted(exclude, key=lambda s: s.start)
    out: list[Signal] = []
    k = 0
    for block in split_blocks(text):
        sentences = block_sentences(text, block)
        for i, sentence in enumerate(sentences):
            while k < len(skip) and skip[k].end <= sentence.start:
                k += 1
            if k < len(skip) and skip[k].start < sentence.end:
                continue
            reasons = [_head_cut(text, sentence)]
            if i == len(sentences) - 1 and _tail_cut(text, sentence, alone=len(sentences) == 1):
                reasons.append("ends without final punctuation")
            reason = " and ".join(r for r in reasons if r)
            if reason:
                out.append(_signal(text, sentence, reason))
    return out


def _head_cut(text: str, sentence: Span) -> str | None:
    """Why ``sentence`` starts mid-clause, or None when its start looks whole."""
    piece = text[sentence.start : min(sentence.end, sentence.start + 200)]
    words = _WORD.findall(text, sentence.start, min(sentence.end, sentence.start + 200))
    if len(words) < 3:
        return None
    first = piece[0]
    if first.islower():
        word = words[0]
        if not piece.startswith(word):
            return None
        token = piece.split(None, 1)[0]
        if any(c.isupper() for c in word[1:]) or any(c in token for c in "./@:\\_"):
            return None  # iPhone, eBay, www.example.com, http://..., sys/kern/main.c
        if len(word) <= 3 and words[1][:1].isupper():
            return None  # de Gaulle, van Persie, al-Assad
        return "starts with a lower-case word"
    if first in _DASHES and len(piece) > 1 and piece[1].isalpha():
        return "starts with a hyphen glued to a word"
    if first in _HEAD_CLOSERS and not (first == "\u2019" and piece[1:2].isdigit()):
        return "starts with closing punctuation"
    if piece.startswith(("...", "\u2026")):
        rest = piece.lstrip(".\u2026 ")
        if rest[:1].islower():
            return "starts with an ellipsis mid-clause"
    return None


def _tail_cut(text: str, sentence: Span, *, alone: bool) -> bool:
    """Whether the last sentence of a block stops before its end (see the module docstring)."""
    piece = text[sentence.start : sentence.end]
    if _EMOTICON.search(piece):
        return False
    piece = piece.rstrip(_TAIL_CLOSERS + " ")
    if not piece or piece[-1] in _ENDERS or piece[0] in _BULLETS:
        return False
    words = _WORD.findall(piece)
    if len(words) < (6 if alone else 4) or _headline_case(words):
        return False
    last = words[-1]
    return (
        piece[-1] in _OPEN_ENDERS
        or last in _FUNCTION_WORDS
        or (last.endswith(("'s", "’s")) and not alone)
    )


def _headline_case(words: list[str]) -> bool:
    """Whether most words are capitalised, as in a headline or a title in capitals."""
    capitalised = sum(1 for w in words if w[:1].isupper())
    return capitalised >= 0.6 * len(words)


def _signal(text: str, sentence: Span, reason: str) -> Signal:
    snippet = " ".join(text[sentence.start : sentence.end].split())
    if len(snippet) > _QUOTE_LEN:
        snippet = snippet[: _QUOTE_LEN - 1].rstrip() + "…"
    return Signal("truncated_sentence", f"sentence {reason}: '{snippet}'", sentence)
