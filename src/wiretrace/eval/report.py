"""What every evaluation report offers, and the one table printer they share.

Every ``run_*`` function of :mod:`wiretrace.eval` returns a frozen report that follows
:class:`EvalReport`: ``to_dict()`` for ``--json`` and ``format_table()`` for the terminal. The
command line prints either through this protocol alone.

:func:`table_lines` lays out the grid part of a report: one header line of column names and one
line a row, each cell padded to its column's width (names left-aligned, numbers right-aligned,
numbers formatted by the column's spec, a missing value shown as ``-``), cells separated by
one space.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = ["Column", "EvalReport", "table_lines"]


class EvalReport(Protocol):
    """An evaluation report: a JSON-ready summary and a plain-text table."""

    def to_dict(self) -> Mapping[str, object]:
        """A JSON-ready summary."""
        ...

    def format_table(self) -> str:
        """The report as plain text, for the terminal."""
        ...


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table: its name, its width, how values are formatted (``spec``, as in
    ``format(value, spec)``, e.g. ``".4f"``) and whether they are left-aligned (text)."""

    name: str
    width: int
    spec: str = ""
    left: bool = False

    def cell(self, value: object) -> str:
        align = "<" if self.left else ">"
        if value is None:
            return format("-", f"{align}{self.width}")
        return format(value, f"{align}{self.width}{self.spec}")


def table_lines(columns: Sequence[Column], rows: Sequence[Sequence[object]]) -> list[str]:
    """The header line and one line a row (see the module docstring)."""
    header = " ".join(format(c.name, f"{'<' if c.left else '>'}{c.width}") for c in columns)
    body = [" ".join(c.cell(value) for c, value in zip(columns, row, strict=True)) for row in rows]
    return [header, *body]
