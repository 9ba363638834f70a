"""The State Department's foreign-assistance budget by account and country: what was planned, year by year."""

from partnerwatch.sources.base import Origin, Source
from partnerwatch.sources.state_budget.parse import parse_state_budget

SOURCE = Source(
    name="state-budget",
    title="State Department budget tables by account and country (thousands of dollars), one fiscal year per file",
    reads="STATE budget by country.YY.csv (Country, a total, one column per account, Fiscal Year)",
    tables=("state_budget",),
    origin=Origin.from_package(__name__),
    parse=parse_state_budget,
)

__all__ = ["SOURCE", "parse_state_budget"]
