"""Document and fingerprint storage behind one small protocol."""

from wiretrace.index.base import AddOutcome, AddReport, Candidate, Index, prepare
from wiretrace.index.memory import MemoryIndex
from wiretrace.index.sqlite import SQLiteIndex, open_index

__all__ = [
    "AddOutcome",
    "AddReport",
    "Candidate",
    "Index",
    "MemoryIndex",
    "SQLiteIndex",
    "open_index",
    "prepare",
]
