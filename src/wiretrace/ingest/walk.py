"""Walk the inputs: folders in a stable order, each file to its reader, pages to workers."""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os
import sys
from collections.abc import Callable, Generator, Iterator
from contextlib import ExitStack
from dataclasses import replace
from functools import partial
from itertools import islice
from pathlib import Path

from wiretrace.errors import EncodingError, Problem, SizeLimitError
from wiretrace.ingest.base import (
    HINT_FORMAT,
    Entry,
    Format,
    ReadOptions,
    Rejected,
    advised,
    is_utf8,
    os_reason,
    size_reason,
)
from wiretrace.ingest.feeds import iter_feed
from wiretrace.ingest.html import PageJob
from wiretrace.ingest.jsonl import iter_jsonl
from wiretrace.ingest.office import FILE_KINDS, OFFICE_FORMATS, FileJob
from wiretrace.ingest.sniff import SNIFF_BYTES, SUPPORTED, by_extension, sniff
from wiretrace.ingest.tables import iter_csv
from wiretrace.ingest.textfiles import read_head, text_from_bytes
from wiretrace.ingest.warc import iter_warc
from wiretrace.model import Document

Resume = Callable[[Path], tuple[int, int] | None] | None
Item = Entry | PageJob | FileJob
# Pages handed to the workers at a time: enough to keep them busy, few enough to bound memory.
_WINDOW = 64


def finish(item: Item, options: ReadOptions) -> Entry:
    return item.finish(options) if isinstance(item, PageJob | FileJob) else item


def finish_in_workers(
    items: Iterator[Item], options: ReadOptions, workers: int
) -> Generator[Entry, None, None]:
    """Extract pages in worker processes, a window at a time, keeping the order.

    The next window is read while the workers extract the current one; reading (and so the
    resume and rejection bookkeeping of the caller) stays in this process, and entries that
    are not pages never leave it. The pool starts at the first page.
    """
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    work = partial(finish, options=options)
    with ExitStack() as stack:
        pool: multiprocessing.pool.Pool | None = None
        in_flight: _Window | None = None
        while window := list(islice(items, _WINDOW)):
            jobs = [item for item in window if isinstance(item, PageJob | FileJob)]
            submitted = None
            if jobs:
                if pool is None:
                    pool = stack.enter_context(context.Pool(workers))
                chunk = max(1, len(jobs) // (4 * workers))
                submitted = pool.map_async(work, jobs, chunksize=chunk)
            if in_flight is not None:
                yield from _merge(*in_flight)
            in_flight = (window, submitted)
        if in_flight is not None:
            yield from _merge(*in_flight)


_Window = tuple[list[Item], "multiprocessing.pool.AsyncResult[list[Entry]] | None"]


def _merge(
    window: list[Item], done: multiprocessing.pool.AsyncResult[list[Entry]] | None
) -> Iterator[Entry]:
    finished = iter(done.get() if done is not None else ())
    for item in window:
        yield next(finished) if isinstance(item, PageJob | FileJob) else item


def iter_inputs(paths: list[Path], options: ReadOptions, resume: Resume) -> Iterator[Item]:
    base = 0
    for path in paths:
        if path.is_dir():
            items = _iter_folder(path, options, resume)
        else:
            items = iter_file(path, path.name, options, resume)
        consumed = 0
        for entry, done in items:
            consumed = done
            yield replace(entry, position=base + done)
        base += consumed


def _iter_folder(root: Path, options: ReadOptions, resume: Resume) -> Iterator[tuple[Item, int]]:
    done = 0
    for item in _walk(root, ()):
        if isinstance(item, Rejected):
            yield Entry(_guess_format(Path(item.location)), item), done
        else:
            path, parts = item
            for entry, position in iter_file(path, "/".join(parts), options, resume):
                yield entry, done + position
            done += size_of(path)


def _walk(
    folder: Path, parts: tuple[str, ...]
) -> Iterator[tuple[Path, tuple[str, ...]] | Rejected]:
    """Files under ``folder`` (with their relative parts) in sorted order, and what to reject."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        yield Rejected(str(folder), f"cannot list the folder: {os_reason(exc)}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        here = (*parts, entry.name)
        try:
            is_link_dir = entry.is_symlink() and entry.is_dir()
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = entry.is_file()
        except OSError as exc:
            yield Rejected(str(path), f"cannot inspect the entry: {os_reason(exc)}")
            continue
        if is_link_dir:
            yield Rejected(
                str(path),
                "symbolic link to a folder is not followed; pass its target as an input",
            )
        elif is_dir:
            yield from _walk(path, here)
        elif is_file:
            yield (path, here)
        else:
            yield Rejected(str(path), "not a regular file (broken link, device or pipe)")


def iter_file(
    path: Path, txt_id: str, options: ReadOptions, resume: Resume = None
) -> Iterator[tuple[Item, int]]:
    """The entries of one file, each with the bytes of the file consumed after it."""
    for entry, done in _file_entries(path, txt_id, options, resume):
        yield replace(entry, file=str(path)), done


def _file_entries(
    path: Path, txt_id: str, options: ReadOptions, resume: Resume
) -> Iterator[tuple[Item, int]]:
    size = size_of(path)
    chosen = options.format or by_extension(path.name) or _sniff_file(path, options)
    if isinstance(chosen, Rejected):
        yield Entry(_guess_format(path), chosen), size
        return
    fmt: Format = chosen
    if fmt == Format.TXT:
        yield Entry(Format.TXT, read_txt(path, txt_id, options)), size
    elif fmt == Format.HTML:
        yield read_html(path, txt_id, options), size
    elif fmt in OFFICE_FORMATS:
        yield read_office(path, txt_id, fmt, options), size
    elif fmt == Format.JSONL:
        for entry in iter_jsonl(path, options):
            yield entry, min(entry.position, size)
    elif fmt == Format.WARC:
        for item in iter_warc(path, options, resume(path) if resume else None):
            yield item, min(item.position, size)
    else:
        readers = {Format.FEED: iter_feed, Format.CSV: iter_csv}
        for entry in readers[fmt](path, options):
            yield entry, min(entry.position, size)


def _sniff_file(path: Path, options: ReadOptions) -> Format | Rejected:
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as exc:
        return Rejected(str(path), f"cannot read the file: {os_reason(exc)}")
    found = sniff(head)
    if isinstance(found, Problem):
        return Rejected(
            str(path),
            advised(
                f"unsupported file type {_describe_suffix(path)}: {found.reason}; {SUPPORTED}; "
                "convert it or move it out of the input",
                options,
                HINT_FORMAT,
            ),
            error=found.error,
        )
    return found


def _guess_format(path: Path) -> Format:
    """The format a rejected path is counted under in summaries."""
    return by_extension(path.name) or Format.TXT


def size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _describe_suffix(path: Path) -> str:
    suffixes = path.suffixes
    if not suffixes:
        return "(no extension)"
    shown = suffixes[-2:] if suffixes[-1].lower() == ".gz" else suffixes[-1:]
    return repr("".join(shown))


# --- HTML files -------------------------------------------------------------------------------


def read_html(path: Path, doc_id: str, options: ReadOptions) -> Item:
    location = str(path)
    if not is_utf8(doc_id):
        reason = "the file name is not valid UTF-8, so it cannot be an id; rename the file"
        return Entry(Format.HTML, Rejected(location, reason, error=EncodingError))
    try:
        data, total = read_head(path, options)
    except OSError as exc:
        return Entry(Format.HTML, Rejected(location, f"cannot read the file: {os_reason(exc)}"))
    if len(data) > options.max_bytes:
        size = f"{max(total or 0, len(data)):,} bytes"
        reason = size_reason(size, options, "page")
        return Entry(Format.HTML, Rejected(location, reason, error=SizeLimitError))
    return PageJob(Format.HTML, data, doc_id, location)


# --- PDF and Word files ----------------------------------------------------------------------


def read_office(path: Path, doc_id: str, fmt: Format, options: ReadOptions) -> Item:
    """A PDF or Word file, read whole (up to the size limit) for extraction."""
    location = str(path)
    if not is_utf8(doc_id):
        reason = "the file name is not valid UTF-8, so it cannot be an id; rename the file"
        return Entry(fmt, Rejected(location, reason, error=EncodingError))
    try:
        data, total = read_head(path, options)
    except OSError as exc:
        return Entry(fmt, Rejected(location, f"cannot read the file: {os_reason(exc)}"))
    if len(data) > options.max_bytes:
        size = f"{max(total or 0, len(data)):,} bytes"
        reason = size_reason(size, options, FILE_KINDS[fmt])
        return Entry(fmt, Rejected(location, reason, error=SizeLimitError))
    return FileJob(fmt, data, doc_id, location)


# --- text files -------------------------------------------------------------------------------


def read_txt(path: Path, doc_id: str, options: ReadOptions) -> Document | Rejected:
    """A whole text file as one document (see the module docstring)."""
    location = str(path)
    if not is_utf8(doc_id):
        return Rejected(
            location,
            "the file name is not valid UTF-8, so it cannot be an id; rename the file",
            error=EncodingError,
        )
    try:
        data, total = read_head(path, options)
    except OSError as exc:
        return Rejected(location, f"cannot read the file: {os_reason(exc)}")
    text = text_from_bytes(data, total, options)
    if isinstance(text, Problem):
        return Rejected(location, text.reason, error=text.error)
    return Document(id=doc_id, text=text)
