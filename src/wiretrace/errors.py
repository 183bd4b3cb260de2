"""The exceptions wiretrace raises, in one tree.

::

    WiretraceError                 base of everything below
    ├── InputError                 a record or file cannot be read as a document
    │   ├── EncodingError          bytes that are not UTF-8
    │   ├── RecordError            a malformed record (bad JSON, missing id or text, empty text)
    │   └── SizeLimitError         a document larger than the configured limit
    ├── IndexError_                the index cannot be opened, read or written
    ├── CorpusError                an evaluation corpus is missing files or malformed
    └── MissingExtraError          an optional extra is needed and not installed (also an
                                   ImportError)

Every message names the file and line, or the record id, and says what to do next.
"""

from __future__ import annotations


class WiretraceError(Exception):
    """Base class of all wiretrace errors."""


class InputError(WiretraceError):
    """A record or file cannot be read as a document.

    ``location`` is ``file:line`` or the record id, so batch jobs can report it.
    """

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(f"{location}: {reason}")
        self.location = location
        self.reason = reason


class EncodingError(InputError):
    """The input bytes are not valid UTF-8."""


class RecordError(InputError):
    """A malformed record: not JSON, missing ``id`` or ``text``, or an empty text."""


class SizeLimitError(InputError):
    """A document is larger than the configured size limit."""


class IndexError_(WiretraceError):
    """The index cannot be opened, read or written."""


class CorpusError(WiretraceError):
    """An evaluation corpus is missing files or is malformed."""


class MissingExtraError(WiretraceError, ImportError):
    """An optional extra is needed and not installed; the message says what to install."""
