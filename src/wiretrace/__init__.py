"""wiretrace finds where news text came from.

The public API is small::

    import wiretrace
    with wiretrace.open_index("news.db") as index:
        index.add([wiretrace.Document(id="a1", text="...")])
        result = wiretrace.trace(index, wiretrace.Document(id="q", text="..."))
        print(wiretrace.trace_to_json(result))
"""

import importlib
import logging
import typing as _typing

from wiretrace.errors import (
    CorpusError,
    EncodingError,
    EngineError,
    IndexError_,
    InputError,
    MissingExtraError,
    Problem,
    RecordError,
    SizeLimitError,
    WiretraceError,
)

if _typing.TYPE_CHECKING:
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
    from wiretrace.tracing import TraceOptions, trace

# The rest of the public API is imported on first use (PEP 562), so that a command that does
# not trace (``wiretrace --version``, ``info``) does not pay for importing the whole library.
_LAZY = {
    **dict.fromkeys(("Index", "MemoryIndex", "SQLiteIndex", "open_index"), "wiretrace.index"),
    **dict.fromkeys(
        (
            "SCHEMA_VERSION",
            "Alignment",
            "Appearance",
            "Document",
            "Edit",
            "EditType",
            "FactChange",
            "Passage",
            "PassageKind",
            "Signal",
            "SourceSummary",
            "Span",
            "Trace",
        ),
        "wiretrace.model",
    ),
    **dict.fromkeys(("RankedSource", "rank_sources"), "wiretrace.rank"),
    **dict.fromkeys(("render_trace", "trace_to_dict", "trace_to_json"), "wiretrace.report"),
    **dict.fromkeys(("TraceOptions", "trace"), "wiretrace.tracing"),
}


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'wiretrace' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # found once; later look-ups do not come here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


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
    "EngineError",
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
