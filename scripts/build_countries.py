"""Regenerate the country crosswalk shipped in ``src/partnerwatch/data/``.

The crosswalk is data, reviewed like code: this script writes it from ISO 3166
(through ``pycountry``, a development-only dependency), the Gleditsch-Ward
state list typed below, and the per-source aliases below. Run it after editing
either table and commit both CSV files; the package never calls it.

    python scripts/build_countries.py
"""

from __future__ import annotations

import csv
import sys
import unicodedata
from pathlib import Path

import pycountry

OUT = Path(__file__).resolve().parents[1] / "src" / "partnerwatch" / "data"

# ISO alpha-3 -> Gleditsch & Ward (1999, updated) state code. One code per ISO
# entity: where GW treats a state as continuous (Russia/Soviet Union, Serbia/
# Yugoslavia, Yemen/North Yemen, Germany/West Germany) the code sits on the
# successor, and the predecessor keeps a null GW code.
# fmt: off
GW_CODES: dict[str, int] = {
    "USA": 2, "CAN": 20, "BHS": 31, "CUB": 40, "HTI": 41, "DOM": 42, "JAM": 51,
    "TTO": 52, "BRB": 53, "DMA": 54, "GRD": 55, "LCA": 56, "VCT": 57, "ATG": 58,
    "KNA": 60, "MEX": 70, "BLZ": 80, "GTM": 90, "HND": 91, "SLV": 92, "NIC": 93,
    "CRI": 94, "PAN": 95, "COL": 100, "VEN": 101, "GUY": 110, "SUR": 115,
    "ECU": 130, "PER": 135, "BRA": 140, "BOL": 145, "PRY": 150, "CHL": 155,
    "ARG": 160, "URY": 165, "GBR": 200, "IRL": 205, "NLD": 210, "BEL": 211,
    "LUX": 212, "FRA": 220, "MCO": 221, "LIE": 223, "CHE": 225, "ESP": 230,
    "AND": 232, "PRT": 235, "DEU": 260, "DDR": 265, "POL": 290, "AUT": 305,
    "HUN": 310, "CSK": 315, "CZE": 316, "SVK": 317, "ITA": 325, "SMR": 331,
    "MLT": 338, "ALB": 339, "MNE": 341, "MKD": 343, "HRV": 344, "SRB": 345,
    "BIH": 346, "XKX": 347, "SVN": 349, "GRC": 350, "CYP": 352, "BGR": 355,
    "MDA": 359, "ROU": 360, "RUS": 365, "EST": 366, "LVA": 367, "LTU": 368,
    "UKR": 369, "BLR": 370, "ARM": 371, "GEO": 372, "AZE": 373, "FIN": 375,
    "SWE": 380, "NOR": 385, "DNK": 390, "ISL": 395, "CPV": 402, "STP": 403,
    "GNB": 404, "GNQ": 411, "GMB": 420, "MLI": 432, "SEN": 433, "BEN": 434,
    "MRT": 435, "NER": 436, "CIV": 437, "GIN": 438, "BFA": 439, "LBR": 450,
    "SLE": 451, "GHA": 452, "TGO": 461, "CMR": 471, "NGA": 475, "GAB": 481,
    "CAF": 482, "TCD": 483, "COG": 484, "COD": 490, "UGA": 500, "KEN": 501,
    "TZA": 510, "BDI": 516, "RWA": 517, "SOM": 520, "DJI": 522, "ETH": 530,
    "ERI": 531, "AGO": 540, "MOZ": 541, "ZMB": 551, "ZWE": 552, "MWI": 553,
    "ZAF": 560, "NAM": 565, "LSO": 570, "BWA": 571, "SWZ": 572, "MDG": 580,
    "COM": 581, "MUS": 590, "SYC": 591, "MAR": 600, "DZA": 615, "TUN": 616,
    "LBY": 620, "SDN": 625, "SSD": 626, "IRN": 630, "TUR": 640, "IRQ": 645,
    "EGY": 651, "SYR": 652, "LBN": 660, "JOR": 663, "ISR": 666, "SAU": 670,
    "YEM": 678, "YMD": 680, "KWT": 690, "BHR": 692, "QAT": 694, "ARE": 696,
    "OMN": 698, "AFG": 700, "TKM": 701, "TJK": 702, "KGZ": 703, "UZB": 704,
    "KAZ": 705, "CHN": 710, "MNG": 712, "TWN": 713, "PRK": 731, "KOR": 732,
    "JPN": 740, "IND": 750, "BTN": 760, "PAK": 770, "BGD": 771, "MMR": 775,
    "LKA": 780, "MDV": 781, "NPL": 790, "THA": 800, "KHM": 811, "LAO": 812,
    "VNM": 816, "XSV": 817, "XHD": 751, "MYS": 820, "SGP": 830, "BRN": 835, "PHL": 840,
    "IDN": 850, "TLS": 860, "AUS": 900, "PNG": 910, "NZL": 920, "VUT": 935,
    "SLB": 940, "KIR": 970, "TUV": 973, "FJI": 950, "TON": 972, "NRU": 971,
    "MHL": 983, "PLW": 986, "FSM": 987, "WSM": 990,
}

# Entities ISO 3166-1 does not list today: historical states (ISO 3166-3 codes
# where one exists) and codes from the user-assigned X range.
# (iso3, iso_numeric, name, kind, notes)
EXTRA: list[tuple[str, int | None, str, str, str]] = [
    ("SUN", 810, "Soviet Union", "country", "historical state (ISO 3166-3)"),
    ("CSK", 200, "Czechoslovakia", "country", "historical state (ISO 3166-3)"),
    ("DDR", 278, "German Democratic Republic", "country", "historical state (ISO 3166-3)"),
    ("YUG", 890, "Yugoslavia", "country", "historical state (ISO 3166-3)"),
    ("YMD", 720, "South Yemen", "country", "historical state (ISO 3166-3)"),
    ("SCG", 891, "Serbia and Montenegro", "country", "historical state (ISO 3166-3)"),
    ("ANT", 530, "Netherlands Antilles", "country", "historical territory (ISO 3166-3)"),
    ("XSV", None, "South Vietnam", "country", "Republic of Vietnam, 1954-1975; user-assigned code"),
    ("XKX", None, "Kosovo", "country", "user-assigned code in common use"),
    ("XNC", None, "Northern Cyprus", "country", "unrecognised state; user-assigned code"),
    ("XBI", None, "Biafra", "country", "secessionist state 1967-1970; user-assigned code"),
    ("XKT", None, "Katanga", "country", "secessionist state 1960-1963; user-assigned code"),
    ("XHD", None, "Hyderabad", "country", "princely state 1947-1948 (Gleditsch-Ward 751); user-assigned code"),
    ("XTI", None, "Tibet", "region", "ForeignAssistance.gov programme area; user-assigned code"),
    ("XWB", None, "West Berlin", "region", "ForeignAssistance.gov historical area; user-assigned code"),
    ("XAB", None, "Abyei Area", "region", "area disputed by Sudan and South Sudan; IDMC code AB9"),
    ("XKS", None, "Kashmir", "region", "territory disputed by India and Pakistan (AWSD records it so)"),
    ("XAU", None, "African Union", "organisation", "intergovernmental organisation"),
    ("XEU", None, "European Union", "organisation", "intergovernmental organisation"),
    ("XNA", None, "NATO", "organisation", "intergovernmental organisation"),
    ("XOS", None, "OSCE", "organisation", "intergovernmental organisation"),
    ("XRS", None, "Regional Security System", "organisation", "intergovernmental organisation"),
    ("XUN", None, "United Nations", "organisation", "intergovernmental organisation"),
    ("XXX", None, "Unknown", "unknown", "party not identified by the source"),
    ("XXR", None, "Unknown rebel group", "unknown", "non-state party not identified by the source"),
]

# ISO 3166-1 alpha-2 (or 3166-3 four-letter codes' common two-letter forms) for EXTRA entities.
ISO2_EXTRA: dict[str, str] = {
    "SUN": "SU", "CSK": "CS", "DDR": "DD", "YUG": "YU", "YMD": "YD", "ANT": "AN", "XKX": "XK",
}

# SIPRI's non-state actors (marked * in the register): alias -> (code, name).
NON_STATE: dict[str, tuple[str, str]] = {
    "ANC (South Africa)*": ("XAC", "ANC (South Africa)"),
    "Amal (Lebanon)*": ("XAM", "Amal (Lebanon)"),
    "Anti-Castro rebels (Cuba)*": ("XAR", "Anti-Castro rebels (Cuba)"),
    "Armas (Guatemala)*": ("XAG", "Armas (Guatemala)"),
    "Contras (Nicaragua)*": ("XCN", "Contras (Nicaragua)"),
    "Darfur rebels (Sudan)*": ("XDR", "Darfur rebels (Sudan)"),
    "ELF (Ethiopia)*": ("XEF", "ELF (Ethiopia)"),
    "EPLF (Ethiopia)*": ("XEP", "EPLF (Ethiopia)"),
    "FAN (Chad)*": ("XFA", "FAN (Chad)"),
    "FMLN (El Salvador)*": ("XFM", "FMLN (El Salvador)"),
    "FNLA (Angola)*": ("XFN", "FNLA (Angola)"),
    "FRELIMO (Portugal)*": ("XFR", "FRELIMO (Mozambique)"),
    "GUNT (Chad)*": ("XGU", "GUNT (Chad)"),
    "Haiti rebels*": ("XHR", "Haiti rebels"),
    "Hamas (Palestine)*": ("XHM", "Hamas (Palestine)"),
    "Hezbollah (Lebanon)*": ("XHZ", "Hezbollah (Lebanon)"),
    "Houthi rebels (Yemen)*": ("XHY", "Houthi rebels (Yemen)"),
    "Indonesia rebels*": ("XIR", "Indonesia rebels"),
    "Khmer Rouge (Cambodia)*": ("XKR", "Khmer Rouge (Cambodia)"),
    "Kurdistan Regional Government (Iraq)*": ("XKG", "Kurdistan Regional Government (Iraq)"),
    "LF (Lebanon)*": ("XLF", "Lebanese Forces (Lebanon)"),
    "LRA (Uganda)*": ("XLR", "LRA (Uganda)"),
    "LTTE (Sri Lanka)*": ("XLT", "LTTE (Sri Lanka)"),
    "Lebanon Palestinian rebels*": ("XLP", "Lebanon Palestinian rebels"),
    "Libya HoR*": ("XLH", "Libya House of Representatives"),
    "MNLF (Philippines)*": ("XMN", "MNLF (Philippines)"),
    "MPLA (Portugal)*": ("XMP", "MPLA (Angola)"),
    "MTA (Myanmar)*": ("XMT", "MTA (Myanmar)"),
    "Mujahedin (Afghanistan)*": ("XMJ", "Mujahedin (Afghanistan)"),
    "NLA (Macedonia)*": ("XNL", "NLA (Macedonia)"),
    "NTC (Libya)*": ("XNT", "NTC (Libya)"),
    "Northern Alliance (Afghanistan)*": ("XNO", "Northern Alliance (Afghanistan)"),
    "PAIGC (Portugal)*": ("XPA", "PAIGC (Guinea-Bissau)"),
    "PIJ (Israel/Palestine)*": ("XPI", "PIJ (Israel/Palestine)"),
    "PKK (Turkiye)*": ("XPK", "PKK (Turkiye)"),
    "PLO (Israel)*": ("XPL", "PLO"),
    "PRC (Israel/Palestine)*": ("XPR", "PRC (Israel/Palestine)"),
    "Pathet Lao (Laos)*": ("XPT", "Pathet Lao (Laos)"),
    "Provisional IRA (UK)*": ("XIA", "Provisional IRA (UK)"),
    "RPF (Rwanda)*": ("XRP", "RPF (Rwanda)"),
    "RUF (Sierra Leone)*": ("XRU", "RUF (Sierra Leone)"),
    "SLA (Lebanon)*": ("XSL", "SLA (Lebanon)"),
    "SNA (Somalia)*": ("XSN", "SNA (Somalia)"),
    "SPLA (Sudan)*": ("XSP", "SPLA (Sudan)"),
    "Southern rebels (Yemen)*": ("XSY", "Southern rebels (Yemen)"),
    "Syria rebels*": ("XSR", "Syria rebels"),
    "UIC (Somalia)*": ("XUI", "UIC (Somalia)"),
    "UNITA (Angola)*": ("XUT", "UNITA (Angola)"),
    "Ukraine Rebels*": ("XUR", "Ukraine rebels"),
    "United Wa State (Myanmar)*": ("XUW", "United Wa State (Myanmar)"),
    "Viet Cong (South Vietnam)*": ("XVC", "Viet Cong (South Vietnam)"),
    "Viet Minh (France)*": ("XVM", "Viet Minh (Vietnam)"),
    "ZAPU (Zimbabwe)*": ("XZA", "ZAPU (Zimbabwe)"),
}

# Short names used in place of ISO's long ones (the crosswalk's display name).
DISPLAY_NAMES: dict[str, str] = {
    "BOL": "Bolivia", "BRN": "Brunei", "COD": "DR Congo", "CIV": "Cote d'Ivoire",
    "CZE": "Czechia", "FSM": "Micronesia", "IRN": "Iran", "KOR": "South Korea",
    "PRK": "North Korea", "LAO": "Laos", "MDA": "Moldova", "PSE": "Palestine",
    "RUS": "Russia", "SYR": "Syria", "TWN": "Taiwan", "TZA": "Tanzania",
    "VEN": "Venezuela", "VNM": "Vietnam", "TUR": "Turkiye", "GBR": "United Kingdom",
    "USA": "United States", "VAT": "Holy See", "MKD": "North Macedonia",
    "CPV": "Cabo Verde", "SWZ": "Eswatini", "VIR": "U.S. Virgin Islands",
    "VGB": "British Virgin Islands", "FLK": "Falkland Islands", "BES": "Caribbean Netherlands",
    "SHN": "Saint Helena", "MAF": "Saint Martin (French part)", "SXM": "Sint Maarten",
}

# Aliases by source. Source "*" applies to every source.
ALIASES: dict[str, dict[str, str]] = {
    "*": {
        "Ivory Coast": "CIV", "Cote d'Ivoire": "CIV", "Côte d'Ivoire": "CIV",
        "Cape Verde": "CPV", "Swaziland": "SWZ", "Burma": "MMR", "Zaire": "COD",
        "Democratic Republic of the Congo": "COD", "Democratic Republic of Congo": "COD",
        "Republic of the Congo": "COG", "Republic of Congo": "COG", "Congo-Brazzaville": "COG",
        "Congo-Kinshasa": "COD", "Turkey": "TUR", "Türkiye": "TUR", "United States of America": "USA",
        "UK": "GBR", "Great Britain": "GBR", "Russian Federation": "RUS", "UAE": "ARE",
        "East Timor": "TLS", "Gambia, The": "GMB", "The Gambia": "GMB", "The Bahamas": "BHS", "Vietnam": "VNM",
        "Viet Nam": "VNM", "Macedonia": "MKD", "Czech Republic": "CZE", "Slovak Republic": "SVK",
        "Bosnia-Herzegovina": "BIH", "Bosnia and Herzegovina": "BIH", "Kosovo": "XKX",
        "Palestine": "PSE", "Palestinian Territories": "PSE", "West Bank and Gaza": "PSE",
        "South Sudan": "SSD", "Sudan": "SDN", "Eswatini": "SWZ", "eSwatini": "SWZ",
        "Soviet Union": "SUN", "USSR": "SUN", "Yugoslavia": "YUG", "Czechoslovakia": "CSK",
        "East Germany": "DDR", "German Democratic Republic": "DDR", "West Germany": "DEU",
        "North Yemen": "YEM", "South Yemen": "YMD", "South Vietnam": "XSV",
        "Holy See": "VAT", "Vatican": "VAT", "Micronesia": "FSM", "Brunei": "BRN",
        "Laos": "LAO", "Taiwan": "TWN", "Syria": "SYR", "Iran": "IRN", "Moldova": "MDA",
        "Tanzania": "TZA", "Bolivia": "BOL", "Venezuela": "VEN", "Russia": "RUS",
        "North Korea": "PRK", "South Korea": "KOR", "Saint Vincent": "VCT",
        "Saint Kitts and Nevis": "KNA", "St. Kitts and Nevis": "KNA", "St. Lucia": "LCA",
        "Saint Lucia": "LCA", "St. Vincent and Grenadines": "VCT",
        "Sao Tome and Principe": "STP", "São Tomé and Príncipe": "STP",
        "Guinea Bissau": "GNB", "Timor-Leste": "TLS", "Myanmar": "MMR",
    },
    "sipri": {
        "Congo, DR": "COD", "Congo, Republic": "COG", "Korea, North": "PRK", "Korea, South": "KOR",
        "Yemen, North": "YEM",
        "DR Congo": "COD", "Congo": "COG", "Czechia": "CZE", "East Germany (GDR)": "DDR",
        "Yemen Arab Republic (North Yemen)": "YEM", "Northern Cyprus": "XNC", "Biafra": "XBI",
        "Katanga": "XKT", "Western Sahara": "ESH", "African Union**": "XAU",
        "European Union**": "XEU", "NATO**": "XNA", "OSCE**": "XOS",
        "Regional Security System**": "XRS", "United Nations**": "XUN",
        "unknown supplier(s)": "XXX", "unknown recipient(s)": "XXX",
        "unknown rebel group*": "XXR",
        **{alias: code for alias, (code, _name) in NON_STATE.items()},
    },
    "idmc": {"AB9": "XAB", "Abyei Area": "XAB"},
    "awsd": {"Chechnya": "RUS", "Kashmir": "XKS"},
    # Powell & Thyne's coups: the states that no longer exist, as the file names them.
    "coups": {
        "Republic of Vietnam": "XSV",
        "Yemen Arab Republic; N. Yemen": "YEM",
        "Yemen People's Republic; S. Yemen": "YMD",
    },
    "un-peacekeeping": {"Republic of Korea": "KOR"},
    # ACLED's names in its aggregated workbooks (its event files use ISO codes as well).
    "acled": {
        "Bailiwick of Guernsey": "GGY", "Bailiwick of Jersey": "JEY", "Saint-Martin": "MAF", "Vatican City": "VAT",
    },
    # USAID's Greenbook: its own spellings, and regional lines "(not specified)" as the FA.gov regions.
    "greenbook": {
        "Korea, South": "KOR", "Korea, North": "PRK", "China (P.R.C.)": "CHN", "Burma (Myanmar)": "MMR",
        "China (Taiwan)": "TWN", "China (Hong Kong)": "HKG", "West Bank/Gaza": "PSE",
        "Serbia and Montenegro, Former": "SCG", "Trinidad & Tobago": "TTO", "Bahamas, The": "BHS",
        "Sao Tome & Principe": "STP",
        "World (not specified)": "WLD", "Latin America & Caribbean (not specified)": "LCN",
        "Sub-Saharan Africa (not specified)": "SSN", "Asia (not specified)": "ASN",
        "Caribbean (not specified)": "CRN", "Middle East & North Africa (not specified)": "MNS",
        "Central America (not specified)": "CNA", "Eurasia (not specified)": "EUS",
        "Eastern Europe (not specified)": "EEN", "West Africa (not specified)": "WAN",
        "Oceania (not specified)": "OCN", "East Africa (not specified)": "EAG",
        "Southern Africa (not specified)": "SAG", "Western Europe (not specified)": "WEC",
    },
    "ucdp": {
        "DR Congo (Zaire)": "COD", "Cambodia (Kampuchea)": "KHM", "Myanmar (Burma)": "MMR",
        "Russia (Soviet Union)": "RUS", "Serbia (Yugoslavia)": "SRB",
        "Yemen (North Yemen)": "YEM", "Zimbabwe (Rhodesia)": "ZWE",
        "Madagascar (Malagasy)": "MDG", "Vietnam (North Vietnam)": "VNM",
        "Bosnia-Herzegovina": "BIH", "Hyderabad": "XHD",
    },
    "foreignassistance": {
        "China (P.R.C.)": "CHN", "China (Hong Kong, S.A.R., P.R.C.)": "HKG",
        "China (Macau, S.A.R., P.R.C.)": "MAC", "China (Tibet)": "XTI",
        "Congo (Brazzaville)": "COG", "Congo (Kinshasa)": "COD", "Burma (Myanmar)": "MMR",
        "Korea, Democratic Republic of": "PRK", "Korea, Republic of": "KOR",
        "Kiribati, Republic of": "KIR", "Micronesia, Federated States of": "FSM",
        "Berlin, West": "XWB", "Czechoslovakia (former)": "CSK",
        "Germany (former East)": "DDR", "Soviet Union (former)": "SUN",
        "Vietnam (former South)": "XSV", "Yemen (former P.D.R.)": "YMD",
        "Sudan (former)": "SDN", "Yugoslavia (former)": "YUG",
        "Serbia and Montenegro (former)": "SCG", "Netherlands Antilles (former)": "ANT",
        "CS-KM": "XKX", "TIB": "XTI", "SDF": "SDN", "YUF": "YUG",
    },
    "fmtr": {
        "Cape Verde, Republic of": "CPV", "Congo, Democratic Republic of (Kinshasa)": "COD",
        "Congo, Republic of (Brazzaville)": "COG", "Republic of Congo (Brazzaville)": "COG",
        "Cote D'Ivoire, Republic of": "CIV", "Cote D\u2019Ivoire, Republic of": "CIV",
        "Cote D\u00edIvoire, Republic of": "CIV", "Cote D\u00edivoire, Republic of": "CIV",
        "C\u00d9te d'Ivoire, Republic of": "CIV", "Sudan, Government of Southern": "SSD",
        "Sudan, Republic of South": "SSD", "Sudan, Republic of Southern": "SSD",
        "Tanzania, United Republic of": "TZA",
        # The other regions' reports (FY2008-FY2020).
        "China, People's Republic of": "CHN", "Korea, Republic of South": "KOR",
        "Timor-Leste, Democratic Republic of": "TLS", "Republic of Montenegro": "MNE",
        "Montenegro, Republic of": "MNE", "Serbia, Republic of": "SRB", "Palestinian Authority": "PSE",
        "Turks and Caicos": "TCA", "Saint Kitts & Nevis": "KNA", "St Kitts & Nevis": "KNA",
        "Kazakhstan, Republic Of": "KAZ",
        # FY2001-FY2005 reports.
        "Republic of Congo (Congo - Brazzaville)": "COG",
        "Democratic Republic of Congo (Congo - Kinshasa)": "COD", "Trinidad - Tobago": "TTO",
        "Congo (DROC)": "COD", "Korea": "KOR",
    },
}

# Regional sections of the Foreign Military Training Report: training for several countries of a region,
# reported under the region's name rather than a country's (code, name).
FMTR_REGIONS: list[tuple[str, str]] = [("XIC", "Indochina"), ("XNS", "Country not stated (FMTR)")]

# ForeignAssistance.gov's regional and world aggregates (code, name).
FA_REGIONS: list[tuple[str, str]] = [
    ("ASN", "Asia Region"), ("ANS", "Asia, Middle East and North Africa Region"),
    ("CRN", "Caribbean Region"), ("CNA", "Central America Region"),
    ("CCN", "Central America and Caribbean Region"), ("EEE", "Central and Eastern Europe Region"),
    ("EAQ", "East Asia and Oceania Region"), ("ESN", "East and South Africa Region"),
    ("EAG", "Eastern Africa Region"), ("ENS", "Eastern Asia Region"),
    ("EEN", "Eastern Europe Region"), ("ECN", "Eastern and Central Africa Region"),
    ("EUS", "Eurasia Region"), ("EUN", "Europe Region"), ("EES", "Europe and Eurasia Region"),
    ("LAN", "Latin America Region"), ("LCN", "Latin America and Caribbean Region"),
    ("MEN", "Middle East Region"), ("MNS", "Middle East and North Africa Region"),
    ("MNA", "North Africa Region"), ("NAN", "North America Region"),
    ("NCN", "North and Central America Region"), ("OCN", "Oceania Region"),
    ("SMN", "South America Region"), ("SEA", "South East Asia Region"),
    ("SCN", "South and Central Asia Region"), ("SAG", "Southern Africa Region"),
    ("SAN", "Southern Asia Region"), ("SSN", "Sub-Saharan Africa Region"),
    ("WAN", "West Africa Region"), ("WEC", "Western Europe Region"),
    ("WHN", "Western Hemisphere Region"), ("WLD", "World"),
    ("PIT", "Pacific Island Trust Territory"),
]

# The 193 member states of the United Nations, each a "state"; so are the two
# observer states and two states with Gleditsch-Ward codes outside the UN.
UN_MEMBERS: frozenset[str] = frozenset({
    "AFG", "AGO", "ALB", "AND", "ARE", "ARG", "ARM", "ATG", "AUS", "AUT", "AZE", "BDI", "BEL",
    "BEN", "BFA", "BGD", "BGR", "BHR", "BHS", "BIH", "BLR", "BLZ", "BOL", "BRA", "BRB", "BRN",
    "BTN", "BWA", "CAF", "CAN", "CHE", "CHL", "CHN", "CIV", "CMR", "COD", "COG", "COL", "COM",
    "CPV", "CRI", "CUB", "CYP", "CZE", "DEU", "DJI", "DMA", "DNK", "DOM", "DZA", "ECU", "EGY",
    "ERI", "ESP", "EST", "ETH", "FIN", "FJI", "FRA", "FSM", "GAB", "GBR", "GEO", "GHA", "GIN",
    "GMB", "GNB", "GNQ", "GRC", "GRD", "GTM", "GUY", "HND", "HRV", "HTI", "HUN", "IDN", "IND",
    "IRL", "IRN", "IRQ", "ISL", "ISR", "ITA", "JAM", "JOR", "JPN", "KAZ", "KEN", "KGZ", "KHM",
    "KIR", "KNA", "KOR", "KWT", "LAO", "LBN", "LBR", "LBY", "LCA", "LIE", "LKA", "LSO", "LTU",
    "LUX", "LVA", "MAR", "MCO", "MDA", "MDG", "MDV", "MEX", "MHL", "MKD", "MLI", "MLT", "MMR",
    "MNE", "MNG", "MOZ", "MRT", "MUS", "MWI", "MYS", "NAM", "NER", "NGA", "NIC", "NLD", "NOR",
    "NPL", "NRU", "NZL", "OMN", "PAK", "PAN", "PER", "PHL", "PLW", "PNG", "POL", "PRK", "PRT",
    "PRY", "QAT", "ROU", "RUS", "RWA", "SAU", "SDN", "SEN", "SGP", "SLB", "SLE", "SLV", "SMR",
    "SOM", "SRB", "SSD", "STP", "SUR", "SVK", "SVN", "SWE", "SWZ", "SYC", "SYR", "TCD", "TGO",
    "THA", "TJK", "TKM", "TLS", "TON", "TTO", "TUN", "TUR", "TUV", "TZA", "UGA", "UKR", "URY",
    "USA", "UZB", "VCT", "VEN", "VNM", "VUT", "WSM", "YEM", "ZAF", "ZMB", "ZWE",
})
OTHER_STATES = frozenset({"PSE", "VAT", "TWN", "XKX"})
FORMER = frozenset({"SUN", "CSK", "DDR", "YUG", "YMD", "SCG", "ANT", "XSV", "XBI", "XKT", "XHD"})
# Regions that are places (disputed or historical areas) rather than groups of countries.
AREAS = frozenset({"XAB", "XKS", "XTI", "XWB", "PIT"})
# fmt: on


def status_of(iso3: str, kind: str) -> str:
    """What an entity is today: a state, a territory, a former state or territory, an area, an aggregate.

    Treaty parties must be states; events, displacement and spending belong to
    places, never to aggregates such as "World"; the explorer lists current
    states first.
    """
    if kind == "country":
        if iso3 in FORMER:
            return "former"
        return "state" if iso3 in UN_MEMBERS or iso3 in OTHER_STATES else "territory"
    if kind == "region":
        return "area" if iso3 in AREAS else "aggregate"
    return kind


def main() -> int:
    rows: dict[str, tuple[str, str, str, str, str, str]] = {}
    for c in pycountry.countries:
        name = DISPLAY_NAMES.get(c.alpha_3, getattr(c, "common_name", None) or c.name)
        rows[c.alpha_3] = (c.alpha_3, str(int(c.numeric)), "", name, "country", c.alpha_2)
    for code, numeric, name, kind, _notes in EXTRA:
        rows[code] = (code, "" if numeric is None else str(numeric), "", name, kind, ISO2_EXTRA.get(code, ""))
    for code, name in FA_REGIONS:
        assert code not in rows, code
        rows[code] = (code, "", "", name, "region", "")
    for code, name in FMTR_REGIONS:
        assert code not in rows, code
        rows[code] = (code, "", "", name, "region", "")
    for code, name in NON_STATE.values():
        assert code not in rows, code
        rows[code] = (code, "", "", name, "organisation", "")
    for code, gw in GW_CODES.items():
        iso3, num, _, name, kind, iso2 = rows[code]
        rows[code] = (iso3, num, str(gw), name, kind, iso2)
    assert len(set(GW_CODES.values())) == len(GW_CODES)

    aliases: list[tuple[str, str, str]] = []
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value and value != rows[c.alpha_3][3]:
                aliases.append(("*", value, c.alpha_3))
    for source, table in ALIASES.items():
        for alias, code in table.items():
            assert code in rows, (source, alias, code)
            aliases.append((source, alias, code))
    aliases.extend(("foreignassistance", name, code) for code, name in FA_REGIONS)
    seen: set[tuple[str, str]] = set()
    unique = []
    for source, alias, code in aliases:
        key = (source, _key(alias))
        if key in seen:
            continue
        seen.add(key)
        unique.append((source, alias, code))

    assert UN_MEMBERS <= rows.keys() and len(UN_MEMBERS) == 193
    with (OUT / "countries.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["iso3", "iso_numeric", "gw_code", "name", "kind", "iso2", "status"])
        w.writerows((*row, status_of(row[0], row[4])) for row in sorted(rows.values()))
    with (OUT / "country_aliases.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["source", "alias", "iso3"])
        w.writerows(sorted(unique))
    print(f"{len(rows)} countries, {len(unique)} aliases", file=sys.stderr)
    return 0


def _key(value: str) -> str:
    text = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in text.casefold() if ch.isalnum())


if __name__ == "__main__":
    raise SystemExit(main())
