"""Applies the client's rate limiter and in-flight bound to every attempt.

It sits inside the retry middleware (retry -> user middleware -> rate limit -> auth ->
logging -> transport), so each retry waits for its own slot, and a `deadline` covers the
waits too. It tells the limiter how each attempt went: 429 slows it down (honouring
`Retry-After`), any other answer below 500 lets it recover.

It also keeps a `SendProbe` up to date when the caller installed one (`probe()`), so a caller
that cancels or times out a request can tell a request still held back here (certainly not
sent) from one already handed to the transport (maybe sent). The dispatcher uses it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ..envelope import parse_retry_after
from ..errors import APIConnectionError
from ..http import Request, Response
from ..instrumentation.metrics import observed_acquire
from ..limits import RateLimiter
from .base import Handler

__all__ = ["RateLimitMiddleware", "SendProbe", "install_probe", "probe"]


class SendProbe:
    """What became of the current request of a task, as far as the limits saw it.

    `state` is `None` until the request reaches this middleware, then `"held"` while it waits
    for the limits, `"sending"` while the transport has it, and `"refused"` after an attempt
    the server provably did not act on (429, or a connection that never left).
    """

    __slots__ = ("started", "state")

    def __init__(self) -> None:
        self.started = False
        self.state: str | None = None

    def reset(self) -> None:
        """Forget the previous request (a worker reusing its probe for the next one)."""
        self.started = False
        self.state = None

    @property
    def maybe_sent(self) -> bool:
        """False only when the request certainly never reached the server's logic.

        Without a rate-limit middleware in the chain nothing reports, so a started request
        counts as maybe sent.
        """
        return self.started and self.state not in ("held", "refused")

    def __repr__(self) -> str:
        return f"<SendProbe started={self.started} state={self.state}>"


_probe: ContextVar[SendProbe | None] = ContextVar("talkover_send_probe", default=None)


def install_probe() -> SendProbe:
    """Install a `SendProbe` for the rest of the current task (its context is its own).

    Cheaper than `probe()` for a worker task that reuses one probe (`reset()` it per request).
    """
    current = SendProbe()
    _probe.set(current)
    return current


@contextmanager
def probe() -> Iterator[SendProbe]:
    """Install a fresh `SendProbe` for the requests this task makes inside the block."""
    current = SendProbe()
    token = _probe.set(current)
    try:
        yield current
    finally:
        _probe.reset(token)


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
        current = _probe.get()
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
                limiter.on_rate_limited(parse_retry_after(response.headers.get("retry-after")))
            elif status < 500:
                limiter.on_success()
        return response

    def __repr__(self) -> str:
        return f"<RateLimitMiddleware limiter={self.limiter!r} max_in_flight={self.max_in_flight}>"
