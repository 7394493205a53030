"""`AiohttpTransport` details that the retry and envelope tests do not show: the read size of
its connections and the read timeout, over a loopback server."""

from __future__ import annotations

import asyncio
import time

import pytest

from talkover_async import APITimeoutError, Timeout
from talkover_async.http import Request
from talkover_async.transports import AiohttpTransport
from talkover_async.transports.aiohttp import RECV_SIZE
from tests.conftest import ScriptedServer, delay, reply


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
