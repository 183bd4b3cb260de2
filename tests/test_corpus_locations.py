"""Output locations of corpus mode: local paths and ``file://``/``hdfs://``/``s3a://`` URIs,
the stage protocol on them (the ``_COMPLETE`` marker is the commit point, also for stages
written in place as on an object store), and the refusal of other schemes before any work.

HDFS and S3 cannot be reached here (no cluster, no network): their URIs are checked as text,
and the in-place protocol they use is run on the local disk."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow.fs as pafs
import pytest

from wiretrace.corpus.local import LocalEngine, LocalOptions
from wiretrace.corpus.location import Location, open_location, parse_location
from wiretrace.corpus.pipeline import run_reuse
from wiretrace.corpus.report import render_report
from wiretrace.corpus.stages import MARKER, StageStore
from wiretrace.errors import OutputError
from wiretrace.fileio import TMP_MARK

REPO = Path(__file__).resolve().parents[1]


# -- parsing -----------------------------------------------------------------------------------


def test_local_paths_and_file_uris_name_the_same_folder(tmp_path: Path) -> None:
    folder = tmp_path / "a b"
    plain = parse_location(folder)
    uri = parse_location(folder.as_uri())  # percent-encoded: file:///.../a%20b
    assert plain.local and uri.local
    assert plain.path == uri.path == str(folder)
    assert uri.uri == f"file://{folder}"  # Hadoop takes the path as it is, not encoded
    relative = parse_location("out/dir")
    assert Path(relative.path).is_absolute() and relative.path.endswith("/out/dir")


def test_hdfs_and_s3a_uris_are_checked_without_connecting() -> None:
    hdfs = parse_location("hdfs://namenode:8020/news/reuse/")
    assert (hdfs.scheme, hdfs.authority, hdfs.path) == ("hdfs", "namenode:8020", "/news/reuse")
    assert hdfs.uri == "hdfs://namenode:8020/news/reuse" and not hdfs.local
    s3 = parse_location("s3a://bucket/runs/2024")
    assert (s3.scheme, s3.authority, s3.path) == ("s3a", "bucket", "/runs/2024")
    assert s3.uri == "s3a://bucket/runs/2024"


@pytest.mark.parametrize(
    ("uri", "says"),
    [
        ("ftp://host/out", "'ftp://' is not supported"),
        ("gs://bucket/out", "'gs://' is not supported"),
        ("http://example.org/out", "'http://' is not supported"),
        ("s3://bucket/out", "use s3a://bucket/path"),
        ("hdfs:///out", "does not name the namenode"),
        ("s3a://bucket", "a folder inside the bucket"),
        ("s3a://bucket/out?region=eu-west-1", "takes no '?' or '#' part"),
        ("file://otherhost/out", "names this machine"),
        ("s3a://KEY:SECRET@bucket/out", "keep credentials out of the URI"),
    ],
)
def test_bad_output_uris_are_refused_with_what_to_give(uri: str, says: str) -> None:
    with pytest.raises(OutputError) as caught:
        parse_location(uri)
    message = str(caught.value)
    assert says in message and uri in message
    if "is not supported" in message:
        assert all(s in message for s in ("file://", "hdfs://", "s3a://"))


# -- files on a location -----------------------------------------------------------------------


def test_files_appear_whole_or_not_at_all(tmp_path: Path) -> None:
    where = open_location(tmp_path.as_uri())
    (where / "a.json").write_text('{"x": 1}')
    assert (where / "a.json").read_text() == '{"x": 1}'
    with pytest.raises(RuntimeError), (where / "b.parquet").output() as stream:
        stream.write(b"half")
        raise RuntimeError("writer died")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]  # no b, no temporary
    for name in ("part-0.parquet", "_SUCCESS", ".part-0.parquet.crc", "x.json"):
        (tmp_path / name).write_bytes(b"")
    assert [f.name for f in where.files(".parquet")] == ["part-0.parquet"]


def test_in_place_writes_leave_nothing_when_they_fail(tmp_path: Path) -> None:
    """On an object store a file is written under its own name (no rename): one whose
    writer failed is deleted."""
    where = Location(pafs.LocalFileSystem(), str(tmp_path), "file://", renames=False)
    with pytest.raises(RuntimeError), (where / "c.txt").output() as stream:
        stream.write(b"half")
        raise RuntimeError("upload died")
    assert list(tmp_path.iterdir()) == []
    (where / "c.txt").write_text("whole")
    assert (tmp_path / "c.txt").read_text() == "whole"


# -- the stage protocol ------------------------------------------------------------------------


def _in_place(root: Path) -> Location:
    """A local folder treated like an object store: stages are written in place."""
    return Location(pafs.LocalFileSystem(), str(root), "file://", renames=False)


@pytest.mark.parametrize("in_place", [False, True], ids=["rename", "in-place"])
def test_a_stage_is_finished_only_when_its_marker_is_there(tmp_path: Path, in_place: bool) -> None:
    root = _in_place(tmp_path / "st") if in_place else open_location((tmp_path / "st").as_uri())
    store = StageStore(root, {"run": 1})
    with pytest.raises(KeyboardInterrupt), store.write("pairs") as tmp:
        (tmp / "part-0.parquet").write_text("half a stage")
        raise KeyboardInterrupt
    assert not store.done("pairs") and not (tmp_path / "st" / "pairs").exists()
    info: dict[str, int] = {}
    with store.write("pairs", info) as tmp:
        (tmp / "part-0.parquet").write_text("a whole stage")
        info["pairs"] = 1
    assert store.done("pairs") and store.info("pairs") == {"pairs": 1}
    assert [f.name for f in store.path("pairs").files()] == ["part-0.parquet"]
    # A folder without its marker (a copy cut short, a deletion cut short) is not trusted,
    # and writing the stage again replaces all it held.
    (tmp_path / "st" / "pairs" / MARKER).unlink()
    again = StageStore(root, {"run": 1})
    assert not again.done("pairs")
    with again.write("pairs") as tmp:
        (tmp / "part-1.parquet").write_text("the new stage")
    assert [f.name for f in again.path("pairs").files()] == ["part-1.parquet"]
    assert not [p for p in (tmp_path / "st").iterdir() if TMP_MARK in p.name]
    # Another configuration discards the stages.
    changed = StageStore(root, {"run": 2})
    assert not changed.done("pairs") and not (tmp_path / "st" / "pairs").exists()


_KILLED_WRITER = textwrap.dedent(
    """
    import sys, time
    import pyarrow.fs as pafs
    from wiretrace.corpus.location import Location, open_location
    from wiretrace.corpus.stages import StageStore

    root, in_place = sys.argv[1], sys.argv[2] == "1"
    where = Location(pafs.LocalFileSystem(), root, "file://", False) if in_place else (
        open_location(root))
    store = StageStore(where, {"run": 1})
    with store.write("pairs") as tmp:
        (tmp / "part-0.parquet").write_text("half a stage")
        print("written", flush=True)
        time.sleep(600)
    """
)


@pytest.mark.parametrize("in_place", [False, True], ids=["rename", "in-place"])
def test_a_stage_killed_mid_write_is_never_read(tmp_path: Path, in_place: bool) -> None:
    root = tmp_path / "st"
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, str(root), "1" if in_place else "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "written"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    left = [p.name for p in root.iterdir()]
    if in_place:
        assert "pairs" in left and not (root / "pairs" / MARKER).exists()
    else:
        assert "pairs" not in left and any(TMP_MARK in n for n in left)
    store = StageStore(_in_place(root) if in_place else open_location(root), {"run": 1})
    assert not store.done("pairs")
    assert not [n for n in (p.name for p in root.iterdir()) if TMP_MARK in n]
    with store.write("pairs") as tmp:
        (tmp / "part-1.parquet").write_text("whole")
    assert [f.name for f in store.path("pairs").files()] == ["part-1.parquet"]


# -- runs, reports and refusals ----------------------------------------------------------------


def _two_copies(path: Path) -> Path:
    text = (
        "The city council approved a new budget for the harbour district on Monday evening, "
        "after a long debate about ferry fares, road repairs and the future of the old fish "
        "market, which traders want to keep open through the winter months."
    )
    rows = [
        {"id": "a", "text": text, "source": "Gazette", "published_at": "2021-05-03"},
        {"id": "b", "text": text, "source": "Courier", "published_at": "2021-05-04"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_file_uri_output_is_written_and_reported(tmp_path: Path) -> None:
    data = _two_copies(tmp_path / "two.jsonl")
    out = tmp_path / "out dir"
    summary = run_reuse([data], out.as_uri(), LocalEngine(LocalOptions(workers=1)))
    assert summary.pairs == 1 and summary.out == out.as_uri()
    assert json.loads((out / "summary.json").read_text())["pairs"] == 1
    assert (out / "_stages" / "pairs" / MARKER).exists()
    assert "1 reuse pair" in render_report(out.as_uri())


def test_unsupported_or_remote_outputs_are_refused_before_any_work(tmp_path: Path) -> None:
    from wiretrace.corpus.spark import SparkEngine

    missing = tmp_path / "missing.jsonl"  # reading it would fail: the refusal comes first
    spark = SparkEngine()
    with pytest.raises(OutputError, match=r"'gs://' is not supported"):
        run_reuse([missing], "gs://bucket/out", spark)
    assert spark._session is None  # Spark was never started
    # The local engine needs local folders: refused before HDFS is even contacted.
    with pytest.raises(OutputError, match=r"local folders only.*--engine spark"):
        run_reuse([missing], "hdfs://namenode:8020/out", LocalEngine())
    assert list(tmp_path.iterdir()) == []


def wiretrace(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("wiretrace")
    return subprocess.run(
        [str(script), *args], capture_output=True, text=True, timeout=600, check=False
    )


def test_cli_refuses_an_unsupported_scheme_and_reads_a_file_uri(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.jsonl")
    for engine in ("spark", "local"):
        done = wiretrace(
            "corpus", "reuse", missing, "--out", "ftp://host/out", "--engine", engine, "--quiet"
        )
        assert done.returncode == 1, done.stderr
        assert "'ftp://' is not supported" in done.stderr and "s3a://" in done.stderr
        assert "missing.jsonl" not in done.stderr  # refused before the inputs were read
    done = wiretrace("corpus", "reuse", missing, "--out", "s3a://bucket/out", "--quiet")
    assert done.returncode == 1 and "--engine spark" in done.stderr
    data = _two_copies(tmp_path / "two.jsonl")
    out = tmp_path / "out"
    done = wiretrace("corpus", "reuse", str(data), "--out", out.as_uri(), "--quiet", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["pairs"] == 1 and (out / "pairs.parquet").exists()
    html = tmp_path / "overview.html"
    done = wiretrace("corpus", "report", out.as_uri(), "--html", str(html))
    assert done.returncode == 0, done.stderr
    assert "Outlets ranked by originality" in html.read_text()


def test_s3a_goes_to_the_configured_endpoint_and_an_unreachable_one_is_a_clear_error(
    tmp_path: Path, unreachable_s3: int
) -> None:
    """The driver writes s3a:// outputs through Arrow's S3 client, at the endpoint of the AWS
    environment variables (an S3-compatible store); here one that refuses connections on
    this machine, so nothing leaves it."""
    from wiretrace.corpus.spark import SparkEngine

    port = unreachable_s3
    where = parse_location("s3a://bucket/runs/one").open()
    assert (where.fs.type_name, where.path, where.uri) == (
        "s3",
        "bucket/runs/one",
        "s3a://bucket/runs/one",
    )
    assert not where.renames  # stages are committed by their marker, written in place
    spark = SparkEngine()
    with pytest.raises(OutputError, match=rf"cannot create the output folder.*127\.0\.0\.1:{port}"):
        run_reuse([tmp_path / "missing.jsonl"], "s3a://bucket/runs/one", spark)
    assert spark._session is None
