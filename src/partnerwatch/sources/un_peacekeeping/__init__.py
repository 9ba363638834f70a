"""UN peacekeeping: uniformed personnel each country contributed to each mission, by year."""

from partnerwatch.sources.base import Origin, Source
from partnerwatch.sources.un_peacekeeping.parse import parse_un_peacekeeping

SOURCE = Source(
    name="un-peacekeeping",
    title="UN peacekeeping: uniformed personnel contributions by year, country and mission",
    reads="CountryByYear.csv (an unnamed row-number column, Year, Country, Mission, Female, Male, Total)",
    tables=("peacekeeping",),
    origin=Origin.from_package(__name__),
    parse=parse_un_peacekeeping,
)

__all__ = ["SOURCE", "parse_un_peacekeeping"]
