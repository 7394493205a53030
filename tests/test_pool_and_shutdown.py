"""The connection pool under load and at shutdown, and what connection errors say (issue 12,
items 6 and 7; issue 14, item 6), over a loopback server that holds `/agents/slow` requests
until released, so every wait below is decided by events, not by the speed of the machine.

- a queue for a pooled connection is not connect time: with a connect timeout far shorter
  than the queue, every request succeeds; `Timeout(pool=...)` bounds the queue on its own,
  and a request that times out there was never sent (`sent=False`);
- `aclose()` while requests wait for a connection ends them with `ClientClosedError`
  (`sent=False`), not a bare `CancelledError`, unless their task is itself being cancelled;
- connection errors name the host and port (or the proxy) and the cause, and nothing secret.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from talkover_async import (
    APIConnectionError,
    APITimeoutError,
    AsyncTalkover,
    ClientClosedError,
    TalkoverError,
    Timeout,
)
from talkover_async.http import Request
from talkover_async.transports import AiohttpTransport

from .conftest import TOKEN, free_port

LIMIT = 3
REQUESTS = 20
AGENT = {"success": True, "data": {"id": "a1"}}


class HoldingServer:
    """Answers `/agents/slow` when released; counts requests received and in the handler."""

    def __init__(self) -> None:
        self.url = ""
        self.received = 0
        self.in_flight = 0
        self.release = asyncio.Event()
        self.changed = asyncio.Condition()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.received += 1
        if request.path.endswith("/never"):
            await asyncio.sleep(3600)  # accepts, never answers
        if request.path.endswith("/slow"):
            async with self.changed:
                self.in_flight += 1
                self.changed.notify_all()
            try:
                async with asyncio.timeout(30):
                    await self.release.wait()
            finally:
                async with self.changed:
                    self.in_flight -= 1
                    self.changed.notify_all()
        return web.json_response(AGENT)

    async def wait_in_flight(self, count: int) -> None:
        async with asyncio.timeout(10), self.changed:
            await self.changed.wait_for(lambda: self.in_flight >= count)


@pytest.fixture
async def holding() -> AsyncIterator[HoldingServer]:
    server = HoldingServer()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", server.handle)
    runner = web.AppRunner(app, handle_signals=False, access_log=None, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.url = f"http://127.0.0.1:{port}/api/v1"
    try:
        yield server
    finally:
        server.release.set()
        await runner.cleanup()


def _client(server: HoldingServer, timeout: Timeout, **kw: object) -> AsyncTalkover:
    return AsyncTalkover(
        TOKEN,
        base_url=server.url,
        env={},
        connection_limit=LIMIT,
        timeout=timeout,
        **kw,  # type: ignore[arg-type]
    )


async def _get_all(client: AsyncTalkover) -> list[object]:
    async def one() -> object:
        try:
            return await client.agents.get("slow")
        except TalkoverError as exc:
            return exc

    return await asyncio.gather(*(one() for _ in range(REQUESTS)))


# --- item 7: the pool wait is not connect time --------------------------------------------
async def test_a_queue_longer_than_the_connect_timeout_is_not_a_connect_timeout(
    holding: HoldingServer,
) -> None:
    async with _client(holding, Timeout(total=30, connect=0.05), max_retries=0) as client:
        batch = asyncio.create_task(_get_all(client))
        await holding.wait_in_flight(LIMIT)
        await asyncio.sleep(0.3)  # the queue has now waited six connect timeouts
        holding.release.set()
        results = await batch
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert holding.received == REQUESTS


async def test_a_pool_timeout_fails_the_queued_requests_as_never_sent(
    holding: HoldingServer,
) -> None:
    timeout = Timeout(total=30, connect=5, pool=0.1)
    async with _client(holding, timeout, max_retries=0) as client:
        batch = asyncio.create_task(_get_all(client))
        await holding.wait_in_flight(LIMIT)
        connector = client.transport._session.connector  # type: ignore[attr-defined]
        for _ in range(500):  # bounded: the queued requests give up after 0.1 s
            if not connector._waiters:
                break
            await asyncio.sleep(0.02)
        holding.release.set()
        results = await batch
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == REQUESTS - LIMIT
    for err in errors:
        assert isinstance(err, APITimeoutError)
        assert err.sent is False
        assert "waiting for a connection from the pool" in str(err)
    assert holding.received == LIMIT  # the ones that timed out never reached the server


async def test_a_total_timeout_while_queued_is_reported_as_never_sent(
    holding: HoldingServer,
) -> None:
    async with _client(holding, Timeout(total=30, connect=5), max_retries=0) as client:
        holders = [asyncio.create_task(client.agents.get("slow")) for _ in range(LIMIT)]
        await holding.wait_in_flight(LIMIT)  # the pool is busy for as long as we like
        hasty = client.with_options(timeout=Timeout(total=0.2, connect=5))
        results = await _get_all(hasty)
        holding.release.set()
        await asyncio.gather(*holders)
    assert len(results) == REQUESTS
    for err in results:
        assert isinstance(err, APITimeoutError)
        assert err.sent is False
        assert "(total) waiting for a connection from the pool" in str(err)
    assert holding.received == LIMIT


def test_timeout_pool_is_off_by_default_and_kept_apart_from_connect() -> None:
    assert Timeout().pool is None
    assert Timeout(pool=2.0, connect=1.0) != Timeout(connect=1.0)


# --- item 6: shutdown with requests waiting ------------------------------------------------
async def test_aclose_ends_waiting_requests_with_a_typed_error_not_a_cancellation(
    holding: HoldingServer,
) -> None:
    client = _client(holding, Timeout(total=30, connect=5))  # default retries: none happen
    outcomes: list[object] = []

    async def one() -> None:
        try:
            outcomes.append(await client.agents.get("slow"))
        except TalkoverError as exc:
            outcomes.append(exc)

    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(one()) for _ in range(REQUESTS)]
        await holding.wait_in_flight(LIMIT)
        cancelled_by_caller = asyncio.create_task(client.agents.get("slow"))
        await asyncio.sleep(0.05)  # let every request reach the queue
        cancelled_by_caller.cancel()  # this one's own task is cancelled: it stays cancelled
        await client.aclose()
    assert not any(t.cancelled() for t in tasks)  # nothing vanished
    assert len(outcomes) == REQUESTS
    assert all(isinstance(o, ClientClosedError) for o in outcomes), outcomes
    waiting = [o for o in outcomes if not o.sent]  # type: ignore[union-attr]
    assert len(waiting) == REQUESTS - LIMIT
    assert all("closed" in str(o) and "never sent" in str(o) for o in waiting)
    sent = [o for o in outcomes if o.sent]  # type: ignore[union-attr]
    assert len(sent) == LIMIT and all("closed during" in str(o) for o in sent)
    with pytest.raises(asyncio.CancelledError):
        await cancelled_by_caller
    assert holding.received == LIMIT  # nothing was retried after the close


# --- issue 14, item 6: errors name host, port and cause ------------------------------------
async def test_a_refused_connection_names_host_port_and_cause() -> None:
    port = free_port()
    transport = AiohttpTransport()
    try:
        with pytest.raises(APIConnectionError) as info:
            await transport.send(
                Request(
                    "GET",
                    f"http://127.0.0.1:{port}/api/v1/agents?token=talq_test_q",
                    {"Authorization": f"Bearer {TOKEN}"},
                )
            )
    finally:
        await transport.aclose()
    err = info.value
    assert str(err) == f"cannot connect to 127.0.0.1:{port}: Connection refused"
    assert err.sent is False
    assert err.__context__ is None and err.__cause__ is None  # aiohttp's exception not kept


async def test_a_server_that_never_answers_names_host_and_port(holding: HoldingServer) -> None:
    async with AsyncTalkover(
        TOKEN, base_url=holding.url, env={}, timeout=Timeout(total=0.3), max_retries=0
    ) as client:
        with pytest.raises(APITimeoutError) as info:
            await client.agents.get("never")
    port = holding.url.split(":")[2].split("/")[0]
    assert f"127.0.0.1:{port}" in str(info.value) and "timed out" in str(info.value)
    assert info.value.sent is True
    assert TOKEN not in str(info.value)


async def test_an_unreachable_proxy_is_named_without_its_credentials() -> None:
    proxy_port = free_port()
    transport = AiohttpTransport(proxy=f"http://corp:s3cretpw@127.0.0.1:{proxy_port}")
    assert "s3cretpw" not in repr(transport) and "s3cretpw" not in str(transport.proxy)
    try:
        with pytest.raises(APIConnectionError) as info:
            await transport.send(Request("GET", "http://127.0.0.1:9/api/v1/agents"))
    finally:
        await transport.aclose()
    assert str(info.value) == (
        f"cannot connect to proxy 127.0.0.1:{proxy_port}: Connection refused"
    )
    assert info.value.sent is False


async def test_an_untrusted_certificate_names_host_port_and_the_tls_reason() -> None:
    import ssl
    from pathlib import Path

    data = Path(__file__).parent / "data"
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(data / "loopback-tls-cert.pem", data / "loopback-tls-key.pem")
    app = web.Application()
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    transport = AiohttpTransport()  # verifies certificates: this one is self-signed
    try:
        with pytest.raises(APIConnectionError) as info:
            await transport.send(Request("GET", f"https://127.0.0.1:{port}/api/v1/agents"))
    finally:
        await transport.aclose()
        await runner.cleanup()
    text = str(info.value)
    assert text.startswith(f"cannot connect to 127.0.0.1:{port}: TLS error: ")
    assert "CERTIFICATE_VERIFY_FAILED" in text
    assert info.value.sent is False
