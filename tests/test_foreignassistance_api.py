"""The data-API client against a local server that speaks the same protocol, failures included."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest

from partnerwatch.errors import PartnerWatchError
from partnerwatch.ingest import fetch_and_ingest
from partnerwatch.net.http import RetryPolicy
from partnerwatch.sources.foreignassistance.fetch import fetch_country

RECORDS = [
    {
        "country_code": "MLI",
        "country_name": "Mali",
        "us_category_name": "Health",
        "us_sector_name": "Malaria",
        "funding_account_id": "72x1031",
        "funding_account_name": "Global Health Programs - USAID",
        "managing_agency_name": "U.S. Agency for International Development",
        "activity_id": f"A-{i}",
        "activity_name": f"Activity {i}",
        "transaction_type_name": "Obligations",
        "fiscal_year": 2020 + i % 2,
        "current_amount": 1000 * i,
        "constant_amount": 900 * i,
    }
    for i in range(1, 26)
]


class FakeAPI:
    """Pages RECORDS; ``script[page]`` lists what to answer before the good page (429/500/malformed)."""

    def __init__(self) -> None:
        self.script: dict[int, list[str]] = {}
        self.requests: list[int] = []

    def handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                query = parse_qs(urlsplit(self.path).query)
                page, per_page = int(query["page"][0]), int(query["per_page"][0])
                api.requests.append(page)
                if query.get("country_code") != ["MLI"]:
                    self._send(400, b'{"error": "country_code"}')
                    return
                planned = api.script.get(page, [])
                action = planned.pop(0) if planned else "ok"
                if action == "429":
                    self._send(429, b"slow down", {"Retry-After": "7"})
                elif action == "500":
                    self._send(500, b"oops")
                elif action == "malformed":
                    self._send(200, b'{"data": [{"country_code": "MLI"')
                else:
                    chunk = RECORDS[(page - 1) * per_page : page * per_page]
                    total = -(-len(RECORDS) // per_page)
                    self._send(200, json.dumps({"data": chunk, "page": page, "total_pages": total}).encode())

            def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


@pytest.fixture
def api() -> Iterator[tuple[FakeAPI, str]]:
    fake = FakeAPI()
    server = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake, f"http://127.0.0.1:{server.server_address[1]}/data-api/complete-data.json"
    server.shutdown()
    server.server_close()


def _policy(waits: list[float], attempts: int = 4) -> RetryPolicy:
    return RetryPolicy(attempts=attempts, base_delay=1.0, timeout=5.0, sleep=waits.append, jitter=lambda: 1.0)


def test_paging_with_429_500_and_a_malformed_page(api: tuple[FakeAPI, str], tmp_path: Path) -> None:
    fake, url = api
    fake.script = {2: ["429", "malformed"], 3: ["500"]}
    waits: list[float] = []
    result = fetch_country("MLI", tmp_path, base_url=url, per_page=10, policy=_policy(waits))
    assert (result.records, result.pages, result.resumed_pages) == (25, 3, 0)
    assert fake.requests == [1, 2, 2, 2, 3, 3]
    assert waits == [7.0, 2.0, 1.0]  # Retry-After honoured; then exponential backoff
    lines = result.path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["activity_id"] for line in lines] == [f"A-{i}" for i in range(1, 26)]
    assert not (tmp_path / "foreignassistance-MLI.partial").exists()


def test_resume_after_a_failed_page(api: tuple[FakeAPI, str], tmp_path: Path) -> None:
    fake, url = api
    fake.script = {3: ["500"] * 3}
    with pytest.raises(PartnerWatchError) as caught:
        fetch_country("MLI", tmp_path, base_url=url, per_page=10, policy=_policy([], attempts=3))
    error = caught.value.errors[0]
    assert error.code == "fetch-error" and "HTTP 500 after 3 attempts" in error.message
    assert sorted(p.name for p in (tmp_path / "foreignassistance-MLI.partial").iterdir()) == [
        "page-00001.json",
        "page-00002.json",
    ]
    fake.requests.clear()
    result = fetch_country("MLI", tmp_path, base_url=url, per_page=10, policy=_policy([]))
    assert fake.requests == [3]
    assert (result.records, result.resumed_pages) == (25, 2)


def test_fetch_and_ingest(api: tuple[FakeAPI, str], store: duckdb.DuckDBPyConnection, home: Path) -> None:
    _fake, url = api
    path, result = fetch_and_ingest(store, "foreignassistance", "Mali", base_url=url, policy=_policy([]))
    assert path.parent == home / "downloads" / "foreignassistance"
    assert result.rows == 25
    assert store.execute(
        "SELECT fiscal_year, sum(amount_usd), min(category) FROM assistance GROUP BY 1 ORDER BY 1"
    ).fetchall() == [(2020, 156000.0, "Health"), (2021, 169000.0, "Health")]
    assert store.execute("SELECT scope FROM snapshots WHERE id = ?", [result.snapshot_id]).fetchall() == [("api:MLI",)]
