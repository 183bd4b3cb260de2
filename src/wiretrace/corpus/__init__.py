"""Corpus mode: all-pairs reuse, story clusters, first publishers and outlet originality.

- :mod:`wiretrace.corpus.kernels`: the pure kernels both engines run;
- :mod:`wiretrace.corpus.pipeline`: :func:`~wiretrace.corpus.pipeline.run_reuse`, the run
  (documents stage, engine, stories and outlets, outputs);
- :mod:`wiretrace.corpus.local`: the local engine (worker processes, postings spilled to disk);
- :mod:`wiretrace.corpus.spark`: the Spark engine (the ``[spark]`` extra, imported lazily);
- :mod:`wiretrace.corpus.engines`: the engine of a run from typed options, and the reuse options;
- :mod:`wiretrace.corpus.stages`: checkpointed, atomically written stages (files through
  :mod:`wiretrace.fileio`);
- :mod:`wiretrace.corpus.schema`: the Arrow schemas of the outputs;
- :mod:`wiretrace.corpus.stories`: story clustering; :mod:`wiretrace.corpus.story_files` reads
  its documents and writes its outputs;
- :mod:`wiretrace.corpus.report`: the static HTML overview.

Nothing is imported here, so that ``wiretrace`` starts fast (pyarrow and PySpark are heavy).
"""
