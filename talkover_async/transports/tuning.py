"""The aiohttp transport's performance patches, kept apart from its logic (`aiohttp.py`).

Each patch carries a pointer to the benchmark that justifies it. The read-size patch reaches
into private attributes of asyncio's transports; where they are missing (uvloop, the
proactor loop, a future asyncio) it does nothing, and it never raises
(`tests/test_transport_tuning.py`).
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

import aiohttp
from aiohttp.connector import Connection
from yarl import URL

__all__ = ["RECV_SIZE", "URL_CACHE_SIZE", "ReadSizeClientRequest", "URLCache", "cap_read_size"]

#: Bytes asked of each `recv()` on our connections. asyncio's selector transport asks for
#: 256 KiB, above glibc's 128 KiB mmap threshold: depending on the heap's layout, every read
#: can then cost mmap + mremap + munmap and fresh page faults (python/cpython#85451). Our
#: responses are small (a 100-item page is about 45 KB), so 64 KiB reads come from the heap
#: and a large body only takes a few more reads. Over TLS, asyncio's SSL protocol reads the
#: decrypted data the same way (256 KiB per read, and one more read that finds nothing).
#: Benchmark: `benchmarks/README.md`, "P1/P2 control" (`run.py` runs P1/P2 with and without it).
RECV_SIZE = 64 * 1024


def cap_read_size(transport: object) -> None:
    """Lower the read size of an asyncio transport (plain or TLS) to `RECV_SIZE`.

    Reaches into asyncio's private `max_size` (selector socket transport) and
    `_ssl_protocol.max_size` (TLS). A transport without them, or with something else there,
    is left alone: never an error.
    """
    try:
        if getattr(transport, "max_size", 0) > RECV_SIZE:  # selector socket transport
            transport.max_size = RECV_SIZE  # type: ignore[attr-defined]
            return
        tls = getattr(transport, "_ssl_protocol", None)  # asyncio's TLS transport
        if getattr(tls, "max_size", 0) > RECV_SIZE:
            tls.max_size = RECV_SIZE  # type: ignore[union-attr]
    except (AttributeError, TypeError):  # read-only, or not a number: not ours to tune
        pass


class ReadSizeClientRequest(aiohttp.ClientRequest):
    """aiohttp's request, lowering the read size of the connection it is sent on
    (`cap_read_size`; benchmark: see `RECV_SIZE`)."""

    def send(
        self, conn: Connection, *args: Any, **kwargs: Any
    ) -> Coroutine[Any, Any, aiohttp.ClientResponse]:
        cap_read_size(conn.transport)
        # aiohttp awaits what this returns: no extra coroutine layer of our own.
        return super().send(conn, *args, **kwargs)


#: URLs kept per transport before the cache starts again from empty.
URL_CACHE_SIZE = 1024


class URLCache(dict[str, URL]):
    """Parsed request URLs by text (`cache[text]`), bounded by `URL_CACHE_SIZE`.

    A dispatcher sends to the same few URLs over and over; a cached `URL` skips yarl's parse
    and keeps the properties aiohttp reads from it computed. A hit is a plain dict lookup (no
    Python call); a miss parses. Benchmark: `benchmarks/README.md`, "Transport tuning".
    """

    __slots__ = ()

    def __missing__(self, text: str) -> URL:
        if len(self) >= URL_CACHE_SIZE:
            self.clear()
        url = self[text] = URL(text, encoded=True)
        return url
