"""The web page's reading aids in a real browser (issue 15, item 4): scrolling to the result,
the comparison opened under its passage, signals in plain words, local dates, the token box
only when needed, the print stylesheet, links that reproduce a trace, and excluding a source.

Playwright for Python drives Debian's Chromium against a real ``wiretrace serve`` on loopback,
as in ``test_browser``. With ``WIRETRACE_DOCS_SCREENSHOT_DIR=docs`` the pictures of the
comparison and of the printed page are redrawn there."""

# The fixtures of test_browser are imported by name, and the tests take them as parameters.
# ruff: noqa: F811, E402

from __future__ import annotations

import json
import os
import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="needs the [serve] extra (FastAPI, uvicorn)")
sync_api = pytest.importorskip("playwright.sync_api", reason="needs Playwright for Python")

from test_browser import (
    TIME,
    TIMEOUT_MS,
    Page,
    Watch,
    api_trace,
    artifact,
    trace_in_page,
    trace_with_details,
)
from test_serve import SHOWCASE, Server, demo_server

from wiretrace.report.words import SIGNAL_WORDS

# A fixture module's fixtures are used here by name.
from test_browser import browser, page, server, time_server  # noqa: F401  isort: skip

DOCS_DIR = os.environ.get("WIRETRACE_DOCS_SCREENSHOT_DIR")


def docs_picture(name: str) -> None:
    """Copy the artifact ``name`` to the docs folder when one is named."""
    if DOCS_DIR:
        Path(DOCS_DIR).mkdir(parents=True, exist_ok=True)
        shutil.copy(artifact(name), Path(DOCS_DIR) / name)


def heading_top(page: Page, selector: str = "#wt-h-result") -> float:
    return float(page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().top"))


def settle_scroll(page: Page) -> None:
    """Wait until a smooth scroll has ended (the position holds for a few frames)."""
    last = -1.0
    for _ in range(100):
        now = float(page.evaluate("window.scrollY"))
        if now == last:
            return
        last = now
        page.wait_for_timeout(100)


# -- 1. the result is scrolled to -----------------------------------------------------------------


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_the_result_is_focused_and_scrolled_into_view(
    page: Page, server: Server, motion: str
) -> None:
    page.emulate_media(reduced_motion=motion)
    page.set_viewport_size({"width": 1280, "height": 700})
    trace_in_page(page, server, SHOWCASE.read_text(encoding="utf-8"))
    sync_api.expect(page.locator("#wt-status")).to_contain_text("Traced")
    if motion == "reduce":
        # No animation: the heading is at the top as soon as the status says so.
        assert -1 <= heading_top(page) <= 40  # (sub-pixel layout may leave it a fraction above)
    settle_scroll(page)
    assert -1 <= heading_top(page) <= 40  # (sub-pixel layout may leave it a fraction above)
    assert page.evaluate("document.activeElement.id") == "wt-h-result"
    assert page.evaluate("window.scrollY") > 200  # the form is above, out of view
    assert page.watch.errors == []


# -- 2. the comparison opens under its passage ----------------------------------------------------


# The article's own text: without the comparison, the source tags, or a source's wording
# shown beside a changed fact.
ARTICLE_TEXT_JS = (
    "Array.from(document.getElementById('wt-article').childNodes)"
    ".filter(n => n.id !== 'wt-compare').map(n => n.nodeType === 3 ? n.textContent : "
    "Array.from(n.childNodes).filter(c => !(c.classList && (c.classList.contains('wt-tag') "
    "|| c.classList.contains('wt-was')))).map(c => c.textContent).join('')).join('')"
)


def test_the_comparison_opens_under_the_clicked_passage(page: Page, server: Server) -> None:
    text = SHOWCASE.read_text(encoding="utf-8")
    expected = api_trace(server, text)
    page.emulate_media(reduced_motion="reduce")
    trace_in_page(page, server, text)
    mark = page.locator('#wt-article .wt-mark[data-passage="0"]').first
    mark.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    mark.click()
    compare = page.locator("#wt-compare")
    assert compare.is_visible()
    # Inside the article, just under the passage's paragraph: the reader keeps their place.
    assert page.locator("#wt-article > #wt-compare").count() == 1
    mark_box, panel_box = mark.bounding_box(), compare.bounding_box()
    assert mark_box and panel_box
    assert 0 <= panel_box["y"] - (mark_box["y"] + mark_box["height"]) <= 200
    assert abs(page.evaluate("window.scrollY") - before) < 400
    assert compare.locator(".wt-side").count() == 2
    p = expected["passages"][0]
    heads = compare.locator(".wt-side h3").all_inner_texts()
    assert f"characters {p['query_start']}\u2013{p['query_end']}" in heads[0]
    # The article's text is unchanged around the panel.
    assert page.evaluate(ARTICLE_TEXT_JS) == text
    # The next passage: the panel moves under it. Escape closes it and gives the focus back.
    page.keyboard.press("Tab")
    page.locator("#wt-compare button", has_text="Next passage").focus()
    page.keyboard.press("Enter")
    second = page.locator('#wt-article .wt-mark[data-passage="1"]').first
    second_box, panel_box = second.bounding_box(), compare.bounding_box()
    assert second_box and panel_box
    assert 0 <= panel_box["y"] - (second_box["y"] + second_box["height"]) <= 200
    assert page.evaluate("document.activeElement.id") == "wt-h-compare"
    page.keyboard.press("Escape")
    assert compare.is_hidden()
    assert page.locator("#wt-article #wt-compare").count() == 0
    assert page.evaluate("document.activeElement.classList.contains('wt-mark')")
    assert page.evaluate(ARTICLE_TEXT_JS) == text
    # The picture: a rewritten passage in the middle of the article, compared where it stands.
    rewritten = page.locator("#wt-article .wt-mark.wt-kind-rewritten").last
    rewritten.click()
    box = compare.bounding_box()
    assert box
    page.mouse.wheel(0, box["y"] - 260)
    page.wait_for_timeout(200)
    page.screenshot(path=str(artifact("page-comparison.png")))
    docs_picture("page-comparison.png")
    assert page.watch.errors == []


# -- 3. signals in plain words --------------------------------------------------------------------


def test_signals_are_in_plain_words_with_the_code_beside_and_one_quote(
    page: Page, server: Server
) -> None:
    text = (
        "Zebra quartz violins hum softly beneath the lighthouse while seven amber kites "
        "drift over a sleepy harbour town.\n\nShare this article"
    )
    expected = api_trace(server, text)
    boiler = next(s for s in expected["signals"] if s["type"] == "boilerplate")
    trace_in_page(page, server, text)
    item = page.locator(".wt-signal-boilerplate").first
    assert item.locator(".wt-sigtype").inner_text() == SIGNAL_WORDS["boilerplate"].title
    assert item.locator(".wt-sigcode").inner_text() == "boilerplate"
    assert item.locator(".wt-sig-explain").inner_text() == SIGNAL_WORDS["boilerplate"].explain
    shown = item.inner_text()
    quoted = text[boiler["start"] : boiler["end"]]
    assert shown.count(quoted) == 1, shown  # the quote once, not again in the detail
    assert item.locator("q.wt-quote").inner_text() == quoted
    # Every raw code on the page is a secondary label beside its plain title.
    for code in page.locator(".wt-sigcode").all_inner_texts():
        assert code in SIGNAL_WORDS
    assert "BOILERPLATE" not in page.inner_text("#wt-report")


# -- 4. local, readable dates ---------------------------------------------------------------------


@pytest.fixture
def far_west_page(browser: Any, time_server: Server) -> Iterator[Page]:
    """A reader in Honolulu (UTC-10) whose browser speaks German."""
    context = browser.new_context(locale="de-DE", timezone_id="Pacific/Honolulu")
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    pg.watch = Watch(pg, time_server.base)
    yield pg
    context.close()


def test_dates_are_shown_in_the_readers_locale_without_shifting_days(
    far_west_page: Page, time_server: Server
) -> None:
    page = far_west_page
    trace_with_details(page, time_server, "2021-03-10T05:00:00Z")
    corpus = [json.loads(line) for line in (TIME / "corpus.jsonl").read_text().splitlines()]
    dates = {d["published_at"] for d in corpus if d.get("published_at")}
    times = page.locator("#wt-report time.wt-date")
    assert times.count() >= 3
    for i in range(times.count()):
        node = times.nth(i)
        iso = node.get_attribute("datetime")
        assert iso and node.get_attribute("title") == iso
        shown = node.inner_text()
        assert iso not in shown
        if len(iso) == 10:  # a calendar day stays that day, in German
            assert iso in dates
            year, _, day = iso.split("-")
            assert shown.startswith(f"{int(day)}.") and year in shown, (iso, shown)
    # The article's own time, 05:00 UTC on the 10th, is 19:00 on the 9th in Honolulu.
    own = page.locator('.wt-summary time[datetime="2021-03-10T05:00:00Z"]')
    assert own.count() == 1
    assert own.inner_text().startswith("9. März 2021") and "19:00" in own.inner_text()
    assert page.watch.errors == []


# -- 5. the token box only when the server needs a token ------------------------------------------


@pytest.fixture(scope="module")
def token_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = demo_server(tmp_path_factory.mktemp("browser-token"), token="page-s3cret")
    yield srv
    srv.stop()


def test_the_token_box_is_shown_only_when_the_server_needs_a_token(
    page: Page, server: Server, browser: Any, token_server: Server
) -> None:
    page.goto(server.base + "/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#wt-token-box").is_hidden()
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    guarded = context.new_page()
    try:
        guarded.goto(token_server.base + "/")
        guarded.wait_for_selector("#wt-token-box", state="visible")
        assert guarded.evaluate("document.getElementById('wt-token-box').open") is False
        guarded.fill("#wt-text", SHOWCASE.read_text(encoding="utf-8"))
        guarded.click("#wt-submit")
        sync_api.expect(guarded.locator("#wt-status")).to_contain_text("needs an API token")
        assert guarded.evaluate("document.getElementById('wt-token-box').open")
        assert guarded.evaluate("document.activeElement.id") == "wt-token"
        guarded.fill("#wt-token", "page-s3cret")
        guarded.click("#wt-submit")
        guarded.wait_for_selector("#wt-h-result")
        assert guarded.locator("#wt-sources tbody tr").count() >= 4
    finally:
        context.close()


# -- 6. printing ----------------------------------------------------------------------------------

PRINT_JS = """
() => {
  const shown = sel => Array.from(document.querySelectorAll(sel))
    .filter(e => getComputedStyle(e).display !== 'none' && e.getClientRects().length > 0).length;
  const mark = document.querySelector('#wt-article .wt-mark');
  const link = document.querySelector('#wt-sources a[href^="http"]');
  return {
    form: shown('#wt-form'), buttons: shown('button'), footer: shown('footer'),
    markColour: getComputedStyle(mark).backgroundColor,
    adjust: getComputedStyle(mark).printColorAdjust ||
      getComputedStyle(mark).webkitPrintColorAdjust,
    linkAfter: link ? getComputedStyle(link, '::after').content : null,
    href: link ? link.getAttribute('href') : null,
    sideBreak: getComputedStyle(document.querySelector('.wt-side')).breakInside,
    rowBreak: getComputedStyle(document.querySelector('#wt-sources tbody tr')).breakInside,
  };
}
"""


def test_the_printed_page_is_the_report_alone(page: Page, server: Server) -> None:
    text = SHOWCASE.read_text(encoding="utf-8")
    trace_in_page(page, server, text)
    page.locator("#wt-article .wt-mark.wt-kind-rewritten").first.click()
    screen_colour = page.evaluate(
        "getComputedStyle(document.querySelector('#wt-article .wt-mark')).backgroundColor"
    )
    page.emulate_media(media="print")
    seen = page.evaluate(PRINT_JS)
    assert seen["form"] == 0 and seen["buttons"] == 0 and seen["footer"] == 0
    assert seen["markColour"] == screen_colour and seen["adjust"] == "exact"
    assert seen["href"] and seen["href"] in seen["linkAfter"]
    assert seen["sideBreak"] == "avoid" and seen["rowBreak"] == "avoid"
    page.screenshot(path=str(artifact("page-print.png")), full_page=True)
    docs_picture("page-print.png")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")
    assert page.locator("#wt-form").is_visible()


# -- 7. links that reproduce a trace --------------------------------------------------------------


def test_a_link_reproduces_the_trace_with_its_details(
    page: Page, server: Server, browser: Any
) -> None:
    text = SHOWCASE.read_text(encoding="utf-8")
    page.goto(server.base + "/")
    page.fill("#wt-text", text)
    page.click("summary >> text=Article details")
    page.fill("#wt-title", "A showcase, \u00e9t\u00e9 \U0001f30a")
    page.fill("#wt-date", "2019-04-25")
    page.click("#wt-submit")
    page.wait_for_selector("#wt-link", state="visible")
    url = page.url
    fragment = url.split("#", 1)[1]
    assert fragment.startswith("trace=z")  # compressed
    assert len(fragment) < len(text)
    assert page.get_attribute("#wt-link-a", "href") == "#" + fragment
    sources = page.locator("#wt-sources tbody tr").all_inner_texts()
    # A fresh browser (no storage) opens the link: the form is filled and the trace runs.
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    other = context.new_page()
    sent: list[dict[str, Any]] = []
    other.on("request", lambda r: sent.append(json.loads(r.post_data or "{}"))
             if "/v1/trace" in r.url else None)  # fmt: skip
    try:
        other.goto(url)
        other.wait_for_selector("#wt-h-result")
        assert other.input_value("#wt-text") == text
        assert other.input_value("#wt-title") == "A showcase, \u00e9t\u00e9 \U0001f30a"
        assert other.input_value("#wt-date") == "2019-04-25"
        assert other.locator("#wt-sources tbody tr").all_inner_texts() == sources
        assert [s["text"] for s in sent] == [text]
        assert all("#" not in r for r in other.evaluate(
            "performance.getEntriesByType('resource').map(e => e.name)"))  # fmt: skip
    finally:
        context.close()


def long_article(words: int) -> str:
    rng = random.Random(15)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = [
        "".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(3000)
    ]
    sentences = []
    for _ in range(words // 12):
        sentences.append(" ".join(rng.choice(vocabulary) for _ in range(12)).capitalize() + ".")
    return " ".join(sentences)


def test_a_long_article_is_kept_in_local_storage_and_its_link_says_so(
    page: Page, server: Server, browser: Any
) -> None:
    text = long_article(3000)
    page.goto(server.base + "/")
    page.fill("#wt-text", text)
    page.click("#wt-submit")
    page.wait_for_selector("#wt-link", state="visible")
    url = page.url
    fragment = url.split("#", 1)[1]
    assert fragment.startswith("trace-key=") and len(fragment) < 40
    assert "only works in this browser" in page.inner_text("#wt-link-note")
    key = fragment.split("=", 1)[1]
    stored = page.evaluate(f"localStorage.getItem('wiretrace.trace.{key}')")
    assert json.loads(stored)["text"] == text
    # The same browser opens it...
    again = page.context.new_page()
    again.goto(url)
    again.wait_for_selector("#wt-h-result")
    assert again.input_value("#wt-text") == text
    # ... another one cannot, and says why.
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    other = context.new_page()
    try:
        other.goto(url)
        sync_api.expect(other.locator("#wt-status")).to_contain_text("another browser")
        assert other.input_value("#wt-text") == ""
    finally:
        context.close()


# -- 8. exclude a source and trace again ----------------------------------------------------------


def test_exclude_a_source_trace_again_and_put_it_back(page: Page, server: Server) -> None:
    text = SHOWCASE.read_text(encoding="utf-8")
    expected = api_trace(server, text)
    first = expected["sources"][0]
    trace_in_page(page, server, text)
    button = page.locator(f'#wt-sources button[data-exclude="{first["id"]}"]')
    assert button.inner_text() == "Exclude and trace again"
    with page.expect_request(lambda r: "/v1/trace" in r.url) as request:
        button.click()
    assert json.loads(request.value.post_data or "{}")["exclude"] == [first["id"]]
    sync_api.expect(page.locator("#wt-status")).to_contain_text("1 excluded")
    assert first["id"] not in page.inner_text("#wt-sources")
    assert page.locator("#wt-excluded").is_visible()
    assert first["id"] in page.inner_text("#wt-excluded-list")
    # The exclusion travels in the link too.
    linked = page.context.new_page()
    linked.goto(page.url)
    linked.wait_for_selector("#wt-h-result")
    assert first["id"] in linked.inner_text("#wt-excluded-list")
    assert first["id"] not in linked.inner_text("#wt-sources")
    linked.close()
    with page.expect_request(lambda r: "/v1/trace" in r.url) as request:
        page.click(f'#wt-excluded-list button[data-put-back="{first["id"]}"]')
    assert "exclude" not in json.loads(request.value.post_data or "{}")
    done = re.compile(r"^Traced: (?!.*excluded)")
    sync_api.expect(page.locator("#wt-status")).to_have_text(done)
    assert first["id"] in page.inner_text("#wt-sources")
    assert page.locator("#wt-excluded").is_hidden()
    assert page.watch.errors == [] and page.watch.foreign == []


def test_the_standalone_report_has_no_exclude_button_and_prints_clean(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    with server.client() as c:
        html = c.post("/v1/trace?format=html", json={"text": SHOWCASE.read_text("utf-8")}).text
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(offline=True)
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        pg.goto(path.as_uri())
        pg.wait_for_selector("#wt-article .wt-mark")
        assert pg.locator("button[data-exclude]").count() == 0
        assert pg.locator(".wt-sigcode").count() >= 1  # plain words from the data block
        pg.locator("#wt-article .wt-mark").first.click()
        assert pg.locator("#wt-article > #wt-compare").count() == 1
        pg.emulate_media(media="print")
        assert pg.evaluate(
            "Array.from(document.querySelectorAll('button'))"
            ".every(b => getComputedStyle(b).display === 'none')"
        )
        assert errors == []  # the CSP still allows the report's own script and style
    finally:
        context.close()
