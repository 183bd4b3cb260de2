"""The pairs section of the corpus overview: the top pairs, each opening its shared passages
side by side (source left, copy right, the shared text marked).

The page stays bounded on any corpus: only the :data:`PAIRS_SHOWN` pairs that share the most
text are listed, each with at most :data:`PASSAGES_SHOWN` passages, and each passage is cut to
:data:`PASSAGE_CHARS` characters (its middle is left out, and the page says so). Texts are read
by document number from the run's ``docs`` stage (``OUT/_stages/docs``): memory-mapped when it
is on this machine, else through the file system one record batch at a time (:class:`DocTexts`);
when that folder is gone the pairs are listed without their text.
"""

from __future__ import annotations

import heapq
import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow.ipc as ipc

from wiretrace.corpus.legacy import output_rows
from wiretrace.corpus.location import Location

__all__ = ["PAIRS_SHOWN", "PASSAGES_SHOWN", "PASSAGE_CHARS", "DocTexts", "excerpt", "pairs_html"]

PAIRS_SHOWN = 30
PASSAGES_SHOWN = 3
PASSAGE_CHARS = 600
CONTEXT_CHARS = 60
CUT = " […] "
_RANK_COLUMNS = ["pair_id", "a_shared_chars", "b_shared_chars"]


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


@dataclass(frozen=True, slots=True)
class Excerpt:
    """A shared passage cut for the page: text before it, the passage, text after it."""

    before: str
    shared: str
    after: str


def excerpt(text: str, start: int, end: int, limit: int = PASSAGE_CHARS) -> Excerpt:
    """The passage ``text[start:end]`` with a little context, at most about ``limit``
    characters of passage: a longer one keeps its beginning and end around :data:`CUT`."""
    shared = text[start:end]
    if len(shared) > limit:
        half = max(1, limit // 2)
        shared = shared[:half].rstrip() + CUT + shared[-half:].lstrip()
    before = text[max(0, start - CONTEXT_CHARS) : start]
    after = text[end : end + CONTEXT_CHARS]
    if start > CONTEXT_CHARS:
        before = "…" + before
    if end + CONTEXT_CHARS < len(text):
        after += "…"
    return Excerpt(before, shared, after)


class DocTexts:
    """Document texts and titles by document number, from a run's ``docs`` stage (its Arrow
    file of all documents, one record batch per part of the stage).

    On this machine the file is memory-mapped: a text is paged in when it is read. Elsewhere
    (HDFS, S3) it cannot be mapped, and :meth:`read` goes through its record batches in order:
    it reads the ``idx`` column of each batch to count its rows, and the texts and titles of
    only the batches that hold a wanted document, one batch (one part, at most
    ``DOCS_PER_PART`` documents) at a time, keeping only the wanted rows.
    """

    def __init__(self, folder: Location) -> None:
        from wiretrace.corpus.pipeline import TEXTS_FILE, open_texts

        self._file = folder / "_stages" / "docs" / TEXTS_FILE
        self._table: Any = None
        self.available = self._file.exists()
        local = self._file.local_path() if self.available else None
        if local is not None:
            self._table = open_texts(local.parent)

    def read(self, indices: Iterable[int]) -> dict[int, tuple[str | None, str | None]]:
        """``(text, title)`` of each of the documents ``indices`` that the stage holds."""
        wanted = sorted(set(indices))
        if not self.available or not wanted:
            return {}
        if self._table is not None:
            rows = self._table.num_rows
            return {i: self._row(self._table, i) for i in wanted if 0 <= i < rows}
        found: dict[int, tuple[str | None, str | None]] = {}
        with self._file.open_input() as source:
            names = ipc.open_file(source).schema.names
            # Two readers of the same file: one reads only the (small) idx column of a
            # batch, the other only its texts and titles.
            only = ipc.IpcReadOptions(included_fields=[names.index("idx")])
            counts = ipc.open_file(source, options=only)
            only = ipc.IpcReadOptions(included_fields=[names.index(n) for n in ("text", "title")])
            texts = ipc.open_file(source, options=only)
            start = 0
            for b in range(counts.num_record_batches):
                end = start + counts.get_batch(b).num_rows
                here = [i for i in wanted if start <= i < end]
                if here:
                    batch = texts.get_batch(b)
                    found.update((i, self._row(batch, i - start)) for i in here)
                if end > wanted[-1]:
                    break
                start = end
        return found

    @staticmethod
    def _row(rows: Any, at: int) -> tuple[str | None, str | None]:
        row = rows.slice(at, 1).select(["text", "title"]).to_pylist()[0]
        return row["text"], row["title"]


def top_pairs(folder: Location, n: int | None = None) -> list[dict[str, Any]]:
    """The ``n`` (default :data:`PAIRS_SHOWN`) pairs sharing the most characters (both sides),
    largest first; two streaming reads of ``pairs.parquet``, holding ``n`` rows."""
    ranked = heapq.nsmallest(
        PAIRS_SHOWN if n is None else n,
        (
            (-(r["a_shared_chars"] + r["b_shared_chars"]), r["pair_id"])
            for r in output_rows(folder, "pairs", _RANK_COLUMNS)
        ),
    )
    order = {pair_id: i for i, (_, pair_id) in enumerate(ranked)}
    rows = [r for r in output_rows(folder, "pairs") if r["pair_id"] in order]
    return sorted(rows, key=lambda r: order[r["pair_id"]])


def doc_label(doc_id: str | None, title: str | None) -> str:
    """A document as a person reads it: its title, with the id as a tooltip (the id alone
    when it has no title)."""
    if doc_id is None:
        return '<span class="muted">none</span>'
    if title:
        return f'<span class="doc" title="{_e(doc_id)}">{_e(title)}</span>'
    return f'<code class="doc">{_e(doc_id)}</code>'


def _side_head(pair: Mapping[str, Any], side: str, title: str | None, role: str) -> str:
    when = pair[f"{side}_published_at"] or "no date"
    return (
        f'<div class="side-head"><span class="role">{role}</span> '
        f"{doc_label(pair[f'{side}_document_id'], title)}<br>"
        f'<span class="muted">{_e(pair[f"{side}_outlet"])}, {_e(when)}</span></div>'
    )


def _side_text(text: str | None, start: int, end: int) -> str:
    if text is None:
        return f'<p class="muted">characters {start:,} to {end:,} (text not available)</p>'
    cut = excerpt(text, start, end)
    return f'<p class="passage">{_e(cut.before)}<mark>{_e(cut.shared)}</mark>{_e(cut.after)}</p>'


def _edits_html(passage: Mapping[str, Any]) -> str:
    edits = passage.get("edits") or []
    if not edits:
        return ""
    shown = ", ".join(
        f"<del>{_e(e['from']) or '∅'}</del> → <ins>{_e(e['to']) or '∅'}</ins>" for e in edits[:8]
    )
    more = f" and {len(edits) - 8:,} more" if len(edits) > 8 else ""
    return f'<p class="edits">edits (source → copy): {shown}{more}</p>'


def _pair_html(
    rank: int, pair: Mapping[str, Any], texts: Mapping[int, tuple[str | None, str | None]]
) -> str:
    a_text, a_title = texts.get(pair["a_idx"], (None, None))
    b_text, b_title = texts.get(pair["b_idx"], (None, None))
    flipped = pair["direction"] == "b_to_a"
    left, right = ("b", "a") if flipped else ("a", "b")
    titles = {"a": a_title, "b": b_title}
    body = {"a": a_text, "b": b_text}
    dated = pair["direction"] != "unknown"
    roles = ("source", "copy") if dated else ("one side", "other side")
    passages = sorted(pair["passages"], key=lambda p: p["a_start"] - p["a_end"])
    blocks = []
    for p in passages[:PASSAGES_SHOWN]:
        blocks.append(
            '<div class="sbs">'
            f"<div>{_side_text(body[left], p[f'{left}_start'], p[f'{left}_end'])}</div>"
            f"<div>{_side_text(body[right], p[f'{right}_start'], p[f'{right}_end'])}</div>"
            f"</div>{_edits_html(p) if flipped else _edits_html(_swap_edits(p))}"
        )
    more = len(passages) - PASSAGES_SHOWN
    if more > 0:
        blocks.append(f'<p class="muted">and {more:,} more passages in pairs.parquet</p>')
    shared = pair[f"{right}_shared_chars"]
    summary = (
        f"{rank}. {_kind(pair['kind'])}: {_e(pair[f'{left}_outlet'])} → "
        f"{_e(pair[f'{right}_outlet'])}, {_count(len(passages), 'passage', 'passages')}, "
        f"{shared:,} characters of the {roles[1]}"
        + ("" if dated else " (direction unknown: a side has no date)")
    )
    return (
        f'<details class="pair" id="{_e(pair["pair_id"])}"><summary>{summary}</summary>'
        '<div class="sbs">'
        f"{_side_head(pair, left, titles[left], roles[0])}"
        f"{_side_head(pair, right, titles[right], roles[1])}</div>" + "".join(blocks) + "</details>"
    )


def _swap_edits(passage: Mapping[str, Any]) -> dict[str, Any]:
    """A passage whose edits read from side a to side b (a record's edits go from b's
    wording, ``from``, to a's, ``to``)."""
    edits = [{**e, "from": e["to"], "to": e["from"]} for e in passage.get("edits") or []]
    return {**passage, "edits": edits}


def _kind(kind: str) -> str:
    return _e(kind.replace("_", " "))


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def pairs_html(
    folder: Location, total: int, pairs: Iterable[Mapping[str, Any]] | None = None
) -> str:
    """The pairs section: the top pairs with their passages, and a note on what is left out."""
    docs = DocTexts(folder)
    chosen = list(pairs) if pairs is not None else top_pairs(folder)
    texts = docs.read(i for p in chosen for i in (p["a_idx"], p["b_idx"]))
    if not chosen:
        return "<p>No pair: no two documents share passages.</p>"
    notes = [
        f"The {_count(len(chosen), 'pair', 'pairs')} that share the most text of "
        f"{total:,}, largest first; open one to read its passages side by side (source left, "
        f"copy right, shared text marked). At most {PASSAGES_SHOWN} passages a pair are shown, "
        f"each cut to about {PASSAGE_CHARS:,} characters; every pair and passage is in "
        "pairs.parquet."
    ]
    if not docs.available:
        notes.append(
            "The texts are not here (the _stages folder of the run is gone): passages are "
            "given as character offsets."
        )
    return "".join(f'<p class="muted">{_e(n)}</p>' for n in notes) + "".join(
        _pair_html(i + 1, p, texts) for i, p in enumerate(chosen)
    )
