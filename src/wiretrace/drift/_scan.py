"""The tokens the value parsers read: numbers, words, symbols, with their places in the text.

Numbers and dates are read from a bounded window of the original text around an edit
(:data:`WINDOW`), never from the whole text, so the work of typing one edit does not grow
with the length of the text it sits in.

A digit is any Unicode decimal digit (``\\d`` in Python's ``re``): ASCII, Arabic-Indic
("٨٠"), extended Arabic-Indic ("۸۰"), full-width ("８０") and the rest. Group and decimal
separators include the Arabic ones (U+066C, U+066B) and the full-width comma and stop.
"""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction
from typing import NamedTuple

# Characters read on either side of an edit to find the whole number or date it touches.
WINDOW = 64

_GROUP = ",\u066c\uff0c"
_POINT = ".\u066b\uff0e"
_FRACTIONS = "\u00bc-\u00be\u2150-\u215e"
_LETTER = rf"[^\W\d_{_FRACTIONS}]"  # a letter: a word character, no digit nor fraction sign
_TOKEN = re.compile(
    rf"(?P<num>\d+(?:[{_GROUP}]\d{{3}})*(?:[{_POINT}]\d+)?)(?P<suffix>{_LETTER}+)?"
    rf"|(?P<sym>[$£€¥₹%~:＄％{_FRACTIONS}\u00b0])"
    rf"|(?P<word>{_LETTER}+(?:['\u2019]{_LETTER}+)?\.?)"
    r"|(?P<dash>[-\u2010-\u2015\u2212\uff0d])"
)


class Token(NamedTuple):
    """One token: ``kind`` is ``num``, ``word``, ``sym`` or ``dash``; ``text`` as written,
    ``lower`` case-folded without a trailing dot or a possessive "'s"; ``start``/``end`` in
    the scanned text. (A named tuple: a block of text makes a hundred of them, and a frozen
    dataclass costs six times as much to build.)"""

    kind: str
    text: str
    lower: str
    start: int
    end: int
    suffix: str = ""


def scan(text: str, start: int, end: int) -> list[Token]:
    """The tokens of ``text[start:end]``, with offsets into ``text``."""
    out: list[Token] = []
    append = out.append
    for m in _TOKEN.finditer(text, start, end):
        kind = m.lastgroup
        whole = m.group()
        a, b = m.span()
        if kind == "word":
            lower = whole.casefold()
            if lower[-1] == "." and len(lower) > 1:
                lower = lower[:-1]
            if lower[-2:] in _POSSESSIVE:
                lower = lower[:-2]  # a possessive: "Thursday's" is Thursday
            append(Token("word", whole, lower, a, b))
        elif kind == "num" or kind == "suffix":
            body, suffix = m.group("num", "suffix")
            append(Token("num", whole, body.casefold(), a, b, (suffix or "").casefold()))
        else:
            append(Token(kind or "word", whole, whole.casefold(), a, b))
    return out


_POSSESSIVE = ("'s", "\u2019s")


def gap(text: str, a: Token, b: Token) -> str:
    """The text between two tokens."""
    return text[a.end : b.start]


def joined(text: str, a: Token, b: Token) -> bool:
    """Whether ``b`` follows ``a`` with nothing but one run of spaces between them."""
    between = gap(text, a, b)
    return len(between) <= 3 and (not between or between.isspace())


def digits_value(token: str) -> Fraction:
    """The value of a digit run with separators, any script: "80,000", "٨٠٬٠٠٠", "1.5"."""
    if token.isascii():
        whole, _, frac = token.replace(",", "").partition(".")
        value = Fraction(int(whole or "0"))
        return value + Fraction(int(frac), 10 ** len(frac)) if frac else value
    whole, point, frac = "", "", ""
    for ch in token:
        if ch in _GROUP:
            continue
        if ch in _POINT:
            point = "."
            continue
        digit = str(unicodedata.decimal(ch))
        if point:
            frac += digit
        else:
            whole += digit
    value = Fraction(int(whole or "0"))
    if frac:
        value += Fraction(int(frac), 10 ** len(frac))
    return value


def fraction_value(ch: str) -> Fraction:
    """The value of a vulgar fraction character ("½")."""
    return Fraction(unicodedata.numeric(ch)).limit_denominator(100)


def is_fraction(ch: str) -> bool:
    return len(ch) == 1 and ("\u00bc" <= ch <= "\u00be" or "\u2150" <= ch <= "\u215e")
