"""The records corpus mode writes, as typed dictionaries.

They are the rows of ``pairs``, ``stories`` and ``outlets`` (Parquet and JSONL;
:mod:`wiretrace.corpus.schema` gives their Arrow types), made by
:func:`wiretrace.corpus.kernels.pair_record`, :func:`~wiretrace.corpus.kernels.story_record` and
:meth:`~wiretrace.corpus.kernels.OutletTally.records`, and read back by the engines and the
report. Dictionaries, not dataclasses: the engines hand them to Arrow
and to Spark rows as they are.
"""

from __future__ import annotations

from typing import Literal, TypedDict

__all__ = [
    "Direction",
    "DriftRecord",
    "DriftValue",
    "EditRecord",
    "OutletRecord",
    "PairRecord",
    "PassageRecord",
    "StoryRecord",
    "TimelineRecord",
    "UpstreamRecord",
]

Direction = Literal["a_to_b", "b_to_a", "unknown"]

# "from" is a keyword, hence the functional form. ``type`` is the edit's type
# (:class:`wiretrace.model.EditType`); the spans locate "to" in document a and "from" in
# document b (None for an edit made without its texts).
EditRecord = TypedDict(
    "EditRecord",
    {
        "from": str,
        "to": str,
        "type": str,
        "a_start": int | None,
        "a_end": int | None,
        "b_start": int | None,
        "b_end": int | None,
    },
)


class PassageRecord(TypedDict):
    """One aligned passage of a pair: ``a`` is the query side, ``b`` the source side."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    score: float
    kind: str
    edits: list[EditRecord]


class PairRecord(TypedDict):
    """One reuse pair (``idx_a < idx_b``); see :func:`wiretrace.corpus.kernels.pair_record`."""

    pair_id: str
    doc_a: str
    doc_b: str
    idx_a: int
    idx_b: int
    outlet_a: str
    outlet_b: str
    published_a: str | None
    published_b: str | None
    direction: Direction
    source_doc: str | None
    target_doc: str | None
    same_time: bool
    shared_fingerprints: int
    n_passages: int
    a_chars: int
    b_chars: int
    a_length: int
    b_length: int
    score: float
    kind: str
    passages: list[PassageRecord]


class TimelineRecord(TypedDict):
    """One document of a story family, in time order."""

    order: int
    doc_id: str
    title: str | None
    outlet: str
    published_at: str | None


class StoryRecord(TypedDict):
    """A story family (see :func:`wiretrace.corpus.kernels.story_record`)."""

    story_id: str
    size: int
    outlets: int
    first_doc: str | None
    first_outlet: str | None
    first_published: str | None
    first_tied: bool
    undated: int
    start: str | None
    end: str | None
    timeline: list[TimelineRecord]


class UpstreamRecord(TypedDict):
    """An outlet another one took text from: characters taken, and their share of all it
    took."""

    outlet: str
    chars: int
    share: float


class OutletRecord(TypedDict):
    """One outlet's reuse figures (see :meth:`wiretrace.corpus.kernels.OutletTally.records`)."""

    outlet: str
    documents: int
    dated_documents: int
    chars: int
    share_reused_from_others: float
    share_reused_by_others: float
    share_shared_undated: float
    originality: float | None
    documents_reusing: int
    top_upstream: list[UpstreamRecord]


class DriftValue(TypedDict):
    """One story member's wording of a fact, with its outlet and time; ``changed`` when it
    differs from the first member's."""

    doc_id: str
    outlet: str
    published_at: str | None
    wording: str
    changed: bool


class DriftRecord(TypedDict):
    """A fact of a story that its members state differently (see
    :func:`wiretrace.corpus.drift.story_drift`): the slot is the first member's wording at
    ``origin_start``-``origin_end`` of ``origin_doc``; ``values`` are in time order; the first
    member that changed it is named."""

    story_id: str
    slot_id: str
    type: str
    origin_doc: str
    origin_start: int
    origin_end: int
    original: str
    values: list[DriftValue]
    first_changed_doc: str
    first_changed_outlet: str
    first_changed_at: str | None
    changed_to: str
