"""The web page and the standalone report in a real browser: Playwright for Python driving
Debian's Chromium headless against a real ``wiretrace serve`` process.

Screenshots go to ``test-artifacts/`` (or the folder in ``WIRETRACE_ARTIFACTS``); with
``WIRETRACE_DOCS_SCREENSHOT=docs/screenshot.png`` the picture in the README is redrawn."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="needs the [serve] extra (FastAPI, uvicorn)")
sync_api = pytest.importorskip("playwright.sync_api", reason="needs Playwright for Python")

from test_serve import SHOWCASE, Server, demo_server, start_server  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(os.environ.get("WIRETRACE_ARTIFACTS", REPO / "test-artifacts"))
# Generous: CI machines and shared laptops can be slow; a real hang still fails.
TIMEOUT_MS = 90_000

if not CHROMIUM.exists():
    pytest.skip(
        f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does it)",
        allow_module_level=True,
    )

Page = Any  # playwright.sync_api.Page; kept loose so the module imports without Playwright


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = demo_server(tmp_path_factory.mktemp("browser"))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


class Watch:
    """What a page did that it must not: dialogs, script errors, requests off the server."""

    def __init__(self, page: Page, allowed_prefix: str) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on(
            "request",
            lambda r: (
                None
                if r.url.startswith(allowed_prefix) or r.url.startswith("blob:")
                else self.foreign.append(r.url)
            ),
        )

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    # Payloads call this if they ever run; the tests then check it was never called.
    pg.add_init_script("window.__xss = []; window.__hit = function (w) { window.__xss.push(w); };")
    pg.watch = Watch(pg, server.base)
    yield pg
    context.close()


def api_trace(server: Server, text: str) -> dict[str, Any]:
    with server.client() as c:
        response = c.post("/v1/trace", json={"text": text})
        assert response.status_code == 200
        result: dict[str, Any] = response.json()
        return result


def trace_in_page(page: Page, server: Server, text: str) -> None:
    page.goto(server.base + "/")
    page.fill("#wt-text", text)
    page.click("#wt-submit")
    page.wait_for_selector("#wt-h-result")


def artifact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name


def test_paste_trace_highlight_and_compare_side_by_side(page: Page, server: Server) -> None:
    text = SHOWCASE.read_text(encoding="utf-8")
    expected = api_trace(server, text)
    trace_in_page(page, server, text)
    # Highlights: every passage has a mark, coloured by the rank of its source.
    marks = page.locator("#wt-article .wt-mark")
    shown = set(marks.evaluate_all("ms => ms.map(m => Number(m.dataset.passage))"))
    assert shown == set(range(len(expected["passages"])))
    assert page.locator(".wt-legend li").count() == len(expected["sources"]) >= 4
    # The article's own text in the marks: not the source tags, nor the source's wording
    # shown beside a changed fact.
    highlighted = "".join(
        marks.evaluate_all(
            "ms => ms.map(m => Array.from(m.childNodes).filter(c => !(c.classList && "
            "(c.classList.contains('wt-tag') || c.classList.contains('wt-was'))))"
            ".map(c => c.textContent).join(''))"
        )
    )
    assert abs(len(highlighted) - expected["coverage"] * len(text)) <= 1
    assert page.inner_text("#wt-article").replace("\n", "").count("Republic of Indonesia") >= 1

    # The side-by-side view of a rewritten passage marks the changed words.
    def changes(p: dict[str, Any]) -> list[tuple[str, str]]:
        return [(e["from"], e["to"]) for e in p["edits"]]

    rewritten = next(
        i
        for i, p in enumerate(expected["passages"])
        if ("Indonesia", "Republic of Indonesia") in changes(p) and ("said", "stated") in changes(p)
    )
    page.locator(f'#wt-article .wt-mark[data-passage="{rewritten}"]').first.click()
    compare = page.locator("#wt-compare")
    assert compare.is_visible()
    sides = compare.locator(".wt-side")
    assert sides.count() == 2
    inserted = sides.nth(0).locator("ins").all_inner_texts()
    deleted = sides.nth(1).locator("del").all_inner_texts()
    assert any("stated" in t for t in inserted) and any("Republic of" in t for t in inserted)
    assert any("said" in t for t in deleted)
    p = expected["passages"][rewritten]
    query_side = (
        sides.nth(0)
        .locator(".wt-passage")
        .evaluate(
            "e => Array.from(e.childNodes).map(n => n.nodeType === 3 ? n.textContent : "
            "Array.from(n.childNodes).filter(c => !(c.classList && c.classList.contains('wt-sr')))"
            ".map(c => c.textContent).join('')).join('')"
        )
    )
    assert query_side == text[p["query_start"] : p["query_end"]]
    edits = compare.locator(".wt-edits li").all_inner_texts()
    assert any("Indonesia" in e and "Republic of Indonesia" in e for e in edits)
    # Sources, the earliest marked; signals; downloads.
    rows = page.locator(".wt-table tbody tr")
    assert rows.count() == len(expected["sources"])
    earliest_row = page.locator(".wt-table tbody tr.wt-earliest")
    assert earliest_row.count() == 1
    assert expected["earliest_source"] in earliest_row.inner_text()
    assert "first published" in earliest_row.inner_text()
    # Changed facts have a card of their own, the other signals their list.
    facts = [s for s in expected["signals"] if "fact" in s]
    assert facts, "the showcase changes one number"
    assert page.locator(".wt-drift-table tr").count() == len(facts) + 1  # and the head row
    assert page.locator(".wt-signals li").count() == len(expected["signals"]) - len(facts)
    assert page.locator(".wt-signal-spin").count() >= 1
    assert page.locator("#wt-article .wt-drift").count() >= 1
    with page.expect_download() as download:
        page.click("#wt-dl-json")
    saved = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert saved == expected
    with page.expect_download() as download:
        page.click("#wt-dl-html")
    html = Path(download.value.path()).read_text(encoding="utf-8")
    assert 'id="wt-data"' in html and expected["earliest_source"] in html
    compare.scroll_into_view_if_needed()
    page.screenshot(path=str(artifact("trace-laptop.png")), full_page=True)
    # The article coloured by source above the side-by-side view.
    top = page.locator(".wt-summary").bounding_box()
    bottom = compare.bounding_box()
    assert top and bottom
    scroll = page.evaluate("window.scrollY")  # boxes are relative to the viewport
    clip = {
        "x": 0,
        "y": top["y"] + scroll - 8,
        "width": 1280,
        "height": bottom["y"] + bottom["height"] - top["y"] + 16,
    }
    page.screenshot(path=str(artifact("trace-view.png")), full_page=True, clip=clip)
    assert page.watch.errors == [] and page.watch.foreign == [] and page.watch.dialogs == []


def test_keyboard_only(page: Page, server: Server) -> None:
    page.goto(server.base + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "wt-skip"
    page.keyboard.press("Enter")  # the skip link moves the focus to the article box
    assert page.evaluate("document.activeElement.id") == "wt-text"
    page.keyboard.insert_text(SHOWCASE.read_text(encoding="utf-8"))

    def tab_to(condition: str, limit: int = 40) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(condition):
                return
        raise AssertionError(f"Tab never reached {condition}")

    tab_to("document.activeElement.id === 'wt-submit'")
    page.keyboard.press("Enter")
    page.wait_for_selector("#wt-h-result")
    assert page.evaluate("document.activeElement.id") == "wt-h-result"
    tab_to("document.activeElement.classList.contains('wt-mark')")
    mark = page.evaluate("document.activeElement.dataset.passage")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    page.keyboard.press("Enter")
    assert page.locator("#wt-compare").is_visible()
    assert page.evaluate("document.activeElement.id") == "wt-h-compare"
    tab_to("document.activeElement.textContent === 'Next passage'")
    page.keyboard.press("Enter")
    heading = page.inner_text("#wt-h-compare")
    assert heading.startswith(f"Passage {int(mark) + 2} of")
    page.keyboard.press("Escape")
    assert page.locator("#wt-compare").is_hidden()
    assert page.evaluate("document.activeElement.classList.contains('wt-mark')")
    assert page.watch.errors == []


def test_phone_width(browser: Any, server: Server) -> None:
    context = browser.new_context(
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        trace_in_page(page, server, SHOWCASE.read_text(encoding="utf-8"))
        page.locator("#wt-article .wt-mark.wt-kind-rewritten").first.tap()
        assert page.locator("#wt-compare").is_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the page scrolls sideways: {width}px"
        boxes = [page.locator(".wt-side").nth(i).bounding_box() for i in range(2)]
        assert boxes[0] and boxes[1] and boxes[1]["y"] > boxes[0]["y"]  # stacked
        assert abs(boxes[0]["x"] - boxes[1]["x"]) < 1
        for selector in ("#wt-submit", ".wt-nav .wt-btn"):
            box = page.locator(selector).first.bounding_box()
            assert box and box["height"] >= 44  # a thumb-sized target
        page.screenshot(path=str(artifact("trace-phone.png")), full_page=True)
    finally:
        context.close()


CONTRAST_JS = """
() => {
  function rgb(s) {
    const m = s.match(/[\\d.]+/g).map(Number);
    return m.length > 3 && m[3] === 0 ? null : m;
  }
  function lum(c) {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  function background(el) {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c) return c;
    }
    return [255, 255, 255];
  }
  const out = [];
  const selector = '.wt-mark, .wt-btn, .wt-badge, ins, del, .wt-swatch, .wt-sigtype, .wt-meta, ' +
    '.wt-hint, .wt-note, .wt-id, dt, dd, th, td, h1, h2, h3, p, a, label, li, summary, time';
  for (const el of document.querySelectorAll(selector)) {
    if (!el.offsetParent || !el.textContent.trim() || el.closest('.wt-sr')) continue;
    const fg = rgb(getComputedStyle(el).color), bg = background(el);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    out.push([el.tagName + '.' + el.className, (a + 0.05) / (b + 0.05)]);
  }
  return out;
}
"""


def test_text_contrast_is_readable(page: Page, server: Server) -> None:
    trace_in_page(page, server, SHOWCASE.read_text(encoding="utf-8"))
    page.locator("#wt-article .wt-mark").first.click()
    ratios = page.evaluate(CONTRAST_JS)
    assert len(ratios) > 50
    low = [(name, round(r, 2)) for name, r in ratios if r < 4.5]
    assert low == [], low  # WCAG AA for normal text


def test_upload_a_text_file(page: Page, server: Server) -> None:
    page.goto(server.base + "/")
    page.set_input_files("#wt-file", str(SHOWCASE))
    page.click("#wt-submit")
    page.wait_for_selector("#wt-article .wt-mark")
    assert "attributed to 4 sources" in page.inner_text("#wt-status")


def test_errors_are_shown_as_text(page: Page, server: Server) -> None:
    page.goto(server.base + "/")
    page.click("#wt-submit")
    assert "Paste the article text" in page.inner_text("#wt-status")
    page.set_input_files(
        "#wt-file",
        {
            "name": "a.odt",
            "mimeType": "application/zip",
            "buffer": b"PK <img src=x onerror=__hit('err')>",
        },
    )
    page.click("#wt-submit")
    # Playwright's own retrying assertion: a string predicate for wait_for_function is run
    # with eval() in the page once the first check fails, which the page's CSP forbids.
    sync_api.expect(page.locator("#wt-status")).to_contain_text("415")
    assert "upload a .txt, .html, .pdf or .docx file" in page.inner_text("#wt-status")


PAYLOADS = {
    "script": "<script>__hit('script');alert('script')</script>",
    "img": "<img src=x onerror=\"__hit('img');alert('img')\">",
    "svg": "<svg onload=\"__hit('svg')\"></svg>",
    "a": "<a href=\"javascript:__hit('a')\">click</a>",
    "end": "</mark></div></script><iframe srcdoc=\"<script>parent.__hit('iframe')</script>\">",
}
JS_URL = "javascript:__hit('url');alert('url')"
SHARED = (
    "The harbour commission voted on Thursday to close the old ferry terminal at the end of "
    "the summer, citing the cost of repairs to the sea wall and falling passenger numbers. "
    "A spokeswoman said the decision would be reviewed next spring by the full council."
)


def test_xss_payloads_in_text_title_url_and_outlet_never_run(
    page: Page, server: Server, tmp_path: Path
) -> None:
    everything = " ".join(PAYLOADS.values())
    source = {
        "id": "xss/source<script>__hit('id')</script>",
        "text": SHARED + "\n\n" + everything,
        "title": "Title " + everything,
        "url": JS_URL,
        "source": "Outlet " + everything,
        "published_at": "2020-05-01",
    }
    with server.client() as c:
        assert c.post("/v1/documents", json=[source]).json()["added"] == 1
    page.goto(server.base + "/")
    page.fill("#wt-text", everything + "\n\n" + SHARED + "\n\n" + PAYLOADS["img"])
    page.click("summary >> text=Article details")
    page.fill("#wt-title", PAYLOADS["script"])
    page.fill("#wt-url", JS_URL)
    page.fill("#wt-source", PAYLOADS["svg"])
    page.click("#wt-submit")
    page.wait_for_selector("#wt-article .wt-mark")
    page.locator("#wt-article .wt-mark").first.click()
    page.wait_for_timeout(300)
    assert_nothing_ran(page)
    report = page.inner_text("#wt-report")
    # The payloads are shown as the text they are.
    assert PAYLOADS["script"] in report and PAYLOADS["img"] in report and JS_URL in report
    assert "Outlet <script>" in report
    # The standalone HTML of the same trace, opened from a file, is just as inert.
    with page.expect_download() as download:
        page.click("#wt-dl-html")
    saved = tmp_path / "report.html"
    shutil.copy(download.value.path(), saved)
    standalone = page.context.new_page()
    standalone.add_init_script(
        "window.__xss = []; window.__hit = function (w) { window.__xss.push(w); };"
    )
    watch = Watch(standalone, saved.as_uri())
    standalone.goto(saved.as_uri())
    standalone.locator("#wt-article .wt-mark").first.click()
    assert standalone.locator("#wt-compare").is_visible()
    standalone.watch = watch
    assert_nothing_ran(standalone)
    assert PAYLOADS["script"] in standalone.inner_text("#wt-report")


def assert_nothing_ran(page: Page) -> None:
    assert page.evaluate("window.__xss") == []
    assert page.watch.dialogs == []
    assert page.watch.foreign == []
    assert page.watch.errors == []
    report = page.locator("#wt-report")
    for tag in ("script", "img", "svg", "iframe"):
        assert report.locator(tag).count() == 0, tag
    # The served page's own three (report, app, library); the standalone report's two.
    assert page.locator("script").count() == (3 if page.url.startswith("http") else 2)
    handlers = report.evaluate(
        "r => Array.from(r.querySelectorAll('*')).flatMap(e => Array.from(e.attributes))"
        ".filter(a => a.name.startsWith('on')).map(a => a.name)"
    )
    assert handlers == []
    hrefs = report.evaluate("r => Array.from(r.querySelectorAll('a')).map(a => a.href)")
    assert all(h.startswith(("http:", "https:", "blob:")) for h in hrefs), hrefs


def test_standalone_report_opens_offline(browser: Any, server: Server, tmp_path: Path) -> None:
    with server.client() as c:
        html = c.post(
            "/v1/trace?format=html", json={"text": SHOWCASE.read_text(encoding="utf-8")}
        ).text
    path = tmp_path / "wiretrace-report.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(offline=True, viewport={"width": 1024, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(path.as_uri())
        page.wait_for_selector("#wt-article .wt-mark")
        assert page.locator(".wt-legend li").count() >= 4
        page.keyboard.press("Tab")
        for _ in range(20):
            if page.evaluate("document.activeElement.classList.contains('wt-mark')"):
                break
            page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        assert page.locator("#wt-compare").is_visible()
        assert page.locator("#wt-compare .wt-side").count() == 2
        assert requests == [path.as_uri()]  # nothing but the file itself
        assert errors == []  # in particular, no Content-Security-Policy violation
        page.screenshot(path=str(artifact("standalone-report.png")), full_page=True)
        with page.expect_download() as download:
            page.click("#wt-dl-json")
        saved = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
        assert "view" not in saved and saved["schema_version"] and len(saved["sources"]) >= 4
    finally:
        context.close()


def test_an_article_with_no_source(page: Page, server: Server) -> None:
    text = (
        "Zebra quartz violins hum softly beneath the lighthouse while seven amber kites "
        "drift over a sleepy harbour town.\n\nShare this article"
    )
    trace_in_page(page, server, text)
    assert page.locator("#wt-article .wt-mark").count() == 0
    assert "No indexed document shares text" in page.inner_text("#wt-report")
    assert page.inner_text("#wt-article") == text
    assert page.locator(".wt-signals li").count() >= 1  # the boilerplate line
    assert page.watch.errors == []


# -- time direction: later documents, a tie, an undated article ---------------------------------

TIME = Path(__file__).resolve().parent / "data" / "time"
TIME_QUERY = TIME / "query.txt"
WEEKLY = "coastal-weekly/port-dispute-week"
LATER_HEADING = (
    "Later documents — dated after this article; copies of it or of a common "
    "source, not its sources"
)


@pytest.fixture(scope="module")
def time_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server over ``tests/data/time``: a wire story and a local report that share a bare
    date, and a weekly dated after the query."""
    from wiretrace.index.sqlite import open_index
    from wiretrace.ingest.readers import ReadOptions, iter_records
    from wiretrace.model import Document

    folder = tmp_path_factory.mktemp("time")
    db = folder / "time.db"
    with open_index(db) as index:
        index.add(
            r
            for r in iter_records([TIME / "corpus.jsonl"], ReadOptions())
            if isinstance(r, Document)
        )
    srv = start_server(db, folder / "server.log")
    yield srv
    srv.stop()


def marked(locator: Any) -> list[str]:
    """The words of ``ins``/``del`` marks without their screen-reader labels."""
    found: list[str] = locator.evaluate_all(
        "ms => ms.map(m => Array.from(m.childNodes).filter(c => !(c.classList && "
        "c.classList.contains('wt-sr'))).map(c => c.textContent).join(''))"
    )
    return found


@pytest.fixture
def time_page(browser: Any, time_server: Server) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    pg.add_init_script("window.__xss = []; window.__hit = function (w) { window.__xss.push(w); };")
    pg.watch = Watch(pg, time_server.base)
    yield pg
    context.close()


def trace_with_details(page: Page, server: Server, published_at: str | None) -> dict[str, Any]:
    """Trace the time query through the page, with its "Article details" filled in; returns
    the JSON body the page sent."""
    page.goto(server.base + "/")
    page.fill("#wt-text", TIME_QUERY.read_text(encoding="utf-8"))
    page.click("summary >> text=Article details")
    page.fill("#wt-title", "Dockworkers walk out at Port Alder over pay")
    page.fill("#wt-url", "https://farm.example/port-story")
    page.fill("#wt-source", "Farm News")
    if published_at:
        page.fill("#wt-date", published_at)
    with page.expect_request(lambda r: "/v1/trace" in r.url and r.method == "POST") as request:
        page.click("#wt-submit")
    page.wait_for_selector("#wt-h-result")
    sent: dict[str, Any] = json.loads(request.value.post_data or "{}")
    return sent


def test_later_documents_and_a_tie_on_the_page(time_page: Page, time_server: Server) -> None:
    page = time_page
    sent = trace_with_details(page, time_server, "2021-03-10")
    # The "Article details" feed the API.
    assert sent["published_at"] == "2021-03-10" and sent["source"] == "Farm News"
    assert sent["title"].startswith("Dockworkers") and sent["url"].startswith("https://farm.")
    with time_server.client() as c:
        expected = c.post("/v1/trace", json={k: v for k, v in sent.items()}).json()
    assert [s["id"] for s in expected["later"]] == [WEEKLY]
    assert expected["earliest_order"] == "tie"
    # The later document is listed apart, under a title nobody can take for "sources".
    later = page.locator("#wt-later")
    assert later.is_visible()
    assert page.inner_text("#wt-h-later") == LATER_HEADING
    assert page.locator("#wt-later-table tbody tr").count() == 1
    assert WEEKLY in later.inner_text() and "after this article" in later.inner_text()
    assert WEEKLY not in page.inner_text("#wt-sources")
    assert page.locator("#wt-sources tbody tr").count() == len(expected["sources"]) == 2
    # Its shared text: marked in the article apart from the sources' colours, and shown side
    # by side with the changed word and the edit's type.
    grey = "".join(page.locator("#wt-article .wt-later-mark").all_inner_texts())
    (lp,) = expected["later_passages"]
    text = TIME_QUERY.read_text(encoding="utf-8")
    assert grey == text[lp["query_start"] : lp["query_end"]]
    assert page.locator("#wt-article .wt-later-mark.wt-mark").count() == 0
    item = later.locator(".wt-later-passage")
    assert item.count() == 1
    assert "confidence" in item.locator(".wt-meta").inner_text()
    assert item.locator(".wt-etype").all_inner_texts() == [lp["edits"][0]["type"].upper()]
    assert marked(item.locator(".wt-side").nth(0).locator("ins")) == ["villages"]
    assert marked(item.locator(".wt-side").nth(1).locator("del")) == ["hamlets"]
    # The tie: both sources named, the order said to be unknown; no single "first".
    first = page.inner_text("#wt-first")
    assert first.startswith("First published\nTie: ")
    assert "order unknown at the precision of their dates" in first
    for s in expected["sources"]:
        assert s["title"] in first
    assert page.locator("#wt-sources tr.wt-earliest").count() == 2
    assert page.locator("#wt-sources .wt-badge").all_inner_texts() == ["tied first"] * 2
    assert page.locator("#wt-direction").count() == 0
    # Passages show their confidence; the status line counts the later document.
    page.locator("#wt-article .wt-mark").first.click()
    assert "confidence" in page.inner_text("#wt-h-compare")
    # The headline is the wire's title (not in its text): compared with that title.
    headline = next(i for i, p in enumerate(expected["passages"]) if p["source_field"] == "title")
    page.locator(f'#wt-article .wt-mark[data-passage="{headline}"]').first.click()
    assert page.locator("#wt-compare .wt-from-title").is_visible()
    assert (
        page.locator("#wt-compare .wt-side h3").nth(1).inner_text().startswith("Source [1] title")
    )
    status = page.inner_text("#wt-status")
    assert "1 later document dated after it, not sources" in status and "tie of 2" in status
    ratios = page.evaluate(CONTRAST_JS)
    low = [(name, round(r, 2)) for name, r in ratios if r < 4.5]
    assert low == [], low
    page.locator("#wt-compare button[data-close]").click()
    page.screenshot(path=str(artifact("time-page.png")), full_page=True)
    # The picture for the docs (docs/screenshot.png, written when WIRETRACE_DOCS_SCREENSHOT
    # names it): the result from its summary, with the tie, to the later documents.
    top = page.locator(".wt-summary").bounding_box()
    bottom = later.bounding_box()
    assert top and bottom
    scroll = page.evaluate("window.scrollY")  # boxes are relative to the viewport
    clip = {
        "x": 0,
        "y": top["y"] + scroll - 8,
        "width": 1280,
        "height": bottom["y"] + bottom["height"] - top["y"] + 16,
    }
    page.screenshot(path=str(artifact("time-view.png")), full_page=True, clip=clip)
    if os.environ.get("WIRETRACE_DOCS_SCREENSHOT"):
        shutil.copy(artifact("time-view.png"), os.environ["WIRETRACE_DOCS_SCREENSHOT"])
    assert page.watch.errors == [] and page.watch.foreign == [] and page.watch.dialogs == []


def test_an_undated_article_says_direction_was_not_checked(
    time_page: Page, time_server: Server
) -> None:
    page = time_page
    sent = trace_with_details(page, time_server, None)
    assert "published_at" not in sent
    assert page.inner_text("#wt-direction").startswith(
        "Direction not checked: the article has no date."
    )
    assert page.locator("#wt-later").count() == 0
    # Undated, the weekly cannot be set apart: it is among the sources, and the page says why.
    assert WEEKLY in page.inner_text("#wt-sources")
    assert "direction not checked" in page.inner_text("#wt-status")
    assert page.watch.errors == []


def test_standalone_report_of_a_headline_from_a_title(browser: Any, tmp_path: Path) -> None:
    """A passage whose source span indexes the source's title is compared with that title;
    edits show their type; passages hidden for low confidence are counted."""
    from test_report_json import hand_trace

    from wiretrace.report.html import render_html

    path = tmp_path / "headline.html"
    path.write_text(render_html(hand_trace()), encoding="utf-8")
    context = browser.new_context(offline=True, viewport={"width": 1024, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(path.as_uri())
        page.locator("#wt-article .wt-mark").first.click()
        compare = page.locator("#wt-compare")
        assert "confidence 0.88" in compare.locator("h2").inner_text()
        assert compare.locator(".wt-from-title").count() == 1
        source_side = compare.locator(".wt-side").nth(1)
        assert source_side.locator("h3").inner_text() == "Source [1] title (characters 0–52)"
        assert (
            source_side.locator(".wt-passage").evaluate(
                "e => Array.from(e.childNodes).map(n => n.nodeType === 3 ? n.textContent : "
                "Array.from(n.childNodes)"
                ".filter(c => !(c.classList && c.classList.contains('wt-sr')))"
                ".map(c => c.textContent).join('')).join('')"
            )
            == "Preparations underway for Kim-Putin summit in Russia"
        )
        assert compare.locator(".wt-edits li").inner_text().startswith("RENAME")
        assert page.inner_text("#wt-hidden") == (
            "2 passages with a confidence below 0.50 not shown."
        )
        assert "first published" in page.inner_text("#wt-first").lower()
        assert errors == []
    finally:
        context.close()


def test_xss_in_a_later_document_never_runs(time_page: Page, time_server: Server) -> None:
    page = time_page
    everything = " ".join(PAYLOADS.values())
    shared = (
        "Harbour pilots refused overtime on the night shift, and the last tanker of the "
        "week turned back to the open sea before dawn on Friday."
    )
    later = {
        "id": "later/xss<script>__hit('id')</script>",
        "text": shared + "\n\n" + everything,
        "title": "Title " + everything,
        "url": JS_URL,
        "source": "Outlet " + everything,
        "published_at": "2021-04-01",
    }
    with time_server.client() as c:
        assert c.post("/v1/documents", json=[later]).json()["added"] == 1
    page.goto(time_server.base + "/")
    page.fill("#wt-text", PAYLOADS["img"] + "\n\n" + shared)
    page.click("summary >> text=Article details")
    page.fill("#wt-date", "2021-03-10")
    page.click("#wt-submit")
    page.wait_for_selector("#wt-later")
    page.wait_for_timeout(300)
    assert_nothing_ran(page)
    assert "Outlet <script>" in page.inner_text("#wt-later")
    # Only a later document shares the text: the page says so, and names no source.
    assert page.locator("#wt-sources").count() == 0
    assert "not its sources" in page.inner_text("#wt-only-later")
    assert "No indexed document" not in page.inner_text("#wt-report")


def test_later_documents_fit_a_phone(browser: Any, time_server: Server) -> None:
    context = browser.new_context(
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        trace_with_details(page, time_server, "2021-03-10")
        assert page.locator("#wt-later").is_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the page scrolls sideways: {width}px"
        sides = page.locator("#wt-later .wt-side")
        boxes = [sides.nth(i).bounding_box() for i in range(2)]
        assert boxes[0] and boxes[1] and boxes[1]["y"] > boxes[0]["y"]  # stacked
        page.screenshot(path=str(artifact("time-phone.png")), full_page=True)
    finally:
        context.close()
