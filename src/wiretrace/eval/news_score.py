"""Scoring one traced query of ``wiretrace eval news`` against its truth (pure).

The set and its truth are built by :mod:`wiretrace.eval.news_build`; the runner and the report
are :mod:`wiretrace.eval.news`. Only the :class:`~wiretrace.model.Trace` that ``trace`` returns
is read here: the scoring knows nothing of how it was made.

Characters are the non-white-space characters of the query. For each reported source, the
union of the query spans of its passages is the set of characters attributed to it; a
character attributed to two sources counts twice.

- **Strict precision:** an attributed (character, source) pair is correct only when the source
  is the character's true source (the article it was lifted from, not dated certainly after
  the query). Same-event and same-topic articles, background articles and later-dated copies
  are all wrong.
- **Recall:** of the characters that have a true source, those attributed to it.
- **Headline:** a copied headline whose source may precede the query is found when at least
  half of its characters are attributed to that source (through its title or its text). A
  headline of the query's own (copied from nothing) is *credited* when at least half of its
  characters are attributed to any source.
- **Earliest source:** right when ``earliest_sources`` equals the true set, or when the truth
  is one id and ``earliest_source`` is it.
- **Later-dated sources:** passages in ``passages`` whose source's stored date is certainly
  after the query's date (read from the stored documents, not from ``later``). The trace's
  ``direction_checked`` must be True exactly when the query has a date.
- **Passage label** (for calibration and the dump): 1 when the passage's source is the true
  source of more than half of the passage's characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from wiretrace.dates import certainly_before, parse_moment
from wiretrace.eval.news_build import NewsQuery
from wiretrace.eval.spun import _form
from wiretrace.model import Passage, Span, Trace

__all__ = [
    "QueryScore",
    "expected_calibration_error",
    "label_share",
    "passage_label",
    "score_query",
]

HEADLINE_SHARE = 0.5
LABEL_SHARE = 0.5
WRONG_CLASSES = ("same-event", "same-topic", "other-topic", "background", "later", "true-other")


def _chars(text: str, span: Span) -> set[int]:
    return {i for i in range(span.start, min(span.end, len(text))) if not text[i].isspace()}


@dataclass(frozen=True, slots=True)
class QueryScore:
    """The counts of one traced query; they add up across queries."""

    query_id: str
    split: str
    attributed: int = 0
    correct: int = 0
    wrong: Mapping[str, int] = field(default_factory=dict)
    sourced: int = 0
    recalled: int = 0
    headline: bool | None = None  # None: no headline that may be found
    own_headline_credited: bool | None = None  # None: no headline of the query's own
    earliest_ok: bool | None = None
    later_sources: int = 0
    direction_ok: bool = True  # ``direction_checked`` is True exactly when the query is dated
    later_truth: int = 0  # true sources certainly dated after the query
    later_found: int = 0  # of those, how many are in ``later``
    renames: int = 0
    renames_reported: int = 0
    labels: tuple[tuple[float, int], ...] = ()  # (confidence, label) per passage
    by_transform: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # (sourced, got)


def truth_by_char(query: NewsQuery) -> dict[int, str]:
    """Query character offset -> its true source (only sources that may precede the query)."""
    text = query.document.text
    out: dict[int, str] = {}
    for lift in query.lifts:
        if lift.source_id in query.later:
            continue
        for i in _chars(text, lift.query):
            out[i] = lift.source_id
    return out


def label_share(text: str, passage: Passage, truth: Mapping[int, str]) -> float:
    """The share of the passage's characters whose true source is the passage's source."""
    chars = _chars(text, passage.query)
    right = sum(1 for i in chars if truth.get(i) == passage.source_id)
    return right / len(chars) if chars else 0.0


def passage_label(text: str, passage: Passage, truth: Mapping[int, str]) -> int:
    """1 when the passage's source is the true source of most of its characters."""
    return int(label_share(text, passage, truth) > LABEL_SHARE)


def _wrong_class(
    query: NewsQuery, doc: str, topics: Mapping[str, str], events: Mapping[str, str]
) -> str:
    if doc in query.later:
        return "later"
    if any(lift.source_id == doc for lift in query.lifts):
        return "true-other"  # a true source, credited with text it did not give
    if events.get(doc) == query.event:
        return "same-event"
    if topics.get(doc) == query.topic:
        return "same-topic"
    return "other-topic" if doc in topics else "background"


def later_dated(
    passages: Iterable[Passage], query_date: str | None, dates: Mapping[str, str | None]
) -> int:
    """Passages whose source's stored date is certainly after ``query_date``."""
    q = parse_moment(query_date)
    if q is None:
        return 0
    count = 0
    for p in passages:
        m = parse_moment(dates.get(p.source_id))
        if m is not None and certainly_before(q, m):
            count += 1
    return count


def score_query(
    query: NewsQuery,
    result: Trace,
    dates: Mapping[str, str | None],
    topics: Mapping[str, str],
    events: Mapping[str, str],
) -> QueryScore:
    """Score one trace of ``query`` (see the module docstring)."""
    text = query.document.text
    truth = truth_by_char(query)
    by_source: dict[str, set[int]] = {}
    for p in result.passages:
        by_source.setdefault(p.source_id, set()).update(_chars(text, p.query))
    attributed = correct = 0
    wrong = dict.fromkeys(WRONG_CLASSES, 0)
    for doc, chars in by_source.items():
        attributed += len(chars)
        right = sum(1 for i in chars if truth.get(i) == doc)
        correct += right
        if len(chars) > right:
            wrong[_wrong_class(query, doc, topics, events)] += len(chars) - right
    recalled = sum(1 for i, doc in truth.items() if i in by_source.get(doc, ()))
    headline, own = _headlines(query, by_source)
    earliest_ok: bool | None = None
    if query.earliest:
        earliest_ok = set(result.earliest_sources) == set(query.earliest) or (
            len(query.earliest) == 1 and result.earliest_source in query.earliest
        )
    renames, reported = _renames(query, result)
    by_transform = _by_transform(query, by_source)
    later_ids = {s.document.id for s in result.later} | {p.source_id for p in result.later_passages}
    return QueryScore(
        query.document.id,
        query.split,
        attributed,
        correct,
        {k: v for k, v in wrong.items() if v},
        len(truth),
        recalled,
        headline,
        own,
        earliest_ok,
        later_dated(result.passages, query.document.published_at, dates),
        result.direction_checked == (parse_moment(query.document.published_at) is not None),
        len(query.later),
        len(query.later & later_ids),
        renames,
        reported,
        tuple((p.confidence, passage_label(text, p, truth)) for p in result.passages),
        by_transform,
    )


def _headlines(
    query: NewsQuery, by_source: Mapping[str, set[int]]
) -> tuple[bool | None, bool | None]:
    """Whether the copied headline went to its source, and whether the query's own headline
    went to nobody (None where the query has no such headline)."""
    text = query.document.text
    headline: bool | None = None
    h = query.headline
    if h is not None and h.source_id not in query.later:
        chars = _chars(text, h.query)
        got = len(chars & by_source.get(h.source_id, set()))
        headline = bool(chars) and got >= HEADLINE_SHARE * len(chars)
    own: bool | None = None
    if query.own_headline is not None:
        chars = _chars(text, query.own_headline)
        credited = set().union(*by_source.values()) if by_source else set()
        own = len(chars & credited) >= HEADLINE_SHARE * len(chars)
    return headline, own


def _renames(query: NewsQuery, result: Trace) -> tuple[int, int]:
    """``(renames, reported)``: the renames of the query's lifts from sources not dated after
    it, and how many of them a passage of the right source reports as an edit."""
    renames = reported = 0
    for lift in query.lifts:
        if lift.source_id in query.later:
            continue
        for old, new in lift.renames:
            renames += 1
            reported += any(
                p.source_id == lift.source_id
                and p.query.start < lift.query.end
                and lift.query.start < p.query.end
                and any(_same(e.source, old) and _same(e.query, new) for e in p.edits)
                for p in result.passages
            )
    return renames, reported


def _by_transform(
    query: NewsQuery, by_source: Mapping[str, set[int]]
) -> dict[str, tuple[int, int]]:
    """Copied characters and those credited to their source, by transformation."""
    text = query.document.text
    by_transform: dict[str, tuple[int, int]] = {}
    for lift in query.lifts:
        if lift.source_id in query.later:
            continue
        chars = _chars(text, lift.query)
        name = "headline" if lift.field == "title" else lift.transform
        had, got = by_transform.get(name, (0, 0))
        by_transform[name] = (
            had + len(chars),
            got + len(chars & by_source.get(lift.source_id, set())),
        )
    return by_transform


def _same(a: str, b: str) -> bool:
    return re.sub(r"\s+", " ", _form(a)).casefold() == re.sub(r"\s+", " ", _form(b)).casefold()


def expected_calibration_error(pairs: Iterable[tuple[float, int]], bins: int = 10) -> float | None:
    """Expected calibration error of ``(confidence, label)`` pairs over equal-width bins:
    ``sum_b |B|/N * |mean confidence in B - share of 1s in B|``; None without pairs."""
    groups: dict[int, list[tuple[float, int]]] = {}
    n = 0
    for confidence, label in pairs:
        b = min(bins - 1, max(0, int(confidence * bins)))
        groups.setdefault(b, []).append((confidence, label))
        n += 1
    if not n:
        return None
    return sum(
        len(g) / n * abs(sum(c for c, _ in g) / len(g) - sum(y for _, y in g) / len(g))
        for g in groups.values()
    )
