"""Corpus mode on a real Spark standalone cluster (issue 17): a master and two workers, each
its own JVM on 127.0.0.1 (``bench/spark_cluster.py``), executors started by the workers.

- the CLI with ``--spark-master spark://...`` gives exactly the local engine's outputs;
- so does ``spark-submit`` with the package shipped as a zip (``--py-files``) to executors
  whose Python cannot import wiretrace otherwise;
- without the zip, the run fails with an error that names the fix;
- a worker killed (``kill -9``, with its executor) while a stage runs: Spark's retries finish
  the job, with the same outputs;
- the driver killed after a stage is complete: the rerun skips the complete stages and gives
  the same outputs, and the killed driver leaves no executor behind.

The corpus is the 106 documents of ``test_corpus_engines.build_corpus``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import REPO

pytest.importorskip("pyspark", reason="needs the [spark] extra (PySpark 4; CI installs it)")
pytest.importorskip("psutil", reason="needs psutil (the [dev] extra) to stop the cluster")
if shutil.which("java") is None and "JAVA_HOME" not in os.environ:
    pytest.skip("needs Java 17 for Spark (CI installs it)", allow_module_level=True)

import psutil

sys.path.insert(0, str(REPO / "bench"))
from spark_cluster import SparkCluster, spark_home
from test_corpus_engines import build_corpus, sorted_rows

from wiretrace.corpus.local import LocalEngine, LocalOptions
from wiretrace.corpus.pipeline import run_reuse

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::FutureWarning")]

OUTPUTS = (
    ("pairs", ("a_document_id", "b_document_id")),
    ("families", ("family_id",)),
    ("outlets", ("outlet",)),
    ("drift", ("fact_id",)),
)
# Executors run the wiretrace of this checkout (in CI, the same folder the editable install
# points at; in a git worktree, the worktree's code rather than the installed one).
SRC = REPO / "src"
JOB_TIMEOUT = 600  # a bound on a hung job, not a timing assertion


def assert_same_outputs(out: Path, reference: Path) -> None:
    for name, key in OUTPUTS:
        assert sorted_rows(out, name, key) == sorted_rows(reference, name, key), name


def cluster_env() -> dict[str, str]:
    """The daemons' environment: no PYTHONPATH, so that an executor sees wiretrace only
    where its Python or the job puts it."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_corpus(tmp_path_factory.mktemp("corpus") / "news.jsonl")


@pytest.fixture(scope="module")
def local_out(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local")
    run_reuse([corpus], out, LocalEngine(LocalOptions(workers=1)))
    return out


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkCluster]:
    with SparkCluster(tmp_path_factory.mktemp("cluster"), workers=2, env=cluster_env()) as c:
        yield c


def running(pids: list[int]) -> list[psutil.Process]:
    """The processes of ``pids`` that still run: gone ones and zombies (an executor that
    exited and that its worker's JVM has not reaped) are not."""
    found = []
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            p = psutil.Process(pid)
            if p.status() != psutil.STATUS_ZOMBIE:
                found.append(p)
    return found


def assert_no_executors(cluster: SparkCluster, wait: float = 300.0) -> None:
    """Within ``wait`` seconds, no application runs on the cluster and no live worker has an
    executor process left running (a Python worker of a killed executor ends when its batch
    is done, which on a loaded 2-core machine can take a minute or two)."""
    deadline = time.monotonic() + wait
    while True:
        apps = cluster.active_apps()
        left = {
            w.role: running(cluster.executor_pids(i))
            for i, w in enumerate(cluster.worker_daemons)
            if w.process.poll() is None
        }
        if not apps and not any(left.values()):
            return
        if time.monotonic() >= deadline:
            shown = {}
            for role, procs in left.items():
                for p in procs:
                    with contextlib.suppress(psutil.Error):
                        shown[p.pid] = (role, p.status(), p.cmdline()[:4])
            raise AssertionError(f"still running: apps {apps}, executors {shown}")
        time.sleep(0.5)


def reuse_command(cluster: SparkCluster, corpus: Path, out: Path, *extra: str) -> list[str]:
    """``wiretrace corpus reuse`` on the cluster, as a user runs it (no spark-submit)."""
    script = Path(sys.executable).with_name("wiretrace")
    return [
        str(script),
        *("corpus", "reuse", str(corpus), "--out", str(out), "--quiet", "--json"),
        *("--engine", "spark", "--spark-master", cluster.master_url),
        *("--spark-conf", f"spark.pyspark.python={sys.executable}"),
        *("--spark-conf", f"spark.executorEnv.PYTHONPATH={SRC}"),
        *("--spark-conf", "spark.ui.enabled=false"),
        *extra,
    ]


def driver_env(cluster: SparkCluster) -> dict[str, str]:
    env = cluster.driver_env()
    env.pop("PYSPARK_PYTHON")  # the commands name the executors' Python themselves
    return env


def run_job(command: list[str], env: dict[str, str], log: Path) -> tuple[int, str, str]:
    """Run a driver to its end; its output goes to files (a pipe could fill and block it)."""
    with log.with_suffix(".out").open("w") as out, log.with_suffix(".err").open("w") as err:
        code = subprocess.run(
            command, stdout=out, stderr=err, env=env, timeout=JOB_TIMEOUT, check=False
        ).returncode
    return code, log.with_suffix(".out").read_text(), log.with_suffix(".err").read_text()


def completed_apps(cluster: SparkCluster) -> list[str]:
    state = cluster.state()
    assert state is not None
    return [a["id"] for a in state.get("completedapps", [])]


def test_cli_on_the_cluster_agrees_with_the_local_engine(
    cluster: SparkCluster, corpus: Path, local_out: Path, tmp_path: Path
) -> None:
    before = completed_apps(cluster)
    out = tmp_path / "out"
    code, stdout, stderr = run_job(
        reuse_command(cluster, corpus, out), driver_env(cluster), tmp_path / "job"
    )
    assert code == 0, stderr[-3000:]
    summary = json.loads(stdout)
    assert summary["engine"] == "spark" and summary["documents"] == 106
    assert summary["stages_skipped"] == []
    assert_same_outputs(out, local_out)
    # The job ran on this cluster, as one application, not in a local JVM.
    assert len(set(completed_apps(cluster)) - set(before)) == 1


# -- spark-submit with the package shipped -----------------------------------------------------


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An executor Python that has wiretrace's dependencies and not wiretrace: ``-S`` skips
    the site-packages ``.pth`` files (the editable install is one), and PYTHONPATH adds the
    site-packages folders themselves after what Spark puts there."""
    paths = sysconfig.get_paths()
    site = os.pathsep.join(dict.fromkeys([paths["purelib"], paths["platlib"]]))
    wrapper = tmp_path_factory.mktemp("python") / "python"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'PYTHONPATH="${{PYTHONPATH:+$PYTHONPATH:}}{site}"\n'
        "export PYTHONPATH\n"
        f'exec "{sys.executable}" -S "$@"\n'
    )
    wrapper.chmod(0o755)
    env = cluster_env()
    check = [str(wrapper), "-c", "import numpy, pyarrow, rapidfuzz; import wiretrace"]
    done = subprocess.run(check, capture_output=True, text=True, env=env, check=False)
    assert "No module named 'wiretrace'" in done.stderr, done.stderr  # deps yes, wiretrace no
    return wrapper


def submit_command(cluster: SparkCluster, python: Path, *py_files: Path) -> list[str]:
    """``spark-submit`` of ``wiretrace.cli.submit`` (its path as the docs print it)."""
    entry = subprocess.run(
        [sys.executable, "-m", "wiretrace.cli.submit", "--path"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return [
        str(spark_home() / "bin" / "spark-submit"),
        *("--master", cluster.master_url, "--deploy-mode", "client"),
        *(("--py-files", ",".join(map(str, py_files))) if py_files else ()),
        *("--conf", f"spark.pyspark.python={python}"),
        *("--conf", f"spark.pyspark.driver.python={sys.executable}"),
        *("--conf", "spark.ui.enabled=false"),
        entry,
    ]


def test_spark_submit_with_the_package_shipped_as_a_zip(
    cluster: SparkCluster, corpus: Path, local_out: Path, bare_python: Path, tmp_path: Path
) -> None:
    made = subprocess.run(
        [sys.executable, "-m", "wiretrace.cli.submit", "--zip", str(tmp_path / "wiretrace.zip")],
        capture_output=True,
        text=True,
        check=True,
    )
    package = Path(made.stdout.strip())
    assert package == (tmp_path / "wiretrace.zip").resolve() and package.stat().st_size > 0
    out = tmp_path / "out"
    command = [
        *submit_command(cluster, bare_python, package),
        *("corpus", "reuse", str(corpus), "--out", str(out), "--engine", "spark"),
        *("--quiet", "--json"),
    ]
    code, _, stderr = run_job(command, driver_env(cluster), tmp_path / "job")
    assert code == 0, stderr[-3000:]
    # (spark-submit merges the Python driver's stderr into its stdout: read the file.)
    assert json.loads((out / "summary.json").read_text())["documents"] == 106
    assert_same_outputs(out, local_out)


def test_spark_submit_without_the_package_names_the_fix(
    cluster: SparkCluster, corpus: Path, bare_python: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    command = [
        *submit_command(cluster, bare_python),
        *("corpus", "reuse", str(corpus), "--out", str(out), "--engine", "spark", "--quiet"),
    ]
    code, stdout, stderr = run_job(command, driver_env(cluster), tmp_path / "job")
    assert code == 1
    # spark-submit passes the Python driver's stderr on to its own stdout.
    errors = [line for line in stdout.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, (stdout + stderr)[-3000:]
    message = errors[0]
    assert "stage postings: the Spark executors cannot import wiretrace" in message
    assert "install 'wiretrace[spark]'" in message and "--py-files" in message
    assert "docs/spark.md" in message
    assert not (out / "_stages" / "postings").exists()


# -- faults ------------------------------------------------------------------------------------


def wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen[bytes]) -> None:
    """Poll ``condition`` until true; fail if the driver ended first."""
    deadline = time.monotonic() + JOB_TIMEOUT
    while not condition():
        assert process.poll() is None, f"the driver ended ({process.returncode}) before {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def start_job(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.with_suffix(".out").open("wb") as out, log.with_suffix(".err").open("wb") as err:
        return subprocess.Popen(command, stdout=out, stderr=err, env=env)


def test_a_worker_killed_mid_stage_is_survived_through_retries(
    corpus: Path, local_out: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    stages = out / "_stages"
    with SparkCluster(tmp_path / "cluster", workers=2, env=cluster_env()) as cluster:
        command = reuse_command(cluster, corpus, out, "--spark-partitions", "6")
        driver = start_job(command, driver_env(cluster), tmp_path / "job")
        try:
            # The pairs stage has begun writing: its Spark job (joins, shuffle, alignment)
            # is running on both executors.
            wait_for(
                lambda: any(stages.glob(".pairs.tmp-*/data/_temporary")),
                "the pairs stage started",
                driver,
            )
            assert cluster.executor_pids(0), "worker 0 runs no executor"
            killed = cluster.kill_worker(0)
            assert driver.poll() is None  # killed while the job ran, not after
            assert not (stages / "pairs").exists() and not (out / "summary.json").exists()
            assert not any(psutil.pid_exists(pid) for pid in killed)
            code = driver.wait(timeout=JOB_TIMEOUT)
        finally:
            if driver.poll() is None:
                driver.kill()
                driver.wait()
        stderr = (tmp_path / "job.err").read_text()
        assert code == 0, stderr[-3000:]
        assert "Lost executor" in stderr  # the driver saw the executor go and retried
        assert len(cluster.alive_workers()) == 1
    # Stopped by the pids it recorded: no master, worker, executor or Python worker is left.
    assert cluster.leftovers() == []
    assert all(d.process.poll() is not None for d in cluster.daemons)
    summary = json.loads((tmp_path / "job.out").read_text())
    assert summary["stages_skipped"] == []
    assert_same_outputs(out, local_out)


def test_a_driver_killed_after_a_stage_resumes_from_the_complete_stages(
    cluster: SparkCluster, corpus: Path, local_out: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    stages = out / "_stages"
    command = reuse_command(cluster, corpus, out)
    env = driver_env(cluster)
    driver = start_job(command, env, tmp_path / "first")
    try:
        wait_for(
            lambda: (stages / "candidates" / "_COMPLETE").exists(), "candidates complete", driver
        )
        gateway = psutil.Process(driver.pid).children(recursive=True)  # the driver's JVM
        os.kill(driver.pid, signal.SIGKILL)
        driver.wait(timeout=30)
    finally:
        if driver.poll() is None:
            driver.kill()
            driver.wait()
    assert driver.returncode == -signal.SIGKILL
    assert not (stages / "pairs").exists() and not (out / "summary.json").exists()
    # The driver's JVM ends with it, and the cluster ends its executors: nothing leaks.
    assert gateway
    _, alive = psutil.wait_procs(gateway, timeout=60)
    assert not alive, [p.cmdline()[:3] for p in alive]
    assert_no_executors(cluster)
    code, stdout, stderr = run_job(command, env, tmp_path / "again")
    assert code == 0, stderr[-3000:]
    summary = json.loads(stdout)
    assert summary["stages_skipped"] == ["docs", "postings", "candidates"]
    assert_same_outputs(out, local_out)
