"""The house style as data (``style.toml``): labels, colours, money columns and short source names.

Charts, tables and text read the same file, so a label or a colour is
decided once for every format (PUBLISHING.md: "style decisions live in one
data file").
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def _style() -> dict[str, Any]:
    return tomllib.loads((resources.files(__package__) / "style.toml").read_text(encoding="utf-8"))


def column_label(column: str) -> str:
    """A column as a reader reads it ("US$ (current)", "Personnel trained"); unknown ones made readable."""
    labels: dict[str, str] = _style()["columns"]
    if column in labels:
        return labels[column]
    text = column.replace("_usd", " (US$)").replace("_iso3", "").replace("_", " ")
    return text[:1].upper() + text[1:]


def value_label(column: str, value: object) -> object:
    """An identifier value as words ("rebel_or_jihadist" -> "Rebel and jihadist groups"); others unchanged."""
    labels: dict[str, str] = _style()["values"].get(_same(column), {})
    return labels.get(str(value), value) if isinstance(value, str) else value


def _same(column: str) -> str:
    same: dict[str, str] = _style()["same_as"]
    return same.get(column, column)


def colours(column: str) -> dict[str, str]:
    """Label -> colour for a column's categories, the same in every chart."""
    found: dict[str, str] = _style()["colours"].get(_same(column), {})
    return {str(value_label(column, value)): colour for value, colour in found.items()}


def is_money(column: str) -> bool:
    return column in _style()["money"]["columns"] or column.endswith("_usd")


def hidden(column: str) -> bool:
    """Kept in the data downloads, not printed: a code beside its name."""
    return column in _style()["hidden"]["columns"]


def source_name(source: str) -> str:
    names: dict[str, str] = _style()["sources"]
    return names.get(source, source)
