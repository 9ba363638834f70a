"""How numbers read in a factsheet's lines and tables: "$16.6 million", "9,849", "more than 10%"."""

from __future__ import annotations

import re

from partnerwatch.publish import numbers


def _trim(number: float, digits: int) -> str:
    text = f"{number:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_value(value: float | None, unit: str, qualifier: str = "", *, exact: bool = False) -> str:
    """A value as a reader expects it; ``exact`` keeps every dollar (for tables)."""
    if value is None:
        return ""
    if unit == "usd":
        sign, size = ("\u2212" if value < 0 else ""), abs(value)  # −$3,000, not $-3,000
        text = f"{sign}${_trim(size, 2)}" if exact else numbers.money(value)
    elif unit == "percent":
        text = f"{_trim(value, 2)}%" if exact else numbers.percent(value)
    elif unit == "rank":
        text = f"#{int(value)}"
    elif unit == "ratio":
        text = f"{_trim(value, 2)}\u00d7"
    elif unit == "tiv_millions":
        text = f"{_trim(value, 2)} TIV million"
    elif unit in ("persons", "count", "events", "cases") and not exact:
        text = numbers.count(value)
    else:
        text = _trim(value, 2)
    return f"{qualifier} {text}" if qualifier else text


def format_period(period: str) -> str:
    """'2022-01-01/2022-04-15' -> '2022-01-01 to 2022-04-15'; '2001-2021' -> '2001–2021'; others as written."""
    return re.sub(r"\b(\d{4})-(\d{4})\b", "\\1–\\2", period.replace("/", " to ")) if period else ""
