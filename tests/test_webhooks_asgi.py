"""The ASGI adapter: mounted in FastAPI and in Starlette under uvicorn on 127.0.0.1, and the
protocol details (lifespan, 405, websocket, a client gone before its body ended) called
directly. The cases shared with aiohttp.web run in test_webhooks_receiver.py, over both."""

from __future__ import annotations

import asyncio
import json
from collections.abc import MutableMapping
from typing import Any

import aiohttp
import pytest

from talkover_async import ConfigurationError
from talkover_async.webhooks import (
    DELIVERY_ID_HEADER,
    SIGNATURE_HEADER,
    ASGIWebhookApp,
    CallEvent,
    EventType,
    HeaderMap,
    WebhookEvent,
    WebhookReceiver,
    sign,
)

from .webhook_servers import serve_asgi

SECRET = "whsec_asgi_canary_51c2"
BODY = json.dumps(
    {
        "event": "event_phone_call_ended",
        "timestamp": "2025-09-03T23:19:51.000000Z",
        "call_id": "call_1",
        "duration": 45,
        "context": {"order_id": "A-17"},
    }
).encode()


def signed(body: bytes, **extra: str) -> dict[str, str]:
    return {SIGNATURE_HEADER: sign(body, SECRET), "Content-Type": "application/json", **extra}


async def exercise(url: str, got: list[WebhookEvent]) -> None:
    """The same conversation for each framework: ok, duplicate, 401, 405, handler error."""
    async with aiohttp.ClientSession() as session:
        for expected in ((200, "ok"), (200, "duplicate")):
            async with session.post(url, data=BODY, headers=signed(BODY)) as resp:
                assert (resp.status, await resp.text()) == expected
                assert resp.headers["Content-Type"].startswith("text/plain")
        async with session.post(url, data=BODY, headers=signed(b"other")) as resp:
            assert (resp.status, await resp.text()) == (401, "invalid signature")
        async with session.get(url) as resp:
            assert resp.status == 405
        failing = BODY.replace(b"call_1", b"call_fails")
        async with session.post(url, data=failing, headers=signed(failing)) as resp:
            assert (resp.status, await resp.text()) == (500, "handler error")
    assert [e.call_id for e in got if isinstance(e, CallEvent)] == ["call_1", "call_fails"]


def make_receiver(got: list[WebhookEvent]) -> WebhookReceiver:
    receiver = WebhookReceiver(secret=SECRET)

    @receiver.on(EventType.PHONE_CALL_ENDED)
    async def ended(event: CallEvent) -> None:
        got.append(event)
        if event.call_id == "call_fails":
            raise RuntimeError("database down")

    return receiver


async def test_mounted_in_fastapi() -> None:
    from fastapi import FastAPI

    got: list[WebhookEvent] = []
    app = FastAPI()
    app.mount("/webhooks/talkover", make_receiver(got).asgi_app())

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    async with serve_asgi(app) as port:
        await exercise(f"http://127.0.0.1:{port}/webhooks/talkover", got)
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/health") as resp:
                assert await resp.json() == {"status": "ok"}  # the rest of the app still works


async def test_route_in_starlette() -> None:
    from starlette.applications import Starlette
    from starlette.routing import Route

    got: list[WebhookEvent] = []
    receiver = make_receiver(got)
    app = Starlette(routes=[Route("/hooks", receiver.asgi_app(), methods=["POST"])])
    async with serve_asgi(app) as port:
        await exercise(f"http://127.0.0.1:{port}/hooks", got)


# -- the protocol, called directly ---------------------------------------------------------


class Channel:
    """`receive` from a list of messages (then waits forever), `send` into a list."""

    def __init__(self, *incoming: MutableMapping[str, Any]) -> None:
        self.incoming = list(incoming)
        self.sent: list[MutableMapping[str, Any]] = []

    async def receive(self) -> MutableMapping[str, Any]:
        if self.incoming:
            return self.incoming.pop(0)
        await asyncio.Event().wait()  # like a server with nothing more to say
        raise AssertionError("unreachable")

    async def send(self, message: MutableMapping[str, Any]) -> None:
        self.sent.append(message)


def http_scope(method: str = "POST", headers: dict[str, str] | None = None) -> dict[str, Any]:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return {"type": "http", "asgi": {"version": "3.0"}, "method": method, "path": "/",
            "headers": raw}


async def test_lifespan_startup_and_shutdown_are_acknowledged() -> None:
    channel = Channel({"type": "lifespan.startup"}, {"type": "lifespan.shutdown"})
    app = WebhookReceiver(secret=SECRET).asgi_app()
    await asyncio.wait_for(app({"type": "lifespan"}, channel.receive, channel.send), 5)
    assert [m["type"] for m in channel.sent] == [
        "lifespan.startup.complete",
        "lifespan.shutdown.complete",
    ]


async def test_served_alone_under_uvicorn_with_lifespan_on() -> None:
    got: list[WebhookEvent] = []
    async with serve_asgi(make_receiver(got).asgi_app(), lifespan="on") as port:
        await exercise(f"http://127.0.0.1:{port}/any/path", got)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "HEAD"])
async def test_other_methods_are_405_with_allow(method: str) -> None:
    calls: list[WebhookEvent] = []
    receiver = WebhookReceiver(secret=SECRET)
    receiver.on_any(calls.append)
    channel = Channel({"type": "http.request", "body": BODY, "more_body": False})
    await receiver.asgi_app()(http_scope(method, signed(BODY)), channel.receive, channel.send)
    start = channel.sent[0]
    assert start["status"] == 405
    assert (b"allow", b"POST") in start["headers"]
    assert calls == []
    put = Channel({"type": "http.request", "body": BODY, "more_body": False})
    if method == "PUT":  # accepted once configured
        app = receiver.asgi_app(methods=["post", "put"])
        await app(http_scope(method, signed(BODY)), put.receive, put.send)
        assert put.sent[0]["status"] == 200 and put.sent[1]["body"] == b"ok"


async def test_body_in_many_messages_including_empty_ones() -> None:
    calls: list[WebhookEvent] = []
    receiver = WebhookReceiver(secret=SECRET)
    receiver.on_any(calls.append)
    parts = [BODY[i : i + 7] for i in range(0, len(BODY), 7)]
    messages: list[MutableMapping[str, Any]] = [{"type": "http.request", "body": b"", "more_body": True}]
    messages += [{"type": "http.request", "body": p, "more_body": True} for p in parts]
    messages.append({"type": "http.request", "body": b"", "more_body": False})
    channel = Channel(*messages)
    await receiver.asgi_app()(http_scope("POST", signed(BODY)), channel.receive, channel.send)
    assert channel.sent[0]["status"] == 200 and channel.sent[1]["body"] == b"ok"
    assert len(calls) == 1
    assert (b"content-length", b"2") in channel.sent[0]["headers"]


async def test_client_gone_before_the_body_ended_runs_nothing() -> None:
    calls: list[WebhookEvent] = []
    receiver = WebhookReceiver(secret=SECRET)
    receiver.on_any(calls.append)
    channel = Channel(
        {"type": "http.request", "body": BODY[:10], "more_body": True},
        {"type": "http.disconnect"},
    )
    await asyncio.wait_for(
        receiver.asgi_app()(http_scope("POST", signed(BODY)), channel.receive, channel.send), 5
    )
    assert channel.sent == [] and calls == []


async def test_oversized_declared_length_is_refused_without_receiving() -> None:
    receiver = WebhookReceiver(secret=SECRET, max_body_size=100)
    channel = Channel()  # receive() would wait forever: it must not be called
    headers = {**signed(BODY), "Content-Length": "101"}
    await asyncio.wait_for(
        receiver.asgi_app()(http_scope("POST", headers), channel.receive, channel.send), 5
    )
    assert channel.sent[0]["status"] == 413 and channel.sent[1]["body"] == b"payload too large"


async def test_websocket_is_closed_and_unknown_scopes_raise() -> None:
    app = WebhookReceiver(secret=SECRET).asgi_app()
    channel = Channel({"type": "websocket.connect"})
    await app({"type": "websocket", "path": "/"}, channel.receive, channel.send)
    assert channel.sent == [{"type": "websocket.close", "code": 1008}]
    with pytest.raises(ValueError, match="scope type"):
        await app({"type": "telepathy"}, channel.receive, channel.send)


def test_methods_must_be_http_methods() -> None:
    receiver = WebhookReceiver(secret=SECRET)
    for bad in ([], [""], ["PO ST"]):
        with pytest.raises(ConfigurationError):
            receiver.asgi_app(methods=bad)
    assert receiver.asgi_app(methods="patch").methods == frozenset({"PATCH"})
    assert isinstance(receiver.asgi_app(), ASGIWebhookApp)


def test_header_map_is_case_insensitive_and_joins_repeats() -> None:
    headers = HeaderMap([(b"X-Talkover-Signature", b"a"), (b"x-talkover-signature", b"b"),
                         ("Content-Type", "application/json")])
    assert headers["x-TALKOVER-signature"] == "a, b"
    assert "CONTENT-TYPE" in headers and 42 not in headers
    assert len(headers) == 2 and set(headers) == {"x-talkover-signature", "content-type"}
    assert "a, b" not in repr(headers)  # values may be secrets


async def test_doubled_signature_header_is_refused() -> None:
    receiver = WebhookReceiver(secret=SECRET)
    scope = http_scope("POST")
    good = sign(BODY, SECRET).encode()
    scope["headers"] = [(b"x-talkover-signature", good), (b"x-talkover-signature", good),
                        (DELIVERY_ID_HEADER.lower().encode(), b"d-1")]
    channel = Channel({"type": "http.request", "body": BODY, "more_body": False})
    await receiver.asgi_app()(scope, channel.receive, channel.send)
    assert channel.sent[0]["status"] == 401


@pytest.mark.parametrize("module", ["core", "asgi"])
def test_core_and_asgi_adapter_import_no_web_framework(module: str) -> None:
    import ast
    from pathlib import Path

    import talkover_async.webhooks as package

    path = Path(package.__file__).parent / f"{module}.py"
    imported: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"aiohttp", "starlette", "fastapi", "uvicorn", "anyio"}, imported
    assert "aiohttp" in (path.parent / "aiohttp.py").read_text(encoding="utf-8")
