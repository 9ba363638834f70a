"""A country factsheet as data: sections of figures, sentences, records and notes, before any rendering.

The sections follow the published factsheets PartnerWatch automates. Each
section holds figures computed from primary data (Ibis, ``figures/``), the
published figures of the curated dataset (each a Figure with its citation),
sentences generated from those figures — a sentence never states a number
that is not a Figure — and, for some sections, records (incidents, timeline,
annex). Every renderer (Markdown, HTML, PDF, DOCX) walks the same structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from partnerwatch.countries import crosswalk
from partnerwatch.errors import PartnerWatchError
from partnerwatch.figures.catalog import computed_figures
from partnerwatch.figures.context import DEFAULT_PERIOD, FigureContext
from partnerwatch.figures.coverage import runs
from partnerwatch.figures.model import Figure, SourceRef
from partnerwatch.figures.partnership import timeline
from partnerwatch.figures.published import (
    Record,
    documented_incidents,
    facts_by_topic,
    legal_annex,
    narrative_parts,
    published_facts,
)
from partnerwatch.figures.reconcile import Reconciliation, reconcile
from partnerwatch.publish.narrative import make_live
from partnerwatch.publish.prose import Facts, Sentence, paragraphs
from partnerwatch.publish.style import source_name
from partnerwatch.store import Connection

# Section title -> (computed topics, published topics) shown there, in order.
SECTIONS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Summary", (), ()),
    ("Key figures", (), ()),
    (
        "U.S. assistance",
        ("us_aid_by_year", "economic_and_military_by_year", "us_aid_by_category", "humanitarian_to_security_ratio"),
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
            "security_assistance_by_account",
            "security_assistance_by_year",
            "security_planned_and_obligated",
            "security_assistance_by_program",
            "peacekeeping_contributions_by_year",
        ),
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
            "arms_supplier_ranking",
            "arms_deliveries_by_year",
            "us_arms_sales_by_year",
            "milex_peak",
            "milex_share_of_government_spending",
        ),
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
        ("trainees_by_program", "trainees_by_year", "training_course_titles", "units_trained"),
        ("trainees_total", "trainees_by_program", "training_pko_course_sample", "other_donor_training"),
    ),
    ("Partnership status: coups, restrictions, sanctions and deployments", ("restrictions_effect",), ()),
    (
        "Civilian harm",
        (
            "civilian_fatalities_by_perpetrator",
            "state_and_allies_civilian_fatalities",
            "civilian_fatalities_change",
            "deadliest_civilian_events",
            "battle_deaths_by_year",
            "armed_conflicts",
            "acled_monthly_violence",
        ),
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
    (
        "Displacement and humanitarian access",
        ("idps_by_year", "dtm_idps", "aid_worker_attacks"),
        ("idps", "idps_change", "aid_worker_danger_rank", "cmcoord"),
    ),
    ("Legal obligations annex", ("treaty_ratifications",), ()),
)
# Published topics shown as a table (item | value) rather than as sentences.
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
TABLE_TITLES = {
    "security_assistance_by_program": "U.S. security assistance by program (UN missions excluded)",
    "un_mission_support": "U.S. support to UN missions, by year and item",
    "arms_supplier_rank": "Arms suppliers as ranked in the published factsheet",
    "trainees_by_program": "Trainees by program",
    "training_pko_course_sample": "A sample of course titles under PKO funding, with trainees",
    "dcs_share_by_usml_category": "Share of U.S. arms sales by USML category",
}
# Key figures: computed topics first, then published ones (first figure of each topic).
KEY_COMPUTED = (
    "security_assistance_by_account",
    "state_and_allies_civilian_fatalities",
    "trainees_by_program",
    "milex_peak",
    "idps_by_year",
)
KEY_PUBLISHED = (
    "security_assistance_total",
    "un_mission_support_total",
    "arms_sales_total",
    "trainees_total",
    "civilian_fatalities",
)
# One number per concept in the key figures: a computed topic and the published one about the same thing,
# shown in the computed line as a reconciliation rather than as a second key figure.
KEY_PAIRS = {
    "security_assistance_by_account": "security_assistance_total",
    "trainees_by_program": "trainees_total",
    "milex_peak": "milex_peak",
    "idps_by_year": "idps",
}
# Detail topics whose rows should add up to a published total: (detail, total).
SUM_CHECKS = (
    ("security_assistance_by_program", "security_assistance_total"),
    ("un_mission_support", "un_mission_support_total"),
    ("trainees_by_program", "trainees_total"),
)
SUM_TOLERANCE = {"": 0.005, "about": 0.05}


@dataclass
class Section:
    title: str
    computed: list[Figure] = field(default_factory=list)
    published: list[Figure] = field(default_factory=list)
    paragraphs: list[list[Sentence]] = field(default_factory=list)
    """The section's writing: generated from its figures, or the analyst's narrative made live."""
    records: list[Record] = field(default_factory=list)
    record_kind: str = ""
    published_beside: dict[str, Figure] = field(default_factory=dict)
    """Computed figure id -> the published figure of the same concept, shown in its line (key figures)."""

    @property
    def sentences(self) -> list[Sentence]:
        return [s for paragraph in self.paragraphs for s in paragraph]

    @property
    def figures(self) -> list[Figure]:
        return [f for f in self.computed if not f.unavailable] + self.published

    @property
    def empty(self) -> bool:
        return not self.figures and not self.records and not self.sentences


@dataclass
class Factsheet:
    iso3: str
    country: str
    generated: date
    period: tuple[int, int]
    sections: list[Section]
    reconciliations: list[Reconciliation]
    notes: list[str]
    unavailable: list[Figure]
    snapshots: list[tuple[int, str, str, str, str]]
    warnings: list[str] = field(default_factory=list)
    """What the reader should know about how the factsheet was made (a narrative figure not available)."""

    @property
    def has_data(self) -> bool:
        """Whether any figure or record is loaded (a paragraph that says what is missing is not data)."""
        return any(s.figures or s.records for s in self.sections)

    @property
    def vintage(self) -> str:
        """The data's vintage in one line: per source, its release, or its first and last releases.

        "FMTR FY2007–FY2020 (12 releases)", not twelve entries: the cover carries
        one line, and ``source_lines`` every snapshot.
        """
        by_source: dict[str, list[str]] = {}
        for _i, source, _c, release, _s in self.snapshots:  # in load order
            found = by_source.setdefault(source, [])
            if release and release not in found:
                found.append(release)
        parts = []
        for source, releases in by_source.items():
            name = source_name(source)
            if not releases:
                parts.append(name)
            elif len(releases) == 1:
                parts.append(f"{name} {releases[0]}")
            elif all(re.fullmatch(r"(FY)?\d{4}", r) for r in releases):
                ordered = sorted(releases)
                parts.append(f"{name} {ordered[0]}–{ordered[-1]} ({len(ordered)} releases)")
            else:
                parts.append(f"{name} {releases[-1]} and {len(releases) - 1} earlier")
        return "; ".join(parts) or "no dated releases"

    def source_lines(self) -> list[str]:
        """One line per source the factsheet uses: its citation, the snapshots of it and their releases.

        Eighteen treaty files are one source, not eighteen lines; ``partnerwatch
        sources`` gives every snapshot's sha256.
        """
        families: dict[str, list[tuple[int, str, str, str]]] = {}
        for sid, source, citation, release, sha in self.snapshots:
            families.setdefault(source, []).append((sid, citation, release, sha))
        lines = []
        for source, items in families.items():
            citations = list(dict.fromkeys(citation for _i, citation, _r, _s in items))
            releases = list(dict.fromkeys(release for _i, _c, release, _s in items if release))
            ids = _ranges([sid for sid, _c, _r, _s in items])
            if len(items) == 1:
                held = f"snapshot {ids}, sha256 {items[0][3][:12]}…"
            else:
                held = f"{len(items)} files, snapshots {ids}"
            release = f"; release{'s' if len(releases) > 1 else ''} {', '.join(releases)}" if releases else ""
            lines.append(f"{'; '.join(citations)} ({source}: {held}{release}).")
        return lines

    def all_figures(self) -> list[Figure]:
        return [f for s in self.sections for f in s.computed + s.published]


def build_factsheet(con: Connection, iso3: str, period: tuple[int, int] = DEFAULT_PERIOD) -> Factsheet:
    ctx = FigureContext.for_store(con, iso3, period)
    computed = computed_figures(ctx)
    published = published_facts(ctx)
    by_computed = facts_by_topic(computed)
    by_published = facts_by_topic(published)
    sections: list[Section] = []
    placed: set[str] = set()
    for title, computed_topics, published_topics in SECTIONS:
        section = Section(title)
        for topic in computed_topics:
            section.computed.extend(by_computed.get(topic, []))
        for topic in published_topics:
            section.published.extend(by_published.get(topic, []))
            placed.add(topic)
        sections.append(section)
    key = _section(sections, "Key figures")
    key.computed = [f for t in KEY_COMPUTED for f in by_computed.get(t, [])[:1] if not f.unavailable]
    key.published = [f for t in KEY_PUBLISHED for f in by_published.get(t, [])[:1] if f.value is not None]
    for figure in key.computed:
        beside = next((f for f in by_published.get(KEY_PAIRS.get(figure.topic, ""), []) if f.value is not None), None)
        if beside is not None:
            key.published_beside[figure.id] = beside
            key.published = [f for f in key.published if f.id != beside.id]
    harm = _section(sections, "Civilian harm")
    harm.records, harm.record_kind = documented_incidents(ctx), "incidents"
    status = _section(sections, "Partnership status")
    status.records, status.record_kind = timeline(ctx), "timeline"
    events = [dict(r.fields) for r in status.records if r.fields.get("kind") in ("coup", "restriction", "sanction")]
    annex = _section(sections, "Legal obligations annex")
    annex.records, annex.record_kind = legal_annex(ctx), "annex"
    facts = Facts(crosswalk().name(iso3), by_computed, by_published, events, period, has_annex=bool(annex.records))
    written = paragraphs(facts)
    for section in sections:
        prefix = next((p for p in written if section.title.startswith(p)), None)
        if prefix is not None:
            section.paragraphs = [written[prefix]]
    warnings = _narrative(ctx, sections, computed + published)
    leftovers = [f for f in published if f.topic not in placed]
    if leftovers:
        sections.insert(-1, Section("Other published figures", published=leftovers))

    # The snapshots this country's figures and records rest on: not every file in the store.
    used = {s.snapshot_id for s in _all_sources(sections, computed, published)}
    snapshots = [
        (int(r[0]), r[1], r[2], r[3] or "", r[4])
        for r in con.execute(
            "SELECT id, source, citation, release, sha256 FROM snapshots WHERE superseded_by IS NULL ORDER BY id"
        ).fetchall()
        if int(r[0]) in used
    ]
    return Factsheet(
        iso3=iso3,
        country=crosswalk().name(iso3),
        generated=date.today(),
        period=period,
        sections=sections,
        reconciliations=reconcile(published, computed),
        notes=_sum_notes(by_published),
        unavailable=[f for f in computed if f.unavailable],
        snapshots=snapshots,
        warnings=warnings,
    )


def _narrative(ctx: FigureContext, sections: list[Section], figures: list[Figure]) -> list[str]:
    """Put the analyst's narrative, where there is one, in place of the generated paragraphs of its sections."""
    parts = narrative_parts(ctx)
    if not parts:
        return []
    file = f"{ctx.iso3.lower()}/narrative.md"
    live = make_live(parts, figures, file)
    for heading, paragraphs_ in live.sections.items():
        section = next((s for s in sections if s.title.lower().startswith(heading.lower())), None)
        if section is None:
            line = next(int(str(p.fields["source_row"])) for p in parts if p.fields["section"] == heading)
            raise PartnerWatchError.single(
                "bad-value",
                f"'# {heading}' is not a factsheet section; use one of: {', '.join(s.title for s in sections)}",
                file=file,
                row=line,
                field="section",
            )
        # The analyst's argument first, then what the primary data loaded show: the generated sentences led by a
        # computed figure (a published one may follow as a reconciliation) or saying what is missing.
        computed_only = [
            s
            for s in section.sentences
            if heading != "Summary" and (s.missing or (s.figures and s.figures[0].computed))
        ]
        section.paragraphs = paragraphs_ + ([computed_only] if computed_only else [])
    return live.warnings


def _ranges(ids: list[int]) -> str:
    """[19, 20, 21, 23] -> '19-21, 23'."""
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs(ids))


def _all_sources(sections: list[Section], *figures: list[Figure]) -> list[SourceRef]:
    found = [s for group in figures for f in group if not f.unavailable for s in f.sources]
    return found + [r.source for section in sections for r in section.records]


def _section(sections: list[Section], prefix: str) -> Section:
    return next(s for s in sections if s.title.startswith(prefix))


def _sum_notes(by_topic: dict[str, list[Figure]]) -> list[str]:
    notes = []
    for detail, total in SUM_CHECKS:
        rows = [f for f in by_topic.get(detail, []) if f.value is not None]
        if not rows:
            continue
        periods = {f.period for f in rows}
        added = sum(f.value or 0 for f in rows)
        for target in by_topic.get(total, []):
            if target.value is None or target.period not in periods:
                continue
            tolerance = SUM_TOLERANCE.get(target.qualifier, 0.05)
            gap = abs(added - target.value) / target.value if target.value else 0.0
            if gap > tolerance:
                notes.append(
                    f"The {len(rows)} published rows of '{detail}' add up to {added:,.0f}, but the published total"
                    f" '{target.label}' ({target.period}) is {target.value:,.0f}: a {gap:.0%} difference, beyond"
                    f" the {tolerance:.1%} tolerance."
                )
    return notes


REPORTED_IN = ", as reported in: "


def cite(source: SourceRef) -> str:
    """Footnote text for a source: the original source, then the document it was read in."""
    if source.cited_source and source.cited_source not in source.citation:
        return f"{source.cited_source}{REPORTED_IN}{source.citation}"
    return source.citation
