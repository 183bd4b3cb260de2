"""Arrow schemas of corpus-mode data: stage data and the three outputs.

Outputs (in ``--out DIR``; each also as JSONL when small):

- ``pairs.parquet``: one row per pair of documents that share passages (see
  :func:`wiretrace.corpus.kernels.pair_record`), with the passages nested;
- ``clusters.parquet``: one row per story family (see
  :func:`wiretrace.corpus.kernels.story_record`), with the timeline nested;
- ``outlets.parquet``: one row per outlet (see :class:`wiretrace.corpus.kernels.OutletTally`);
- ``drift.parquet``: one row per fact a story's documents state differently (see
  :func:`wiretrace.corpus.drift.story_drift`), with every member's wording nested.
"""

from __future__ import annotations

import pyarrow as pa

DOCS = pa.schema(
    [
        ("idx", pa.int64()),
        ("id", pa.string()),
        ("text", pa.string()),
        ("title", pa.string()),
        ("url", pa.string()),
        ("source", pa.string()),
        ("published_at", pa.string()),
        ("length", pa.int64()),
    ]
)

POSTINGS = pa.schema([("hash", pa.int64()), ("doc", pa.int64())])
CANDIDATES = pa.schema([("a", pa.int64()), ("b", pa.int64()), ("shared", pa.int64())])

EDIT = pa.struct(
    [
        ("from", pa.string()),
        ("to", pa.string()),
        ("type", pa.string()),
        ("a_start", pa.int64()),
        ("a_end", pa.int64()),
        ("b_start", pa.int64()),
        ("b_end", pa.int64()),
    ]
)
PASSAGE = pa.struct(
    [
        ("a_start", pa.int64()),
        ("a_end", pa.int64()),
        ("b_start", pa.int64()),
        ("b_end", pa.int64()),
        ("score", pa.float64()),
        ("kind", pa.string()),
        ("edits", pa.list_(EDIT)),
    ]
)

PAIRS = pa.schema(
    [
        ("pair_id", pa.string()),
        ("doc_a", pa.string()),
        ("doc_b", pa.string()),
        ("idx_a", pa.int64()),
        ("idx_b", pa.int64()),
        ("outlet_a", pa.string()),
        ("outlet_b", pa.string()),
        ("published_a", pa.string()),
        ("published_b", pa.string()),
        ("direction", pa.string()),
        ("source_doc", pa.string()),
        ("target_doc", pa.string()),
        ("same_time", pa.bool_()),
        ("shared_fingerprints", pa.int64()),
        ("n_passages", pa.int64()),
        ("a_chars", pa.int64()),
        ("b_chars", pa.int64()),
        ("a_length", pa.int64()),
        ("b_length", pa.int64()),
        ("score", pa.float64()),
        ("kind", pa.string()),
        ("passages", pa.list_(PASSAGE)),
    ]
)

TIMELINE_ENTRY = pa.struct(
    [
        ("order", pa.int64()),
        ("doc_id", pa.string()),
        ("title", pa.string()),
        ("outlet", pa.string()),
        ("published_at", pa.string()),
    ]
)

STORIES = pa.schema(
    [
        ("story_id", pa.string()),
        ("size", pa.int64()),
        ("outlets", pa.int64()),
        ("first_doc", pa.string()),
        ("first_outlet", pa.string()),
        ("first_published", pa.string()),
        ("first_tied", pa.bool_()),
        ("undated", pa.int64()),
        ("start", pa.string()),
        ("end", pa.string()),
        ("timeline", pa.list_(TIMELINE_ENTRY)),
    ]
)

UPSTREAM = pa.struct([("outlet", pa.string()), ("chars", pa.int64()), ("share", pa.float64())])

OUTLETS = pa.schema(
    [
        ("outlet", pa.string()),
        ("documents", pa.int64()),
        ("dated_documents", pa.int64()),
        ("chars", pa.int64()),
        ("share_reused_from_others", pa.float64()),
        ("share_reused_by_others", pa.float64()),
        ("share_shared_undated", pa.float64()),
        ("originality", pa.float64()),
        ("documents_reusing", pa.int64()),
        ("top_upstream", pa.list_(UPSTREAM)),
    ]
)

DRIFT_VALUE = pa.struct(
    [
        ("doc_id", pa.string()),
        ("outlet", pa.string()),
        ("published_at", pa.string()),
        ("wording", pa.string()),
        ("changed", pa.bool_()),
    ]
)

DRIFT = pa.schema(
    [
        ("story_id", pa.string()),
        ("slot_id", pa.string()),
        ("type", pa.string()),
        ("origin_doc", pa.string()),
        ("origin_start", pa.int64()),
        ("origin_end", pa.int64()),
        ("original", pa.string()),
        ("values", pa.list_(DRIFT_VALUE)),
        ("first_changed_doc", pa.string()),
        ("first_changed_outlet", pa.string()),
        ("first_changed_at", pa.string()),
        ("changed_to", pa.string()),
    ]
)

# Spark DDL of the stage data Spark writes (kept next to the Arrow schema it must match).
SPARK_POSTINGS = "hash long, doc long"
SPARK_PAIR_IDX = "a long, b long"
