"""Helpers for the fake's own tests: call it in-process or over loopback with plain HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from multidict import CIMultiDict

from talkover_async import _json
from talkover_async.http import Request
from talkover_async.testing import FakeTalkover, serve_fake

TOKEN = "talq_fake_test_token_0001"
OTHER = "talq_fake_test_token_0002"
SESSION = "1|fake_test_session"
BASE = "https://app.talkover.ai/api/v1"

AGENT_BODY = {
    "label": "Sales",
    "name": "Sales agent",
    "language": "en-US",
    "interrupt_sensitivity": "medium",
    "endpointing_sensitivity": "auto",
    "ivr_navigation_mode": "off",
    "direction": "outbound",
}


class Resp:
    """Status, decoded JSON (or None) and headers of one answer."""

    def __init__(self, status: int, body: bytes, headers: Any) -> None:
        self.status = status
        self.body = body
        self.headers = CIMultiDict(headers)
        try:
            self.json: Any = _json.loads(body) if body else None
        except _json.JSONDecodeError:
            self.json = None

    @property
    def data(self) -> Any:
        return self.json["data"]

    def __repr__(self) -> str:
        return f"<Resp {self.status} {self.body[:300]!r}>"


def error_shape(body: Any) -> str:
    """Which documented error shape a body has: E1 (nested `error`), E3 (flat `code`) or
    E2 (E5 too: no code)."""
    return "E1" if "error" in body else "E3" if "code" in body else "E2"


class Api:
    """Sends requests to the fake in-process (a `talkover_async.http.Request` per call)."""

    via = "in-process"

    def __init__(self, fake: FakeTalkover, token: str | None = TOKEN) -> None:
        self.fake = fake
        self.token = token

    def _headers(self, token: str | None, headers: dict[str, str] | None) -> dict[str, str]:
        out = {"Content-Type": "application/json", "Accept": "application/json"}
        if token is not None:
            out["Authorization"] = f"Bearer {token}"
        out.update(headers or {})
        return out

    async def __call__(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: Any = ...,
        query: dict[str, Any] | None = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Resp:
        tok = self.token if token is ... else token
        content = raw if raw is not None else (_json.dumps(body) if body is not None else None)
        return await self._send(method, path, query, content, self._headers(tok, headers))

    # How a request reaches the fake: `LoopbackApi` overrides it with real HTTP.
    async def _send(self, method: str, path: str, query: Any, content: Any, headers: Any) -> Resp:
        url = (BASE + path) if not path.startswith("/api/") else "https://app.talkover.ai" + path
        if query:
            from urllib.parse import urlencode

            url += "?" + urlencode({k: str(v) for k, v in query.items()})
        response = await self.fake(Request(method, url, headers, content))
        return Resp(response.status_code, response.content, response.headers)

    # shortcuts
    async def get(self, path: str, **kw: Any) -> Resp:
        return await self("GET", path, **kw)

    async def post(self, path: str, body: Any = None, **kw: Any) -> Resp:
        return await self("POST", path, body, **kw)

    async def put(self, path: str, body: Any = None, **kw: Any) -> Resp:
        return await self("PUT", path, body, **kw)

    async def patch(self, path: str, body: Any = None, **kw: Any) -> Resp:
        return await self("PATCH", path, body, **kw)

    async def delete(self, path: str, **kw: Any) -> Resp:
        return await self("DELETE", path, **kw)


class LoopbackApi(Api):
    """The same interface over real HTTP against `serve_fake`."""

    via = "loopback"

    def __init__(self, fake: FakeTalkover, base_url: str, session: aiohttp.ClientSession) -> None:
        super().__init__(fake)
        self.base_url = base_url
        self.session = session

    async def _send(self, method: str, path: str, query: Any, content: Any, headers: Any) -> Resp:
        root = self.base_url.removesuffix("/api/v1")
        url = (self.base_url + path) if not path.startswith("/api/") else root + path
        async with self.session.request(
            method,
            url,
            data=content,
            params={k: str(v) for k, v in (query or {}).items()},
            headers=headers,
        ) as response:
            return Resp(response.status, await response.read(), response.headers)


@pytest.fixture
def fake() -> FakeTalkover:
    fake = FakeTalkover(TOKEN, account_token=SESSION, seed=7)
    fake.add_environment(OTHER)
    return fake


@pytest.fixture
async def loopback(fake: FakeTalkover) -> AsyncIterator[LoopbackApi]:
    async with serve_fake(fake) as base_url, aiohttp.ClientSession() as session:
        yield LoopbackApi(fake, base_url, session)


@pytest.fixture(params=["in-process", "loopback"])
async def api(request: pytest.FixtureRequest, fake: FakeTalkover) -> AsyncIterator[Api]:
    """The fake, reached in-process and over loopback (same behaviour both ways)."""
    if request.param == "in-process":
        yield Api(fake)
        return
    async with serve_fake(fake) as base_url, aiohttp.ClientSession() as session:
        yield LoopbackApi(fake, base_url, session)


@pytest.fixture
def inproc(fake: FakeTalkover) -> Api:
    return Api(fake)


class Receiver:
    """A webhook receiver on 127.0.0.1 that records deliveries and answers scripted statuses."""

    def __init__(self) -> None:
        self.url = ""
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append((dict(request.headers), await request.read()))
        status = self.statuses.pop(0) if self.statuses else 200
        return web.Response(status=status, text="ok" if status < 300 else "nope")

    def payloads(self) -> list[dict[str, Any]]:
        return [_json.loads(body) for _, body in self.received]

    def events(self) -> list[str]:
        return [p["event"] for p in self.payloads()]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", rec.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    rec.url = f"http://127.0.0.1:{port}/hooks"
    try:
        yield rec
    finally:
        await runner.cleanup()


async def create_agent(api: Api, **overrides: Any) -> dict[str, Any]:
    """Create a draft agent over the API."""
    resp = await api.post("/agents", {**AGENT_BODY, **overrides})
    assert resp.status in (200, 201), resp  # status.create: not documented
    return resp.data  # type: ignore[no-any-return]


def campaign_body(agent_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "name": "Spring follow-up",
        "campaign_type": "follow_up",
        "agent_id": agent_id,
        "start_date": "2025-01-15",
        "days_of_week": [1, 2, 3, 4, 5],
        "call_time_ranges": [
            {"start": "09:00", "end": "12:00"},
            {"start": "14:00", "end": "17:00"},
        ],
        "timezone": "America/New_York",
        **overrides,
    }
