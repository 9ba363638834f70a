"""Run a command in its own process and report its wall time and its own peak RSS.

A child's peak RSS as the kernel reports it includes what it inherited at
``fork`` from its parent: a benchmark that has just run DuckDB's ``read_csv``
would charge that memory to the ingest it starts next. A small wrapper process
runs the command instead and reports the peak of its child alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

WRAPPER = (
    "import resource, subprocess, sys;"
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL);"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def run_measured(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """(seconds, peak RSS in KiB) of ``command``; raises if it fails."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, *command],
        env=env or dict(os.environ),
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - start, int(done.stdout.strip().splitlines()[-1])
