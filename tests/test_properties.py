"""Property tests: whatever rows a file in a source's format holds, its parser answers with rows or coded errors.

Hypothesis writes files with each source's real header and rows whose cells
are drawn from the valid files' values, from numbers of every sign and size,
from dates real and impossible and from arbitrary text (quotes, commas, line
breaks, non-Latin scripts). The parser may refuse them — with a
``PartnerWatchError`` — but nothing else may escape: no ``ValueError``, no
``KeyError``, no Arrow error, no traceback for a user to read.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from partnerwatch.errors import PartnerWatchError
from partnerwatch.sources import get_source
from partnerwatch.sources.acled.parse import parse_acled, parse_acled_rows
from partnerwatch.sources.base import ReadAgain

EXAMPLES = int(os.environ.get("PARTNERWATCH_EXAMPLES", "0"))
"""Examples per property; the defaults keep CI quick, a hunt sets e.g. PARTNERWATCH_EXAMPLES=2000."""
DATA = Path(__file__).parent / "data"
HOSTILE = Path(__file__).parent / "hostile"
TREATY = (
    "iso2,member,state party,year ratification or accession,signatory,no action,status,note\n"
    "ML,Mali,1,1990,0,0,state party,\n"
    "NE,Niger,0,,1,0,signatory,signed 1990\n"
)
SUMMARY = (
    "country_id,country_code,country_name,region_id,region_name,income_group_id,income_group_name,"
    "income_group_acronym,transaction_type_id,transaction_type_name,fiscal_year,current_amount,constant_amount\n"
    "466,MLI,Mali,4,Sub-Saharan Africa,1,Low Income Country,LIC,2,Obligations,2021,239632645,239632645\n"
    "562,NER,Niger,4,Sub-Saharan Africa,1,Low Income Country,LIC,3,Disbursements,1976tq,1000,5000\n"
)


def _base(source: str) -> tuple[str, str]:
    """(file name, valid text) for each source the properties cover."""
    files = {
        "acled": DATA / "acled" / "current_export.csv",
        "ucdp-ged": DATA / "ucdp" / "ged_small.csv",
        "foreignassistance": DATA / "foreignassistance" / "complete_small.csv",
        "awsd": HOSTILE / "awsd" / "valid.csv",
        "ucdp-brd": HOSTILE / "ucdp-brd" / "valid.csv",
    }
    if source == "un-treaties":
        return "hr_status_crc.csv", TREATY
    if source == "foreignassistance-summary":
        return "us_foreign_aid_country.csv", SUMMARY
    path = files[source]
    return path.name, path.read_text(encoding="utf-8")


SOURCES = ["acled", "ucdp-ged", "ucdp-brd", "awsd", "foreignassistance", "foreignassistance-summary", "un-treaties"]

numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(lambda d: f"{d:,}"),
)
dates = st.one_of(
    st.dates().map(str),
    st.tuples(st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99)).map(
        lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}"
    ),
)
text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40)
special = st.sampled_from(["", " ", "#event+id", "NA", "n/a", "...", "xxx", "-", "?", "\ufeff", "1e309", "0x1F"])


def _file(data: st.DataObject, source: str) -> tuple[str, str]:
    name, base = _base(source)
    rows = list(csv.reader(io.StringIO(base, newline="")))
    header, valid = rows[0], rows[1:]
    hxl = [valid.pop(0)] if valid and valid[0] and valid[0][0].startswith("#") else []
    out: list[list[str]] = [header, *hxl]
    for _ in range(data.draw(st.integers(min_value=0, max_value=6))):
        row = list(data.draw(st.sampled_from(valid)))
        for _ in range(data.draw(st.integers(min_value=0, max_value=3))):  # a few cells: many files still load
            column = data.draw(st.integers(min_value=0, max_value=len(row) - 1))
            pool = st.sampled_from([r[column] for r in valid if column < len(r)] or [row[column]])
            row[column] = data.draw(st.one_of(pool, numbers, dates, text, special))
        if data.draw(st.integers(0, 9)) == 0:  # now and then a ragged row
            row = row[: data.draw(st.integers(0, len(row)))]
        out.append(row)
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator=data.draw(st.sampled_from(["\n", "\r\n"]))).writerows(out)
    return name, buffer.getvalue()


def _parse_everything(source: str, name: str, data: bytes) -> None:
    registered = "foreignassistance" if source == "foreignassistance-summary" else source
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            parsed = get_source(registered).parse(path, None)
            for stream in parsed.streams.values():
                for _batch in stream:
                    pass
        except ReadAgain:
            event("read again row by row")
        except PartnerWatchError as error:
            assert all(e.code and e.file for e in error.errors)
            event(f"refused: {error.errors[0].code}")
        else:
            event("parsed")


@pytest.mark.parametrize("source", SOURCES)
@settings(max_examples=EXAMPLES or 60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_rows_in_the_format_give_rows_or_coded_errors(source: str, data: st.DataObject) -> None:
    name, text_ = _file(data, source)
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig"]))
    _parse_everything(source, name, text_.encode(encoding, "surrogatepass"))


@pytest.mark.parametrize(
    "source",
    [
        *SOURCES,
        "sipri-transfers",
        "fmtr",
        "sipri-milex",
        "idmc",
        "iom-dtm",
        "greenbook",
        "coups",
        "un-peacekeeping",
        "state-budget",
    ],
)
@settings(max_examples=EXAMPLES or 25, deadline=None)
@given(blob=st.binary(max_size=2000))
def test_arbitrary_bytes_give_coded_errors(source: str, blob: bytes) -> None:
    names = {"fmtr": "FY2020_Africa.pdf", "sipri-milex": "milex.xlsx", "idmc": "idmc.xlsx", "iom-dtm": "dtm.xlsx"}
    name = names.get(source, _base(source)[0] if source in SOURCES else "register.csv")
    _parse_everything(source, name, blob)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), text),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(text, inner, max_size=3)),
    max_leaves=5,
)


@pytest.mark.parametrize("source", ["acled", "ucdp-ged", "foreignassistance"])
@settings(max_examples=EXAMPLES or 40, deadline=None)
@given(data=st.data())
def test_api_downloads_give_rows_or_coded_errors(source: str, data: st.DataObject) -> None:
    """The JSON-lines files `fetch` writes: any value in any field, typed as JSON allows."""
    name, base = _base(source)
    rows = list(csv.DictReader(io.StringIO(base, newline="")))
    lines = []
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        record: dict[str, object] = dict(data.draw(st.sampled_from(rows)))
        for key in data.draw(st.lists(st.sampled_from(sorted(record)), max_size=3)):
            record[key] = data.draw(json_values)
        lines.append(json.dumps(record))
    _parse_everything(source, name.replace(".csv", ".jsonl"), "\n".join(lines).encode("utf-8"))


@settings(max_examples=EXAMPLES or 80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_acled_column_and_row_readers_agree(data: st.DataObject) -> None:
    """The column reader gives the row reader's table, or defers to it (ReadAgain), or both refuse the file."""
    name, text_ = _file(data, "acled")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(text_.encode("utf-8"))
        try:
            expected: pa.Table | None = parse_acled_rows(path).tables["harm_events"]
        except PartnerWatchError:
            expected = None
        try:
            parsed = parse_acled(path)
            batches = [b for stream in parsed.streams.values() for b in stream]
            got: pa.Table | None = pa.Table.from_batches(batches) if parsed.streams else parsed.tables["harm_events"]
            event("column reader")
        except ReadAgain as again:
            got = again.parsed.tables["harm_events"]
            event("read again")
        except PartnerWatchError:
            got = None
            event("refused")
        assert (got is None) == (expected is None)
        if got is not None and expected is not None:
            assert got.equals(expected)


CSV_SOURCES = ["acled", "ucdp-ged", "ucdp-brd", "awsd", "foreignassistance", "foreignassistance-summary"]


@pytest.mark.parametrize("source", CSV_SOURCES)
@settings(max_examples=EXAMPLES or 20, deadline=None)
@given(data=st.data())
def test_a_column_named_twice_is_always_refused(source: str, data: st.DataObject) -> None:
    """Whichever column is repeated, wherever: the last one must never silently win."""
    name, base = _base(source)
    rows = list(csv.reader(io.StringIO(base, newline="")))
    header = rows[0]
    repeated = data.draw(st.sampled_from([h for h in header if h.strip()]))
    at = data.draw(st.integers(min_value=0, max_value=len(header)))
    value = data.draw(st.one_of(numbers, st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]))))
    out = [[*row[:at], repeated if i == 0 else value, *row[at:]] for i, row in enumerate(rows)]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(out)
    registered = "foreignassistance" if source == "foreignassistance-summary" else source
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(buffer.getvalue(), encoding="utf-8")
        with pytest.raises(PartnerWatchError) as caught:
            parsed = get_source(registered).parse(path, None)
            for stream in parsed.streams.values():
                list(stream)
        assert [e.code for e in caught.value.errors] == ["duplicate-column"]


STRAY = st.sampled_from(["\ufeff", "\x00", "\x01", "\x1b", "\x7f", "\u2028", "\u2029", "\x0b", "\x0c", "\x85"])


@pytest.mark.parametrize("source", [*CSV_SOURCES, "un-treaties"])
@settings(max_examples=EXAMPLES or 25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_stray_characters_are_refused_or_leave_no_trace(source: str, data: st.DataObject) -> None:
    """A byte-order mark, a control character or a line separator in a cell: refused, or not stored as such.

    Loaded text never holds U+FEFF or a C0 control (tab and line ends aside); U+2028 may stay (it is text).
    """
    name, base = _base(source)
    rows = list(csv.reader(io.StringIO(base, newline="")))
    body = [r for r in rows[1:] if not (r and r[0].startswith("#"))]
    row = data.draw(st.integers(min_value=0, max_value=len(body) - 1))
    column = data.draw(st.integers(min_value=0, max_value=len(body[row]) - 1))
    stray = data.draw(STRAY)
    place = data.draw(st.sampled_from(["start", "end", "middle"]))
    cell = body[row][column]
    body[row][column] = {"start": stray + cell, "end": cell + stray}.get(place, cell[:1] + stray + cell[1:])
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    registered = "foreignassistance" if source == "foreignassistance-summary" else source
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(buffer.getvalue(), encoding="utf-8")
        try:
            parsed = get_source(registered).parse(path, None)
            tables = list(parsed.tables.values()) + [
                pa.Table.from_batches(batches) for batches in (list(s) for s in parsed.streams.values()) if batches
            ]
        except ReadAgain as again:
            tables = list(again.parsed.tables.values())
        except PartnerWatchError as error:
            assert all(e.code and e.file for e in error.errors)
            event(f"refused: {error.errors[0].code}")
            return
    event("loaded")
    for table in tables:
        for column_name in table.column_names:
            if pa.types.is_string(table.schema.field(column_name).type):
                for value in table.column(column_name).to_pylist():
                    if value is not None:
                        assert "\ufeff" not in value and not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", value)


@settings(max_examples=EXAMPLES or 40, deadline=None)
@given(
    multiply=st.one_of(st.integers(), st.floats(), st.booleans(), text, st.none()),
    header_row=st.one_of(st.integers(), st.booleans(), text, st.none()),
    sheet=st.one_of(st.none(), st.integers(), text),
    source_kind=st.sampled_from(["table", "text", "array", "missing"]),
)
def test_any_mapping_gives_rows_or_coded_errors(
    multiply: object, header_row: object, sheet: object, source_kind: str
) -> None:
    """An analyst's mapping with values of any type (TOML as written by hand): rows, or a coded error naming the key."""
    from partnerwatch.sources.table.parse import parse_table

    def toml(value: object) -> str:
        return json.dumps(value) if not isinstance(value, bool) else str(value).lower()

    source = {
        "table": '[source]\nproducer = "p"\ncitation = "c"\nlicence = "l"\n',
        "text": 'source = "me"\n',
        "array": "source = [1, 2]\n",
        "missing": "",
    }[source_kind]
    table = ""
    if header_row is not None or sheet is not None:
        table = "[table]\n" + (f"header_row = {toml(header_row)}\n" if header_row is not None else "")
        table += f"sheet = {toml(sheet)}\n" if sheet is not None else ""
    spec = f'{{ from = "Trainees"{f", multiply = {toml(multiply)}" if multiply is not None else ""} }}'
    mapping = (
        f'{source}{table}[columns]\ncountry_iso3 = {{ from = "Country" }}\nfiscal_year = {{ from = "FY" }}\n'
        f"quantity = {spec}\n"
    )
    if any(isinstance(v, float) and v != v for v in (multiply, header_row)) or any(
        isinstance(v, float) and v in (float("inf"), float("-inf")) for v in (multiply, header_row)
    ):
        mapping = mapping.replace("NaN", "nan").replace("Infinity", "inf")
    with tempfile.TemporaryDirectory() as folder:
        data_file, map_file = Path(folder) / "t.csv", Path(folder) / "t.toml"
        data_file.write_text("Country,FY,Trainees\nMali,2015,4\nNiger,FY2016,2\n", encoding="utf-8")
        map_file.write_text(mapping, encoding="utf-8")
        try:
            parsed = parse_table(data_file, map_file, "training")
        except PartnerWatchError as error:
            assert all(e.code for e in error.errors)
            event(f"refused: {error.errors[0].code}")
        else:
            quantities = parsed.tables["training"].column("quantity").to_pylist()
            assert all(isinstance(q, int) and q >= 0 for q in quantities)
            event("parsed")
