"""The CLI as a user runs it: real subprocesses, real files, a real SQLite index."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

from wiretrace.report.json import trace_schema

WIRETRACE = [sys.executable, "-m", "wiretrace.cli"]

ARTICLES = [
    {
        "id": "wire-1",
        "title": "Summit planned",
        "source": "Wire",
        "published_at": "2019-04-23",
        "text": "Preparations are under way for a summit between the two leaders in the eastern "
        "port city, officials said on Tuesday, as road crews resurfaced the approach to the "
        "railway station and police closed several streets near the waterfront.",
    },
    {
        "id": "paper-2",
        "title": "Debt written off",
        "source": "Daily",
        "published_at": "2019-04-24",
        "text": "Moscow wrote off eleven billion dollars of debt accrued during the Soviet era, "
        "the analyst said, hoping that it would open a new chapter of economic cooperation "
        "between the two countries and their railways, ports and energy companies.",
    },
]


def run(
    *args: str, stdin: str | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [*WIRETRACE, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "120"},
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"exit {proc.returncode}\nstdout: {proc.stdout}\nstderr: {proc.stderr}"
        )
    return proc


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "news.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    folder = tmp_path / "txt" / "sub"
    folder.mkdir(parents=True)
    (folder / "note.txt").write_text(
        "A short local note about the weather and nothing else at all."
    )
    return path


def test_index_then_trace_json_and_terminal(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "i.db"
    first = run("index", "--db", str(db), str(corpus), str(tmp_path / "txt"), "--quiet")
    assert "added" in first.stderr and " 3 " in first.stderr
    again = run("index", "--db", str(db), str(corpus), "--quiet")
    # The summary row of JSONL: read 2, added 0, updated 0, metadata 0, unchanged 2.
    assert re.search(r"jsonl\s*│\s*2\s*│\s*0\s*│\s*0\s*│\s*0\s*│\s*2\s*│", again.stderr)
    with sqlite3.connect(db) as con:
        ids = [r[0] for r in con.execute("SELECT id FROM documents ORDER BY id")]
    assert ids == ["paper-2", "sub/note.txt", "wire-1"]

    article = (
        "Local residents were surprised. "
        + ARTICLES[1]["text"].replace("Moscow", "Russia")
        + " Then: "
        + ARTICLES[0]["text"]
        + " Discuss This Article"
    )
    query = tmp_path / "article.txt"
    query.write_text(article, encoding="utf-8")
    report = json.loads(run("trace", "--db", str(db), str(query), "--json").stdout)
    jsonschema.validate(report, trace_schema())
    assert {s["id"] for s in report["sources"]} == {"wire-1", "paper-2"}
    assert report["earliest_source"] == "wire-1"
    wire = next(p for p in report["passages"] if p["source_id"] == "wire-1")
    assert article[wire["query_start"] : wire["query_end"]] == ARTICLES[0]["text"]
    paper = next(p for p in report["passages"] if p["source_id"] == "paper-2")
    assert ("Moscow", "Russia") in [(e["from"], e["to"]) for e in paper["edits"]]

    from_stdin = json.loads(run("trace", "--db", str(db), "-", "--json", stdin=article).stdout)
    assert from_stdin["passages"] == report["passages"]
    assert from_stdin["query"]["id"] == "stdin"

    screen = run("trace", "--db", str(db), str(query)).stdout
    assert "wire-1" in screen and "Sources" in screen and "earliest" in screen


def test_bad_records_stop_the_run_or_are_skipped_and_listed(tmp_path: Path, corpus: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(
        json.dumps(ARTICLES[0]).encode()
        + b"\n"
        + b"{not json\n"
        + b'{"id": "x", "text": "   "}\n'
        + b'{"text": "no id here"}\n'
        + '{"id": "latin", "text": "caf\u00e9"}\n'.encode("latin-1")
        + json.dumps(ARTICLES[1]).encode()
        + b"\n"
    )
    db = tmp_path / "b.db"
    stopped = run("index", "--db", str(db), str(bad), "--quiet", check=False)
    assert stopped.returncode == 1
    assert f"{bad}:2" in stopped.stderr and "--skip-bad" in stopped.stderr

    rejects = tmp_path / "rejects.jsonl"
    done = run(
        "index", "--db", str(db), str(bad), "--skip-bad", "--rejects", str(rejects), "--quiet"
    )
    assert "rejected" in done.stderr
    listed = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [r["location"] for r in listed] == [f"{bad}:{n}" for n in (2, 3, 4, 5)]
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 2


def test_unusable_paths_get_clear_errors(tmp_path: Path, corpus: Path) -> None:
    missing_dir = run("index", "--db", str(tmp_path / "nope" / "x.db"), str(corpus), check=False)
    assert missing_dir.returncode == 1 and "does not exist" in missing_dir.stderr
    no_index = run("trace", "--db", str(tmp_path / "absent.db"), str(corpus), check=False)
    assert no_index.returncode == 1 and "absent.db" in no_index.stderr
    no_input = run(
        "index", "--db", str(tmp_path / "y.db"), str(tmp_path / "ghost.jsonl"), check=False
    )
    assert no_input.returncode != 0 and "ghost.jsonl" in no_input.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    db = tmp_path / "z.db"
    run("index", "--db", str(db), str(corpus), "--quiet")
    empty_trace = run("trace", "--db", str(db), str(empty), check=False)
    assert empty_trace.returncode == 1 and "empty.txt" in empty_trace.stderr
    big = tmp_path / "big.txt"
    big.write_text("word " * 400)
    too_big = run("trace", "--db", str(db), str(big), "--max-bytes", "1000", check=False)
    assert too_big.returncode == 1 and "big.txt" in too_big.stderr
    # A DB path that cannot be written: a folder (fails for root too), and, for a normal
    # user, a file in a read-only folder.
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    unwritable = run("index", "--db", str(folder), str(corpus), check=False)
    assert unwritable.returncode != 0 and "a-folder.db" in unwritable.stderr
    if os.geteuid() != 0:  # root can write anywhere, so only check this as a normal user
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        unwritable = run("index", "--db", str(ro / "x.db"), str(corpus), check=False)
        assert unwritable.returncode == 1 and "x.db" in unwritable.stderr


def _fingerprint_of(db: Path) -> tuple[list[tuple[str, str, str]], int, int]:
    with sqlite3.connect(db) as con:
        docs = con.execute(
            "SELECT id, text_digest, meta_digest FROM documents ORDER BY id"
        ).fetchall()
        postings = con.execute(
            "SELECT COUNT(*), TOTAL(p.hash % 1000003 * 7 + length(d.id)) FROM postings p"
            " JOIN documents d ON d.rowid = p.doc"
        ).fetchone()
    return docs, postings[0], int(postings[1])


@pytest.mark.slow
def test_a_killed_index_run_resumes_to_the_same_index(tmp_path: Path) -> None:
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(3000)]
    corpus = tmp_path / "many.jsonl"
    with corpus.open("w") as fh:
        for i in range(12_000):
            text = " ".join(rng.choice(vocab) for _ in range(120))
            fh.write(json.dumps({"id": f"doc-{i:05d}", "text": text}) + "\n")
    clean, killed = tmp_path / "clean.db", tmp_path / "killed.db"
    run("index", "--db", str(clean), str(corpus), "--quiet")

    proc = subprocess.Popen(
        [*WIRETRACE, "index", "--db", str(killed), str(corpus), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    count = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        try:
            with sqlite3.connect(f"file:{killed}?mode=ro", uri=True) as con:
                count = con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        except sqlite3.Error:
            continue
        if count >= 1500:
            break
    assert proc.poll() is None, "indexing finished before it could be killed; use more documents"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < count < 12_000
    run("index", "--db", str(killed), str(corpus), "--quiet")
    assert _fingerprint_of(killed) == _fingerprint_of(clean)


def test_eval_pan_cli_writes_detections_and_json(tmp_path: Path) -> None:
    from test_eval_pan import _make_corpus

    corpus = tmp_path / "pan"
    _make_corpus(corpus)
    out = tmp_path / "detections"
    proc = run("eval", "pan", str(corpus), "--json", "--detections", str(out), "--workers", "1")
    report = json.loads(proc.stdout)
    assert report["pairs"] == 5
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        f"suspicious-document0000{s}-source-document0000{r}.xml"
        for s, r in [("1", "1"), ("2", "2"), ("1", "3"), ("3", "4"), ("2", "3")]
    )
    table = run("eval", "pan", str(corpus), "--workers", "1").stdout
    assert "plagdet" in table and "02-no-obfuscation" in table
    missing = run("eval", "pan", str(tmp_path / "nowhere"), check=False)
    assert missing.returncode == 1 and "nowhere" in missing.stderr


# --- trace --published-at, --title, --source, --url (issue 11) ---------------------------------


@pytest.fixture
def indexed(tmp_path: Path, corpus: Path) -> Path:
    db = tmp_path / "i.db"
    run("index", "--db", str(db), str(corpus), "--quiet")
    return db


def test_trace_metadata_options_fill_and_override_the_file(tmp_path: Path, indexed: Path) -> None:
    text = str(ARTICLES[0]["text"])
    before = run(
        "trace", "--db", str(indexed), "--json", "-", "--published-at", "2019-04-25",
        "--title", "A summit", "--source", "Copy Farm", "--url", "https://farm.example/1",
        stdin=text,
    )  # fmt: skip
    report = json.loads(before.stdout)
    assert report["query"] == {
        "id": "stdin", "length": len(text), "title": "A summit", "source": "Copy Farm",
        "url": "https://farm.example/1", "published_at": "2019-04-25", "published_at_note": None,
    }  # fmt: skip
    assert [s["id"] for s in report["sources"]] == ["wire-1"]

    # The same article said to be published before wire-1: wire-1 is a later copy, not a source.
    record = {**ARTICLES[0], "id": "mine", "published_at": "2019-04-25", "title": "Old"}
    article = tmp_path / "article.jsonl"
    article.write_text(json.dumps(record) + "\n")
    earlier = run("trace", "--db", str(indexed), "--json", str(article),
                  "--published-at", "2019-04-20T08:00:00Z", "--title", "New")  # fmt: skip
    report = json.loads(earlier.stdout)
    assert report["query"]["published_at"] == "2019-04-20T08:00:00Z"
    assert report["query"]["title"] == "New"
    assert report["sources"] == [] and report["earliest_source"] is None

    shown = run("trace", "--db", str(indexed), str(article), "--published-at", "2019-04-20")
    assert "Later documents (dated after this article, not sources)" in shown.stdout
    later_row = next(line for line in shown.stdout.splitlines() if "wire-1" in line)
    assert "2019-04-23" in later_row
    assert "direction could not be checked" not in shown.stdout


def test_trace_exclude_leaves_a_source_out(indexed: Path) -> None:
    text = str(ARTICLES[0]["text"]) + " " + str(ARTICLES[1]["text"])
    both = json.loads(run("trace", "--db", str(indexed), "--json", "-", stdin=text).stdout)
    assert {s["id"] for s in both["sources"]} == {"wire-1", "paper-2"}
    one = run("trace", "--db", str(indexed), "--json", "-", "--exclude", "wire-1", stdin=text)
    report = json.loads(one.stdout)
    assert [s["id"] for s in report["sources"]] == ["paper-2"]
    assert {p["source_id"] for p in report["passages"]} == {"paper-2"}
    none = run("trace", "--db", str(indexed), "--json", "-", "--exclude", "wire-1",
               "--exclude", "paper-2", stdin=text)  # fmt: skip
    assert json.loads(none.stdout)["sources"] == []


def test_trace_without_a_date_says_direction_was_not_checked(indexed: Path) -> None:
    shown = run("trace", "--db", str(indexed), "-", stdin=str(ARTICLES[0]["text"]))
    assert "direction could not be checked: the article has no date" in shown.stdout
    assert "Earliest source: Summit planned (2019-04-23)" in shown.stdout


@pytest.mark.parametrize("value", ["yesterday", "2019-13-01", "23/04/2019", ""])
def test_trace_published_at_that_is_not_iso_8601_is_a_clear_error(
    indexed: Path, value: str
) -> None:
    result = run("trace", "--db", str(indexed), "-", "--published-at", value,
                 stdin="Some text.", check=False)  # fmt: skip
    assert result.returncode == 2
    assert "Invalid value for --published-at" in result.stderr
    assert f"{value!r} is not an ISO 8601 date" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("value", "why"), [("2999-01-01", "in the future"), ("1850-06-01T12:00Z", "before 1900")]
)
def test_trace_implausible_dates_are_kept_and_flagged(indexed: Path, value: str, why: str) -> None:
    result = run("trace", "--db", str(indexed), "--json", "-", "--published-at", value,
                 stdin=str(ARTICLES[1]["text"]))  # fmt: skip
    assert f"warning: --published-at: the article's date {value} is {why}" in result.stderr
    assert json.loads(result.stdout)["query"]["published_at"] == value
