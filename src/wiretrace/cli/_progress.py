"""Progress of long library calls, on standard error only.

The library reports ``progress(step, done, total)`` (:data:`wiretrace.progress.StepCallback`);
:class:`StepProgress` shows it: a rich bar per step on a terminal, or, when standard error is
a file or a pipe, a plain line when a step starts, at most one every :data:`LINE_SECONDS`,
and when it ends ("clustered documents 400/1,200, 20 s"). ``quiet`` shows nothing. Standard
output (tables, JSON) never carries progress.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

LINE_SECONDS = 10.0
_F = TypeVar("_F", bound=Callable[..., Any])


def quiet_option() -> Callable[[_F], _F]:
    """``--quiet``: no progress on standard error."""
    return click.option("--quiet", is_flag=True, help="No progress on standard error.")


class StepProgress:
    """A ``progress(step, done, total)`` callback for the CLI; use it as a context manager."""

    def __init__(
        self,
        quiet: bool = False,
        console: Console | None = None,
        every: float = LINE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.quiet = quiet
        self.console = console or Console(stderr=True)
        self.every = every
        self.clock = clock
        self._bar: Progress | None = None
        self._tasks: dict[str, TaskID] = {}
        self._started: dict[str, float] = {}
        self._printed: dict[str, float] = {}

    def __enter__(self) -> StepProgress:
        if not self.quiet and self.console.is_terminal:
            self._bar = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self._bar.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __call__(self, step: str, done: int, total: int) -> None:
        if self.quiet:
            return
        if self._bar is not None:
            self._advance_bar(step, done, total)
        else:
            self._line(step, done, total)

    def _advance_bar(self, step: str, done: int, total: int) -> None:
        assert self._bar is not None
        task = self._tasks.get(step)
        if task is None:
            task = self._tasks[step] = self._bar.add_task(escape(step), total=total)
        self._bar.update(task, completed=done, total=total)

    def _line(self, step: str, done: int, total: int) -> None:
        now = self.clock()
        started = self._started.setdefault(step, now)
        last = self._printed.get(step)
        if last is not None and done < total and now - last < self.every:
            return
        self._printed[step] = now
        click.echo(f"{step} {done:,}/{total:,}, {now - started:.0f} s", err=True)
