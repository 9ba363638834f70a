"""Small helpers every figure family uses."""

from __future__ import annotations

from partnerwatch.figures.model import Figure


def unavailable(fig_id: str, family: str, label: str, unit: str, period: str, why: str) -> Figure:
    """A figure that cannot be computed from the loaded data, saying why (never an invented number)."""
    return Figure(
        id=fig_id,
        topic=fig_id,
        label=label,
        unit=unit,
        period=period,
        method="Not computed.",
        sources=(),
        unavailable=why,
        family=family,
    )
