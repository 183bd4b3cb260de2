"""The Clough & Stevenson corpus on disk: sources, answers and ``file_information.csv``.

:func:`read_clough` reads the 5 sources and 95 answers. The answers come in two encodings:
most are UTF-8, but some were saved as Windows-1252 (curly quotes and dashes as single bytes
0x91-0x97). Each file is decoded as UTF-8 first and as Windows-1252 when that fails
(:func:`decode_text`); the corpus lists every file that needed the fallback. A file that
neither decodes raises :class:`CorpusError`. Nothing is dropped: a listed answer that is
missing is an error, and a ``.txt`` file that is not listed is named. Scoring is
:mod:`wiretrace.eval.clough`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from wiretrace.errors import CorpusError
from wiretrace.model import Document

__all__ = [
    "CATEGORIES",
    "CORPUS_DIR",
    "FALLBACK_ENCODING",
    "INFO_FILE",
    "TASKS",
    "Answer",
    "CloughCorpus",
    "decode_text",
    "read_clough",
]

CORPUS_DIR = "corpus-20090418"
CATEGORIES = ("non", "heavy", "light", "cut")
"""The four classes, from least to most copied (the order a
:class:`~wiretrace.eval.clough.TieredRule` assigns)."""
TASKS = ("a", "b", "c", "d", "e")
INFO_FILE = "file_information.csv"
FALLBACK_ENCODING = "cp1252"
_ANSWER_NAME = re.compile(r"^g\d+p[A-Z]_task([a-e])\.txt$")


# --------------------------------------------------------------------------------------------
# Corpus files
# --------------------------------------------------------------------------------------------


def decode_text(path: Path) -> tuple[str, str]:
    """The text of ``path`` and the encoding it was read in: UTF-8 (a BOM is dropped), else
    Windows-1252. Raises :class:`CorpusError` when neither decodes."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        return data.decode("utf-8").removeprefix("\ufeff"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode(FALLBACK_ENCODING), FALLBACK_ENCODING
        except UnicodeDecodeError as exc:
            raise CorpusError(
                f"{path}: neither UTF-8 (byte {utf8_error.start}: {utf8_error.reason}) nor "
                f"Windows-1252 (byte {exc.start}: {exc.reason}); re-encode it as UTF-8"
            ) from exc


@dataclass(frozen=True, slots=True)
class Answer:
    """One short answer with its label and the encoding its file was in."""

    file: str
    task: str
    category: str
    person: str
    text: str = field(repr=False)
    encoding: str


@dataclass(frozen=True, slots=True)
class CloughCorpus:
    """The five sources (by task), the labelled answers, and unlisted ``.txt`` files."""

    sources: Mapping[str, Document]
    source_encodings: Mapping[str, str]
    answers: tuple[Answer, ...]
    unlisted: tuple[str, ...]


def _read_info(path: Path) -> list[tuple[int, dict[str, str]]]:
    text, _ = decode_text(path)
    reader = csv.DictReader(io.StringIO(text))
    missing = {"File", "Task", "Category"} - set(reader.fieldnames or ())
    if missing:
        raise CorpusError(f"{path}:1: header lacks the columns {sorted(missing)}")
    return [(reader.line_num, row) for row in reader]


def read_clough(data_dir: Path) -> CloughCorpus:
    """Read the corpus at ``data_dir`` (``file_information.csv`` and ``corpus-20090418/``)."""
    folder = data_dir / CORPUS_DIR
    info = data_dir / INFO_FILE
    if not folder.is_dir():
        raise CorpusError(f"{folder}: missing; expected the corpus texts there")
    sources: dict[str, Document] = {}
    source_encodings: dict[str, str] = {}
    for task in TASKS:
        name = f"orig_task{task}.txt"
        text, encoding = decode_text(folder / name)
        sources[task] = Document(name, text)
        source_encodings[name] = encoding
    answers: list[Answer] = []
    seen: set[str] = set()
    for line, row in _read_info(info):
        name, task, category = row["File"].strip(), row["Task"].strip(), row["Category"].strip()
        where = f"{info}:{line}"
        if name in seen:
            raise CorpusError(f"{where}: {name} is listed twice")
        if task not in TASKS:
            raise CorpusError(f"{where}: task {task!r}, expected one of {', '.join(TASKS)}")
        if category not in CATEGORIES:
            raise CorpusError(f"{where}: category {category!r}, expected one of {CATEGORIES}")
        named = _ANSWER_NAME.match(name)
        if named is not None and named.group(1) != task:
            raise CorpusError(f"{where}: {name} is listed under task {task!r}")
        path = folder / name
        if not path.is_file():
            raise CorpusError(f"{where}: {path} is listed but missing")
        text, encoding = decode_text(path)
        if not text.strip():
            raise CorpusError(f"{path}: empty answer")
        seen.add(name)
        person = (row.get("Group") or "").strip() + (row.get("Person") or "").strip()
        answers.append(Answer(name, task, category, person, text, encoding))
    if not answers:
        raise CorpusError(f"{info}: no answers listed")
    known = seen | set(source_encodings)
    unlisted = tuple(sorted(p.name for p in folder.glob("*.txt") if p.name not in known))
    return CloughCorpus(sources, source_encodings, tuple(answers), unlisted)
