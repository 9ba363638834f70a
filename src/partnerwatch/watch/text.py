"""Numbers as the watch prints them: short, so a row of nine columns reads at a glance."""

from __future__ import annotations


def money(usd: float) -> str:
    """$0, $840,000, $12.3 million, $1.2 billion."""
    if abs(usd) >= 1e9:
        return f"${usd / 1e9:,.1f} billion"
    if abs(usd) >= 1e6:
        return f"${usd / 1e6:,.1f} million"
    return f"${usd:,.0f}"


def count(n: float) -> str:
    return f"{n:,.0f}"


def percent(value: float) -> str:
    return f"{value:.0f}%" if value >= 10 or value == 0 else f"{value:.1f}%"
