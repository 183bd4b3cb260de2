"""Fact drift: what kind of change each edit from a source to a copy is.

Pure functions of text; no index. The public API:

- :func:`compare` ``(source_text, copy_text) -> list[Edit]``: align a pair of texts and type
  every edit, with both spans;
- :func:`type_edit` ``(source_text, query_text, source_span, query_span) -> EditType``: the
  type of one edit in its two texts (the rules are in :mod:`wiretrace.drift.edits`);
  :func:`typed_edits` types a sequence of edits; :func:`edit_type_alone` types an edit known
  only by its two wordings;
- values: :func:`find_quantities`, :func:`parse_quantity`, :func:`same_amount`
  (:class:`Quantity`, :mod:`wiretrace.drift.numbers`); :func:`find_dates`,
  :func:`parse_date`, :func:`compare_dates` (:class:`DateValue`,
  :mod:`wiretrace.drift.dates`); :func:`quoted` (:mod:`wiretrace.drift.quotes`).

The work of typing one edit is bounded: it reads a window of fixed size around the edit
(:data:`wiretrace.drift._scan.WINDOW`, :data:`wiretrace.drift.quotes.QUOTE_WINDOW`) and pairs
at most :data:`MAX_EDIT_WORDS` words on a side, so a passage with hundreds of numbers (a
results table) costs time linear in its length.
"""

from wiretrace.drift.compare import compare
from wiretrace.drift.dates import DateValue, compare_dates, find_dates, parse_date
from wiretrace.drift.edits import MAX_EDIT_WORDS, edit_type_alone, type_edit, typed_edits
from wiretrace.drift.numbers import Quantity, find_quantities, parse_quantity, same_amount
from wiretrace.drift.quotes import quoted

__all__ = [
    "MAX_EDIT_WORDS",
    "DateValue",
    "Quantity",
    "compare",
    "compare_dates",
    "edit_type_alone",
    "find_dates",
    "find_quantities",
    "parse_date",
    "parse_quantity",
    "quoted",
    "same_amount",
    "type_edit",
    "typed_edits",
]
