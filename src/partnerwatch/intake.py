"""Taking a file in: what may be read, its fingerprint, and the kept copy that is the thing parsed.

A snapshot promises that its rows come from the bytes its sha256 names and
that it keeps. Reading the user's file twice — once to hash, once to parse —
breaks that promise when the file changes in between (a download still being
written, an export appended to): rows would be stored that the kept copy does
not hold. So a new file is copied once, hashed while it is copied, and the
parser reads the copy. Only regular files (and, for sources that read one,
folders) are taken: a device or a pipe could make a read never end.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from partnerwatch.errors import PartnerWatchError
from partnerwatch.store import home_dir, snapshot_dir, staging_dir

CHUNK = 1 << 20
REMEMBER_ABOVE = 64 * 1024 * 1024
"""Files at least this large have their sha256 remembered by (path, inode, size, mtime, ctime)."""


def check_input(path: Path, *, folders: bool = False) -> None:
    """Refuse what is not a regular file (or a folder, where the source reads folders) before reading it."""
    shown = str(path) or "''"
    try:
        path.stat()
    except FileNotFoundError:
        raise PartnerWatchError.single("file-not-found", "no such file or folder", file=shown) from None
    except OSError as exc:
        raise PartnerWatchError.single("file-not-found", f"cannot read it ({exc.strerror})", file=shown) from None
    if path.is_dir():
        if not folders:
            raise PartnerWatchError.single("file-not-found", "this is a folder; give the file to load", file=shown)
        return
    if not path.is_file():
        raise PartnerWatchError.single(
            "file-not-found",
            "not a regular file (a device, pipe or socket): refused, since reading it might never end",
            file=shown,
        )
    if not os.access(path, os.R_OK):
        raise PartnerWatchError.single("file-not-found", "cannot read it (permission denied)", file=shown)


def _files(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]


def fingerprint(path: Path) -> tuple[str, int]:
    """sha256 and size of a file, or of a folder's files (names and contents, sorted).

    Hashing a gigabyte takes over a second, which is most of a no-op re-ingest;
    a large file whose path, inode, size and change times are unchanged since it
    was last hashed is not read again (the check ``make`` and ``rsync`` rely on).
    Small files are always hashed: there a rewrite within the clock's
    resolution could keep the same times.
    """
    known = fingerprint_if_cheap(path)
    if known is not None:
        return known
    try:
        identity = _identity(path)
        found = _copy_hashing(path, None)
    except OSError as exc:
        raise PartnerWatchError.single("file-not-found", f"cannot read it ({exc.strerror})", file=str(path)) from None
    _remember(identity, found[0])
    return found


def fingerprint_if_cheap(path: Path) -> tuple[str, int] | None:
    """The fingerprint when it costs little: a small file or a folder hashed, a large file remembered; else None.

    A large file not seen before is hashed as it is copied (``kept_copy``),
    so that its first load reads it once for the hash rather than twice.
    """
    try:
        if path.is_file() and path.stat().st_size >= REMEMBER_ABOVE:
            identity = _identity(path)
            sha256 = _memo().get(identity)
            return None if sha256 is None else (sha256, path.stat().st_size)
        return _copy_hashing(path, None)
    except OSError as exc:
        raise PartnerWatchError.single("file-not-found", f"cannot read it ({exc.strerror})", file=str(path)) from None


def _identity(path: Path) -> str:
    """What says a large file is unchanged: its path, inode, size and change times (taken before it is read)."""
    info = path.stat()
    return f"{path.resolve()}|{info.st_ino}|{info.st_size}|{info.st_mtime_ns}|{info.st_ctime_ns}"


def _memo() -> dict[str, str]:
    try:
        known = json.loads((home_dir() / "fingerprints.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return known if isinstance(known, dict) else {}


def _remember(identity: str, sha256: str) -> None:
    """Keep a large file's sha256 under the identity it had before it was read (one entry per path).

    A file changed while it was read has another identity now, so what was
    remembered never stands for bytes that were not read.
    """
    if int(identity.split("|")[2]) < REMEMBER_ABOVE:
        return
    prefix = identity.split("|", 1)[0] + "|"
    known = {k: v for k, v in _memo().items() if not k.startswith(prefix)}
    known[identity] = sha256
    memo = home_dir() / "fingerprints.json"
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        partial = memo.with_name(memo.name + ".partial")
        partial.write_text(json.dumps(known, indent=0), encoding="utf-8")
        partial.replace(memo)
    except OSError:
        pass  # a read-only home only costs the next run a re-hash


def _copy_hashing(path: Path, into: Path | None) -> tuple[str, int]:
    """sha256 and size of ``path`` (a file or a folder), copying the bytes to ``into`` as they are read.

    A folder's digest covers each file's relative name and bytes, in sorted
    order, so the same tree has the same sha256 wherever it lies.
    """
    digest = hashlib.sha256()
    size = 0
    folder = path.is_dir()
    for file in _files(path):
        target_path = None
        if folder:
            relative = file.relative_to(path)
            digest.update(relative.as_posix().encode("utf-8") + b"\0")
            target_path = None if into is None else into / relative
        elif into is not None:
            target_path = into
        if target_path is not None:
            target_path.parent.mkdir(parents=True, exist_ok=True)
        with file.open("rb") as fh, target_path.open("wb") if target_path else _Discard() as target:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
    return digest.hexdigest(), size


class _Discard:
    """A file that writes nowhere: hashing without copying."""

    def __enter__(self) -> _Discard:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def write(self, data: bytes) -> int:
        return len(data)


@dataclass(frozen=True)
class KeptCopy:
    """The immutable copy under ``snapshots/<sha256>/``: what is parsed and what the snapshot points to."""

    paths: tuple[Path, ...]
    """The copy of each input, in the order given."""
    sha256: str
    """The snapshot's sha256: of the one input, or of the inputs' digests together."""
    size: int
    """Bytes of the first input (the data file)."""
    made: tuple[Path, ...] = ()
    """The files this copy created (not those an earlier load kept): what ``discard`` removes."""

    @property
    def path(self) -> Path:
        return self.paths[0]


@contextmanager
def kept_copy(inputs: Sequence[Path], extra: str = "") -> Iterator[KeptCopy]:
    """Copy the inputs once, hashing as they are read, and yield the copy under its sha256.

    With several inputs (an analyst's table and its mapping) the sha256 is of
    their digests and ``extra`` together. A copy that existed already (kept by
    an earlier load) is reused; one made here is removed again if the body
    raises a coded error, so a refused file leaves nothing behind.
    """
    copy = keep_copy(inputs, extra)
    try:
        yield copy
    except PartnerWatchError:
        discard(copy)
        raise


def keep_copy(inputs: Sequence[Path], extra: str = "") -> KeptCopy:
    """``kept_copy`` without the block: the caller owns the copy and calls ``discard`` if the file is refused.

    Parallel ingest needs this form: a worker process copies and parses a
    file, and the main process, which loads it, is the one that learns
    whether it is refused.
    """
    root = staging_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        snapshot_dir().mkdir(parents=True, exist_ok=True)
        staged = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-copy-", dir=root))
    except OSError as exc:
        raise _unwritable(exc) from None
    try:
        digests: list[tuple[str, int]] = []
        for number, path in enumerate(inputs):
            try:
                identity = _identity(path) if path.is_file() else ""
                digests.append(_copy_hashing(path, staged / str(number) / _name(path)))
                if identity:
                    _remember(identity, digests[-1][0])
            except OSError as exc:
                if exc.filename is not None and str(exc.filename).startswith(str(staged)):
                    raise _unwritable(exc) from None
                raise PartnerWatchError.single(
                    "file-not-found", f"cannot read it ({exc.strerror})", file=str(path)
                ) from None
        sha256 = digests[0][0] if len(digests) == 1 and not extra else _combined(digests, extra)
        target = snapshot_dir() / sha256
        made: list[Path] = []
        try:
            target.mkdir(exist_ok=True)
            for number, path in enumerate(inputs):
                kept = target / _name(path)
                if not kept.exists():  # the same bytes under another name keep a copy of their own
                    (staged / str(number) / _name(path)).rename(kept)
                    made.append(kept)
        except OSError as exc:
            discard(KeptCopy((), sha256, 0, tuple(made)))
            raise _unwritable(exc) from None
        return KeptCopy(tuple(target / _name(p) for p in inputs), sha256, digests[0][1], tuple(made))
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def discard(copy: KeptCopy) -> None:
    """Remove what a refused file's copy made: no snapshot will ever point at it."""
    for kept in copy.made:
        if kept.is_dir():
            shutil.rmtree(kept, ignore_errors=True)
        else:
            kept.unlink(missing_ok=True)
    with suppress(OSError):
        (snapshot_dir() / copy.sha256).rmdir()  # only if nothing else is kept there


def _name(path: Path) -> str:
    return path.name or "input"


def _combined(digests: list[tuple[str, int]], extra: str) -> str:
    digest = hashlib.sha256()
    for part in (*(d for d, _s in digests), *([extra] if extra else [])):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def _unwritable(exc: OSError) -> PartnerWatchError:
    return PartnerWatchError.single(
        "write-error",
        f"cannot keep a copy of the file in the PartnerWatch home ({exc.strerror}: {exc.filename}):"
        " check that its snapshots/ and staging/ folders are writable folders",
    )
