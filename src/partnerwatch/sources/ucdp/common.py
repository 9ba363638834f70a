"""What the UCDP files share: Gleditsch-Ward code lists, safe zip reading, version ranks."""

from __future__ import annotations

import io
import zipfile

from partnerwatch.countries import crosswalk
from partnerwatch.errors import DataError, PartnerWatchError
from partnerwatch.sources.cells import decode

MAX_UNCOMPRESSED = 512 << 20  # bytes: far above any UCDP file
MAX_RATIO = 100  # a larger compression ratio is a zip bomb, not a dataset


def gw_list(value: str, file: str, row: int, field: str) -> list[str] | DataError:
    """ISO3 codes for a comma-separated list of Gleditsch-Ward codes ('' -> [])."""
    codes: list[str] = []
    for part in value.split(","):
        text = part.strip()
        if not text:
            continue
        iso3 = crosswalk().lookup_gw(int(text)) if text.isdigit() else None
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


def read_text(data: bytes, file: str) -> str:
    """The CSV text of a UCDP download: the file itself, or the one CSV inside its zip."""
    if data[:4] != b"PK\x03\x04":
        text, _warnings = decode(data, "utf-8", file)
        return text
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
    with archive.open(member) as fh:
        raw = fh.read(MAX_UNCOMPRESSED + 1)
    if len(raw) > MAX_UNCOMPRESSED:
        raise PartnerWatchError.single("not-this-format", "zip member larger than declared", file=file)
    return raw.decode("utf-8-sig")


def version_rank(version: str) -> int:
    """'22.1' -> 220100, '25.0.10' -> 250010: newer releases rank higher."""
    parts = [int(p) for p in version.strip().split(".") if p.isdigit()][:3]
    parts += [0] * (3 - len(parts))
    return parts[0] * 10000 + parts[1] * 100 + parts[2]
