"""Parse one fiscal year of the State Department's budget table by account and country into ``state_budget`` rows.

The files are text taken from a PDF table, one fiscal year each, and they
show it: the set of account columns changes between years (``GHCS- USAID``
in FY2008, ``GHP USAID`` in FY2014, ``PL 480`` then ``P.L. 480``, ``Other*``
then ``Other**``), so every column that is not the line's total is kept as an
account under its name as printed and a normalised code; names of budget
lines that wrap in the PDF arrive as rows of text without amounts followed by
the row that carries them ("International Fund for Agricultural" /
"Development"), and are joined; and some lines of the functional bureaus
were extracted twice, once under each wrapping of their name, with the same
amounts: the second is kept and marked with the row it repeats, so that no
sum counts it twice.

What the file prints is checked, not trusted: each line's accounts must add
up to its printed total (and ``Total without GHCS-State`` to the total less
GHCS-State), and each region's lines — its countries and regional lines,
which follow its heading — to the region's printed total. That second check
also says where a region ends, which nothing else in the file marks. A
failed check is a ``total-mismatch`` (the file is refused unless the user
accepts it); an empty total cell is not a contradiction and only warns.

Amounts are in thousands of dollars as printed (``amount_thousands``) and in
dollars (``amount_usd``); ``-`` means none and is stored as 0, so that a
line the table lists with nothing is still there. Whether a year's amounts
are actual allocations or a request is not in the file: ``basis.toml``
says, and a year it does not list is loaded without a basis, with a warning.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import pyarrow as pa

from partnerwatch.countries import PLACES, Crosswalk, crosswalk
from partnerwatch.errors import DataError, ErrorCollector, PartnerWatchError
from partnerwatch.sources import cells
from partnerwatch.sources.base import ParsedFile, ProgressCallback
from partnerwatch.sources.tabular import csv_records

SOURCE = "state-budget"
NAME, YEAR = "Country", "Fiscal Year"
TOTALS = ("Total", "All Accounts")
WITHOUT = "Total without GHCS-State"
REGIONS = (
    "Africa",
    "East Asia and Pacific",
    "Europe and Eurasia",
    "Near East",
    "South and Central Asia",
    "Western Hemisphere",
)
"""The State Department's six regional bureaus: each heads a block of its countries and regional lines."""
LARGEST = 1_000_000_000  # thousands: a trillion dollars in one cell is a broken cell, not a budget line
SCHEMA = pa.schema(
    [
        ("fiscal_year", pa.int32()),
        ("basis", pa.string()),
        ("line", pa.string()),
        ("line_kind", pa.string()),
        ("region", pa.string()),
        ("country_iso3", pa.string()),
        ("account", pa.string()),
        ("account_printed", pa.string()),
        ("amount_thousands", pa.int64()),
        ("amount_usd", pa.float64()),
        ("repeats_row", pa.int32()),
        ("document", pa.string()),
        ("source_row", pa.int32()),
    ]
)


@cache
def _budget_notes() -> dict[str, dict[str, list[object]]]:
    text = (resources.files("partnerwatch.sources.state_budget") / "budget.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def basis_by_year() -> dict[int, str]:
    """Fiscal year -> ``actual`` or ``request`` (budget.toml)."""
    return {int(str(year)): basis for basis, years in _budget_notes()["basis"].items() for year in years}


def known_regional_lines() -> frozenset[str]:
    return frozenset(str(name).casefold() for name in _budget_notes()["lines"]["regional"])


def account_code(printed: str) -> str:
    """One code per account whatever the spelling of the year: ``GHCS- USAID`` -> ``GHCS-USAID``."""
    code = " ".join(printed.replace("*", " ").split())
    if match := re.fullmatch(r"(GHCS|GHP)\s*-?\s*(USAID|STATE)", code, flags=re.IGNORECASE):
        return f"{match.group(1).upper()}-{match.group(2).upper()}"
    if re.fullmatch(r"P\.?\s*L\.?\s*480", code, flags=re.IGNORECASE):
        return "P.L. 480"
    return code


@dataclass
class Line:
    """One budget line: its name (fragments joined), first row, and amounts in thousands by account header."""

    name: str
    row: int
    fiscal_year: int
    amounts: dict[str, int]
    total: int | None
    kind: str = "other"
    region: str | None = None
    iso3: str | None = None
    repeats_row: int | None = None

    @property
    def summed(self) -> int:
        return sum(self.amounts.values())


def parse_state_budget(path: Path, progress: ProgressCallback | None = None) -> ParsedFile:
    file = path.name
    text, warnings = cells.decode(cells.read_bytes(path), "cp1252", file)
    errors = ErrorCollector()
    lines, document = _read_lines(text, file, errors, warnings)
    errors.raise_if_any()
    if not lines:
        raise PartnerWatchError.single("empty-file", "no budget lines with amounts", file=file)
    years = sorted({x.fiscal_year for x in lines})
    if len(years) > 1:
        raise PartnerWatchError.single(
            "bad-value",
            f"the file mixes fiscal years {', '.join(map(str, years))}: one budget table holds one year",
            file=file,
            field=YEAR,
        )
    year = years[0]
    basis = basis_by_year().get(year)
    if basis is None:
        warnings.append(
            f"{file}: whether FY{year} is actual or requested is not known (sources/state_budget/budget.toml);"
            " loaded without a basis"
        )
    walk = crosswalk()
    for line in lines:  # a region's heading or the TOTAL line is never a country's
        if line.name not in REGIONS and line.name.casefold() != "total":
            line.iso3 = _country(line.name, walk)
    _mark_repeats(lines)
    mismatches = _place(lines, file)
    known = known_regional_lines()
    odd = sorted(
        {
            x.name
            for x in lines
            if x.kind == "regional" and "regional" not in x.name.casefold() and x.name.casefold() not in known
        }
    )
    if odd:
        warnings.append(
            f"{file}: kept as regional lines, being neither a country in the crosswalk nor named regional: "
            + "; ".join(odd)
            + " (add an alias for source 'state-budget' if one is a country)"
        )
    repeats = [x for x in lines if x.repeats_row is not None]
    if repeats:
        warnings.append(
            f"{file}: {len(repeats)} line{'s' if len(repeats) > 1 else ''} repeat the line above with the same amounts"
            " (the table's text extraction printed them twice): kept and marked (repeats_row), never summed"
        )
    rows = [
        {
            "fiscal_year": year,
            "basis": basis,
            "line": x.name,
            "line_kind": x.kind,
            "region": x.region,
            "country_iso3": x.iso3,
            "account": account_code(header),
            "account_printed": header,
            "amount_thousands": amount,
            "amount_usd": float(amount) * 1000.0,
            "repeats_row": x.repeats_row,
            "document": document,
            "source_row": x.row,
        }
        for x in lines
        for header, amount in x.amounts.items()
    ]
    if progress is not None:
        progress(len(rows))
    return ParsedFile(
        tables={"state_budget": pa.Table.from_pylist(rows, schema=SCHEMA)},
        scope=f"FY{year}",
        notes=f"FY{year} ({basis or 'basis not known'}); document cited: {document or 'none printed'}",
        warnings=warnings,
        mismatches=mismatches,
    )


def _read_lines(text: str, file: str, errors: ErrorCollector, warnings: list[str]) -> tuple[list[Line], str | None]:
    """The file's budget lines with their amounts checked against their totals; the document URL it cites."""
    lines: list[Line] = []
    pending: list[tuple[int, str]] = []
    document: str | None = None
    headers: list[str] = []
    total_header: str | None = None
    seen: dict[str, Line] = {}
    for row, record in csv_records(text, file, (NAME, YEAR), errors=errors, column=_column):
        if not headers:
            headers = [h for h in record if h not in (NAME, YEAR, WITHOUT, *TOTALS)]
            total_header = next((h for h in TOTALS if h in record), None)
            if total_header is None:
                raise PartnerWatchError.single(
                    "missing-column", "no line total ('Total' or 'All Accounts')", file=file, row=1, field="Total"
                )
        name = " ".join(record[NAME].split())
        if (bad := cells.control_char_error(name, file, row, NAME)) is not None:
            errors.add(bad)
            continue
        printed = [record[h] for h in (*headers, total_header) if h is not None]
        if not any(v.strip() for v in printed) and not record.get(WITHOUT, "").strip():
            if name.startswith(("http://", "https://")):
                document = name
            elif name:
                pending.append((row, name))
            continue
        full = " ".join([p for _r, p in pending] + ([name] if name else []))
        first = pending[0][0] if pending else row
        pending = []
        if not full:
            errors.add(DataError("missing-value", "amounts with no budget line named", file=file, row=row, field=NAME))
            continue
        year = cells.parse_year(record[YEAR], file, row, YEAR, ahead=5)
        if not isinstance(year, int):
            errors.add(year or DataError("missing-value", "no fiscal year", file=file, row=row, field=YEAR))
            continue
        amounts: dict[str, int] = {}
        for header in headers:
            value = _amount(record[header], file, row, header)
            if isinstance(value, DataError):
                errors.add(value)
            elif value is not None:
                amounts[header] = value
        assert total_header is not None
        total = _amount(record[total_header], file, row, total_header)
        without = _amount(record[WITHOUT], file, row, WITHOUT) if WITHOUT in record else None
        if isinstance(total, DataError) or isinstance(without, DataError):
            errors.extend(x for x in (total, without) if isinstance(x, DataError))
            continue
        key = full.casefold()
        line = Line(full, first, year, amounts, total)
        if line.total is None:
            warnings.append(
                f"{file}:{row}: {full!r} prints no total; its accounts (summing to {line.summed:,} thousand) are kept"
            )
        elif line.summed != line.total:
            errors.add(
                DataError(
                    "total-mismatch",
                    f"{full!r}: the accounts add up to {line.summed:,} thousand, the line prints {line.total:,}",
                    file=file,
                    row=row,
                    field=total_header,
                )
            )
            continue
        state = next((h for h in headers if account_code(h) == "GHCS-STATE"), None)
        if without is not None and line.total is not None and without != line.total - amounts.get(state or "", 0):
            errors.add(
                DataError(
                    "total-mismatch",
                    f"{full!r}: {without:,} thousand is not the total less GHCS-State",
                    file=file,
                    row=row,
                    field=WITHOUT,
                )
            )
            continue
        lines.append(line)
        if key in seen and seen[key].amounts != line.amounts:
            errors.add(
                DataError(
                    "duplicate-row",
                    f"{full!r} is already on line {seen[key].row} with other amounts",
                    file=file,
                    row=row,
                    field=NAME,
                )
            )
        seen.setdefault(key, line)
    if pending:
        warnings.append(
            f"{file}: text after the last amounts, on no budget line: " + "; ".join(f"{r}: {p!r}" for r, p in pending)
        )
    return lines, document


def _column(header: str) -> str:
    name = " ".join(header.split())
    return NAME if name.casefold() == "country" else YEAR if name.casefold() == "fiscal year" else name


def _amount(value: str, file: str, row: int, field: str) -> int | None | DataError:
    """Thousands of dollars: ``-`` is none (0), an empty cell is not printed (None); negatives are rescissions."""
    if value.strip() in ("-", "–"):
        return 0
    return cells.parse_int(value, file, row, field, minimum=-LARGEST, maximum=LARGEST)


def _mark_repeats(lines: list[Line]) -> None:
    """The same line printed twice: not a country, the amounts of the line above in every account, a like name.

    The extraction repeated lines under two wrappings of their name ("Democracy, Human Rights and Labor
    (DRL)" / "Democracy, Human Rights and Labor"; "Office to Monitor and Combat Trafficking In Persons" /
    "State Office to Monitor and Combat Trafficking in Persons (G/TIP)"). Equal amounts alone are not enough
    (two special representatives each allotted $1,000 thousand of ESF in FY2012), nor are countries ever
    marked: two countries may well be allotted the same amounts.
    """
    for before, line in zip(lines, lines[1:], strict=False):
        if line.summed == 0 or line.amounts != before.amounts or line.iso3 or before.iso3:
            continue
        if _alike(before.name, line.name):
            line.repeats_row = before.repeats_row or before.row


_MINOR = frozenset({"of", "the", "and", "for", "to", "in"})


def _alike(one: str, other: str) -> bool:
    """At least half the words of the shorter name are in the other (small words and initials aside)."""
    words = [{w for w in re.findall(r"[a-z]{2,}", name.casefold()) if w not in _MINOR} for name in (one, other)]
    shorter = min(len(w) for w in words)
    return shorter > 0 and len(words[0] & words[1]) / shorter >= 0.5


def _place(lines: list[Line], file: str) -> list[DataError]:
    """Kind and region of each line; each region's lines reconciled with its printed total."""
    mismatches: list[DataError] = []
    region: Line | None = None
    running = 0
    for index, line in enumerate(lines):
        if line.name.casefold() == "total":
            line.kind = "total"
        elif line.name in REGIONS:
            if region is not None:
                mismatches.append(_region_mismatch(region, running, file, "before the next region"))
            line.kind, line.region, region, running = "region", line.name, line, 0
            continue
        elif line.iso3 is not None:
            line.kind = "country"
        if region is None:
            continue
        line.region = region.name
        if line.kind != "country":
            line.kind = "regional"
        if line.repeats_row is None:
            running += line.summed
        following = lines[index + 1] if index + 1 < len(lines) else None
        if running == region.total and (following is None or following.iso3 is None):
            region = None
    if region is not None:
        mismatches.append(_region_mismatch(region, running, file, "by the end of the table"))
    return mismatches


def _country(name: str, walk: Crosswalk) -> str | None:
    """The place a line names, or None for a region, program, bureau or agency."""
    iso3 = walk.lookup_name(name, SOURCE)
    return iso3 if iso3 is not None and walk.not_a(iso3, PLACES, name) is None else None


def _region_mismatch(region: Line, running: int, file: str, where: str) -> DataError:
    return DataError(
        "total-mismatch",
        f"the lines under {region.name!r} add up to {running:,} thousand {where}, the region prints"
        f" {region.total or 0:,}",
        file=file,
        row=region.row,
        field="Total",
    )
