"""Spinning one sentence, as a content-farm spinner would: pure functions over text.

Both generators of rewritten text use these: the spun composites
(:mod:`research.composites.spinning`) and the real-news queries of ``wiretrace eval news``
(:mod:`wiretrace.eval.news_build`, which loads this module from a repository checkout).

- :func:`is_good_sentence`: a sentence that reads whole out of context: 60-300 characters, at
  least 10 words, one line, starting with a capital, a digit or a quote and ending in ``.``,
  ``!`` or ``?`` (before any closing quote), with balanced quotes and brackets.
- :func:`renameable_mentions` and :func:`rename_targets`: country and organisation names of the
  alias table a renaming rule may rewrite, and the forms it may write instead.
- :func:`synonym_options`: the swaps :data:`SYNONYMS` offers in a sentence.
- :func:`render_edits`: apply ``(start, end, new)`` edits to a text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from wiretrace.text.aliases import AliasTable, alias_mentions
from wiretrace.text.tokens import tokenize

__all__ = [
    "SKIP_ENTITIES",
    "SYNONYMS",
    "Mention",
    "is_good_sentence",
    "rename_targets",
    "renameable_mentions",
    "render_edits",
    "synonym_options",
]

# Source word -> replacement, lower case. Verbs, nouns, adjectives and adverbs that BBC news
# uses often, with replacements a spinner would pick. Words that are both a common noun and a
# verb with different synonyms ("plan", "report", "cut") are left out.
# fmt: off
SYNONYMS: dict[str, str] = {
    # reporting verbs
    "said": "stated", "says": "states", "told": "informed", "added": "remarked",
    "announced": "declared", "claimed": "asserted", "warned": "cautioned",
    "argued": "contended", "revealed": "disclosed", "admitted": "acknowledged",
    "believes": "thinks", "believe": "think", "insisted": "maintained",
    # other verbs
    "rose": "climbed", "fell": "dropped", "buy": "purchase", "bought": "purchased",
    "help": "assist", "helped": "assisted", "expected": "anticipated", "began": "commenced",
    "wanted": "desired", "need": "require", "needs": "requires", "tried": "attempted",
    "allow": "permit", "allowed": "permitted", "decided": "determined", "showed": "demonstrated",
    "received": "obtained", "increased": "grew", "reduced": "lowered", "boost": "bolster",
    "launched": "unveiled", "described": "characterised", "suggested": "indicated",
    # nouns
    "firm": "company", "firms": "companies", "company": "business", "companies": "businesses",
    "people": "individuals", "profits": "earnings", "government": "administration",
    "deal": "agreement", "agreement": "accord", "talks": "negotiations", "rules": "regulations",
    "law": "legislation", "country": "nation", "children": "kids", "film": "movie",
    "films": "movies", "fans": "supporters", "victory": "triumph", "award": "prize",
    "awards": "prizes", "singer": "vocalist", "phones": "handsets", "users": "customers",
    "election": "poll", "chance": "opportunity", "problem": "issue", "problems": "issues",
    "bosses": "executives", "costs": "expenses", "figures": "statistics", "fears": "concerns",
    "attack": "assault", "job": "position", "jobs": "positions", "rise": "increase",
    "shareholders": "investors", "economy": "market", "players": "athletes",
    "technology": "tech", "experts": "specialists", "officials": "authorities",
    # adjectives
    "big": "large", "biggest": "largest", "large": "sizeable", "huge": "enormous",
    "important": "significant", "major": "key", "difficult": "hard", "several": "numerous",
    "many": "numerous", "main": "principal", "recent": "latest", "strong": "robust",
    "weak": "feeble", "small": "little", "quick": "rapid", "possible": "feasible",
    "popular": "well-liked", "former": "ex", "tough": "hard",
    # adverbs and linkers
    "however": "nevertheless", "nearly": "almost", "currently": "presently",
    "recently": "lately", "quickly": "rapidly", "also": "additionally", "still": "yet",
    "already": "previously", "often": "frequently",
}
# fmt: on

# Entities whose names are also person names, US states, foods or common words.
SKIP_ENTITIES = frozenset({"chad", "georgia", "guernsey", "jersey", "jordan", "niger", "turkey"})

_ENDS_SENTENCE = re.compile(r"[.!?][\"')\u201d\u2019]*$")
_WORD = re.compile(r"[A-Za-z]+(?:[-'][A-Za-z]+)*")

# Capitalised words that start sentences before a country name ("In Britain", "The US").
_STARTERS_LIST = """
    A An And As At But By Both Days During Earlier For From However If In Last Like Meanwhile
    Months Now On Only Outside Since So The Then This Unlike Until When While With Within Years Yet
"""
_STARTERS = frozenset(_STARTERS_LIST.split())
_STARTS_SENTENCE = re.compile(r"^[\"'\u201c\u2018(]?$")


def is_good_sentence(sentence: str) -> bool:
    """Whether a sentence reads as a whole sentence out of context (see the module docstring)."""
    if not 60 <= len(sentence) <= 300 or "\n" in sentence:
        return False
    if not (sentence[0].isupper() or sentence[0].isdigit() or sentence[0] in "\"'\u201c"):
        return False
    if not _ENDS_SENTENCE.search(sentence) or len(sentence.split()) < 10:
        return False
    balanced = sentence.count("(") == sentence.count(")")
    return balanced and sentence.count('"') % 2 == 0


# --------------------------------------------------------------------------------------------
# Spinning one sentence (pure)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mention:
    key: str
    start: int  # offsets into the sentence
    end: int
    surface: str


def renameable_mentions(sentence: str, table: AliasTable) -> list[Mention]:
    """Country name mentions a renaming rule would rewrite (see the module docstring)."""
    out: list[Mention] = []
    for m in alias_mentions(tokenize(sentence), table, text=sentence):
        if m.kind != "name":
            continue
        if m.canonical in SKIP_ENTITIES or len(rename_targets(table, m.canonical)) < 2:
            continue
        start, end = m.start, m.end
        surface = sentence[start:end]
        if sentence[end : end + 1] == "." and surface.count(".") and end + 1 < len(sentence):
            end += 1  # "U.S. economy": the dot belongs to the name, not to the sentence
            surface += "."
        after, before = sentence[end:], sentence[:start]
        if after[:1].isalnum() or after[:1] in "$\u00a3\u20ac" or re.match(r"\s+[A-Z]", after):
            continue  # inside a longer name or a currency: "US Federal Reserve", "US$25"
        if re.search(r"\b[A-Z][\w'.-]*\s+(?:of|de|du|des|del|la|le)\s+(?:the\s+)?$", before):
            continue  # "Bank of China", "Stade de France"
        previous = re.search(r"([\w'.-]+)\s+$", before)
        if previous and previous.group(1)[:1].isupper() and previous.group(1) not in _STARTERS:
            continue  # "Little Britain", "New Jersey"; "In Britain" and "The UK" are fine
        out.append(Mention(m.canonical, start, end, surface))
    return out


def rename_targets(table: AliasTable, key: str) -> list[str]:
    """Name forms of ``key`` a rename may produce."""
    return [
        a.surface
        for a in table.forms(key)
        if a.kind == "name" and "," not in a.surface and "&" not in a.surface
    ]


def synonym_options(sentence: str, taken: Sequence[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """``(start, end, replacement)`` for the words of ``sentence`` in :data:`SYNONYMS`."""
    out: list[tuple[int, int, str]] = []
    for m in _WORD.finditer(sentence):
        word = m.group()
        new = SYNONYMS.get(word.lower())
        if new is None or any(m.start() < e and s < m.end() for s, e in taken):
            continue
        if word != word.lower():
            if word != word.capitalize() or not _STARTS_SENTENCE.match(sentence[: m.start()]):
                continue  # a name, or an acronym
            new = new[0].upper() + new[1:]
        article = re.search(r"\b([Aa]n?)\s+$", sentence[: m.start()])
        if article and (article.group(1).lower() == "an") != (new[0].lower() in "aeiou"):
            continue  # "a rise" -> "an increase" would need the article changed too
        out.append((m.start(), m.end(), new))
    return out


def render_edits(text: str, edits: Sequence[tuple[int, int, str]]) -> str:
    out = text
    for start, end, new in sorted(edits, reverse=True):
        out = out[:start] + new + out[end:]
    return out
