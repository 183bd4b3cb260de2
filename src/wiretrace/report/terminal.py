"""The readable terminal report: the article coloured by source, then tables.

Every value that comes from data (the article, ids, titles, outlets, dates, edits, signal
details) reaches rich as a :class:`~rich.text.Text`, never as a string, so rich reads no markup
in it (``[/bold]`` is shown as written, ``[link=...]`` makes no link), and passes through
:func:`terminal_safe` first, so no control character from the data (an ``ESC`` starting a
cursor move, a title change or a link, a bell, a carriage return) reaches the terminal.
"""

from __future__ import annotations

import re

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from wiretrace.model import Document, EditType, FactChange, Passage, Trace
from wiretrace.report.words import signal_title

__all__ = ["highlighted_text", "render_trace", "terminal_safe"]

# Background colours that keep black or white text readable; sources beyond the palette reuse it.
PALETTE = (
    "black on #8ecae6",
    "black on #ffb703",
    "black on #90be6d",
    "black on #f4a3a8",
    "black on #cdb4db",
    "black on #f9c74f",
    "black on #4cc9f0",
    "black on #e9c46a",
)
# Backgrounds for a terminal of 16 colours, where several of the colours above map to one grey:
# eight that stay apart there.
PALETTE_16 = (
    "black on cyan",
    "black on yellow",
    "black on green",
    "black on magenta",
    "white on blue",
    "white on red",
    "black on white",
    "black on bright_yellow",
)
MAX_EDITS_SHOWN = 4
# Titles stand for sources in the legend and the head, cut to this many characters.
TITLE_CHARS = 40
# The passages table shows the start of each passage's text, this many characters.
TEXT_START_CHARS = 40
# Changed facts (fact drift): apart from every source colour.
DRIFT_STYLE = "bold red"
MAX_LATER_SHOWN = 10

# C0 controls, DEL and C1 controls (Unicode category Cc): ESC starts CSI and OSC sequences,
# and 0x9B / 0x9D are their one-byte C1 forms.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_KEEP_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(value: str, *, multiline: bool = False) -> str:
    """``value`` with every control character removed, fit to be shown in a terminal.

    A one-line value (an id, a title) has its line breaks and tabs turned into spaces; with
    ``multiline`` (the article itself) newlines and tabs are kept. A carriage return is removed
    in both, since it would let the text overwrite what came before it on the line.
    """
    if multiline:
        return _CONTROL_KEEP_LINES.sub("", value)
    return _CONTROL.sub(lambda m: " " if m.group() in "\n\t" else "", value)


def _text(value: str | None, style: str = "", *, empty: str = "") -> Text:
    """A data value as a Text: no markup read, no control characters."""
    return Text(terminal_safe(value) if value else empty, style=style)


def _percent(x: float) -> str:
    return f"{100 * x:.1f}%"


def highlighted_text(
    trace: Trace, *, palette: tuple[str, ...] = PALETTE, markers: bool = False
) -> Text:
    """The query text with each character styled by the best source covering it; a changed
    fact is underlined, with the source's wording after it in brackets. With ``markers`` (for
    output without colours) a source's stretch is also enclosed in ``[n]`` ... ``[/n]``."""
    text = trace.query.text
    rank = {s.document.id: i for i, s in enumerate(trace.sources)}
    owner = [-1] * len(text)
    for p in trace.passages:
        r = rank.get(p.source_id, -1)
        if r < 0:
            continue
        for i in range(p.query.start, min(p.query.end, len(text))):
            if owner[i] < 0 or r < owner[i]:
                owner[i] = r
    changed = [False] * len(text)
    was: dict[int, list[str]] = {}  # the source's wording, shown at these offsets
    for fact in facts_of(trace):
        span = fact.query_span
        for i in range(span.start, min(span.end, len(text))):
            changed[i] = True
        wording = terminal_safe(fact.source_wording) or "nothing"
        if span.start == span.end:  # words the article left out: shown where they stood
            was.setdefault(span.start, []).append(f"[source: {wording}] ")
        else:
            was.setdefault(min(span.end, len(text)), []).append(f" [source: {wording}]")
    out = Text()
    for note in was.pop(0, []):
        out.append(note, style=DRIFT_STYLE)
    start = 0
    for i in range(1, len(text) + 1):
        same = i < len(text) and (owner[i], changed[i]) == (owner[start], changed[start])
        if same and i not in was:
            continue
        r = owner[start]
        if markers and r >= 0 and (start == 0 or owner[start - 1] != r):
            out.append(f"[{r + 1}]", style="bold")
        style = palette[r % len(palette)] if r >= 0 else ""
        if changed[start]:
            style = f"{style} underline".strip()
        out.append(terminal_safe(text[start:i], multiline=True), style=style)
        if markers and r >= 0 and (i == len(text) or owner[i] != r):
            out.append(f"[/{r + 1}]", style="bold")
        for note in was.pop(i, []):
            out.append(note, style=DRIFT_STYLE)
        start = i
    return out


def _name(document: Document) -> str:
    """A source as a reader knows it: its title, shortened, else its id."""
    title = " ".join((document.title or "").split())
    if not title:
        return document.id
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1].rstrip() + "…"


def facts_of(trace: Trace) -> list[FactChange]:
    """The changed facts of a trace's ``fact_drift`` signals, in text order."""
    return [s.fact for s in trace.signals if s.fact is not None]


def _earliest(trace: Trace) -> Text:
    """The earliest source, a tie between several, or why there is none."""
    by_id = {s.document.id: s.document for s in trace.sources}
    tied = [i for i in trace.earliest_sources if i in by_id] or (
        [trace.earliest_source] if trace.earliest_source in by_id else []
    )
    if len(tied) > 1:
        out = Text("tie: ")
        for n, doc_id in enumerate(tied):
            if n:
                out.append(", ")
            out.append_text(_text(_name(by_id[doc_id])))
            out.append(f" ({terminal_safe(by_id[doc_id].published_at or 'no date')})")
        out.append(" — their order is unknown at the precision of their dates")
        return out
    if tied:
        doc = by_id[tied[0]]
        return Text.assemble(
            _text(_name(doc)), f" ({terminal_safe(doc.published_at or 'no date')})"
        )
    return Text("none with a date")


def _head(trace: Trace) -> Text:
    q = trace.query
    head = Text.assemble(
        ("Query ", "bold"),
        _text(q.id),
        f"  ({len(q.text):,} characters",
        f", dated {terminal_safe(q.published_at)})" if q.published_at else ", no date)",
        "\n",
        ("Attributed to sources: ", "bold"),
        _percent(trace.coverage),
        f" of the text, from {len(trace.sources)} source(s)\n",
        ("Earliest source: ", "bold"),
    )
    head.append_text(_earliest(trace))
    if trace.later:
        head.append(f"\n{len(trace.later)} later document(s) also hold its text (listed below)")
    if not trace.direction_checked:
        head.append(
            "\ndirection could not be checked: the article has no date, so the sources may "
            "include later copies of it",
            style="yellow",
        )
    if trace.hidden_passages > 0:
        head.append(
            f"\n{trace.hidden_passages} passage(s) below confidence "
            f"{trace.min_confidence:.2f} hidden"
        )
    return head


def _edit(edit_source: str, edit_query: str, kind: EditType) -> str:
    shown = f"{terminal_safe(edit_source)!r} -> {terminal_safe(edit_query)!r}"
    return shown if kind is EditType.OTHER else f"{shown} ({kind.value})"


def _edits(p: Passage) -> Text:
    shown = "; ".join(_edit(e.source, e.query, e.type) for e in p.edits[:MAX_EDITS_SHOWN])
    if len(p.edits) > MAX_EDITS_SHOWN:
        shown += f"; ... {len(p.edits) - MAX_EDITS_SHOWN} more"
    return Text(shown)


def _sources_table(trace: Trace) -> Table:
    earliest = set(trace.earliest_sources) | (
        {trace.earliest_source} if trace.earliest_source else set()
    )
    table = Table(title="Sources", title_justify="left")
    for col in ("#", "id", "title", "outlet", "published", "share", "passages"):
        table.add_column(col, overflow="fold")
    for i, s in enumerate(trace.sources):
        d = s.document
        mark = ""
        if d.id in earliest:
            mark = " (earliest)" if len(earliest) == 1 else " (earliest, tied)"
        table.add_row(
            Text(f"[{i + 1}]", style=PALETTE[i % len(PALETTE)]),
            _text(d.id),
            _text(d.title),
            _text(d.source),
            Text(terminal_safe(d.published_at or "unknown") + mark),
            _percent(s.coverage),
            str(s.passages),
        )
    return table


def _passages_table(trace: Trace) -> Table:
    rank = {s.document.id: i for i, s in enumerate(trace.sources)}
    table = Table(title="Passages", title_justify="left")
    for col in ("text", "source", "kind", "confidence", "edits (from -> to)"):
        table.add_column(col, overflow="fold")
    text = trace.query.text
    for p in trace.passages:
        number = rank.get(p.source_id)
        source = Text(f"[{number + 1}]") if number is not None else _text(p.source_id)
        if p.source_field != "text":
            source.append(f" ({terminal_safe(p.source_field)})")
        table.add_row(
            _text(_start_of(text[p.query.start : p.query.end])),
            source,
            p.kind.value,
            f"{p.confidence:.2f}",
            _edits(p),
        )
    return table


def _start_of(passage: str) -> str:
    """The first words of a passage, on one line."""
    flat = " ".join(passage.split())
    return flat if len(flat) <= TEXT_START_CHARS else flat[: TEXT_START_CHARS - 1].rstrip() + "…"


def _later_table(trace: Trace) -> Table:
    table = Table(
        title="Later documents (dated after this article, not sources)", title_justify="left"
    )
    for col in ("id", "title", "outlet", "published", "share", "passages"):
        table.add_column(col, overflow="fold")
    for s in trace.later[:MAX_LATER_SHOWN]:
        d = s.document
        table.add_row(
            _text(d.id),
            _text(d.title),
            _text(d.source),
            _text(d.published_at, empty="unknown"),
            _percent(s.coverage),
            str(s.passages),
        )
    if len(trace.later) > MAX_LATER_SHOWN:
        table.caption = f"... and {len(trace.later) - MAX_LATER_SHOWN} more"
    return table


def _drift_table(trace: Trace) -> Table:
    """Changed facts: what the article says, what its source said, and which source."""
    rank = {s.document.id: i for i, s in enumerate(trace.sources)}
    table = Table(title="Fact drift (facts this article states differently)", title_justify="left")
    for col in ("fact", "article says", "source said", "source", "source date"):
        table.add_column(col, overflow="fold")
    for fact in facts_of(trace):
        number = rank.get(fact.source_id)
        table.add_row(
            Text(fact.type.value, style=DRIFT_STYLE),
            _text(fact.query_wording, empty="(nothing)"),
            _text(fact.source_wording, empty="(nothing)"),
            Text(f"[{number + 1}]") if number is not None else _text(fact.source_id),
            _text(fact.source_published_at, empty="unknown"),
        )
    return table


def render_trace(trace: Trace, console: Console | None = None) -> None:
    """Print the report of ``trace`` to ``console`` (stdout by default)."""
    console = console or Console()
    # Without colours (piped to a file, NO_COLOR) the article marks its sources in brackets;
    # in 16 colours it takes backgrounds that stay apart there.
    markers = console.color_system is None
    palette = PALETTE_16 if console.color_system in ("standard", "windows") else PALETTE
    console.print(Panel(_head(trace), title="wiretrace trace", expand=False))
    legend = Text("Legend: ")
    for i, s in enumerate(trace.sources):
        label = terminal_safe(_name(s.document))
        legend.append(f" [{i + 1}] {label} ", style=palette[i % len(palette)])
        legend.append(" ")
    if not trace.sources:
        legend.append("no source found; nothing is highlighted")
    article = highlighted_text(trace, palette=palette, markers=markers)
    console.print(Panel(Group(legend, Text(), article), title="Article"))

    if trace.sources:
        console.print(_sources_table(trace))
        console.print(_passages_table(trace))
    if trace.later:
        console.print(_later_table(trace))
    if facts_of(trace):
        console.print(_drift_table(trace))
    others = [s for s in trace.signals if s.fact is None]
    if others:
        stable = Table(title="Signals", title_justify="left")
        stable.add_column("signal")
        stable.add_column("detail", overflow="fold")
        for signal in others:
            kind = _text(signal_title(signal.type))
            if signal_title(signal.type) != signal.type:  # the plain words, the code below
                kind.append("\n")
                kind.append_text(_text(signal.type, "dim"))
            stable.add_row(kind, _text(signal.detail))
        console.print(stable)
