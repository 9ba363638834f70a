"""The web explorer and JSON API: a read-only face over the store, figures and factsheets."""

from partnerwatch.web.app import create_app

__all__ = ["create_app"]
