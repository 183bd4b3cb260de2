"""The records corpus mode writes, as typed dictionaries.

They are the rows of ``pairs.parquet`` and ``pairs.jsonl`` (:mod:`wiretrace.corpus.schema`
gives their Arrow types), made by :func:`wiretrace.corpus.kernels.pair_record` and read back
by the engines and the report. Dictionaries, not dataclasses: the engines hand them to Arrow
and to Spark rows as they are.
"""

from __future__ import annotations

from typing import Literal, TypedDict

__all__ = ["Direction", "EditRecord", "PairRecord", "PassageRecord"]

Direction = Literal["a_to_b", "b_to_a", "unknown"]

# "from" is a keyword, hence the functional form.
EditRecord = TypedDict("EditRecord", {"from": str, "to": str})


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
