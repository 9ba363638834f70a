"""The watch over time: its values recorded per store version, the signals raised, and what changed.

A store's version is its highest snapshot id: every load adds a snapshot,
and a no-op load adds none. The first ``partnerwatch watch`` starts a store's
history; from then on the command line records the watch after each load
(one grouped computation, one to three seconds: a store that nobody watches
does not pay it), so "what changed since the last load" compares two
recorded versions rather than recomputing the past
— a superseded release's rows are gone from the store, its figures are not
recomputable. A signal is stored when a version raises it for the first
time, or raises it with different numbers; it links to the previous signal
of the same rule, country and subject (a coup is its date), so a reader follows its history.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pyarrow as pa

from partnerwatch.countries import crosswalk
from partnerwatch.store import Connection
from partnerwatch.store.engine import rollback
from partnerwatch.store.load import insert_arrow
from partnerwatch.store.revisions import Release, releases
from partnerwatch.watch.model import Change, Signal
from partnerwatch.watch.table import Watch


def store_version(con: Connection) -> int:
    return int(con.execute("SELECT coalesce(max(id), 0) FROM snapshots").fetchall()[0][0])


def recorded(con: Connection, version: int) -> bool:
    rows = con.execute("SELECT count(*) FROM watch_versions WHERE store_version = ?", [version]).fetchall()
    return bool(rows[0][0])


def started(con: Connection) -> bool:
    """Whether the store keeps the watch's history: from the first recorded version on, every load is recorded."""
    return bool(con.execute("SELECT count(*) FROM watch_versions").fetchall()[0][0])


def _ids(sources: tuple[int, ...]) -> str:
    return ";".join(str(s) for s in sources)


def _parse_ids(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(";") if x)


def record_watch(con: Connection, watch: Watch, version: int) -> int:
    """Record the values and new signals of ``watch`` as ``version``, in one transaction; the signals stored.

    A no-op when the version is recorded already, or when the store moved on
    since ``watch`` was computed (a load in between: the next record is right).
    """
    if store_version(con) != version or recorded(con, version):
        return 0
    now = datetime.now(UTC).replace(tzinfo=None)
    values = [
        [version, now, row.iso3, column, cell.value, cell.text, cell.period, _ids(cell.sources)]
        for row in watch.rows
        for column, cell in row.cells.items()
    ]
    latest = {
        (str(r[1]), str(r[2]), str(r[6])): (int(r[0]), str(r[3]), r[4], str(r[5]))
        for r in con.execute(
            "SELECT id, rule, country_iso3, sentence, value, period, subject FROM signals s WHERE id ="
            " (SELECT max(id) FROM signals t WHERE t.rule = s.rule AND t.country_iso3 = s.country_iso3"
            " AND t.subject = s.subject)"
        ).fetchall()
    }
    next_id = int(con.execute("SELECT coalesce(max(id), 0) FROM signals").fetchall()[0][0]) + 1
    stored = []
    for row in watch.rows:
        for signal in row.signals:
            previous = latest.get((signal.rule, signal.iso3, signal.subject))
            if previous is not None and (previous[1], previous[3]) == (signal.sentence, signal.period):
                continue  # the same signal, still raised: not raised again
            stored.append(
                [
                    next_id,
                    signal.rule,
                    signal.iso3,
                    version,
                    now,
                    signal.title,
                    signal.sentence,
                    signal.value,
                    signal.threshold,
                    signal.period,
                    _ids(signal.sources),
                    previous[0] if previous else None,
                    signal.subject,
                ]
            )
            next_id += 1
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("INSERT INTO watch_versions VALUES (?, ?)", [version, now])
        if values:
            insert_arrow(
                con, "watch_values", pa.Table.from_pylist([dict(zip(VALUE_COLUMNS, v, strict=True)) for v in values])
            )
        if stored:
            insert_arrow(
                con, "signals", pa.Table.from_pylist([dict(zip(SIGNAL_COLUMNS, v, strict=True)) for v in stored])
            )
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise
    return len(stored)


VALUE_COLUMNS = ("store_version", "recorded_at", "country_iso3", "column_id", "value", "text", "period", "snapshot_ids")
SIGNAL_COLUMNS = (
    "id",
    "rule",
    "country_iso3",
    "store_version",
    "raised_at",
    "title",
    "sentence",
    "value",
    "threshold",
    "period",
    "snapshot_ids",
    "previous_id",
    "subject",
)


def stored_signals(con: Connection, limit: int = 200) -> list[Signal]:
    """The signals recorded, newest first (what the feed lists)."""
    walk = crosswalk()
    rows = con.execute(
        "SELECT id, rule, country_iso3, store_version, raised_at, title, sentence, value, threshold, period,"
        " snapshot_ids, previous_id, subject FROM signals ORDER BY id DESC LIMIT ?",
        [limit],
    ).fetchall()
    return [
        Signal(
            rule=str(r[1]),
            iso3=str(r[2]),
            country=walk.name(str(r[2])),
            title=str(r[5]),
            sentence=str(r[6]),
            value=r[7],
            threshold=r[8],
            period=str(r[9]),
            sources=_parse_ids(str(r[10])),
            subject=str(r[12]),
            store_version=int(r[3]),
            id=int(r[0]),
            previous_id=None if r[11] is None else int(r[11]),
            raised_at=_stamp(r[4]),
        )
        for r in rows
    ]


def _stamp(value: object) -> str:
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    return str(value)


def with_history(con: Connection, watch: Watch) -> None:
    """Give each live signal of ``watch`` its stored id, version, time and the previous signal it follows."""
    stored = {(s.rule, s.iso3, s.sentence, s.period): s for s in reversed(stored_signals(con, limit=100_000))}
    for row in watch.rows:
        row.signals = [
            replace(
                s,
                id=known.id,
                store_version=known.store_version,
                raised_at=known.raised_at,
                previous_id=known.previous_id,
            )
            if (known := stored.get((s.rule, s.iso3, s.sentence, s.period))) is not None
            else s
            for s in row.signals
        ]


def versions(con: Connection) -> list[tuple[int, datetime]]:
    """The recorded store versions and when each was recorded, oldest first."""
    return [
        (int(r[0]), r[1])
        for r in con.execute("SELECT store_version, recorded_at FROM watch_versions ORDER BY store_version").fetchall()
    ]


def baseline_version(con: Connection, since: int | date | None) -> int | None:
    """The recorded version changes are counted from: the last before snapshot ``since``, or before a date.

    Without ``since``: the version before the latest, i.e. what the last load changed.
    """
    known = versions(con)
    if since is None:
        return known[-2][0] if len(known) >= 2 else None
    if isinstance(since, int):
        before = [v for v, _ in known if v < since]
    else:
        before = [v for v, at in known if at.date() < since]
    return before[-1] if before else None


def changes_since(con: Connection, since: int | date | None) -> tuple[int | None, int | None, list[Change]]:
    """(from version, to version, the watch values that differ between them); from None means everything is new."""
    known = versions(con)
    if not known:
        return None, None, []
    latest = known[-1][0]
    base = baseline_version(con, since)
    if base == latest:
        return base, latest, []

    def values(version: int | None) -> dict[tuple[str, str], tuple[float | None, str, tuple[int, ...]]]:
        if version is None:
            return {}
        return {
            (str(r[0]), str(r[1])): (r[2], str(r[3]), _parse_ids(str(r[4])))
            for r in con.execute(
                "SELECT country_iso3, column_id, value, text, snapshot_ids FROM watch_values WHERE store_version = ?",
                [version],
            ).fetchall()
        }

    old, new = values(base), values(latest)
    walk = crosswalk()
    found = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before is not None and after is not None and before[:2] == after[:2]:
            continue
        found.append(
            Change(
                iso3=key[0],
                country=walk.name(key[0]),
                column=key[1],
                old_text=before[1] if before else "",
                new_text=after[1] if after else "",
                old_value=before[0] if before else None,
                new_value=after[0] if after else None,
                old_sources=before[2] if before else (),
                new_sources=after[2] if after else (),
                old_version=base or 0,
                new_version=latest,
            )
        )
    return base, latest, found


def releases_in(con: Connection, span: tuple[int | None, int | None]) -> list[Release]:
    """The new releases loaded in a span of recorded versions, with what each revised, added and removed.

    The figure changes say which values moved; these say what the producer
    changed in the data behind them — including records no figure shows.
    """
    if span[1] is None:
        return []
    return releases(con, span[0] or 0, span[1])
