"""The limiter's `Retry-After` cap: a value taken from the server never pauses the client's
rate limiter for longer than `max_retry_after` (the cap the retry layer uses too), and a
negative, NaN or unparseable one does not pause it at all.

Time is virtual (`VirtualTime` from test_limits): no timed assertions."""

from __future__ import annotations

import asyncio
import math

import pytest

from talkover_async import AsyncTalkover, RateLimitError, Request, Response
from talkover_async.limits import TokenBucketLimiter
from talkover_async.middleware.ratelimit import RateLimitMiddleware
from talkover_async.transports import MockTransport

from .conftest import TOKEN
from .test_limits import AGENT, VirtualTime

CAP = 5.0
HUGE = ["86400", "1e308", "Fri, 31 Dec 9999 23:59:59 GMT", " 3600 "]
NO_PAUSE = ["-5", "nan", "NaN", "inf", "-inf", "soon", "", "Fri, 99 Foo 2024"]


async def _settle() -> None:
    for _ in range(200):
        await asyncio.sleep(0)


async def _run_after_one_429(retry_after: str) -> tuple[list[float], TokenBucketLimiter]:
    """One 429 with `retry_after`, then 5 requests: the virtual times they were sent at."""
    clock = VirtualTime()
    limiter = TokenBucketLimiter(6000, clock=clock.time, sleep=clock.sleep)  # 100/s, burst 100
    sent: list[float] = []
    first = True

    def handler(request: Request) -> Response:
        nonlocal first
        if first:
            first = False
            return Response(429, {"Retry-After": retry_after}, b'{"message": "Too Many Attempts."}')
        sent.append(clock.now)
        return Response(200, {}, AGENT)

    client = AsyncTalkover(
        TOKEN,
        transport=MockTransport(handler),
        env={},
        rate_limit=limiter,
        max_retries=0,
        max_retry_after=CAP,
    )
    async with client:
        with pytest.raises(RateLimitError):
            await client.agents.get("a1")
        tasks = [asyncio.create_task(client.agents.get("a1")) for _ in range(5)]
        await _settle()
        await clock.run(CAP + 2.0)  # well within a day: a missing cap leaves them waiting
        await _settle()
        done = [t for t in tasks if t.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    assert len(done) == 5, f"{5 - len(done)} requests still held after {CAP + 2}s"
    return sent, limiter


@pytest.mark.parametrize("retry_after", HUGE)
async def test_one_huge_retry_after_pauses_the_limiter_for_the_cap_only(retry_after: str) -> None:
    sent, limiter = await _run_after_one_429(retry_after)
    assert len(sent) == 5
    # Paused (the server's wish is honoured up to the cap), and no longer than the cap.
    assert min(sent) >= CAP - 1e-9, sent
    assert max(sent) <= CAP + 1.0, sent  # + the halved rate's spacing for 5 requests


@pytest.mark.parametrize("retry_after", NO_PAUSE)
async def test_a_meaningless_retry_after_does_not_pause(retry_after: str) -> None:
    sent, limiter = await _run_after_one_429(retry_after)
    assert len(sent) == 5
    assert max(sent) < 1.0, sent  # only the limiter's own slow-down (rate halved, no burst)
    assert limiter.rate == pytest.approx(3000, rel=0.05)


def _quota_response(status: int, retry_after: str) -> Response:
    return Response(status, {"Retry-After": retry_after}, b"{}")


class _Recorder:
    def __init__(self) -> None:
        self.pauses: list[float | None] = []
        self.quotas: list[tuple[int, int]] = []
        self.successes = 0

    async def acquire(self) -> None:
        return None

    def on_rate_limited(self, retry_after: float | None) -> None:
        self.pauses.append(retry_after)

    def on_success(self) -> None:
        self.successes += 1

    def on_quota(self, limit: int, remaining: int) -> None:
        self.quotas.append((limit, remaining))


async def test_middleware_caps_every_value_it_hands_a_custom_limiter() -> None:
    recorder = _Recorder()
    middleware = RateLimitMiddleware(recorder, max_retry_after=7.5)
    values = ["86400", "1e308", "Fri, 31 Dec 9999 23:59:59 GMT", "3", "0", "-1", "nan", "x"]
    for value in values:

        async def answer(request: Request, value: str = value) -> Response:
            return _quota_response(429, value)

        await middleware(Request("GET", "/agents/a1"), answer)
    assert recorder.pauses == [7.5, 7.5, 7.5, 3.0, None, None, None, None]
    assert all(p is None or (math.isfinite(p) and p <= 7.5) for p in recorder.pauses)


async def test_quota_headers_reach_a_limiter_that_asks_and_bad_ones_are_ignored() -> None:
    recorder = _Recorder()
    middleware = RateLimitMiddleware(recorder)
    headers = [
        {"X-RateLimit-Limit": "600", "X-RateLimit-Remaining": "599"},
        {"x-ratelimit-limit": "600", "x-ratelimit-remaining": "0"},
        {"X-RateLimit-Limit": "lots", "X-RateLimit-Remaining": "1"},
        {"X-RateLimit-Limit": "600", "X-RateLimit-Remaining": "700"},
        {"X-RateLimit-Limit": "600"},
        {},
    ]
    for hdrs in headers:

        async def answer(request: Request, hdrs: dict[str, str] = hdrs) -> Response:
            return Response(200, hdrs, b"{}")

        await middleware(Request("GET", "/agents/a1"), answer)
    assert recorder.quotas == [(600, 599), (600, 0)]
    assert recorder.successes == len(headers)


def test_token_bucket_ignores_an_infinite_pause_from_a_direct_caller() -> None:
    clock = VirtualTime()
    limiter = TokenBucketLimiter(600, clock=clock.time, sleep=clock.sleep)
    limiter.on_rate_limited(math.inf)
    limiter.on_rate_limited(math.nan)
    assert limiter.reserve() < 1.0


def test_max_retry_after_is_validated_with_limits() -> None:
    from talkover_async import ConfigurationError

    for bad in (-1, math.nan, "60"):
        with pytest.raises(ConfigurationError, match="max_retry_after"):
            AsyncTalkover(TOKEN, env={}, rate_limit=600, max_retry_after=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        RateLimitMiddleware(None, max_retry_after=math.nan)
