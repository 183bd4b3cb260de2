"""Numbers by value: "80,000", "80000", "80k", "eighty thousand" and "80 thousand" are one.

:func:`find_quantities` reads every quantity in a stretch of text, :func:`parse_quantity`
the first one in a short text, and :func:`same_amount` says whether two quantities state the
same amount. A :class:`Quantity` holds:

- ``value`` (and ``high`` for a range, "10-12", "between 10 and 12"), as exact fractions, with
  the scale applied ("$11bn" is 11,000,000,000; "3.5 million", "80k", "eighty-five thousand",
  "two and a half million", "a dozen");
- ``unit``: a currency, a percentage or a measure when one is written ("$", "dollars", "%",
  "per cent", "km", "miles"), in one canonical spelling, else None; and its ``dimension``
  ("money:dollar", "ratio", "length", ...);
- ``qualifier``: ``exact``, ``approximate`` ("about", "around", "nearly", "some", "an
  estimated"), ``above`` ("more than", "over", "at least") or ``below`` ("less than", "up to");
- ``ordinal`` for "third", "3rd".

Digits of any script count ("٨٠٬٠٠٠", "８０"). A unit the table does not know is not part of
a quantity; two units that cannot be converted into each other (dollars and euros, kilograms
and miles) make different amounts, never an error. Every public function is total: any text
gives a list (maybe empty) or None.

Why rules and not a library: ``research/drift_libraries.md`` measures quantulum3 and
number-parser against these rules on a labelled set of pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from wiretrace.drift._scan import (
    WINDOW,
    Token,
    digits_value,
    fraction_value,
    is_fraction,
    joined,
    scan,
)
from wiretrace.model import Span

__all__ = [
    "VALUE_WORDS",
    "Qualifier",
    "Quantity",
    "find_quantities",
    "parse_quantity",
    "quantities_near",
    "same_amount",
    "touches",
]

Qualifier = Literal["exact", "approximate", "above", "below"]

_SMALL = {
    w: i
    for i, w in enumerate(
        """zero one two three four five six seven eight nine ten eleven twelve thirteen
        fourteen fifteen sixteen seventeen eighteen nineteen""".split()  # noqa: SIM905
    )
}
_TENS = {
    w: 10 * i
    for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)  # noqa: SIM905
}
_ORDINALS = {
    w: i
    for i, w in enumerate(
        """first second third fourth fifth sixth seventh eighth ninth tenth eleventh
        twelfth""".split(),  # noqa: SIM905
        1,
    )
}
_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
    "lakh": 10**5,
    "crore": 10**7,
}
# Every word a number in words can hold (a text without any of these, and without a digit
# or a fraction sign, holds no quantity).
VALUE_WORDS = (
    frozenset(_SMALL)
    | frozenset(_TENS)
    | frozenset(_ORDINALS)
    | frozenset(_SCALES)
    | {
        "dozen",
        "half",
    }
)
# Scales written glued to digits or abbreviated: "80k", "£3.5m", "$11bn", "2tn".
_SHORT_SCALES = {
    "k": 1_000, "m": 10**6, "mn": 10**6, "mln": 10**6, "b": 10**9, "bn": 10**9,
    "tn": 10**12, "tr": 10**12, "thousand": 1_000, "million": 10**6, "billion": 10**9,
}  # fmt: skip
# Qualifiers, longest first: (words, qualifier).
_QUALIFIER_PHRASES: dict[Qualifier, str] = {
    "approximate": "about|around|approximately|roughly|nearly|almost|some|an estimated|"
    "estimated|close to|circa|~|just about|more or less|as many as",
    "above": "more than|over|at least|upwards of|in excess of|above|exceeding|just over|"
    "no fewer than|no less than",
    "below": "less than|fewer than|under|up to|at most|below|just under|not more than",
}
_QUALIFIERS: list[tuple[tuple[str, ...], Qualifier]] = sorted(
    (
        (tuple(phrase.split()), q)
        for q, phrases in _QUALIFIER_PHRASES.items()
        for phrase in phrases.split("|")
    ),
    key=lambda item: -len(item[0]),
)
# The qualifiers by their first word, longest first, so a token that starts none is passed
# over at once.
_QUALIFIERS_BY_FIRST: dict[str, list[tuple[tuple[str, ...], Qualifier]]] = {}
for _words, _q in _QUALIFIERS:
    _QUALIFIERS_BY_FIRST.setdefault(_words[0], []).append((_words, _q))
del _words, _q
# Currency signs and words -> canonical unit.
_CURRENCY_SIGNS = {"$": "dollar", "＄": "dollar", "£": "pound", "€": "euro", "¥": "yen",
                   "₹": "rupee"}  # fmt: skip
_CURRENCY_CODES = {"usd": "dollar", "us$": "dollar", "gbp": "pound", "eur": "euro",
                   "jpy": "yen", "inr": "rupee", "cny": "yuan", "rmb": "yuan"}  # fmt: skip
# The words a quantity can start with: a qualifier's first word, a currency before the
# number ("US$", "USD"), or a number in words ("a dozen", "eighty"). Digits and signs are
# tokens of other kinds.
_STARTS = (
    frozenset(_QUALIFIERS_BY_FIRST)
    | frozenset(_CURRENCY_CODES)
    | VALUE_WORDS
    | {"us", "u", "a", "an"}
)
# Unit words -> (canonical unit, dimension, factor to the dimension's base unit or None).
_UNITS: dict[str, tuple[str, str, float | None]] = {}


def _units(dimension: str, unit: str, factor: float | None, words: str) -> None:
    for w in words.split():
        _UNITS[w] = (unit, dimension, factor)


_units("ratio", "percent", 1.0, "% ％ percent pc")
_units("points", "point", 1.0, "points")
for _name, _forms in (
    ("dollar", "dollar dollars usd"), ("pound", "pound pounds sterling gbp"),
    ("euro", "euro euros eur"), ("yen", "yen jpy"), ("yuan", "yuan renminbi cny rmb"),
    ("rupee", "rupee rupees inr"), ("rouble", "rouble roubles ruble rubles"),
):  # fmt: skip
    _units("money:" + _name, _name, 1.0, _forms)
_units("length", "km", 1000.0, "km kilometre kilometres kilometer kilometers")
_units("length", "mile", 1609.344, "mile miles mi")
_units("length", "metre", 1.0, "metre metres meter meters")
_units("length", "foot", 0.3048, "foot feet ft")
_units("length", "inch", 0.0254, "inch inches")
_units("mass", "kg", 1.0, "kg kilogram kilograms kilo kilos")
_units("mass", "tonne", 1000.0, "tonne tonnes")
_units("mass", "ton", 907.185, "ton tons")
_units("mass", "lb", 0.4536, "lb lbs")
_units("speed", "km/h", 1.0, "kph")
_units("speed", "mph", 1.609344, "mph")
_units("area", "hectare", 10_000.0, "hectare hectares ha")
_units("area", "acre", 4046.86, "acre acres")
_units("temperature", "celsius", None, "°c celsius")
_units("temperature", "fahrenheit", None, "°f fahrenheit")
# Canonical unit -> (dimension, factor).
_DIMENSIONS = {unit: (dimension, factor) for unit, dimension, factor in _UNITS.values()}
# Converted figures in news are rounded ("10 km (6 miles)"): within this share they agree.
CONVERSION_TOLERANCE = 0.05


@dataclass(frozen=True, slots=True)
class Quantity:
    """One quantity as a text states it (module docstring); ``span`` is where it is written."""

    value: Fraction
    span: Span
    high: Fraction | None = None
    unit: str | None = None
    dimension: str | None = None
    qualifier: Qualifier = "exact"
    ordinal: bool = False

    @property
    def approximate(self) -> bool:
        """Whether the text gives the amount as approximate or as a bound, not exactly."""
        return self.qualifier != "exact"


def _factor(unit: str | None) -> tuple[str | None, float | None]:
    """The dimension of a canonical unit and its factor to the dimension's base unit."""
    if unit is None or unit not in _DIMENSIONS:
        return None, None
    return _DIMENSIONS[unit]


def same_amount(a: Quantity, b: Quantity) -> bool:
    """Whether two quantities state the same amount.

    The values (and range ends) must be equal; a unit written on one side only does not
    matter ("$11bn" and "11 billion"); two units of one dimension are converted and agree
    within :data:`CONVERSION_TOLERANCE`; units that cannot be converted (dollars and euros,
    degrees of two scales, kilograms and miles) differ. "About 80,000" and "80,000" are the
    same amount given less exactly; "more than 80,000" and "80,000" are not.
    """
    if a.ordinal != b.ordinal:
        return False
    if {a.qualifier, b.qualifier} - {"exact", "approximate"} and a.qualifier != b.qualifier:
        return False
    if (a.high is None) != (b.high is None):
        return False
    if a.unit is None or b.unit is None or a.unit == b.unit:
        return a.value == b.value and a.high == b.high
    da, fa = _factor(a.unit)
    db, fb = _factor(b.unit)
    if da is None or da != db or fa is None or fb is None:
        return False
    pairs = [(a.value, b.value)] + ([(a.high, b.high)] if a.high is not None else [])
    for x, y in pairs:
        if x is None or y is None:
            return False
        u, v = float(x) * fa, float(y) * fb
        if abs(u - v) > CONVERSION_TOLERANCE * max(abs(u), abs(v)):
            return False
    return True


def find_quantities(
    text: str, start: int = 0, end: int | None = None, *, tokens: list[Token] | None = None
) -> list[Quantity]:
    """Every quantity written in ``text[start:end]``, in text order; ``tokens`` are that
    stretch's tokens when already scanned (:func:`wiretrace.drift._scan.scan`)."""
    if tokens is None:
        stop = len(text) if end is None else min(end, len(text))
        tokens = scan(text, max(0, start), stop)
    return _Reader(text, tokens).read_all()


def parse_quantity(text: str) -> Quantity | None:
    """The first quantity in ``text``, or None."""
    found = find_quantities(text)
    return found[0] if found else None


def quantities_near(text: str, span: Span) -> list[Quantity]:
    """The quantities that overlap ``span``, read whole from a window around it (an edit
    "80" -> "100" inside "80,000" -> "100,000" is about the whole numbers). An empty span
    touches none."""
    found = find_quantities(text, span.start - WINDOW, span.end + WINDOW)
    return [q for q in found if touches(text, q.span, span)]


def touches(text: str, value: Span, span: Span) -> bool:
    """Whether a value written at ``value`` belongs to an edit at ``span``: they overlap, or,
    for an empty span (an insertion point), the value stands next to it with only spaces
    between ("killed| 80,000" -> "killed more than 80,000")."""
    if span.start < span.end:
        return value.start < span.end and span.start < value.end
    p = span.start
    if value.end <= p:
        return not text[value.end : p].strip()
    return value.start >= p and not text[p : value.start].strip()


class _Reader:
    """A left-to-right reader of quantities over tokens (one pass, each token read a bounded
    number of times)."""

    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens

    def read_all(self) -> list[Quantity]:
        out: list[Quantity] = []
        i = 0
        toks = self.tokens
        while i < len(toks):
            if toks[i].kind == "word" and toks[i].lower not in _STARTS:
                i += 1  # no quantity starts with this word (the common case)
                continue
            found = self._quantity(i)
            if found is None:
                i += 1
                continue
            quantity, i = found
            out.append(quantity)
        return out

    def _next(self, i: int) -> Token | None:
        """Token ``i`` when it follows token ``i - 1`` with at most spaces between."""
        toks = self.tokens
        if 0 < i < len(toks) and joined(self.text, toks[i - 1], toks[i]):
            return toks[i]
        return None

    def _qualifier(self, i: int) -> tuple[Qualifier, int]:
        """The qualifier starting at token ``i`` and the index after it."""
        toks = self.tokens
        if i >= len(toks):
            return "exact", i
        for words, q in _QUALIFIERS_BY_FIRST.get(toks[i].lower, ()):
            j = i
            for w in words:
                if j >= len(toks) or toks[j].lower != w or (j > i and not self._next(j)):
                    break
                j += 1
            else:
                if j < len(toks) and self._next(j):
                    return q, j
        return "exact", i

    def _quantity(self, i: int) -> tuple[Quantity, int] | None:
        toks = self.tokens
        qualifier, j = self._qualifier(i)
        first = toks[i]
        unit: str | None = None
        # Currency before the number: "$", "US$", "USD", "£".
        if j < len(toks) and toks[j].lower in ("us", "u") and self._sign_after(j):
            j += 1
        if j < len(toks) and toks[j].kind == "sym" and toks[j].text in _CURRENCY_SIGNS:
            unit = _CURRENCY_SIGNS[toks[j].text]
            j += 1
        elif j < len(toks) and toks[j].lower in _CURRENCY_CODES and self._next(j + 1):
            unit = _CURRENCY_CODES[toks[j].lower]
            j += 1
        number = self._number(j, after_sign=unit is not None)
        if number is None:
            return None
        value, ordinal, j, glued_unit, scale = number
        unit = unit or glued_unit
        high: Fraction | None = None
        # A range: "10-12", "10 - 12 million", "between 10 and 12".
        dash = self.tokens[j] if j < len(toks) else None
        between = i > 0 and toks[i - 1].lower == "between"
        if (
            dash is not None
            and not ordinal
            and (
                (dash.kind == "dash" and self.text[toks[j - 1].end : dash.start].strip() == "")
                or (between and dash.lower == "and")
            )
        ):
            k = j + 1
            if k < len(toks) and toks[k].kind == "sym" and toks[k].text in _CURRENCY_SIGNS:
                k += 1
            other = self._number(k, after_sign=True) if self._near(j, k) else None
            if other is not None and not other[1]:
                high, j = other[0], other[2]
                unit = unit or other[3]
                # "10-12 million", "between 10 and 12 million": the scale is written once.
                if other[4] > 1 and scale == 1:
                    value *= other[4]
        # A scale after the number applies to both ends: "10-12 million".
        if j < len(toks) and toks[j].lower in _SCALES and self._next(j) and not ordinal:
            factor = _SCALES[toks[j].lower]
            value *= factor
            high = high * factor if high is not None else None
            j += 1
        # A unit after the number.
        if not ordinal:
            unit, j = self._unit_after(j, unit)
        dimension = _factor(unit)[0]
        span = Span(first.start, toks[j - 1].end)
        return Quantity(value, span, high, unit, dimension, qualifier, ordinal), j

    def _near(self, i: int, k: int) -> bool:
        toks = self.tokens
        return 0 < k < len(toks) and self.text[toks[i].end : toks[k].start].strip() == ""

    def _sign_after(self, j: int) -> bool:
        toks = self.tokens
        return (
            j + 1 < len(toks)
            and toks[j + 1].text in _CURRENCY_SIGNS
            and toks[j + 1].start == toks[j].end
        )

    def _unit_after(self, j: int, unit: str | None) -> tuple[str | None, int]:
        toks = self.tokens
        if j >= len(toks) or not (self._next(j) or (j > 0 and toks[j].start == toks[j - 1].end)):
            return unit, j
        tok = toks[j]
        # "per cent", "percentage points".
        if tok.lower == "per" and j + 1 < len(toks) and toks[j + 1].lower == "cent":
            return "percent", j + 2
        if tok.lower == "percentage" and j + 1 < len(toks) and toks[j + 1].lower == "points":
            return "point", j + 2
        if tok.text == "\u00b0" and j + 1 < len(toks) and toks[j + 1].lower in ("c", "f"):
            return _UNITS["°" + toks[j + 1].lower][0], j + 2
        if tok.lower in _UNITS:
            found = _UNITS[tok.lower][0]
            if unit is None or found == unit:
                return found, j + 1
        return unit, j

    def _number(
        self, j: int, *, after_sign: bool
    ) -> tuple[Fraction, bool, int, str | None, int] | None:
        """``(value, ordinal, next index, unit glued to the digits, scale applied)`` of a
        number at ``j``."""
        toks = self.tokens
        if j >= len(toks):
            return None
        tok = toks[j]
        glued = j > 0 and toks[j - 1].end == tok.start and toks[j - 1].kind in ("word", "num")
        if tok.kind == "num" and glued:
            return None  # "G7", "4x4": part of a name or a code
        if tok.kind == "num":
            value = digits_value(tok.lower)
            suffix = tok.suffix
            unit: str | None = None
            ordinal = False
            scale = 1
            if suffix in ("st", "nd", "rd", "th"):
                ordinal = True
            elif suffix in _SHORT_SCALES:
                scale = _SHORT_SCALES[suffix]
            elif suffix in _UNITS:
                unit = _UNITS[suffix][0]
            elif suffix:
                return None  # "3D", "G7", "4x4": not a quantity
            k = j + 1
            # "2½"
            if k < len(toks) and is_fraction(toks[k].text) and toks[k].start == tok.end:
                value += fraction_value(toks[k].text)
                k += 1
            # "80 thousand", "3.5 million", "11bn" written apart: "11 bn".
            if (
                not ordinal
                and not suffix
                and k < len(toks)
                and toks[k].lower in _SHORT_SCALES
                and len(toks[k].lower) > 1
                and self._next(k)
            ):
                scale = _SHORT_SCALES[toks[k].lower]
                k += 1
            return value * scale, ordinal, k, unit, scale
        if tok.kind == "sym" and is_fraction(tok.text):
            return fraction_value(tok.text), False, j + 1, None, 1
        if tok.kind == "word":
            return self._words(j)
        return None

    def _words(self, j: int) -> tuple[Fraction, bool, int, str | None, int] | None:
        """A number in words: "eighty-five thousand", "two and a half million", "a dozen",
        "half a million"; or an ordinal word ("third")."""
        toks = self.tokens
        total = Fraction(0)
        current = Fraction(0)
        seen = False
        k = j
        while k < len(toks):
            w = toks[k].lower
            if k > j and not self._next(k):
                break
            after = toks[k + 1].lower if k + 1 < len(toks) and self._next(k + 1) else ""
            if toks[k].kind == "dash":
                # "eighty-five": a hyphen glued between a tens word and a unit word.
                glued = (
                    0 < k < len(toks) - 1
                    and toks[k].start == toks[k - 1].end
                    and toks[k].end == toks[k + 1].start
                )
                if k > j and glued and toks[k - 1].lower in _TENS and after in _SMALL:
                    k += 1
                    continue
                break
            if w in _SMALL:
                current += _SMALL[w]
            elif w in _TENS:
                current += _TENS[w]
            elif w == "hundred":
                current = (current or Fraction(1)) * 100
            elif w in _SCALES:
                total += (current or Fraction(1)) * _SCALES[w]
                current = Fraction(0)
            elif w == "dozen":
                current = (current or Fraction(1)) * 12
            elif w == "half" and (seen or after in ("a", "an")):
                current += Fraction(1, 2)
            elif w in ("a", "an") and (after in _SCALES or after in ("dozen", "half")):
                # "a million", "a dozen"; in "two and a half", "half a million" the "a" adds
                # nothing of its own.
                if not seen and after != "half":
                    current = Fraction(1)
            elif w == "and" and seen and (after in _SMALL or after in _TENS or after == "a"):
                pass
            elif not seen and w in _ORDINALS:
                return Fraction(_ORDINALS[w]), True, k + 1, None, 1
            else:
                break
            seen = seen or w not in ("a", "an", "and")
            k += 1
        if not seen:
            return None
        # A trailing "and" or "a" is not part of the number.
        while k > j and toks[k - 1].lower in ("and", "a", "an"):
            k -= 1
        scale = next((v for v in (10**12, 10**9, 10**6, 1000) if total and total % v == 0), 1)
        return total + current, False, k, None, scale if not current else 1
