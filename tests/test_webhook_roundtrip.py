"""Webhooks end to end over loopback: a call progresses in the fake, the fake delivers signed
events to a `WebhookReceiver` served on 127.0.0.1, which verifies them, rejects a tampered
body and a wrong secret, and handles a repeated delivery once."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from aiohttp import web

from talkover_async import AsyncTalkover
from talkover_async.models.events import CallEvent
from talkover_async.testing import FakeTalkover, serve_fake
from talkover_async.webhooks import SIGNATURE_HEADER, WebhookReceiver, sign

TOKEN = "talq_roundtrip_token"
SECRET = "whsec_roundtrip_s3cret_value"


@pytest.mark.usefixtures("talkover_unknowns")  # --talkover-vary-seeds
async def test_signed_events_verified_tampering_rejected_duplicates_dropped() -> None:
    receiver = WebhookReceiver(secret=SECRET)
    handled: list[CallEvent] = []
    raw: list[tuple[dict[str, str], bytes]] = []

    @receiver.on_any
    async def record(event: Any) -> None:
        handled.append(event)

    async def endpoint(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        raw.append((dict(request.headers), body))
        status, reason = await receiver.process(body, request.headers)
        return web.Response(status=status, text=reason)

    app = web.Application()
    app.router.add_post("/hooks", endpoint)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    hook_url = f"http://127.0.0.1:{port}/hooks"
    fake = FakeTalkover.demo(token=TOKEN)
    try:
        async with serve_fake(fake) as base_url, AsyncTalkover(TOKEN, base_url=base_url, env={}, strict=True) as client:
            hook = await client.agents.webhooks.create(
                "demo",
                name="crm",
                webhook_url=hook_url,
                events=["event_phone_call_started", "event_phone_call_connected", "event_phone_call_ended"],
                webhook_secret=SECRET,
            )
            call = await client.agents.call("demo", to="+14155550100", context={"crm_id": "L-7"})
            await fake.advance(120)

            # 1. Every event arrived signed, verified, typed, with the call's context.
            assert [e.event for e in handled] == [
                "event_phone_call_started",
                "event_phone_call_connected",
                "event_phone_call_ended",
            ]
            assert all(isinstance(e, CallEvent) and e.context == {"crm_id": "L-7"} for e in handled)
            assert handled[-1].call_id == call.id
            logs = [log async for log in client.agents.webhooks.logs("demo", hook.id)]
            assert len(logs) == 3 and {log.status for log in logs} == {"success"}

            received, body = raw[-1]
            keep = {SIGNATURE_HEADER, "X-Talkover-Event", "X-Talkover-Delivery-Id", "Content-Type"}
            keep = {k.lower() for k in keep}  # header names are case-insensitive
            headers = {k: v for k, v in received.items() if k.lower() in keep}
            assert {k.lower() for k in headers} == keep
            async with aiohttp.ClientSession() as session:
                # 2. A repeated delivery (same delivery id) is answered 200 and handled once.
                async with session.post(hook_url, data=body, headers=headers) as resp:
                    assert resp.status == 200 and await resp.text() == "duplicate"
                assert len(handled) == 3
                # 3. A tampered body is rejected before any handler runs.
                tampered = body.replace(b"completed", b"failed")
                async with session.post(hook_url, data=tampered, headers={**headers, "X-Talkover-Delivery-Id": "x1"}) as resp:
                    assert resp.status == 401
                # 4. A body signed with another secret is rejected.
                forged = {**headers, SIGNATURE_HEADER: sign(body, "whsec_wrong_secret"), "X-Talkover-Delivery-Id": "x2"}
                async with session.post(hook_url, data=body, headers=forged) as resp:
                    assert resp.status == 401
            assert len(handled) == 3
    finally:
        await runner.cleanup()
