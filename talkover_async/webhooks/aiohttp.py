"""The aiohttp.web adapter: `handle(core, request)` -> `web.Response`.

`WebhookReceiver.handle` is this function bound to the receiver:
`app.router.add_post("/webhooks", receiver.handle)`.

The body is streamed from `request.content` within the receiver's `max_body_size`: a larger
`Content-Length` is refused (413) before anything is read, and no more than
`max_body_size + 1` bytes are read, whatever the app's `client_max_size`, within the
receiver's `read_timeout`. Headers are read from `request.raw_headers`, as the ASGI adapter
reads them: a repeated header is joined (a doubled signature is malformed), not the first.
"""

from __future__ import annotations

from aiohttp import web

from .core import HeaderMap, WebhookCore

__all__ = ["handle"]


async def handle(core: WebhookCore, request: web.Request) -> web.Response:
    """Receive one delivery through aiohttp.web and answer it."""
    # The raw pairs, as the ASGI adapter gets them: a repeated header is joined, not the first.
    headers = HeaderMap(request.raw_headers)
    if request.body_exists and not request.can_read_body:
        # A middleware already read the body: aiohttp kept it, and `process` checks its size.
        result = await core.process(await request.read(), headers)
    else:
        result = await core.receive(headers, request.content.read)
    return web.Response(status=result.status, body=result.body, headers=dict(result.headers))
