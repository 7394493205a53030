"""Where the SDK's client CPU goes over loopback: the make-call request, layer by layer.

Each row adds one layer to the one above it, against the same loopback server (own process),
at concurrency 1, in one process, rows alternating within each repetition (median of `--reps`):

    raw aiohttp          POST + orjson.loads (the P1 baseline)
    transport            AiohttpTransport.send of a prebuilt Request + orjson.loads
    + decode             ... + decode_response (envelope, Call model) instead of orjson.loads
    + middleware         the client's chain (retry, auth, logging) + decode_response
    + build_request      ... with a Request built per call (path, JSON body, headers)
    agents.call          the public method: argument checks, then all of the above

asyncio's read size is set to the SDK's `RECV_SIZE` for every connection, so no row pays the
mmap-per-read pattern (see README: the P1 control). A layer costs much more here than in a
`MockTransport` loop: between two socket wake-ups the caches are cold.

    python benchmarks/attribution.py [--requests 2000] [--reps 7]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loopback import AGENT_ID, CALL_ARGS, RawSide, SdkSide, drive, server


async def attribute(base_url: str, requests: int, reps: int) -> dict[str, float]:
    import orjson

    from talkover_async.operations import OPERATIONS, decode_response

    op = OPERATIONS["agents.call"]
    async with RawSide(base_url) as raw, SdkSide(base_url) as sdk:
        client = sdk.client
        request = client.build_request(op, {"agent_id": AGENT_ID}, body=CALL_ARGS)
        sent = request.with_headers({"Authorization": "Bearer talq_attribution"})
        transport: Any = client._transport
        handler = client._handler

        async def transport_only() -> Any:
            return orjson.loads((await transport.send(sent)).content)

        async def with_decode() -> Any:
            return decode_response(op, await transport.send(sent))

        async def with_middleware() -> Any:
            return decode_response(op, await handler(request))

        async def with_build() -> Any:
            fresh = client.build_request(op, {"agent_id": AGENT_ID}, body=CALL_ARGS)
            return decode_response(op, await handler(fresh))

        rows = {
            "raw aiohttp": raw.call,
            "transport": transport_only,
            "+ decode": with_decode,
            "+ middleware": with_middleware,
            "+ build_request": with_build,
            "agents.call": sdk.call,
        }
        for fn in rows.values():
            await drive(fn, max(200, requests // 4), 1)
        cpu: dict[str, list[float]] = {name: [] for name in rows}
        for rep in range(reps):
            order = list(rows) if rep % 2 == 0 else list(reversed(rows))
            for name in order:
                _, spent = await drive(rows[name], requests, 1)  # process CPU seconds
                cpu[name].append(spent / requests * 1e6)
    return {name: statistics.median(values) for name, values in cpu.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=9)
    args = parser.parse_args()

    from asyncio.selector_events import _SelectorSocketTransport

    from talkover_async.transports.aiohttp import RECV_SIZE

    _SelectorSocketTransport.max_size = RECV_SIZE
    with server() as base_url:
        result = asyncio.run(attribute(base_url, args.requests, args.reps))
    base = result["raw aiohttp"]
    previous = base
    print(f"{'layer':<18}{'CPU us/req':>12}{'step':>8}{'x raw':>8}")
    for name, value in result.items():
        print(f"{name:<18}{value:>12.1f}{value - previous:>+8.1f}{value / base:>8.3f}")
        previous = value


if __name__ == "__main__":
    main()
