"""PAN text-alignment corpora on disk: the corpus model, texts, pairs, truth and detection XML.

A corpus folder holds ``susp/``, ``src/``, a ``pairs`` file and category folders
``0X-*/`` with their own ``pairs`` and, where the corpus has it, one truth XML file per pair.
:func:`read_corpus` reads it into a :class:`PanCorpus` (texts are read lazily);
:func:`read_annotations`, :func:`write_detections` and :func:`read_detections_dir` read and
write PAN detection XML. What truth a category has is described in :mod:`wiretrace.eval.pan`,
which scores and runs.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from xml.sax.saxutils import quoteattr

from wiretrace.errors import CorpusError
from wiretrace.eval.plagdet import (
    Annotation,
    PairKey,
)

__all__ = [
    "DETECTION_FEATURE",
    "TRUTH_FEATURE",
    "Category",
    "PanCorpus",
    "PanPair",
    "TruthKind",
    "detection_file_name",
    "read_annotations",
    "read_corpus",
    "read_detections_dir",
    "read_text",
    "write_detections",
]

logger = logging.getLogger(__name__)

TRUTH_FEATURE = "plagiarism"
DETECTION_FEATURE = "detected-plagiarism"
_KNOWN_EMPTY_SUFFIX = "no-plagiarism"
_CATEGORY_DIR = re.compile(r"^\d{2}-\S+$")
_PAIRS_FORMAT = "one pair a line: 'suspicious-documentXXXXX.txt source-documentYYYYY.txt'"


# --------------------------------------------------------------------------------------------
# Corpus model
# --------------------------------------------------------------------------------------------


class TruthKind(StrEnum):
    """What truth a category has; see the module docstring of :mod:`wiretrace.eval.pan`."""

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
