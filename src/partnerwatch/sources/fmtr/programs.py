"""Programs as the FMTR prints them, mapped to funding account and legal authority.

The mapping is data (``programs.csv``, documented in docs/sources/fmtr.md) so
that figures can group training by program as printed (IMET-1, IMET-X, GPOI)
or by account as the published factsheets do (IMET, PKO).
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources


@cache
def program_table() -> dict[str, tuple[str, str]]:
    text = (resources.files(__package__) / "programs.csv").read_text(encoding="utf-8")
    return {
        r["program"].casefold(): (r["account"], r["authority"]) for r in csv.DictReader(io.StringIO(text, newline=""))
    }


def program_info(program: str) -> tuple[str | None, str | None]:
    """(account, authority) for a program name as printed, or (None, None) if unmapped."""
    found = program_table().get(program.casefold())
    return found if found else (None, None)
