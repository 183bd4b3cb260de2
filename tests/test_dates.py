from datetime import datetime

import pytest

from wiretrace.dates import is_iso8601, parse_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-04-23", datetime(2019, 4, 23)),
        ("2019-04-23T10:00:00", datetime(2019, 4, 23, 10)),
        ("2019-04-23T10:00:00Z", datetime(2019, 4, 23, 10)),
        (" 2019-04-23T12:30:00+02:00 ", datetime(2019, 4, 23, 10, 30)),
        ("2019-04-22T23:00:00-05:00", datetime(2019, 4, 23, 4)),
        ("", None),
        (None, None),
        ("23 April 2019", None),
        ("2019-13-01", None),
    ],
)
def test_parse_date_reads_iso8601_as_naive_utc(
    value: str | None, expected: datetime | None
) -> None:
    assert parse_date(value) == expected


def test_is_iso8601_agrees_with_parse_date() -> None:
    assert is_iso8601("2005-01-09T12:00:00Z")
    assert not is_iso8601("Sun, 09 Jan 2005 12:00:00 GMT")
    assert not is_iso8601("")
