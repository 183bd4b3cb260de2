"""The readable terminal report: the article coloured by source, then tables."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from wiretrace.model import Trace

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
MAX_EDITS_SHOWN = 4


def _percent(x: float) -> str:
    return f"{100 * x:.1f}%"


def highlighted_text(trace: Trace) -> Text:
    """The query text with each character styled by the best source covering it."""
    text = trace.query.text
    rank = {s.document.id: i for i, s in enumerate(trace.sources)}
    owner = [-1] * len(text)
    for p in trace.passages:
        r = rank[p.source_id]
        for i in range(p.query.start, p.query.end):
            if owner[i] < 0 or r < owner[i]:
                owner[i] = r
    out = Text()
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or owner[i] != owner[start]:
            r = owner[start]
            style = PALETTE[r % len(PALETTE)] if r >= 0 else ""
            out.append(text[start:i], style=style)
            start = i
    return out


def render_trace(trace: Trace, console: Console | None = None) -> None:
    """Print the report of ``trace`` to ``console`` (stdout by default)."""
    console = console or Console()
    q = trace.query
    earliest = next(
        (s.document for s in trace.sources if s.document.id == trace.earliest_source), None
    )
    head = Text.assemble(
        ("Query ", "bold"),
        q.id,
        f"  ({len(q.text):,} characters)\n",
        ("Attributed to sources: ", "bold"),
        _percent(trace.coverage),
        f" of the text, from {len(trace.sources)} source(s)\n",
        ("Earliest source: ", "bold"),
        f"{earliest.id} ({earliest.published_at})" if earliest else "none with a date",
    )
    console.print(Panel(head, title="wiretrace trace", expand=False))
    legend = Text("Legend: ")
    for i, s in enumerate(trace.sources):
        label = s.document.title or s.document.id
        legend.append(f" [{i + 1}] {label} ", style=PALETTE[i % len(PALETTE)])
        legend.append(" ")
    if not trace.sources:
        legend.append("no source found; nothing is highlighted")
    console.print(Panel(Group(legend, Text(), highlighted_text(trace)), title="Article"))

    if trace.sources:
        table = Table(title="Sources", title_justify="left")
        for col in ("#", "id", "title", "outlet", "published", "share", "passages"):
            table.add_column(col, overflow="fold")
        for i, s in enumerate(trace.sources):
            d = s.document
            mark = " (earliest)" if d.id == trace.earliest_source else ""
            table.add_row(
                Text(f"[{i + 1}]", style=PALETTE[i % len(PALETTE)]),
                d.id,
                d.title or "",
                d.source or "",
                (d.published_at or "unknown") + mark,
                _percent(s.coverage),
                str(s.passages),
            )
        console.print(table)

        rank = {s.document.id: i for i, s in enumerate(trace.sources)}
        ptable = Table(title="Passages", title_justify="left")
        for col in ("query chars", "source", "source chars", "kind", "score", "edits (from -> to)"):
            ptable.add_column(col, overflow="fold")
        for p in trace.passages:
            edits = "; ".join(f"{e.source!r} -> {e.query!r}" for e in p.edits[:MAX_EDITS_SHOWN])
            if len(p.edits) > MAX_EDITS_SHOWN:
                edits += f"; ... {len(p.edits) - MAX_EDITS_SHOWN} more"
            ptable.add_row(
                f"{p.query.start}-{p.query.end}",
                f"[{rank[p.source_id] + 1}]",
                f"{p.source.start}-{p.source.end}",
                p.kind.value,
                f"{p.score:.2f}",
                edits,
            )
        console.print(ptable)
    if trace.signals:
        stable = Table(title="Signals", title_justify="left")
        stable.add_column("type")
        stable.add_column("detail", overflow="fold")
        for signal in trace.signals:
            stable.add_row(signal.type, signal.detail)
        console.print(stable)
