"""The explorer runs while people work: reading commands and loads beside a running server, and the server sees them.

A real ``partnerwatch serve`` on a DuckDB store, in its own process, and the
real commands in others.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.test_cli import partnerwatch_command, run

DATA = Path(__file__).parent / "data"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, object] | list[object]]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture
def server(home: Path) -> Iterator[str]:
    assert run("init", home=home).returncode == 0
    port = _free_port()
    process = subprocess.Popen(
        [*partnerwatch_command(), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PARTNERWATCH_HOME": str(home)},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/api/sources", timeout=2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_commands_and_loads_run_beside_the_server_and_it_sees_them(server: str, home: Path, tmp_path: Path) -> None:
    status, before = _get(f"{server}/api/sources")
    assert status == 200 and isinstance(before, list) and len(before) == 1
    for command in (
        ("sources",),
        ("figures", "MLI", "--json"),
        ("export", "facts", "--country", "MLI", "--format", "csv"),
        ("factsheet", "MLI", "--format", "md"),
    ):
        result = run(*command, home=home)
        assert result.returncode == 0, (command, result.stderr)
    loaded = run("ingest", "sipri-transfers", str(DATA / "sipri" / "register_small.csv"), home=home)
    assert loaded.returncode == 0, loaded.stderr
    assert "loaded 4 rows as snapshot 2" in loaded.stdout
    status, after = _get(f"{server}/api/sources")
    assert status == 200 and isinstance(after, list) and len(after) == 2
    status, country = _get(f"{server}/api/countries/MLI")
    assert status == 200 and isinstance(country, dict) and country["rows"]["arms_transfers"] == 2  # type: ignore[index]
    export = tmp_path / "warehouse"
    assert run("export", "--all", str(export), home=home).returncode == 0


def test_while_a_load_holds_the_store_cached_answers_stay_and_others_say_busy(server: str, home: Path) -> None:
    status, _countries = _get(f"{server}/api/countries")  # now cached for this version of the store
    assert status == 200
    writer = duckdb.connect(str(home / "partnerwatch.duckdb"))  # as a load's transaction would
    try:
        assert _get(f"{server}/api/countries")[0] == 200
        status, body = _get(f"{server}/api/tables/facts?limit=1")
        assert status == 503 and body == {
            "error": {
                "code": "store-busy",
                "message": "another PartnerWatch process is using the store (loading data): try again when it has"
                " finished",
            }
        }
        busy = run("sources", home=home, env={"PARTNERWATCH_LOCK_WAIT": "1"})
        assert busy.returncode == 2 and "store-busy" in busy.stderr and "Waiting for the store" in busy.stderr
    finally:
        writer.close()
    assert _get(f"{server}/api/tables/facts?limit=1")[0] == 200
