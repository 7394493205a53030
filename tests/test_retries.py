"""The retry matrix over loopback: what is retried, what is not, waits and deadlines."""

from __future__ import annotations

import time

import pytest

from talkover_async import (
    APIConnectionError,
    APITimeoutError,
    AsyncTalkover,
    InternalServerError,
    RateLimitError,
)
from talkover_async.middleware import RetryDetails
from talkover_async.operations import OPERATIONS

from .conftest import TOKEN, ScriptedServer, delay, drop, free_port, reply, start_app

AGENT = {"success": True, "data": {"id": "a1", "name": "n"}}
CALL = {"success": True, "data": {"id": "c1", "agent_id": "a1", "to": "+14155550100", "status": "initiated"}}


async def test_get_503_then_200_succeeds_in_two_attempts(server, make_client) -> None:
    server.on("GET", "/api/v1/agents/a1", reply(503, {"success": False, "message": "busy"}), reply(200, AGENT))
    async with make_client() as client:
        raw = await client.request(OPERATIONS["agents.get"], {"agent_id": "a1"})
    assert raw.parsed.id == "a1"
    assert [a.status_code for a in raw.http.attempts] == [503, 200]
    assert server.count("GET", "/api/v1/agents/a1") == 2


async def test_make_call_dropped_after_read_is_not_retried(server, make_client) -> None:
    server.on("POST", "/api/v1/agents/a1/call", drop(), reply(200, CALL))
    async with make_client(max_retries=3) as client:
        with pytest.raises(APIConnectionError) as info:
            await client.agents.call("a1", to="+14155550100")
    assert info.value.sent is True
    assert server.count("POST", "/api/v1/agents/a1/call") == 1
    assert len(info.value.attempts) == 1


async def test_safe_get_dropped_connection_is_retried(server, make_client) -> None:
    server.on("GET", "/api/v1/agents/a1", drop(), reply(200, AGENT))
    async with make_client() as client:
        assert (await client.agents.get("a1")).id == "a1"
    assert server.count("GET", "/api/v1/agents/a1") == 2


async def test_make_call_5xx_is_not_retried(server, make_client) -> None:
    server.on("POST", "/api/v1/agents/a1/call", reply(502, {"success": False, "message": "bad gateway"}))
    async with make_client(max_retries=3) as client:
        with pytest.raises(InternalServerError):
            await client.agents.call("a1", to="+14155550100")
    assert server.count("POST", "/api/v1/agents/a1/call") == 1


async def test_make_call_connection_refused_is_retried() -> None:
    port = free_port()
    runners = []
    seen: list[str] = []

    async def handler(request):
        from aiohttp import web

        seen.append(request.path)
        return web.json_response(CALL["data"] | {}, status=200)

    async def start_server(details: RetryDetails) -> None:
        assert details.operation == "agents.call"
        if not runners:
            runner, _ = await start_app(handler, port=port)
            runners.append(runner)

    client = AsyncTalkover(
        TOKEN, base_url=f"http://127.0.0.1:{port}/api/v1", env={}, on_retry=[start_server], max_retries=2
    )
    try:
        async with client:
            call = await client.agents.call("a1", to="+14155550100")
        assert call.id == "c1"
        assert seen == ["/api/v1/agents/a1/call"]
    finally:
        for runner in runners:
            await runner.cleanup()


async def test_connection_refused_exhausted_reports_not_sent() -> None:
    port = free_port()
    async with AsyncTalkover(TOKEN, base_url=f"http://127.0.0.1:{port}/api/v1", env={}, max_retries=1) as client:
        with pytest.raises(APIConnectionError) as info:
            await client.agents.call("a1", to="+14155550100")
    assert info.value.sent is False
    assert [a.error for a in info.value.attempts] == ["APIConnectionError", "APIConnectionError"]


async def test_429_retry_after_waits_and_retries_unsafe_call(server, make_client) -> None:
    server.on(
        "POST",
        "/api/v1/agents/a1/call",
        reply(429, {"message": "Too Many Attempts."}, headers={"Retry-After": "1"}),
        reply(200, CALL),
    )
    waits: list[float] = []
    async with make_client(on_retry=[lambda d: waits.append(d.wait)]) as client:
        started = time.monotonic()
        call = await client.agents.call("a1", to="+14155550100")
        elapsed = time.monotonic() - started
    assert call.id == "c1"
    assert waits == [1.0]
    assert 0.9 <= elapsed < 5
    assert server.count("POST", "/api/v1/agents/a1/call") == 2


async def test_retry_after_above_cap_raises_at_once(server, make_client) -> None:
    server.on("GET", "/api/v1/agents/a1", reply(429, {"message": "slow"}, headers={"Retry-After": "120"}))
    async with make_client(max_retry_after=30) as client:
        started = time.monotonic()
        with pytest.raises(RateLimitError) as info:
            await client.agents.get("a1")
        assert time.monotonic() - started < 1.0
    assert info.value.retry_after == 120.0
    assert server.count("GET", "/api/v1/agents/a1") == 1


async def test_retry_after_http_date(server, make_client) -> None:
    from email.utils import formatdate

    server.on(
        "GET",
        "/api/v1/agents/a1",
        reply(429, {"message": "slow"}, headers={"Retry-After": formatdate(time.time() + 3600, usegmt=True)}),
    )
    async with make_client() as client:
        with pytest.raises(RateLimitError) as info:
            await client.agents.get("a1")
    assert info.value.retry_after is not None and 3500 < info.value.retry_after <= 3600


async def test_deadline_stops_retries_in_time(server, make_client) -> None:
    server.on("GET", "/api/v1/agents/a1", reply(503, {"message": "down"}))
    async with make_client(max_retries=50, deadline=1.0) as client:
        started = time.monotonic()
        with pytest.raises(InternalServerError) as info:
            await client.agents.get("a1")
        elapsed = time.monotonic() - started
    assert elapsed < 2.0
    assert len(info.value.attempts) >= 2


async def test_deadline_cuts_a_slow_attempt(server, make_client) -> None:
    server.on("GET", "/api/v1/agents/a1", delay(1.5, reply(200, AGENT)))
    async with make_client() as client:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            await client.agents.get("a1", deadline=0.5)
        assert time.monotonic() - started < 2.0


async def test_read_timeout_on_make_call_is_ambiguous_and_not_retried(server: ScriptedServer, make_client) -> None:
    server.on("POST", "/api/v1/agents/a1/call", delay(2, reply(200, CALL)))
    async with make_client(timeout=0.3, max_retries=3) as client:
        with pytest.raises(APITimeoutError) as info:
            await client.agents.call("a1", to="+14155550100")
    assert info.value.sent is True
    assert server.count("POST", "/api/v1/agents/a1/call") == 1


async def test_success_path_builds_no_tenacity_object(server, make_client, monkeypatch) -> None:
    import tenacity

    built: list[object] = []
    original = tenacity.AsyncRetrying.__init__

    def spy(self, *a, **kw):
        built.append(self)
        original(self, *a, **kw)

    monkeypatch.setattr(tenacity.AsyncRetrying, "__init__", spy)
    server.on("GET", "/api/v1/agents/a1", reply(200, AGENT))
    async with make_client() as client:
        for _ in range(3):
            await client.agents.get("a1")
    assert built == []
