"""The exceptions wiretrace raises, in one tree.

::

    WiretraceError                 base of everything below
    ├── InputError                 a record or file cannot be read as a document
    │   ├── EncodingError          bytes that are not UTF-8
    │   ├── RecordError            a malformed record (bad JSON, missing id or text, empty text)
    │   └── SizeLimitError         a document larger than the configured limit
    ├── IndexError_                the index cannot be opened, read or written
    ├── CorpusError                an evaluation corpus is missing files or malformed
    ├── OutputError                an output location cannot be used (unsupported URI scheme,
    │                              a file system that cannot be reached)
    ├── EngineError                a corpus engine cannot run its work where it runs it (the
    │                              Spark executors cannot import wiretrace)
    └── MissingExtraError          an optional extra is needed and not installed (also an
                                   ImportError)

Every message names the file and line, or the record id, and says what to do next.

An input problem is also a value, :class:`Problem`: a stable ``code`` (``"encoding"``,
``"record"``, ``"empty_text"``, ``"size_limit"`` or ``"input"``), the ``place`` (``file:line``
or the record id; empty while a pure helper does not know it), the ``message`` (what is
wrong) and an optional ``hint`` (what to do). Pure readers return a ``Problem``;
:class:`InputError` carries one as ``problem``. The library only says what is wrong: the hint
is the edge's, in its own words, given to the readers as ``ReadOptions.hints`` (the command
line names its options, such as ``--max-bytes``; the HTTP API says "send a shorter text").
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class Problem:
    """Why some bytes or a record are not a document: ``code``, ``place``, ``message``, and
    the caller's ``hint`` (``""`` when it gave none)."""

    code: str
    message: str
    place: str = ""
    hint: str = ""

    @property
    def reason(self) -> str:
        """The message with its hint, as the edge that gave the hint shows it."""
        return f"{self.message}; {self.hint}" if self.hint else self.message

    @property
    def error(self) -> type[InputError]:
        """The exception class of this problem's code."""
        return ERROR_CLASSES.get(self.code, InputError)

    def at(self, place: str) -> Problem:
        """This problem at ``place``."""
        return replace(self, place=place)

    def as_error(self) -> InputError:
        """This problem as an exception (of the class its code names)."""
        return self.error(self.place, self.message, hint=self.hint, code=self.code)


class WiretraceError(Exception):
    """Base class of all wiretrace errors."""


class InputError(WiretraceError):
    """A record or file cannot be read as a document.

    ``location`` is ``file:line`` or the record id, so batch jobs can report it; ``reason``
    is the message with the caller's hint; ``problem`` is the same as a
    :class:`Problem` and ``code`` its stable code (the class's own unless given).
    """

    code = "input"

    def __init__(
        self, location: str, reason: str, *, hint: str = "", code: str | None = None
    ) -> None:
        self.problem = Problem(code or type(self).code, reason, location, hint)
        super().__init__(f"{location}: {self.problem.reason}")
        self.location = location
        self.reason = self.problem.reason
        self.code = self.problem.code

    def __reduce__(self) -> tuple[object, ...]:  # so errors cross process boundaries
        p = self.problem
        return (_rebuild, (type(self), p.place, p.message, p.hint, p.code))


class EncodingError(InputError):
    """The input bytes are not valid UTF-8."""

    code = "encoding"


class RecordError(InputError):
    """A malformed record: not JSON, missing ``id`` or ``text``, or an empty text (whose
    problem code is ``"empty_text"``)."""

    code = "record"


class SizeLimitError(InputError):
    """A document is larger than the configured size limit."""

    code = "size_limit"


ERROR_CLASSES: dict[str, type[InputError]] = {
    "input": InputError,
    "encoding": EncodingError,
    "record": RecordError,
    "empty_text": RecordError,
    "size_limit": SizeLimitError,
}


def _rebuild(
    cls: type[InputError], location: str, message: str, hint: str, code: str
) -> InputError:
    return cls(location, message, hint=hint, code=code)


class IndexError_(WiretraceError):
    """The index cannot be opened, read or written."""


class CorpusError(WiretraceError):
    """An evaluation corpus is missing files or is malformed."""


class OutputError(WiretraceError):
    """An output location (``--out``) cannot be used: its URI scheme is not supported, its file
    system cannot be reached, or the engine cannot write there; the message says what to do."""


class EngineError(WiretraceError):
    """A corpus engine cannot run its work where it runs it, for instance Spark executors
    whose Python cannot import wiretrace; the message says how to set them up."""


class MissingExtraError(WiretraceError, ImportError):
    """An optional extra is needed and not installed; the message says what to install."""
