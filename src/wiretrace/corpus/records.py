"""The records corpus mode writes, as typed dictionaries.

They are the rows of ``pairs``, ``families``, ``outlets`` and ``drift`` (Parquet and JSONL;
:mod:`wiretrace.corpus.schema` gives their Arrow types), made by
:func:`wiretrace.corpus.kernels.pair_record`, :func:`~wiretrace.corpus.kernels.family_record`,
:meth:`~wiretrace.corpus.kernels.OutletTally.records` and
:func:`wiretrace.corpus.drift.family_drift`, and read back by the engines and the report. The
names, one per concept, are listed in ``docs/corpus-outputs.md``; :mod:`wiretrace.corpus.legacy`
reads folders written under the older names. Dictionaries, not dataclasses: the engines hand
them to Arrow and to Spark rows as they are.
"""

from __future__ import annotations

from typing import Literal, TypedDict

__all__ = [
    "Direction",
    "DriftRecord",
    "DriftValue",
    "EditRecord",
    "FamilyRecord",
    "OutletRecord",
    "PairRecord",
    "PassageRecord",
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
    """One reuse pair (``a_idx < b_idx``); see :func:`wiretrace.corpus.kernels.pair_record`."""

    pair_id: str
    a_document_id: str
    b_document_id: str
    a_idx: int
    b_idx: int
    a_outlet: str
    b_outlet: str
    a_published_at: str | None
    b_published_at: str | None
    direction: Direction
    source_document_id: str | None
    copy_document_id: str | None
    same_time: bool
    shared_fingerprints: int
    passage_count: int
    a_shared_chars: int
    b_shared_chars: int
    a_length: int
    b_length: int
    score: float
    kind: str
    passages: list[PassageRecord]


class TimelineRecord(TypedDict):
    """One document of a reuse family, in time order."""

    order: int
    document_id: str
    title: str | None
    outlet: str
    published_at: str | None


class FamilyRecord(TypedDict):
    """A reuse family: documents linked by shared passages (see
    :func:`wiretrace.corpus.kernels.family_record`)."""

    family_id: str
    document_count: int
    outlet_count: int
    first_document_id: str | None
    first_outlet: str | None
    first_tied: bool
    undated_count: int
    first_published_at: str | None
    last_published_at: str | None
    timeline: list[TimelineRecord]


class UpstreamRecord(TypedDict):
    """An outlet another one took text from: characters taken, and their share of all it
    took."""

    outlet: str
    reused_chars: int
    share: float


class OutletRecord(TypedDict):
    """One outlet's reuse figures (see :meth:`wiretrace.corpus.kernels.OutletTally.records`)."""

    outlet: str
    document_count: int
    dated_document_count: int
    text_chars: int
    share_reused_from_others: float
    share_reused_by_others: float
    share_shared_undated: float
    originality: float | None
    reusing_document_count: int
    top_upstream: list[UpstreamRecord]


class DriftValue(TypedDict):
    """One family member's wording of a fact, with its outlet and time; ``changed`` when it
    differs from the first member's."""

    document_id: str
    outlet: str
    published_at: str | None
    wording: str
    changed: bool


class DriftRecord(TypedDict):
    """A fact of a reuse family that its members state differently (see
    :func:`wiretrace.corpus.drift.family_drift`): the fact is the first member's wording at
    ``origin_start``-``origin_end`` of ``origin_document_id``; ``values`` are in time order;
    the first member that changed it is named."""

    family_id: str
    fact_id: str
    type: str
    origin_document_id: str
    origin_start: int
    origin_end: int
    origin_wording: str
    values: list[DriftValue]
    first_changed_document_id: str
    first_changed_outlet: str
    first_changed_published_at: str | None
    first_changed_wording: str
