"""What the watch holds: one row per country, cells that know their period and snapshots, and signals."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Cell:
    """One value of the watch table.

    ``value`` is the number the table sorts by and the rules test; ``text``
    is what a reader sees ("$42.1 million", "2 (2020, 2021)"); ``sources`` are
    the snapshots its rows come from, so every cell can be cited.
    """

    value: float | None
    text: str
    period: str
    sources: tuple[int, ...]
    note: str = ""
    detail: dict[str, float] = field(default_factory=dict)
    """Named parts of the value (by account, by quarter), for the rules and the page."""

    def to_dict(self) -> dict[str, object]:
        return {
            "value": self.value,
            "text": self.text,
            "period": self.period,
            "sources": list(self.sources),
            "note": self.note,
            "detail": dict(self.detail),
        }


@dataclass(frozen=True)
class Column:
    id: str
    title: str
    """The column's heading, short."""
    description: str
    """One sentence: what the value is, over which years, from which source."""
    short: str = ""
    """A heading for a narrow table (the terminal)."""


@dataclass(frozen=True)
class Signal:
    """A rule that fired for a country: what it says in words, the numbers it tested, and their sources."""

    rule: str
    iso3: str
    country: str
    title: str
    sentence: str
    value: float | None
    threshold: float | None
    period: str
    sources: tuple[int, ...]
    subject: str = ""
    """What the signal is about within its rule and country (a coup's date): two coups, two signals."""
    store_version: int = 0
    id: int | None = None
    previous_id: int | None = None
    raised_at: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "rule": self.rule,
            "iso3": self.iso3,
            "country": self.country,
            "title": self.title,
            "sentence": self.sentence,
            "value": self.value,
            "threshold": self.threshold,
            "period": self.period,
            "sources": list(self.sources),
            "subject": self.subject,
            "store_version": self.store_version,
            "previous_id": self.previous_id,
            "raised_at": self.raised_at,
        }


@dataclass(frozen=True)
class Untested:
    """A case a rule is about but cannot test on the data loaded (a coup after the assistance data end).

    Without it, a rule that stays silent would read as a finding that nothing happened.
    """

    rule: str
    iso3: str
    country: str
    subject: str
    sentence: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class WatchRow:
    iso3: str
    country: str
    region: str
    cells: dict[str, Cell]
    signals: list[Signal] = field(default_factory=list)
    untested: list[Untested] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "iso3": self.iso3,
            "country": self.country,
            "region": self.region,
            "cells": {k: c.to_dict() for k, c in self.cells.items()},
            "flags": [s.rule for s in self.signals],
        }


@dataclass(frozen=True)
class Change:
    """A watch value that differs between two store versions: old -> new, with both values' snapshots."""

    iso3: str
    country: str
    column: str
    old_text: str
    new_text: str
    old_value: float | None
    new_value: float | None
    old_sources: tuple[int, ...]
    new_sources: tuple[int, ...]
    old_version: int
    new_version: int

    def to_dict(self) -> dict[str, object]:
        return {
            "iso3": self.iso3,
            "country": self.country,
            "column": self.column,
            "old": self.old_text,
            "new": self.new_text,
            "old_value": self.old_value,
            "new_value": self.new_value,
            "old_sources": list(self.old_sources),
            "new_sources": list(self.new_sources),
            "old_version": self.old_version,
            "new_version": self.new_version,
        }
