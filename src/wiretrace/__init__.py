"""wiretrace finds where news text came from.

The public API is small::

    import wiretrace
    with wiretrace.open_index("news.db") as index:
        index.add([wiretrace.Document(id="a1", text="...")])
        result = wiretrace.trace(index, wiretrace.Document(id="q", text="..."))
        print(wiretrace.trace_to_json(result))
"""

import logging

from wiretrace.errors import (
    CorpusError,
    EncodingError,
    IndexError_,
    InputError,
    MissingExtraError,
    Problem,
    RecordError,
    SizeLimitError,
    WiretraceError,
)
from wiretrace.index import Index, MemoryIndex, SQLiteIndex, open_index
from wiretrace.model import (
    SCHEMA_VERSION,
    Alignment,
    Appearance,
    Document,
    Edit,
    EditType,
    FactChange,
    Passage,
    PassageKind,
    Signal,
    SourceSummary,
    Span,
    Trace,
)
from wiretrace.rank import RankedSource, rank_sources
from wiretrace.report import render_trace, trace_to_dict, trace_to_json
from wiretrace.trace import TraceOptions, trace

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "SCHEMA_VERSION",
    "Alignment",
    "Appearance",
    "CorpusError",
    "Document",
    "Edit",
    "EditType",
    "EncodingError",
    "FactChange",
    "Index",
    "IndexError_",
    "InputError",
    "MemoryIndex",
    "MissingExtraError",
    "Passage",
    "PassageKind",
    "Problem",
    "RankedSource",
    "RecordError",
    "SQLiteIndex",
    "Signal",
    "SizeLimitError",
    "SourceSummary",
    "Span",
    "Trace",
    "TraceOptions",
    "WiretraceError",
    "open_index",
    "rank_sources",
    "render_trace",
    "trace",
    "trace_to_dict",
    "trace_to_json",
]
