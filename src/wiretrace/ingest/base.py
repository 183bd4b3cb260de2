"""The values every reader shares: options, what a reader yields, and common reasons.

A reader turns one input file into a stream of :class:`Entry` values. Each entry holds one of:

- a :class:`~wiretrace.model.Document` (with ``warnings`` when something was dropped from it,
  for example a date that could not be parsed);
- a :class:`Rejected` record: bad input, with the place (``path:line``, ``path:record N``) and
  the reason;
- a :class:`Skipped` record: a record that is fine but holds no article (a WARC request, an
  image response). It is counted, never silently dropped.

The readers never raise for bad input; see :mod:`wiretrace.ingest.readers`. Pure helpers
return a :class:`~wiretrace.errors.Problem` (re-exported here) instead of raising.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from wiretrace.errors import InputError, Problem
from wiretrace.model import Document

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# Advice keys (see ``ReadOptions.hints``): a text over the size limit; a text file that is not
# UTF-8 (its encoding can be guessed); a file whose format was not recognised (it can be
# named); a CSV header without a text column (the column can be mapped); a file that holds
# more than one article where one is traced (one can be picked).
HINT_MAX_BYTES = "max_bytes"
HINT_DETECT_ENCODING = "detect_encoding"
HINT_FORMAT = "format"
HINT_TEXT_COLUMN = "text_column"
HINT_CHOOSE_ID = "choose_id"
HINT_KEYS = (HINT_MAX_BYTES, HINT_DETECT_ENCODING, HINT_FORMAT, HINT_TEXT_COLUMN, HINT_CHOOSE_ID)


class Format(StrEnum):
    """The input formats wiretrace reads."""

    JSONL = "jsonl"
    TXT = "txt"
    HTML = "html"
    WARC = "warc"
    FEED = "feed"
    CSV = "csv"
    PDF = "pdf"
    DOCX = "docx"


# Document fields a CSV column can fill, and the default column names (the same names).
CSV_FIELDS = (
    "id", "text", "title", "url", "source", "published_at", "language", "author"
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CsvOptions:
    """How CSV columns map to document fields.

    ``columns`` maps a field name (one of :data:`CSV_FIELDS`) to the column that holds it; a
    field not in the map is read from the column of the same name when the header has one,
    else from a column with one of its common names (see :mod:`wiretrace.ingest.tables`).
    Only ``text`` is required in the header. Without an ``id`` column, a row's id is
    ``FILE:LINE`` (the file name and the row's first line). ``delimiter`` is ``","`` (``"\\t"``
    for ``.tsv`` files) unless given.
    """

    columns: tuple[tuple[str, str], ...] = ()
    delimiter: str | None = None

    def __post_init__(self) -> None:
        for name, column in self.columns:
            if name not in CSV_FIELDS:
                raise ValueError(
                    f"unknown field {name!r} in a CSV column mapping; use one of "
                    + ", ".join(CSV_FIELDS)
                )
            if not column:
                raise ValueError(f"empty column name for field {name!r}")
        if self.delimiter is not None and len(self.delimiter) != 1:
            raise ValueError(f"a CSV delimiter is one character, got {self.delimiter!r}")


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How inputs are read.

    - ``max_bytes``: the largest document accepted, in bytes (default 10 MB): the UTF-8 text
      for JSONL, TXT, CSV and feed entries; the raw page for HTML files and WARC responses.
    - ``format``: read every file given or found as this format instead of choosing by
      extension and content (``None``).
    - ``csv``: the CSV column mapping.
    - ``detect_encoding``: decode ``.txt`` files that are not UTF-8 with the encoding
      charset-normalizer detects, instead of rejecting them. HTML, WARC, feed and CSV inputs
      are always decoded this way when they are not UTF-8 and declare no charset.
    - ``hints``: the caller's advice for a problem, by advice key (:data:`HINT_KEYS`). The
      readers say what is wrong; what to do about it is the edge's to say, in its own words:
      the command line names its options (``--max-bytes``), the HTTP API says "send a shorter
      text". Empty by default: a library caller gets the plain messages.
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    format: Format | None = None
    csv: CsvOptions = field(default_factory=CsvOptions)
    detect_encoding: bool = False
    hints: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.max_bytes <= 0:
            raise ValueError(f"max_bytes must be positive, got {self.max_bytes}")
        unknown = sorted(set(self.hints) - set(HINT_KEYS))
        if unknown:
            raise ValueError(f"unknown hint key {unknown[0]!r}; the keys are {HINT_KEYS}")

    def hint(self, key: str) -> str:
        """The caller's advice for the problems of advice key ``key`` (``""`` if none)."""
        return self.hints.get(key, "")


@dataclass(frozen=True, slots=True)
class Page:
    """A document extracted from a page or a file (HTML, PDF, Word), and what was dropped on
    the way."""

    document: Document
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record or file that could not be read as a document.

    ``location`` is ``path:line`` for a JSONL or CSV record, ``path:record N`` for a WARC
    record, ``path:entry N`` for a feed entry, and the path for a whole file or folder entry;
    ``reason`` says what is wrong and, where it helps, what to do. ``raw`` is the line as read
    (decoded with backslash escapes if it was not UTF-8) when there is one small enough to
    keep, else ``None``. ``error`` is the :class:`~wiretrace.errors.InputError` subclass that
    describes the problem; :meth:`as_error` builds it, for callers that stop at the first bad
    record.
    """

    location: str
    reason: str
    raw: str | None = None
    error: type[InputError] = InputError

    def as_error(self) -> InputError:
        """This rejection as an exception, for callers that do not skip bad records."""
        return self.error(self.location, self.reason)

    @classmethod
    def of(cls, problem: Problem, location: str, raw: str | None = None) -> Rejected:
        """The rejection of ``problem`` at ``location``."""
        return cls(location, problem.reason, raw, problem.error)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record read and deliberately not indexed because it holds no article."""

    location: str
    reason: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One record read from an input: a document, a rejection, or a skipped record.

    ``format`` is the reader that produced it. ``warnings`` say what was dropped from a kept
    document. ``position`` is how many bytes of the input had been consumed after this record
    (for progress; 0 when the reader cannot tell). ``file`` is the file it was read from.
    ``resume`` is set by readers that can restart in the middle of a file (WARC): the byte
    offset where this record starts and its number in the file, which
    :func:`~wiretrace.ingest.readers.iter_entries` accepts back to continue after it. ``note``
    is what a reader says once about the whole file, on its first entry (the CSV reader's
    column mapping); ``""`` otherwise.
    """

    format: Format
    item: Document | Rejected | Skipped
    warnings: tuple[str, ...] = ()
    position: int = 0
    file: str = ""
    resume: tuple[int, int] | None = None
    note: str = ""


def size_problem(size: str, options: ReadOptions, what: str = "text") -> Problem:
    """``what`` (of ``size``, such as ``"1,234 bytes"``) is over ``options.max_bytes``."""
    message = f"{what} is too large: {size}, over the limit of {options.max_bytes:,} bytes"
    return Problem("size_limit", message, hint=options.hint(HINT_MAX_BYTES))


def advised(message: str, options: ReadOptions, key: str) -> str:
    """``message`` followed by the caller's advice for ``key``, if it gave one."""
    hint = options.hint(key)
    return f"{message}; {hint}" if hint else message


def size_reason(size: str, options: ReadOptions, what: str = "text") -> str:
    """The reason of :func:`size_problem`, hint included."""
    return size_problem(size, options, what).reason


def os_reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def is_utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean(value: object) -> str | None:
    """A metadata value as a stripped string, or ``None`` when absent or empty."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None
