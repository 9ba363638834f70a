"""The ``partnerwatch`` command: thin Typer wrappers over ingest, export and publish.

Every command opens the store the same way (creating and migrating it, and
loading the bundled curated dataset, on first use) and turns coded errors into
``file:row:field: code: message`` lines on stderr with exit status 2.
"""

from __future__ import annotations

import json
import os
import re
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from partnerwatch import __version__
from partnerwatch.countries import crosswalk
from partnerwatch.errors import DataError, PartnerWatchError
from partnerwatch.export import FORMATS, export_table
from partnerwatch.ingest import (
    IngestResult,
    Prepared,
    already_loaded,
    bundled_loaded,
    commit,
    commit_kept,
    cores,
    download,
    ingest_table,
    load_bundled,
    prepare_each,
    prepared,
)
from partnerwatch.publish.format import format_value
from partnerwatch.sources import REGISTRY
from partnerwatch.store import Connection, connect, describe_store, store_target
from partnerwatch.store.connection import lock_wait, schema_version, store_ready
from partnerwatch.store.postgres import is_postgres_url
from partnerwatch.store.revisions import Release, Revision, releases
from partnerwatch.store.revisions import summary as revision_summary

if TYPE_CHECKING:  # the watch is imported by the commands that use it, not at every start
    from partnerwatch.watch.model import Change
    from partnerwatch.watch.table import Watch

app = typer.Typer(
    name="partnerwatch",
    pretty_exceptions_enable=False,
    help="U.S. security partnerships and the protection of civilians, country by country.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
T = TypeVar("T")


def _fail(exc: PartnerWatchError) -> None:
    for error in exc.errors:
        err.print(str(error), markup=False, highlight=False)
    raise typer.Exit(2)


def _guard(action: Callable[[], T]) -> T:
    try:
        return action()
    except PartnerWatchError as exc:
        _fail(exc)
        raise AssertionError("unreachable") from exc


def _waiting() -> None:
    err.print(
        f"Waiting for the store: another PartnerWatch process is using it (up to {lock_wait():.0f} s;"
        " PARTNERWATCH_LOCK_WAIT sets how long)…",
        markup=False,
    )


@contextmanager
def _store_with_seed() -> Iterator[tuple[Connection, list[IngestResult]]]:
    """Open (create, migrate) the store for writing and make sure the bundled dataset is loaded."""

    def open_and_seed() -> tuple[Connection, list[IngestResult]]:
        con = connect(waiting=_waiting)
        try:
            return con, load_bundled(con)
        except BaseException:
            con.close()
            raise

    con, seeded = _guard(open_and_seed)
    try:
        yield con, seeded
    finally:
        con.close()


@contextmanager
def _store() -> Iterator[Connection]:
    with _store_with_seed() as (con, _seeded):
        yield con


@contextmanager
def _reading_store() -> Iterator[Connection]:
    """The store opened read-only, so that commands that only read run beside a server or a load.

    A store that does not exist yet, needs migrating or lacks the bundled
    dataset is set up first, once, through a writing connection.
    """

    def open_for_reading() -> Connection | None:
        target = store_target()
        if not is_postgres_url(target) and not Path(target).exists():
            return None
        try:
            con = connect(read_only=True, waiting=_waiting)
        except PartnerWatchError as exc:
            if exc.errors[0].code == "store-busy":
                raise
            return None  # an older schema: the writing connection migrates it
        if store_ready(con) and bundled_loaded(con):
            return con
        con.close()
        return None

    con = _guard(open_for_reading)
    if con is None:
        with _store() as con:
            yield con
        return
    try:
        yield con
    finally:
        con.close()


def _version(value: bool) -> None:
    if value:
        out.print(f"partnerwatch {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """U.S. security partnerships and the protection of civilians, from public data."""


@app.command()
def init() -> None:
    """Create or migrate the store and load the bundled curated dataset."""
    with _store_with_seed() as (con, results):
        out.print(f"Store: {describe_store()} (schema version {schema_version(con)})")
        for result in results:
            state = "already loaded" if result.unchanged else f"loaded {result.rows} rows"
            out.print(f"Curated dataset {Path(result.path).name}: {state} (snapshot {result.snapshot_id})")


@app.command()
def sources() -> None:
    """List the registered sources and the snapshots loaded in the store."""
    out.print("Registered sources:", highlight=False)
    indent = " " * 21
    for source in REGISTRY.values():
        out.print(f"  {source.name:<18} {source.title}", markup=False, highlight=False)
        about = f"reads {source.reads}; fills {', '.join(source.tables)}"
        for line in textwrap.wrap(about, width=max(out.width, 60), initial_indent=indent, subsequent_indent=indent):
            out.print(line, markup=False, highlight=False)
    with _reading_store() as con:
        out.print(f"\nStore: {describe_store()} (schema version {schema_version(con)})", markup=False, highlight=False)
        rows = con.execute(
            "SELECT id, source, file_name, release, rows, loaded_at, sha256, superseded_by, warnings,"
            " (SELECT count(*) FROM snapshot_issues i WHERE i.snapshot_id = s.id)"
            " FROM snapshots s ORDER BY id"
        ).fetchall()
        issues = con.execute(
            "SELECT snapshot_id, code, file, page, row, field, message FROM snapshot_issues"
            " ORDER BY snapshot_id, page NULLS FIRST, row NULLS FIRST"
        ).fetchall()
        revised = {r.snapshot_id: r for r in releases(con)}
        perpetrators = con.execute(
            "SELECT source, count(*), count(*) FILTER (WHERE perpetrator_class = 'unidentified')"
            " FROM harm_events GROUP BY source ORDER BY source"
        ).fetchall()
    live = sum(1 for r in rows if r[7] is None)
    out.print(f"\nSnapshots: {live} current, {len(rows) - live} superseded", markup=False, highlight=False)
    for sid, source_name, file_name, release, count, loaded, sha, superseded, warnings, accepted in rows:
        status = f"superseded by {superseded}" if superseded is not None else "current"
        facts = [f"release {release}" if release else "", f"{count:,} rows", f"loaded {loaded:%Y-%m-%d %H:%M} UTC"]
        facts += [f"sha256 {sha[:12]}", status, f"{accepted} accepted issue(s)" if accepted else ""]
        out.print(f"  {sid:>3}  {source_name}  {file_name}", markup=False, highlight=False)
        out.print(f"       {' · '.join(f for f in facts if f)}", markup=False, highlight=False)
        for warning in (warnings or "").splitlines():
            out.print(f"       warning: {warning}", markup=False, highlight=False)
        for revision in revised[sid].revisions if sid in revised else ():
            out.print(
                f"       against the release it replaced, {revision.table}: {revision_summary(revision)}",
                markup=False,
                highlight=False,
            )
    for source_name, events, unidentified in perpetrators:
        out.print(
            f"harm_events from {source_name}: {events:,} events; perpetrator unidentified in"
            f" {unidentified:,} ({unidentified / events:.1%})",
            markup=False,
            highlight=False,
        )
    if issues:
        out.print("Accepted issues (loaded with --allow-mismatch):", highlight=False)
        for sid, code, file, page, row, field, message in issues:
            where = DataError(code, message, file=file or "", row=row, field=field or "", page=page)
            out.print(f"  snapshot {sid}: {where}", markup=False, highlight=False)


@app.command("ingest")
def ingest_command(
    source: Annotated[str, typer.Argument(help="Registry name, e.g. sipri-transfers, fmtr.")],
    paths: Annotated[list[Path], typer.Argument(help="Files to load.")],
    allow_mismatch: Annotated[
        bool,
        typer.Option(
            "--allow-mismatch",
            help="Load a file whose rows do not add up to its printed totals; the mismatches are"
            " stored and shown by 'partnerwatch sources'.",
        ),
    ] = False,
    allow_older: Annotated[
        bool,
        typer.Option(
            "--allow-older",
            help="Load a file that is an older release than the one the store holds of the same data,"
            " replacing it (without this it is refused).",
        ),
    ] = False,
    into: Annotated[str | None, typer.Option("--into", help="For 'table': arms_sales, assistance or training.")] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="For 'table': the column mapping (MAP.toml).")
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Files read at once, each in a process of its own (sources that allow it, e.g. fmtr;"
            " default: every core). Files still load one by one, in the order given.",
        ),
    ] = None,
) -> None:
    """Load files into the store: all-or-nothing per file, a no-op for a file already loaded."""
    if (source == "table") != (into is not None and mapping is not None):
        err.print("missing-value: --into and --mapping go together, and only with the 'table' source", markup=False)
        raise typer.Exit(2)
    workers = min(jobs or cores(), len(paths))
    if source in REGISTRY and REGISTRY[source].parallel and workers > 1:
        failed = _ingest_in_parallel(source, paths, workers, allow_mismatch, allow_older)
        _record_after_load()
        if failed:
            raise typer.Exit(2)
        return
    failed = loaded = False
    for path in paths:
        try:
            if into is not None and mapping is not None:
                with _store() as con:
                    result = ingest_table(con, path, into, mapping, allow_older=allow_older)
            else:
                result = _ingest_file(source, path, allow_mismatch, allow_older)
        except PartnerWatchError as exc:
            for error in exc.errors:
                err.print(str(error), markup=False, highlight=False)
            err.print(f"{path}: not loaded; the store is unchanged.", markup=False)
            failed = True
            continue
        _report(path, result)
        loaded = loaded or not result.unchanged
    if loaded:
        _record_after_load()
    if failed:
        raise typer.Exit(2)


def _ingest_in_parallel(source: str, paths: list[Path], jobs: int, allow_mismatch: bool, allow_older: bool) -> bool:
    """Read files in worker processes, load them one by one in the order given; True if any was refused."""
    known: list[IngestResult | PartnerWatchError | None] = []
    with _reading_store() as con:
        for path in paths:
            try:
                known.append(already_loaded(con, source, path))
            except PartnerWatchError as exc:
                known.append(exc)
    to_read = [path for path, seen in zip(paths, known, strict=True) if seen is None]
    failed = False
    with (
        closing(prepare_each(source, to_read, jobs=jobs)) as outcomes,
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as progress,
    ):
        task = progress.add_task(f"{source}: reading {len(to_read)} files in {jobs} processes", total=len(paths))
        for path, seen in zip(paths, known, strict=True):
            outcome: IngestResult | PartnerWatchError | Prepared = seen if seen is not None else next(outcomes)[1]
            if isinstance(outcome, Prepared):
                progress.update(task, description=f"{source}: loading {path.name}")
                try:
                    with _store() as store:
                        outcome = commit_kept(store, outcome, allow_mismatch=allow_mismatch, allow_older=allow_older)
                except PartnerWatchError as exc:
                    outcome = exc
            if isinstance(outcome, PartnerWatchError):
                for error in outcome.errors:
                    err.print(str(error), markup=False, highlight=False)
                err.print(f"{path}: not loaded; the store is unchanged.", markup=False)
                failed = True
            else:
                _report(path, outcome)
            progress.advance(task)
    return failed


def _report(path: Path, result: IngestResult) -> None:
    for warning in result.warnings:
        err.print(f"warning: {warning}", markup=False)
    if result.unchanged:
        out.print(f"{path}: already loaded as snapshot {result.snapshot_id}; nothing changed.")
        return
    extra = f", superseding snapshot(s) {', '.join(map(str, result.superseded))}" if result.superseded else ""
    kept = f" with {result.issues} accepted issue(s)" if result.issues else ""
    if result.kept_existing:
        kept += f" ({result.kept_existing:,} already stored in the same or a newer version)"
    out.print(f"{path}: loaded {result.rows:,} rows as snapshot {result.snapshot_id}{kept}{extra}.")
    _print_revisions(result.revisions, "  ")


def _print_revisions(revisions: Iterable[Revision], indent: str) -> None:
    """A new release's revisions, table by table, each with its examples indented below."""
    for revision in revisions:
        out.print(f"{indent}{revision.table}: {revision_summary(revision)}", markup=False, highlight=False)
        for example in revision.examples:
            out.print(f"{indent}  {example}", markup=False, highlight=False)


def _counting() -> Progress:
    """A progress line on stderr (records so far, time elapsed), shown only on a terminal."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,} records"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def _ingest_file(source: str, path: Path, allow_mismatch: bool, allow_older: bool) -> IngestResult:
    """Check, read and load one file, holding the store's write lock only for the load's transaction.

    The no-op check reads the store; the copy, the parse and the staging of a
    large file need no store at all; so a server or another command keeps
    reading the store while the file is read.
    """
    with _reading_store() as con:
        unchanged = already_loaded(con, source, path)
    if unchanged is not None:
        return unchanged
    with _counting() as progress:
        task = progress.add_task(f"{source}: {path.name}", total=None)
        with prepared(source, path, lambda n: progress.advance(task, n)) as ready:
            progress.update(task, description=f"{source}: {path.name} (loading)")
            with _store() as con:
                return commit(con, ready, allow_mismatch=allow_mismatch, allow_older=allow_older)


@app.command()
def fetch(
    source: Annotated[str, typer.Argument(help="Source with a data API: foreignassistance, acled, ucdp.")],
    country: Annotated[str, typer.Option("--country", help="ISO3 code (or name) of the country to fetch.")],
    base_url: Annotated[str | None, typer.Option("--base-url", help="API address (default: the producer's).")] = None,
    force: Annotated[bool, typer.Option("--force", help="ACLED: a full pull even within a week of the last.")] = False,
    version: Annotated[str | None, typer.Option("--version", help="UCDP: dataset version (25.1, 25.0.10).")] = None,
) -> None:
    """Download a country's data from a source's API (resuming an interrupted download), then ingest it."""
    with _counting() as progress:
        task = progress.add_task(f"{source} {country}", total=None)
        name, path = _guard(
            lambda: download(
                source,
                country,
                base_url=base_url,
                progress=lambda n: progress.advance(task, n),
                force=force,
                version=version,
            )
        )
    result = _guard(lambda: _ingest_file(name, path, False, False))
    state = "already loaded" if result.unchanged else f"loaded {result.rows:,} rows"
    out.print(f"{path}: {state} as snapshot {result.snapshot_id}.")
    if not result.unchanged:
        _record_after_load()


@app.command()
def export(
    target: Annotated[
        str, typer.Argument(help="Canonical table name, e.g. arms_transfers; with --all, the folder to write to.")
    ],
    all_tables: Annotated[
        bool, typer.Option("--all", help="Write every canonical table and a datapackage.json to the folder.")
    ] = False,
    country: Annotated[str | None, typer.Option(help="ISO3 code (or name) to filter on.")] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="csv (default), json or parquet; with --all parquet (default) or csv."),
    ] = None,
    out_path: Annotated[Path | None, typer.Option("--out", help="File to write; stdout if omitted.")] = None,
) -> None:
    """Write a canonical table (all columns) as CSV, JSON or Parquet, or the whole store as a Data Package."""
    if all_tables:
        _export_package(Path(target), fmt or "parquet", country, out_path)
        return
    chosen = fmt or "csv"
    if chosen not in FORMATS:
        err.print(f"bad-value: format {chosen!r} is not one of {', '.join(FORMATS)}", markup=False)
        raise typer.Exit(2)
    with _reading_store() as con:
        rows = _guard(lambda: export_table(con, target, chosen, out_path, sys.stdout.buffer, country))
    if out_path is not None:
        err.print(f"Wrote {rows:,} rows to {out_path}", markup=False)


def _export_package(folder: Path, fmt: str, country: str | None, out_path: Path | None) -> None:
    from partnerwatch.datapackage import export_package

    if country is not None or out_path is not None:
        err.print("bad-value: --all writes whole tables to its folder; --country and --out do not apply", markup=False)
        raise typer.Exit(2)
    with _reading_store() as con:
        descriptor = _guard(lambda: export_package(con, folder, fmt, lambda t, n: err.print(f"{t}: {n:,} rows")))
    total = sum(int(r["rows"]) for r in descriptor["resources"])
    err.print(f"Wrote {len(descriptor['resources'])} tables ({total:,} rows) and datapackage.json to {folder}")


def _period(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})-(\d{4})", text.strip())
    if not match or int(match.group(1)) > int(match.group(2)):
        err.print(f"bad-value: --period {text!r} is not YYYY-YYYY", markup=False)
        raise typer.Exit(2)
    return int(match.group(1)), int(match.group(2))


def _country(text: str) -> str:
    code = crosswalk().lookup_name(text)
    if code is None:
        err.print(f"unknown-country: {text!r} is not in the country crosswalk", markup=False)
        raise typer.Exit(2)
    return code


WATCH_FORMATS = ("table", "csv", "json", "atom", "pdf")


@app.command()
def watch(
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Changes since a date (YYYY-MM-DD) or since snapshot N was loaded; default: since the last load.",
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", help="table, csv, json, atom, or pdf (a brief of at most four pages; needs --out)."),
    ] = "table",
    out_path: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of the terminal.")] = None,
    coups_since: Annotated[
        str, typer.Option("--coups-since", help="Count coups from this date (YYYY-MM-DD).")
    ] = "2001-01-01",
    region: Annotated[str | None, typer.Option("--region", help="Only one region, e.g. Africa, 'Near East'.")] = None,
    flag: Annotated[str | None, typer.Option("--flag", help="Only countries raising this rule's signal.")] = None,
    base_url: Annotated[
        str, typer.Option("--base-url", help="The explorer's address, for the feed's links.")
    ] = "http://127.0.0.1:8000",
    forces_of: Annotated[
        str | None,
        typer.Option(
            "--forces",
            help="One country's forces by branch: FMTR trainees beside ACLED civilian targeting (table or json).",
        ),
    ] = None,
) -> None:
    """Every U.S. security partner on one page: the watch table, the signals raised, and what changed."""
    if forces_of is not None:
        _print_forces(_country(forces_of), fmt)
        return
    from partnerwatch.publish.watch import watch_atom, watch_csv, watch_json
    from partnerwatch.watch.columns import Window
    from partnerwatch.watch.history import changes_since, releases_in, stored_signals, with_history
    from partnerwatch.watch.table import build_watch, filtered

    if fmt not in WATCH_FORMATS:
        err.print(f"bad-value: --format {fmt!r} is not one of {', '.join(WATCH_FORMATS)}", markup=False)
        raise typer.Exit(2)
    if fmt == "pdf" and out_path is None:
        err.print("missing-value: --format pdf writes a file: give it with --out", markup=False)
        raise typer.Exit(2)
    window = Window(_date_option("--coups-since", coups_since))
    point: int | date | None = None
    if since is not None:
        point = int(since) if since.isdigit() else _date_option("--since", since)
    with _reading_store() as con:
        whole = build_watch(con, window)
    version = _record_watch(whole if window == Window() else None)
    with _reading_store() as con:
        table = filtered(whole, region, flag)
        with_history(con, table)
        base, latest, changes = changes_since(con, point)
        released = releases_in(con, (base, latest))
        feed_releases = releases(con) if fmt == "atom" and not (flag or region) else []
        signals = stored_signals(con)
    if fmt == "pdf" and out_path is not None:
        from partnerwatch.publish.watch_brief import brief_content, render_brief_pdf

        _write(out_path, render_brief_pdf(brief_content(table, changes, (base, latest), date.today(), released)))
        return
    if fmt == "csv":
        text = watch_csv(table)
    elif fmt == "json":
        text = watch_json(table, version, changes, (base, latest), released)
    elif fmt == "atom":
        rules = {s.rule for r in table.rows for s in r.signals} if flag or region else None
        kept = [s for s in signals if rules is None or (s.rule in rules and s.iso3 in {r.iso3 for r in table.rows})]
        text = watch_atom(kept, base_url, table.sources, feed_releases).decode()
    else:
        _print_watch(table, changes, base, latest)
        _print_releases(released)
        return
    if out_path is None:
        sys.stdout.write(text)
        return
    _write(out_path, text.encode())


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        err.print(f"write-error: cannot write {path} ({exc.strerror})", markup=False)
        raise typer.Exit(2) from None
    err.print(f"Wrote {path}", markup=False)


def _print_forces(code: str, fmt: str) -> None:
    from partnerwatch.figures.context import FigureContext
    from partnerwatch.publish.watch import forces_json
    from partnerwatch.watch.branches import forces

    if fmt not in ("table", "json"):
        err.print(f"bad-value: --forces prints a table or json, not {fmt!r}", markup=False)
        raise typer.Exit(2)
    with _reading_store() as con:
        ctx = FigureContext.for_store(con, code)
        view = forces(ctx)
        cited = {ref.snapshot_id: ref.citation for ref in ctx.refs(list(view.sources))}
    if fmt == "json":
        sys.stdout.write(forces_json((view, cited)) + "\n")
        return
    grid = Table(title=f"{crosswalk().name(code)}: forces trained (FMTR) and recorded harming civilians (ACLED)")
    for heading in ("branch", "trainees", "by fiscal year", "events", "killed", "by year (events/killed)"):
        grid.add_column(heading, overflow="fold")
    for row in view.rows:
        d = row.to_dict()
        grid.add_row(
            ("  " if row.parent else "") + row.title,
            f"{d['trainees']:,}",
            ", ".join(f"FY{y} {n:,}" for y, n in sorted(row.trainees.items())),
            str(d["events"]),
            str(d["fatalities"]),
            ", ".join(f"{y} {row.events[y]}/{row.fatalities.get(y, 0)}" for y in sorted(row.events)),
        )
    Console(width=max(out.width, WATCH_WIDTH)).print(grid)
    out.print(view.note, markup=False, highlight=False)


def _date_option(name: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        err.print(f"bad-date: {name} {text!r} is not a date (YYYY-MM-DD) or a snapshot number", markup=False)
        raise typer.Exit(2) from None


def _record_watch(built: Watch | None = None) -> int:
    """Record the watch for the store's current version if not yet recorded; the version.

    Computed on a read-only connection, written on a writing one held only for
    the insert, so a server keeps reading meanwhile. Recording always uses the
    default window, so recorded values change only when the data do.
    """
    from partnerwatch.watch.columns import Window
    from partnerwatch.watch.history import record_watch, recorded, store_version
    from partnerwatch.watch.table import build_watch

    with _reading_store() as con:
        version = store_version(con)
        if recorded(con, version):
            return version
        table = built if built is not None else build_watch(con, Window())
    with _store() as con:
        record_watch(con, table, version)
    return version


def _record_after_load() -> None:
    """After a load into a watched store: record the watch, so that 'watch' can say what this load changed."""
    from partnerwatch.watch.history import started

    try:
        with _reading_store() as con:
            if not started(con):
                return  # the history starts with the first 'partnerwatch watch'
        _record_watch()
    except typer.Exit:
        err.print(
            "warning: the data are loaded but the watch was not recorded; 'partnerwatch watch' records it", markup=False
        )


SHOWN_CHANGES = 40
WATCH_WIDTH = 200
"""Columns the watch table is laid out in when printed (ten columns of short values fold below that)."""


def _print_watch(table: Watch, changes: list[Change], base: int | None, latest: int | None) -> None:
    from partnerwatch.watch.columns import COLUMNS

    grid = Table(title=f"Watch: {len(table.rows)} countries (coups since {table.window.coups_since})")
    grid.add_column("Country", overflow="fold")
    for column in COLUMNS:
        grid.add_column(column.short, overflow="fold")
    grid.add_column("Signals", overflow="fold")
    for row in table.rows:
        cells = [row.cells[c.id].text if c.id in row.cells else "" for c in COLUMNS]
        grid.add_row(f"{row.country} ({row.iso3})", *cells, ", ".join(s.rule for s in row.signals))
    Console(width=max(out.width, WATCH_WIDTH)).print(grid)  # rich caps a print's width at its console's
    raised = [s for r in table.rows for s in r.signals]
    out.print(f"Signals ({len(raised)}):", highlight=False)
    for signal in raised:
        out.print(f"  [{signal.rule}] {signal.sentence}", markup=False, highlight=False)
    untested = [u for r in table.rows for u in r.untested]
    if untested:
        out.print(f"Not tested on the data loaded ({len(untested)}):", highlight=False)
        for case in untested:
            out.print(f"  [{case.rule}] {case.sentence}", markup=False, highlight=False)
    span = f"version {base} to {latest}" if base is not None else f"first recorded version {latest}"
    out.print(f"Changed ({span}): {len(changes):,} value{'' if len(changes) == 1 else 's'}", highlight=False)
    for change in changes[:SHOWN_CHANGES]:
        out.print(
            f"  {change.country} {change.column}: {change.old_text or '(none)'} -> {change.new_text or '(none)'}",
            markup=False,
            highlight=False,
        )
    if len(changes) > SHOWN_CHANGES:
        out.print(f"  … and {len(changes) - SHOWN_CHANGES} more (--format json lists them all)", highlight=False)


def _print_releases(released: list[Release]) -> None:
    if not released:
        return
    out.print(f"New releases ({len(released)}): records revised, added and removed", highlight=False)
    for release in released:
        out.print(f"  {release.heading}", markup=False, highlight=False)
        _print_revisions(release.revisions, "    ")


@app.command()
def figures(
    iso3: Annotated[str, typer.Argument(help="Country ISO3 code, e.g. MLI.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON: a list of figure objects.")] = False,
    period: Annotated[str, typer.Option("--period", help="Years, e.g. 2001-2021.")] = "2001-2021",
    engine: Annotated[
        str | None,
        typer.Option(help="duckdb or spark: compute from an exported package (--data) instead of the store."),
    ] = None,
    data: Annotated[
        Path | None, typer.Option("--data", help="Folder written by 'export --all' (Parquet + datapackage.json).")
    ] = None,
) -> None:
    """Compute every figure for a country (and list the published ones), each with its sources."""
    from partnerwatch.figures.catalog import computed_figures
    from partnerwatch.figures.context import FigureContext
    from partnerwatch.figures.engines import package_backend
    from partnerwatch.figures.published import published_facts

    code, years = _country(iso3), _period(period)
    if engine is not None and data is None:
        err.print("missing-value: --engine reads an exported package: give its folder with --data", markup=False)
        raise typer.Exit(2)
    if data is not None:
        folder = data
        ctx = FigureContext(_guard(lambda: package_backend(engine or "duckdb", folder)), code, years)
        found = _guard(lambda: computed_figures(ctx) + published_facts(ctx))
    else:
        with _reading_store() as con:
            ctx = FigureContext.for_store(con, code, years)
            found = computed_figures(ctx) + published_facts(ctx)
    if as_json:
        sys.stdout.write(json.dumps([f.to_dict() for f in found], indent=1, default=str) + "\n")
        return
    table = Table(title=f"Figures for {code}, {years[0]}-{years[1]}")
    for column in ("id", "label", "value", "period", "sources"):
        table.add_column(column, overflow="fold")
    for f in found:
        value = (
            f.unavailable
            and f"not computed: {f.unavailable}"
            or (format_value(f.value, f.unit, f.qualifier) if f.value is not None else f"{len(f.rows)} rows")
        )
        table.add_row(f.id, f.label, value, f.period, ", ".join(str(s.snapshot_id) for s in f.sources))
    out.print(table)


@app.command()
def factsheet(
    iso3: Annotated[str | None, typer.Argument(help="Country ISO3 code, e.g. MLI (omit with --all).")] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="md, html, pdf or docx (default: from --out's extension).")
    ] = None,
    out_path: Annotated[
        Path | None, typer.Option("--out", help="File to write (a folder with --all); stdout if omitted.")
    ] = None,
    all_countries: Annotated[bool, typer.Option("--all", help="Every country with data, and an index page.")] = False,
    period: Annotated[str, typer.Option("--period", help="Years, e.g. 2001-2021.")] = "2001-2021",
    no_appendix: Annotated[
        bool,
        typer.Option(
            "--no-appendix", help="Leave out the appendix of tables (the data behind the charts, long tables)."
        ),
    ] = False,
) -> None:
    """Produce a country factsheet from the store, every figure noted to its source."""
    from partnerwatch.publish import FORMATS, render
    from partnerwatch.publish.factsheet import build_factsheet

    years = _period(period)
    if all_countries:
        if out_path is None:
            err.print("missing-value: --all needs --out FOLDER", markup=False)
            raise typer.Exit(2)
        _all_factsheets(out_path, fmt or "html", years, not no_appendix)
        return
    if iso3 is None:
        err.print("missing-value: give a country (ISO3) or --all", markup=False)
        raise typer.Exit(2)
    chosen = fmt or (out_path.suffix.lstrip(".").lower() if out_path and out_path.suffix else "md")
    chosen = {"markdown": "md"}.get(chosen, chosen)
    if chosen not in FORMATS:
        err.print(f"bad-value: factsheet format {chosen!r} is not one of {', '.join(FORMATS)}", markup=False)
        raise typer.Exit(2)
    if chosen in ("pdf", "docx") and out_path is None:
        err.print(f"missing-value: a {chosen} factsheet needs --out FILE", markup=False)
        raise typer.Exit(2)
    code = _country(iso3)
    with _reading_store() as con:
        sheet = build_factsheet(con, code, years)
        data = render(sheet, chosen, appendix=not no_appendix)
    for warning in sheet.warnings:
        err.print(f"warning: {warning}", markup=False)
    if out_path is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_bytes(data)
        err.print(f"Wrote the {code} factsheet to {out_path}", markup=False)


def _all_factsheets(folder: Path, fmt: str, years: tuple[int, int], appendix: bool) -> None:
    from partnerwatch.publish import FORMATS, render
    from partnerwatch.publish.factsheet import build_factsheet
    from partnerwatch.publish.series import countries_with_data, render_index

    if fmt not in FORMATS:
        err.print(f"bad-value: factsheet format {fmt!r} is not one of {', '.join(FORMATS)}", markup=False)
        raise typer.Exit(2)
    folder.mkdir(parents=True, exist_ok=True)
    with _reading_store() as con:
        codes = countries_with_data(con)
        written = []
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            disable=not err.is_terminal,
        ) as progress:
            task = progress.add_task("factsheets", total=len(codes))
            for code in codes:
                sheet = build_factsheet(con, code, years)
                path = folder / f"{code.lower()}.{fmt}"
                path.write_bytes(render(sheet, fmt, appendix=appendix))
                written.append((code, sheet.country, path.name))
                progress.advance(task)
    (folder / "index.html").write_text(render_index(written, years), encoding="utf-8")
    err.print(f"Wrote {len(written)} factsheets and index.html to {folder}", markup=False)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web explorer and JSON API (OpenAPI docs at /docs) over the store, opened read-only."""
    import uvicorn

    from partnerwatch.web import create_app

    with _store():
        pass  # create, migrate and seed the store once before opening it read-only
    err.print(f"PartnerWatch on http://{host}:{port}/ (API docs at /docs)", markup=False)
    uvicorn.run(create_app(store_target()), host=host, port=port, log_level="warning")


def run() -> None:
    """Console-script entry point: coded errors are handled per command; anything else is a bug.

    A bug still gets one readable line and exit status 1 rather than a page of
    traceback; ``PARTNERWATCH_DEBUG=1`` shows the traceback for a report.
    """
    try:
        app()
    except Exception as exc:  # noqa: BLE001 - last-resort boundary of the program
        if os.environ.get("PARTNERWATCH_DEBUG"):
            raise
        err.print(
            f"internal error: {type(exc).__name__}: {exc} (set PARTNERWATCH_DEBUG=1 for details)",
            markup=False,
        )
        raise SystemExit(1) from None


if __name__ == "__main__":  # pragma: no cover
    run()
