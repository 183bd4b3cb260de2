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
from dataclasses import dataclass
from fractions import Fraction

# Characters read on either side of an edit to find the whole number or date it touches.
WINDOW = 64

_GROUP = ",\u066c\uff0c"
_POINT = ".\u066b\uff0e"
_FRACTIONS = "\u00bc-\u00be\u2150-\u215e"
_LETTER = rf"(?:(?![{_FRACTIONS}])[^\W\d_])"
_TOKEN = re.compile(
    rf"(?P<num>\d+(?:[{_GROUP}]\d{{3}})*(?:[{_POINT}]\d+)?)(?P<suffix>{_LETTER}+)?"
    rf"|(?P<sym>[$£€¥₹%~:＄％{_FRACTIONS}\u00b0])"
    rf"|(?P<word>{_LETTER}+(?:['\u2019]{_LETTER}+)?\.?)"
    r"|(?P<dash>[-\u2010-\u2015\u2212\uff0d])"
)


@dataclass(frozen=True, slots=True)
class Token:
    """One token: ``kind`` is ``num``, ``word``, ``sym`` or ``dash``; ``text`` as written,
    ``lower`` case-folded without a trailing dot; ``start``/``end`` in the scanned text."""

    kind: str
    text: str
    lower: str
    start: int
    end: int
    suffix: str = ""


def scan(text: str, start: int, end: int) -> list[Token]:
    """The tokens of ``text[start:end]``, with offsets into ``text``."""
    out: list[Token] = []
    for m in _TOKEN.finditer(text, start, end):
        kind = m.lastgroup or "word"
        if kind == "suffix":
            kind = "num"
        body = m.group("num") if kind == "num" else m.group(0)
        suffix = (m.group("suffix") or "") if kind == "num" else ""
        lower = body.casefold()
        if kind == "word" and lower.endswith(".") and len(lower) > 1:
            lower = lower[:-1]
        out.append(Token(kind, m.group(0), lower, m.start(), m.end(), suffix.casefold()))
    return out


def gap(text: str, a: Token, b: Token) -> str:
    """The text between two tokens."""
    return text[a.end : b.start]


def joined(text: str, a: Token, b: Token) -> bool:
    """Whether ``b`` follows ``a`` with nothing but one run of spaces between them."""
    between = gap(text, a, b)
    return len(between) <= 3 and (not between or between.isspace())


def digits_value(token: str) -> Fraction:
    """The value of a digit run with separators, any script: "80,000", "٨٠٬٠٠٠", "1.5"."""
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
