"""Generate content-farm composite articles, with their truth, from the Wikinews demo texts.

A composite imitates the page that started wiretrace (``specimens/seed-kim-putin-summit.txt``):
a made-up headline and byline, then sentences and short paragraphs lifted from 2-4 Wikinews
articles on a shared topic, shuffled, lightly spun, and followed by web page boilerplate.

The spinning, all recorded in the truth file:

- **rename**: one entity (a country or organisation whose short name occurs at least three
  times) is replaced by its formal name in every mention but one, as a rewriting rule that
  missed a case would (``Russia -> Russian Federation``);
- **synonym**: a few words swapped from the small list in :data:`SYNONYMS`;
- **truncation**: one piece (never the first) loses the head of its first sentence, so it
  starts mid-sentence (the seed had ``-North Korea summit in Vietnam in February``).

Inputs and outputs, relative to the repository root::

    data/demo/wikinews.jsonl                  (input, written by scripts/wikinews_to_text.py)
    data/demo/composites/composite-NN.txt     one composite each, UTF-8, "\\n" line ends
    data/demo/composites/truth.jsonl          one object a composite, described below
    data/demo/composites/showcase.txt         a copy of the composite chosen for ``make demo``

Each truth object has ``id``, ``file``, ``length`` and ``showcase``; ``headline``, ``byline``
and ``boilerplate`` spans; ``sources`` (ids and titles); ``renames`` (``from``, ``to``,
``applied``, ``mentions``); and ``pieces``, one per inserted piece, in composite order::

    {"query_start", "query_end", "source_id", "source_start", "source_end",
     "kind": "verbatim" | "rewritten", "edits": [{"from", "to"}, ...],
     "transformations": [
        {"type": "rename" | "synonym", "from", "to",
         "query_start", "query_end", "source_start", "source_end"},
        {"type": "truncation", "removed", "source_start", "source_end"}]}

All offsets are Python string indices: into the composite text as written and into the
source ``text`` as written in ``wikinews.jsonl``. The source span of a truncated piece starts
where its kept text starts; the truncation records the removed span. Without rename or synonym
edits, ``composite[query_start:query_end] == source_text[source_start:source_end]``; the script
asserts this, and that applying the recorded edits to the source span gives the query span.

The output depends only on the input file and ``--seed``; the same inputs give the same bytes.

    .venv/bin/python bench/make_composites.py [--seed 20190423] [--count 6]
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import math
import random
import re
import shutil
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_INPUT = REPO_ROOT / "data" / "demo" / "wikinews.jsonl"
DEFAULT_OUTPUT = REPO_ROOT / "data" / "demo" / "composites"
DEFAULT_SEED = 20190423  # the date of the seed specimen's wire headline
DEFAULT_COUNT = 6

# Short name -> formal name. Only entities that occur in the chosen pieces are used.
RENAMES: dict[str, str] = {
    "Russia": "Russian Federation",
    "China": "People's Republic of China",
    "United States": "United States of America",
    "UK": "United Kingdom",
    "Britain": "United Kingdom",
    "Brazil": "Federative Republic of Brazil",
    "Iraq": "Republic of Iraq",
    "Israel": "State of Israel",
    "Japan": "State of Japan",
    "Australia": "Commonwealth of Australia",
    "India": "Republic of India",
    "Chile": "Republic of Chile",
    "Sudan": "Republic of the Sudan",
    "Kenya": "Republic of Kenya",
    "Spain": "Kingdom of Spain",
    "Netherlands": "Kingdom of the Netherlands",
    "Cuba": "Republic of Cuba",
    "Vietnam": "Socialist Republic of Vietnam",
    "South Korea": "Republic of Korea",
    "Thailand": "Kingdom of Thailand",
    "Portugal": "Portuguese Republic",
    "Sweden": "Kingdom of Sweden",
    "Indonesia": "Republic of Indonesia",
    "Sri Lanka": "Democratic Socialist Republic of Sri Lanka",
    "Ukraine": "Republic of Ukraine",
    "Peru": "Republic of Peru",
    "Zambia": "Republic of Zambia",
    "Mozambique": "Republic of Mozambique",
    "U.S.": "United States",
    "U.K.": "United Kingdom",
    "UN": "United Nations",
    "U.N.": "United Nations",
    "NASA": "National Aeronautics and Space Administration",
    "FBI": "Federal Bureau of Investigation",
    "BBC": "British Broadcasting Corporation",
}

# A small, varied list of swaps a cheap article spinner makes. Lower case; a capitalised
# occurrence gets a capitalised replacement.
SYNONYMS: dict[str, str] = {
    "said": "stated",
    "says": "states",
    "announced": "declared",
    "however": "nevertheless",
    "people": "individuals",
    "officials": "authorities",
    "expected": "anticipated",
    "began": "commenced",
    "important": "significant",
    "large": "sizeable",
    "biggest": "largest",
    "agreement": "accord",
    "attacks": "assaults",
    "meeting": "gathering",
    "buy": "purchase",
    "currently": "presently",
    "recently": "lately",
    "quickly": "rapidly",
    "warned": "cautioned",
    "criticized": "censured",
    "claimed": "asserted",
    "soon": "shortly",
    "rejected": "dismissed",
    "nearly": "almost",
    "residents": "inhabitants",
    "proposed": "suggested",
    "difficult": "tough",
    "decided": "determined",
}

BYLINES = (
    "Dana Whitlock",
    "Marcus Trell",
    "Ivy Kerrigan",
    "Owen Blakesley",
    "Nora Villanueva",
    "Felix Ambrose",
    "Lena Castellano",
    "Victor Haldane",
)
HEADLINE_PATTERNS = (
    "{topic}: {title}",
    "Latest: {title}",
    "{title}, reports say",
    "{topic} update: {title}",
    "What we know: {title}",
)
BOILERPLATE = (
    "Other reports by {byline}",
    "Discuss This Article",
    "Share this article",
    "Subscribe to our newsletter",
)

_PRONOUN_START = re.compile(
    r"(?:He|She|It|They|This|These|That|Those|His|Her|Their|Its|But|And|Also|However|"
    r"Meanwhile|Other|Another|Both|The latter|The former|Here)\b"
)
_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "jr",
        "sr",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "gov",
        "sen",
        "rep",
        "prof",
        "no",
        "vs",
        "v",
        "co",
        "corp",
        "inc",
        "ltd",
        "dec",
        "jan",
        "feb",
        "aug",
        "sept",
        "oct",
        "nov",
        "u.s",
        "u.k",
        "u.n",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
    }
)
_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "the",
        "of",
        "to",
        "in",
        "on",
        "for",
        "at",
        "by",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "after",
        "before",
        "over",
        "under",
        "into",
        "about",
        "new",
        "says",
        "said",
        "will",
        "may",
        "can",
        "not",
        "no",
        "its",
        "their",
        "his",
        "her",
        "us",
        "than",
        "more",
        "most",
    }
)


# --------------------------------------------------------------------------------------------
# Text helpers (pure)
# --------------------------------------------------------------------------------------------


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``; never across a line break.

    A sentence ends at ``.``, ``!`` or ``?`` (plus closing quotes) followed by space and an
    upper-case letter, digit or opening quote, unless the word is an abbreviation
    (:data:`_ABBREVIATIONS`) or a single capital initial (``Viktor F. Yanukovych``).
    """
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for end_match in re.finditer(r"[.!?]+[\"'”’)]*(?=\s+[\"'“‘(]?[A-Z0-9])", line.group()):
            end = line.start() + end_match.end()
            word = re.search(r"([\w.]+?)\.*$", text[start : line.start() + end_match.start()])
            token = word.group(1).lower() if word else ""
            if end_match.group()[0] == "." and (
                token in _ABBREVIATIONS or re.fullmatch(r"[A-Z]", word.group(1) if word else "")
            ):
                continue
            spans.append((start, end))
            rest = text[end : line.end()]
            start = end + len(rest) - len(rest.lstrip())
        if start < line.end():
            spans.append((start, line.end()))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def is_good_sentence(sentence: str) -> bool:
    """Sentences that read well out of context."""
    if not 50 <= len(sentence) <= 320 or "\n" in sentence:
        return False
    if not (sentence[0].isupper() or sentence[0] == '"') or _PRONOUN_START.match(sentence):
        return False
    if sentence.count('"') % 2 or sentence.count("(") != sentence.count(")"):
        return False
    return sentence.rstrip("\"'”’)")[-1:] in (".", "!", "?")


def find_mentions(text: str, entity: str) -> list[tuple[int, int]]:
    """Mentions of ``entity`` that a renaming rule would rewrite.

    Skips mentions inside a longer proper name: followed by a capitalised word (``United
    States Congress``), preceded by a capitalised word that does not start the sentence
    (``South China``), or after ``<Capitalised> of`` (``Republic of China``).
    """
    formal = RENAMES[entity]
    out: list[tuple[int, int]] = []
    for match in re.finditer(rf"(?<![\w.-]){re.escape(entity)}(?![\w-])", text):
        start, end = match.span()
        after = text[end:]
        before = text[:start]
        if re.match(r"\s+[A-Z]", after) or after.startswith(formal[len(entity) :]):
            continue
        if entity.endswith(".") and not after.strip():
            continue  # "U.S." ending a sentence: its period is also the full stop
        if re.search(r"\b[A-Z][\w'’.-]*\s+of\s+(?:the\s+)?$", before):
            continue
        previous = re.search(r"(\S+)\s+$", before)
        if previous and previous.group(1)[:1].isupper():
            sentence_start = re.search(r"(?:^|[.!?][\"'”’)]*\s+)(\S+)\s+$", before)
            if not sentence_start or sentence_start.group(1) != previous.group(1):
                continue
        out.append((start, end))
    return out


def find_synonyms(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, replacement)`` for every word of ``text`` in :data:`SYNONYMS`.

    A capitalised word is swapped only where it starts a sentence, so that names stay whole
    (``People's Republic`` is not a synonym target).
    """
    out: list[tuple[int, int, str]] = []
    for match in re.finditer(r"(?<![\w'’-])[A-Za-z]+(?![\w'’-])", text):
        word = match.group()
        replacement = SYNONYMS.get(word.lower())
        if replacement is None or (word != word.lower() and word != word.capitalize()):
            continue
        if word[0].isupper():
            if not re.search(r"(?:^|[.!?][\"'”’)]*\s+)[\"“]?$", text[: match.start()]):
                continue
            replacement = replacement[0].upper() + replacement[1:]
        out.append((match.start(), match.end(), replacement))
    return out


def truncation_point(sentence: str, rng: random.Random) -> int | None:
    """Where to cut the head of ``sentence``: 25-55% in, at a word start or a hyphen."""
    low, high = int(len(sentence) * 0.25), int(len(sentence) * 0.55)
    hyphens = [
        m.start()
        for m in re.finditer(r"(?<=\w)-(?=[A-Za-z])", sentence)
        if low <= m.start() <= high
    ]
    if hyphens:
        return rng.choice(hyphens)
    starts = [
        m.start() for m in re.finditer(r"(?<=\s)[A-Za-z]", sentence) if low <= m.start() <= high
    ]
    return rng.choice(starts) if starts else None


# --------------------------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    text: str
    categories: tuple[str, ...]
    sentences: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Edit:
    """A rename or synonym swap, at offsets into the source text."""

    type: str
    start: int
    end: int
    to: str


@dataclass
class Piece:
    """A contiguous span of one article inserted into a composite."""

    article: Article
    start: int
    end: int
    truncated_from: int | None = None
    edits: list[Edit] = field(default_factory=list)

    @property
    def source(self) -> str:
        return self.article.text[self.start : self.end]

    def render(self) -> str:
        out = self.source
        for edit in sorted(self.edits, key=lambda e: e.start, reverse=True):
            out = out[: edit.start - self.start] + edit.to + out[edit.end - self.start :]
        return out


def load_articles(path: Path) -> list[Article]:
    articles: list[Article] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                record = json.loads(line)
                text = record["text"]
                articles.append(
                    Article(
                        record["id"],
                        record["title"],
                        text,
                        tuple(record.get("categories") or ()),
                        tuple(split_sentences(text)),
                    )
                )
            except (json.JSONDecodeError, KeyError) as error:
                raise SystemExit(f"{path}:{number}: bad record: {error}") from error
    return articles


# --------------------------------------------------------------------------------------------
# Choosing articles and pieces
# --------------------------------------------------------------------------------------------


def candidate_pieces(article: Article) -> list[tuple[int, int]]:
    """Spans of one or two consecutive good sentences of one paragraph."""
    text, sentences = article.text, article.sentences
    out: list[tuple[int, int]] = []
    for i, (start, end) in enumerate(sentences):
        if not is_good_sentence(text[start:end]):
            continue
        out.append((start, end))
        if i + 1 < len(sentences):
            next_start, next_end = sentences[i + 1]
            same_paragraph = "\n" not in text[end:next_start]
            if (
                same_paragraph
                and next_end - start <= 450
                and (
                    is_good_sentence(text[next_start:next_end])
                    or text[next_start:next_end].startswith(("He ", "She ", "It ", "They "))
                )
            ):
                out.append((start, next_end))
    return out


def topic_words(title: str) -> set[str]:
    words = {w.lower() for w in re.findall(r"[A-Za-z][\w'-]+", title)}
    return {w for w in words if len(w) >= 4 and w not in _STOPWORDS}


@functools.cache
def entity_supply(article: Article, entity: str) -> int:
    """Mentions of ``entity`` inside the article's candidate pieces."""
    found = {
        s + m
        for s, e in candidate_pieces(article)
        for m, _ in find_mentions(article.text[s:e], entity)
    }
    return len(found)


def best_entity(group: Sequence[Article]) -> tuple[int, int, str] | None:
    """(articles mentioning it, mentions, entity) for the entity best supplied by the group
    in its candidate pieces, if it has three mentions at least."""
    best: tuple[int, int, str] | None = None
    for entity in RENAMES:
        counts = [entity_supply(a, entity) for a in group]
        key = (sum(1 for c in counts if c), sum(counts), entity)
        if key[1] >= 3 and (best is None or key[:2] > best[:2]):
            best = key
    return best


def affinity(a: Article, b: Article, idf: dict[str, float]) -> float:
    """How plausibly two articles read as one story: shared categories, title words and
    renameable entities."""
    shared = set(a.categories) & set(b.categories)
    score = sum(idf[c] for c in shared)
    score += 1.5 * len(topic_words(a.title) & topic_words(b.title))
    score += sum(0.5 for e in RENAMES if entity_supply(a, e) and entity_supply(b, e))
    return score


def choose_groups(
    articles: Sequence[Article], count: int, rng: random.Random
) -> list[list[Article]]:
    """Greedy: the best-scoring disjoint groups of 2-4 related articles."""
    usable = [a for a in articles if len(candidate_pieces(a)) >= 2]
    df = Counter(c for a in usable for c in set(a.categories))
    idf = {c: math.log(len(usable) / n) for c, n in df.items()}
    proposals: list[tuple[float, list[Article]]] = []
    for anchor in usable:
        ranked = sorted(
            (a for a in usable if a.id != anchor.id),
            key=lambda a: (-affinity(anchor, a, idf), a.id),
        )
        size = rng.choice((1, 2, 3))
        partners = [a for a in ranked[:size] if affinity(anchor, a, idf) >= 1.5]
        if not partners:
            continue
        group = [anchor, *partners]
        pairs = list(itertools.combinations(group, 2))
        score = sum(affinity(x, y, idf) for x, y in pairs) / len(pairs)
        entity = best_entity(group)
        if entity is None:
            continue  # every composite gets a renaming rule to detect
        proposals.append((score + 0.8 * len(group) + 0.5 * entity[0], group))
    proposals.sort(key=lambda p: (-p[0], p[1][0].id))
    groups: list[list[Article]] = []
    used: set[str] = set()
    for _, group in proposals:
        if any(a.id in used for a in group):
            continue
        groups.append(group)
        used.update(a.id for a in group)
        if len(groups) == count:
            break
    return groups


def pick_entity(group: Sequence[Article]) -> str | None:
    """The renameable entity best supplied by the group's candidate pieces, if any."""
    best = best_entity(group)
    return best[2] if best else None


def pick_pieces(group: Sequence[Article], entity: str | None, rng: random.Random) -> list[Piece]:
    """2-3 pieces from each article; with an entity, enough pieces to mention it 3+ times.

    The anchor's first good sentence leads; the other pieces are shuffled.
    """
    chosen: dict[str, list[tuple[int, int]]] = {a.id: [] for a in group}
    candidates = {a.id: candidate_pieces(a) for a in group}
    anchor = group[0]
    chosen[anchor.id].append(candidates[anchor.id][0])

    def free(article: Article) -> list[tuple[int, int]]:
        taken = chosen[article.id]
        return [c for c in candidates[article.id] if all(c[1] <= s or c[0] >= e for s, e in taken)]

    def mentions(article: Article, span: tuple[int, int]) -> int:
        return len(find_mentions(article.text[span[0] : span[1]], entity)) if entity else 0

    if entity:
        total = sum(mentions(anchor, span) for span in chosen[anchor.id])
        options = [(a, span) for a in group for span in candidates[a.id] if mentions(a, span)]
        rng.shuffle(options)
        options.sort(key=lambda option: -mentions(*option))
        for article, span in options:
            if total >= 4:
                break
            if span in free(article) and len(chosen[article.id]) < 4:
                chosen[article.id].append(span)
                total += mentions(article, span)
    for article in group:
        wanted = rng.randint(2, 3)
        while len(chosen[article.id]) < wanted and free(article):
            chosen[article.id].append(rng.choice(free(article)))
    pieces = [Piece(a, s, e) for a in group for s, e in chosen[a.id]]
    lede, rest = pieces[0], pieces[1:]
    rng.shuffle(rest)
    return [lede, *rest]


def truncate_one(pieces: Sequence[Piece], entity: str | None, rng: random.Random) -> None:
    """Cut the head of the first sentence of one piece (never the lede), preferring a piece
    that does not mention the renamed entity."""
    options = list(pieces[1:])
    rng.shuffle(options)
    if entity:
        options.sort(key=lambda piece: len(find_mentions(piece.source, entity)))
    for piece in options:
        first_end = next(e for s, e in piece.article.sentences if s == piece.start)
        cut = truncation_point(piece.article.text[piece.start : first_end], rng)
        removed = piece.article.text[piece.start : piece.start + (cut or 0)]
        if cut is not None and not (entity and find_mentions(removed, entity)):
            piece.truncated_from = piece.start
            piece.start += cut
            return


def apply_rename(pieces: Sequence[Piece], entity: str, rng: random.Random) -> dict[str, object]:
    """Rename every mention of ``entity`` but one (chosen at random, never the first)."""
    mentions = [
        (piece, piece.start + s, piece.start + e)
        for piece in pieces
        for s, e in find_mentions(piece.source, entity)
    ]
    missed = rng.randrange(1, len(mentions)) if len(mentions) > 1 else None
    for index, (piece, start, end) in enumerate(mentions):
        if index != missed:
            piece.edits.append(Edit("rename", start, end, RENAMES[entity]))
    applied = len(mentions) - (1 if missed is not None else 0)
    return {"from": entity, "to": RENAMES[entity], "applied": applied, "mentions": len(mentions)}


def apply_synonyms(pieces: Sequence[Piece], rng: random.Random) -> None:
    """Swap 2-5 words (at most two a piece), away from renamed spans."""
    options: list[tuple[Piece, int, int, str]] = []
    for piece in pieces:
        quoted = [m.span() for m in re.finditer(r'"[^"]*"', piece.source)]
        for s, e, to in find_synonyms(piece.source):
            if any(qs < s < qe for qs, qe in quoted):
                continue  # quotations are left alone
            start, end = piece.start + s, piece.start + e
            if all(end <= x.start or start >= x.end for x in piece.edits):
                options.append((piece, start, end, to))
    rng.shuffle(options)
    wanted = rng.randint(2, 5)
    per_piece: Counter[int] = Counter()
    for piece, start, end, to in options:
        if per_piece[id(piece)] >= 2 or sum(per_piece.values()) >= wanted:
            continue
        piece.edits.append(Edit("synonym", start, end, to))
        per_piece[id(piece)] += 1


# --------------------------------------------------------------------------------------------
# Building one composite and its truth
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Composite:
    id: str
    text: str
    truth: dict[str, Any]


def _span(start: int, text: str) -> dict[str, object]:
    return {"start": start, "end": start + len(text), "text": text}


def make_headline(group: Sequence[Article], rng: random.Random) -> str:
    anchor = group[0]
    shared = [c for c in anchor.categories if all(c in a.categories for a in group[1:])]
    topic = shared[0] if shared else anchor.categories[0] if anchor.categories else "News"
    # Like the seed's wire headline, the headline escapes the renaming rule.
    return rng.choice(HEADLINE_PATTERNS).format(topic=topic, title=anchor.title)


def build_composite(
    number: int, group: Sequence[Article], byline: str, rng: random.Random
) -> Composite:
    entity = pick_entity(group)
    pieces = pick_pieces(group, entity, rng)
    truncate_one(pieces, entity, rng)
    renames = []
    if entity and sum(len(find_mentions(p.source, entity)) for p in pieces) >= 3:
        renames.append(apply_rename(pieces, entity, rng))
    apply_synonyms(pieces, rng)

    headline = make_headline(group, rng)
    parts: list[str] = []
    cursor = 0

    def add(chunk: str) -> int:
        nonlocal cursor
        start = cursor
        parts.append(chunk)
        cursor += len(chunk)
        return start

    headline_start = add(headline)
    add("\n")
    byline_text = f"By {byline}"
    byline_start = add(byline_text)
    add("\n\n")
    piece_truth: list[dict[str, object]] = []
    for piece in pieces:
        rendered = piece.render()
        query_start = add(rendered)
        add("\n\n")
        piece_truth.append(_piece_truth(piece, query_start))
    boilerplate = []
    for line in BOILERPLATE:
        line_text = line.format(byline=byline)
        boilerplate.append(_span(add(line_text), line_text))
        add("\n")
    text = "".join(parts)

    composite_id = f"composite-{number:02d}"
    sources = []
    for article in group:
        used = sum(1 for p in pieces if p.article is article)
        sources.append({"id": article.id, "title": article.title, "pieces": used})
    truth: dict[str, Any] = {
        "id": composite_id,
        "file": f"{composite_id}.txt",
        "length": len(text),
        "showcase": False,
        "headline": _span(headline_start, headline),
        "byline": _span(byline_start, byline_text),
        "sources": sources,
        "renames": renames,
        "pieces": piece_truth,
        "boilerplate": boilerplate,
    }
    return Composite(composite_id, text, truth)


def _piece_truth(piece: Piece, query_start: int) -> dict[str, object]:
    transformations: list[dict[str, object]] = []
    shift = query_start - piece.start  # query offset minus source offset, so far
    for edit in sorted(piece.edits, key=lambda e: e.start):
        to_start = edit.start + shift
        transformations.append(
            {
                "type": edit.type,
                "from": piece.article.text[edit.start : edit.end],
                "to": edit.to,
                "query_start": to_start,
                "query_end": to_start + len(edit.to),
                "source_start": edit.start,
                "source_end": edit.end,
            }
        )
        shift += len(edit.to) - (edit.end - edit.start)
    if piece.truncated_from is not None:
        transformations.append(
            {
                "type": "truncation",
                "removed": piece.article.text[piece.truncated_from : piece.start],
                "source_start": piece.truncated_from,
                "source_end": piece.start,
            }
        )
    edits = [{"from": t["from"], "to": t["to"]} for t in transformations if "to" in t]
    return {
        "query_start": query_start,
        "query_end": query_start + len(piece.render()),
        "source_id": piece.article.id,
        "source_start": piece.start,
        "source_end": piece.end,
        "kind": "rewritten" if edits else "verbatim",
        "edits": edits,
        "transformations": sorted(transformations, key=lambda t: int(t["source_start"])),
    }


# --------------------------------------------------------------------------------------------
# Checks and selection
# --------------------------------------------------------------------------------------------


def verify(text: str, truth: dict[str, Any], sources: dict[str, str]) -> None:
    """Assert that every recorded span is consistent with the texts."""
    assert truth["length"] == len(text)
    for key in ("headline", "byline"):
        span = truth[key]
        assert text[span["start"] : span["end"]] == span["text"], key
    for span in truth["boilerplate"]:
        assert text[span["start"] : span["end"]] == span["text"]
    previous_end = 0
    for piece in truth["pieces"]:
        source = sources[piece["source_id"]]
        q0, q1, s0, s1 = (
            piece[k] for k in ("query_start", "query_end", "source_start", "source_end")
        )
        assert previous_end <= q0 < q1 <= len(text) and 0 <= s0 < s1 <= len(source)
        previous_end = q1
        query, original = text[q0:q1], source[s0:s1]
        edits = [t for t in piece["transformations"] if t["type"] != "truncation"]
        if not edits:
            assert query == original, (query, original)
        rebuilt = original
        for t in sorted(edits, key=lambda t: t["source_start"], reverse=True):
            assert source[t["source_start"] : t["source_end"]] == t["from"]
            assert text[t["query_start"] : t["query_end"]] == t["to"]
            assert s0 <= t["source_start"] < t["source_end"] <= s1
            assert q0 <= t["query_start"] < t["query_end"] <= q1
            rebuilt = rebuilt[: t["source_start"] - s0] + t["to"] + rebuilt[t["source_end"] - s0 :]
        assert rebuilt == query, (rebuilt, query)
        for t in piece["transformations"]:
            if t["type"] == "truncation":
                assert t["source_end"] == s0 and source[t["source_start"] : s0] == t["removed"]


def showcase_score(truth: dict[str, Any]) -> tuple[int, ...]:
    """Prefer many sources, a rename that missed a mention, a truncation and synonym swaps,
    and about seven pieces."""
    pieces = truth["pieces"]
    kinds = {t["type"] for p in pieces for t in p["transformations"]}
    partial_rename = any(0 < r["applied"] < r["mentions"] for r in truth["renames"])
    return (
        min(len({p["source_id"] for p in pieces}), 4),
        int(partial_rename),
        int("truncation" in kinds),
        int("synonym" in kinds),
        -abs(len(pieces) - 7),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=DEFAULT_INPUT)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    args = parser.parse_args(argv)

    articles = load_articles(args.input)
    rng = random.Random(args.seed)
    groups = choose_groups(articles, args.count, rng)
    if len(groups) < args.count:
        print(f"only {len(groups)} groups of related articles found", file=sys.stderr)
    bylines = rng.sample(BYLINES, k=min(len(BYLINES), len(groups)))
    composites = [
        build_composite(n, group, bylines[(n - 1) % len(bylines)], rng)
        for n, group in enumerate(groups, start=1)
    ]
    showcase = max(composites, key=lambda c: showcase_score(c.truth))
    showcase.truth["showcase"] = True

    sources = {a.id: a.text for a in articles}
    args.output.mkdir(parents=True, exist_ok=True)
    for old in args.output.glob("composite-*.txt"):
        old.unlink()
    lines = []
    for composite in composites:
        verify(composite.text, composite.truth, sources)
        path = args.output / f"{composite.id}.txt"
        path.write_text(composite.text, encoding="utf-8", newline="\n")
        # What is on disk must be what the truth describes.
        assert path.read_text(encoding="utf-8") == composite.text
        lines.append(json.dumps(composite.truth, ensure_ascii=False) + "\n")
        shown = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
        print(
            f"{shown}: {len(composite.text)} chars, {len(composite.truth['pieces'])} pieces "
            f"from {len(composite.truth['sources'])} articles"
            f"{' (showcase)' if composite is showcase else ''}"
        )
    (args.output / "truth.jsonl").write_text("".join(lines), encoding="utf-8", newline="\n")
    shutil.copyfile(args.output / f"{showcase.id}.txt", args.output / "showcase.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
