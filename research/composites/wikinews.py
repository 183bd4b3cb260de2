"""The Wikinews composite generator: content-farm composites for the demo, with their truth.

A composite imitates the page that started wiretrace (``specimens/seed-kim-putin-summit.txt``):
a made-up headline and byline, then sentences and short paragraphs lifted from 2-4 Wikinews
articles on a shared topic, shuffled, lightly spun, and followed by web page boilerplate.
``bench/make_composites.py`` is its command line and describes the files it writes and the
truth format. The spinning, all recorded in the truth:

- **rename**: one entity (a country or organisation whose short name occurs at least three
  times) is replaced by its formal name in every mention but one, as a rewriting rule that
  missed a case would (``Russia -> Russian Federation``);
- **synonym**: a few words swapped from the small list in
  :data:`research.composites.wikinews_text.SYNONYMS`;
- **truncation**: one piece (never the first) loses the head of its first sentence, so it
  starts mid-sentence (the seed had ``-North Korea summit in Vietnam in February``).

:func:`generate` depends only on the articles and the seed; the same inputs give the same
composites. The BBC spun composites of ``wiretrace eval spun`` are made by
:mod:`research.composites.spinning`; the two share their page furniture
(:mod:`research.composites.page`).
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from research.composites.page import BYLINES, WIKINEWS_BOILERPLATE, WIKINEWS_HEADLINES
from research.composites.wikinews_text import (
    RENAMES,
    find_mentions,
    find_synonyms,
    is_good_sentence,
    split_sentences,
    topic_words,
    truncation_point,
)

__all__ = [
    "DEFAULT_COUNT",
    "DEFAULT_SEED",
    "Article",
    "Composite",
    "generate",
    "load_articles",
    "verify",
]

DEFAULT_SEED = 20190423  # the date of the seed specimen's wire headline
DEFAULT_COUNT = 6
# The Wikinews generator takes the first eight bylines of the shared list.
WIKINEWS_BYLINES = BYLINES[:8]


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


_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\w,]|\.\d)|(?<![\w.,])\d{2,}(?![\w,.]\d)")


def apply_fact_change(pieces: Sequence[Piece], rng: random.Random) -> None:
    """Change one number (not a year, not inside a quotation, away from other edits) to half
    as much again, written the same way: fact drift, as when a toll of 80,000 becomes 120,000
    in a copy."""
    options: list[tuple[Piece, int, int, str]] = []
    for piece in pieces:
        quoted = [m.span() for m in re.finditer(r'"[^"]*"', piece.source)]
        for m in _NUMBER.finditer(piece.source):
            digits = m.group().replace(",", "")
            value = int(digits)
            if value < 10 or (1800 <= value <= 2100 and "," not in m.group()):
                continue  # too small to say much, or a year
            if any(qs < m.start() < qe for qs, qe in quoted):
                continue
            start, end = piece.start + m.start(), piece.start + m.end()
            if all(end < x.start or start > x.end for x in piece.edits):
                new = value + value // 2
                options.append((piece, start, end, f"{new:,}" if "," in m.group() else str(new)))
    if options:
        piece, start, end, to = rng.choice(options)
        piece.edits.append(Edit("number", start, end, to))


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
    return rng.choice(WIKINEWS_HEADLINES).format(topic=topic, title=anchor.title)


def build_composite(
    number: int,
    group: Sequence[Article],
    byline: str,
    rng: random.Random,
    drift: random.Random | None = None,
) -> Composite:
    """One composite; with ``drift``, one of its numbers is also changed (the showcase's)."""
    entity = pick_entity(group)
    pieces = pick_pieces(group, entity, rng)
    truncate_one(pieces, entity, rng)
    renames = []
    if entity and sum(len(find_mentions(p.source, entity)) for p in pieces) >= 3:
        renames.append(apply_rename(pieces, entity, rng))
    apply_synonyms(pieces, rng)
    if drift is not None:
        apply_fact_change(pieces, drift)

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
    for line in WIKINEWS_BOILERPLATE:
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
    transformations: list[dict[str, Any]] = []
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
    and about seven pieces. (The showcase then gets a changed number too: see
    :func:`generate`.)"""
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


def generate(
    articles: Sequence[Article], *, count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED
) -> list[Composite]:
    """Up to ``count`` composites (fewer when too few groups of related articles are found),
    each checked against its truth; the best showcase has ``truth["showcase"]`` set."""
    rng = random.Random(seed)
    groups = choose_groups(articles, count, rng)
    bylines = rng.sample(WIKINEWS_BYLINES, k=min(len(WIKINEWS_BYLINES), len(groups)))
    composites: list[Composite] = []
    states = []
    for n, group in enumerate(groups, start=1):
        states.append(rng.getstate())
        composites.append(build_composite(n, group, bylines[(n - 1) % len(bylines)], rng))
    best = max(range(len(composites)), key=lambda i: showcase_score(composites[i].truth))
    # The showcase is made again from the same random state, now with a changed fact (drawn
    # from a stream of its own, so that every other composite stays as it was).
    again = random.Random()
    again.setstate(states[best])
    n = best + 1
    drift = random.Random(seed + 1)
    composites[best] = build_composite(
        n, groups[best], bylines[(n - 1) % len(bylines)], again, drift
    )
    showcase = composites[best]
    showcase.truth["showcase"] = True
    sources = {a.id: a.text for a in articles}
    for composite in composites:
        verify(composite.text, composite.truth, sources)
    return composites
