"""How numbers read in a factsheet: "$16.56 million", "9,849", "more than 10%"."""

from __future__ import annotations


def _trim(number: float, digits: int) -> str:
    text = f"{number:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_value(value: float | None, unit: str, qualifier: str = "", *, exact: bool = False) -> str:
    """A value as a reader expects it; ``exact`` keeps every dollar (for tables)."""
    if value is None:
        return ""
    if unit == "usd":
        sign, size = ("\u2212" if value < 0 else ""), abs(value)  # −$3,000, not $-3,000
        if exact:
            text = f"{sign}${_trim(size, 2)}"
        elif size >= 1e9:
            text = f"{sign}${_trim(size / 1e9, 2)} billion"
        elif size >= 1e6:
            text = f"{sign}${_trim(size / 1e6, 2)} million"
        else:
            text = f"{sign}${_trim(size, 0)}"
    elif unit == "percent":
        text = f"{_trim(value, 2)}%"
    elif unit == "rank":
        text = f"#{int(value)}"
    elif unit == "ratio":
        text = f"{_trim(value, 2)}\u00d7"
    elif unit == "tiv_millions":
        text = f"{_trim(value, 2)} TIV million"
    else:
        text = _trim(value, 2)
    return f"{qualifier} {text}" if qualifier else text


def format_period(period: str) -> str:
    """'2022-01-01/2022-04-15' -> '2022-01-01 to 2022-04-15'; other forms as written."""
    return period.replace("/", " to ") if period else ""
