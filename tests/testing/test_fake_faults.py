"""Fault injection, the journal, rate limiting, error styles and strictness."""

from __future__ import annotations

import asyncio
import contextlib
import time

import aiohttp
import pytest

from talkover_async.http import Request
from talkover_async.testing import FakeTalkover, faults, serve_fake

from .conftest import BASE, OTHER, SESSION, TOKEN, Api, LoopbackApi

CALL_ROUTE = "POST /agents/{agent_id}/call"


@pytest.fixture
def agent_id(fake: FakeTalkover) -> str:
    return fake.seed_agent().id


def call_request(agent_id: str, to: str = "+14155550100") -> Request:
    return Request(
        "POST",
        f"{BASE}/agents/{agent_id}/call",
        {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        b'{"to": "%s"}' % to.encode(),
    )


# -- in-process -------------------------------------------------------------------------


async def test_reset_before_changes_nothing(fake: FakeTalkover, agent_id: str) -> None:
    fault = fake.faults.add(CALL_ROUTE, faults.reset_before())
    with pytest.raises(ConnectionResetError):
        await fake(call_request(agent_id))
    assert fake.calls == [] and fault.used and fault.exhausted
    entry = fake.journal.last
    assert (entry.fault, entry.processed, entry.status, entry.handler_status) == (
        "reset_before",
        False,
        None,
        None,
    )
    assert (await fake(call_request(agent_id))).status_code == 200  # times=1: next one passes
    assert len(fake.calls) == 1


async def test_reset_after_places_the_call(fake: FakeTalkover, agent_id: str) -> None:
    fake.faults.add(CALL_ROUTE, "reset_after")
    with pytest.raises(ConnectionResetError):
        await fake(call_request(agent_id))
    assert len(fake.calls) == 1
    entry = fake.journal.last
    assert entry.processed and entry.handler_status == 200 and entry.status is None
    assert fake.journal.numbers_dialled() == {"+14155550100": 1}


async def test_timeout_is_processed_by_default(fake: FakeTalkover, agent_id: str) -> None:
    fake.faults.add(CALL_ROUTE, faults.timeout())
    fake.faults.add(CALL_ROUTE, faults.timeout(processed=False, seconds=0.01))
    for _ in range(2):
        with pytest.raises(TimeoutError):
            await fake(call_request(agent_id))
    assert len(fake.calls) == 1
    assert [e.processed for e in fake.journal] == [True, False]


async def test_status_html_truncated_latency_and_429(fake: FakeTalkover, agent_id: str) -> None:
    fake.faults.add(
        CALL_ROUTE, faults.status(503, {"success": False, "message": "Down"}, headers={"X-A": "1"})
    )
    fake.faults.add(CALL_ROUTE, faults.status(500, processed=True))
    fake.faults.add(CALL_ROUTE, faults.html(502))
    fake.faults.add(CALL_ROUTE, faults.truncated())
    fake.faults.add(CALL_ROUTE, faults.rate_limited(7))
    fake.faults.add(CALL_ROUTE, faults.latency(0.05))
    fake.faults.add(CALL_ROUTE, faults.status(500, b"raw bytes"))

    r = await fake(call_request(agent_id))
    assert (r.status_code, r.content, r.headers["X-A"]) == (
        503,
        b'{"success":false,"message":"Down"}',
        "1",
    )
    assert len(fake.calls) == 0
    r = await fake(call_request(agent_id))
    assert r.status_code == 500 and b"Internal server error." in r.content
    assert len(fake.calls) == 1  # processed, then answered 500: the ambiguous 5xx
    r = await fake(call_request(agent_id))
    assert r.status_code == 502 and r.headers["Content-Type"] == "text/html"
    assert r.content.startswith(b"<html>")
    r = await fake(call_request(agent_id))
    assert (
        r.status_code == 200
        and r.content.startswith(b'{"success":true')
        and not r.content.endswith(b"}")
    )
    assert len(fake.calls) == 2
    r = await fake(call_request(agent_id))
    assert r.status_code == 429 and r.headers["Retry-After"] == "7"
    started = time.monotonic()
    r = await fake(call_request(agent_id))
    assert r.status_code == 200 and time.monotonic() - started >= 0.05
    r = await fake(call_request(agent_id))
    assert r.content == b"raw bytes"
    assert fake.faults.unused() == []
    assert [e.fault for e in fake.journal] == [
        "status",
        "status",
        "html",
        "truncated",
        "rate_limited",
        "latency",
        "status",
    ]


async def test_fault_options(fake: FakeTalkover, agent_id: str) -> None:
    later = fake.faults.add(CALL_ROUTE, "reset_before", after=2)
    only = fake.faults.add(
        "POST /api/v1/agents/{id}/call",
        "500",
        times=None,
        when=lambda v: v.json["to"] == "+14155550199",
    )
    never = fake.faults.add("GET /calls", "html")
    statuses = []
    for to in ["+14155550100", "+14155550199", "+14155550101", "+14155550102", "+14155550199"]:
        try:
            statuses.append((await fake(call_request(agent_id, to))).status_code)
        except ConnectionResetError:
            statuses.append("reset")
    # a fault still letting requests through (`after`) leaves them to the next matching one
    assert statuses == [200, 500, "reset", 200, 500]
    assert later.hits == 1 and only.hits == 2
    assert fake.faults.unused() == [never]
    with pytest.raises(ValueError, match="unknown fault"):
        fake.faults.add("*", "explode")
    with pytest.raises(ValueError, match="times"):
        fake.faults.add("*", "html", times=0)
    fake.faults.clear()
    assert len(fake.faults) == 0


async def test_random_faults_are_reproducible(agent_id: str) -> None:
    async def run(seed: int) -> list[str | None]:
        fake = FakeTalkover(TOKEN, seed=1)
        agent = fake.seed_agent()
        chaos = fake.faults.random(rate=0.2, seed=seed)
        for i in range(200):
            with contextlib.suppress(ConnectionResetError, TimeoutError):
                await fake(call_request(agent.id, f"+1415555{i:04d}"))
        kinds = [e.fault for e in fake.journal]
        assert chaos.hits == sum(1 for k in kinds if k)
        assert 20 <= chaos.hits <= 60
        assert set(chaos.by_kind) == {
            "latency",
            "status",
            "rate_limited",
            "reset_before",
            "reset_after",
            "truncated",
            "html",
            "timeout",
        }
        # every processed call exists exactly once, whatever the client saw
        assert len(fake.calls) == len(fake.journal.calls_placed())
        assert max(fake.journal.numbers_dialled().values()) == 1
        return kinds

    assert await run(3) == await run(3)
    assert await run(3) != await run(4)
    with pytest.raises(ValueError, match="rate"):
        FakeTalkover().faults.random(rate=2)


# -- over loopback ----------------------------------------------------------------------


async def test_loopback_faults(fake: FakeTalkover, agent_id: str, loopback: LoopbackApi) -> None:
    path = f"/agents/{agent_id}/call"
    fake.faults.add(CALL_ROUTE, "reset_before")
    with pytest.raises(aiohttp.ClientConnectionError):
        await loopback.post(path, {"to": "+14155550100"})
    assert fake.calls == []
    fake.faults.add(CALL_ROUTE, "reset_after")
    with pytest.raises(aiohttp.ClientConnectionError):
        await loopback.post(path, {"to": "+14155550100"})
    assert len(fake.calls) == 1
    fake.faults.add(CALL_ROUTE, faults.html(504))
    resp = await loopback.post(path, {"to": "+14155550100"})
    assert resp.status == 504 and resp.headers["Content-Type"].startswith("text/html")
    fake.faults.add(CALL_ROUTE, "truncated")
    resp = await loopback.post(path, {"to": "+14155550100"})
    assert resp.status == 200 and resp.json is None and resp.body.startswith(b'{"success"')
    fake.faults.add(CALL_ROUTE, faults.rate_limited(3))
    resp = await loopback.post(path, {"to": "+14155550100"})
    assert resp.status == 429 and resp.headers["Retry-After"] == "3"
    assert [e.via for e in fake.journal] == ["loopback"] * 5


async def test_loopback_timeout_holds_until_the_client_gives_up(
    fake: FakeTalkover, agent_id: str, loopback: LoopbackApi
) -> None:
    fake.faults.add(CALL_ROUTE, faults.timeout(hang=30))
    started = time.monotonic()
    with pytest.raises(asyncio.TimeoutError):
        async with loopback.session.post(
            f"{loopback.base_url}/agents/{agent_id}/call",
            json={"to": "+14155550100"},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=aiohttp.ClientTimeout(total=0.3),
        ) as response:
            await response.read()
    assert time.monotonic() - started < 5
    assert len(fake.calls) == 1  # processed before hanging
    assert (await loopback.get("/calls")).status == 200  # the server is still fine


async def test_server_stops_while_a_request_hangs(fake: FakeTalkover, agent_id: str) -> None:
    fake.faults.add("GET /calls", faults.timeout(hang=60))
    started = time.monotonic()
    async with aiohttp.ClientSession() as session:
        async with serve_fake(fake) as base_url:
            task = asyncio.create_task(
                session.get(f"{base_url}/calls", headers={"Authorization": f"Bearer {TOKEN}"})
            )
            await asyncio.sleep(0.2)
        with pytest.raises(aiohttp.ClientError):
            response = await task
            response.release()
    assert time.monotonic() - started < 5


# -- journal ----------------------------------------------------------------------------


async def test_journal_records_and_masks(api: Api, fake: FakeTalkover, agent_id: str) -> None:
    await api.post(f"/agents/{agent_id}/call", {"to": "+14155550100", "context": {"a": 1}})
    await api.get("/calls", query={"status": "completed", "page": 1})
    await api.get("/calls", token="talq_wrong_token_123")
    first, second, third = list(fake.journal)
    assert first.method == "POST" and first.route == "/agents/{agent_id}/call"
    assert first.key == CALL_ROUTE and first.params == {"agent_id": agent_id}
    assert first.json == {"to": "+14155550100", "context": {"a": 1}}
    assert first.status == 200 and first.processed and first.response["success"] is True
    assert first.headers["Authorization"] == "Bearer talq_***"
    assert TOKEN not in repr(first)
    assert second.query == {"status": "completed", "page": "1"}
    assert third.status == 401 and not third.processed and third.environment is None
    assert first.environment == fake.state().id
    assert fake.journal.filter("/calls", status=200) == [second]
    assert fake.journal.filter(method="post") == [first]
    assert len(fake.journal.calls_placed()) == 1
    fake.journal.clear()
    assert len(fake.journal) == 0


# -- strict mode, error styles, auth ----------------------------------------------------


async def test_unknown_routes_are_unexpected_in_strict_mode(api: Api, fake: FakeTalkover) -> None:
    resp = await api.get("/agents/x/y/z")
    assert resp.status == 404
    assert resp.json["success"] is False and "has no route" in resp.json["message"]
    wrong_method = await api.patch("/calls", {})
    assert wrong_method.status == 405
    assert [e.path for e in fake.unexpected()] == ["/api/v1/agents/x/y/z", "/api/v1/calls"]
    fake.strict = False
    await api.get("/nope")
    assert len(fake.unexpected()) == 2


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("documented", {"success": False, "message": "Agent not found"}),
        (
            "nested",
            {
                "success": False,
                "error": {"code": "AGENT_NOT_FOUND", "message": "Agent not found", "details": {}},
            },
        ),
        ("flat", {"success": False, "message": "Agent not found", "code": "AGENT_NOT_FOUND"}),
        ("plain", {"success": False, "message": "Agent not found"}),
    ],
)
async def test_error_styles(inproc: Api, fake: FakeTalkover, style: str, expected: dict) -> None:
    fake.error_style = style  # type: ignore[assignment]
    assert (await inproc.get("/agents/nope")).json == expected


async def test_error_styles_for_other_shapes(inproc: Api, fake: FakeTalkover) -> None:
    agent = fake.seed_agent()
    fake.error_style = "nested"
    auth = await inproc.get(f"/agents/{agent.id}/webhooks", token=None)
    assert auth.json["error"]["code"] == "INVALID_TOKEN"
    laravel = await inproc.post(f"/agents/{agent.id}/webhooks", {})
    assert laravel.json["error"]["code"] == "VALIDATION_ERROR"
    assert "webhook_url" in laravel.json["error"]["details"]["errors"]
    fake.error_style = "flat"
    conflict = await inproc.delete(f"/agents/{agent.id}")
    assert conflict.json == {
        "success": False,
        "message": "Agent must be unpublished before it can be deleted.",
        "code": "AGENT_IS_PUBLISHED",
    }
    with pytest.raises(ValueError, match="error_style"):
        fake.error_style = "loud"  # type: ignore[assignment]


async def test_account_endpoints_take_session_tokens_and_pats(api: Api, fake: FakeTalkover) -> None:
    env_token = await api.get("/credits/balance")
    assert env_token.status == 401
    assert env_token.json == {"success": False, "message": "Unauthenticated."}
    assert (await api.get("/user/api-tokens")).json == {"message": "Unauthenticated."}
    balance = await api.get("/credits/balance", token=SESSION)
    assert balance.data["balance"] == 100.0
    created = await api.post(
        "/user/api-tokens", {"name": "ci", "abilities": ["read"]}, token=SESSION
    )
    pat = created.data["token"]
    assert "|" in pat
    assert (await api.get("/api/user", token=pat)).status == 200
    assert (await api.get("/agents", token=pat)).status == 401  # PATs are not environment tokens
    await api.delete(f"/user/api-tokens/{created.data['id']}", token=SESSION)
    assert (await api.get("/api/user", token=pat)).status == 401


# -- rate limiting ----------------------------------------------------------------------


async def test_rate_limit_per_environment_on_the_virtual_clock() -> None:
    fake = FakeTalkover(TOKEN, rate_limit_per_minute=5)
    fake.add_environment(OTHER)
    api, other = Api(fake), Api(fake, OTHER)
    answers = [await api.get("/agents") for _ in range(6)]
    assert [a.status for a in answers] == [200] * 5 + [429]
    assert answers[0].headers["X-RateLimit-Limit"] == "5"
    assert answers[4].headers["X-RateLimit-Remaining"] == "0"
    limited = answers[5]
    assert limited.headers["Retry-After"] == "60"
    assert limited.json == {"success": False, "message": "Too Many Attempts."}
    assert (await other.get("/agents")).status == 200  # counted per environment
    assert (await api.get("/health", token=None)).status == 200  # unauthenticated: not counted
    await fake.advance(30)
    assert (await api.get("/agents")).headers["Retry-After"] == "30"
    await fake.advance(30)
    assert (await api.get("/agents")).status == 200
    fake.reset_rate_limits()
    assert [(await api.get("/agents")).status for _ in range(4)] == [200] * 4


async def test_rate_limit_on_real_time() -> None:
    fake = FakeTalkover(TOKEN, rate_limit_per_minute=1, rate_limit_clock="real")
    api = Api(fake)
    assert (await api.get("/agents")).status == 200
    resp = await api.get("/agents")
    assert resp.status == 429 and 59 <= int(resp.headers["Retry-After"]) <= 60


async def test_rate_limit_over_loopback() -> None:
    fake = FakeTalkover(TOKEN, rate_limit_per_minute=2)
    async with serve_fake(fake) as base_url, aiohttp.ClientSession() as session:
        api = LoopbackApi(fake, base_url, session)
        statuses = [(await api.get("/calls")).status for _ in range(3)]
    assert statuses == [200, 200, 429]
