"""The terminal report (issue 12 item 4): data is never markup and never a control sequence,
and the report shows the schema 2.0 model (later documents, ties, confidence, edit types)."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import unicodedata
from io import StringIO
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from wiretrace.model import (
    Document,
    Edit,
    EditType,
    Passage,
    PassageKind,
    Signal,
    SourceSummary,
    Span,
    Trace,
)
from wiretrace.report.terminal import render_trace, terminal_safe

# What rich itself writes to a colour terminal: SGR style sequences only (the report makes no
# links and moves no cursor). Anything else starting with ESC came from the data.
RICH_SGR = re.compile(r"\x1b\[[0-9;]*m")
HOSTILE = [
    "[/bold]",
    "[bold red]",
    "[link=https://evil.example]click[/link]",
    "[/]",
    "\x1b]0;pwned\x07",
    "\x1b[2J",
    "\x1b]8;;https://evil.example\x1b\\x",
    "\x9b31m",
    "\r",
    "\x07",
    ":smile:",
    "\\",
    "[",
    "]",
]


def render(trace: Trace, width: int = 100) -> str:
    out = StringIO()
    console = Console(file=out, force_terminal=True, color_system="truecolor", width=width)
    render_trace(trace, console)
    return out.getvalue()


def plain(trace: Trace, width: int = 200) -> str:
    out = StringIO()
    render_trace(trace, Console(file=out, force_terminal=False, width=width))
    return out.getvalue()


def foreign_controls(output: str) -> list[str]:
    """Control characters in ``output`` that rich did not write for its own styles."""
    stripped = RICH_SGR.sub("", output)
    return [c for c in stripped if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F]


def make_trace(
    *,
    query_text: str = "Officials said the summit was planned for Thursday in the port city.",
    query_id: str = "q",
    title: str | None = "Summit planned",
    source_id: str = "wire-1",
    outlet: str | None = "Wire",
    published: str | None = "2019-04-23",
    detail: str = "Russia / Russian Federation",
    query_date: str | None = "2019-04-25",
    edits: tuple[Edit, ...] = (),
    later: tuple[SourceSummary, ...] = (),
    earliest_sources: tuple[str, ...] | None = None,
    hidden: int = 0,
) -> Trace:
    query = Document(id=query_id, text=query_text, published_at=query_date)
    source = Document(
        id=source_id, text="x" * 40, title=title, source=outlet, published_at=published
    )
    end = max(1, len(query_text) // 2)
    passage = Passage(
        Span(0, end), source_id, Span(0, 10), 0.9, PassageKind.NEAR_VERBATIM, edits, 0.83
    )
    earliest = (source_id,) if earliest_sources is None else earliest_sources
    return Trace(
        query=query,
        coverage=0.5,
        passages=(passage,),
        sources=(SourceSummary(source, 0.5, 1),),
        earliest_source=earliest[0] if len(earliest) == 1 else None,
        signals=(Signal("inconsistent_naming", detail),),
        later=later,
        earliest_sources=earliest,
        direction_checked=query_date is not None,
        min_confidence=0.5,
        hidden_passages=hidden,
    )


hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE), st.text(max_size=8)), min_size=1, max_size=6
).map("".join)


@settings(max_examples=150, deadline=None)
@given(
    query=hostile_text,
    title=hostile_text,
    doc_id=hostile_text,
    outlet=hostile_text,
    detail=hostile_text,
    edit=hostile_text,
)
def test_hostile_values_never_crash_and_never_reach_the_terminal(
    query: str, title: str, doc_id: str, outlet: str, detail: str, edit: str
) -> None:
    later_doc = Document(id=doc_id + "-later", text="y", title=title, source=outlet,
                         published_at=edit)  # fmt: skip
    trace = make_trace(
        query_text=query,
        query_id=doc_id,
        title=title,
        source_id=doc_id,
        outlet=outlet,
        published=title,
        detail=detail,
        edits=(Edit(edit, title, EditType.ENTITY),),
        later=(SourceSummary(later_doc, 0.2, 1),),
    )
    # A second source, tied with the first for the earliest: its id and date are shown too.
    tied = Document(id=outlet + "\x1b[2J", text="z", title=detail, published_at=detail)
    trace = dataclasses.replace(
        trace,
        sources=(*trace.sources, SourceSummary(tied, 0.1, 0)),
        earliest_sources=(doc_id, tied.id),
        earliest_source=None,
        hidden_passages=2,
    )
    output = render(trace)
    assert foreign_controls(output) == []
    assert "\x1b]" not in output  # no title change, no hyperlink
    # Without colours rich writes no escape sequence at all, so any control character in the
    # output (bar the newlines) could only have come from the data.
    bare = StringIO()
    render_trace(trace, Console(file=bare, force_terminal=True, color_system=None, width=100))
    assert [c for c in bare.getvalue() if unicodedata.category(c) == "Cc" and c != "\n"] == []


def test_markup_is_shown_as_written() -> None:
    trace = make_trace(
        query_text="He wrote [/bold] and [link=https://evil.example]here[/link] in the text.",
        title="[/bold] title",
        source_id="[bold]id",
        outlet=":smile: [red]outlet",
        detail="detail [/] end",
    )
    output = plain(trace)
    # Without colours the article marks its source as [1] ... [/1]; leave those out here.
    unmarked = re.sub(r"\[/?1\]", "", output)
    for literal in ("[/bold] title", "[bold]id", ":smile: [red]outlet", "detail [/] end",
                    "[link=https://evil.example]here[/link]"):  # fmt: skip
        assert literal in unmarked
    assert "\x1b]8;" not in render(trace)  # no terminal hyperlink


def test_escape_sequences_in_a_title_are_stripped_not_run() -> None:
    trace = make_trace(title="\x1b]0;owned\x07Summit\x1b[2J planned\x9b2J")
    output = render(trace)
    assert foreign_controls(output) == []
    assert "]0;ownedSummit[2J planned2J" in RICH_SGR.sub("", output)


def test_terminal_safe() -> None:
    assert terminal_safe("a\x1b[2Jb\tc\nd\re\x9bf\x00") == "a[2Jb c def"
    assert terminal_safe("a\x1b[2Jb\tc\nd\re", multiline=True) == "a[2Jb\tc\nde"
    assert terminal_safe("Kim Jong Un — 金正恩") == "Kim Jong Un — 金正恩"


def test_earliest_source_tie_later_documents_and_confidence() -> None:
    second = Document(id="wire-2", text="z" * 40, title="Other", published_at="2019-04-23")
    later = Document(id="copy-9", text="c", title="A copy", source="Farm",
                     published_at="2019-05-01")  # fmt: skip
    base = make_trace(
        edits=(
            Edit("Kim Jong Un", "Kim Jong Il", EditType.ENTITY),
            Edit("said", "stated", EditType.OTHER),
        ),
        later=(SourceSummary(later, 0.4, 2),),
        earliest_sources=("wire-1", "wire-2"),
        hidden=3,
    )
    trace = dataclasses.replace(base, sources=(*base.sources, SourceSummary(second, 0.1, 1)))
    output = plain(trace)
    assert "tie: Summit planned (2019-04-23), Other (2019-04-23)" in output  # titles, not ids
    assert "their order is unknown at the precision of their dates" in output
    assert "Later documents (dated after this article, not sources)" in output
    later_row = next(line for line in output.splitlines() if "copy-9" in line)
    assert "2019-05-01" in later_row and "40.0%" in later_row
    assert "'Kim Jong Un' -> 'Kim Jong Il' (entity)" in output
    assert "'said' -> 'stated'" in output and "(other)" not in output
    assert "0.83" in output  # the passage's confidence
    assert "3 passage(s) below confidence 0.50 hidden" in output
    assert "direction could not be checked" not in output


def test_one_earliest_source_and_an_undated_article() -> None:
    output = plain(make_trace(query_date=None))
    assert "Earliest source: Summit planned (2019-04-23)" in output
    assert "tie:" not in output
    assert "direction could not be checked: the article has no date" in output
    assert "Later documents" not in output
    assert "hidden" not in output


def _three_sources() -> Trace:
    """One article with three sources, one after another."""
    text = "First part from the wire. Second part from the daily. Third part from the blog."
    docs = [
        Document(id=f"src-{i}", text="x" * 40, title=title, published_at="2019-04-23")
        for i, title in enumerate(
            ("Wire report on the summit in the eastern port city of Vladivostok", "Daily", "Blog")
        )
    ]
    cuts = [(0, 25), (26, 53), (54, len(text))]
    passages = tuple(
        Passage(Span(a, b), d.id, Span(0, 10), 0.9, PassageKind.VERBATIM, (), 0.9)
        for d, (a, b) in zip(docs, cuts, strict=True)
    )
    return Trace(
        query=Document(id="q", text=text, published_at="2019-04-25"),
        coverage=0.95,
        passages=passages,
        sources=tuple(SourceSummary(d, 0.3, 1) for d in docs),
        earliest_source=None,
        earliest_sources=tuple(d.id for d in docs),
    )


def test_without_colours_sources_are_marked_in_brackets() -> None:
    output = plain(_three_sources())
    assert "[1]First part from the wire.[/1]" in output
    assert "[2]Second part from the daily.[/2]" in output
    assert "[3]Third part from the blog.[/3]" in output
    coloured = RICH_SGR.sub("", render(_three_sources()))
    assert "First part from the wire." in coloured and "[/1]" not in coloured


def test_sixteen_colours_keep_sources_apart() -> None:
    out = StringIO()
    console = Console(file=out, force_terminal=True, color_system="standard", width=120)
    render_trace(_three_sources(), console)
    # Each source's stretch starts with its own SGR sequence: three different ones.
    article = out.getvalue().split("Legend", 1)[1]
    styles = {
        re.search(r"(\x1b\[[0-9;]*m)" + re.escape(part), article).group(1)  # type: ignore[union-attr]
        for part in ("First part", "Second part", "Third part")
    }
    assert len(styles) == 3


def test_titles_stand_for_sources_and_passages_show_their_text() -> None:
    output = plain(_three_sources(), width=120)
    assert "[1] Wire report on the summit in the easter…" in output  # shortened, in the legend
    assert "tie: Wire report on the summit in the easter… (2019-04-23), Daily" in output
    table = output.split("Passages", 1)[1]
    assert "First part from the wire." in table and "Third part from the blog." in table


# --- through the real CLI ---------------------------------------------------------------------

WIRETRACE = [sys.executable, "-m", "wiretrace.cli"]
TEXT = (
    "Preparations are under way for a summit between the two leaders in the eastern port city, "
    "officials said on Tuesday, as road crews resurfaced the approach to the railway station."
)


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    # FORCE_COLOR makes rich write to the pipe as to a colour terminal.
    env = {**os.environ, "COLUMNS": "120", "FORCE_COLOR": "1", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    return subprocess.run(
        [*WIRETRACE, *args], input=stdin, capture_output=True, text=True, timeout=300, env=env
    )


def test_cli_trace_with_markup_and_escapes_in_query_and_stored_title(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    db = tmp_path / "news.db"
    made = run_cli("index", "--db", str(db), str(empty), "--quiet")
    assert made.returncode == 0, made.stderr
    query = "He said [/bold] and [link=https://evil.example]x[/link] \x1b]0;pwned\x07 " + TEXT
    on_empty = run_cli("trace", "--db", str(db), "-", stdin=query)
    assert on_empty.returncode == 0, on_empty.stderr
    assert "[/bold]" in on_empty.stdout
    assert foreign_controls(on_empty.stdout) == []
    assert "\x1b[" in on_empty.stdout  # rich did colour the output: the check above means it

    record = {"id": "w[/bold]1\x1b[2J", "title": "[/bold]\x1b]0;owned\x07 Summit",
              "source": "[link=https://evil.example]Wire", "published_at": "2019-04-23",
              "text": TEXT}  # fmt: skip
    (tmp_path / "news.jsonl").write_text(json.dumps(record) + "\n")
    added = run_cli("index", "--db", str(db), str(tmp_path / "news.jsonl"), "--quiet")
    # The id holds a control character: rejected at input, naming the line.
    assert added.returncode != 0
    assert "news.jsonl:1" in added.stderr and "control character" in added.stderr
    record["id"] = "w[/bold]1"
    (tmp_path / "news.jsonl").write_text(json.dumps(record) + "\n")
    added = run_cli("index", "--db", str(db), str(tmp_path / "news.jsonl"), "--quiet")
    assert added.returncode == 0, added.stderr
    found = run_cli("trace", "--db", str(db), "-", stdin=query)
    assert found.returncode == 0, found.stderr
    shown = RICH_SGR.sub("", found.stdout)
    assert "[/bold] Summit" in shown.replace("]0;owned", "")
    assert "w[/bold]1" in shown
    assert foreign_controls(found.stdout) == []
    assert "\x1b]" not in found.stdout


def test_cli_index_summary_with_markup_and_escapes_in_the_db_path(tmp_path: Path) -> None:
    data = tmp_path / "news.jsonl"
    data.write_text(json.dumps({"id": "w1", "text": TEXT}) + "\n")
    (tmp_path / "[").mkdir()
    db = tmp_path / "[" / "bold]\x1b]0;t\x07.db"  # the path holds "[/bold]"
    result = run_cli("index", "--db", str(db), str(data), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "[/bold]" in RICH_SGR.sub("", result.stderr)
    assert foreign_controls(result.stderr) == []
    assert db.exists()


def test_cli_corpus_error_naming_a_file_with_escapes_strips_them(tmp_path: Path) -> None:
    bad = tmp_path / "feed\x1b]0;owned\x07\x1b[2J.jsonl"
    bad.write_text('{"id": "a", "text": "fine"}\nnot json\n')
    for args in (["corpus", "reuse"], ["corpus", "stories"]):
        result = run_cli(*args, str(bad), "--out", str(tmp_path / "out"))
        assert result.returncode == 1, result.stderr
        assert "not valid JSON" in result.stderr
        message = result.stderr[result.stderr.index("error: ") :]  # after the progress bar
        assert "feed]0;owned[2J.jsonl:2" in message
        assert [c for c in message if unicodedata.category(c) == "Cc" and c != "\n"] == []


def test_signals_are_named_in_plain_words_with_their_code() -> None:
    shown = plain(make_trace())
    row = shown[shown.index("Signals") :]
    assert "One name written two ways" in row and "inconsistent_naming" in row
    assert row.index("One name written two ways") < row.index("inconsistent_naming")
