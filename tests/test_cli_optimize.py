"""``wiretrace optimize``: compacting an index through the command line."""

from __future__ import annotations

import json
import random
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

import wiretrace.index.sqlite_postings as runs_module
from wiretrace import Document, open_index
from wiretrace.cli import main


def test_optimize_reports_its_steps_and_the_index_still_traces(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    text = "The harbour council voted on the ferry budget after a long strike by the crews."
    with open_index(db) as index:
        index.add([Document("a", text), Document("b", "Flood waters rose along the river.")])
    runner = CliRunner()
    result = runner.invoke(main, ["optimize", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "merged into one" in result.output and "MB after" in result.output
    result = runner.invoke(main, ["optimize", "--db", str(db), "--no-vacuum", "--json"])
    report = json.loads(result.output)
    assert report["vacuum_seconds"] is None and report["postings_tables"] == 1
    query = tmp_path / "q.txt"
    query.write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["trace", "--db", str(db), str(query), "--json"])
    assert result.exit_code == 0, result.output
    assert [s["id"] for s in json.loads(result.output)["sources"]] == ["a"]


def test_optimize_names_a_missing_index(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["optimize", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert "none.db: no such index" in result.output


def _postings_tables(db: Path) -> int:
    """How many postings tables hold postings (the write table and the sealed runs)."""
    with closing(sqlite3.connect(db)) as con:
        names = [
            r[0]
            for r in con.execute("SELECT name FROM sqlite_master WHERE name GLOB 'postings*'")
            if r[0] != "postings_runs"
        ]
        return sum(con.execute(f"SELECT EXISTS (SELECT 1 FROM {n})").fetchone()[0] for n in names)


def test_index_with_optimize_leaves_one_postings_table_and_the_same_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runs_module, "LEVEL0_POSTINGS", 40)  # seal every run: several tables
    words = [
        "harbour",
        "council",
        "ferry",
        "budget",
        "strike",
        "crews",
        "mayor",
        "river",
        "bridge",
        "week",
        "flood",
        "school",
        "union",
        "nurses",
        "police",
        "report",
        "election",
        "rail",
        "tunnel",
        "airport",
        "storm",
        "farmers",
        "drought",
        "prices",
        "market",
    ]
    rng = random.Random(4)
    texts = [" ".join(rng.choice(words) for _ in range(40)) + "." for _ in range(30)]
    parts = []
    for first in (0, 10, 20):  # a bulk load in three runs
        part = tmp_path / f"news-{first}.jsonl"
        lines = (json.dumps({"id": f"d{i}", "text": texts[i]}) for i in range(first, first + 10))
        part.write_text("\n".join(lines) + "\n", encoding="utf-8")
        parts.append(part)
    runner = CliRunner()
    plain, compact = tmp_path / "plain.db", tmp_path / "compact.db"
    for db in (plain, compact):
        for part in parts:
            last = db == compact and part == parts[-1]
            args = ["index", "--db", str(db), str(part), "--quiet"]
            args += ["--optimize"] if last else []
            result = runner.invoke(main, args)
            assert result.exit_code == 0, result.output
    assert "optimized in" in result.output and "merged into one" in result.output
    assert _postings_tables(plain) > 1
    assert _postings_tables(compact) == 1
    query = tmp_path / "q.txt"
    query.write_text(texts[7], encoding="utf-8")
    answers = [
        json.loads(runner.invoke(main, ["trace", "--db", str(db), str(query), "--json"]).output)
        for db in (plain, compact)
    ]
    assert [s["id"] for s in answers[0]["sources"]] == [s["id"] for s in answers[1]["sources"]]
    assert answers[1]["sources"][0]["id"] == "d7"
