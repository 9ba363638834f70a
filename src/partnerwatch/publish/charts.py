"""Charts as inline SVG: Vega-Lite specifications built with Altair, rendered by vl-convert.

Rendering happens in-process (vl-convert bundles its own engine): no browser,
no network, no external files. Every chart carries an accessible title and a
text description for screen readers and for the alt text of image formats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from partnerwatch.figures.model import Figure

WIDTH, HEIGHT = 520, 260


@dataclass(frozen=True)
class Chart:
    figure_id: str
    svg: str
    description: str

    def png(self, scale: float = 2.0) -> bytes:
        import vl_convert as vlc

        return bytes(vlc.svg_to_png(self.svg, scale=scale))


def _title(text: str) -> str:
    return text if len(text) < 90 else text[:87] + "…"


def chart_for(figure: Figure) -> Chart | None:
    """The chart a figure asks for as inline SVG, or None if it asks for none or has no rows."""
    spec = chart_spec(figure)
    if spec is None:
        return None
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(spec)
    description = describe(figure)
    svg = re.sub(r"<svg ", f'<svg role="img" aria-label="{_attr(description)}" ', svg, count=1)
    return Chart(figure.id, svg, description)


def describe(figure: Figure) -> str:
    """A one-sentence text equivalent of a figure's chart."""
    spec = figure.chart
    x, y = spec.get("x", ""), spec.get("y", "")
    horizontal = spec.get("type", "bar") == "bar" and x not in ("year", "fiscal_year")
    value, category = (x, y) if horizontal else (y, x)
    return _describe(figure, value, category)


def chart_spec(figure: Figure, *, interactive: bool = False) -> dict[str, object] | None:
    """The Vega-Lite specification of a figure's chart (with tooltips when ``interactive``)."""
    if not figure.chart or not figure.rows or figure.unavailable:
        return None
    import json

    import altair as alt

    spec = figure.chart
    x, y, color = spec.get("x", ""), spec.get("y", ""), spec.get("color", "")
    data = alt.Data(  # type: ignore[no-untyped-call]
        values=[{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()} for row in figure.rows]
    )
    base = alt.Chart(data, title=_title(figure.label), width=WIDTH, height=HEIGHT)
    kind = spec.get("type", "bar")
    horizontal = kind == "bar" and x not in ("year", "fiscal_year")
    if kind == "line":
        mark = base.mark_line(point=True)
    else:
        mark = base.mark_bar()
    quantitative, category = (x, y) if horizontal else (y, x)
    cat_type = "O" if category in ("year", "fiscal_year") else "N"
    enc_cat = (
        alt.X(f"{category}:{cat_type}", title=category.replace("_", " "))
        if not horizontal
        else alt.Y(f"{category}:N", sort="-x", title=None)
    )
    enc_q = (
        alt.Y(f"{quantitative}:Q", title=quantitative.replace("_", " "))
        if not horizontal
        else alt.X(f"{quantitative}:Q", title=quantitative.replace("_", " "))
    )
    encodings: dict[str, object] = {"x": enc_cat, "y": enc_q} if not horizontal else {"x": enc_q, "y": enc_cat}
    if color:
        encodings["color"] = alt.Color(f"{color}:N", title=color.replace("_", " "))
    if interactive:
        encodings["tooltip"] = [
            alt.Tooltip(f"{c}:{'Q' if c == quantitative else 'N'}") for c in (category, quantitative, color) if c
        ]
    chart = mark.encode(**encodings).configure(font="DejaVu Sans").configure_view(stroke=None)
    result: dict[str, object] = json.loads(chart.to_json())
    return result


def _describe(figure: Figure, value: str, category: str) -> str:
    """A one-sentence text equivalent of the chart: extent and largest value."""
    values = [(row.get(category), row.get(value)) for row in figure.rows if isinstance(row.get(value), int | float)]
    if not values:
        return figure.label
    top = max(values, key=lambda pair: float(str(pair[1])))
    return (
        f"{figure.label}: {len(values)} values; the largest is {float(str(top[1])):,.0f}"
        f" ({str(top[0]).replace('_', ' ')})."
    )


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
