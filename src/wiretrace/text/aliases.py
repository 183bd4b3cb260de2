"""Entity aliases: one token for every name of a country, and person-name matching.

Content farms rename entities ("Russia" -> "Russian Federation"). :func:`canonicalise` replaces
each known name, over the normalised word tokens of :mod:`wiretrace.text.tokens`, by one token,
the entity's canonical key, so that both spellings compare equal::

    ["the", "russian", "federation", "said"] -> ["the", "russia", "said"]

The new token keeps the original character span of the whole name, so offsets stay exact. A
leading "the" is never part of an alias. Keys are the entity's CLDR English name joined by
``_`` ("russia", "north_korea", "united_states"); every key is one ``\\w+`` word.

The table (``aliases.tsv`` beside this module) is generated from CLDR (Babel) and ISO 3166
(pycountry) by ``scripts/make_aliases.py``, whose docstring gives the sources and rules. The
library reads only that file; Babel and pycountry are not needed at run time. In short:

- **Names** of 260 countries, territories and the EU and UN, common, official and formal,
  inverted ISO names in natural order, and a short hand list of abbreviations (US, U.S., UK, UN,
  EU, DPRK, ...).
- **Adjectives** (demonyms) that CLDR attests as language names, "Russian", "North Korean",
  "American", map to their own key, the entity's key plus ``_adj`` ("russia_adj"). They are
  kept apart from the names on purpose: merging them would make "Russian President" and
  "Russia President" one text, and would count "Russian influence" as a mention of Russia when
  the inconsistent-naming signal compares "Russia" with "Russian Federation".
- **Ambiguous forms** ("Korea", "Congo", "Virgin Islands", "Korean") are not in the table at
  all; :attr:`AliasTable.ambiguous` lists them.
- **Cased abbreviations:** "US", "UN", "EU", "UK", "USA", "UAE", "DPRK", "PRC" match only where
  the original text spells them so in capitals ("us" is a pronoun). They need the original text:
  pass ``text=`` to :func:`canonicalise` and :func:`alias_mentions`; without it they are left
  alone. The dotted forms ("U.S.", "U.N.") match without it.

Matching is greedy longest-first from left to right over a trie: each token is looked at by at
most ``max_len + 1`` trie steps, so the work is bounded by ``len(tokens) * (max_len + 1)``
whatever the text (``max_len`` is the longest alias in words, 8).

Person names are matched by rules, not data: :func:`person_name_words` drops honorifics
("Dr", "President", "Prime Minister") and suffixes ("Jr"), and :func:`same_person` accepts
initials ("V. Putin" is "Vladimir Putin"). Hyphenation is already handled by normalisation
("Kim Jong-un" and "Kim Jong Un" have the same words). :func:`canonicalise` leaves person names
and honorifics as they are.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Literal, NamedTuple

from wiretrace.text.tokens import Tokens
from wiretrace.text.tokens import words_of as _words_of

__all__ = [
    "FORMAT_VERSION",
    "Alias",
    "AliasMention",
    "AliasTable",
    "alias_mentions",
    "canonicalise",
    "load_aliases",
    "parse_aliases",
    "person_name_words",
    "same_person",
]

FORMAT_VERSION = 1
"""The version of the ``aliases.tsv`` format this module reads."""

AliasKind = Literal["name", "adj"]


@dataclass(frozen=True, slots=True)
class Alias:
    """One surface form of an entity."""

    key: str
    """The canonical token, e.g. ``"russia"`` or ``"russia_adj"``."""
    kind: AliasKind
    words: tuple[str, ...]
    """The normalised words the form matches, e.g. ``("russian", "federation")``."""
    surface: str
    """The form as written in the table, e.g. ``"Russian Federation"``."""
    cased: bool = False
    """Match only where the original text is exactly ``surface`` (capital abbreviations)."""


class AliasMention(NamedTuple):
    """A mention of an entity: its key, the original span, and the normalised surface words."""

    canonical: str
    start: int
    end: int
    surface: str
    """The matched words joined by spaces, e.g. ``"russian federation"``."""
    kind: AliasKind


@dataclass(slots=True)
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    alias: Alias | None = None


@dataclass(frozen=True, slots=True)
class AliasTable:
    """An immutable alias table with a word trie for longest-match lookup.

    Build one with :meth:`from_aliases`, :func:`parse_aliases` or :func:`load_aliases`.
    """

    aliases: tuple[Alias, ...]
    ambiguous: frozenset[tuple[str, ...]]
    """Normalised forms left out because they name more than one entity ("korea",)."""
    max_len: int
    _root: _Node = field(repr=False, compare=False)

    @classmethod
    def from_aliases(
        cls, aliases: Sequence[Alias], ambiguous: frozenset[tuple[str, ...]] = frozenset()
    ) -> AliasTable:
        """Index ``aliases``; two aliases with the same words must have the same key."""
        root = _Node()
        for alias in aliases:
            if not alias.words:
                raise ValueError(f"alias {alias.surface!r} has no words")
            node = root
            for word in alias.words:
                node = node.children.setdefault(word, _Node())
            if node.alias is not None and node.alias.key != alias.key:
                raise ValueError(
                    f"alias {alias.surface!r} names both {node.alias.key!r} and {alias.key!r}"
                )
            if node.alias is None or (node.alias.cased and not alias.cased):
                node.alias = alias
        max_len = max((len(a.words) for a in aliases), default=0)
        return cls(tuple(aliases), ambiguous, max_len, root)

    def lookup(self, words: Sequence[str]) -> Alias | None:
        """The alias whose normalised words are exactly ``words``, if any."""
        node: _Node | None = self._root
        for word in words:
            node = node.children.get(word) if node is not None else None
        return node.alias if node is not None else None

    def keys(self) -> frozenset[str]:
        """All canonical keys, names and adjectives."""
        return frozenset(a.key for a in self.aliases)

    def forms(self, key: str) -> tuple[Alias, ...]:
        """Every alias of ``key``, in table order."""
        return tuple(a for a in self.aliases if a.key == key)


def parse_aliases(data: str) -> AliasTable:
    """Parse the text of an ``aliases.tsv`` file (format described in make_aliases.py)."""
    aliases: list[Alias] = []
    ambiguous: set[tuple[str, ...]] = set()
    version: str | None = None
    for lineno, line in enumerate(data.splitlines(), 1):
        if line.startswith("#"):
            label, _, value = line[1:].partition(":")
            if label.strip() == "format":
                version = value.strip()
            continue
        if not line:
            continue
        cells = line.split("\t")
        if len(cells) != 5 or cells[1] not in ("name", "adj", "ambiguous"):
            raise ValueError(f"aliases line {lineno}: expected key, kind, cased, surface, sources")
        key, kind, cased, surface, _sources = cells
        words = tuple(_words_of(surface))
        if kind == "ambiguous":
            ambiguous.add(words)
        else:
            aliases.append(
                Alias(key, "name" if kind == "name" else "adj", words, surface, cased == "1")
            )
    if version != str(FORMAT_VERSION):
        raise ValueError(
            f"aliases data has format {version!r}, this wiretrace reads {FORMAT_VERSION}: "
            "regenerate it with scripts/make_aliases.py"
        )
    return AliasTable.from_aliases(aliases, frozenset(ambiguous))


@lru_cache(maxsize=1)
def load_aliases() -> AliasTable:
    """The alias table shipped with wiretrace, read once and cached."""
    data = resources.files("wiretrace.text").joinpath("aliases.tsv").read_text("utf-8")
    return parse_aliases(data)


def _matches(
    tokens: Tokens, table: AliasTable, text: str | None
) -> Iterator[tuple[int, int, Alias]]:
    """Greedy longest-first matches ``(first, last, alias)`` over ``tokens``, left to right.

    From each start the trie is walked one word per step, so a start costs at most
    ``max_len + 1`` word reads; a match resumes after its last word.
    """
    words = tokens.words
    n = len(words)
    first = table._root.children
    resume = 0
    # Only words that start some alias can start a match: found by one pass in C.
    for i in itertools.compress(range(n), map(first.__contains__, words)):
        if i < resume:
            continue
        node = first.get(words[i])
        best: tuple[int, Alias] | None = None
        j = i
        while node is not None:
            alias = node.alias
            if alias is not None and (
                not alias.cased
                or (text is not None and text[tokens.starts[i] : tokens.ends[j]] == alias.surface)
            ):
                best = (j, alias)
            j += 1
            if j >= n:
                break
            node = node.children.get(words[j])
        if best is not None:
            yield i, best[0], best[1]
            resume = best[0] + 1


def canonicalise(tokens: Tokens, table: AliasTable, *, text: str | None = None) -> Tokens:
    """Replace every alias in ``tokens`` by its entity's key, as one token over the whole span.

    ``text`` is the original text the tokens came from; give it to let cased abbreviations
    ("US", "UN") match.
    """
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for first, last, alias in _matches(tokens, table, text):
        words.extend(tokens.words[pos:first])
        starts.extend(tokens.starts[pos:first])
        ends.extend(tokens.ends[pos:first])
        words.append(alias.key)
        starts.append(tokens.starts[first])
        ends.append(tokens.ends[last])
        pos = last + 1
    if pos == 0:
        return tokens
    words.extend(tokens.words[pos:])
    starts.extend(tokens.starts[pos:])
    ends.extend(tokens.ends[pos:])
    return Tokens(words, starts, ends)


def alias_mentions(
    tokens: Tokens, table: AliasTable, *, text: str | None = None
) -> list[AliasMention]:
    """Every entity mention in ``tokens``, in text order, with its original span.

    For the inconsistent-naming signal: group by ``canonical`` and count ``surface``.
    """
    return [
        AliasMention(
            alias.key,
            tokens.starts[first],
            tokens.ends[last],
            " ".join(tokens.words[first : last + 1]),
            alias.kind,
        )
        for first, last, alias in _matches(tokens, table, text)
    ]


# Person names -------------------------------------------------------------------------------

# Titles dropped from the front of a person's name, as normalised words.
# fmt: off
_HONORIFIC_NAMES = (
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
    "president", "vice president", "prime minister", "premier", "chancellor", "minister",
    "foreign minister", "secretary", "secretary of state", "senator", "sen", "rep",
    "representative", "governor", "gov", "mayor", "general", "gen", "colonel", "col", "captain",
    "capt", "king", "queen", "prince", "princess", "pope", "rev", "reverend", "judge", "justice",
    "ambassador", "chairman", "chairwoman", "leader", "former", "late", "then",
)
# fmt: on
# Longest first: "secretary of state" is dropped whole, not as "secretary".
_HONORIFICS: tuple[tuple[str, ...], ...] = tuple(
    sorted((tuple(h.split()) for h in _HONORIFIC_NAMES), key=len, reverse=True)
)
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md"})


def person_name_words(name: str) -> tuple[str, ...]:
    """The normalised words of a person's name without honorifics or suffixes.

    "Dr Kim Jong-un" -> ("kim", "jong", "un"); "Prime Minister Boris Johnson" -> ("boris",
    "johnson"); "Martin Luther King Jr." -> ("martin", "luther", "king").
    """
    words = _words_of(name)
    stripped = True
    while stripped and words:
        stripped = False
        for honorific in _HONORIFICS:
            if tuple(words[: len(honorific)]) == honorific and len(words) > len(honorific):
                words = words[len(honorific) :]
                stripped = True
                break
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words = words[:-1]
    return tuple(words)


def _part_matches(a: str, b: str) -> bool:
    """Two given-name parts agree: equal, or one is an initial of the other."""
    if a == b:
        return True
    if len(a) == 1:
        return b.startswith(a)
    return len(b) == 1 and a.startswith(b)


def same_person(a: str, b: str) -> bool:
    """Whether two written names can denote the same person.

    Rules, after :func:`person_name_words` on both:

    - each name has at least two words (a surname alone, "Putin", "Kim", could be anyone);
    - the last words are equal (never an initial);
    - the first words agree, equal or as an initial ("V. Putin", "Vladimir Putin");
    - the middle words of the shorter name agree, in order, with some of the longer one's
      ("Vladimir Putin" and "Vladimir Vladimirovich Putin"; "K. J. Un" and "Kim Jong Un").
    """
    x, y = person_name_words(a), person_name_words(b)
    if len(x) < 2 or len(y) < 2 or x[-1] != y[-1] or not _part_matches(x[0], y[0]):
        return False
    short, long = (x, y) if len(x) <= len(y) else (y, x)
    rest = iter(long[1:-1])
    return all(any(_part_matches(part, other) for other in rest) for part in short[1:-1])
