"""`WebhookReceiver`: the webhook core with its aiohttp.web and ASGI entry points.

- `receiver.handle`: an aiohttp.web route handler (`app.router.add_post(path, receiver.handle)`);
- `receiver.asgi_app()`: an ASGI 3 app for FastAPI, Starlette or any ASGI server;
- `receiver.process(raw_body, headers)`: the same logic for a body already read, in any
  framework (`receiver.receive(headers, read)` reads it within the size limit).

The work itself (size, signature, parse, timestamp tolerance, duplicates, handlers) and the
answers are in `core`; the adapters are `aiohttp` and `asgi`.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiohttp import web

from . import aiohttp as _aiohttp
from .asgi import ASGIWebhookApp
from .core import (
    DEFAULT_DEDUPE_SIZE,
    DELIVERY_ID_HEADER,
    EVENT_HEADER,
    DedupeStore,
    MemoryDedupeStore,
    WebhookCore,
    WebhookResult,
)

__all__ = [
    "DEFAULT_DEDUPE_SIZE",
    "DELIVERY_ID_HEADER",
    "EVENT_HEADER",
    "DedupeStore",
    "MemoryDedupeStore",
    "WebhookReceiver",
    "WebhookResult",
]


class WebhookReceiver(WebhookCore):
    """Receives Talkover webhook deliveries and dispatches them to handlers by event name.

    `secret` is required as a keyword: one secret or several (rotation), or `None` to accept
    unsigned deliveries (only for webhooks configured without `webhook_secret`). `header`,
    `id_header` and `event_header` are our assumptions (the vendor names none of them).
    `dedupe` is a `DedupeStore`, a size for the built-in LRU, or `None`/0 to turn it off; its
    key is the delivery-id and event-name headers with the SHA-256 of the signed body.
    `max_body_size` is checked on `Content-Length` before reading and while reading.
    `tolerance` (seconds or a `timedelta`, default None: off) refuses events whose `timestamp`
    is further than that from `clock()` (Unix seconds, `time.time` by default).
    `read_timeout` (seconds, default 30, None: no deadline) answers 408 to a body still
    incomplete after that long. Handlers may be async or sync (sync ones run on the event
    loop: keep them short).
    """

    __slots__ = ()

    async def handle(self, request: web.Request) -> web.Response:
        """aiohttp.web route handler: `app.router.add_post("/webhooks", receiver.handle)`."""
        return await _aiohttp.handle(self, request)

    def asgi_app(self, *, methods: Iterable[str] = ("POST",)) -> ASGIWebhookApp:
        """An ASGI 3 app for this receiver: `app.mount("/webhooks", receiver.asgi_app())`.

        `methods`: the HTTP methods accepted (others get 405); add `"PUT"` or `"PATCH"` when
        the webhook's `http_method` is one of them.
        """
        return ASGIWebhookApp(self, methods=methods)
