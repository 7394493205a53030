"""The `Transport` protocol: sends one `Request`, returns one `Response`.

A transport knows nothing about Talkover. It raises `APIConnectionError` (with `sent` saying
whether the request may have reached the server) or `APITimeoutError`, never anything else.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from ..http import Request, Response

__all__ = ["Transport"]


@runtime_checkable
class Transport(Protocol):
    """Anything that can send a request and be closed."""

    async def send(self, request: Request) -> Response:
        """Send `request` and return the complete response (body read)."""
        ...

    async def aclose(self) -> None:
        """Release connections and other resources."""
        ...
