"""`MockTransport`: answers requests with a handler function, without any socket."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from ..errors import APIConnectionError, APITimeoutError, TalkoverError
from ..http import Request, Response
from .redirects import redirect_error

__all__ = ["MockHandler", "MockTransport"]

MockHandler = Callable[[Request], Response | Awaitable[Response]]


class MockTransport:
    """A transport that hands each request to `handler` (sync or async, or a `FakeTalkover`).

    Exceptions from the handler are translated as a real network would surface them:
    `ConnectionRefusedError` -> `APIConnectionError(sent=False)`, other `OSError` ->
    `APIConnectionError(sent=True)`, `TimeoutError` -> `APITimeoutError(sent=True)`. A 3xx
    raises `RedirectError`, as over the network.
    """

    def __init__(self, handler: MockHandler) -> None:
        self.handler = handler

    async def send(self, request: Request) -> Response:
        """Call the handler; await its result if it is awaitable."""
        try:
            result = self.handler(request)
            if inspect.isawaitable(result):
                result = await result
        except TalkoverError:
            raise
        except ConnectionRefusedError as exc:
            raise APIConnectionError(f"connection refused: {exc}", sent=False) from None
        except TimeoutError:
            raise APITimeoutError("request timed out", sent=True) from None
        except OSError as exc:
            raise APIConnectionError(f"connection lost: {type(exc).__name__}", sent=True) from None
        if not isinstance(result, Response):
            raise TypeError(f"mock handler returned {type(result).__name__}, not Response")
        if result.request is None:
            result = Response(
                result.status_code, result.headers, result.content, request, result.elapsed
            )
        if 300 <= result.status_code < 400:
            raise redirect_error(result)
        return result

    async def aclose(self) -> None:
        """Nothing to release."""

    def __repr__(self) -> str:
        return f"<MockTransport handler={type(self.handler).__name__}>"
