"""ACLED and UCDP API clients against local servers that speak their protocols."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from partnerwatch.errors import PartnerWatchError
from partnerwatch.ingest import fetch_and_ingest
from partnerwatch.net.http import RetryPolicy
from partnerwatch.sources.acled.fetch import pull_country
from partnerwatch.sources.ucdp.fetch import pull_ged
from tests.fakeapi import Request, Response, serve

USER, PASSWORD, UCDP_TOKEN = "analyst@example.org", "s3cret-pass", "ucdp-t0ken"


def _event(i: int, ts: int) -> dict[str, object]:
    return {
        "event_id_cnty": f"MLI{i}",
        "event_date": "2022-03-27",
        "year": 2022,
        "time_precision": 1,
        "disorder_type": "Political violence",
        "event_type": "Violence against civilians",
        "sub_event_type": "Attack",
        "actor1": "Military Forces of Mali (2021-)",
        "assoc_actor_1": "Wagner Group",
        "inter1": 1,
        "actor2": "Civilians (Mali)",
        "assoc_actor_2": "",
        "inter2": 7,
        "interaction": 17,
        "civilian_targeting": "Civilian targeting",
        "iso": 466,
        "region": "Western Africa",
        "country": "Mali",
        "admin1": "Mopti",
        "admin2": "Djenne",
        "admin3": "",
        "location": "Moura",
        "latitude": 14.1,
        "longitude": -4.5,
        "geo_precision": 1,
        "source": "HRW",
        "source_scale": "Other",
        "notes": "n",
        "fatalities": i,
        "tags": "",
        "timestamp": ts,
    }


class Acled:
    """OAuth password grant + refresh, Bearer-protected paged reads, scripted failures."""

    def __init__(self, events: list[dict[str, object]]) -> None:
        self.events = events
        self.valid: set[str] = set()
        self.grants: list[str] = []
        self.script: dict[int, list[str]] = {}
        self.counter = 0

    def __call__(self, request: Request) -> Response:
        if request.path == "/oauth/token":
            form = request.form
            self.grants.append(form["grant_type"])
            ok = (
                form["grant_type"] == "password" and form.get("username") == USER and form.get("password") == PASSWORD
            ) or (form["grant_type"] == "refresh_token" and form.get("refresh_token", "").startswith("R"))
            if not ok or form.get("client_id") != "acled":
                return Response.json({"error": "invalid_grant"}, 400)
            self.counter += 1
            token = f"A{self.counter}"
            self.valid.add(token)
            return Response.json({"access_token": token, "refresh_token": f"R{self.counter}", "expires_in": 86400})
        if request.headers.get("authorization", "").removeprefix("Bearer ") not in self.valid:
            return Response.json({"error": "unauthorised"}, 401)
        page, limit = int(request.query["page"]), int(request.query["limit"])
        planned = self.script.get(page, [])
        action = planned.pop(0) if planned else "ok"
        if action == "expire":
            self.valid.clear()
            return Response.json({"error": "expired"}, 401)
        if action == "429":
            return Response(429, b"slow", {"Retry-After": "3"})
        if action == "500":
            return Response(500, b"oops")
        chosen = self.events
        if request.query.get("timestamp_where") == ">":
            chosen = [e for e in chosen if int(str(e["timestamp"])) > int(request.query["timestamp"])]
        data = chosen[(page - 1) * limit : page * limit]
        return Response.json({"status": 200, "success": True, "count": len(data), "data": data})


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACLED_USERNAME", USER)
    monkeypatch.setenv("ACLED_PASSWORD", PASSWORD)
    monkeypatch.setenv("UCDP_TOKEN", UCDP_TOKEN)


def _policy(waits: list[float]) -> RetryPolicy:
    return RetryPolicy(attempts=4, timeout=5.0, sleep=waits.append, jitter=lambda: 1.0)


def test_acled_oauth_paging_refresh_and_retries(
    account: None, home: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    api = Acled([_event(i, 1_650_000_000 + i) for i in range(1, 7)])  # 6 events, 3 per page: an empty 3rd page
    api.script = {2: ["expire", "429"], 3: ["500"]}
    waits: list[float] = []
    caplog.set_level(logging.DEBUG)
    with serve(api) as (url, requests):
        pulled = pull_country("MLI", tmp_path, home, base_url=url, limit=3, policy=_policy(waits))
    assert (pulled.records, pulled.pages, pulled.incremental) == (6, 3, False)
    assert api.grants == ["password", "refresh_token"]
    assert waits == [3.0, 1.0]  # Retry-After, then backoff for the 500
    reads = [r for r in requests if r.path == "/api/acled/read"]
    assert [r.query["page"] for r in reads] == ["1", "2", "2", "2", "3", "3"]
    assert all(r.query["country"] == "Mali" and r.query["_format"] == "json" for r in reads)
    tokens = home / "tokens" / "acled.json"
    assert tokens.stat().st_mode & 0o777 == 0o600
    text = caplog.text + "".join(json.dumps(r.query) for r in reads)
    assert PASSWORD not in text and USER not in text


def test_acled_weekly_limit_and_incremental_pull(account: None, home: Path, tmp_path: Path) -> None:
    api = Acled([_event(i, 1_650_000_000 + i) for i in range(1, 5)])
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with serve(api) as (url, requests):
        first = pull_country("MLI", tmp_path, home, base_url=url, limit=10, policy=_policy([]), now=lambda: start)
        api.events.append(_event(5, 1_660_000_000))
        later = start + timedelta(days=2)
        second = pull_country("MLI", tmp_path, home, base_url=url, limit=10, policy=_policy([]), now=lambda: later)
        forced = pull_country(
            "MLI", tmp_path, home, base_url=url, limit=10, policy=_policy([]), force=True, now=lambda: later
        )
    assert (first.records, first.incremental) == (4, False)
    assert (second.records, second.incremental) == (1, True)
    assert requests[-2].query["timestamp"] == "1650000004" and requests[-2].query["timestamp_where"] == ">"
    assert (forced.records, forced.incremental) == (5, False)


def test_acled_missing_credentials(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACLED_USERNAME", raising=False)
    monkeypatch.delenv("ACLED_PASSWORD", raising=False)
    with serve(Acled([])) as (url, _requests), pytest.raises(PartnerWatchError) as caught:
        pull_country("MLI", tmp_path, home, base_url=url, policy=_policy([]))
    assert caught.value.errors[0].code == "missing-value"
    assert "ACLED_USERNAME, ACLED_PASSWORD" in caught.value.errors[0].message


def test_acled_fetch_and_ingest(account: None, store: duckdb.DuckDBPyConnection) -> None:
    api = Acled([_event(i, 1_650_000_000 + i) for i in range(1, 4)])
    with serve(api) as (url, _requests):
        path, result = fetch_and_ingest(store, "acled", "MLI", base_url=url, policy=_policy([]))
    assert path.suffix == ".jsonl" and result.rows == 3
    assert store.execute(
        "SELECT count(*), sum(fatalities), bool_and(civilian_targeting), min(perpetrator_class) FROM harm_events"
    ).fetchall() == [(3, 6, True, "state_forces")]


GED_KEYS = (
    "id",
    "year",
    "type_of_violence",
    "side_a",
    "side_b",
    "country_id",
    "adm_1",
    "adm_2",
    "where_coordinates",
    "latitude",
    "longitude",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "source_headline",
)


def _ged(i: int) -> dict[str, object]:
    record: dict[str, object] = dict.fromkeys(GED_KEYS, "")
    record.update(
        {
            "id": 500000 + i,
            "year": 2022,
            "type_of_violence": 3,
            "side_a": "Government of Mali",
            "side_b": "Civilians",
            "country_id": 432,
            "latitude": 14.1,
            "longitude": -4.5,
            "date_start": "2022-03-27T00:00:00",
            "date_end": "2022-03-27T00:00:00",
            "deaths_a": 0,
            "deaths_b": 0,
            "deaths_civilians": i,
            "deaths_unknown": 0,
            "best": i,
            "high": i,
            "low": i,
        }
    )
    return record


def test_ucdp_token_paging_and_resume(
    account: None, home: Path, tmp_path: Path, store: duckdb.DuckDBPyConnection, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    events = [_ged(i) for i in range(1, 6)]
    failures = {"page2": 3}

    def handle(request: Request) -> Response:
        if request.headers.get("x-ucdp-access-token") != UCDP_TOKEN:
            return Response.json({"error": "token"}, 401)
        assert request.path == "/api/gedevents/25.0.10" and request.query["Country"] == "432"
        size, page = int(request.query["pagesize"]), int(request.query["page"])
        if page == 2 and failures["page2"]:
            failures["page2"] -= 1
            return Response(500, b"down")
        chunk = events[page * size : (page + 1) * size]
        pages = -(-len(events) // size)
        following = (
            "" if page + 1 >= pages else (f"{base}/api/gedevents/25.0.10?pagesize={size}&page={page + 1}&Country=432")
        )
        return Response.json(
            {"TotalCount": len(events), "TotalPages": pages, "NextPageUrl": following, "Result": chunk}
        )

    with serve(handle) as (base, requests):
        policy = RetryPolicy(attempts=3, timeout=5.0, sleep=lambda s: None)
        with pytest.raises(PartnerWatchError, match="HTTP 500 after 3 attempts") as failed:
            pull_ged("MLI", tmp_path, home, base_url=base, version="25.0.10", page_size=2, policy=policy)
        requests.clear()
        pulled = pull_ged("MLI", tmp_path, home, base_url=base, version="25.0.10", page_size=2, policy=policy)
        assert [r.query["page"] for r in requests] == ["2"]
        assert (pulled.records, pulled.pages, pulled.resumed_pages) == (5, 3, 2)
        with pytest.raises(PartnerWatchError, match="pagesize must be 1-1000"):
            pull_ged("MLI", tmp_path, home, base_url=base, page_size=5000)
    # The token travels in a header only: never in a log line, an error, a query or a file written.
    written = "".join(p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file())
    assert UCDP_TOKEN not in caplog.text + str(failed.value) + written
    assert caplog.records  # the client did log its requests and retries
    from partnerwatch.ingest import ingest

    result = ingest(store, "ucdp-ged", pulled.path)
    assert result.rows == 5
    assert store.execute("SELECT sum(civilian_fatalities), min(event_timestamp) FROM harm_events").fetchall() == [
        (15, 250010)
    ]


def test_acled_resumes_after_a_failed_page(account: None, home: Path, tmp_path: Path) -> None:
    api = Acled([_event(i, 1_650_000_000 + i) for i in range(1, 8)])
    api.script = {2: ["500"] * 3}
    policy = RetryPolicy(attempts=3, timeout=5.0, sleep=lambda s: None)
    with serve(api) as (url, requests):
        with pytest.raises(PartnerWatchError, match="HTTP 500 after 3 attempts"):
            pull_country("MLI", tmp_path, home, base_url=url, limit=3, policy=policy)
        requests.clear()
        pulled = pull_country("MLI", tmp_path, home, base_url=url, limit=3, policy=policy)
    assert [r.query["page"] for r in requests if r.path == "/api/acled/read"] == ["2", "3"]
    assert pulled.records == 7
