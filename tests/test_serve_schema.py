"""API fuzzing from the schema: schemathesis generates requests from the live server's
``/openapi.json`` (valid and invalid bodies, parameters and paths) and checks that no response
is a 5xx and that every response matches what the document declares (status code, content
type, body schema). Bounded: a fixed number of examples per operation, no shrinking time."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("uvicorn", reason="needs the [serve] extra (FastAPI, uvicorn)")
schemathesis = pytest.importorskip("schemathesis", reason="needs schemathesis (the [dev] extra)")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from test_serve import Server, build_demo_index, start_server  # noqa: E402

pytestmark = pytest.mark.slow
EXAMPLES = 40  # per operation and mode (valid, invalid): 4 operations, seconds each
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("schema")
    db = folder / "demo.db"
    build_demo_index(db)
    server = start_server(db, folder / "server.log", "--trace-timeout", "20")
    yield server
    server.stop()


def operations(server: Server) -> list[Any]:
    schema = schemathesis.openapi.from_url(f"{server.base}/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


# schemathesis' own pytest plugin (``schemathesis.pytest.from_fixture``) does not run under
# pytest 9, so each operation's strategy is driven by hypothesis here.
def test_the_api_keeps_to_its_schema(live: Server) -> None:
    ops = operations(live)
    assert {f"{op.method.upper()} {op.path}" for op in ops} >= {
        "POST /v1/trace",
        "POST /v1/documents",
        "GET /v1/documents/{doc_id}",
        "GET /v1/health",
        "GET /v1/documents",
    }
    calls: list[int] = []
    unsatisfiable: list[str] = []
    for operation, mode in itertools.product(ops, GenerationMode):
        inputs = [*operation.body, *operation.query, *operation.path_parameters]
        if mode is GenerationMode.NEGATIVE and not inputs:
            continue  # nothing to make invalid (GET /v1/health)

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: Any) -> None:
            response = case.call_and_validate(checks=CHECKS, timeout=60)
            calls.append(response.status_code)

        try:
            fuzz()
        except Unsatisfiable:  # schemathesis found no way to make this operation's input invalid
            unsatisfiable.append(f"{mode} {operation.method.upper()} {operation.path}")
    assert len(calls) >= len(ops) * 10
    assert all(code < 500 for code in calls)
    assert 200 in calls and 422 in calls  # both valid and invalid requests were made
    assert not [name for name in unsatisfiable if "positive" in name or "trace" in name], (
        unsatisfiable
    )


def test_the_schema_declares_the_guard_and_busy_answers(live: Server) -> None:
    import httpx

    spec = httpx.get(f"{live.base}/openapi.json", timeout=30).json()
    trace = spec["paths"]["/v1/trace"]["post"]["responses"]
    assert {"400", "401", "403", "413", "415", "421", "422", "503"} <= set(trace)
    for path in spec["paths"].values():
        for operation in path.values():
            assert {"401", "403", "421"} <= set(operation["responses"])
    listing = spec["paths"]["/v1/documents"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {
        "q",
        "outlet",
        "from",
        "to",
        "page",
        "per_page",
        "sort",
    }
    assert "multipart/form-data" in spec["paths"]["/v1/documents"]["post"]["requestBody"]["content"]
    # The log of the fuzzed server holds no traceback.
    assert "Traceback" not in live.log.read_text()
