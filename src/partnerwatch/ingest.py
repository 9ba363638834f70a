"""Fetch -> parse -> load: the one place that knows both the sources and the store.

``ingest`` fingerprints the input first, so a file already loaded is a no-op
that costs one hash and one query; otherwise it parses the whole file (any
error refuses it before the store is touched), keeps an immutable copy of the
bytes under the snapshot directory, and loads rows and snapshot record in one
transaction.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from partnerwatch.countries import crosswalk
from partnerwatch.errors import DataError, PartnerWatchError
from partnerwatch.net.http import RetryPolicy
from partnerwatch.sources import get_source
from partnerwatch.sources.base import ParsedFile, ProgressCallback, ReadAgain, Source
from partnerwatch.sources.curated import bundled_folders
from partnerwatch.sources.table import parse_table
from partnerwatch.store import Connection, SnapshotRecord, downloads_dir, home_dir, load_snapshot, snapshot_dir
from partnerwatch.store.load import current_snapshot

CHUNK = 1 << 20


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


REMEMBER_ABOVE = 64 * 1024 * 1024
"""Files at least this large have their sha256 remembered by (path, inode, size, mtime, ctime)."""


def fingerprint(path: Path) -> tuple[str, int]:
    """sha256 and size of a file, or of a folder's files (names and contents, sorted).

    Hashing a gigabyte takes over a second, which is most of a no-op re-ingest;
    a large file whose path, inode, size and change times are unchanged since it
    was last hashed is not read again (the check ``make`` and ``rsync`` rely on).
    Small files are always hashed: there a rewrite within the clock's
    resolution could keep the same times.
    """
    if path.is_file() and path.stat().st_size >= REMEMBER_ABOVE:
        return _remembered(path)
    return _hash(path)


def _remembered(path: Path) -> tuple[str, int]:
    info = path.stat()
    key = f"{path.resolve()}|{info.st_ino}|{info.st_size}|{info.st_mtime_ns}|{info.st_ctime_ns}"
    memo = home_dir() / "fingerprints.json"
    try:
        known: dict[str, str] = json.loads(memo.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if key in known:
        return known[key], info.st_size
    sha256, size = _hash(path)
    prefix = key.split("|", 1)[0] + "|"
    known = {k: v for k, v in known.items() if not k.startswith(prefix)}  # one entry per path
    known[key] = sha256
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        partial = memo.with_name(memo.name + ".partial")
        partial.write_text(json.dumps(known, indent=0), encoding="utf-8")
        partial.replace(memo)
    except OSError:
        pass  # a read-only home only costs the next run a re-hash
    return sha256, size


def _hash(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(file.relative_to(path).as_posix().encode("utf-8") + b"\0")
        with file.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
    return digest.hexdigest(), size


def ingest(
    con: Connection,
    source_name: str,
    path: Path,
    progress: ProgressCallback | None = None,
    *,
    allow_mismatch: bool = False,
) -> IngestResult:
    """Load one file; reconciliation failures refuse it unless ``allow_mismatch``, then they are kept."""
    source = get_source(source_name)
    if not path.exists():
        raise PartnerWatchError.single("file-not-found", "no such file or folder", file=str(path))
    sha256, size = fingerprint(path)
    if size == 0:
        raise PartnerWatchError.single("empty-file", "the file is empty (0 bytes)", file=path.name)
    existing = current_snapshot(con, source.name, sha256)
    if existing is not None:
        return IngestResult(source.name, str(path), existing, 0, unchanged=True)
    parsed = source.parse(path, progress)
    return _store_parsed(con, source, path, sha256, size, parsed, allow_mismatch)


def ingest_table(
    con: Connection,
    path: Path,
    into: str,
    mapping: Path,
    progress: ProgressCallback | None = None,
) -> IngestResult:
    """Load an analyst's table into ``into`` through ``mapping``; the pair is one snapshot."""
    source = get_source("table")
    for needed in (path, mapping):
        if not needed.is_file():
            raise PartnerWatchError.single("file-not-found", "no such file", file=str(needed))
    digest = hashlib.sha256()
    for part in (fingerprint(path)[0], fingerprint(mapping)[0], into):
        digest.update(part.encode("utf-8") + b"\0")
    sha256, size = digest.hexdigest(), fingerprint(path)[1]
    existing = current_snapshot(con, source.name, sha256)
    if existing is not None:
        return IngestResult(source.name, str(path), existing, 0, unchanged=True)
    parsed = parse_table(path, mapping, into, progress)
    _keep_copy(mapping, sha256)
    return _store_parsed(con, source, path, sha256, size, parsed, False)


def _store_parsed(
    con: Connection,
    source: Source,
    path: Path,
    sha256: str,
    size: int,
    parsed: ParsedFile,
    allow_mismatch: bool,
) -> IngestResult:
    unexpected = (set(parsed.tables) | set(parsed.streams)) - set(source.tables)
    if unexpected:
        raise PartnerWatchError.single(
            "store-error", f"source {source.name} produced tables it does not declare: {unexpected}"
        )
    if parsed.mismatches and not allow_mismatch:
        raise PartnerWatchError(parsed.mismatches)
    tables = dict(parsed.tables)
    if parsed.mismatches:
        tables["snapshot_issues"] = issues_table(parsed.mismatches)
    stored = _keep_copy(path, sha256)
    origin = parsed.origin or source.origin
    record = SnapshotRecord(
        source=source.name,
        file_name=path.name,
        sha256=sha256,
        bytes=size,
        rows=parsed.rows,
        producer=origin.producer,
        citation=origin.citation,
        licence=origin.licence,
        url=origin.url,
        release=parsed.release,
        notes=parsed.notes,
        scope=parsed.scope,
        stored_path=str(stored),
    )
    try:
        result = load_snapshot(con, record, tables, parsed.streams)
    except ReadAgain as again:  # a block reader met something only its row reader settles; nothing was written
        return _store_parsed(con, source, path, sha256, size, again.parsed, allow_mismatch)
    return IngestResult(
        source.name,
        str(path),
        result.snapshot_id,
        result.rows,
        unchanged=result.unchanged,
        superseded=result.superseded,
        warnings=parsed.warnings,
        issues=len(parsed.mismatches),
        kept_existing=result.kept_existing,
    )


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
        return pulled.path, ingest(con, source.name, pulled.path)
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
        return ucdp.path, ingest(con, source.name, ucdp.path)
    if source.name == "foreignassistance":
        from partnerwatch.sources.foreignassistance.fetch import API_URL, fetch_country

        fetched = fetch_country(iso3, folder, base_url=base_url or API_URL, policy=policy, progress=progress)
        return fetched.path, ingest(con, source.name, fetched.path)
    raise PartnerWatchError.single(
        "unknown-source", f"source {source.name!r} has no API to fetch from; fetchable: {', '.join(FETCHERS)}"
    )


def load_bundled(con: Connection) -> list[IngestResult]:
    """Load (or confirm) the curated dataset shipped in the package: the zero-data default."""
    return [ingest(con, "curated", folder) for folder in bundled_folders()]


def _keep_copy(path: Path, sha256: str) -> Path:
    """Copy the input under ``snapshots/<sha256>/`` once; the copy is never modified."""
    target = snapshot_dir() / sha256 / path.name
    if target.exists():
        return target
    staging = target.with_name(target.name + ".partial")
    staging.parent.mkdir(parents=True, exist_ok=True)
    if staging.exists():
        shutil.rmtree(staging) if staging.is_dir() else staging.unlink()
    if path.is_dir():
        shutil.copytree(path, staging)
    else:
        shutil.copyfile(path, staging)
    staging.rename(target)
    return target
