"""Corpus mode end to end: the local engine, the Spark engine (``local[2]``), reruns,
interrupted stages, bad input, the CLI and the HTML report."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from wiretrace.corpus import kernels, schema
from wiretrace.corpus.local import LocalEngine, LocalOptions
from wiretrace.corpus.pipeline import run_reuse
from wiretrace.corpus.report import render_report
from wiretrace.corpus.spark import SparkEngine, SparkOptions
from wiretrace.errors import InputError, RecordError

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "demo"
FARM = "Daily <b>Farm</b> & Co"
TIE = "2010-01-01T00:00:00Z"
BRAWL = "wikinews/four-nba-players-suspended-indefinitely-for-brawl"


def build_corpus(path: Path) -> Path:
    """The bundled Wikinews articles and the content-farm composites made from them, with
    outlets and dates: composite-01 and its sources share one timestamp (a tie for first),
    composite-04 has no date."""
    rows = [json.loads(line) for line in (DEMO / "wikinews.jsonl").open(encoding="utf-8")]
    truth = [json.loads(x) for x in (DEMO / "composites" / "truth.jsonl").open()]
    tied = {s["id"] for s in truth[0]["sources"]}
    docs = [
        {k: r.get(k) for k in ("id", "text", "title", "url", "source", "published_at")}
        for r in rows
    ]
    for d in docs:
        if d["id"] in tied:
            d["published_at"] = TIE
    for i, f in enumerate(sorted((DEMO / "composites").glob("*.txt"))):
        when = None if i == 3 else (TIE if i < 2 else f"2010-02-0{i}T08:00:00Z")
        docs.append(
            {
                "id": f"farm/{f.stem}",
                "text": f.read_text(encoding="utf-8"),
                "source": FARM,
                "published_at": when,
            }
        )
    # A drifted story: a paper copies the NBA brawl report with one suspension changed from
    # 30 to 40 games, and a blog copies the paper a day later, the changed number with it.
    brawl = next(d for d in docs if d["id"] == BRAWL)
    changed = brawl["text"].replace("Stephen Jackson for 30 games", "Stephen Jackson for 40 games")
    assert changed != brawl["text"]
    docs.append(
        {
            "id": "courier/brawl",
            "text": changed,
            "source": "Courier",
            "published_at": "2004-11-22T09:00:00Z",
        }
    )
    docs.append(
        {
            "id": "blog/brawl",
            "text": changed,
            "source": "Hoops Blog",
            "published_at": "2004-11-23T10:00:00Z",
        }
    )
    with path.open("w", encoding="utf-8") as out:
        for d in docs:
            out.write(json.dumps(d) + "\n")
    return path


def sorted_rows(folder: Path, name: str, key: tuple[str, ...]) -> list[dict]:
    rows = pq.read_table(folder / f"{name}.parquet").to_pylist()
    return sorted(rows, key=lambda r: tuple(r[k] for k in key))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_corpus(tmp_path_factory.mktemp("corpus") / "news.jsonl")


@pytest.fixture(scope="module")
def local_out(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local")
    run_reuse([corpus], out, LocalEngine(LocalOptions(workers=2, chunk_pairs=7)))
    return out


def test_local_engine_finds_the_composites_sources(local_out: Path) -> None:
    pairs = sorted_rows(local_out, "pairs", ("a_document_id", "b_document_id"))
    found = {(p["a_document_id"], p["b_document_id"]) for p in pairs}
    truth = [json.loads(x) for x in (DEMO / "composites" / "truth.jsonl").open()]
    expected = {(s["id"], f"farm/{t['file'][:-4]}") for t in truth for s in t["sources"]}
    assert expected <= found
    kinds = {p["kind"] for p in pairs}
    assert "verbatim" in kinds
    for p in pairs:
        assert p["a_document_id"] != p["b_document_id"] and p["a_idx"] < p["b_idx"]
        assert p["passages"] and p["a_shared_chars"] > 0
        if p["direction"] == "a_to_b":
            assert p["source_document_id"] == p["a_document_id"]
    summary = json.loads((local_out / "summary.json").read_text())
    assert summary["documents"] == 106 and summary["pairs"] == len(pairs)


def test_stories_and_first_publishers(local_out: Path) -> None:
    stories = pq.read_table(local_out / "families.parquet").to_pylist()
    assert stories and all(s["document_count"] >= 2 for s in stories)
    by_doc = {t["document_id"]: s for s in stories for t in s["timeline"]}
    undated = by_doc["farm/composite-04"]
    assert undated["first_document_id"] != "farm/composite-04"
    tied = by_doc["farm/composite-01"]
    assert tied["first_tied"] and tied["first_published_at"] == TIE
    # Ties are ordered by id: the first publisher is the smallest id of those at that time.
    at_tie = [t["document_id"] for t in tied["timeline"] if t["published_at"] == TIE]
    assert tied["first_document_id"] == min(at_tie)
    for s in stories:
        if s["first_document_id"]:
            assert s["timeline"][0]["document_id"] == s["first_document_id"]
            assert s["first_published_at"] is not None
    sizes = [s["document_count"] for s in stories]
    assert sizes == sorted(sizes, reverse=True)
    outlets = {o["outlet"]: o for o in pq.read_table(local_out / "outlets.parquet").to_pylist()}
    farm = outlets[FARM]
    assert farm["document_count"] == 7 and farm["share_reused_from_others"] > 0.3
    assert farm["top_upstream"][0]["outlet"] == "Wikinews"
    assert outlets["Wikinews"]["share_reused_by_others"] > 0


def test_drift_names_the_changed_fact_and_who_changed_it_first(local_out: Path) -> None:
    drift = pq.read_table(local_out / "drift.parquet").to_pylist()
    brawl = [f for f in drift if f["origin_document_id"] == BRAWL]
    assert len(brawl) == 1, drift
    fact = brawl[0]
    assert fact["type"] == "number"
    assert "30" in fact["origin_wording"] and "40" in fact["first_changed_wording"]
    changer = (fact["first_changed_document_id"], fact["first_changed_outlet"])
    assert changer == ("courier/brawl", "Courier")
    values = {v["document_id"]: (v["wording"], v["changed"]) for v in fact["values"]}
    assert values[BRAWL][1] is False and values["courier/brawl"][1] is True
    assert values["blog/brawl"][1] is True  # the blog took the changed number from the paper
    times = [v["published_at"] for v in fact["values"]]
    assert times == sorted(times)
    stories = {
        t["document_id"]: s["family_id"]
        for s in pq.read_table(local_out / "families.parquet").to_pylist()
        for t in s["timeline"]
    }
    assert fact["family_id"] == stories[BRAWL] == stories["courier/brawl"]
    # Renames and synonym swaps of the content-farm composites are spin, never drift.
    assert all(
        f["type"] in {"number", "date", "entity", "quote", "attribution", "negation"} for f in drift
    )
    summary = json.loads((local_out / "summary.json").read_text())
    assert summary["drifted_facts"] == len(drift)


def test_jsonl_copies_match_parquet(local_out: Path) -> None:
    for name, key in (
        ("pairs", ("a_document_id", "b_document_id")),
        ("outlets", ("outlet",)),
        ("drift", ("fact_id",)),
    ):
        lines = [json.loads(x) for x in (local_out / f"{name}.jsonl").open()]
        assert sorted(lines, key=lambda r: tuple(r[k] for k in key)) == sorted_rows(
            local_out, name, key
        )


def test_rerun_skips_finished_stages_and_gives_the_same_outputs(
    corpus: Path, local_out: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    engine = LocalEngine(LocalOptions(workers=1))
    first = run_reuse([corpus], out, engine)
    assert first.stages_skipped == ()
    again = run_reuse([corpus], out, engine)
    assert again.stages_skipped == ("docs", "postings", "candidates", "pairs")
    for name, key in (("pairs", ("a_document_id", "b_document_id")), ("families", ("family_id",))):
        assert sorted_rows(out, name, key) == sorted_rows(local_out, name, key)


def test_interrupted_stage_is_not_trusted(
    corpus: Path, local_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    engine = LocalEngine(LocalOptions(workers=1, chunk_pairs=5))
    calls = {"n": 0}
    real = kernels.PairAligner.pair

    def dying(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] > 20:
            raise KeyboardInterrupt("killed mid-stage")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(kernels.PairAligner, "pair", dying)
    with pytest.raises(KeyboardInterrupt):
        run_reuse([corpus], out, engine)
    stages = out / "_stages"
    assert not (stages / "pairs").exists()  # chunks were written, but only to a temp folder
    assert (stages / "candidates" / "_COMPLETE").exists()
    # A temp folder left by a killed process (no cleanup ran) is removed, never read.
    junk = stages / ".pairs.tmp-deadbeef"
    junk.mkdir()
    pq.write_table(schema.PAIRS.empty_table(), junk / "part-bad.parquet")
    monkeypatch.setattr(kernels.PairAligner, "pair", real)
    summary = run_reuse([corpus], out, engine)
    assert "pairs" not in summary.stages_skipped and "candidates" in summary.stages_skipped
    assert not junk.exists()
    assert sorted_rows(out, "pairs", ("a_document_id", "b_document_id")) == sorted_rows(
        local_out, "pairs", ("a_document_id", "b_document_id")
    )


def test_changed_input_discards_old_stages(corpus: Path, tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    data.write_text(corpus.read_text())
    out = tmp_path / "out"
    engine = LocalEngine(LocalOptions(workers=1))
    run_reuse([data], out, engine)
    with data.open("a") as f:
        f.write(json.dumps({"id": "extra", "text": "A new short article."}) + "\n")
    summary = run_reuse([data], out, engine)
    assert summary.stages_skipped == () and summary.documents == 107


# -- bad input ---------------------------------------------------------------------------------


def test_empty_input_gives_empty_outputs_with_schemas(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    out = tmp_path / "out"
    summary = run_reuse([empty], out, LocalEngine(LocalOptions(workers=1)))
    assert summary.documents == 0 and summary.pairs == 0
    for name, sch in (
        ("pairs", schema.PAIRS),
        ("families", schema.FAMILIES),
        ("outlets", schema.OUTLETS),
    ):
        table = pq.read_table(out / f"{name}.parquet")
        assert len(table) == 0 and table.schema.equals(sch)
    assert "The input held no documents" in render_report(out)


def test_bad_records_stop_the_run_or_are_listed(corpus: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    lines = corpus.read_text().splitlines()[:5]
    bad.write_text("\n".join([*lines, "{not json", lines[0], ""]))
    engine = LocalEngine(LocalOptions(workers=1))
    with pytest.raises(InputError, match=r"bad\.jsonl:6"):
        run_reuse([bad], tmp_path / "a", engine)
    good = tmp_path / "dup.jsonl"
    good.write_text("\n".join([*lines, lines[0]]))
    with pytest.raises(RecordError, match="duplicate id"):
        run_reuse([good], tmp_path / "b", engine)
    summary = run_reuse([bad], tmp_path / "c", engine, skip_bad=True)
    assert summary.documents == 5 and summary.rejected == 2
    rejects = [json.loads(x) for x in (tmp_path / "c" / "rejects.jsonl").open()]
    assert rejects[0]["location"].endswith("bad.jsonl:6")
    assert "duplicate id" in rejects[1]["reason"]
    with pytest.raises(InputError, match="no such file"):
        run_reuse([tmp_path / "missing.jsonl"], tmp_path / "d", engine)


# -- report ------------------------------------------------------------------------------------


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.images: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(str(a["id"]))
        if tag == "img":
            self.images.append(str(a.get("src")))


def test_html_report_has_its_sections_and_escapes_text(local_out: Path) -> None:
    page = render_report(local_out)
    parser = _Collector()
    parser.feed(page)
    sections = [i for i in parser.ids if i in {"families", "pairs", "outlets", "time"}]
    assert sections == ["families", "pairs", "outlets", "time"]
    assert parser.images and all(s.startswith("data:image/png;base64,") for s in parser.images)
    assert "b" not in parser.tags and "script" not in parser.tags
    assert "Daily &lt;b&gt;Farm&lt;/b&gt; &amp; Co" in page
    assert "first published by" in page
    assert "ordered by document id" in page  # the tie rule is stated
    assert "never called first" in page  # the undated rule is stated
    # Titles stand beside ids in the timelines, and a changed fact is listed under its story.
    assert "Four NBA players suspended indefinitely for brawl" in page
    assert "Facts that changed on the way" in page and "Courier" in page


def test_report_of_a_tiny_corpus_says_there_is_not_enough_to_plot(tmp_path: Path) -> None:
    text = (
        "The city council approved a new budget for the harbour district on Monday evening, "
        "after a long debate about ferry fares, road repairs and the future of the old fish "
        "market, which traders want to keep open through the winter months."
    )
    data = tmp_path / "two.jsonl"
    rows = [
        {
            "id": "a",
            "text": text,
            "title": "Council passes harbour budget",
            "source": "Gazette",
            "published_at": "2021-05-03",
        },
        {"id": "b", "text": text, "source": "Gazette", "published_at": "2021-05-04"},
    ]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    run_reuse([data], out, LocalEngine(LocalOptions(workers=1)))
    page = render_report(out)
    assert "2 documents, 1 reuse pair, 1 reuse family, 1 outlet " in page  # no "1 outlets"
    assert "Not enough data to plot reuse over time" in page
    assert "Not enough data to plot outlets by originality" in page
    assert "data:image/png" in page  # the one story spread over two days is drawn
    assert "Council passes harbour budget" in page


# -- CLI (real subprocesses) -------------------------------------------------------------------


def wiretrace(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed ``wiretrace`` script (as a user does)."""
    script = Path(sys.executable).with_name("wiretrace")
    return subprocess.run(
        [str(script), *args], capture_output=True, text=True, timeout=600, check=False
    )


def test_cli_reuse_and_report(corpus: Path, local_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = wiretrace("corpus", "reuse", str(corpus), "--out", str(out), "--quiet", "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["documents"] == 106 and summary["engine"] == "local"
    assert summary["tied_first_documents"] >= 1
    assert "no date" in done.stderr and "ordered by document id" in done.stderr
    assert sorted_rows(out, "pairs", ("a_document_id", "b_document_id")) == sorted_rows(
        local_out, "pairs", ("a_document_id", "b_document_id")
    )
    html = tmp_path / "overview.html"
    done = wiretrace("corpus", "report", str(out), "--html", str(html))
    assert done.returncode == 0, done.stderr
    assert "Outlets ranked by originality" in html.read_text()


def test_cli_window_keeps_denser_fingerprints_and_finds_every_default_pair(
    corpus: Path, local_out: Path, tmp_path: Path
) -> None:
    out = tmp_path / "dense"
    done = wiretrace(
        "corpus", "reuse", str(corpus), "--out", str(out), "--window", "4", "--quiet", "--json"
    )
    assert done.returncode == 0, done.stderr
    config = json.loads((out / "_stages" / "config.json").read_text())
    assert config["options"]["window"] == 4
    key = ("a_document_id", "b_document_id")
    dense = {tuple(r[k] for k in key) for r in sorted_rows(out, "pairs", key)}
    default = {tuple(r[k] for k in key) for r in sorted_rows(local_out, "pairs", key)}
    # A window of 4 keeps the minimum of every window of 8 too, and no fingerprint of this
    # corpus comes near --max-df: no pair is lost.
    assert default <= dense
    bad = wiretrace("corpus", "reuse", str(corpus), "--out", str(tmp_path / "x"), "--window", "0")
    assert bad.returncode != 0 and "--window" in bad.stderr


def test_cli_empty_and_bad_input_messages(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    done = wiretrace("corpus", "reuse", str(empty), "--out", str(tmp_path / "o"), "--quiet")
    assert done.returncode == 0
    assert "No documents found in the inputs" in done.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n")
    done = wiretrace("corpus", "reuse", str(bad), "--out", str(tmp_path / "p"), "--quiet")
    assert done.returncode == 1
    assert "bad.jsonl:1" in done.stderr and "--skip-bad" in done.stderr
    done = wiretrace("corpus", "report", str(tmp_path / "nowhere"), "--html", "x.html")
    assert done.returncode == 1 and "corpus reuse" in done.stderr


# -- Spark -------------------------------------------------------------------------------------


def test_spark_engine_names_the_extra_when_pyspark_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from wiretrace.corpus.spark import SparkEngine
    from wiretrace.errors import MissingExtraError

    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(MissingExtraError, match=r"wiretrace\[spark\]"):
        SparkEngine().session()


@pytest.fixture(scope="module")
def spark_engine() -> Iterator[SparkEngine]:
    """One Spark engine (``local[2]``) for the module's Spark runs, stopped at the end.
    Partitions are not coalesced, so that sorted outputs come in several parts."""
    pytest.importorskip("pyspark", reason="needs the [spark] extra (PySpark 4; CI installs it)")
    coalesce = ("spark.sql.adaptive.coalescePartitions.enabled", "false")
    engine = SparkEngine(SparkOptions(master="local[2]", partitions=3, conf=(coalesce,)))
    yield engine
    engine.stop()


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::FutureWarning")  # PySpark's note about pandas 3
def test_spark_engine_agrees_with_local_and_skips_finished_stages(
    corpus: Path,
    local_out: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    spark_engine: SparkEngine,
) -> None:
    from wiretrace.corpus import pipeline
    from wiretrace.corpus.spark_finish import STAGES

    # Families, outlets and drift come from the executors: the driver runs neither the
    # union-find over the strongest links nor the driver-side finish.
    driver_calls: list[str] = []

    def spy(name: str, real):  # type: ignore[no-untyped-def]
        def called(*args, **kwargs):  # type: ignore[no-untyped-def]
            driver_calls.append(name)
            return real(*args, **kwargs)

        return called

    monkeypatch.setattr(kernels.BestLinks, "families", spy("families", kernels.BestLinks.families))
    monkeypatch.setattr(kernels.UnionFind, "union", spy("union", kernels.UnionFind.union))
    monkeypatch.setattr(pipeline, "finish", spy("finish", pipeline.finish))
    out = tmp_path / "spark"
    # The output is given as a file:// URI: Arrow writes what the driver writes, Spark
    # reads and writes the stages through Hadoop's file system (the same as for hdfs://).
    first = run_reuse([corpus], out.as_uri(), spark_engine)
    assert first.engine == "spark" and first.stages_skipped == ()
    assert (out / "_stages" / "pairs" / "data" / "_SUCCESS").exists()  # written by Spark
    assert driver_calls == []
    assert len(list((out / "_stages" / "families" / "data").glob("part-*.parquet"))) > 1
    # An interrupted Spark write leaves only a temp folder: simulate one and rerun.
    (out / "_stages" / ".pairs.tmp-0000").mkdir()
    (out / "_stages" / ".families.tmp-0000").mkdir()
    again = run_reuse([corpus], out.as_uri(), spark_engine)
    assert again.stages_skipped == ("docs", "postings", "candidates", "pairs", *STAGES)
    assert not (out / "_stages" / ".pairs.tmp-0000").exists()
    assert not (out / "_stages" / ".families.tmp-0000").exists()
    components = json.loads((out / "_stages" / "components" / "_COMPLETE").read_text())
    largest = pq.read_table(out / "families.parquet").column("document_count")[0].as_py()
    assert 1 <= components["iterations"] < largest  # at most the diameter
    for name, key in (
        ("pairs", ("a_document_id", "b_document_id")),
        ("families", ("family_id",)),
        ("outlets", ("outlet",)),
        ("drift", ("fact_id",)),
    ):
        assert sorted_rows(out, name, key) == sorted_rows(local_out, name, key), name
    # The same rows in the same order: families by size then id, outlets by originality,
    # drift by family and place.
    for name in ("families", "outlets", "drift"):
        spark_rows = pq.read_table(out / f"{name}.parquet").to_pylist()
        assert spark_rows == pq.read_table(local_out / f"{name}.parquet").to_pylist(), name
        assert (out / f"{name}.jsonl").read_bytes() == (local_out / f"{name}.jsonl").read_bytes()
    assert len(pq.read_table(out / "drift.parquet")) >= 1
    ours = json.loads((out / "summary.json").read_text())
    theirs = json.loads((local_out / "summary.json").read_text())
    counts = ("pairs", "families", "outlets", "undated_documents", "tied_first_documents")
    assert {k: ours[k] for k in (*counts, "drifted_facts")} == {
        k: theirs[k] for k in (*counts, "drifted_facts")
    }


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::FutureWarning")  # PySpark's note about pandas 3
def test_spark_engine_ships_texts_through_the_shuffle_when_executors_cannot_map_them(
    corpus: Path,
    local_out: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    spark_engine: SparkEngine,
) -> None:
    # On HDFS or S3 the docs stage is not a file the executors can map: the driver then joins
    # both texts onto each candidate. Make the driver see every location as remote.
    from wiretrace.corpus import spark
    from wiretrace.corpus.location import Location

    joined: list[int] = []
    real_join = spark._joined_texts

    def spy(*args: object) -> object:
        joined.append(1)
        return real_join(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(Location, "local_path", lambda self: None)
    monkeypatch.setattr(spark, "_joined_texts", spy)
    out = tmp_path / "spark"
    run_reuse([corpus], out, spark_engine)
    assert joined == [1]
    key = ("a_document_id", "b_document_id")
    assert sorted_rows(out, "pairs", key) == sorted_rows(local_out, "pairs", key)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_spark_engine_with_no_pairs_writes_empty_families_and_every_outlet(
    tmp_path: Path, spark_engine: SparkEngine
) -> None:
    data = tmp_path / "two.jsonl"
    rows = [
        {
            "id": "a",
            "text": "The harbour reopened on Monday after a week of repairs.",
            "source": "X",
        },
        {
            "id": "b",
            "text": "A new bakery opened in the old town square.",
            "published_at": "2021-05-04",
        },
    ]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    summary = run_reuse([data], tmp_path / "spark", spark_engine)
    local = run_reuse([data], tmp_path / "local", LocalEngine(LocalOptions(workers=1)))
    assert summary.pairs == summary.families == summary.drifted_facts == 0
    assert (summary.outlets, summary.undated_documents) == (local.outlets, local.undated_documents)
    for name, sch in (
        ("pairs", schema.PAIRS),
        ("families", schema.FAMILIES),
        ("outlets", schema.OUTLETS),
        ("drift", schema.DRIFT),
    ):
        table = pq.read_table(tmp_path / "spark" / f"{name}.parquet")
        assert table.schema.equals(sch), name
        assert (
            table.to_pylist() == pq.read_table(tmp_path / "local" / f"{name}.parquet").to_pylist()
        )
