"""What was planned against what was obligated: the State Department's budget tables beside the Greenbook.

A budget table says what the State Department allotted (or asked Congress
for) a country on each account in a fiscal year; the Greenbook says what was
obligated. The two differ for reasons that are themselves findings: money
allotted in one year and obligated over several (FMF, PKO), money the
table files under a regional line ("State Africa Regional", the
Trans-Sahara Counter-Terrorism Partnership) while the obligation names the
country, and requests that Congress changed. So the
figure sets them side by side per account and year and adds neither to the
other. Only the security accounts of ``data/security_accounts.toml``
(``[budget_accounts]``) are compared.
"""

from __future__ import annotations

from partnerwatch.figures.common import unavailable
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.coverage import shorter_note, span_text, years_in
from partnerwatch.figures.model import Figure
from partnerwatch.figures.security import security_accounts, security_rows, security_years

FAMILY = "assistance"


def security_planned_and_obligated(ctx: FigureContext) -> Figure:
    fig_id = f"{ctx.iso3.lower()}-security-planned-and-obligated-{ctx.span}"
    label = f"U.S. security assistance planned (State budget tables) and obligated, by account, {ctx.span}"
    b = ctx.table("state_budget")
    mine = b.filter((b.country_iso3 == ctx.iso3) & b.fiscal_year.between(*ctx.period) & b.repeats_row.isnull())
    years = years_in(ctx, mine, "fiscal_year")
    if not years:
        return unavailable(
            fig_id, FAMILY, label, "usd", ctx.span, "no State Department budget tables loaded for this country"
        )
    mapping = security_accounts().budget_accounts
    planned_rows = mine.filter(mine.account.isin(list(mapping)))
    planned: dict[tuple[int, str], float] = {}
    basis: dict[int, str | None] = {}
    grouped = planned_rows.group_by(["fiscal_year", "account", "basis"]).aggregate(amount=planned_rows.amount_usd.sum())
    for r in ctx.rows(grouped):
        year = int(r["fiscal_year"])
        planned[(year, str(r["account"]))] = float(r["amount"])
        basis[year] = r["basis"]
    code_of = {name.casefold(): code for code, names in mapping.items() for name in names}
    obligations, kind = security_rows(ctx)
    obligations = obligations.filter(obligations.fiscal_year.isin(years))
    obligated_years = set(years) & security_years(ctx)
    obligated: dict[tuple[int, str], float] = {}
    by_account = obligations.group_by(["fiscal_year", "account"]).aggregate(amount=obligations.amount_usd.sum())
    for r in ctx.rows(by_account):
        code = code_of.get(str(r["account"] or "").casefold())
        if code is not None:
            key = (int(r["fiscal_year"]), code)
            obligated[key] = obligated.get(key, 0.0) + float(r["amount"])
    table = []
    for year in years:
        for code in mapping:
            plan, spent = planned.get((year, code), 0.0), obligated.get((year, code), 0.0)
            if plan == 0 and spent == 0:
                continue
            table.append(
                {
                    "fiscal_year": year,
                    "account": code,
                    "basis": basis.get(year) or "not known",
                    "planned_usd": round(plan, 2),
                    "obligated_usd": round(spent, 2) if year in obligated_years else None,
                }
            )
    covered = span_text(years, "FY")
    missing = sorted(set(years) - obligated_years)
    return Figure(
        id=fig_id,
        topic="security_planned_and_obligated",
        label=f"U.S. security assistance planned (State budget tables) and obligated, by account, {covered}",
        unit="usd",
        period=covered,
        method=(
            f"Per fiscal year and account ({', '.join(mapping)}): the State Department budget table's amount for"
            " the country's own line (thousands of dollars x 1,000; actual allocations or requests as each year's"
            f" basis says) beside the obligations the {kind} records on the same account (the mapping of"
            " figures/data/security_accounts.toml). Regional lines (TSCTP, State Africa Regional) are not"
            " apportioned to countries, and money allotted in one year may be obligated in another, so the two"
            " columns are compared, never added."
            + (
                f" No account-level obligations are loaded for {span_text(missing, 'FY')}."
                if missing and len(missing) < len(years)
                else " No account-level obligations are loaded for these years."
                if missing
                else ""
            )
            + shorter_note(ctx, span_text(years), "budget tables loaded")
        ),
        sources=ctx.sources(mine) + (ctx.sources(obligations) if obligated_years else ()),
        rows=tuple(table),
        family=FAMILY,
    )
