"""Shared fixtures: a scripted aiohttp.web server on 127.0.0.1 and client factories."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from talkover_async import AsyncTalkover

# the secret canary runs around every test; tests.postgres: the PostgreSQL fixtures
pytest_plugins = ["tests.canary", "pytester", "tests.postgres"]

if os.environ.get("TALKOVER_TEST_UVLOOP") == "1":  # CI's uvloop job: every async test on uvloop
    import uvloop

    def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item) -> dict[str, Any]:
        return {"uvloop": uvloop.new_event_loop}

TOKEN = "talq_test_token_0123456789"

Action = Callable[[web.Request], Awaitable[web.StreamResponse | None]]


def reply(
    status: int = 200, body: Any = None, headers: dict[str, str] | None = None, raw: bytes | None = None
) -> Action:
    """Answer with a JSON body (or raw bytes)."""

    async def action(request: web.Request) -> web.StreamResponse:
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        hdrs = {"Content-Type": "application/json"} if raw is None else {}
        hdrs.update(headers or {})
        return web.Response(status=status, body=data, headers=hdrs)

    return action


def drop() -> Action:
    """Read the request, then close the connection without answering (ambiguous failure)."""

    async def action(request: web.Request) -> None:
        await request.read()
        assert request.transport is not None
        request.transport.close()
        return None

    return action


def delay(seconds: float, then: Action) -> Action:
    """Wait, then act."""

    async def action(request: web.Request) -> web.StreamResponse | None:
        await asyncio.sleep(seconds)
        return await then(request)

    return action


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]


@dataclass
class ScriptedServer:
    """Answers each (METHOD, path) with the next scripted action; the last one repeats."""

    url: str = ""
    routes: dict[tuple[str, str], list[Action]] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)

    def on(self, method: str, path: str, *actions: Action) -> None:
        self.routes[(method, path)] = list(actions)

    def count(self, method: str, path: str) -> int:
        return sum(1 for s in self.seen if s.method == method and s.path == path)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw
        self.seen.append(
            Seen(request.method, request.path, dict(request.query), body, dict(request.headers))
        )
        actions = self.routes.get((request.method, request.path))
        if not actions:
            return web.json_response({"success": False, "message": "no route"}, status=404)
        action = actions.pop(0) if len(actions) > 1 else actions[0]
        result = await action(request)
        if result is None:  # connection dropped
            raise asyncio.CancelledError
        return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def loopback_tls_context() -> ssl.SSLContext:
    """A server context with the self-signed 127.0.0.1 certificate of `tests/data`."""
    data = Path(__file__).parent / "data"
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(data / "loopback-tls-cert.pem", data / "loopback-tls-key.pem")
    return context


async def start_app(
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    port: int = 0,
    *,
    handler_cancellation: bool = False,
    ssl_context: ssl.SSLContext | None = None,
) -> tuple[web.AppRunner, str]:
    """Serve `handler` for every path on 127.0.0.1 (over TLS with `ssl_context`); return the
    runner and the base URL (`.../api/v1`). With `handler_cancellation`, a handler is
    cancelled when its client disconnects (so the server's in-flight count follows it)."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(
        app, handle_signals=False, access_log=None, handler_cancellation=handler_cancellation
    )
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, ssl_context=ssl_context)
    await site.start()
    sock = site._server.sockets[0]  # type: ignore[union-attr]
    scheme = "http" if ssl_context is None else "https"
    return runner, f"{scheme}://127.0.0.1:{sock.getsockname()[1]}/api/v1"


@pytest.fixture
async def server() -> AsyncIterator[ScriptedServer]:
    scripted = ScriptedServer()
    runner, url = await start_app(scripted.handle)
    scripted.url = url
    try:
        yield scripted
    finally:
        await runner.cleanup()


@pytest.fixture
def make_client(server: ScriptedServer) -> Callable[..., AsyncTalkover]:
    def factory(**kw: Any) -> AsyncTalkover:
        kw.setdefault("base_url", server.url)
        kw.setdefault("env", {})
        return AsyncTalkover(kw.pop("token", TOKEN), **kw)

    return factory
