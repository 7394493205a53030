"""OpenTelemetry metrics of the dispatcher and the rate limiter.

The instruments come from the global MeterProvider (`opentelemetry.metrics`) and are created
once, on first use. Without `opentelemetry-api` installed every function here returns at
once; with it but no MeterProvider set, the API's proxy instruments drop each measurement in
one attribute check (and start recording if the application sets a provider later).

- `talkover.dispatch.calls` (counter, `{call}`): one per dispatcher result, with
  `talkover.dispatch.outcome` = `placed`, `failed`, `maybe_placed`, `cancelled`, `skipped`
  (or any other status the dispatcher reports, e.g. `not_attempted`), and `error.type` (the
  exception class) when the result carries an error. One instrument with an outcome
  attribute, so the outcomes add up to the calls handled.
- `talkover.rate_limit.wait.duration` (histogram, `s`): seconds each request waited in the
  client's rate limiter (zero waits included).
- `talkover.rate_limit.waits` (counter, `{wait}`): acquisitions that waited 1 ms or more.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from .._version import __version__
from .attributes import (
    DISPATCH_CALLS,
    DISPATCH_OUTCOME,
    ERROR_TYPE,
    RATE_LIMIT_WAIT_DURATION,
    RATE_LIMIT_WAITS,
    SCOPE,
    error_type,
)

if TYPE_CHECKING:
    from ..dispatch import DispatchResult
    from ..limits import RateLimiter

__all__ = ["observed_acquire", "record_dispatch_result", "record_rate_limit_wait"]

#: A wait shorter than this is scheduling noise, not the limiter holding a request back.
WAITED = 0.001
#: Histogram buckets in seconds (the semantic conventions' advice for durations, extended to
#: the minute a 429's `Retry-After` can impose).
_BUCKETS = (0.0, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class _Instruments:
    """The instruments, created once from the global MeterProvider."""

    __slots__ = ("calls", "wait_duration", "waits")

    def __init__(self) -> None:
        from opentelemetry import metrics  # ImportError without the `otel` extra

        meter = metrics.get_meter(SCOPE, __version__)
        self.calls = meter.create_counter(
            DISPATCH_CALLS, unit="{call}", description="Calls handled by the dispatcher, by outcome"
        )
        self.waits = meter.create_counter(
            RATE_LIMIT_WAITS,
            unit="{wait}",
            description="Requests held back by the client's rate limiter",
        )
        description = "Time each request waited in the client's rate limiter"
        try:
            self.wait_duration = meter.create_histogram(
                RATE_LIMIT_WAIT_DURATION,
                unit="s",
                description=description,
                explicit_bucket_boundaries_advisory=_BUCKETS,
            )
        except TypeError:  # opentelemetry-api < 1.23: no advisory boundaries
            self.wait_duration = meter.create_histogram(
                RATE_LIMIT_WAIT_DURATION, unit="s", description=description
            )


_loaded = False
_instruments: _Instruments | None = None


def _load() -> _Instruments | None:
    global _instruments, _loaded
    try:
        _instruments = _Instruments()
    except ImportError:
        _instruments = None
    _loaded = True
    return _instruments


def _outcome(result: DispatchResult) -> str:
    """The outcome a result counts as (the same rule as `DispatchSummary.add`)."""
    status = str(result.status.value)
    if status in ("placed", "skipped"):
        return status
    if result.maybe_placed:
        return "maybe_placed"
    return status


def record_dispatch_result(result: DispatchResult) -> None:
    """Count one dispatcher result (called by the dispatcher for each result it produces)."""
    instruments = _instruments if _loaded else _load()
    if instruments is None:
        return
    attributes: dict[str, Any] = {DISPATCH_OUTCOME: _outcome(result)}
    if result.error is not None:
        attributes[ERROR_TYPE] = error_type(result.error)
    instruments.calls.add(1, attributes)


def record_rate_limit_wait(seconds: float) -> None:
    """Record how long one request waited for the rate limiter (a shared limiter may call
    it too)."""
    instruments = _instruments if _loaded else _load()
    if instruments is None:
        return
    instruments.wait_duration.record(seconds)
    if seconds >= WAITED:
        instruments.waits.add(1)


def observed_acquire(limiter: RateLimiter) -> Awaitable[None]:
    """`limiter.acquire()`, timed into the rate-limit metrics when OpenTelemetry is installed
    (otherwise the limiter's own awaitable, untouched)."""
    if (_instruments if _loaded else _load()) is None:
        return limiter.acquire()
    return _timed_acquire(limiter)


async def _timed_acquire(limiter: RateLimiter) -> None:
    started = time.perf_counter()
    await limiter.acquire()
    record_rate_limit_wait(time.perf_counter() - started)
