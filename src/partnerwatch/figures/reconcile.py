"""Published figures against the same figures computed from primary data.

Where the curated dataset holds a published figure for something PartnerWatch
can compute, both are shown with both citations and a difference beyond the
tolerance is flagged. Nothing here changes either number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from partnerwatch.countries import crosswalk
from partnerwatch.figures.model import Figure

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
