"""Inconsistent naming: one entity called by two names within one document.

A rewriting rule that renames an entity ("Russia" -> "Russian Federation") and misses some
mentions leaves the document calling one thing by two names. Mentions come in the
:data:`NameMentions` form, ``(canonical entity key, span of the mention)``, so an alias table
(see ``wiretrace.text.aliases``) can supply them; pass mentions of the entity's *name* only,
not adjectives and demonyms ("Russian influence").

**Decision rule** (for mentions from any source). Mentions are grouped by key and their
surface forms compared without regard to case, spacing and a possessive ``'s``. A group is
reported when

- it has at least three mentions and at least two forms;
- one form, the dominant one, is used at least twice and in at least 60% of the mentions;
- the dominant form has more words than every other form.

The last test is what tells a rename rule from house style. A rewriter swaps a name for a
longer, formal one ("Russia" -> "Russian Federation") and applies it almost everywhere;
journalists move between short names ("UK" / "Britain", "US" / "USA"), or give the formal name
once and then the short one. With the alias table of ``wiretrace.text.aliases`` on the 2,225
BBC news articles, the rule flags 4 (the same rule without the last test flags 123, mostly
"Britain -> UK").

**Fallback without an alias table** (:func:`heuristic_mentions`). It finds a country name
``X`` used alone and as the start of a longer formal name of the same state:

- ``X`` is a capitalised word that is not a common word (it never appears in lower case in
  the document), not a function word, and not a word like "United" or "North" that begins
  formal names without being one;
- a *long form* is ``W`` followed, on the same line, by one or more state nouns
  ("Federation", "Republic", "Kingdom", "Emirates", "Islands" ...), where ``W`` is ``X`` or
  extends ``X``'s stem by at most four letters (``Russia`` -> ``Russian``; the stem drops a
  final vowel or ``y``: ``China`` -> ``Chinese``);
- a long form counts only if it occurs at least twice in the same words, and belongs to the
  shortest ``X`` it extends;
- ``X`` alone counts when it does not start a long form. A demonym ("Russian influence",
  "Russian President") is no mention at all;
- ``X`` is passed on only when its long forms outnumber its lone uses; the decision rule
  above then applies.

Why so narrow: the general form of the idea (any ``X`` alone and any ``X Y``) flags 331 of the
2,225 BBC articles ("Manchester -> Manchester United", "Australia -> Australian Open", "Ray ->
Ray Charles"); this one flags 1 ("Czech -> Czech Republic"). The alias table covers every
other renaming.

For the seed specimen this gives "Russia -> Russian Federation: 4 of 5 mentions use 'Russian
Federation'": four "Russian Federation", one "Russia"; "Russian influence" and the two
"Russian President" are not counted.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from wiretrace.model import Signal, Span

__all__ = ["NameMentions", "heuristic_mentions", "inconsistent_naming", "naming_signals"]

#: Mentions of named entities: ``(canonical entity key, span of the mention in the text)``.
NameMentions = Sequence[tuple[str, Span]]

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_SPACES = re.compile(r"\s+")
_LINE_BREAK = re.compile(r"[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")

# Capitalised words that are never a short form: function words that start sentences, and
# words that begin formal names without being one ("United", "North").
_NOT_NAMES_LIST = """
    a an and as at but by for from he her his i if in it its my no not of on or our she so that
    the their them then there these they this those to we what when where which while who why
    with you your mr mrs ms dr prof sir st united north south east west northern southern
    eastern western central new great
"""
_NOT_NAMES = frozenset(_NOT_NAMES_LIST.split())

# Words that, after a country's name or its demonym, make a formal name of the same state:
# "Russian Federation", "French Republic", "Syrian Arab Republic", "Cayman Islands".
_STATE_NOUNS_LIST = """
    Federation Republic Kingdom Emirates Emirate Confederation Commonwealth Principality
    Sultanate Federal Democratic Socialist Islamic Arab People's Popular Islands Island
"""
_STATE_NOUNS = frozenset(_STATE_NOUNS_LIST.split())

_MIN_MENTIONS = 3
_MIN_DOMINANT_SHARE = 0.6
_MIN_STEM = 4
_MAX_SUFFIX = 4
_MAX_STATE_NOUNS = 4
_MAX_EXTENSIONS = 64


def inconsistent_naming(text: str, mentions: NameMentions | None = None) -> list[Signal]:
    """``inconsistent_naming`` signals; without ``mentions`` the heuristic finds them."""
    if mentions is None:
        mentions = heuristic_mentions(text)
    return naming_signals(text, mentions)


def naming_signals(text: str, mentions: NameMentions) -> list[Signal]:
    """Apply the decision rule (module docstring) to mentions grouped by key."""
    groups: dict[str, list[Span]] = defaultdict(list)
    for key, span in mentions:
        if 0 <= span.start < span.end <= len(text):
            groups[key].append(span)
    out: list[Signal] = []
    for spans in groups.values():
        signal = _group_signal(text, sorted(spans, key=lambda s: s.start))
        if signal is not None:
            out.append(signal)
    return out


def _group_signal(text: str, spans: list[Span]) -> Signal | None:
    if len(spans) < _MIN_MENTIONS:
        return None
    forms = [_form(text[s.start : s.end]) for s in spans]
    counts = Counter(f.casefold() for f in forms)
    if len(counts) < 2:
        return None
    dominant, used = max(counts.items(), key=lambda kv: (kv[1], len(kv[0])))
    if used < 2 or used < _MIN_DOMINANT_SHARE * len(spans):
        return None
    words = len(dominant.split())
    if any(len(f.split()) >= words for f in counts if f != dominant):
        return None
    shown = _display(forms)
    others = sorted((f for f in counts if f != dominant), key=lambda f: (-counts[f], f))
    lead = " / ".join(shown[f] for f in others)
    name = shown[dominant]
    detail = f"{lead} -> {name}: {used} of {len(spans)} mentions use '{name}'"
    first_other = next(s for s, f in zip(spans, forms, strict=True) if f.casefold() != dominant)
    return Signal("inconsistent_naming", detail, first_other)


def _form(surface: str) -> str:
    form = _SPACES.sub(" ", surface.strip())
    return form[:-2] if form.endswith(("'s", "’s")) and len(form) > 2 else form


def _display(forms: list[str]) -> dict[str, str]:
    """The most common spelling of each case-folded form."""
    by_key: dict[str, Counter[str]] = defaultdict(Counter)
    for f in forms:
        by_key[f.casefold()][f] += 1
    return {k: c.most_common(1)[0][0] for k, c in by_key.items()}


def heuristic_mentions(text: str) -> list[tuple[str, Span]]:
    """Name mentions found without an alias table (see the module docstring).

    Only short forms that pass the fallback's tests are returned, keyed by the short form in
    lower case. The work is linear in the text plus a sort of its distinct capitalised words.
    """
    words = [_strip_possessive(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    lower = {w.casefold() for w, _, _ in words if not w[:1].isupper()}
    alone: dict[str, list[Span]] = defaultdict(list)
    longs: dict[str, dict[str, list[Span]]] = defaultdict(lambda: defaultdict(list))
    n = len(words)
    for i, (w, start, end) in enumerate(words):
        if not w[:1].isupper():
            continue
        alone[w].append(Span(start, end))
        # A long form: this word, then one or more state nouns in the same phrase.
        j = i
        while (
            j + 1 < n
            and j - i < _MAX_STATE_NOUNS
            and words[j + 1][0] in _STATE_NOUNS
            and _same_phrase(text, words[j][2], words[j + 1][1])
        ):
            j += 1
        if j > i:
            tail = " ".join(w2 for w2, _, _ in words[i + 1 : j + 1])
            longs[w][tail].append(Span(start, words[j][2]))

    firsts = sorted(longs)
    claimed: set[tuple[str, str]] = set()
    out: list[tuple[str, Span]] = []
    for short in sorted(alone, key=lambda w: (len(w), w)):
        if short.casefold() in lower or short.casefold() in _NOT_NAMES or short in _STATE_NOUNS:
            continue
        variants = [
            (first, tail)
            for first in _extensions(short, firsts)
            for tail, spans in longs[first].items()
            if len(spans) >= 2 and (first, tail) not in claimed
        ]
        if not variants:
            continue
        long_spans = [s for first, tail in variants for s in longs[first][tail]]
        starts = {s.start for s in long_spans}
        single = [s for s in alone[short] if s.start not in starts]
        if single and len(long_spans) > len(single):
            claimed.update(variants)
            key = short.casefold()
            out.extend((key, s) for s in single)
            out.extend((key, s) for s in long_spans)
    return out


def _strip_possessive(word: str, start: int, end: int) -> tuple[str, int, int]:
    """``Russia's`` is a mention of ``Russia``."""
    if word.endswith(("'s", "’s")) and len(word) > 2:
        return word[:-2], start, end - 2
    return word, start, end


def _extensions(short: str, firsts: list[str]) -> list[str]:
    """Capitalised words that are ``short`` itself or extend its stem by a few letters."""
    stem = short.rstrip("aeiouy")
    if len(stem) < _MIN_STEM:
        stem = short
    out = []
    lo = i = bisect.bisect_left(firsts, stem)
    # Real texts have a handful of words per stem; the cap bounds the work on crafted input.
    while i < len(firsts) and i - lo < _MAX_EXTENSIONS and firsts[i].startswith(stem):
        w = firsts[i]
        if w == short or (len(short) >= _MIN_STEM and 0 < len(w) - len(short) <= _MAX_SUFFIX):
            out.append(w)
        i += 1
    return out


def _same_phrase(text: str, end: int, start: int) -> bool:
    """Whether only spaces (no line break, no punctuation) separate two words."""
    gap = text[end:start]
    return 0 < len(gap) <= 3 and gap.isspace() and not _LINE_BREAK.search(gap)
