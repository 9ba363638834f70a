"""Credentials go only to the origin they were issued for, and no password is ever printed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from partnerwatch.errors import PartnerWatchError
from partnerwatch.ingest import ingest
from partnerwatch.net.http import RetryPolicy, safe_url
from partnerwatch.sources.acled.fetch import pull_country
from partnerwatch.sources.ucdp.fetch import pull_ged
from partnerwatch.store.postgres import is_postgres_url, redact, scrub
from tests.fakeapi import Request, Response, serve
from tests.test_cli import partnerwatch_command, run
from tests.test_harm_apis import PASSWORD, UCDP_TOKEN, USER, Acled, _event, _ged

POLICY = RetryPolicy(attempts=2, timeout=5.0, sleep=lambda s: None)


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACLED_USERNAME", USER)
    monkeypatch.setenv("ACLED_PASSWORD", PASSWORD)
    monkeypatch.setenv("UCDP_TOKEN", UCDP_TOKEN)


def test_an_acled_redirect_to_another_origin_gets_no_token(account: None, home: Path, tmp_path: Path) -> None:
    elsewhere_data = [_event(1, 1_650_000_001)]

    def other(request: Request) -> Response:
        return Response.json({"status": 200, "count": 1, "data": elsewhere_data})

    with serve(other) as (other_url, other_requests):
        api = Acled([])

        def handle(request: Request) -> Response:
            if request.path == "/api/acled/read":
                return Response(302, b"", {"Location": f"{other_url}/mirror?page={request.query['page']}"})
            return api(request)

        with serve(handle) as (url, requests):
            pulled = pull_country("MLI", tmp_path, home, base_url=url, limit=10, policy=POLICY)
    assert pulled.records == 1
    assert any(r.path == "/api/acled/read" and "authorization" in r.headers for r in requests)
    assert other_requests and all("authorization" not in r.headers for r in other_requests)


def test_an_acled_redirect_within_the_origin_keeps_the_token(account: None, home: Path, tmp_path: Path) -> None:
    api = Acled([_event(1, 1_650_000_001)])

    def handle(request: Request) -> Response:
        if request.path == "/api/acled/read":
            return Response(302, b"", {"Location": f"/v2/read?page={request.query['page']}&limit=10&country=Mali"})
        if request.path == "/v2/read":
            request.path = "/api/acled/read"
        return api(request)

    with serve(handle) as (url, requests):
        pulled = pull_country("MLI", tmp_path, home, base_url=url, limit=10, policy=POLICY)
    assert pulled.records == 1
    assert all("authorization" in r.headers for r in requests if r.path == "/api/acled/read")


def test_a_ucdp_next_page_on_another_host_is_not_followed(account: None, home: Path, tmp_path: Path) -> None:
    with serve(lambda r: Response.json({"Result": [], "NextPageUrl": ""})) as (other_url, other_requests):

        def handle(request: Request) -> Response:
            following = f"{other_url}/api/gedevents/25.1?pagesize=1&page=1&Country=432"
            return Response.json({"TotalCount": 2, "TotalPages": 2, "NextPageUrl": following, "Result": [_ged(1)]})

        with serve(handle) as (url, _requests), pytest.raises(PartnerWatchError) as caught:
            pull_ged("MLI", tmp_path, home, base_url=url, page_size=1, policy=POLICY)
    assert caught.value.errors[0].code == "fetch-error"
    assert "on another host" in caught.value.errors[0].message
    assert other_requests == []
    assert UCDP_TOKEN not in str(caught.value)


def test_a_password_in_the_base_url_is_not_echoed(account: None, home: Path, tmp_path: Path) -> None:
    with pytest.raises(PartnerWatchError) as caught:
        pull_country("MLI", tmp_path, home, base_url="http://me:hunter2@127.0.0.1:9", policy=POLICY)
    assert "hunter2" not in str(caught.value) and "me:***@127.0.0.1:9" in str(caught.value)
    assert safe_url("https://me:hunter2@api.example.org/x?token=t&page=2") == (
        "https://me:***@api.example.org/x?token=%2A%2A%2A&page=2"
    )


def test_an_acled_page_with_a_timestamp_that_is_not_a_number(
    account: None, home: Path, tmp_path: Path, store: duckdb.DuckDBPyConnection
) -> None:
    """The pull keeps the page as it came; the ingest refuses the event at its line, with a code."""
    events = [_event(1, 1_650_000_001), {**_event(2, 0), "timestamp": "soon"}]
    with serve(Acled(events)) as (url, _requests):
        pulled = pull_country("MLI", tmp_path, home, base_url=url, limit=10, policy=POLICY)
    with pytest.raises(PartnerWatchError) as caught:
        ingest(store, "acled", pulled.path)
    assert [str(e) for e in caught.value.errors] == [
        f"{pulled.path.name}:3:timestamp: bad-number: 'soon' is not a whole number"
    ]


def test_a_credentials_file_that_is_not_utf8(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UCDP_TOKEN", raising=False)
    home.mkdir(parents=True, exist_ok=True)
    (home / "credentials.toml").write_bytes('[ucdp]\ntoken = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(PartnerWatchError) as caught:
        pull_ged("MLI", tmp_path, home, base_url="http://127.0.0.1:9", policy=POLICY)
    assert caught.value.errors[0].code == "bad-encoding"
    assert "credentials.toml is not UTF-8" in caught.value.errors[0].message


@pytest.mark.parametrize(
    ("target", "shown"),
    [
        ("postgresql://pw:hunter2@db.example.org:5432/pw", "postgresql://pw:***@db.example.org:5432/pw"),
        (
            "postgresql://pw@db.example.org/pw?password=hunter2&sslmode=require",
            "postgresql://pw@db.example.org/pw?password=***&sslmode=require",
        ),
        ("postgresql://pw:hunter2@db.example.org:fivefour/pw", "postgresql://pw:***@db.example.org:fivefour/pw"),
        (
            "host=db.example.org dbname=pw user=pw password=hunter2",
            "host=db.example.org dbname=pw user=pw password=***",
        ),
        ("host=db password='hunter2' user=pw", "host=db password=*** user=pw"),
    ],
)
def test_postgresql_passwords_are_redacted_wherever_they_are(target: str, shown: str) -> None:
    assert is_postgres_url(target)
    assert redact(target) == shown
    assert "hunter2" not in scrub(f"could not connect to {target}: hunter2 refused", target)


@pytest.mark.parametrize(
    "target",
    [
        "host=127.0.0.1 port=1 dbname=pw user=pw password=hunter2 connect_timeout=2",
        "postgresql://pw:hunter2@127.0.0.1:notaport/pw",
        "postgresql://pw@127.0.0.1:1/pw?password=hunter2",
    ],
)
def test_a_store_that_cannot_be_reached_says_so_without_its_password(home: Path, tmp_path: Path, target: str) -> None:
    """A keyword string used to be taken for a DuckDB file name, created in the working folder."""
    before = set(os.listdir(Path.cwd()))
    result = run("sources", home=home, db=target)
    assert result.returncode == 2, result.stderr
    assert "store-error: cannot open the store" in result.stderr
    assert "hunter2" not in result.stdout + result.stderr
    assert "internal error" not in result.stderr
    assert set(os.listdir(Path.cwd())) == before
    assert not (home / "partnerwatch.duckdb").exists()


def test_the_cli_never_prints_a_postgresql_password(home: Path, postgres_server: str) -> None:
    """``init``, ``sources`` and ``serve`` name the store: with the password as ?password= or a keyword string."""
    from urllib.parse import urlsplit

    parts = urlsplit(postgres_server)
    password = parts.password or ""
    assert password
    as_query = f"postgresql://{parts.username}@{parts.hostname}:{parts.port}{parts.path}?password={password}"
    keywords = (
        f"host={parts.hostname} port={parts.port} dbname={parts.path.lstrip('/')} user={parts.username}"
        f" password={password}"
    )
    for target in (as_query, keywords):
        for command in (("init",), ("sources",)):
            result = run(*command, home=home, db=target)
            assert result.returncode == 0, result.stderr
            assert password not in result.stdout + result.stderr
            assert f"Store: postgresql://{parts.username}@" in result.stdout or "password=***" in result.stdout
        server = subprocess.Popen(
            [*partnerwatch_command(), "serve", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PARTNERWATCH_HOME": str(home), "PARTNERWATCH_DB": target},
        )
        try:
            assert server.stdout is not None
            announced = server.stdout.readline()
        finally:
            server.terminate()
            rest, _ = server.communicate(timeout=30)
        assert "PartnerWatch on http://127.0.0.1:0/" in announced
        assert password not in announced + rest
