"""Every computed figure family for one country, in factsheet order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from partnerwatch.figures import (
    arms,
    assistance,
    budget,
    conflict,
    displacement,
    harm,
    harm_monthly,
    legal,
    milex,
    partnership,
    peacekeeping,
    security,
    training,
)
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
            security.security_assistance_by_account,
            security.security_assistance_by_year,
            security.economic_and_military_by_year,
            budget.security_planned_and_obligated,
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
            conflict.battle_deaths_by_year,
            conflict.armed_conflicts,
            conflict.us_supported_government,
            harm_monthly.monthly_violence,
        ),
    ),
    ("displacement", (displacement.idp_stock_by_year, displacement.dtm_rounds, displacement.aid_worker_attacks)),
    ("peacekeeping", (peacekeeping.peacekeeping_contributions,)),
    ("legal", (legal.treaty_ratifications,)),
    ("partnership", (partnership.restrictions_effect,)),
)


# The topic of each function's figure, which a figure that cannot be computed keeps too: a paragraph asks
# for a topic and, when it is not there, says why in the figure's own words.
TOPICS: dict[str, str] = {
    "aid_by_year": "us_aid_by_year",
    "aid_by_category": "us_aid_by_category",
    "arms_suppliers_by_delivered_tiv": "arms_supplier_ranking",
    "trainees_by_account": "trainees_by_program",
    "course_titles": "training_course_titles",
    "state_and_allies_fatalities": "state_and_allies_civilian_fatalities",
    "latest_quarter_vs_previous_year": "civilian_fatalities_change",
    "deadliest_events": "deadliest_civilian_events",
    "idp_stock_by_year": "idps_by_year",
    "dtm_rounds": "dtm_idps",
    "peacekeeping_contributions": "peacekeeping_contributions_by_year",
    "monthly_violence": "acled_monthly_violence",
    "security_planned_and_obligated": "security_planned_and_obligated",
}


def computed_figures(ctx: FigureContext) -> list[Figure]:
    figures = []
    for _family, functions in FAMILIES:
        for function in functions:
            figure = function(ctx)
            if figure.unavailable:
                figure = replace(figure, topic=TOPICS.get(function.__name__, function.__name__))
            figures.append(figure)
    return figures
