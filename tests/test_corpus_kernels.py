"""Corpus-mode kernels against slow, obviously correct references."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.align.pair import align_pair, align_view
from wiretrace.corpus.kernels import (
    CORPUS_ALIGN,
    BestLinks,
    CorpusOptions,
    DocMeta,
    OutletTally,
    PairAligner,
    UnionFind,
    count_pairs,
    doc_postings,
    doc_reuse,
    doc_sides,
    family_record,
    group_pairs,
    merge_counts,
    pair_record,
    stable_id,
    unpack_keys,
)
from wiretrace.index.base import document_hashes
from wiretrace.model import Span
from wiretrace.tracing import classify

# -- candidate pairs ---------------------------------------------------------------------------


def reference_pairs(docs: dict[int, set[int]], max_df: int, min_shared: int) -> dict:
    """All pairs, compared one by one: the hashes both hold, among those held by 2..max_df."""
    df = Counter(h for hs in docs.values() for h in hs)
    out = {}
    for a, b in itertools.combinations(sorted(docs), 2):
        shared = sum(1 for h in docs[a] & docs[b] if df[h] <= max_df)
        if shared >= min_shared:
            out[(a, b)] = shared
    return out


def kernel_pairs(docs: dict[int, set[int]], max_df: int, min_shared: int, parts: int) -> dict:
    """The kernels as the engines use them: postings split by hash into partitions, counted
    per partition, counts merged, filtered."""
    hashes = np.array([h for d in docs for h in sorted(docs[d])], dtype=np.int64)
    owners = np.array([d for d in docs for _ in docs[d]], dtype=np.int64)
    keys, counts = [], []
    for p in range(parts):
        mask = hashes % parts == p
        a, b = group_pairs(hashes[mask], owners[mask], max_df)
        k, c = count_pairs(a, b)
        keys.append(k)
        counts.append(c)
    k, c = merge_counts(np.concatenate(keys), np.concatenate(counts))
    a, b = unpack_keys(k[c >= min_shared])
    return {(int(x), int(y)): int(n) for x, y, n in zip(a, b, c[c >= min_shared], strict=True)}


postings = st.dictionaries(
    st.integers(0, 40), st.sets(st.integers(0, 30), max_size=12), max_size=25
)


@settings(max_examples=150, deadline=None)
@given(postings, st.integers(2, 8), st.integers(1, 3), st.integers(1, 4))
def test_candidate_pairs_match_all_pairs_reference(docs, max_df, min_shared, parts) -> None:
    assert kernel_pairs(docs, max_df, min_shared, parts) == reference_pairs(
        docs, max_df, min_shared
    )


def test_candidate_pairs_on_random_texts_match_reference() -> None:
    """Texts made of shared sentences: the kernels find what comparing every pair finds."""
    rng = random.Random(7)
    words = [f"w{i}" for i in range(300)]
    sentences = [" ".join(rng.choice(words) for _ in range(14)) + "." for _ in range(40)]
    texts = [" ".join(rng.sample(sentences, rng.randint(1, 5))) for _ in range(30)]
    docs = {i: set(doc_postings(t).tolist()) for i, t in enumerate(texts)}
    assert all(docs[i] == set(document_hashes(t)) for i, t in enumerate(texts))
    for max_df in (3, 100):
        ref = reference_pairs(docs, max_df, 2)
        assert kernel_pairs(docs, max_df, 2, 3) == ref
    assert ref  # the test corpus has reuse


def test_group_pairs_of_empty_and_lonely_postings() -> None:
    empty = np.empty(0, dtype=np.int64)
    a, b = group_pairs(empty, empty, 10)
    assert len(a) == len(b) == 0
    a, b = group_pairs(np.array([1, 2], dtype=np.int64), np.array([0, 1], dtype=np.int64), 10)
    assert len(a) == 0


# -- union-find --------------------------------------------------------------------------------


def reference_components(n: int, edges: list[tuple[int, int]]) -> set[frozenset[int]]:
    comps = [{i} for i in range(n)]
    for a, b in edges:
        ca = next(c for c in comps if a in c)
        cb = next(c for c in comps if b in c)
        if ca is not cb:
            comps.remove(cb)
            ca |= cb
    return {frozenset(c) for c in comps}


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 30).flatmap(
        lambda n: st.tuples(
            st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)))
        )
    )
)
def test_union_find_matches_reference(case) -> None:
    n, edges = case
    uf = UnionFind(n)
    uf.union_all([a for a, _ in edges], [b for _, b in edges])
    roots = uf.roots()
    got: dict[int, set[int]] = {}
    for i, r in enumerate(roots):
        got.setdefault(int(r), set()).add(i)
    assert {frozenset(c) for c in got.values()} == reference_components(n, edges)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 20).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.tuples(
                    st.integers(0, n - 1),
                    st.integers(0, n - 1),
                    st.integers(0, 50),
                    st.integers(0, 50),
                ).filter(lambda e: e[0] != e[1])
            ),
            st.randoms(),
        )
    )
)
def test_best_links_match_a_reference_in_any_order(case) -> None:
    n, edges, rng = case
    # Reference: for each document, the partner sharing the most characters, ties to the
    # smaller partner; a document sharing nothing has no link.
    best: dict[int, tuple[int, int]] = {}
    for a, b, ca, cb in edges:
        for doc, other, chars in ((a, b, ca), (b, a, cb)):
            if chars > 0 and (doc not in best or (-chars, other) < (-best[doc][0], best[doc][1])):
                best[doc] = (chars, other)
    expected = reference_components(n, [(d, o) for d, (_, o) in best.items()])
    shuffled = list(edges)
    rng.shuffle(shuffled)
    links = BestLinks(n)
    if shuffled:
        links.offer_all(*zip(*shuffled, strict=True))
    roots = links.families().roots()
    got: dict[int, set[int]] = {}
    for i, r in enumerate(roots):
        got.setdefault(int(r), set()).add(i)
    assert {frozenset(c) for c in got.values()} == expected


def test_a_composite_joins_only_its_strongest_source() -> None:
    # Two unrelated stories (0 and 1, each with a copy 2 and 3) and a composite 4 that lifts
    # a long passage from 0 and a short one from 1: the stories stay apart.
    links = BestLinks(5)
    links.offer_all([0, 1, 4, 4], [2, 3, 0, 1], [900, 800, 0, 0], [900, 800, 0, 0])
    links.offer_all([4, 4], [0, 1], [600, 200], [600, 200])
    roots = links.families().roots()
    assert roots[4] == roots[0] == roots[2]
    assert roots[1] == roots[3] != roots[0]


# -- pairs, stories, outlets -------------------------------------------------------------------

SOURCE = (
    "The central bank raised interest rates by half a point on Tuesday, its third increase "
    "this year, saying inflation remained far above its target. Officials said more rises "
    "could follow if prices kept climbing through the summer months."
)
COPY = (
    "Breaking news. The central bank raised interest rates by half a point on Tuesday, its "
    "third increase this year, saying inflation remained far above its target. Share this "
    "article"
)


def meta(idx: int, doc_id: str, when: str | None, outlet: str | None = "X", n: int = 100):
    return DocMeta(idx, doc_id, outlet, when, n)


def test_pair_aligner_uses_the_trace_aligner_and_classifier() -> None:
    aligner = PairAligner(CorpusOptions())
    got = aligner.passages(0, COPY, 1, SOURCE)
    expected = align_pair(align_view(COPY, CORPUS_ALIGN), align_view(SOURCE, CORPUS_ALIGN))
    assert [(p["a_start"], p["a_end"], p["b_start"], p["b_end"]) for p in got] == [
        (a.query.start, a.query.end, a.source.start, a.source.end) for a in expected
    ]
    assert [p["kind"] for p in got] == [str(classify(a)) for a in expected]
    assert got and got[0]["kind"] == "verbatim"
    assert COPY[got[0]["a_start"] : got[0]["a_end"]].startswith("The central bank")


def test_pair_direction_by_time_undated_and_ties() -> None:
    passages = [
        {
            "a_start": 0,
            "a_end": 10,
            "b_start": 5,
            "b_end": 15,
            "score": 1.0,
            "kind": "verbatim",
            "edits": [],
        }
    ]
    early, late = "2020-01-01T10:00:00Z", "2020-01-01T12:00:00+01:00"
    r = pair_record(meta(0, "a", late), meta(1, "b", early), 3, passages)
    assert (r["direction"], r["source_document_id"], r["copy_document_id"]) == ("b_to_a", "b", "a")
    # 12:00+01:00 is 11:00 UTC: later than 10:00Z.
    r = pair_record(meta(0, "a", early), meta(1, "b", None), 3, passages)
    assert (r["direction"], r["source_document_id"]) == ("unknown", None)
    r = pair_record(meta(0, "z", early), meta(1, "m", "2020-01-01T10:00:00+00:00"), 3, passages)
    assert r["same_time"] and r["direction"] == "b_to_a"  # a tie goes to the smaller id
    assert r["pair_id"] == stable_id("p", "z", "m")
    assert r["a_shared_chars"] == 10 and r["kind"] == "verbatim"


def test_story_first_publisher_is_never_undated_and_ties_are_flagged() -> None:
    s = family_record(
        [
            meta(0, "c", None),
            meta(1, "b", "2021-05-01"),
            meta(2, "a", "2021-05-01"),
            meta(3, "d", "2021-06-01"),
        ]
    )
    assert s["first_document_id"] == "a" and s["first_tied"]
    assert [t["document_id"] for t in s["timeline"]] == ["a", "b", "d", "c"]
    assert s["undated_count"] == 1
    assert (s["first_published_at"], s["last_published_at"]) == ("2021-05-01", "2021-06-01")
    assert s["family_id"] == stable_id("s", "a")
    s = family_record([meta(0, "x", None), meta(1, "y", None)])
    assert s["first_document_id"] is None and not s["first_tied"] and s["undated_count"] == 2
    s = family_record([meta(0, "x", "2021-01-02"), meta(1, "y", "2021-01-01")])
    assert s["first_document_id"] == "y" and not s["first_tied"]


def test_outlet_shares() -> None:
    def p(a0: int, a1: int) -> dict:
        return {
            "a_start": a0,
            "a_end": a1,
            "b_start": a0,
            "b_end": a1,
            "score": 1.0,
            "kind": "verbatim",
            "edits": [],
        }

    wire = meta(0, "wire", "2021-01-01", "Wire", 100)
    farm = meta(1, "farm", "2021-01-02", "Farm", 200)
    lone = meta(2, "lone", None, "Farm", 100)
    pair = pair_record(wire, farm, 5, [p(0, 40), p(30, 60)])
    sides = {idx: [(role, other, spans)] for idx, role, other, spans in doc_sides(pair)}
    tally = OutletTally()
    tally.add(wire, doc_reuse(sides[0]))
    tally.add(farm, doc_reuse(sides[1]))
    tally.add(lone, None)
    by = {r["outlet"]: r for r in tally.records()}
    assert by["Wire"]["share_reused_by_others"] == 0.6 and by["Wire"]["originality"] == 1.0
    assert by["Farm"]["share_reused_from_others"] == round(60 / 300, 4)
    assert by["Farm"]["top_upstream"] == [{"outlet": "Wire", "reused_chars": 60, "share": 1.0}]
    assert by["Farm"]["document_count"] == 2 and by["Farm"]["dated_document_count"] == 1
    assert [r["outlet"] for r in tally.records()] == ["Wire", "Farm"]
    assert (
        doc_reuse(
            [("from", "Wire", [Span(0, 5)]), ("undirected", "Q", [Span(0, 5)])]
        ).undirected_chars
        == 5
    )


def test_drift_takes_fact_edits_located_on_both_sides_and_survives_one_sided_ones() -> None:
    # The 10,000-document bench corpus has pairs whose figure was added by one side only
    # (an edit with a span in one document): the drift table used to fail on them.
    from wiretrace.corpus.drift import family_drift

    family = {
        "family_id": "f1",
        "timeline": [
            {"document_id": "wire", "outlet": "AP", "published_at": "2024-01-01T09:00:00Z"},
            {"document_id": "copy", "outlet": "Farm", "published_at": "2024-01-02T09:00:00Z"},
        ],
    }

    def edit(kind: str, old: str, new: str, a: tuple[int, int] | None, b: tuple[int, int] | None):
        return {
            "from": old,
            "to": new,
            "type": kind,
            "a_start": a[0] if a else None,
            "a_end": a[1] if a else None,
            "b_start": b[0] if b else None,
            "b_end": b[1] if b else None,
        }

    passage = {
        "a_start": 0,
        "a_end": 200,
        "b_start": 0,
        "b_end": 200,
        "edits": [
            edit("number", "12", "15", (40, 42), (40, 42)),
            edit("number", "", "£5.7bn", (90, 96), None),
            edit("negation", "never", "", None, (120, 125)),
        ],
    }
    pair = {"a_document_id": "copy", "b_document_id": "wire", "passages": [passage]}
    rows = family_drift([family], lambda: [pair])  # type: ignore[list-item]
    assert len(rows) == 1
    (row,) = rows
    assert row["type"] == "number"
    assert [v["wording"] for v in row["values"]] == ["12", "15"]
