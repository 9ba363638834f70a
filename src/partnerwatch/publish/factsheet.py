"""A country factsheet as data: sections of figures, records and notes, before any rendering.

The section list follows the published factsheets PartnerWatch automates. Each
renderer (Markdown now; HTML, PDF and DOCX later) walks the same structure, so
every format carries the same figures and the same citations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from partnerwatch.countries import crosswalk
from partnerwatch.figures.arms import arms_suppliers_by_delivered_tiv
from partnerwatch.figures.model import Figure, SourceRef
from partnerwatch.figures.published import (
    Record,
    documented_incidents,
    facts_by_topic,
    legal_annex,
    published_facts,
    timeline_events,
)

# Section title -> topics of published facts shown there (order kept). A topic
# listed in no section still appears, under "Other published figures".
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Key figures", ()),
    (
        "U.S. assistance",
        (
            "us_aid_by_category",
            "us_aid_reported",
            "security_assistance_total",
            "fms_notified",
            "fms_notification_threshold",
        ),
    ),
    (
        "Security assistance",
        (
            "security_assistance_by_program",
            "un_mission_support_total",
            "un_mission_support",
            "peacekeeping_contributions",
        ),
    ),
    (
        "Arms sales and military spending",
        (
            "arms_sales_total",
            "dcs_average_per_year",
            "dcs_share_of_peak_milex",
            "dcs_share_by_usml_category",
            "milex_peak",
            "milex_share_of_government_spending",
            "arms_supplier_rank",
        ),
    ),
    (
        "Foreign military training",
        ("trainees_total", "trainees_by_program", "training_pko_course_sample", "other_donor_training"),
    ),
    (
        "Civilian harm",
        (
            "civilian_fatalities",
            "civilian_harm_events",
            "civilian_killings_change",
            "civilian_fatalities_change",
            "extrajudicial_executions",
            "enforced_disappearances",
            "detentions",
            "sexual_violence",
            "children_recruited",
            "children_killed_maimed",
        ),
    ),
    ("Displacement and humanitarian access", ("idps", "idps_change", "aid_worker_danger_rank", "cmcoord")),
    ("Partnership status: coups, restrictions, sanctions and deployments", ()),
    ("Legal obligations annex", ()),
)
# Topics shown as a table (item | value) rather than as sentences.
TABLE_TOPICS = frozenset(
    {
        "security_assistance_by_program",
        "un_mission_support",
        "arms_supplier_rank",
        "trainees_by_program",
        "training_pko_course_sample",
        "dcs_share_by_usml_category",
    }
)
# Headline topics for the key-figures box: the first figure of each (curators
# list the headline figure of a topic first).
KEY_TOPICS = (
    "security_assistance_total",
    "un_mission_support_total",
    "arms_sales_total",
    "trainees_total",
    "milex_peak",
    "civilian_fatalities",
    "idps",
)
# Titles of the tables built from a topic's rows.
TABLE_TITLES = {
    "security_assistance_by_program": "U.S. security assistance by program (UN missions excluded)",
    "un_mission_support": "U.S. support to UN missions, by year and item",
    "arms_supplier_rank": "Arms suppliers as ranked in the published factsheet",
    "trainees_by_program": "Trainees by program",
    "training_pko_course_sample": "A sample of course titles under PKO funding, with trainees",
    "dcs_share_by_usml_category": "Share of U.S. arms sales by USML category",
}
# Detail topics whose rows should add up to a published total: (detail, total).
SUM_CHECKS = (
    ("security_assistance_by_program", "security_assistance_total"),
    ("un_mission_support", "un_mission_support_total"),
    ("trainees_by_program", "trainees_total"),
)
TOLERANCE = {"": 0.005, "about": 0.05}
SUPPLIER_PERIOD = (2001, 2021)


@dataclass
class Section:
    title: str
    figures: list[Figure] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    record_kind: str = ""
    empty_reason: str = ""


@dataclass
class Factsheet:
    iso3: str
    country: str
    generated: date
    sections: list[Section]
    notes: list[str]
    snapshots: list[tuple[int, str, str, str, str]]

    @property
    def has_data(self) -> bool:
        return any(s.figures or s.records for s in self.sections)


def build_factsheet(con: duckdb.DuckDBPyConnection, iso3: str) -> Factsheet:
    facts = published_facts(con, iso3)
    by_topic = facts_by_topic(facts)
    placed: set[str] = set()
    sections: list[Section] = []
    for title, topics in SECTIONS:
        section = Section(title)
        for topic in topics:
            section.figures.extend(by_topic.get(topic, []))
            placed.add(topic)
        sections.append(section)
    sections[0].figures = _key_figures(by_topic)
    notes = _sum_notes(by_topic)

    arms = next(s for s in sections if s.title.startswith("Arms sales"))
    ranking = arms_suppliers_by_delivered_tiv(con, iso3, *SUPPLIER_PERIOD)
    if ranking is not None:
        arms.figures.append(ranking)
        notes.extend(_ranking_notes(ranking, by_topic.get("arms_supplier_rank", [])))

    harm = next(s for s in sections if s.title == "Civilian harm")
    harm.records, harm.record_kind = documented_incidents(con, iso3), "incidents"
    status = next(s for s in sections if s.title.startswith("Partnership status"))
    status.records, status.record_kind = timeline_events(con, iso3), "timeline"
    annex = sections[-1]
    annex.records, annex.record_kind = legal_annex(con, iso3), "annex"

    leftovers = [f for f in facts if f.topic not in placed]
    if leftovers:
        sections.insert(-1, Section("Other published figures", leftovers))
    for section in sections:
        if not section.figures and not section.records:
            section.empty_reason = "No data loaded for this section."
    snapshots = [
        (int(r[0]), r[1], r[2], r[3] or "", r[4])
        for r in con.execute(
            "SELECT id, source, citation, release, sha256 FROM snapshots WHERE superseded_by IS NULL ORDER BY id"
        ).fetchall()
    ]
    return Factsheet(iso3, crosswalk().name(iso3), date.today(), sections, notes, snapshots)


def _key_figures(by_topic: dict[str, list[Figure]]) -> list[Figure]:
    picked = []
    for topic in KEY_TOPICS:
        figures = [f for f in by_topic.get(topic, []) if f.value is not None]
        if figures:
            picked.append(figures[0])
    return picked


def _sum_notes(by_topic: dict[str, list[Figure]]) -> list[str]:
    notes = []
    for detail, total in SUM_CHECKS:
        rows = [f for f in by_topic.get(detail, []) if f.value is not None]
        if not rows:
            continue
        periods = {f.period for f in rows}
        added = sum(f.value or 0 for f in rows)
        for target in by_topic.get(total, []):
            if target.value is None or target.period not in periods | {_span(periods)}:
                continue
            tolerance = TOLERANCE.get(target.qualifier, 0.05)
            gap = abs(added - target.value) / target.value if target.value else 0.0
            if gap > tolerance:
                notes.append(
                    f"The {len(rows)} rows of '{detail}' add up to {added:,.0f}, but the published"
                    f" total '{target.label}' ({target.period}) is {target.value:,.0f}: a"
                    f" {gap:.0%} difference, beyond the {tolerance:.1%} tolerance."
                )
    return notes


def _span(periods: set[str]) -> str:
    years = sorted(int(p[:4]) for p in periods if p[:4].isdigit())
    return f"{years[0]}-{years[-1]}" if years else ""


def _ranking_notes(computed: Figure, published: list[Figure]) -> list[str]:
    if not published:
        return []
    order = [f.item for f in sorted(published, key=lambda f: f.value or 0)]
    names = {r["supplier_iso3"]: str(r["supplier"]) for r in computed.rows}
    walk = crosswalk()
    mine = [str(r["supplier_iso3"]) for r in computed.rows]
    theirs = [walk.lookup_name(name) or name for name in order]
    top = mine[: len(theirs)]
    if top == theirs:
        return [f"The published supplier ranking matches the register for {computed.period}."]
    us_rank = next((i for i, code in enumerate(mine, start=1) if code == "USA"), None)
    us_published = next((int(f.value or 0) for f in published if walk.lookup_name(f.item) == "USA"), None)
    us_note = (
        f" U.S. rank: {us_published} published, {us_rank} computed."
        if us_rank is not None and us_published is not None
        else ""
    )
    return [
        f"Published supplier ranking (period not stated): {', '.join(order)}. Computed from the"
        f" loaded SIPRI register for {computed.period}: {', '.join(names.get(c, c) for c in top)}."
        f"{us_note} The two differ; SIPRI revises the register between releases and the published"
        " period is unknown."
    ]


def cite(source: SourceRef) -> str:
    """Footnote text for a source: the original source, then the document it was read in."""
    if source.cited_source and source.cited_source not in source.citation:
        return f"{source.cited_source}, as reported in: {source.citation}"
    return source.citation
