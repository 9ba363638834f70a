"""Fetch -> parse -> load: the one place that knows both the sources and the store.

``ingest`` fingerprints the input first, so a file already loaded is a no-op
that costs one hash and one query; otherwise it keeps an immutable copy of the
bytes under the snapshot directory (``intake.py``), parses that copy (any
error refuses it before the store is touched, and the copy goes), checks that
it is not an older release than the one it would replace, and loads rows and
snapshot record in one transaction.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from partnerwatch.countries import crosswalk
from partnerwatch.errors import DataError, PartnerWatchError
from partnerwatch.intake import KeptCopy, check_input, discard, fingerprint_if_cheap, keep_copy, kept_copy
from partnerwatch.net.http import RetryPolicy
from partnerwatch.releases import is_older
from partnerwatch.sources import get_source
from partnerwatch.sources.base import ParsedFile, ProgressCallback, ReadAgain, Source
from partnerwatch.sources.curated import bundled_folders
from partnerwatch.sources.table import parse_table
from partnerwatch.store import Connection, SnapshotRecord, downloads_dir, home_dir, load_snapshot
from partnerwatch.store.load import Staged, current_snapshot, live_snapshots, staged_streams
from partnerwatch.store.revisions import Revision


@dataclass(frozen=True)
class IngestResult:
    source: str
    path: str
    snapshot_id: int
    rows: int
    unchanged: bool
    superseded: tuple[int, ...] = ()
    warnings: list[str] = field(default_factory=list)
    issues: int = 0
    kept_existing: int = 0
    revisions: tuple[Revision, ...] = ()
    """What this release changed against the snapshots it superseded, per table."""


@dataclass(frozen=True)
class Prepared:
    """A file read and checked, not yet in any store: its kept copy, its rows, its staged streams.

    Preparing needs no store, so the command line prepares a large file
    before it takes the store's write lock, and holds that lock only for the
    load's transaction: the explorer, and other commands, keep reading the
    store meanwhile.
    """

    source: Source
    path: Path
    copy: KeptCopy
    parsed: ParsedFile
    staged: Staged


def ingest(
    con: Connection,
    source_name: str,
    path: Path,
    progress: ProgressCallback | None = None,
    *,
    allow_mismatch: bool = False,
    allow_older: bool = False,
) -> IngestResult:
    """Load one file; reconciliation failures refuse it unless ``allow_mismatch``, then they are kept.

    An older release than the live one of the same data is refused unless ``allow_older``.
    """
    unchanged = already_loaded(con, source_name, path)
    if unchanged is not None:
        return unchanged
    with prepared(source_name, path, progress) as ready:
        return commit(con, ready, allow_mismatch=allow_mismatch, allow_older=allow_older)


def already_loaded(con: Connection, source_name: str, path: Path) -> IngestResult | None:
    """The result of a no-op load if the store holds these bytes already (one hash and one query), else None.

    None also when that cannot be told cheaply (a large file not seen before): then the copy's hash tells.
    """
    source = get_source(source_name)
    check_input(path, folders=source.reads_folders)
    known = fingerprint_if_cheap(path)
    if known is None:
        return None
    sha256, size = known
    if size == 0:
        raise PartnerWatchError.single("empty-file", "the file is empty (0 bytes)", file=path.name)
    existing = current_snapshot(con, source.name, sha256)
    return None if existing is None else IngestResult(source.name, str(path), existing, 0, unchanged=True)


@contextmanager
def prepared(source_name: str, path: Path, progress: ProgressCallback | None = None) -> Iterator[Prepared]:
    """Keep a copy of the file, parse the copy and stage its streams: everything but the load.

    The copy and the staged files are removed when the block ends with a
    refusal; the copy stays when the load succeeds.
    """
    source = get_source(source_name)
    check_input(path, folders=source.reads_folders)
    with kept_copy([path]) as copy:
        if copy.size == 0:
            raise PartnerWatchError.single("empty-file", "the file is empty (0 bytes)", file=path.name)
        parsed = source.parse(copy.path, progress)
        try:
            with staged_streams(parsed.streams) as staged:
                yield Prepared(source, path, copy, parsed, staged)
                return
        except ReadAgain as again:  # a block reader met something only its row reader settles
            parsed = again.parsed
        with staged_streams(parsed.streams) as staged:
            yield Prepared(source, path, copy, parsed, staged)


def cores() -> int:
    """The cores this process may run on (fewer than the machine's under a CPU affinity mask)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def prepare_each(
    source_name: str, paths: Sequence[Path], *, jobs: int
) -> Generator[tuple[Path, Prepared | PartnerWatchError], None, None]:
    """Copy and parse files in ``jobs`` worker processes; yield each, in the order given, ready to commit.

    Only for a source whose parse returns whole tables (``Source.parallel``):
    its rows travel back from the worker pickled. Loading stays in the caller,
    one file at a time in the given order, so the store sees exactly the
    sequence of loads a serial run makes (which report of a fiscal year was
    loaded last is part of the FMTR counting rule). A refusal is yielded, not
    raised, so the other files still load. A prepared file owns a kept copy:
    load it with ``commit_kept``, which removes the copy if the load is
    refused. At most two files per worker wait parsed, bounding memory.
    """
    source = get_source(source_name)
    if not source.parallel:
        raise ValueError(f"source {source_name} does not parse in worker processes")
    pending: deque[tuple[Path, Future[tuple[KeptCopy, ParsedFile]]]] = deque()
    queue = iter(paths)
    context = multiprocessing.get_context("spawn")  # no fork of a process holding threads or a store
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context) as pool:
        try:
            for path in queue:
                pending.append((path, pool.submit(_copy_and_parse, source_name, path)))
                if len(pending) >= 2 * max(1, jobs):
                    break
            while pending:
                path, future = pending.popleft()
                try:
                    copy, parsed = future.result()
                except PartnerWatchError as exc:
                    yield path, exc
                else:
                    yield path, Prepared(source, path, copy, parsed, {})
                following = next(queue, None)
                if following is not None:
                    pending.append((following, pool.submit(_copy_and_parse, source_name, following)))
        finally:  # interrupted: files parsed but never loaded leave no copy behind
            for _, future in pending:
                future.cancel()
            for _, future in pending:
                if not future.cancelled() and future.exception() is None:
                    discard(future.result()[0])


def _copy_and_parse(source_name: str, path: Path) -> tuple[KeptCopy, ParsedFile]:
    """In a worker: what ``prepared`` does before staging, the copy left for the caller to load or discard."""
    source = get_source(source_name)
    check_input(path, folders=source.reads_folders)
    copy = keep_copy([path])
    try:
        if copy.size == 0:
            raise PartnerWatchError.single("empty-file", "the file is empty (0 bytes)", file=path.name)
        parsed = source.parse(copy.path, None)
    except BaseException:
        discard(copy)
        raise
    if parsed.streams:
        discard(copy)
        raise ValueError(f"source {source_name} returned streams; it cannot parse in a worker")
    return copy, parsed


def commit_kept(
    con: Connection, ready: Prepared, *, allow_mismatch: bool = False, allow_older: bool = False
) -> IngestResult:
    """``commit`` for a file ``prepare_each`` prepared: a refused load removes the file's copy."""
    try:
        return commit(con, ready, allow_mismatch=allow_mismatch, allow_older=allow_older)
    except PartnerWatchError:
        discard(ready.copy)
        raise


def ingest_table(
    con: Connection,
    path: Path,
    into: str,
    mapping: Path,
    progress: ProgressCallback | None = None,
    *,
    allow_older: bool = False,
) -> IngestResult:
    """Load an analyst's table into ``into`` through ``mapping``; the pair is one snapshot."""
    source = get_source("table")
    for needed in (path, mapping):
        check_input(needed)
    with kept_copy([path, mapping], extra=into) as copy:
        existing = current_snapshot(con, source.name, copy.sha256)
        if existing is not None:
            return IngestResult(source.name, str(path), existing, 0, unchanged=True)
        parsed = parse_table(copy.paths[0], copy.paths[1], into, progress)
        return commit(con, Prepared(source, path, copy, parsed, {}), allow_older=allow_older)


def commit(
    con: Connection, ready: Prepared, *, allow_mismatch: bool = False, allow_older: bool = False
) -> IngestResult:
    """Load a prepared file in one transaction (a no-op if another process loaded the same bytes meanwhile)."""
    source, path, copy, parsed = ready.source, ready.path, ready.copy, ready.parsed
    existing = current_snapshot(con, source.name, copy.sha256)
    if existing is not None:
        return IngestResult(source.name, str(path), existing, 0, unchanged=True)
    unexpected = (set(parsed.tables) | set(ready.staged)) - set(source.tables)
    if unexpected:
        raise PartnerWatchError.single(
            "store-error", f"source {source.name} produced tables it does not declare: {unexpected}"
        )
    if parsed.mismatches and not allow_mismatch:
        raise PartnerWatchError(parsed.mismatches)
    warnings = [*parsed.warnings, *_check_release(con, source.name, path, parsed, allow_older)]
    tables = dict(parsed.tables)
    if parsed.mismatches:
        tables["snapshot_issues"] = issues_table(parsed.mismatches)
    origin = parsed.origin or source.origin
    record = SnapshotRecord(
        source=source.name,
        file_name=path.name,
        sha256=copy.sha256,
        bytes=copy.size,
        rows=parsed.rows,
        producer=origin.producer,
        citation=origin.citation,
        licence=origin.licence,
        url=origin.url,
        release=parsed.release,
        notes=parsed.notes,
        scope=parsed.scope,
        stored_path=str(copy.path),
        warnings=tuple(warnings),
    )
    result = load_snapshot(con, record, tables, staged=ready.staged)
    return IngestResult(
        source.name,
        str(path),
        result.snapshot_id,
        result.rows,
        unchanged=result.unchanged,
        superseded=result.superseded,
        warnings=warnings,
        issues=len(parsed.mismatches),
        kept_existing=result.kept_existing,
        revisions=result.revisions,
    )


def _check_release(con: Connection, source: str, path: Path, parsed: ParsedFile, allow_older: bool) -> list[str]:
    """Refuse an older release of data the store holds a newer release of (or warn when none can tell)."""
    warnings = []
    for snapshot_id, release in live_snapshots(con, source, parsed.scope):
        older = is_older(parsed.release, release)
        if older and not allow_older:
            raise PartnerWatchError.single(
                "older-release",
                f"this file is release {parsed.release}, older than release {release} (snapshot {snapshot_id}),"
                " which the store keeps; to replace the newer release with it, load it with --allow-older",
                file=path.name,
            )
        if older:
            warnings.append(f"{path.name}: release {parsed.release} replaces the newer {release} (--allow-older)")
        elif older is None and (parsed.release or release) and parsed.release != release:
            warnings.append(
                f"{path.name}: cannot tell whether release {parsed.release or '(none stated)'} is newer than"
                f" {release or '(none stated)'} (snapshot {snapshot_id}); the file loaded last replaces it"
            )
    return warnings


def issues_table(errors: list[DataError]) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "code": e.code,
                "message": e.message,
                "file": e.file,
                "row": e.row,
                "page": e.page,
                "field": e.field or None,
            }
            for e in errors
        ],
        schema=pa.schema(
            [
                ("code", pa.string()),
                ("message", pa.string()),
                ("file", pa.string()),
                ("row", pa.int32()),
                ("page", pa.int32()),
                ("field", pa.string()),
            ]
        ),
    )


FETCHERS = ("foreignassistance", "acled", "ucdp")


def fetch_and_ingest(
    con: Connection,
    source_name: str,
    country: str,
    *,
    base_url: str | None = None,
    policy: RetryPolicy | None = None,
    progress: ProgressCallback | None = None,
    force: bool = False,
    version: str | None = None,
) -> tuple[Path, IngestResult]:
    """Download one country's data from a source's API into the downloads folder, then ingest it.

    A failed download leaves its pages behind so the next run resumes; the
    completed download is the snapshot, like any file the user loads.
    """
    name, path = download(
        source_name, country, base_url=base_url, policy=policy, progress=progress, force=force, version=version
    )
    return path, ingest(con, name, path)


def download(
    source_name: str,
    country: str,
    *,
    base_url: str | None = None,
    policy: RetryPolicy | None = None,
    progress: ProgressCallback | None = None,
    force: bool = False,
    version: str | None = None,
) -> tuple[str, Path]:
    """Download one country's data into the downloads folder: (the source that reads it, the file).

    No store is needed (or locked) while the API is paged through.
    """
    if source_name == "ucdp":
        source_name = "ucdp-ged"
    source = get_source(source_name)
    iso3 = crosswalk().lookup_name(country)
    if iso3 is None:
        raise PartnerWatchError.single("unknown-country", f"{country!r} is not in the country crosswalk")
    folder = downloads_dir() / source.name
    if source.name == "acled":
        from partnerwatch.sources.acled.fetch import API_BASE, pull_country

        pulled = pull_country(
            iso3, folder, home_dir(), base_url=base_url or API_BASE, force=force, policy=policy, progress=progress
        )
        return source.name, pulled.path
    if source.name == "ucdp-ged":
        from partnerwatch.sources.ucdp.fetch import API_BASE as UCDP_BASE
        from partnerwatch.sources.ucdp.fetch import DEFAULT_VERSION, pull_ged

        ucdp = pull_ged(
            iso3,
            folder,
            home_dir(),
            base_url=base_url or UCDP_BASE,
            version=version or DEFAULT_VERSION,
            policy=policy,
            progress=progress,
        )
        return source.name, ucdp.path
    if source.name == "foreignassistance":
        from partnerwatch.sources.foreignassistance.fetch import API_URL, fetch_country

        fetched = fetch_country(iso3, folder, base_url=base_url or API_URL, policy=policy, progress=progress)
        return source.name, fetched.path
    raise PartnerWatchError.single(
        "unknown-source", f"source {source.name!r} has no API to fetch from; fetchable: {', '.join(FETCHERS)}"
    )


def bundled_loaded(con: Connection) -> bool:
    """Whether the curated dataset shipped in the package is loaded as it is now (a read-only check)."""
    return all(already_loaded(con, "curated", folder) is not None for folder in bundled_folders())


def load_bundled(con: Connection) -> list[IngestResult]:
    """Load (or confirm) the curated dataset shipped in the package: the zero-data default."""
    return [ingest(con, "curated", folder) for folder in bundled_folders()]
