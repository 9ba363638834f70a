"""USAID's Greenbook: U.S. economic and military assistance obligations by country, account and year since 1946."""

from partnerwatch.sources.base import Origin, Source
from partnerwatch.sources.greenbook.parse import parse_greenbook

SOURCE = Source(
    name="greenbook",
    title="USAID Greenbook: U.S. Economic and Military Assistance, FY1946-2020",
    reads="us_foreignaid_greenbook.xlsx (one sheet: title rows, then Fiscal Year … Obligations (Constant Dollars))",
    tables=("assistance",),
    origin=Origin.from_package(__name__),
    parse=parse_greenbook,
)

__all__ = ["SOURCE", "parse_greenbook"]
