"""Benchmark: parse every FMTR PDF against poppler's ``pdftotext -layout`` on the same files.

``pdftotext -layout`` is the floor: it only extracts text. We extract words
with their boxes (``pdftotext -tsv``), rebuild rows and reconcile totals.
Runs alternate file by file.

    python bench/fmtr.py [DIR] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time
from pathlib import Path

from partnerwatch.sources.fmtr import parse_fmtr_pdf
from partnerwatch.sources.fmtr.extract import extract_pages

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "fmtr"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    files = sorted(args.folder.glob("*.pdf"))
    pages = sum(len(extract_pages(f)) for f in files)
    floor_runs, ours_runs = [], []
    for _ in range(args.runs):
        floor = ours = 0.0
        for path in files:
            start = time.perf_counter()
            subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True)
            floor += time.perf_counter() - start
            start = time.perf_counter()
            parse_fmtr_pdf(path)
            ours += time.perf_counter() - start
        floor_runs.append(floor)
        ours_runs.append(ours)
    f, o = statistics.median(floor_runs), statistics.median(ours_runs)
    print(f"{len(files)} files, {pages} pages, runs: {args.runs}")
    print(f"pdftotext -layout (floor): {f:.2f} s  ({f / pages * 1000:.1f} ms/page)")
    print(f"parse_fmtr_pdf:            {o:.2f} s  ({o / pages * 1000:.1f} ms/page)  ratio {o / f:.2f}x")


if __name__ == "__main__":
    main()
