"""The type of one edit, read in its two texts.

:func:`type_edit` looks at an edit's two wordings and at the text around them (a bounded
window, so the work per edit does not grow with the text), and answers with the first rule
that holds:

1. ``rename``: both wordings are one entity's names: equal once aliases are canonicalised
   ("Russia" -> "Russian Federation"), or two spellings of one person's name ("V. Putin" ->
   "Vladimir Putin", :func:`wiretrace.text.aliases.same_person`).
2. ``negation``: the count of negations ("not", "never", "no", "n't", ...) differs in parity
   ("did not" -> "did", "is" -> "isn't") and, negations aside, at most
   :data:`NEGATED_OTHER_WORDS` other words a side differ (a rewritten clause that holds a
   "not" is no negation edit).
3. ``date``: the dates the edit touches, read whole ("24" in "April 24"), conflict
   (:func:`wiretrace.drift.dates.compare_dates`), or a date stands where the other side
   has other words or a number.
4. ``number``: the quantities it touches, read whole ("80" in "80,000" -> "100" in
   "100,000"), state different amounts (:func:`wiretrace.drift.numbers.same_amount`).
   :func:`typed_edits` words a number or date edit by those whole values.
5. ``synonym``: what is left, once equal dates and amounts are set aside, is equal or one
   synonym group's words ("80,000" -> "80k"; "said" -> "stated"; "didn't" -> "did not";
   "80,000 people" -> "80k individuals").
6. ``attribution``: the words that differ are names on both sides, and they name a speaker:
   right after a reporting verb and before punctuation ("said Ushakov." -> "said Peskov."),
   or after one that follows a quotation ('," said Ushakov of the Kremlin'); right before
   one, perhaps after an apposition and an auxiliary ("Ushakov told" -> "Peskov told";
   "Ushakov, a Kremlin aide, has said"); or after "according to". "said Ushakov met Peskov"
   names no speaker: the name there starts the reported clause.
7. ``entity``: the words that differ are names on both sides (capitalised, stop words aside;
   a word in capitals, such as "US", is no stop word).
8. ``quote``: any other change inside quotation marks on both sides
   (:func:`wiretrace.drift.quotes.quoted`).
9. ``other``.

A fact type found anywhere in an edit wins over the rest of it, since the word diff merges
adjacent changed words: "80 people" -> "100 persons" is a ``number`` edit.

A headline in title case capitalises every word; whether a capitalised swap there is a name is
for the caller to judge (:mod:`wiretrace.evidence` does).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Literal

from rapidfuzz.distance import Levenshtein

from wiretrace.drift._scan import WINDOW, scan
from wiretrace.drift.dates import DATE_WORDS, DateValue, compare_dates, find_dates
from wiretrace.drift.lexicon import NEGATIONS, REPORTING, expand_contractions, synonyms
from wiretrace.drift.numbers import (
    VALUE_WORDS,
    Quantity,
    find_quantities,
    same_amount,
    touches,
)
from wiretrace.drift.quotes import quoted
from wiretrace.model import Edit, EditType, Span
from wiretrace.text.aliases import canonicalise, load_aliases, same_person
from wiretrace.text.normalise import normalise
from wiretrace.text.tokens import Tokens, tokenize
from wiretrace.text.words import STOPWORDS

__all__ = ["MAX_EDIT_WORDS", "ValueReader", "edit_type_alone", "type_edit", "typed_edits"]

# Past this many words on a side, an edit is a rewrite: its words are not paired one by one
# (rules 5 to 7 see it as ``other``), which keeps the work per edit bounded.
MAX_EDIT_WORDS = 64

# A negation edit may change this many other words a side ("did not" -> "failed to").
NEGATED_OTHER_WORDS = 2

Values = Literal["date", "number", "equal", "none"]

# An edit of more words than this on a side rewrites a clause whole: the values in it are not
# compared as one slot ("mission about its decorations ... last year" against "The Cuban
# display was erected ... with the number 75 on it").
VALUE_EDIT_WORDS = 12

# The values of a text are read in blocks of this many characters (:class:`ValueReader`).
VALUE_BLOCK = 512


def type_edit(
    source_text: str,
    query_text: str,
    source_span: Span,
    query_span: Span,
    *,
    readers: tuple[ValueReader, ValueReader] | None = None,
) -> EditType:
    """The type of the edit ``source_text[source_span] -> query_text[query_span]`` (module
    docstring). ``readers`` read the values of the two texts (:class:`ValueReader`; made here
    when not given)."""
    if readers is None:
        readers = (ValueReader(source_text), ValueReader(query_text))
    s = source_text[source_span.start : source_span.end]
    q = query_text[query_span.start : query_span.end]
    if not s.strip() and not q.strip():
        return EditType.OTHER
    if _written_otherwise(source_text, query_text, source_span, query_span):
        return EditType.SYNONYM
    worded = any(c.isalpha() for c in s) or any(c.isalpha() for c in q)
    if worded and _renamed(s, q):  # (figures alone are never a name nor a negation)
        return EditType.RENAME
    if worded and _negations(s) % 2 != _negations(q) % 2 and _only_negated(s, q):
        return EditType.NEGATION
    values, s_held, q_held = _values(readers, source_span, query_span)
    if values == "date":
        return EditType.DATE
    if values == "number":
        return EditType.NUMBER
    if not s.strip() or not q.strip():
        return _in_quote(source_text, query_text, source_span, query_span, EditType.OTHER)
    s_tokens, q_tokens = _rest(s, source_span, s_held), _rest(q, query_span, q_held)
    if len(s_tokens) > MAX_EDIT_WORDS or len(q_tokens) > MAX_EDIT_WORDS:
        return _in_quote(source_text, query_text, source_span, query_span, EditType.OTHER)
    s_diff, q_diff = _differing(s_tokens, q_tokens)
    if not s_diff and not q_diff:
        return _in_quote(source_text, query_text, source_span, query_span, EditType.SYNONYM)
    if s_diff and q_diff and _names(source_text, s_diff) and _names(query_text, q_diff):
        s_name = _name_run(source_text, s_diff)
        q_name = _name_run(query_text, q_diff)
        if (
            same_person(s_name, q_name)
            or _acronym_of(_bare(s), _bare(q))
            or _part_of(_head(s), _head(q))
            or _one_full_name(source_text, query_text, _bare(s), _bare(q))
        ):
            return EditType.RENAME
        if _swapped_places(source_text, query_text, source_span, query_span, _bare(s), _bare(q)):
            return EditType.OTHER
        if _speaker(source_text, s_diff) or _speaker(query_text, q_diff):
            return EditType.ATTRIBUTION
        return EditType.ENTITY
    return _in_quote(source_text, query_text, source_span, query_span, EditType.OTHER)


def edit_type_alone(source: str, query: str) -> EditType:
    """The type of an edit known only by its two wordings (no text around them)."""
    return type_edit(source, query, Span(0, len(source)), Span(0, len(query)))


def typed_edits(
    source_text: str,
    query_text: str,
    edits: Iterable[Edit],
    *,
    readers: tuple[ValueReader, ValueReader] | None = None,
) -> tuple[Edit, ...]:
    """The edits with their types set, read in the two texts; an edit without spans is typed
    by its wordings alone. A ``number`` or ``date`` edit is worded by the whole values it
    touches on each side: the word diff of "80,000" -> "100,000" changes only "80" -> "100",
    and a fact-checker should read the two numbers. ``readers`` read the two texts' values
    (:class:`ValueReader`; made here when not given)."""
    if readers is None:
        readers = (ValueReader(source_text), ValueReader(query_text))
    out: list[Edit] = []
    for e in edits:
        if e.source_span is None or e.query_span is None:
            out.append(replace(e, type=edit_type_alone(e.source, e.query)))
            continue
        kind = type_edit(source_text, query_text, e.source_span, e.query_span, readers=readers)
        e = replace(e, type=kind)
        if kind in (EditType.NUMBER, EditType.DATE):
            e = _whole_values(readers, e)
        out.append(e)
    return tuple(out)


class ValueReader:
    """The numbers and dates of one text, read once a block at a time and kept.

    The values near a span are those of the blocks of :data:`VALUE_BLOCK` characters that the
    window of ``WINDOW`` characters on each side of it reaches. A block is read with ``WINDOW``
    characters of the text before and after it, so that a value at its edge is read whole,
    and keeps the values that start in it. One reader serves every edit of a text (the query
    of a trace is compared with many sources), so each part of it is read once.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._blocks: dict[int, tuple[list[Quantity], list[DateValue]]] = {}

    def _block(self, number: int) -> tuple[list[Quantity], list[DateValue]]:
        found = self._blocks.get(number)
        if found is None:
            lo = number * VALUE_BLOCK
            hi = lo + VALUE_BLOCK
            a, b = max(0, lo - WINDOW), min(len(self.text), hi + WINDOW)
            tokens = scan(self.text, a, b)
            found = (
                [q for q in find_quantities(self.text, tokens=tokens) if lo <= q.span.start < hi],
                [d for d in find_dates(self.text, tokens=tokens) if lo <= d.span.start < hi],
            )
            self._blocks[number] = found
        return found

    def _near(self, span: Span) -> Iterable[tuple[list[Quantity], list[DateValue]]]:
        lo, hi = max(0, span.start - WINDOW), min(len(self.text), span.end + WINDOW)
        for number in range(lo // VALUE_BLOCK, max(lo, hi - 1) // VALUE_BLOCK + 1):
            yield self._block(number)

    def quantities(self, span: Span) -> list[Quantity]:
        """The quantities that touch ``span`` (:func:`~wiretrace.drift.numbers.touches`)."""
        if span.start < span.end:  # (touches, inline: an edit types hundreds of these)
            return [
                q
                for b in self._near(span)
                for q in b[0]
                if q.span.start < span.end and span.start < q.span.end
            ]
        return [q for b in self._near(span) for q in b[0] if touches(self.text, q.span, span)]

    def dates(self, span: Span) -> list[DateValue]:
        """The dates that touch ``span``."""
        return [d for b in self._near(span) for d in b[1] if touches(self.text, d.span, span)]


def _whole_values(readers: tuple[ValueReader, ValueReader], e: Edit) -> Edit:
    """``e`` with each non-empty side widened over the numbers (dates) it touches."""
    assert e.source_span is not None and e.query_span is not None
    s_span = _widened(readers[0], e.source_span, e.type)
    q_span = _widened(readers[1], e.query_span, e.type)
    return replace(
        e,
        source=readers[0].text[s_span.start : s_span.end],
        query=readers[1].text[q_span.start : q_span.end],
        source_span=s_span,
        query_span=q_span,
    )


def _widened(reader: ValueReader, span: Span, kind: EditType) -> Span:
    if span.start >= span.end:
        return span
    text = reader.text
    if kind is EditType.DATE:
        values = [d.span for d in reader.dates(span)]
    else:
        values = [q.span for q in reader.quantities(span)]
    start = min([span.start, *(v.start for v in values)])
    end = max([span.end, *(v.end for v in values)])
    while end > span.end and text[end - 1] in _TRAILING:
        end -= 1  # a value read with the stop after it ("Thursday.")
    return Span(start, end)


_TRAILING = " .,;:"


# Pieces of a contraction an edit can be made of ("It's" -> "It is" is the edit "s" -> "is").
_CONTRACTION_PIECES = frozenset(
    {"s", "is", "re", "are", "ve", "have", "ll", "will", "d", "would", "had", "m", "am"}
)
_APOSTROPHES = "'\u2019"
# A word this long that differs from the other side's by at most this many letters is the
# same word spelt otherwise ("Extremadura" -> "Extramadura", "España" -> "Espaa").
_SPELLING_MIN_LETTERS = 6
_SPELLING_MAX_EDITS = 2
# A shortened word ("General" -> "Gen", "Internazionale" -> "Inter") keeps this many letters.
_ABBREVIATION_MIN_LETTERS = 3
_ABBREVIATION_MAX_LETTERS = 5


def _letters(text: str) -> str:
    """Letters and digits only, case folded: what is left when spelling marks are ignored."""
    return "".join(c for c in text.casefold() if c.isalnum())


def _written_otherwise(source_text: str, query_text: str, s: Span, q: Span) -> bool:
    """Whether an edit writes the same words otherwise, not other words (a ``synonym``):
    another spelling, hyphenation, apostrophe or accent ("nonviolent" -> "non-violent",
    "Aronov's" -> "Aronovs", "Extremadura" -> "Extramadura"), a contraction written out
    ("It's" -> "It is"), or a word cut to its head ("General" -> "Gen", "technology" ->
    "tech")."""
    a = source_text[s.start : s.end]
    b = query_text[q.start : q.end]
    la, lb = _letters(expand_contractions(a)), _letters(expand_contractions(b))
    if la and la == lb:
        return True
    before = (source_text[s.start - 1 : s.start], query_text[q.start - 1 : q.start])
    if any(c and c in _APOSTROPHES for c in before) and {la, lb} <= _CONTRACTION_PIECES | {""}:
        return True
    if not la.isalpha() or not lb.isalpha() or len(a.split()) != 1 or len(b.split()) != 1:
        return False  # a number or a phrase: other rules read it
    if _negations(a) != _negations(b):
        return False
    if min(len(la), len(lb)) >= _SPELLING_MIN_LETTERS:
        return Levenshtein.distance(la, lb) <= _SPELLING_MAX_EDITS
    short, long = sorted((la, lb), key=len)
    # A head of three to five letters, at least two short of the word: "Gen", "tech",
    # "Inter"; not "Brown" -> "Browne" nor "Jackson" -> "Jacksonville".
    return (
        _ABBREVIATION_MIN_LETTERS <= len(short) <= _ABBREVIATION_MAX_LETTERS
        and len(long) >= len(short) + 2
        and long.startswith(short)
    )


# Words an acronym leaves out ("University of California" is UC, "Pratt & Whitney" P&W).
_ACRONYM_SKIPS = frozenset({"the", "of", "and", "for", "&", "de", "la", "du", "der"})
# How far around an edit a swapped name is looked for in the other text (a list reordered).
_SWAP_REACH = 160


def _acronym_of(a: str, b: str) -> bool:
    """Whether one name is the other's initials: "AP" and "Associated Press", "JI" and
    "Jemaah Islamiah", "P&W" and "Pratt & Whitney"."""
    for short, long in ((a, b), (b, a)):
        letters = "".join(c for c in short if c.isalpha())
        words = [w for w in re.findall(r"[^\W\d_]+", long) if w.lower() not in _ACRONYM_SKIPS]
        if (
            2 <= len(letters) <= 6
            and letters.isupper()
            and len(words) == len(letters)
            and all(w[0].upper() == c for w, c in zip(words, letters, strict=True))
        ):
            return True
    return False


def _swapped_places(
    source_text: str, query_text: str, s: Span, q: Span, s_name: str, q_name: str
) -> bool:
    """Whether two names only changed places: each stands in the other text near the edit
    ("Mitsubishi, Siemens, Dell, Sharp" -> "Mitsubishi, Siemens, Sharp, Dell")."""
    near_s = source_text[max(0, s.start - _SWAP_REACH) : s.end + _SWAP_REACH]
    near_q = query_text[max(0, q.start - _SWAP_REACH) : q.end + _SWAP_REACH]
    return _holds(near_s, q_name) and _holds(near_q, s_name)


_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "the"})


def _name_words(name: str) -> set[str]:
    return {w.casefold() for w in re.findall(r"[^\W\d_]+", name)} - _TITLES


def _part_of(a: str, b: str) -> bool:
    """Whether one name is a part of the other: "Walsh" of "Robert Walsh"."""
    wa, wb = _name_words(a), _name_words(b)
    return bool(wa) and bool(wb) and (wa <= wb or wb <= wa)


# A capitalised run of words: a full name as a text writes it.
_FULL_NAME = re.compile(r"(?:[A-Z][\w'\-]*\.?\s+){1,4}[A-Z][\w'\-]*")


def _one_full_name(source_text: str, query_text: str, a: str, b: str) -> bool:
    """Whether the two texts write one full name that holds both ("Saddam" and "Hussein" in
    "Saddam Hussein")."""
    wa, wb = _name_words(a), _name_words(b)
    if not wa or not wb:
        return False
    both = wa | wb
    return any(both <= words for text in (source_text, query_text) for words in _full_names(text))


@lru_cache(maxsize=64)
def _full_names(text: str) -> tuple[frozenset[str], ...]:
    """The words of each full name ``text`` writes, read once per text: a trace types many
    edits of one query and one source, and a name test must not read the whole text for each
    (a string keeps its hash, so looking a text up costs no more than the first read)."""
    return tuple(frozenset(_name_words(m.group())) for m in _FULL_NAME.finditer(text))


def _head(wording: str) -> str:
    """An edit's wording up to its first comma ("Walsh, also" -> "Walsh")."""
    return _bare(wording.split(",", 1)[0])


def _bare(wording: str) -> str:
    """An edit's wording without the punctuation and the article around it."""
    bare = wording.strip(" \t\n,.;:()\"'")
    return bare[4:] if bare[:4].lower() == "the " else bare


def _holds(text: str, name: str) -> bool:
    if not name:
        return False
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


def _canonical(text: str) -> list[str]:
    return canonicalise(tokenize(text), load_aliases(), text=text).words


def _renamed(s: str, q: str) -> bool:
    a, b = _canonical(s), _canonical(q)
    return bool(a) and a == b and normalise(s).text != normalise(q).text


def _words(text: str) -> list[str]:
    return tokenize(expand_contractions(text)).words


def _negations(text: str) -> int:
    return sum(w in NEGATIONS for w in _words(text))


def _only_negated(s: str, q: str) -> bool:
    """Whether, negations aside, the two wordings differ by at most
    :data:`NEGATED_OTHER_WORDS` words a side: "did not" -> "did", not a rewritten clause
    that happens to hold a "not"."""
    a = [w for w in _words(s) if w not in NEGATIONS]
    b = [w for w in _words(q) if w not in NEGATIONS]
    if len(a) > MAX_EDIT_WORDS or len(b) > MAX_EDIT_WORDS:
        return False
    da, db = _differing([(w, i) for i, w in enumerate(a)], [(w, i) for i, w in enumerate(b)])
    return len(da) <= NEGATED_OTHER_WORDS and len(db) <= NEGATED_OTHER_WORDS


def _values(
    readers: tuple[ValueReader, ValueReader], s: Span, q: Span
) -> tuple[Values, list[Span], list[Span]]:
    """How the dates and amounts the edit touches compare (``date`` or ``number`` for a
    conflict; ``equal``; ``none``: no values, or a number on one side only), and, for
    ``equal``, where each side writes them."""
    source, query = readers
    if not (_may_hold_values(source.text, s) or _may_hold_values(query.text, q)):
        return "none", [], []  # the common case, decided without reading values
    if max(_word_count(source.text, s), _word_count(query.text, q)) > VALUE_EDIT_WORDS:
        return "none", [], []  # a clause rewritten whole: its values are not one slot
    s_dates, q_dates = source.dates(s), query.dates(q)
    s_amounts = _amounts(source, s, s_dates)
    q_amounts = _amounts(query, q, q_dates)
    held_s = [d.span for d in s_dates] + [a.span for a in s_amounts]
    held_q = [d.span for d in q_dates] + [a.span for a in q_amounts]
    both = s.start < s.end and q.start < q.end
    if s_dates or q_dates:
        if not (s_dates and q_dates):
            # A date stands where the other side has a number ("2000's" -> "200's"): a
            # changed date slot, unless the two write one value ("1800" read as a year,
            # "1,800"). A date against other words is a rewording, not a changed date
            # ("Sears up 22 percent and" -> "on Wednesday, whilst").
            lone, other = (s_dates, q_amounts) if s_dates else (q_dates, s_amounts)
            if both and other and _years_only(lone):
                if _same_figure(lone, other):
                    return "equal", held_s, held_q
                return "date", held_s, held_q
        elif _dates_differ(s_dates, q_dates):
            return "date", held_s, held_q
    if s_amounts and q_amounts:
        if not _comparable(s_amounts, q_amounts):
            return "none", [], []  # a share against a sum of money: two facts, not one
        if _amounts_differ(s_amounts, q_amounts):
            return "number", held_s, held_q
        return "equal", held_s, held_q
    if s_dates and q_dates and not (s_amounts or q_amounts):
        return "equal", held_s, held_q
    # A number on one side only ("About 12 American" -> "United States"): its words are
    # compared with the rest, as words.
    return "none", [], []


# A digit or a fraction sign; or a word a number or a date is written with, as a whole word.
_VALUE_MARK = re.compile(r"\d|[\u00bc-\u00be\u2150-\u215e]")
_VALUE_HINT_WORDS = frozenset(VALUE_WORDS | DATE_WORDS)
_WORD_RUN = re.compile(r"\w+")
# A value that touches an edit holds a hint within this many characters of it: every word of
# a value is a hint or stands next to one ("approximately 80,000", "two and a half million US
# dollars", "Thursday, 24 April"). Typing the 5,799 MRPC pairs with this reach and with none
# gives the same edits.
_HINT_REACH = 24


def _may_hold_values(text: str, span: Span) -> bool:
    """Whether a value that touches ``span`` may stand there (a quick test: a value holds a
    digit, a fraction sign or a number or date word, near enough). Words are looked up in a
    set: one regular expression of a hundred words costs more than the rest of the test."""
    lo, hi = max(0, span.start - _HINT_REACH), span.end + _HINT_REACH
    if _VALUE_MARK.search(text, lo, hi) is not None:
        return True
    for m in _WORD_RUN.finditer(text, lo, hi):
        if m.group().lower() in _VALUE_HINT_WORDS and not (
            m.start() == lo > 0 and _word_char(text[lo - 1])
        ):
            return True
    return False


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _amounts(reader: ValueReader, span: Span, dates: Sequence[DateValue]) -> list[Quantity]:
    return [
        a
        for a in reader.quantities(span)
        if not any(d.span.start < a.span.end and a.span.start < d.span.end for d in dates)
    ]


def _dates_differ(a: Sequence[DateValue], b: Sequence[DateValue]) -> bool:
    return len(a) != len(b) or any(
        compare_dates(x, y) == "conflict" for x, y in zip(a, b, strict=False)
    )


def _kind(q: Quantity) -> str | None:
    """What a quantity measures, money of any currency alike (None: a bare count)."""
    return q.dimension.split(":", 1)[0] if q.dimension else None


def _comparable(a: Sequence[Quantity], b: Sequence[Quantity]) -> bool:
    """Whether the two sides' quantities measure one kind of thing, pairwise: "1 percent"
    and "$39.45" are two facts, "$165,000" and "£90,000" one (in two currencies)."""
    return all(
        _kind(x) is None or _kind(y) is None or _kind(x) == _kind(y)
        for x, y in zip(a, b, strict=False)
    )


def _word_count(text: str, span: Span) -> int:
    return len(text[span.start : span.end].split())


def _years_only(dates: Sequence[DateValue]) -> bool:
    """Whether the dates state a year and nothing else ("2000's" against "200's" is a changed
    year; "last week's close" against "2,115" is a rewording)."""
    return all(set(d.stated()) == {"year"} for d in dates)


def _same_figure(dates: Sequence[DateValue], amounts: Sequence[Quantity]) -> bool:
    """Whether a lone year and a number write one figure ("1800 US soldiers" -> "1,800
    members")."""
    return (
        len(dates) == len(amounts) == 1
        and dates[0].year is not None
        and set(dates[0].stated()) == {"year"}
        and amounts[0].value == dates[0].year
    )


def _amounts_differ(a: Sequence[Quantity], b: Sequence[Quantity]) -> bool:
    return len(a) != len(b) or not all(same_amount(x, y) for x, y in zip(a, b, strict=False))


def _rest(text: str, span: Span, held: Sequence[Span]) -> list[tuple[str, int]]:
    """The words of an edit's wording outside the values it holds: ``(word, start in the
    whole text)``, contractions written out ("didn't" -> "did", "not")."""
    tokens: Tokens = tokenize(text)
    words = tokens.words
    out: list[tuple[str, int]] = []
    for k, (word, start, end) in enumerate(zip(words, tokens.starts, tokens.ends, strict=True)):
        at, stop = span.start + start, span.start + end
        if any(h.start < stop and at < h.end for h in held):
            continue
        contracted = text[end : end + 1] in ("'", "\u2019") and words[k + 1 : k + 2] == ["t"]
        if word == "t" and k and text[start - 1 : start] in ("'", "\u2019"):
            out.append(("not", at))
        elif contracted and word.endswith("n"):
            out.append((_CONTRACTED.get(word, word[:-1]), at))
        else:
            out.append((word, at))
    return out


_CONTRACTED = {"can": "can", "won": "will", "shan": "shall", "ain": "is"}


def _differing(a: list[tuple[str, int]], b: list[tuple[str, int]]) -> tuple[list[int], list[int]]:
    """The starts of the words of each side that are neither equal to nor a synonym of the
    word the other side pairs them with."""
    wa, wb = [w for w, _ in a], [w for w, _ in b]
    out_a: list[int] = []
    out_b: list[int] = []
    # Adjacent changes form one block ("popular" -> "well liked" is a replace and an insert).
    blocks: list[list[int]] = []
    for op in Levenshtein.opcodes(wa, wb):
        if op.tag == "equal":
            continue
        if blocks and blocks[-1][1] == op.src_start and blocks[-1][3] == op.dest_start:
            blocks[-1][1], blocks[-1][3] = op.src_end, op.dest_end
        else:
            blocks.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    for a0, a1, b0, b1 in blocks:
        xs, ys = range(a0, a1), range(b0, b1)
        if len(xs) == len(ys):
            for x, y in zip(xs, ys, strict=True):
                if not synonyms(wa[x], wb[y]):
                    out_a.append(a[x][1])
                    out_b.append(b[y][1])
        elif not synonyms(" ".join(wa[a0:a1]), " ".join(wb[b0:b1])):
            out_a.extend(a[x][1] for x in xs)
            out_b.extend(b[y][1] for y in ys)
    return out_a, out_b


def _names(text: str, starts: Sequence[int]) -> bool:
    """Whether the words at ``starts`` make names: some is a content word, and every content
    word is capitalised."""
    content = [i for i in starts if not _stop_word(_word_at(text, i))]
    return bool(content) and all(text[i : i + 1].isupper() for i in content)


def _stop_word(word: str) -> bool:
    """Whether a word is a stop word; one written in capitals ("US", "WHO") is a name."""
    return word.lower() in STOPWORDS and not (len(word) > 1 and word.isupper())


def _word_at(text: str, start: int) -> str:
    end = start
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return text[start:end]


def _name_run(text: str, starts: Sequence[int]) -> str:
    """The whole capitalised name around the words at ``starts`` ("Kim Jong Un" around
    "Un"), read within a window."""
    lo, hi = min(starts), max(starts) + len(_word_at(text, max(starts)))
    floor = max(0, lo - WINDOW)
    while lo > floor:
        before = text[max(floor, lo - 30) : lo]
        kept = before.rstrip(" .-")
        gap = before[len(kept) :]
        if not kept or kept[-1].isspace():
            break  # a line break ends a name
        prev = kept.split()[-1]
        if not prev[:1].isupper() or len(gap) > 2 or not _joins(prev, gap):
            break
        lo -= len(gap) + len(prev)
    ceiling = min(len(text), hi + WINDOW)
    while hi < ceiling:
        after = text[hi : min(ceiling, hi + 30)]
        gap = after[: len(after) - len(after.lstrip(" .-"))]
        nxt = _word_at(text, hi + len(gap))
        last = text[max(lo, hi - 30) : hi].split(" ")[-1]
        if not 0 < len(gap) <= 2 or not nxt[:1].isupper() or not _joins(last, gap):
            break
        hi += len(gap) + len(nxt)
    return text[lo:hi]


def _joins(word: str, gap: str) -> bool:
    """Whether ``gap`` after ``word`` stays inside a name: a stop there ends the sentence
    unless the word is an initial or a title ("V. Putin", "Mr. Smith")."""
    if "." not in gap:
        return True
    bare = word.rstrip(".")
    return len(bare) == 1 or "." in bare or bare.lower() in _TITLES


_TITLES = frozenset({"mr", "mrs", "ms", "dr", "st", "sir", "gen", "prof", "sen", "rep", "gov"})


def _speaker(text: str, starts: Sequence[int]) -> bool:
    """Whether the name at ``starts`` is a speaker: right after a reporting verb and before
    punctuation, right before a reporting verb, or after "according to" (module docstring)."""
    run_start = min(starts)
    name = _name_run(text, starts)
    lo = text.rfind(name, max(0, run_start - WINDOW), run_start + len(name))
    lo = lo if lo >= 0 else run_start
    hi = lo + len(name)
    before_text = text[max(0, lo - 40) : lo]
    before = tokenize(before_text).words[-2:]
    after_text = text[hi : hi + _APPOSITION + 40]
    closes = after_text.lstrip()[:1] in (",", ".", ";", ":", "")
    said = bool(before) and before[-1] in REPORTING
    # '," said Ushakov': the verb follows a quotation, so the name is its speaker.
    quoted_before = said and _QUOTE_THEN_VERB.search(before_text) is not None
    said_before = said and (closes or quoted_before)
    according = before == ["according", "to"]
    speaks = _SPEAKS_AFTER.match(after_text)
    said_after = (
        speaks is not None
        and speaks.group("verb") in REPORTING
        # "EU states have to approve": a noun, since a verb follows it.
        and not _AUXILIARIES.intersection(tokenize(after_text[speaks.end() :]).words[:1])
    )
    return said_before or according or said_after


# How long an apposition between a speaker and the verb may be ("Ushakov, a Kremlin aide,").
_APPOSITION = 100
_AUXILIARIES = frozenset({"have", "has", "had", "are", "were", "is", "was", "will", "would", "can"})
_QUOTE_THEN_VERB = re.compile(r"[\"\u201d\u2019\u00bb]\s*[\w-]+\s*$")
_SPEAKS_AFTER = re.compile(
    rf"(?:,[^,\"\u201c\u201d\n]{{1,{_APPOSITION}}},)?\s(?:(?:has|had|have)\s)?"
    r"(?P<verb>[a-z]+)\b"
)


def _in_quote(source_text: str, query_text: str, s: Span, q: Span, otherwise: EditType) -> EditType:
    """``quote`` when the edit lies inside quotation marks on both sides, else ``otherwise``."""
    if quoted(source_text, s) and quoted(query_text, q):
        return EditType.QUOTE
    return otherwise
