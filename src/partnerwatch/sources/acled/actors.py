"""Who an actor is: the class of every ACLED actor, for "who is harming civilians".

Classes: ``state_forces`` (the event country's own military, police,
gendarmerie, in any period name such as "Military Forces of Mali (2021-)"),
``foreign_state_forces``, ``pro_government_militia``, ``private_military_company``,
``peace_operation`` (UN and regional missions), ``rebel_or_jihadist``,
``political_militia``, ``identity_militia``, ``protesters_rioters``, ``civilians``,
``unidentified``, ``other``.

The rules live in data files: ``actors/<iso3>.csv`` for one country (e.g. which
militias fight beside Mali's forces), then ``actors/default.csv``, each rule
``match`` (exact, prefix, contains, regex), ``pattern``, ``class``. State forces
are recognised from ACLED's naming, "… Forces of <country> (<years>)", and
whatever no rule names falls back on ACLED's actor-type code (``inter1``/``inter2``).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from partnerwatch.countries import crosswalk

CLASSES = (
    "state_forces",
    "foreign_state_forces",
    "pro_government_militia",
    "private_military_company",
    "peace_operation",
    "rebel_or_jihadist",
    "political_militia",
    "identity_militia",
    "protesters_rioters",
    "civilians",
    "unidentified",
    "other",
)
# ACLED actor-type codes: 1 state forces, 2 rebel groups, 3 political militias, 4 identity
# militias, 5 rioters, 6 protesters, 7 civilians, 8 external/other forces.
BY_INTER = {
    "2": "rebel_or_jihadist",
    "3": "political_militia",
    "4": "identity_militia",
    "5": "protesters_rioters",
    "6": "protesters_rioters",
    "7": "civilians",
    "8": "other",
}
_STATE = re.compile(
    r"^(?:Military|Police|Gendarmerie|Naval|Air|Armed|Security|Government)\b.*?\bof (?P<country>.+?)"
    r"(?: \(\d{4}-(?:\d{4})?\))?(?:\s*\[.*\])?$"
)


@dataclass(frozen=True)
class Rule:
    match: str
    pattern: str
    actor_class: str

    def applies(self, actor: str) -> bool:
        if self.match == "exact":
            return actor == self.pattern
        if self.match == "prefix":
            return actor.startswith(self.pattern)
        if self.match == "contains":
            return self.pattern in actor
        return re.search(self.pattern, actor) is not None


@cache
def rules_for(iso3: str | None) -> tuple[Rule, ...]:
    files = resources.files(__package__) / "actors"
    rules: list[Rule] = []
    for name in ([f"{iso3.lower()}.csv"] if iso3 else []) + ["default.csv"]:
        path = files / name
        if not path.is_file():
            if name == "default.csv":
                raise FileNotFoundError("actors/default.csv is missing from the package")
            continue
        for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))):
            if row["class"] not in CLASSES:
                raise ValueError(f"actors/{name}: unknown class {row['class']!r}")
            rules.append(Rule(row["match"], row["pattern"], row["class"]))
    return tuple(rules)


@cache
def classify(actor: str | None, inter: str | None, country_iso3: str | None) -> str | None:
    """The class of one actor in an event located in ``country_iso3``; None when there is no actor."""
    if not actor:
        return None
    for rule in rules_for(country_iso3):
        if rule.applies(actor):
            return rule.actor_class
    state = _STATE.match(actor)
    if state is not None or (inter or "").strip() == "1":
        named = crosswalk().lookup_name(state["country"]) if state is not None else None
        if named is None and state is not None:
            named = crosswalk().lookup_name(state["country"].split(" (")[0])
        if named is None or named == country_iso3:
            return "state_forces"
        return "foreign_state_forces"
    return BY_INTER.get((inter or "").strip(), "unidentified" if "nidentified" in actor else "other")


def classify_many(actors: str | None, country_iso3: str | None) -> str | None:
    """Classes of a ``;``-separated list of associated actors (no inter code is given for them)."""
    if not actors:
        return None
    found = [classify(a.strip(), None, country_iso3) for a in actors.split(";") if a.strip()]
    return ";".join(dict.fromkeys(c for c in found if c)) or None
