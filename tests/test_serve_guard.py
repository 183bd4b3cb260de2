"""Nothing gets in from a web page, and slow or broken clients hold nothing: Host and cross-site
checks, HEAD, safety headers on uvicorn's own errors, header and idle timeouts, clients that
leave mid-body, and start-up refusals. Through a real ``wiretrace serve`` on loopback."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx", reason="needs httpx (the [dev] extra)")
pytest.importorskip("uvicorn", reason="needs the [serve] extra (FastAPI, uvicorn)")

from test_serve import Server, assert_error, build_demo_index, free_port, start_server  # noqa: E402

from wiretrace.serve.options import exposure_warning  # noqa: E402

SAFETY = ("x-content-type-options", "x-frame-options", "content-security-policy", "referrer-policy")
SHORT = "The harbour authority reopened the northern pier on Monday after repairs."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("guard")
    db = folder / "demo.db"
    build_demo_index(db)
    srv = start_server(
        db,
        folder / "server.log",
        "--allowed-host",
        "wiretrace.test",
        "--header-timeout",
        "1",
        "--idle-timeout",
        "1",
    )
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def port(server: Server) -> int:
    return int(server.base.rsplit(":", 1)[1])


def raw(port: int, data: bytes, wait: float = 5) -> bytes:
    """Send ``data`` on a fresh connection and read until the server closes it."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def closed_by_server(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


# -- Host -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "attacker.example",
        "attacker.example:8000",
        "127.0.0.1.nip.io",
        "localhost.attacker.example",
        "",
    ],
)
def test_a_foreign_host_is_refused(server: Server, host: str) -> None:
    with server.client() as c:
        for path in ("/v1/health", "/", "/openapi.json"):
            response = c.get(path, headers={"host": host})
            assert_error(response, 421, "unknown_host", "--allowed-host")
            for name in SAFETY:
                assert name in response.headers


def test_own_and_allowed_hosts_are_served(server: Server, port: int) -> None:
    with server.client() as c:
        for host in (
            f"127.0.0.1:{port}",
            f"localhost:{port}",
            "LOCALHOST",
            f"[::1]:{port}",
            "wiretrace.test",
            f"wiretrace.test:{port}",
        ):
            assert c.get("/v1/health", headers={"host": host}).status_code == 200, host


def test_a_request_without_host_is_refused(port: int) -> None:
    answer = raw(port, b"GET /v1/health HTTP/1.0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
    assert b"missing_host" in answer and b"x-content-type-options: nosniff" in answer


# -- cross-site ---------------------------------------------------------------------------------


def test_cross_site_requests_to_the_api_are_refused(server: Server) -> None:
    with server.client() as c:
        for headers in (
            {"origin": "http://attacker.example"},
            {"origin": "null"},
            {"origin": server.base.replace("127.0.0.1", "localhost")},
            {"sec-fetch-site": "cross-site"},
            {"sec-fetch-site": "same-site"},
        ):
            assert_error(
                c.post("/v1/trace", json={"text": SHORT}, headers=headers),
                403,
                "cross_site",
                "token",
            )
            assert_error(c.get("/v1/health", headers=headers), 403, "cross_site")
        # A "simple" cross-site form post, which needs no preflight, is refused too.
        files = {"file": ("a.txt", SHORT.encode(), "text/plain")}
        response = c.post(
            "/v1/trace",
            files=files,
            headers={"origin": "http://attacker.example", "sec-fetch-site": "cross-site"},
        )
        assert_error(response, 403, "cross_site")
        docs = [{"id": "from-attacker", "text": "planted text"}]
        assert (
            c.post("/v1/documents", json=docs, headers={"sec-fetch-site": "cross-site"}).status_code
            == 403
        )
        assert c.get("/v1/documents/from-attacker").status_code == 404


def test_same_origin_requests_are_served(server: Server) -> None:
    with server.client() as c:
        for headers in (
            {"origin": server.base},
            {"sec-fetch-site": "same-origin"},
            {"sec-fetch-site": "none"},
            {},
        ):
            assert c.post("/v1/trace", json={"text": SHORT}, headers=headers).status_code == 200
        # The page itself is not API: it may be opened from a link on another site.
        assert c.get("/", headers={"sec-fetch-site": "cross-site"}).status_code == 200


def test_with_a_token_a_cross_site_client_must_send_it(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    build_demo_index(db)
    server = start_server(db, tmp_path / "server.log", token="s3cret-token")
    cross = {"origin": "http://tool.example", "sec-fetch-site": "cross-site"}
    try:
        with httpx.Client(base_url=server.base, timeout=30) as anonymous:
            assert_error(anonymous.get("/v1/health", headers=cross), 401, "unauthorized")
        with server.client() as c:
            assert c.get("/v1/health", headers=cross).status_code == 200
    finally:
        server.stop()


# -- HEAD and headers on every response ---------------------------------------------------------


def test_head_answers_get_routes_without_a_body(server: Server) -> None:
    with server.client() as c:
        for path in (
            "/v1/health",
            "/",
            "/openapi.json",
            "/static/app.js",
            "/v1/documents/wikinews/americans-contribute-to-relief-effort",
        ):
            get, head = c.get(path), c.head(path)
            assert head.status_code == 200 == get.status_code, path
            assert head.content == b""
            assert head.headers["content-type"] == get.headers["content-type"]
            if path != "/v1/health":  # its body holds a count that may move
                assert head.headers["content-length"] == get.headers["content-length"]
            for name in SAFETY:
                assert name in head.headers
        response = c.head("/v1/trace")
        assert response.status_code == 405 and response.content == b""
        assert c.head("/v1/nothing").status_code == 404


@pytest.mark.parametrize(
    "request_line",
    [
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n",
        b"GET /\x00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
    ],
)
def test_uvicorns_own_400_carries_the_safety_headers(port: int, request_line: bytes) -> None:
    answer = raw(port, request_line)
    head = answer.split(b"\r\n\r\n", 1)[0].lower()
    assert head.startswith(b"http/1.1 400"), answer[:300]
    for name in SAFETY:
        assert name.encode() + b":" in head, head


# -- slow and vanishing clients -------------------------------------------------------------------


def test_slow_header_connections_are_dropped(server: Server, port: int) -> None:
    sockets = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(30)]
    try:
        for i, sock in enumerate(sockets):
            if i % 3 == 1:
                sock.sendall(b"GET /v1/health HTTP/1.1\r\n")  # headers never finished
            elif i % 3 == 2:
                sock.sendall(b"G")  # and then one byte at a time, below
        for _ in range(6):  # 1.8 s of trickling past a 1 s header timeout
            time.sleep(0.3)
            for sock in sockets[2::3]:
                with contextlib.suppress(OSError):
                    sock.sendall(b"E")
        assert all(closed_by_server(sock) for sock in sockets)
    finally:
        for sock in sockets:
            sock.close()
    with server.client() as c:  # and the server still answers
        assert c.get("/v1/health").status_code == 200


def test_a_stalled_body_is_dropped_and_a_vanished_client_logs_no_error(
    server: Server, port: int
) -> None:
    head = (
        b"POST /v1/trace HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head + b'{"text": "only the start')
        assert closed_by_server(sock)  # the idle timeout (1 s) dropped it
    for _ in range(5):  # clients that leave in the middle of their body
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(head + b'{"text": "')
            time.sleep(0.1)
    time.sleep(0.5)
    with server.client() as c:
        assert c.get("/v1/health").status_code == 200
    log = server.log.read_text()
    assert "Traceback" not in log and "Exception in ASGI" not in log, log[-2000:]


# -- start-up -----------------------------------------------------------------------------------


def serve_cli(
    args: list[str], env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", "from wiretrace.cli import main; main()", "serve", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.mark.parametrize(
    ("arg", "value"), [("--token", ""), ("--token", "   "), ("env", ""), ("env", " \t")]
)
def test_an_empty_or_blank_token_is_a_startup_error(tmp_path: Path, arg: str, value: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "WIRETRACE_TOKEN"}
    args = ["--db", str(tmp_path / "x.db"), "--port", str(free_port())]
    if arg == "env":
        env["WIRETRACE_TOKEN"] = value
    else:
        args += ["--token", value]
    proc = serve_cli(args, env)
    assert proc.returncode != 0
    assert "empty or blank" in proc.stderr and "authentication" in proc.stderr, proc.stderr


def test_binding_beyond_loopback_without_a_token_warns(tmp_path: Path) -> None:
    assert exposure_warning("127.0.0.1", None) is None
    assert exposure_warning("127.0.0.2", None) is None
    assert exposure_warning("0.0.0.0", "t0ken") is None
    # Hold the port on every interface without listening, so the server cannot bind it: the
    # test never exposes anything, and the warning comes before the bind.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("0.0.0.0", 0))
        port = holder.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if k != "WIRETRACE_TOKEN"}
        proc = serve_cli(
            ["--db", str(tmp_path / "x.db"), "--host", "0.0.0.0", "--port", str(port)], env
        )
    assert proc.returncode != 0  # could not bind
    warning = proc.stderr
    assert "warning: listening on 0.0.0.0 without a token" in warning, warning
    for risk in ("read every stored document", "add documents", "WIRETRACE_TOKEN"):
        assert risk in warning
