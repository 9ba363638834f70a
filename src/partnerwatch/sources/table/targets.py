"""The canonical tables an analyst's table may load into, with each column's type.

Kept beside the mapping reader (sources never read the store); a test checks
that these columns exist in the store's schema, so the two cannot drift.
"""

from __future__ import annotations

# column -> type; types: text, integer, number, year, date, boolean, country.
TARGETS: dict[str, dict[str, str]] = {
    "arms_sales": {
        "country_iso3": "country",
        "year": "year",
        "fiscal_year": "year",
        "usml_category": "text",
        "value_usd": "number",
        "kind": "text",
        "description": "text",
    },
    "assistance": {
        "country_iso3": "country",
        "fiscal_year": "year",
        "program": "text",
        "account": "text",
        "category": "text",
        "transaction_type": "text",
        "amount_usd": "number",
        "un_mission": "boolean",
        "description": "text",
        "amount_constant_usd": "number",
        "us_category": "text",
        "us_sector": "text",
        "managing_agency": "text",
        "activity_id": "text",
    },
    "training": {
        "country_iso3": "country",
        "fiscal_year": "year",
        "program": "text",
        "department": "text",
        "course_title": "text",
        "quantity": "integer",
        "location": "text",
        "student_unit": "text",
        "us_unit": "text",
        "total_cost_usd": "number",
        "start_date": "date",
        "end_date": "date",
        "account": "text",
        "authority": "text",
    },
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "arms_sales": ("country_iso3", "value_usd", "kind"),
    "assistance": ("country_iso3", "fiscal_year", "amount_usd"),
    "training": ("country_iso3", "fiscal_year", "quantity"),
}
# Columns whose name carries a unit: the mapping must declare the same unit.
UNITS = {"value_usd": "usd", "amount_usd": "usd", "amount_constant_usd": "usd", "total_cost_usd": "usd"}
KINDS = {"arms_sales": {"kind": ("dcs", "fms")}}
# Columns that cannot be negative (assistance amounts can: de-obligations are negative obligations).
MINIMUMS = {"quantity": 0, "total_cost_usd": 0, "value_usd": 0}
