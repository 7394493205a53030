"""`AiohttpTransport`: one lazily created `aiohttp.ClientSession` per transport.

The session is created on first use, inside the running event loop, with explicit connector
limits and timeouts; `aclose()` closes it. aiohttp errors are mapped to `APIConnectionError`
with `sent=False` only when the request provably never left (connect refused, DNS failure,
no pooled connection within the pool timeout, the client closed while it waited), and name
the host and port (or the proxy) and the cause, redacted.

What the server sends is bounded: a body above `max_response_size` (announced by
`Content-Length`, or counted after decompression as it arrives) raises
`ResponseTooLargeError` without reading the rest, and a 3xx raises `RedirectError` (never
followed, never decoded).

The performance patches (read size, URL cache) live in `tuning.py`; this module is the logic.
"""

from __future__ import annotations

import asyncio
import os
import socket
import ssl
import time
from collections.abc import Coroutine
from typing import Any

import aiohttp
import attrs
from aiohttp.connector import Connection
from yarl import URL

from ..errors import (
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    ConfigurationError,
    ResponseTooLargeError,
    TalkoverError,
)
from ..http import Request, Response, Timeout
from ..redaction import redact_url
from .redirects import redirect_error
from .tuning import (
    RECV_SIZE,  # noqa: F401 - its old home, still imported by benchmarks
    ReadSizeClientRequest,
    URLCache,
)

__all__ = ["DEFAULT_MAX_RESPONSE_SIZE", "AiohttpTransport"]

#: 32 MiB. The largest documented answers are pages of at most 100 items: about 45 KB for
#: agents, a few MB for calls with long transcripts. 32 MiB leaves several times that, and
#: bounds what one request can hold in memory (times `connection_limit` at worst).
DEFAULT_MAX_RESPONSE_SIZE = 32 * 1024 * 1024
class _PoolTimeout(aiohttp.ClientConnectionError):
    """No connection of the pool became free within `Timeout.pool`."""


class _ClosedWhileWaiting(aiohttp.ClientConnectionError):
    """The transport was closed while the request waited for a connection."""


#: Set on the `CancelledError` that ends a queued connect ("pool" while waiting for a free
#: connection, "connect" while opening one), so that a `total` timeout firing there is known
#: not to have sent anything.
_NOT_SENT_MARK = "_talkover_not_sent"


#: The private aiohttp method (3.11+) our connector hooks. Should a later aiohttp drop it,
#: the connector falls back to aiohttp's own queue (no `pool` timeout) instead of failing;
#: `tests/test_pool_and_shutdown.py` would show it.
_QUEUE_HOOK = hasattr(aiohttp.TCPConnector, "_wait_for_available_connection")


@attrs.frozen(slots=True)
class _ClientTimeout(aiohttp.ClientTimeout):
    """aiohttp's timeouts plus our pool wait (read by `_Connector.connect`)."""

    pool: float | None = None


class _Connector(aiohttp.TCPConnector):
    """aiohttp's connector, with the wait for a free connection kept out of the connect
    timeout (aiohttp counts it in `ClientTimeout.connect`), bounded by its own `pool`
    timeout, and ended by `close()` with an error rather than a bare `CancelledError`."""

    def connect(
        self, req: aiohttp.ClientRequest, traces: list[Any], timeout: aiohttp.ClientTimeout
    ) -> Coroutine[Any, Any, Connection]:
        limit = self._limit
        if not _QUEUE_HOOK or (
            (not limit or len(self._acquired) < limit) and not self._limit_per_host
        ):
            # A free slot: no queue to wait in. aiohttp awaits what this returns.
            return super().connect(req, traces, timeout)
        return self._queue_then_connect(req, traces, timeout)

    async def _queue_then_connect(
        self, req: aiohttp.ClientRequest, traces: list[Any], limits: aiohttp.ClientTimeout
    ) -> Connection:
        key = req.connection_key
        stage = "pool"
        try:
            if key not in self._conns and self._available_connections(key) <= 0:
                pool = limits.pool if isinstance(limits, _ClientTimeout) else None
                try:
                    async with asyncio.timeout(pool):
                        await self._wait_for_available_connection(key, traces)
                except TimeoutError:
                    raise _PoolTimeout(pool) from None
            stage = "connect"
            # No await between the end of the wait and aiohttp's own check of the slot.
            return await super().connect(req, traces, limits)
        except asyncio.CancelledError as exc:
            # A `total` timeout (or the caller) cancelled us before anything was sent.
            setattr(exc, _NOT_SENT_MARK, stage)
            raise

    async def _wait_for_available_connection(self, key: Any, traces: list[Any]) -> None:
        try:
            await super()._wait_for_available_connection(key, traces)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            # close() cancels the waiters' futures; the task itself was not cancelled.
            if self._closed and task is not None and not task.cancelling():
                raise _ClosedWhileWaiting from None
            raise


class AiohttpTransport:
    """Sends requests with aiohttp.

    `limit` bounds open connections (the pool); `keepalive_timeout` is kept shorter than
    common server idle timeouts so a pooled connection is rarely stale. `proxy` is the URL
    of an HTTP proxy every request goes through (credentials in it are sent to the proxy
    only, and never shown). `max_response_size` caps a response body in bytes, after
    decompression (None or 0: no cap).
    """

    def __init__(
        self,
        *,
        limit: int = 100,
        limit_per_host: int = 0,
        keepalive_timeout: float = 15.0,
        timeout: Timeout | None = None,
        ssl: bool | None = None,
        proxy: str | None = None,
        max_response_size: int | None = DEFAULT_MAX_RESPONSE_SIZE,
    ) -> None:
        if limit < 0 or limit_per_host < 0:
            raise ConfigurationError("connection limits must be >= 0")
        if max_response_size is not None and (
            isinstance(max_response_size, bool)
            or not isinstance(max_response_size, int)
            or max_response_size < 0
        ):
            raise ConfigurationError("max_response_size must be a number of bytes >= 0 or None")
        self._limit = limit
        self._limit_per_host = limit_per_host
        self._keepalive_timeout = keepalive_timeout
        self._default_timeout = timeout or Timeout()
        self._ssl = ssl
        self._proxy = _proxy_url(proxy)
        self._max_response_size = max_response_size or 0
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timeouts: dict[Timeout, aiohttp.ClientTimeout] = {}
        self._urls = URLCache()  # tuning: parsed URLs by text
        self._closed = False

    @property
    def proxy(self) -> str | None:
        """The proxy requests go through, credentials masked (None: direct)."""
        return redact_url(str(self._proxy)) if self._proxy is not None else None

    @property
    def max_response_size(self) -> int | None:
        """The largest response body accepted, in bytes (None: no limit)."""
        return self._max_response_size or None

    def _client_timeout(self, timeout: Timeout | None) -> aiohttp.ClientTimeout:
        timeout = timeout or self._default_timeout
        cached = self._timeouts.get(timeout)
        if cached is None:
            # `connect` would also bound the queue for a pooled connection in aiohttp: our
            # connector waits for a slot first, under `pool`, then connects under `connect`.
            cached = _ClientTimeout(
                total=timeout.total,
                connect=timeout.connect,
                sock_read=timeout.read,
                pool=timeout.pool,
            )
            self._timeouts[timeout] = cached
        return cached

    def _get_session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        session = self._session
        if session is not None:
            if loop is not self._loop:
                raise ConfigurationError(
                    "this client is bound to another event loop; create one client per loop"
                )
            return session
        if self._closed:
            raise ConfigurationError("the client is closed")
        connector = _Connector(
            limit=self._limit,
            limit_per_host=self._limit_per_host,
            keepalive_timeout=self._keepalive_timeout,
            ttl_dns_cache=300,
            ssl=self._ssl if self._ssl is not None else True,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=self._client_timeout(None),
            cookie_jar=aiohttp.DummyCookieJar(),
            request_class=ReadSizeClientRequest,  # tuning: 64 KiB reads
            raise_for_status=False,
            proxy=self._proxy,
            trust_env=False,  # the client resolves HTTP(S)_PROXY/NO_PROXY once, not per request
        )
        self._loop = loop
        return self._session

    async def send(self, request: Request) -> Response:
        """Send one request and read the whole body (up to `max_response_size`)."""
        session = self._get_session()
        url = self._urls[request.url]
        started = time.perf_counter()
        timeout = self._client_timeout(request.timeout)
        error: TalkoverError
        try:
            async with session.request(
                request.method,
                url,
                headers=request.headers,
                data=request.content,
                timeout=timeout,
                allow_redirects=False,
            ) as resp:
                status = resp.status
                if 300 <= status < 400:
                    resp.close()  # the body is never read
                    elapsed = time.perf_counter() - started
                    raise redirect_error(Response(status, resp.headers, b"", request, elapsed))
                limit = self._max_response_size
                length = resp.content_length
                if not limit or (
                    length is not None
                    and length <= limit
                    and "Content-Encoding" not in resp.headers
                ):
                    # aiohttp reads no more than an uncompressed body's Content-Length.
                    body = await resp.read()
                else:
                    body = await _read_capped(resp, limit, length)
                return Response(status, resp.headers, body, request, time.perf_counter() - started)
        except aiohttp.InvalidURL:
            error = ConfigurationError("invalid request URL (check base_url)")
        except (aiohttp.ClientError, OSError) as exc:  # TimeoutError is an OSError
            error = self._connection_error(exc, url, timeout)
        # Raised here, outside the `except`, so aiohttp's exception (whose repr may show the
        # request's headers) is not kept as the error's `__context__`.
        raise error

    def _where(self, url: URL, exc: BaseException) -> str:
        if isinstance(exc, aiohttp.ClientProxyConnectionError) and self._proxy is not None:
            return f"proxy {_host_port(self._proxy)}"
        return _host_port(url)

    def _connection_error(
        self, exc: BaseException, url: URL, timeout: aiohttp.ClientTimeout
    ) -> APIConnectionError:
        """The typed error for an aiohttp failure: host, port and cause, never a header."""
        where = self._where(url, exc)
        if isinstance(exc, _ClosedWhileWaiting):
            return ClientClosedError(
                f"the client was closed while this request to {where} waited for a "
                "connection; it was never sent",
                sent=False,
            )
        if isinstance(exc, _PoolTimeout):
            return APITimeoutError(
                f"timed out after {exc.args[0]}s waiting for a connection from the pool "
                f"(all {self._limit} connections busy) to {where}; it was never sent. "
                "Raise Timeout(pool=...) or connection_limit, or bound max_in_flight",
                sent=False,
            )
        if isinstance(exc, aiohttp.ConnectionTimeoutError):
            return APITimeoutError(
                f"timed out after {timeout.connect}s connecting to {where}", sent=False
            )
        if isinstance(exc, aiohttp.ClientHttpProxyError):
            return APIConnectionError(
                f"the proxy {self.proxy} refused the tunnel to {where}: HTTP {exc.status}",
                sent=False,
            )
        if isinstance(exc, aiohttp.ClientConnectorError):
            return APIConnectionError(f"cannot connect to {where}: {_cause(exc)}", sent=False)
        if isinstance(exc, aiohttp.SocketTimeoutError):
            return APITimeoutError(
                f"timed out after {timeout.sock_read}s reading the response from {where}",
                sent=True,
            )
        if isinstance(exc, TimeoutError):
            stage = getattr(exc.__cause__, _NOT_SENT_MARK, None)
            if stage is not None:
                doing = (
                    f"waiting for a connection from the pool (all {self._limit} connections busy)"
                    if stage == "pool"
                    else "opening a connection"
                )
                return APITimeoutError(
                    f"timed out after {timeout.total}s (total) {doing} to {where}; "
                    "it was never sent",
                    sent=False,
                )
            return APITimeoutError(
                f"request to {where} timed out after {timeout.total}s (total)", sent=True
            )
        if self._closed:
            return ClientClosedError(
                f"the client was closed during this request to {where}", sent=True
            )
        return APIConnectionError(
            f"connection to {where} lost after sending: {_cause(exc)}", sent=True
        )

    async def aclose(self) -> None:
        """Close the session and its connections. Safe to call twice.

        Requests still waiting for a connection fail with `APIConnectionError(sent=False)`;
        requests in flight fail with `APIConnectionError(sent=True)`.
        """
        self._closed = True
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else ("open" if self._session else "idle")
        proxy = f" proxy={self.proxy}" if self._proxy is not None else ""
        return f"<AiohttpTransport limit={self._limit}{proxy} {state}>"


def _proxy_url(proxy: str | None) -> URL | None:
    if proxy is None or proxy == "":
        return None
    try:
        url = URL(proxy)
    except (TypeError, ValueError):
        raise ConfigurationError("proxy must be an http:// or https:// URL") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(
            f"proxy must be an http:// or https:// URL, got {redact_url(proxy)}"
        )
    return url


def _host_port(url: URL) -> str:
    host = url.host or "?"
    if ":" in host:  # IPv6
        host = f"[{host}]"
    return f"{host}:{url.port}"


def _cause(exc: BaseException) -> str:
    """A short cause: the OS error's text (`Connection refused`), or the exception's type.

    Never `str(exc)`: aiohttp's text can hold the URL and its query string."""
    err = getattr(exc, "os_error", None) or getattr(exc, "certificate_error", None) or exc
    if isinstance(err, ssl.SSLError):  # its errno is OpenSSL's, not the OS's
        detail = getattr(err, "verify_message", None) or ""
        text = "TLS error: " + (err.reason or type(err).__name__)
        return f"{text} ({detail})" if detail else text
    errno = getattr(err, "errno", None)
    if isinstance(errno, int) and errno > 0:
        return os.strerror(errno)
    strerror = getattr(err, "strerror", None)  # DNS: "Name or service not known"
    if isinstance(strerror, str) and strerror and isinstance(err, socket.gaierror):
        return strerror
    if isinstance(err, aiohttp.ServerDisconnectedError):
        return "server disconnected"
    if isinstance(err, aiohttp.ClientPayloadError):
        return "the response body was cut short"
    return type(err).__name__


async def _read_capped(resp: aiohttp.ClientResponse, limit: int, length: int | None) -> bytes:
    """The body, refused once it is known to exceed `limit` bytes (after decompression)."""
    if length is not None and length > limit:
        resp.close()
        raise ResponseTooLargeError(limit=limit, status_code=resp.status, announced=length)
    # Chunked or compressed: count what aiohttp hands over, already decompressed (its
    # decompressor works in bounded steps and pauses the socket while we do not read).
    content = resp.content
    chunks: list[bytes] = []
    size = 0
    while chunk := await content.readany():
        size += len(chunk)
        if size > limit:
            resp.close()
            raise ResponseTooLargeError(limit=limit, status_code=resp.status, received=size)
        chunks.append(chunk)
    return b"".join(chunks)
