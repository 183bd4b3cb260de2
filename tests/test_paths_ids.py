"""Paths and ids (issue 12 item 5), through the real CLI and the real SQLite index.

- ``--db`` is a path, never a SQLite URI: ``news#2.db`` and ``what?.db`` are those files;
- ids with control characters or over 1,024 characters are rejected at input, naming the
  place, and by the index's add path, so every stored document can be fetched;
- negative counts are refused by the option parser;
- an unwritable ``--rejects`` path is reported before any work;
- a flood of blank lines in a gzip is skipped in work linear in its bytes, not its lines.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import socket
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cli import run as run_cli

from wiretrace.cli import main
from wiretrace.errors import RecordError
from wiretrace.ids import MAX_ID_LENGTH, id_problem
from wiretrace.index.memory import MemoryIndex
from wiretrace.index.sqlite import SQLiteIndex
from wiretrace.ingest import ReadOptions
from wiretrace.ingest.jsonl import _raw_lines
from wiretrace.ingest.readers import iter_records
from wiretrace.model import Document

WIRETRACE = [sys.executable, "-m", "wiretrace.cli"]
TEXT = (
    "Preparations are under way for a summit between the two leaders in the eastern port city, "
    "officials said on Tuesday, as road crews resurfaced the approach to the railway station."
)


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI, whatever its exit status (these tests check failures too)."""
    return run_cli(*args, stdin=stdin, check=False)


def write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# --- ids --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc_id", "why"),
    [
        ("a\x00b", "U+0000"),
        ("a\x1b[2Jb", "U+001B"),
        ("tab\there", "U+0009"),
        ("c1\x9b", "U+009B"),
        ("x" * (MAX_ID_LENGTH + 1), "1,025 characters"),
        ("   ", "empty"),
    ],
)
def test_id_rule(doc_id: str, why: str) -> None:
    problem = id_problem(doc_id)
    assert problem is not None and why in problem


def test_id_rule_matches_unicode_categories_on_every_code_point() -> None:
    """The fast check (one regular expression) against the plain rule: categories Cc, Cs."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        problem = id_problem("id" + char)
        assert (problem is not None) == (unicodedata.category(char) in ("Cc", "Cs")), hex(code)


def test_ids_that_are_fine() -> None:
    for doc_id in ("wire-1", "x" * MAX_ID_LENGTH, "https://example.org/a?b=c#d", "金正恩 [1]"):
        assert id_problem(doc_id) is None


def test_index_refuses_bad_ids_whichever_way_they_come(tmp_path: Path) -> None:
    for index in (SQLiteIndex(tmp_path / "i.db"), MemoryIndex()):
        with pytest.raises(RecordError, match="U\\+001B"):
            index.add([Document(id="ok", text=TEXT), Document(id="bad\x1b]0;x", text=TEXT)])
        assert len(index) == 0  # the batch is refused before anything is written
        with pytest.raises(RecordError, match="over the limit of 1,024"):
            index.add([Document(id="y" * 2000, text=TEXT)])
        index.close()


def test_cli_index_rejects_bad_ids_naming_file_and_line(tmp_path: Path) -> None:
    data = write_jsonl(
        tmp_path / "news.jsonl",
        [
            {"id": "good", "text": TEXT},
            {"id": "nul\u0000id", "text": TEXT},
            {"id": "z" * 1500, "text": TEXT},
            {"id": "esc\u001b]0;t\u0007", "text": TEXT},
        ],
    )
    db = tmp_path / "i.db"
    stopped = run("index", "--db", str(db), str(data), "--quiet")
    assert stopped.returncode == 1
    assert f"{data}:2: 'id' holds the control character U+0000" in stopped.stderr
    assert "Traceback" not in stopped.stderr

    rejects = tmp_path / "rejects.jsonl"
    skipped = run(
        "index", "--db", str(db), str(data), "--skip-bad", "--rejects", str(rejects), "--quiet"
    )
    assert skipped.returncode == 0, skipped.stderr
    listed = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [r["location"] for r in listed] == [f"{data}:{n}" for n in (2, 3, 4)]
    assert "over the limit of 1,024" in listed[1]["reason"]
    index = SQLiteIndex(db, create=False, readonly=True)
    assert list(index.ids()) == ["good"]
    index.close()


def test_cli_index_rejects_a_text_file_whose_name_is_a_bad_id(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "fine.txt").write_text(TEXT)
    (folder / "bell\x07.txt").write_text(TEXT)
    db = tmp_path / "i.db"
    result = run("index", "--db", str(db), str(folder), "--skip-bad", "--quiet")
    assert result.returncode == 0, result.stderr
    listed = (tmp_path / "i.db.rejects.jsonl").read_text()
    assert "U+0007" in listed and "bell" in listed
    assert "\x07" not in result.stderr  # the id is shown escaped
    documents = list(iter_records([folder], ReadOptions()))
    assert [d.id for d in documents if isinstance(d, Document)] == ["fine.txt"]


# --- --db is a path ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["news#2.db", "what?.db", "100%25.db", "a b?mode=ro.db"])
def test_cli_db_is_a_path_not_a_uri(tmp_path: Path, name: str) -> None:
    data = write_jsonl(tmp_path / "news.jsonl", [{"id": "w1", "text": TEXT}])
    # Files a URI reading of the name would open instead.
    decoys = {tmp_path / "news": b"not an index", tmp_path / "what": b"", tmp_path / "a b": b""}
    for decoy, content in decoys.items():
        decoy.write_bytes(content)
    db = tmp_path / name
    made = run("index", "--db", str(db), str(data), "--quiet")
    assert made.returncode == 0, made.stderr
    assert db.is_file() and db.stat().st_size > 0
    for decoy, content in decoys.items():
        assert decoy.read_bytes() == content
    expected = {"news.jsonl", name, f"{name}-wal", f"{name}-shm", *(d.name for d in decoys)}
    assert {p.name for p in tmp_path.iterdir()} - expected == set()
    traced = run("trace", "--db", str(db), "--json", "-", stdin=TEXT)
    assert traced.returncode == 0, traced.stderr
    assert json.loads(traced.stdout)["passages"][0]["source_id"] == "w1"


def test_cli_trace_on_a_missing_db_with_uri_characters(tmp_path: Path) -> None:
    (tmp_path / "news").write_bytes(b"")
    result = run("trace", "--db", str(tmp_path / "news#2.db"), "-", stdin=TEXT)
    assert result.returncode == 1
    assert "news#2.db: no such index" in result.stderr
    assert not (tmp_path / "news#2.db").exists()


# --- counts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["trace", "--db", "{db}", "--max-candidates", "-1", "-"],
        ["trace", "--db", "{db}", "--max-candidates", "0", "-"],
        ["trace", "--db", "{db}", "--max-bytes", "-5", "-"],
        ["index", "--db", "{db}", "--workers", "-3", "{data}"],
        ["index", "--db", "{db}", "--workers", "0", "{data}"],
        ["index", "--db", "{db}", "--max-bytes", "0", "{data}"],
        ["eval", "pan", "{tmp}", "--workers", "-1"],
        ["eval", "pan", "{tmp}", "--limit", "-2"],
        ["eval", "spun", "{tmp}", "--count", "-4"],
        ["eval", "spun", "{tmp}", "--distractors", "-2"],
        ["corpus", "reuse", "{data}", "--out", "{tmp}/out", "--workers", "-3"],
        ["corpus", "reuse", "{data}", "--out", "{tmp}/out", "--max-df", "-1"],
        ["corpus", "reuse", "{data}", "--out", "{tmp}/out", "--min-shared", "-1"],
        ["corpus", "reuse", "{data}", "--out", "{tmp}/out", "--spark-partitions", "-1"],
        ["corpus", "reuse", "{data}", "--out", "{tmp}/out", "--max-bytes", "-1"],
        ["corpus", "report", "{tmp}", "--html", "{tmp}/r.html", "--top", "-1"],
        ["corpus", "stories", "{data}", "--out", "{tmp}/out", "--window-days", "-1"],
        ["corpus", "stories", "{data}", "--out", "{tmp}/out", "--threshold", "-0.5"],
    ],
)
def test_cli_refuses_negative_counts_before_any_work(tmp_path: Path, args: list[str]) -> None:
    data = write_jsonl(tmp_path / "news.jsonl", [{"id": "w1", "text": TEXT}])
    db = tmp_path / "i.db"
    filled = [a.format(db=db, data=data, tmp=tmp_path) for a in args]
    result = CliRunner().invoke(main, filled, input=TEXT)
    assert result.exit_code == 2, result.output
    option = next(a for a in args if a.startswith("--") and a not in ("--db", "--out", "--html"))
    assert f"Invalid value for '{option}'" in result.output
    assert not db.exists() and not (tmp_path / "out").exists()


def test_cli_negative_count_through_the_installed_entry_point(tmp_path: Path) -> None:
    result = run("trace", "--db", str(tmp_path / "i.db"), "--max-candidates", "-1", "-")
    assert result.returncode == 2
    assert "Invalid value for '--max-candidates': -1 is not in the range x>=1" in result.stderr


# --- --rejects --------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["missing/folder/rejects.jsonl", "news.jsonl/rejects.jsonl"])
def test_cli_unwritable_rejects_path_is_refused_before_any_work(tmp_path: Path, where: str) -> None:
    data = write_jsonl(tmp_path / "news.jsonl", [{"id": "w1", "text": TEXT}, {"id": "w2"}])
    db = tmp_path / "i.db"
    rejects = tmp_path / where
    result = run("index", "--db", str(db), str(data), "--skip-bad", "--rejects", str(rejects))
    assert result.returncode == 2
    assert "Invalid value for --rejects: cannot write" in result.stderr
    assert str(rejects) in result.stderr
    assert "Traceback" not in result.stderr
    assert not db.exists()  # refused before the index was even opened


def test_cli_writable_rejects_path_is_not_left_behind_when_nothing_is_rejected(
    tmp_path: Path,
) -> None:
    data = write_jsonl(tmp_path / "news.jsonl", [{"id": "w1", "text": TEXT}])
    rejects = tmp_path / "rejects.jsonl"
    result = run("index", "--db", str(tmp_path / "i.db"), str(data), "--skip-bad",
                 "--rejects", str(rejects), "--quiet")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert not rejects.exists()


# --- blank-line floods ------------------------------------------------------------------------


class CountingStream(io.BytesIO):
    """A byte stream that counts the reads made of it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.reads = 0

    def read1(self, size: int | None = -1, /) -> bytes:
        self.reads += 1
        return super().read1(size)


def reference_lines(data: bytes, limit: int) -> list[tuple[int, bytes | None]]:
    """The numbered lines that are not blank, plainly; None for a line over ``limit`` (even a
    blank one: it is not read to tell)."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [(n, line if len(line) <= limit else None)
            for n, line in enumerate(lines, 1) if line.strip() or len(line) > limit]  # fmt: skip


def numbered(data: bytes, limit: int, chunk: int) -> tuple[list[tuple[int, bytes | None]], int]:
    items = list(_raw_lines(CountingStream(data), limit, chunk))
    out, lineno, total = [], 0, 0
    for raw, length, count in items:
        lineno += count
        total += length
        if raw is None or raw.strip():
            out.append((lineno, raw))
    assert total == len(data)  # every byte is accounted for, so offsets stay right
    return out, len(items)


PIECES = [b"\n", b" \n", b"\r\n", b"\t \r\n", b"{}", b"x", b"  ", b"\xef\xbb\xbf", b"ab" * 15]
line_pieces = st.lists(st.sampled_from(PIECES), max_size=40).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(data=line_pieces, limit=st.integers(1, 40), chunk=st.integers(1, 16))
def test_raw_lines_match_a_plain_split(data: bytes, limit: int, chunk: int) -> None:
    got, _ = numbered(data, limit, chunk)
    assert got == reference_lines(data, limit)


def test_blank_line_flood_costs_work_per_chunk_not_per_line() -> None:
    chunk = 64 * 1024
    costs = []
    for blank_lines in (1 << 20, 1 << 21, 1 << 22):
        for unit in (b"\n", b" \r\n"):
            data = unit * blank_lines + b'{"id": "a", "text": "b"}\n'
            stream = CountingStream(data)
            items = list(_raw_lines(stream, 1 << 20, chunk))
            assert sum(count for _, _, count in items) == blank_lines + 1
            # One read and at most two items per chunk of blanks (a line cut by the chunk's end
            # comes alone), never one per line.
            assert len(items) <= 2 * (len(data) // chunk + 2)
            assert stream.reads <= len(data) // chunk + 2
            costs.append(len(items))
    # Doubling the flood at most doubles the work (and it is a few hundred items, not millions).
    assert costs[2] <= 2 * costs[1] + 2 and costs[4] <= 2 * costs[2] + 2
    assert max(costs) < 1000


def test_cli_gzip_flood_of_blank_lines_keeps_line_numbers(tmp_path: Path) -> None:
    flood = 3_000_000  # 3 MB of blank lines in a gzip of a few kB
    data = tmp_path / "flood.jsonl.gz"
    with gzip.open(data, "wb") as fh:
        fh.write(json.dumps({"id": "first", "text": TEXT}).encode() + b"\n")
        fh.write(b"\n" * flood)
        fh.write(b" \r\n" * 1000)
        fh.write(b'{"id": "bad"}\n')
        fh.write(json.dumps({"id": "last", "text": TEXT + " More."}).encode() + b"\n")
    assert data.stat().st_size < 20_000
    db = tmp_path / "i.db"
    result = run("index", "--db", str(db), str(data), "--skip-bad", "--quiet")
    assert result.returncode == 0, result.stderr
    rejects = (tmp_path / "i.db.rejects.jsonl").read_text()
    assert json.loads(rejects)["location"] == f"{data}:{flood + 1000 + 2}"
    index = SQLiteIndex(db, create=False, readonly=True)
    assert sorted(index.ids()) == ["first", "last"]
    index.close()


# --- the HTTP API writes through the same checks ----------------------------------------------


def test_api_post_documents_rejects_bad_ids_and_every_stored_one_can_be_fetched(
    tmp_path: Path,
) -> None:
    httpx = pytest.importorskip("httpx", reason="the [serve] extra is not installed")
    db = tmp_path / "api#1.db"
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert run("index", "--db", str(db), str(empty), "--quiet").returncode == 0
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "WIRETRACE_TOKEN"}
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(
        [*WIRETRACE, "serve", "--db", str(db), "--port", str(port), "--log-level", "warning"],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if httpx.get(f"{base}/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        records = [
            {"id": "fine/1", "text": TEXT},
            {"id": "nul\u0000", "text": TEXT + " a"},
            {"id": "esc\u001b[2J", "text": TEXT + " b"},
            {"id": "w" * 1025, "text": TEXT + " c"},
            {"id": "w" * 1024, "text": TEXT + " d"},
        ]
        response = httpx.post(f"{base}/v1/documents", json=records, timeout=60)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["added"] == 2
        assert [r["location"] for r in body["rejects"]] == ["item 1", "item 2", "item 3"]
        assert "U+0000" in body["rejects"][0]["reason"]
        assert "over the limit of 1,024" in body["rejects"][2]["reason"]
        index = SQLiteIndex(db, create=False, readonly=True)
        stored = sorted(index.ids())
        index.close()
        assert stored == sorted(["fine/1", "w" * 1024])
        for doc_id in stored:
            got = httpx.get(f"{base}/v1/documents/{doc_id}", timeout=30)
            assert got.status_code == 200 and got.json()["id"] == doc_id
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()


def test_cli_gzip_of_blank_lines_named_warc_is_rejected_not_skipped(tmp_path: Path) -> None:
    data = tmp_path / "flood.warc.gz"
    data.write_bytes(gzip.compress(b"\n" * 3_000_000))
    result = run("index", "--db", str(tmp_path / "i.db"), str(data), "--quiet")
    assert result.returncode == 1
    assert f"{data}:record 1 (byte 0): not a WARC record: no WARC-Type header" in result.stderr


def test_cli_skip_bad_with_db_in_a_missing_folder_names_the_folder(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "news.jsonl", [{"id": "w1", "text": TEXT}])
    db = tmp_path / "nowhere" / "i.db"
    result = run("index", "--db", str(db), str(data), "--skip-bad")
    assert result.returncode == 1
    assert f"folder {db.parent} does not exist" in result.stderr
