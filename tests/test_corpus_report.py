"""The corpus overview page: titles for ids, pairs side by side, bounded size, plots from
empty to small, format 1 folders, outputs read through a file system (as on HDFS or S3), and
the table of output names."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
import pytest

from wiretrace.corpus import pipeline, report_pairs, schema
from wiretrace.corpus.legacy import upgrade_row
from wiretrace.corpus.local import LocalEngine, LocalOptions
from wiretrace.corpus.location import Location
from wiretrace.corpus.pipeline import TEXTS_FILE, run_reuse
from wiretrace.corpus.report import render_report
from wiretrace.corpus.report_pairs import CUT, PASSAGE_CHARS, excerpt
from wiretrace.errors import CorpusError, OutputError

REPO = Path(__file__).resolve().parents[1]
TEXT = (
    "The city council approved a new budget for the harbour district on Monday evening, "
    "after a long debate about ferry fares, road repairs and the future of the old fish "
    "market, which traders want to keep open through the winter months."
)


def _run(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    data = tmp_path / "in.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    run_reuse([data], out, LocalEngine(LocalOptions(workers=1)))
    return out


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows: list[dict[str, object]] = [
        {
            "id": "gazette/1",
            "text": TEXT,
            "title": "Council passes harbour budget",
            "source": "Gazette",
            "published_at": "2021-05-04",
        },
        {
            "id": "wire/1",
            "text": TEXT.replace("Monday", "Sunday"),
            "title": "Harbour budget <approved>",
            "source": "Wire",
            "published_at": "2021-05-03",
        },
    ]
    return _run(tmp_path_factory.mktemp("two"), rows)


def test_pair_opens_its_passages_side_by_side_with_titles(two: Path) -> None:
    page = render_report(two)
    pair = page[page.index('<details class="pair"') :]
    pair = pair[: pair.index("</details>")]
    # The source (Wire, earlier) is on the left, the copy (Gazette) on the right.
    source, copy = pair.index("Harbour budget &lt;approved&gt;"), pair.index("Council passes")
    assert source < copy
    assert 'title="wire/1"' in pair and 'title="gazette/1"' in pair  # ids in tooltips
    assert pair.count("<mark>") == 2 and "harbour district" in pair
    assert "Wire → Gazette" in pair and "2021-05-03" in pair
    # The edit reads from the source's wording to the copy's.
    assert "<del>Sunday</del> → <ins>Monday</ins>" in pair


def test_people_read_titles_not_ids(two: Path) -> None:
    page = render_report(two)
    body = re.sub(r'title="[^"]*"', "", page)  # ids may stay in tooltips
    family = body[body.index('id="families"') : body.index('id="pairs"')]
    assert "Council passes harbour budget" in family and "gazette/1" not in family


def test_small_corpus_plots_and_words(two: Path) -> None:
    page = render_report(two)
    assert "2 documents, 1 reuse pair, 1 reuse family, 2 outlets " in page
    assert "1 outlets" not in page and "1 documents" not in page and "1 families" not in page
    assert "Not enough data to plot reuse over time" in page
    assert page.count("data:image/png") == 2  # the family's spread and the two outlets


def test_empty_corpus_says_not_enough_data_for_every_plot(tmp_path: Path) -> None:
    out = _run(tmp_path, [])
    page = render_report(out)
    assert "data:image/png" not in page
    assert page.count("Not enough data to plot") == 3
    assert "No pair: no two documents share passages." in page
    assert "0 documents, 0 reuse pairs, 0 reuse families, 0 outlets" in page


def test_one_document_has_no_pairs_and_no_plots(tmp_path: Path) -> None:
    out = _run(tmp_path, [{"id": "a", "text": TEXT, "source": "Gazette"}])
    page = render_report(out)
    assert page.count("Not enough data to plot") == 3 and "1 document, 0 reuse pairs" in page


def test_excerpt_is_bounded_and_keeps_both_ends() -> None:
    text = "x" * 50 + "A" + "b" * 5000 + "Z" + "y" * 500
    cut = excerpt(text, 50, 5052)
    assert cut.shared.startswith("A") and cut.shared.endswith("Z") and CUT in cut.shared
    assert len(cut.shared) <= PASSAGE_CHARS + len(CUT)
    assert cut.before == "x" * 50 and cut.after.endswith("…")
    short = excerpt("abc def", 4, 7)
    assert (short.before, short.shared, short.after) == ("abc ", "def", "")


def test_page_stays_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    long = " ".join(
        f"Sentence {i} says the harbour budget grew by {i} percent." for i in range(400)
    )
    rows = [
        {"id": f"d{i}", "text": long, "source": f"Outlet {i}", "published_at": f"2021-05-0{i + 1}"}
        for i in range(4)
    ]
    out = _run(tmp_path, rows)
    monkeypatch.setattr(report_pairs, "PAIRS_SHOWN", 2)
    page = render_report(out)
    assert page.count('<details class="pair"') == 2
    marks = re.findall(r"<mark>(.*?)</mark>", page, flags=re.S)
    assert marks and all(len(m) <= PASSAGE_CHARS + len(CUT) + 50 for m in marks)
    assert "The 2 pairs that share the most text of 6" in page
    assert "cut to about 600 characters" in page


def test_pairs_without_the_stages_folder_are_listed_by_offsets(two: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    for f in two.iterdir():
        if f.is_file():
            (copy / f.name).write_bytes(f.read_bytes())
    page = render_report(copy)
    assert "text not available" in page and "the _stages folder of the run is gone" in page


# -- where the output is ------------------------------------------------------------------------


def test_a_file_uri_is_reported_as_its_path(two: Path, tmp_path: Path) -> None:
    copy = tmp_path / "a b"  # the URI is percent-encoded: file:///.../a%20b
    shutil.copytree(two, copy)
    page = render_report(copy.as_uri())
    assert page == render_report(two)
    assert "<mark>" in page and "text not available" not in page


# Three stories, each told twice; the documents go in two to a part, so each pair's texts are
# in different record batches of the docs stage's texts file.
_STORIES = (
    TEXT,
    "Heavy rain flooded the lower town overnight, and the river reached its highest level in "
    "forty years before the water began to fall again on Tuesday, officials said.",
    "The national orchestra will tour five northern cities this autumn, its first tour since "
    "the concert hall closed for repairs, with tickets on sale from next week.",
)


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    order = [(0, 0), (1, 0), (2, 0), (1, 1), (2, 1), (0, 1)]  # (story, telling)
    rows: list[dict[str, object]] = [
        {
            "id": f"doc/{i}",
            "text": _STORIES[story] + (" Reporting by staff." if telling else ""),
            "title": f"Story {story}, telling {telling}",
            "source": f"Outlet {i}",
            "published_at": f"2021-05-0{i + 1}",
        }
        for i, (story, telling) in enumerate(order)
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "DOCS_PER_PART", 2)
        return _run(tmp_path_factory.mktemp("parts"), rows)


def test_a_report_read_as_remote_is_the_local_report(
    parts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ipc.open_file(str(parts / "_stages" / "docs" / TEXTS_FILE)) as texts:
        assert texts.num_record_batches == 3
    local = render_report(parts)
    assert local.count('<details class="pair"') == 3 and local.count("<mark>") == 6
    for story in range(3):
        assert f"Story {story}, telling 0" in local and f"Story {story}, telling 1" in local

    def no_mapping(docs_dir: Path) -> pa.Table:
        raise AssertionError("a remote texts file cannot be memory-mapped")

    # Every location is taken as remote, as on HDFS or S3: all is read through Arrow's file
    # system, and the texts record batch by record batch.
    monkeypatch.setattr(Location, "local_path", lambda self: None)
    monkeypatch.setattr(pipeline, "open_texts", no_mapping)
    assert render_report(parts) == local


def test_a_missing_or_foreign_folder_is_named_the_same_local_or_remote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing, foreign = tmp_path / "missing", tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "summary.json").write_text("{}")
    messages = {}
    for remote in (False, True):
        if remote:
            monkeypatch.setattr(Location, "local_path", lambda self: None)
        for folder in (missing, foreign):
            with pytest.raises(CorpusError) as caught:
                render_report(folder)
            messages[remote, folder.name] = str(caught.value)
    assert messages[False, "missing"] == (
        f"{missing}: not a 'wiretrace corpus reuse' output (missing summary.json, "
        f"pairs.parquet, families.parquet, outlets.parquet); run 'wiretrace corpus reuse "
        f"INPUT... --out {missing}' first"
    )
    assert (
        "(missing pairs.parquet, families.parquet, outlets.parquet)" in messages[False, "foreign"]
    )
    assert messages[True, "missing"] == messages[False, "missing"]
    assert messages[True, "foreign"] == messages[False, "foreign"]


def test_an_unreachable_s3a_output_is_a_one_line_error_naming_it(
    tmp_path: Path, unreachable_s3: int
) -> None:
    """The report reads s3a:// through Arrow's S3 client, at the endpoint of the AWS
    environment variables; here one that refuses connections on this machine, so nothing
    leaves it."""
    port = unreachable_s3
    uri = "s3a://bucket/runs/one"
    start = time.monotonic()
    with pytest.raises(OutputError) as caught:
        render_report(uri)
    assert time.monotonic() - start < 30
    message = str(caught.value)
    assert message.startswith(f"{uri}: cannot read the output folder (")
    assert f"127.0.0.1:{port}" in message and "\n" not in message
    # The command line says it in one line, without a traceback, and writes no page.
    page = tmp_path / "overview.html"
    script = str(Path(sys.executable).with_name("wiretrace"))
    done = subprocess.run(
        [script, "corpus", "report", uri, "--html", str(page)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {uri}: cannot read the output")
    assert not page.exists()


def _format1_folder(folder: Path) -> None:
    """A hand-written output folder of format 1 (before the names were unified)."""
    folder.mkdir()
    summary = {
        "documents": 2,
        "pairs": 1,
        "stories": 1,
        "outlets": 1,
        "engine": "local",
        "tied_first_publishers": 0,
    }
    (folder / "summary.json").write_text(json.dumps(summary))
    passage = {"a_start": 0, "a_end": 10, "b_start": 0, "b_end": 10, "score": 1.0}
    pair = {
        "pair_id": "p1",
        "doc_a": "a",
        "doc_b": "b",
        "idx_a": 0,
        "idx_b": 1,
        "outlet_a": "Gazette",
        "outlet_b": "Gazette",
        "published_a": "2021-05-03",
        "published_b": "2021-05-04",
        "direction": "a_to_b",
        "source_doc": "a",
        "target_doc": "b",
        "n_passages": 1,
        "a_chars": 10,
        "b_chars": 10,
        "kind": "verbatim",
        "passages": [{**passage, "kind": "verbatim", "edits": []}],
    }
    timeline = [
        {"order": 0, "doc_id": "a", "title": "Old title A", "outlet": "Gazette",
         "published_at": "2021-05-03"},
        {"order": 1, "doc_id": "b", "title": None, "outlet": "Gazette",
         "published_at": "2021-05-04"},
    ]  # fmt: skip
    story = {
        "story_id": "s1",
        "size": 2,
        "outlets": 1,
        "first_doc": "a",
        "first_outlet": "Gazette",
        "first_published": "2021-05-03",
        "first_tied": False,
        "undated": 0,
        "start": "2021-05-03",
        "end": "2021-05-04",
        "timeline": timeline,
    }
    outlet = {
        "outlet": "Gazette",
        "documents": 2,
        "dated_documents": 2,
        "chars": 20,
        "share_reused_from_others": 0.5,
        "share_reused_by_others": 0.5,
        "share_shared_undated": 0.0,
        "originality": 0.5,
        "documents_reusing": 1,
        "top_upstream": [{"outlet": "Gazette", "chars": 10, "share": 1.0}],
    }
    for name, row in (("pairs", pair), ("clusters", story), ("outlets", outlet)):
        pq.write_table(pa.Table.from_pylist([row]), folder / f"{name}.parquet")


def test_a_format1_folder_is_still_drawn(tmp_path: Path) -> None:
    old = tmp_path / "old"
    _format1_folder(old)
    page = render_report(old)
    assert "2 documents, 1 reuse pair, 1 reuse family, 1 outlet " in page
    assert "Old title A" in page and "first published by" in page
    assert '<details class="pair" id="p1">' in page


def test_upgrade_row_renames_nested_fields_and_leaves_new_rows_alone() -> None:
    old = {"story_id": "s", "first_published": "x", "timeline": [{"doc_id": "a"}]}
    assert upgrade_row("families", old) == {"family_id": "s", "timeline": [{"document_id": "a"}]}
    new = {"family_id": "s", "timeline": [{"document_id": "a"}]}
    assert upgrade_row("families", new) == new


def _field_names(sch: pa.Schema | pa.DataType) -> set[str]:
    names: set[str] = set()
    fields = (
        list(sch) if isinstance(sch, pa.Schema) else [sch.field(i) for i in range(sch.num_fields)]
    )
    for f in fields:
        names.add(f.name)
        t = f.type
        while pa.types.is_list(t):
            t = t.value_type
        if pa.types.is_struct(t):
            names |= _field_names(t)
    return names


def test_every_output_field_is_in_the_names_table() -> None:
    from wiretrace.corpus.story_files import _schemas

    table = (REPO / "docs" / "corpus-outputs.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`([a-z_]+)`", table))
    schemas = [schema.PAIRS, schema.FAMILIES, schema.OUTLETS, schema.DRIFT, *_schemas()]
    missing = set().union(*(_field_names(s) for s in schemas)) - listed
    assert not missing, f"fields missing from docs/corpus-outputs.md: {sorted(missing)}"


def _demo_corpus_commands(out: Path) -> list[list[str]]:
    """The corpus commands of ``make demo``, read from the Makefile, with its variables
    filled in (the inputs as the Makefile's wildcard gives them, the output in ``out``)."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    demo = makefile[makefile.index("\ndemo:") :].split("\n\n")[0]
    inputs = [
        "data/demo/wikinews.jsonl",
        *sorted(map(str, REPO.glob("data/demo/composites/*.txt"))),
    ]
    assert (
        "DEMO_CORPUS_INPUTS := data/demo/wikinews.jsonl $(wildcard data/demo/composites/*.txt)"
        in makefile
    )
    script = str(Path(sys.executable).with_name("wiretrace"))
    commands = []
    for line in demo.splitlines():
        words = line.strip().split()
        if words[:2] != ["$(BIN)/wiretrace", "corpus"]:
            continue
        filled: list[str] = []
        for word in words:
            if word == "$(DEMO_CORPUS_INPUTS)":
                filled.extend(inputs)
            else:
                filled.append(
                    word.replace("$(BIN)/wiretrace", script).replace("$(DEMO_CORPUS)", str(out))
                )
        commands.append(filled)
    return commands


def test_make_demo_corpus_commands_run_on_the_bundled_data(tmp_path: Path) -> None:
    out = tmp_path / "demo-corpus"
    commands = _demo_corpus_commands(out)
    assert [c[1:3] for c in commands] == [["corpus", "reuse"], ["corpus", "report"]]
    for command in commands:
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["pairs"] >= 10 and summary["families"] >= 3  # the composites' sources
    page = (out / "overview.html").read_text()
    assert '<details class="pair"' in page and "<mark>" in page
    assert "Wrote" in done.stderr and "overview.html" in done.stderr
