"""Benchmark: factsheets for every country with data, HTML and PDF; factsheets per second, share in charts.

Runs against the store in $PARTNERWATCH_HOME (load the shared data first). The
first factsheet warms up (Ibis, the chart engine); the single-factsheet time
reported is the median of the warm ones.

    python bench/factsheets.py [--formats html pdf] [--limit N]
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
    args = parser.parse_args()
    con = connect()
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


if __name__ == "__main__":
    main()
