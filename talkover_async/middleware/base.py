"""The `Middleware` protocol and the chain that links middleware around a transport.

Each middleware gets the request and `call_next`, the rest of the chain; it may change the
request, retry, time or log the call. The chain is built once per client, not per request.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, runtime_checkable

from ..http import Request, Response

__all__ = ["Handler", "Middleware", "build_chain"]

Handler = Callable[[Request], Awaitable[Response]]


@runtime_checkable
class Middleware(Protocol):
    """Wraps the rest of the chain: `await call_next(request)` sends the request on.

    Usually an `async def __call__`. A plain `def` that returns an awaitable (such as
    `call_next(request)` itself) also works: the built-in auth and logging middleware do that
    on their common path, so they add no coroutine of their own to each request.
    """

    def __call__(self, request: Request, call_next: Handler) -> Awaitable[Response]:
        """Handle one request."""
        ...


def build_chain(middleware: Sequence[Middleware], endpoint: Handler) -> Handler:
    """Link `middleware` (outermost first) in front of `endpoint` into one handler."""
    handler = endpoint
    for mw in reversed(middleware):
        handler = functools.partial(mw, call_next=handler)
    return handler
