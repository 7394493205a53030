"""Client-side limits: a rate limiter, and a retry budget.

Talkover plans allow 100 or 1,000 requests a minute. A client built with
`AsyncTalkover(rate_limit=1000)` keeps itself under that rate with `TokenBucketLimiter`, halves
its rate when the server answers 429 anyway (and pauses for the `Retry-After` it sent), then
climbs back linearly while requests succeed. Every `Retry-After` the limiter is given is capped
by the client's `max_retry_after` (the cap of the retry layer too): `86400`, `1e308` or a date in
year 9999 pause it for the cap only, and a negative, NaN or unparseable value does not pause it.
`max_in_flight=` bounds concurrent requests and `retry_budget=` (`RetryBudget`) caps retries at
a share of recent traffic, so a failing backend is not hammered by every request retrying at
once.

## The seam for a fleet-wide limiter

`RateLimiter` is a protocol: the client only calls `await acquire()` before each attempt and
reports the answer with `on_rate_limited(retry_after)` (a 429, `retry_after` already capped by
`max_retry_after`) or `on_success()` (anything else below 500). A limiter that also has an
`on_quota(limit, remaining)` method gets the `X-RateLimit-Limit` / `X-RateLimit-Remaining`
headers when a response carries them (undocumented by the Talkover API: a hint only).

The SDK ships one for a fleet: `talkover_async.dispatch.PostgresRateLimiter` keeps one limit
for every process that uses the same database and key (see docs/dispatch.md, "One rate limit
for the fleet"). A fleet on another store plugs in its own implementation without any change
to the SDK, for example:

- `acquire()` runs an atomic token-bucket / GCRA script in Redis keyed by the environment
  token's id and sleeps for the wait it returns (or polls a coordinator);
- `on_rate_limited(retry_after)` writes a shared "paused until" timestamp so every process
  backs off, not only the one that saw the 429;
- `on_success()` is a no-op or feeds a shared additive increase.

The `on_*` hooks are called synchronously on the request path: keep them non-blocking (a
shared implementation schedules its network write as a task). `acquire()` may be cancelled (a
deadline or a task cancel): it must leave the limiter consistent.

```python
client = AsyncTalkover(rate_limit=MyRedisLimiter(redis, key="plan:acme"), max_in_flight=64)
```
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "RateLimiter",
    "RetryBudget",
    "TokenBucketLimiter",
]

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[Any]]


@runtime_checkable
class RateLimiter(Protocol):
    """Decides when the next request may go. Shared by all requests of a client."""

    async def acquire(self) -> None:
        """Wait until one more request may be sent."""
        ...

    def on_rate_limited(self, retry_after: float | None) -> None:
        """The server answered 429 (`retry_after` in seconds, when it said)."""
        ...

    def on_success(self) -> None:
        """The server answered without rate limiting."""
        ...


class TokenBucketLimiter:
    """An in-process token bucket in requests per minute that adapts to 429s (AIMD).

    - `rate` requests per minute on average, with bursts of at most `burst` requests (default:
      one second's worth, at least 1). Waiters are served first come, first served: each
      `acquire` reserves the next free slot, so there is no thundering herd.
    - On 429 the rate is multiplied by `decrease` (at most once per `cooldown` seconds, since
      concurrent requests see the same overload), never below `min_rate` (default a tenth of
      `rate`), and nothing is sent before the server's `Retry-After` has passed.
    - While requests succeed the rate grows back linearly, to the configured rate in
      `recovery` seconds (from zero; a halved rate recovers in half of that).

    `clock` and `sleep` can be replaced (a virtual clock in tests).
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: float | None = None,
        min_rate: float | None = None,
        decrease: float = 0.5,
        recovery: float = 30.0,
        cooldown: float = 1.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be a positive number of requests per minute")
        if not 0 < decrease < 1:
            raise ValueError("decrease must be between 0 and 1")
        if recovery <= 0:
            raise ValueError("recovery must be positive")
        self.configured_rate = float(rate)
        self._max_per_second = rate / 60.0
        self._per_second = self._max_per_second
        floor = rate / 10.0 if min_rate is None else float(min_rate)
        self._min_per_second = min(max(floor, 1e-3), rate) / 60.0
        self.burst = float(burst) if burst is not None else max(1.0, self._max_per_second)
        if self.burst < 1:
            raise ValueError("burst must be at least 1")
        self._decrease = decrease
        self._recovery = recovery
        self._cooldown = cooldown
        self._clock = clock
        self._sleep = sleep
        now = clock()
        self._tokens = self.burst
        self._updated = now
        self._pauses = 0
        self._last_decrease = -float("inf")
        self._last_increase = now

    @property
    def rate(self) -> float:
        """The current rate in requests per minute (below the configured one after 429s)."""
        return self._per_second * 60.0

    def _refill(self, now: float) -> None:
        # `_updated` is in the future while paused by Retry-After: nothing refills until then.
        if now > self._updated:
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self._per_second)
            self._updated = now

    def reserve(self) -> float:
        """Take the next slot; the seconds to wait before using it (0 when a token was free)."""
        now = self._clock()
        self._refill(now)
        self._tokens -= 1.0
        paused_for = self._updated - now
        if self._tokens >= 0 and paused_for <= 0:
            return 0.0
        return max(0.0, paused_for) + max(0.0, -self._tokens) / self._per_second

    async def acquire(self) -> None:
        """Wait for a slot (first come, first served; a new 429 pause re-queues waiters)."""
        while True:
            pauses = self._pauses
            wait = self.reserve()
            if wait <= 0:
                return
            try:
                await self._sleep(wait)
            except BaseException:
                self._tokens = min(self.burst, self._tokens + 1.0)  # give the slot back
                raise
            if pauses == self._pauses:
                return
            # Paused by a 429 while waiting: queue again behind the pause.
            self._tokens = min(self.burst, self._tokens + 1.0)

    def on_rate_limited(self, retry_after: float | None) -> None:
        """Slow down: multiplicative decrease, and pause until `retry_after` has passed."""
        now = self._clock()
        self._refill(now)
        if retry_after is not None and not math.isfinite(retry_after):
            retry_after = None  # a caller that skipped the client's cap: no endless pause
        if retry_after is not None and retry_after > 0 and now + retry_after > self._updated:
            self._updated = now + retry_after
            self._tokens = min(self._tokens, 0.0)
            self._pauses += 1
        if now - self._last_decrease >= self._cooldown:
            self._last_decrease = now
            self._per_second = max(self._min_per_second, self._per_second * self._decrease)
            # Drop the burst credit: the server just said we are going too fast.
            self._tokens = min(self._tokens, 0.0)
        self._last_increase = max(now, self._updated)

    def on_success(self) -> None:
        """Recover: additive increase, proportional to the time since the last increase."""
        if self._per_second >= self._max_per_second:
            return
        now = self._clock()
        elapsed = now - self._last_increase
        if elapsed <= 0:
            return
        self._refill(now)
        self._last_increase = now
        step = self._max_per_second * elapsed / self._recovery
        self._per_second = min(self._max_per_second, self._per_second + step)

    def __repr__(self) -> str:
        return (
            f"<TokenBucketLimiter {self.rate:.0f}/min of {self.configured_rate:.0f}/min "
            f"burst={self.burst:g}>"
        )


class RetryBudget:
    """At most `ratio` of the requests of the last `window` seconds may be retries.

    `floor` retries per window are always allowed, so a quiet client still retries its rare
    failures. The retry middleware records every first attempt (`record_request`) and asks
    `try_retry()` before each retry; when it says no, the request gives up with its last
    error. Time is kept in ten buckets per window.
    """

    _BUCKETS = 10

    def __init__(
        self,
        ratio: float = 0.1,
        *,
        window: float = 10.0,
        floor: int = 10,
        clock: Clock = time.monotonic,
    ) -> None:
        if not 0 <= ratio <= 1:
            raise ValueError("ratio must be between 0 and 1")
        if window <= 0:
            raise ValueError("window must be positive")
        if floor < 0:
            raise ValueError("floor must be >= 0")
        self.ratio = ratio
        self.window = window
        self.floor = floor
        self._clock = clock
        self._width = window / self._BUCKETS
        self._requests = [0] * self._BUCKETS
        self._retries = [0] * self._BUCKETS
        self._epochs = [-1] * self._BUCKETS

    @classmethod
    def of(cls, value: RetryBudget | float | None) -> RetryBudget | None:
        """A budget from a ratio (`0.1`) or a budget; `None` stays `None` (no budget)."""
        if value is None or isinstance(value, RetryBudget):
            return value
        return cls(float(value))

    def _slot(self) -> int:
        epoch = int(self._clock() / self._width)
        index = epoch % self._BUCKETS
        if self._epochs[index] != epoch:
            self._epochs[index] = epoch
            self._requests[index] = 0
            self._retries[index] = 0
        return index

    def _totals(self) -> tuple[int, int]:
        oldest = int(self._clock() / self._width) - self._BUCKETS + 1
        requests = retries = 0
        for index, epoch in enumerate(self._epochs):
            if epoch >= oldest:
                requests += self._requests[index]
                retries += self._retries[index]
        return requests, retries

    def record_request(self) -> None:
        """A first attempt was sent."""
        self._requests[self._slot()] += 1

    def try_retry(self) -> bool:
        """Spend one retry if the budget allows it."""
        index = self._slot()
        requests, retries = self._totals()
        if retries + 1 > self.floor + self.ratio * requests:
            return False
        self._retries[index] += 1
        return True

    @property
    def available(self) -> int:
        """Retries the budget would allow right now."""
        requests, retries = self._totals()
        return max(0, int(self.floor + self.ratio * requests) - retries)

    def __repr__(self) -> str:
        return f"<RetryBudget {self.ratio:.0%} of {self.window:g}s floor={self.floor}>"
