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

Drift composites
----------------
A *drift composite* (:class:`DriftComposite`) is a spun composite into which
``research/composites/drifting.py`` also injected typed fact changes (:class:`FactChange`):
a changed number, date, entity, quote, speaker or polarity, with its wording on both sides,
its span in the composite and its source document and span. A fact change with
``changed=False`` is the same fact in other words ("80,000" -> "80 thousand", "24 April" ->
"April 24"): spin a report must *not* call a change. The spin changes stay in the sentences'
:attr:`InsertedSentence.changes`; the fact changes are kept beside them, in
:attr:`DriftComposite.facts`, so a sentence's query text is its source span with both applied.
Scoring is in :mod:`wiretrace.eval.drift`.
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
    "DEFAULT_DRIFT_COUNT",
    "DEFAULT_SEED",
    "FACT_TYPES",
    "Article",
    "Change",
    "DriftComposite",
    "DriftSet",
    "FactChange",
    "FactType",
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
DEFAULT_DRIFT_COUNT = 480

FactType = Literal["number", "date", "entity", "quote", "attribution", "negation"]
FACT_TYPES: tuple[FactType, ...] = ("number", "date", "entity", "quote", "attribution", "negation")
"""The edit types that change a fact (the values of :class:`wiretrace.model.EditType` that are
neither ``rename``, ``synonym`` nor ``other``)."""


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


@dataclass(frozen=True, slots=True)
class FactChange:
    """One injected fact change: ``old`` at ``source`` of ``source_id`` became ``new`` at
    ``query`` (the composite). ``changed`` is False for the same value in other words."""

    type: FactType
    old: str
    new: str
    query: Span
    source: Span
    source_id: str
    changed: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "from": self.old,
            "to": self.new,
            "changed": self.changed,
            "query_start": self.query.start,
            "query_end": self.query.end,
            "source_id": self.source_id,
            "source_start": self.source.start,
            "source_end": self.source.end,
        }

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> FactChange:
        """The inverse of :meth:`to_dict`."""
        return FactChange(
            d["type"],
            d["from"],
            d["to"],
            Span(d["query_start"], d["query_end"]),
            Span(d["source_start"], d["source_end"]),
            d["source_id"],
            d["changed"],
        )


@dataclass(frozen=True, slots=True)
class DriftComposite:
    """A spun composite with fact changes injected beside its spin (see the module docstring)."""

    composite: SpunComposite
    facts: tuple[FactChange, ...] = ()

    @property
    def id(self) -> str:
        return self.composite.id

    @property
    def text(self) -> str:
        return self.composite.text

    @property
    def changed(self) -> tuple[FactChange, ...]:
        """The fact changes that change a fact (not the same value in other words)."""
        return tuple(f for f in self.facts if f.changed)

    @property
    def spin_only(self) -> bool:
        """Whether no fact changed (equal-value rewrites are spin)."""
        return not self.changed

    def to_dict(self) -> dict[str, Any]:
        return {**self.composite.to_dict(), "facts": [f.to_dict() for f in self.facts]}

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> DriftComposite:
        """The inverse of :meth:`to_dict`."""
        return DriftComposite(
            SpunComposite.from_dict(d), tuple(FactChange.from_dict(f) for f in d["facts"])
        )


@dataclass(frozen=True, slots=True)
class DriftSet:
    """Documents to index and drift composites to trace."""

    documents: tuple[Document, ...]
    composites: tuple[DriftComposite, ...]
    seed: int
    distractors: int


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
