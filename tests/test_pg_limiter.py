"""The fleet's rate limiter in PostgreSQL: one limit for several clients and processes, a 429
seen by one pausing the others, the `Retry-After` cap, learning the limit, database blips.

Assertions count (slots the database handed out, requests the fake accepted or refused);
none times anything. Each test works in a schema of its own."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
from typing import Any

import asyncpg
import pytest

from talkover_async import APIConnectionError, AsyncTalkover, RateLimitError
from talkover_async.dispatch.pg_limiter import PostgresRateLimiter
from talkover_async.limits import RateLimiter, TokenBucketLimiter
from talkover_async.testing import FakeTalkover
from talkover_async.testing import fake as fake_module
from talkover_async.transports import MockTransport

TOKEN = "talq_test_pg_limiter"


@pytest.fixture
def dsn(postgres_dsn: str) -> str:
    return postgres_dsn


@pytest.fixture
def schema(pg_schema: str) -> str:
    return pg_schema


def limiter(dsn: str, schema: str, **kw: object) -> PostgresRateLimiter:
    kw.setdefault("key", "acct")
    return PostgresRateLimiter(dsn, schema=schema, **kw)  # type: ignore[arg-type]


async def settle(*limiters: PostgresRateLimiter) -> None:
    """Wait for the background writes (429s, headers) of these limiters."""
    for item in limiters:
        while item._tasks:
            await asyncio.gather(*item._tasks)


def spaced(slots: list[float], interval: float) -> bool:
    ordered = sorted(slots)
    return all(b - a >= interval - 1e-6 for a, b in zip(ordered, ordered[1:], strict=False))


async def test_clients_sharing_a_key_get_one_rate(dsn: str, schema: str) -> None:
    # Four limiters, four pools: four "processes" as far as PostgreSQL can tell.
    group = [limiter(dsn, schema, rate=600, headroom=0.0) for _ in range(4)]
    other = limiter(dsn, schema, key="another-account", rate=600, headroom=0.0)
    try:
        for item in (*group, other):
            await item.setup()
        assert isinstance(group[0], RateLimiter)
        slots = await asyncio.gather(*(group[i % 4].reserve_slot() for i in range(60)))
        at = [s[0] for s in slots]
        # 600/min is one slot per 100 ms, handed out once whichever client asks.
        assert len(set(at)) == 60 and spaced(at, 0.1)
        # Another key is another limit: its first slot is free.
        assert (await other.reserve_slot())[1] == 0.0
    finally:
        for item in (*group, other):
            await item.aclose()


async def test_processes_sharing_a_key_get_one_rate(dsn: str, schema: str) -> None:
    code = (
        "import asyncio, json, sys\n"
        "from talkover_async.dispatch.pg_limiter import PostgresRateLimiter\n"
        "async def main():\n"
        "    async with PostgresRateLimiter(sys.argv[1], schema=sys.argv[2], key='acct',"
        " rate=1200, headroom=0.0) as lim:\n"
        "        print(json.dumps([(await lim.reserve_slot())[0] for _ in range(25)]))\n"
        "asyncio.run(main())\n"
    )
    async with limiter(dsn, schema, rate=1200, headroom=0.0):  # creates the table first
        pass
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, dsn, schema], stdout=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=60)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    at = [t for out in outputs for t in json.loads(out)]
    assert len(at) == 75 and spaced(at, 0.05)  # 1200/min: one slot per 50 ms, fleet-wide


async def test_a_429_seen_by_one_worker_pauses_the_others(dsn: str, schema: str) -> None:
    seen, others = limiter(dsn, schema, rate=600), limiter(dsn, schema, rate=600)
    async with seen, others:
        assert await others.reserve() == 0.0
        seen.on_rate_limited(20.0)
        await settle(seen)
        wait = await others.reserve()
        assert 19.0 < wait <= 20.0 + 0.2  # paused until the shared deadline, then one slot
        state = await others.state()
        assert state.rate == pytest.approx(0.5 * 588, rel=0.02)  # halved for the whole fleet
        assert 19.0 < state.paused_for <= 20.0


async def test_retry_after_is_capped_end_to_end_and_for_direct_callers(
    dsn: str, schema: str
) -> None:
    shared, other = limiter(dsn, schema, rate=6000), limiter(dsn, schema, rate=6000)
    async with shared, other:
        answers = 0

        def handler(request: object) -> object:
            nonlocal answers
            answers += 1
            from talkover_async import Response

            return Response(429, {"Retry-After": "86400"}, b'{"message": "Too Many Attempts."}')

        async with AsyncTalkover(
            TOKEN,
            transport=MockTransport(handler),  # type: ignore[arg-type]
            env={},
            rate_limit=shared,
            max_retry_after=3.0,
        ) as client:
            with pytest.raises(RateLimitError):  # above the cap: fails fast, as for retries
                await client.agents.get("a1")
        await settle(shared)
        assert answers == 1
        assert (await other.state()).paused_for <= 3.0
        assert await other.reserve() <= 3.0 + 0.1  # nobody waits a day

        direct = limiter(dsn, schema, key="direct", rate=600, max_pause=2.0)
        async with direct:
            for value in (1e308, float("inf"), float("nan"), -5.0):
                direct.on_rate_limited(value)
            await settle(direct)
            assert (await direct.state()).paused_for <= 2.0


async def test_learns_the_limit_from_headers(dsn: str, schema: str) -> None:
    a, b = limiter(dsn, schema), limiter(dsn, schema)
    async with a, b:
        before = await b.state()
        assert before.configured is None and before.rate == pytest.approx(100, rel=0.1)
        a.on_quota(600, 599)
        a.on_quota(600, 598)  # same limit: no second write
        await settle(a)
        after = await b.state()
        assert after.limit == 600 and after.rate == pytest.approx(588)


async def test_learns_the_limit_from_429s_alone(dsn: str, schema: str) -> None:
    a, b = limiter(dsn, schema, use_headers=False), limiter(dsn, schema, use_headers=False)
    async with a, b:
        a.on_quota(600, 0)  # ignored: headers turned off
        for _ in range(40):  # 40 slots granted, then the server says "too many"
            await (a if _ % 2 else b).reserve_slot()
        assert (await b.state()).recent == pytest.approx(40)
        a.on_rate_limited(2.0)
        await settle(a)
        state = await b.state()
        assert state.limit is None
        # The accepted count of the last minute, less the 2 % headroom, is the ceiling; with a
        # Retry-After the fleet goes on at it once paused.
        assert state.ceiling == pytest.approx(40 * 0.98)
        assert state.rate == pytest.approx(state.ceiling) and state.paused_for > 1.0
        assert state.recent == pytest.approx(39)  # the refused request is taken back
        b.on_rate_limited(None)  # within the cooldown: counted, not acted on twice
        await settle(b)
        assert (await a.state()).ceiling == pytest.approx(40 * 0.98)
        # 38 accepted in the last minute, the limit 39.2 a minute: one more fits, then none
        # until old requests leave the window (no slot, only a short wait to ask again).
        granted = [(await a.reserve_slot())[2] for _ in range(3)]
        assert granted == [True, False, False]
        assert (await a.reserve_slot())[1] <= 1.0


async def test_fake_accepts_every_request_of_a_fleet_sharing_one_limit(
    dsn: str, schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 3-second sliding window of 30 requests (600/min), so the test is short; counts only.
    monkeypatch.setattr(fake_module, "RATE_WINDOW", 3.0)

    async def run(make_limiter: object) -> tuple[int, int]:
        fake = FakeTalkover.demo(token=TOKEN, rate_limit_per_minute=30, rate_limit_clock="real")
        accepted = refused = 0
        clients = [
            AsyncTalkover(
                TOKEN,
                transport=MockTransport(fake),
                env={},
                rate_limit=make_limiter(),  # type: ignore[operator]
                max_retries=0,
            )
            for _ in range(4)
        ]

        async def worker(client: AsyncTalkover) -> None:
            nonlocal accepted, refused
            for _ in range(8):
                try:
                    await client.agents.get("demo")
                    accepted += 1
                except RateLimitError:
                    refused += 1

        await asyncio.gather(*(worker(c) for c in clients for _ in range(2)))
        for c in clients:
            await c.aclose()
        return accepted, refused

    shared = [limiter(dsn, schema, rate=600, headroom=0.1) for _ in range(4)]
    try:
        for item in shared:
            await item.setup()
        it = iter(shared)
        # 64 requests over ~7 s at 540/min, in a window that allows 600/min: none refused.
        accepted, refused = await asyncio.wait_for(run(lambda: next(it)), 60)
        assert (accepted, refused) == (64, 0)
    finally:
        for item in shared:
            await item.aclose()
    # The same four clients, each with its own in-process limit of 600/min: 429s.
    accepted, refused = await run(lambda: TokenBucketLimiter(600))
    assert refused > 0


async def test_fails_closed_when_the_database_is_down() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    down = PostgresRateLimiter(
        f"postgresql://postgres@127.0.0.1:{port}/postgres", rate=600, unavailable_timeout=0.3
    )
    with pytest.raises(APIConnectionError) as info:
        await down.acquire()
    assert info.value.sent is False and "rate limiter database unavailable" in str(info.value)
    assert "not sent" in str(info.value)
    await down.aclose()


async def test_survives_its_connections_being_killed(dsn: str, schema: str) -> None:
    item = limiter(dsn, schema, rate=60_000, pool_size=2)
    async with item:
        await item.reserve()
        admin = await asyncpg.connect(dsn)
        try:
            killed = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE pid <> pg_backend_pid() AND datname = current_database()"
                " AND query LIKE '%' || $1 || '.rate_limits%'",
                f'"{schema}"',
            )
        finally:
            await admin.close()
        assert killed >= 1
        for _ in range(5):  # the pool reconnects; the bounded retry hides the blip
            await item.reserve()


async def test_one_statement_per_request_and_no_session_state(dsn: str, schema: str) -> None:
    # What a transaction-mode pooler needs: each request is one autocommit UPDATE (no
    # prepared-statement cache, no SET / LISTEN / advisory locks, no reset after it).
    item = limiter(dsn, schema, rate=60_000, pool_size=1, key="pooler")
    async with item:
        await item.reserve()
        admin = await asyncpg.connect(dsn)
        try:
            rows = await admin.fetch(
                "SELECT pid, query FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                " AND datname = current_database() AND query LIKE '%' || $1 || '%'",
                f'"{schema}".rate_limits',
            )
            assert len(rows) == 1  # the pool's one connection
            pid, last = rows[0]
            # The acquire (shown cut at track_activity_query_size) and nothing after it.
            assert last and item._sql.acquire.startswith(last)
            await item.reserve()
            locks = await admin.fetchval(
                "SELECT count(*) FROM pg_locks WHERE pid = $1 AND locktype = 'advisory'", pid
            )
            assert locks == 0
        finally:
            await admin.close()
        pool = item._pool
        async with pool.acquire() as conn:
            assert conn._stmt_cache.get_max_size() == 0  # statement_cache_size=0
            assert await conn.fetchval("SELECT count(*) FROM pg_prepared_statements") == 0
            assert await conn.fetchval("SELECT count(*) FROM pg_listening_channels()") == 0


async def test_waits_through_a_database_restart(pg_cluster: Any) -> None:
    item = PostgresRateLimiter(pg_cluster.dsn, rate=60_000, unavailable_timeout=60.0)
    async with item:
        await item.reserve()
        restart = asyncio.create_task(asyncio.to_thread(pg_cluster.restart, 1.0, "immediate"))
        await asyncio.sleep(0.3)  # the server is going down or down now
        for _ in range(10):  # each waits for the server (bounded), none fails
            await item.acquire()
        await restart
        await item.acquire()


def test_options_are_validated() -> None:
    from talkover_async import ConfigurationError, InvalidRequestError

    for kw in (
        {},
        {"dsn": "postgresql://x", "rate": 0},
        {"dsn": "postgresql://x", "rate": float("nan")},
        {"dsn": "postgresql://x", "headroom": 1.0},
        {"dsn": "postgresql://x", "key": ""},
        {"dsn": "postgresql://x", "burst": 0.5},
        {"dsn": "postgresql://x", "schema": ""},
    ):
        with pytest.raises((ConfigurationError, InvalidRequestError)):
            PostgresRateLimiter(**kw)  # type: ignore[arg-type]
    assert "postgresql" not in repr(PostgresRateLimiter("postgresql://u:secret@h/db"))
