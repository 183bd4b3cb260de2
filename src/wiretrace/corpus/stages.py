"""Checkpointed stages: each stage's output is a folder that appears whole or not at all.

A stage writes into a hidden temporary folder next to its final place, then writes a
``_COMPLETE`` marker into it, then renames it into place. A rerun skips a stage whose folder
holds the marker; a temporary folder left by an interrupted run is deleted, never read. The
stages of one output folder belong to one run configuration (inputs, their sizes and times,
and the options): when that changes, the old stages are discarded.

The rename is atomic on a local or network file system visible to every process (this is
what the local engine and Spark in ``local`` mode use; see ``docs/spark.md`` for clusters).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from wiretrace.fileio import TMP_MARK, temporary_name, write_atomic

log = logging.getLogger(__name__)

MARKER = "_COMPLETE"
CONFIG = "config.json"


class StageStore:
    """The stage folders of one run under ``root`` (``OUT/_stages``)."""

    def __init__(self, root: Path, config: dict[str, Any]) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._drop_temporaries()
        wanted = json.dumps(config, sort_keys=True, indent=1)
        current = self.root / CONFIG
        if not current.exists() or current.read_text(encoding="utf-8") != wanted:
            if current.exists():
                log.info("inputs or options changed: discarding the stages in %s", self.root)
            for child in self.root.iterdir():
                if child.is_dir():
                    shutil.rmtree(child)
            write_atomic(current, wanted)
        self.skipped: list[str] = []

    def _drop_temporaries(self) -> None:
        for child in self.root.iterdir():
            if child.name.startswith(".") and TMP_MARK in child.name:
                log.info("removing the half-written stage %s", child)
                shutil.rmtree(child, ignore_errors=True)

    def path(self, name: str) -> Path:
        return self.root / name

    def done(self, name: str) -> bool:
        """Whether the stage finished in an earlier run (its folder holds the marker)."""
        finished = (self.path(name) / MARKER).exists()
        if finished and name not in self.skipped:
            self.skipped.append(name)
        return finished

    def info(self, name: str) -> dict[str, Any]:
        """What the stage recorded in its marker when it finished."""
        data: dict[str, Any] = json.loads((self.path(name) / MARKER).read_text(encoding="utf-8"))
        return data

    @contextmanager
    def write(self, name: str, info: dict[str, Any] | None = None) -> Iterator[Path]:
        """A temporary folder to write the stage into; it is put in place only when the
        block ends without an exception. ``info`` (mutable) is stored in the marker."""
        tmp = temporary_name(self.path(name))
        tmp.mkdir(parents=True)
        try:
            yield tmp
            (tmp / MARKER).write_text(json.dumps(info or {}, sort_keys=True), encoding="utf-8")
            final = self.path(name)
            if final.exists():
                shutil.rmtree(final)
            os.rename(tmp, final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
