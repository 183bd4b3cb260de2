"""A static HTML overview of a ``wiretrace corpus reuse`` output folder.

One self-contained page: the largest reuse families (timelines, first publishers, changed
facts), the pairs that share the most text with their passages side by side
(:mod:`wiretrace.corpus.report_pairs`), outlets ranked by originality, and plots
(:mod:`wiretrace.corpus.report_plots`). A person reads titles and outlets; ids stay in tooltips
and in the data files. Every text taken from the data is HTML-escaped. An output folder of
format 1 (``clusters.parquet``, old field names) is read through :mod:`wiretrace.corpus.legacy`.

The folder is read where corpus mode wrote it, through :mod:`wiretrace.corpus.location`: a local
path or ``file://`` URI, or an ``hdfs://`` or ``s3a://`` URI, with the driver's settings for
that file system. The outputs are streamed; of the run's ``_stages/docs``, only the texts of
the pairs shown are read (:class:`wiretrace.corpus.report_pairs.DocTexts`).
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any, cast

from wiretrace.corpus.legacy import output_path, output_rows, upgrade_summary
from wiretrace.corpus.location import Location, first_line, parse_location
from wiretrace.corpus.records import DriftRecord, FamilyRecord, OutletRecord
from wiretrace.corpus.report_pairs import doc_label, pairs_html
from wiretrace.corpus.report_plots import PLOTTED_FAMILIES, plots_html
from wiretrace.errors import CorpusError, OutputError
from wiretrace.fileio import write_atomic

REQUIRED = ("pairs", "families", "outlets")
TIMELINE_SHOWN = 12
OUTLETS_SHOWN = 50
DRIFT_SHOWN = 10  # changed facts listed under a family

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222;line-height:1.4}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border-bottom:1px solid #eee;padding:.3em .5em;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.note{background:#f6f6f0;border-left:4px solid #cc9;padding:.5em 1em}
.family{margin:1em 0;padding:.5em 1em;border:1px solid #ddd;border-radius:4px}
.first{font-weight:bold}.muted{color:#777}
.doc[title]{border-bottom:1px dotted #999;cursor:help}
img{max-width:100%}
.drift-head{margin:.8em 0 .2em;font-weight:bold;color:#8b0000}
.fact{background:#b00020;color:#fff;border-radius:3px;padding:0 .35em;font-size:.85em}
del{background:#ffe0e0}ins{background:#e0f5e0;text-decoration:none}
details.pair{margin:.4em 0;padding:.3em .8em;border:1px solid #ddd;border-radius:4px}
details.pair summary{cursor:pointer}
.sbs{display:grid;grid-template-columns:1fr 1fr;gap:1em;margin:.5em 0}
.side-head .role{text-transform:uppercase;font-size:.75em;color:#555;letter-spacing:.05em}
.passage{white-space:pre-wrap;font-family:Georgia,serif;font-size:.9em;margin:0}
mark{background:#fff3a0}.edits{font-size:.85em;margin:.2em 0 .8em}
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _check(folder: Location, shown: str) -> None:
    missing = [f"{name}.parquet" for name in REQUIRED if output_path(folder, name) is None]
    if not (folder / "summary.json").exists():
        missing.insert(0, "summary.json")
    if missing:
        raise CorpusError(
            f"{shown}: not a 'wiretrace corpus reuse' output (missing {', '.join(missing)}); "
            f"run 'wiretrace corpus reuse INPUT... --out {shown}' first"
        )


def _drift_html(facts: list[DriftRecord], titles: dict[str, str | None]) -> str:
    """The facts of one family that its documents state differently, and who changed each
    first."""
    if not facts:
        return ""
    rows = []
    for f in facts[:DRIFT_SHOWN]:
        origin = next(v for v in f["values"] if v["document_id"] == f["origin_document_id"])
        changer = f["first_changed_document_id"]
        rows.append(
            f'<tr><td><span class="fact">{_e(f["type"])}</span></td>'
            f"<td><del>{_e(f['origin_wording']) or '(nothing)'}</del> "
            f'<span class="muted">{_e(origin["outlet"])}, '
            f"{_e(origin['published_at'] or 'no date')}</span></td>"
            f"<td><ins>{_e(f['first_changed_wording']) or '(nothing)'}</ins></td>"
            f"<td>{_e(f['first_changed_outlet'])}: {doc_label(changer, titles.get(changer))} "
            f'<span class="muted">{_e(f["first_changed_published_at"] or "no date")}</span></td>'
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


def _family_head(family: FamilyRecord, titles: dict[str, str | None]) -> str:
    first = family["first_document_id"]
    if not first:
        return '<span class="muted">no dated document: no first publisher</span>'
    head = (
        f'first published by <span class="first">{_e(family["first_outlet"])}</span>: '
        f"{doc_label(first, titles.get(first))} ({_e(family['first_published_at'])})"
    )
    if family["first_tied"]:
        head += " — tied on timestamp; ordered by document id"
    return head


def _timeline_rows(family: FamilyRecord) -> list[str]:
    rows = []
    for entry in family["timeline"][:TIMELINE_SHOWN]:
        css = ' class="first"' if entry["document_id"] == family["first_document_id"] else ""
        rows.append(
            f"<tr{css}><td class=n>{entry['order'] + 1}</td>"
            f"<td>{_e(entry['published_at'] or 'no date')}</td>"
            f"<td>{_e(entry['outlet'])}</td>"
            f"<td>{doc_label(entry['document_id'], entry.get('title'))}</td></tr>"
        )
    more = len(family["timeline"]) - TIMELINE_SHOWN
    if more > 0:
        rows.append(f'<tr><td></td><td colspan=3 class="muted">and {more:,} more</td></tr>')
    return rows


def _family_html(rank: int, family: FamilyRecord, facts: list[DriftRecord] | None = None) -> str:
    titles = {t["document_id"]: t.get("title") for t in family["timeline"]}
    first, last = family["first_published_at"], family["last_published_at"]
    span = f"{_e(first)} to {_e(last)}" if first and last != first else _e(first or "undated")
    return (
        f'<div class="family" title="{_e(family["family_id"])}"><h3>{rank}. '
        f"{_count(family['document_count'], 'document', 'documents')}, "
        f"{_count(family['outlet_count'], 'outlet', 'outlets')}, {span}</h3>"
        f"<p>{_family_head(family, titles)}; "
        f"{_count(family['undated_count'], 'undated document', 'undated documents')}.</p>"
        "<table><tr><th>#</th><th>published</th><th>outlet</th><th>document</th></tr>"
        + "".join(_timeline_rows(family))
        + "</table>"
        + _drift_html(facts or [], titles)
        + "</div>"
    )


def _outlets_html(outlets: list[OutletRecord]) -> str:
    rows = []
    for o in outlets[:OUTLETS_SHOWN]:
        upstream = ", ".join(f"{_e(u['outlet'])} ({u['share']:.0%})" for u in o["top_upstream"])
        rows.append(
            f"<tr><td>{_e(o['outlet'])}</td><td class=n>{o['document_count']:,}</td>"
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


def _notes(summary: dict[str, Any]) -> list[str]:
    notes = [
        "Documents are ordered by publication time (UTC). Documents with identical timestamps "
        "are ordered by document id, so the order is deterministic but the first of them is "
        "not known to be first."
    ]
    tied = summary.get("tied_first_documents", 0)
    if tied:
        notes.append(
            f"{_count(tied, 'family has', 'families have')} a first document tied on "
            "timestamp with another of its documents."
        )
    undated = summary.get("undated_documents", 0)
    if undated:
        notes.append(
            f"{_count(undated, 'document has', 'documents have')} no date: undated documents "
            "belong to families but are never called first, and their reuse has no direction."
        )
    if summary["documents"] == 0:
        notes.append("The input held no documents.")
    return notes


def _stats(summary: dict[str, Any]) -> str:
    return (
        f"{_count(summary['documents'], 'document', 'documents')}, "
        f"{_count(summary['pairs'], 'reuse pair', 'reuse pairs')}, "
        f"{_count(summary['families'], 'reuse family', 'reuse families')}, "
        f"{_count(summary['outlets'], 'outlet', 'outlets')} ({_e(summary['engine'])} engine)."
    )


def _families_html(families: list[FamilyRecord], folder: Location, top: int) -> str:
    drift = _drift_by_family(folder)
    intro = (
        "<p>A reuse family is a group of documents linked by reused passages: each document "
        "is joined to the one it shares the most text with, directly or through others. "
        "(Stories, from <code>wiretrace corpus stories</code>, group documents about one "
        "event, shared text or not.) Largest first; a timeline is in publication order; "
        "hover a title for its document id.</p>"
    )
    shown = "".join(
        _family_html(i + 1, f, drift.get(f["family_id"])) for i, f in enumerate(families[:top])
    )
    return intro + (shown or "<p>No family: no two documents share passages.</p>")


def _read_families(folder: Location, n: int) -> list[FamilyRecord]:
    rows: list[FamilyRecord] = []
    for row in output_rows(folder, "families"):
        rows.append(cast(FamilyRecord, row))
        if len(rows) >= n:
            break
    return rows


def render_report(folder: Path | str, top: int = 20) -> str:
    """The HTML overview of an output folder, as a string: a local path, or a ``file://``,
    ``hdfs://`` or ``s3a://`` URI (see :mod:`wiretrace.corpus.location`).

    Raises :class:`CorpusError` when the folder is missing or is not a corpus output, and
    :class:`OutputError` naming the folder when its file system cannot be reached or read.
    """
    spec = parse_location(folder)
    where = spec.open()
    try:
        return _render(where, spec.path if spec.local else spec.uri, top)
    except OSError as exc:
        raise OutputError(
            f"{spec.text}: cannot read the output folder ({first_line(exc)}); check the "
            "location and the file system's settings (docs/spark.md)"
        ) from exc


def _render(folder: Location, shown: str, top: int) -> str:
    _check(folder, shown)
    summary = upgrade_summary(json.loads((folder / "summary.json").read_text()))
    # The rows are the records the engines wrote (schema.FAMILIES, schema.OUTLETS).
    families = _read_families(folder, max(top, PLOTTED_FAMILIES))
    outlets = cast(list[OutletRecord], list(output_rows(folder, "outlets")))
    return (
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
        "<title>wiretrace corpus overview</title>"
        f"<style>{_CSS}</style></head><body>"
        f"<h1>wiretrace corpus overview</h1><p>{_stats(summary)}</p>"
        + "".join(f'<p class="note">{_e(n)}</p>' for n in _notes(summary))
        + f'<h2 id="families">Largest reuse families</h2>{_families_html(families, folder, top)}'
        + f'<h2 id="pairs">Pairs that share the most text</h2>'
        f"{pairs_html(folder, summary['pairs'])}"
        + '<h2 id="outlets">Outlets ranked by originality</h2>'
        "<p>Originality is the share of an outlet's text not reused from earlier documents "
        "(of any outlet, its own included); it is n/a for an outlet with no dated document.</p>"
        + _outlets_html(outlets)
        + f'<h2 id="time">Reuse over time</h2>{plots_html(folder, families, outlets)}'
        + "</body></html>\n"
    )


def _drift_by_family(folder: Location) -> dict[str, list[DriftRecord]]:
    """The drift table by family (empty for an output folder written before it existed)."""
    out: dict[str, list[DriftRecord]] = {}
    for row in output_rows(folder, "drift"):
        out.setdefault(row["family_id"], []).append(cast(DriftRecord, row))
    return out


def write_report(folder: Path | str, out: Path, top: int = 20) -> None:
    """Write the HTML overview of ``folder`` to ``out``."""
    write_atomic(Path(out), render_report(folder, top))
