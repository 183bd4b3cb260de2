"""The corpus-mode run: read documents, let an engine find the pairs, then build reuse families
and outlet figures and write the outputs.

Stages (each checkpointed under ``OUT/_stages``, see :mod:`wiretrace.corpus.stages`):

1. ``docs`` (here): the input documents, numbered in input order, as Parquet parts (and an
   Arrow file for random access by number). Duplicate ids and unreadable records are rejected.
2. the engine's stages (``postings``, ``candidates``, ``pairs``): the reuse pairs, Parquet
   with the :data:`~wiretrace.corpus.schema.PAIRS` schema, in any order.
3. ``finish`` (here, or the engine's own ``finish`` when it has one: the Spark engine computes
   these on its executors, :mod:`wiretrace.corpus.spark_finish`): reuse families (union-find
   over the pairs), per-document and per-outlet reuse and fact drift, written to ``OUT`` as
   ``pairs.parquet``, ``families.parquet``, ``outlets.parquet``, ``drift.parquet``, JSONL
   copies when small, and ``summary.json``.

``OUT`` is a local path or a ``file://``, ``hdfs://`` or ``s3a://`` URI
(:mod:`wiretrace.corpus.location`): what this module reads and writes goes through Arrow's
file system layer, and engines give Spark the URI. It is checked before anything is read.

Version 2 of the format renamed the output fields to one name per concept
(``docs/corpus-outputs.md``); a run over an output folder of version 1 discards its stages
(their pairs carry the old names) and computes them again; ``corpus report`` still reads a
version 1 folder (:mod:`wiretrace.corpus.legacy`).

Memory: postings and pairs are streamed in batches; what is held whole is one record of
metadata per document (number, id, outlet, date, length) and the union-find arrays.
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from wiretrace.corpus import schema
from wiretrace.corpus.drift import DRIFT_PAIR_COLUMNS, family_drift
from wiretrace.corpus.kernels import (
    BestLinks,
    CorpusOptions,
    DocMeta,
    OutletTally,
    PairAligner,
    doc_reuse,
    doc_sides,
    family_record,
)
from wiretrace.corpus.location import Location, parse_location
from wiretrace.corpus.records import PairRecord
from wiretrace.corpus.stages import StageStore
from wiretrace.dates import time_key
from wiretrace.errors import OutputError
from wiretrace.ingest.readers import ReadOptions, Rejected, iter_records
from wiretrace.model import Document, Span

log = logging.getLogger(__name__)

FORMAT_VERSION = 2
DOCS_PER_PART = 2000
TEXTS_FILE = "_texts.arrow"
# Outputs with at most this many rows are also written as JSONL.
JSONL_MAX_ROWS = 20_000
# Per-document reuse is computed in buckets of about this many documents.
DOCS_PER_BUCKET = 50_000
_BATCH = 4096


class Progress(Protocol):
    """Where a run reports progress (the CLI shows a bar; the library default shows nothing)."""

    def stage(self, name: str, total: int | None) -> None:
        """A stage starts; ``total`` is its number of steps when known."""

    def advance(self, steps: int = 1) -> None:
        """Steps of the current stage are done."""


class NoProgress:
    def stage(self, name: str, total: int | None) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass


class Engine(Protocol):
    """Finds the reuse pairs of the documents of the ``docs`` stage."""

    name: str
    # Whether the engine reads and writes its stages as local files (then OUT must be local).
    local_only: bool

    def pairs(
        self, store: StageStore, n_docs: int, options: CorpusOptions, progress: Progress
    ) -> Location:
        """Run (or skip) the engine's stages; return the folder of the pairs stage."""
        ...


class Finisher(Protocol):
    """Writes the outputs from the pairs stage and returns their counts (:func:`finish`, or
    an engine's own ``finish`` method, which :func:`run_reuse` calls when the engine has one)."""

    def __call__(
        self, store: StageStore, pairs_dir: Location | None, out: Location, sink: Progress
    ) -> dict[str, int]: ...


@dataclass(frozen=True, slots=True)
class ReuseSummary:
    """What a run found and where it wrote it (``out``: the output location as given)."""

    out: str
    engine: str
    documents: int
    rejected: int
    pairs: int
    families: int
    outlets: int
    undated_documents: int
    tied_first_documents: int
    stages_skipped: tuple[str, ...]
    drifted_facts: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "engine": self.engine,
            "documents": self.documents,
            "rejected": self.rejected,
            "pairs": self.pairs,
            "families": self.families,
            "outlets": self.outlets,
            "undated_documents": self.undated_documents,
            "tied_first_documents": self.tied_first_documents,
            "drifted_facts": self.drifted_facts,
            "stages_skipped": list(self.stages_skipped),
            "seconds": self.seconds,
        }


def run_reuse(
    inputs: Sequence[Path],
    out: Path | str,
    engine: Engine,
    options: CorpusOptions | None = None,
    *,
    read: ReadOptions | None = None,
    skip_bad: bool = False,
    progress: Progress | None = None,
) -> ReuseSummary:
    """Find all reuse pairs, reuse families and outlet figures of the documents in ``inputs``.

    ``out`` is a local path or a ``file://``, ``hdfs://`` or ``s3a://`` URI. Raises
    :class:`~wiretrace.errors.OutputError`, before reading anything, for another scheme, for a
    location that is not local with an engine that needs local files, or when the file system
    cannot be reached; :class:`~wiretrace.errors.InputError` for a missing input, and for the
    first bad record unless ``skip_bad`` (then bad records go to ``OUT/rejects.jsonl``). An
    input with no documents gives empty outputs with their schemas.
    """
    opts = options or CorpusOptions()
    sink = progress or NoProgress()
    spec = parse_location(out)
    if engine.local_only and not spec.local:
        raise OutputError(
            f"{spec.text}: the {engine.name} engine writes its stages to local folders only; "
            "give a local path or file:// URI, or use --engine spark for hdfs:// and s3a://"
        )
    where = spec.open()
    try:
        where.mkdir()
    except OSError as exc:
        raise OutputError(
            f"{spec.text}: cannot create the output folder ({str(exc).strip()}); check the "
            "location and the file system's settings (docs/spark.md)"
        ) from exc
    read_opts = read or ReadOptions()
    paths = [Path(p) for p in inputs]
    iter_records(paths, read_opts)  # raises now when a path is missing
    store = StageStore(where / "_stages", run_config(paths, opts, read_opts, skip_bad))
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    docs_info = docs_stage(store, paths, read_opts, skip_bad, sink)
    seconds["docs"] = round(time.perf_counter() - start, 3)
    n_docs = int(docs_info["documents"])
    if docs_info["rejected"]:
        (where / "rejects.jsonl").write_text(_read_rejects(store))
    start = time.perf_counter()
    if n_docs:
        pairs_dir: Location | None = engine.pairs(store, n_docs, opts, sink)
    else:
        log.warning("no documents in the inputs: writing empty outputs")
        pairs_dir = None
    seconds["pairs"] = round(time.perf_counter() - start, 3)
    start = time.perf_counter()
    # An engine may compute families, outlets and drift itself (Spark, on its executors).
    engine_finish: Finisher | None = (
        getattr(engine, "finish", None) if pairs_dir is not None else None
    )
    counts = (engine_finish or finish)(store, pairs_dir, where, sink)
    seconds["finish"] = round(time.perf_counter() - start, 3)
    summary = ReuseSummary(
        out=str(out),
        engine=engine.name,
        documents=n_docs,
        rejected=int(docs_info["rejected"]),
        pairs=counts["pairs"],
        families=counts["families"],
        outlets=counts["outlets"],
        undated_documents=counts["undated"],
        tied_first_documents=counts["tied"],
        stages_skipped=tuple(store.skipped),
        drifted_facts=counts["drifted_facts"],
        seconds=seconds,
    )
    report = {**summary.as_dict(), "options": opts.describe(), "format_version": FORMAT_VERSION}
    report["order"] = (
        "Documents are ordered by publication time in UTC; identical timestamps are ordered by "
        "document id, and documents without a date come last and are never a first publisher."
    )
    (where / "summary.json").write_text(json.dumps(report, indent=1, sort_keys=True))
    return summary


def run_config(
    paths: Sequence[Path], options: CorpusOptions, read: ReadOptions, skip_bad: bool
) -> dict[str, Any]:
    """What the stages depend on: the inputs (path, size, modification time) and options."""
    files = []
    for p in paths:
        found = sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p]
        for f in found:
            st = f.stat()
            files.append([str(f.resolve()), st.st_size, st.st_mtime_ns])
    return {
        "format_version": FORMAT_VERSION,
        "inputs": files,
        "options": options.describe(),
        "max_bytes": read.max_bytes,
        "skip_bad": skip_bad,
    }


# -- stage 1: documents ------------------------------------------------------------------------


def docs_stage(
    store: StageStore, paths: Sequence[Path], read: ReadOptions, skip_bad: bool, sink: Progress
) -> dict[str, Any]:
    """Number and store the documents; return ``{"documents": n, "rejected": n}``."""
    if store.done("docs"):
        return store.info("docs")
    sink.stage("reading documents", None)
    info: dict[str, Any] = {}
    with store.write("docs", info) as tmp:
        seen: set[str] = set()
        rejects: list[dict[str, str]] = []
        part: list[Document] = []
        parts = 0
        n = 0
        with (tmp / TEXTS_FILE).output() as stream, ipc.new_file(stream, schema.DOCS) as texts:
            for record in iter_records(list(paths), read):
                if isinstance(record, Rejected):
                    if not skip_bad:
                        raise record.as_error()
                    rejects.append({"location": record.location, "reason": record.reason})
                    continue
                if record.id in seen:
                    reason = "duplicate id: the first document with this id is kept"
                    if not skip_bad:
                        raise _duplicate(record.id, reason)
                    rejects.append({"location": f"id {record.id}", "reason": reason})
                    continue
                seen.add(record.id)
                part.append(record)
                if len(part) >= DOCS_PER_PART:
                    _write_part(tmp, parts, n, part, texts)
                    n, parts, part = n + len(part), parts + 1, []
                    sink.advance(DOCS_PER_PART)
            if part or not parts:
                _write_part(tmp, parts, n, part, texts)
                n, parts = n + len(part), parts + 1
                sink.advance(len(part))
        (tmp / "_rejects.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rejects)
        )
        info.update(documents=n, rejected=len(rejects), parts=parts)
    return info


def _duplicate(doc_id: str, reason: str) -> Exception:
    from wiretrace.errors import RecordError

    return RecordError(f"id {doc_id}", reason)


def _write_part(
    tmp: Location, part_no: int, first: int, docs: list[Document], texts: ipc.RecordBatchFileWriter
) -> None:
    table = pa.Table.from_pylist(
        [
            {
                "idx": first + i,
                "id": d.id,
                "text": d.text,
                "title": d.title,
                "url": d.url,
                "source": d.source,
                "published_at": d.published_at,
                "length": len(d.text),
            }
            for i, d in enumerate(docs)
        ],
        schema=schema.DOCS,
    )
    with (tmp / f"part-{part_no:05d}.parquet").output() as stream:
        pq.write_table(table, stream)
    if len(table):
        texts.write_table(table)


def _read_rejects(store: StageStore) -> str:
    return (store.path("docs") / "_rejects.jsonl").read_text()


def doc_part_files(store: StageStore) -> list[Location]:
    return store.path("docs").files(".parquet", prefix="part-")


def open_texts(docs_dir: Path) -> pa.Table:
    """The documents table of a ``docs`` stage folder, memory-mapped: texts are paged in
    from the file as they are read, so memory does not grow with the corpus."""
    source = pa.memory_map(str(docs_dir / TEXTS_FILE))
    return ipc.open_file(source).read_all()


class DocReader:
    """The metadata and text of documents by number, from a table of :func:`open_texts`.
    (Five scalars a document: a one-row slice made into a dict costs four times as much.)"""

    def __init__(self, docs: pa.Table) -> None:
        self._columns = [docs.column(c) for c in ("id", "source", "published_at", "length")]
        self._text = docs.column("text")

    def __call__(self, idx: int) -> tuple[DocMeta, str]:
        doc_id, source, when, length = (c[idx].as_py() for c in self._columns)
        return DocMeta(idx, doc_id, source, when, length), self._text[idx].as_py()


def align_candidates(
    aligner: PairAligner,
    docs: pa.Table,
    cand: pa.Table | pa.RecordBatch,
    uses: npt.NDArray[np.int32] | None = None,
) -> list[PairRecord]:
    """The pair records of candidates ``(a, b, shared)``, both texts read from ``docs`` (a
    table from :func:`open_texts`); candidates whose alignment finds no passage give none.

    ``uses``, when given, counts the pairs still to align that each document is in: it is
    counted down here, and a document's view leaves the aligner's cache at zero."""
    doc_at = DocReader(docs)
    rows = []
    for a, b, shared in zip(
        cand.column("a").to_pylist(),
        cand.column("b").to_pylist(),
        cand.column("shared").to_pylist(),
        strict=True,
    ):
        ma, ta = doc_at(a)
        mb, tb = doc_at(b)
        record = aligner.pair(ma, ta, mb, tb, shared)
        if record is not None:
            rows.append(record)
        if uses is not None:
            for idx in (a, b):
                uses[idx] -= 1
                if uses[idx] <= 0:
                    aligner.forget(idx)
    return rows


class DocsMeta:
    """Per-document metadata (no text), held as Arrow arrays, by document number."""

    def __init__(self, table: pa.Table) -> None:
        self.ids: list[str] = table.column("id").to_pylist()
        self.sources: list[str | None] = table.column("source").to_pylist()
        self.dates: list[str | None] = table.column("published_at").to_pylist()
        self.lengths: list[int] = table.column("length").to_pylist()
        self.titles: list[str | None] = table.column("title").to_pylist()

    @staticmethod
    def load(store: StageStore) -> DocsMeta:
        cols = ["idx", "id", "source", "published_at", "length", "title"]
        tables = [p.read_table(columns=cols) for p in doc_part_files(store)]
        return DocsMeta(pa.concat_tables(tables) if tables else schema.DOCS.empty_table())

    def __len__(self) -> int:
        return len(self.ids)

    def meta(self, idx: int) -> DocMeta:
        return DocMeta(
            idx,
            self.ids[idx],
            self.sources[idx],
            self.dates[idx],
            self.lengths[idx],
            self.titles[idx],
        )


# -- stage 3: families, outlets, outputs --------------------------------------------------------


def iter_pair_batches(pairs_dir: Location | None, columns: list[str] | None) -> Iterator[pa.Table]:
    if pairs_dir is None:
        return
    for path in pairs_dir.files(".parquet"):
        with path.open_input() as source:
            pf = pq.ParquetFile(source)
            for batch in pf.iter_batches(batch_size=_BATCH, columns=columns):
                yield pa.Table.from_batches([batch])


def write_pairs(pairs_dir: Location | None, out: Location) -> int:
    """Copy the pairs stage to ``pairs.parquet`` (streaming), and ``pairs.jsonl`` when small;
    return the number of pairs."""
    n_pairs = write_table_stream(
        out / "pairs.parquet", schema.PAIRS, iter_pair_batches(pairs_dir, None)
    )
    if n_pairs <= JSONL_MAX_ROWS:
        rows = (out / "pairs.parquet").read_table().to_pylist()
        rows.sort(key=lambda r: (r["a_document_id"], r["b_document_id"]))
        write_jsonl(out / "pairs.jsonl", rows)
    return n_pairs


def finish(
    store: StageStore, pairs_dir: Location | None, out: Location, sink: Progress
) -> dict[str, int]:
    """Write the outputs from the pairs stage; return counts."""
    docs = DocsMeta.load(store)
    n = len(docs)
    sink.stage("families and outlets", None)
    n_pairs = write_pairs(pairs_dir, out)
    # Families: connected components of every document's strongest link.
    links = BestLinks(n)
    link_columns = ["a_idx", "b_idx", "a_shared_chars", "b_shared_chars"]
    for t in iter_pair_batches(pairs_dir, link_columns):
        links.offer_all(*(t.column(c).to_pylist() for c in link_columns))
    uf = links.families()
    roots = uf.roots() if n else np.empty(0, dtype=np.int64)
    members: dict[int, list[int]] = defaultdict(list)
    sizes = np.bincount(roots, minlength=n) if n else np.empty(0, dtype=np.int64)
    for i in np.flatnonzero(sizes[roots] > 1) if n else []:
        members[int(roots[i])].append(int(i))
    families = [family_record([docs.meta(i) for i in group]) for group in members.values()]
    families.sort(key=lambda s: (-s["document_count"], s["family_id"]))
    write_rows(out / "families.parquet", schema.FAMILIES, families)
    if len(families) <= JSONL_MAX_ROWS:
        write_jsonl(out / "families.jsonl", families)
    sink.advance()
    # Per-document reuse, bucket by bucket, summed per outlet.
    tally = OutletTally()
    buckets = max(1, -(-n // DOCS_PER_BUCKET))
    for bucket in range(buckets):
        sides: dict[int, list[tuple[str, str, list[Span]]]] = defaultdict(list)
        cols = ["a_idx", "b_idx", "direction", "a_outlet", "b_outlet", "passages"]
        for t in iter_pair_batches(pairs_dir, cols):
            for pair in t.to_pylist():
                for idx, role, other, spans in doc_sides(pair):
                    if idx % buckets == bucket:
                        sides[idx].append((role, other, spans))
        for idx in range(bucket, n, buckets):
            got = sides.get(idx)
            tally.add(docs.meta(idx), doc_reuse(got) if got else None)
    outlets = tally.records()
    write_rows(out / "outlets.parquet", schema.OUTLETS, outlets)
    write_jsonl(out / "outlets.jsonl", outlets)
    # Fact drift: the facts a family's documents state differently (two passes over the pairs).
    drift = family_drift(
        families,
        lambda: (
            row for t in iter_pair_batches(pairs_dir, DRIFT_PAIR_COLUMNS) for row in t.to_pylist()
        ),
    )
    write_rows(out / "drift.parquet", schema.DRIFT, drift)
    if len(drift) <= JSONL_MAX_ROWS:
        write_jsonl(out / "drift.jsonl", drift)
    undated = sum(1 for i in range(n) if time_key(docs.dates[i], docs.ids[i])[0])
    return {
        "pairs": n_pairs,
        "families": len(families),
        "outlets": len(outlets),
        "drifted_facts": len(drift),
        "undated": undated,
        "tied": sum(1 for s in families if s["first_tied"]),
    }


def write_table_stream(path: Location, sch: pa.Schema, tables: Iterator[pa.Table]) -> int:
    count = 0
    with path.output() as stream, pq.ParquetWriter(stream, sch) as writer:
        for t in tables:
            writer.write_table(t.select(sch.names).cast(sch))
            count += len(t)
        if count == 0:
            writer.write_table(sch.empty_table())
    return count


def write_rows(path: Location, sch: pa.Schema, rows: Sequence[Mapping[str, object]]) -> None:
    with path.output() as stream:
        pq.write_table(pa.Table.from_pylist(list(rows), schema=sch), stream)


def write_jsonl(path: Location, rows: Sequence[Mapping[str, object]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
