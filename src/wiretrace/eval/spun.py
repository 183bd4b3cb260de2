"""Spun composites: a seeded generator of content-farm articles with their truth, and scoring.

A *spun composite* imitates what content farms publish (``specimens/seed-kim-putin-summit.txt``):
4-8 sentences lifted from 2-4 BBC News articles (``../shared/data/bbc-news``), usually of one
BBC category, shuffled, spun, and wrapped in a made-up headline, byline and web boilerplate.

Generation (:func:`generate`, deterministic for a given ``seed`` and input)
---------------------------------------------------------------------------
- **Sentences** come from :func:`wiretrace.text.sentences.split_sentences` over the article
  text and must read as whole sentences: 60-300 characters, at least 10 words, one line,
  starting with a capital, a digit or a quote and ending in ``.``, ``!`` or ``?`` (before any
  closing quote), with balanced quotes and brackets. Sentences that mention a country are
  three times as likely to be chosen, so most composites carry renames.
- **Reordering:** the chosen sentences are shuffled, then laid out as paragraphs of 1-3
  sentences (sentences of one paragraph are joined by a space).
- **Truncation** (85% of composites): one sentence of at least 14 words loses its first 3-8
  words, leaving a tail that starts mid-clause. Spinning then applies to the tail only.
- **Renaming**, a per-composite rule like a spinner's: every country or organisation of the
  alias table (:func:`wiretrace.text.aliases.load_aliases`) with at least two name forms, when
  mentioned, gets one target form, chosen at random among its other forms ("UK" -> "United
  Kingdom", "US" -> "United States of America", "Russia" -> "Russian Federation"). The rule
  is applied to most but not all mentions: of three or more mentions one is missed; of two,
  one is missed half the time; a single mention is renamed 80% of the time. Mentions inside
  a longer proper name are left alone ("US Federal Reserve", "Bank of China"), and so are
  entities whose names are common words or person names (Jordan, Chad, Georgia, ...).
  Forms written with a comma ("Korea, Republic of") or "&" are never targets.
- **Synonym swaps:** half of the sentences get 1-3 swaps from :data:`SYNONYMS` (about a
  hundred common news words across verbs, nouns, adjectives and adverbs). A sentence-initial
  capitalised word gets a capitalised replacement; other capitalised words are names and stay.
  A swap that would break ``a``/``an`` agreement is skipped.
- **Boilerplate:** 1-3 lines from :data:`BOILERPLATE` are appended, and one composite in five
  has an "Advertisement" line between paragraphs.

The truth of each inserted sentence (:class:`InsertedSentence`) has its span in the composite,
its source document and the span of the sentence *as it is in the source* (for a truncated
sentence, the span of the kept tail), and every change (:class:`Change`) with its spans on both
sides. :func:`verify` checks that applying the changes to the source span gives the query span.

Duplicates
----------
The BBC set repeats itself: 133 articles repeat another's text exactly, and many share
sentences or paragraphs with a related report. Such an article is as good a source of the
sentence as the one it was drawn from, so each inserted sentence lists, in
:attr:`InsertedSentence.also_in`, every other BBC article that holds at least half of the
sentence's original words, and at least 8 (all of them when fewer), as one run of normalised
words, with the span of that run. These articles are indexed too, so they compete as they
would in a real index, and they are *accepted* sources of the sentence, equal to the true one
(:attr:`InsertedSentence.accepted`). The rest of the index is ``distractors`` other BBC
articles, drawn at random (all of them when ``distractors`` is None).

Scores (:func:`score_composite`, pure)
--------------------------------------
- **Sentence attribution recall:** an inserted sentence is attributed when the passages whose
  source is accepted for it, and whose source span overlaps its accepted source span, together
  cover at least 50% of its query characters.
- **Attributed-character precision:** over the non-white-space query characters covered by at
  least one passage, the share covered by at least one *correct* passage: the character lies
  in an inserted sentence and the passage's source is accepted for that sentence (the true
  source, or a document containing the same sentence; the location in it is not checked).
  Characters of the headline, byline and boilerplate are never correct. The *strict* variant
  counts a character correct only when every passage covering it is correct.
- **Rename recall:** an injected rename is reported when a passage from an accepted source that
  contains the renamed mention's query span lists an edit ``{from: original form, to: new
  form}``. Forms are compared exactly (case-sensitive) after trimming non-word characters at
  both ends, because reported edits run from the first to the last word character ("U.S." is
  reported as "U.S"). Each edit of a passage is matched to at most one rename. The
  *normalised* variant compares forms after :func:`wiretrace.text.normalise.normalise`.
  *Rename rule recall* is the share of (composite, rename rule) pairs named by a ``spin``
  signal ("UK -> United Kingdom, 3 of 4 mentions").
"""

from __future__ import annotations

import gzip
import json
import logging
import random
import re
import tempfile
import time
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Literal

from wiretrace.errors import CorpusError
from wiretrace.index.base import Index
from wiretrace.index.memory import MemoryIndex
from wiretrace.index.sqlite import SQLiteIndex
from wiretrace.model import Document, Passage, PassageKind, Signal, Span
from wiretrace.text.aliases import AliasTable, alias_mentions, load_aliases
from wiretrace.text.normalise import normalise
from wiretrace.text.sentences import split_sentences
from wiretrace.text.tokens import tokenize, words_of
from wiretrace.trace import TraceOptions, trace

__all__ = [
    "BBC_FILE",
    "DEFAULT_COUNT",
    "DEFAULT_DISTRACTORS",
    "DEFAULT_SEED",
    "Article",
    "Change",
    "CompositeCounts",
    "InsertedSentence",
    "RenameRule",
    "SpunComposite",
    "SpunReport",
    "SpunSet",
    "generate",
    "load_bbc",
    "renameable_mentions",
    "run_spun",
    "score_composite",
    "score_spun",
    "synonym_options",
    "verify",
]

log = logging.getLogger(__name__)

BBC_FILE = Path("bbc-news") / "bbc_news.jsonl.gz"
DEFAULT_SEED = 20050314
DEFAULT_COUNT = 200
DEFAULT_DISTRACTORS = 300
COVER_SHARE = 0.5

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

HEADLINES = (
    "{Category} roundup: the stories you need to know",
    "Morning briefing: the latest {category} news",
    "Top {category} headlines today",
    "What happened in {category} this week",
    "{Category} update: everything you missed",
    "Breaking {category} news and analysis",
    "Your daily {category} digest",
)
BYLINES = (
    "Dana Whitlock", "Marcus Trell", "Ivy Kerrigan", "Owen Blakesley", "Nora Villanueva",
    "Felix Ambrose", "Lena Castellano", "Victor Haldane", "Saul Bowman", "Petra Lindqvist",
)  # fmt: skip
OUTLETS = ("Daily Newswire Hub", "Global Report Today", "NewsFlash 24", "The Trend Post")
BOILERPLATE = (
    "Discuss This Article",
    "Other reports by {byline}",
    "Share this article",
    "Subscribe to our newsletter for more {category} news.",
    "Click here to read more stories like this",
    "Copyright 2005 {outlet}. All rights reserved.",
    "Follow us on Twitter and Facebook",
    "Related articles",
    "Sign up for breaking news alerts",
    "Read more: {category} news",
    "Comments (0)",
    "Tags: {category}, news, latest",
)

_ENDS_SENTENCE = re.compile(r"[.!?][\"')\u201d\u2019]*$")
_WORD = re.compile(r"[A-Za-z]+(?:[-'][A-Za-z]+)*")
# Capitalised words that start sentences before a country name ("In Britain", "The US").
_STARTERS_LIST = """
    A An And As At But By Both Days During Earlier For From However If In Last Like Meanwhile
    Months Now On Only Outside Since So The Then This Unlike Until When While With Within Years Yet
"""
_STARTERS = frozenset(_STARTERS_LIST.split())
_STARTS_SENTENCE = re.compile(r"^[\"'\u201c\u2018(]?$")


# --------------------------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Article:
    """A BBC article with its sentence spans."""

    id: str
    category: str
    title: str
    text: str
    sentences: tuple[Span, ...] = field(repr=False)


@dataclass(frozen=True, slots=True)
class Change:
    """One spinning change: ``old`` at ``source`` (source text) became ``new`` at ``query``."""

    type: Literal["rename", "synonym"]
    old: str
    new: str
    query: Span
    source: Span


@dataclass(frozen=True, slots=True)
class InsertedSentence:
    """A sentence of a composite and where it came from (see the module docstring)."""

    query: Span
    source_id: str
    source: Span
    changes: tuple[Change, ...] = ()
    truncated_words: int = 0
    also_in: tuple[tuple[str, Span], ...] = ()
    """Other indexed documents that contain the same (original) words, with their spans."""

    @property
    def accepted(self) -> dict[str, Span]:
        """Every document accepted as this sentence's source, with the sentence's span in it."""
        out = dict(self.also_in)
        out[self.source_id] = self.source
        return out

    @property
    def renames(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.type == "rename")

    @property
    def synonyms(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.type == "synonym")

    def transformations(self) -> tuple[str, ...]:
        """Names of the transformations applied: ``verbatim`` when none."""
        out = []
        if self.renames:
            out.append("renamed")
        if self.synonyms:
            out.append("synonyms")
        if self.truncated_words:
            out.append("truncated")
        return tuple(out) or ("verbatim",)


@dataclass(frozen=True, slots=True)
class RenameRule:
    """A composite's rename rule: ``old`` -> ``new`` applied to ``applied`` of ``mentions``."""

    old: str
    new: str
    applied: int
    mentions: int


@dataclass(frozen=True, slots=True)
class SpunComposite:
    """One spun composite and its truth."""

    id: str
    text: str
    category: str
    sentences: tuple[InsertedSentence, ...]
    renames: tuple[RenameRule, ...] = ()
    headline: Span | None = None
    boilerplate: tuple[Span, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        def span(s: Span) -> list[int]:
            return [s.start, s.end]

        return {
            "id": self.id,
            "category": self.category,
            "text": self.text,
            "headline": span(self.headline) if self.headline else None,
            "boilerplate": [span(b) for b in self.boilerplate],
            "renames": [
                {"from": r.old, "to": r.new, "applied": r.applied, "mentions": r.mentions}
                for r in self.renames
            ],
            "sentences": [
                {
                    "query_start": s.query.start,
                    "query_end": s.query.end,
                    "source_id": s.source_id,
                    "source_start": s.source.start,
                    "source_end": s.source.end,
                    "truncated_words": s.truncated_words,
                    "changes": [
                        {
                            "type": c.type,
                            "from": c.old,
                            "to": c.new,
                            "query_start": c.query.start,
                            "query_end": c.query.end,
                            "source_start": c.source.start,
                            "source_end": c.source.end,
                        }
                        for c in s.changes
                    ],
                    "also_in": [
                        {"id": doc_id, "start": sp.start, "end": sp.end} for doc_id, sp in s.also_in
                    ],
                }
                for s in self.sentences
            ],
        }

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> SpunComposite:
        """The inverse of :meth:`to_dict`."""
        sentences = tuple(
            InsertedSentence(
                Span(s["query_start"], s["query_end"]),
                s["source_id"],
                Span(s["source_start"], s["source_end"]),
                tuple(
                    Change(
                        c["type"],
                        c["from"],
                        c["to"],
                        Span(c["query_start"], c["query_end"]),
                        Span(c["source_start"], c["source_end"]),
                    )
                    for c in s["changes"]
                ),
                s["truncated_words"],
                tuple((a["id"], Span(a["start"], a["end"])) for a in s["also_in"]),
            )
            for s in d["sentences"]
        )
        return SpunComposite(
            d["id"],
            d["text"],
            d["category"],
            sentences,
            tuple(
                RenameRule(r["from"], r["to"], r["applied"], r["mentions"]) for r in d["renames"]
            ),
            Span(*d["headline"]) if d.get("headline") else None,
            tuple(Span(*b) for b in d["boilerplate"]),
        )


@dataclass(frozen=True, slots=True)
class SpunSet:
    """Documents to index and composites to trace."""

    documents: tuple[Document, ...]
    composites: tuple[SpunComposite, ...]
    seed: int
    distractors: int
    """How many of the documents are distractors (articles no composite draws on)."""


# --------------------------------------------------------------------------------------------
# Reading the BBC articles
# --------------------------------------------------------------------------------------------


def load_bbc(path: Path) -> list[Article]:
    """The BBC News articles of ``bbc_news.jsonl.gz`` (or an uncompressed ``.jsonl``)."""
    if not path.is_file():
        raise CorpusError(f"{path}: no such file; the spun benchmark needs the BBC News set")
    opener = gzip.open if path.suffix == ".gz" else open
    articles: list[Article] = []
    with opener(path, "rt", encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            try:
                record = json.loads(line)
                text = record["text"]
                articles.append(
                    Article(
                        str(record["id"]),
                        str(record.get("category") or "news"),
                        str(record.get("title") or ""),
                        text,
                        tuple(split_sentences(text)),
                    )
                )
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise CorpusError(f"{path}:{number}: bad record ({exc}); fix or remove it") from exc
    return articles


def is_good_sentence(sentence: str) -> bool:
    """Whether a sentence reads as a whole sentence out of context (module docstring)."""
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
class _Mention:
    key: str
    start: int  # offsets into the sentence
    end: int
    surface: str


def renameable_mentions(sentence: str, table: AliasTable) -> list[_Mention]:
    """Country name mentions a renaming rule would rewrite (see the module docstring)."""
    out: list[_Mention] = []
    for m in alias_mentions(tokenize(sentence), table, text=sentence):
        if m.kind != "name":
            continue
        if m.canonical in SKIP_ENTITIES or len(_targets(table, m.canonical)) < 2:
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
        out.append(_Mention(m.canonical, start, end, surface))
    return out


def _targets(table: AliasTable, key: str) -> list[str]:
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


def _render(text: str, edits: Sequence[tuple[int, int, str]]) -> str:
    out = text
    for start, end, new in sorted(edits, reverse=True):
        out = out[:start] + new + out[end:]
    return out


# --------------------------------------------------------------------------------------------
# Generating composites
# --------------------------------------------------------------------------------------------


@dataclass
class _Pick:
    """A sentence chosen for a composite, with its pending edits (sentence offsets)."""

    article: Article
    start: int  # source offsets of the kept text
    end: int
    truncated_words: int = 0
    edits: list[tuple[int, int, str, Literal["rename", "synonym"]]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.article.text[self.start : self.end]


class _WordIndex:
    """Finds the BBC articles that share a long run of words with a sentence."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.articles = articles
        self.words = [words_of(a.text) for a in articles]
        self.sets = [set(words) for words in self.words]
        self.postings: defaultdict[str, list[int]] = defaultdict(list)
        for i, words in enumerate(self.sets):
            for w in words:
                self.postings[w].append(i)

    def sharing(self, text: str) -> list[tuple[str, Span]]:
        """``(id, span)`` of every article holding at least half of the words of ``text``, and
        at least 8 (all of them when fewer), as one run; the span is that run's."""
        words = words_of(text)
        need = min(len(words), max(8, (len(words) + 1) // 2))
        if not need:
            return []
        candidates: set[int] = set()
        for k in range(len(words) - need + 1):
            window = set(words[k : k + need])
            rarest = min(window, key=lambda w: len(self.postings[w]))
            candidates.update(i for i in self.postings[rarest] if window <= self.sets[i])
        out: list[tuple[str, Span]] = []
        matcher = SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(words)  # the sentence: SequenceMatcher indexes its second sequence
        for i in sorted(candidates):
            matcher.set_seq1(self.words[i])
            match = matcher.find_longest_match()
            if match.size >= need:
                tokens = tokenize(self.articles[i].text)
                span = Span(tokens.starts[match.a], tokens.ends[match.a + match.size - 1])
                out.append((self.articles[i].id, span))
        return out


def _choose_articles(
    anchor: Article, by_category: Mapping[str, Sequence[Article]], rng: random.Random
) -> list[Article]:
    """The anchor and 1-3 more articles, of its category but for one in ten."""
    wanted = rng.randint(2, 4)
    group = [anchor]
    categories = sorted(by_category)
    while len(group) < wanted:
        category = anchor.category if rng.random() >= 0.1 else rng.choice(categories)
        other = rng.choice(by_category[category])
        if all(other.id != a.id and other.text != a.text for a in group):
            group.append(other)
    return group


def _choose_sentences(
    group: Sequence[Article],
    good: Mapping[str, Sequence[Span]],
    mentions: Mapping[tuple[str, int], int],
    rng: random.Random,
) -> list[_Pick]:
    """4-8 sentences, at least one from each article; country mentions weigh three times."""
    total = rng.randint(max(4, len(group)), 8)
    quota = [1] * len(group)
    for _ in range(total - len(group)):
        quota[rng.randrange(len(group))] += 1
    picks: list[_Pick] = []
    for article, n in zip(group, quota, strict=True):
        options = list(good[article.id])
        weights = [3.0 if mentions.get((article.id, s.start)) else 1.0 for s in options]
        chosen: list[Span] = []
        while options and len(chosen) < n:
            i = rng.choices(range(len(options)), weights)[0]
            chosen.append(options.pop(i))
            weights.pop(i)
        picks.extend(_Pick(article, s.start, s.end) for s in sorted(chosen, key=lambda s: s.start))
    rng.shuffle(picks)
    return picks


def _truncate(picks: Sequence[_Pick], rng: random.Random) -> None:
    """Drop the first 3-8 words of one sentence of at least 14 words."""
    options = [p for p in picks if len(p.text.split()) >= 14]
    if not options:
        return
    pick = rng.choice(options)
    words = list(re.finditer(r"\S+", pick.text))
    drop = rng.randint(3, 8)
    pick.start += words[drop].start()
    pick.truncated_words = drop


def _rename(picks: Sequence[_Pick], table: AliasTable, rng: random.Random) -> list[RenameRule]:
    """Apply one rename rule per mentioned entity to most but not all of its mentions."""
    found: dict[str, list[tuple[_Pick, _Mention]]] = {}
    for pick in picks:
        for m in renameable_mentions(pick.text, table):
            found.setdefault(m.key, []).append((pick, m))
    rules: list[RenameRule] = []
    for key in sorted(found):
        mentions = found[key]
        surfaces = Counter(m.surface for _, m in mentions)
        common = normalise(surfaces.most_common(1)[0][0]).text
        targets = [t for t in _targets(table, key) if normalise(t).text != common]
        if any(m.surface.endswith(".") or pick.text[m.end :] == "." for pick, m in mentions):
            targets = [t for t in targets if not t.endswith(".")] or targets
        if not targets:
            continue
        target = rng.choice(targets)
        eligible = [
            (p, m) for p, m in mentions if normalise(m.surface).text != normalise(target).text
        ]
        if not eligible:
            continue
        n = len(eligible)
        if n >= 3 or (n == 2 and rng.random() < 0.5):
            missed = {rng.randrange(n)}
        elif n == 1 and rng.random() >= 0.8:
            missed = {0}
        else:
            missed = set()
        applied = [pm for i, pm in enumerate(eligible) if i not in missed]
        for pick, m in applied:
            new = target
            if new.endswith(".") and pick.text[m.end :] == ".":
                new = new[:-1]  # never "U.S.." at the end of a sentence
            pick.edits.append((m.start, m.end, new, "rename"))
        if applied:
            by_surface = Counter(m.surface for _, m in applied)
            for surface, count in sorted(by_surface.items()):
                in_all = sum(1 for _, m in eligible if m.surface == surface)
                rules.append(RenameRule(surface, target, count, in_all))
    return rules


def _swap_synonyms(picks: Sequence[_Pick], rng: random.Random) -> None:
    """Swap 1-3 words in about half of the sentences."""
    for pick in picks:
        if rng.random() >= 0.5:
            continue
        taken = [(s, e) for s, e, _, _ in pick.edits]
        options = synonym_options(pick.text, taken)
        rng.shuffle(options)
        for start, end, new in options[: rng.randint(1, 3)]:
            pick.edits.append((start, end, new, "synonym"))


def _build(
    number: int,
    category: str,
    picks: Sequence[_Pick],
    rules: Sequence[RenameRule],
    words: _WordIndex,
    rng: random.Random,
) -> SpunComposite:
    """Lay the composite out and record its truth."""
    byline = rng.choice(BYLINES)
    fill = {
        "category": category,
        "Category": category.capitalize(),
        "byline": byline,
        "outlet": rng.choice(OUTLETS),
    }
    parts: list[str] = []
    cursor = 0

    def add(chunk: str) -> Span:
        nonlocal cursor
        parts.append(chunk)
        cursor += len(chunk)
        return Span(cursor - len(chunk), cursor)

    headline = add(rng.choice(HEADLINES).format(**fill))
    add("\n")
    if rng.random() < 0.6:
        add(f"By {byline}\n")
    add("\n")
    boilerplate: list[Span] = []
    sentences: list[InsertedSentence] = []
    advert_after = rng.randrange(len(picks)) if rng.random() < 0.2 else -1
    i = 0
    while i < len(picks):
        size = rng.randint(1, 3)
        for j, pick in enumerate(picks[i : i + size]):
            if j:
                add(" ")
            sentences.append(_insert(pick, add, words))
        i += size
        if i < len(picks):
            add("\n\n")
            if advert_after >= 0 and i > advert_after:
                boilerplate.append(add("Advertisement"))
                add("\n\n")
                advert_after = -1
    add("\n\n")
    for template in rng.sample(BOILERPLATE, rng.randint(1, 3)):
        boilerplate.append(add(template.format(**fill)))
        add("\n")
    return SpunComposite(
        f"spun-{number:04d}",
        "".join(parts),
        category,
        tuple(sentences),
        tuple(rules),
        headline,
        tuple(boilerplate),
    )


def _insert(pick: _Pick, add: Callable[[str], Span], words: _WordIndex) -> InsertedSentence:
    """Render one sentence at the cursor (``add``) and describe it."""
    original = pick.text
    spun = _render(original, [(s, e, new) for s, e, new, _ in pick.edits])
    span: Span = add(spun)
    changes: list[Change] = []
    shift = span.start
    for s, e, new, kind in sorted(pick.edits):
        changes.append(
            Change(
                kind,
                original[s:e],
                new,
                Span(s + shift, s + shift + len(new)),
                Span(pick.start + s, pick.start + e),
            )
        )
        shift += len(new) - (e - s)
    source = Span(pick.start, pick.end)
    also = tuple((d, sp) for d, sp in words.sharing(original) if d != pick.article.id)
    return InsertedSentence(
        span, pick.article.id, source, tuple(changes), pick.truncated_words, also
    )


def generate(
    articles: Sequence[Article],
    *,
    count: int = DEFAULT_COUNT,
    seed: int = DEFAULT_SEED,
    distractors: int | None = DEFAULT_DISTRACTORS,
) -> SpunSet:
    """``count`` spun composites over ``articles``, and the documents to index.

    The documents are every article a composite draws on, every article that repeats one of
    their inserted sentences, and ``distractors`` other articles, sorted by id. The result
    depends only on the articles and the arguments.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    rng = random.Random(seed)
    table = load_aliases()
    good: dict[str, list[Span]] = {}
    mentions: dict[tuple[str, int], int] = {}
    for article in articles:
        spans = [s for s in article.sentences if is_good_sentence(article.text[s.start : s.end])]
        good[article.id] = spans
        for s in spans:
            n = len(renameable_mentions(article.text[s.start : s.end], table))
            if n:
                mentions[(article.id, s.start)] = n
    usable = [a for a in articles if len(good[a.id]) >= 2]
    if len(usable) < 4:
        raise CorpusError("too few articles with whole sentences to build spun composites")
    by_category: dict[str, list[Article]] = defaultdict(list)
    for a in usable:
        by_category[a.category].append(a)
    anchors = sorted(usable, key=lambda a: a.id)
    rng.shuffle(anchors)
    words = _WordIndex(articles)
    composites: list[SpunComposite] = []
    used: set[str] = set()
    for number in range(1, count + 1):
        anchor = anchors[(number - 1) % len(anchors)]
        group = _choose_articles(anchor, by_category, rng)
        picks = _choose_sentences(group, good, mentions, rng)
        if rng.random() < 0.85:
            _truncate(picks, rng)
        rules = _rename(picks, table, rng)
        _swap_synonyms(picks, rng)
        composite = _build(number, anchor.category, picks, rules, words, rng)
        verify(composite, {a.id: a.text for a in group})
        composites.append(composite)
        for inserted in composite.sentences:
            used.add(inserted.source_id)
            used.update(doc_id for doc_id, _ in inserted.also_in)
    others = sorted(a.id for a in articles if a.id not in used)
    extra = others if distractors is None else rng.sample(others, min(distractors, len(others)))
    chosen = used | set(extra)
    documents = tuple(
        Document(a.id, a.text, title=a.title or None, source="BBC News")
        for a in sorted(articles, key=lambda a: a.id)
        if a.id in chosen
    )
    return SpunSet(documents, tuple(composites), seed, len(extra))


def verify(composite: SpunComposite, sources: Mapping[str, str]) -> None:
    """Check the truth against the texts; raise ``ValueError`` on the first inconsistency."""
    text = composite.text

    def fail(message: str) -> None:
        raise ValueError(f"{composite.id}: {message}")

    previous = 0
    for s in composite.sentences:
        source = sources.get(s.source_id)
        if source is None:
            fail(f"unknown source {s.source_id}")
            return
        if not previous <= s.query.start < s.query.end <= len(text):
            fail(f"sentence span {s.query} out of order or range")
        previous = s.query.end
        original = source[s.source.start : s.source.end]
        edits = [(c.source.start - s.source.start, c.source.end - s.source.start, c.new)
                 for c in s.changes]  # fmt: skip
        if _render(original, edits) != text[s.query.start : s.query.end]:
            fail(f"changes do not turn source {s.source} into query {s.query}")
        for c in s.changes:
            if (
                text[c.query.start : c.query.end] != c.new
                or source[c.source.start : c.source.end] != c.old
            ):
                fail(f"change {c} does not match the texts")
    for span in (*composite.boilerplate, *([composite.headline] if composite.headline else [])):
        if any(span.start < s.query.end and s.query.start < span.end for s in composite.sentences):
            fail(f"boilerplate or headline {span} overlaps an inserted sentence")


# --------------------------------------------------------------------------------------------
# Scoring (pure)
# --------------------------------------------------------------------------------------------


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _union(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        elif start < end:
            out.append((start, end))
    return out


def _covered(span: Span, intervals: list[tuple[int, int]]) -> int:
    return sum(max(0, min(span.end, e) - max(span.start, s)) for s, e in intervals)


def _form(surface: str) -> str:
    """A surface form trimmed of non-word characters at both ends."""
    return re.sub(r"^\W+|\W+$", "", surface)


@dataclass(frozen=True, slots=True)
class CompositeCounts:
    """The raw counts of one traced composite; they add up across composites."""

    sentences: Counter[str] = field(default_factory=Counter)
    """Inserted sentences by transformation (``all``, ``verbatim``, ``renamed``, ...)."""
    attributed: Counter[str] = field(default_factory=Counter)
    attributed_chars: int = 0
    correct_chars: int = 0
    strict_chars: int = 0
    wrong_outside: int = 0
    """Attributed characters outside every inserted sentence (headline, boilerplate ...)."""
    renames: int = 0
    renames_reported: int = 0
    renames_reported_normalised: int = 0
    rules: int = 0
    rules_signalled: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    correct_kinds: Counter[str] = field(default_factory=Counter)
    missed: tuple[str, ...] = ()
    """One line per sentence not attributed and per rename not reported, for diagnosis."""

    def __add__(self, other: CompositeCounts) -> CompositeCounts:
        return CompositeCounts(
            self.sentences + other.sentences,
            self.attributed + other.attributed,
            self.attributed_chars + other.attributed_chars,
            self.correct_chars + other.correct_chars,
            self.strict_chars + other.strict_chars,
            self.wrong_outside + other.wrong_outside,
            self.renames + other.renames,
            self.renames_reported + other.renames_reported,
            self.renames_reported_normalised + other.renames_reported_normalised,
            self.rules + other.rules,
            self.rules_signalled + other.rules_signalled,
            self.kinds + other.kinds,
            self.correct_kinds + other.correct_kinds,
            self.missed + other.missed,
        )


def score_composite(
    composite: SpunComposite, passages: Sequence[Passage], signals: Sequence[Signal] = ()
) -> CompositeCounts:
    """Score the passages (and spin signals) of one composite's trace against its truth."""
    sentences, attributed, missed_sentences = _sentence_counts(composite, passages)
    chars = _char_counts(composite, passages)
    renames, missed_renames = _rename_counts(composite, passages)
    spin = [sig.detail for sig in signals if sig.type == "spin"]
    rules_signalled = sum(
        1
        for r in composite.renames
        if any(d.startswith(f"{_form(r.old)} -> {_form(r.new)},") for d in spin)
    )
    kinds: Counter[str] = Counter()
    correct_kinds: Counter[str] = Counter()
    for p in passages:
        kinds[p.kind.value] += 1
        over = [s for s in composite.sentences if _overlaps(p.query, s.query)]
        if over and all(p.source_id in s.accepted for s in over):
            correct_kinds[p.kind.value] += 1
    return CompositeCounts(
        sentences,
        attributed,
        *chars,
        *renames,
        len(composite.renames),
        rules_signalled,
        kinds,
        correct_kinds,
        missed_sentences + missed_renames,
    )


def _sentence_counts(
    composite: SpunComposite, passages: Sequence[Passage]
) -> tuple[Counter[str], Counter[str], tuple[str, ...]]:
    """Inserted and attributed sentences by transformation, and the sentences missed."""
    sentences: Counter[str] = Counter()
    attributed: Counter[str] = Counter()
    missed: list[str] = []
    for s in composite.sentences:
        accepted = s.accepted
        good = _union(
            (p.query.start, p.query.end)
            for p in passages
            if p.source_id in accepted and _overlaps(p.source, accepted[p.source_id])
        )
        ok = _covered(s.query, good) >= COVER_SHARE * len(s.query)
        for name in ("all", *s.transformations()):
            sentences[name] += 1
            attributed[name] += ok
        if not ok:
            missed.append(
                f"{composite.id} sentence {s.query.start}-{s.query.end} from {s.source_id} "
                f"[{','.join(s.transformations())}]: "
                f"{composite.text[s.query.start : s.query.end]!r}"
            )
    return sentences, attributed, tuple(missed)


def _char_counts(
    composite: SpunComposite, passages: Sequence[Passage]
) -> tuple[int, int, int, int]:
    """Attributed, correct, strictly correct and outside-sentence non-white-space characters."""
    text, sentences = composite.text, composite.sentences
    starts = [s.query.start for s in sentences]
    covering: defaultdict[int, list[Passage]] = defaultdict(list)
    for p in passages:
        for pos in range(p.query.start, min(p.query.end, len(text))):
            covering[pos].append(p)
    attributed = correct = strict = outside = 0
    for pos, ps in covering.items():
        if text[pos].isspace():
            continue
        attributed += 1
        i = bisect_left(starts, pos + 1) - 1
        owner = sentences[i] if i >= 0 and pos < sentences[i].query.end else None
        verdicts = [owner is not None and p.source_id in owner.accepted for p in ps]
        correct += any(verdicts)
        strict += all(verdicts)
        outside += owner is None
    return attributed, correct, strict, outside


def _rename_counts(
    composite: SpunComposite, passages: Sequence[Passage]
) -> tuple[tuple[int, int, int], tuple[str, ...]]:
    """``(renames, reported, reported with normalised forms)`` and the renames missed.

    Each edit of a passage is matched to at most one rename.
    """
    exact: list[Counter[tuple[str, str]]] = []
    folded: list[Counter[tuple[str, str]]] = []
    for p in passages:
        forms = [(_form(e.source), _form(e.query)) for e in p.edits]
        exact.append(Counter(forms))
        folded.append(Counter((normalise(a).text, normalise(b).text) for a, b in forms))
    total = reported = reported_folded = 0
    missed: list[str] = []
    for s in composite.sentences:
        for r in s.renames:
            total += 1
            inside = [
                i
                for i, p in enumerate(passages)
                if p.source_id in s.accepted
                and p.query.start <= r.query.start
                and r.query.end <= p.query.end
            ]
            key = (_form(r.old), _form(r.new))
            key_folded = (normalise(key[0]).text, normalise(key[1]).text)
            for pool, k in ((exact, key), (folded, key_folded)):
                hit = next((i for i in inside if pool[i][k] > 0), None)
                if hit is not None:
                    pool[hit][k] -= 1
                    if pool is exact:
                        reported += 1
                    else:
                        reported_folded += 1
                elif pool is exact:
                    found = sorted(
                        {f"{e.source!r}->{e.query!r}" for i in inside for e in passages[i].edits}
                    )
                    where = (
                        f"edits there: {', '.join(found[:6])}" if inside else "no passage holds it"
                    )
                    missed.append(
                        f"{composite.id} rename {r.old!r}->{r.new!r} at {r.query.start} "
                        f"from {s.source_id}: {where}"
                    )
    return (total, reported, reported_folded), tuple(missed)


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


TRANSFORMATIONS = ("verbatim", "renamed", "synonyms", "truncated")


@dataclass(frozen=True, slots=True)
class SpunReport:
    """Scores of a spun-composite run (see the module docstring for the definitions)."""

    composites: int
    documents: int
    seed: int
    distractors: int
    index: str
    counts: CompositeCounts
    wall_seconds: float = 0.0
    trace_ms_p50: float = 0.0

    @property
    def sentence_recall(self) -> float:
        return _ratio(self.counts.attributed["all"], self.counts.sentences["all"])

    @property
    def char_precision(self) -> float:
        return _ratio(self.counts.correct_chars, self.counts.attributed_chars)

    @property
    def strict_char_precision(self) -> float:
        return _ratio(self.counts.strict_chars, self.counts.attributed_chars)

    @property
    def rename_recall(self) -> float:
        return _ratio(self.counts.renames_reported, self.counts.renames)

    @property
    def rename_recall_normalised(self) -> float:
        return _ratio(self.counts.renames_reported_normalised, self.counts.renames)

    @property
    def rule_recall(self) -> float:
        return _ratio(self.counts.rules_signalled, self.counts.rules)

    def by_transformation(self) -> dict[str, tuple[int, int]]:
        """``name -> (attributed, sentences)`` for each transformation."""
        c = self.counts
        return {t: (c.attributed[t], c.sentences[t]) for t in TRANSFORMATIONS}

    def to_dict(self) -> dict[str, Any]:
        c = self.counts
        return {
            "composites": self.composites,
            "documents": self.documents,
            "seed": self.seed,
            "distractors": self.distractors,
            "index": self.index,
            "sentence_recall": round(self.sentence_recall, 4),
            "char_precision": round(self.char_precision, 4),
            "strict_char_precision": round(self.strict_char_precision, 4),
            "rename_recall": round(self.rename_recall, 4),
            "rename_recall_normalised": round(self.rename_recall_normalised, 4),
            "rule_recall": round(self.rule_recall, 4),
            "sentences": c.sentences["all"],
            "renames": c.renames,
            "rules": c.rules,
            "attributed_chars": c.attributed_chars,
            "wrong_chars_outside_sentences": c.wrong_outside,
            "by_transformation": {
                t: {"attributed": a, "sentences": n, "recall": round(_ratio(a, n), 4)}
                for t, (a, n) in self.by_transformation().items()
            },
            "kinds": {
                k: {"passages": c.kinds[k], "correct": c.correct_kinds[k]}
                for k in (kind.value for kind in PassageKind)
            },
            "wall_seconds": round(self.wall_seconds, 2),
            "trace_ms_p50": round(self.trace_ms_p50, 2),
            "missed": list(c.missed),
        }

    def format_table(self) -> str:
        """A plain-text summary of the scores."""
        c = self.counts
        lines = [
            f"Spun composites: {self.composites} composites, seed {self.seed}, "
            f"{self.documents} documents indexed ({self.index}, {self.distractors} distractors)",
            f"{'measure':<44} {'value':>7} {'of':>12}",
            _line("sentence attribution recall", self.sentence_recall, c.sentences["all"]),
            _line("attributed-character precision", self.char_precision, c.attributed_chars),
            _line(
                "  strict (every covering passage right)",
                self.strict_char_precision,
                c.attributed_chars,
            ),
            _line("rename recall (edits, exact forms)", self.rename_recall, c.renames),
            _line("  normalised forms", self.rename_recall_normalised, c.renames),
            _line("rename rules named by a spin signal", self.rule_recall, c.rules),
            "sentences attributed, by transformation:",
        ]
        for name, (a, n) in self.by_transformation().items():
            lines.append(f"  {name:<42} {_ratio(a, n):>7.4f} {f'{a}/{n}':>12}")
        lines.append("passages by kind (correct / all):")
        for kind in PassageKind:
            lines.append(
                f"  {kind.value:<42} {c.correct_kinds[kind.value]:>7} {c.kinds[kind.value]:>12}"
            )
        lines.append(f"attributed characters outside inserted sentences: {c.wrong_outside}")
        lines.append(f"wall {self.wall_seconds:.1f} s, trace p50 {self.trace_ms_p50:.1f} ms")
        return "\n".join(lines)


def _line(name: str, value: float, of: int) -> str:
    return f"{name:<44} {value:>7.4f} {of:>12}"


def score_spun(
    composites: Sequence[SpunComposite],
    traces: Sequence[tuple[Sequence[Passage], Sequence[Signal]]],
    *,
    seed: int = DEFAULT_SEED,
    documents: int = 0,
    distractors: int = DEFAULT_DISTRACTORS,
    index: str = "",
    wall_seconds: float = 0.0,
    trace_ms_p50: float = 0.0,
) -> SpunReport:
    """Score every composite's ``(passages, signals)`` and sum the counts."""
    if len(composites) != len(traces):
        raise ValueError("one trace is needed per composite")
    total = CompositeCounts()
    for composite, (passages, signals) in zip(composites, traces, strict=True):
        total = total + score_composite(composite, passages, signals)
    return SpunReport(
        len(composites), documents, seed, distractors, index, total, wall_seconds, trace_ms_p50
    )


# --------------------------------------------------------------------------------------------
# The runner
# --------------------------------------------------------------------------------------------


def run_spun(
    shared_data: Path,
    *,
    count: int = DEFAULT_COUNT,
    seed: int = DEFAULT_SEED,
    distractors: int | None = DEFAULT_DISTRACTORS,
    index: Literal["sqlite", "memory"] = "sqlite",
    options: TraceOptions | None = None,
) -> SpunReport:
    """Generate ``count`` composites from ``shared_data``/bbc-news, index, trace and score.

    ``shared_data`` is the shared data folder (``../shared/data``). ``index`` is ``"sqlite"``
    (a temporary SQLite file, the real store) or ``"memory"``. ``options`` are the
    :class:`~wiretrace.trace.TraceOptions` (defaults when None).
    """
    if index not in ("sqlite", "memory"):
        raise ValueError(f"index must be 'sqlite' or 'memory', not {index!r}")
    opts = options or TraceOptions()
    started = time.perf_counter()
    articles = load_bbc(shared_data / BBC_FILE)
    spun = generate(articles, count=count, seed=seed, distractors=distractors)
    with tempfile.TemporaryDirectory(prefix="wiretrace-spun-") as tmp:
        store: Index = SQLiteIndex(Path(tmp) / "spun.db") if index == "sqlite" else MemoryIndex()
        try:
            store.add(spun.documents)
            results: list[tuple[Sequence[Passage], Sequence[Signal]]] = []
            times: list[float] = []
            for composite in spun.composites:
                t0 = time.perf_counter()
                result = trace(store, Document(composite.id, composite.text), opts)
                times.append(time.perf_counter() - t0)
                results.append((result.passages, result.signals))
        finally:
            store.close()
    times.sort()
    log.info("traced %d spun composites", len(times))
    return score_spun(
        spun.composites,
        results,
        seed=seed,
        documents=len(spun.documents),
        distractors=spun.distractors,
        index=index,
        wall_seconds=time.perf_counter() - started,
        trace_ms_p50=1000 * times[len(times) // 2],
    )
