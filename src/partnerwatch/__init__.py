"""PartnerWatch: U.S. security partnerships and the protection of civilians, from data."""

__version__ = "0.1.0"
