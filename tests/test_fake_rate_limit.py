"""The fake's rate limit counts every request of an account, across connections and clients,
over loopback (what the fleet benchmark relies on). Counts only."""

from __future__ import annotations

import asyncio

import aiohttp

from talkover_async.testing import FakeTalkover, serve_fake

TOKEN = "talq_test_fake_rate"


async def test_one_limit_across_connections_and_clients_on_loopback() -> None:
    fake = FakeTalkover.demo(token=TOKEN, rate_limit_per_minute=12, rate_limit_clock="real")
    other = "talq_test_fake_rate_other"
    fake.add_environment(other)
    async with serve_fake(fake) as base_url:
        statuses: list[int] = []
        limits: list[tuple[str | None, str | None, str | None]] = []

        async def client(token: str) -> None:
            # A connection of its own for every request: nothing is tied to a connection.
            connector = aiohttp.TCPConnector(force_close=True)
            async with aiohttp.ClientSession(connector=connector) as session:
                for _ in range(5):
                    async with session.get(
                        f"{base_url}/agents", headers={"Authorization": f"Bearer {token}"}
                    ) as response:
                        await response.read()
                        if token == TOKEN:
                            statuses.append(response.status)
                            limits.append(
                                (
                                    response.headers.get("X-RateLimit-Limit"),
                                    response.headers.get("X-RateLimit-Remaining"),
                                    response.headers.get("Retry-After"),
                                )
                            )

        await asyncio.gather(*(client(TOKEN) for _ in range(4)), client(other))
    # 20 requests of one account from 4 clients: 12 accepted, 8 refused.
    assert statuses.count(200) == 12 and statuses.count(429) == 8
    assert sorted(int(rem) for _, rem, _ in limits if rem is not None)[:8] == [0] * 8
    refused = [retry for (_, _, retry), status in zip(limits, statuses, strict=True)
               if status == 429]  # fmt: skip
    assert all(retry is not None and 1 <= int(retry) <= 60 for retry in refused)
    assert {limit for limit, _, _ in limits} == {"12"}
