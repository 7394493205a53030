"""The ASGI 3 adapter: `ASGIWebhookApp(core)`, a plain ASGI application (no dependency).

```python
app = FastAPI()                                   # or Starlette(routes=[...])
app.mount("/webhooks/talkover", receiver.asgi_app())
```

It answers every path it is mounted on. `http` requests with a method outside `methods`
(default `POST`) get 405 with `Allow`; the body is read in chunks within the receiver's
`max_body_size` (a larger `Content-Length` is refused with 413 before anything is read, and
reading stops past `max_body_size + 1` bytes, or after `read_timeout` with 408). `lifespan`
is acknowledged (nothing to start or stop); a `websocket` is closed. A client that
disconnects before its body is complete gets no answer and runs no handler.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any, TypeAlias

from ..errors import ConfigurationError
from .core import HeaderMap, WebhookCore, WebhookResult, logger

__all__ = ["ASGIReceive", "ASGIScope", "ASGISend", "ASGIWebhookApp"]

#: The ASGI 3 callables and scope, typed loosely so that any framework's match.
ASGIScope: TypeAlias = MutableMapping[str, Any]
ASGIReceive: TypeAlias = Callable[[], Awaitable[MutableMapping[str, Any]]]
ASGISend: TypeAlias = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class _Disconnected(Exception):
    """The client went away before its body was complete."""


class ASGIWebhookApp:
    """An ASGI 3 application receiving webhook deliveries for a `WebhookCore`.

    Mount it (`app.mount(path, receiver.asgi_app())`), add it as a route
    (`Route(path, receiver.asgi_app())` in Starlette, `app.add_route(...)` in FastAPI), or
    serve it alone (`uvicorn module:app`). `methods` are the HTTP methods accepted: add
    `"PUT"` or `"PATCH"` when the webhook's `http_method` is one of them.
    """

    __slots__ = ("allow", "core", "methods")

    def __init__(self, core: WebhookCore, *, methods: Iterable[str] = ("POST",)) -> None:
        self.core = core
        if isinstance(methods, str):
            methods = (methods,)
        self.methods = frozenset(str(m).strip().upper() for m in methods)
        if not self.methods or not all(m.isalpha() for m in self.methods):
            raise ConfigurationError("methods must name at least one HTTP method, e.g. POST")
        self.allow = ", ".join(sorted(self.methods))

    def __repr__(self) -> str:
        return f"ASGIWebhookApp({self.core!r}, methods={sorted(self.methods)!r})"

    async def __call__(self, scope: ASGIScope, receive: ASGIReceive, send: ASGISend) -> None:
        kind = scope.get("type")
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await _lifespan(receive, send)
        elif kind == "websocket":
            message = await receive()
            if message.get("type") == "websocket.connect":
                await send({"type": "websocket.close", "code": 1008})
        else:
            raise ValueError(f"unsupported ASGI scope type {kind!r}")

    async def _http(self, scope: ASGIScope, receive: ASGIReceive, send: ASGISend) -> None:
        method = str(scope.get("method", "")).upper()
        if method not in self.methods:
            await _respond(send, WebhookResult(405, "method not allowed"), ("Allow", self.allow))
            return
        reader = _BodyReader(receive)
        try:
            result = await self.core.receive(HeaderMap(scope.get("headers") or ()), reader.read)
        except _Disconnected:
            logger.warning("webhook dropped: the client disconnected before sending its body")
            return
        await _respond(send, result)


class _BodyReader:
    """`read(n)` over ASGI `http.request` messages (a message may hold more than `n`)."""

    __slots__ = ("done", "receive")

    def __init__(self, receive: ASGIReceive) -> None:
        self.receive = receive
        self.done = False

    async def read(self, _n: int) -> bytes:
        while not self.done:
            message = await self.receive()
            kind = message.get("type")
            if kind == "http.disconnect":
                raise _Disconnected
            if kind != "http.request":
                continue
            self.done = not message.get("more_body", False)
            chunk = message.get("body") or b""
            if chunk:
                return bytes(chunk)
        return b""


async def _respond(send: ASGISend, result: WebhookResult, *extra: tuple[str, str]) -> None:
    body = result.body
    headers = [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in (*result.headers, *extra, ("Content-Length", str(len(body))))
    ]
    await send({"type": "http.response.start", "status": result.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: ASGIReceive, send: ASGISend) -> None:
    """Acknowledge startup and shutdown: the receiver holds nothing to open or close."""
    while True:
        message = await receive()
        kind = message.get("type")
        if kind == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif kind == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
