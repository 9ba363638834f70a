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


@pytest.mark.parametrize("source", [*SOURCES, "sipri-transfers", "fmtr", "sipri-milex", "idmc", "iom-dtm"])
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
