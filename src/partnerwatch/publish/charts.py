"""Charts as inline SVG: Vega-Lite specifications built with Altair, rendered by vl-convert.

Rendering happens in-process (vl-convert bundles its own engine): no browser,
no network, no external files. The house style (PUBLISHING.md, ``style.toml``)
is applied here once for every format: the title says what the chart shows,
axes are titled in words with units, money reads `$500M`, legends are words
and never cut, missing years stay visible as gaps, each category keeps one
colour across the document, and a source line goes under each chart. The
text equivalent is for screen readers and alt text (``aria-label``, SVG
``<title>``/``<desc>``, DOCX alt text), never printed.
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass

from partnerwatch.figures.coverage import period_years
from partnerwatch.figures.model import Figure
from partnerwatch.publish.style import colours, column_label, is_money, source_name, value_label

WIDTH, HEIGHT = 500, 230
YEARS = ("year", "fiscal_year")
# Okabe-Ito, for categories style.toml gives no colour: safe for colour blindness and greyscale print.
PALETTE = ["#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#f0e442", "#000000", "#999999"]
MONEY_AXIS = "replace(format(datum.value, '$.2~s'), 'G', 'B')"  # $500M, $1.2B (d3's SI prefix G is giga)


@dataclass(frozen=True)
class Chart:
    figure_id: str
    svg: str
    description: str
    source: str = ""
    """The line under the chart: "Source: ACLED." """

    def png(self, scale: float = 2.0) -> bytes:
        import vl_convert as vlc

        return bytes(vlc.svg_to_png(self.svg, scale=scale))


def chart_for(figure: Figure) -> Chart | None:
    """The chart a figure asks for as inline SVG, or None if it asks for none or has no rows."""
    spec = chart_spec(figure)
    if spec is None:
        return None
    import vl_convert as vlc

    description = describe(figure)
    svg = vlc.vegalite_to_svg(spec)
    label = html.escape(description, quote=True)
    svg = re.sub(r"<svg ", f'<svg role="img" aria-label="{label}" ', svg, count=1)
    svg = re.sub(r"(<svg[^>]*>)", rf"\1<title>{html.escape(figure.label)}</title><desc>{label}</desc>", svg, count=1)
    return Chart(figure.id, svg, description, source_line(figure))


def source_line(figure: Figure) -> str:
    names = list(dict.fromkeys(source_name(s.source) for s in figure.sources if s.source))
    return f"Source: {'; '.join(names)}." if names else ""


def describe(figure: Figure) -> str:
    """A one-sentence text equivalent of a figure's chart: its extent and its largest value."""
    x, y = figure.chart.get("x", ""), figure.chart.get("y", "")
    horizontal = figure.chart.get("type", "bar") == "bar" and x not in YEARS
    value, category = (x, y) if horizontal else (y, x)
    values = [(row.get(category), row.get(value)) for row in figure.rows if isinstance(row.get(value), int | float)]
    if not values:
        return figure.label
    top = max(values, key=lambda pair: float(str(pair[1])))
    amount = float(str(top[1]))
    shown = f"${amount / 1e6:,.1f} million" if is_money(value) and amount >= 1e6 else f"{amount:,.0f}"
    return (
        f"{figure.label}. {len(values)} values; the largest is {shown} {column_label(value).lower()}"
        f" ({value_label(category, top[0])})."
    )


def chart_spec(figure: Figure, *, interactive: bool = False) -> dict[str, object] | None:
    """The Vega-Lite specification of a figure's chart (with tooltips when ``interactive``)."""
    if not figure.chart or not figure.rows or figure.unavailable:
        return None
    import json

    import altair as alt

    spec = figure.chart
    x, y, color = spec.get("x", ""), spec.get("y", ""), spec.get("color", "")
    kind = spec.get("type", "bar")
    horizontal = kind == "bar" and x not in YEARS
    quantitative, category = (x, y) if horizontal else (y, x)
    rows = [{k: _plain(value_label(k, v)) for k, v in row.items()} for row in figure.rows]
    domain: list[int] | None = None
    if category in YEARS:
        domain = _all_years(figure, rows, category)
        if kind == "line":
            rows += _gaps(rows, category, quantitative, color, domain)  # a missing year breaks the line
    title = alt.TitleParams(
        textwrap.wrap(figure.label, 78), anchor="start", fontSize=12, subtitle=_subtitle(figure, quantitative)
    )
    base = alt.Chart(alt.Data(values=rows), title=title, width=WIDTH, height=HEIGHT)  # type: ignore[no-untyped-call]
    mark = base.mark_line(point=True, invalid="break-paths-show-domains") if kind == "line" else base.mark_bar()
    q_axis = (
        alt.Axis(title=column_label(quantitative), labelExpr=MONEY_AXIS)
        if is_money(quantitative)
        else alt.Axis(title=column_label(quantitative))
    )
    c_enc: object
    if domain is not None:
        c_enc = alt.X(
            f"{category}:O",
            title=column_label(category),
            scale=alt.Scale(domain=list(domain)),
            axis=alt.Axis(labelAngle=-45 if len(domain) > 12 else 0),
        )
    elif horizontal:
        c_enc = alt.Y(f"{category}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=0))
    else:
        c_enc = alt.X(f"{category}:N", title=column_label(category))
    q_enc = (alt.X if horizontal else alt.Y)(f"{quantitative}:Q", axis=q_axis, scale=alt.Scale(zero=True))
    encodings: dict[str, object] = {"x": q_enc, "y": c_enc} if horizontal else {"x": c_enc, "y": q_enc}
    if color:
        present = list(dict.fromkeys(str(r[color]) for r in rows if r.get(color) is not None))
        fixed = colours(color)
        spare = iter(c for c in PALETTE if c not in fixed.values())
        palette = {value: fixed.get(value) or next(spare, "#999999") for value in present}
        encodings["color"] = alt.Color(
            f"{color}:N",
            title=column_label(color),
            scale=alt.Scale(domain=list(palette), range=list(palette.values())),
            legend=alt.Legend(orient="bottom", labelLimit=0, columns=3, symbolType="square"),
        )
    if interactive:
        encodings["tooltip"] = [
            alt.Tooltip(f"{c}:{'Q' if c == quantitative else 'N'}", title=column_label(c))
            for c in (category, quantitative, color)
            if c
        ]
    chart = mark.encode(**encodings).configure(font="DejaVu Sans").configure_view(stroke=None)
    # Validation against the Vega-Lite schema costs more than drawing the chart; the specs are tested instead.
    result: dict[str, object] = json.loads(chart.to_json(validate=False))
    return result


def _subtitle(figure: Figure, quantitative: str) -> str:
    return f"{column_label(quantitative)}; {figure.period}" if figure.period else column_label(quantitative)


def _all_years(figure: Figure, rows: list[dict[str, object]], column: str) -> list[int]:
    """Every year from the first to the last of the figure's period, so a year without data is a visible gap."""
    years = {int(str(r[column])) for r in rows if r.get(column) is not None}
    named = period_years(figure.period)
    first, last = min(years | named), max(years | named)
    return list(range(first, last + 1))


def _gaps(
    rows: list[dict[str, object]], category: str, quantitative: str, color: str, domain: list[int]
) -> list[dict[str, object]]:
    """A row with no value for each missing year of each series: Vega-Lite breaks the line there."""
    series = {r.get(color) for r in rows} if color else {None}
    have = {(r.get(color) if color else None, int(str(r[category]))) for r in rows}
    return [
        {category: year, quantitative: None, **({color: name} if color else {})}
        for name in series
        for year in domain
        if (name, year) not in have
    ]


def _plain(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value
