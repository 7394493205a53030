"""`AiohttpTransport`: one lazily created `aiohttp.ClientSession` per transport.

The session is created on first use, inside the running event loop, with explicit connector
limits and timeouts; `aclose()` closes it. aiohttp errors are mapped to `APIConnectionError`
with `sent=False` only when the request provably never left (connect refused, DNS failure,
no pooled connection within the connect timeout).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from typing import Any

import aiohttp
from aiohttp.connector import Connection
from yarl import URL

from ..errors import APIConnectionError, APITimeoutError, ConfigurationError
from ..http import Request, Response, Timeout

__all__ = ["AiohttpTransport"]

_NOT_SENT = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)
_URL_CACHE_SIZE = 1024
#: Bytes asked of each `recv()` on our connections. asyncio's selector transport asks for
#: 256 KiB, above glibc's 128 KiB mmap threshold: depending on the heap's layout, every read
#: can then cost mmap + mremap + munmap and fresh page faults (python/cpython#85451). Our
#: responses are small (a 100-item page is about 45 KB), so 64 KiB reads come from the heap
#: and a large body only takes a few more reads. Over TLS, asyncio's SSL protocol reads the
#: decrypted data the same way (256 KiB per read, and one more read that finds nothing).
RECV_SIZE = 64 * 1024


def _cap_read_size(transport: object) -> None:
    """Lower the read size of an asyncio transport (plain or TLS), once per connection.

    Transports without these attributes (uvloop's, the proactor loop's) are left alone.
    """
    if getattr(transport, "max_size", 0) > RECV_SIZE:  # selector socket transport
        transport.max_size = RECV_SIZE  # type: ignore[attr-defined]
        return
    tls = getattr(transport, "_ssl_protocol", None)  # asyncio's TLS transport
    if getattr(tls, "max_size", 0) > RECV_SIZE:
        tls.max_size = RECV_SIZE  # type: ignore[union-attr]


class _ClientRequest(aiohttp.ClientRequest):
    """aiohttp's request, lowering the read size of the connection it is sent on."""

    def send(
        self, conn: Connection, *args: Any, **kwargs: Any
    ) -> Coroutine[Any, Any, aiohttp.ClientResponse]:
        _cap_read_size(conn.transport)
        # aiohttp awaits what this returns: no extra coroutine layer of our own.
        return super().send(conn, *args, **kwargs)


class AiohttpTransport:
    """Sends requests with aiohttp.

    `limit` bounds open connections (the pool); `keepalive_timeout` is kept shorter than
    common server idle timeouts so a pooled connection is rarely stale.
    """

    def __init__(
        self,
        *,
        limit: int = 100,
        limit_per_host: int = 0,
        keepalive_timeout: float = 15.0,
        timeout: Timeout | None = None,
        ssl: bool | None = None,
    ) -> None:
        if limit < 0 or limit_per_host < 0:
            raise ConfigurationError("connection limits must be >= 0")
        self._limit = limit
        self._limit_per_host = limit_per_host
        self._keepalive_timeout = keepalive_timeout
        self._default_timeout = timeout or Timeout()
        self._ssl = ssl
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timeouts: dict[Timeout, aiohttp.ClientTimeout] = {}
        #: Parsed URLs by text: a dispatcher sends to the same few URLs over and over, and
        #: yarl parsing is a visible share of a request's CPU. Bounded, URLs are immutable.
        self._urls: dict[str, URL] = {}
        self._closed = False

    def _client_timeout(self, timeout: Timeout | None) -> aiohttp.ClientTimeout:
        timeout = timeout or self._default_timeout
        cached = self._timeouts.get(timeout)
        if cached is None:
            cached = aiohttp.ClientTimeout(
                total=timeout.total, connect=timeout.connect, sock_read=timeout.read
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
        connector = aiohttp.TCPConnector(
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
            request_class=_ClientRequest,
            raise_for_status=False,
        )
        self._loop = loop
        return self._session

    async def send(self, request: Request) -> Response:
        """Send one request and read the whole body."""
        session = self._get_session()
        url = self._urls.get(request.url)
        if url is None:
            if len(self._urls) >= _URL_CACHE_SIZE:
                self._urls.clear()
            url = self._urls[request.url] = URL(request.url, encoded=True)
        started = time.perf_counter()
        try:
            async with session.request(
                request.method,
                url,
                headers=request.headers,
                data=request.content,
                timeout=self._client_timeout(request.timeout),
                allow_redirects=False,
            ) as resp:
                body = await resp.read()
                return Response(
                    resp.status, resp.headers, body, request, time.perf_counter() - started
                )
        except _NOT_SENT as exc:
            if isinstance(exc, aiohttp.ConnectionTimeoutError):
                raise APITimeoutError("timed out waiting for a connection", sent=False) from None
            raise APIConnectionError(
                f"could not connect: {type(exc).__name__}", sent=False
            ) from None
        except aiohttp.SocketTimeoutError:
            raise APITimeoutError("timed out reading the response", sent=True) from None
        except TimeoutError:
            raise APITimeoutError("request timed out", sent=True) from None
        except aiohttp.InvalidURL:
            raise ConfigurationError("invalid request URL (check base_url)") from None
        except (aiohttp.ClientError, OSError) as exc:
            raise APIConnectionError(
                f"connection lost after sending: {type(exc).__name__}", sent=True
            ) from None

    async def aclose(self) -> None:
        """Close the session and its connections. Safe to call twice."""
        self._closed = True
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else ("open" if self._session else "idle")
        return f"<AiohttpTransport limit={self._limit} {state}>"
