"""Every computed figure family for one country, in factsheet order."""

from __future__ import annotations

from collections.abc import Callable

from partnerwatch.figures import arms, assistance, displacement, harm, legal, milex, partnership, training
from partnerwatch.figures.context import FigureContext
from partnerwatch.figures.model import Figure

FAMILIES: tuple[tuple[str, tuple[Callable[[FigureContext], Figure], ...]], ...] = (
    (
        "assistance",
        (
            assistance.aid_by_year,
            assistance.aid_by_category,
            assistance.humanitarian_to_security_ratio,
            assistance.security_assistance_by_program,
        ),
    ),
    ("arms", (arms.arms_suppliers_by_delivered_tiv, arms.arms_deliveries_by_year, arms.us_arms_sales_by_year)),
    ("milex", (milex.milex_peak, milex.milex_share_of_government_spending)),
    (
        "training",
        (training.trainees_by_account, training.trainees_by_year, training.course_titles, training.units_trained),
    ),
    (
        "civilian_harm",
        (
            harm.civilian_fatalities_by_perpetrator,
            harm.state_and_allies_fatalities,
            harm.latest_quarter_vs_previous_year,
            harm.deadliest_events,
        ),
    ),
    ("displacement", (displacement.idp_stock_by_year, displacement.dtm_rounds, displacement.aid_worker_attacks)),
    ("legal", (legal.treaty_ratifications,)),
    ("partnership", (partnership.restrictions_effect,)),
)


def computed_figures(ctx: FigureContext) -> list[Figure]:
    return [function(ctx) for _family, functions in FAMILIES for function in functions]
