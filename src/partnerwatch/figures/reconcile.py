"""Published figures against the same figures computed from primary data.

Where the curated dataset holds a published figure for something PartnerWatch
can compute, both are shown with both citations and a difference beyond the
tolerance is flagged. Nothing here changes either number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from partnerwatch.countries import crosswalk
from partnerwatch.figures.coverage import period_years
from partnerwatch.figures.model import Figure
from partnerwatch.figures.security import security_accounts

TOLERANCE = 0.05


@dataclass(frozen=True)
class Reconciliation:
    topic: str
    published: str
    computed: str
    difference: str
    flagged: bool
    published_figure: Figure | None
    computed_figure: Figure | None

    def sentence(self) -> str:
        verdict = "differs" if self.flagged else "agrees"
        return f"{self.topic}: published {self.published}; computed {self.computed} — {verdict}{self.difference}."


def _by_topic(figures: list[Figure]) -> dict[str, list[Figure]]:
    grouped: dict[str, list[Figure]] = {}
    for figure in figures:
        grouped.setdefault(figure.topic, []).append(figure)
    return grouped


def _gap(published: float, computed: float) -> tuple[str, bool]:
    if published == 0:
        return ("", computed != 0)
    share = (computed - published) / published
    return (f" ({share:+.1%})", abs(share) > TOLERANCE)


def reconcile(published: list[Figure], computed: list[Figure]) -> list[Reconciliation]:
    pub, com = _by_topic(published), _by_topic(computed)
    found: list[Reconciliation] = []
    found += _supplier_ranking(pub.get("arms_supplier_rank", []), com.get("arms_supplier_ranking", []))
    found += _milex(pub, com)
    found += _trainees(pub, com)
    found += _course_titles(pub.get("training_pko_course_sample", []), com.get("training_course_titles", []))
    found += _idps(pub.get("idps", []), com.get("idps_by_year", []))
    found += _security_programs(pub, com)
    return found


def _supplier_ranking(published: list[Figure], computed: list[Figure]) -> list[Reconciliation]:
    ranking = next((f for f in computed if f.rows), None)
    if not published or ranking is None:
        return []
    walk = crosswalk()
    order = [f.item for f in sorted(published, key=lambda f: f.value or 0)]
    theirs = [walk.lookup_name(name) or name for name in order]
    mine = [str(r["supplier_iso3"]) for r in ranking.rows]
    names = {str(r["supplier_iso3"]): str(r["supplier"]) for r in ranking.rows}
    us_published = next((int(f.value or 0) for f in published if walk.lookup_name(f.item) == "USA"), None)
    us_computed = mine.index("USA") + 1 if "USA" in mine else None
    same = mine[: len(theirs)] == theirs
    return [
        Reconciliation(
            "Arms suppliers ranked",
            f"{', '.join(order)} (period not stated)",
            f"{', '.join(names[c] for c in mine[: len(theirs)])} ({ranking.period}, SIPRI register)",
            "" if same else f"; U.S. rank {us_published} published, {us_computed} computed",
            not same,
            published[0],
            ranking,
        )
    ]


def _milex(pub: dict[str, list[Figure]], com: dict[str, list[Figure]]) -> list[Reconciliation]:
    found: list[Reconciliation] = []
    peak = next((f for f in pub.get("milex_peak", []) if f.value), None)
    shares = next((f for f in com.get("milex_share_of_government_spending", []) if f.rows), None)
    computed_peak = next((f for f in com.get("milex_peak", []) if f.value), None)
    if peak is not None and computed_peak is not None and peak.value is not None and computed_peak.value is not None:
        gap, flagged = _gap(peak.value, computed_peak.value)
        flagged = flagged or peak.period != computed_peak.period
        found.append(
            Reconciliation(
                "Peak military expenditure",
                f"${peak.value / 1e6:,.2f} m. in {peak.period}",
                f"${computed_peak.value / 1e6:,.2f} m. in {computed_peak.period}",
                gap,
                flagged,
                peak,
                computed_peak,
            )
        )
    share = next((f for f in pub.get("milex_share_of_government_spending", []) if f.value), None)
    if share is not None and shares is not None and share.value is not None:
        start = int(share.period[:4]) if share.period[:4].isdigit() else 0
        below = [r for r in shares.rows if int(str(r["year"])) >= start and float(str(r["percent"])) <= share.value]
        found.append(
            Reconciliation(
                "Military spending share of government spending",
                f"more than {share.value:g}% every year since {start}",
                "; ".join(f"{r['year']}: {r['percent']}%" for r in shares.rows if int(str(r["year"])) >= start),
                "" if not below else f"; at or below {share.value:g}% in " + ", ".join(str(r["year"]) for r in below),
                bool(below),
                share,
                shares,
            )
        )
    return found


def _trainees(pub: dict[str, list[Figure]], com: dict[str, list[Figure]]) -> list[Reconciliation]:
    total = next((f for f in pub.get("trainees_total", []) if f.qualifier == "" and f.value), None)
    computed = next((f for f in com.get("trainees_by_program", []) if f.value), None)
    if total is None or computed is None or total.value is None or computed.value is None:
        return []
    gap, flagged = _gap(total.value, computed.value)
    covered = computed.method.split("reports loaded: ")[-1].split(")")[0]
    return [
        Reconciliation(
            "Personnel trained",
            f"{total.value:,.0f} ({total.period})",
            f"{computed.value:,.0f} in the FMTR reports loaded ({covered})",
            gap + "; the reports loaded cover only part of the period",
            flagged,
            total,
            computed,
        )
    ]


def _norm(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", re.sub(r"\(.*?\)", "", title.lower())).strip()


def _course_titles(published: list[Figure], computed: list[Figure]) -> list[Reconciliation]:
    titles = next((f for f in computed if f.rows), None)
    if not published or titles is None:
        return []
    years = {int(str(r["fiscal_year"])) for r in titles.rows}
    by_title = {
        (int(str(r["fiscal_year"])), _norm(str(r["course_title"]))): int(str(r["trainees"])) for r in titles.rows
    }
    found = []
    for figure in published:
        if not figure.period.isdigit() or int(figure.period) not in years or figure.value is None:
            continue
        key = (int(figure.period), _norm(figure.item))
        report = by_title.get(key)
        if report != int(figure.value):
            found.append(
                Reconciliation(
                    f"PKO course {figure.item} ({figure.period})",
                    f"{figure.value:,.0f} trainees",
                    "not in the report for that year" if report is None else f"{report:,} trainees in the FMTR",
                    "",
                    True,
                    figure,
                    titles,
                )
            )
    return found


def _idps(published: list[Figure], computed: list[Figure]) -> list[Reconciliation]:
    figure = next((f for f in published if f.value), None)
    trend = next((f for f in computed if f.rows), None)
    if figure is None or trend is None or figure.value is None:
        return []
    year = int(figure.period[:4]) if figure.period[:4].isdigit() else None
    row = next((r for r in trend.rows if int(str(r["year"])) == year), None)
    if row is None:
        return []
    gap, flagged = _gap(figure.value, float(str(row["idps"])))
    return [
        Reconciliation(
            "Conflict IDPs",
            f"{figure.value:,.0f} ({figure.period}, {figure.sources[0].cited_source or 'published'})",
            f"{int(str(row['idps'])):,} at the end of {year} (IDMC)",
            gap + "; different sources and dates",
            flagged,
            figure,
            trend,
        )
    ]


BASIS = "; different bases: USAID's obligations per account against Security Assistance Monitor's program figures"


def _security_programs(pub: dict[str, list[Figure]], com: dict[str, list[Figure]]) -> list[Reconciliation]:
    """The factsheet's security programs (and its UN-mission PKO by year) against the Greenbook's accounts."""
    yearly = next((f for f in com.get("security_assistance_by_year", []) if f.rows), None)
    if yearly is None:
        return []
    amounts: dict[tuple[int, str], float] = {}
    for row in yearly.rows:
        key = (int(str(row["fiscal_year"])), str(row["account"]))
        amounts[key] = amounts.get(key, 0.0) + float(str(row["amount_usd"]))
    loaded = {year for year, _account in amounts}
    mapping = security_accounts().published_programs
    un = [f for f in pub.get("un_mission_support", []) if f.value is not None]
    found = []
    for figure in pub.get("security_assistance_by_program", []):
        accounts = mapping.get(figure.item)
        years = period_years(figure.period)
        covered = bool(years) and min(loaded) <= min(years) and max(years) <= max(loaded)
        if not accounts or figure.value is None or not covered:
            continue
        computed = sum(amounts.get((y, a), 0.0) for y in years for a in accounts)
        gap, _tolerated = _gap(figure.value, computed)
        exact = round(computed) == round(figure.value)
        why = ""
        if not exact and figure.item == "Peacekeeping Operations" and un:
            with_un = figure.value + sum(f.value or 0 for f in un)
            why = (
                f"; the Greenbook's account includes the support to UN missions that the factsheet lists apart:"
                f" ${figure.value:,.0f} + ${with_un - figure.value:,.0f} = ${with_un:,.0f} published"
            )
        elif not exact:
            why = BASIS
        found.append(
            Reconciliation(
                f"Security assistance, {figure.item} ({figure.period})",
                f"${figure.value:,.0f}",
                f"${computed:,.0f} in the Greenbook ({'; '.join(accounts)})",
                ("" if exact else gap) + why,
                not exact,
                figure,
                yearly,
            )
        )
    for figure in un:
        if not figure.period.isdigit() or int(figure.period) not in loaded or figure.value is None:
            continue
        computed = amounts.get((int(figure.period), "Peace Keeping Operations"), 0.0)
        exact = round(computed) == round(figure.value)
        gap, _tolerated = _gap(figure.value, computed)
        found.append(
            Reconciliation(
                f"PKO support to UN missions ({figure.period})",
                f"${figure.value:,.0f}",
                f"${computed:,.0f} of Peace Keeping Operations in the Greenbook for FY{figure.period}",
                ""
                if exact
                else gap
                + (
                    f"; the Greenbook records no such obligation for the country that year, and the published line"
                    f" reads \u201c{figure.label}\u201d"
                    if computed == 0
                    else "; the Greenbook's PKO for the year is not only UN-mission support" + BASIS
                ),
                not exact,
                figure,
                yearly,
            )
        )
    return found
