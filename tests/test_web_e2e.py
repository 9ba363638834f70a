"""The explorer end to end in Debian's headless Chromium: home, Mali, charts, period, CSV, compare."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from partnerwatch.web import create_app
from tests.test_browser import ARTIFACTS, CHROMIUM, FLAGS
from tests.test_web import build_store

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and os.environ.get("CI") != "true", reason="Debian's chromium is not installed"
    ),
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with serving(build_store(tmp_path / "pw.duckdb")) as base:
        yield base


@contextmanager
def serving(store: Path) -> Iterator[str]:
    """The explorer on a free loopback port, in a thread, for as long as the block runs: its address."""
    app = create_app(store)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    for _ in range(100):
        if instance.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(timeout=10)


def test_explorer(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    failures: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        context = browser.new_context(viewport={"width": 1100, "height": 1300}, accept_downloads=True)
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.on("requestfailed", lambda request: failures.append(request.url))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

        page.goto(server + "/")
        assert page.locator("table#countries tbody tr").count() >= 1
        assert page.locator("table#other-places tbody tr").count() >= 1  # South Yemen: a former state
        page.locator("table#countries th button", has_text="Country").click()  # sorting works without errors
        page.screenshot(path=str(ARTIFACTS / "explorer-home.png"))

        page.click("a[href='/countries/MLI']")
        page.wait_for_selector("figure.chart[data-rendered=true] svg")
        charts = page.locator("figure.chart[data-rendered=true] svg")
        assert charts.count() >= 2
        page.screenshot(path=str(ARTIFACTS / "explorer-mali.png"))

        page.fill("input[name=year_from]", "2010")
        page.fill("input[name=year_to]", "2022")
        page.click("#period-form button")
        page.wait_for_selector("figure.chart[data-figure='mli-arms-suppliers-2010-2022'][data-rendered=true] svg")
        assert "year_from=2010" in page.url

        with page.expect_download() as download_info:
            page.locator("a.data-link").first.click()
        csv_path = tmp_path / "figure.csv"
        download_info.value.save_as(csv_path)
        assert csv_path.read_text(encoding="utf-8").startswith('"')

        page.goto(server + "/")
        boxes = page.locator("input[name=c]")
        boxes.nth(0).check()
        boxes.nth(1).check()
        page.click("#compare-form button[type=submit]")
        page.wait_for_selector("table caption")
        assert page.locator("thead th").count() == 3
        page.screenshot(path=str(ARTIFACTS / "explorer-compare.png"))
        browser.close()
    outside = [url for url in requests if not url.startswith(server)]
    assert outside == [] and failures == [] and errors == []


@pytest.fixture
def watch_server(tmp_path: Path) -> Iterator[str]:
    from partnerwatch.store import connect
    from partnerwatch.watch.columns import Window
    from partnerwatch.watch.history import record_watch, store_version
    from partnerwatch.watch.table import build_watch
    from tests.test_watch import _every_rule_store, load, security

    path = tmp_path / "watch.duckdb"
    con = connect(path)
    _every_rule_store(con)
    load(con, "greenbook", "more", "assistance", [*security("NER", {2020: 50e6}), *security("COL", {2020: 300e6})])
    record_watch(con, build_watch(con, Window()), store_version(con))
    # A new release of the same file revises Colombia's amount: the last load's change, and its revisions.
    load(con, "greenbook", "more", "assistance", [*security("NER", {2020: 50e6}), *security("COL", {2020: 320e6})])
    record_watch(con, build_watch(con, Window()), store_version(con))
    con.close()
    with serving(path) as base:
        yield base


def test_watch_page_sorts_filters_and_draws_the_map(watch_server: str) -> None:
    from lxml import etree
    from playwright.sync_api import sync_playwright

    from tests.test_watch import ATOM_SCHEMA

    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 1300, "height": 1300})
        page.on("request", lambda request: requests.append(request.url))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{watch_server}/watch")
        page.wait_for_selector("#map[data-drawn=true]")
        rows = page.locator("#watch tbody tr")
        assert rows.count() == 3

        def name(i: int) -> str:
            return rows.nth(i).locator("td").nth(0).locator("a").first.inner_text()

        def first() -> str:
            return name(0)

        assert first() == "Colombia"  # by U.S. security assistance, largest first
        mali = page.locator("#map g.ml path").first
        filled = mali.evaluate("p => getComputedStyle(p).fill")
        assert filled not in ("", "rgb(228, 231, 234)")  # Mali has a value: coloured, not the empty grey
        page.select_option("#map-column", "state_harm_trend")
        assert page.locator("#map g.co path").first.evaluate("p => p.style.fill") == ""  # no ACLED for Colombia
        page.locator("#watch th button", has_text="U.S. security assistance").click()
        assert first() == "Mali"  # ascending: $13 million, then $50 million, then $320 million
        page.locator("#watch th button", has_text="U.S. security assistance").click()
        assert first() == "Colombia"
        assert page.locator("#signals li").count() == 5
        assert "follows" not in page.locator("#signals").inner_text()  # the first signals of each rule
        assert page.locator("#changes tbody tr").all_inner_texts() == [
            "Colombia\tsecurity_assistance_usd\t$300.0 million\t$320.0 million\t6 → 7"
        ]
        release = page.locator("#releases tbody tr td").all_inner_texts()
        assert release[:6] == ["snapshot 7 (greenbook) replaced snapshot 6", "assistance", "1", "0", "0", "1"]
        assert release[6].startswith("revised: COL · 2020 · Obligations · Foreign Military Financing Program")
        with page.expect_navigation():
            page.select_option("#flag-filter", "coup_after_assistance")
        assert "flag=coup_after_assistance" in page.url
        assert [name(i) for i in range(rows.count())] == ["Mali"]
        with page.expect_navigation():
            page.select_option("#region-filter", "Western Hemisphere")
        assert rows.count() == 0  # Colombia raises no coup signal
        page.goto(f"{watch_server}/watch?region=Western+Hemisphere")
        assert [name(i) for i in range(rows.count())] == ["Colombia"]
        page.locator("#watch tbody tr td a").first.click()
        page.wait_for_load_state()
        assert page.url.endswith("/countries/COL")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.goto(f"{watch_server}/watch")
        page.wait_for_selector("#map[data-drawn=true]")
        page.screenshot(path=str(ARTIFACTS / "watch.png"), full_page=True)
        feed = page.request.get(f"{watch_server}/watch.atom")
        assert feed.headers["content-type"].startswith("application/atom+xml")
        assert etree.RelaxNG(etree.parse(str(ATOM_SCHEMA))).validate(etree.fromstring(feed.body()))
        browser.close()
    assert errors == []
    assert requests and all(url.startswith(watch_server) for url in requests)  # nothing leaves the server
