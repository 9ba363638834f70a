"""Kill `partnerwatch ingest` with SIGKILL at random points, 20 times: the store is always whole.

After each kill the store must open and hold either the state before the
ingest or the complete new snapshot — never a part — and a final ingest must
succeed. The file is an ACLED export written by the test (20,000 events).
"""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from partnerwatch.ingest import load_bundled
from partnerwatch.store import connect
from tests.test_cli import partnerwatch_command

EVENTS = 20_000
KILLS = 20
COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]


def _write_events(path: Path) -> None:
    rng = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for i in range(EVENTS):
            writer.writerow(
                [
                    f"MLI{100000 + i}",
                    f"2021-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    2021,
                    1,
                    "Political violence",
                    "Violence against civilians",
                    "Attack",
                    "Military Forces of Mali (2021-)",
                    "",
                    1,
                    "Civilians (Mali)",
                    "",
                    7,
                    17,
                    "Civilian targeting",
                    466,
                    "Western Africa",
                    "Mali",
                    "Mopti",
                    "Djenne",
                    "",
                    "Somewhere",
                    14.1,
                    -4.5,
                    1,
                    "Synthetic",
                    "Other",
                    "Synthetic event for crash tests.",
                    rng.randint(0, 5),
                    "",
                    1_700_000_000 + i,
                ]
            )


def _state(target: str) -> tuple[int, int]:
    con = connect(target)
    try:
        events = con.execute("SELECT count(*) FROM harm_events").fetchall()[0][0]
        snapshots = con.execute("SELECT count(*) FROM snapshots WHERE source = 'acled'").fetchall()[0][0]
    finally:
        con.close()
    return int(events), int(snapshots)


def _unload(target: str) -> None:
    con = connect(target)
    try:
        con.execute("DELETE FROM harm_events")
        con.execute("DELETE FROM snapshots WHERE source = 'acled'")
    finally:
        con.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize(("engine", "kills"), [("duckdb", KILLS), ("postgresql", KILLS // 2)])
def test_sigkill_never_leaves_a_partial_snapshot(
    request: pytest.FixtureRequest, home: Path, tmp_path: Path, engine: str, kills: int
) -> None:
    """On PostgreSQL the server discards the killed session's transaction; the test is the same."""
    target = (
        str(request.getfixturevalue("postgres_url")) if engine == "postgresql" else str(home / "partnerwatch.duckdb")
    )
    data = tmp_path / "acled_big.csv"
    _write_events(data)
    con = connect(target)
    load_bundled(con)
    con.close()
    command = partnerwatch_command()
    env = {**os.environ, "PARTNERWATCH_HOME": str(home), "PARTNERWATCH_DB": target}
    # How long a whole ingest takes on this machine, so the kills fall inside one.
    start = time.perf_counter()
    timing = {**env, "PARTNERWATCH_HOME": str(tmp_path / "timing"), "PARTNERWATCH_DB": ""}
    subprocess.run([*command, "ingest", "acled", str(data)], env=timing, check=True, capture_output=True)
    whole = time.perf_counter() - start
    rng = random.Random(2026)
    outcomes = []
    for _ in range(kills):
        before = _state(target)
        process = subprocess.Popen(
            [*command, "ingest", "acled", str(data)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.2, max(0.3, whole * 0.95)))
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = _state(target)
        assert after in (before, (EVENTS, 1)), (before, after)
        outcomes.append(after == before)
        if after == (EVENTS, 1):  # the kill came after the commit: take the load back so the next kill can land
            _unload(target)
    final = subprocess.run([*command, "ingest", "acled", str(data)], env=env, capture_output=True, text=True)
    assert final.returncode == 0, final.stderr
    assert _state(target) == (EVENTS, 1)
    assert sum(outcomes) >= 3, outcomes  # kills that did interrupt a load before it committed
    # The killed loads' stage folders are cleared by the next process that opens the store for writing.
    assert not [p.name for p in (home / "staging").iterdir()]
