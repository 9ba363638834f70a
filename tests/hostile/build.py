"""Write the hostile corpus: each source's small valid file, broken in the ways real files break.

Run from the repository root (`python tests/hostile/build.py`); the files it
writes are committed, so a reviewer can read every case. Two cases are made
by the test itself because they are large or binary: a 10 MB field and a zip
bomb in place of the UCDP archive.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"

# Each source's valid base: the hand-written files the other tests use.
BASES = {
    "acled": DATA / "acled" / "current_export.csv",
    "sipri-transfers": DATA / "sipri" / "register_small.csv",
    "foreignassistance": DATA / "foreignassistance" / "complete_small.csv",
    "ucdp-ged": DATA / "ucdp" / "ged_small.csv",
}

AWSD = (
    "Incident ID,Year,Month,Day,Country Code,Country,Region,District,City,Total killed,Total wounded,"
    "Total kidnapped,Total detained,Total affected,Total nationals,Total internationals,Means of attack,"
    "Attack context,Latitude,Longitude,Actor type,Actor name,Motive,Details,Verified\n"
    "#event+id,#date+year,,,,,,,,,,,,,,,,,,,,,,,\n"
    "10,2021,5,3,ML,Mali,Mopti,,Bandiagara,1,0,0,0,1,1,0,Shooting,Ambush,14.35,-3.61,Unknown,,Unknown,"
    "Driver shot.,Yes\n"
    "11,2021,6,7,ML,Mali,Gao,,,0,0,2,0,2,2,0,Kidnapping,Raid,16.27,-0.04,Non-state armed group,,"
    "Political,Two staff taken.,Yes\n"
    "12,2022,1,9,NE,Niger,Tillaberi,,,1,0,0,0,1,1,0,Shooting,Ambush,14.2,1.45,Unknown,,Unknown,Guard killed.,Yes\n"
)

BRD = (
    "conflict_id,dyad_id,location_inc,side_a,side_a_id,side_a_2nd,side_b,side_b_id,side_b_2nd,incompatibility,"
    "territory_name,year,bd_best,bd_low,bd_high,type_of_conflict,battle_location,gwno_a,gwno_a_2nd,gwno_b,"
    "gwno_b_2nd,gwno_loc,gwno_battle,region,version\n"
    "11347,12028,Mali,Government of Mali,133,,CMA,1166,,1,Azawad,2013,200,180,260,4,Mali,432,"
    '"220, 2",,,432,432,4,22.1\n'
    "11347,12028,Mali,Government of Mali,133,,CMA,1166,,1,Azawad,2014,61,61,75,4,Mali,432,,,,432,432,4,22.1\n"
)


ENCODING = {"sipri-transfers": "cp1252"}


def lines(source: str, path: Path) -> list[str]:
    return path.read_text(encoding=ENCODING.get(source, "utf-8")).splitlines(keepends=True)


def header_rows(source: str, text: list[str]) -> int:
    """How many lines come before the first data row (SIPRI's preamble, HXL rows)."""
    if source == "sipri-transfers":
        return next(i for i, line in enumerate(text) if line.startswith("Recipient")) + 1
    if source == "awsd":
        return 2
    return 1


def write(path: Path, text: str | bytes, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding=encoding, newline="")


def mutate(source: str, base: list[str], folder: Path) -> None:
    encoding = ENCODING.get(source, "utf-8")
    head = header_rows(source, base)
    body = base[head:]
    write(folder / "empty.csv", b"")
    write(folder / "header_only.csv", "".join(base[:head]), encoding)
    whole = "".join(base)
    write(folder / "truncated.csv", whole[: len(whole) - len(body[-1]) // 2], encoding)
    write(folder / "utf16.csv", whole.encode("utf-16"))
    if encoding == "utf-8":
        # One byte of Windows-1252 (é) in a UTF-8 file: the export was re-saved by a spreadsheet.
        write(folder / "cp1252.csv", whole.replace(body[0], body[0].replace("a", "é", 1), 1), "cp1252")
    ragged = body[0].rstrip("\r\n").rsplit(",", 2)[0] + "\n"
    write(folder / "ragged.csv", "".join(base[:head]) + ragged + "".join(body[1:]), encoding)
    write(folder / "binary.csv", b"\x00\x01\x02PK\x03\x04" + bytes(range(256)) * 8)


# (case, data row index, column, value): one wrong value in an otherwise valid file.
EDITS = {
    "acled": [
        ("impossible_date", 0, "event_date", "2022-02-30"),
        ("negative_fatalities", 1, "fatalities", "-3"),
        ("text_fatalities", 1, "fatalities", "dozens"),
        ("duplicate_id", 1, "event_id_cnty", "MLI9001"),
    ],
    "ucdp-ged": [
        ("impossible_date", 0, "date_start", "2022-13-01 00:00:00.000"),
        ("negative_deaths", 1, "best", "-5"),
        ("duplicate_id", 1, "id", "400001"),
    ],
    "ucdp-brd": [
        ("text_deaths", 0, "bd_best", "about 200"),
        ("impossible_year", 1, "year", "20x4"),
    ],
    "awsd": [
        ("impossible_month", 0, "Month", "13"),
        ("negative_killed", 1, "Total killed", "-1"),
        ("text_killed", 1, "Total killed", "two"),
    ],
    "foreignassistance": [
        ("text_amount", 0, "Current Dollar Amount", "1,500,000 USD"),
        ("impossible_year", 0, "Fiscal Year", "FY19x"),
    ],
}
# Values that pass a careless check: digits int() refuses ('²'), years no data can have, NUL bytes in text,
# aggregates where a country belongs.
EDITS["acled"] += [
    ("superscript_fatalities", 1, "fatalities", "1\u00b2"),
    ("year_2999", 0, "event_date", "2999-01-01"),
    ("year_0", 0, "event_date", "0000-01-01"),
    ("nul_in_notes", 2, "notes", "Attack\x00on the market."),
]
EDITS["ucdp-ged"] += [
    ("superscript_deaths", 0, "best", "\u00b2"),
    ("year_2999", 1, "date_start", "2999-04-02 00:00:00.000"),
]
EDITS["ucdp-brd"] += [
    ("superscript_year", 0, "year", "20\u00b23"),
    ("year_0", 1, "year", "0000"),
]
EDITS["awsd"] += [
    ("year_2999", 0, "Year", "2999"),
]
# (case, data row, {column: value}): an aggregate named where a country belongs.
WORLD = {
    "acled": ("world_as_country", 0, {"iso": "", "country": "World"}),
    "awsd": ("world_as_country", 1, {"Country Code": "", "Country": "World"}),
}
EDITS["foreignassistance"] += [
    ("year_2999", 0, "Fiscal Year", "2999"),
]
# (case, column repeated at the end of the header, its value in every row): the last one would win.
DUPLICATE_COLUMNS = {
    "acled": ("fatalities", "0"),
    "ucdp-ged": ("best", "0"),
    "ucdp-brd": ("bd_best", "0"),
    "awsd": ("Total killed", "0"),
    "foreignassistance": ("Current Dollar Amount", "0"),
}


def edit(text: str, head: int, row: int, column: str, value: str) -> str:
    records = list(csv.reader(io.StringIO(text, newline="")))
    records[head + row][records[0].index(column)] = value
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(records)
    return out.getvalue()


def duplicate_column(text: str, head: int, column: str, value: str) -> str:
    records = list(csv.reader(io.StringIO(text, newline="")))
    records[0].append(column)
    for record in records[1:]:
        record.append("" if record[0].startswith("#") else value)
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(records)
    return out.getvalue()


def hxl_cases(text: str, folder: Path) -> None:
    """HDX copies carry a hashtag row under the header; a spreadsheet sort can move it, an export can drop it."""
    rows = text.splitlines(keepends=True)
    write(folder / "hxl_missing.csv", rows[0] + "".join(rows[2:]))
    write(folder / "hxl_moved.csv", rows[0] + rows[2] + rows[1] + "".join(rows[3:]))


def main() -> None:
    for source, base_path in BASES.items():
        folder = HERE / source
        shutil.rmtree(folder, ignore_errors=True)
        mutate(source, lines(source, base_path), folder)
    for source, text in (("awsd", AWSD), ("ucdp-brd", BRD)):
        folder = HERE / source
        shutil.rmtree(folder, ignore_errors=True)
        write(folder / "valid.csv", text)
        mutate(source, text.splitlines(keepends=True), folder)
    hxl_cases(AWSD, HERE / "awsd")
    for source, cases in EDITS.items():
        base = (BASES[source] if source in BASES else HERE / source / "valid.csv").read_text(encoding="utf-8")
        for case, row, column, value in cases:
            write(HERE / source / f"{case}.csv", edit(base, header_rows(source, []), row, column, value))
        if source in WORLD:
            case, row, values = WORLD[source]
            text = base
            for column, value in values.items():
                text = edit(text, header_rows(source, []), row, column, value)
            write(HERE / source / f"{case}.csv", text)
        column, value = DUPLICATE_COLUMNS[source]
        write(HERE / source / "duplicate_column.csv", duplicate_column(base, header_rows(source, []), column, value))
    sipri = lines("sipri-transfers", BASES["sipri-transfers"])
    head = header_rows("sipri-transfers", sipri)
    for case, old, new in (
        ("superscript_year", sipri[head], sipri[head].replace(",2016,", ",20\u00b216,", 1)),
        ("year_2999", sipri[head], sipri[head].replace(",2016,", ",2999,", 1)),
        ("duplicate_column", sipri[head - 1], sipri[head - 1].replace("status,Comments", "status,status", 1)),
    ):
        write(HERE / "sipri-transfers" / f"{case}.csv", "".join(sipri).replace(old, new, 1), "cp1252")


if __name__ == "__main__":
    main()
