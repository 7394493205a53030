"""`AiohttpTransport` details that the retry and envelope tests do not show: the read size of
its connections (plain and TLS) and the read timeout, over a loopback server.

`tests/data/loopback-tls-*.pem` is a self-signed certificate for 127.0.0.1 made for these
tests only (openssl, 100 years); its key protects nothing."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiohttp import web

from talkover_async import APITimeoutError, Timeout
from talkover_async.http import Request
from talkover_async.transports import AiohttpTransport
from talkover_async.transports.tuning import RECV_SIZE
from tests.conftest import ScriptedServer, delay, loopback_tls_context, reply, start_app


def _pooled_transports(transport: AiohttpTransport) -> list[asyncio.BaseTransport]:
    # White-box: the asyncio transports of the connections aiohttp keeps in its pool.
    session = transport._session
    assert session is not None
    conns = session.connector._conns  # type: ignore[union-attr]
    return [proto.transport for pooled in conns.values() for proto, _ in pooled]


async def test_connections_read_in_recv_size_chunks_and_large_bodies_arrive_whole(
    server: ScriptedServer,
) -> None:
    big = {"data": {"id": "a1", "prompt": "x" * (5 * RECV_SIZE)}}  # needs several reads
    server.on("GET", "/api/v1/agents/a1", reply(200, big), reply(200, big))
    transport = AiohttpTransport()
    try:
        for _ in range(2):  # the second request reuses the pooled connection
            response = await transport.send(Request("GET", f"{server.url}/agents/a1"))
            assert response.status_code == 200
            assert len(response.content) > 5 * RECV_SIZE
            assert response.content.endswith(b'x"}}')
        pooled = _pooled_transports(transport)
        assert len(pooled) == 1
        assert pooled[0].max_size == RECV_SIZE  # type: ignore[attr-defined]
        assert type(pooled[0]).max_size > RECV_SIZE  # type: ignore[attr-defined]  # class untouched
    finally:
        await transport.aclose()


async def test_tls_connections_read_decrypted_data_in_recv_size_chunks() -> None:
    body = b'{"data": {"id": "a1", "prompt": "' + b"y" * (5 * RECV_SIZE) + b'"}}'

    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json")

    runner, base = await start_app(handler, ssl_context=loopback_tls_context())
    transport = AiohttpTransport(ssl=False)  # self-signed: not verified in this test
    try:
        for _ in range(2):
            response = await transport.send(Request("GET", f"{base}/agents/a1"))
            assert response.content == body
        (pooled,) = _pooled_transports(transport)
        tls = pooled._ssl_protocol  # type: ignore[attr-defined]
        assert tls.max_size == RECV_SIZE
        assert type(tls).max_size > RECV_SIZE  # the class is untouched
    finally:
        await transport.aclose()
        await runner.cleanup()


def test_read_limit_is_off_by_default() -> None:
    assert Timeout().read is None
    assert Timeout().total == 60.0
    of = Timeout.of(5)
    assert of is not None
    assert (of.total, of.connect, of.read) == (5.0, 5.0, None)


async def test_a_read_limit_when_set_cuts_a_slow_response(server: ScriptedServer) -> None:
    server.on("GET", "/api/v1/agents/a1", delay(2, reply(200, {"data": {"id": "a1"}})))
    transport = AiohttpTransport()
    request = Request(
        "GET", f"{server.url}/agents/a1", timeout=Timeout(total=10, connect=2, read=0.2)
    )
    started = time.monotonic()
    try:
        with pytest.raises(APITimeoutError) as info:
            await transport.send(request)
    finally:
        await transport.aclose()
    assert info.value.sent is True
    assert time.monotonic() - started < 1.5


async def test_decode_error_reason_never_echoes_a_secret_the_client_sent() -> None:
    # A malformed answer that puts the webhook secret the client sent where a number goes:
    # the int hook's own error text quotes the value, and it lands in `reason`.
    from talkover_async import AsyncTalkover, ResponseDecodeError
    from talkover_async.http import Response
    from talkover_async.transports import MockTransport

    secret = "k-Secret-Value-42x"

    def handler(request: Request) -> Response:
        body = b'{"success": true, "data": {"id": "w1", "timeout": "%s"}}' % secret.encode()
        return Response(201, {"Content-Type": "application/json"}, body)

    client = AsyncTalkover("talq_test_token_0001", env={}, transport=MockTransport(handler))
    async with client:
        with pytest.raises(ResponseDecodeError) as info:
            await client.agents.webhooks.create(
                "a1",
                name="n",
                webhook_url="https://example.com/hook",
                events=["call.completed"],
                webhook_secret=secret,
            )
    error = info.value
    assert "timeout" in error.reason  # the path is named ...
    for text in (str(error), error.reason, error.excerpt, repr(error)):
        assert secret not in text  # ... the secret is not
