"""Choosing the engine of a corpus run, and the options of what counts as reuse.

``wiretrace corpus reuse`` and other callers describe the run with typed options and get a
ready engine here; :func:`running_engine` also stops it (a Spark session) when the run ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Literal

from wiretrace.align.pair import PairOptions
from wiretrace.corpus.kernels import CORPUS_ALIGN, CorpusOptions
from wiretrace.corpus.local import LocalEngine, LocalOptions
from wiretrace.corpus.pipeline import Engine
from wiretrace.corpus.spark import SparkEngine, SparkOptions

EngineName = Literal["local", "spark"]


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """Which engine finds the reuse pairs, and how it runs: ``local`` (worker processes on
    this machine) or ``spark`` (PySpark, the ``[spark]`` extra)."""

    name: EngineName = "local"
    local: LocalOptions = field(default_factory=LocalOptions)
    spark: SparkOptions = field(default_factory=SparkOptions)


def reuse_options(
    *,
    max_df: int | None = None,
    min_shared: int | None = None,
    window: int | None = None,
    sentences: bool = False,
) -> CorpusOptions:
    """The corpus options with the given values, the defaults for those left None;
    ``window`` is the winnowing window of the fingerprints (smaller: denser fingerprints, more
    heavily edited reuse found, more candidate pairs); ``sentences`` also runs the sentence
    aligner of ``trace`` on every pair.

    Raises ValueError for a value out of range.
    """
    options = CorpusOptions(align=PairOptions() if sentences else CORPUS_ALIGN)
    if max_df is not None:
        options = replace(options, max_df=max_df)
    if min_shared is not None:
        options = replace(options, min_shared=min_shared)
    if window is not None:
        options = replace(options, window=window)
    return options


def make_engine(options: EngineOptions) -> Engine:
    """A new engine as ``options`` describe it (PySpark is imported only when it runs)."""
    if options.name == "spark":
        return SparkEngine(options.spark)
    return LocalEngine(options.local)


@contextmanager
def running_engine(options: EngineOptions) -> Iterator[Engine]:
    """An engine for the block; one that holds resources (a Spark session) is stopped after."""
    engine = make_engine(options)
    try:
        yield engine
    finally:
        stop = getattr(engine, "stop", None)
        if stop is not None:
            stop()
