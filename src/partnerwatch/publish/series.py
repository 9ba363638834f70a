"""The series: which countries have data, and an index page linking their factsheets."""

from __future__ import annotations

import html

from partnerwatch.store import COUNTRY_COLUMN, DATA_TABLES, Connection

# Tables whose rows make a country worth a factsheet (the curated dataset's too).
SIGNAL_TABLES = ("facts", "training", "assistance", "harm_events", "milex", "displacement", "conflict_deaths")


def countries_with_data(con: Connection) -> list[str]:
    """ISO3 codes of real countries with rows in any of the signal tables, sorted."""
    parts = [f"SELECT DISTINCT {COUNTRY_COLUMN[t]} AS iso3 FROM {t}" for t in SIGNAL_TABLES if t in DATA_TABLES]
    sql = (
        f"SELECT DISTINCT u.iso3 FROM ({' UNION '.join(parts)}) u JOIN countries c ON c.iso3 = u.iso3"
        " WHERE c.kind = 'country' ORDER BY 1"
    )
    return [r[0] for r in con.execute(sql).fetchall()]


def render_index(written: list[tuple[str, str, str]], years: tuple[int, int]) -> str:
    items = "\n".join(
        f'<li><a href="{html.escape(path)}">{html.escape(name)}</a> ({code})</li>' for code, name, path in written
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>PartnerWatch factsheets</title></head><body>"
        f"<h1>PartnerWatch factsheets, {years[0]}-{years[1]}</h1><ul>\n{items}\n</ul></body></html>\n"
    )
