"""Applies the client's rate limiter and in-flight bound to every attempt.

It sits inside the retry middleware (retry -> user middleware -> rate limit -> auth ->
logging -> transport), so each retry waits for its own slot, and a `deadline` covers the
waits too. It tells the limiter how each attempt went: 429 slows it down (honouring
`Retry-After`, capped by the client's `max_retry_after` like the retry layer's waits), any other
answer below 500 lets it recover. A limiter with an `on_quota(limit, remaining)` method also
gets the `X-RateLimit-Limit` / `X-RateLimit-Remaining` headers when a response carries them.

It also reports, through a private context variable, whether a dispatcher worker's request is
still held back here (certainly not sent) or already handed to the transport (maybe sent):
see `talkover_async.dispatch.probe`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextvars import ContextVar
from typing import Protocol

from ..envelope import parse_retry_after
from ..errors import APIConnectionError
from ..http import Request, Response
from ..instrumentation.metrics import observed_acquire
from ..limits import RateLimiter
from .base import Handler

__all__ = ["RateLimitMiddleware"]


class _SendState(Protocol):
    """The dispatcher's probe (`talkover_async.dispatch.probe`), as this middleware sees it."""

    state: str | None


# Set by the dispatcher for its worker tasks only; this middleware reports into it.
_send_state: ContextVar[_SendState | None] = ContextVar("talkover_send_state", default=None)


class RateLimitMiddleware:
    """Waits for an in-flight slot, then for the rate limiter, then sends."""

    __slots__ = ("_on_quota", "_semaphore", "limiter", "max_in_flight", "max_retry_after")

    def __init__(
        self,
        limiter: RateLimiter | None = None,
        max_in_flight: int | None = None,
        *,
        max_retry_after: float = 60.0,
    ) -> None:
        if max_in_flight is not None and max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        if not max_retry_after >= 0:  # also refuses NaN
            raise ValueError("max_retry_after must be >= 0")
        self.limiter = limiter
        self.max_in_flight = max_in_flight
        #: The client's cap on any wait the server asks for (the retry layer uses the same).
        self.max_retry_after = float(max_retry_after)
        self._semaphore = asyncio.Semaphore(max_in_flight) if max_in_flight else None
        self._on_quota: Callable[[int, int], None] | None = getattr(limiter, "on_quota", None)

    async def __call__(self, request: Request, call_next: Handler) -> Response:
        """Send the request once the limits allow it."""
        current = _send_state.get()
        if current is not None:
            current.state = "held"
        semaphore = self._semaphore
        limiter = self.limiter
        if semaphore is not None:
            await semaphore.acquire()
        try:
            if limiter is not None:
                await observed_acquire(limiter)  # limiter.acquire(), timed into the metrics
            if current is None:
                response = await call_next(request)
            else:
                current.state = "sending"
                try:
                    response = await call_next(request)
                except APIConnectionError as exc:
                    if not exc.sent:
                        current.state = "refused"
                    raise
                if response.status_code == 429:
                    current.state = "refused"
        finally:
            if semaphore is not None:
                semaphore.release()
        if limiter is not None:
            status = response.status_code
            if status == 429:
                limiter.on_rate_limited(self._capped_retry_after(response))
            elif status < 500:
                limiter.on_success()
            if self._on_quota is not None:
                _report_quota(self._on_quota, response)
        return response

    def _capped_retry_after(self, response: Response) -> float | None:
        """The server's `Retry-After`, never above `max_retry_after`.

        `None` for a missing, negative, NaN, infinite or unparseable value (the limiter's own
        slow-down applies); `86400`, `1e308` or a date in year 9999 become the cap.
        """
        wait = parse_retry_after(response.headers.get("retry-after"))
        if wait is None or wait <= 0:
            return None
        return min(wait, self.max_retry_after)

    def __repr__(self) -> str:
        return f"<RateLimitMiddleware limiter={self.limiter!r} max_in_flight={self.max_in_flight}>"


def _report_quota(on_quota: Callable[[int, int], None], response: Response) -> None:
    """Pass `X-RateLimit-Limit` / `X-RateLimit-Remaining` to a limiter that wants them.

    The Talkover API does not document these headers (the fake and Laravel-style servers send
    them), so they are only a hint: absent or malformed headers are ignored.
    """
    headers = response.headers
    limit = headers.get("x-ratelimit-limit")
    remaining = headers.get("x-ratelimit-remaining")
    if limit is None or remaining is None:
        return
    try:
        limit_value, remaining_value = int(limit), int(remaining)
    except ValueError:
        return
    if 0 < limit_value < 10**9 and 0 <= remaining_value <= limit_value:
        on_quota(limit_value, remaining_value)
