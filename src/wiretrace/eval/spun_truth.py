"""The truth of a spun composite: what :func:`wiretrace.eval.spun.score_spun` reads.

A spun composite is a made-up content-farm article whose sentences were lifted from BBC News
articles and spun (renamed entities, swapped synonyms, truncated heads). The generator lives
outside the wheel, in ``research/composites/spinning.py`` (its module docstring describes how
composites are made); this module holds what the generator hands to the scorer.

The truth of each inserted sentence (:class:`InsertedSentence`) has its span in the composite,
its source document and the span of the sentence *as it is in the source* (for a truncated
sentence, the span of the kept tail), and every change (:class:`Change`) with its spans on both
sides.

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

Scoring is in :mod:`wiretrace.eval.spun`.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from wiretrace.errors import CorpusError
from wiretrace.model import Document, Span
from wiretrace.text.sentences import split_sentences

__all__ = [
    "BBC_FILE",
    "DEFAULT_COUNT",
    "DEFAULT_DISTRACTORS",
    "DEFAULT_SEED",
    "Article",
    "Change",
    "InsertedSentence",
    "RenameRule",
    "SpunComposite",
    "SpunSet",
    "load_bbc",
]

BBC_FILE = Path("bbc-news") / "bbc_news.jsonl.gz"
DEFAULT_SEED = 20050314
DEFAULT_COUNT = 200
DEFAULT_DISTRACTORS = 300


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
