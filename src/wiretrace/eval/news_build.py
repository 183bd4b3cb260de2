"""Building the real-news evaluation set of ``wiretrace eval news`` (:mod:`wiretrace.eval.news`).

Everything here is pure and deterministic for a seed: articles in, documents and labelled
queries out. Reading the shared files is the runner's job, and turning ECB+ records into
articles with headlines, and dating them, is :mod:`wiretrace.eval.news_ecb`.

Stored documents
----------------
- **ECB+** (``ecbplus-news-events``): 43 topics, each with two real events of the same kind
  (``<topic>_ecb``, ``<topic>_ecbplus``), 982 articles from many outlets. ``ecbplus``
  articles have their headline as ``title`` (and not in the body, as on a real page), ``ecb``
  articles have no title. Background documents (BBC News, Wikinews and its cited sources) are
  indexed beside them by the runner.
- One article per event of four or more is **held out** (never indexed; a titled one with the
  most sentences): the queries' own, unsourced text comes from it, so that it is about the
  same story as the sources and the distractors, yet copied from nothing in the index.
- **Dates** are made up (ECB+ has none), per event: a base day, each article 0-3 days later,
  written in one of four precisions: ``2012-05-03``, ``2012-05-03T14:05:00``,
  ``2012-05-03T14:05:00Z`` and ``2012-05-03T14:05:00+02:00``.

Queries
-------
- ``lifted``: sentences from 1-3 indexed articles of one event (the true sources), each copied
  verbatim, renamed (a country name for another of its names, by
  :mod:`research.composites.spinner`, loaded from the checkout), synonym-swapped, or cut (the
  last 3-8 words dropped), mixed
  with 0-3 sentences of the event's held-out article; half of them open with a source's
  headline (verbatim or changed the same ways), and most others with the held-out article's
  own headline (copied from nothing: a headline must not be credited to a same-story title).
- ``headline``: a source's headline as the first line, the rest from the held-out article:
  the headline is the only copied part. Each stored headline is copied by one such query at
  most.
- A query's headline is also its ``title`` field half of the time; otherwise only its first
  line carries it.
- **Liftable text** must be in no other stored document: a sentence or headline that shares a
  six-word sequence with any other stored document (ECB+ or background: one Wikinews source
  is the AP story of an ECB+ topic), or is close to a sentence or title of another stored
  article of its topic (Indel similarity 0.7), is never lifted; held-out sentences must share
  no six-word sequence with any stored document, and stay below similarity 0.55 with every
  sentence of the topic.
  So every copied character has exactly one true source, and no unsourced character has one.
- **Dates of queries:** most are dated a day or two after their last source; about one in five
  (with two sources or more) is dated between its sources, so some "sources" are certainly
  later and must come out in ``later``; a few have no date (direction unchecked).
- **Truth:** a character's true source is the article it was lifted from, unless that article
  is certainly dated after the query (:func:`wiretrace.dates.certainly_before`). The true
  earliest sources are the true sources that no other true source certainly precedes.
- **Split:** topics are shuffled with the seed; the first half is ``fit``, the rest
  ``held-out``. All queries of a topic (both its events) fall in one split.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from rapidfuzz import fuzz, process

from wiretrace.dates import certainly_before, parse_moment
from wiretrace.eval.checkout import require_research
from wiretrace.eval.news_ecb import EcbArticle, earliest_truth, outlet_of, random_moment
from wiretrace.model import Document, Span
from wiretrace.text.aliases import AliasTable

__all__ = [
    "DEFAULT_SEED",
    "Lift",
    "NewsQuery",
    "NewsSet",
    "build_news",
]

DEFAULT_SEED = 20190423
SPLITS = ("fit", "held-out")
SHARED_NGRAM = 6
LIFT_SIMILARITY = 70.0  # rapidfuzz ratio (0-100): closer than this to another stored text
OWN_SIMILARITY = 55.0


@dataclass(frozen=True, slots=True)
class Lift:
    """A span of the query copied from one stored article.

    ``field`` is the part of the source it came from (``text`` or ``title``); ``transform`` is
    ``verbatim``, ``renamed``, ``synonyms`` or ``cut``; ``renames`` the ``(old, new)`` names.
    """

    query: Span
    source_id: str
    field: str
    transform: str
    renames: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class NewsQuery:
    """A query article with its truth (see the module docstring)."""

    document: Document
    split: str
    kind: str  # "lifted" | "headline"
    topic: str
    event: str
    lifts: tuple[Lift, ...]
    headline: Lift | None
    earliest: frozenset[str]  # the true earliest sources
    later: frozenset[str]  # true sources certainly dated after the query
    date_mode: str  # "after" | "between" | "undated"
    own_headline: Span | None = None  # a first-line headline copied from nothing

    @property
    def sources(self) -> frozenset[str]:
        """The true sources that may precede the query."""
        return frozenset(lift.source_id for lift in self.lifts) - self.later


@dataclass(frozen=True, slots=True)
class NewsSet:
    """The stored ECB+ documents (dated), the held-out articles, and the queries."""

    documents: tuple[Document, ...]
    held_out: tuple[str, ...]
    queries: tuple[NewsQuery, ...]
    topics: Mapping[str, str] = field(default_factory=dict)  # document id -> topic
    events: Mapping[str, str] = field(default_factory=dict)  # document id -> event


# --------------------------------------------------------------------------------------------
# Plain text from ECB+ tokens
# --------------------------------------------------------------------------------------------

# --------------------------------------------------------------------------------------------
# What may be lifted
# --------------------------------------------------------------------------------------------


def _grams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + SHARED_NGRAM]) for i in range(len(words) - SHARED_NGRAM + 1)}


@dataclass(slots=True)
class _Topic:
    """The stored texts of one topic, to test whether a text is copied from one of them."""

    owners: Mapping[tuple[str, ...], str]  # six-word sequence -> its one stored holder, or "*"
    texts: list[tuple[str, str]]  # (article id, sentence or title) of the topic

    def unique_to(self, text: str, owner: str | None) -> bool:
        """Whether ``text`` is in no stored document but ``owner`` (and close to none)."""
        limit = LIFT_SIMILARITY if owner else OWN_SIMILARITY
        if any(self.owners.get(g, owner) != owner for g in _grams(text)):
            return False
        others = [t for doc_id, t in self.texts if doc_id != owner]
        best = process.extractOne(text.lower(), others, scorer=fuzz.ratio, processor=str.lower)
        return best is None or best[1] < limit


def gram_owners(documents: Sequence[Document]) -> dict[tuple[str, ...], str]:
    """Each six-word sequence of the documents' texts and titles -> the one document that has
    it, or ``"*"`` when several do."""
    owners: dict[tuple[str, ...], str] = {}
    for doc in documents:
        for g in _grams(doc.text) | _grams(doc.title or ""):
            owners[g] = doc.id if owners.get(g, doc.id) == doc.id else "*"
    return owners


def _topic(articles: Sequence[EcbArticle], owners: Mapping[tuple[str, ...], str]) -> _Topic:
    texts: list[tuple[str, str]] = []
    for a in articles:
        texts.extend((a.id, a.text[s.start : s.end]) for s in a.sentences)
        if a.title:
            texts.append((a.id, a.title))
    return _Topic(owners, texts)


# --------------------------------------------------------------------------------------------
# Changing a copied sentence
# --------------------------------------------------------------------------------------------


def _change(
    sentence: str, rng: random.Random, table: AliasTable, headline: bool = False
) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """``(new text, transform, renames)``: verbatim, renamed, synonym-swapped or cut.

    Few headlines name a country or hold a word of the synonym table, so a headline that can
    be renamed or swapped mostly is (the seed's headline was renamed)."""
    from research.composites.spinner import (
        rename_targets,
        renameable_mentions,
        render_edits,
        synonym_options,
    )

    mentions = renameable_mentions(sentence, table)
    synonyms = synonym_options(sentence, [])
    choices = ["verbatim", "verbatim"]
    if mentions:
        choices += ["renamed"] * (6 if headline else 2)
    if len(synonyms) >= (1 if headline else 2):
        choices += ["synonyms"] * (4 if headline else 1)
    if not headline and len(sentence.split()) >= 14:
        choices.append("cut")
    transform = rng.choice(choices)
    if transform == "renamed":
        m = rng.choice(mentions)
        new = rng.choice([t for t in rename_targets(table, m.key) if t != m.surface] or [m.surface])
        return render_edits(sentence, [(m.start, m.end, new)]), transform, ((m.surface, new),)
    if transform == "synonyms":
        picks = rng.sample(synonyms, min(len(synonyms), rng.randint(1 if headline else 2, 3)))
        return render_edits(sentence, picks), transform, ()
    if transform == "cut":
        words = sentence.split()
        return " ".join(words[: -rng.randint(3, 8)]), transform, ()
    return sentence, "verbatim", ()


# --------------------------------------------------------------------------------------------
# Building the set
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    """A query being written: paragraphs of parts, each part with its lift (or None)."""

    headline: tuple[str, Lift | None] | None = None
    parts: list[tuple[str, Lift | None]] = field(default_factory=list)

    def render(self, rng: random.Random) -> tuple[str, Lift | None, list[Lift]]:
        chunks: list[str] = []
        lifts: list[Lift] = []
        head: Lift | None = None
        at = 0
        if self.headline is not None:
            text, lift = self.headline
            chunks.append(text + "\n\n")
            if lift is not None:
                head = Lift(
                    Span(0, len(text)), lift.source_id, lift.field, lift.transform, lift.renames
                )
                lifts.append(head)
            at = len(text) + 2
        for i, (text, lift) in enumerate(self.parts):
            sep = "" if i == 0 else ("\n\n" if rng.random() < 0.35 else " ")
            at += len(sep)
            if lift is not None:
                lifts.append(
                    Lift(
                        Span(at, at + len(text)),
                        lift.source_id,
                        lift.field,
                        lift.transform,
                        lift.renames,
                    )
                )
            chunks.append(sep + text)
            at += len(text)
        return "".join(chunks) + "\n", head, lifts


def _liftable(article: EcbArticle, topic: _Topic) -> list[str]:
    from research.composites.spinner import is_good_sentence

    out = []
    for span in article.sentences:
        sentence = article.text[span.start : span.end]
        if is_good_sentence(sentence) and topic.unique_to(sentence, article.id):
            out.append(sentence)
    return out


def _query_date(
    rng: random.Random, sources: Sequence[str], dates: Mapping[str, str], mode: str
) -> str | None:
    """The query's date: none, on a source's day with a later source after it (``between``),
    or a day or two after the last source (``after``, and ``between`` when no day works)."""
    if mode == "undated":
        return None
    moments = {s: parse_moment(dates[s]) for s in sources}
    days = sorted({m.day for m in moments.values() if m is not None})
    if mode == "between":
        for day in days[:-1]:
            value = random_moment(rng, day)
            q = parse_moment(value)
            assert q is not None
            later = [s for s, m in moments.items() if m is not None and certainly_before(q, m)]
            if later and len(later) < len(sources):
                return value
    return random_moment(rng, days[-1] + timedelta(days=rng.randint(1, 2)))


def build_news(
    articles: Sequence[EcbArticle],
    table: AliasTable,
    *,
    seed: int = DEFAULT_SEED,
    per_event: int = 6,
    headlines: int = 6,
    background: Sequence[Document] = (),
) -> NewsSet:
    """The stored documents, and ``per_event`` lifted and ``headlines`` headline queries per
    event (fewer where the event has too little liftable text or no titled article)."""
    require_research()
    rng = random.Random(seed)
    by_event: dict[str, list[EcbArticle]] = {}
    for a in sorted(articles, key=lambda a: a.id):
        by_event.setdefault(a.event, []).append(a)
    topics = sorted({a.topic for a in articles}, key=lambda t: (len(t), t))
    order = topics[:]
    rng.shuffle(order)
    split_of = {t: SPLITS[0] if i < len(order) / 2 else SPLITS[1] for i, t in enumerate(order)}
    held: dict[str, EcbArticle] = {}
    for event, members in sorted(by_event.items()):
        if len(members) >= 4:
            held[event] = max(members, key=lambda a: (a.title is not None, len(a.sentences), a.id))
    stored = [a for a in sorted(articles, key=lambda a: a.id) if held.get(a.event) is not a]
    dates: dict[str, str] = {}
    for event in sorted(by_event):
        base = date(2011, 1, 1) + timedelta(days=rng.randrange(900))
        for a in by_event[event]:
            dates[a.id] = random_moment(rng, base + timedelta(days=rng.randint(0, 3)))
    documents = tuple(
        Document(
            a.id,
            a.text,
            title=a.title,
            url=a.url,
            source=outlet_of(a.url),
            published_at=dates[a.id],
        )
        for a in stored
    )
    owners = gram_owners([*documents, *background])
    queries: list[NewsQuery] = []
    for topic_id in topics:
        members = [a for a in stored if a.topic == topic_id]
        topic = _topic(members, owners)
        for event in sorted(e for e in by_event if by_event[e][0].topic == topic_id):
            if event not in held:
                continue
            ev = _event_of(event, topic_id, split_of[topic_id], members, held[event], topic)
            kinds = ["lifted"] * per_event + ["headline"] * headlines
            heads = rng.sample(ev.titled, len(ev.titled))  # each headline copied once at most
            for n, kind in enumerate(kinds):
                head = heads.pop() if kind == "headline" and heads else None
                if kind == "headline" and head is None:
                    continue
                query = _make_query(rng, f"news/{event}/{n}", kind, ev, dates, table, head)
                if query is not None:
                    queries.append(query)
    return NewsSet(
        documents,
        tuple(sorted(a.id for a in held.values())),
        tuple(queries),
        {a.id: a.topic for a in articles},
        {a.id: a.event for a in articles},
    )


@dataclass(frozen=True, slots=True)
class _Event:
    """What queries about one event may be made of."""

    event: str
    topic: str
    split: str
    pool: tuple[EcbArticle, ...]  # its stored articles
    liftable: Mapping[str, list[str]]  # article id -> sentences no other document has
    titled: tuple[EcbArticle, ...]  # articles whose title no other document has
    own: tuple[str, ...]  # held-out sentences that no stored document has
    own_title: str | None  # the held-out article's title, when no stored document has it


def _event_of(
    event: str,
    topic_id: str,
    split: str,
    members: Sequence[EcbArticle],
    held: EcbArticle,
    topic: _Topic,
) -> _Event:
    from research.composites.spinner import is_good_sentence

    own = [held.text[s.start : s.end] for s in held.sentences]
    pool = tuple(a for a in members if a.event == event)
    return _Event(
        event,
        topic_id,
        split,
        pool,
        {a.id: _liftable(a, topic) for a in pool},
        tuple(a for a in pool if a.title and topic.unique_to(a.title, a.id)),
        tuple(s for s in own if is_good_sentence(s) and topic.unique_to(s, None)),
        held.title if held.title and topic.unique_to(held.title, None) else None,
    )


def _make_query(
    rng: random.Random,
    qid: str,
    kind: str,
    ev: _Event,
    dates: Mapping[str, str],
    table: AliasTable,
    titled_source: EcbArticle | None = None,
) -> NewsQuery | None:
    """One query of ``kind`` about ``ev`` (a ``headline`` query copies ``titled_source``'s
    title), or None when the event has too little for it."""
    if kind == "headline":
        drafted = _headline_draft(rng, ev, table, titled_source)
    else:
        drafted = _lifted_draft(rng, ev, table)
    if drafted is None:
        return None
    draft, sources = drafted
    mode, published = _dating(rng, sources, dates)
    text, head, lifts = draft.render(rng)
    title = None
    if draft.headline is not None and rng.random() < 0.5:
        title = draft.headline[0]
    q_moment = parse_moment(published)
    later = frozenset(
        s
        for s in sources
        if q_moment is not None
        and (m := parse_moment(dates[s])) is not None
        and certainly_before(q_moment, m)
    )
    valid = {s: dates[s] for s in sources if s not in later}
    return NewsQuery(
        Document(qid, text, title=title, source="Newsfarm", published_at=published),
        ev.split,
        kind,
        ev.topic,
        ev.event,
        tuple(lifts),
        head,
        earliest_truth(valid),
        later,
        mode,
        None if head is not None or draft.headline is None else Span(0, len(draft.headline[0])),
    )


def _headline_draft(
    rng: random.Random, ev: _Event, table: AliasTable, titled_source: EcbArticle | None
) -> tuple[_Draft, list[str]] | None:
    """A headline query's draft and sources: ``titled_source``'s title over held-out text."""
    own = ev.own
    if titled_source is None or len(own) < 2:
        return None
    draft = _Draft()
    src = titled_source
    assert src.title is not None
    text, transform, renames = _change(src.title, rng, table, headline=True)
    draft.headline = (text, Lift(Span(0, 0), src.id, "title", transform, renames))
    draft.parts = [(s, None) for s in rng.sample(list(own), min(len(own), rng.randint(3, 6)))]
    return draft, [src.id]


def _lifted_draft(
    rng: random.Random, ev: _Event, table: AliasTable
) -> tuple[_Draft, list[str]] | None:
    """A lifted query's draft and sources: sentences of 1-3 articles, some held-out text, and
    maybe a headline."""
    own, titled = ev.own, ev.titled
    candidates = [a for a in ev.pool if len(ev.liftable[a.id]) >= 2]
    if not candidates:
        return None
    draft = _Draft()
    k = min(len(candidates), rng.choice((1, 2, 2, 3, 3)))
    chosen = rng.sample(candidates, k)
    parts: list[tuple[str, Lift | None]] = []
    for a in chosen:
        liftable = ev.liftable[a.id]
        for sentence in rng.sample(liftable, min(len(liftable), rng.randint(1, 3))):
            text, transform, renames = _change(sentence, rng, table)
            parts.append((text, Lift(Span(0, 0), a.id, "text", transform, renames)))
    parts += [(s, None) for s in rng.sample(list(own), min(len(own), rng.randint(0, 3)))]
    rng.shuffle(parts)
    draft.parts = parts
    with_title = [a for a in chosen if a in titled]
    if with_title and rng.random() < 0.5:
        src = rng.choice(with_title)
        assert src.title is not None
        text, transform, renames = _change(src.title, rng, table, headline=True)
        draft.headline = (text, Lift(Span(0, 0), src.id, "title", transform, renames))
    elif ev.own_title and rng.random() < 0.6:
        draft.headline = (ev.own_title, None)  # the query's own headline: copied from none
    return draft, [a.id for a in chosen]


def _dating(
    rng: random.Random, sources: Sequence[str], dates: Mapping[str, str]
) -> tuple[str, str | None]:
    """``(mode, published)``: how the query is dated against its sources, and its date."""
    roll = rng.random()
    if roll < 0.08:
        mode = "undated"
    elif roll < 0.3 and len(sources) >= 2:
        mode = "between"
    else:
        mode = "after"
    published = _query_date(rng, sources, dates, mode)
    if mode == "between" and published is not None:
        q = parse_moment(published)
        assert q is not None
        if not any(
            certainly_before(q, m)
            for m in (parse_moment(dates[s]) for s in sources)
            if m is not None
        ):
            mode = "after"
    return mode, published
