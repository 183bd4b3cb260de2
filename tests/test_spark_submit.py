"""``python -m wiretrace.cli.submit``: the file ``spark-submit`` runs, and the package zip it
writes for ``--py-files`` (the cluster runs are in ``test_spark_cluster.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import wiretrace


def submit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wiretrace.cli.submit", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_path_is_the_submit_file() -> None:
    done = submit("--path")
    assert done.returncode == 0
    assert Path(done.stdout.strip()) == Path(wiretrace.__file__).parent / "cli" / "submit.py"


def test_zip_holds_the_package_and_its_data_and_imports_alone(tmp_path: Path) -> None:
    done = submit("--zip", str(tmp_path / "wt.zip"))
    assert done.returncode == 0, done.stderr
    package = Path(done.stdout.strip())
    assert package == (tmp_path / "wt.zip").resolve()
    names = zipfile.ZipFile(package).namelist()
    source = Path(wiretrace.__file__).parent
    expected = {
        "wiretrace/" + p.relative_to(source).as_posix()
        for p in source.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert set(names) == expected and "wiretrace/text/aliases.tsv" in names
    assert not list(tmp_path.glob(".*partial"))
    # A Python without wiretrace (no .pth files: -S) imports it from the zip alone, data
    # files included (the alias table is read with importlib.resources).
    paths = sysconfig.get_paths()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(package), paths["purelib"]]))
    code = (
        "import wiretrace, wiretrace.corpus.kernels as k; from wiretrace.text import aliases; "
        "print(wiretrace.__file__); print(len(aliases.load_aliases().keys()))"
    )
    ran = subprocess.run(
        [sys.executable, "-S", "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert ran.returncode == 0, ran.stderr
    where, count = ran.stdout.split()
    assert where.startswith(str(package / "wiretrace")) and int(count) > 100


def test_zip_into_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    done = submit("--zip", str(tmp_path / "no" / "wt.zip"))
    assert done.returncode == 1
    assert "error: cannot write" in done.stderr and "No such file or directory" in done.stderr
    done = submit("--zip")
    assert done.returncode == 1 and "usage:" in done.stderr


def test_a_job_failing_on_a_missing_wiretrace_becomes_an_engine_error() -> None:
    # The real failure (a Spark job whose executors lack wiretrace) is run in
    # test_spark_cluster.py; here, how its text is recognised, through a cause chain too.
    from wiretrace.corpus.spark import _executor_errors
    from wiretrace.errors import EngineError

    worker_traceback = (
        "Job aborted due to stage failure: Task 0 in stage 0.0 failed 4 times ... "
        "pyspark.errors.exceptions.base.PySparkRuntimeError ... "
        "ModuleNotFoundError: No module named 'wiretrace'"
    )
    expected = r"stage pairs: .*--py-files.*docs/spark\.md"
    with pytest.raises(EngineError, match=expected), _executor_errors("pairs"):
        try:
            raise RuntimeError(worker_traceback)
        except RuntimeError as exc:
            raise ValueError("An error occurred while calling o123.parquet") from exc
    for other in ("No module named 'wiretrace_plugins'", "No module named 'numpy'", "disk full"):
        with pytest.raises(RuntimeError, match="^" + other), _executor_errors("postings"):
            raise RuntimeError(other)
