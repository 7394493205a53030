"""Serving a webhook receiver on 127.0.0.1 for tests: aiohttp.web, or an ASGI app under
uvicorn (started in the test, bounded startup and shutdown), and a raw HTTP/1.1 client for the
cases an HTTP client library will not produce (a body never finished)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterable
from typing import Any

from aiohttp import web

from talkover_async.webhooks import WebhookReceiver

STARTUP_POLLS = 1000  # x 10 ms: at most 10 s for uvicorn to start
SHUTDOWN_TIMEOUT = 15.0
RESPONSE_TIMEOUT = 10.0

ADAPTERS = ("aiohttp", "asgi")


@contextlib.asynccontextmanager
async def serve_aiohttp(
    receiver: WebhookReceiver,
    *,
    methods: Iterable[str] = ("POST", "PUT"),
    client_max_size: int = 1024**2,
) -> AsyncIterator[int]:
    """`receiver.handle` on an aiohttp.web app on 127.0.0.1; yields the port."""
    app = web.Application(client_max_size=client_max_size)
    for method in methods:
        app.router.add_route(method, "/webhooks", receiver.handle)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        yield int(runner.addresses[0][1])
    finally:
        await runner.cleanup()


@contextlib.asynccontextmanager
async def serve_asgi(app: Any, *, lifespan: str = "on") -> AsyncIterator[int]:
    """`app` under uvicorn on a free port of 127.0.0.1; yields the port."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    config = uvicorn.Config(
        app,
        lifespan=lifespan,
        log_config=None,
        access_log=False,
        http="h11",
        ws="none",
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(STARTUP_POLLS):
            if server.started or task.done():
                break
            await asyncio.sleep(0.01)
        if task.done():
            task.result()  # raises what stopped it
            raise RuntimeError("uvicorn stopped during startup")
        if not server.started:
            raise RuntimeError("uvicorn did not start in time")
        yield port
    finally:
        server.should_exit = True
        try:
            await asyncio.wait_for(task, SHUTDOWN_TIMEOUT)
        finally:
            sock.close()


@contextlib.asynccontextmanager
async def serve(
    adapter: str,
    receiver: WebhookReceiver,
    *,
    methods: Iterable[str] = ("POST", "PUT"),
    client_max_size: int = 1024**2,
) -> AsyncIterator[str]:
    """The receiver behind `adapter` ("aiohttp" or "asgi"); yields the URL of `/webhooks`.

    `client_max_size` is aiohttp's own limit (the ASGI adapter has none but the receiver's).
    The ASGI app is served on its own, so uvicorn's lifespan reaches it.
    """
    if adapter == "aiohttp":
        async with serve_aiohttp(receiver, methods=methods, client_max_size=client_max_size) as port:
            yield f"http://127.0.0.1:{port}/webhooks"
    elif adapter == "asgi":
        async with serve_asgi(receiver.asgi_app(methods=methods)) as port:
            yield f"http://127.0.0.1:{port}/webhooks"
    else:
        raise ValueError(adapter)


async def raw_exchange(url: str, request: bytes) -> tuple[int, str]:
    """Send `request` (head and whatever body) as is, then read the answer's status and body.

    The connection stays open for writing: a server that waits for the rest of a body never
    answers, and this raises `TimeoutError` after `RESPONSE_TIMEOUT` seconds.
    """
    host_port = url.split("//", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(request)
        await writer.drain()
        async with asyncio.timeout(RESPONSE_TIMEOUT):
            status_line = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            body = await reader.readexactly(length) if length else b""
        parts = status_line.split()
        if len(parts) < 2:
            raise ConnectionError(f"no HTTP answer: {status_line!r}")
        return int(parts[1]), body.decode()
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
