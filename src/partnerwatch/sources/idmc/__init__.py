"""IDMC Global Internal Displacement Database (GIDD) workbook."""

from partnerwatch.sources.base import Origin, Source
from partnerwatch.sources.idmc.parse import parse_idmc

SOURCE = Source(
    name="idmc",
    title="IDMC Global Internal Displacement Database",
    reads="IDMC_Internal_Displacement_*.xlsx (sheet 1_Displacement_data)",
    tables=("displacement",),
    origin=Origin.from_package(__name__),
    parse=parse_idmc,
)

__all__ = ["SOURCE", "parse_idmc"]
