"""`Retry-After` on every retried status: capped by `max_retry_after`, unusable values ignored.

The retry middleware is driven with an injected `sleep` that records what it was asked to
wait and returns at once, so nothing here depends on the clock.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable

import pytest

from talkover_async import (
    APIStatusError,
    AsyncTalkover,
    InternalServerError,
    RateLimitError,
    ResponseDecodeError,
)
from talkover_async.envelope import parse_retry_after
from talkover_async.http import Request, Response
from talkover_async.middleware import RetryDetails, RetryMiddleware, RetryPolicy
from talkover_async.transports import MockTransport

from .conftest import TOKEN

URL = "http://127.0.0.1:9/api/v1/agents/a1"
OK = b'{"success": true, "data": {"id": "a1", "name": "n"}}'
BUSY = b'{"success": false, "message": "busy"}'
NOW = 1_700_000_000.0

# Values a broken or hostile server may send that must fall back to our own backoff.
UNUSABLE = [
    "-5",
    "-0.5",
    "nan",
    "NaN",
    "-nan",
    "inf",
    "-inf",
    "Infinity",
    "1_000",  # Python's float() accepts it; HTTP does not
    "0x10",
    "١٢",  # Arabic-Indic digits: float() accepts them, HTTP does not
    "garbage",
    "",
    "   ",
    "Fri, 31 Dec 99999 23:59:59 GMT",
    "Thu, 01 Jan 1970 00:00:00 +9999",
    "Mon, 32 Jan 2024 00:00:00 GMT",
    "\x00",
]


class Sleeps:
    """An injected sleep: records each wait, never waits."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def responder(*responses: Response) -> tuple[Callable[[Request], object], list[Request]]:
    seen: list[Request] = []
    queue = list(responses)

    async def call_next(request: Request) -> Response:
        seen.append(request)
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return call_next, seen


def status(code: int, retry_after: str | None, body: bytes = BUSY) -> Response:
    headers = {"Content-Type": "application/json"}
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    return Response(code, headers, body)


def get(safe: bool = True) -> Request:
    return Request("GET" if safe else "POST", URL, operation="agents.get", safe=safe)


# --- parse_retry_after ---------------------------------------------------------------------------
@pytest.mark.parametrize("value", UNUSABLE)
def test_unusable_retry_after_values_parse_to_none(value: str) -> None:
    assert parse_retry_after(value, now=NOW) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0.0),
        ("3", 3.0),
        (" 7 ", 7.0),
        ("1.5", 1.5),
        ("86400", 86400.0),
        ("1e308", 1e308),
        ("1e-400", 0.0),
        ("2E1", 20.0),
        ("Tue, 14 Nov 2023 22:13:30 GMT", 10.0),  # NOW + 10 s
        ("Tue, 14 Nov 2023 22:13:10 GMT", 0.0),  # a date in the past: retry now
    ],
)
def test_usable_retry_after_values(value: str, expected: float) -> None:
    assert parse_retry_after(value, now=NOW) == expected


def test_huge_values_are_finite_and_huge() -> None:
    """A valid but absurd wait stays a (finite) huge number, so the cap refuses it."""
    for value in ("9" * 400, "9" * 5_000, "1e309", "Sun, 06 Nov 9999 08:49:37 GMT"):
        wait = parse_retry_after(value, now=NOW)
        assert wait is not None and math.isfinite(wait) and wait > 10**9, value
    assert parse_retry_after("9" * 400) == sys.float_info.max


def test_non_text_values_parse_to_none() -> None:
    assert parse_retry_after(None) is None
    assert parse_retry_after(b"5") is None  # type: ignore[arg-type]
    assert parse_retry_after(5) is None  # type: ignore[arg-type]


# --- the cap on every retried status ------------------------------------------------------------
@pytest.mark.parametrize("code", [408, 500, 502, 503, 504])
@pytest.mark.parametrize(
    "retry_after", ["86400", "1e308", "Sun, 06 Nov 9999 08:49:37 GMT", "9" * 400]
)
async def test_5xx_retry_after_above_the_cap_fails_fast(code: int, retry_after: str) -> None:
    sleeps = Sleeps()
    mw = RetryMiddleware(RetryPolicy(max_retries=3, max_retry_after=60), sleep=sleeps)
    call_next, seen = responder(status(code, retry_after), status(200, None, OK))
    with pytest.raises((APIStatusError, ResponseDecodeError)) as info:
        await mw(get(), call_next)  # type: ignore[arg-type]
    assert type(info.value) is (APIStatusError if code == 408 else InternalServerError)
    assert sleeps.waits == []
    assert len(seen) == 1
    assert info.value.status_code == code
    assert [a.status_code for a in info.value.attempts] == [code]


async def test_503_retry_after_above_cap_raises_internal_server_error_with_attempts() -> None:
    sleeps = Sleeps()
    mw = RetryMiddleware(RetryPolicy(max_retries=3, max_retry_after=30), sleep=sleeps)
    call_next, seen = responder(status(503, "5"), status(503, "86400"), status(200, None, OK))
    with pytest.raises(InternalServerError) as info:
        await mw(get(), call_next)  # type: ignore[arg-type]
    assert sleeps.waits == [5.0]
    assert len(seen) == 2
    assert [a.status_code for a in info.value.attempts] == [503, 503]
    assert info.value.attempts[0].wait == 5.0


async def test_5xx_retry_after_under_the_cap_is_honoured() -> None:
    sleeps = Sleeps()
    mw = RetryMiddleware(RetryPolicy(max_retries=3, max_retry_after=60), sleep=sleeps)
    call_next, _ = responder(status(503, "42"), status(200, None, OK))
    response = await mw(get(), call_next)  # type: ignore[arg-type]
    assert response.status_code == 200
    assert sleeps.waits == [42.0]


@pytest.mark.parametrize("code", [429, 503])
@pytest.mark.parametrize("retry_after", UNUSABLE)
async def test_unusable_retry_after_falls_back_to_backoff(code: int, retry_after: str) -> None:
    sleeps = Sleeps()
    policy = RetryPolicy(max_retries=2, backoff_initial=0.5, backoff_max=8.0, max_retry_after=60)
    mw = RetryMiddleware(policy, sleep=sleeps)
    call_next, seen = responder(status(code, retry_after), status(code, retry_after), status(200, None, OK))
    response = await mw(get(), call_next)  # type: ignore[arg-type]
    assert response.status_code == 200
    assert len(seen) == 3
    assert len(sleeps.waits) == 2
    assert all(0.0 <= w <= 8.0 and math.isfinite(w) for w in sleeps.waits), sleeps.waits


async def test_429_above_the_cap_still_raises_rate_limit_error() -> None:
    sleeps = Sleeps()
    mw = RetryMiddleware(RetryPolicy(max_retry_after=60), sleep=sleeps)
    call_next, _ = responder(status(429, "Sun, 06 Nov 9999 08:49:37 GMT"))
    with pytest.raises(RateLimitError) as info:
        await mw(get(safe=False), call_next)  # type: ignore[arg-type]
    assert sleeps.waits == []
    assert info.value.retry_after is not None and info.value.retry_after > 10**9


async def test_unsafe_5xx_is_still_not_retried_whatever_retry_after_says() -> None:
    sleeps = Sleeps()
    mw = RetryMiddleware(RetryPolicy(max_retries=3), sleep=sleeps)
    for retry_after in ("1", "86400", "nan"):
        call_next, seen = responder(status(503, retry_after))
        response = await mw(get(safe=False), call_next)  # type: ignore[arg-type]
        assert response.status_code == 503 and len(seen) == 1
    assert sleeps.waits == []


async def test_client_get_503_with_a_day_of_retry_after_fails_fast() -> None:
    """Through the whole client: the hook that runs before each sleep is never reached."""
    asked: list[RetryDetails] = []

    def hook(details: RetryDetails) -> None:
        asked.append(details)
        raise AssertionError(f"would sleep {details.wait} s")

    calls: list[Request] = []

    def handler(request: Request) -> Response:
        calls.append(request)
        return status(503, "86400")

    async with AsyncTalkover(
        TOKEN, env={}, transport=MockTransport(handler), on_retry=[hook], max_retries=5
    ) as client:
        with pytest.raises(InternalServerError) as info:
            await client.agents.get("a1")
    assert asked == [] and len(calls) == 1
    assert info.value.status_code == 503 and len(info.value.attempts) == 1
