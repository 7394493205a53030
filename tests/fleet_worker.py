"""A dispatch worker process for the fleet tests (killed with SIGKILL and started again).

    python -m tests.fleet_worker --url URL --dsn DSN --schema S --run NAME --worker W
    python -m tests.fleet_worker --url URL --results FILE [--resume] --count N

Prints `ready` once the ledger is open and `done <placed> <total>` at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from talkover_async import AsyncTalkover, Timeout
from talkover_async.dispatch import CallSpec, Ledger, LocalLedger, PostgresLedger

TOKEN = "talq_test_token_0123456789"


def number(i: int) -> str:
    return f"+1415555{i:04d}"


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--dsn")
    parser.add_argument("--schema", default="talkover")
    parser.add_argument("--run")
    parser.add_argument("--worker")
    parser.add_argument("--results")
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args(argv)
    ledger: Ledger
    specs = None
    if args.dsn:
        ledger = PostgresLedger(args.dsn, run=args.run, schema=args.schema, worker=args.worker)
    else:
        ledger = LocalLedger(args.results, resume=args.resume)
        specs = (CallSpec(agent_id="demo", to=number(i)) for i in range(args.count))
    timeout = Timeout(total=2.0, connect=1.0, read=1.0)  # hung requests give up quickly
    async with (
        AsyncTalkover(TOKEN, base_url=args.url, env={}, timeout=timeout, max_retries=2) as client,
        client.dispatch(specs, ledger=ledger, concurrency=args.concurrency) as run,
    ):
        first = True
        async for _ in run:
            if first:
                print("ready", flush=True)
                first = False
    print(f"done {run.summary.placed} {run.summary.total}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
