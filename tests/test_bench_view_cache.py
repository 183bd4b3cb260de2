"""The view-cache replay of ``bench/bench_view_cache.py``, on sequences counted by hand."""

from __future__ import annotations

import sys

from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
import bench_view_cache as bv


def test_least_recently_used_cache_builds_on_every_miss() -> None:
    cache = bv.ViewCache(2)
    for doc in (1, 2, 3, 1, 2):
        cache.ask(doc)
    assert cache.built == 5  # 3 pushes 1 out, 1 pushes 2 out, 2 pushes 3 out
    cache = bv.ViewCache(2)
    for doc in (1, 2, 1, 3, 1):
        cache.ask(doc)
    assert cache.built == 3


def test_best_possible_drops_the_view_needed_latest() -> None:
    # At 3, view 1 is needed next at step 3 and view 2 at step 4: 2 goes, so 1 is a hit.
    assert bv.best_possible([1, 2, 3, 1, 2], 2) == 4
    assert bv.best_possible([1, 2, 3, 1, 2], 3) == 3


def test_lanes_drop_views_after_their_last_pair() -> None:
    pairs = [(0, 1), (0, 2), (3, 4), (3, 5)]
    # Cache of 1: a view needed again (0, then 3) is pushed out by the next document.
    assert bv.lanes(pairs, 1, 1) == 8
    # Cache of 2: 1, 2 and 4 leave after their one pair, so 0 and 3 stay until reused.
    assert bv.lanes(pairs, 1, 2) == 6
    assert bv.chunks_in_turn(pairs, 1, 10, 2) == 6
    # Two workers each see one half: 0, 1, 2 and 3, 4, 5, each built once.
    assert bv.lanes(pairs, 2, 2) == 6
    # Chunks of one pair in turn: each worker sees (0, 1), (3, 4) or (0, 2), (3, 5).
    assert bv.chunks_in_turn(pairs, 2, 1, 2) == 8
