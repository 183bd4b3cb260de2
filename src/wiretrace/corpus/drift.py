"""Fact drift across a reuse family: the facts a family's documents state differently, and who
changed each one first (the ``drift`` output of ``wiretrace corpus reuse``).

Every pair of documents of one reuse family carries its passages' typed edits
(:func:`wiretrace.corpus.kernels.edit_row`). An edit of a fact type (:data:`FACT_TYPES`) says
that the two documents word a fact differently at those spans. The fact's *slot* is its place in
the earlier of the two (by :func:`wiretrace.dates.time_key`, so undated documents come last):
its origin document and span. A slot lists every member's wording in time order: the origin's;
each member whose pair with the origin changed it; and each member whose pair with the origin
covers the slot with no fact edit there, which kept the origin's wording. The first member in
time that changed it is named.

A change made by a member that is itself the later side of another change at the same place is
one fact, not two: a slot whose origin span is a changed wording of an earlier member is left
out (that member's slot names the origin).

Pure functions over records; the two engines share them (:func:`wiretrace.corpus.pipeline.
finish`), so their drift tables are the same. Work: two streaming passes over the pairs; memory
holds the fact edits and the slots only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from wiretrace.corpus.kernels import stable_id
from wiretrace.corpus.records import DriftRecord, DriftValue, FamilyRecord
from wiretrace.dates import time_key
from wiretrace.drift.signal import FACT_TYPES
from wiretrace.model import Span

__all__ = ["DRIFT_PAIR_COLUMNS", "family_drift"]

# The pair columns the drift table reads.
DRIFT_PAIR_COLUMNS = ["a_document_id", "b_document_id", "passages"]
_FACT_VALUES = frozenset(t.value for t in FACT_TYPES)

TimeKey = tuple[int, datetime, str]


@dataclass(frozen=True, slots=True)
class _Member:
    family: str
    outlet: str
    published_at: str | None
    order: TimeKey


@dataclass
class _Slot:
    family: str
    type: str
    origin: str
    start: int
    end: int
    original: str
    changed: dict[str, str] = field(default_factory=dict)  # member -> its wording
    kept: set[str] = field(default_factory=set)  # members that kept the original wording


def family_drift(
    families: Sequence[FamilyRecord], pairs: Callable[[], Iterable[Mapping[str, object]]]
) -> list[DriftRecord]:
    """The drift table of ``families``; ``pairs()`` streams the pair records (at least
    :data:`DRIFT_PAIR_COLUMNS`) and is called twice."""
    members = _members(families)
    slots: dict[tuple[str, int, int, str], _Slot] = {}
    later_spans: dict[str, list[Span]] = {}
    for pair, a, b in _family_pairs(pairs(), members):
        for kind, origin, other in _fact_edits(pair, a, b, members):
            key = (origin.doc, origin.start, origin.end, kind)
            slot = slots.get(key)
            if slot is None:
                family = members[origin.doc].family
                slot = _Slot(family, kind, origin.doc, origin.start, origin.end, origin.wording)
                slots[key] = slot
            slot.changed.setdefault(other.doc, other.wording)
            later_spans.setdefault(other.doc, []).append(Span(other.start, other.end))
    slots = {
        k: s
        for k, s in slots.items()
        if not any(Span(s.start, s.end).meets(span) for span in later_spans.get(s.origin, ()))
    }
    by_origin: dict[str, list[_Slot]] = {}
    for s in slots.values():
        by_origin.setdefault(s.origin, []).append(s)
    for pair, a, b in _family_pairs(pairs(), members):
        _mark_kept(pair, a, b, by_origin)
    return [_record(s, members) for s in sorted(slots.values(), key=_slot_order(members))]


def _members(families: Sequence[FamilyRecord]) -> dict[str, _Member]:
    out: dict[str, _Member] = {}
    for family in families:
        for m in family["timeline"]:
            order = time_key(m["published_at"], m["document_id"])
            out[m["document_id"]] = _Member(
                family["family_id"], m["outlet"], m["published_at"], order
            )
    return out


def _family_pairs(
    pairs: Iterable[Mapping[str, object]], members: Mapping[str, _Member]
) -> Iterator[tuple[Mapping[str, object], str, str]]:
    """The pairs whose two documents belong to one family."""
    for pair in pairs:
        a, b = str(pair["a_document_id"]), str(pair["b_document_id"])
        ma, mb = members.get(a), members.get(b)
        if ma is not None and mb is not None and ma.family == mb.family:
            yield pair, a, b


@dataclass(frozen=True, slots=True)
class _Side:
    """One document's wording of an edit, and where it stands."""

    doc: str
    start: int
    end: int
    wording: str


def _fact_edits(
    pair: Mapping[str, object], a: str, b: str, members: Mapping[str, _Member]
) -> Iterator[tuple[str, _Side, _Side]]:
    """Each fact edit of a pair that has a span on both sides, as (type, the earlier document's
    side, the later document's side).

    A fact value one side added or dropped (an edit with a span on one side only, such as a
    figure inserted by the later copy) has no wording to set against the other's: it stays in
    the pair's edits and is not a row of the drift table.
    """
    a_first = members[a].order < members[b].order
    for passage in _passages(pair):
        for edit in _edits(passage):
            kind = edit.get("type")
            if kind not in _FACT_VALUES:
                continue
            if edit.get("a_start") is None or edit.get("b_start") is None:
                continue
            a_side = _Side(a, _int(edit["a_start"]), _int(edit["a_end"]), str(edit["to"]))
            b_side = _Side(b, _int(edit["b_start"]), _int(edit["b_end"]), str(edit["from"]))
            yield (str(kind), a_side, b_side) if a_first else (str(kind), b_side, a_side)


def _mark_kept(
    pair: Mapping[str, object], a: str, b: str, by_origin: Mapping[str, list[_Slot]]
) -> None:
    """Members whose pair with a slot's origin covers the slot with no fact edit on it."""
    for origin, other, side in ((a, b, "a"), (b, a, "b")):
        for slot in by_origin.get(origin, ()):
            if other in slot.changed or other in slot.kept:
                continue
            here = Span(slot.start, slot.end)
            for passage in _passages(pair):
                covered = (_int(passage[f"{side}_start"]), _int(passage[f"{side}_end"]))
                if not (covered[0] <= here.start and here.end <= covered[1]):
                    continue
                if not any(_edit_at(e, side, here) for e in _edits(passage)):
                    slot.kept.add(other)
                break


def _edit_at(edit: Mapping[str, object], side: str, here: Span) -> bool:
    """Whether ``edit`` is a fact edit on ``side`` (a or b) that touches ``here``."""
    start = edit.get(f"{side}_start")
    if edit.get("type") not in _FACT_VALUES or start is None:
        return False
    return here.meets(Span(_int(start), _int(edit[f"{side}_end"])))


def _int(value: object) -> int:
    if not isinstance(value, int):
        raise TypeError(f"expected an integer offset, got {value!r}")
    return value


def _passages(pair: Mapping[str, object]) -> list[Mapping[str, object]]:
    found = pair.get("passages")
    return list(found) if isinstance(found, list) else []


def _edits(passage: Mapping[str, object]) -> list[Mapping[str, object]]:
    found = passage.get("edits")
    return list(found) if isinstance(found, list) else []


def _slot_order(members: Mapping[str, _Member]) -> Callable[[_Slot], tuple[object, ...]]:
    def key(s: _Slot) -> tuple[object, ...]:
        return (s.family, members[s.origin].order, s.start, s.end, s.type)

    return key


def _record(slot: _Slot, members: Mapping[str, _Member]) -> DriftRecord:
    def value(doc: str, wording: str, changed: bool) -> DriftValue:
        m = members[doc]
        return {
            "document_id": doc,
            "outlet": m.outlet,
            "published_at": m.published_at,
            "wording": wording,
            "changed": changed,
        }

    values = [value(slot.origin, slot.original, False)]
    values += [value(d, slot.original, False) for d in slot.kept]
    values += [value(d, w, True) for d, w in slot.changed.items()]
    values.sort(key=lambda v: members[v["document_id"]].order)
    first = next(v for v in values if v["changed"])
    return {
        "family_id": slot.family,
        "fact_id": stable_id(
            "f", slot.family, slot.origin, str(slot.start), str(slot.end), slot.type
        ),
        "type": slot.type,
        "origin_document_id": slot.origin,
        "origin_start": slot.start,
        "origin_end": slot.end,
        "origin_wording": slot.original,
        "values": values,
        "first_changed_document_id": first["document_id"],
        "first_changed_outlet": first["outlet"],
        "first_changed_published_at": first["published_at"],
        "first_changed_wording": first["wording"],
    }
