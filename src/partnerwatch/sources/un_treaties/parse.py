"""Parse one UN human-rights treaty status file into ``treaty_status`` rows.

The files (one per treaty, named ``hr_status_<treaty>.csv``) list every UN
member: ``iso2, member, state party, year ratification or accession,
signatory, no action, status, note``. Which treaty a file holds is known only
from its name, so the name must be one of ``treaties.csv``. Some files have no
``note`` column or a row without its trailing field: a missing trailing note is
an empty note, any other short row is an error. ``NA`` is Namibia, not a
missing value. A party must be a state: a territory claimed as a party or
signatory is refused, one listed with "no action" (the extraction lists
Montserrat so) is left out with a warning.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources
from pathlib import Path

import pyarrow as pa

from partnerwatch.countries import STATES, crosswalk
from partnerwatch.errors import DataError, ErrorCollector, PartnerWatchError
from partnerwatch.sources import cells
from partnerwatch.sources.base import ParsedFile, ProgressCallback
from partnerwatch.sources.tabular import read_csv_records

REQUIRED = ("iso2", "member", "state party", "year ratification or accession", "signatory", "status")
STATUSES = ("state party", "signatory state", "no action")
SCHEMA = pa.schema(
    [
        ("country_iso3", pa.string()),
        ("treaty", pa.string()),
        ("treaty_name", pa.string()),
        ("status", pa.string()),
        ("signatory", pa.bool_()),
        ("ratification_year", pa.int32()),
        ("note", pa.string()),
    ]
)


@cache
def treaty_names() -> dict[str, tuple[str, str]]:
    """File stem -> (treaty code, full name)."""
    text = (resources.files(__package__) / "treaties.csv").read_text(encoding="utf-8")
    return {r["file_stem"]: (r["code"], r["name"]) for r in csv.DictReader(io.StringIO(text))}


def parse_treaty_status(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    file = path.name
    known = treaty_names()
    if path.stem not in known:
        raise PartnerWatchError.single(
            "not-this-format",
            f"cannot tell the treaty from the file name; expected one of {', '.join(sorted(known))}.csv",
            file=file,
        )
    code, name = known[path.stem]
    walk = crosswalk()
    errors = ErrorCollector()
    rows: list[dict[str, object]] = []
    warnings: list[str] = []
    seen: dict[str, int] = {}
    skipped: list[str] = []
    for line, record in read_csv_records(path, REQUIRED, optional_trailing=("note",), warnings=warnings):
        iso3 = walk.lookup_iso2(record["iso2"]) or walk.lookup_name(record["member"])
        if iso3 is not None and iso3 in seen:
            errors.add(
                DataError(
                    "duplicate-row",
                    f"{record['member'].strip()!r} ({iso3}) is also on line {seen[iso3]}: one status per member",
                    file=file,
                    row=line,
                    field="iso2",
                )
            )
            continue
        if iso3 is not None:
            seen[iso3] = line
            party = walk.not_a(iso3, STATES, record["member"].strip(), file=file, row=line, field="iso2")
            if party is not None and record["status"].strip() == "no action":
                # The extraction lists Montserrat among the members, with no action: an artefact, not a party.
                skipped.append(f"{record['member'].strip()} ({iso3}, line {line})")
                continue
            if party is not None:
                errors.add(party)
                continue
        if iso3 is None:
            errors.add(
                DataError(
                    "unknown-country",
                    f"{record['iso2']!r} / {record['member']!r} is not in the crosswalk",
                    file=file,
                    row=line,
                    field="iso2",
                )
            )
            continue
        status = record["status"].strip()
        if status not in STATUSES:
            errors.add(
                DataError(
                    "bad-value",
                    f"{status!r} is not one of {', '.join(STATUSES)}",
                    file=file,
                    row=line,
                    field="status",
                )
            )
            continue
        year = cells.parse_year(record["year ratification or accession"], file, line, "year ratification or accession")
        if isinstance(year, DataError):
            errors.add(year)
            continue
        note = record.get("note", "").strip()
        flag = record["state party"].strip() == "1"
        if flag != (status == "state party") or (status == "state party") != (year is not None):
            # The extraction's flags and status text disagree: keep the status text, say so.
            problem = (
                f"source inconsistent: status {status!r}, state-party flag {int(flag)},"
                f" year {year if year is not None else 'empty'}"
            )
            warnings.append(f"{file}:{line}: {problem}")
            note = f"{note}; {problem}" if note else problem
        rows.append(
            {
                "country_iso3": iso3,
                "treaty": code,
                "treaty_name": name,
                "status": status,
                "signatory": record["signatory"].strip() == "1" or status == "signatory state",
                "ratification_year": year,
                "note": note or None,
            }
        )
    errors.raise_if_any()
    if progress is not None:
        progress(len(rows))
    if not rows:
        raise PartnerWatchError.single("empty-file", "no member rows", file=file)
    if skipped:
        warnings.append(f"{file}: not states, listed with no action, so not stored: {', '.join(skipped)}")
    return ParsedFile(
        tables={"treaty_status": pa.Table.from_pylist(rows, schema=SCHEMA)}, scope=code, warnings=warnings
    )
