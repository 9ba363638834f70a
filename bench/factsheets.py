"""Benchmark: factsheets for every country with data, HTML and PDF; factsheets per second, share in charts.

Runs against the store in $PARTNERWATCH_HOME (load the shared data first). The
first factsheet warms up (Ibis, the chart engine); the single-factsheet time
reported is the median of the warm ones.

    python bench/factsheets.py [--formats html pdf] [--limit N]
    python bench/factsheets.py --country MLI [--repeat 5]     # one factsheet, warm: the issue's targets

Targets (with the shared corpus loaded, warm store): a Mali PDF in under 3 s,
HTML in under 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import time

from partnerwatch.publish import charts as chart_module
from partnerwatch.publish import render
from partnerwatch.publish.factsheet import build_factsheet
from partnerwatch.publish.html import charts_for
from partnerwatch.publish.series import countries_with_data
from partnerwatch.store import connect


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--formats", nargs="+", default=["html", "pdf"])
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--country", default="", help="Time one country's factsheet (median of --repeat warm runs).")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    con = connect()
    if args.country:
        one_country(con, args.country, args.formats, args.repeat)
        return
    codes = countries_with_data(con)
    if args.limit:
        codes = codes[: args.limit]
    build_factsheet(con, codes[0])  # warm up
    for fmt in args.formats:
        times, chart_time = [], 0.0
        start_all = time.perf_counter()
        for code in codes:
            start = time.perf_counter()
            sheet = build_factsheet(con, code)
            chart_start = time.perf_counter()
            charts = charts_for(sheet)
            chart_time += time.perf_counter() - chart_start
            render(sheet, fmt, charts)
            times.append(time.perf_counter() - start)
        total = time.perf_counter() - start_all
        print(
            f"{fmt}: {len(codes)} factsheets in {total:.1f} s ({len(codes) / total:.2f}/s);"
            f" median {statistics.median(times):.2f} s, max {max(times):.2f} s;"
            f" charts {chart_time / total:.0%} of the time"
        )
    assert chart_module  # the chart engine is part of what is measured


def one_country(con: object, code: str, formats: list[str], repeat: int) -> None:
    """Build, chart and render one factsheet ``repeat`` times after a warm-up; the median of each stage."""
    targets = {"html": 1.0, "pdf": 3.0}
    render(build_factsheet(con, code), formats[0])  # type: ignore[arg-type]  # warm up: Ibis, fonts, the chart engine
    for fmt in formats:
        stages: dict[str, list[float]] = {"build": [], "charts": [], "render": [], "total": []}
        for _ in range(repeat):
            start = time.perf_counter()
            sheet = build_factsheet(con, code)  # type: ignore[arg-type]
            built = time.perf_counter()
            charts = charts_for(sheet)
            drawn = time.perf_counter()
            data = render(sheet, fmt, charts)
            done = time.perf_counter()
            for name, value in zip(stages, (built - start, drawn - built, done - drawn, done - start), strict=True):
                stages[name].append(value)
        median = {name: statistics.median(values) for name, values in stages.items()}
        target = targets.get(fmt)
        verdict = ""
        if target is not None:
            over = median["total"] - target
            verdict = f"; target {target:.0f} s: " + ("met" if over <= 0 else f"missed by {over:.1f} s")
        print(
            f"{code} {fmt} ({len(data):,} bytes): median {median['total']:.2f} s = build {median['build']:.2f}"
            f" + charts {median['charts']:.2f} + render {median['render']:.2f}{verdict}"
        )


if __name__ == "__main__":
    main()
