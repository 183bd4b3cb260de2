"""Spun composites: a seeded generator of content-farm articles, with their truth.

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
Which other BBC articles count as sources of an inserted sentence, and which are indexed as
distractors, is described in :mod:`wiretrace.eval.spun_truth`, beside the records that hold
them.

The truth records are :mod:`wiretrace.eval.spun_truth`; scoring is in
:mod:`wiretrace.eval.spun`. Sentence-level spinning is :mod:`research.composites.spinner`.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Literal

from research.composites.facts import FactEdit
from research.composites.page import BOILERPLATE, BYLINES, HEADLINES, OUTLETS
from research.composites.spinner import (
    Mention,
    is_good_sentence,
    rename_targets,
    renameable_mentions,
    render_edits,
    synonym_options,
)
from wiretrace.errors import CorpusError
from wiretrace.eval.spun_truth import (
    DEFAULT_COUNT,
    DEFAULT_DISTRACTORS,
    DEFAULT_SEED,
    Article,
    Change,
    FactChange,
    InsertedSentence,
    RenameRule,
    SpunComposite,
    SpunSet,
)
from wiretrace.model import Document, Span
from wiretrace.text.aliases import AliasTable, load_aliases
from wiretrace.text.normalise import normalise
from wiretrace.text.tokens import tokenize, words_of

__all__ = ["Alter", "Pick", "compose", "generate", "verify"]


# --------------------------------------------------------------------------------------------
# Generating composites
# --------------------------------------------------------------------------------------------


@dataclass
class Pick:
    """A sentence chosen for a composite, with its pending edits (sentence offsets): spin in
    ``edits``, fact changes (:mod:`research.composites.drifting`) in ``facts``."""

    article: Article
    start: int  # source offsets of the kept text
    end: int
    truncated_words: int = 0
    edits: list[tuple[int, int, str, Literal["rename", "synonym"]]] = field(default_factory=list)
    facts: list[FactEdit] = field(default_factory=list)

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
) -> list[Pick]:
    """4-8 sentences, at least one from each article; country mentions weigh three times."""
    total = rng.randint(max(4, len(group)), 8)
    quota = [1] * len(group)
    for _ in range(total - len(group)):
        quota[rng.randrange(len(group))] += 1
    picks: list[Pick] = []
    for article, n in zip(group, quota, strict=True):
        options = list(good[article.id])
        weights = [3.0 if mentions.get((article.id, s.start)) else 1.0 for s in options]
        chosen: list[Span] = []
        while options and len(chosen) < n:
            i = rng.choices(range(len(options)), weights)[0]
            chosen.append(options.pop(i))
            weights.pop(i)
        picks.extend(Pick(article, s.start, s.end) for s in sorted(chosen, key=lambda s: s.start))
    rng.shuffle(picks)
    return picks


def _truncate(picks: Sequence[Pick], rng: random.Random) -> None:
    """Drop the first 3-8 words of one sentence of at least 14 words."""
    options = [p for p in picks if len(p.text.split()) >= 14]
    if not options:
        return
    pick = rng.choice(options)
    words = list(re.finditer(r"\S+", pick.text))
    drop = rng.randint(3, 8)
    pick.start += words[drop].start()
    pick.truncated_words = drop


def _rename(picks: Sequence[Pick], table: AliasTable, rng: random.Random) -> list[RenameRule]:
    """Apply one rename rule per mentioned entity to most but not all of its mentions."""
    found: dict[str, list[tuple[Pick, Mention]]] = {}
    for pick in picks:
        for m in renameable_mentions(pick.text, table):
            found.setdefault(m.key, []).append((pick, m))
    rules: list[RenameRule] = []
    for key in sorted(found):
        mentions = found[key]
        surfaces = Counter(m.surface for _, m in mentions)
        common = normalise(surfaces.most_common(1)[0][0]).text
        targets = [t for t in rename_targets(table, key) if normalise(t).text != common]
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


def _swap_synonyms(picks: Sequence[Pick], rng: random.Random) -> None:
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
    picks: Sequence[Pick],
    rules: Sequence[RenameRule],
    words: _WordIndex,
    rng: random.Random,
    prefix: str = "spun",
) -> tuple[SpunComposite, tuple[FactChange, ...]]:
    """Lay the composite out and record its truth: the spin, and the fact changes apart."""
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
    facts: list[FactChange] = []
    advert_after = rng.randrange(len(picks)) if rng.random() < 0.2 else -1
    i = 0
    while i < len(picks):
        size = rng.randint(1, 3)
        for j, pick in enumerate(picks[i : i + size]):
            if j:
                add(" ")
            sentence, changed = _insert(pick, add, words)
            sentences.append(sentence)
            facts.extend(changed)
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
    composite = SpunComposite(
        f"{prefix}-{number:04d}",
        "".join(parts),
        category,
        tuple(sentences),
        tuple(rules),
        headline,
        tuple(boilerplate),
    )
    return composite, tuple(facts)


def _insert(
    pick: Pick, add: Callable[[str], Span], words: _WordIndex
) -> tuple[InsertedSentence, list[FactChange]]:
    """Render one sentence at the cursor (``add``) and describe it: its spin, and apart, the
    fact changes it holds."""
    original = pick.text
    edits: list[tuple[int, int, str, Literal["rename", "synonym"] | FactEdit]] = [
        *pick.edits,
        *((f.start, f.end, f.new, f) for f in pick.facts),
    ]
    spun = render_edits(original, [(s, e, new) for s, e, new, _ in edits])
    span: Span = add(spun)
    changes: list[Change] = []
    facts: list[FactChange] = []
    shift = span.start
    for s, e, new, kind in sorted(edits, key=lambda edit: edit[:3]):
        query = Span(s + shift, s + shift + len(new))
        source = Span(pick.start + s, pick.start + e)
        if isinstance(kind, str):
            changes.append(Change(kind, original[s:e], new, query, source))
        else:
            fact = FactChange(
                kind.type, original[s:e], new, query, source, pick.article.id, kind.changed
            )
            facts.append(fact)
        shift += len(new) - (e - s)
    source = Span(pick.start, pick.end)
    also = tuple((d, sp) for d, sp in words.sharing(original) if d != pick.article.id)
    sentence = InsertedSentence(
        span, pick.article.id, source, tuple(changes), pick.truncated_words, also
    )
    return sentence, facts


Alter = Callable[[int, list[Pick], list[RenameRule]], list[RenameRule]]
"""A step run on each composite's spun picks before they are laid out: it may drop spin edits
and add fact changes (``Pick.facts``), and returns the rename rules that still hold. It is
given the composite's number; it must not use the generator's random numbers."""


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
    spun, _ = compose(articles, count=count, seed=seed, distractors=distractors)
    return spun


def compose(
    articles: Sequence[Article],
    *,
    count: int = DEFAULT_COUNT,
    seed: int = DEFAULT_SEED,
    distractors: int | None = DEFAULT_DISTRACTORS,
    alter: Alter | None = None,
    prefix: str = "spun",
) -> tuple[SpunSet, tuple[tuple[FactChange, ...], ...]]:
    """:func:`generate`, with ``alter`` run on each composite's picks after spinning, and the
    fact changes of each composite (empty without ``alter``). Without ``alter`` the composites
    are :func:`generate`'s; with it, they are laid out and draw on the same sources alike, since
    ``alter`` does not touch the generator's random numbers. Ids are ``{prefix}-NNNN``."""
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
    all_facts: list[tuple[FactChange, ...]] = []
    used: set[str] = set()
    for number in range(1, count + 1):
        anchor = anchors[(number - 1) % len(anchors)]
        group = _choose_articles(anchor, by_category, rng)
        picks = _choose_sentences(group, good, mentions, rng)
        if rng.random() < 0.85:
            _truncate(picks, rng)
        rules = _rename(picks, table, rng)
        _swap_synonyms(picks, rng)
        if alter is not None:
            rules = alter(number, picks, rules)
        composite, facts = _build(number, anchor.category, picks, rules, words, rng, prefix)
        verify(composite, {a.id: a.text for a in group}, facts)
        composites.append(composite)
        all_facts.append(facts)
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
    return SpunSet(documents, tuple(composites), seed, len(extra)), tuple(all_facts)


def verify(
    composite: SpunComposite, sources: Mapping[str, str], facts: Sequence[FactChange] = ()
) -> None:
    """Check the truth against the texts; raise ``ValueError`` on the first inconsistency.

    ``facts`` are the composite's fact changes (a drift composite), applied with the spin."""
    text = composite.text

    def fail(message: str) -> None:
        raise ValueError(f"{composite.id}: {message}")

    previous = 0
    placed = 0
    for s in composite.sentences:
        source = sources.get(s.source_id)
        if source is None:
            fail(f"unknown source {s.source_id}")
            return
        if not previous <= s.query.start < s.query.end <= len(text):
            fail(f"sentence span {s.query} out of order or range")
        previous = s.query.end
        original = source[s.source.start : s.source.end]
        inside = [
            f
            for f in facts
            if f.source_id == s.source_id and s.query.start <= f.query.start < s.query.end
        ]
        placed += len(inside)
        every: list[Change | FactChange] = [*s.changes, *inside]
        edits = [(c.source.start - s.source.start, c.source.end - s.source.start, c.new)
                 for c in every]  # fmt: skip
        if render_edits(original, edits) != text[s.query.start : s.query.end]:
            fail(f"changes do not turn source {s.source} into query {s.query}")
        for c in every:
            if (
                text[c.query.start : c.query.end] != c.new
                or source[c.source.start : c.source.end] != c.old
            ):
                fail(f"change {c} does not match the texts")
    if placed != len(facts):
        fail("a fact change lies outside every inserted sentence")
    for span in (*composite.boilerplate, *([composite.headline] if composite.headline else [])):
        if any(span.start < s.query.end and s.query.start < span.end for s in composite.sentences):
            fail(f"boilerplate or headline {span} overlaps an inserted sentence")
