"""The typed, immutable data model that flows through wiretrace.

Every stage takes and returns these frozen dataclasses; no stage fills in a mutable record.
Offsets are Python string indices into the text exactly as it was given (after decoding,
before any normalisation), half-open: ``text[start:end]``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

SCHEMA_VERSION = "2.0"


class PassageKind(StrEnum):
    """How a passage of the query relates to its source.

    - ``verbatim``: the normalised word sequences are identical.
    - ``near_verbatim``: small edits only (a few words changed, OCR-like damage).
    - ``rewritten``: entity renaming, synonym swaps or reordering inside sentences.
    - ``paraphrase``: same content in different words.
    """

    VERBATIM = "verbatim"
    NEAR_VERBATIM = "near_verbatim"
    REWRITTEN = "rewritten"
    PARAPHRASE = "paraphrase"


@dataclass(frozen=True, slots=True)
class Document:
    """One article: its text and the metadata provenance depends on.

    ``source`` is the outlet (site name or feed title). ``author`` is the byline when the input
    has one. ``crawled_at`` is when a crawler fetched the page (the WARC date), an upper bound
    on the publication time, kept apart from ``published_at``.
    """

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published_at: str | None = None
    language: str | None = None
    author: str | None = None
    crawled_at: str | None = None


@dataclass(frozen=True, slots=True)
class Appearance:
    """One place a stored text appeared: an id with its own URL, outlet and time.

    Exact duplicates (the same normalised text under several ids) are stored once; each id
    that carried the text is an appearance of that one stored document (``document_id``).
    The stored document's own id is an appearance too, so the appearances of a text list
    every outlet that had it, and their times say who had it first.
    """

    id: str
    document_id: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published_at: str | None = None
    language: str | None = None
    author: str | None = None
    crawled_at: str | None = None


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` of some text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def intersects(self, other: Span) -> bool:
        """Whether the two spans share a character."""
        return self.start < other.end and other.start < self.end

    def meets(self, other: Span) -> bool:
        """Whether the two spans share a character, an empty span (an insertion point)
        counting where it stands: inside the other or at one of its edges."""
        if self.start == self.end or other.start == other.end:
            return self.start <= other.end and other.start <= self.end
        return self.intersects(other)

    def overlap(self, others: Iterable[Span]) -> int:
        """Characters of this span inside the ``others``, counted once per other span."""
        return sum(max(0, min(self.end, o.end) - max(self.start, o.start)) for o in others)

    @staticmethod
    def union_length(spans: Iterable[Span]) -> int:
        """Number of characters covered by at least one of the spans."""
        total = 0
        end = -1
        for span in sorted(spans, key=lambda s: s.start):
            if span.start >= end:
                total += len(span)
                end = span.end
            elif span.end > end:
                total += span.end - end
                end = span.end
        return total


class EditType(StrEnum):
    """What an edit changes (``DESIGN.md``).

    - ``rename``: another name of the same entity (``Russia`` -> ``Russian Federation``);
    - ``synonym``: a word swapped for one of the same meaning;
    - ``number``, ``date``: a different number or date in the same slot (fact drift);
    - ``entity``: a different person, place or organisation in the same slot (``Kim Jong Un``
      -> ``Kim Jong Il``);
    - ``quote``, ``attribution``, ``negation``: a changed quotation, speaker or polarity;
    - ``other``: any other word change.
    """

    RENAME = "rename"
    SYNONYM = "synonym"
    NUMBER = "number"
    DATE = "date"
    ENTITY = "entity"
    QUOTE = "quote"
    ATTRIBUTION = "attribution"
    NEGATION = "negation"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Edit:
    """A word-level change from the source to the query (``from`` -> ``to``), with its type.

    ``source_span`` and ``query_span`` locate the two wordings in the source's and the query's
    text (the texts a passage's own spans index); an inserted or deleted wording has an empty
    span where it would stand. They are None for an edit made without its texts.
    """

    source: str
    query: str
    type: EditType = EditType.OTHER
    source_span: Span | None = None
    query_span: Span | None = None

    def moved(self, query_offset: int) -> Edit:
        """The edit with its query span moved by ``query_offset`` (a window's start)."""
        if self.query_span is None or not query_offset:
            return self
        span = Span(self.query_span.start + query_offset, self.query_span.end + query_offset)
        return Edit(self.source, self.query, self.type, self.source_span, span)


@dataclass(frozen=True, slots=True)
class Alignment:
    """A local alignment between two texts, in character offsets of each original text."""

    query: Span
    source: Span
    score: float
    edits: tuple[Edit, ...] = ()
    identical: bool = False
    sentence_level: bool = False
    cosine: float | None = None


@dataclass(frozen=True, slots=True)
class Passage:
    """An aligned passage of the query attributed to one source document.

    ``source_field`` says which text of the source ``source`` indexes: its ``text`` or its
    ``title`` (a headline copied from a page whose body does not repeat it). ``confidence``
    is the estimated probability that this source really is where the text came from
    (:mod:`wiretrace.confidence`).
    """

    query: Span
    source_id: str
    source: Span
    score: float
    kind: PassageKind
    edits: tuple[Edit, ...] = ()
    confidence: float = 0.0
    source_field: str = "text"


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """A source document that contributed passages, with its share of the query."""

    document: Document
    coverage: float
    passages: int


@dataclass(frozen=True, slots=True)
class FactChange:
    """A fact that differs between a source and the query: a number, date, name, quotation,
    speaker or polarity (``type``), the source's wording and the query's, where each stands
    (``source_span`` indexes the source's ``source_field``: its text, or its title), and the
    source's id and date."""

    type: EditType
    source_wording: str
    query_wording: str
    query_span: Span
    source_span: Span | None
    source_id: str
    source_published_at: str | None
    source_field: str = "text"


@dataclass(frozen=True, slots=True)
class Signal:
    """An integrity or spin signal about the query text; a ``fact_drift`` signal carries its
    changed fact as ``fact``."""

    type: str
    detail: str
    span: Span | None = None
    fact: FactChange | None = None


@dataclass(frozen=True, slots=True)
class Trace:
    """The full answer for one query document.

    - ``passages`` and ``sources`` hold only documents that may have come before the query;
      stored documents dated after it (later copies of the text, or of a common source) are
      in ``later_passages`` and ``later``, never among the sources.
    - ``earliest_sources`` are the sources that no other source certainly precedes, by the
      precision of their dates (:mod:`wiretrace.dates`); ``earliest_source`` is its one id
      when there is exactly one, and None when there is a tie or no dated source.
    - ``direction_checked`` is False when the query has no date: then nothing could be put
      in ``later``, and the sources may include copies of the query.
    - ``hidden_passages`` counts passages left out for a confidence below
      ``min_confidence``.
    """

    query: Document
    coverage: float
    passages: tuple[Passage, ...]
    sources: tuple[SourceSummary, ...]
    earliest_source: str | None
    signals: tuple[Signal, ...] = ()
    candidates_considered: int = 0
    options: dict[str, object] = field(default_factory=dict, hash=False, compare=False)
    later: tuple[SourceSummary, ...] = ()
    later_passages: tuple[Passage, ...] = ()
    earliest_sources: tuple[str, ...] = ()
    direction_checked: bool = False
    min_confidence: float = 0.0
    hidden_passages: int = 0
