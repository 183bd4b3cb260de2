"""A server that keeps answering: bounded trace lanes, the trace deadline, cancellation when the
client goes away, and reads that never wait behind traces. Each test runs a real
``wiretrace serve`` process on loopback (see ``test_serve.py``) against an index of the demo
articles plus 100 BBC articles; the slow query is BBC articles run together, the case of
issue 12."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx", reason="needs httpx (the [dev] extra)")
psutil = pytest.importorskip("psutil", reason="needs psutil (the [dev] extra)")
pytest.importorskip("uvicorn", reason="needs the [serve] extra (FastAPI, uvicorn)")

from test_serve import Server, assert_error, build_demo_index, start_server  # noqa: E402

from wiretrace.index.sqlite import open_index  # noqa: E402
from wiretrace.model import Document  # noqa: E402

pytestmark = pytest.mark.slow
SHORT = "The harbour authority reopened the northern pier on Monday after repairs."


@pytest.fixture(scope="module")
def bbc_db(tmp_path_factory: pytest.TempPathFactory, bbc_articles: list[dict[str, str]]) -> Path:
    db = tmp_path_factory.mktemp("limits") / "bbc.db"
    build_demo_index(db)
    with open_index(db) as index:
        index.add(
            [
                Document(f"bbc/{i}", a["text"], a.get("title"))
                for i, a in enumerate(bbc_articles[:100])
            ]
        )
    return db


@pytest.fixture(scope="module")
def long_text(bbc_articles: list[dict[str, str]]) -> str:
    """About 3 MB of BBC articles run together (300 articles, five times over), under the 5 MB
    body limit: tracing it takes many seconds on any machine, now that a trace's work grows
    only linearly with the text (200 kB took under a second)."""
    text = "\n\n".join(a["text"] for a in bbc_articles[:300])
    return "\n\n".join([text] * 5)


def workers(server: Server) -> set[int]:
    """The live trace worker processes of the server."""
    live = set()
    for child in psutil.Process(server.proc.pid).children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "resource_tracker" not in " ".join(
                child.cmdline()
            ):
                live.add(child.pid)
        except psutil.Error:  # gone meanwhile
            pass
    return live


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def start(tmp_path: Path, bbc_db: Path) -> Iterator[Callable[..., Server]]:
    started: list[Server] = []

    def run(*args: str) -> Server:
        server = start_server(bbc_db, tmp_path / f"server-{len(started)}.log", *args)
        started.append(server)
        return server

    yield run
    for server in started:
        server.stop()


def test_reads_answer_while_traces_fill_every_slot_and_the_queue_is_bounded(
    start: Callable[..., Server], long_text: str
) -> None:
    server: Server = start(
        "--trace-processes",
        "0",
        "--readers",
        "1",
        "--trace-queue",
        "0",
        "--trace-timeout",
        "2",
        "--long-chars",
        "10000000",
    )  # the long text in the ordinary lane
    results: list[httpx.Response] = []

    def long_trace() -> None:
        with server.client(timeout=120) as c:
            results.append(c.post("/v1/trace", json={"text": long_text}))

    first = threading.Thread(target=long_trace)
    first.start()
    with server.client(timeout=5) as c:
        # The one slot is taken and no trace may wait: the next is refused at once.
        time.sleep(1)
        busy = c.post("/v1/trace", json={"text": SHORT})
        assert_error(busy, 503, "busy", "queue is full")
        assert int(busy.headers["retry-after"]) >= 1
        # Health and document reads have their own connections and threads.
        for _ in range(5):
            assert c.get("/v1/health").status_code == 200
            assert c.get("/v1/documents/bbc/0").status_code == 200
    first.join(timeout=120)
    assert_error(results[0], 503, "trace_timeout", "2 s")
    # A thread cannot be stopped: its slot stays taken until it ends, so the bound holds.
    with server.client(timeout=5) as c:
        assert_error(c.post("/v1/trace", json={"text": SHORT}), 503, "busy")
        assert c.get("/v1/health").status_code == 200
        assert wait_for(lambda: c.post("/v1/trace", json={"text": SHORT}).status_code == 200, 120)
    assert "Traceback" not in server.log.read_text()


def test_a_trace_past_its_deadline_is_killed_in_its_worker_process(
    start: Callable[..., Server], long_text: str
) -> None:
    server: Server = start(
        "--trace-processes", "1", "--trace-timeout", "1", "--long-chars", "1000000"
    )
    before = workers(server)
    assert len(before) == 2  # one ordinary worker, one for long articles
    with server.client(timeout=60) as c:
        assert c.post("/v1/trace", json={"text": SHORT}).status_code == 200
        assert_error(c.post("/v1/trace", json={"text": long_text}), 503, "trace_timeout")
        # The worker that ran it is gone (its CPU and memory with it) and was replaced.
        assert wait_for(lambda: len(workers(server) - before) == 1 and len(workers(server)) == 2)
        assert len(before - workers(server)) == 1
        assert c.post("/v1/trace", json={"text": SHORT}).status_code == 200
    assert "Traceback" not in server.log.read_text()


def test_a_trace_whose_client_goes_away_is_killed(
    start: Callable[..., Server], long_text: str
) -> None:
    server: Server = start(
        "--trace-processes", "1", "--trace-timeout", "120", "--long-chars", "50000"
    )
    before = workers(server)
    with server.client(timeout=1) as c, pytest.raises(httpx.ReadTimeout):
        c.post("/v1/trace", json={"text": long_text})
    # The long-article worker is killed as soon as the server sees the disconnect.
    assert wait_for(lambda: len(before - workers(server)) == 1, 20)
    with server.client(timeout=60) as c:
        assert c.post("/v1/trace", json={"text": SHORT}).status_code == 200
        assert c.get("/v1/health").status_code == 200
    log = server.log.read_text()
    assert "Traceback" not in log and "Exception in ASGI" not in log


def test_long_articles_have_a_lane_of_their_own(
    start: Callable[..., Server], long_text: str
) -> None:
    server: Server = start(
        "--trace-processes",
        "0",
        "--readers",
        "1",
        "--trace-queue",
        "0",
        "--long-chars",
        "50000",
        "--trace-timeout",
        "60",
    )
    done = threading.Event()

    def long_trace() -> None:
        with server.client(timeout=120) as c:
            c.post("/v1/trace", json={"text": long_text})
        done.set()

    thread = threading.Thread(target=long_trace)
    thread.start()
    time.sleep(1)  # let the first long article in before the second
    with server.client(timeout=30) as c:
        # While the long one runs, a second long one is refused and short ones still run.
        assert wait_for(
            lambda: c.post("/v1/trace", json={"text": long_text + " x"}).status_code == 503
        )
        assert not done.is_set()
        for _ in range(3):
            assert c.post("/v1/trace", json={"text": SHORT}).status_code == 200
    thread.join(timeout=120)


def test_a_trace_that_would_wait_too_long_is_refused_at_once(
    start: Callable[..., Server], long_text: str
) -> None:
    server: Server = start(
        "--trace-processes",
        "0",
        "--readers",
        "1",
        "--trace-queue",
        "8",
        "--trace-max-wait",
        "0.5",
        "--long-chars",
        "1000000",
        "--trace-timeout",
        "120",
    )
    slow = long_text[:900_000]  # seconds of tracing, under --long-chars
    with server.client(timeout=120) as c:
        assert c.post("/v1/trace", json={"text": slow}).status_code == 200  # seconds: learnt
        results: list[httpx.Response] = []
        thread = threading.Thread(
            target=lambda: results.append(c.post("/v1/trace", json={"text": slow + " x"}))
        )
        thread.start()
        time.sleep(1)
        with server.client(timeout=30) as other:
            # The queue has room, but the trace ahead takes seconds: no point waiting.
            busy = other.post("/v1/trace", json={"text": SHORT})
            assert_error(busy, 503, "busy")
            assert int(busy.headers["retry-after"]) >= 1
        thread.join(timeout=120)
        assert results[0].status_code == 200
        assert c.post("/v1/trace", json={"text": SHORT}).status_code == 200
