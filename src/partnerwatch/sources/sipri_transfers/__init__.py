"""SIPRI Arms Transfers Database trade register (CSV as the database exports it)."""

from partnerwatch.sources.base import Origin, Source
from partnerwatch.sources.sipri_transfers.parse import parse_trade_register

SOURCE = Source(
    name="sipri-transfers",
    title="SIPRI Arms Transfers Database: trade register",
    reads="trade-register CSV (Latin-1, preamble, header 'Recipient,Supplier,...')",
    tables=("arms_transfers",),
    origin=Origin.from_package(__name__),
    parse=parse_trade_register,
)

__all__ = ["SOURCE", "parse_trade_register"]
