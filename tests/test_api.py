import wiretrace


def test_exported_names_are_pinned() -> None:
    # Changing the public API is a deliberate act: update this list with it.
    assert sorted(wiretrace.__all__) == sorted(
        [
            "SCHEMA_VERSION",
            "Alignment",
            "Appearance",
            "CorpusError",
            "Document",
            "Edit",
            "EncodingError",
            "Index",
            "IndexError_",
            "InputError",
            "MemoryIndex",
            "Passage",
            "PassageKind",
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
            "render_trace",
            "trace",
            "trace_to_dict",
            "trace_to_json",
        ]
    )
    for name in wiretrace.__all__:
        assert hasattr(wiretrace, name), name
