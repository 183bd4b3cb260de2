"""How long library calls report progress: ``progress(step, done, total)``.

``step`` names what is counted, as a person reads it ("clustered documents"); ``done`` of
``total`` are finished. The library calls it as often as it likes and never prints; a caller
decides what to show (the CLI: :class:`wiretrace.cli._progress.StepProgress`, on standard
error, rate-limited).
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["StepCallback", "no_progress"]

StepCallback = Callable[[str, int, int], None]


def no_progress(step: str, done: int, total: int) -> None:
    """The default callback: shows nothing."""
