"""Publication times: the one reading of ISO 8601 that every stage shares.

Readers check dates with :func:`is_iso8601`; the index and corpus mode order documents by
:func:`parse_date`, so a date that one stage accepts is the same instant in all.

Who had a text first is decided with the precision each date states (:func:`parse_moment`,
:func:`certainly_before`): a bare date is a whole day in an unknown zone, a time without a zone
is a time in an unknown zone, and only a zoned time is one instant. Two dates whose order
their precision cannot settle are a tie, never broken by guesswork.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import IntEnum

__all__ = [
    "Moment",
    "Precision",
    "certainly_before",
    "implausible",
    "is_iso8601",
    "parse_date",
    "parse_moment",
]


def parse_date(value: str | None) -> datetime | None:
    """An ISO 8601 date or date-time as a naive UTC datetime (no zone means UTC), or None when
    absent or not ISO 8601. A trailing ``Z`` is read as UTC."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def is_iso8601(value: str) -> bool:
    """Whether ``value`` is an ISO 8601 date or date-time (see :func:`parse_date`)."""
    return parse_date(value) is not None


# How far a local time may lie from UTC: zones run from UTC-12 to UTC+14.
_ZONE_WEST = timedelta(hours=12)
_ZONE_EAST = timedelta(hours=14)
# Before this, or after now, a date is kept but flagged (likely a parsing or typing error).
EARLIEST_PLAUSIBLE = datetime(1900, 1, 1)


class Precision(IntEnum):
    """How much of an instant an ISO 8601 value states, coarsest first."""

    DATE = 1  # "2019-04-23": a calendar day, zone unknown
    LOCAL_TIME = 2  # "2019-04-23T16:43": a time of day, zone unknown
    ZONED_TIME = 3  # "2019-04-23T16:43Z", "...+09:00": one instant


@dataclass(frozen=True, slots=True)
class Moment:
    """A publication time as precise as its text says.

    ``day`` is the calendar day as written (for a zoned time: the UTC day); ``utc`` is the
    instant read as UTC (for a date: its midnight), used only where the precision allows.
    """

    utc: datetime
    day: date
    precision: Precision


def parse_moment(value: str | None) -> Moment | None:
    """An ISO 8601 value with its precision (:class:`Precision`), or None when absent or not
    ISO 8601."""
    if not value:
        return None
    text = value.strip()
    when = parse_date(text)
    if when is None:
        return None
    if "T" not in text and " " not in text:
        return Moment(when, when.date(), Precision.DATE)
    zoned = datetime.fromisoformat(text.replace("Z", "+00:00")).tzinfo is not None
    if zoned:
        return Moment(when, when.date(), Precision.ZONED_TIME)
    return Moment(when, when.date(), Precision.LOCAL_TIME)


def certainly_before(a: Moment, b: Moment) -> bool:
    """Whether ``a`` is before ``b`` whatever the parts their precision leaves open.

    - When either is a bare date, the calendar days decide (a zoned time counts on its UTC
      day): "2019-04-23" is before "2019-04-24T01:00Z", and not before "2019-04-23T16:43Z".
    - Two times of one kind (both zoned, or both without a zone, taken as one zone) compare
      as instants.
    - A time without a zone against a zoned one is certain only when they lie further apart
      than any zone could move the first (12 hours west, 14 east).
    """
    if a.precision is Precision.DATE or b.precision is Precision.DATE:
        return a.day < b.day
    if a.precision == b.precision:
        return a.utc < b.utc
    if a.precision is Precision.LOCAL_TIME:
        return a.utc + _ZONE_WEST < b.utc
    return a.utc + _ZONE_EAST < b.utc


def implausible(moment: Moment, now: datetime | None = None) -> str | None:
    """Why a date is suspicious ("in the future", "before 1900"), or None."""
    if moment.utc < EARLIEST_PLAUSIBLE:
        return "before 1900"
    current = now or datetime.now(UTC).replace(tzinfo=None)
    if moment.utc > current + _ZONE_EAST:
        return "in the future"
    return None


def time_key(published_at: str | None, doc_id: str) -> tuple[int, datetime, str]:
    """The sort key of time order, the one every part of wiretrace uses: dated documents
    first, by UTC time (:func:`parse_date`), then by id; undated ones last, by id."""
    when = parse_date(published_at)
    if when is None:
        return (1, datetime.max, doc_id)
    return (0, when, doc_id)
