"""The Spark engine's finish on the executors: connected components against a slow reference
(breadth-first search) on random graphs in ``local[2]``, and per-partition outlet tallies
merged against one tally of the whole corpus. The end-to-end agreement with the local engine
is in ``test_corpus_engines.py``."""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.corpus.kernels import DocMeta, DocReuse, OutletTally

# -- outlet tallies are sums: made per partition and merged, they give the whole's records ----

_OUTLETS = ["Wire", "Farm", "Blog", None]
_DATES = ["2021-01-01T00:00:00Z", "2021-01-02", None, "not a date"]


@st.composite
def _documents(draw: st.DrawFn) -> list[tuple[DocMeta, DocReuse | None]]:
    n = draw(st.integers(0, 25))
    docs = []
    for i in range(n):
        meta = DocMeta(
            i,
            f"d{i}",
            draw(st.sampled_from(_OUTLETS)),
            draw(st.sampled_from(_DATES)),
            draw(st.integers(0, 500)),
        )
        reuse = None
        if draw(st.booleans()):
            upstream = draw(
                st.dictionaries(st.sampled_from(["Wire", "Farm", "(unknown)"]), st.integers(0, 90))
            )
            reuse = DocReuse(
                draw(st.integers(0, 100)),
                draw(st.integers(0, 100)),
                draw(st.integers(0, 100)),
                upstream,
            )
        docs.append((meta, reuse))
    return docs


@settings(max_examples=150, deadline=None)
@given(_documents(), st.lists(st.integers(0, 3), max_size=25), st.integers(1, 4))
def test_outlet_tallies_merged_from_parts_equal_one_tally(
    docs: list[tuple[DocMeta, DocReuse | None]], where: list[int], parts: int
) -> None:
    whole = OutletTally()
    split = [OutletTally() for _ in range(parts)]
    for i, (meta, reuse) in enumerate(docs):
        whole.add(meta, reuse)
        split[(where[i] if i < len(where) else i) % parts].add(meta, reuse)
    merged = OutletTally()
    # Merged in two levels, as Spark does: partials per partition, then per outlet.
    for tally in reversed(split):
        for row in tally.partials():
            merged.merge(row)
    again = OutletTally()
    for row in merged.partials():
        again.merge(row)
    assert merged.records() == whole.records()
    assert again.records() == whole.records()
    assert sum(r["document_count"] for r in whole.records()) == len(docs)


# -- connected components on Spark against breadth-first search --------------------------------


def _components(nodes: set[int], edges: list[tuple[int, int]]) -> dict[int, set[int]]:
    """Each node's component, by breadth-first search (the slow, obvious reference)."""
    adjacent: dict[int, set[int]] = {v: set() for v in nodes}
    for a, b in edges:
        adjacent[a].add(b)
        adjacent[b].add(a)
    found: dict[int, set[int]] = {}
    for v in nodes:
        if v in found:
            continue
        seen, queue = {v}, deque([v])
        while queue:
            for w in adjacent[queue.popleft()]:
                if w not in seen:
                    seen.add(w)
                    queue.append(w)
        for w in seen:
            found[w] = seen
    return found


def _diameter(nodes: set[int], edges: list[tuple[int, int]]) -> int:
    """The largest distance between two connected nodes (breadth-first from every node)."""
    adjacent: dict[int, set[int]] = {v: set() for v in nodes}
    for a, b in edges:
        adjacent[a].add(b)
        adjacent[b].add(a)
    longest = 0
    for v in nodes:
        dist = {v: 0}
        queue = deque([v])
        while queue:
            u = queue.popleft()
            for w in adjacent[u]:
                if w not in dist:
                    dist[w] = dist[u] + 1
                    queue.append(w)
        longest = max(longest, *dist.values())
    return longest


def _random_graph(seed: int) -> tuple[list[tuple[int, int]], int]:
    """Edges of a disjoint union of a long path, a star, a cycle, a random sparse graph and a
    graph of strongest links (each node linked to one other), on shuffled node numbers; and
    the path's length."""
    rng = random.Random(seed)
    shapes: list[list[tuple[int, int]]] = []
    path = 60
    shapes.append([(i, i + 1) for i in range(path - 1)])
    shapes.append([(0, i) for i in range(1, 20)])
    shapes.append([(i, (i + 1) % 15) for i in range(15)])
    shapes.append([(rng.randrange(50), rng.randrange(50)) for _ in range(40)])
    shapes.append([(i, rng.choice([j for j in range(40) if j != i])) for i in range(40)])
    shapes.extend([[(0, 1)] for _ in range(5)])
    total = sum(1 + max(max(e) for e in s) for s in shapes)
    names = list(range(3, 3 + 2 * total, 2))  # sparse, shuffled numbers
    rng.shuffle(names)
    edges: list[tuple[int, int]] = []
    offset = 0
    for shape in shapes:
        edges += [(names[offset + a], names[offset + b]) for a, b in shape if a != b]
        offset += 1 + max(max(e) for e in shape)
    rng.shuffle(edges)
    return edges, path - 1


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark", reason="needs the [spark] extra (PySpark 4; CI installs it)")
    from wiretrace.corpus.spark import SparkEngine, SparkOptions

    engine = SparkEngine(SparkOptions(master="local[2]", partitions=3))
    session = engine.session()
    session.conf.set("spark.sql.shuffle.partitions", "3")  # as the engine sets it for a run
    yield session
    engine.stop()


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::FutureWarning")  # PySpark's note about pandas 3
def test_connected_components_on_spark_match_breadth_first_search(
    spark: Any, tmp_path: Path
) -> None:
    from wiretrace.corpus.spark_finish import connected_components

    edges, path_diameter = _random_graph(seed=17)
    nodes = {v for e in edges for v in e}
    links = spark.createDataFrame(edges, "src long, dst long")
    labels, rounds = connected_components(links, tmp_path / "cc")
    got = {r["node"]: r["label"] for r in labels.collect()}
    expected = {v: min(c) for v, c in _components(nodes, edges).items()}
    assert got == expected
    diameter = _diameter(nodes, edges)
    assert diameter >= path_diameter
    # Bounded by the diameter; hooks and jumps make a long path converge much sooner
    # (5 rounds here; plain min-label propagation with jumps alone took 18).
    assert rounds <= diameter
    assert rounds <= path_diameter // 6, rounds
    assert [p.name for p in (tmp_path / "cc").iterdir() if p.name.startswith("labels")] == [
        f"labels-{rounds:04d}"
    ]  # earlier rounds' checkpoints are deleted


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_connected_components_of_no_links(spark: Any, tmp_path: Path) -> None:
    from wiretrace.corpus.spark_finish import connected_components

    links = spark.createDataFrame([], "src long, dst long")
    labels, rounds = connected_components(links, tmp_path / "cc")
    assert labels.count() == 0 and rounds == 1


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_strongest_links_on_spark_are_those_best_links_chooses(spark: Any) -> None:
    from wiretrace.corpus.kernels import BestLinks
    from wiretrace.corpus.spark_finish import strongest_links

    rng = random.Random(5)
    n = 80
    # Few distinct character counts (0 among them), so that most documents have ties.
    pairs = {
        (a, b): (rng.choice([0, 10, 20, 20, 30]), rng.choice([0, 10, 20, 30, 30]))
        for a, b in (sorted(rng.sample(range(n), 2)) for _ in range(400))
    }
    rows = [(a, b, ca, cb) for (a, b), (ca, cb) in pairs.items()]
    frame = spark.createDataFrame(
        rows, "a_idx long, b_idx long, a_shared_chars long, b_shared_chars long"
    )
    got = {r["src"]: r["dst"] for r in strongest_links(frame).collect()}
    links = BestLinks(n)
    for chunk in (rows[::2], rows[1::2]):  # in two orders: the choice does not depend on it
        links.offer_all(*zip(*chunk, strict=True))
    expected = {doc: int(links.partner[doc]) for doc in range(n) if links.partner[doc] >= 0}
    assert got == expected
    tied = sum(
        1
        for doc in expected
        if sum(
            1
            for (a, b), (ca, cb) in pairs.items()
            if (a == doc and ca == links.chars[doc]) or (b == doc and cb == links.chars[doc])
        )
        > 1
    )
    assert tied >= 10  # the tie rule was exercised
