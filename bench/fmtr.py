"""Benchmark: read every FMTR report against poppler's ``pdftotext -layout`` on the same PDFs, per layout family.

``pdftotext -layout`` is the floor: it only extracts text. We extract words
with their boxes (``pdftotext -tsv``), rebuild rows and reconcile totals.
Runs alternate file by file. Web-page reports (FY1999, FY2006) have no
poppler floor; their time is reported per table row. A file the parser
cannot read yet is named and left out of the ratio.

``--ingest`` instead times what a user runs: every file in one
``partnerwatch ingest fmtr --allow-mismatch`` call into a fresh store, on
every core and on one, against ``pdftotext -layout`` over the same PDFs one
after another (the floor the issue names) and on every core. The ingest's
time includes the web pages, the copies kept and the loads.

    python bench/fmtr.py [DIR] [--runs N] [--ingest]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from partnerwatch.errors import PartnerWatchError
from partnerwatch.ingest import cores
from partnerwatch.sources.fmtr import parse_fmtr
from partnerwatch.sources.fmtr.extract import extract_pages
from partnerwatch.sources.fmtr.parse import is_early_layout, two_column_split

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "fmtr"


def family(path: Path) -> str:
    if path.suffix.lower() in (".html", ".htm"):
        return "web page"
    pages = extract_pages(path)
    if two_column_split(pages) is not None:
        return "PDF, two tables a page"
    return "PDF, one-line headings" if is_early_layout(pages[:5]) else "PDF, country headings"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ingest", action="store_true", help="also time the whole ingest command")
    args = parser.parse_args()
    files = sorted(p for p in args.folder.iterdir() if p.suffix.lower() in (".pdf", ".html"))
    if args.ingest:
        whole_ingest(files)
        return
    readable, skipped = [], []
    for path in files:
        try:
            parse_fmtr(path)
            readable.append(path)
        except PartnerWatchError as exc:
            skipped.append((path.name, str(exc.errors[0])[:90]))
    kinds = {path: family(path) for path in readable}
    pages = {path: len(extract_pages(path)) for path in readable if path.suffix.lower() == ".pdf"}
    floor: dict[str, list[float]] = defaultdict(list)
    ours: dict[str, list[float]] = defaultdict(list)
    for _ in range(args.runs):
        run_floor: dict[str, float] = defaultdict(float)
        run_ours: dict[str, float] = defaultdict(float)
        for path in readable:
            if path in pages:
                start = time.perf_counter()
                subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True)
                run_floor[kinds[path]] += time.perf_counter() - start
            start = time.perf_counter()
            parse_fmtr(path)
            run_ours[kinds[path]] += time.perf_counter() - start
        for kind in set(kinds.values()):
            floor[kind].append(run_floor[kind])
            ours[kind].append(run_ours[kind])
    print(f"{len(readable)} files read, runs: {args.runs}")
    total_floor = total_ours = 0.0
    for kind in sorted(ours):
        n_files = sum(1 for k in kinds.values() if k == kind)
        o = statistics.median(ours[kind])
        total_ours += o
        if kind == "web page":
            print(f"{kind}: {n_files} files, ours {o:.2f} s")
            continue
        n_pages = sum(p for path, p in pages.items() if kinds[path] == kind)
        f = statistics.median(floor[kind])
        total_floor += f
        print(
            f"{kind}: {n_files} files, {n_pages} pages; pdftotext -layout {f:.2f} s; ours {o:.2f} s"
            f" ({n_pages / o:.0f} pages/s); ratio {o / f:.2f}x"
        )
    print(f"all PDFs: ratio {(total_ours - statistics.median(ours.get('web page', [0.0]))) / total_floor:.2f}x")
    for name, why in skipped:
        print(f"not read: {name}: {why}")


def _layout(path: Path) -> None:
    subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True)


def _timed_ingest(files: list[Path], jobs: int) -> float:
    home = Path(tempfile.mkdtemp(prefix="pw-bench-fmtr-"))
    try:
        env = {**os.environ, "PARTNERWATCH_HOME": str(home)}
        start = time.perf_counter()
        done = subprocess.run(
            ["partnerwatch", "ingest", "fmtr", "--allow-mismatch", "--jobs", str(jobs), *map(str, files)],
            env=env,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"ingest failed ({done.returncode}): {done.stderr[-2000:]}")
        return elapsed
    finally:
        shutil.rmtree(home, ignore_errors=True)


def whole_ingest(files: list[Path]) -> None:
    """One ingest call over every file, as a user runs it, against pdftotext -layout on the same PDFs."""
    pdfs = [path for path in files if path.suffix.lower() == ".pdf"]
    n = cores()
    start = time.perf_counter()
    for path in pdfs:
        _layout(path)
    serial_floor = time.perf_counter() - start
    start = time.perf_counter()
    with ThreadPoolExecutor(n) as pool:
        list(pool.map(_layout, pdfs))
    parallel_floor = time.perf_counter() - start
    every_core = _timed_ingest(files, n)
    one_core = _timed_ingest(files, 1)
    print(f"{len(files)} files ({len(pdfs)} PDFs), {n} cores")
    print(f"pdftotext -layout, one after another: {serial_floor:.2f} s; on {n} cores: {parallel_floor:.2f} s")
    print(
        f"partnerwatch ingest fmtr --jobs {n}: {every_core:.2f} s,"
        f" {every_core / serial_floor:.2f}x the serial floor, {every_core / parallel_floor:.2f}x the parallel one"
    )
    print(f"partnerwatch ingest fmtr --jobs 1: {one_core:.2f} s, {one_core / serial_floor:.2f}x the serial floor")


if __name__ == "__main__":
    main()
