"""The standalone HTML report: self-contained, escaped, and carrying the exact trace data.

The page itself is drawn by a script; ``test_browser.py`` opens these files in Chromium. Here
the file is taken apart with the standard HTML parser."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.index.memory import MemoryIndex
from wiretrace.ingest.readers import ReadOptions, iter_records
from wiretrace.model import Document, Trace
from wiretrace.report.html import (
    MAX_DIFF_TOKENS,
    render_html,
    report_csp,
    script_json,
    view_payload,
    word_diff,
)
from wiretrace.report.json import trace_to_dict
from wiretrace.report.words import SIGNAL_WORDS
from wiretrace.tracing import trace

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "demo"
XSS = "</script><script>alert(1)</script><img src=x onerror=alert(2)><!--"


class Page(HTMLParser):
    """Every start tag with its attributes, and the raw text of each script and style."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.blocks: list[tuple[str, dict[str, str | None], str]] = []
        self._open: tuple[str, dict[str, str | None]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._open = (tag, dict(attrs))
            self.blocks.append((tag, dict(attrs), ""))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            tag, attrs, text = self.blocks[-1]
            self.blocks[-1] = (tag, attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if self._open is not None and tag == self._open[0]:
            self._open = None


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def demo_index() -> MemoryIndex:
    index = MemoryIndex()
    index.add(
        r for r in iter_records([DEMO / "wikinews.jsonl"], ReadOptions()) if isinstance(r, Document)
    )
    return index


@pytest.fixture(scope="module")
def showcase_trace(demo_index: MemoryIndex) -> Trace:
    text = (DEMO / "composites" / "showcase.txt").read_text(encoding="utf-8")
    return trace(demo_index, Document("showcase.txt", text, title="What we know"))


def payload_of(page: Page) -> object:
    data = [text for tag, attrs, text in page.blocks if attrs.get("id") == "wt-data"]
    assert len(data) == 1
    return json.loads(data[0])


def test_report_carries_the_whole_trace_and_the_view(showcase_trace: Trace) -> None:
    page = parse(render_html(showcase_trace))
    payload = payload_of(page)
    assert payload == json.loads(json.dumps(view_payload(showcase_trace)))
    assert isinstance(payload, dict)
    assert {k: v for k, v in payload.items() if k != "view"} == trace_to_dict(showcase_trace)
    assert payload["view"]["text"] == showcase_trace.query.text
    assert len(showcase_trace.sources) >= 4 and len(payload["view"]["diffs"]) == len(
        showcase_trace.passages
    )


def test_report_is_self_contained_and_its_csp_allows_only_its_own_code(
    showcase_trace: Trace,
) -> None:
    html = render_html(showcase_trace)
    page = parse(html)
    for tag, attrs in page.tags:
        assert "src" not in attrs, (tag, attrs)  # nothing loaded from anywhere
        if tag == "link":
            raise AssertionError(f"external resource {attrs}")
    scripts = [(a, t) for tag, a, t in page.blocks if tag == "script"]
    styles = [t for tag, _, t in page.blocks if tag == "style"]
    assert [a.get("type") for a, _ in scripts] == ["application/json", None]
    assert len(styles) == 1
    csp = next(
        a["content"] for tag, a in page.tags if a.get("http-equiv") == "Content-Security-Policy"
    )
    assert csp == report_csp()

    def digest(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    assert f"script-src 'sha256-{digest(scripts[1][1])}'" in csp
    assert f"style-src 'sha256-{digest(styles[0])}'" in csp
    assert "default-src 'none'" in csp and "connect-src" not in csp
    assert re.search(r"https?://", scripts[1][1]) is None  # the script calls no address


def test_hostile_text_and_metadata_cannot_leave_the_data_block(demo_index: MemoryIndex) -> None:
    source = Document(
        "hostile-source",
        "The mayor opened the new library on the hill after six years of work. " + XSS,
        title=XSS,
        url="javascript:alert(3)",
        source=XSS,
        published_at="2020-01-01",
    )
    index = MemoryIndex()
    index.add([source])
    query = Document(
        "hostile-query",
        XSS + "\nThe mayor opened the new library on the hill after six years of work.",
        title=XSS,
        url="javascript:alert(4)",
        source="<b>bold</b>",
    )
    result = trace(index, query)
    assert result.sources, "the hostile source should be found"
    html = render_html(result, title=XSS)
    page = parse(html)
    assert [tag for tag, _ in page.tags if tag in ("script", "img", "b")] == ["script", "script"]
    assert not any(k.startswith("on") for _, attrs in page.tags for k in attrs)
    data = next(t for tag, a, t in page.blocks if a.get("id") == "wt-data")
    assert "<" not in data and ">" not in data
    assert "</script" not in data.lower() and "<!--" not in data
    assert payload_of(page) == json.loads(json.dumps(view_payload(result)))
    assert "&lt;/script&gt;" in html.split("</title>")[0]  # the page title is escaped


def test_script_json_escapes_what_could_end_the_block() -> None:
    value = {"a": "</script><!-- & \u2028\u2029 >"}
    text = script_json(value)
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == value


def test_word_diff_marks_a_renamed_entity() -> None:
    assert word_diff("Russia said on Tuesday", "Russian Federation said on Tuesday") == [
        ("replace", "Russia ", "Russian Federation "),
        ("equal", "said on Tuesday", "said on Tuesday"),
    ]
    assert word_diff("the toll in Indonesia alone.", "the toll in Republic of Indonesia alone.")[
        1
    ] == ("insert", "", "Republic of ")
    assert word_diff("same words", "same words") == [("equal", "same words", "same words")]
    assert word_diff("", "") == []


def test_word_diff_of_a_huge_passage_is_one_change() -> None:
    a = "word " * MAX_DIFF_TOKENS
    assert word_diff(a, a + "more") == [("replace", a, a + "more")]


words = st.lists(
    st.sampled_from(["Russia", "said", "the", "Federation", "talks", ",", "."]), max_size=30
)
spaces = st.sampled_from([" ", "  ", "\n", " \n "])


def joined(tokens: list[str], gaps: list[str]) -> str:
    return "".join(t + gaps[i % len(gaps)] for i, t in enumerate(tokens))


@settings(max_examples=200, deadline=None)
@given(
    words, words, st.lists(spaces, min_size=1, max_size=3), st.lists(spaces, min_size=1, max_size=3)
)
def test_word_diff_rebuilds_both_texts(
    a: list[str], b: list[str], gaps_a: list[str], gaps_b: list[str]
) -> None:
    source, query = joined(a, gaps_a), joined(b, gaps_b)
    ops = word_diff(source, query)
    assert "".join(s for _, s, _ in ops) == source
    assert "".join(q for _, _, q in ops) == query
    for (op1, _, _), (op2, _, _) in itertools.pairwise(ops):
        assert op1 != op2
    for op, s, q in ops:
        if op == "equal":
            assert s.split() == q.split()
        elif op == "delete":
            assert q == "" and s.strip()
        elif op == "insert":
            assert s == "" and q.strip()


def test_cli_writes_the_same_report(tmp_path: Path, demo_index: MemoryIndex) -> None:
    import subprocess
    import sys

    cli = [sys.executable, "-c", "from wiretrace.cli import main; main()"]
    db, out = tmp_path / "demo.db", tmp_path / "report.html"
    subprocess.run(
        [*cli, "index", "--db", str(db), "--quiet", str(DEMO / "wikinews.jsonl")],
        check=True,
        capture_output=True,
        timeout=300,
    )
    showcase = DEMO / "composites" / "showcase.txt"
    done = subprocess.run(
        [*cli, "trace", "--db", str(db), str(showcase), "--html", str(out)],
        check=True,
        capture_output=True,
        timeout=300,
        text=True,
    )
    # Only the HTML file was asked for: the command says where it went and prints no report.
    assert done.stdout == "" and done.stderr.strip() == f"wrote {out}"
    shown = subprocess.run(
        [*cli, "trace", "--db", str(db), str(showcase), "--html", str(out), "--show"],
        check=True,
        capture_output=True,
        timeout=300,
        text=True,
    )
    assert "Fact drift" in shown.stdout and "Legend" in shown.stdout
    payload = payload_of(parse(out.read_text(encoding="utf-8")))
    expected = trace(demo_index, Document("showcase.txt", showcase.read_text(encoding="utf-8")))
    assert payload == json.loads(json.dumps(view_payload(expected)))


# -- time direction, confidence, edit types (schema 2.0) ---------------------------------------

TIME = Path(__file__).resolve().parent / "data" / "time"


def time_trace(published_at: str | None = "2021-03-10") -> Trace:
    """The corpus of ``tests/data/time``: a tie of two sources on a bare date, and a weekly
    dated after the query that repeats a paragraph no source has."""
    index = MemoryIndex()
    index.add(
        r for r in iter_records([TIME / "corpus.jsonl"], ReadOptions()) if isinstance(r, Document)
    )
    query = Document(
        "farm/port-story",
        (TIME / "query.txt").read_text(encoding="utf-8"),
        title="Dockworkers walk out at Port Alder over pay",
        published_at=published_at,
    )
    return trace(index, query)


def test_report_carries_later_documents_the_tie_and_their_diffs() -> None:
    import jsonschema

    from wiretrace.report.json import trace_schema

    result = time_trace()
    payload = payload_of(parse(render_html(result)))
    assert isinstance(payload, dict)
    jsonschema.validate(payload, trace_schema())
    assert [s["id"] for s in payload["later"]] == ["coastal-weekly/port-dispute-week"]
    assert payload["earliest_order"] == "tie" and len(payload["earliest_sources"]) == 2
    assert payload["direction_checked"] is True
    (diff,) = payload["view"]["later_diffs"]
    assert ["replace", "hamlets ", "villages "] in diff
    (later,) = result.later_passages
    assert "".join(q for _, _, q in diff) == result.query.text[later.query.start : later.query.end]
    undated = payload_of(parse(render_html(time_trace(None))))
    assert isinstance(undated, dict)
    assert undated["direction_checked"] is False and undated["later"] == []


def test_hostile_later_documents_stay_inside_the_data_block() -> None:
    shared = (
        "The ferry company added two evening crossings to the island villages while the "
        "container berths stay closed for the whole of the strike."
    )
    later = Document(
        "later" + XSS,
        shared + " " + XSS,
        title=XSS,
        url="javascript:alert(5)",
        source=XSS,
        published_at="2999-01-01",
    )
    index = MemoryIndex()
    index.add([later])
    result = trace(index, Document("q", XSS + "\n" + shared, published_at="2021-03-10"))
    assert [s.document.id for s in result.later] == [later.id] and not result.sources
    page = parse(render_html(result))
    assert [tag for tag, _ in page.tags if tag in ("script", "img")] == ["script", "script"]
    data = next(t for tag, a, t in page.blocks if a.get("id") == "wt-data")
    assert "<" not in data and ">" not in data
    payload = payload_of(page)
    assert isinstance(payload, dict)
    assert payload["later"][0]["title"] == XSS
    assert payload["later"][0]["published_at_note"] == "in the future"


def test_report_script_builds_the_page_from_text_nodes_only() -> None:
    """The view draws later documents, ties and edit types with the same DOM helpers as the
    rest: nothing in the scripts parses data as HTML."""
    from wiretrace.report.html import asset_text

    for script in (
        asset_text("report.js"),
        (REPO / "src" / "wiretrace" / "serve" / "static" / "app.js").read_text(),
    ):
        for sink in (
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
            "createContextualFragment",
            "srcdoc",
        ):
            assert sink not in script, sink


def test_every_signal_type_the_library_emits_has_plain_words(showcase_trace: Trace) -> None:
    src = Path(__file__).resolve().parents[1] / "src" / "wiretrace"
    emitted = set()
    for path in src.rglob("*.py"):
        emitted |= set(re.findall(r"\bSignal\(\s*\"([a-z_]+)\"", path.read_text("utf-8")))
    assert {"boilerplate", "truncated_sentence", "fact_drift", "spin"} <= emitted
    assert emitted == set(SIGNAL_WORDS)
    words = view_payload(showcase_trace)["view"]["signal_words"]
    assert words == {k: {"title": w.title, "explain": w.explain} for k, w in SIGNAL_WORDS.items()}
    assert all(w.title and w.explain.endswith(".") for w in SIGNAL_WORDS.values())
    # The JSON report keeps the raw codes.
    assert "signal_words" not in trace_to_dict(showcase_trace)
