"""UN Treaty Collection: ratification status of the core human-rights treaties."""

from partnerwatch.sources.base import Origin, Source
from partnerwatch.sources.un_treaties.parse import parse_treaty_status

SOURCE = Source(
    name="un-treaties",
    title="UN human-rights treaties: ratification status",
    reads="hr_status_<treaty>.csv (iso2, member, state party, year, signatory, no action, status, note)",
    tables=("treaty_status",),
    origin=Origin.from_package(__name__),
    parse=parse_treaty_status,
)

__all__ = ["SOURCE", "parse_treaty_status"]
