"""The explorer end to end in Debian's headless Chromium: home, Mali, charts, period, CSV, compare."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
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
    app = create_app(build_store(tmp_path / "pw.duckdb"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    for _ in range(100):
        if instance.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
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
