"""The pure kernels of corpus mode, shared by the local and the Spark engine.

Every function here takes values and returns values; nothing reads or writes files. The
engines (:mod:`wiretrace.corpus.local`, :mod:`wiretrace.corpus.spark`) only move data between
these kernels, so both engines give the same pairs, stories and outlet figures.

The pipeline, kernel by kernel:

1. :func:`doc_postings`: a document's distinct winnowed fingerprints (the same word 5-gram
   hashes as ``wiretrace index``), one ``(hash, doc)`` posting each.
2. :func:`group_pairs`: postings grouped by hash give candidate pairs; a hash held by more than
   ``max_df`` documents is boilerplate and gives none (the bounded document frequency).
   :func:`count_pairs` / :func:`merge_counts` count the fingerprints each pair shares; pairs
   sharing at least ``min_shared`` are aligned.
3. :class:`PairAligner`: aligns a candidate pair with :func:`~wiretrace.align.pair.align_pair`
   (the aligner of ``trace``), classifies each passage with :func:`wiretrace.tracing.classify`
   and builds one pair record (:func:`pair_record`) with the direction by publication time.
4. :class:`BestLinks`, :class:`UnionFind` and :func:`family_record`: reuse families are the
   connected components of each document's *strongest* reuse link (the partner it shares the
   most characters with), with a timeline and a first publisher. Joining every link instead
   lets one composite page that lifts from four stories join all four, and on a corpus full
   of such pages nearly everything ends in one family (788 of 1,000 documents in a test run).
5. :func:`doc_reuse` and :class:`OutletTally`: each document's share of text reused from
   earlier documents and by later ones, summed per outlet.

Time order (:func:`time_key`): documents are ordered by publication time in UTC, then by id,
so identical timestamps are ordered deterministically. A document without a (parseable) date
comes after every dated one, is never a first publisher, and a pair with an undated side has
direction ``unknown``.
"""

from __future__ import annotations

import hashlib
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

import numpy as np
import numpy.typing as npt

from wiretrace.align.pair import AlignView, PairOptions, align_pair, align_view
from wiretrace.corpus.records import (
    Direction,
    EditRecord,
    FamilyRecord,
    OutletRecord,
    PairRecord,
    PassageRecord,
)
from wiretrace.dates import parse_date, time_key
from wiretrace.evidence import typed
from wiretrace.fingerprint import DEFAULT_N, DEFAULT_WINDOW
from wiretrace.index.base import document_hashes
from wiretrace.model import Alignment, Edit, PassageKind, Span
from wiretrace.signals import boilerplate_spans
from wiretrace.tracing import classify

IntArray = npt.NDArray[np.int64]

# Corpus mode looks for copied text among documents that share fingerprints, so the word
# aligner is enough and the sentence aligner (about 8x slower per pair, measured on the
# benchmark corpus) is opt-in.
CORPUS_ALIGN = PairOptions(sentences=None)
# A fingerprint held by more documents than this is boilerplate or a stock phrase; it would
# give max_df**2 / 2 candidate pairs on its own.
DEFAULT_CORPUS_MAX_DF = 100
DEFAULT_MIN_SHARED = 2
UNKNOWN_OUTLET = "(unknown)"
TOP_UPSTREAM = 5
# Pair keys pack two document numbers into one int64.
_PAIR_SHIFT = 31
_MAX_DOCS = 1 << _PAIR_SHIFT

# The order of strength of kinds, strongest first (ties in a pair's kind break this way).
KIND_ORDER = (
    PassageKind.VERBATIM,
    PassageKind.NEAR_VERBATIM,
    PassageKind.REWRITTEN,
    PassageKind.PARAPHRASE,
)


@dataclass(frozen=True, slots=True)
class CorpusOptions:
    """What counts as reuse (the same for every engine).

    - ``n``, ``window``: fingerprint n-gram size and winnowing window (as ``wiretrace index``);
    - ``max_df``: fingerprints held by more documents than this give no candidate pairs;
    - ``min_shared``: fingerprints a pair must share to be aligned;
    - ``align``: aligner options; the default turns the sentence aligner off (see
      ``CORPUS_ALIGN``); ``PairOptions()`` turns it on, as in ``trace``.
    """

    n: int = DEFAULT_N
    window: int = DEFAULT_WINDOW
    max_df: int = DEFAULT_CORPUS_MAX_DF
    min_shared: int = DEFAULT_MIN_SHARED
    align: PairOptions = field(default_factory=lambda: CORPUS_ALIGN)

    def __post_init__(self) -> None:
        if self.max_df < 2:
            raise ValueError(f"max_df must be at least 2, got {self.max_df}")
        if self.min_shared < 1:
            raise ValueError(f"min_shared must be at least 1, got {self.min_shared}")

    def describe(self) -> dict[str, Any]:
        """The options as plain values (recorded with every run)."""
        return {
            "n": self.n,
            "window": self.window,
            "max_df": self.max_df,
            "min_shared": self.min_shared,
            "sentence_aligner": self.align.sentences is not None,
        }


@dataclass(frozen=True, slots=True)
class DocMeta:
    """What the later stages need of a document: its number, id, outlet, date and length, and
    its title for the reports."""

    idx: int
    id: str
    source: str | None
    published_at: str | None
    length: int
    title: str | None = None

    @property
    def outlet(self) -> str:
        return self.source or UNKNOWN_OUTLET


def stable_id(prefix: str, *parts: str) -> str:
    """A stable id: ``prefix`` and 16 hex digits of BLAKE2b over the parts."""
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8).hexdigest()
    return f"{prefix}{digest}"


# -- 1-2: postings and candidate pairs ---------------------------------------------------------


def doc_postings(text: str, n: int = DEFAULT_N, window: int = DEFAULT_WINDOW) -> IntArray:
    """The distinct winnowed fingerprints of a text, sorted, as int64 (they are 63-bit)."""
    hashes = np.fromiter(document_hashes(text, n, window), dtype=np.int64)
    hashes.sort()
    return hashes


def group_pairs(hashes: IntArray, docs: IntArray, max_df: int) -> tuple[IntArray, IntArray]:
    """Candidate pairs ``(a, b)`` with ``a < b``, one for each hash the two documents share.

    ``hashes`` and ``docs`` are postings in any order; every posting of a hash must be present
    (engines partition postings by hash). A document appears at most once per hash. Hashes held
    by one document, or by more than ``max_df``, give no pair. A pair sharing ``k`` hashes is
    returned ``k`` times; :func:`count_pairs` counts them.
    """
    if len(hashes) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty.copy()
    order = np.lexsort((docs, hashes))
    h, d = hashes[order], docs[order]
    starts = np.flatnonzero(np.concatenate(([True], h[1:] != h[:-1])))
    sizes = np.diff(np.append(starts, len(h)))
    out_a: list[IntArray] = []
    out_b: list[IntArray] = []
    # Groups of one size are handled together: a (groups x size) matrix of documents and the
    # upper triangle of index pairs give every pair of every group at once.
    for size in np.unique(sizes):
        if size < 2 or size > max_df:
            continue
        first = starts[sizes == size]
        block = d[first[:, None] + np.arange(size)[None, :]]
        i, j = np.triu_indices(int(size), 1)
        out_a.append(block[:, i].ravel())
        out_b.append(block[:, j].ravel())
    if not out_a:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty.copy()
    return np.concatenate(out_a), np.concatenate(out_b)


def pair_keys(a: IntArray, b: IntArray) -> IntArray:
    """Pack pairs into one int64 each (document numbers must be below 2**31)."""
    return (a << _PAIR_SHIFT) | b


def unpack_keys(keys: IntArray) -> tuple[IntArray, IntArray]:
    return keys >> _PAIR_SHIFT, keys & (_MAX_DOCS - 1)


def count_pairs(a: IntArray, b: IntArray) -> tuple[IntArray, IntArray]:
    """Distinct pair keys (sorted) and how many times each pair occurs."""
    keys, counts = np.unique(pair_keys(a, b), return_counts=True)
    return keys, counts.astype(np.int64)


def merge_counts(keys: IntArray, counts: IntArray) -> tuple[IntArray, IntArray]:
    """Sum the counts of equal keys (keys in any order); keys come back sorted."""
    if len(keys) == 0:
        return keys, counts
    order = np.argsort(keys, kind="stable")
    k, c = keys[order], counts[order]
    starts = np.flatnonzero(np.concatenate(([True], k[1:] != k[:-1])))
    return k[starts], np.add.reduceat(c, starts)


def bucket_of(keys: IntArray, buckets: int) -> IntArray:
    """A well-mixed bucket number for each key (hashes and pair keys alike)."""
    mixed = (keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(40)
    return (mixed % np.uint64(buckets)).astype(np.int64)


# -- 3: aligning a pair ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Prepared:
    view: AlignView
    chrome: list[Span]


class PairAligner:
    """Aligns candidate pairs, keeping the aligner views of recent documents (LRU).

    The cache only saves work: the records are a pure function of the two documents.
    """

    def __init__(self, options: CorpusOptions, cache_size: int = 2048) -> None:
        self.options = options
        self.cache_size = cache_size
        self._cache: OrderedDict[int, _Prepared] = OrderedDict()

    def _prepared(self, idx: int, text: str) -> _Prepared:
        got = self._cache.get(idx)
        if got is not None:
            self._cache.move_to_end(idx)
            return got
        got = _Prepared(align_view(text, self.options.align), boilerplate_spans(text))
        self._cache[idx] = got
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return got

    def forget(self, idx: int) -> None:
        """Drop the view of document ``idx`` (no later pair needs it)."""
        self._cache.pop(idx, None)

    def passages(self, a: int, a_text: str, b: int, b_text: str) -> list[PassageRecord]:
        """The passages of document ``a`` (query side) shared with ``b`` (source side)."""
        pa, pb = self._prepared(a, a_text), self._prepared(b, b_text)
        found = align_pair(pa.view, pb.view, self.options.align)
        return [
            passage_row(x, pa.view, pb.view)
            for x in found
            if not _in_chrome(x, pa.chrome, pb.chrome)
        ]

    def pair(
        self, a: DocMeta, a_text: str, b: DocMeta, b_text: str, shared: int
    ) -> PairRecord | None:
        """The pair record of ``a`` and ``b`` (``a.idx < b.idx``), or None when the
        alignment finds no passage."""
        passages = self.passages(a.idx, a_text, b.idx, b_text)
        return pair_record(a, b, shared, passages) if passages else None


def _in_chrome(a: Alignment, chrome_a: list[Span], chrome_b: list[Span]) -> bool:
    """Whether a passage lies mostly in page chrome on either side (``trace`` drops these on
    the query side: pages of one site share their chrome, and it says nothing of reuse)."""
    return 2 * a.query.overlap(chrome_a) >= len(a.query) or (
        2 * a.source.overlap(chrome_b) >= len(a.source)
    )


def passage_row(a: Alignment, a_view: AlignView, b_view: AlignView) -> PassageRecord:
    """One aligned passage as a record: ``a`` is the query side, ``b`` the source side; its
    edits typed (:func:`wiretrace.evidence.typed`) in the two texts, whose values are read
    once while their views are cached, not once per passage."""
    return {
        "a_start": a.query.start,
        "a_end": a.query.end,
        "b_start": a.source.start,
        "b_end": a.source.end,
        "score": round(max(a.score, a.cosine or 0.0), 4),
        "kind": str(classify(a)),
        "edits": [edit_row(e) for e in typed(a_view, b_view, a.edits)],
    }


def edit_row(e: Edit) -> EditRecord:
    """An edit as a record: "to" is document a's wording, "from" document b's."""
    q, s = e.query_span, e.source_span
    return {
        "from": e.source,
        "to": e.query,
        "type": e.type.value,
        "a_start": q.start if q else None,
        "a_end": q.end if q else None,
        "b_start": s.start if s else None,
        "b_end": s.end if s else None,
    }


def pair_record(
    a: DocMeta, b: DocMeta, shared: int, passages: Sequence[PassageRecord]
) -> PairRecord:
    """The record of one reuse pair (``a.idx < b.idx``).

    ``direction`` is ``a_to_b`` when ``a`` was published first (text flowed from ``a`` to
    ``b``), ``b_to_a`` for the reverse, ``unknown`` when a side has no date. ``same_time``
    marks equal timestamps, ordered by id. ``kind`` is the kind covering most characters of
    ``a`` (ties go to the stronger kind); ``score`` is the passage score weighted by length.
    """
    ka, kb = time_key(a.published_at, a.id), time_key(b.published_at, b.id)
    direction: Direction
    if ka[0] or kb[0]:
        direction, source_id, copy_id = "unknown", None, None
    elif ka < kb:
        direction, source_id, copy_id = "a_to_b", a.id, b.id
    else:
        direction, source_id, copy_id = "b_to_a", b.id, a.id
    same_time = not (ka[0] or kb[0]) and ka[1] == kb[1]
    a_spans = [Span(p["a_start"], p["a_end"]) for p in passages]
    b_spans = [Span(p["b_start"], p["b_end"]) for p in passages]
    by_kind: Counter[str] = Counter()
    weighted = 0.0
    for p, span in zip(passages, a_spans, strict=True):
        by_kind[p["kind"]] += len(span)
        weighted += p["score"] * len(span)
    total = sum(len(s) for s in a_spans)
    kind = max(KIND_ORDER, key=lambda k: (by_kind[str(k)], -KIND_ORDER.index(k)))
    return {
        "pair_id": stable_id("p", a.id, b.id),
        "a_document_id": a.id,
        "b_document_id": b.id,
        "a_idx": a.idx,
        "b_idx": b.idx,
        "a_outlet": a.outlet,
        "b_outlet": b.outlet,
        "a_published_at": a.published_at,
        "b_published_at": b.published_at,
        "direction": direction,
        "source_document_id": source_id,
        "copy_document_id": copy_id,
        "same_time": same_time,
        "shared_fingerprints": int(shared),
        "passage_count": len(passages),
        "a_shared_chars": Span.union_length(a_spans),
        "b_shared_chars": Span.union_length(b_spans),
        "a_length": a.length,
        "b_length": b.length,
        "score": round(weighted / total, 4) if total else 0.0,
        "kind": str(kind),
        "passages": [PassageRecord(**p) for p in passages],
    }


# -- 4: reuse families -------------------------------------------------------------------------


class UnionFind:
    """Disjoint sets over document numbers ``0 .. size-1`` (path halving, union by size)."""

    def __init__(self, size: int) -> None:
        self.parent = np.arange(size, dtype=np.int64)
        self.size = np.ones(size, dtype=np.int64)

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = int(parent[x])
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]

    def union_all(self, a: Iterable[int], b: Iterable[int]) -> None:
        for x, y in zip(a, b, strict=True):
            self.union(int(x), int(y))

    def roots(self) -> IntArray:
        """The root of every element."""
        return np.fromiter((self.find(i) for i in range(len(self.parent))), dtype=np.int64)


class BestLinks:
    """Each document's strongest reuse link, offered pair by pair in any order.

    A document's strongest link is the partner with which it shares the most characters on
    its own side; ties go to the partner with the smaller document number, so the result does
    not depend on the order the pairs come in.
    """

    def __init__(self, size: int) -> None:
        self.chars = np.zeros(size, dtype=np.int64)
        self.partner = np.full(size, -1, dtype=np.int64)

    def _offer(self, doc: int, other: int, chars: int) -> None:
        best, partner = int(self.chars[doc]), int(self.partner[doc])
        if chars > best or (chars == best and chars > 0 and (partner < 0 or other < partner)):
            self.chars[doc] = chars
            self.partner[doc] = other

    def offer_all(
        self, a: Iterable[int], b: Iterable[int], a_chars: Iterable[int], b_chars: Iterable[int]
    ) -> None:
        """Offer pairs ``(a, b)`` that share ``a_chars`` of ``a`` and ``b_chars`` of ``b``."""
        for x, y, cx, cy in zip(a, b, a_chars, b_chars, strict=True):
            self._offer(int(x), int(y), int(cx))
            self._offer(int(y), int(x), int(cy))

    def families(self) -> UnionFind:
        """Disjoint sets joined along every document's strongest link."""
        uf = UnionFind(len(self.partner))
        for doc in np.flatnonzero(self.partner >= 0):
            uf.union(int(doc), int(self.partner[doc]))
        return uf


def family_record(members: Sequence[DocMeta]) -> FamilyRecord:
    """A reuse family: its documents in time order and its first document (the first
    publisher).

    The first document is the earliest dated one; ties on the timestamp go to the smallest id
    and are flagged with ``first_tied``. A family whose documents are all undated has none.
    """
    ordered = sorted(members, key=lambda m: time_key(m.published_at, m.id))
    keys = [time_key(m.published_at, m.id) for m in ordered]
    first = ordered[0] if keys[0][0] == 0 else None
    tied = first is not None and len(keys) > 1 and keys[1][0] == 0 and keys[1][1] == keys[0][1]
    dated = [m for m, k in zip(ordered, keys, strict=True) if k[0] == 0]
    return {
        "family_id": stable_id("s", min(m.id for m in members)),
        "document_count": len(members),
        "outlet_count": len({m.outlet for m in members}),
        "first_document_id": first.id if first else None,
        "first_outlet": first.outlet if first else None,
        "first_tied": bool(tied),
        "undated_count": len(members) - len(dated),
        "first_published_at": dated[0].published_at if dated else None,
        "last_published_at": dated[-1].published_at if dated else None,
        "timeline": [
            {
                "order": i,
                "document_id": m.id,
                "title": m.title,
                "outlet": m.outlet,
                "published_at": m.published_at,
            }
            for i, m in enumerate(ordered)
        ],
    }


# -- 5: per-document and per-outlet reuse ------------------------------------------------------


def doc_sides(pair: PairRecord) -> list[tuple[int, str, str, list[Span]]]:
    """What a pair says about each of its two documents: ``(doc number, role, other outlet,
    spans of this document)``, where role is ``from`` (it copied from the other), ``by`` (the
    other copied from it) or ``undirected`` (a side has no date)."""
    a_spans = [Span(p["a_start"], p["a_end"]) for p in pair["passages"]]
    b_spans = [Span(p["b_start"], p["b_end"]) for p in pair["passages"]]
    direction = pair["direction"]
    if direction == "a_to_b":
        roles = ("by", "from")
    elif direction == "b_to_a":
        roles = ("from", "by")
    else:
        roles = ("undirected", "undirected")
    return [
        (pair["a_idx"], roles[0], pair["b_outlet"], a_spans),
        (pair["b_idx"], roles[1], pair["a_outlet"], b_spans),
    ]


@dataclass(frozen=True, slots=True)
class DocReuse:
    """Characters of one document reused from earlier ones, by later ones, or with undated
    ones, and the characters it took from each upstream outlet."""

    from_chars: int
    by_chars: int
    undirected_chars: int
    upstream: dict[str, int]


def doc_reuse(sides: Iterable[tuple[str, str, list[Span]]]) -> DocReuse:
    """Union the spans of one document by role (``(role, other outlet, spans)`` items)."""
    spans: dict[str, list[Span]] = {"from": [], "by": [], "undirected": []}
    upstream: dict[str, list[Span]] = {}
    for role, other, found in sides:
        spans[role].extend(found)
        if role == "from":
            upstream.setdefault(other, []).extend(found)
    return DocReuse(
        Span.union_length(spans["from"]),
        Span.union_length(spans["by"]),
        Span.union_length(spans["undirected"]),
        {outlet: Span.union_length(s) for outlet, s in upstream.items()},
    )


class _UpstreamSum(TypedDict):
    outlet: str
    chars: int


class OutletSumsRecord(TypedDict):
    """One outlet's running sums in an :class:`OutletTally` (:meth:`OutletTally.partials`)."""

    outlet: str
    documents: int
    dated: int
    chars: int
    from_chars: int
    by_chars: int
    undirected_chars: int
    docs_reusing: int
    upstream: list[_UpstreamSum]


@dataclass
class _OutletSums:
    documents: int = 0
    dated: int = 0
    chars: int = 0
    from_chars: int = 0
    by_chars: int = 0
    undirected_chars: int = 0
    docs_reusing: int = 0
    upstream: Counter[str] = field(default_factory=Counter)


class OutletTally:
    """Sums per-document reuse into per-outlet figures."""

    def __init__(self) -> None:
        self._sums: dict[str, _OutletSums] = {}

    def add(self, doc: DocMeta, reuse: DocReuse | None) -> None:
        s = self._sums.setdefault(doc.outlet, _OutletSums())
        s.documents += 1
        s.dated += parse_date(doc.published_at) is not None
        s.chars += doc.length
        if reuse is not None:
            s.from_chars += reuse.from_chars
            s.by_chars += reuse.by_chars
            s.undirected_chars += reuse.undirected_chars
            s.docs_reusing += reuse.from_chars > 0
            s.upstream.update(reuse.upstream)

    def partials(self) -> list[OutletSumsRecord]:
        """The running sums, one row per outlet. Every figure is a sum, so tallies of parts
        of a corpus made apart (on Spark executors) give the whole corpus's figures when their
        rows are merged (:meth:`merge`)."""
        return [
            {
                "outlet": outlet,
                "documents": s.documents,
                "dated": s.dated,
                "chars": s.chars,
                "from_chars": s.from_chars,
                "by_chars": s.by_chars,
                "undirected_chars": s.undirected_chars,
                "docs_reusing": s.docs_reusing,
                "upstream": [{"outlet": o, "chars": c} for o, c in s.upstream.items()],
            }
            for outlet, s in self._sums.items()
        ]

    def merge(self, row: OutletSumsRecord) -> None:
        """Add the sums of one outlet made by another tally (a row of :meth:`partials`)."""
        s = self._sums.setdefault(row["outlet"], _OutletSums())
        s.documents += row["documents"]
        s.dated += row["dated"]
        s.chars += row["chars"]
        s.from_chars += row["from_chars"]
        s.by_chars += row["by_chars"]
        s.undirected_chars += row["undirected_chars"]
        s.docs_reusing += row["docs_reusing"]
        for up in row["upstream"]:
            s.upstream[up["outlet"]] += up["chars"]

    def records(self) -> list[OutletRecord]:
        """One record per outlet, most original first (lowest share reused from others),
        then by documents and name. ``originality`` is None for an outlet with no dated
        document (the direction of its reuse is unknown); those come last."""
        keyed: list[tuple[tuple[bool, float, int, str], OutletRecord]] = []
        for outlet, s in self._sums.items():
            share_from = s.from_chars / s.chars if s.chars else 0.0
            top = sorted(s.upstream.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_UPSTREAM]
            originality = round(1.0 - share_from, 4) if s.dated else None
            record: OutletRecord = {
                "outlet": outlet,
                "document_count": s.documents,
                "dated_document_count": s.dated,
                "text_chars": s.chars,
                "share_reused_from_others": round(share_from, 4),
                "share_reused_by_others": round(s.by_chars / s.chars if s.chars else 0.0, 4),
                "share_shared_undated": round(s.undirected_chars / s.chars if s.chars else 0.0, 4),
                "originality": originality,
                "reusing_document_count": s.docs_reusing,
                "top_upstream": [
                    {
                        "outlet": o,
                        "reused_chars": c,
                        "share": round(c / s.from_chars, 4) if s.from_chars else 0.0,
                    }
                    for o, c in top
                ],
            }
            rank = -originality if originality is not None else 0.0
            keyed.append(((originality is None, rank, -s.documents, outlet), record))
        keyed.sort(key=lambda kv: kv[0])
        return [record for _, record in keyed]
