"""Which forces were trained, and which were recorded harming civilians: both mapped onto the same branches.

The FMTR prints each course's student unit as the report's authors wrote it
("2d Mali Battalion", "DGGN", "Ministry of Defense"); ACLED names the
perpetrator of an event ("Military Forces of Mali (2013-2020)", "Police
Forces of Mali (2013-2020) Gendarmerie"). ``data/branches.toml`` maps both
onto one list of branches, with a country's own patterns before the general
ones. It is a screening aid: a name the patterns do not place is "not
identified", and a name that names several branches counts under "several
branches", never split or guessed.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.training import chosen_reports

SEVERAL = "several"
UNKNOWN = "not_identified"
ACLED_FORCE = re.compile(r"^(?P<kind>Military|Police) Forces of .*?\(\d{4}-(?:\d{4})?\)\s*(?P<unit>.*)$")


@dataclass(frozen=True)
class Branch:
    id: str
    title: str
    patterns: tuple[re.Pattern[str], ...]
    parent: str = ""
    fallback: bool = False


@dataclass(frozen=True)
class Branches:
    general: tuple[Branch, ...]
    by_country: dict[str, dict[str, tuple[re.Pattern[str], ...]]]

    def titles(self) -> dict[str, str]:
        return {
            **{b.id: b.title for b in self.general},
            SEVERAL: "Several branches",
            UNKNOWN: "Not identified",
        }

    def classify(self, name: str | None, iso3: str) -> str:
        """The branch a unit or actor name belongs to, ``several`` or ``not_identified``."""
        text = (name or "").strip()
        if not text:
            return UNKNOWN
        own = self.by_country.get(iso3, {})
        matched = [
            b
            for b in self.general
            if any(p.search(text) for p in own.get(b.id, ())) or any(p.search(text) for p in b.patterns)
        ]
        specific = {b.id for b in matched if not b.fallback}
        if len(specific) > 1:
            parents = {b.parent for b in matched if b.id in specific}
            if specific - parents and len(specific - parents) == 1:
                return next(iter(specific - parents))  # a branch and its parent named together: the branch
            return SEVERAL
        if specific:
            return next(iter(specific))
        fallback = [b.id for b in matched if b.fallback]
        return fallback[0] if fallback else UNKNOWN

    def classify_actor(self, actor: str | None, iso3: str) -> str:
        """An ACLED state-force actor: its unit after the years if that names a branch, else Military or Police."""
        found = ACLED_FORCE.match((actor or "").strip())
        if found is None:
            return self.classify(actor, iso3)
        unit = self.classify(found["unit"], iso3) if found["unit"] else UNKNOWN
        if unit not in (UNKNOWN, "civilian_government"):
            return unit
        return "armed_forces" if found["kind"] == "Military" else "police"

    def parent_of(self, branch: str) -> str:
        return next((b.parent for b in self.general if b.id == branch), "")


@cache
def branches() -> Branches:
    text = (resources.files("partnerwatch.watch") / "data" / "branches.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    general = tuple(
        Branch(
            b["id"],
            b["title"],
            tuple(re.compile(p, re.IGNORECASE) for p in b["patterns"]),
            b.get("parent", ""),
            bool(b.get("fallback", False)),
        )
        for b in data["branch"]
    )
    known = {b.id for b in general}
    by_country: dict[str, dict[str, tuple[re.Pattern[str], ...]]] = {}
    for iso3, extra in data.get("countries", {}).items():
        unknown = set(extra) - known
        if unknown:
            raise ValueError(f"branches.toml: [countries.{iso3}] names unknown branches {sorted(unknown)}")
        by_country[iso3] = {k: tuple(re.compile(p, re.IGNORECASE) for p in v) for k, v in extra.items()}
    return Branches(general, by_country)


@dataclass
class BranchRow:
    branch: str
    title: str
    parent: str
    trainees: dict[int, int] = field(default_factory=dict)
    events: dict[int, int] = field(default_factory=dict)
    fatalities: dict[int, int] = field(default_factory=dict)
    names: dict[str, set[str]] = field(default_factory=lambda: {"fmtr": set(), "acled": set()})

    def to_dict(self) -> dict[str, object]:
        return {
            "branch": self.branch,
            "title": self.title,
            "parent": self.parent,
            "trainees_by_fiscal_year": {str(k): v for k, v in sorted(self.trainees.items())},
            "civilian_targeting_events_by_year": {str(k): v for k, v in sorted(self.events.items())},
            "civilian_fatalities_by_year": {str(k): v for k, v in sorted(self.fatalities.items())},
            "trainees": sum(self.trainees.values()),
            "events": sum(self.events.values()),
            "fatalities": sum(self.fatalities.values()),
            "fmtr_units": sorted(self.names["fmtr"]),
            "acled_actors": sorted(self.names["acled"]),
        }


@dataclass
class ForcesView:
    iso3: str
    rows: list[BranchRow]
    sources: tuple[int, ...]
    note: str


def forces(ctx: FigureContext) -> ForcesView:
    """Per branch of the country's forces: FMTR trainees by fiscal year beside ACLED civilian targeting by year."""
    mapping = branches()
    titles = mapping.titles()
    rows: dict[str, BranchRow] = {}

    def row(branch: str) -> BranchRow:
        if branch not in rows:
            rows[branch] = BranchRow(branch, titles[branch], mapping.parent_of(branch))
        return rows[branch]

    sources: set[int] = set()
    chosen = chosen_reports(ctx, ctx.iso3).get(ctx.iso3, {})
    t = ctx.table("training")
    mine = t.filter(t.country_iso3 == ctx.iso3)
    grouped = mine.group_by(["fiscal_year", "snapshot_id", "student_unit"]).aggregate(n=mine.quantity.sum())
    for r in ctx.rows(grouped):
        year, snapshot = r["fiscal_year"], int(r["snapshot_id"])
        if year is None or chosen.get(int(year)) != snapshot:
            continue  # one report per fiscal year, as every training figure counts
        entry = row(mapping.classify(r["student_unit"], ctx.iso3))
        entry.trainees[int(year)] = entry.trainees.get(int(year), 0) + int(r["n"] or 0)
        if r["student_unit"]:
            entry.names["fmtr"].add(str(r["student_unit"]))
        sources.add(snapshot)
    h = ctx.table("harm_events")
    harm = h.filter(
        (h.country_iso3 == ctx.iso3)
        & (h.source == "acled")
        & h.civilian_targeting
        & (h.perpetrator_class == "state_forces")
    )
    by_actor = harm.group_by(["actor1", "year", "snapshot_id"]).aggregate(e=harm.count(), f=harm.fatalities.sum())
    for r in ctx.rows(by_actor):
        entry = row(mapping.classify_actor(r["actor1"], ctx.iso3))
        year = int(r["year"])
        entry.events[year] = entry.events.get(year, 0) + int(r["e"])
        entry.fatalities[year] = entry.fatalities.get(year, 0) + int(r["f"] or 0)
        entry.names["acled"].add(str(r["actor1"]))
        sources.add(int(r["snapshot_id"]))
    order = {b.id: n for n, b in enumerate(mapping.general)} | {SEVERAL: 98, UNKNOWN: 99}

    def place(entry: BranchRow) -> tuple[int, int]:
        """Other forces first, then the armed forces' branches and the armed forces, then the rest."""
        armed = entry.parent == "armed_forces" or entry.branch == "armed_forces"
        fallback = next((b.fallback for b in mapping.general if b.id == entry.branch), False)
        group = 1 if armed else (2 if fallback or entry.branch in (SEVERAL, UNKNOWN) else 0)
        return group, order.get(entry.branch, 97)

    listed = sorted(rows.values(), key=place)
    family = [r for r in listed if r.branch == "armed_forces" or r.parent == "armed_forces"]
    if len(family) > 1:  # ACLED names the armed forces as a whole: their branches' trainees beside that total
        total = BranchRow("armed_forces_total", "Armed forces, all branches (total)", "")
        for entry in family:
            for mine_, theirs in ((total.trainees, entry.trainees), (total.events, entry.events),
                                  (total.fatalities, entry.fatalities)):  # fmt: skip
                for y, n in theirs.items():
                    mine_[y] = mine_.get(y, 0) + n
        listed.insert(listed.index(family[-1]) + 1, total)
    note = (
        "A screening aid, not a finding: units and actors are matched to branches by name (data/branches.toml);"
        " ACLED events are civilian targeting by the country's own state forces as actor 1; trainees count one"
        " FMTR report per fiscal year. A branch's trainees and a branch's events are not the same people."
    )
    return ForcesView(ctx.iso3, listed, tuple(sorted(sources)), note)
