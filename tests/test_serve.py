"""The HTTP API as a client sees it: a real ``wiretrace serve`` process (uvicorn) on loopback,
real HTTP through httpx, a real SQLite index built from the bundled demo corpus."""

from __future__ import annotations

import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

httpx = pytest.importorskip("httpx", reason="needs httpx (the [dev] extra)")
pytest.importorskip("fastapi", reason="needs the [serve] extra (FastAPI, uvicorn)")
pytest.importorskip("uvicorn", reason="needs the [serve] extra (FastAPI, uvicorn)")

import jsonschema  # noqa: E402

from wiretrace.index.sqlite import open_index  # noqa: E402
from wiretrace.ingest.readers import ReadOptions, iter_records  # noqa: E402
from wiretrace.model import Document  # noqa: E402
from wiretrace.report.json import trace_schema, trace_to_dict  # noqa: E402
from wiretrace.tracing import trace  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "demo"
SHOWCASE = DEMO / "composites" / "showcase.txt"
LIMIT = 5 * 1024 * 1024


# -- a real server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_demo_index(db: Path) -> int:
    """The bundled demo articles in a fresh SQLite index; returns the document count."""
    records = iter_records([DEMO / "wikinews.jsonl"], ReadOptions())
    docs = [r for r in records if isinstance(r, Document)]
    with open_index(db) as index:
        index.add(docs)
        return len(index)


@dataclass
class Server:
    """A ``wiretrace serve`` subprocess on loopback."""

    proc: subprocess.Popen[bytes]
    base: str
    db: Path
    log: Path
    token: str | None = None

    def client(self, token: str | None = None, timeout: float = 60) -> httpx.Client:
        headers = {}
        if token or self.token:
            headers["Authorization"] = f"Bearer {token or self.token}"
        return httpx.Client(base_url=self.base, headers=headers, timeout=timeout)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def demo_server(folder: Path, *args: str, token: str | None = None) -> Server:
    """``wiretrace serve`` on a fresh index of the bundled demo articles in ``folder``."""
    db = folder / "demo.db"
    build_demo_index(db)
    return start_server(db, folder / "server.log", *args, token=token)


def start_server(db: Path, log: Path, *args: str, token: str | None = None) -> Server:
    """Start ``wiretrace serve`` and wait until ``/v1/health`` answers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "WIRETRACE_TOKEN"}
    if token:
        env["WIRETRACE_TOKEN"] = token
    cmd = [
        sys.executable,
        "-c",
        "from wiretrace.cli import main; main()",
        "serve",
        "--db",
        str(db),
        "--port",
        str(port),
        "--log-level",
        "warning",
        *args,
    ]
    out = log.open("wb")
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    server = Server(proc, f"http://127.0.0.1:{port}", db, log, token)
    deadline = time.monotonic() + 60
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited {proc.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{server.base}/v1/health", headers=headers, timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.stop()
    raise AssertionError(f"server did not start:\n{log.read_text()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("serve")
    db = folder / "demo.db"
    build_demo_index(db)
    srv = start_server(db, folder / "server.log")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


@pytest.fixture(scope="module")
def showcase() -> str:
    return SHOWCASE.read_text(encoding="utf-8")


def showcase_truth() -> dict[str, Any]:
    lines = (DEMO / "composites" / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    return next(r for r in map(json.loads, lines) if r.get("showcase"))


def assert_error(response: httpx.Response, status: int, code: str, *words: str) -> None:
    """A JSON error body with this status and code, whose message names ``words``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == status
    assert error["code"] == code, error
    for word in words:
        assert word.lower() in error["message"].lower(), error["message"]


# -- tracing ------------------------------------------------------------------------------------


def test_health_and_loopback_only(server: Server, client: httpx.Client) -> None:
    psutil = pytest.importorskip("psutil", reason="needs psutil (the [dev] extra)")
    body = client.get("/v1/health").json()
    assert body["status"] == "ok" and body["documents"] == 97 and body["schema_version"]
    assert body["token_required"] is False
    listening = [
        c.laddr
        for c in psutil.Process(server.proc.pid).net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    ]
    assert listening and all(addr.ip == "127.0.0.1" for addr in listening), listening


def test_trace_json_matches_the_library_and_the_schema(
    server: Server, client: httpx.Client, showcase: str
) -> None:
    response = client.post("/v1/trace", json={"text": showcase, "title": "What we know"})
    assert response.status_code == 200, response.text
    report = response.json()
    jsonschema.validate(report, trace_schema())
    with open_index(server.db, create=False, readonly=True) as index:
        expected = trace_to_dict(trace(index, Document("query", showcase, title="What we know")))
    assert report == expected
    truth = {s["id"] for s in showcase_truth()["sources"]}
    assert truth <= {s["id"] for s in report["sources"]}
    assert report["earliest_source"] in truth
    for p in report["passages"]:
        assert 0 <= p["query_start"] < p["query_end"] <= len(showcase)
    assert any(
        (e["from"], e["to"]) == ("Indonesia", "Republic of Indonesia")
        for p in report["passages"]
        for e in p["edits"]
    )


def test_view_adds_text_and_word_diffs_that_rebuild_both_sides(
    client: httpx.Client, showcase: str
) -> None:
    report = client.post("/v1/trace?view=true", json={"text": showcase}).json()
    jsonschema.validate(report, trace_schema())  # the schema documents the optional view
    bad = {**report, "view": {**report["view"], "diffs": [[["moved", "a", "b"]]]}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, trace_schema())
    view = report.pop("view")
    assert view["text"] == showcase
    assert len(view["diffs"]) == len(report["passages"])
    sources = {s["id"]: client.get(f"/v1/documents/{s['id']}").json() for s in report["sources"]}
    marked = []
    for p, diff in zip(report["passages"], view["diffs"], strict=True):
        assert "".join(q for _, _, q in diff) == showcase[p["query_start"] : p["query_end"]]
        field = sources[p["source_id"]][p["source_field"]]  # "text", or "title" for a headline
        src = field[p["source_start"] : p["source_end"]]
        assert "".join(s for _, s, _ in diff) == src
        marked += [(s.strip(), q.strip()) for op, s, q in diff if op != "equal"]
    assert ("said", "stated") in marked
    assert ("", "Republic of") in marked


def test_html_format_is_the_standalone_report(client: httpx.Client, showcase: str) -> None:
    response = client.post("/v1/trace?format=html", json={"text": showcase})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "attachment" in response.headers["content-disposition"]
    page = response.text
    assert page.startswith("<!doctype html>") and 'id="wt-data"' in page
    assert "wikinews/un-optimistic-on-tsunami-aid-effort" in page
    assert response.headers["content-security-policy"].startswith("default-src 'none'")


def test_uploaded_text_and_html_files_are_traced(client: httpx.Client, showcase: str) -> None:
    as_json = client.post("/v1/trace", json={"text": showcase, "id": "showcase.txt"}).json()
    files = {"file": ("showcase.txt", showcase.encode("utf-8"), "text/plain")}
    uploaded = client.post("/v1/trace", files=files).json()
    assert uploaded == as_json
    paragraphs = [p for p in showcase.split("\n\n") if len(p) > 80]
    page = (
        "<!doctype html><html><head><title>Tsunami relief: what we know</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article>"
        "<h1>Tsunami relief: what we know</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</article><footer>Copyright 2005 Example Farm</footer></body></html>"
    )
    files = {"file": ("page.html", page.encode("utf-8"), "text/html")}
    response = client.post("/v1/trace", files=files, data={"source": "Example Farm"})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["query"]["title"] == "Tsunami relief: what we know"
    assert report["query"]["source"] == "Example Farm"
    assert report["coverage"] > 0.6
    assert {s["id"] for s in showcase_truth()["sources"]} <= {s["id"] for s in report["sources"]}


def test_no_url_is_ever_fetched(client: httpx.Client, showcase: str) -> None:
    hits: list[str] = []

    class Canary(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    canary = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Canary)
    thread = threading.Thread(target=canary.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{canary.server_address[1]}/article"
        doc = {
            "id": "canary-doc",
            "text": "A canary article about nothing in particular at all, "
            "with enough words to be indexed like any other article.",
            "url": url,
        }
        assert client.post("/v1/documents", json=[doc]).status_code == 200
        assert client.post("/v1/trace", json={"text": showcase, "url": url}).status_code == 200
        page = f"<html><body><img src='{url}/img.png'><p>{showcase}</p></body></html>"
        files = {"file": ("p.html", page.encode(), "text/html")}
        assert client.post("/v1/trace", files=files).status_code == 200
        time.sleep(0.3)
    finally:
        canary.shutdown()
        canary.server_close()
    assert hits == []


# -- bad input: precise 4xx, never 500 ------------------------------------------------------------

JSON = {"content-type": "application/json"}

BAD_TRACE_REQUESTS: list[tuple[str, dict[str, Any], int, str, tuple[str, ...]]] = [
    ("empty text", {"json": {"text": ""}}, 422, "empty_text", ("empty",)),
    ("whitespace only", {"json": {"text": " \n\t "}}, 422, "empty_text", ("whitespace",)),
    ("no text", {"json": {"title": "x"}}, 422, "missing_text", ("text",)),
    ("null text", {"json": {"text": None}}, 422, "missing_text", ("text",)),
    ("text not a string", {"json": {"text": 5}}, 422, "invalid_field", ("'text'", "string")),
    (
        "title not a string",
        {"json": {"text": "a b c", "title": ["x"]}},
        422,
        "invalid_field",
        ("'title'",),
    ),
    (
        "bad date",
        {"json": {"text": "a b", "published_at": "yesterday"}},
        422,
        "invalid_field",
        ("published_at", "ISO 8601"),
    ),
    ("unknown field", {"json": {"txt": "hello"}}, 422, "unknown_field", ("'txt'",)),
    ("array body", {"json": [{"text": "x"}]}, 422, "invalid_body", ("object", "array")),
    (
        "invalid JSON",
        {"content": b'{"text": "abc"', "headers": JSON},
        422,
        "invalid_json",
        ("not valid JSON", "column"),
    ),
    (
        "not UTF-8",
        {"content": b'{"text": "\xff"}', "headers": JSON},
        422,
        "invalid_encoding",
        ("UTF-8",),
    ),
    ("empty body", {"content": b"", "headers": JSON}, 422, "empty_body", ("empty",)),
    (
        "wrong content type",
        {
            "content": b"text=hello",
            "headers": {"content-type": "application/x-www-form-urlencoded"},
        },
        415,
        "unsupported_media_type",
        ("application/x-www-form-urlencoded",),
    ),
    (
        "plain text",
        {"content": b"hello", "headers": {"content-type": "text/plain"}},
        415,
        "unsupported_media_type",
        ("text/plain",),
    ),
    ("no content type", {"content": b"hello"}, 415, "unsupported_media_type", ("none",)),
    (
        "odt upload",
        {"files": {"file": ("article.odt", b"PK\x03\x04", "application/zip")}},
        415,
        "unsupported_file_type",
        ("'.odt'", ".txt", ".html", ".pdf", ".docx"),
    ),
    (
        "damaged pdf upload",
        {"files": {"file": ("article.pdf", b"%PDF-1.4", "application/pdf")}},
        422,
        "unreadable_document",
        ("article.pdf", "damaged PDF"),
    ),
    (
        "no extension",
        {"files": {"file": ("article", b"text", "text/plain")}},
        415,
        "unsupported_file_type",
        ("no extension",),
    ),
    (
        "empty file",
        {"files": {"file": ("a.txt", b"  \n", "text/plain")}},
        422,
        "empty_text",
        ("a.txt", "no text"),
    ),
    (
        "page with no main text",
        {
            "files": {
                "file": (
                    "nav.html",
                    b"<html><body><nav><img src='logo.png' alt=''></nav></body></html>",
                    "text/html",
                )
            }
        },
        422,
        "unreadable_page",
        ("nav.html", "no main text"),
    ),
    (
        "binary .txt",
        {"files": {"file": ("a.txt", b"ab\x00cd", "text/plain")}},
        422,
        "invalid_encoding",
        ("NUL",),
    ),
    (
        "latin-1 .txt",
        {"files": {"file": ("a.txt", b"caf\xe9 au lait", "text/plain")}},
        422,
        "invalid_encoding",
        ("UTF-8", "offset 3"),
    ),
    (
        "multipart without file",
        {"data": {"title": "x"}, "files": {"other": ("a.txt", b"x")}},
        422,
        "missing_file",
        ("'file'",),
    ),
    (
        "file and text",
        {"data": {"text": "pasted"}, "files": {"file": ("a.txt", b"filed")}},
        422,
        "ambiguous_input",
        ("both",),
    ),
    (
        "unknown form field",
        {"data": {"titel": "x"}, "files": {"file": ("a.txt", b"words")}},
        422,
        "unknown_field",
        ("'titel'",),
    ),
    (
        "bad query parameter",
        {"json": {"text": "a"}, "params": {"format": "pdf"}},
        422,
        "invalid_parameter",
        ("format",),
    ),
    (
        "exclude not a list",
        {"json": {"text": "a b", "exclude": "wire-1"}},
        422,
        "invalid_field",
        ("'exclude'", "list"),
    ),
    (
        "exclude of numbers",
        {"json": {"text": "a b", "exclude": [1, 2]}},
        422,
        "invalid_field",
        ("'exclude'", "strings"),
    ),
    (
        "exclude too long",
        {"json": {"text": "a b", "exclude": [f"d{i}" for i in range(101)]}},
        422,
        "invalid_field",
        ("'exclude'", "at most 100"),
    ),
    (
        "exclude a blank id",
        {"json": {"text": "a b", "exclude": ["  "]}},
        422,
        "invalid_field",
        ("'exclude'", "empty"),
    ),
]


@pytest.mark.parametrize(
    ("kwargs", "status", "code", "words"),
    [case[1:] for case in BAD_TRACE_REQUESTS],
    ids=[case[0] for case in BAD_TRACE_REQUESTS],
)
def test_bad_trace_requests_get_precise_errors(
    client: httpx.Client, kwargs: dict[str, Any], status: int, code: str, words: tuple[str, ...]
) -> None:
    assert_error(client.post("/v1/trace", **kwargs), status, code, *words)


def test_excluded_documents_are_left_out_of_json_and_upload_traces(
    client: httpx.Client, showcase: str
) -> None:
    whole = client.post("/v1/trace", json={"text": showcase}).json()
    first, second = (s["id"] for s in whole["sources"][:2])
    report = client.post("/v1/trace", json={"text": showcase, "exclude": [first]}).json()
    ids = {s["id"] for s in report["sources"]} | {p["source_id"] for p in report["passages"]}
    assert first not in ids and second in ids
    assert report["coverage"] < whole["coverage"]
    # An upload names each excluded id in a form field of its own.
    files = {"file": ("showcase.txt", showcase.encode(), "text/plain")}
    data = {"exclude": [first, second]}
    upload = client.post("/v1/trace", files=files, data=data).json()
    ids = {s["id"] for s in upload["sources"]} | {p["source_id"] for p in upload["passages"]}
    assert not {first, second} & ids and upload["sources"]
    # An id no document has changes nothing.
    same = client.post("/v1/trace", json={"text": showcase, "exclude": ["no/such"]}).json()
    assert same == whole


def test_a_text_over_the_limit_gets_the_api_hint_not_the_command_line_one() -> None:
    from wiretrace.serve.inputs import ApiError, parse_trace_json

    with pytest.raises(ApiError) as caught:
        parse_trace_json(b'{"text": "' + b"x" * 40 + b'"}', 20)
    assert caught.value.code == "invalid_field"
    assert caught.value.message.endswith("over the limit of 20 bytes; send a shorter text")
    assert "--max-bytes" not in caught.value.message


def test_bodies_over_the_limit_get_413(client: httpx.Client) -> None:
    big = json.dumps({"text": "x" * LIMIT}).encode()
    assert_error(
        client.post("/v1/trace", content=big, headers=JSON), 413, "body_too_large", "5,242,880"
    )
    files = {"file": ("big.txt", b"word " * (LIMIT // 5 + 10), "text/plain")}
    assert_error(client.post("/v1/trace", files=files), 413, "body_too_large")
    assert_error(client.post("/v1/documents", content=big, headers=JSON), 413, "body_too_large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        yield b'{"text": "'
        for _ in range(6):
            yield b"y" * (1024 * 1024)
        yield b'"}'

    assert_error(client.post("/v1/trace", content=chunks(), headers=JSON), 413, "body_too_large")
    # Exactly at the limit is accepted (and then judged on its content).
    at_limit = b"[" + b" " * (LIMIT - 2) + b"]"
    response = client.post("/v1/documents", content=at_limit, headers=JSON)
    assert response.status_code == 200 and response.json()["added"] == 0


# -- documents ------------------------------------------------------------------------------------


def test_add_documents_counts_and_rejects(client: httpx.Client) -> None:
    records = [
        {
            "id": "api-1",
            "text": "The harbour authority reopened the northern pier on Monday "
            "after three weeks of repairs to the storm-damaged breakwater.",
            "title": "Pier reopens",
            "source": "Harbour Times",
            "published_at": "2021-03-01",
        },
        {
            "id": "api-2",
            "text": "Volunteers planted four hundred oak saplings along the river "
            "bank, the parks department said in a statement on Sunday.",
        },
        {"id": "api-3", "text": "   "},
        {"text": "no id here"},
        "not an object",
        {"id": "api-4", "text": "A date that is not one.", "published_at": "31/02/2021"},
    ]
    response = client.post("/v1/documents", json=records)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["added"], body["updated"], body["unchanged"], body["rejected"]) == (2, 0, 0, 4)
    reasons = {r["location"]: r for r in body["rejects"]}
    assert set(reasons) == {"item 2", "item 3", "item 4", "item 5"}
    assert "empty text" in reasons["item 2"]["reason"] and reasons["item 2"]["id"] == "api-3"
    assert "missing 'id'" in reasons["item 3"]["reason"]
    assert "JSON object" in reasons["item 4"]["reason"]
    assert "ISO 8601" in reasons["item 5"]["reason"]
    stored = client.get("/v1/documents/api-1").json()
    assert stored == {**records[0], "url": None, "language": None}
    again = client.post("/v1/documents", json=records[:2]).json()
    assert (again["added"], again["unchanged"]) == (0, 2)


def test_add_documents_as_jsonl(client: httpx.Client) -> None:
    lines = [
        json.dumps({"id": "jsonl-1", "text": "Line one of a JSONL upload about trains."}),
        "",
        "{not json",
        json.dumps({"id": "jsonl-2", "text": "Line four: about ferries.", "source": "Ferry News"}),
    ]
    body = "\n".join(lines).encode()
    response = client.post(
        "/v1/documents", content=body, headers={"content-type": "application/x-ndjson"}
    )
    result = response.json()
    assert (result["added"], result["rejected"]) == (2, 1)
    assert result["rejects"][0]["location"] == "line 3"
    assert "not valid JSON" in result["rejects"][0]["reason"]
    assert client.get("/v1/documents/jsonl-2").json()["source"] == "Ferry News"


def test_all_or_nothing_adds_nothing_when_a_record_is_bad(client: httpx.Client) -> None:
    before = client.get("/v1/health").json()["documents"]
    records = [{"id": "aon-1", "text": "A perfectly fine record."}, {"id": "aon-2", "text": ""}]
    response = client.post("/v1/documents", params={"all_or_nothing": "true"}, json=records)
    assert_error(response, 422, "rejected_records", "item 1", "nothing added")
    assert response.json()["error"]["rejects"][0]["id"] == "aon-2"
    assert client.get("/v1/health").json()["documents"] == before
    assert client.get("/v1/documents/aon-1").status_code == 404


BAD_DOCUMENT_POSTS: list[tuple[str, dict[str, Any], int, str, tuple[str, ...]]] = [
    ("object not array", {"json": {"id": "x", "text": "y"}}, 422, "invalid_body", ("array",)),
    ("invalid JSON", {"content": b"[{", "headers": JSON}, 422, "invalid_json", ("JSON",)),
    (
        "wrong content type",
        {"content": b"id,text", "headers": {"content-type": "text/csv"}},
        415,
        "unsupported_media_type",
        ("text/csv", "x-ndjson"),
    ),
    (
        "empty JSONL",
        {"content": b"\n", "headers": {"content-type": "application/x-ndjson"}},
        422,
        "empty_body",
        ("empty",),
    ),
]


@pytest.mark.parametrize(
    ("kwargs", "status", "code", "words"),
    [case[1:] for case in BAD_DOCUMENT_POSTS],
    ids=[case[0] for case in BAD_DOCUMENT_POSTS],
)
def test_bad_document_posts_get_precise_errors(
    client: httpx.Client, kwargs: dict[str, Any], status: int, code: str, words: tuple[str, ...]
) -> None:
    assert_error(client.post("/v1/documents", **kwargs), status, code, *words)


def test_get_document_unknown_or_malformed(client: httpx.Client) -> None:
    doc = client.get("/v1/documents/wikinews/americans-contribute-to-relief-effort").json()
    assert doc["title"] == "Americans contribute to relief effort" and doc["text"]
    assert_error(
        client.get("/v1/documents/no-such-document"), 404, "unknown_document", "no-such-document"
    )
    assert_error(client.get("/v1/documents/" + "x" * 2000), 422, "invalid_id", "at most")
    assert_error(client.get("/v1/documents/bad%01id"), 422, "invalid_id", "U+0001")
    assert_error(client.get("/v1/documents/%20%20"), 422, "invalid_id", "empty")


def test_unknown_routes_and_methods_are_json_errors(client: httpx.Client) -> None:
    assert_error(client.get("/v1/nothing"), 404, "not_found", "/v1/nothing")
    assert_error(client.get("/v1/trace"), 405, "method_not_allowed", "GET")
    assert_error(client.get("/docs"), 404, "not_found")  # no CDN-backed Swagger page


def test_openapi_and_safety_headers(client: httpx.Client) -> None:
    response = client.get("/openapi.json")
    spec = response.json()
    assert {"/v1/trace", "/v1/documents", "/v1/documents/{doc_id}", "/v1/health"} <= set(
        spec["paths"]
    )
    body = spec["paths"]["/v1/trace"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(body)
    page = client.get("/")
    assert page.status_code == 200 and "wt-form" in page.text
    for r in (response, page):
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-frame-options"] == "DENY"
    assert client.get("/static/report.js").headers["content-type"].startswith("text/javascript")
    assert_error(client.get("/static/../../etc/passwd"), 404, "not_found")


# -- concurrency ----------------------------------------------------------------------------------


def test_traces_keep_working_while_documents_are_added(
    client: httpx.Client, server: Server, showcase: str
) -> None:
    baseline = client.post("/v1/trace", json={"text": showcase}).json()
    before = client.get("/v1/health").json()["documents"]
    batches, per_batch = 25, 40
    errors: list[str] = []
    results: list[dict[str, Any]] = []
    stop = threading.Event()

    def writer() -> None:
        with server.client() as c:
            for b in range(batches):
                docs = [
                    {
                        "id": f"bulk/{b}/{i}",
                        "text": f"Bulletin {b}-{i}: the council met about road number {b * 97 + i} "
                        f"and agreed item {i} of batch {b}; residents may comment until Friday.",
                    }
                    for i in range(per_batch)
                ]
                r = c.post("/v1/documents", json=docs)
                if r.status_code != 200 or r.json()["added"] != per_batch:
                    errors.append(f"add {b}: {r.status_code} {r.text[:200]}")
        stop.set()

    def reader() -> None:
        with server.client() as c:
            while not stop.is_set():
                r = c.post("/v1/trace", json={"text": showcase})
                if r.status_code != 200:
                    errors.append(f"trace: {r.status_code} {r.text[:200]}")
                else:
                    results.append(r.json())

    threads = [threading.Thread(target=writer)] + [
        threading.Thread(target=reader) for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors[:5]
    assert len(results) >= 3
    assert all(r == baseline for r in results)  # the new bulletins share nothing with it
    assert client.get("/v1/health").json()["documents"] == before + batches * per_batch
    assert client.get(f"/v1/documents/bulk/{batches - 1}/0").status_code == 200


# -- token ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def token_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("serve-token")
    db = folder / "demo.db"
    build_demo_index(db)
    srv = start_server(db, folder / "server.log", token="s3cret-token")
    yield srv
    srv.stop()


def test_token_is_required_on_the_api(token_server: Server, showcase: str) -> None:
    with httpx.Client(base_url=token_server.base, timeout=60) as anonymous:
        for method, path in (
            ("GET", "/v1/health"),
            ("POST", "/v1/trace"),
            ("POST", "/v1/documents"),
            ("GET", "/v1/documents/x"),
        ):
            response = anonymous.request(method, path, json={"text": showcase})
            assert_error(response, 401, "unauthorized", "token")
            assert response.headers["www-authenticate"].startswith("Bearer")
        # The page and the API description hold no data and stay open.
        assert anonymous.get("/").status_code == 200
        assert anonymous.get("/openapi.json").status_code == 200
        big = json.dumps({"text": "x" * (LIMIT + 10)}).encode()
        assert anonymous.post("/v1/trace", content=big, headers=JSON).status_code == 401
    with token_server.client(token="wrong") as wrong:
        assert_error(wrong.get("/v1/health"), 401, "unauthorized")
    with token_server.client() as good:
        health = good.get("/v1/health")
        assert health.status_code == 200 and health.json()["token_required"] is True
        assert "s3cret" not in health.text
        assert good.post("/v1/trace", json={"text": showcase}).json()["coverage"] > 0.8


def test_serve_without_the_extra_names_it() -> None:
    code = (
        "import sys, builtins\n"
        "real = builtins.__import__\n"
        "def fake(name, *a, **k):\n"
        "    if name.split('.')[0] in ('fastapi', 'uvicorn'):\n"
        "        raise ImportError('No module named ' + repr(name))\n"
        "    return real(name, *a, **k)\n"
        "builtins.__import__ = fake\n"
        "from wiretrace.cli import main\n"
        "sys.argv = ['wiretrace', 'serve', '--db', 'x.db']\n"
        "main()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "[serve]" in proc.stderr and "pip install" in proc.stderr


def test_help_does_not_import_fastapi() -> None:
    code = (
        "import sys\nfrom wiretrace.cli import main\n"
        "try:\n    main(['serve', '--help'])\nexcept SystemExit:\n    pass\n"
        "print('fastapi' in sys.modules, 'uvicorn' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip().endswith("False False"), proc.stdout + proc.stderr
    assert "--token" in proc.stdout and "WIRETRACE_TOKEN" in proc.stdout


def test_reads_share_a_bounded_pool_of_connections(tmp_path: Path, showcase: str) -> None:
    from wiretrace.serve.store import IndexStore

    db = tmp_path / "pool.db"
    build_demo_index(db)
    store = IndexStore(db, readers=2)
    coverages: list[float] = []
    busy = [0, 0]  # in use now, most in use at once
    lock = threading.Lock()

    def work() -> None:
        with store.reading() as index:
            with lock:
                busy[0] += 1
                busy[1] = max(busy)
            coverages.append(trace(index, Document("q", showcase)).coverage)
            with lock:
                busy[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.close()
    assert len(coverages) == 8 and len(set(coverages)) == 1 and coverages[0] > 0.8
    assert busy[1] <= 2
    with pytest.raises(RuntimeError, match="closed"), store.reading():
        pass


def test_an_internal_failure_is_a_json_500_without_details(tmp_path: Path) -> None:
    import asyncio

    from wiretrace.serve.app import create_app
    from wiretrace.serve.options import ServeOptions
    from wiretrace.serve.store import IndexStore

    class BrokenStore(IndexStore):
        def get(self, doc_id: str) -> Document | None:
            raise RuntimeError("secret detail /etc/shadow")

    db = tmp_path / "i.db"
    app = create_app(ServeOptions(db=db, trace_processes=0), BrokenStore(db))

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            return await c.get("/v1/documents/x")

    response = asyncio.run(call())
    assert_error(response, 500, "internal_error", "server log")
    assert "secret" not in response.text


def test_trace_processes_give_the_same_answers_and_see_new_documents(
    tmp_path: Path, showcase: str
) -> None:
    db = tmp_path / "procs.db"
    build_demo_index(db)
    srv = start_server(db, tmp_path / "server.log", "--trace-processes", "2")
    try:
        with srv.client() as c:
            with open_index(db, create=False, readonly=True) as index:
                expected = trace_to_dict(trace(index, Document("query", showcase)))
            assert c.post("/v1/trace", json={"text": showcase}).json() == expected
            novel = (
                "The lighthouse keeper's union agreed on Tuesday to automate the last "
                "three manned towers on the northern coast by the end of next year, "
                "ending a tradition that began in 1791."
            )
            assert c.post("/v1/trace", json={"text": novel}).json()["sources"] == []
            added = c.post(
                "/v1/documents",
                json=[{"id": "late-copy", "text": novel, "published_at": "2024-01-02"}],
            ).json()
            assert added["added"] == 1
            for _ in range(4):  # every worker process sees the committed addition
                report = c.post("/v1/trace", json={"text": novel}).json()
                assert [s["id"] for s in report["sources"]] == ["late-copy"]
                assert report["earliest_source"] == "late-copy"
    finally:
        srv.stop()
    # uvicorn shuts down gracefully, then re-raises the SIGTERM it caught.
    assert srv.proc.returncode in (0, -signal.SIGTERM)
    assert "Traceback" not in srv.log.read_text(), srv.log.read_text()
