"""The transport's performance patches (`transports/tuning.py`) and the private aiohttp hook of
its connector: each degrades to doing nothing where the private attributes it relies on are
missing (uvloop's transports, a future asyncio or aiohttp), and never raises.

The same patches on a real uvloop loop: `tests/test_uvloop.py`."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from yarl import URL

from talkover_async import Timeout
from talkover_async.http import Request
from talkover_async.transports import AiohttpTransport, tuning
from talkover_async.transports import aiohttp as aiohttp_transport
from talkover_async.transports.tuning import RECV_SIZE, URLCache, cap_read_size
from tests.conftest import ScriptedServer, delay, reply

BIG = 256 * 1024  # asyncio's own read size


class SelectorLike:
    """What asyncio's selector transport looks like to the patch: a `max_size` to lower."""

    def __init__(self, max_size: Any) -> None:
        self.max_size = max_size


class TLSLike:
    """What asyncio's TLS transport looks like: the SSL protocol holds the read size."""

    def __init__(self, protocol: Any) -> None:
        self._ssl_protocol = protocol


class ReadOnlySize:
    """A transport whose `max_size` cannot be set (a C type, a property)."""

    @property
    def max_size(self) -> int:
        return BIG


class Bare:
    __slots__ = ()  # no attribute can be added either


def test_asyncio_shaped_transports_get_the_lower_read_size() -> None:
    plain = SelectorLike(BIG)
    cap_read_size(plain)
    assert plain.max_size == RECV_SIZE
    protocol = SelectorLike(BIG)
    cap_read_size(TLSLike(protocol))
    assert protocol.max_size == RECV_SIZE


def test_a_read_size_already_at_or_below_ours_is_left_as_it_is() -> None:
    small = SelectorLike(16 * 1024)
    cap_read_size(small)
    assert small.max_size == 16 * 1024
    protocol = SelectorLike(RECV_SIZE // 2)
    cap_read_size(TLSLike(protocol))
    assert protocol.max_size == RECV_SIZE // 2


@pytest.mark.parametrize(
    "transport",
    [
        None,  # aiohttp's Connection.transport once the connection is gone
        object(),  # uvloop's transports: no max_size, no _ssl_protocol
        Bare(),
        SelectorLike(None),  # a future asyncio: the attribute is there but not a number
        SelectorLike("262144"),
        TLSLike(None),  # a TLS transport without asyncio's SSL protocol
        TLSLike(object()),
        TLSLike(SelectorLike(None)),
        ReadOnlySize(),
        TLSLike(ReadOnlySize()),
    ],
    ids=lambda t: type(t).__name__ + ("" if not hasattr(t, "max_size") else f"({t.max_size!r})"),
)
def test_missing_or_unexpected_private_attributes_make_the_patch_a_no_op(
    transport: Any,
) -> None:
    before = vars(transport).copy() if hasattr(transport, "__dict__") else None
    cap_read_size(transport)  # never raises
    if before is not None:
        assert vars(transport) == before  # nothing added, nothing changed


async def test_a_request_on_a_connection_without_the_attributes_is_sent_as_usual(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through aiohttp for real, with the connection's transport hidden behind an object that
    lacks asyncio's private attributes (as uvloop's does)."""
    server.on("GET", "/api/v1/agents/a1", reply(200, {"data": {"id": "a1"}}))
    seen: list[Any] = []
    original = tuning.cap_read_size

    def cap_on_a_bare_transport(transport: object) -> None:
        seen.append(transport)
        original(Bare())

    monkeypatch.setattr(tuning, "cap_read_size", cap_on_a_bare_transport)
    transport = AiohttpTransport()
    try:
        response = await transport.send(Request("GET", f"{server.url}/agents/a1"))
    finally:
        await transport.aclose()
    assert response.status_code == 200
    assert response.content == b'{"data": {"id": "a1"}}'
    assert len(seen) == 1  # the request class did call the patch


def test_the_url_cache_parses_once_and_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tuning, "URL_CACHE_SIZE", 3)
    cache = URLCache()
    first = cache["http://127.0.0.1:1/api/v1/agents/a1?x=%2F"]
    assert first == URL("http://127.0.0.1:1/api/v1/agents/a1?x=%2F", encoded=True)
    assert str(first) == "http://127.0.0.1:1/api/v1/agents/a1?x=%2F"  # not re-encoded
    assert cache["http://127.0.0.1:1/api/v1/agents/a1?x=%2F"] is first
    for n in range(10):
        cache[f"http://127.0.0.1:1/{n}"]
        assert len(cache) <= 3


# --- the connector's pool hook (logic, not tuning, but on a private aiohttp method) -----------
def test_the_pool_hook_is_on_only_when_aiohttp_has_the_method() -> None:
    assert hasattr(
        aiohttp.TCPConnector, "_wait_for_available_connection"
    ) == aiohttp_transport._QUEUE_HOOK


async def test_without_the_private_queue_method_requests_queue_in_aiohttp_as_before(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An aiohttp without `_wait_for_available_connection`: the connector falls back to
    aiohttp's own queue. Every request still succeeds; only `Timeout(pool=...)` is not
    applied (with the hook, the same setup fails the queued ones:
    `test_pool_and_shutdown.py::test_a_pool_timeout_fails_the_queued_requests_as_never_sent`)."""
    monkeypatch.setattr(aiohttp_transport, "_QUEUE_HOOK", False)
    server.on("GET", "/api/v1/agents/a1", delay(0.3, reply(200, {"data": {"id": "a1"}})))
    timeout = Timeout(total=30, connect=5, pool=0.05)
    transport = AiohttpTransport(limit=1)
    try:
        responses = await asyncio.gather(
            *(
                transport.send(Request("GET", f"{server.url}/agents/a1", timeout=timeout))
                for _ in range(3)
            )
        )
    finally:
        await transport.aclose()
    assert [r.status_code for r in responses] == [200, 200, 200]
