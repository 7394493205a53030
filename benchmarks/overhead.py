"""SDK overhead over raw aiohttp against the same loopback server (issue 2, item 12).

`client.agents.call` (the dispatcher's hot path) vs a raw aiohttp POST + JSON decode, and
`client.agents.get` vs a raw aiohttp GET + JSON decode, at concurrency 1 and 256. The server
runs in its own process; each figure is the median of several alternating repetitions.

    python benchmarks/overhead.py            # 2,000 requests x 5 reps (c=1), 10,000 (c=256)
    python benchmarks/overhead.py --quick
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loopback import compare, raise_nofile, server


def summarise(runs: dict[str, list[tuple[float, float]]], requests: int) -> dict[str, float]:
    """Median wall and CPU microseconds per request and requests per second, per side."""
    out: dict[str, float] = {}
    for side, values in runs.items():
        out[f"{side}_wall_us"] = statistics.median(w for w, _ in values) / requests * 1e6
        out[f"{side}_cpu_us"] = statistics.median(c for _, c in values) / requests * 1e6
        out[f"{side}_rps"] = statistics.median(requests / w for w, _ in values)
    out["wall_ratio"] = out["sdk_wall_us"] / out["raw_wall_us"]
    out["cpu_ratio"] = out["sdk_cpu_us"] / out["raw_cpu_us"]
    out["throughput_ratio"] = out["sdk_rps"] / out["raw_rps"]
    return out


async def measure(base_url: str, quick: bool) -> list[tuple[str, int, dict[str, float]]]:
    """Every (method, concurrency) pair."""
    rows = []
    for method in ("call", "get"):
        for concurrency in (1, 256):
            requests = (300 if quick else 2000) if concurrency == 1 else (2000 if quick else 10000)
            runs = await compare(
                base_url,
                method,
                requests=requests,
                concurrency=concurrency,
                reps=3 if quick else 5,
            )
            rows.append((method, concurrency, summarise(runs, requests)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests and repetitions")
    args = parser.parse_args()
    raise_nofile()
    with server() as base_url:
        rows = asyncio.run(measure(base_url, args.quick))
    print(
        f"{'operation':<22}{'conc':>5}{'raw us/req':>12}{'sdk us/req':>12}{'wall x':>8}"
        f"{'raw cpu us':>12}{'sdk cpu us':>12}{'cpu x':>7}{'raw req/s':>11}{'sdk req/s':>11}"
        f"{'tput x':>8}"
    )
    for method, conc, r in rows:
        print(
            f"{'client.agents.' + method:<22}{conc:>5}{r['raw_wall_us']:>12.1f}"
            f"{r['sdk_wall_us']:>12.1f}{r['wall_ratio']:>8.2f}{r['raw_cpu_us']:>12.1f}"
            f"{r['sdk_cpu_us']:>12.1f}{r['cpu_ratio']:>7.2f}{r['raw_rps']:>11.0f}"
            f"{r['sdk_rps']:>11.0f}{r['throughput_ratio']:>8.2f}"
        )
    print("x = SDK / raw aiohttp (time and CPU per request: lower is better; throughput: higher)")


if __name__ == "__main__":
    main()
