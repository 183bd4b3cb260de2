"""The HTML trace report: one self-contained file that opens offline.

The page is drawn in the browser by ``assets/report.js`` from a *view payload*: the JSON report
of :func:`~wiretrace.report.json.trace_to_dict` plus a ``view`` object holding the query text
and, for every passage and every later passage, a word-level diff between the other document's
span (its text, or its title for a headline) and the query's span. Later documents (dated
after the query) are drawn apart from the sources, under a title that says they are not.
The web page of ``wiretrace serve`` draws the same view with the same script, so the file and
the page cannot drift apart.

Safety: the script builds the page with DOM text nodes only (it never parses data as HTML), the
payload sits in a ``<script type="application/json">`` block with ``<``, ``>`` and ``&``
escaped, and a Content-Security-Policy allows only the inline script and style of this file
(by hash) and no network access at all.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from difflib import SequenceMatcher
from functools import cache
from importlib import resources
from typing import Any, Literal

from wiretrace.model import Document, Passage, Trace
from wiretrace.report.json import trace_to_dict
from wiretrace.report.words import signal_words

__all__ = [
    "DiffOp",
    "asset_text",
    "render_html",
    "report_csp",
    "source_text",
    "view_payload",
    "word_diff",
]

DiffOp = tuple[Literal["equal", "replace", "delete", "insert"], str, str]

# Longer passages (in tokens) are shown without word marks: difflib is quadratic in the worst
# case, and a passage that long is unreadable side by side anyway.
MAX_DIFF_TOKENS = 6000

# A word (with inner apostrophes or hyphens) or one other non-space character.
_TOKEN = re.compile(r"\w+(?:['’\-]\w+)*|[^\w\s]")
_PLACEHOLDER = re.compile(r"\{\{(CSP|TITLE|CSS|DATA|JS)\}\}")


def _tokens(text: str) -> list[tuple[str, int]]:
    """Tokens of ``text`` with their start offsets."""
    return [(m.group(), m.start()) for m in _TOKEN.finditer(text)]


def word_diff(source: str, query: str) -> list[DiffOp]:
    """A word-level diff from ``source`` to ``query``, as ``(op, source_part, query_part)``.

    Joining the source parts gives ``source`` and joining the query parts gives ``query``
    exactly (white space and punctuation included), so a view can mark the changed words in
    place. ``op`` is ``equal``, ``replace`` (``Russia`` -> ``Russian Federation``), ``delete``
    (only in the source) or ``insert`` (only in the query). Words are compared as written;
    the white space between them is not compared.
    """
    a, b = _tokens(source), _tokens(query)
    if not a or not b or len(a) + len(b) > MAX_DIFF_TOKENS:
        if source == query:
            return [("equal", source, query)] if source else []
        return [("replace", source, query)]
    matcher = SequenceMatcher(None, [t for t, _ in a], [t for t, _ in b], autojunk=False)

    def cut(tokens: list[tuple[str, int]], text: str, i: int) -> int:
        # A part runs from its first token to the next part's first token, so the white space
        # after a word stays with it; the first part also takes any leading white space.
        if i == 0:
            return 0
        return tokens[i][1] if i < len(tokens) else len(text)

    out: list[DiffOp] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        src = source[cut(a, source, i1) : cut(a, source, i2)]
        qry = query[cut(b, query, j1) : cut(b, query, j2)]
        kind: Literal["equal", "replace", "delete", "insert"] = op
        if out and out[-1][0] == kind:  # never two parts of one kind in a row
            _, s0, q0 = out.pop()
            src, qry = s0 + src, q0 + qry
        out.append((kind, src, qry))
    return out


def source_text(document: Document, passage: Passage) -> str:
    """The source side of a passage: a slice of the source's text, or of its title when the
    passage is a headline copied from it (``source_field == "title"``)."""
    whole = (document.title or "") if passage.source_field == "title" else document.text
    return whole[passage.source.start : passage.source.end]


def _diffs(
    query: str, passages: tuple[Passage, ...], documents: dict[str, Document]
) -> list[list[list[str]]]:
    out = []
    for p in passages:
        document = documents.get(p.source_id)
        source = source_text(document, p) if document is not None else ""
        out.append([list(op) for op in word_diff(source, query[p.query.start : p.query.end])])
    return out


def view_payload(trace: Trace) -> dict[str, Any]:
    """The JSON report plus ``view``: the query text and one word diff per passage.

    ``view.diffs[i]`` belongs to ``passages[i]`` and ``view.later_diffs[i]`` to
    ``later_passages[i]``; each is a list of ``[op, source, query]``. ``view.signal_words``
    gives each signal type a plain title and explanation (:mod:`wiretrace.report.words`).
    """
    report = trace_to_dict(trace)
    documents = {s.document.id: s.document for s in (*trace.sources, *trace.later)}
    query = trace.query.text
    report["view"] = {
        "text": query,
        "diffs": _diffs(query, trace.passages, documents),
        "later_diffs": _diffs(query, trace.later_passages, documents),
        "signal_words": signal_words(),
    }
    return report


@cache
def asset_text(name: str) -> str:
    """A file of ``wiretrace/report/assets`` (the report's script, style and page shell)."""
    return resources.files("wiretrace.report").joinpath("assets", name).read_text("utf-8")


def script_json(value: object) -> str:
    """JSON that is safe inside a ``<script>`` element: it cannot close the element, open a
    comment, or break a line in older JavaScript parsers."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def csp_hash(content: str) -> str:
    """A CSP source expression allowing exactly this inline script or style."""
    digest = hashlib.sha256(content.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def report_csp() -> str:
    """The Content-Security-Policy of the standalone report: its own inline script and style
    (by hash), images only as data, and no network access at all."""
    return (
        "default-src 'none'; "
        f"script-src {csp_hash(asset_text('report.js'))}; "
        f"style-src {csp_hash(asset_text('report.css'))}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def render_html(trace: Trace, *, title: str | None = None) -> str:
    """The trace as one self-contained HTML page (inline style, script and data; no network).

    ``title`` is the page title; by default it names the query's title or id.
    """
    q = trace.query
    values = {
        "CSP": html.escape(report_csp(), quote=True),
        "TITLE": html.escape(title or f"wiretrace: {q.title or q.id}", quote=True),
        "CSS": asset_text("report.css"),
        "JS": asset_text("report.js"),
        "DATA": script_json(view_payload(trace)),
    }
    # One pass over the shell only: text put in by one placeholder is never searched again.
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], asset_text("report.html"))
