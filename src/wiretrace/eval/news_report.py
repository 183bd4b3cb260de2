"""The figures of ``wiretrace eval news`` (pure): Wikinews scoring, the report, the dump rows.

The runner is :mod:`wiretrace.eval.news`, whose docstring defines the Wikinews figures; the
scoring of the ECB+ queries is :mod:`wiretrace.eval.news_score`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from wiretrace.eval.news_score import QueryScore, expected_calibration_error
from wiretrace.model import Document, Passage, Trace

__all__ = [
    "COPIED_NGRAM",
    "NewsReport",
    "WikiScore",
    "copied_chars",
    "passage_rows",
    "score_wikinews",
]

COPIED_NGRAM = 8


# --------------------------------------------------------------------------------------------
# Wikinews
# --------------------------------------------------------------------------------------------


def _word_runs(text: str) -> list[tuple[str, int, int]]:
    return [(m.group().lower(), m.start(), m.end()) for m in re.finditer(r"\w+", text)]


def copied_chars(query: str, sources: Sequence[str], n: int = COPIED_NGRAM) -> set[int]:
    """Non-space query offsets inside a run of ``n`` words found in one of ``sources``."""
    grams: set[tuple[str, ...]] = set()
    for source in sources:
        words = [w for w, _, _ in _word_runs(source)]
        grams.update(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    runs = _word_runs(query)
    out: set[int] = set()
    for i in range(len(runs) - n + 1):
        if tuple(w for w, _, _ in runs[i : i + n]) in grams:
            out.update(j for j in range(runs[i][1], runs[i + n - 1][2]) if not query[j].isspace())
    return out


@dataclass(frozen=True, slots=True)
class WikiScore:
    query_id: str
    split: str
    found: bool
    copied: int
    recalled: int


def score_wikinews(
    query: Document, relevant: frozenset[str], result: Trace, texts: Mapping[str, str], split: str
) -> WikiScore:
    """Whether a cited source is among the sources, and the copied characters recalled."""
    copied = copied_chars(query.text, [texts[r] for r in sorted(relevant) if r in texts])
    got: set[int] = set()
    for p in result.passages:
        if p.source_id in relevant:
            got.update(range(p.query.start, p.query.end))
    found = any(s.document.id in relevant for s in result.sources)
    return WikiScore(query.id, split, found, len(copied), len(copied & got))


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


@dataclass(frozen=True, slots=True)
class NewsReport:
    """The figures of one ``eval news`` run (see the module docstrings)."""

    split: str
    seed: int
    scores: tuple[QueryScore, ...]
    wikinews: tuple[WikiScore, ...]
    documents: int
    spun_rename_recall: float | None
    held_out_pairs: tuple[tuple[float, int], ...]
    wall_seconds: float = 0.0
    trace_ms_p50: float = 0.0
    examples: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    kinds: Mapping[str, str] = field(default_factory=dict)  # query id -> kind

    def _sum(self, name: str) -> int:
        return sum(int(getattr(s, name)) for s in self.scores)

    @property
    def precision(self) -> float:
        return _ratio(self._sum("correct"), self._sum("attributed"))

    @property
    def recall(self) -> float:
        return _ratio(self._sum("recalled"), self._sum("sourced"))

    def _share(self, name: str, kinds: Sequence[str] | None = None) -> tuple[int, int]:
        values = [
            getattr(s, name)
            for s in self.scores
            if getattr(s, name) is not None
            and (kinds is None or self.kinds.get(s.query_id) in kinds)
        ]
        return sum(bool(v) for v in values), len(values)

    def recall_by_transform(self) -> dict[str, float]:
        """Sourced-character recall by how the text was copied (a headline apart)."""
        had: dict[str, int] = {}
        got: dict[str, int] = {}
        for s in self.scores:
            for name, (n, k) in s.by_transform.items():
                had[name] = had.get(name, 0) + n
                got[name] = got.get(name, 0) + k
        return {name: _ratio(got[name], had[name]) for name in sorted(had)}

    @property
    def headline_recall(self) -> float:
        return _ratio(*self._share("headline"))

    @property
    def earliest_accuracy(self) -> float:
        return _ratio(*self._share("earliest_ok"))

    @property
    def later_dated_sources(self) -> int:
        return self._sum("later_sources")

    @property
    def calibration_error(self) -> float | None:
        return expected_calibration_error(self.held_out_pairs)

    @property
    def wikinews_found(self) -> float:
        return _ratio(sum(w.found for w in self.wikinews), len(self.wikinews))

    @property
    def wikinews_char_recall(self) -> float:
        return _ratio(sum(w.recalled for w in self.wikinews), sum(w.copied for w in self.wikinews))

    def to_dict(self) -> dict[str, Any]:
        wrong: dict[str, int] = {}
        for s in self.scores:
            for k, v in s.wrong.items():
                wrong[k] = wrong.get(k, 0) + v
        head_only, head_n = self._share("headline", ("headline",))
        head_copied, copied_n = self._share("headline", ("lifted",))
        return {
            "split": self.split,
            "seed": self.seed,
            "queries": len(self.scores),
            "wikinews_queries": len(self.wikinews),
            "documents": self.documents,
            "precision": self.precision,
            "attributed_chars": self._sum("attributed"),
            "wrong_chars": wrong,
            "recall": self.recall,
            "sourced_chars": self._sum("sourced"),
            "recall_by_transform": self.recall_by_transform(),
            "headline_recall": self.headline_recall,
            "headlines": self._share("headline")[1],
            "headline_only_recall": _ratio(head_only, head_n),
            "headline_only": head_n,
            "headline_copied_recall": _ratio(head_copied, copied_n),
            "headline_copied": copied_n,
            "own_headlines_credited": self._share("own_headline_credited")[0],
            "own_headlines": self._share("own_headline_credited")[1],
            "earliest_accuracy": self.earliest_accuracy,
            "earliest_queries": self._share("earliest_ok")[1],
            "later_dated_sources": self.later_dated_sources,
            "direction_flag_wrong": sum(not s.direction_ok for s in self.scores),
            "later_truth": self._sum("later_truth"),
            "later_found": self._sum("later_found"),
            "calibration_error": self.calibration_error,
            "calibration_passages": len(self.held_out_pairs),
            "renames_news": self._sum("renames"),
            "renames_news_reported": self._sum("renames_reported"),
            "spun_rename_recall": self.spun_rename_recall,
            "wikinews_cited_found": self.wikinews_found,
            "wikinews_copied_char_recall": self.wikinews_char_recall,
            "wikinews_copied_chars": sum(w.copied for w in self.wikinews),
            "wall_seconds": self.wall_seconds,
            "trace_ms_p50": self.trace_ms_p50,
            "false_passage_examples": list(self.examples),
        }

    def format_table(self) -> str:
        d = self.to_dict()
        ece = d["calibration_error"]
        spun = d["spun_rename_recall"]
        rows = [
            f"eval news: split {self.split}, seed {self.seed}, {d['queries']} ECB+ queries, "
            f"{d['wikinews_queries']} Wikinews queries, {d['documents']} stored documents",
            f"  attributed-character precision (strict)  {d['precision']:.4f}"
            f"  of {d['attributed_chars']} chars",
            "    wrong chars by source: "
            + (", ".join(f"{k} {v}" for k, v in sorted(d["wrong_chars"].items())) or "none"),
            f"  sourced-character recall                 {d['recall']:.4f}"
            f"  of {d['sourced_chars']} chars",
            "    by copy: "
            + ", ".join(f"{k} {v:.4f}" for k, v in d["recall_by_transform"].items()),
            f"  headline recall                          {d['headline_recall']:.4f}"
            f"  of {d['headlines']} headlines",
            f"    headline-only queries                  {d['headline_only_recall']:.4f}"
            f"  of {d['headline_only']}",
            f"    headline copied with body text         {d['headline_copied_recall']:.4f}"
            f"  of {d['headline_copied']}",
            f"  own headlines credited to a source       {d['own_headlines_credited']}"
            f" of {d['own_headlines']}  (should be 0)",
            f"  earliest-source accuracy                 {d['earliest_accuracy']:.4f}"
            f"  of {d['earliest_queries']} queries",
            f"  passages from later-dated sources        {d['later_dated_sources']}  (must be 0)",
            f"  later-dated true sources in `later`      {d['later_found']} of {d['later_truth']}",
            f"  direction_checked wrong (dated or not)   {d['direction_flag_wrong']}",
            "  calibration error (ECE, 10 bins, held-out) "
            + (f"{ece:.4f}" if ece is not None else "n/a")
            + f"  of {d['calibration_passages']} passages",
            f"  renames as edits (news queries)          "
            f"{_ratio(d['renames_news_reported'], d['renames_news']):.4f}"
            f"  of {d['renames_news']}",
            "  renames as edits (spun composites)       "
            + (f"{spun:.4f}" if spun is not None else "not run"),
            f"  Wikinews: cited source found             {d['wikinews_cited_found']:.4f}",
            f"  Wikinews: copied-character recall        {d['wikinews_copied_char_recall']:.4f}"
            f"  of {d['wikinews_copied_chars']} chars",
            f"  wall time {d['wall_seconds']:.1f} s, trace p50 {d['trace_ms_p50']:.1f} ms",
        ]
        return "\n".join(rows)


# --------------------------------------------------------------------------------------------
# The dump for fitting confidence
# --------------------------------------------------------------------------------------------


def passage_rows(
    query: Document,
    split: str,
    kind: str,
    result: Trace,
    labels: Sequence[int],
    shares: Sequence[float],
    dates: Mapping[str, str | None],
    sets: str,
) -> Iterator[dict[str, Any]]:
    """One JSON-able row per reported passage: its fields, features, its label and
    ``label_share`` (the share of its characters whose true source it names)."""
    length = sum(1 for c in query.text if not c.isspace()) or 1
    per_source: dict[str, list[Passage]] = {}
    for p in result.passages:
        per_source.setdefault(p.source_id, []).append(p)
    coverage = {s.document.id: s.coverage for s in result.sources}
    rank = {s.document.id: i for i, s in enumerate(result.sources)}
    first_line = query.text.split("\n", 1)[0]
    for p, label, share in zip(result.passages, labels, shares, strict=True):
        chars = sum(1 for c in query.text[p.query.start : p.query.end] if not c.isspace())
        yield {
            "query_id": query.id,
            "split": split,
            "set": sets,
            "query_kind": kind,
            "source_id": p.source_id,
            "query_start": p.query.start,
            "query_end": p.query.end,
            "source_start": p.source.start,
            "source_end": p.source.end,
            "kind": str(p.kind),
            "score": p.score,
            "confidence": p.confidence,
            "source_field": p.source_field,
            "length": chars,
            "source_length": p.source.end - p.source.start,
            "edits": len(p.edits),
            "edit_types": [str(e.type) for e in p.edits],
            "query_share": chars / length,
            "source_coverage": coverage.get(p.source_id, 0.0),
            "source_rank": rank.get(p.source_id, -1),
            "source_passages": len(per_source[p.source_id]),
            "sources": len(result.sources),
            "query_coverage": result.coverage,
            "source_dated": dates.get(p.source_id) is not None,
            "query_dated": query.published_at is not None,
            "in_first_line": p.query.start < len(first_line),
            "candidates": result.candidates_considered,
            "label": label,
            "label_share": share,
        }
