"""The HTML factsheet in a real browser (Debian's Chromium, headless): no network, every chart drawn."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from partnerwatch.ingest import ingest, load_bundled
from partnerwatch.publish import render
from partnerwatch.publish.factsheet import build_factsheet

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DATA = Path(__file__).parent / "data"
ARTIFACTS = Path(os.environ.get("PARTNERWATCH_ARTIFACTS", Path(__file__).resolve().parents[1] / "test-artifacts"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and os.environ.get("CI") != "true", reason="Debian's chromium is not installed"
    ),
]


def test_html_factsheet_in_chromium(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    load_bundled(store)
    ingest(store, "sipri-transfers", DATA / "sipri" / "register_small.csv")
    ingest(store, "acled", DATA / "acled" / "current_export.csv")
    page_path = tmp_path / "mali.html"
    page_path.write_bytes(render(build_factsheet(store, "MLI", (2001, 2022)), "html"))
    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 1000, "height": 1400})
        page.on("request", lambda request: requests.append(request.url))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(page_path.as_uri())
        page.wait_for_load_state("networkidle")
        charts = page.locator("svg[role=img]")
        assert charts.count() >= 2
        for index in range(charts.count()):
            box = charts.nth(index).bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 100
            assert charts.nth(index).locator("rect, path").count() > 5  # marks were drawn
        assert page.locator("h2", has_text="Civilian harm").count() == 1
        # Each section opens with a paragraph the reader sees (the key figures are a list), and the legend of the
        # computed and published marks is on the first screen.
        sections = page.locator("main section")
        for index in range(sections.count()):
            section = sections.nth(index)
            title = section.locator("h2").inner_text()
            if title in ("Key figures", "Data notes", "Appendix: tables", "Sources", "Notes"):
                continue
            lede = section.locator("p.lede").first
            assert lede.is_visible() and len(lede.inner_text()) > 60, title
        legend = page.locator("p.legend")
        assert "\u25c6 computed by PartnerWatch" in legend.inner_text()
        assert legend.bounding_box()["y"] < 1400  # type: ignore[index]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "factsheet-mali.png"), full_page=False)
        browser.close()
    assert requests == [page_path.as_uri()]
    assert errors == []
