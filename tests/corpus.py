"""The shared corpus as the engine tests load it: every family a Mali or Niger factsheet draws on."""

from __future__ import annotations

from pathlib import Path

from partnerwatch.ingest import ingest, load_bundled
from partnerwatch.store import Connection

# (source, path under the shared data folder, allow_mismatch): the three FMTR files with printed defects
# (docs/sources/fmtr.md) and the AWSD file with a reused incident id load only with their issues accepted.
CORPUS: tuple[tuple[str, str, bool], ...] = (
    ("sipri-transfers", "sipri/trade-register_2025-03-13.csv", False),
    ("sipri-milex", "sipri/SIPRI-Milex-data-1948-2023.xlsx", False),
    ("foreignassistance", "foreignassistance/us_foreign_aid_country.csv", False),
    ("greenbook", "greenbook/us_foreignaid_greenbook.xlsx", False),
    *(
        ("fmtr", f"fmtr/FY{year}_Africa.pdf", year == 2019)
        for year in (2007, 2008, 2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016, 2019, 2020)
    ),
    ("acled", "acled/mali_hdx_1997-2020.csv", False),
    ("acled", "acled/mali_export_monadic_2017-2020.csv", False),
    ("ucdp-brd", "ucdp/ucdp-brd-dyadic-221.csv", False),
    ("ucdp-acd", "ucdp/ucdp-prio-acd-201.zip", False),
    ("idmc", "idmc/IDMC_Internal_Displacement_Conflict-Violence_Disasters.xlsx", False),
    ("iom-dtm", "iom-dtm/DTM_Mali_Baseline_Assessment_Round_64_April_2020.xlsx", False),
    ("iom-dtm", "iom-dtm/Mali_Baseline_Assessment_December_2018.xlsx", False),
    ("awsd", "awsd/security_incidents.csv", True),
    ("coups", "coups/powell_thyne_coups_final.txt", False),
    ("un-peacekeeping", "un-peacekeeping/CountryByYear.csv", False),
    ("state-budget", "state-budget/STATE budget by country.13.csv", False),
    ("state-budget", "state-budget/STATE budget by country.16.csv", False),
    ("un-treaties", "un-treaties/hr_status_op_crc_ac.csv", False),
    ("un-treaties", "un-treaties/hr_status_cat.csv", False),
)


def load_corpus(con: Connection, shared: Path) -> None:
    load_bundled(con)
    for source, name, allow_mismatch in CORPUS:
        ingest(con, source, shared / name, allow_mismatch=allow_mismatch)
