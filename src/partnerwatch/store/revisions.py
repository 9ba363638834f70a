"""What a new release changed against the release it supersedes: records revised, added and removed.

A new release of a source replaces the old one whole, and the old rows leave
the store with it — so the comparison is made inside the load's transaction,
after the new rows are read and before the old ones are deleted, and its
counts are kept in ``snapshot_revisions`` for as long as the store lives.
Without them, "what changed" could name the figures that moved but not the
data behind them: that IDMC revised last year's stock for twelve countries,
or that UCDP's new version dropped a dyad.

Records are named per table by ``schema.REVISABLE``; each release is reduced
to one row per record (key, fingerprint of its rows, count) and the two are
compared with set operations (``EXCEPT``, ``INTERSECT``), which treat NULLs as
equal on DuckDB and PostgreSQL alike, so a record whose key holds an empty
column is still one record. A key that repeats within a release (two like
deals in SIPRI's register) is one record whose rows are compared together.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal

from partnerwatch.store.engine import Connection, store_errors
from partnerwatch.store.postgres import PostgresConnection
from partnerwatch.store.schema import KEYED_TABLES, REVISABLE

EXAMPLES = 3
"""Records shown of each kind (revised, added, removed) per table: enough to see what kind of change it is."""


@dataclass(frozen=True)
class Revision:
    """One table of a new release against the snapshots it superseded, counted in records."""

    table: str
    added: int
    removed: int
    revised: int
    unchanged: int
    examples: tuple[str, ...] = ()
    """Lines like ``revised: UKR · 2022 · conflict · idps_stock — value 854,000 → 900,000``."""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def old_rows(table: str, old: tuple[int, ...]) -> str:
    """The rows the superseded snapshots hold in ``table`` (a keyed table's versions behind others too)."""
    marks = ", ".join(str(int(i)) for i in old)
    rows = f"SELECT * FROM {table} WHERE snapshot_id IN ({marks})"
    keyed = KEYED_TABLES.get(table)
    if keyed is not None:
        rows += f" UNION ALL SELECT * FROM {keyed.shadow} WHERE snapshot_id IN ({marks})"
    return rows


def compare(con: Connection, table: str, old: tuple[int, ...], incoming: str | None, columns: list[str]) -> Revision:
    """Compare the superseded snapshots' rows of ``table`` with the ``incoming`` relation (None: the release has none).

    ``columns`` are the incoming relation's; the comparison uses those the
    table compares (not its ignored ones), and names records by the table's
    key among them — all of them when the release carries no key column.
    Each side is first reduced to one narrow row per record — its key, a
    fingerprint of its rows (the sum of their hashes) and their count — so
    that a release of millions of rows is compared within the store's memory cap.
    """
    rule = REVISABLE[table]
    compared = [c for c in columns if c not in rule.ignore and c != "snapshot_id"]
    key = [k for k in rule.key if k in compared] or compared
    keys = ", ".join(f'"{c}"' for c in key)
    before = f"SELECT {_typed(con, table, compared, cast=False)} FROM ({old_rows(table, old)}) o"
    after = (
        f"SELECT {_typed(con, table, compared, cast=True)} FROM {incoming} i" if incoming else f"{before} WHERE FALSE"
    )
    fingerprint = _fingerprint(con, compared)
    try:
        for name, rows in (("_revised_old", before), ("_revised_new", after)):
            con.execute(
                f"CREATE TEMP TABLE {name} AS SELECT {keys}, sum({fingerprint}) AS _fp, count(*) AS _n"
                f" FROM ({rows}) r GROUP BY {keys}"
            )

        def count(sql: str) -> int:
            return int(con.execute(f"SELECT count(*) FROM ({sql}) c").fetchall()[0][0])

        old_keys, new_keys = f"SELECT {keys} FROM _revised_old", f"SELECT {keys} FROM _revised_new"
        added_keys, removed_keys = f"{new_keys} EXCEPT {old_keys}", f"{old_keys} EXCEPT {new_keys}"
        same = f"SELECT {keys}, _fp, _n FROM _revised_old INTERSECT SELECT {keys}, _fp, _n FROM _revised_new"
        added, removed = count(added_keys), count(removed_keys)
        both, unchanged = count(f"{old_keys} INTERSECT {new_keys}"), count(same)
        examples: list[str] = []
        if both > unchanged and key != compared:
            revised_keys = f"({old_keys} INTERSECT {new_keys}) EXCEPT SELECT {keys} FROM ({same}) u"
            examples += _revised_examples(con, revised_keys, before, after, key, compared)
        if added:
            examples += _key_lines(con, added_keys, key, "added")
        if removed:
            examples += _key_lines(con, removed_keys, key, "removed")
    finally:
        for name in ("_revised_old", "_revised_new"):
            with suppress(*store_errors()):
                con.execute(f"DROP TABLE IF EXISTS {name}")
    return Revision(table, added, removed, both - unchanged, unchanged, tuple(examples))


def _typed(con: Connection, table: str, columns: list[str], *, cast: bool) -> str:
    """The compared columns, cast to the table's types when ``cast`` (DuckDB reads Arrow and Parquet as they come).

    A hash is of a value of one type: the incoming side must have the stored side's types for equal rows to
    hash alike. PostgreSQL's incoming rows are already in a temporary table of the table's types.
    """
    if not cast or isinstance(con, PostgresConnection):
        return ", ".join(f'"{c}"' for c in columns)
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?", [table]
        ).fetchall()
    )
    return ", ".join(f'CAST("{c}" AS {types[c]}) AS "{c}"' for c in columns)


def _fingerprint(con: Connection, columns: list[str]) -> str:
    """A 64-bit hash of a row's compared columns; summed per record, equal multisets of rows sum alike."""
    cols = ", ".join(f'"{c}"' for c in columns)
    if isinstance(con, PostgresConnection):
        return f"hashtextextended(ROW({cols})::text, 0)"
    return f"CAST(hash({cols}) AS HUGEINT)"


def _ordered(sql: str, key: list[str]) -> str:
    order = ", ".join(f'"{k}" NULLS FIRST' for k in key)
    return f"SELECT * FROM ({sql}) k ORDER BY {order} LIMIT {EXAMPLES * 4}"


def _key_lines(con: Connection, sql: str, key: list[str], kind: str) -> list[str]:
    rows = con.execute(_ordered(sql, key)).fetchall()
    return [f"{kind}: {_name(row)}" for row in rows[:EXAMPLES]]


def _revised_examples(
    con: Connection,
    revised_keys: str,
    before: str,
    after: str,
    key: list[str],
    compared: list[str],
) -> list[str]:
    """A few revised records with one row on each side, as ``key — column old → new; …``."""
    lines: list[str] = []
    match = " AND ".join(f'"{k}" IS NOT DISTINCT FROM ?' for k in key)
    cols = ", ".join(f'"{c}"' for c in compared)
    for row in con.execute(_ordered(revised_keys, key)).fetchall():
        olds = con.execute(f"SELECT {cols} FROM ({before}) b WHERE {match}", list(row)).fetchall()
        news = con.execute(f"SELECT {cols} FROM ({after}) a WHERE {match}", list(row)).fetchall()
        if len(olds) != 1 or len(news) != 1:
            continue  # a repeated key: its rows changed, but no one column can be named
        diffs = [
            f"{c} {_text(o)} → {_text(n)}"
            for c, o, n in zip(compared, olds[0], news[0], strict=True)
            if c not in key and o != n
        ]
        lines.append(f"revised: {_name(row)} — {'; '.join(diffs)}")
        if len(lines) == EXAMPLES:
            break
    return lines


def _name(row: tuple[object, ...]) -> str:
    return " · ".join(_text(v) for v in row if v not in (None, ""))


def _text(value: object) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float | Decimal):
        number = float(value)
        return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)  # years stay as they are printed
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def record(con: Connection, snapshot_id: int, superseded: tuple[int, ...], revisions: list[Revision]) -> None:
    """Keep a load's revisions with its snapshot (inside the load's transaction)."""
    for r in revisions:
        con.execute(
            "INSERT INTO snapshot_revisions (snapshot_id, superseded, table_name, added, removed, revised,"
            " unchanged, examples) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                snapshot_id,
                ";".join(str(i) for i in superseded),
                r.table,
                r.added,
                r.removed,
                r.revised,
                r.unchanged,
                "\n".join(r.examples),
            ],
        )


@dataclass(frozen=True)
class Release:
    """A snapshot that superseded others, with what it revised (the "what changed" of a new release)."""

    snapshot_id: int
    source: str
    release: str
    file_name: str
    superseded: tuple[int, ...]
    revisions: tuple[Revision, ...]
    citation: str = ""
    loaded_at: str = ""
    """When the release was loaded, as an RFC 3339 UTC time (``2026-12-01T20:05:00Z``)."""

    @property
    def heading(self) -> str:
        """``snapshot 4 (idmc, release 2023) replaced snapshot 2``."""
        about = ", ".join(x for x in (self.source, f"release {self.release}" if self.release else "") if x)
        old = ", ".join(str(i) for i in self.superseded)
        return f"snapshot {self.snapshot_id} ({about}) replaced snapshot{'s' if len(self.superseded) > 1 else ''} {old}"

    def to_dict(self) -> dict[str, object]:
        return {
            "snapshot_id": self.snapshot_id,
            "source": self.source,
            "release": self.release,
            "file_name": self.file_name,
            "superseded": list(self.superseded),
            "tables": [r.to_dict() for r in self.revisions],
            "citation": self.citation,
            "loaded_at": self.loaded_at,
        }


def releases(con: Connection, after: int = 0, upto: int | None = None) -> list[Release]:
    """The superseding snapshots with ids in (``after``, ``upto``], oldest first, with their revisions."""
    rows = con.execute(
        "SELECT r.snapshot_id, s.source, coalesce(s.release, ''), s.file_name, r.superseded, r.table_name,"
        " r.added, r.removed, r.revised, r.unchanged, r.examples, coalesce(s.citation, ''), s.loaded_at"
        " FROM snapshot_revisions r JOIN snapshots s ON s.id = r.snapshot_id"
        " WHERE r.snapshot_id > ? AND r.snapshot_id <= ?"
        " ORDER BY r.snapshot_id, r.table_name",
        [after, upto if upto is not None else 2**31 - 1],
    ).fetchall()
    found: dict[int, Release] = {}
    for (
        sid,
        source,
        release,
        file_name,
        superseded,
        table,
        added,
        removed,
        revised,
        unchanged,
        examples,
        cite,
        at,
    ) in rows:
        revision = Revision(
            str(table), int(added), int(removed), int(revised), int(unchanged), tuple(str(examples).splitlines())
        )
        known = found.get(int(sid))
        ids = tuple(int(x) for x in str(superseded).split(";") if x)
        revisions = (*known.revisions, revision) if known else (revision,)
        stamp = at.replace(microsecond=0).isoformat() + "Z" if isinstance(at, datetime) else str(at)
        found[int(sid)] = Release(int(sid), str(source), str(release), str(file_name), ids, revisions, str(cite), stamp)
    return list(found.values())


def summary(revision: Revision) -> str:
    """``3 revised, 1 added, 0 removed, 204 unchanged records`` (of one table)."""
    return (
        f"{revision.revised:,} revised, {revision.added:,} added, {revision.removed:,} removed,"
        f" {revision.unchanged:,} unchanged records"
    )
