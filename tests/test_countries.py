from __future__ import annotations

import csv
from pathlib import Path

import pytest

from partnerwatch.countries import crosswalk
from partnerwatch.errors import DataError

# The country headings the FMTR Africa PDFs FY2007-FY2020 print (mojibake included).
FMTR_HEADINGS = {
    "Cape Verde, Republic Of": "CPV",
    "Congo, Democratic Republic of (Kinshasa)": "COD",
    "Congo, Republic Of (Brazzaville)": "COG",
    "Republic of Congo (Brazzaville)": "COG",
    "Cote D'Ivoire, Republic of": "CIV",
    "Cote D\u00edIvoire, Republic of": "CIV",
    "Cote D\u00edivoire, Republic Of": "CIV",
    "Cote D\u2019Ivoire, Republic of": "CIV",
    "C\u00d9te d'Ivoire, Republic of": "CIV",
    "Democratic Republic of Congo": "COD",
    "Gambia, The": "GMB",
    "Sao Tome And Principe": "STP",
    "Sudan, Government of Southern": "SSD",
    "Sudan, Republic of South": "SSD",
    "Swaziland": "SWZ",
    "Tanzania, United Republic of": "TZA",
    "Mali": "MLI",
}


def test_fmtr_headings_resolve() -> None:
    walk = crosswalk()
    for heading, iso3 in FMTR_HEADINGS.items():
        assert walk.lookup_name(heading, "fmtr") == iso3, heading


def test_codes_resolve_both_ways() -> None:
    walk = crosswalk()
    assert walk.lookup_numeric(466) == "MLI"  # ACLED's `iso` column
    assert walk.lookup_gw(432) == "MLI"
    assert walk.lookup_gw(345) == "SRB"
    assert walk.lookup_gw(365) == "RUS"
    assert walk.by_iso3["MLI"].gw_code == 432
    assert walk.by_iso3["XAU"].kind == "organisation"
    assert walk.by_iso3["XXX"].kind == "unknown"


def test_gw_and_numeric_codes_are_unique() -> None:
    walk = crosswalk()
    gw = [c.gw_code for c in walk.countries if c.gw_code is not None]
    assert len(gw) == len(set(gw))
    numeric = [c.iso_numeric for c in walk.countries if c.iso_numeric is not None]
    assert len(numeric) == len(set(numeric))


def test_unknown_name_is_a_coded_error() -> None:
    result = crosswalk().resolve_name("Atlantis", "sipri", file="x.csv", row=7, field="Recipient")
    assert isinstance(result, DataError)
    assert result.code == "unknown-country"
    assert str(result).startswith("x.csv:7:Recipient: unknown-country: 'Atlantis'")


@pytest.mark.shared_data
def test_every_ucdp_location_and_gw_code_resolves(shared_data: Path) -> None:
    walk = crosswalk()
    with (shared_data / "ucdp" / "ucdp-brd-dyadic-221.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1403
    for row in rows:
        names = [n.strip() for n in row["location_inc"].split(",")]
        codes = [int(c) for c in row["gwno_loc"].split(",")]
        for name in names:
            assert walk.lookup_name(name, "ucdp"), name
        resolved = {walk.lookup_gw(c) for c in codes}
        assert None not in resolved, row["gwno_loc"]
        assert resolved == {walk.lookup_name(n, "ucdp") for n in names}, row["location_inc"]


@pytest.mark.shared_data
def test_every_foreignassistance_country_resolves(shared_data: Path) -> None:
    walk = crosswalk()
    with (shared_data / "foreignassistance" / "us_foreign_aid_country.csv").open(encoding="utf-8") as fh:
        pairs = {(r["country_name"], r["country_code"]) for r in csv.DictReader(fh)}
    assert len(pairs) == 253
    for name, code in pairs:
        by_name = walk.lookup_name(name, "foreignassistance")
        assert by_name is not None, name
        if code != "NULL":
            assert walk.lookup_name(code, "foreignassistance") == by_name, (name, code)
    assert walk.lookup_name("Congo (Kinshasa)", "foreignassistance") == "COD"


@pytest.mark.shared_data
def test_acled_numeric_iso_resolves(shared_data: Path) -> None:
    with (shared_data / "acled" / "mali_hdx_1997-2020.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[1:]  # row 2 is the HXL tag row
    assert {crosswalk().lookup_numeric(int(r["iso"])) for r in rows} == {"MLI"}
