"""The index line and the Library view of the web page in a real browser (Playwright driving
Debian's Chromium against real ``wiretrace serve`` processes, as in ``test_browser.py``).

With ``WIRETRACE_DOCS_SCREENSHOT_DIR=docs`` the Library picture of the docs
(``docs/library.png``) is redrawn."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="needs the [serve] extra (FastAPI, uvicorn)")

from test_browser import ARGS, CHROMIUM, TIMEOUT_MS, Page, Watch, artifact, sync_api
from test_serve import DEMO, Server, build_demo_index, start_server

from wiretrace.index.sqlite import open_index
from wiretrace.model import Document

BODY = "An article about {} written long enough to be stored and listed, number {}."
XSS_TITLE = '<img src=x onerror="__hit(1)"> Harbour <b>cranes</b>'


def demo_records() -> list[dict[str, str]]:
    lines = (DEMO / "wikinews.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@contextmanager
def served(folder: Path, docs: list[Document] | None, token: str | None = None) -> Iterator[Server]:
    """A server on the demo index (``docs`` None) or on an index of ``docs``."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "index.db"
    if docs is None:
        build_demo_index(db)
    else:
        with open_index(db) as index:
            index.add(docs)
    server = start_server(db, folder / "server.log", token=token)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with served(tmp_path_factory.mktemp("demo"), None) as server:
        yield server


@contextmanager
def opened(browser: Any, server: Server, width: int = 1280) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.add_init_script("window.__xss = []; window.__hit = (w) => window.__xss.push(w);")
    page.watch = Watch(page, server.base)
    try:
        page.goto(server.base + "/")
        yield page
    finally:
        context.close()


def index_line(page: Page) -> str:
    page.wait_for_function(
        "() => !document.getElementById('wt-index-line').textContent.startsWith('Reading')"
    )
    return str(page.inner_text("#wt-index-line"))


def open_library(page: Page) -> None:
    page.click("#wt-view-library")
    page.wait_for_selector("#wt-lib-table tbody tr")


def titles(page: Page) -> list[str]:
    return [str(t) for t in page.locator("#wt-lib-table tbody .wt-lib-open").all_inner_texts()]


def search(page: Page, **fields: str) -> str:
    """Fill the search form, submit it and return the status line once the list is in."""
    for name, value in fields.items():
        page.fill(f"#wt-lib-{name}", value)
    page.evaluate("document.getElementById('wt-lib-status').textContent = ''")
    page.click("#wt-lib-go")
    page.wait_for_function(
        "() => { const t = document.getElementById('wt-lib-status').textContent;"
        " return t && !t.startsWith('Loading'); }"
    )
    return str(page.inner_text("#wt-lib-status"))


def assert_clean(page: Page) -> None:
    assert page.watch.errors == [] and page.watch.foreign == [] and page.watch.dialogs == []
    assert page.evaluate("window.__xss") == []


# -- the index line ------------------------------------------------------------------------------


def test_the_index_line_shows_the_demo_figures(browser: Any, demo: Server) -> None:
    with demo.client() as c:
        summary = c.get("/v1/index").json()
    with opened(browser, demo) as page:
        line = index_line(page)
        assert line.startswith(f"{summary['articles']} articles from 1 outlet, ")
        first, last = summary["first_published"][:10], summary["last_published"][:10]
        months = ["January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"]  # fmt: skip
        for date in (first, last):
            year, month, day = date.split("-")
            assert f"{int(day)} {months[int(month) - 1]} {year}" in line
        assert f"({summary['undated']} undated)" in line
        assert summary["articles"] >= 50  # big enough: no warning
        assert page.locator("#wt-index-warning").count() == 0
        assert_clean(page)


def test_a_tiny_or_empty_index_is_named_before_tracing(browser: Any, tmp_path: Path) -> None:
    docs = [Document(f"t{i}", BODY.format("ports", i), f"Port news {i}", None, "Wire", None)
            for i in range(3)]  # fmt: skip
    with served(tmp_path / "tiny", docs) as tiny, opened(browser, tiny) as page:
        assert index_line(page) == "3 articles from 1 outlet (3 undated)."
        warning = page.locator("#wt-index-warning")
        assert warning.is_visible()
        assert "only 3 articles" in warning.inner_text()
        assert "not proof" in warning.inner_text()
        assert_clean(page)
    with served(tmp_path / "empty", []) as empty, opened(browser, empty) as page:
        assert "empty" in index_line(page)
        assert "nothing was found" in page.inner_text("#wt-index-warning")


def test_the_index_line_asks_for_the_token(browser: Any, tmp_path: Path) -> None:
    with served(tmp_path, None, token="lib-token") as server, opened(browser, server) as page:
        assert "Could not read" in index_line(page)
        # Read on load, the index line does not open the box; the page shows it closed.
        page.wait_for_selector("#wt-token-box", state="visible")
        assert page.evaluate("document.getElementById('wt-token-box').open") is False
        page.click("#wt-token-box summary")
        page.fill("#wt-token", "lib-token")
        page.dispatch_event("#wt-token", "change")
        page.wait_for_function(
            "() => document.getElementById('wt-index-line').textContent.includes('articles from')"
        )
        open_library(page)
        assert len(titles(page)) == 20


# -- the library -------------------------------------------------------------------------------


def test_library_lists_pages_searches_and_opens(browser: Any, demo: Server) -> None:
    records = demo_records()
    with opened(browser, demo) as page:
        assert page.locator("#wt-library").is_hidden()
        open_library(page)
        assert page.locator("#wt-form").is_hidden()
        assert page.get_attribute("#wt-view-library", "aria-pressed") == "true"
        first = titles(page)
        assert len(first) == 20
        assert page.inner_text("#wt-lib-page") == "Page 1 of 5"
        assert page.is_disabled("#wt-lib-prev")
        page.click("#wt-lib-next")
        page.wait_for_function("() => document.getElementById('wt-lib-page').textContent === "
                               "'Page 2 of 5'")  # fmt: skip
        assert set(titles(page)).isdisjoint(first)
        # Title words, all of them, any case.
        assert search(page, q="powell RESIGNS").startswith("1 article")
        assert titles(page) == [r["title"] for r in records
                                if "powell resigns" in r["title"].lower()]  # fmt: skip
        assert search(page, q="no such words anywhere").startswith("No article matches")
        assert search(page, q="", outlet="Wikinews").startswith(f"{len(records)} articles")
        assert search(page, outlet="Nobody").startswith("No article")
        day = "2005-01-06"
        on_day = [r["title"] for r in records if (r.get("published_at") or "")[:10] == day]
        status = search(page, outlet="", **{"from": day, "to": day})
        assert status.startswith(f"{len(on_day)} article") and on_day
        assert sorted(titles(page)) == sorted(on_day)
        # Open one: its title, outlet, date and text; the address as text or a safe link.
        page.locator("#wt-lib-table tbody .wt-lib-open").first.click()
        page.wait_for_selector("#wt-lib-doc:not([hidden])")
        shown = page.inner_text("#wt-lib-doc-title")
        record = next(r for r in records if r["title"] == shown)
        assert page.inner_text("#wt-lib-doc-outlet") == record["source"]
        assert page.inner_text("#wt-lib-doc-id") == record["id"]
        assert page.inner_text("#wt-lib-doc-date").endswith("January 2005")
        text = page.eval_on_selector("#wt-lib-doc-text", "e => e.textContent")
        assert text == record["text"]
        assert page.evaluate("document.activeElement.id") == "wt-lib-doc-title"
        page.click("#wt-lib-close")
        assert page.locator("#wt-lib-doc").is_hidden()
        page.click("#wt-lib-all")
        page.wait_for_function("() => document.getElementById('wt-lib-page').textContent === "
                               "'Page 1 of 5'")  # fmt: skip
        page.screenshot(path=str(artifact("library.png")), full_page=True)
        # Back to tracing: the form is there again.
        page.click("#wt-view-trace")
        assert page.locator("#wt-form").is_visible() and page.locator("#wt-library").is_hidden()
        assert_clean(page)


def test_library_by_keyboard(browser: Any, demo: Server) -> None:
    with opened(browser, demo) as page:
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "wt-view-library":
                break
        else:
            raise AssertionError("Tab never reached the Library button")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "wt-h-library"
        page.wait_for_selector("#wt-lib-table tbody tr")
        page.focus("#wt-lib-q")
        page.keyboard.type("Arafat")
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.getElementById('wt-lib-status').textContent"
                               ".includes('article')")  # fmt: skip
        assert all("arafat" in t.lower() for t in titles(page)) and titles(page)
        page.locator("#wt-lib-table tbody .wt-lib-open").first.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector("#wt-lib-doc:not([hidden])")
        assert "Arafat" in page.inner_text("#wt-lib-doc-title")


@pytest.mark.parametrize(
    "q",
    ['"', "NEAR(a b", "a AND -b", "title:*", "((x", "'; DROP TABLE documents; --", "%_\\",
     "\u202e\u0000x"],
)  # fmt: skip
def test_a_hostile_search_shows_no_error_page(browser: Any, demo: Server, q: str) -> None:
    with opened(browser, demo) as page:
        open_library(page)
        status = search(page, q=q)
        assert "said no" not in status and "error" not in status.lower()
        assert page.get_attribute("#wt-lib-status", "role") == "status"
        assert page.locator("#wt-library").is_visible()
        assert_clean(page)


def test_upload_shows_counts_rejects_and_refreshes(browser: Any, tmp_path: Path) -> None:
    from test_ingest_office import make_docx

    records = demo_records()
    batch = tmp_path / "batch.jsonl"
    lines = [
        {"id": "up/1", "text": BODY.format("barges", 1), "title": "River barges return",
         "source": "Upload Wire", "published_at": "2005-02-01",
         "url": "javascript:__hit(2)"},
        {"id": "up/2", "text": BODY.format("cranes", 2), "title": XSS_TITLE,
         "source": "<script>__hit(3)</script>", "url": "https://example.org/cranes"},
        {"id": "up/3", "text": ""},
    ]  # fmt: skip
    batch.write_text("\n".join(json.dumps(r) for r in lines) + "\n", encoding="utf-8")
    statement = tmp_path / "statement.docx"
    statement.write_bytes(make_docx("The ministry said the pact would hold.\n\nMore text."))
    with served(tmp_path / "up", None) as server, opened(browser, server) as page:
        index_line(page)
        open_library(page)
        page.set_input_files("#wt-lib-file", str(batch))
        page.click("#wt-lib-add")
        page.wait_for_selector("#wt-lib-result:not([hidden])")
        counts = {
            k: page.inner_text(f'.wt-lib-count[data-count="{k}"] dd')
            for k in ("added", "updated", "unchanged", "metadata", "rejected")
        }
        assert counts == {"added": "2", "updated": "0", "unchanged": "0", "metadata": "0",
                          "rejected": "1"}  # fmt: skip
        rejects = page.locator("#wt-lib-rejects li").all_inner_texts()
        assert len(rejects) == 1 and rejects[0].startswith("batch.jsonl:3: ")
        page.wait_for_function(
            f"() => document.getElementById('wt-index-line').textContent"
            f".startsWith('{len(records) + 2} articles from 3 outlets')"
        )
        assert titles(page)[0] == "River barges return"  # the newest
        # Markup in a title, an outlet or an address stays text; only http(s) is a link.
        search(page, q="Harbour cranes")
        assert titles(page) == [XSS_TITLE]
        page.click("#wt-lib-table tbody .wt-lib-open")
        page.wait_for_selector("#wt-lib-doc:not([hidden])")
        assert page.inner_text("#wt-lib-doc-title") == XSS_TITLE
        assert page.inner_text("#wt-lib-doc-outlet") == "<script>__hit(3)</script>"
        assert page.get_attribute("#wt-lib-doc-url a", "href") == "https://example.org/cranes"
        search(page, q="barges")
        page.click("#wt-lib-table tbody .wt-lib-open")
        page.wait_for_function(
            "() => document.getElementById('wt-lib-doc-id').textContent === 'up/1'"
        )
        assert page.locator("#wt-lib-doc-url a").count() == 0
        assert page.inner_text("#wt-lib-doc-url") == "javascript:__hit(2)"
        # A Word file is one article named by its file name.
        page.set_input_files("#wt-lib-file", str(statement))
        page.click("#wt-lib-add")
        page.wait_for_function(
            "() => document.getElementById('wt-lib-upload-status').textContent"
            ".startsWith('Read statement.docx: 1 article added, 0 rejected')"
        )
        assert page.inner_text('.wt-lib-count[data-count="added"] dd') == "1"
        assert page.locator("#wt-lib-rejects li").count() == 0
        assert page.locator("#wt-library img, #wt-library script").count() == 0
        assert_clean(page)
        if os.environ.get("WIRETRACE_DOCS_SCREENSHOT_DIR"):
            save_docs_picture(page)


def save_docs_picture(page: Page) -> None:
    """The Library as the docs show it: the oldest articles, one of them open, and the
    counts of the last upload below."""
    page.click("#wt-lib-all")
    page.wait_for_function("() => document.getElementById('wt-lib-page').textContent === "
                           "'Page 1 of 5'")  # fmt: skip
    page.select_option("#wt-lib-sort", "oldest")
    search(page)
    page.locator("#wt-lib-table tbody .wt-lib-open").first.click()
    page.wait_for_selector("#wt-lib-doc:not([hidden])")
    page.evaluate("window.scrollTo(0, 0)")
    box = page.locator("#wt-library").bounding_box()
    assert box
    clip = {"x": 0, "y": 0, "width": 1280, "height": box["y"] + box["height"] + 16}
    page.screenshot(path=str(artifact("library-docs.png")), full_page=True, clip=clip)
    folder = Path(os.environ["WIRETRACE_DOCS_SCREENSHOT_DIR"])
    shutil.copy(artifact("library-docs.png"), folder / "library.png")
