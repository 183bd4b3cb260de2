"""A static HTML overview of a ``wiretrace corpus reuse`` output folder.

One self-contained page: the top stories (timelines and first publishers), outlets ranked by
originality, and plots of reuse over time drawn with matplotlib (embedded as base64 PNG).
Every text taken from the data is HTML-escaped.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import pyarrow.parquet as pq

from wiretrace.corpus.records import DriftRecord, OutletRecord, StoryRecord
from wiretrace.dates import parse_date
from wiretrace.errors import CorpusError
from wiretrace.fileio import write_atomic

REQUIRED = ("summary.json", "pairs.parquet", "clusters.parquet", "outlets.parquet")
TIMELINE_SHOWN = 12
OUTLETS_SHOWN = 50
PLOTTED_STORIES = 10
DRIFT_SHOWN = 10  # changed facts listed under a story

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222;line-height:1.4}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border-bottom:1px solid #eee;padding:.3em .5em;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.note{background:#f6f6f0;border-left:4px solid #cc9;padding:.5em 1em}
.story{margin:1em 0;padding:.5em 1em;border:1px solid #ddd;border-radius:4px}
.first{font-weight:bold}.muted{color:#777}
img{max-width:100%}
.drift-head{margin:.8em 0 .2em;font-weight:bold;color:#8b0000}
.fact{background:#b00020;color:#fff;border-radius:3px;padding:0 .35em;font-size:.85em}
del{background:#ffe0e0}ins{background:#e0f5e0;text-decoration:none}
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _check(folder: Path) -> None:
    missing = [name for name in REQUIRED if not (folder / name).exists()]
    if missing:
        raise CorpusError(
            f"{folder}: not a 'wiretrace corpus reuse' output (missing {', '.join(missing)}); "
            f"run 'wiretrace corpus reuse INPUT... --out {folder}' first"
        )


def _pairs_over_time(folder: Path) -> Iterator[tuple[datetime, str]]:
    """The date of the copying document and the kind, for every directed pair."""
    pf = pq.ParquetFile(folder / "pairs.parquet")
    cols = ["direction", "published_a", "published_b", "kind"]
    for batch in pf.iter_batches(columns=cols):
        for row in batch.to_pylist():
            if row["direction"] == "a_to_b":
                when = parse_date(row["published_b"])
            elif row["direction"] == "b_to_a":
                when = parse_date(row["published_a"])
            else:
                continue
            if when is not None:
                yield when, row["kind"]


def _figure_png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _plots(folder: Path, stories: list[StoryRecord], outlets: list[OutletRecord]) -> str:
    """The plots as HTML ``<figure>`` elements (none when there is nothing to plot)."""
    from matplotlib.figure import Figure

    parts: list[str] = []
    by_month: dict[str, Counter[str]] = {}
    for when, kind in _pairs_over_time(folder):
        by_month.setdefault(when.strftime("%Y-%m"), Counter())[kind] += 1
    if len(by_month) < 2:
        pairs = sum(sum(c.values()) for c in by_month.values())
        parts.append(
            _not_enough(
                "reuse over time",
                f"{_count(pairs, 'dated reuse pair', 'dated reuse pairs')} in "
                f"{_count(len(by_month), 'month', 'months')}; a chart needs two months or more",
            )
        )
    else:
        months = sorted(by_month)
        kinds = ["verbatim", "near_verbatim", "rewritten", "paraphrase"]
        fig = Figure(figsize=(10, 3.5))
        ax = fig.subplots()
        bottom = [0] * len(months)
        for kind in kinds:
            values = [by_month[m][kind] for m in months]
            if any(values):
                ax.bar(range(len(months)), values, bottom=bottom, label=kind.replace("_", " "))
                bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        step = max(1, len(months) // 12)
        ax.set_xticks(range(0, len(months), step), months[::step], rotation=45, ha="right")
        ax.set_ylabel("reuse pairs")
        ax.set_title("Reuse over time (pairs, by month of the copying document; months with reuse)")
        ax.legend()
        parts.append(_figure(fig, "Bar chart of reuse pairs per month, stacked by kind."))
    plotted = [s for s in stories if s["start"] and s["end"] != s["start"]][:PLOTTED_STORIES]
    if not plotted:
        parts.append(
            _not_enough("how stories spread", "no story has dated documents at two different times")
        )
    else:
        # Days after the first publication, on a symmetric log scale: spread within the first
        # hours and over years both stay visible.
        fig = Figure(figsize=(10, 0.45 * len(plotted) + 1.5))
        ax = fig.subplots()
        for y, story in enumerate(plotted):
            dates = [d for t in story["timeline"] if (d := parse_date(t["published_at"]))]
            days = [(d - dates[0]).total_seconds() / 86400 for d in dates]
            ax.plot(days, [y] * len(days), "o", alpha=0.5)
            ax.plot([0], [y], "k*", markersize=12)
        ax.set_xscale("symlog", linthresh=1)
        labels = [f"{i + 1}. {s['first_outlet'] or '?'}"[:40] for i, s in enumerate(plotted)]
        ax.set_yticks(range(len(plotted)), labels)
        ax.invert_yaxis()
        ax.set_xlabel("days after the first publication (symmetric log scale)")
        ax.set_title("How the top stories spread (star: first publisher; one dot per document)")
        parts.append(_figure(fig, "Spread of the largest dated stories over time."))
    dated = [o for o in outlets if o["dated_documents"]]
    ranked = sorted(
        sorted(dated, key=lambda o: (-o["documents"], o["outlet"]))[:20],
        key=lambda o: (-(o["originality"] or 0.0), o["outlet"]),
    )
    if len(ranked) < 2:
        parts.append(
            _not_enough(
                "outlets by originality",
                f"{_count(len(ranked), 'outlet has', 'outlets have')} dated documents; a "
                "comparison needs two",
            )
        )
    else:
        fig = Figure(figsize=(10, 0.35 * len(ranked) + 1.5))
        ax = fig.subplots()
        ys = range(len(ranked))
        ax.barh(ys, [o["share_reused_from_others"] for o in ranked], label="reused from others")
        ax.barh(ys, [-o["share_reused_by_others"] for o in ranked], label="reused by others (left)")
        ax.set_yticks(list(ys), [o["outlet"][:40] for o in ranked])
        ax.invert_yaxis()
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_xlim(-1.05, 1.05)
        ax.set_xlabel("share of the outlet's text")
        ax.set_title(
            "The 20 largest outlets by originality: text taken from others (right) "
            "and by others (left)"
        )
        ax.legend(loc="upper right")
        parts.append(_figure(fig, "Share of each outlet's text reused from and by others."))
    return "\n".join(parts)


def _not_enough(plot: str, why: str) -> str:
    return f'<p class="muted">Not enough data to plot {_e(plot)}: {_e(why)}.</p>'


def _figure(fig: Any, caption: str) -> str:
    return (
        f'<figure><img alt="{_e(caption)}" src="data:image/png;base64,{_figure_png(fig)}">'
        f"<figcaption>{_e(caption)}</figcaption></figure>"
    )


def _drift_html(facts: list[DriftRecord]) -> str:
    """The facts of one story that its documents state differently, and who changed each
    first."""
    if not facts:
        return ""
    rows = []
    for f in facts[:DRIFT_SHOWN]:
        origin = next(v for v in f["values"] if v["doc_id"] == f["origin_doc"])
        rows.append(
            f'<tr><td><span class="fact">{_e(f["type"])}</span></td>'
            f"<td><del>{_e(f['original']) or '(nothing)'}</del> "
            f'<span class="muted">{_e(origin["outlet"])}, '
            f"{_e(origin['published_at'] or 'no date')}</span></td>"
            f"<td><ins>{_e(f['changed_to']) or '(nothing)'}</ins></td>"
            f"<td>{_e(f['first_changed_outlet'])} ({_e(f['first_changed_doc'])}, "
            f"{_e(f['first_changed_at'] or 'no date')})</td>"
            f"<td class=n>{sum(v['changed'] for v in f['values'])} of {len(f['values'])}</td></tr>"
        )
    more = len(facts) - DRIFT_SHOWN
    if more > 0:
        rows.append(f'<tr><td></td><td colspan=4 class="muted">and {more:,} more</td></tr>')
    return (
        '<p class="drift-head">Facts that changed on the way:</p>'
        "<table><tr><th>fact</th><th>first stated as</th><th>changed to</th>"
        "<th>first changed by</th><th>documents that changed it</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _story_html(rank: int, story: StoryRecord, facts: list[DriftRecord] | None = None) -> str:
    first = story["first_doc"]
    if first:
        head = (
            f'first published by <span class="first">{_e(story["first_outlet"])}</span> '
            f"({_e(first)}, {_e(story['first_published'])})"
        )
        if story["first_tied"]:
            head += " — tied on timestamp; ordered by document id"
    else:
        head = '<span class="muted">no dated document: no first publisher</span>'
    rows = []
    for entry in story["timeline"][:TIMELINE_SHOWN]:
        css = ' class="first"' if entry["doc_id"] == first else ""
        title = entry.get("title")
        shown = (
            f'{_e(title)} <span class="muted">{_e(entry["doc_id"])}</span>'
            if title
            else _e(entry["doc_id"])
        )
        rows.append(
            f"<tr{css}><td class=n>{entry['order'] + 1}</td>"
            f"<td>{_e(entry['published_at'] or 'no date')}</td>"
            f"<td>{_e(entry['outlet'])}</td><td>{shown}</td></tr>"
        )
    more = len(story["timeline"]) - TIMELINE_SHOWN
    if more > 0:
        rows.append(f'<tr><td></td><td colspan=3 class="muted">and {more:,} more</td></tr>')
    span = f"{_e(story['start'])} to {_e(story['end'])}" if story["start"] else "undated"
    return (
        f'<div class="story"><h3>{rank}. {story["size"]:,} documents, {story["outlets"]:,} '
        f"outlets, {span}</h3><p>{head}; {story['undated']:,} undated.</p>"
        "<table><tr><th>#</th><th>published</th><th>outlet</th><th>document</th></tr>"
        + "".join(rows)
        + "</table>"
        + _drift_html(facts or [])
        + "</div>"
    )


def _outlets_html(outlets: list[OutletRecord]) -> str:
    rows = []
    for o in outlets[:OUTLETS_SHOWN]:
        upstream = ", ".join(f"{_e(u['outlet'])} ({u['share']:.0%})" for u in o["top_upstream"])
        rows.append(
            f"<tr><td>{_e(o['outlet'])}</td><td class=n>{o['documents']:,}</td>"
            f"<td class=n>{_share(o['originality'])}</td>"
            f"<td class=n>{o['share_reused_from_others']:.1%}</td>"
            f"<td class=n>{o['share_reused_by_others']:.1%}</td>"
            f"<td class=n>{o['share_shared_undated']:.1%}</td><td>{upstream}</td></tr>"
        )
    more = len(outlets) - OUTLETS_SHOWN
    tail = f'<p class="muted">and {more:,} more outlets in outlets.parquet</p>' if more > 0 else ""
    return (
        "<table><tr><th>outlet</th><th>documents</th><th>originality</th>"
        "<th>reused from others</th><th>reused by others</th><th>shared with undated</th>"
        "<th>top upstream outlets</th></tr>" + "".join(rows) + "</table>" + tail
    )


def render_report(folder: Path, top: int = 20) -> str:
    """The HTML overview of an output folder, as a string."""
    folder = Path(folder)
    _check(folder)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    stories = pq.read_table(folder / "clusters.parquet").slice(0, max(top, PLOTTED_STORIES))
    # The rows are the records the engines wrote (schema.STORIES, schema.OUTLETS).
    story_rows = cast(list[StoryRecord], stories.to_pylist())
    outlets = cast(list[OutletRecord], pq.read_table(folder / "outlets.parquet").to_pylist())
    drift = _drift_by_story(folder)
    notes = [
        "Documents are ordered by publication time (UTC). Documents with identical timestamps "
        "are ordered by document id, so the order is deterministic but the first of them is "
        "not known to be first."
    ]
    tied = summary.get("tied_first_publishers", 0)
    if tied:
        notes.append(
            f"{_count(tied, 'story has', 'stories have')} a first publisher tied on "
            "timestamp with another of its documents."
        )
    undated = summary.get("undated_documents", 0)
    if undated:
        notes.append(
            f"{_count(undated, 'document has', 'documents have')} no date: undated documents "
            "belong to stories but are never called first, and their reuse has no direction."
        )
    if summary["documents"] == 0:
        notes.append("The input held no documents.")
    stats = (
        f"{_count(summary['documents'], 'document', 'documents')}, "
        f"{_count(summary['pairs'], 'reuse pair', 'reuse pairs')}, "
        f"{_count(summary['stories'], 'story', 'stories')}, "
        f"{_count(summary['outlets'], 'outlet', 'outlets')} ({_e(summary['engine'])} engine)."
    )
    stories_html = (
        "<p>A story is a family of documents linked by reused passages: each document is "
        "joined to the one it shares the most text with, directly or through others. "
        "Largest first; a timeline is in publication order.</p>"
    ) + (
        "".join(
            _story_html(i + 1, s, drift.get(s["story_id"])) for i, s in enumerate(story_rows[:top])
        )
        or "<p>No story: no two documents share passages.</p>"
    )
    plots = _plots(folder, story_rows, outlets)
    return (
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
        "<title>wiretrace corpus overview</title>"
        f"<style>{_CSS}</style></head><body>"
        f"<h1>wiretrace corpus overview</h1><p>{stats}</p>"
        + "".join(f'<p class="note">{_e(n)}</p>' for n in notes)
        + f'<h2 id="stories">Top stories</h2>{stories_html}'
        + '<h2 id="outlets">Outlets ranked by originality</h2>'
        "<p>Originality is the share of an outlet's text not reused from earlier documents "
        "(of any outlet, its own included); it is n/a for an outlet with no dated document.</p>"
        + _outlets_html(outlets)
        + f'<h2 id="time">Reuse over time</h2>{plots}'
        + "</body></html>\n"
    )


def _drift_by_story(folder: Path) -> dict[str, list[DriftRecord]]:
    """The drift table by story (empty for an output folder written before it existed)."""
    path = folder / "drift.parquet"
    if not path.exists():
        return {}
    out: dict[str, list[DriftRecord]] = {}
    for row in cast(list[DriftRecord], pq.read_table(path).to_pylist()):
        out.setdefault(row["story_id"], []).append(row)
    return out


def write_report(folder: Path, out: Path, top: int = 20) -> None:
    """Write the HTML overview of ``folder`` to ``out``."""
    write_atomic(Path(out), render_report(folder, top))
