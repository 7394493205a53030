"""Client configuration, auth middleware, redaction-safe logging and the secret canary."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from talkover_async import (
    APIStatusError,
    AsyncTalkover,
    ConfigurationError,
    InvalidRequestError,
    NotFoundError,
    Response,
    Secret,
    TalkoverError,
)
from talkover_async.http import Request
from talkover_async.transports import AiohttpTransport, MockTransport

from .conftest import TOKEN, reply

CANARY_TOKEN = "talq_canary_TOKEN_7f3a9c1e5b"
CANARY_SECRET = "whsec_canary_SECRET_4d2b8e"
CANARY_PHONE = "+14155550123"


def ok_handler(request: Request) -> Response:
    return Response(200, {}, b'{"success": true, "data": {"id": "a1"}}')


async def test_missing_token_raises_configuration_error_naming_env_var() -> None:
    sent: list[Request] = []
    async with AsyncTalkover(env={}, transport=MockTransport(lambda r: sent.append(r) or ok_handler(r))) as client:
        with pytest.raises(ConfigurationError, match="TALKOVER_API_TOKEN"):
            await client.agents.get("a1")
    assert sent == []


@pytest.mark.parametrize("bad", ["talq_abc def", "talq_abc\r\nX-Evil: 1", "talq_abc\n", " talq_x\t"])
def test_token_with_whitespace_or_crlf_is_rejected(bad: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        AsyncTalkover(bad, env={})
    assert bad.strip() not in str(info.value)


def test_token_from_environment_read_when_built(monkeypatch) -> None:
    monkeypatch.setenv("TALKOVER_API_TOKEN", "talq_from_env_1234")
    monkeypatch.setenv("TALKOVER_BASE_URL", "http://127.0.0.1:9/api/v1")
    client = AsyncTalkover()
    assert client._token == Secret("talq_from_env_1234")
    assert client.base_url == "http://127.0.0.1:9/api/v1"
    monkeypatch.setenv("TALKOVER_API_TOKEN", "talq_changed_5678")
    assert client._token == Secret("talq_from_env_1234")


@pytest.mark.parametrize(
    "url",
    [
        "ftp://x",
        "not a url",
        "http://",
        "https://api.example.com:99999/v1",  # port out of range (was a raw ValueError later)
        "https://api.example.com:abc/v1",
        "http://[::1/api",  # urlsplit's "Invalid IPv6 URL"
        "https://user:hunter2@:443/v1",  # no host
    ],
)
def test_bad_base_url_rejected(url: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        AsyncTalkover(TOKEN, base_url=url, env={})
    assert "hunter2" not in str(info.value)


async def test_non_talq_token_warns_once(caplog) -> None:
    caplog.set_level(logging.WARNING, logger="talkover_async")
    async with AsyncTalkover("1|personal_access_token", env={}, transport=MockTransport(ok_handler)) as client:
        for _ in range(3):
            await client.agents.get("a1")
    warnings = [r for r in caplog.records if "talq_" in r.getMessage()]
    assert len(warnings) == 1
    assert "personal_access_token" not in caplog.text


async def test_bearer_header_and_per_call_token() -> None:
    seen: list[str] = []

    def handler(request: Request) -> Response:
        seen.append(request.headers["Authorization"])
        return ok_handler(request)

    async with AsyncTalkover(TOKEN, env={}, transport=MockTransport(handler)) as client:
        await client.agents.get("a1")
        await client.agents.get("a1", token="talq_other_token_99")
    assert seen == [f"Bearer {TOKEN}", "Bearer talq_other_token_99"]


async def test_repr_masks_token() -> None:
    client = AsyncTalkover(CANARY_TOKEN, env={}, transport=MockTransport(ok_handler))
    assert CANARY_TOKEN not in repr(client) and "Secret('**********')" in repr(client)
    assert CANARY_TOKEN not in repr(Secret(CANARY_TOKEN)) and CANARY_TOKEN not in str(Secret(CANARY_TOKEN))
    await client.aclose()


async def test_path_params_cannot_change_the_path() -> None:
    urls: list[str] = []

    def handler(request: Request) -> Response:
        urls.append(request.url)
        return ok_handler(request)

    async with AsyncTalkover(TOKEN, env={}, transport=MockTransport(handler)) as client:
        await client.agents.get("a/b?x=1")
        for bad in ["..", ".", "", "a\r\nb", "x" * 300]:
            with pytest.raises(InvalidRequestError):
                await client.agents.get(bad)
    assert urls == ["https://app.talkover.ai/api/v1/agents/a%2Fb%3Fx%3D1"]


async def test_extra_query_body_headers_and_timeout() -> None:
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        return Response(200, {}, b'{"success": true, "data": {"id": "c1"}}')

    async with AsyncTalkover(TOKEN, env={}, transport=MockTransport(handler)) as client:
        await client.agents.call(
            "a1",
            to="+14155550100",
            extra_body={"future_field": 1},
            extra_query={"dry": True},
            extra_headers={"X-Trace": "t1"},
            timeout=3.0,
        )
        with pytest.raises(InvalidRequestError):
            await client.agents.get("a1", extra_headers={"X-Bad": "a\r\nInjected: 1"})
    req = seen[0]
    assert req.url.endswith("/agents/a1/call?dry=true")
    assert b'"future_field":1' in (req.content or b"").replace(b" ", b"")
    assert req.headers["X-Trace"] == "t1" and req.timeout is not None and req.timeout.total == 3.0
    assert len(seen) == 1


async def test_with_options_shares_the_pool() -> None:
    async with AsyncTalkover(TOKEN, env={}, base_url="http://127.0.0.1:9/api/v1") as client:
        fast = client.with_options(timeout=1.0, max_retries=0, headers={"X-App": "a"})
        assert fast.transport is client.transport
        assert fast._policy.max_retries == 0 and client._policy.max_retries == 2
        assert fast.timeout.total == 1.0 and fast._headers["X-App"] == "a"
        await fast.aclose()
        assert not getattr(client.transport, "_closed")


async def test_mock_transport_sync_and_async_handlers() -> None:
    async def ahandler(request: Request) -> Response:
        await asyncio.sleep(0)
        return ok_handler(request)

    for handler in (ok_handler, ahandler):
        async with AsyncTalkover(TOKEN, env={}, transport=MockTransport(handler)) as client:
            assert (await client.agents.get("a1")).id == "a1"


async def test_aiohttp_session_is_lazy_and_closed(server, make_client) -> None:
    server.on("GET", "/api/v1/agents/a1", reply(200, {"success": True, "data": {"id": "a1"}}))
    client = make_client()
    transport = client.transport
    assert isinstance(transport, AiohttpTransport) and transport._session is None
    await client.agents.get("a1")
    session = transport._session
    assert session is not None and not session.closed
    await client.aclose()
    assert session.closed
    with pytest.raises(ConfigurationError):
        await client.agents.get("a1")


async def test_client_used_from_another_loop_gets_clear_error(server, make_client) -> None:
    server.on("GET", "/api/v1/agents/a1", reply(200, {"success": True, "data": {"id": "a1"}}))
    client = make_client()
    await client.agents.get("a1")
    errors: list[BaseException] = []

    def other_thread() -> None:
        try:
            asyncio.run(client.agents.get("a1"))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join(10)
    await client.aclose()
    assert len(errors) == 1 and isinstance(errors[0], ConfigurationError)
    assert "event loop" in str(errors[0])


async def test_secret_canary_at_debug(server, make_client, caplog) -> None:
    """A recognisable token, account token, webhook secret and phone number never appear in
    logs, exception texts or reprs, even when the server echoes them back."""
    caplog.set_level(logging.DEBUG, logger="talkover_async")
    echo = {
        "success": False,
        "message": f"bad secret {CANARY_SECRET} for {CANARY_PHONE} with Bearer {CANARY_TOKEN}",
        "code": "X",
    }
    server.on("POST", "/api/v1/agents/a1/call", reply(422, echo))
    server.on("GET", "/api/v1/agents/a1", reply(404, {"success": False, "message": f"no {CANARY_TOKEN}"}))
    server.on(
        "POST",
        "/api/v1/agents/a1/end-call",
        reply(500, raw=f"<html>{CANARY_TOKEN} {CANARY_SECRET}</html>".encode()),
    )
    texts: list[str] = []
    client = make_client(token=CANARY_TOKEN, account_token="1|canaryaccounttoken123", max_retries=1)
    texts.append(repr(client))
    async with client:
        with pytest.raises(APIStatusError) as e1:
            await client.agents.call(
                "a1",
                to=CANARY_PHONE,
                context={"webhook_secret": CANARY_SECRET},
                extra_body={"webhook_secret": CANARY_SECRET},
            )
        with pytest.raises(NotFoundError) as e2:
            await client.agents.get("a1")
        with pytest.raises(TalkoverError) as e3:
            await client.calls.end("c1", agent_id="a1")
    for info in (e1, e2, e3):
        texts += [str(info.value), repr(info.value), repr(info.value.attempts)]
    texts.append(caplog.text)
    texts += [r.getMessage() for r in caplog.records]
    blob = "\n".join(texts)
    assert "request POST /agents/{agent_id}/call" in caplog.text  # debug lines were emitted
    for secret in (CANARY_TOKEN, "canary_TOKEN", CANARY_SECRET, "1|canaryaccounttoken123", CANARY_PHONE):
        assert secret not in blob, secret
    assert "+1******0123" in caplog.text


async def test_logging_off_builds_nothing(monkeypatch) -> None:
    from talkover_async.middleware import logging as logmw

    calls: list[object] = []
    monkeypatch.setattr(logmw.LoggingMiddleware, "_body", lambda self, c: calls.append(c))
    logging.getLogger("talkover_async").setLevel(logging.WARNING)
    try:
        async with AsyncTalkover(TOKEN, env={}, transport=MockTransport(ok_handler)) as client:
            await client.agents.get("a1")
    finally:
        logging.getLogger("talkover_async").setLevel(logging.NOTSET)
    assert calls == []


async def test_info_logs_one_line_per_attempt(server, make_client, caplog) -> None:
    caplog.set_level(logging.INFO, logger="talkover_async")
    server.on("GET", "/api/v1/agents/a1", reply(503, {"message": "x"}), reply(200, {"success": True, "data": {"id": "a1"}}))
    async with make_client() as client:
        await client.agents.get("a1")
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("GET /agents/{agent_id}")]
    assert len(lines) == 2 and "503" in lines[0] and "(attempt 1)" in lines[0] and "(attempt 2)" in lines[1]


async def test_capture_responses_gives_status_and_headers(server, make_client) -> None:
    server.on(
        "GET",
        "/api/v1/agents/a1",
        reply(200, {"success": True, "data": {"id": "a1"}}, headers={"X-RateLimit-Remaining": "99"}),
    )
    async with make_client() as client:
        with client.capture_responses() as responses:
            agent = await client.agents.get("a1")
        await client.agents.get("a1")
    assert agent.id == "a1"
    assert len(responses) == 1
    assert responses[0].status_code == 200 and responses[0].headers["x-ratelimit-remaining"] == "99"


def test_talkover_log_env_sets_the_logger_level(monkeypatch) -> None:
    from talkover_async import config

    logger = logging.getLogger("talkover_async")
    monkeypatch.setattr(config, "_configured", False)
    before_level, before_handlers = logger.level, list(logger.handlers)
    try:
        AsyncTalkover(TOKEN, env={"TALKOVER_LOG": "info"})
        assert logger.level == logging.INFO
        monkeypatch.setattr(config, "_configured", False)
        with pytest.raises(ConfigurationError, match="TALKOVER_LOG"):
            AsyncTalkover(TOKEN, env={"TALKOVER_LOG": "loud"})
    finally:
        logger.setLevel(before_level)
        logger.handlers[:] = before_handlers
