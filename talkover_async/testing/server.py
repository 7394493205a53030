"""`serve_fake`: the fake over real HTTP on loopback (aiohttp.web), for transports and tools.

    async with serve_fake(fake) as base_url:      # "http://127.0.0.1:PORT/api/v1"
        client = AsyncTalkover(token, base_url=base_url)

Faults behave as on a real network: resets close the socket without an answer, timeouts hold
the connection until the client gives up. Leaving the block stops the server, releases held
connections and closes every socket.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from .fake import FakeTalkover
from .journal import RequestView

__all__ = ["serve_fake"]

_POLL = 0.02


def _drop(request: web.BaseRequest) -> None:
    transport = request.transport
    if transport is not None and not transport.is_closing():
        transport.abort()


async def _hold(request: web.BaseRequest, seconds: float, stopping: asyncio.Event) -> None:
    """Wait up to `seconds`, until the client disconnects or the server stops."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline and not stopping.is_set():
        transport = request.transport
        if transport is None or transport.is_closing():
            return
        try:
            await asyncio.wait_for(stopping.wait(), timeout=_POLL)
        except TimeoutError:
            continue


@asynccontextmanager
async def serve_fake(
    fake: FakeTalkover,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    strict: bool | None = None,
) -> AsyncIterator[str]:
    """Serve `fake` on `host:port` (0: a free port); yields the base URL
    `http://127.0.0.1:PORT/api/v1`. `strict` overrides `fake.strict` when given."""
    if strict is not None:
        fake.strict = strict
    stopping = asyncio.Event()

    async def handler(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        query = {key: value for key, value in request.query.items()}
        view = RequestView(request.method, request.path, query, request.headers, body, "loopback")
        outcome = await fake.handle(view)
        if outcome.action == "hang":
            await _hold(request, outcome.hang, stopping)
        if outcome.action != "respond":
            _drop(request)
            raise asyncio.CancelledError
        headers = {k: v for k, v in outcome.headers.items() if k.lower() != "content-length"}
        return web.Response(status=outcome.status or 500, body=outcome.body, headers=headers)

    app = web.Application(client_max_size=8 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        # The runner's public addresses (any event loop: asyncio's, uvloop's...).
        bound = runner.addresses[0][1]
        shown = f"[{host}]" if ":" in host else host
        yield f"http://{shown}:{bound}/api/v1"
    finally:
        stopping.set()
        await runner.cleanup()
