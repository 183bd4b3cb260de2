"""The library endpoints as a client sees them, on a real ``wiretrace serve`` on loopback:
``GET /v1/documents`` (list and search, hostile search strings included) and uploads of files
to ``POST /v1/documents``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx", reason="needs httpx (the [dev] extra)")
pytest.importorskip("fastapi", reason="needs the [serve] extra (FastAPI, uvicorn)")

from test_serve import DEMO, Server, assert_error, build_demo_index, demo_server, start_server  # noqa: E402

HOSTILE = [
    '"', '""', "*", "NEAR(", "NEAR(a b", "a AND b", "AND", "OR NOT", "-", "-x", ":", "title:x",
    "(", ")", "((a)", "^a", "'; DROP TABLE documents; --", "%", "_", "\\", "\x00", "a\x00b",
    "\u202e", "\ud7ff", "x" * 200, "a " * 100,
]  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = demo_server(tmp_path_factory.mktemp("library"))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


def demo_records() -> list[dict[str, str]]:
    lines = (DEMO / "wikinews.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_list_pages_through_every_article_newest_first(client: httpx.Client) -> None:
    records = demo_records()
    first = client.get("/v1/documents", params={"per_page": 40}).json()
    assert first["total"] == len(records) and first["total_exact"] is True
    assert (first["page"], first["per_page"], first["pages"]) == (1, 40, 3)
    seen = [item["id"] for p in (1, 2, 3)
            for item in client.get("/v1/documents", params={"per_page": 40, "page": p})
            .json()["items"]]  # fmt: skip
    assert sorted(seen) == sorted(r["id"] for r in records)
    dates = [i["published_at"] for i in first["items"]]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True) and dates[0] == max(
        r.get("published_at") or "" for r in records
    )
    item = first["items"][0]
    record = next(r for r in records if r["id"] == item["id"])
    assert item == {
        "id": record["id"], "title": record.get("title"), "outlet": record.get("source"),
        "url": record.get("url"), "published_at": record.get("published_at"),
        "length": len(record["text"]),
    }  # fmt: skip


def test_search_by_title_words_outlet_and_dates(client: httpx.Client) -> None:
    records = demo_records()
    found = client.get("/v1/documents", params={"q": "powell RESIGNS"}).json()
    assert (
        [i["title"] for i in found["items"]]
        == [r["title"] for r in records if "powell resigns" in (r.get("title") or "").lower()]
        != []
    )
    assert client.get("/v1/documents", params={"outlet": "Wikinews"}).json()["total"] == len(
        records
    )
    assert client.get("/v1/documents", params={"outlet": "wikinews"}).json()["total"] == 0
    day = "2005-01-06"
    on_day = client.get("/v1/documents", params={"from": day, "to": day}).json()
    expected = {r["id"] for r in records if (r.get("published_at") or "")[:10] == day}
    assert {i["id"] for i in on_day["items"]} == expected != set()
    undated = sum(1 for r in records if not r.get("published_at"))
    bounded = client.get("/v1/documents", params={"from": "1900-01-01"}).json()
    assert bounded["total"] == len(records) - undated and undated > 0


def test_bad_listing_parameters_get_precise_errors(client: httpx.Client) -> None:
    bad = {
        "per_page": ({"per_page": 101}, "per_page"),
        "page": ({"page": 0}, "page"),
        "deep page": ({"page": 600, "per_page": 20}, "narrow the search"),
        "sort": ({"sort": "random"}, "sort"),
        "from": ({"from": "last week"}, "ISO 8601"),
        "to": ({"to": "2019-02-30"}, "ISO 8601"),
        "long q": ({"q": "x" * 201}, "q"),
    }
    for params, words in bad.values():
        assert_error(client.get("/v1/documents", params=params), 422, "invalid_parameter", words)


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_search_strings_never_fail(client: httpx.Client, q: str) -> None:
    response = client.get("/v1/documents", params={"q": q})
    assert response.status_code == 200, response.text
    assert response.json()["total"] >= 0


def test_an_oversized_or_raw_query_string_is_a_client_error(server: Server) -> None:
    with server.client() as c:
        long = c.get("/v1/documents?q=" + "a" * 5000)
        assert_error(long, 422, "invalid_parameter", "q")
        raw = c.get("/v1/documents?q=%FF%FE%22NEAR(%00&sort=%00&from=%22")
        assert raw.status_code == 422, raw.text
    assert "Traceback" not in server.log.read_text()


def upload(client: httpx.Client, name: str, data: bytes) -> httpx.Response:
    return client.post("/v1/documents", files={"file": (name, data)})


def test_upload_a_jsonl_file_counts_and_rejects(client: httpx.Client) -> None:
    body = "\n".join([
        json.dumps({"id": "up/1", "text": "An uploaded article about river barges.",
                    "title": "Barges upload", "source": "Upload Wire"}),
        json.dumps({"id": "up/2", "text": ""}),
        "{not json",
    ]).encode()  # fmt: skip
    result = upload(client, "../../batch.jsonl", body).json()
    assert (result["added"], result["rejected"]) == (1, 2)
    assert [r["location"] for r in result["rejects"]] == ["batch.jsonl:2", "batch.jsonl:3"]
    assert all(r["reason"] for r in result["rejects"])
    again = upload(client, "batch.jsonl", body).json()
    assert (again["added"], again["unchanged"]) == (0, 1)
    listed = client.get("/v1/documents", params={"q": "barges", "outlet": "Upload Wire"}).json()
    assert [i["id"] for i in listed["items"]] == ["up/1"]


def test_upload_html_csv_and_a_file_of_no_known_kind(client: httpx.Client) -> None:
    page = (
        b"<html><head><title>Harbour cranes return</title></head><body><article><p>"
        + b"The harbour cranes came back into service on Monday after repairs. " * 5
        + b"</p></article></body></html>"
    )
    html = upload(client, "cranes.html", page).json()
    assert html["added"] == 1, html
    assert client.get("/v1/documents/cranes.html").json()["title"] == "Harbour cranes return"
    table = b"id,text,title\ncsv/1,Rows of text about canal locks.,Canal locks\ncsv/2,,Empty\n"
    csv = upload(client, "rows.csv", table).json()
    assert (csv["added"], csv["rejected"]) == (1, 1) and "rows.csv" in csv["rejects"][0]["location"]
    odd = upload(client, "blob.bin", b"\x00\x01\x02 no known format").json()
    assert (odd["added"], odd["rejected"]) == (0, 1)
    assert odd["rejects"][0]["location"] == "blob.bin"


def test_upload_needs_a_file_part(client: httpx.Client) -> None:
    response = client.post("/v1/documents", data={"title": "x"}, files={"other": ("a", b"b")})
    assert_error(response, 422, "missing_file", "file")


def test_listing_needs_the_token(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    build_demo_index(db)
    srv = start_server(db, tmp_path / "server.log", token="s3cret-token")
    try:
        with httpx.Client(base_url=srv.base, timeout=30) as anonymous:
            assert_error(anonymous.get("/v1/documents"), 401, "unauthorized")
        with srv.client() as c:
            assert c.get("/v1/documents").json()["total"] > 0
    finally:
        srv.stop()
