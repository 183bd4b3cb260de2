"""The web page and the standalone report in a real browser: Playwright for Python driving
Debian's Chromium headless against a real ``wiretrace serve`` process.

Screenshots go to ``test-artifacts/`` (or the folder in ``WIRETRACE_ARTIFACTS``)."""

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

from test_serve import SHOWCASE, Server, build_demo_index, start_server  # noqa: E402

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
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "demo.db"
    build_demo_index(db)
    srv = start_server(db, folder / "server.log")
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
        page.on("request", lambda r: None if r.url.startswith(allowed_prefix)
                or r.url.startswith("blob:") else self.foreign.append(r.url))

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
    highlighted = "".join(marks.evaluate_all(
        "ms => ms.map(m => m.lastChild.textContent)"))
    assert abs(len(highlighted) - expected["coverage"] * len(text)) <= 1
    assert page.inner_text("#wt-article").replace("\n", "") .count("Republic of Indonesia") >= 1
    # The side-by-side view of a rewritten passage marks the changed words.
    def changes(p: dict[str, Any]) -> list[tuple[str, str]]:
        return [(e["from"], e["to"]) for e in p["edits"]]

    rewritten = next(i for i, p in enumerate(expected["passages"])
                     if ("Indonesia", "Republic of Indonesia") in changes(p)
                     and ("said", "stated") in changes(p))
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
    query_side = sides.nth(0).locator(".wt-passage").evaluate(
        "e => Array.from(e.childNodes).map(n => n.nodeType === 3 ? n.textContent : "
        "Array.from(n.childNodes).filter(c => !(c.classList && c.classList.contains('wt-sr')))"
        ".map(c => c.textContent).join('')).join('')")
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
    assert page.locator(".wt-signals li").count() == len(expected["signals"])
    assert page.locator(".wt-signal-spin").count() >= 1
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
    # The picture for the docs: the article coloured by source above the side-by-side view.
    top = page.locator(".wt-summary").bounding_box()
    bottom = compare.bounding_box()
    assert top and bottom
    scroll = page.evaluate("window.scrollY")  # boxes are relative to the viewport
    clip = {"x": 0, "y": top["y"] + scroll - 8, "width": 1280,
            "height": bottom["y"] + bottom["height"] - top["y"] + 16}
    page.screenshot(path=str(artifact("trace-view.png")), full_page=True, clip=clip)
    if os.environ.get("WIRETRACE_DOCS_SCREENSHOT"):
        shutil.copy(artifact("trace-view.png"), os.environ["WIRETRACE_DOCS_SCREENSHOT"])
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
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
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
    page.set_input_files("#wt-file", {"name": "a.pdf", "mimeType": "application/pdf",
                                      "buffer": b"%PDF-1.4 <img src=x onerror=__hit('err')>"})
    page.click("#wt-submit")
    # Playwright's own retrying assertion: a string predicate for wait_for_function is run
    # with eval() in the page once the first check fails, which the page's CSP forbids.
    sync_api.expect(page.locator("#wt-status")).to_contain_text("415")
    assert "upload a .txt or .html file" in page.inner_text("#wt-status")


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
    standalone.add_init_script("window.__xss = []; window.__hit = function (w) "
                               "{ window.__xss.push(w); };")
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
    assert page.locator("script").count() == 2  # the page's own two
    handlers = report.evaluate(
        "r => Array.from(r.querySelectorAll('*')).flatMap(e => Array.from(e.attributes))"
        ".filter(a => a.name.startsWith('on')).map(a => a.name)")
    assert handlers == []
    hrefs = report.evaluate("r => Array.from(r.querySelectorAll('a')).map(a => a.href)")
    assert all(h.startswith(("http:", "https:", "blob:")) for h in hrefs), hrefs


def test_standalone_report_opens_offline(browser: Any, server: Server, tmp_path: Path) -> None:
    with server.client() as c:
        html = c.post("/v1/trace?format=html",
                      json={"text": SHOWCASE.read_text(encoding="utf-8")}).text
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
    text = ("Zebra quartz violins hum softly beneath the lighthouse while seven amber kites "
            "drift over a sleepy harbour town.\n\nShare this article")
    trace_in_page(page, server, text)
    assert page.locator("#wt-article .wt-mark").count() == 0
    assert "No indexed document shares text" in page.inner_text("#wt-report")
    assert page.inner_text("#wt-article") == text
    assert page.locator(".wt-signals li").count() >= 1  # the boilerplate line
    assert page.watch.errors == []
