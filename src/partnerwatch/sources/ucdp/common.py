"""What the UCDP files share: Gleditsch-Ward code lists, safe zip reading, version ranks."""

from __future__ import annotations

import io
import zipfile
import zlib

from partnerwatch.countries import crosswalk
from partnerwatch.errors import DataError, PartnerWatchError
from partnerwatch.sources.cells import decode, digits

MAX_UNCOMPRESSED = 512 << 20  # bytes: far above any UCDP file
MAX_RATIO = 100  # a larger compression ratio is a zip bomb, not a dataset


def gw_list(value: str, file: str, row: int, field: str) -> list[str] | DataError:
    """ISO3 codes for a comma-separated list of Gleditsch-Ward codes ('' -> [])."""
    codes: list[str] = []
    for part in value.split(","):
        text = part.strip()
        if not text:
            continue
        iso3 = crosswalk().lookup_gw(int(text)) if digits(text) else None
        if iso3 is None:
            return DataError(
                "unknown-country",
                f"Gleditsch-Ward code {text!r} is not in the crosswalk",
                file=file,
                row=row,
                field=field,
            )
        codes.append(iso3)
    return codes


def read_text(data: bytes, file: str) -> tuple[str, list[str]]:
    """The CSV text of a UCDP download (the file itself, or the one CSV inside its zip) and its warnings."""
    if data[:4] != b"PK\x03\x04":
        return decode(data, "utf-8", file)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise PartnerWatchError.single("not-this-format", f"not a readable zip ({exc})", file=file) from None
    members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
    if len(members) != 1:
        raise PartnerWatchError.single(
            "not-this-format", f"expected one CSV in the zip, found {len(members)}", file=file
        )
    member = members[0]
    if member.file_size > MAX_UNCOMPRESSED or member.file_size > MAX_RATIO * max(member.compress_size, 1):
        raise PartnerWatchError.single(
            "not-this-format",
            f"{member.filename} would expand to {member.file_size:,} bytes from {member.compress_size:,}:"
            " refused as a zip bomb",
            file=file,
        )
    if member.flag_bits & 0x1:
        raise PartnerWatchError.single(
            "not-this-format", f"{member.filename} is encrypted: UCDP publishes plain archives", file=file
        )
    try:
        with archive.open(member) as fh:
            raw = fh.read(MAX_UNCOMPRESSED + 1)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError, OSError, ValueError) as exc:
        # a bad CRC, a compression method zipfile does not know, a truncated or damaged member
        raise PartnerWatchError.single(
            "not-this-format", f"{member.filename} cannot be read from the zip ({exc})", file=file
        ) from None
    if len(raw) > MAX_UNCOMPRESSED:
        raise PartnerWatchError.single("not-this-format", "zip member larger than declared", file=file)
    return decode(raw, "utf-8", f"{file}/{member.filename}")


def estimate_order(low: object, best: object, high: object, fields: tuple[str, str, str]) -> str | None:
    """Where UCDP's low, best and high estimates are out of order, which (``bd_low 236 > bd_best 235``), else None.

    The published BRD 22.1 has seven such dyad-years, off by one to six deaths:
    they are the producer's figures, so they are kept and the snapshot says so.
    """
    values = [v if isinstance(v, int) else None for v in (low, best, high)]
    for (a, name_a), (b, name_b) in (
        ((values[0], fields[0]), (values[1], fields[1])),
        ((values[1], fields[1]), (values[2], fields[2])),
    ):
        if a is not None and b is not None and a > b:
            return f"{name_a} {a} > {name_b} {b}"
    return None


def disorder_warning(file: str, disordered: list[tuple[int, str]]) -> list[str]:
    """One warning for every row whose estimates are out of order, with the first few lines named."""
    if not disordered:
        return []
    shown = "; ".join(f"line {line}: {what}" for line, what in disordered[:5])
    more = f" and {len(disordered) - 5:,} more" if len(disordered) > 5 else ""
    return [
        f"{file}: {len(disordered):,} row(s) have low, best and high estimates out of order ({shown}{more});"
        " kept as published, figures use the best estimate"
    ]


def version_rank(version: str) -> int:
    """'22.1' -> 220100, '25.0.10' -> 250010: newer releases rank higher."""
    parts = [int(p) for p in version.strip().split(".") if digits(p)][:3]
    parts += [0] * (3 - len(parts))
    return parts[0] * 10000 + parts[1] * 100 + parts[2]
