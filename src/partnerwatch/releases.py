"""Which of two releases of the same data is the newer, from the release strings the parsers record.

A new snapshot of a source and scope replaces the live one, which is right
when it is a newer release and silently wrong when it is an older file
loaded late (the 2024 SIPRI register after the 2025 one). Releases are
written in a few shapes; two are compared only when they have the same shape.
"""

from __future__ import annotations

import re

_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_RANGE = re.compile(r"^\s*(\d{4})\s*[-–]\s*(\d{4})\s*$")
_VERSION = re.compile(r"^\s*v?(\d{1,3}(?:\.\d{1,3}){1,2})\s*$")
_YEAR = re.compile(r"^\s*(?:FY\s*)?(\d{4})\s*$")


def release_rank(release: str) -> tuple[str, tuple[int, ...]] | None:
    """(shape, numbers in order of significance), or None when the release says nothing comparable.

    ``2025-03-13`` (a generation or extraction date) -> ("date", (2025, 3, 13));
    ``1948-2023`` (a span of years; the later year names the release) ->
    ("span", (2023, 1948)); ``22.1`` or ``25.0.10`` (a version) ->
    ("version", (22, 1, 0)); ``2023`` or ``FY2019`` -> ("year", (2023,)).
    """
    if not release or not release.strip():
        return None
    if match := _RANGE.match(release):
        return "span", (int(match.group(2)), int(match.group(1)))
    if match := _DATE.search(release):
        return "date", tuple(int(g) for g in match.groups())
    if match := _VERSION.match(release):
        parts = [int(p) for p in match.group(1).split(".")]
        return "version", tuple(parts + [0] * (3 - len(parts)))
    if match := _YEAR.match(release):
        return "year", (int(match.group(1)),)
    return None


def is_older(release: str, than: str) -> bool | None:
    """Whether ``release`` is older than ``than``; None when the two cannot be compared."""
    mine, theirs = release_rank(release), release_rank(than)
    if mine is None or theirs is None or mine[0] != theirs[0]:
        return None
    return mine[1] < theirs[1]
