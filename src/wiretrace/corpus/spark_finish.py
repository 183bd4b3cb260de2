"""The Spark engine's finish: reuse families, outlet figures and fact drift, computed on the
executors from the ``pairs`` and ``docs`` stages with the same pure kernels as the local engine.

Stages (checkpointed like the engine's others, see :mod:`wiretrace.corpus.stages`):

- ``components``: each document's strongest link, chosen as
  :class:`~wiretrace.corpus.kernels.BestLinks` chooses it (the partner with the most shared
  characters on the document's own side, more than zero; ties to the smaller document number),
  then the connected components of those links (:func:`connected_components`, min-label
  propagation with joins): every linked document with its label, the smallest document number
  of its component;
- ``families``: each component's documents with their metadata, repartitioned and sorted by
  label so that one task sees a whole component, made into one record by
  :func:`~wiretrace.corpus.kernels.family_record`, then sorted as the local engine sorts them
  (most documents first, then family id);
- ``outlets``: what each pair says of its two documents
  (:func:`~wiretrace.corpus.kernels.doc_sides`), joined to every document's metadata and
  grouped by document, reduced by :func:`~wiretrace.corpus.kernels.doc_reuse` and summed into
  an :class:`~wiretrace.corpus.kernels.OutletTally` per partition; every figure of a tally is a
  sum, so the partial tallies are merged per outlet (:meth:`OutletTally.merge`);
- ``drift``: each family's own pairs cogrouped with its record and given to
  :func:`~wiretrace.corpus.drift.family_drift` (its slots never cross families), then sorted by
  family and the kernel's order.

The driver then writes the single-file outputs (the same files and schemas as
:func:`wiretrace.corpus.pipeline.finish`) by streaming the stages' Parquet parts in order. It
holds one row per outlet, never per-document Python objects for the whole corpus.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from wiretrace.corpus import schema
from wiretrace.corpus.drift import DRIFT_PAIR_COLUMNS, family_drift
from wiretrace.corpus.kernels import (
    DocMeta,
    OutletSumsRecord,
    OutletTally,
    doc_reuse,
    doc_sides,
    family_record,
)
from wiretrace.corpus.location import Location, open_location
from wiretrace.corpus.pipeline import (
    JSONL_MAX_ROWS,
    Progress,
    finish,
    write_jsonl,
    write_pairs,
    write_rows,
    write_table_stream,
)
from wiretrace.corpus.records import FamilyRecord, PairRecord
from wiretrace.corpus.stages import StageStore
from wiretrace.model import Span

__all__ = ["STAGES", "connected_components", "finish_on_spark", "strongest_links"]

log = logging.getLogger(__name__)

DATA = "data"
STAGES = ("components", "families", "outlets", "drift")
_SCRATCH = "scratch"
_ROWS_PER_BATCH = 1000
_META_COLUMNS = ["idx", "id", "source", "published_at", "length", "title"]
_SIDE_COLUMNS = ["a_idx", "b_idx", "direction", "a_outlet", "b_outlet", "passages"]
# Stage rows: a family record with its component label; a drift record with its place in the
# family's drift table.
_FAMILY_ROWS = pa.schema([*schema.FAMILIES, pa.field("label", pa.int64())])
_DRIFT_ROWS = pa.schema([*schema.DRIFT, pa.field("seq", pa.int64())])


def finish_on_spark(
    spark: Any, store: StageStore, pairs_dir: Location | None, out: Location, sink: Progress
) -> dict[str, int]:
    """Run (or skip) the finish stages on Spark, write the outputs to ``out`` and return the
    counts :func:`wiretrace.corpus.pipeline.finish` returns."""
    if pairs_dir is None:  # no documents: empty outputs, nothing to distribute
        return finish(store, pairs_dir, out, sink)
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    def read(sch: pa.Schema | str, path: Location) -> Any:
        spark_schema = sch if isinstance(sch, str) else from_arrow_schema(sch)
        return spark.read.schema(spark_schema).parquet(path.uri)

    sink.stage("families, outlets and drift (Spark)", len(STAGES))
    clock = _Clock()
    pairs = read(schema.PAIRS, pairs_dir)
    docs = read(schema.DOCS, store.path("docs")).select(*_META_COLUMNS)

    def describe(stage: str) -> None:  # names the stage's Spark jobs (UI, event logs)
        spark.sparkContext.setJobDescription(f"wiretrace {stage}")

    if not store.done("components"):
        describe("components")
        links = strongest_links(pairs)
        info: dict[str, Any] = {}
        with store.write("components", info) as tmp:
            labels, iterations = connected_components(links, tmp / _SCRATCH)
            labels.write.parquet((tmp / DATA).uri)
            (tmp / _SCRATCH).remove()
            info["iterations"] = iterations
    clock.lap("components")
    sink.advance()
    labels = read(schema.SPARK_LABELS, store.path("components") / DATA)

    if not store.done("families"):
        describe("families")
        members = (
            labels.join(docs, labels["node"] == docs["idx"])
            .select("label", *_META_COLUMNS)
            .repartition("label")
            .sortWithinPartitions("label", "idx")
        )
        found = members.mapInArrow(_family_batches, from_arrow_schema(_FAMILY_ROWS))
        with store.write("families") as tmp:
            found.write.parquet((tmp / _SCRATCH).uri)
            unsorted = read(_FAMILY_ROWS, tmp / _SCRATCH)
            unsorted.orderBy(F.desc("document_count"), F.asc("family_id")).write.parquet(
                (tmp / DATA).uri
            )
            (tmp / _SCRATCH).remove()
    clock.lap("families")
    sink.advance()

    if not store.done("outlets"):
        describe("outlets")
        sides = pairs.select(*_SIDE_COLUMNS).mapInArrow(
            _side_batches, from_arrow_schema(schema.SIDES)
        )
        by_doc = docs.join(sides, "idx", "left").repartition("idx").sortWithinPartitions("idx")
        partials = by_doc.mapInArrow(_tally_batches, from_arrow_schema(schema.OUTLET_SUMS))
        merged = partials.groupBy("outlet").applyInArrow(
            _merge_outlet, from_arrow_schema(schema.OUTLET_SUMS)
        )
        with store.write("outlets") as tmp:
            merged.write.parquet((tmp / DATA).uri)
    clock.lap("outlets")
    sink.advance()

    if not store.done("drift"):
        describe("drift")
        families = read(_FAMILY_ROWS, store.path("families") / DATA)
        a_label = labels.select(F.col("node").alias("a_idx"), "label")
        b_label = labels.select(F.col("node").alias("b_idx"), F.col("label").alias("b_label"))
        inner = (
            pairs.select("a_idx", "b_idx", *DRIFT_PAIR_COLUMNS)
            .join(a_label, "a_idx")
            .join(b_label, "b_idx")
            .where(F.col("label") == F.col("b_label"))
            .drop("b_label")
        )
        drift = (
            inner.groupBy("label")
            .cogroup(families.select("label", "family_id", "timeline").groupBy("label"))
            .applyInArrow(_drift_group, from_arrow_schema(_DRIFT_ROWS))
        )
        with store.write("drift") as tmp:
            drift.write.parquet((tmp / _SCRATCH).uri)
            unsorted = read(_DRIFT_ROWS, tmp / _SCRATCH)
            unsorted.orderBy("family_id", "seq").write.parquet((tmp / DATA).uri)
            (tmp / _SCRATCH).remove()
    clock.lap("drift")
    sink.advance()
    counts = _write_outputs(store, pairs_dir, out)
    clock.lap("outputs")
    return counts


class _Clock:
    """Logs the seconds each step took."""

    def __init__(self) -> None:
        self._start = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        log.info("spark finish: %s took %.1f s", step, now - self._start)
        self._start = now


def _write_outputs(store: StageStore, pairs_dir: Location, out: Location) -> dict[str, int]:
    """The single-file outputs, streamed from the stages' parts (written in sorted order)."""
    n_pairs = write_pairs(pairs_dir, out)
    counted: dict[str, int] = {}
    for name, sch in (("families", schema.FAMILIES), ("drift", schema.DRIFT)):
        path = out / f"{name}.parquet"
        counted[name] = write_table_stream(path, sch, _in_order(store.path(name) / DATA))
        if counted[name] <= JSONL_MAX_ROWS:
            write_jsonl(out / f"{name}.jsonl", path.read_table().to_pylist())
    tally = OutletTally()
    documents = dated = 0
    for t in _in_order(store.path("outlets") / DATA):
        for row in t.to_pylist():
            tally.merge(cast(OutletSumsRecord, row))
            documents += row["documents"]
            dated += row["dated"]
    outlets = tally.records()
    write_rows(out / "outlets.parquet", schema.OUTLETS, outlets)
    write_jsonl(out / "outlets.jsonl", outlets)
    return {
        "pairs": n_pairs,
        "families": counted["families"],
        "outlets": len(outlets),
        "drifted_facts": counted["drift"],
        "undated": documents - dated,
        "tied": pc.sum((out / "families.parquet").read_table(["first_tied"])[0]).as_py() or 0,
    }


def _in_order(folder: Location) -> Iterator[pa.Table]:
    """The rows of a folder Spark wrote, part by part in partition order (so a sorted
    DataFrame comes back in its order): ``part-00000-...``, ``part-00001-...``, and so on."""
    parts = sorted(folder.files(".parquet", "part-"), key=lambda p: int(p.name.split("-")[1]))
    for path in parts:
        with path.open_input() as source:
            for batch in pq.ParquetFile(source).iter_batches(batch_size=4096):
                yield pa.Table.from_batches([batch])


def strongest_links(pairs: Any) -> Any:
    """Each document's strongest link, as :class:`~wiretrace.corpus.kernels.BestLinks` chooses
    it: of the pairs (a Spark DataFrame of the pairs stage) that share characters on the
    document's side, the one sharing the most; ties to the partner with the smaller number.
    A DataFrame of ``src`` (the document) and ``dst`` (its partner)."""
    from pyspark.sql import functions as F

    sides = pairs.select(
        F.col("a_idx").alias("doc"),
        F.col("b_idx").alias("other"),
        F.col("a_shared_chars").alias("chars"),
    ).unionByName(
        pairs.select(
            F.col("b_idx").alias("doc"),
            F.col("a_idx").alias("other"),
            F.col("b_shared_chars").alias("chars"),
        )
    )
    # The largest (chars, -other): the most characters, then the smallest partner.
    best = (
        sides.where(F.col("chars") > 0)
        .groupBy("doc")
        .agg(F.max(F.struct("chars", (-F.col("other")).alias("neg"))).alias("best"))
    )
    return best.select(F.col("doc").alias("src"), (-F.col("best.neg")).alias("dst"))


def connected_components(links: Any, work: Location | Path) -> tuple[Any, int]:
    """The connected components of the undirected graph of ``links`` (a Spark DataFrame of
    ``src``, ``dst`` document numbers): a DataFrame of ``node``, ``label`` with every node of
    a link and the smallest node of its component, and the number of rounds run.

    Min-label propagation with joins, with hooking and pointer jumping as in Shiloach and
    Vishkin's algorithm. Every node has a label, a node of its component no larger than itself
    (at first itself). Each round, for every link ``u - v``, both ``u`` and the node named by
    ``u``'s label are offered ``v``'s label, and each node keeps the smallest label offered;
    then each node takes the label of its label (a jump). Labels only go down and stay within
    the component, and after ``k`` rounds a node's label is at most the smallest node within
    ``k`` links of it, as with plain propagation. So the labels are final after at most as
    many rounds as the largest component's diameter (far fewer on long chains, where the hooks
    and jumps halve the distances), and the run stops after the first round whose labels agree
    across every link. Each round's labels are written as Parquet under ``work`` and read
    back, which cuts the lineage; the previous round's are then deleted. At least one round
    runs (with no links, it finds no labels).
    """
    from pyspark.sql import functions as F

    spark = links.sparkSession
    work = open_location(work)
    work.mkdir()
    both = links.select("src", "dst").unionByName(
        links.select(F.col("dst").alias("src"), F.col("src").alias("dst"))
    )
    both.where(F.col("src") != F.col("dst")).distinct().write.parquet((work / "edges").uri)
    edges = spark.read.schema(schema.SPARK_LINKS).parquet((work / "edges").uri)
    nodes = edges.select(F.col("src").alias("node")).distinct()
    labels = nodes.select("node", F.col("node").alias("label"))
    path: Location | None = None
    rounds = 0
    while True:
        rounds += 1
        linked = edges.join(
            labels.select(F.col("node").alias("src"), F.col("label").alias("src_label")), "src"
        ).join(labels.select(F.col("node").alias("dst"), F.col("label").alias("offer")), "dst")
        offers = (
            linked.select(F.col("src").alias("node"), "offer")
            .unionByName(linked.select(F.col("src_label").alias("node"), "offer"))
            .groupBy("node")
            .agg(F.min("offer").alias("offer"))
        )
        lowered = labels.join(offers, "node", "left").select(
            "node", F.least("label", F.coalesce("offer", "label")).alias("label")
        )
        # The jump: every label names a node of the component, whose label is no larger.
        jumped = lowered.join(
            lowered.select(F.col("node").alias("label"), F.col("label").alias("root")), "label"
        ).select("node", F.col("root").alias("label"))
        previous, path = path, work / f"labels-{rounds:04d}"
        jumped.write.parquet(path.uri)
        labels = spark.read.schema(schema.SPARK_LABELS).parquet(path.uri)
        if previous is not None:
            previous.remove()
        # Done when every link joins two equal labels: then each component has one label, a
        # node of it no larger than any of its nodes, so its smallest (a further round would
        # change nothing).
        apart = (
            edges.join(labels.select(F.col("node").alias("src"), F.col("label").alias("a")), "src")
            .join(labels.select(F.col("node").alias("dst"), F.col("label").alias("b")), "dst")
            .where(F.col("a") != F.col("b"))
            .count()
        )
        log.info("connected components: after round %d, %d links join two labels", rounds, apart)
        if apart == 0:
            break
    log.info("connected components: %d rounds (at most the largest component's diameter)", rounds)
    return labels, rounds


# -- functions run by Spark executors (module level so that they pickle) -----------------------


def _runs(batches: Iterator[pa.RecordBatch], key: str) -> Iterator[list[dict[str, Any]]]:
    """The rows of a partition sorted by ``key``, in runs of equal ``key``."""
    run: list[dict[str, Any]] = []
    for batch in batches:
        for row in batch.to_pylist():
            if run and row[key] != run[0][key]:
                yield run
                run = []
            run.append(row)
    if run:
        yield run


def _meta(row: dict[str, Any]) -> DocMeta:
    return DocMeta(
        row["idx"], row["id"], row["source"], row["published_at"], row["length"], row["title"]
    )


def _family_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    rows: list[dict[str, Any]] = []
    for run in _runs(batches, "label"):
        rows.append({**family_record([_meta(r) for r in run]), "label": run[0]["label"]})
        if len(rows) >= _ROWS_PER_BATCH:
            yield pa.RecordBatch.from_pylist(rows, schema=_FAMILY_ROWS)
            rows = []
    if rows:
        yield pa.RecordBatch.from_pylist(rows, schema=_FAMILY_ROWS)


def _side_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        rows = [
            {
                "idx": idx,
                "role": role,
                "other": other,
                "starts": [s.start for s in spans],
                "ends": [s.end for s in spans],
            }
            for pair in batch.to_pylist()
            for idx, role, other, spans in doc_sides(cast(PairRecord, pair))
        ]
        yield pa.RecordBatch.from_pylist(rows, schema=schema.SIDES)


def _tally_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """One partition's documents (with what each pair says of them, sorted by document)
    summed per outlet."""
    tally = OutletTally()
    for run in _runs(batches, "idx"):
        sides = [
            (
                r["role"],
                r["other"],
                [Span(s, e) for s, e in zip(r["starts"], r["ends"], strict=True)],
            )
            for r in run
            if r["role"] is not None
        ]
        tally.add(_meta(run[0]), doc_reuse(sides) if sides else None)
    partials = tally.partials()
    if partials:
        yield pa.RecordBatch.from_pylist(list(partials), schema=schema.OUTLET_SUMS)


def _merge_outlet(table: pa.Table) -> pa.Table:
    tally = OutletTally()
    for row in table.to_pylist():
        tally.merge(cast(OutletSumsRecord, row))
    return pa.Table.from_pylist(list(tally.partials()), schema=schema.OUTLET_SUMS)


def _drift_group(pairs: pa.Table, families: pa.Table) -> pa.Table:
    """One family's drift table (its pairs in document order, as the kernel reads them)."""
    if pairs.num_rows == 0 or families.num_rows == 0:
        return _DRIFT_ROWS.empty_table()
    records = cast(list[FamilyRecord], families.to_pylist())
    rows = sorted(pairs.to_pylist(), key=lambda r: (r["a_idx"], r["b_idx"]))
    found = family_drift(records, lambda: rows)
    return pa.Table.from_pylist([{**r, "seq": i} for i, r in enumerate(found)], schema=_DRIFT_ROWS)
