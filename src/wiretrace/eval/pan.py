"""Running and scoring text alignment on a PAN text-alignment corpus.

The module has two layers over the pure measures of :mod:`wiretrace.eval.plagdet`
(plagdet, case-level recall, pair-level detection rates):

1. **Corpus files** (:mod:`wiretrace.eval.pan_corpus`, whose names are re-exported here):
   reading a corpus (``susp/``, ``src/``, ``pairs``, ``0X-*/pairs`` and truth XML) and reading
   and writing PAN detection XML files.
2. **The runner** :func:`run_pan`, which aligns every listed pair with
   :func:`wiretrace.align.pair.align_pair`, optionally writes the detections, and scores them.

Truth per category
------------------
- ``xml``: the category folder holds one truth XML file per pair; char and case measures use
  it.
- ``known-empty``: no XML, and the folder name ends in ``no-plagiarism``, so every pair has
  no cases; its detections count against precision.
- ``unavailable``: no XML (``03``-``05`` in pan-train); only pair detection rates are reported
  and its detections are left out of the char and case measures.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from wiretrace.align.pair import AlignView, PairOptions, align_pair, align_view
from wiretrace.eval.pan_corpus import (
    Category,
    PanCorpus,
    PanPair,
    TruthKind,
    detection_file_name,
    read_annotations,
    read_corpus,
    read_detections_dir,
    read_text,
    write_detections,
)
from wiretrace.eval.plagdet import (
    Annotation,
    CaseMeasures,
    CharMeasures,
    PairKey,
    PairMeasures,
    by_pair,
    case_measures,
    char_measures,
    detections_from_alignments,
    pair_measures,
)
from wiretrace.eval.report import Column, table_lines

__all__ = [
    "Category",
    "CategoryScores",
    "PairResult",
    "PanCorpus",
    "PanPair",
    "PanReport",
    "PanScores",
    "TruthKind",
    "detection_file_name",
    "read_annotations",
    "read_corpus",
    "read_detections_dir",
    "read_text",
    "run_pan",
    "score",
    "score_detections",
    "write_detections",
]


# --------------------------------------------------------------------------------------------
# Corpus model and scoring of a whole corpus (pure)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CategoryScores:
    """Scores of one category; ``char`` and ``case`` are None when its truth is unavailable."""

    name: str
    truth: TruthKind
    pairs: PairMeasures
    detections: int
    char: CharMeasures | None
    case: CaseMeasures | None


@dataclass(frozen=True, slots=True)
class PanScores:
    """Scores per category and overall.

    ``char`` and ``case`` pool every pair of the categories with truth (``xml`` and
    ``known-empty``). ``false_positive_rate`` is the pair detection rate of the ``known-empty``
    categories (None if none was scored); ``reuse_detection_rate`` is the rate over all other
    categories (None if there are none).
    """

    categories: tuple[CategoryScores, ...]
    char: CharMeasures
    case: CaseMeasures
    false_positive_rate: float | None
    reuse_detection_rate: float | None


def score(corpus: PanCorpus, detections: Mapping[PairKey, Sequence[Annotation]]) -> PanScores:
    """Score detections (by pair) against the corpus' truth, per category and overall."""
    cases_by_pair = by_pair(corpus.cases)
    per_category: list[CategoryScores] = []
    pooled_cases: list[Annotation] = []
    pooled_dets: list[Annotation] = []
    empty_pairs: list[PairKey] = []
    reuse_pairs: list[PairKey] = []
    for cat in corpus.categories:
        keys = [p.key for p in cat.pairs]
        cases = [s for k in keys for s in cases_by_pair.get(k, ())]
        dets = [r for k in keys for r in detections.get(k, ())]
        (empty_pairs if cat.truth is TruthKind.KNOWN_EMPTY else reuse_pairs).extend(keys)
        char: CharMeasures | None = None
        case: CaseMeasures | None = None
        if cat.truth.scored:
            char, case = char_measures(cases, dets), case_measures(cases, dets)
            pooled_cases.extend(cases)
            pooled_dets.extend(dets)
        per_category.append(
            CategoryScores(
                cat.name, cat.truth, pair_measures(keys, detections), len(dets), char, case
            )
        )
    fp = pair_measures(empty_pairs, detections)
    reuse = pair_measures(reuse_pairs, detections)
    return PanScores(
        categories=tuple(per_category),
        char=char_measures(pooled_cases, pooled_dets),
        case=case_measures(pooled_cases, pooled_dets),
        false_positive_rate=fp.rate if fp.pairs else None,
        reuse_detection_rate=reuse.rate if reuse.pairs else None,
    )


def score_detections(
    corpus_dir: Path,
    detections_dir: Path,
    *,
    categories: Sequence[str] | None = None,
    limit_per_category: int | None = None,
) -> PanScores:
    """Score a folder of PAN detection files (from any tool) against a corpus."""
    corpus = read_corpus(corpus_dir).select(categories, limit_per_category)
    keys = [p.key for c in corpus.categories for p in c.pairs]
    return score(corpus, read_detections_dir(detections_dir, keys))


# --------------------------------------------------------------------------------------------
# The runner
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairResult:
    """The detections of one pair and the time :func:`align` took on it."""

    pair: PanPair
    detections: tuple[Annotation, ...]
    align_seconds: float = field(compare=False)


@dataclass(frozen=True, slots=True)
class _Task:
    """All pairs of one suspicious document, so its text view is built once."""

    susp_dir: Path
    src_dir: Path
    options: PairOptions
    pairs: tuple[tuple[int, PanPair], ...]


def _run_task(task: _Task) -> list[tuple[int, PairResult]]:
    susp = task.pairs[0][1].susp
    query = align_view(read_text(task.susp_dir / susp))
    sources: dict[str, AlignView] = {}
    out: list[tuple[int, PairResult]] = []
    for index, pair in task.pairs:
        source = sources.get(pair.src)
        if source is None:
            source = sources[pair.src] = align_view(read_text(task.src_dir / pair.src))
        start = time.perf_counter()
        alignments = align_pair(query, source, task.options)
        elapsed = time.perf_counter() - start
        detections = detections_from_alignments(pair.susp, pair.src, alignments)
        out.append((index, PairResult(pair, detections, elapsed)))
    return out


def _tasks(corpus: PanCorpus, options: PairOptions) -> list[_Task]:
    groups: dict[str, list[tuple[int, PanPair]]] = {}
    pairs = [p for c in corpus.categories for p in c.pairs]
    for index, pair in enumerate(pairs):
        groups.setdefault(pair.susp, []).append((index, pair))
    return [_Task(corpus.susp_dir, corpus.src_dir, options, tuple(g)) for g in groups.values()]


def _single_threaded_blas() -> None:
    """Worker set-up: one BLAS thread per process.

    The sentence aligner multiplies many small matrices; with one process per core, BLAS's own
    threads only fight each other (measured: 3x slower on 2 cores).
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def _align_all(
    tasks: Sequence[_Task], workers: int, progress: Callable[[int, int], None] | None
) -> list[PairResult]:
    total = sum(len(t.pairs) for t in tasks)
    results: dict[int, PairResult] = {}

    def collect(batch: list[tuple[int, PairResult]]) -> None:
        results.update(batch)
        if progress is not None:
            progress(len(results), total)

    if workers == 1 or len(tasks) <= 1:
        for task in tasks:
            collect(_run_task(task))
    else:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(min(workers, len(tasks)), initializer=_single_threaded_blas) as pool:
            for batch in pool.imap_unordered(_run_task, tasks):
                collect(batch)
    return [results[i] for i in range(total)]


@dataclass(frozen=True, slots=True)
class PanReport:
    """The result of :func:`run_pan`: the scores, the detections, and how the run went."""

    corpus: str
    options: PairOptions
    limit_per_category: int | None
    workers: int
    scores: PanScores
    results: tuple[PairResult, ...] = field(repr=False)
    wall_seconds: float = field(compare=False)
    align_seconds: float = field(compare=False)

    @property
    def pairs(self) -> int:
        return len(self.results)

    @property
    def ms_per_pair(self) -> float:
        """Wall time per pair, reading texts included (so it improves with more workers)."""
        return 1000 * self.wall_seconds / self.pairs if self.pairs else 0.0

    @property
    def align_ms_per_pair(self) -> float:
        """Time spent in :func:`align` per pair, summed over workers (texts excluded)."""
        return 1000 * self.align_seconds / self.pairs if self.pairs else 0.0

    def detections(self) -> dict[PairKey, tuple[Annotation, ...]]:
        """The detections of every pair, by (suspicious, source) document names."""
        return {r.pair.key: r.detections for r in self.results}

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready summary (without the individual detections)."""
        s = self.scores
        return {
            "corpus": self.corpus,
            "options": asdict(self.options),
            "limit_per_category": self.limit_per_category,
            "workers": self.workers,
            "pairs": self.pairs,
            "wall_seconds": round(self.wall_seconds, 3),
            "ms_per_pair": round(self.ms_per_pair, 3),
            "align_ms_per_pair": round(self.align_ms_per_pair, 3),
            "overall": {
                **_char_dict(s.char),
                **_case_dict(s.case),
                "false_positive_rate": s.false_positive_rate,
                "reuse_detection_rate": s.reuse_detection_rate,
            },
            "categories": [
                {
                    "name": c.name,
                    "truth": c.truth.value,
                    "pairs": c.pairs.pairs,
                    "pairs_detected": c.pairs.detected,
                    "detection_rate": c.pairs.rate,
                    "detections": c.detections,
                    **(_char_dict(c.char) if c.char else {}),
                    **(_case_dict(c.case) if c.case else {}),
                }
                for c in s.categories
            ],
        }

    def format_table(self) -> str:
        """A plain-text table of the scores per category and overall."""
        s = self.scores
        limit = "" if self.limit_per_category is None else f", first {self.limit_per_category}"
        lines = [f"PAN text alignment: {self.corpus} ({self.pairs} pairs{limit})"]
        rows = [
            _row(c.name, c.truth.value, c.pairs, c.char, c.case, c.detections) for c in s.categories
        ]
        scored = [c for c in s.categories if c.char is not None]
        scored_pairs = PairMeasures(
            sum(c.pairs.pairs for c in scored), sum(c.pairs.detected for c in scored)
        )
        rows.append(
            _row("overall (with truth)", "", scored_pairs, s.char, s.case, s.char.detections)
        )
        lines += table_lines(_PAN_COLUMNS, rows)
        if s.false_positive_rate is not None:
            names = ", ".join(c.name for c in s.categories if c.truth is TruthKind.KNOWN_EMPTY)
            lines.append(f"false-positive pair rate ({names}): {s.false_positive_rate:.4f}")
        if s.reuse_detection_rate is not None:
            lines.append(f"pair detection rate on reuse categories: {s.reuse_detection_rate:.4f}")
        lines.append(
            f"wall {self.wall_seconds:.1f} s, {self.ms_per_pair:.2f} ms/pair "
            f"(align {self.align_ms_per_pair:.2f} ms/pair), workers {self.workers}"
        )
        return "\n".join(lines)


def _char_dict(m: CharMeasures) -> dict[str, object]:
    return {
        "plagdet": m.plagdet,
        "precision": m.precision,
        "recall": m.recall,
        "granularity": m.granularity,
        "cases": m.cases,
        "detections": m.detections,
        "detected_cases": m.detected_cases,
    }


def _case_dict(m: CaseMeasures) -> dict[str, object]:
    return {
        "case_recall": m.recall,
        "case_precision": m.precision,
        "cases_found": m.found,
        "detections_correct": m.correct,
        "case_threshold": m.threshold,
    }


def _row(
    name: str,
    truth: str,
    pairs: PairMeasures,
    char: CharMeasures | None,
    case: CaseMeasures | None,
    detections: int,
) -> tuple[object, ...]:
    """The cells of one line of the table (:data:`_PAN_COLUMNS`); None shows as ``-``."""
    has_cases = char is not None and char.cases > 0
    plagdet = char.plagdet if char and has_cases else None
    prec = char.precision if char and has_cases else None
    rec = char.recall if char and has_cases else None
    gran = char.granularity if char and has_cases else None
    case_rec = case.recall if case and has_cases else None
    cases = char.cases if char else None
    return (
        name,
        truth,
        pairs.pairs,
        pairs.rate,
        plagdet,
        prec,
        rec,
        gran,
        case_rec,
        cases,
        detections,
    )


_PAN_COLUMNS = (
    Column("category", 28, left=True),
    Column("truth", 12, left=True),
    Column("pairs", 5),
    Column("det.rate", 8, ".4f"),
    Column("plagdet", 7, ".4f"),
    Column("prec", 6, ".4f"),
    Column("rec", 6, ".4f"),
    Column("gran", 6, ".4f"),
    Column("caserec", 7, ".4f"),
    Column("cases", 5),
    Column("dets", 5),
)


def run_pan(
    corpus_dir: Path,
    *,
    options: PairOptions | None = None,
    categories: Sequence[str] | None = None,
    limit_per_category: int | None = None,
    detections_dir: Path | None = None,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> PanReport:
    """Align every selected pair of a PAN corpus, write detections if asked, and score them.

    ``categories`` and ``limit_per_category`` select categories and the first N pairs of each
    (file order). With ``workers > 1`` the pairs are aligned in that many forked processes, one
    suspicious document per task; the detections and scores are identical to ``workers=1``.
    ``progress(done, total)`` is called in this process as pairs finish.
    """
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    opts = options or PairOptions()
    start = time.perf_counter()
    corpus = read_corpus(corpus_dir).select(categories, limit_per_category)
    results = _align_all(_tasks(corpus, opts), workers, progress)
    if detections_dir is not None:
        for r in results:
            write_detections(detections_dir, r.pair.susp, r.pair.src, r.detections)
    scores = score(corpus, {r.pair.key: r.detections for r in results})
    wall = time.perf_counter() - start
    return PanReport(
        corpus=str(corpus_dir),
        options=opts,
        limit_per_category=limit_per_category,
        workers=workers,
        scores=scores,
        results=tuple(results),
        wall_seconds=wall,
        align_seconds=sum(r.align_seconds for r in results),
    )
