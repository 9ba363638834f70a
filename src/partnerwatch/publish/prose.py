"""The written paragraphs of a factsheet: per section, sentences over its figures, for any country.

Every sentence is written here and only here (PUBLISHING.md: "sentences are
written in one place, per section, as templates over figures"), with the
number filters of ``numbers``; renderers only lay the sentences out. A
sentence carries the figures its numbers come from, so its notes are the
figures' sources. A number derived from a figure's rows (a share, a peak) is
that figure's. Where the data cannot carry a sentence, the paragraph says in
one plain sentence what is missing, instead of leaving a hole.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from partnerwatch.figures.coverage import MONTHS, period_years, years_text
from partnerwatch.figures.model import Figure, SourceRef
from partnerwatch.figures.partnership import when
from partnerwatch.publish.format import format_period
from partnerwatch.publish.numbers import change, count, money, number_word, ordinal, percent, share, times
from partnerwatch.publish.style import value_label


@dataclass(frozen=True)
class Sentence:
    """Narrative text whose every number comes from the figures it cites."""

    text: str
    figures: tuple[Figure, ...] = ()
    missing: bool = False
    """Says what the loaded data cannot support (no figures, but a statement about the data all the same)."""

    @property
    def sources(self) -> tuple[SourceRef, ...]:
        return tuple(dict.fromkeys(s for f in self.figures for s in f.sources))


@dataclass
class Facts:
    """The figures a paragraph may speak of, by topic: computed first, then published."""

    country: str
    computed: dict[str, list[Figure]]
    published: dict[str, list[Figure]]
    events: list[dict[str, object]]
    """The timeline's coups, restrictions and sanctions (fields of the timeline records)."""
    period: tuple[int, int] = (2001, 2021)
    has_annex: bool = False

    def fig(self, topic: str) -> Figure | None:
        """The first computed figure of a topic that has a value or rows."""
        return next(
            (f for f in self.computed.get(topic, []) if not f.unavailable and (f.rows or f.value is not None)), None
        )

    def missing(self, topic: str) -> str:
        """Why a computed figure of this topic is not there, as the figure states it ('' if it is there)."""
        figures = self.computed.get(topic, [])
        return next((f.unavailable for f in figures if f.unavailable), "")

    def pub(self, topic: str) -> list[Figure]:
        return [f for f in self.published.get(topic, []) if f.value is not None]


def spoken(figure: Figure) -> str:
    """A single-value figure's number as a sentence says it: '$69 million', 'about 10,000', 'fifth'."""
    value, unit, qualifier = figure.value, figure.unit, figure.qualifier
    if value is None:
        return ""
    if unit == "usd":
        return money(value, qualifier)
    if unit == "percent":
        return percent(value, qualifier)
    if unit == "rank":
        return ordinal(int(value))
    if unit == "ratio":
        return times(value) if not qualifier else f"{qualifier} {times(value)}"
    if unit == "tiv_millions":
        return f"{count(value)} million TIV"
    return count(value, qualifier)


def _num(value: object) -> float:
    """A cell as a number (cells are typed as objects; a missing one is 0)."""
    return 0.0 if value is None else float(str(value))


def _sum(rows: Iterable[Mapping[str, object]], column: str) -> float:
    return sum(_num(r[column]) for r in rows)


def _by(rows: Iterable[Mapping[str, object]], key: str, column: str) -> dict[object, float]:
    totals: dict[object, float] = defaultdict(float)
    for row in rows:
        totals[row[key]] += _num(row[column])
    return dict(totals)


def period_words(period: str) -> str:
    """A period as a sentence says it: '2001-2021' -> '2001–2021', '2021-09' -> 'September 2021'."""
    period = format_period(period)
    return re.sub(r"\b(\d{4})-(0[1-9]|1[0-2])\b(?!-)", lambda m: f"{MONTHS[int(m.group(2)) - 1]} {m.group(1)}", period)


def _not_loaded(country: str, what: str, reason: str) -> Sentence:
    reason = reason.rstrip(".")
    return Sentence(f"{what} cannot be computed for {country} from the loaded data: {reason}.", missing=True)


def assistance(f: Facts) -> list[Sentence]:
    aid = f.fig("us_aid_by_year")
    out: list[Sentence] = []
    if aid is not None:
        obligations = {
            int(str(r["fiscal_year"])): _num(r["amount_usd"])
            for r in aid.rows
            if r["transaction_type"] == "Obligations"
        }
        if obligations:
            first, last = min(obligations), max(obligations)
            peak = max(obligations, key=lambda y: obligations[y])
            out.append(
                Sentence(
                    f"The United States obligated {money(sum(obligations.values()))} in foreign assistance of every"
                    f" kind to {f.country} in FY{first}–FY{last}, {money(obligations[last])} of it in FY{last}.",
                    (aid,),
                )
            )
            out.append(
                Sentence(
                    f"Yearly obligations {change(obligations[first], obligations[last])} between FY{first} and"
                    f" FY{last}, and were highest in FY{peak}, at {money(obligations[peak])}.",
                    (aid,),
                )
            )
        disbursed = [_num(r["amount_usd"]) for r in aid.rows if r["transaction_type"] == "Disbursements"]
        if disbursed:
            out.append(Sentence(f"Disbursements in the years loaded came to {money(sum(disbursed))}.", (aid,)))
    split = f.fig("economic_and_military_by_year")
    if split is not None and split.rows:
        by_category = _by(split.rows, "category", "amount_usd")
        military, total = by_category.get("Military", 0.0), sum(by_category.values())
        if total > 0:
            out.append(
                Sentence(
                    f"USAID's Greenbook files {share(military, total)} of U.S. obligations to {f.country} in"
                    f" FY{period_words(split.period).replace('–', '–FY')} as military assistance"
                    f" ({money(military)}) and the rest as economic, which includes some security accounts.",
                    (split,),
                )
            )
    categories = {str(x.item): x for x in f.pub("us_aid_by_category")}
    humanitarian, security = categories.get("Humanitarian and health"), categories.get("Peace and security")
    if humanitarian is not None and security is not None and security.value:
        out.append(
            Sentence(
                f"In {period_words(humanitarian.period)}, as published, the United States gave"
                f" {money(humanitarian.value or 0)} in humanitarian and health assistance and"
                f" {money(security.value)} in peace and security assistance.",
                (humanitarian, security),
            )
        )
    if not out:
        out.append(_not_loaded(f.country, "U.S. assistance", f.missing("us_aid_by_year") or "none loaded"))
    else:
        out.append(
            Sentence(
                "These totals include humanitarian, health and development aid; security assistance is in the next"
                " section."
            )
        )
    return out


def _planned_and_obligated(f: Facts) -> list[Sentence]:
    """What the State Department's budget tables planned against what was obligated, actuals and requests apart."""
    plan = f.fig("security_planned_and_obligated")
    if plan is None or not plan.rows:
        return []
    out: list[Sentence] = []
    compared = [r for r in plan.rows if r["obligated_usd"] is not None]
    actual = [r for r in compared if r["basis"] == "actual"]
    if actual:
        years = years_text({int(_num(r["fiscal_year"])) for r in actual}, "FY")
        allotted, spent = _sum(actual, "planned_usd"), _sum(actual, "obligated_usd")
        allotments = [r for r in actual if _num(r["planned_usd"])]
        matched = sum(1 for r in allotments if _num(r["planned_usd"]) == _num(r["obligated_usd"]))
        codes = _join(list(dict.fromkeys(str(r["account"]) for r in actual)))
        text = (
            f"On {codes}, the State Department's budget tables allotted {money(allotted)} to {f.country}'s own"
            f" line in {years}, against {money(spent)} obligated"
        )
        if allotments:
            text += f"; {number_word(matched)} of {number_word(len(allotments))} allotments match an obligation exactly"
        gap = max(actual, key=lambda r: _num(r["obligated_usd"]) - _num(r["planned_usd"]))
        if _num(gap["obligated_usd"]) > _num(gap["planned_usd"]):
            on_line = money(_num(gap["planned_usd"])) if _num(gap["planned_usd"]) else "nothing"
            text += (
                f", and the largest gap is {gap['account']} in FY{gap['fiscal_year']} ({on_line} allotted,"
                f" {money(_num(gap['obligated_usd']))} obligated)"
            )
        out.append(Sentence(text + ".", (plan,)))
    requested = [r for r in compared if r["basis"] == "request"]
    if requested:
        years = years_text({int(_num(r["fiscal_year"])) for r in requested}, "FY")
        asked = (
            f"{years} requests came to {money(_sum(requested, 'planned_usd'))}, against"
            f" {money(_sum(requested, 'obligated_usd'))} obligated"
        )
        if out:
            out[-1] = Sentence(out[-1].text[:-1] + f"; {asked}.", out[-1].figures)
        else:
            out.append(Sentence(f"The State Department's {asked}.", (plan,)))
    return out


def security(f: Facts) -> list[Sentence]:
    out: list[Sentence] = []
    accounts = f.fig("security_assistance_by_account")
    if accounts is not None and accounts.rows and accounts.value:
        top = accounts.rows[0]
        out.append(
            Sentence(
                f"The United States obligated {money(accounts.value)} in security assistance to {f.country} in"
                f" FY{period_words(accounts.period).replace('–', '–FY')}; the largest account was {top['account']},"
                f" with {share(_num(top['amount_usd']), accounts.value)}.",
                (accounts,),
            )
        )
        yearly = f.fig("security_assistance_by_year")
        if yearly is not None and yearly.rows:
            by_year = {int(_num(y)): amount for y, amount in _by(yearly.rows, "fiscal_year", "amount_usd").items()}
            peak, last = max(by_year, key=lambda y: by_year[y]), max(by_year)
            out.append(
                Sentence(
                    f"Security obligations were highest in FY{peak}, at {money(by_year[peak])}, and came to"
                    f" {money(by_year[last])} in FY{last}, the last year loaded.",
                    (yearly,),
                )
            )
    out.extend(_planned_and_obligated(f))
    if accounts is not None and accounts.rows and accounts.value:
        published = next(iter(f.pub("security_assistance_total")), None)
        if published is not None:
            out.append(
                Sentence(
                    f"The published factsheet gives {money(published.value or 0, published.qualifier)} for"
                    f" {period_words(published.period)}, counting programs by another basis.",
                    (published,),
                )
            )
    blue = f.fig("peacekeeping_contributions_by_year")
    if blue is not None and blue.rows and blue.value is not None:
        per_year = _by(blue.rows, "year", "personnel")
        top_year = max(per_year, key=lambda y: per_year[y])
        latest = [r for r in blue.rows if str(r["year"]) == blue.item]
        largest = max(latest, key=lambda r: _num(r["personnel"])) if latest else None
        people = "one person" if blue.value == 1 else f"{count(blue.value)} uniformed personnel"
        text = f"{f.country} contributed {people} to UN peace operations in {blue.item}"
        if largest is not None and largest["mission"] != "other missions" and blue.value > 1:
            text += f", most of them to {largest['mission']}"
        if per_year[top_year] > blue.value:
            text += f"; its contribution was largest in {top_year}, with {count(per_year[top_year])}"
        out.append(Sentence(text + ".", (blue,)))
    programs = f.fig("security_assistance_by_program")
    if programs is not None and programs.rows:
        total = _sum(programs.rows, "amount_usd")
        top = programs.rows[0]
        out.append(
            Sentence(
                f"U.S. security assistance obligated to {f.country} came to {money(total)} in"
                f" {period_words(programs.period)}; the largest program was {top['program']}, with"
                f" {share(_num(top['amount_usd']), total)}.",
                (programs,),
            )
        )
    totals = f.pub("security_assistance_total") if accounts is None else []
    if totals:
        first = totals[0]
        out.append(
            Sentence(
                f"The published factsheet puts U.S. security assistance to {f.country} at"
                f" {money(first.value or 0, first.qualifier)} over {period_words(first.period)}.",
                (first,),
            )
        )
        for other in totals[1:2]:
            out.append(
                Sentence(
                    f"Of this, {money(other.value or 0, other.qualifier)} went to {f.country}'s forces directly in"
                    f" {period_words(other.period)}.",
                    (other,),
                )
            )
    un = f.pub("un_mission_support_total")
    if un:
        out.append(
            Sentence(
                f"A further {money(un[0].value or 0, un[0].qualifier)} supported UN peacekeeping missions in"
                f" {f.country} in {period_words(un[0].period)}.",
                (un[0],),
            )
        )
    listed = f.pub("security_assistance_by_program")
    if listed and programs is None:
        listed_total = sum(x.value or 0 for x in listed)
        top_listed = max(listed, key=lambda x: x.value or 0)
        out.append(
            Sentence(
                f"The largest program was {top_listed.item}, with {money(top_listed.value or 0)}"
                f" ({share(top_listed.value or 0, listed_total)} of the programs listed).",
                tuple(listed),
            )
        )
    if programs is None and accounts is None:
        out.append(
            _not_loaded(
                f.country,
                "U.S. security assistance by account",
                f.missing("security_assistance_by_account") or "no account-level assistance loaded",
            )
        )
    return out


def arms(f: Facts) -> list[Sentence]:
    out: list[Sentence] = []
    ranking = f.fig("arms_supplier_ranking")
    if ranking is not None and ranking.rows:
        total = _sum(ranking.rows, "tiv_millions")
        top = ranking.rows[0]
        us = next((r for r in ranking.rows if r["supplier_iso3"] == "USA"), None)
        lead = (
            f"{top['supplier']} was the largest supplier of major arms to {f.country} in"
            f" {period_words(ranking.period)}, with {share(_num(top['tiv_millions']), total)} of the volume SIPRI"
            f" records from {number_word(len(ranking.rows))} suppliers"
        )
        if us is top:
            lead = f"The United States{lead[len(str(top['supplier'])) :]}"
            out.append(Sentence(lead + ".", (ranking,)))
        elif us is not None:
            out.append(
                Sentence(
                    f"{lead}; the United States ranked {ordinal(int(str(us['rank'])))}, with"
                    f" {share(_num(us['tiv_millions']), total)}.",
                    (ranking,),
                )
            )
        else:
            out.append(Sentence(f"{lead}; the United States delivered none.", (ranking,)))
    deliveries = f.fig("arms_deliveries_by_year")
    if deliveries is not None and deliveries.rows:
        by_year = {int(str(r["year"])): _num(r["tiv_millions"]) for r in deliveries.rows}
        peak = max(by_year, key=lambda y: by_year[y])
        asked = period_years(deliveries.period)
        out.append(
            Sentence(
                f"Deliveries were largest in {peak}; SIPRI records deliveries in {number_word(len(by_year))} of the"
                f" {number_word(len(asked))} years {period_words(deliveries.period)}.",
                (deliveries,),
            )
        )
    peak_milex = f.fig("milex_peak")
    if peak_milex is not None and peak_milex.value is not None:
        text = (
            f"{f.country}'s military expenditure was highest in {peak_milex.item}, at {money(peak_milex.value)}"
            " (current U.S. dollars, SIPRI)"
        )
        published = next(iter(f.pub("milex_peak")), None)
        if published is not None and published.value != peak_milex.value:
            # One number per concept: the published one only as a reconciliation, with why they differ.
            text += (
                f"; the published factsheet, from an earlier SIPRI release, gives {money(published.value or 0)}"
                f" in {period_words(published.period)}"
            )
        out.append(Sentence(text + ".", (peak_milex, published) if published is not None else (peak_milex,)))
    milex_share = f.fig("milex_share_of_government_spending")
    if milex_share is not None and len(milex_share.rows) >= 2:
        first, last = milex_share.rows[0], milex_share.rows[-1]
        out.append(
            Sentence(
                f"It took {percent(_num(last['percent']))} of government spending in {last['year']}, against"
                f" {percent(_num(first['percent']))} in {first['year']}.",
                (milex_share,),
            )
        )
    sales = f.pub("arms_sales_total")
    if len(sales) >= 2:
        out.append(
            Sentence(
                f"The published factsheet records {money(sales[0].value or 0, sales[0].qualifier)} of U.S. direct"
                f" commercial arms sales and {money(sales[1].value or 0, sales[1].qualifier)} of foreign military"
                f" sales to {f.country} over {period_words(sales[0].period)}.",
                (sales[0], sales[1]),
            )
        )
    if ranking is None:
        out.append(_not_loaded(f.country, "Arms deliveries", f.missing("arms_supplier_ranking") or "none loaded"))
    return out


def training(f: Facts) -> list[Sentence]:
    out: list[Sentence] = []
    programs = f.fig("trainees_by_program")
    if programs is not None and programs.value is not None and programs.rows:
        report_years = sorted(period_years(programs.period))
        out.append(
            Sentence(
                f"The Foreign Military Training Reports loaded record {count(programs.value)} personnel from"
                f" {f.country} trained by the United States in {number_word(len(report_years))} report years,"
                f" {programs.period}.",
                (programs,),
            )
        )
        top = programs.rows[0]
        out.append(
            Sentence(
                f"{top['program']} trained the most, {count(_num(top['trainees']))}"
                f" ({share(_num(top['trainees']), programs.value)}).",
                (programs,),
            )
        )
        yearly = f.fig("trainees_by_year")
        if yearly is not None and yearly.rows:
            by_year = _by(yearly.rows, "fiscal_year", "trainees")
            peak = max(by_year, key=lambda y: by_year[y])
            none = [y for y in report_years if not by_year.get(y)]
            text = f"The largest year was FY{peak}, with {count(by_year[peak])}"
            if none:
                text += (
                    f"; the report{'s' if len(none) > 1 else ''} for {years_text(none, 'FY')} list"
                    f"{'' if len(none) > 1 else 's'} no one from {f.country}"
                )
            out.append(Sentence(text + ".", (yearly,)))
        published = f.pub("trainees_total")
        if published:
            theirs = published[0]
            missing = sorted(period_years(theirs.period) - set(report_years))
            why = (
                f"; the difference is mostly the {number_word(len(missing))} report years not loaded" if missing else ""
            )
            out.append(
                Sentence(
                    f"The published factsheet gives {count(theirs.value or 0, theirs.qualifier)} for"
                    f" {period_words(theirs.period)}{why}.",
                    (theirs,),
                )
            )
    else:
        out.append(_not_loaded(f.country, "U.S. training", f.missing("trainees_by_program") or "no FMTR rows"))
    return out


def partnership(f: Facts) -> list[Sentence]:
    out: list[Sentence] = []
    coups = [e for e in f.events if e["kind"] == "coup" and e.get("outcome", "successful") == "successful"]
    failed = [e for e in f.events if e["kind"] == "coup" and e.get("outcome") == "failed"]
    effect = f.fig("restrictions_effect")
    if coups:
        dates = [when(e["date"], str(e["date_precision"])) for e in coups]  # type: ignore[arg-type]
        attempts = f", and {number_word(len(failed))} failed attempt{'s' if len(failed) > 1 else ''}" if failed else ""
        out.append(
            Sentence(
                f"The timeline records {number_word(len(coups))} successful coup{'s' if len(coups) > 1 else ''} in"
                f" {f.country} since {f.period[0]}: {_join(dates)}{attempts}. Each can trigger the restrictions of"
                " Section 7008 on assistance to the government; whether they apply is the State Department's"
                " determination.",
                (effect,) if effect is not None else (),  # its sources are the events' (coups file, timeline)
            )
        )
    if effect is not None:
        for row in effect.rows:
            sentence = _effect_sentence(row)
            if sentence:
                out.append(Sentence(sentence, (effect,)))
    restrictions = [e for e in f.events if e["kind"] in ("restriction", "sanction")]
    if restrictions:
        out.append(
            Sentence(
                f"It also records {number_word(len(restrictions))} restrictions and sanctions, listed below with their"
                " effect on U.S. assistance."
            )
        )
    if not out:
        out.append(
            Sentence(
                f"No timeline of coups, restrictions or sanctions is loaded for {f.country}, so what they changed"
                " for U.S. assistance cannot be shown.",
                missing=True,
            )
        )
    return out


def _effect_sentence(fields: Mapping[str, object]) -> str:
    """One coup's before-and-after in words, each window with the years its data cover; '' if nothing is loaded."""
    if fields.get("kind") != "coup":
        return ""

    def cover(years: object) -> str:
        """'FY2020 (FY2021–22 not loaded)' -> 'FY2020 only; FY2021–22 not loaded' (no brackets in brackets)."""
        return re.sub(r"^(.*?) \((.*) not loaded\)$", r"\1 only; \2 not loaded", str(years))

    def windows(before: object, after: object, years: tuple[object, object], say: Callable[[float], str]) -> str:
        if before is None:
            text = "no data are loaded for the three fiscal years before it"
        else:
            text = f"{say(_num(before))} in the three fiscal years before it ({cover(years[0])})"
        if after is None:
            return text + ", and no data are loaded for the years after"
        return text + f" and {say(_num(after))} in the three after ({cover(years[1])})"

    parts = []
    money_before, money_after = fields.get("security_before_usd"), fields.get("security_after_usd")
    if money_before is not None or money_after is not None:
        years = (fields.get("security_years_before"), fields.get("security_years_after"))
        parts.append(f"U.S. security assistance came to {windows(money_before, money_after, years, money)}")
    before, after = fields.get("trainees_before"), fields.get("trainees_after")
    if before is not None or after is not None:
        years = (fields.get("years_before"), fields.get("years_after"))
        trained = windows(before, after, years, lambda n: f"{count(n)} trainees")
        parts.append(f"the FMTR reports loaded list {trained}")
    if not parts:
        return ""
    rose = money_before is not None and money_after is not None and _num(money_after) > _num(money_before)
    caveat = (
        " A rise after a coup can come from support to peace operations in the country (Peace Keeping"
        " Operations) rather than from aid to its government, which Section 7008 restricts."
        if rose
        else ""
    )
    return f"For the {fields['when']} coup, {'; '.join(parts)}.{caveat}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _some(names: list[str], most: int) -> str:
    """Names joined as a reader lists them: "A, B and C", or "A, B, C and others" beyond ``most``."""
    return _join(names) if len(names) <= most else ", ".join(names[:most]) + " and others"


def _conflicts(f: Facts) -> list[Sentence]:
    """UCDP's conflicts with the government, and the years it lists the United States on the government's side."""
    conflicts = f.fig("armed_conflicts")
    if conflicts is None or not conflicts.rows:
        return []
    over: dict[str, list[str]] = {}
    for r in conflicts.rows:
        names = [part.rsplit(" (", 1)[0] for part in str(r["opponents"]).split("; ")]
        over.setdefault(str(r["over"]), []).extend(n for n in names if n not in over.get(str(r["over"]), []))
    kinds = [
        f"over {kind} ({_join(names[:4])}{' and others' if len(names) > 4 else ''})" for kind, names in over.items()
    ]
    n = len(conflicts.rows)
    text = (
        f"UCDP records {number_word(n)} armed conflict{'s' if n > 1 else ''} between the government of {f.country}"
        f" and armed groups in {period_words(conflicts.period)}, {_join(kinds)}"
    )
    support = f.fig("us_supported_government")
    figures: tuple[Figure, ...] = (conflicts,)
    if support is not None and support.value:
        text += f"; it lists the United States among the government's supporters in {support.item}, with troops"
        figures = (conflicts, support)
    elif support is not None and support.value == 0:
        text += "; it lists no U.S. support of the government"
        figures = (conflicts, support)
    return [Sentence(text + ".", figures)]


def harm(f: Facts) -> list[Sentence]:
    out: list[Sentence] = []
    by_class = f.fig("civilian_fatalities_by_perpetrator")
    allies = f.fig("state_and_allies_civilian_fatalities")
    if by_class is not None and by_class.rows:
        total = _sum(by_class.rows, "fatalities")
        events = _sum(by_class.rows, "events")
        out.append(
            Sentence(
                f"ACLED records {count(total)} people killed in {count(events)} events targeting civilians in"
                f" {f.country} in {period_words(by_class.period)}.",
                (by_class,),
            )
        )
        if allies is not None and allies.value is not None:
            out.append(
                Sentence(
                    f"{count(allies.value)} of them ({share(allies.value, total)}) were killed in events by"
                    f" {f.country}'s own forces and their allies.",
                    (allies,),
                )
            )
        classes = _by(by_class.rows, "perpetrator", "fatalities")
        deadliest = max(classes, key=lambda c: classes[c])
        out.append(
            Sentence(
                f"{value_label('perpetrator', deadliest)} were the deadliest perpetrators, with"
                f" {share(classes[deadliest], total)} of the deaths.",
                (by_class,),
            )
        )
        years = _by(by_class.rows, "year", "fatalities")
        peak = max(years, key=lambda y: years[y])
        out.append(Sentence(f"The deadliest year was {peak}, with {count(years[peak])} killed.", (by_class,)))
    latest = f.fig("civilian_fatalities_change")
    if latest is not None and len(latest.rows) == 2:
        quarter, year = latest.rows
        out.append(
            Sentence(
                f"In the latest quarter loaded, {str(quarter['period']).split(' ')[0]},"
                f" {count(_num(quarter['fatalities']))} were killed, against"
                f" {count(_num(year['fatalities']))} in the whole of {year['period']}.",
                (latest,),
            )
        )
    battles = f.fig("battle_deaths_by_year")
    if battles is not None and battles.rows and battles.value:
        per_year = _by(battles.rows, "year", "battle_deaths")
        worst = max(per_year, key=lambda y: per_year[y])
        text = (
            f"UCDP counts {count(battles.value)} battle-related deaths in armed conflicts in {f.country} in"
            f" {period_words(battles.period)}, the most in {worst} ({count(per_year[worst])})"
        )
        out.append(Sentence(text + ".", (battles,)))
    out.extend(_conflicts(f))
    monthly = f.fig("acled_monthly_violence")
    if monthly is not None and monthly.rows:
        whole = [r for r in monthly.rows if r["complete"]]
        civilian = [r for r in whole if r["measure"] == "civilian targeting"]
        violence = [r for r in whole if r["measure"] == "political violence"]
        months = sorted({(int(_num(r["year"])), int(_num(r["month"]))) for r in whole})
        if months and (civilian or violence):
            when_text = _join([f"{MONTHS[m - 1]} {y}" for y, m in months])
            parts = []
            if civilian:
                parts.append(
                    f"{count(_sum(civilian, 'events'))} events targeting civilians, with"
                    f" {count(_sum(civilian, 'fatalities'))} reported fatalities"
                )
            if violence:
                parts.append(
                    f"{count(_sum(violence, 'events'))} political-violence events, with"
                    f" {count(_sum(violence, 'fatalities'))} reported fatalities"
                )
            out.append(
                Sentence(
                    f"ACLED's monthly aggregates count {' and '.join(parts)} in {f.country} in {when_text}; they"
                    " name no perpetrator.",
                    (monthly,),
                )
            )
    if by_class is None:
        out.append(
            _not_loaded(
                f.country,
                "Civilian harm by perpetrator",
                f.missing("civilian_fatalities_by_perpetrator") or "no ACLED events",
            )
        )
    return out


def displacement(f: Facts) -> list[Sentence]:
    out: list[Sentence] = []
    idps = f.fig("idps_by_year")
    if idps is not None and idps.rows:
        by_year = {int(str(r["year"])): _num(r["idps"]) for r in idps.rows}
        last = max(by_year)
        out.append(
            Sentence(
                f"IDMC counted {count(by_year[last])} people internally displaced by conflict and violence in"
                f" {f.country} at the end of {last}.",
                (idps,),
            )
        )
        base = last - 3 if last - 3 in by_year else min(by_year)
        if base != last:
            out.append(
                Sentence(
                    f"The number {change(by_year[base], by_year[last])} from {count(by_year[base])} at the end of"
                    f" {base}.",
                    (idps,),
                )
            )
        peak = max(by_year, key=lambda y: by_year[y])
        if by_year[peak] > by_year[last]:
            out.append(Sentence(f"It was highest at the end of {peak}, at {count(by_year[peak])}.", (idps,)))
    dtm = f.fig("dtm_idps")
    if dtm is not None and dtm.rows:
        latest = dtm.rows[-1]
        out.append(
            Sentence(
                f"IOM's Displacement Tracking Matrix counted {count(_num(latest['idps']))} in its latest"
                f" assessment loaded ({latest['round']}, {latest['date']}).",
                (dtm,),
            )
        )
    attacks = f.fig("aid_worker_attacks")
    if attacks is not None and attacks.rows:
        incidents = _sum(attacks.rows, "incidents")
        killed, kidnapped = _sum(attacks.rows, "killed"), _sum(attacks.rows, "kidnapped")
        by_year = {int(str(r["year"])): _num(r["incidents"]) for r in attacks.rows}
        worst = max(by_year, key=lambda y: by_year[y])
        out.append(
            Sentence(
                f"The Aid Worker Security Database records {count(incidents)} major attacks on aid workers in"
                f" {f.country} in {period_words(attacks.period)}, with {count(killed)} aid workers killed and"
                f" {count(kidnapped)} kidnapped; the worst year was {worst}, with {count(by_year[worst])}.",
                (attacks,),
            )
        )
    if idps is None and dtm is None:
        out.append(_not_loaded(f.country, "Displacement", f.missing("idps_by_year") or "no IDMC or DTM data"))
    return out


def legal(f: Facts) -> list[Sentence]:
    treaties = f.fig("treaty_ratifications")
    if treaties is None or treaties.value is None:
        return [_not_loaded(f.country, "Treaty status", f.missing("treaty_ratifications") or "none loaded")]
    outside = [str(r["name"] or r["treaty"]) for r in treaties.rows if r["status"] != "state party"]
    text = (
        f"{f.country} is a state party to {count(treaties.value)} of the {number_word(len(treaties.rows))} core UN"
        " human-rights treaties and protocols in the UN Treaty Collection files loaded"
    )
    text += f"; it is not a party to the {_join(outside)}." if outside else "."
    out = [Sentence(text, (treaties,))]
    if f.has_annex:  # only a curated dataset gives the annex; a country without one is not promised it
        out.append(
            Sentence(
                "The annex lists the international humanitarian and human rights law that binds the partner's forces"
                " and the U.S. laws that condition assistance to them."
            )
        )
    return out


WRITERS: dict[str, Callable[[Facts], list[Sentence]]] = {
    "U.S. assistance": assistance,
    "Security assistance": security,
    "Arms sales": arms,
    "Foreign military training": training,
    "Partnership status": partnership,
    "Civilian harm": harm,
    "Displacement": displacement,
    "Legal obligations": legal,
}
SUMMARY_FROM = (
    "U.S. assistance",
    "Security assistance",
    "Foreign military training",
    "Arms sales",
    "Partnership status",
    "Civilian harm",
)


def paragraphs(f: Facts) -> dict[str, list[Sentence]]:
    """Section title prefix -> its paragraph, and "Summary" -> the opening summary."""
    written = {prefix: writer(f) for prefix, writer in WRITERS.items()}
    summary: list[Sentence] = []
    for prefix in SUMMARY_FROM:
        lead = [s for s in written[prefix] if s.figures][:1] or written[prefix][:0]
        summary += lead
    harm_lines = [s for s in written["Civilian harm"] if s.figures][1:2]
    displaced = [s for s in written["Displacement"] if s.figures][:2]
    summary += harm_lines + displaced
    if not summary:
        summary = [Sentence(f"No data are loaded for {f.country} yet.")]
    written["Summary"] = summary[:8]
    return written
