"""Checkpointed stages: each stage's output is a folder that is read only once it is whole.

The ``_COMPLETE`` marker, written last into a stage's folder, is the commit point: a stage is
finished when its marker is there (never because its folder exists), and a folder without
one is never read. How the marker gets there depends on the file system
(:attr:`~wiretrace.corpus.location.Location.renames`):

- where a folder rename is atomic (a local or network file system, HDFS), a stage is written
  into a hidden temporary folder next to its final place, the marker is written into it, and
  the folder is renamed into place; a temporary folder left by an interrupted run is deleted,
  never read;
- on an object store (S3), where a rename copies every object, a stage is written in place
  and its marker is written last; an unfinished folder (no marker) is deleted before the
  stage is written again.

Unmaking a stage deletes its marker first, so a deletion cut short leaves a folder that is
not trusted. The stages of one output folder belong to one run configuration (inputs, their
sizes and times, and the options): when that changes, the old stages are discarded.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from wiretrace.corpus.location import Location, open_location
from wiretrace.fileio import TMP_MARK, temporary_name

log = logging.getLogger(__name__)

MARKER = "_COMPLETE"
CONFIG = "config.json"


class StageStore:
    """The stage folders of one run under ``root`` (``OUT/_stages``): a local path, a
    :class:`~wiretrace.corpus.location.Location`, or a URI for one."""

    def __init__(self, root: Path | str | Location, config: dict[str, Any]) -> None:
        self.root = open_location(root)
        self.root.mkdir()
        self._drop_temporaries()
        wanted = json.dumps(config, sort_keys=True, indent=1)
        current = self.root / CONFIG
        old = current.read_text() if current.is_file() else None
        if old != wanted:
            if old is not None:
                log.info("inputs or options changed: discarding the stages in %s", self.root)
            for child in self.root.children():
                if child.is_dir():
                    discard(child)
            current.write_text(wanted)
        self.skipped: list[str] = []

    def _drop_temporaries(self) -> None:
        for child in self.root.children():
            if child.name.startswith(".") and TMP_MARK in child.name:
                log.info("removing the half-written stage %s", child)
                child.remove()

    def path(self, name: str) -> Location:
        return self.root / name

    def done(self, name: str) -> bool:
        """Whether the stage finished in an earlier run (its folder holds the marker)."""
        finished = (self.path(name) / MARKER).is_file()
        if finished and name not in self.skipped:
            self.skipped.append(name)
        return finished

    def info(self, name: str) -> dict[str, Any]:
        """What the stage recorded in its marker when it finished."""
        data: dict[str, Any] = json.loads((self.path(name) / MARKER).read_text())
        return data

    @contextmanager
    def write(self, name: str, info: dict[str, Any] | None = None) -> Iterator[Location]:
        """A folder to write the stage into; the stage is committed (its marker written,
        and the folder renamed into place where renames are atomic) only when the block
        ends without an exception. ``info`` (mutable) is stored in the marker."""
        final = self.path(name)
        in_place = not self.root.renames
        if in_place:
            discard(final)
            tmp = final
        else:
            tmp = self.root / temporary_name(Path(name)).name
        tmp.mkdir()
        committed = False
        try:
            yield tmp
            (tmp / MARKER).write_text(json.dumps(info or {}, sort_keys=True))
            if not in_place:
                discard(final)
                tmp.move_to(final)
            committed = True
        finally:
            if not committed:
                discard(tmp)


def discard(stage: Location) -> None:
    """Delete a stage folder, its marker first (so that a deletion cut short leaves a folder
    that is not trusted)."""
    (stage / MARKER).remove()
    stage.remove()
