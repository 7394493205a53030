"""Client-side limits: the token bucket's rate, its 429 slow-down and recovery, the in-flight
bound, the retry budget, and how they sit in the client's middleware chain."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time

import pytest

from talkover_async import (
    APITimeoutError,
    AsyncTalkover,
    ConfigurationError,
    InternalServerError,
    RateLimitError,
    Request,
    Response,
)
from talkover_async.dispatch.probe import SendProbe, install_probe
from talkover_async.limits import RateLimiter, RetryBudget, TokenBucketLimiter
from talkover_async.middleware.ratelimit import RateLimitMiddleware
from talkover_async.transports import MockTransport

from .conftest import TOKEN

AGENT = b'{"success": true, "data": {"id": "a1", "name": "n"}}'
CALL = (
    b'{"success": true, "data": {"id": "c1", "agent_id": "a1", "to": "+14155550100",'
    b' "status": "initiated"}}'
)


class VirtualTime:
    """A discrete-event clock: `sleep` parks the caller until `run` moves time to its wake-up."""

    def __init__(self) -> None:
        self.now = 0.0
        self._heap: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._heap, (self.now + max(0.0, seconds), next(self._seq), fut))
        await fut

    async def _settle(self) -> None:
        for _ in range(20):
            await asyncio.sleep(0)

    async def run(self, until: float) -> None:
        """Let tasks run, waking sleepers in time order, up to virtual time `until`."""
        await self._settle()
        while self._heap and self._heap[0][0] <= until:
            wake, _, fut = heapq.heappop(self._heap)
            self.now = max(self.now, wake)
            if not fut.done():
                fut.set_result(None)
            await self._settle()
        self.now = until
        await self._settle()


async def pump(
    limiter: TokenBucketLimiter, stamps: list[float], clock: VirtualTime, workers: int
) -> list[asyncio.Task[None]]:
    async def worker() -> None:
        while True:
            await limiter.acquire()
            stamps.append(clock.now)

    return [asyncio.create_task(worker()) for _ in range(workers)]


async def stop(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


@pytest.mark.parametrize("per_minute", [100, 1000])
async def test_holds_the_plan_rate_on_a_virtual_clock(per_minute: int) -> None:
    clock = VirtualTime()
    limiter = TokenBucketLimiter(per_minute, clock=clock.time, sleep=clock.sleep)
    stamps: list[float] = []
    tasks = await pump(limiter, stamps, clock, workers=25)
    seconds = 180.0 if per_minute == 100 else 30.0
    await clock.run(seconds)
    await stop(tasks)
    # After the first burst (one second's worth), the rate is the plan's within 5%.
    steady = [t for t in stamps if t > 1.0]
    measured = len(steady) / (seconds - 1.0) * 60
    assert abs(measured - per_minute) / per_minute < 0.05, measured
    # Never more than burst + rate * t in any prefix.
    for i, t in enumerate(stamps):
        assert i + 1 <= limiter.burst + t * per_minute / 60 + 1e-6


async def test_holds_the_rate_on_the_real_clock() -> None:
    limiter = TokenBucketLimiter(3000, burst=1)  # 50 a second
    count = 0

    async def worker() -> None:
        nonlocal count
        while True:
            await limiter.acquire()
            count += 1

    tasks = [asyncio.create_task(worker()) for _ in range(20)]
    started = time.monotonic()
    await asyncio.sleep(2.0)
    elapsed = time.monotonic() - started
    await stop(tasks)
    expected = 1 + 50 * elapsed
    assert abs(count - expected) / expected < 0.05, (count, expected)


async def test_slows_down_on_429_pauses_for_retry_after_and_recovers() -> None:
    clock = VirtualTime()
    limiter = TokenBucketLimiter(600, recovery=10.0, clock=clock.time, sleep=clock.sleep)  # 10/s
    stamps: list[float] = []
    tasks = await pump(limiter, stamps, clock, workers=10)
    await clock.run(5.0)
    assert limiter.rate == 600

    limiter.on_rate_limited(2.0)
    limiter.on_rate_limited(2.0)  # the same overload seen by concurrent requests: one decrease
    assert limiter.rate == 300
    hit = clock.now
    await clock.run(hit + 4.0)
    during_pause = [t for t in stamps if hit < t < hit + 2.0]
    assert during_pause == []  # nothing goes out before Retry-After has passed
    after = [t for t in stamps if hit + 2.0 < t <= hit + 4.0]
    assert abs(len(after) / 2.0 - 5.0) <= 0.5  # 5 a second: half the rate

    # Successes bring it back linearly: half of the rate recovers in half of `recovery`.
    for _ in range(60):
        await clock.run(clock.now + 0.1)
        limiter.on_success()
    assert limiter.rate == 600
    await stop(tasks)
    recent = [t for t in stamps if clock.now - 3.0 < t <= clock.now]
    assert abs(len(recent) / 3.0 - 10.0) <= 0.5


async def test_rate_never_drops_below_the_floor() -> None:
    clock = VirtualTime()
    limiter = TokenBucketLimiter(1000, cooldown=0, clock=clock.time, sleep=clock.sleep)
    for _ in range(50):
        limiter.on_rate_limited(None)
    assert limiter.rate == pytest.approx(100)  # a tenth of the plan by default


async def test_cancelled_waiter_gives_its_slot_back() -> None:
    clock = VirtualTime()
    limiter = TokenBucketLimiter(60, burst=1, clock=clock.time, sleep=clock.sleep)
    await limiter.acquire()
    waiter = asyncio.create_task(limiter.acquire())
    await clock.run(0.5)
    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    assert limiter.reserve() == pytest.approx(0.5)  # the next one waits as if nobody queued


def test_limiter_is_a_rate_limiter_and_validates() -> None:
    assert isinstance(TokenBucketLimiter(100), RateLimiter)
    for bad in ({"rate": 0}, {"rate": 100, "decrease": 1.5}, {"rate": 100, "burst": 0.5}):
        with pytest.raises(ValueError):
            TokenBucketLimiter(**bad)


def test_retry_budget_ratio_floor_and_window() -> None:
    now = [0.0]
    budget = RetryBudget(0.1, window=10.0, floor=2, clock=lambda: now[0])
    assert budget.try_retry() and budget.try_retry()
    assert not budget.try_retry()  # the floor is spent and there is no traffic
    for _ in range(100):
        budget.record_request()
    allowed = sum(budget.try_retry() for _ in range(50))
    assert allowed == 10  # 2 + 10% of 100 - the 2 already spent
    now[0] = 10.5  # the window slid past everything
    assert budget.available == 2
    assert RetryBudget.of(0.2) is not None and RetryBudget.of(None) is None


# --- through the client ---------------------------------------------------------------------


def client_with(handler, **kw) -> AsyncTalkover:  # type: ignore[no-untyped-def]
    return AsyncTalkover(TOKEN, transport=MockTransport(handler), env={}, **kw)


async def test_client_tells_its_limiter_about_429() -> None:
    answers = [
        Response(429, {"Retry-After": "0"}, b'{"message": "Too Many Attempts."}'),
        Response(200, {}, AGENT),
    ]

    def handler(request: Request) -> Response:
        return answers.pop(0) if len(answers) > 1 else answers[0]

    async with client_with(handler, rate_limit=6000) as client:
        assert isinstance(client.rate_limiter, TokenBucketLimiter)
        agent = await client.agents.get("a1")
        assert agent.id == "a1"
        assert 3000 <= client.rate_limiter.rate < 3100  # halved, then recovering


async def test_max_in_flight_bounds_concurrent_requests() -> None:
    active = 0
    peak = 0

    async def handler(request: Request) -> Response:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.01)
        active -= 1
        return Response(200, {}, AGENT)

    async with client_with(handler, max_in_flight=3) as client:
        clone = client.with_options(timeout=5)  # clones share the bound
        await asyncio.gather(*(c.agents.get("a1") for c in [client, clone] * 10))
    assert peak == 3


async def test_retry_budget_stops_retries_when_spent() -> None:
    seen = 0

    def handler(request: Request) -> Response:
        nonlocal seen
        seen += 1
        return Response(503, {}, b'{"message": "down"}')

    budget = RetryBudget(0.0, floor=2)
    async with client_with(handler, max_retries=3, retry_budget=budget) as client:
        for _ in range(5):
            with pytest.raises(InternalServerError):
                await client.agents.get("a1")
    assert seen == 5 + 2  # five first attempts, two retries allowed by the floor


async def test_deadline_covers_the_rate_limit_wait() -> None:
    async with client_with(lambda r: Response(200, {}, AGENT), rate_limit=60) as client:  # 1/s
        await client.agents.get("a1")
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            await client.agents.get("a1", deadline=0.2)
        assert time.monotonic() - started < 0.6


async def test_probe_tells_held_from_sent() -> None:
    gate = asyncio.Event()

    async def handler(request: Request) -> Response:
        await gate.wait()
        return Response(200, {}, CALL)

    async with client_with(handler, rate_limit=60) as client:  # burst 1, then 1/s
        probes = []

        async def place() -> None:
            p = install_probe()  # the dispatcher's worker probe (private to the dispatcher)
            probes.append(p)
            p.started = True
            await client.agents.call("a1", to="+14155550100")

        first = asyncio.create_task(place())
        second = asyncio.create_task(place())
        await asyncio.sleep(0.05)
        assert [p.state for p in probes] == ["sending", "held"]
        assert [p.maybe_sent for p in probes] == [True, False]
        for task in (first, second):
            task.cancel()
        await asyncio.gather(first, second, return_exceptions=True)


async def test_probe_marks_429_as_refused() -> None:
    async with client_with(
        lambda r: Response(429, {"Retry-After": "600"}, b'{"message": "slow"}'), rate_limit=600
    ) as client:
        async def place() -> SendProbe:
            p = install_probe()
            p.started = True
            with pytest.raises(RateLimitError):
                await client.agents.call("a1", to="+14155550100")
            return p

        p = await asyncio.create_task(place())
        assert p.state == "refused" and not p.maybe_sent


def test_limit_options_are_validated() -> None:
    for kw in (
        {"rate_limit": 0},
        {"rate_limit": "fast"},
        {"max_in_flight": 0},
        {"retry_budget": 2.0},
    ):
        with pytest.raises(ConfigurationError):
            AsyncTalkover(TOKEN, env={}, **kw)  # type: ignore[arg-type]
    assert repr(RateLimitMiddleware(TokenBucketLimiter(100), 4)).startswith("<RateLimitMiddleware")
