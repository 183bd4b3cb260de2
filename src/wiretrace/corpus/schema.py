"""Arrow schemas of corpus-mode data: stage data and the four outputs.

Outputs (in ``--out DIR``; each also as JSONL when small; every field name is listed, one name
per concept, in ``docs/corpus-outputs.md``):

- ``pairs.parquet``: one row per pair of documents that share passages (see
  :func:`wiretrace.corpus.kernels.pair_record`), with the passages nested;
- ``families.parquet``: one row per reuse family (see
  :func:`wiretrace.corpus.kernels.family_record`), with the timeline nested;
- ``outlets.parquet``: one row per outlet (see :class:`wiretrace.corpus.kernels.OutletTally`),
  with its top upstream outlets nested;
- ``drift.parquet``: one row per fact a family's documents state differently (see
  :func:`wiretrace.corpus.drift.family_drift`), with every member's wording nested.
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
        ("a_document_id", pa.string()),
        ("b_document_id", pa.string()),
        ("a_idx", pa.int64()),
        ("b_idx", pa.int64()),
        ("a_outlet", pa.string()),
        ("b_outlet", pa.string()),
        ("a_published_at", pa.string()),
        ("b_published_at", pa.string()),
        ("direction", pa.string()),
        ("source_document_id", pa.string()),
        ("copy_document_id", pa.string()),
        ("same_time", pa.bool_()),
        ("shared_fingerprints", pa.int64()),
        ("passage_count", pa.int64()),
        ("a_shared_chars", pa.int64()),
        ("b_shared_chars", pa.int64()),
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
        ("document_id", pa.string()),
        ("title", pa.string()),
        ("outlet", pa.string()),
        ("published_at", pa.string()),
    ]
)

FAMILIES = pa.schema(
    [
        ("family_id", pa.string()),
        ("document_count", pa.int64()),
        ("outlet_count", pa.int64()),
        ("first_document_id", pa.string()),
        ("first_outlet", pa.string()),
        ("first_tied", pa.bool_()),
        ("undated_count", pa.int64()),
        ("first_published_at", pa.string()),
        ("last_published_at", pa.string()),
        ("timeline", pa.list_(TIMELINE_ENTRY)),
    ]
)

UPSTREAM = pa.struct(
    [("outlet", pa.string()), ("reused_chars", pa.int64()), ("share", pa.float64())]
)

OUTLETS = pa.schema(
    [
        ("outlet", pa.string()),
        ("document_count", pa.int64()),
        ("dated_document_count", pa.int64()),
        ("text_chars", pa.int64()),
        ("share_reused_from_others", pa.float64()),
        ("share_reused_by_others", pa.float64()),
        ("share_shared_undated", pa.float64()),
        ("originality", pa.float64()),
        ("reusing_document_count", pa.int64()),
        ("top_upstream", pa.list_(UPSTREAM)),
    ]
)

DRIFT_VALUE = pa.struct(
    [
        ("document_id", pa.string()),
        ("outlet", pa.string()),
        ("published_at", pa.string()),
        ("wording", pa.string()),
        ("changed", pa.bool_()),
    ]
)

DRIFT = pa.schema(
    [
        ("family_id", pa.string()),
        ("fact_id", pa.string()),
        ("type", pa.string()),
        ("origin_document_id", pa.string()),
        ("origin_start", pa.int64()),
        ("origin_end", pa.int64()),
        ("origin_wording", pa.string()),
        ("values", pa.list_(DRIFT_VALUE)),
        ("first_changed_document_id", pa.string()),
        ("first_changed_outlet", pa.string()),
        ("first_changed_published_at", pa.string()),
        ("first_changed_wording", pa.string()),
    ]
)

# Spark DDL of the stage data Spark writes (kept next to the Arrow schema it must match).
SPARK_POSTINGS = "hash long, doc long"
SPARK_PAIR_IDX = "a long, b long"

# Stage data of the Spark engine's finish (:mod:`wiretrace.corpus.spark_finish`).
# Each document's strongest link, and its family label (the smallest document number of its
# connected component).
SPARK_LINKS = "src long, dst long"
SPARK_LABELS = "node long, label long"
# What one pair says about one of its documents (:func:`wiretrace.corpus.kernels.doc_sides`):
# its role, the other document's outlet, and the spans of this document.
SIDES = pa.schema(
    [
        ("idx", pa.int64()),
        ("role", pa.string()),
        ("other", pa.string()),
        ("starts", pa.list_(pa.int64())),
        ("ends", pa.list_(pa.int64())),
    ]
)
# One outlet's sums in an OutletTally (:meth:`wiretrace.corpus.kernels.OutletTally.partials`).
OUTLET_SUMS = pa.schema(
    [
        ("outlet", pa.string()),
        ("documents", pa.int64()),
        ("dated", pa.int64()),
        ("chars", pa.int64()),
        ("from_chars", pa.int64()),
        ("by_chars", pa.int64()),
        ("undirected_chars", pa.int64()),
        ("docs_reusing", pa.int64()),
        ("upstream", pa.list_(pa.struct([("outlet", pa.string()), ("chars", pa.int64())]))),
    ]
)
