"""Publication times: the one reading of ISO 8601 that every stage shares.

Readers check dates with :func:`is_iso8601`; the index, ``trace`` and corpus mode order
documents by :func:`parse_date`, so a date that one stage accepts is the same instant in all.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["is_iso8601", "parse_date"]


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
