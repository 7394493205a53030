"""Fleet rate: several dispatcher processes sharing one rate limit held in PostgreSQL.

    python benchmarks/fleet.py                 # full run, R = 600/min, ~5 min
    python benchmarks/fleet.py --quick         # CI smoke, < 30 s (short phases, figures only)
    python benchmarks/fleet.py --dsn postgresql://...   # default: $TALKOVER_TEST_POSTGRES_DSN
                                                        # or the local server

The fake runs in its own process on loopback and enforces R requests/min per account across
all connections (a sliding one-minute window: at most R accepted requests in any 60 s, 429
with `Retry-After` and `X-RateLimit-*` headers beyond). Four worker processes each run
`client.dispatch(...)` (concurrency 8) with `rate_limit=PostgresRateLimiter(dsn, key=...)`,
all on one key in a fresh schema. The server times and counts every make-call it answers.

Phases (each with fresh server-side counts, a fresh limiter key):

1. configured: `rate=R`. Target: at least 0.95 x R per minute, 0 429s.
2. learned, headers: `rate=None`; the fake's `X-RateLimit-Limit` is read. Target, after the
   first 10 s: at most 2 % of requests get 429, at least 0.85 x R per minute.
3. learned, 429s only: `rate=None, use_headers=False` (the Talkover API does not document the
   headers). Same targets, measured after the first 10 s and after the first minute.
4. Retry-After cap: `rate=R`, `max_retry_after=5`; the fake answers one make-call with 429
   `Retry-After: 86400`. Target: no request of any worker is delayed by more than
   `max_retry_after` (plus scheduling slack): the longest dispatch result and the longest gap
   between accepted requests at the server are printed.

Timing figures on a shared 2-core machine are noisy; the counts (429s) are not.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

TOKEN = "talq_benchmark_fleet_token"
HERE = Path(__file__).resolve()
DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


# --- the server process ---------------------------------------------------------------------


async def serve(rate: int) -> None:
    from aiohttp import web

    from talkover_async.testing import FakeTalkover, RequestView, faults

    fake = FakeTalkover.demo(token=TOKEN, rate_limit_per_minute=rate, rate_limit_clock="real")
    fake.account.balance = 1e12
    events: list[tuple[float, int]] = []
    started = time.monotonic()

    async def bench_reset(request: web.Request) -> web.StreamResponse:
        nonlocal started
        fake.reset_rate_limits()
        fake.faults.clear()
        events.clear()
        after = request.query.get("fault_after")
        if after is not None:
            fake.faults.add(
                "POST /agents/{agent_id}/call",
                faults.rate_limited(86400),
                times=1,
                after=int(after),
            )
        started = time.monotonic()
        return web.json_response({"ok": True})

    async def bench_stats(request: web.Request) -> web.StreamResponse:
        return web.json_response({"events": events})

    async def handler(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        view = RequestView(
            request.method, request.path, dict(request.query), request.headers, body, "loopback"
        )
        outcome = await fake.handle(view)
        fake.journal.clear()  # keep the server's memory flat
        if request.method == "POST" and request.path.endswith("/call"):
            events.append((time.monotonic() - started, outcome.status or 0))
        headers = {k: v for k, v in outcome.headers.items() if k.lower() != "content-length"}
        return web.Response(status=outcome.status or 500, body=outcome.body, headers=headers)

    app = web.Application()
    app.router.add_post("/__bench/reset", bench_reset)
    app.router.add_get("/__bench/stats", bench_stats)
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app, handle_signals=True, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=4096)
    await site.start()
    port = runner.addresses[0][1]
    print(f"http://127.0.0.1:{port}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


# --- a worker process -----------------------------------------------------------------------


async def work(args: argparse.Namespace) -> dict[str, Any]:
    from talkover_async import AsyncTalkover
    from talkover_async.dispatch import DispatchStatus, PostgresLedger
    from talkover_async.dispatch.pg_limiter import PostgresRateLimiter

    deadline = time.monotonic() + args.duration
    limiter = PostgresRateLimiter(
        args.dsn,
        key=args.key,
        schema=args.schema,
        rate=args.rate or None,
        use_headers=not args.no_headers,
    )
    # Every worker joins one run in PostgreSQL (loaded by the orchestrator): the ledger hands
    # each spec to exactly one worker.
    ledger = PostgresLedger(args.dsn, run=args.key, schema=args.schema)
    counts: dict[str, int] = {}
    longest = 0.0
    client = AsyncTalkover(
        TOKEN,
        base_url=f"{args.url}/api/v1",
        env={},
        rate_limit=limiter,
        max_retry_after=args.max_retry_after,
    )
    async with (
        limiter,
        client,
        client.dispatch(None, ledger=ledger, concurrency=args.concurrency) as run,
    ):
        async for result in run:
            if time.monotonic() > deadline:
                break
            name = str(result.status.value)
            if result.status is DispatchStatus.FAILED and result.error is not None:
                name = f"failed:{type(result.error).__name__}"
            counts[name] = counts.get(name, 0) + 1
            longest = max(longest, result.elapsed)
    return {
        "worker": args.worker,
        "counts": counts,
        "longest": longest,
        "waited": limiter.waited,
        "rate_limited": limiter.rate_limited,
    }


# --- the orchestrator -----------------------------------------------------------------------


def post(url: str) -> None:
    import urllib.request

    req = urllib.request.Request(url, method="POST", data=b"")
    with urllib.request.urlopen(req, timeout=10) as resp:
        resp.read()


def get_json(url: str) -> Any:
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as resp:
        return json.loads(resp.read())


def phase(
    name: str,
    *,
    url: str,
    dsn: str,
    schema: str,
    workers: int,
    duration: float,
    rate: int,
    no_headers: bool = False,
    max_retry_after: float = 60.0,
    fault_after: int | None = None,
) -> dict[str, Any]:
    query = f"?fault_after={fault_after}" if fault_after is not None else ""
    key = f"{name}-{uuid.uuid4().hex[:8]}"
    # One run for the phase, more specs than the fleet can place in `duration`.
    size = int((rate or 600) * duration / 60 * 1.5) + 100
    asyncio.run(load_run(dsn, schema, key, size))
    post(f"{url}/__bench/reset{query}")
    procs = []
    for worker in range(workers):
        cmd = [
            sys.executable, str(HERE), "worker", url,
            "--dsn", dsn, "--schema", schema, "--key", key, "--worker", str(worker),
            "--duration", str(duration), "--rate", str(rate),
            "--max-retry-after", str(max_retry_after), "--concurrency", "8",
        ]  # fmt: skip
        if no_headers:
            cmd.append("--no-headers")
        procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True))
    reports = []
    for proc in procs:
        out, _ = proc.communicate(timeout=duration + 180)
        if proc.returncode != 0:
            raise RuntimeError(f"worker failed in phase {name}")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    events = [(float(t), int(s)) for t, s in get_json(f"{url}/__bench/stats")["events"]]
    ledger = asyncio.run(run_counts(dsn, schema, key))
    accepted = sum(1 for _, status in events if 200 <= status < 300)
    print(
        f"  {name}: server accepted {accepted} make-calls; the run's ledger: placed"
        f" {ledger.placed}, failed {ledger.failed}, maybe placed {ledger.maybe_placed},"
        f" claimed {ledger.claimed}, pending {ledger.pending}",
        flush=True,
    )
    return {"name": name, "events": events, "reports": reports, "ledger": ledger}


async def load_run(dsn: str, schema: str, run: str, size: int) -> None:
    from talkover_async.dispatch import CallSpec, PostgresLedger

    specs = (CallSpec(agent_id="demo", to=f"+1{4150000000 + i:010d}") for i in range(size))
    async with PostgresLedger(dsn, run=run, schema=schema) as ledger:
        await ledger.load(specs)


async def run_counts(dsn: str, schema: str, run: str) -> Any:
    from talkover_async.dispatch import PostgresLedger

    async with PostgresLedger(dsn, run=run, schema=schema) as ledger:
        return await ledger.counts()


def figures(result: dict[str, Any], skip: float) -> dict[str, Any]:
    """Per-minute throughput and 429 share at the server, from `skip` s after the first request."""
    events = sorted(result["events"])
    if not events:
        return {"accepted_per_min": 0.0, "share_429": 0.0, "count": 0, "n429": 0}
    start = events[0][0] + skip
    window = [(t, s) for t, s in events if t >= start]
    ok = [t for t, s in window if 200 <= s < 300]
    n429 = sum(1 for _, s in window if s == 429)
    span = (max(t for t, _ in window) - start) if window else 0.0
    per_min = ((len(ok) - 1) / span * 60.0) if span > 0 and ok else 0.0
    gaps = [b - a for a, b in itertools.pairwise(ok)]
    return {
        "accepted_per_min": per_min,
        "share_429": n429 / len(window) if window else 0.0,
        "count": len(window),
        "n429": n429,
        "longest_gap": max(gaps, default=0.0),
    }


def timeline(events: list[tuple[float, int]], width: float = 10.0) -> None:
    """Accepted per minute and 429s, per `width` seconds (how learning from 429s goes)."""
    if not events:
        return
    start = min(t for t, _ in events)
    cells: dict[int, list[int]] = {}
    for t, status in events:
        cell = cells.setdefault(int((t - start) // width), [0, 0])
        cell[0 if 200 <= status < 300 else 1] += status == 429 or 200 <= status < 300
    print("  timeline (s: accepted/min, 429s):", flush=True)
    print(
        "  " + ", ".join(
            f"{int(k * width)}: {ok * 60 / width:.0f}, {n429}"
            for k, (ok, n429) in sorted(cells.items())
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command")
    s = sub.add_parser("serve")
    s.add_argument("--rate", type=int, required=True)
    w = sub.add_parser("worker")
    w.add_argument("url")
    w.add_argument("--dsn", required=True)
    w.add_argument("--schema", required=True)
    w.add_argument("--key", required=True)
    w.add_argument("--worker", type=int, default=0)
    w.add_argument("--duration", type=float, required=True)
    w.add_argument("--rate", type=int, default=0)
    w.add_argument("--no-headers", action="store_true")
    w.add_argument("--max-retry-after", type=float, default=60.0)
    w.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--quick", action="store_true", help="CI smoke: short phases")
    parser.add_argument("--rate", type=int, default=600, help="R, requests/min (default 600)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--phases", default="", help="a subset: configured,headers,only429,cap (default: all)"
    )
    parser.add_argument(
        "--dsn", default=os.environ.get("TALKOVER_TEST_POSTGRES_DSN", DEFAULT_DSN)
    )
    args = parser.parse_args()
    if args.command == "serve":
        asyncio.run(serve(args.rate))
        return
    if args.command == "worker":
        print(json.dumps(asyncio.run(work(args))), flush=True)
        return
    orchestrate(args)


def orchestrate(args: argparse.Namespace) -> None:
    import asyncpg

    rate = args.rate
    schema = f"bench_fleet_{uuid.uuid4().hex[:8]}"
    server = subprocess.Popen(
        [sys.executable, str(HERE), "serve", "--rate", str(rate)], stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None
    url = server.stdout.readline().strip()
    if not url.startswith("http"):
        raise SystemExit("the fake server did not start")
    if args.quick:
        durations = {"configured": 4.0, "headers": 3.0, "cap": 4.0}
        skip, cap, workers, fault_after = 1.0, 2.0, min(args.workers, 2), 10
    else:
        durations = {"configured": 75.0, "headers": 75.0, "only429": 120.0, "cap": 20.0}
        skip, cap, workers, fault_after = 10.0, 5.0, args.workers, 100
    if args.phases:
        wanted = set(args.phases.split(","))
        durations = {k: v for k, v in durations.items() if k in wanted}
    common: dict[str, Any] = {"url": url, "dsn": args.dsn, "schema": schema, "workers": workers}
    rows: list[tuple[str, ...]] = []

    def learned_row(label: str, f: dict[str, Any]) -> None:
        met = f["accepted_per_min"] >= 0.85 * rate and f["share_429"] <= 0.02
        rows.append((
            label,
            f"{f['accepted_per_min']:.0f}/min ({f['accepted_per_min'] / rate:.3f} R)",
            f"{f['n429']} of {f['count']} ({f['share_429']:.1%})",
            f">= 0.85 R and <= 2 % 429s: {'yes' if met else 'no'}",
        ))  # fmt: skip
        print(rows[-1], flush=True)

    print(f"R = {rate}/min, {workers} worker processes, schema {schema}", flush=True)
    try:
        baseline = float("nan")
        if "configured" in durations:
            res = phase("configured", duration=durations["configured"], rate=rate, **common)
            f = figures(res, 0.0)
            baseline = max(r["longest"] for r in res["reports"])
            met = f["accepted_per_min"] >= 0.95 * rate and f["n429"] == 0
            rows.append((
                "configured (rate=R)",
                f"{f['accepted_per_min']:.0f}/min ({f['accepted_per_min'] / rate:.3f} R)",
                f"{f['n429']} of {f['count']}",
                f">= 0.95 R and 0 429s: {'yes' if met else 'no'}",
            ))  # fmt: skip
            print(rows[-1], flush=True)
        if "headers" in durations:
            res = phase("headers", duration=durations["headers"], rate=0, **common)
            learned_row(f"learned, X-RateLimit headers (after {skip:g} s)", figures(res, skip))
        if "only429" in durations:
            res = phase(
                "only429", duration=durations["only429"], rate=0, no_headers=True, **common
            )
            timeline(res["events"])
            for after in (skip, 60.0):
                learned_row(f"learned, 429s only (after {after:g} s)", figures(res, after))
        if "cap" not in durations:
            return
        res = phase(
            "cap", duration=durations["cap"], rate=rate, max_retry_after=cap,
            fault_after=fault_after,
            **common,
        )  # fmt: skip
        f = figures(res, 0.0)
        longest = max(r["longest"] for r in res["reports"])
        # The fleet's stall (the longest gap between accepted requests at the server) is what
        # the server's Retry-After costs; a request's own time also includes its queueing for
        # the rate, longer for a while because the rate is halved after a 429 (AIMD).
        met = f["longest_gap"] <= cap + 0.5
        rows.append((
            f"one 429 `Retry-After: 86400`, max_retry_after={cap:g}",
            f"fleet stalled {f['longest_gap']:.2f} s; longest request {longest:.2f} s"
            f" ({baseline:.2f} s without the 429)",
            f"{f['n429']} of {f['count']}",
            f"stall <= {cap:g} s (+0.5 s): {'yes' if met else 'no'}",
        ))  # fmt: skip
        print(rows[-1], flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout:
            server.stdout.close()

        async def drop() -> None:
            conn = await asyncpg.connect(args.dsn)
            try:
                await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            finally:
                await conn.close()

        asyncio.run(drop())
    print()
    print(f"| phase (R = {rate}/min, {workers} processes) | accepted | 429s | target met |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
