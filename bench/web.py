"""Benchmark: the API, a country page and the watch under 32 concurrent connections on loopback.

Starts ``partnerwatch serve`` (uvicorn, one process) on the store in $PARTNERWATCH_HOME,
in its own process so the load generator does not share its interpreter,
warms the caches, then for each URL sends requests from 32 concurrent
connections for a fixed number of requests; reports p50/p99 latency and
requests per second. Traffic stays on 127.0.0.1 and stops by itself.

    python bench/web.py [--requests 2000] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import time

import httpx2 as httpx

# (path, share of --requests): a country page renders the whole factsheet, so it gets fewer requests.
URLS = (
    ("/api/countries/MLI/figures", 1.0),
    ("/countries/MLI", 0.1),
    ("/watch", 1.0),
    ("/watch.atom", 1.0),
    ("/api/watch", 0.3),
)


async def hammer(base: str, path: str, total: int, concurrency: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    remaining = total
    async with httpx.AsyncClient(
        base_url=base, timeout=30.0, limits=httpx.Limits(max_connections=concurrency)
    ) as client:

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                start = time.perf_counter()
                response = await client.get(path)
                if response.is_error:
                    remaining = 0  # stop every worker: a failing server is a result, not a benchmark
                    raise SystemExit(f"{path}: HTTP {response.status_code}: {response.text[:300]}")
                latencies.append(time.perf_counter() - start)

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return latencies, elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "partnerwatch.cli", "serve", "--port", str(port)], stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(base + "/favicon.ico", timeout=1.0)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    for path, share in URLS:
        asyncio.run(hammer(base, path, 20, 4))  # warm the caches
        latencies, elapsed = asyncio.run(hammer(base, path, int(args.requests * share), args.concurrency))
        ordered = sorted(latencies)
        p99 = ordered[int(len(ordered) * 0.99) - 1]
        print(
            f"{path}: {len(latencies)} requests, {args.concurrency} connections: p50"
            f" {statistics.median(latencies) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms,"
            f" {len(latencies) / elapsed:.0f} requests/s"
        )
    server.terminate()
    server.wait(timeout=10)


if __name__ == "__main__":
    main()
