"""Fact changes in one sentence, as a careless or dishonest rewriter makes them: pure functions
over text, with every random choice drawn from the ``random.Random`` they are given.

The drift generator (:mod:`research.composites.drifting`) injects these into spun composites.
Each ``*_options`` function lists the :class:`FactEdit` a sentence offers of one type, in
sentence offsets, none of them inside quotation marks but the quote changes (a number changed
inside a quote would be both a number and a quote change):

- **number** (:func:`number_options`): a count, amount or percentage ("80,000", "$1.13bn",
  "76%", "three") gets another value, written most of the time in the source's form and
  otherwise in another ("80,000" -> "100,000" or "95 thousand"). Values move by a factor
  (0.5-3) or, below 20, by a few units. Four-digit numbers 1950-2029 are years (dates); other
  bare four-digit numbers below 2100 could be years and are left alone, as are numbers in a
  name ("Radio 2", "Hot 100").
- **date** (:func:`date_options`): a weekday becomes another ("Thursday" -> "Friday"), a day of
  a month moves a few days or a month ("24 April" -> "25 April"), a year moves 1-3 years, a
  month after "in", "since", ... moves a month or two.
- **entity** (:func:`entity_options`): a person, country or organisation is replaced by a
  different one of the same kind, from :class:`NamePools` harvested from the BBC articles
  (:func:`harvest_names`): "Mr Blair" -> "Mr Howard", "France" -> "Germany" (a name written
  after "the" by one also written so), "SEC" -> "IMF". Speakers are left to attribution.
- **attribution** (:func:`attribution_options`): a person or organisation next to a reporting
  verb ("said Mr Smith", "Robert Sinche, head of strategy, said", "the SEC said") is replaced
  by another of the same shape.
- **quote** (:func:`quote_options`): inside quotation marks around at least
  :data:`QUOTE_WORDS` words, a word (not part of a compound) becomes its opposite
  ("good" -> "bad", :data:`OPPOSITES`), an intensifier is added before an adjective ("good" ->
  "very good") or dropped ("very good" -> "good").
- **negation** (:func:`negation_options`): "did not" -> "did", "wasn't" -> "was", "cannot" ->
  "can"; "is" -> "is not", "will" -> "will not", "has been" -> "has not been", "can" ->
  "cannot".

Restatements (:func:`restatements`) write the *same* number or date in other words
("80,000" -> "80 thousand" or "80k", "12" -> "twelve", "5%" -> "5 per cent", "$11bn" -> "11
billion dollars", "24 April" -> "April 24"); they carry ``changed=False``.

Every edit keeps at least one word in the copy (``new`` is never empty), so its copy span is
never empty: a removed "not" is recorded as "did not" -> "did", a dropped intensifier as "very
good" -> "good".
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from research.composites.spinner import renameable_mentions
from wiretrace.eval.spun_truth import Article, FactType
from wiretrace.text.aliases import AliasTable
from wiretrace.text.tokens import words_of

__all__ = [
    "OPPOSITES",
    "FactEdit",
    "NamePools",
    "attribution_options",
    "date_options",
    "entity_options",
    "harvest_names",
    "negation_options",
    "number_options",
    "quote_options",
    "quote_spans",
    "render_quantity",
    "restatements",
]


@dataclass(frozen=True, slots=True)
class FactEdit:
    """Replace ``start:end`` of a sentence by ``new``: a fact change of ``type``, or with
    ``changed`` False the same fact in other words."""

    start: int
    end: int
    new: str
    type: FactType
    changed: bool = True


# --------------------------------------------------------------------------------------------
# Quotation marks
# --------------------------------------------------------------------------------------------

_QUOTE = re.compile(r"\"([^\"\n]*)\"|\u201c([^\u201c\u201d\n]*)\u201d")


def quote_spans(sentence: str) -> list[tuple[int, int]]:
    """The insides of the balanced quotations of ``sentence`` (straight or curly marks)."""
    return [(m.start() + 1, m.end() - 1) for m in _QUOTE.finditer(sentence)]


def _in_quotes(quotes: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < q_end + 1 and q_start - 1 < end for q_start, q_end in quotes)


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------

_CURRENCY_WORDS = {"$": "dollars", "£": "pounds", "€": "euros"}
_SCALES = (
    (Decimal(10**9), "billion", "bn"),
    (Decimal(10**6), "million", "m"),
    (Decimal(10**3), "thousand", "k"),
)
_SCALE_OF: dict[str, Decimal] = {name: size for size, name, _ in _SCALES} | {
    short: size for size, _, short in _SCALES
}
# fmt: off
_UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
# fmt: on
_WORD_VALUES = {w: i for i, w in enumerate(_UNITS) if i >= 2} | {
    w: 10 * i for i, w in enumerate(_TENS) if i >= 2
}

_NUMBER = re.compile(
    r"(?<![\w$£€.,/:'-])(?P<cur>[$£€])?(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:(?P<suf>bn|m|k|%)|(?P<scale> (?:thousand|million|billion))|(?P<pc> per ?cent))?"
    r"(?![\w%/:'-])(?![.,]\d)"
)
_NUMBER_WORD = re.compile(
    r"(?<![\w-])(?P<word>" + "|".join(sorted(_WORD_VALUES, key=len, reverse=True)) + r")"
    r"(?P<scale> (?:thousand|million|billion))?(?![\w-])"
)
# A bare four-digit number that could be a year ("founded in 1875") is left alone: only
# 1950-2029 are changed, as years (dates).
_YEAR_LIKE = re.compile(r"^(?:1\d{3}|20\d\d)$")
# A number after a capitalised word inside a sentence is part of a name: "Radio 2", "Hot 100".
_NAMED = re.compile(r"(?<=[\w,;:] )[A-Z][A-Za-z]* $")
STYLES = ("digits", "bare", "scaled", "short", "words")


@dataclass(frozen=True, slots=True)
class _Quantity:
    start: int
    end: int
    shown: Decimal  # the number as written: 1.13 of "$1.13bn"
    size: Decimal  # its scale: 10**9 of "$1.13bn"
    unit: str  # "", "%", or a currency sign
    style: str  # one of STYLES
    unit_word: bool  # "per cent" rather than "%"

    @property
    def value(self) -> Decimal:
        return self.shown * self.size


def _spell(n: Decimal) -> str | None:
    """English words for a whole number 1-99 (``None`` otherwise)."""
    if n != n.to_integral_value() or not 1 <= n <= 99:
        return None
    i = int(n)
    if i < 20:
        return _UNITS[i]
    tens, units = divmod(i, 10)
    return _TENS[tens] + (f"-{_UNITS[units]}" if units else "")


def _plain(v: Decimal) -> str:
    if v == v.to_integral_value():
        return f"{int(v):,}"
    return format(v.normalize(), "f")


def render_quantity(value: Decimal, unit: str, style: str, unit_word: bool) -> str | None:
    """``value`` written in ``style`` (:data:`STYLES`) with its unit, or ``None`` when the style
    cannot write it: "digits" 80,000; "bare" 80000; "scaled" 80 thousand; "short" 80k, $5m;
    "words" eighty thousand. ``unit_word`` writes "per cent" or "dollars" for "%" or "$"."""
    number: str | None
    if style == "digits":
        number = _plain(value)
    elif style == "bare":
        whole = value == value.to_integral_value() and 10000 <= value < 10**6
        number = str(int(value)) if whole else None
    else:
        size, name, short = next(
            ((s, n, sh) for s, n, sh in _SCALES if value >= s), (Decimal(1), "", "")
        )
        n = value / size
        if n != n.quantize(Decimal("0.01")) or (not name and style != "words"):
            return None
        if style == "scaled":
            number = f"{_plain(n)} {name}"
        elif style == "short":
            if unit == "%" or unit_word or (not unit and short != "k"):
                return None  # "5m" alone reads as metres
            number = f"{_plain(n)}{short}"
        else:
            words = _spell(n)
            number = f"{words} {name}".strip() if words else None
    if number is None:
        return None
    if not unit:
        return number
    if unit == "%":
        return number + (" per cent" if unit_word or style == "words" else "%")
    if unit_word or style == "words":
        return f"{number} {_CURRENCY_WORDS[unit]}"
    return f"{unit}{number}"


def _quantities(sentence: str) -> list[_Quantity]:
    """The counts, amounts and percentages of ``sentence`` (years and dates excluded)."""
    out: list[_Quantity] = []
    for m in _NUMBER.finditer(sentence):
        cur, num, suf, scale, pc = m.group("cur", "num", "suf", "scale", "pc")
        if suf in ("bn", "m", "k") and not cur and suf != "k":
            continue  # "100m" is a distance
        if not (cur or suf or scale or pc) and _YEAR_LIKE.match(num):
            continue
        named = _NAMED.search(sentence, 0, m.start())
        if named and named.group().strip() not in _DATE_WORDS:
            continue
        shown = Decimal(num.replace(",", ""))
        if shown <= 0:
            continue
        unit = "%" if suf == "%" or pc else (cur or "")
        if scale:
            size, style = _SCALE_OF[scale.strip()], "scaled"
        elif suf and suf != "%":
            size, style = _SCALE_OF[suf], "short"
        else:
            size = Decimal(1)
            style = "bare" if shown >= 10000 and "," not in num else "digits"
        out.append(_Quantity(m.start(), m.end(), shown, size, unit, style, bool(pc)))
    for m in _NUMBER_WORD.finditer(sentence):
        scale = (m.group("scale") or "").strip()
        shown = Decimal(_WORD_VALUES[m.group("word")])
        size = _SCALE_OF.get(scale, Decimal(1))
        out.append(_Quantity(m.start(), m.end(), shown, size, "", "words", False))
    return sorted(out, key=lambda q: q.start)


def _other_value(value: Decimal, rng: random.Random) -> Decimal:
    """A different number of the same precision as ``value`` (as written: 1.13 of "$1.13bn"):
    a few units off below 20, else scaled by a factor."""
    if value == value.to_integral_value() and value < 20:
        options = [value + d for d in (-3, -2, -1, 1, 2, 3, 5) if value + d >= 2]
        return rng.choice(options)
    exponent = value.normalize().as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    step = Decimal(1).scaleb(-decimals)
    for _ in range(10):
        factor = Decimal(rng.choice(["0.5", "0.6", "0.75", "1.25", "1.5", "2", "3"]))
        new = (value * factor).quantize(step, rounding=ROUND_HALF_UP)
        if new != value and new > 0:
            return new
    return value + step


def _outside(
    sentence: str, candidates: Iterable[tuple[int, int]], dates: Sequence[tuple[int, int]]
) -> Iterable[tuple[int, int]]:
    quotes = quote_spans(sentence)
    for start, end in candidates:
        if _in_quotes(quotes, start, end):
            continue
        if any(start < d_end and d_start < end for d_start, d_end in dates):
            continue
        yield start, end


def number_options(sentence: str, rng: random.Random) -> list[FactEdit]:
    """One changed value for every number of ``sentence`` outside quotes and dates."""
    dates = [(e.start, e.end) for e in _date_slots(sentence)]
    out: list[FactEdit] = []
    by_span = {(q.start, q.end): q for q in _quantities(sentence)}
    for span in _outside(sentence, by_span, dates):
        q = by_span[span]
        value = _other_value(q.shown, rng) * q.size
        styles = [q.style] if rng.random() < 0.7 else list(STYLES)
        rng.shuffle(styles)
        for style in styles:
            new = render_quantity(value, q.unit, style, q.unit_word)
            if new is not None:
                out.append(FactEdit(q.start, q.end, new, "number"))
                break
    return out


def _restate_number(sentence: str, rng: random.Random) -> list[FactEdit]:
    dates = [(e.start, e.end) for e in _date_slots(sentence)]
    out: list[FactEdit] = []
    by_span = {(q.start, q.end): q for q in _quantities(sentence)}
    for span in _outside(sentence, by_span, dates):
        q = by_span[span]
        old = sentence[q.start : q.end]
        forms = {
            form
            for style in STYLES
            for unit_word in (False, True)
            if (form := render_quantity(q.value, q.unit, style, unit_word))
            and form != old
            and form != old.replace("percent", "per cent")
        }
        if forms:
            out.append(FactEdit(q.start, q.end, rng.choice(sorted(forms)), "number", False))
    return out


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_MONTH = "|".join(MONTHS)
_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b")
_DAY_MONTH = re.compile(r"\b(?P<d>[1-9]|[12]\d|3[01])(?P<o>st|nd|rd|th)? (?P<m>" + _MONTH + r")\b")
_MONTH_DAY = re.compile(
    r"\b(?P<m>" + _MONTH + r") (?P<d>[1-9]|[12]\d|3[01])(?P<o>st|nd|rd|th)?\b(?![,.]?\d)"
)
_YEAR_IN_TEXT = re.compile(r"(?<![\w$£€.,/:'-])(19[5-9]\d|20[0-2]\d)(?![\w%/:'-])(?![.,]\d)")
_LONE_MONTH = re.compile(
    r"\b(?:in|since|until|by|from|last|next|early|late|during|of) (?P<m>" + _MONTH + r")\b"
    r"(?! \d)"
)
_DATE_WORDS = frozenset((*WEEKDAYS, *MONTHS))
_ORDINAL = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}


@dataclass(frozen=True, slots=True)
class _DateSlot:
    start: int
    end: int
    kind: str  # weekday, day_month, month_day, year, month
    day: int = 0
    month: int = 0
    ordinal: bool = False


def _date_slots(sentence: str) -> list[_DateSlot]:
    out: list[_DateSlot] = []
    for m in _WEEKDAY.finditer(sentence):
        out.append(_DateSlot(m.start(), m.end(), "weekday"))
    for kind, pattern in (("day_month", _DAY_MONTH), ("month_day", _MONTH_DAY)):
        for m in pattern.finditer(sentence):
            month = MONTHS.index(m.group("m")) + 1
            day = int(m.group("d"))
            out.append(_DateSlot(m.start(), m.end(), kind, day, month, bool(m.group("o"))))
    for m in _YEAR_IN_TEXT.finditer(sentence):
        out.append(_DateSlot(m.start(), m.end(), "year"))
    for m in _LONE_MONTH.finditer(sentence):
        out.append(_DateSlot(m.start("m"), m.end("m"), "month"))
    return sorted(out, key=lambda s: (s.start, s.end))


def _day_text(day: int, month: int, kind: str, ordinal: bool) -> str:
    d = f"{day}{_ORDINAL.get(day, 'th')}" if ordinal else str(day)
    name = MONTHS[month - 1]
    return f"{d} {name}" if kind == "day_month" else f"{name} {d}"


def date_options(sentence: str, rng: random.Random) -> list[FactEdit]:
    """One changed date for every date slot of ``sentence`` outside quotes."""
    quotes = quote_spans(sentence)
    out: list[FactEdit] = []
    for slot in _date_slots(sentence):
        if _in_quotes(quotes, slot.start, slot.end):
            continue
        old = sentence[slot.start : slot.end]
        if slot.kind == "weekday":
            new = rng.choice([w for w in WEEKDAYS if w != old])
        elif slot.kind == "year":
            new = str(int(old) + rng.choice((-3, -2, -1, 1, 2, 3)))
        elif slot.kind == "month":
            shift = rng.choice((-2, -1, 1, 2))
            new = MONTHS[(MONTHS.index(old) + shift) % 12]
        else:
            day, month = slot.day, slot.month
            if rng.random() < 0.7:
                day = min(28, max(1, day + rng.choice((-3, -2, -1, 1, 2, 3)))) if day <= 28 else 27
            else:
                month = (month + rng.choice((-1, 1)) - 1) % 12 + 1
            if (day, month) == (slot.day, slot.month):
                day = day + 1 if day < 28 else day - 1
            new = _day_text(day, month, slot.kind, slot.ordinal)
        out.append(FactEdit(slot.start, slot.end, new, "date"))
    return out


def _restate_date(sentence: str, rng: random.Random) -> list[FactEdit]:
    """The same day and month in the other order, or with the ordinal added or dropped."""
    quotes = quote_spans(sentence)
    out: list[FactEdit] = []
    for slot in _date_slots(sentence):
        if slot.kind not in ("day_month", "month_day"):
            continue
        if _in_quotes(quotes, slot.start, slot.end):
            continue
        if rng.random() < 0.6:
            kind = "month_day" if slot.kind == "day_month" else "day_month"
            new = _day_text(slot.day, slot.month, kind, slot.ordinal)
        else:
            new = _day_text(slot.day, slot.month, slot.kind, not slot.ordinal)
        out.append(FactEdit(slot.start, slot.end, new, "date", False))
    return out


def restatements(sentence: str, rng: random.Random) -> list[FactEdit]:
    """Numbers and dates of ``sentence`` written in other words, with the same value."""
    return sorted(
        [*_restate_number(sentence, rng), *_restate_date(sentence, rng)], key=lambda e: e.start
    )


# --------------------------------------------------------------------------------------------
# Names: entities and speakers
# --------------------------------------------------------------------------------------------

_HONORIFIC_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Dr) (?P<name>[A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")
_FULL_NAME = re.compile(r"(?=\b(?P<name>[A-Z][a-z]+ (?P<last>[A-Z][a-z]+(?:-[A-Z][a-z]+)?))\b)")
_ACRONYM_DEFINED = re.compile(
    r"\b(?P<name>[A-Z][a-z]+(?: (?:of|for|and|the|[A-Z][a-z]+))* (?P<head>[A-Z][a-z]+)) "
    r"\((?P<acronym>[A-Z]{2,6})\)"
)
_ORG_HEADS_LIST = """
    Agency Association Authority Bank Board Commission Committee Corporation Council Court
    Department Federation Forum Foundation Fund Group Institute League Ministry Office
    Organisation Organization Party Service Society Trust Union"""
_ORG_HEADS = frozenset(_ORG_HEADS_LIST.split())
# Verbs of saying, writing and asking: their subject is the speaker ("Mr Smith denied",
# "Gordon Brown wrote to ...", "Jim Lanzone asked ...").
_SPEECH = (
    r"(?:said|says|told|added|warned|explained|insisted|argued|stated|claimed|declared|denied|"
    r"asked|wrote|announced|noted|replied|admitted|confirmed)"
)
# After the verb, the name is the speaker only where the clause ends with it ('," said Mr
# Smith.'): in "said the TPS was planning" or "said Mrs Sanders was likely" the name is what
# was said about. "told Mr Smith" names the listener, so "told" marks a speaker only before.
_SPEAKER_BEFORE = re.compile(
    r"\b(?:said|says|added|warned|explained|insisted|argued|stated|claimed|declared|"
    r"according to) (?:(?:Mr|Mrs|Ms|Dr|the) )?$"
)
_CLAUSE_END = re.compile(r"^(?:'s\b[^,.;:]{0,40})?\s*(?:[,.;:!?]|$)")
_SPEAKER_AFTER = re.compile(
    r"^(?:, [^,\"\u201c\u201d]{1,80},)? (?:(?:has|had|have) )?" + _SPEECH + r"\b"
)
_NOT_FIRST_NAMES_LIST = """
    The A An And As At But By For From If In It Its On Of Or So Then This That When While With
    Mr Mrs Ms Dr Sir Lord Prime Minister President Chancellor Secretary Chief Home Foreign
    Labour Tory Tories Conservative Liberal Democrat Democrats Republican New North South East
    West United Great Royal Premier League Champions World European British English Scottish
    Welsh Irish French German American Bank Bafta Oscar Oscars Golden Grammy Brit Brits"""
_NOT_FIRST_NAMES = frozenset(_NOT_FIRST_NAMES_LIST.split())


@dataclass(frozen=True, slots=True)
class NamePools:
    """Names harvested from the BBC articles, by kind, most frequent first."""

    people: tuple[str, ...]
    """Full names of people ("Robert Sinche"): two capitalised words whose second is written
    after "Mr", "Mrs", "Ms" or "Dr" in the same article."""
    surnames: tuple[str, ...]
    """Words written after an honorific ("Blair")."""
    countries: tuple[str, ...]
    """Country names written without "the" ("France")."""
    countries_the: tuple[str, ...]
    """Country names written after "the" ("UK", "Netherlands")."""
    organisations: tuple[str, ...]
    """Organisations' names introduced with an acronym ("Securities Exchange Commission")."""
    acronyms: tuple[str, ...]
    """Those acronyms ("SEC")."""


def harvest_names(articles: Sequence[Article], table: AliasTable) -> NamePools:
    """:class:`NamePools` of ``articles`` (see its fields); a name but a person's needs two
    articles."""
    people: Counter[str] = Counter()
    surnames: Counter[str] = Counter()
    bare: Counter[str] = Counter()
    with_the: Counter[str] = Counter()
    organisations: Counter[str] = Counter()
    acronyms: Counter[str] = Counter()
    for article in articles:
        text = article.text
        honoured = {m.group("name") for m in _HONORIFIC_NAME.finditer(text)}
        surnames.update(honoured)
        full = [m.group("name") for m in _FULL_NAME.finditer(text) if m.group("last") in honoured]
        people.update({n for n in full if n.split()[0] not in _NOT_FIRST_NAMES})
        for m in _ACRONYM_DEFINED.finditer(text):
            initials = "".join(w[0] for w in m.group("name").split() if w[0].isupper())
            if m.group("head") in _ORG_HEADS and initials == m.group("acronym"):
                organisations[m.group("name")] += 1
                acronyms[m.group("acronym")] += 1
        for span in article.sentences[:8]:
            sentence = text[span.start : span.end]
            for mention in renameable_mentions(sentence, table):
                after_the = sentence[: mention.start].endswith(("the ", "The "))
                (with_the if after_the else bare)[mention.surface] += 1
    the_names = {n for n in with_the if with_the[n] > bare[n]}

    def ranked(
        counts: Counter[str], keep: Iterable[str] | None = None, least: int = 2
    ) -> tuple[str, ...]:
        allowed = set(keep) if keep is not None else set(counts)
        return tuple(n for n, c in counts.most_common() if c >= least and n in allowed)

    return NamePools(
        ranked(people, least=1),
        ranked(surnames),
        ranked(bare, set(bare) - the_names - {n for n in bare if "." in n}),
        ranked(with_the, the_names - {n for n in with_the if "." in n}),
        ranked(organisations),
        ranked(acronyms),
    )


@dataclass(frozen=True, slots=True)
class _Name:
    start: int
    end: int
    pool: str  # a field of NamePools
    speaker: bool


def _speaker(sentence: str, start: int, end: int) -> bool:
    """Whether the name at ``start:end`` is the one who speaks: after a reporting verb at the
    end of its clause, or before one (as its subject)."""
    after_verb = _SPEAKER_BEFORE.search(sentence[:start]) and _CLAUSE_END.match(sentence[end:])
    return bool(after_verb or _SPEAKER_AFTER.match(sentence[end:]))


def _names(sentence: str, pools: NamePools, table: AliasTable) -> list[_Name]:
    """People, countries and organisations of ``sentence`` outside quotes, not overlapping."""
    found: list[_Name] = []
    people = set(pools.people)
    for m in _FULL_NAME.finditer(sentence):
        name = m.group("name")
        if name in people:
            start = m.start("name")
            found.append(_Name(start, start + len(name), "people", False))
    for m in _HONORIFIC_NAME.finditer(sentence):
        found.append(_Name(m.start("name"), m.end("name"), "surnames", False))
    for mention in renameable_mentions(sentence, table):
        after_the = sentence[: mention.start].endswith(("the ", "The "))
        pool = "countries_the" if after_the else "countries"
        if "." not in mention.surface:
            found.append(_Name(mention.start, mention.end, pool, False))
    for pool, names in (("organisations", pools.organisations), ("acronyms", pools.acronyms)):
        for name in names:
            for m in re.finditer(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", sentence):
                found.append(_Name(m.start(), m.end(), pool, False))
    quotes = quote_spans(sentence)
    out: list[_Name] = []
    for name in sorted(found, key=lambda n: (n.start, -n.end)):
        if _in_quotes(quotes, name.start, name.end):
            continue
        if "-" in (sentence[name.start - 1 : name.start], sentence[name.end : name.end + 1]):
            continue  # "Moscow-based"
        if out and name.start < out[-1].end:
            continue
        can_speak = name.pool in ("people", "surnames", "organisations", "acronyms")
        speaker = can_speak and _speaker(sentence, name.start, name.end)
        out.append(_Name(name.start, name.end, name.pool, speaker))
    return out


def _key(table: AliasTable, name: str) -> str | None:
    alias = table.lookup(tuple(words_of(name)))
    return alias.key if alias is not None else None


def _replacement(
    sentence: str, name: _Name, pools: NamePools, table: AliasTable, rng: random.Random
) -> str | None:
    old = sentence[name.start : name.end]
    choices = [n for n in getattr(pools, name.pool)[:200] if n != old and n not in sentence]
    if name.pool == "people":  # another family too: "Tony Blair" -> "Tony Smith" is not enough
        last = old.split()[-1]
        choices = [n for n in choices if n.split()[-1] != last]
    elif name.pool in ("countries", "countries_the"):  # another country, not another name of it
        key = _key(table, old)
        choices = [n for n in choices if _key(table, n) != key]
    return rng.choice(choices) if choices else None


def entity_options(
    sentence: str, pools: NamePools, table: AliasTable, rng: random.Random
) -> list[FactEdit]:
    """Every person (not a speaker), country and organisation of ``sentence`` replaced by
    another of the same kind."""
    out: list[FactEdit] = []
    for name in _names(sentence, pools, table):
        if name.speaker:
            continue
        new = _replacement(sentence, name, pools, table, rng)
        if new is not None:
            out.append(FactEdit(name.start, name.end, new, "entity"))
    return out


def attribution_options(
    sentence: str, pools: NamePools, table: AliasTable, rng: random.Random
) -> list[FactEdit]:
    """Every speaker of ``sentence`` replaced by another person of the same shape."""
    out: list[FactEdit] = []
    for name in _names(sentence, pools, table):
        if not name.speaker:
            continue
        new = _replacement(sentence, name, pools, table, rng)
        if new is not None:
            out.append(FactEdit(name.start, name.end, new, "attribution"))
    return out


# --------------------------------------------------------------------------------------------
# Quotes
# --------------------------------------------------------------------------------------------

# Word -> a word of the opposite or a clearly different meaning; both directions are used.
# Nothing here is a negation, a number or a name.
# fmt: off
_OPPOSITE_PAIRS = [
    ("good", "bad"), ("better", "worse"), ("best", "worst"), ("big", "small"),
    ("bigger", "smaller"), ("high", "low"), ("higher", "lower"), ("more", "less"),
    ("most", "least"), ("strong", "weak"), ("stronger", "weaker"), ("easy", "difficult"),
    ("right", "wrong"), ("win", "lose"), ("won", "lost"), ("winning", "losing"),
    ("great", "poor"), ("early", "late"), ("first", "last"), ("up", "down"),
    ("increase", "decrease"), ("rise", "fall"), ("positive", "negative"), ("safe", "dangerous"),
    ("success", "failure"), ("love", "hate"), ("hope", "fear"), ("open", "closed"),
    ("new", "old"), ("long", "short"), ("fast", "slow"), ("cheap", "expensive"),
    ("serious", "minor"), ("huge", "tiny"), ("true", "false"), ("pleased", "disappointed"),
    ("delighted", "dismayed"), ("support", "oppose"), ("accept", "reject"), ("we", "they"),
    ("our", "their"), ("always", "sometimes"), ("everyone", "some"), ("clear", "vague"),
    ("happy", "sad"), ("important", "trivial"), ("real", "imagined"), ("future", "past"),
    ("before", "after"), ("together", "apart"), ("agree", "differ"), ("excellent", "mediocre"),
    ("fantastic", "awful"), ("confident", "worried"), ("proud", "ashamed"),
]
# fmt: on
OPPOSITES: dict[str, str] = {a: b for a, b in _OPPOSITE_PAIRS} | {b: a for a, b in _OPPOSITE_PAIRS}
_INTENSIFIERS = ("very", "really", "extremely", "absolutely", "totally", "deeply")
_ADJECTIVES_LIST = """
    good bad great important difficult hard happy pleased disappointed serious strong weak
    clear big small huge fantastic excellent proud confident worried concerned exciting
    successful special different dangerous tough positive negative interesting significant
    surprised keen determined close simple easy fair sad delighted confident"""
_ADJECTIVES = frozenset(_ADJECTIVES_LIST.split())
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
QUOTE_WORDS = 4
"""Quotations of fewer words are terms, not somebody's words, and are not changed."""


def _cased(new: str, old: str) -> str:
    return new[0].upper() + new[1:] if old[:1].isupper() else new


def quote_options(sentence: str, rng: random.Random) -> list[FactEdit]:
    """Word changes inside the quotations of ``sentence``: opposites, intensifiers added and
    dropped (see the module docstring)."""
    out: list[FactEdit] = []
    for q_start, q_end in quote_spans(sentence):
        words = list(_WORD.finditer(sentence, q_start, q_end))
        if len(words) < QUOTE_WORDS:
            continue  # a term in quotation marks ("shambles"), not somebody's words
        for i, m in enumerate(words):
            word = m.group()
            lower = word.lower()
            if sentence[m.start() - 1 : m.start()] == "-" or sentence[m.end() : m.end() + 1] == "-":
                continue  # part of a compound: "long-term"
            if word != lower and not (word == word.capitalize() and m.start() == q_start):
                continue  # a name or an acronym
            if lower in OPPOSITES:
                out.append(FactEdit(m.start(), m.end(), _cased(OPPOSITES[lower], word), "quote"))
            elif lower in _ADJECTIVES and (i == 0 or words[i - 1].group().lower() not in (
                *_INTENSIFIERS, "so", "too", "more", "most", "less", "quite", "not"
            )):  # fmt: skip
                new = f"{_cased(rng.choice(_INTENSIFIERS), word)} {lower if i == 0 else word}"
                out.append(FactEdit(m.start(), m.end(), new, "quote"))
            elif lower in _INTENSIFIERS and i + 1 < len(words) and word == lower:
                after = words[i + 1]
                if sentence[m.end() : after.start()] == " ":
                    out.append(FactEdit(m.start(), after.end(), after.group(), "quote"))
    return out


# --------------------------------------------------------------------------------------------
# Negation
# --------------------------------------------------------------------------------------------

_AUX = "is|are|was|were|do|does|did|has|have|had|will|would|could|should|can|may|might|must"
_NEGATED = re.compile(r"\b(?P<aux>" + _AUX + r") not\b")
_CONTRACTED = re.compile(
    r"\b(?P<aux>is|are|was|were|do|does|did|has|have|had|could|should|would|wo|ca)n['\u2019]t\b"
)
_CANNOT = re.compile(r"\bcannot\b")
_POSITIVE = re.compile(
    r"(?<!\bto )\b(?P<aux>is|are|was|were|will|would|could|should|can|may|might|must|has|have|had)"
    r" (?P<next>[a-z]+)\b"
)
_PARTICIPLES_LIST = """
    been made said seen done got won lost had told left put set cut hit paid sold bought
    brought found held kept led met run taken given shown known grown become"""
_PARTICIPLES = frozenset(_PARTICIPLES_LIST.split())
_NOT_AFTER = frozenset(["not", "no", "never", "also", "still", "to", "being", "yet"])


def negation_options(sentence: str) -> list[FactEdit]:
    """Every negation of ``sentence`` outside quotes removed, and one added after every
    auxiliary that takes it (see the module docstring)."""
    out: list[FactEdit] = []
    for m in _NEGATED.finditer(sentence):
        out.append(FactEdit(m.start(), m.end(), m.group("aux"), "negation"))
    for m in _CONTRACTED.finditer(sentence):
        aux = {"wo": "will", "ca": "can"}.get(m.group("aux"), m.group("aux"))
        out.append(FactEdit(m.start(), m.end(), aux, "negation"))
    for m in _CANNOT.finditer(sentence):
        out.append(FactEdit(m.start(), m.end(), "can", "negation"))
    for m in _POSITIVE.finditer(sentence):
        aux, after = m.group("aux"), m.group("next")
        if after in _NOT_AFTER:
            continue
        if aux in ("has", "have", "had") and not (
            after in _PARTICIPLES or after.endswith(("ed", "en"))
        ):
            continue
        new = "cannot" if aux == "can" else f"{aux} not"
        out.append(FactEdit(m.start("aux"), m.end("aux"), new, "negation"))
    quotes = quote_spans(sentence)
    return sorted((e for e in out if not _in_quotes(quotes, e.start, e.end)), key=lambda e: e.start)
