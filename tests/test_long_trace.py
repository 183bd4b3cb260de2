"""Long articles are traced window by window: the work is bounded by the length, and every
article run together in a long query is still found."""

from __future__ import annotations

import importlib
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import wiretrace.align.pair as pair_module
from wiretrace import Document, MemoryIndex, TraceOptions, trace
from wiretrace.model import Span
from wiretrace.text.tokens import words_of
from wiretrace.tracing import WINDOW_CHARS, windows

# The module, not the function ``wiretrace.trace`` that the package exports under its name.
trace_module = importlib.import_module("wiretrace.tracing")


@given(st.text(alphabet=st.sampled_from("ab .\n"), max_size=3000), st.integers(20, 400))
@settings(max_examples=200, deadline=None)
def test_windows_tile_the_text_and_respect_the_size(text: str, size: int) -> None:
    cut = windows(text, size)
    assert cut[0].start == 0 and cut[-1].end == len(text)
    for a, b in itertools.pairwise(cut):
        assert a.end == b.start
    assert all(len(w) <= size for w in cut[:-1])
    # Each window but the last ends in the second half of its size: the count is linear.
    assert len(cut) <= 1 + 2 * len(text) // size


def test_windows_cut_at_paragraph_breaks_first() -> None:
    text = ("x" * 60 + ". ") * 3 + "\n\n" + "y" * 100
    [first, second] = windows(text, 250)
    assert text[first.start : first.end].endswith("\n\n")
    assert second == Span(first.end, len(text))


def test_a_short_text_is_one_window() -> None:
    assert windows("short text") == [Span(0, 10)]
    assert windows("") == [Span(0, 0)]


class AlignCounter:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        align = pair_module.align_sentences

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return align(*args, **kwargs)

        monkeypatch.setattr(pair_module, "align_sentences", counted)


class SmallWindows:
    """Windows of ``size`` characters in place of ``WINDOW_CHARS``: a small corpus makes a long
    query of many windows too."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, size: int) -> None:
        self.size = size
        monkeypatch.setattr(trace_module, "windows", self.windows)

    def windows(self, text: str, size: int = WINDOW_CHARS) -> list[Span]:
        return windows(text, min(size, self.size))


@pytest.mark.slow
def test_every_article_of_a_long_query_is_found_with_bounded_work(
    corpus: list[dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    index = MemoryIndex()
    index.add(Document(a["id"], a["text"], a.get("title")) for a in corpus)
    # The BBC corpus makes a query of many 20,000-character windows; our own, of 1,500.
    size = WINDOW_CHARS if len(corpus) > 100 else 1500
    chosen = [a for a in corpus if len(a["text"]) > 1500 * size // WINDOW_CHARS][:60]
    query = "\n\n".join(a["text"] for a in chosen)
    assert len(query) > 5 * size
    if size < WINDOW_CHARS:
        SmallWindows(monkeypatch, size)
    counter = AlignCounter(monkeypatch)
    result = trace(index, Document("long", query))
    opts = TraceOptions()
    per_window = opts.max_candidates + opts.lexical_candidates + opts.rank_options().headline_depth
    assert counter.calls <= len(windows(query, size)) * per_window
    found = {s.document.id for s in result.sources}
    missing = [a["id"] for a in chosen if a["id"] not in found]
    assert not missing, missing
    # Passages are in the offsets of the whole query.
    for p in result.passages:
        src = index.get(p.source_id)
        assert src is not None
        if p.kind.value == "verbatim":
            assert words_of(query[p.query.start : p.query.end]) == (
                words_of(src.text[p.source.start : p.source.end])
            )
