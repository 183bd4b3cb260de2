"""Progress on standard error: rate-limited lines when it is not a terminal, nothing when
quiet, and a bar on a terminal."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from wiretrace.cli._progress import StepProgress


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_lines_are_sparse_and_the_last_is_always_shown(capsys: pytest.CaptureFixture[str]) -> None:
    clock = Clock()
    console = Console(file=io.StringIO(), force_terminal=False)
    with StepProgress(console=console, every=10.0, clock=clock) as progress:
        for done in range(1, 1201):
            clock.now += 0.05  # 60 s in all
            progress("scored documents", done, 1200)
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert captured.out == ""
    assert lines[0] == "scored documents 1/1,200, 0 s"
    assert lines[-1] == "scored documents 1,200/1,200, 60 s"
    assert 6 <= len(lines) <= 8  # one every 10 s, not 1,200


def test_quiet_shows_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with StepProgress(quiet=True) as progress:
        progress("scored documents", 1, 1)
    assert capsys.readouterr() == ("", "")


def test_a_terminal_gets_a_bar_not_lines(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=80)
    with StepProgress(console=console) as progress:
        progress("scored [documents]", 5, 10)  # rich markup in a step name stays text
    assert capsys.readouterr().err == ""
    assert "scored [documents]" in out.getvalue()
