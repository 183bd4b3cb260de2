"""``wiretrace optimize``: compacting an index through the command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

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
