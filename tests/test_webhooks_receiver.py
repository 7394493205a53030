"""WebhookReceiver over loopback and through `process`.

Every loopback case runs through both adapters on 127.0.0.1: aiohttp.web (`receiver.handle`)
and ASGI (`receiver.asgi_app()` under uvicorn), so the cases are literally the same."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from talkover_async import ConfigurationError
from talkover_async.webhooks import (
    DELIVERY_ID_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    CallEvent,
    EventType,
    MemoryDedupeStore,
    TestEvent,
    UnknownEvent,
    WebhookEvent,
    WebhookReceiver,
    WebhookResult,
    read_limited,
    sign,
)

from .webhook_servers import ADAPTERS, raw_exchange, serve

SECRET = "whsec_canary_7a41e0b3"


def body_of(name: str = "event_phone_call_ended", **more: Any) -> bytes:
    payload = {
        "event": name,
        "timestamp": "2025-09-03T23:19:51Z",
        "call_id": "call_1",
        "agent_id": "agent_1",
        "to": "+14155550100",
        "status": "completed",
        "duration": 45,
        "context": {"order_id": "A-17"},
    }
    payload.update(more)
    return json.dumps(payload).encode()


def signed(body: bytes, secret: str = SECRET, **extra: str) -> dict[str, str]:
    return {SIGNATURE_HEADER: sign(body, secret), "Content-Type": "application/json", **extra}


class Loopback:
    """A receiver mounted on a real aiohttp.web app on 127.0.0.1 plus a client session."""

    def __init__(self, receiver: WebhookReceiver, url: str, session: aiohttp.ClientSession):
        self.receiver = receiver
        self.url = url
        self.session = session

    async def post(
        self, body: bytes, headers: dict[str, str], method: str = "POST"
    ) -> tuple[int, str]:
        async with self.session.request(method, self.url, data=body, headers=headers) as resp:
            return resp.status, await resp.text()


@pytest.fixture
def receiver() -> WebhookReceiver:
    return WebhookReceiver(secret=SECRET)


@pytest.fixture(params=ADAPTERS)
def adapter(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def loop_server(receiver: WebhookReceiver, adapter: str) -> AsyncIterator[Loopback]:
    async with serve(adapter, receiver) as url, aiohttp.ClientSession() as session:
        yield Loopback(receiver, url, session)


# -- over loopback ------------------------------------------------------------------------


async def test_signed_event_is_verified_and_dispatched(loop_server: Loopback) -> None:
    got: list[WebhookEvent] = []

    @loop_server.receiver.on(EventType.PHONE_CALL_ENDED)
    async def ended(event: CallEvent) -> None:
        got.append(event)

    body = body_of()
    assert await loop_server.post(body, signed(body)) == (200, "ok")
    assert len(got) == 1
    event = got[0]
    assert isinstance(event, CallEvent)
    assert event.call_id == "call_1"
    assert event.context == {"order_id": "A-17"}


async def test_tampered_body_and_wrong_secret_get_401(loop_server: Loopback) -> None:
    calls: list[WebhookEvent] = []
    loop_server.receiver.on_any(calls.append)
    body = body_of()
    tampered = body.replace(b"45", b"46")
    assert await loop_server.post(tampered, signed(body)) == (401, "invalid signature")
    assert await loop_server.post(body, signed(body, "whsec_wrong")) == (401, "invalid signature")
    assert await loop_server.post(body, {"Content-Type": "application/json"}) == (
        401,
        "missing signature",
    )
    assert await loop_server.post(body, {SIGNATURE_HEADER: "nonsense"}) == (
        401,
        "invalid signature",
    )
    assert calls == []
    # verification happens before parsing: a bad body with a bad signature is a 401, not a 400
    assert (await loop_server.post(b"not json", signed(b"other")))[0] == 401


async def test_repeated_delivery_is_handled_once(loop_server: Loopback) -> None:
    calls: list[WebhookEvent] = []
    loop_server.receiver.on(EventType.PHONE_CALL_ENDED, calls.append)
    body = body_of()
    assert await loop_server.post(body, signed(body)) == (200, "ok")
    assert await loop_server.post(body, signed(body)) == (200, "duplicate")
    assert await loop_server.post(body, signed(body)) == (200, "duplicate")
    assert len(calls) == 1


async def test_concurrent_duplicates_wait_for_the_first(loop_server: Loopback) -> None:
    calls: list[WebhookEvent] = []

    @loop_server.receiver.on_any
    async def slow(event: WebhookEvent) -> None:
        calls.append(event)
        await asyncio.sleep(0.05)

    body = body_of()
    results = await asyncio.gather(*(loop_server.post(body, signed(body)) for _ in range(3)))
    assert sorted(results) == [(200, "duplicate"), (200, "duplicate"), (200, "ok")]
    assert len(calls) == 1


async def test_handler_error_answers_500_and_the_retry_is_handled(loop_server: Loopback) -> None:
    attempts: list[int] = []

    @loop_server.receiver.on(EventType.PHONE_CALL_ENDED)
    def flaky(event: CallEvent) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("database down")

    body = body_of()
    assert await loop_server.post(body, signed(body)) == (500, "handler error")
    # the failure was not remembered, so the sender's retry is processed
    assert await loop_server.post(body, signed(body)) == (200, "ok")
    assert await loop_server.post(body, signed(body)) == (200, "duplicate")
    assert len(attempts) == 2


async def test_put_route_and_test_event(loop_server: Loopback) -> None:
    got: list[WebhookEvent] = []
    loop_server.receiver.on("webhook.test", got.append)
    body = json.dumps(
        {
            "event": "webhook.test",
            "agent_id": "a",
            "agent_name": "n",
            "webhook_id": "w",
            "webhook_name": "wn",
            "timestamp": "2025-09-03T23:19:51.000000Z",
            "test": True,
        }
    ).encode()
    assert await loop_server.post(body, signed(body), method="PUT") == (200, "ok")
    assert isinstance(got[0], TestEvent) and got[0].test is True


async def test_bad_payload_is_400(loop_server: Loopback) -> None:
    calls: list[WebhookEvent] = []
    loop_server.receiver.on_any(calls.append)
    for body in (b"not json", b"[]", body_of(duration="long")):
        assert await loop_server.post(body, signed(body)) == (400, "invalid payload")
    assert calls == []


# -- through process() ---------------------------------------------------------------------


async def test_dispatch_order_sync_and_async_and_ignored(receiver: WebhookReceiver) -> None:
    order: list[str] = []

    @receiver.on_any
    def any_handler(event: WebhookEvent) -> None:
        order.append("any")

    @receiver.on("event_phone_call_ended")
    async def first(event: CallEvent) -> None:
        order.append("first")

    receiver.on(EventType.PHONE_CALL_ENDED, lambda e: order.append("second"))
    body = body_of()
    assert await receiver.process(body, signed(body)) == (200, "ok")
    assert order == ["first", "second", "any"]

    lone = WebhookReceiver(secret=SECRET)
    lone.on(EventType.PHONE_CALL_STARTED, order.append)
    body = body_of("event_recording")
    result = await lone.process(body, signed(body))
    assert result == WebhookResult(200, "ignored") and result.ok


async def test_unknown_events_reach_their_name_and_on_any(receiver: WebhookReceiver) -> None:
    by_name: list[WebhookEvent] = []
    every: list[WebhookEvent] = []
    receiver.on("agent.retrained", by_name.append)
    receiver.on_any(every.append)
    body = b'{"event": "agent.retrained", "agent_id": "a"}'
    assert await receiver.process(body, signed(body)) == (200, "ok")
    assert isinstance(by_name[0], UnknownEvent) and by_name[0].data["agent_id"] == "a"
    nameless = b'{"call_id": "c"}'
    assert await receiver.process(nameless, signed(nameless)) == (200, "ok")
    assert len(every) == 2 and every[1].event is None


async def test_event_header_names_a_nameless_body(receiver: WebhookReceiver) -> None:
    got: list[WebhookEvent] = []
    receiver.on(EventType.PHONE_CALL_ENDED, got.append)
    body = b'{"call_id": "call_1", "duration": 45}'
    headers = signed(body, **{EVENT_HEADER.lower(): "event_phone_call_ended"})
    assert await receiver.process(body, headers) == (200, "ok")
    assert isinstance(got[0], CallEvent) and got[0].duration == 45


async def test_headers_are_case_insensitive_in_plain_dicts(receiver: WebhookReceiver) -> None:
    body = body_of()
    headers = {SIGNATURE_HEADER.lower(): sign(body, SECRET)}
    assert await receiver.process(body, headers) == (200, "ignored")


async def test_dedupe_key_is_the_delivery_id_with_the_body(receiver: WebhookReceiver) -> None:
    calls: list[WebhookEvent] = []
    receiver.on_any(calls.append)
    a, b = body_of(duration=1), body_of(duration=2)
    assert await receiver.process(a, signed(a, **{DELIVERY_ID_HEADER: "d-1"})) == (200, "ok")
    # same delivery id and same signed body: a duplicate
    assert await receiver.process(a, signed(a, **{DELIVERY_ID_HEADER: "d-1"})) == (200, "duplicate")
    # same delivery id, another signed body: the id is not signed, so this is not the same
    # delivery (see test_replayed_body_under_a_future_id_does_not_block_the_real_delivery)
    assert await receiver.process(b, signed(b, **{DELIVERY_ID_HEADER: "d-1"})) == (200, "ok")
    # same body, new delivery id: a new delivery
    assert await receiver.process(a, signed(a, **{DELIVERY_ID_HEADER: "d-2"})) == (200, "ok")
    long_id = "x" * 500
    assert await receiver.process(a, signed(a, **{DELIVERY_ID_HEADER: long_id})) == (200, "ok")
    assert await receiver.process(a, signed(a, **{DELIVERY_ID_HEADER: long_id})) == (
        200,
        "duplicate",
    )
    assert len(calls) == 4


@pytest.mark.parametrize("dedupe", [None, 0])
async def test_dedupe_can_be_turned_off(dedupe: int | None) -> None:
    calls: list[WebhookEvent] = []
    receiver = WebhookReceiver(secret=SECRET, dedupe=dedupe)
    receiver.on_any(calls.append)
    body = body_of()
    for _ in range(2):
        assert await receiver.process(body, signed(body)) == (200, "ok")
    assert len(calls) == 2


async def test_lru_is_bounded() -> None:
    store = MemoryDedupeStore(2)
    receiver = WebhookReceiver(secret=SECRET, dedupe=store)
    calls: list[WebhookEvent] = []
    receiver.on_any(calls.append)
    bodies = [body_of(duration=i) for i in range(3)]
    for body in bodies:
        assert await receiver.process(body, signed(body)) == (200, "ok")
    assert len(store) == 2
    # the oldest was forgotten, so it is processed again; the newest is still a duplicate
    assert await receiver.process(bodies[0], signed(bodies[0])) == (200, "ok")
    assert await receiver.process(bodies[2], signed(bodies[2])) == (200, "duplicate")
    assert len(calls) == 4


class ListStore:
    """A `DedupeStore` that keeps every key it is asked to remember, in order."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    async def seen(self, key: str) -> bool:
        return key in self.keys

    async def remember(self, key: str) -> None:
        self.keys.append(key)


async def test_custom_store_is_used() -> None:
    store = ListStore()
    receiver = WebhookReceiver(secret=SECRET, dedupe=store)
    body = body_of()
    await receiver.process(body, signed(body))
    assert len(store.keys) == 1 and store.keys[0].startswith("body-sha256:")
    assert await receiver.process(body, signed(body)) == (200, "duplicate")


async def test_rotation_and_custom_header() -> None:
    receiver = WebhookReceiver(secret=["whsec_old", "whsec_new"], header="X-Sig")
    body = body_of()
    for secret in ("whsec_old", "whsec_new"):
        other = body_of(call_id=secret)  # distinct bodies, so none is a duplicate
        assert (await receiver.process(other, {"x-sig": sign(other, secret)})).status == 200
    assert (await receiver.process(body, {SIGNATURE_HEADER: sign(body, "whsec_old")})).status == 401


async def test_unsigned_mode_accepts_without_signature() -> None:
    receiver = WebhookReceiver(secret=None)
    body = body_of()
    assert await receiver.process(body, {}) == (200, "ignored")


async def test_too_large_body_is_413() -> None:
    receiver = WebhookReceiver(secret=SECRET, max_body_size=10)
    body = body_of()
    assert await receiver.process(body, signed(body)) == (413, "payload too large")


def test_configuration_errors() -> None:
    with pytest.raises(ConfigurationError):
        WebhookReceiver(secret="")
    with pytest.raises(ConfigurationError):
        WebhookReceiver(secret=[])
    with pytest.raises(ConfigurationError):
        WebhookReceiver(secret=SECRET, header="")
    with pytest.raises(ConfigurationError):
        WebhookReceiver(secret=SECRET, dedupe="lots")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        WebhookReceiver(secret=SECRET).on("x", 42)  # type: ignore[call-overload]


# -- secret canary -------------------------------------------------------------------------


async def test_secret_never_in_logs_errors_or_repr(
    loop_server: Loopback, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    receiver = loop_server.receiver

    @receiver.on(EventType.PHONE_CALL_ENDED)
    async def leaky(event: CallEvent) -> None:
        raise ValueError(f"could not sync with secret {SECRET} and token talq_abcdef123456")

    body = body_of()
    assert (await loop_server.post(body, signed(body)))[0] == 500
    assert (await loop_server.post(body, signed(body, "whsec_wrong")))[0] == 401
    assert (await loop_server.post(b"{", signed(b"{")))[0] == 400
    assert (
        await loop_server.post(body_of("campaign.started"), signed(body_of("campaign.started")))
    )[0] == 200
    records = [r for r in caplog.records if r.name.startswith("talkover_async")]
    assert any(r.levelno == logging.ERROR and "leaky" in r.getMessage() for r in records)
    assert any("ValueError" in r.getMessage() for r in records)  # the traceback is there
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        assert SECRET not in text
        assert "talq_abcdef123456" not in text
        assert sign(body, SECRET) not in text
    assert SECRET not in repr(receiver)
    assert "WebhookReceiver(" in repr(receiver)
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(receiver._keys)


async def test_concurrent_duplicates_with_a_slow_shared_store() -> None:
    class SlowStore:
        def __init__(self) -> None:
            self.keys: set[str] = set()

        async def seen(self, key: str) -> bool:
            await asyncio.sleep(0.01)  # a network round trip: lets the other delivery run
            return key in self.keys

        async def remember(self, key: str) -> None:
            await asyncio.sleep(0.01)
            self.keys.add(key)

    calls: list[WebhookEvent] = []
    receiver = WebhookReceiver(secret=SECRET, dedupe=SlowStore())
    receiver.on_any(calls.append)
    body = body_of()
    results = await asyncio.gather(*(receiver.process(body, signed(body)) for _ in range(4)))
    assert sorted(r.reason for r in results) == ["duplicate"] * 3 + ["ok"]
    assert len(calls) == 1


# -- issue 12 item 9: dedupe key, replay tolerance, size limit -----------------------------


async def test_replayed_body_under_a_future_id_does_not_block_the_real_delivery(
    loop_server: Loopback,
) -> None:
    """The delivery id is not signed. An attacker who captured one signed delivery replays its
    body under the id of a real delivery that has not arrived yet: the real one must still run
    its handlers (before: it was answered "200 duplicate" and dropped)."""
    handled: list[str | None] = []

    @loop_server.receiver.on(EventType.PHONE_CALL_ENDED)
    async def ended(event: CallEvent) -> None:
        handled.append(event.call_id)

    captured = body_of(call_id="call_1")
    assert await loop_server.post(captured, signed(captured, **{DELIVERY_ID_HEADER: "d-1"})) == (
        200,
        "ok",
    )
    # the attacker: the captured body and signature, under the next delivery's id
    replay = {**signed(captured), DELIVERY_ID_HEADER: "d-2"}
    assert (await loop_server.post(captured, replay))[0] == 200
    # the real delivery d-2, another call
    real = body_of(call_id="call_2")
    assert await loop_server.post(real, signed(real, **{DELIVERY_ID_HEADER: "d-2"})) == (200, "ok")
    assert "call_2" in handled
    # and the real delivery's own retry is still a duplicate
    assert await loop_server.post(real, signed(real, **{DELIVERY_ID_HEADER: "d-2"})) == (
        200,
        "duplicate",
    )
    assert handled.count("call_2") == 1


async def test_dedupe_keys_are_bounded_and_never_the_raw_id() -> None:
    store = ListStore()
    receiver = WebhookReceiver(secret=SECRET, dedupe=store)
    body = body_of()
    for delivery_id in ("d-1", "x" * 5000, "a:b\nc"):
        assert await receiver.process(body, signed(body, **{DELIVERY_ID_HEADER: delivery_id})) == (
            200,
            "ignored",
        )
    assert len(set(store.keys)) == 3
    assert all(k.startswith("id-body-sha256:") and len(k) < 100 for k in store.keys)
    assert not any("d-1" in k for k in store.keys)


NOW = 1_800_000_000.0  # 2027-01-15T08:00:00Z, the injected clock


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat().replace("+00:00", "Z")


async def test_replay_outside_the_tolerance_is_refused(adapter: str) -> None:
    now = [NOW]
    receiver = WebhookReceiver(secret=SECRET, tolerance=300, clock=lambda: now[0])
    calls: list[WebhookEvent] = []
    receiver.on_any(calls.append)
    async with serve(adapter, receiver) as url, aiohttp.ClientSession() as session:
        server = Loopback(receiver, url, session)
        fresh = body_of(timestamp=iso(NOW - 10))
        assert await server.post(fresh, signed(fresh)) == (200, "ok")
        assert await server.post(fresh, signed(fresh)) == (200, "duplicate")
        at_edge = body_of(timestamp=iso(NOW - 300), call_id="edge")
        assert await server.post(at_edge, signed(at_edge)) == (200, "ok")
        for stamp in (iso(NOW - 301), iso(NOW + 301), NOW - 86_400, "2025-09-03T23:19:51Z"):
            old = body_of(timestamp=stamp, call_id=f"old {stamp}")
            assert await server.post(old, signed(old)) == (400, "timestamp outside tolerance")
        unix = body_of(timestamp=NOW - 5, call_id="unix seconds")
        assert await server.post(unix, signed(unix)) == (200, "ok")
        nameless = json.dumps({"event": "event_phone_call_ended", "call_id": "c"}).encode()
        assert await server.post(nameless, signed(nameless)) == (400, "missing timestamp")
        # an hour later, the captured fresh delivery replayed under a new id is refused
        now[0] = NOW + 3600
        replay = signed(fresh, **{DELIVERY_ID_HEADER: "attacker-chosen"})
        assert await server.post(fresh, replay) == (400, "timestamp outside tolerance")
    assert len(calls) == 3


async def test_tolerance_accepts_a_timedelta_and_is_off_by_default() -> None:
    body = body_of(timestamp="2020-01-01T00:00:00Z")
    assert await WebhookReceiver(secret=SECRET).process(body, signed(body)) == (200, "ignored")
    receiver = WebhookReceiver(secret=SECRET, tolerance=timedelta(minutes=5), clock=lambda: NOW)
    assert receiver.tolerance == 300.0
    assert (await receiver.process(body, signed(body))).status == 400
    recent = body_of(timestamp=iso(NOW - 299))
    assert await receiver.process(recent, signed(recent)) == (200, "ignored")


@pytest.mark.parametrize("tolerance", [0, -1, float("nan"), float("inf"), True, "300"])
def test_bad_tolerance_is_a_configuration_error(tolerance: Any) -> None:
    with pytest.raises(ConfigurationError):
        WebhookReceiver(secret=SECRET, tolerance=tolerance)


def head(extra: str) -> bytes:
    return (
        "POST /webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"{SIGNATURE_HEADER}: {'0' * 64}\r\n{extra}\r\n"
    ).encode()


async def test_declared_length_over_the_limit_is_refused_before_reading(adapter: str) -> None:
    """Only the head and 100 bytes of a declared 10 MB body are sent, and the connection stays
    open: a receiver that reads before checking waits for the rest and never answers."""
    receiver = WebhookReceiver(secret=SECRET, max_body_size=1024)
    # the app raised aiohttp's own limit, as in the report
    async with serve(adapter, receiver, client_max_size=64 * 1024**2) as url:
        request = head("Content-Length: 10000000\r\n") + b"{" * 100
        assert await raw_exchange(url, request) == (413, "payload too large")


async def test_endless_chunked_body_is_cut_at_the_limit(adapter: str) -> None:
    """A chunked body without Content-Length that never ends: the receiver answers 413 after
    `max_body_size + 1` bytes, before the client has finished sending."""
    receiver = WebhookReceiver(secret=SECRET, max_body_size=1024)
    async with serve(adapter, receiver, client_max_size=64 * 1024**2) as url:
        request = head("Transfer-Encoding: chunked\r\n") + b"%x\r\n%s\r\n" % (4096, b"x" * 4096)
        assert await raw_exchange(url, request) == (413, "payload too large")


async def test_size_limit_is_exact_with_and_without_content_length(adapter: str) -> None:
    body = body_of()

    async def chunked(data: bytes) -> AsyncIterator[bytes]:
        for i in range(0, len(data), 100):
            yield data[i : i + 100]

    for limit, expected in ((len(body), (200, "ignored")), (len(body) - 1, (413, "payload too large"))):
        receiver = WebhookReceiver(secret=SECRET, max_body_size=limit, dedupe=None)
        async with serve(adapter, receiver) as url, aiohttp.ClientSession() as session:
            for data in (body, chunked(body)):
                async with session.post(url, data=data, headers=signed(body)) as resp:
                    assert (resp.status, await resp.text()) == expected


async def test_read_limited_never_asks_for_more_than_the_limit_plus_one() -> None:
    asked: list[int] = []

    async def endless(n: int) -> bytes:  # an endless stream that honours the size asked
        asked.append(n)
        return b"x" * n

    limit = 200_000
    assert await read_limited(endless, limit) is None
    assert sum(asked) == limit + 1

    chunks = [b"a" * 700, b"b" * 700, b"c" * 700]

    async def generous(n: int) -> bytes:  # returns more than asked, like an ASGI message
        return chunks.pop(0) if chunks else b""

    assert await read_limited(generous, 1000) is None
    assert len(chunks) == 1  # stopped at the first chunk past the limit
    chunks[:] = [b"a" * 500, b"b" * 500]
    assert await read_limited(generous, 1000) == b"a" * 500 + b"b" * 500


async def test_aiohttp_body_already_read_by_a_middleware() -> None:
    receiver = WebhookReceiver(secret=SECRET, max_body_size=len(body_of()))
    seen: list[bytes] = []

    @web.middleware
    async def audit(request: web.Request, handler: Any) -> web.StreamResponse:
        seen.append(await request.read())
        return await handler(request)

    app = web.Application(middlewares=[audit])
    app.router.add_post("/webhooks", receiver.handle)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/webhooks"
        async with aiohttp.ClientSession() as session:
            for body, expected in ((body_of(), 200), (body_of(call_id="longer id"), 413)):
                async with session.post(url, data=body, headers=signed(body)) as resp:
                    assert resp.status == expected
    finally:
        await runner.cleanup()
    assert seen[0] == body_of()


@pytest.mark.parametrize(
    "payload",
    [
        {"event": "webhook.test", "agent_id": "a", "webhook_name": "CRM", "test": True},
        {"event": "event_phone_call_started", "call_id": "c"},
        {"event": "campaign.started", "campaign_id": "camp"},
        {"event": "campaign_call.failed", "campaign_id": "camp", "call_id": "c"},
        {"event": "agent.retrained", "agent_id": "a"},  # an UnknownEvent
    ],
    ids=lambda p: p["event"],
)
async def test_tolerance_reads_the_timestamp_of_every_event_family(payload: dict[str, Any]) -> None:
    receiver = WebhookReceiver(secret=SECRET, tolerance=60, clock=lambda: NOW, dedupe=None)
    for stamp, expected in (
        (iso(NOW - 59), (200, "ignored")),
        (iso(NOW - 61), (400, "timestamp outside tolerance")),
        (None, (400, "missing timestamp")),
    ):
        body = json.dumps({**payload, **({} if stamp is None else {"timestamp": stamp})}).encode()
        assert await receiver.process(body, signed(body)) == expected


# -- review of the split (R1): unsigned headers in the key, memory, declared length, slow bodies


async def test_a_changed_event_header_cannot_take_a_real_deliverys_key(
    receiver: WebhookReceiver,
) -> None:
    """The event-name header is not signed and decides the handlers of a body that names no
    event. A captured delivery whose handler failed, replayed at once with the same id but
    another event name (no handler: "200 ignored"), must not make the sender's retry of the
    real delivery a "duplicate" (before: it did, and the real handler never ran)."""
    attempts: list[WebhookEvent] = []

    @receiver.on(EventType.PHONE_CALL_ENDED)
    def ended(event: WebhookEvent) -> None:
        attempts.append(event)
        if len(attempts) == 1:
            raise RuntimeError("database down")

    body = b'{"call_id": "call_1", "duration": 45}'  # names no event: the header does
    real = signed(body, **{DELIVERY_ID_HEADER: "d-1", EVENT_HEADER: "event_phone_call_ended"})
    forged = {**real, EVENT_HEADER: "campaign.started"}
    assert await receiver.process(body, real) == (500, "handler error")
    assert await receiver.process(body, forged) == (200, "ignored")
    assert await receiver.process(body, real) == (200, "ok")  # the retry still runs
    assert await receiver.process(body, real) == (200, "duplicate")
    assert len(attempts) == 2


async def test_tiny_chunks_do_not_multiply_the_memory_of_a_body() -> None:
    """A sender (or a server) handing the body over in 2-byte pieces: the memory held while
    reading stays near the limit, not one Python object per piece (~20x the limit before)."""
    import tracemalloc

    limit = 100_000

    async def tiny(n: int) -> bytes:
        return bytes(min(n, 2))  # a new object every time, never more than 2 bytes

    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        assert await read_limited(tiny, limit) is None
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert peak < 3 * limit, peak


async def test_a_content_length_of_thousands_of_digits_is_413(receiver: WebhookReceiver) -> None:
    """`int()` refuses more than 4300 digits with ValueError, which escaped as a 500."""

    async def never(n: int) -> bytes:
        raise AssertionError("the body must not be read")

    for declared in ("9" * 5000, "1" + "0" * 30):
        headers = {**signed(b"{}"), "Content-Length": declared}
        assert await receiver.receive(headers, never) == (413, "payload too large")


async def test_a_body_that_never_ends_in_time_is_408() -> None:
    """A sender trickling its body (slowloris) holds a connection and up to `max_body_size`
    bytes for as long as it likes, unless the read has a deadline."""
    calls: list[WebhookEvent] = []
    receiver = WebhookReceiver(secret=SECRET, read_timeout=0.05)
    receiver.on_any(calls.append)

    async def stalled(n: int) -> bytes:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    assert await receiver.receive(signed(b"{}"), stalled) == (408, "body not received in time")
    assert calls == []
    assert WebhookReceiver(secret=SECRET).read_timeout == 30.0
    assert WebhookReceiver(secret=SECRET, read_timeout=None).read_timeout is None
    for bad in (0, -1, float("nan"), True, "5"):
        with pytest.raises(ConfigurationError):
            WebhookReceiver(secret=SECRET, read_timeout=bad)  # type: ignore[arg-type]


async def test_a_trickled_body_is_answered_408_by_both_adapters(adapter: str) -> None:
    receiver = WebhookReceiver(secret=SECRET, read_timeout=0.2)
    async with serve(adapter, receiver) as url:
        request = head("Content-Length: 100\r\n") + b"{" * 10  # and then nothing more
        assert await raw_exchange(url, request) == (408, "body not received in time")


async def test_a_doubled_signature_header_is_refused_by_both_adapters(adapter: str) -> None:
    """aiohttp's `request.headers.get` took the first of two signature headers while the ASGI
    adapter joined them (401): the same delivery got two answers."""
    body = body_of()
    good = sign(body, SECRET)
    receiver = WebhookReceiver(secret=SECRET)
    async with serve(adapter, receiver) as url:
        request = (
            f"POST /webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
            f"{SIGNATURE_HEADER}: {good}\r\n{SIGNATURE_HEADER}: {good}\r\n\r\n"
        ).encode() + body
        assert await raw_exchange(url, request) == (401, "invalid signature")
