"""One ingest job: read inputs, fingerprint, store, count, and keep resume points.

``wiretrace index`` is a thin layer over :func:`index_inputs`. The job:

- reads every input with :func:`~wiretrace.ingest.readers.iter_entries`;
- stops at the first bad record, or with ``skip_bad`` hands each one to ``on_reject`` and goes
  on;
- extracts pages (HTML files, WARC responses) in ``workers`` processes while it reads, then
  fingerprints documents in ``workers`` more and stores them one batch per transaction;
- counts every record read by format: added, updated (a new text), metadata (new metadata for
  a stored text), unchanged, duplicate (folded into a stored text), skipped on purpose,
  rejected (by reason); the counts of a format add up to the records read;
- keeps the stored metadata fields a re-added document leaves empty (a CSV mapped with only
  ``text`` and ``id`` keeps the titles, URLs and dates stored before), unless ``replace_meta``;
- stores, with each batch, a resume point for each resumable file (WARC): where the last
  record of the batch starts. A rerun after a crash continues after it instead of extracting
  the pages again. A file read to the end has its resume point removed; a file changed since
  (size or modification time) is read from the start. Either way the result equals a clean
  run, because adding a document again changes nothing.
"""

from __future__ import annotations

import json
import os
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from wiretrace.index.base import prepare_batches
from wiretrace.index.sqlite import BATCH_SIZE, ResumePoint, SQLiteIndex
from wiretrace.ingest.base import Entry, Format, ReadOptions, Rejected, Skipped
from wiretrace.ingest.readers import iter_entries
from wiretrace.model import Document


@dataclass(slots=True)
class FormatCounts:
    """What happened to the records of one format."""

    read: int = 0
    added: int = 0
    updated: int = 0
    metadata: int = 0
    unchanged: int = 0
    duplicate: int = 0
    skipped: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    warnings: int = 0

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def balanced(self) -> bool:
        """Whether every record read is counted exactly once."""
        done = self.added + self.updated + self.metadata + self.unchanged + self.duplicate
        return self.read == done + self.skipped + self.rejected_total


@dataclass(slots=True)
class Summary:
    """The counts of one ingest job, by format, and where resumed files continued.

    ``resumed`` maps a file to the record an earlier run had finished; the records up to it
    were not read again and are not in the counts. ``resumed_rejected`` says how many of them
    that run had rejected; they are handed to ``on_reject`` again. ``notes`` maps a file to
    what its reader said about it (the columns a CSV file was read from).
    """

    formats: dict[Format, FormatCounts] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    resumed: dict[str, int] = field(default_factory=dict)
    resumed_rejected: dict[str, int] = field(default_factory=dict)

    def counts(self, fmt: Format) -> FormatCounts:
        return self.formats.setdefault(fmt, FormatCounts())

    def total(self) -> FormatCounts:
        out = FormatCounts()
        for c in self.formats.values():
            out.read += c.read
            out.added += c.added
            out.updated += c.updated
            out.metadata += c.metadata
            out.unchanged += c.unchanged
            out.duplicate += c.duplicate
            out.skipped += c.skipped
            out.rejected.update(c.rejected)
            out.warnings += c.warnings
        return out


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a job is: documents read, and input bytes read (out of
    :func:`~wiretrace.ingest.readers.input_size`)."""

    documents: int
    bytes_read: int


def reason_kind(reason: str) -> str:
    """The short kind of a rejection reason, for counting ("no main text", "binary file")."""
    head = reason
    for stop in (":", " (", ";"):
        head = head.split(stop, 1)[0]
    return head.strip()


def index_inputs(
    index: SQLiteIndex,
    paths: Sequence[Path],
    options: ReadOptions,
    *,
    skip_bad: bool = False,
    replace_meta: bool = False,
    workers: int = 1,
    batch_size: int = BATCH_SIZE,
    on_reject: Callable[[Rejected], None] | None = None,
    on_warning: Callable[[str, str], None] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> Summary:
    """Add the documents in ``paths`` to ``index``; return the counts.

    Raises :class:`~wiretrace.errors.InputError` for a missing path (before anything is read)
    and, without ``skip_bad``, for the first bad record (the batches before it are stored).
    ``on_warning`` gets ``(location, message)`` for each warning about a kept document.
    With ``replace_meta``, a re-added document's metadata replaces the stored metadata as a
    whole (fields it lacks are cleared); without, the fields it lacks are kept.
    """
    summary = Summary()
    job = _Job(index, summary, skip_bad, on_reject, on_warning, on_progress)
    entries = iter_entries(list(paths), options, resume=job.resume_point, workers=workers)
    with closing(entries):  # a bad record stops the page workers now, not at exit
        documents = job.documents(entries)
        for batch in prepare_batches(
            documents, batch_size=batch_size, workers=workers, n=index.n, window=index.window
        ):
            tags = [job.pending.popleft() for _ in batch]
            checkpoints: dict[str, tuple[int, int]] = {}
            for _, file, resume in tags:
                if resume is not None:
                    checkpoints[file] = resume
            rows = [job.resume_row(file, *point) for file, point in checkpoints.items()]
            outcomes = index.add_batch_outcomes(batch, progress=rows, replace_meta=replace_meta)
            for (fmt, _, _), outcome in zip(tags, outcomes, strict=True):
                counts = summary.counts(fmt)
                setattr(counts, outcome.value, getattr(counts, outcome.value) + 1)
    for file in job.finished_files():
        index.clear_progress(_key(file))
    return summary


_PROGRESS_EVERY = 20


class _Job:
    """The reading side of a job: filters entries, counts them, remembers what is in flight."""

    def __init__(
        self,
        index: SQLiteIndex,
        summary: Summary,
        skip_bad: bool,
        on_reject: Callable[[Rejected], None] | None,
        on_warning: Callable[[str, str], None] | None,
        on_progress: Callable[[Progress], None] | None,
    ) -> None:
        self.index = index
        self.summary = summary
        self.skip_bad = skip_bad
        self.on_reject = on_reject
        self.on_warning = on_warning
        self.pending: deque[tuple[Format, str, tuple[int, int] | None]] = deque()
        self.on_progress = on_progress
        self.bytes_read = 0
        self.documents_read = 0
        self._files: dict[str, bool] = {}
        # Rejections in resumable files, with their record numbers: a resume point carries the
        # ones before it, so that a resumed run still lists every rejected record.
        self._rejected: dict[str, list[tuple[int, str, str]]] = {}

    def resume_point(self, path: Path) -> tuple[int, int] | None:
        stored = self.index.progress(_key(str(path)))
        if stored is None:
            return None
        _, signature, offset, number, state = stored
        if signature != _signature(path):
            return None  # the file changed since: read it all again
        file = str(path)
        self.summary.resumed[file] = number
        earlier = [Rejected(location, reason) for location, reason in json.loads(state or "[]")]
        self.summary.resumed_rejected[file] = len(earlier)
        self._rejected[file] = [(0, r.location, r.reason) for r in earlier]
        if self.on_reject is not None:
            for rejected in earlier:
                self.on_reject(rejected)
        return offset, number

    def resume_row(self, file: str, offset: int, number: int) -> ResumePoint:
        """The resume point stored after the record ``number`` of ``file`` is done."""
        rejected = [[loc, why] for n, loc, why in self._rejected.get(file, ()) if n <= number]
        state = json.dumps(rejected, ensure_ascii=False)
        return (_key(file), _signature(Path(file)), offset, number, state)

    def documents(self, entries: Iterator[Entry]) -> Iterator[Document]:
        for entry in entries:
            self.bytes_read = entry.position
            if entry.file:
                self._files.setdefault(entry.file, True)
            counts = self.summary.counts(entry.format)
            counts.read += 1
            if entry.note:
                self.summary.notes[entry.file or "<input>"] = entry.note
            item = entry.item
            if isinstance(item, Rejected):
                if not self.skip_bad:
                    raise item.as_error()
                counts.rejected[reason_kind(item.reason)] += 1
                if entry.resume is not None:
                    rejected = (entry.resume[1], item.location, item.reason)
                    self._rejected.setdefault(entry.file, []).append(rejected)
                if self.on_reject is not None:
                    self.on_reject(item)
                continue
            if isinstance(item, Skipped):
                counts.skipped += 1
                continue
            counts.warnings += len(entry.warnings)
            if self.on_warning is not None:
                for warning in entry.warnings:
                    self.on_warning(f"{entry.file or item.id} ({item.id})", warning)
            self.pending.append((entry.format, entry.file, entry.resume))
            self.documents_read += 1
            if self.on_progress is not None and self.documents_read % _PROGRESS_EVERY == 0:
                self.on_progress(Progress(self.documents_read, self.bytes_read))
            yield item
        if self.on_progress is not None:
            self.on_progress(Progress(self.documents_read, self.bytes_read))

    def finished_files(self) -> list[str]:
        return list(self._files)


def _key(file: str) -> str:
    return str(Path(file).resolve())


def _signature(path: Path) -> str:
    try:
        stat = os.stat(path)
    except OSError:
        return ""
    return f"{stat.st_size}:{stat.st_mtime_ns}"
