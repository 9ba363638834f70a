"""UCDP Battle-Related Deaths (dyad-year) and UCDP/PRIO Armed Conflict (conflict-year) files.

Both use Gleditsch-Ward codes (``gwno_*``, comma-separated lists where several
countries are involved), resolved through the crosswalk. A row is stored under
its first location country (``gwno_loc``); the names of all locations stay in
``location``. ``side_a_2nd`` lists the governments supporting side A (for Mali
2013-2021 it includes France and the United States): their ISO3 codes are kept
in ``supporting_iso3``.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from partnerwatch.errors import DataError, ErrorCollector, PartnerWatchError
from partnerwatch.sources import cells
from partnerwatch.sources.base import ParsedFile, ProgressCallback
from partnerwatch.sources.tabular import csv_records
from partnerwatch.sources.ucdp.common import disorder_warning, estimate_order, gw_list, read_text

SCHEMA = pa.schema(
    [
        ("dataset", pa.string()),
        ("conflict_id", pa.string()),
        ("dyad_id", pa.string()),
        ("year", pa.int32()),
        ("country_iso3", pa.string()),
        ("location", pa.string()),
        ("side_a", pa.string()),
        ("side_a_2nd", pa.string()),
        ("side_b", pa.string()),
        ("side_b_2nd", pa.string()),
        ("supporting_iso3", pa.string()),
        ("incompatibility", pa.int32()),
        ("type_of_conflict", pa.int32()),
        ("intensity_level", pa.int32()),
        ("deaths_best", pa.int32()),
        ("deaths_low", pa.int32()),
        ("deaths_high", pa.int32()),
        ("version", pa.string()),
    ]
)
BRD = (
    "conflict_id",
    "dyad_id",
    "location_inc",
    "side_a",
    "side_a_2nd",
    "side_b",
    "side_b_2nd",
    "year",
    "bd_best",
    "bd_low",
    "bd_high",
    "type_of_conflict",
    "incompatibility",
    "gwno_a_2nd",
    "gwno_loc",
    "version",
)
BRD_ESTIMATES = ("bd_low", "bd_best", "bd_high")
ACD = (
    "conflict_id",
    "location",
    "side_a",
    "side_a_2nd",
    "side_b",
    "side_b_2nd",
    "year",
    "intensity_level",
    "type_of_conflict",
    "incompatibility",
    "gwno_a_2nd",
    "gwno_loc",
    "version",
)


def parse_brd(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    return _parse(path, "ucdp-brd", BRD, progress)


def parse_acd(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    return _parse(path, "ucdp-acd", ACD, progress)


def _parse(path: Path, dataset: str, required: tuple[str, ...], progress: ProgressCallback | None) -> ParsedFile:
    file = path.name
    text, warnings = read_text(cells.read_bytes(path), file)
    errors = ErrorCollector()
    rows: list[dict[str, object]] = []
    versions: set[str] = set()
    disordered: list[tuple[int, str]] = []
    for line, r in csv_records(text, file, required, errors=errors):
        found: list[DataError] = []
        located = gw_list(r["gwno_loc"], file, line, "gwno_loc")
        supporters = gw_list(r["gwno_a_2nd"], file, line, "gwno_a_2nd")
        year = cells.parse_year(r["year"], file, line, "year")
        numbers = {
            name: cells.parse_int(r.get(column, ""), file, line, column)
            for name, column in (
                ("deaths_best", "bd_best"),
                ("deaths_low", "bd_low"),
                ("deaths_high", "bd_high"),
                ("intensity_level", "intensity_level"),
                ("type_of_conflict", "type_of_conflict"),
                ("incompatibility", "incompatibility"),
            )
        }
        found += [v for v in (located, supporters, year, *numbers.values()) if isinstance(v, DataError)]
        if not isinstance(located, DataError) and not located:
            found.append(DataError("missing-value", "no location country", file=file, row=line, field="gwno_loc"))
        if found:
            errors.extend(found)
            continue
        assert isinstance(located, list) and isinstance(supporters, list)
        disorder = estimate_order(numbers["deaths_low"], numbers["deaths_best"], numbers["deaths_high"], BRD_ESTIMATES)
        if disorder:
            disordered.append((line, disorder))
        versions.add(r["version"].strip())
        rows.append(
            {
                "dataset": dataset,
                "conflict_id": r["conflict_id"].strip(),
                "dyad_id": r.get("dyad_id", "").strip() or None,
                "year": year,
                "country_iso3": located[0],
                "location": (r.get("location_inc") or r.get("location") or "").strip() or None,
                "side_a": r["side_a"].strip() or None,
                "side_a_2nd": r["side_a_2nd"].strip() or None,
                "side_b": r["side_b"].strip() or None,
                "side_b_2nd": r["side_b_2nd"].strip() or None,
                "supporting_iso3": ";".join(supporters) or None,
                **numbers,
                "version": r["version"].strip() or None,
            }
        )
    errors.raise_if_any()
    if not rows:
        raise PartnerWatchError.single("empty-file", "no data rows", file=file)
    if progress is not None:
        progress(len(rows))
    release = ",".join(sorted(versions))
    return ParsedFile(
        tables={"conflict_deaths": pa.Table.from_pylist(rows, schema=SCHEMA)},
        scope=dataset,
        release=release,
        notes=f"{dataset} version {release}",
        warnings=warnings + disorder_warning(file, disordered),
    )
