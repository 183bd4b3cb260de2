"""Typed edits of one pair of texts, without an index."""

from __future__ import annotations

from wiretrace.align.pair import PairOptions, align_pair, align_view
from wiretrace.drift.edits import typed_edits
from wiretrace.model import Edit

__all__ = ["compare"]


def compare(source_text: str, copy_text: str, options: PairOptions | None = None) -> list[Edit]:
    """Every edit from ``source_text`` to ``copy_text``, typed, with both spans.

    The pair is aligned with both aligners (:func:`wiretrace.align.pair.align_pair`, the copy
    as the query); the edits of each passage they share are typed in the two texts
    (:func:`wiretrace.drift.edits.type_edit`), in the copy's order. Text the aligners do not
    find shared has no edits: a sentence written anew is not an edit of the source.
    """
    source = align_view(source_text, options)
    copy = align_view(copy_text, options)
    edits: list[Edit] = []
    for a in align_pair(copy, source, options):
        edits.extend(typed_edits(source_text, copy_text, a.edits))
    return edits
