"""The testing kit and the client on uvloop (CI also runs whole test files under it:
`TALKOVER_TEST_UVLOOP=1`, see `tests/conftest.py` and `.ci/run`)."""

from __future__ import annotations

import asyncio
import os

import pytest
import uvloop

from talkover_async import AsyncTalkover
from talkover_async.testing import FakeTalkover, serve_fake

TOKEN = "talq_test_uvloop_0123456789"


async def _round_trip() -> tuple[str, str, list[str]]:
    fake = FakeTalkover.demo(token=TOKEN)
    async with serve_fake(fake) as base_url:
        async with AsyncTalkover(TOKEN, base_url=base_url, env={}) as client:
            agents = await client.agents.list().to_list(10)
    return type(asyncio.get_running_loop()).__module__, base_url, [a.id for a in agents]


def test_serve_fake_on_uvloop() -> None:
    module, base_url, ids = uvloop.run(_round_trip())
    assert module.startswith("uvloop")
    assert base_url.startswith("http://127.0.0.1:") and not base_url.startswith("http://127.0.0.1:0/")
    assert ids == ["demo"]


async def test_the_loop_pytest_gives_matches_the_job() -> None:
    """Under `TALKOVER_TEST_UVLOOP=1` every async test really runs on uvloop."""
    loop = asyncio.get_running_loop()
    assert isinstance(loop, uvloop.Loop) == (os.environ.get("TALKOVER_TEST_UVLOOP") == "1")


async def _tuned_requests(tls: bool) -> tuple[list[int], list[object]]:
    """Two requests (the second on the pooled connection) through `AiohttpTransport` to a
    loopback server, plain or TLS; the asyncio-level transports they used."""
    from aiohttp import web

    from talkover_async.http import Request
    from talkover_async.transports import AiohttpTransport

    from .conftest import loopback_tls_context, start_app

    body = b'{"data": {"id": "a1", "prompt": "' + b"z" * (300 * 1024) + b'"}}'

    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json")

    context = loopback_tls_context() if tls else None
    runner, base = await start_app(handler, ssl_context=context)
    transport = AiohttpTransport(ssl=False)  # self-signed: not verified in this test
    url = f"{base}/agents/a1"
    try:
        statuses = []
        for _ in range(2):
            response = await transport.send(Request("GET", url))
            assert response.content == body
            statuses.append(response.status_code)
        session = transport._session
        assert session is not None
        conns = session.connector._conns  # type: ignore[union-attr]
        used = [proto.transport for pooled in conns.values() for proto, _ in pooled]
    finally:
        await transport.aclose()
        await runner.cleanup()
    return statuses, used


@pytest.mark.parametrize("tls", [False, True], ids=["plain", "tls"])
def test_the_read_size_tuning_is_a_no_op_on_uvloop_transports(tls: bool) -> None:
    """uvloop's transports have none of asyncio's private read-size attributes: the tuning
    leaves them alone and the requests go through (`transports/tuning.py`)."""
    statuses, used = uvloop.run(_tuned_requests(tls))
    assert statuses == [200, 200]
    (conn,) = used
    assert type(conn).__module__.startswith("uvloop")
    assert not hasattr(conn, "max_size")  # nothing was added to it either
    assert getattr(getattr(conn, "_ssl_protocol", None), "max_size", None) is None
