"""The loopback pieces the benchmarks share: a server process and the two client sides.

The server is an `aiohttp.web` app answering the documented example bodies (make call, get
agent). It runs in its own process (multiprocessing, spawn), so the client process's CPU time
is the client's alone. `hold` makes every answer wait that many seconds (P4: requests in
flight).

The client sides do the same work: the SDK (`client.agents.call` / `client.agents.get`, the
full chain: retry, auth, logging at WARNING, decode into attrs models) and raw aiohttp
(POST or GET with the same token, JSON body encoded and the answer decoded with orjson).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import resource
import time
from collections.abc import Awaitable, Callable
from contextlib import contextmanager
from typing import Any

import aiohttp
import orjson
from aiohttp import web
from bodies import AGENT_ID, GET_AGENT_BYTES, MAKE_CALL_BYTES, TOKEN

CALL_ARGS: dict[str, Any] = {"to": "+14155550100", "payload": {"customer_name": "Ada"}}
RAW_HEADERS = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}
RAW_POST_HEADERS = {**RAW_HEADERS, "Content-Type": "application/json"}


def raise_nofile() -> int:
    """Raise the open-files limit to the hard limit (10,000 sockets in flight)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


# --- server ---------------------------------------------------------------------------------
def _app(hold: float) -> web.Application:
    async def make_call(request: web.Request) -> web.Response:
        await request.read()
        if hold:
            await asyncio.sleep(hold)
        return web.Response(body=MAKE_CALL_BYTES, content_type="application/json")

    async def get_agent(request: web.Request) -> web.Response:
        if hold:
            await asyncio.sleep(hold)
        return web.Response(body=GET_AGENT_BYTES, content_type="application/json")

    app = web.Application()
    app.router.add_post("/api/v1/agents/{agent_id}/call", make_call)
    app.router.add_get("/api/v1/agents/{agent_id}", get_agent)
    return app


def _serve(ports: Any, hold: float) -> None:
    raise_nofile()
    logging.getLogger("aiohttp").setLevel(logging.ERROR)

    async def main() -> None:
        runner = web.AppRunner(_app(hold), access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=8192)
        await site.start()
        server = site._server
        assert server is not None
        ports.put(server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        await asyncio.Event().wait()

    asyncio.run(main())


@contextmanager
def server(hold: float = 0.0):  # type: ignore[no-untyped-def]
    """Run the loopback server in a child process; yields its base URL."""
    ctx = multiprocessing.get_context("spawn")
    ports = ctx.Queue()
    proc = ctx.Process(target=_serve, args=(ports, hold), daemon=True)
    proc.start()
    try:
        port = ports.get(timeout=30)
        yield f"http://127.0.0.1:{port}/api/v1"
    finally:
        proc.terminate()
        proc.join(10)


# --- client sides ---------------------------------------------------------------------------
Op = Callable[[], Awaitable[Any]]


class RawSide:
    """Raw aiohttp: the same request and a JSON decode, nothing else."""

    def __init__(self, base_url: str, limit: int = 100) -> None:
        self.base_url = base_url
        self.limit = limit
        self.session: aiohttp.ClientSession | None = None
        self.call_url = f"{base_url}/agents/{AGENT_ID}/call"
        self.get_url = f"{base_url}/agents/{AGENT_ID}"

    async def __aenter__(self) -> RawSide:
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self.limit))
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.session is not None
        await self.session.close()

    async def call(self) -> Any:
        assert self.session is not None
        # orjson returns its 4 KiB working buffer; a right-sized copy (as the SDK sends) keeps
        # the raw side from paying 4 KiB per request in flight in P4.
        body = bytes(memoryview(orjson.dumps(CALL_ARGS)))
        async with self.session.post(self.call_url, data=body, headers=RAW_POST_HEADERS) as resp:
            return orjson.loads(await resp.read())

    async def get(self) -> Any:
        assert self.session is not None
        async with self.session.get(self.get_url, headers=RAW_HEADERS) as resp:
            return orjson.loads(await resp.read())


class SdkSide:
    """The SDK: `client.agents.call` / `client.agents.get` through the full chain."""

    def __init__(self, base_url: str, limit: int = 100, *, long_timeouts: bool = False) -> None:
        from talkover_async import AsyncTalkover, Timeout

        logging.getLogger("talkover_async").setLevel(logging.WARNING)
        # `long_timeouts`: aiohttp's defaults (300 s total, 30 s to connect), as the raw side
        # has them, for 10,000 connections opened at once on a busy machine.
        timeout = Timeout(total=300.0, connect=30.0, read=None) if long_timeouts else Timeout()
        self.client = AsyncTalkover(
            TOKEN, base_url=base_url, env={}, connection_limit=limit, timeout=timeout
        )

    async def __aenter__(self) -> SdkSide:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()

    async def call(self) -> Any:
        return await self.client.agents.call(AGENT_ID, **CALL_ARGS)

    async def get(self) -> Any:
        return await self.client.agents.get(AGENT_ID)


async def drive(op: Op, requests: int, concurrency: int) -> tuple[float, float]:
    """Run `requests` calls of `op` with `concurrency` workers: (wall s, client CPU s)."""
    remaining = iter(range(requests))

    async def worker() -> None:
        for _ in remaining:
            await op()

    wall0, cpu0 = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - wall0, time.process_time() - cpu0


async def compare(
    base_url: str,
    method: str,
    *,
    requests: int,
    concurrency: int,
    reps: int,
    limit: int | None = None,
) -> dict[str, list[tuple[float, float]]]:
    """Alternate raw and SDK runs of the same workload: per rep (wall s, CPU s) per side."""
    limit = max(100, concurrency) if limit is None else limit
    out: dict[str, list[tuple[float, float]]] = {"raw": [], "sdk": []}
    async with RawSide(base_url, limit) as raw, SdkSide(base_url, limit) as sdk:
        sides = {"raw": getattr(raw, method), "sdk": getattr(sdk, method)}
        warm = max(50, min(requests // 5, 2000))
        for op in sides.values():  # warm up: connections opened, decoders generated
            await drive(op, warm, concurrency)
        for rep in range(reps):
            order = ["raw", "sdk"] if rep % 2 == 0 else ["sdk", "raw"]
            for name in order:
                out[name].append(await drive(sides[name], requests, concurrency))
    return out
