"""Running and scoring text alignment on a PAN text-alignment corpus.

The module has two layers over the pure measures of :mod:`wiretrace.eval.plagdet`
(plagdet, case-level recall, pair-level detection rates):

1. **Corpus files**: reading a corpus (``susp/``, ``src/``, ``pairs``, ``0X-*/pairs`` and truth
   XML) and reading and writing PAN detection XML files.
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

import logging
import multiprocessing
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from xml.sax.saxutils import quoteattr

from wiretrace.align.pair import AlignView, PairOptions, align_pair, align_view
from wiretrace.errors import CorpusError
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

logger = logging.getLogger(__name__)

TRUTH_FEATURE = "plagiarism"
DETECTION_FEATURE = "detected-plagiarism"
_KNOWN_EMPTY_SUFFIX = "no-plagiarism"
_CATEGORY_DIR = re.compile(r"^\d{2}-\S+$")
_PAIRS_FORMAT = "one pair a line: 'suspicious-documentXXXXX.txt source-documentYYYYY.txt'"


# --------------------------------------------------------------------------------------------
# Corpus model and scoring of a whole corpus (pure)
# --------------------------------------------------------------------------------------------


class TruthKind(StrEnum):
    """What truth a category has; see the module docstring."""

    XML = "xml"
    KNOWN_EMPTY = "known-empty"
    UNAVAILABLE = "unavailable"

    @property
    def scored(self) -> bool:
        """True when the category's pairs take part in char and case measures."""
        return self is not TruthKind.UNAVAILABLE


@dataclass(frozen=True, slots=True)
class PanPair:
    """One suspicious/source pair of a category."""

    susp: str
    src: str
    category: str

    @property
    def key(self) -> PairKey:
        return (self.susp, self.src)


@dataclass(frozen=True, slots=True)
class Category:
    """A category folder: its pairs in file order and what truth it has."""

    name: str
    truth: TruthKind
    pairs: tuple[PanPair, ...]


@dataclass(frozen=True, slots=True)
class PanCorpus:
    """A PAN text-alignment corpus as read from disk (texts are read lazily)."""

    root: Path
    categories: tuple[Category, ...]
    cases: tuple[Annotation, ...]

    @property
    def susp_dir(self) -> Path:
        return self.root / "susp"

    @property
    def src_dir(self) -> Path:
        return self.root / "src"

    def select(
        self, categories: Sequence[str] | None = None, limit_per_category: int | None = None
    ) -> PanCorpus:
        """The corpus restricted to some categories and to the first N pairs of each.

        A category may be named in full (``02-no-obfuscation``), without its number
        (``no-obfuscation``) or by its number (``02``). Cases of dropped pairs are dropped.
        """
        if limit_per_category is not None and limit_per_category < 0:
            raise ValueError(f"limit_per_category must be >= 0, got {limit_per_category}")
        chosen = list(self.categories)
        if categories is not None:
            chosen = [self._category(name) for name in categories]
            chosen = [c for i, c in enumerate(chosen) if c not in chosen[:i]]
        kept = tuple(Category(c.name, c.truth, c.pairs[:limit_per_category]) for c in chosen)
        keys = {p.key for c in kept for p in c.pairs}
        return PanCorpus(self.root, kept, tuple(s for s in self.cases if s.pair in keys))

    def _category(self, name: str) -> Category:
        for c in self.categories:
            number, _, rest = c.name.partition("-")
            if name in (c.name, number, rest):
                return c
        known = ", ".join(c.name for c in self.categories)
        raise CorpusError(f"{self.root}: no category {name!r}; the corpus has: {known}")


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


# --------------------------------------------------------------------------------------------
# Files: texts, corpus, truth and detection XML
# --------------------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """A corpus text, decoded strictly as UTF-8 (PAN texts are ASCII), newlines kept as is."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{path}: not valid UTF-8 at byte {exc.start} ({exc.reason}); PAN texts are ASCII, "
            "so the file is damaged or in another encoding; re-encode it as UTF-8"
        ) from exc


def _stem(name: str) -> str:
    return name.removesuffix(".txt")


def detection_file_name(susp: str, src: str) -> str:
    """``suspicious-documentX-source-documentY.xml`` for a pair of document names."""
    return f"{_stem(susp)}-{_stem(src)}.xml"


def _read_pairs(path: Path) -> list[PairKey]:
    if not path.is_file():
        raise CorpusError(f"{path}: missing pairs file; expected {_PAIRS_FORMAT}")
    pairs: list[PairKey] = []
    seen: set[PairKey] = set()
    for lineno, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2:
            raise CorpusError(f"{path}:{lineno}: expected {_PAIRS_FORMAT}, got {line!r}")
        key = (parts[0], parts[1])
        if key in seen:
            raise CorpusError(f"{path}:{lineno}: pair {line.strip()!r} is listed twice")
        seen.add(key)
        pairs.append(key)
    return pairs


def _int_attr(path: Path, feature: ET.Element, name: str, index: int) -> int:
    value = feature.get(name)
    if value is None or not value.strip().isdigit():
        raise CorpusError(
            f"{path}: feature {index} needs a non-negative integer {name}=, got {value!r}"
        )
    return int(value)


def read_annotations(path: Path, feature_name: str) -> tuple[str, tuple[Annotation, ...]]:
    """The ``reference`` document and the ``feature_name`` features of one PAN XML file.

    ``feature_name`` is ``plagiarism`` for truth and ``detected-plagiarism`` for detections;
    other features are ignored.
    """
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise CorpusError(f"{path}: not well-formed XML ({exc})") from exc
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    reference = root.get("reference")
    if root.tag != "document" or not reference:
        raise CorpusError(f'{path}: expected a <document reference="..."> root element')
    out: list[Annotation] = []
    for index, feature in enumerate(root.iter("feature")):
        if feature.get("name") != feature_name:
            continue
        src = feature.get("source_reference")
        if not src:
            raise CorpusError(f"{path}: feature {index} has no source_reference=")
        out.append(
            Annotation(
                susp=reference,
                src=src,
                this_offset=_int_attr(path, feature, "this_offset", index),
                this_length=_int_attr(path, feature, "this_length", index),
                source_offset=_int_attr(path, feature, "source_offset", index),
                source_length=_int_attr(path, feature, "source_length", index),
            )
        )
    return reference, tuple(out)


def _read_pair_file(path: Path, key: PairKey, feature_name: str) -> tuple[Annotation, ...]:
    reference, annotations = read_annotations(path, feature_name)
    if reference != key[0]:
        raise CorpusError(f"{path}: reference is {reference!r}, expected {key[0]!r}")
    for a in annotations:
        if a.src != key[1]:
            raise CorpusError(
                f"{path}: a feature names source {a.src!r}; this file is for {key[1]!r}"
            )
    return annotations


def _read_category(folder: Path, susp_names: set[str], src_names: set[str]) -> Category:
    pairs = _read_pairs(folder / "pairs")
    for lineno, (susp, src) in enumerate(pairs, 1):
        for name, names, sub in ((susp, susp_names, "susp"), (src, src_names, "src")):
            if name not in names:
                raise CorpusError(
                    f"{folder / 'pairs'}: pair {lineno} names {name!r}, "
                    f"which is not in {folder.parent / sub}"
                )
    xml_files = {p.name: p for p in folder.glob("*.xml")}
    if xml_files:
        truth = TruthKind.XML
        wanted = {detection_file_name(*k): k for k in pairs}
        stray = sorted(set(xml_files) - set(wanted))
        if stray:
            raise CorpusError(f"{folder / stray[0]}: truth file for a pair not in {folder}/pairs")
        missing = sorted(set(wanted) - set(xml_files))
        if missing:
            raise CorpusError(
                f"{folder / missing[0]}: missing truth file ({len(missing)} missing); a category "
                "with truth XML needs one file per pair"
            )
    elif folder.name.endswith(_KNOWN_EMPTY_SUFFIX):
        truth = TruthKind.KNOWN_EMPTY
    else:
        truth = TruthKind.UNAVAILABLE
    return Category(folder.name, truth, tuple(PanPair(s, r, folder.name) for s, r in pairs))


def read_corpus(corpus_dir: Path) -> PanCorpus:
    """Read and check a PAN corpus: ``susp/``, ``src/``, ``pairs``, ``0X-*/pairs``, truth XML.

    Every pair must name existing texts and belong to exactly one category, and a category
    with truth XML must have one file per pair. Texts are not read here.
    """
    layout = "a PAN text-alignment corpus folder with susp/, src/, pairs and 0X-*/pairs"
    if not corpus_dir.is_dir():
        raise CorpusError(f"{corpus_dir}: corpus folder not found; expected {layout}")
    names: dict[str, set[str]] = {}
    for sub in ("susp", "src"):
        folder = corpus_dir / sub
        if not folder.is_dir():
            raise CorpusError(f"{folder}: missing folder of texts; expected {layout}")
        names[sub] = {p.name for p in folder.iterdir() if p.is_file()}
    listed = _read_pairs(corpus_dir / "pairs")
    folders = sorted(p for p in corpus_dir.iterdir() if p.is_dir() and _CATEGORY_DIR.match(p.name))
    if not folders:
        raise CorpusError(f"{corpus_dir}: no category folders (0X-name/pairs); expected {layout}")
    categories = tuple(_read_category(f, names["susp"], names["src"]) for f in folders)
    owner: dict[PairKey, str] = {}
    for cat in categories:
        for p in cat.pairs:
            if p.key in owner:
                raise CorpusError(
                    f"{corpus_dir / cat.name / 'pairs'}: pair {p.susp} {p.src} is also in "
                    f"{owner[p.key]}; each pair belongs to one category"
                )
            owner[p.key] = cat.name
    listed_set = set(listed)
    for key in listed:
        if key not in owner:
            raise CorpusError(
                f"{corpus_dir / 'pairs'}: pair {key[0]} {key[1]} is in no category's pairs file"
            )
    for key, cat_name in owner.items():
        if key not in listed_set:
            raise CorpusError(
                f"{corpus_dir / cat_name / 'pairs'}: pair {key[0]} {key[1]} is missing from "
                f"{corpus_dir / 'pairs'}"
            )
    cases: list[Annotation] = []
    for cat in categories:
        if cat.truth is TruthKind.XML:
            folder = corpus_dir / cat.name
            for p in cat.pairs:
                path = folder / detection_file_name(p.susp, p.src)
                cases.extend(_read_pair_file(path, p.key, TRUTH_FEATURE))
    logger.debug("read %s: %d pairs, %d cases", corpus_dir, len(owner), len(cases))
    return PanCorpus(corpus_dir, categories, tuple(cases))


def _detection_xml(susp: str, src: str, detections: Sequence[Annotation]) -> str:
    lines = [f"<document reference={quoteattr(susp)}>"]
    for d in detections:
        if d.pair != (susp, src):
            raise ValueError(f"detection {d} does not belong to pair {susp} {src}")
        lines.append(
            f'<feature name="{DETECTION_FEATURE}" this_offset="{d.this_offset}" '
            f'this_length="{d.this_length}" source_reference={quoteattr(src)} '
            f'source_offset="{d.source_offset}" source_length="{d.source_length}" />'
        )
    lines.append("</document>")
    return "\n".join(lines) + "\n"


def write_detections(out_dir: Path, susp: str, src: str, detections: Sequence[Annotation]) -> Path:
    """Write one pair's detections as PAN XML into ``out_dir`` (even when there are none)."""
    path = out_dir / detection_file_name(susp, src)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(_detection_xml(susp, src, detections), encoding="utf-8")
    except OSError as exc:
        raise CorpusError(f"{path}: cannot write detections ({exc.strerror or exc})") from exc
    return path


def read_detections_dir(
    detections_dir: Path, pairs: Iterable[PairKey]
) -> dict[PairKey, tuple[Annotation, ...]]:
    """Read the detection file of every pair; a missing file is an error, not "no detection"."""
    if not detections_dir.is_dir():
        raise CorpusError(f"{detections_dir}: detections folder not found")
    out: dict[PairKey, tuple[Annotation, ...]] = {}
    for key in pairs:
        path = detections_dir / detection_file_name(*key)
        if not path.is_file():
            raise CorpusError(
                f"{path}: missing detection file; write one per pair, even with no detection"
            )
        out[key] = _read_pair_file(path, key, DETECTION_FEATURE)
    return out


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
        head = (
            f"{'category':<28} {'truth':<12} {'pairs':>5} {'det.rate':>8} {'plagdet':>7} "
            f"{'prec':>6} {'rec':>6} {'gran':>6} {'caserec':>7} {'cases':>5} {'dets':>5}"
        )
        lines = [f"PAN text alignment: {self.corpus} ({self.pairs} pairs{limit})", head]
        for c in s.categories:
            lines.append(_row(c.name, c.truth.value, c.pairs, c.char, c.case, c.detections))
        scored = [c for c in s.categories if c.char is not None]
        scored_pairs = PairMeasures(
            sum(c.pairs.pairs for c in scored), sum(c.pairs.detected for c in scored)
        )
        lines.append(
            _row("overall (with truth)", "", scored_pairs, s.char, s.case, s.char.detections)
        )
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
) -> str:
    def num(value: float | None, width: int) -> str:
        return f"{'-':>{width}}" if value is None else f"{value:>{width}.4f}"

    has_cases = char is not None and char.cases > 0
    plagdet = char.plagdet if char and has_cases else None
    prec = char.precision if char and has_cases else None
    rec = char.recall if char and has_cases else None
    gran = char.granularity if char and has_cases else None
    case_rec = case.recall if case and has_cases else None
    cases = str(char.cases) if char else "-"
    return (
        f"{name:<28} {truth:<12} {pairs.pairs:>5} {pairs.rate:>8.4f} {num(plagdet, 7)} "
        f"{num(prec, 6)} {num(rec, 6)} {num(gran, 6)} {num(case_rec, 7)} {cases:>5} "
        f"{detections:>5}"
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
