"""What the server sends is bounded (issue 12, items 1 and 5), over a loopback aiohttp.web
server: a body above `max_response_size` (announced, chunked or compressed) raises
`ResponseTooLargeError` and is not retried; a 3xx raises `RedirectError` naming its redacted
`Location`, is never followed (the token never reaches the target) and a make-call is sent
once. The memory bound itself is shown in `test_response_memory.py`."""

from __future__ import annotations

import gzip
import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from talkover_async import (
    APIStatusError,
    AsyncTalkover,
    RedirectError,
    ResponseDecodeError,
    ResponseTooLargeError,
)
from talkover_async.dispatch import may_have_been_placed

from .conftest import TOKEN, start_app

AGENT = {"success": True, "data": {"id": "a1", "name": "x" * 4000}}
CALL = {"success": True, "data": {"call_id": "c1", "status": "queued"}}
LIMIT = 2048


class Server:
    """Answers every request with `self.answer`; counts requests by path."""

    def __init__(self) -> None:
        self.url = ""
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        self.answer: str = "plain"
        self.location: str | None = None

    async def handle(self, request: web.Request) -> web.StreamResponse:
        await request.read()
        self.seen.append((request.method, request.path, dict(request.headers)))
        body = json.dumps(AGENT if request.method == "GET" else CALL).encode()
        if self.answer == "plain":
            return web.Response(body=body, content_type="application/json")
        if self.answer == "gzip":
            return web.Response(
                body=gzip.compress(body),
                headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
            )
        if self.answer == "chunked":
            resp = web.StreamResponse(headers={"Content-Type": "application/json"})
            resp.enable_chunked_encoding()
            await resp.prepare(request)
            for i in range(0, len(body), 500):
                await resp.write(body[i : i + 500])
            await resp.write_eof()
            return resp
        # a redirect carrying a success body, as a misconfigured proxy or server might send
        headers = {"Content-Type": "application/json"}
        if self.location is not None:
            headers["Location"] = self.location
        return web.Response(status=int(self.answer), body=body, headers=headers)


@pytest.fixture
async def srv() -> AsyncIterator[Server]:
    server = Server()
    runner, server.url = await start_app(server.handle)
    try:
        yield server
    finally:
        await runner.cleanup()


def client_for(server: Server, **kw: object) -> AsyncTalkover:
    return AsyncTalkover(TOKEN, base_url=server.url, env={}, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("answer", ["plain", "gzip", "chunked"])
async def test_a_body_above_the_limit_is_refused_with_a_typed_error(
    srv: Server, answer: str
) -> None:
    srv.answer = answer
    async with client_for(srv, max_response_size=LIMIT) as client:
        with pytest.raises(ResponseTooLargeError) as info:
            await client.agents.get("a1")
    err = info.value
    assert isinstance(err, ResponseDecodeError)
    assert "response too large" in str(err)
    assert "max_response_size" in str(err)  # says how to change the limit
    assert err.limit == LIMIT and err.status_code == 200
    if answer == "plain":  # refused on Content-Length, before reading
        assert err.announced is not None and err.announced > LIMIT and err.received == 0
    else:  # counted as it arrived, decompressed: the gzip body itself is below the limit
        assert err.received > LIMIT
    assert len(srv.seen) == 1  # a safe GET is not retried either: the server sends the same


@pytest.mark.parametrize("answer", ["plain", "gzip", "chunked"])
async def test_a_body_within_the_limit_arrives_whole_and_decompressed(
    srv: Server, answer: str
) -> None:
    srv.answer = answer
    async with client_for(srv, max_response_size=64 * 1024) as client:
        agent = await client.agents.get("a1")
    assert agent.name == "x" * 4000


@pytest.mark.parametrize("limit", [None, 0])
async def test_none_or_zero_disables_the_limit(srv: Server, limit: int | None) -> None:
    srv.answer = "gzip"
    async with client_for(srv, max_response_size=limit) as client:
        assert client.transport.max_response_size is None  # type: ignore[attr-defined]
        assert (await client.agents.get("a1")).name == "x" * 4000


def test_the_default_limit_is_32_mib() -> None:
    client = AsyncTalkover(TOKEN, env={})
    assert client.transport.max_response_size == 32 * 1024 * 1024  # type: ignore[attr-defined]


async def test_a_too_large_answer_to_a_make_call_is_sent_once_and_maybe_placed(
    srv: Server,
) -> None:
    srv.answer = "chunked"
    async with client_for(srv, max_response_size=16, max_retries=3) as client:
        with pytest.raises(ResponseTooLargeError) as info:
            await client.agents.call("a1", to="+14155550100")
    assert [m for m, _, _ in srv.seen] == ["POST"]
    assert may_have_been_placed(info.value)  # the server got it: never "not placed"


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirect_is_a_typed_error_never_a_success_never_followed(
    srv: Server, status: int
) -> None:
    target = Server()  # where the Location points: it must never see a request
    runner, target.url = await start_app(target.handle)
    try:
        srv.answer = str(status)
        srv.location = (
            target.url.replace("http://", "http://user:hunter2@") + "/agents/a1/call"
            "?token=talq_test_leak_0123&sig=abc#frag"
        )
        async with client_for(srv, max_retries=3) as client:
            with pytest.raises(RedirectError) as info:
                await client.agents.call("a1", to="+14155550100")
    finally:
        await runner.cleanup()
    err = info.value
    assert isinstance(err, APIStatusError) and err.status_code == status
    assert str(status) in str(err) and "redirect" in str(err)
    assert err.location is not None and "/agents/a1/call" in err.location
    for text in (str(err), repr(err), err.location, err.response.headers["Location"]):  # type: ignore[union-attr]
        assert "hunter2" not in text and "talq_test_leak" not in text and "abc" not in text
    assert [m for m, _, _ in srv.seen] == ["POST"]  # sent once, not re-sent
    assert target.seen == []  # not followed: the token went nowhere else
    assert may_have_been_placed(err)


async def test_a_redirect_without_location_says_so(srv: Server) -> None:
    srv.answer = "302"
    async with client_for(srv) as client:
        with pytest.raises(RedirectError, match="without a Location") as info:
            await client.agents.get("a1")
    assert info.value.location is None
    assert len(srv.seen) == 1


async def test_mock_transport_refuses_a_redirect_as_the_network_transport_does() -> None:
    from talkover_async.http import Response
    from talkover_async.transports import MockTransport

    def handler(request: object) -> Response:
        body = json.dumps(CALL).encode()
        return Response(302, {"Location": "https://u:pw@elsewhere.example/?k=talq_test_x"}, body)

    async with AsyncTalkover(TOKEN, env={}, transport=MockTransport(handler)) as client:
        with pytest.raises(RedirectError) as info:
            await client.agents.call("a1", to="+14155550100")
    assert info.value.location == "https://***@elsewhere.example/?k=***"
