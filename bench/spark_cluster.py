"""A Spark standalone cluster on this machine: one master and N workers, each its own process.

Tests and benchmarks use it to run the Spark engine on a real cluster (separate JVMs talking
over the network, executors started by workers) instead of ``local[N]`` (one JVM)::

    with SparkCluster(tmp_path / "cluster", workers=2) as cluster:
        cluster.master_url            # spark://127.0.0.1:PORT
        cluster.alive_workers()       # the master's view, from its JSON page
        cluster.kill_worker(0)        # kill -9 a worker and its executor (fault tests)

It runs what ships with a pip-installed PySpark (``$SPARK_HOME/bin/spark-class``, where
``SPARK_HOME`` is the ``pyspark`` package folder):

- ``spark-class org.apache.spark.deploy.master.Master --host 127.0.0.1 --port P
  --webui-port W``;
- for each worker, ``spark-class org.apache.spark.deploy.worker.Worker spark://127.0.0.1:P
  --cores 1 --memory 1g --host 127.0.0.1 --port Q --webui-port V --work-dir DIR``.

Every port is a free one chosen at start, everything binds to 127.0.0.1, and logs, work
folders and shuffle files go under the given folder (``logs/``, ``work/worker-N``,
``local/``). ``start`` waits until the master's JSON page (``http://127.0.0.1:W/json/``) lists
every worker as ALIVE. ``stop`` ends only the processes this object started: the master and
worker processes by their recorded pids, with their descendants (executor JVMs, Python
workers), and any process left running in this cluster's work folders (an executor whose
worker was killed is re-parented and no longer a descendant); SIGTERM first, then SIGKILL.

The daemons inherit this process's environment (``env`` replaces it), with
``PYSPARK_PYTHON`` set to ``python``. Which Python an executor runs is decided by the driver
(its ``PYSPARK_PYTHON``, or ``spark.pyspark.python`` under ``spark-submit``):
:meth:`SparkCluster.driver_env` gives a driver environment that points at ``python``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import psutil

MASTER_CLASS = "org.apache.spark.deploy.master.Master"
WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"


class ClusterError(RuntimeError):
    """The cluster could not be started (the message names the log to read)."""


def spark_home() -> Path:
    """The folder of the pip-installed PySpark (it holds ``bin/spark-class`` and ``jars/``)."""
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True, slots=True)
class Daemon:
    """One process the cluster started: its role (``master``, ``worker-0``, ...), pid, log."""

    role: str
    process: subprocess.Popen[bytes]
    log: Path
    webui_port: int

    @property
    def pid(self) -> int:
        return self.process.pid


class SparkCluster:
    """A standalone master and ``workers`` workers on 127.0.0.1 (see the module docstring)."""

    def __init__(
        self,
        folder: Path,
        workers: int = 2,
        *,
        cores: int = 1,
        memory: str = "1g",
        python: str = sys.executable,
        env: Mapping[str, str] | None = None,
        timeout: float = 120.0,
    ) -> None:
        if workers < 1 or cores < 1:
            raise ValueError("a cluster needs at least one worker with at least one core")
        self.folder = Path(folder).resolve()
        self.workers = workers
        self.cores = cores
        self.memory = memory
        self.python = python
        self.timeout = timeout
        self._env = dict(os.environ if env is None else env)
        self.daemons: list[Daemon] = []
        self.master_port = 0
        self.webui_port = 0

    # -- addresses -------------------------------------------------------------------------

    @property
    def master_url(self) -> str:
        return f"spark://127.0.0.1:{self.master_port}"

    @property
    def json_url(self) -> str:
        return f"http://127.0.0.1:{self.webui_port}/json/"

    @property
    def worker_daemons(self) -> list[Daemon]:
        return [d for d in self.daemons if d.role.startswith("worker")]

    def driver_env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """An environment for a driver process: executors run ``self.python``, and Spark
        binds to the loopback address."""
        env = dict(os.environ if base is None else base)
        env["PYSPARK_PYTHON"] = self.python
        env["SPARK_LOCAL_IP"] = "127.0.0.1"
        env["SPARK_HOME"] = str(spark_home())
        return env

    # -- start and stop ----------------------------------------------------------------------

    def __enter__(self) -> SparkCluster:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> SparkCluster:
        """Start the master, then the workers; return when the master lists them all ALIVE."""
        if shutil.which("java") is None and "JAVA_HOME" not in self._env:
            raise ClusterError("Spark needs Java 17: no 'java' on PATH and no JAVA_HOME")
        for sub in ("logs", "work", "local"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        try:
            self.master_port, self.webui_port = free_port(), free_port()
            master = self._launch(
                "master",
                MASTER_CLASS,
                ["--host", "127.0.0.1", "--port", str(self.master_port)],
                self.webui_port,
            )
            self._wait(lambda s: s.get("status") == "ALIVE", master, "the master to start")
            for i in range(self.workers):
                work = self.folder / "work" / f"worker-{i}"
                args = [
                    self.master_url,
                    *("--cores", str(self.cores), "--memory", self.memory),
                    *("--host", "127.0.0.1", "--port", str(free_port())),
                    *("--work-dir", str(work)),
                ]
                self._launch(f"worker-{i}", WORKER_CLASS, args, free_port())
            self._wait(
                lambda s: len(_alive(s.get("workers", []))) == self.workers,
                master,
                f"{self.workers} workers to register",
            )
        except BaseException:
            self.stop()
            raise
        return self

    def _launch(self, role: str, main_class: str, args: list[str], webui_port: int) -> Daemon:
        home = spark_home()
        env = dict(self._env)
        env.update(
            SPARK_HOME=str(home),
            SPARK_LOCAL_IP="127.0.0.1",
            SPARK_LOCAL_DIRS=str(self.folder / "local"),
            SPARK_LOG_DIR=str(self.folder / "logs"),
            SPARK_NO_DAEMONIZE="1",
            PYSPARK_PYTHON=self.python,
        )
        log = self.folder / "logs" / f"{role}.log"
        command = [
            str(home / "bin" / "spark-class"),
            main_class,
            *args,
            "--webui-port",
            str(webui_port),
        ]
        with log.open("ab") as out:
            # spark-class execs java: the pid recorded is the daemon's JVM.
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=self.folder,
            )
        daemon = Daemon(role, process, log, webui_port)
        self.daemons.append(daemon)
        return daemon

    def _wait(self, ready: Any, master: Daemon, what: str) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            for d in self.daemons:
                if d.process.poll() is not None:
                    raise ClusterError(f"{d.role} exited ({d.process.returncode}); see {d.log}")
            state = self.state(quiet=True)
            if state is not None and ready(state):
                return
            time.sleep(0.25)
        raise ClusterError(
            f"timed out after {self.timeout:.0f} s waiting for {what}; see {master.log}"
        )

    def state(self, quiet: bool = False) -> dict[str, Any] | None:
        """The master's JSON page: ``workers``, ``activeapps``, ``completedapps``, ...
        (None when ``quiet`` and the master does not answer)."""
        try:
            with urllib.request.urlopen(self.json_url, timeout=5) as response:
                data: dict[str, Any] = json.loads(response.read())
                return data
        except (OSError, ValueError):
            if quiet:
                return None
            raise

    def alive_workers(self) -> list[dict[str, Any]]:
        """The workers the master lists as ALIVE."""
        state = self.state()
        return _alive(state.get("workers", []) if state else [])

    def active_apps(self) -> list[dict[str, Any]]:
        """The applications the master lists as running."""
        state = self.state()
        apps: list[dict[str, Any]] = state.get("activeapps", []) if state else []
        return apps

    def executor_pids(self, index: int) -> list[int]:
        """The pids of the processes worker ``index`` started (executor JVMs and their
        Python workers)."""
        return [p.pid for p in _descendants([self.worker_daemons[index].pid])]

    def kill_worker(self, index: int) -> list[int]:
        """``kill -9`` worker ``index`` and every process under it; return their pids (the
        worker's first)."""
        worker = self.worker_daemons[index]
        tree = [worker.pid, *self.executor_pids(index)]
        for pid in tree:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        worker.process.wait(timeout=30)
        psutil.wait_procs(_existing(tree), timeout=30)
        return tree

    def leftovers(self) -> list[psutil.Process]:
        """Processes still running that this cluster started: the daemons, their descendants,
        and processes whose working folder is in this cluster's folder (executors whose
        worker died)."""
        found = {p.pid: p for p in _existing(d.pid for d in self.daemons)}
        found.update((p.pid, p) for p in _descendants(found))
        for p in psutil.process_iter(["cwd"]):
            cwd = p.info.get("cwd")
            if cwd and Path(cwd).is_relative_to(self.folder / "work"):
                found.setdefault(p.pid, p)
                found.update((c.pid, c) for c in _descendants([p.pid]))
        found.pop(os.getpid(), None)
        return list(found.values())

    def stop(self) -> None:
        """End every process this cluster started: SIGTERM, then SIGKILL after 10 s."""
        procs = self.leftovers()
        for p in procs:
            with contextlib.suppress(psutil.Error):
                p.terminate()
        _, alive = psutil.wait_procs(procs, timeout=10)
        for p in alive:
            with contextlib.suppress(psutil.Error):
                p.kill()
        psutil.wait_procs(alive, timeout=10)
        for d in self.daemons:
            with contextlib.suppress(subprocess.TimeoutExpired):
                d.process.wait(timeout=10)  # reap our direct children


def _alive(workers: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [w for w in workers if w.get("state") == "ALIVE"]


def _existing(pids: Iterable[int]) -> list[psutil.Process]:
    out = []
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            out.append(psutil.Process(pid))
    return out


def _descendants(pids: Iterable[int]) -> Iterator[psutil.Process]:
    for p in _existing(pids):
        with contextlib.suppress(psutil.Error):
            yield from p.children(recursive=True)


if __name__ == "__main__":  # a manual check: start a cluster, print its state, stop it
    import tempfile

    with tempfile.TemporaryDirectory() as tmp, SparkCluster(Path(tmp), workers=2) as c:
        print(c.master_url, json.dumps([w["id"] for w in c.alive_workers()]))
