"""The plots of the corpus overview, drawn with matplotlib and embedded as base64 PNG.

Every plot reads from two documents to millions: counts are on integer axes, shares on a fixed
0-100% axis, time on a symmetric log axis; where there is too little to draw (one month of
reuse, no family dated at two times, fewer than two dated outlets) the page says "not enough
data" and why, instead of an empty or degenerate axis.
"""

from __future__ import annotations

import base64
import html
import io
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from wiretrace.corpus.legacy import output_rows
from wiretrace.corpus.location import Location
from wiretrace.corpus.records import FamilyRecord, OutletRecord
from wiretrace.dates import parse_date

__all__ = ["PLOTTED_FAMILIES", "plots_html"]

PLOTTED_FAMILIES = 10
PLOTTED_OUTLETS = 20
LABEL_CHARS = 48
_KINDS = ("verbatim", "near_verbatim", "rewritten", "paraphrase")
# Ticks of the spread plot: days after the first document, and how a person says them.
_DURATIONS = (
    (0.0, "0"),
    (0.25, "6 hours"),
    (1.0, "1 day"),
    (7.0, "1 week"),
    (30.0, "1 month"),
    (365.0, "1 year"),
    (3650.0, "10 years"),
)


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def not_enough(plot: str, why: str) -> str:
    """The line that stands in for a plot with too little data."""
    return f'<p class="muted not-enough">Not enough data to plot {_e(plot)}: {_e(why)}.</p>'


def _figure(fig: Any, caption: str) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (
        f'<figure><img alt="{_e(caption)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{_e(caption)}</figcaption></figure>"
    )


def _copies_over_time(folder: Location) -> Iterator[tuple[datetime, str]]:
    """The date of the copying document and the kind, for every directed pair."""
    cols = ["direction", "a_published_at", "b_published_at", "kind"]
    for row in output_rows(folder, "pairs", cols):
        if row["direction"] == "a_to_b":
            when = parse_date(row["b_published_at"])
        elif row["direction"] == "b_to_a":
            when = parse_date(row["a_published_at"])
        else:
            continue
        if when is not None:
            yield when, row["kind"]


def _integer_axis(axis: Any) -> None:
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter

    axis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    axis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def reuse_over_time(folder: Location) -> str:
    """Reuse pairs by month of the copying document, stacked by kind."""
    from matplotlib.figure import Figure

    by_month: dict[str, Counter[str]] = {}
    for when, kind in _copies_over_time(folder):
        by_month.setdefault(when.strftime("%Y-%m"), Counter())[kind] += 1
    if len(by_month) < 2:
        pairs = sum(sum(c.values()) for c in by_month.values())
        return not_enough(
            "reuse over time",
            f"{_count(pairs, 'dated reuse pair', 'dated reuse pairs')} in "
            f"{_count(len(by_month), 'month', 'months')}; a chart needs two months or more",
        )
    months = sorted(by_month)
    fig = Figure(figsize=(10, 3.5))
    ax = fig.subplots()
    bottom = [0] * len(months)
    for kind in _KINDS:
        values = [by_month[m][kind] for m in months]
        if any(values):
            ax.bar(range(len(months)), values, bottom=bottom, label=kind.replace("_", " "))
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    step = max(1, len(months) // 12)
    ax.set_xticks(range(0, len(months), step), months[::step], rotation=45, ha="right")
    _integer_axis(ax.yaxis)
    ax.set_ylim(0, max(bottom) * 1.05)
    ax.set_ylabel("reuse pairs")
    ax.set_title("Reuse over time (pairs, by month of the copying document; months with reuse)")
    ax.legend()
    return _figure(fig, "Bar chart of reuse pairs per month, stacked by kind.")


def _family_label(rank: int, family: FamilyRecord) -> str:
    first = next(
        (t for t in family["timeline"] if t["document_id"] == family["first_document_id"]), None
    )
    title = first["title"] if first and first["title"] else None
    outlet = family["first_outlet"] or "no first outlet"
    return _short(f"{rank}. {outlet}: {title}" if title else f"{rank}. {outlet}")


def family_spread(families: Sequence[FamilyRecord]) -> str:
    """How the largest dated families spread: days after their first document, log scale."""
    from matplotlib.figure import Figure

    plotted = [
        f
        for f in families
        if f["first_published_at"] and f["last_published_at"] != f["first_published_at"]
    ][:PLOTTED_FAMILIES]
    if not plotted:
        return not_enough(
            "how families spread", "no family has dated documents at two different times"
        )
    fig = Figure(figsize=(10, 0.45 * len(plotted) + 1.5))
    ax = fig.subplots()
    for y, family in enumerate(plotted):
        dates = [d for t in family["timeline"] if (d := parse_date(t["published_at"]))]
        days = [(d - dates[0]).total_seconds() / 86400 for d in dates]
        ax.plot(days, [y] * len(days), "o", alpha=0.5)
        ax.plot([0], [y], "k*", markersize=12)
    # Spread within the first hours and over years both stay visible; ticks read as durations.
    ax.set_xscale("symlog", linthresh=1)
    longest = max(ax.get_xlim()[1], 1.0)
    ticks = [(d, label) for d, label in _DURATIONS if d <= longest] or list(_DURATIONS[:2])
    ax.set_xticks([d for d, _ in ticks], [label for _, label in ticks])
    ax.set_xlim(-0.05, longest * 1.1)
    ax.set_yticks(range(len(plotted)), [_family_label(i + 1, f) for i, f in enumerate(plotted)])
    ax.set_ylim(len(plotted) - 0.5, -0.5)
    ax.set_xlabel("time after the first document (log scale beyond one day)")
    ax.set_title("How the largest families spread (star: first document; one dot per document)")
    return _figure(fig, "Spread of the largest dated reuse families over time.")


def outlet_originality(outlets: Sequence[OutletRecord]) -> str:
    """The largest dated outlets: share of text taken from others and by others."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    dated = [o for o in outlets if o["dated_document_count"]]
    ranked = sorted(
        sorted(dated, key=lambda o: (-o["document_count"], o["outlet"]))[:PLOTTED_OUTLETS],
        key=lambda o: (-(o["originality"] or 0.0), o["outlet"]),
    )
    if len(ranked) < 2:
        return not_enough(
            "outlets by originality",
            f"{_count(len(ranked), 'outlet has', 'outlets have')} dated documents; a "
            "comparison needs two",
        )
    fig = Figure(figsize=(10, 0.35 * len(ranked) + 1.5))
    ax = fig.subplots()
    ys = range(len(ranked))
    ax.barh(ys, [o["share_reused_from_others"] for o in ranked], label="reused from others")
    ax.barh(ys, [-o["share_reused_by_others"] for o in ranked], label="reused by others (left)")
    ax.set_yticks(list(ys), [_short(o["outlet"]) for o in ranked])
    ax.set_ylim(len(ranked) - 0.5, -0.5)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlim(-1.05, 1.05)
    # Both directions are shares of the outlet's text: no minus sign on the left.
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{abs(x):.0%}"))
    ax.set_xlabel("share of the outlet's text (by others to the left, from others to the right)")
    ax.set_title(
        f"The {_count(len(ranked), 'largest dated outlet', 'largest dated outlets')} by originality"
    )
    ax.legend(loc="upper right")
    return _figure(fig, "Share of each outlet's text reused from and by others.")


def plots_html(
    folder: Location, families: Sequence[FamilyRecord], outlets: Sequence[OutletRecord]
) -> str:
    """The three plots as HTML (a "not enough data" line for each that cannot be drawn)."""
    return "\n".join(
        [reuse_over_time(folder), family_spread(families), outlet_originality(outlets)]
    )
