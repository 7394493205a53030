"""Clear-text tokens and proxies (issue 12, item 4).

- A plain `http://` base URL to a host that is not loopback is refused at construction
  (the token would travel in clear text) unless `allow_insecure_http=True`.
- `proxy=` sends every request through an HTTP proxy; `trust_env` (default True) honours
  `HTTP(S)_PROXY` / `ALL_PROXY` / `NO_PROXY` from the client's `env`, read once.

The proxy is a tiny forward proxy written here on asyncio streams, on loopback: absolute-URI
requests are forwarded one per connection, `CONNECT` opens a tunnel. It records what it saw.
Through a proxy to an `http://` target the proxy necessarily sees the request, `Authorization`
included (documented); to an `https://` target it sees only `CONNECT host:port`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from collections.abc import AsyncIterator

import pytest

from talkover_async import APIConnectionError, AsyncTalkover, ConfigurationError
from talkover_async.http import Request
from talkover_async.transports import AiohttpTransport

from .conftest import TOKEN, ScriptedServer, loopback_tls_context, reply, start_app

AGENT = {"success": True, "data": {"id": "a1"}}


class ForwardProxy:
    """Forwards absolute-URI requests (one per connection) and tunnels CONNECT."""

    def __init__(self) -> None:
        self.url = ""
        self.heads: list[str] = []  # each request head as received, headers included

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        with contextlib.suppress(ConnectionError, OSError, RuntimeError):
            writer.close()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            return
        self.heads.append(head)
        method, target, _ = head.split("\r\n", 1)[0].split(" ", 2)
        if method == "CONNECT":
            host, port = target.rsplit(":", 1)
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
            return
        # absolute-form: http://host:port/path
        hostport = target.split("://", 1)[1].split("/", 1)[0]
        host, port = hostport.rsplit(":", 1)
        length = 0
        lines = []
        for line in head.split("\r\n")[1:]:
            name = line.split(":", 1)[0].lower()
            if name == "content-length":
                length = int(line.split(":", 1)[1])
            if line and name not in ("connection", "proxy-authorization", "keep-alive"):
                lines.append(line)
        body = await reader.readexactly(length) if length else b""
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        up_writer.write(
            ("\r\n".join([head.split("\r\n", 1)[0], *lines, "Connection: close"]) + "\r\n\r\n")
            .encode("latin-1")
            + body
        )
        await up_writer.drain()
        await self._pipe(up_reader, writer)
        up_writer.close()

    def saw(self, text: str) -> bool:
        return any(text in head for head in self.heads)


@pytest.fixture
async def proxy() -> AsyncIterator[ForwardProxy]:
    fwd = ForwardProxy()
    tasks: set[asyncio.Task[None]] = set()

    async def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)
        try:
            await fwd.handle(reader, writer)
        finally:
            tasks.discard(task)

    server = await asyncio.start_server(on_client, "127.0.0.1", 0)
    fwd.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        yield fwd
    finally:
        server.close()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()


# --- clear text ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url", ["http://api.example.com/api/v1", "http://10.0.0.5:8080/api/v1", "http://[2001:db8::1]/"]
)
def test_plain_http_to_a_remote_host_is_refused(url: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        AsyncTalkover(TOKEN, base_url=url, env={})
    text = str(info.value)
    assert "clear text" in text and "allow_insecure_http=True" in text
    with pytest.raises(ConfigurationError, match="clear text"):  # from the environment too
        AsyncTalkover(TOKEN, env={"TALKOVER_BASE_URL": url})
    assert AsyncTalkover(TOKEN, base_url=url, env={}, allow_insecure_http=True).base_url


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/api/v1",
        "http://127.9.8.7/api/v1",
        "http://localhost:3000/api/v1",
        "http://[::1]:8080/api/v1",
        "https://api.example.com/api/v1",
    ],
)
def test_loopback_http_and_any_https_stay_allowed(url: str) -> None:
    assert AsyncTalkover(TOKEN, base_url=url, env={}).base_url == url


# --- proxies ---------------------------------------------------------------------------------
async def test_proxy_option_sends_requests_through_the_proxy(
    server: ScriptedServer, proxy: ForwardProxy
) -> None:
    server.on("GET", "/api/v1/agents/a1", reply(200, AGENT))
    secret_proxy = proxy.url.replace("http://", "http://corp:pr0xyPass@")
    async with AsyncTalkover(TOKEN, base_url=server.url, env={}, proxy=secret_proxy) as client:
        assert "pr0xyPass" not in repr(client.transport)
        assert (await client.agents.get("a1")).id == "a1"
    assert server.count("GET", "/api/v1/agents/a1") == 1
    assert len(proxy.heads) == 1 and proxy.heads[0].startswith(f"GET {server.url}/agents/a1 ")
    credentials = base64.b64encode(b"corp:pr0xyPass").decode()
    assert proxy.saw(f"Proxy-Authorization: Basic {credentials}")
    assert proxy.saw(f"Bearer {TOKEN}")  # http target: the proxy sees the token (documented)
    assert "proxy-authorization" not in {k.lower() for k in server.seen[0].headers}


async def test_trust_env_honours_http_proxy_and_no_proxy(
    server: ScriptedServer, proxy: ForwardProxy
) -> None:
    server.on("GET", "/api/v1/agents/a1", reply(200, AGENT))
    env = {"HTTP_PROXY": proxy.url}
    async with AsyncTalkover(TOKEN, base_url=server.url, env=env) as client:
        await client.agents.get("a1")
    assert len(proxy.heads) == 1
    for bypass in (
        {**env, "NO_PROXY": "localhost,127.0.0.1"},
        {**env, "no_proxy": "*"},
    ):
        async with AsyncTalkover(TOKEN, base_url=server.url, env=bypass) as client:
            await client.agents.get("a1")
    async with AsyncTalkover(TOKEN, base_url=server.url, env=env, trust_env=False) as client:
        await client.agents.get("a1")
    assert len(proxy.heads) == 1  # none of the last three went through the proxy
    assert server.count("GET", "/api/v1/agents/a1") == 4


async def test_an_https_target_is_tunnelled_and_the_proxy_never_sees_the_token(
    proxy: ForwardProxy,
) -> None:
    from aiohttp import web

    seen: list[str] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization", ""))
        return web.json_response(AGENT)

    runner, base = await start_app(handler, ssl_context=loopback_tls_context())
    host_port = base.removeprefix("https://").split("/", 1)[0]  # 127.0.0.1:<port>
    transport = AiohttpTransport(proxy=proxy.url, ssl=False)  # self-signed: not verified here
    try:
        response = await transport.send(
            Request(
                "GET",
                f"{base}/agents/a1",
                {"Authorization": f"Bearer {TOKEN}"},
            )
        )
    finally:
        await transport.aclose()
        await runner.cleanup()
    assert response.status_code == 200
    assert seen == [f"Bearer {TOKEN}"]
    assert [h.split("\r\n", 1)[0] for h in proxy.heads] == [
        f"CONNECT {host_port} HTTP/1.1"
    ]
    assert not proxy.saw(TOKEN)


def test_a_proxy_needs_the_default_transport_and_a_valid_url() -> None:
    transport = AiohttpTransport()
    with pytest.raises(ConfigurationError, match="default transport"):
        AsyncTalkover(TOKEN, env={}, transport=transport, proxy="http://127.0.0.1:3128")
    with pytest.raises(ConfigurationError, match="proxy must be") as info:
        AsyncTalkover(TOKEN, env={}, proxy="socks5://u:s3cr3tpw@127.0.0.1:1080")
    assert "s3cr3tpw" not in str(info.value)


async def test_the_proxy_password_never_reaches_an_error(proxy: ForwardProxy) -> None:
    dead = "http://corp:pr0xyPass@127.0.0.1:9"  # nothing listens on the discard port
    async with AsyncTalkover(
        TOKEN, base_url="http://127.0.0.1:9/api/v1", env={}, proxy=dead, max_retries=0
    ) as client:
        with pytest.raises(APIConnectionError) as info:
            await client.agents.get("a1")
    assert "pr0xyPass" not in str(info.value) and "pr0xyPass" not in repr(info.value)
    assert "proxy 127.0.0.1:9" in str(info.value)


@pytest.mark.parametrize(
    ("env", "url", "expected"),
    [
        ({"HTTPS_PROXY": "proxy.corp:3128"}, "https://api.example.com/v1", "http://proxy.corp:3128"),
        ({"HTTP_PROXY": "http://p:1"}, "https://api.example.com/v1", None),  # wrong scheme
        ({"ALL_PROXY": "http://all:1"}, "https://api.example.com/v1", "http://all:1"),
        ({"https_proxy": "http://low:1", "HTTPS_PROXY": "http://up:1"}, "https://a.b/", "http://low:1"),
        ({"HTTPS_PROXY": "http://p:1", "NO_PROXY": "example.com"}, "https://api.example.com/", None),
        ({"HTTPS_PROXY": "http://p:1", "NO_PROXY": ".example.com"}, "https://api.example.com/", None),
        ({"HTTPS_PROXY": "http://p:1", "NO_PROXY": "ample.com"}, "https://api.example.com/", "http://p:1"),
        ({"HTTP_PROXY": "http://p:1", "NO_PROXY": "127.0.0.1:81"}, "http://127.0.0.1:80/", "http://p:1"),
        ({"HTTP_PROXY": "http://p:1", "NO_PROXY": "127.0.0.1:80"}, "http://127.0.0.1:80/", None),
        ({"HTTP_PROXY": "http://p:1", "REQUEST_METHOD": "GET"}, "http://127.0.0.1/", None),  # httpoxy
        ({"ALL_PROXY": "socks5://127.0.0.1:1080"}, "https://a.b/", None),  # unsupported: ignored
    ],
)
def test_environment_proxies_are_read_as_curl_reads_them(
    env: dict[str, str], url: str, expected: str | None
) -> None:
    from talkover_async.config import resolve_proxy

    assert resolve_proxy(None, trust_env=True, url=url, env=env) == expected
    assert resolve_proxy(None, trust_env=False, url=url, env=env) is None
