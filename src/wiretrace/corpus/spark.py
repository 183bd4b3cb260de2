"""The Spark engine: the same kernels as the local engine, run by PySpark (``[spark]`` extra).

Stages (each written as Parquet and committed by a marker; a rerun skips finished ones, see
:mod:`wiretrace.corpus.stages`). Spark reads and writes them by URI (``file://``, ``hdfs://``
or ``s3a://``, :attr:`~wiretrace.corpus.location.Location.uri`), through Hadoop's file systems:

- ``postings``: ``mapInArrow`` over the ``docs`` Parquet parts with
  :func:`~wiretrace.corpus.kernels.doc_postings`;
- ``candidates``: postings grouped by hash (``collect_list``), groups of 2 to ``max_df``
  documents turned into pairs by :func:`~wiretrace.corpus.kernels.group_pairs` in
  ``mapInArrow``, then counted per pair and filtered by ``min_shared``;
- ``pairs``: candidates joined to both documents' texts, partitioned and sorted by the first
  document, aligned by :class:`~wiretrace.corpus.kernels.PairAligner` in ``mapInArrow``.

Reuse families, outlet figures and drift are then computed on the executors too, with the
same kernels as the local engine (:meth:`SparkEngine.finish`, see
:mod:`wiretrace.corpus.spark_finish`).

PySpark is imported only when the engine runs; without it, :class:`MissingExtraError` says
what to install. See ``docs/spark.md`` for running on a cluster.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from wiretrace.corpus import schema
from wiretrace.corpus.kernels import CorpusOptions, DocMeta, PairAligner, doc_postings, group_pairs
from wiretrace.corpus.location import Location
from wiretrace.corpus.pipeline import TEXTS_FILE, Progress, align_candidates, open_texts
from wiretrace.corpus.spark_finish import finish_on_spark
from wiretrace.corpus.stages import StageStore
from wiretrace.errors import EngineError, MissingExtraError

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'wiretrace[spark]'"
DATA = "data"
# What a Python worker says when the executor's Python has no wiretrace (PySpark puts the
# worker's traceback into the message of the Java exception that fails the job).
_NOT_IMPORTABLE = re.compile(r"No module named '?wiretrace\b")
EXECUTORS_CANNOT_IMPORT = (
    "the Spark executors cannot import wiretrace (ModuleNotFoundError in their Python "
    "workers): install 'wiretrace[spark]' in the executors' Python (spark.pyspark.python), "
    'or ship it with spark-submit --py-files "$(python -m wiretrace.cli.submit --zip '
    'wiretrace.zip)" or a packed environment with --archives; see docs/spark.md'
)


@dataclass(frozen=True, slots=True)
class SparkOptions:
    """How the Spark session is made.

    - ``master``: the Spark master URL (``local[2]``, ``spark://host:7077``, ``yarn``,
      ``k8s://...``); None keeps the master of an existing session or of ``spark-submit``,
      and falls back to ``local[2]``;
    - ``partitions``: shuffle partitions (``spark.sql.shuffle.partitions``); 0 picks twice the
      default parallelism;
    - ``batch_rows``: rows per Arrow batch handed to the kernels;
    - ``conf``: more Spark settings, as ``(key, value)`` pairs.
    """

    master: str | None = None
    partitions: int = 0
    batch_rows: int = 1000
    conf: tuple[tuple[str, str], ...] = ()


def _pyspark() -> Any:
    try:
        import pyspark.sql
    except ImportError as exc:
        raise MissingExtraError(
            f"the Spark engine needs PySpark, from the [spark] extra: {INSTALL_HINT}"
        ) from exc
    return pyspark.sql


class SparkEngine:
    """All-pairs reuse with Apache Spark (see the module docstring)."""

    name = "spark"
    local_only = False

    def __init__(self, options: SparkOptions | None = None, session: Any = None) -> None:
        self.options = options or SparkOptions()
        self._session = session

    def session(self) -> Any:
        """The Spark session (made on first use)."""
        if self._session is not None:
            return self._session
        sql = _pyspark()
        builder = sql.SparkSession.builder.appName("wiretrace-corpus")
        master = self.options.master
        # Under spark-submit (the JVM started this Python, and passes its gateway port) or
        # inside a running session, the master is already chosen: keep it.
        submitted = "PYSPARK_GATEWAY_PORT" in os.environ
        if master is None and not submitted and sql.SparkSession.getActiveSession() is None:
            master = "local[2]"
        if master is not None:
            builder = builder.master(master)
        executor_python = dict(self.options.conf).get("spark.pyspark.python")
        if executor_python:
            # PySpark takes the executors' Python from PYSPARK_PYTHON when the context is
            # made; spark-submit sets it from this setting, and so must a session made here.
            os.environ["PYSPARK_PYTHON"] = executor_python
        if master is not None and master.startswith("local"):
            # Local workers must run this interpreter (the one wiretrace is installed in).
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
            builder = builder.config("spark.ui.enabled", "false")
        builder = builder.config(
            "spark.sql.execution.arrow.maxRecordsPerBatch", str(self.options.batch_rows)
        )
        for key, value in self.options.conf:
            builder = builder.config(key, value)
        self._session = builder.getOrCreate()
        return self._session

    def pairs(
        self, store: StageStore, n_docs: int, options: CorpusOptions, progress: Progress
    ) -> Location:
        sql = _pyspark()
        from pyspark.sql import functions as F
        from pyspark.sql.pandas.types import from_arrow_schema

        spark = self.session()
        parts = self.options.partitions or 2 * spark.sparkContext.defaultParallelism
        spark.conf.set("spark.sql.shuffle.partitions", str(parts))
        docs_path = store.path("docs").uri
        progress.stage("spark stages", 3)
        if not store.done("postings"):
            docs = spark.read.parquet(docs_path).select("idx", "text")
            postings = docs.mapInArrow(
                partial(_postings_batches, options.n, options.window), schema.SPARK_POSTINGS
            )
            spark.sparkContext.setJobDescription("wiretrace postings")
            with _executor_errors("postings"), store.write("postings") as tmp:
                postings.write.parquet((tmp / DATA).uri)
        progress.advance()
        if not store.done("candidates"):
            postings = spark.read.parquet((store.path("postings") / DATA).uri)
            groups = (
                postings.groupBy("hash")
                .agg(F.collect_list("doc").alias("docs"))
                .where(F.size("docs").between(2, options.max_df))
            )
            found = groups.mapInArrow(partial(_pair_batches, options.max_df), schema.SPARK_PAIR_IDX)
            cands = (
                found.groupBy("a", "b")
                .agg(F.count(sql.functions.lit(1)).alias("shared"))
                .where(F.col("shared") >= options.min_shared)
            )
            info: dict[str, Any] = {}
            spark.sparkContext.setJobDescription("wiretrace candidates")
            with _executor_errors("candidates"), store.write("candidates", info) as tmp:
                cands.write.parquet((tmp / DATA).uri)
                info["candidates"] = spark.read.parquet((tmp / DATA).uri).count()
        progress.advance()
        if not store.done("pairs"):
            cands = spark.read.parquet((store.path("candidates") / DATA).uri)
            texts = (store.path("docs") / TEXTS_FILE).local_path()
            if texts is not None:
                # The executors see this file system (local mode, or a folder mounted at the
                # same path on every machine): each task maps the texts file and reads the
                # two documents of a pair by number, so only numbers go through the shuffle.
                ordered = cands.repartition(parts, "a").sortWithinPartitions("a", "b")
                aligned = ordered.mapInArrow(
                    partial(_align_mapped, options, str(texts)), from_arrow_schema(schema.PAIRS)
                )
            else:
                aligned = _joined_texts(spark, cands, docs_path, parts).mapInArrow(
                    partial(_align_batches, options), from_arrow_schema(schema.PAIRS)
                )
            info = {}
            spark.sparkContext.setJobDescription("wiretrace pairs")
            with _executor_errors("pairs"), store.write("pairs", info) as tmp:
                aligned.write.parquet((tmp / DATA).uri)
                info["pairs"] = spark.read.parquet((tmp / DATA).uri).count()
        progress.advance()
        return store.path("pairs") / DATA

    def finish(
        self, store: StageStore, pairs_dir: Location | None, out: Location, progress: Progress
    ) -> dict[str, int]:
        """Families, outlet figures and drift, computed on the executors
        (:mod:`wiretrace.corpus.spark_finish`); the outputs written to ``out``."""
        with _executor_errors("finish"):
            return finish_on_spark(self.session(), store, pairs_dir, out, progress)

    def stop(self) -> None:
        if self._session is not None:
            self._session.stop()
            self._session = None


def _joined_texts(spark: Any, cands: Any, docs_uri: str, parts: int) -> Any:
    """The candidates with both documents' metadata and texts joined on, partitioned and
    sorted by the first document (for a docs stage the executors cannot map, on HDFS or S3)."""
    from pyspark.sql import functions as F

    docs = spark.read.parquet(docs_uri)
    cols = ["idx", "id", "source", "published_at", "length", "text"]

    def side(tag: str) -> Any:
        return docs.select(*[F.col(c).alias(f"{tag}_{c}") for c in cols])

    return (
        cands.join(side("a"), F.col("a") == F.col("a_idx"))
        .join(side("b"), F.col("b") == F.col("b_idx"))
        .repartition(parts, "a")
        .sortWithinPartitions("a", "b")
    )


@contextmanager
def _executor_errors(stage: str) -> Iterator[None]:
    """Turn a failed Spark job whose executors could not import wiretrace into an
    :class:`EngineError` that says how to set them up; other failures pass unchanged."""
    try:
        yield
    except Exception as exc:
        if any(_NOT_IMPORTABLE.search(text) for text in _error_texts(exc)):
            raise EngineError(f"stage {stage}: {EXECUTORS_CANNOT_IMPORT}") from exc
        raise


def _error_texts(exc: BaseException | None) -> Iterator[str]:
    """The messages of ``exc`` and its causes (for a Py4J error, the Java exception's)."""
    seen = 0
    while exc is not None and seen < 20:
        seen += 1
        yield str(exc)
        exc = exc.__cause__ or exc.__context__


# -- functions run by Spark executors (module level so that they pickle) -----------------------


def _postings_batches(
    n: int, window: int, batches: Iterator[pa.RecordBatch]
) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        hashes: list[Any] = []
        docs: list[Any] = []
        for idx, text in zip(
            batch.column("idx").to_pylist(), batch.column("text").to_pylist(), strict=True
        ):
            h = doc_postings(text, n, window)
            hashes.append(h)
            docs.append(np.full(len(h), idx, dtype=np.int64))
        if hashes:
            yield pa.RecordBatch.from_arrays(
                [pa.array(np.concatenate(hashes)), pa.array(np.concatenate(docs))],
                names=["hash", "doc"],
            )


def _pair_batches(max_df: int, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        lists = batch.column("docs")
        lengths = np.diff(lists.offsets.to_numpy())
        hashes = np.repeat(batch.column("hash").to_numpy(), lengths)
        docs = lists.flatten().to_numpy()
        a, b = group_pairs(hashes, docs, max_df)
        yield pa.RecordBatch.from_arrays([pa.array(a), pa.array(b)], names=["a", "b"])


def _align_batches(
    options: CorpusOptions, batches: Iterator[pa.RecordBatch]
) -> Iterator[pa.RecordBatch]:
    aligner = PairAligner(options)
    for batch in batches:
        rows = []
        for r in batch.to_pylist():
            a = DocMeta(r["a"], r["a_id"], r["a_source"], r["a_published_at"], r["a_length"])
            b = DocMeta(r["b"], r["b_id"], r["b_source"], r["b_published_at"], r["b_length"])
            record = aligner.pair(a, r["a_text"], b, r["b_text"], r["shared"])
            if record is not None:
                rows.append(record)
        yield pa.RecordBatch.from_pylist(rows, schema=schema.PAIRS)


def _align_mapped(
    options: CorpusOptions, texts: str, batches: Iterator[pa.RecordBatch]
) -> Iterator[pa.RecordBatch]:
    """Align candidate pairs ``(a, b, shared)``, reading both texts from the memory-mapped
    texts file of the docs stage (the local engine's way)."""
    aligner = PairAligner(options)
    docs = open_texts(Path(texts).parent)
    for batch in batches:
        rows = align_candidates(aligner, docs, batch)
        yield pa.RecordBatch.from_pylist(rows, schema=schema.PAIRS)
