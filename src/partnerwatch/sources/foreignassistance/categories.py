"""US Category -> the category the factsheets compare (a documented data file, ``categories.csv``)."""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources

from partnerwatch.countries import name_key


@cache
def category_table() -> dict[str, str]:
    text = (resources.files(__package__) / "categories.csv").read_text(encoding="utf-8")
    return {name_key(r["us_category"]): r["category"] for r in csv.DictReader(io.StringIO(text))}


def category_of(us_category: str | None) -> str | None:
    """The canonical category, or None for an empty or unmapped US Category."""
    if not us_category:
        return None
    return category_table().get(name_key(us_category))
