"""Report writers: JSON (versioned schema) and terminal."""

from wiretrace.report.json import trace_to_dict, trace_to_json
from wiretrace.report.terminal import render_trace

__all__ = ["render_trace", "trace_to_dict", "trace_to_json"]
