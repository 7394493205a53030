"""Applies the client's rate limiter and in-flight bound to every attempt.

It sits inside the retry middleware (retry -> user middleware -> rate limit -> auth ->
logging -> transport), so each retry waits for its own slot, and a `deadline` covers the
waits too. It tells the limiter how each attempt went: 429 slows it down (honouring
`Retry-After`), any other answer below 500 lets it recover.

It also reports, through a private context variable, whether a dispatcher worker's request is
still held back here (certainly not sent) or already handed to the transport (maybe sent):
see `talkover_async.dispatch.probe`.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from typing import Protocol

from ..envelope import parse_retry_after
from ..errors import APIConnectionError
from ..http import Request, Response
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

    __slots__ = ("_semaphore", "limiter", "max_in_flight")

    def __init__(
        self, limiter: RateLimiter | None = None, max_in_flight: int | None = None
    ) -> None:
        if max_in_flight is not None and max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        self.limiter = limiter
        self.max_in_flight = max_in_flight
        self._semaphore = asyncio.Semaphore(max_in_flight) if max_in_flight else None

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
                await limiter.acquire()
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
                limiter.on_rate_limited(parse_retry_after(response.headers.get("retry-after")))
            elif status < 500:
                limiter.on_success()
        return response

    def __repr__(self) -> str:
        return f"<RateLimitMiddleware limiter={self.limiter!r} max_in_flight={self.max_in_flight}>"
