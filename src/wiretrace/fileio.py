"""Atomic file writes: a file appears whole under its final name, or not at all.

:func:`atomic_path` gives a temporary path beside the final one and renames it into place
when the block ends without an exception (and removes it otherwise); :func:`write_atomic` does
that for a text. The temporary name is hidden (a leading dot) and holds ``.tmp-`` and a random
part, so two writers never share one and a cleaner can tell it from finished files.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TMP_MARK = ".tmp-"


def temporary_name(path: Path) -> Path:
    """A fresh hidden path beside ``path``, for writing it before the rename."""
    return path.with_name(f".{path.name}{TMP_MARK}{uuid.uuid4().hex}")


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path to write ``path`` into; renamed onto ``path`` when the block ends
    without an exception, removed when it does not."""
    tmp = temporary_name(path)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(path: Path, text: str) -> None:
    """Write a UTF-8 text file through a temporary file and a rename."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
