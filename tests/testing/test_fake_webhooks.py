"""Webhook deliveries from the fake: events as calls progress, signatures, retries, logs."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from pathlib import Path

import pytest

from talkover_async import _json
from talkover_async.testing import SIGNATURE_HEADER, FakeTalkover, sign

from .conftest import Api, Receiver

SECRET = "whsec_fake_secret"


@pytest.fixture
def agent_id(fake: FakeTalkover) -> str:
    return fake.seed_agent().id


async def add_hook(api: Api, agent_id: str, url: str, **overrides: object) -> dict:
    body = {
        "name": "CRM",
        "webhook_url": url,
        "webhook_secret": SECRET,
        "events": [
            "event_phone_call_started",
            "event_phone_call_connected",
            "event_phone_call_ended",
            "event_phone_call_did_not_connect",
        ],
        **overrides,
    }
    resp = await api.post(f"/agents/{agent_id}/webhooks", body)
    assert resp.status in (200, 201), resp
    return resp.data  # type: ignore[no-any-return]


async def test_agent_webhook_crud_shapes(api: Api, agent_id: str) -> None:
    hook = await add_hook(api, agent_id, "http://127.0.0.1:9/hooks")
    assert list(hook) == [
        "id",
        "agent_id",
        "name",
        "webhook_url",
        "events",
        "timeout",
        "max_retries",
        "enabled",
        "created_at",
        "updated_at",
        "events_count",
        "status",
    ]
    assert hook["timeout"] == 30 and hook["max_retries"] == 3 and hook["status"] == "active"
    assert hook["created_at"].endswith(".000000Z")
    assert "webhook_secret" not in hook
    listed = await api.get(f"/agents/{agent_id}/webhooks")
    assert list(listed.data) == ["webhooks", "available_events"]
    assert listed.data["available_events"]["event_phone_call_started"] == "Phone call has started"
    base = f"/agents/{agent_id}/webhooks/{hook['id']}"
    updated = await api.put(base, {"enabled": False, "timeout": 60})
    assert updated.json["message"] == "Webhook updated successfully"
    assert updated.data["status"] == "disabled" and updated.data["timeout"] == 60
    toggled = await api.patch(f"{base}/toggle")
    assert toggled.json["message"] == "Webhook enabled" and toggled.data["enabled"] is True
    assert (await api.patch(f"{base}/toggle")).json["message"] == "Webhook disabled"
    assert (await api.get(base)).data["id"] == hook["id"]
    deleted = await api.delete(base)
    assert deleted.json == {"success": True, "message": "Webhook deleted successfully"}
    gone = await api.get(base)
    assert gone.status == 404 and gone.json == {"success": False, "message": "Webhook not found."}


async def test_agent_webhook_error_shapes(api: Api, agent_id: str) -> None:
    missing_token = await api.post(f"/agents/{agent_id}/webhooks", {}, token=None)
    assert missing_token.status == 401
    assert missing_token.json == {"message": "Missing Bearer Token"}
    invalid = await api.post(f"/agents/{agent_id}/webhooks", {"events": [], "webhook_url": "nope"})
    assert invalid.status == 422
    assert invalid.json == {
        "message": "The given data was invalid.",
        "errors": {
            "name": ["The name field is required."],
            "webhook_url": ["The webhook url field must be a valid URL."],
            "events": ["The events field must contain at least 1 items."],
        },
    }
    unknown_event = await add_hook_raw(api, agent_id, events=["event_nope"])
    assert unknown_event.json["errors"] == {"events.0": ["The selected events.0 is invalid."]}
    ranges = await add_hook_raw(api, agent_id, timeout=4, max_retries=11, http_method="GET")
    assert set(ranges.json["errors"]) == {"timeout", "max_retries", "http_method"}
    no_agent = await api.get("/agents/nope/webhooks")
    assert no_agent.status == 404
    assert no_agent.json == {"success": False, "message": "Agent not found in this environment."}


async def add_hook_raw(api: Api, agent_id: str, **body: object) -> object:
    base = {"name": "x", "webhook_url": "http://127.0.0.1:9/", "events": ["event_phone_call_ended"]}
    return await api.post(f"/agents/{agent_id}/webhooks", {**base, **body})


def verify(headers: Mapping[str, str], body: bytes, secret: str = SECRET) -> bool:
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers.get(SIGNATURE_HEADER, ""), expected)


async def test_events_follow_the_call_signed_with_context(
    api: Api, fake: FakeTalkover, agent_id: str, receiver: Receiver
) -> None:
    await add_hook(api, agent_id, receiver.url)
    call = await api.post(
        f"/agents/{agent_id}/call", {"to": "+14155550100", "context": {"crm_id": "L-1"}}
    )
    assert receiver.received == []  # nothing until time moves
    assert fake.pending_deliveries == 0
    logs = await fake.advance(60)
    assert [log.status for log in logs] == ["success"] * 3
    assert receiver.events() == [
        "event_phone_call_started",
        "event_phone_call_connected",
        "event_phone_call_ended",
    ]
    for headers, body in receiver.received:
        assert verify(headers, body)
        assert headers["Content-Type"] == "application/json"
        assert headers["X-Talkover-Event"] == _json.loads(body)["event"]
    ended = receiver.payloads()[-1]
    assert ended["call_id"] == call.data["id"]
    assert ended["context"] == {"crm_id": "L-1"}
    assert ended["status"] == "completed" and ended["duration"] == 30
    assert ended["timestamp"] == "2025-01-15T09:00:36.000000Z"
    assert {
        "event",
        "event_id",
        "timestamp",
        "call_id",
        "agent_id",
        "to",
        "status",
        "duration",
        "context",
    } <= set(ended)
    assert sign(receiver.received[0][1], SECRET) == receiver.received[0][0][SIGNATURE_HEADER]


async def test_tampered_or_wrong_secret_fails_verification(
    api: Api, fake: FakeTalkover, agent_id: str, receiver: Receiver
) -> None:
    await add_hook(api, agent_id, receiver.url, events=["event_phone_call_ended"])
    await api.post(f"/agents/{agent_id}/call", {"to": "+14155550100"})
    await fake.advance(60)
    headers, body = receiver.received[0]
    assert verify(headers, body)
    assert not verify(headers, body.replace(b"completed", b"failed"))
    assert not verify(headers, body, secret="other")


async def test_interop_with_sdk_verifier(
    api: Api, fake: FakeTalkover, agent_id: str, receiver: Receiver
) -> None:
    webhooks = pytest.importorskip("talkover_async.webhooks")
    await add_hook(api, agent_id, receiver.url, events=["event_phone_call_ended"])
    await api.post(f"/agents/{agent_id}/call", {"to": "+14155550100"})
    await fake.advance(60)
    headers, body = receiver.received[0]
    assert webhooks.verify_signature(body, headers[SIGNATURE_HEADER], SECRET)
    assert not webhooks.verify_signature(body + b" ", headers[SIGNATURE_HEADER], SECRET)


async def test_unsigned_without_secret_and_did_not_connect(
    api: Api, fake: FakeTalkover, agent_id: str, receiver: Receiver
) -> None:
    await add_hook(api, agent_id, receiver.url, webhook_secret=None)
    fake.set_call_outcome("+14155550111", "no-answer")
    await api.post(f"/agents/{agent_id}/call", {"to": "+14155550111", "is_testing": True})
    await fake.advance(120)
    assert receiver.events() == ["event_phone_call_started", "event_phone_call_did_not_connect"]
    assert SIGNATURE_HEADER not in receiver.received[0][0]
    last = receiver.payloads()[-1]
    assert last["status"] == "no-answer" and last["is_testing"] is True


async def test_end_call_emits_ended(
    api: Api, fake: FakeTalkover, agent_id: str, receiver: Receiver
) -> None:
    await add_hook(api, agent_id, receiver.url, events=["event_phone_call_ended"])
    call_id = (await api.post(f"/agents/{agent_id}/call", {"to": "+14155550100"})).data["id"]
    await fake.advance(10)
    await api.post(f"/agents/{agent_id}/end-call", {"call_sid": call_id})
    assert fake.pending_deliveries == 1
    await fake.advance(0)
    assert receiver.payloads()[0]["ended_reason"] == "ended_by_api"


async def test_failed_deliveries_are_retried_and_logged(
    api: Api, fake: FakeTalkover, agent_id: str, receiver: Receiver
) -> None:
    hook = await add_hook(
        api, agent_id, receiver.url, events=["event_phone_call_started"], max_retries=2
    )
    receiver.statuses = [500, 503, 500]
    await api.post(f"/agents/{agent_id}/call", {"to": "+14155550100"})
    logs = await fake.advance(2)
    assert [(lg.attempt, lg.status, lg.http_status) for lg in logs] == [
        (1, "failed", 500),
        (2, "failed", 503),
        (3, "failed", 500),
    ]
    assert len(receiver.received) == 3
    ids = {h["X-Talkover-Delivery-Id"] for h, _ in receiver.received}
    assert len(ids) == 1  # the same delivery id on every attempt

    base = f"/agents/{agent_id}/webhooks/{hook['id']}"
    page = await api.get(f"{base}/logs", query={"per_page": 2})
    assert page.json["pagination"] == {"current_page": 1, "per_page": 2, "total": 3, "last_page": 2}
    newest = page.data[0]
    assert newest["attempt"] == 3 and newest["status"] == "failed" and newest["error"] == "HTTP 500"
    assert newest["event"] == "event_phone_call_started"
    # the documented request_payload form (list-webhook-logs): {call_id, duration}
    assert newest["request_payload"] == {"call_id": fake.calls[0].id, "duration": 0}

    retried = await api.post(f"{base}/logs/{newest['id']}/retry")
    assert retried.json["message"] == "Webhook retry queued successfully"
    assert set(retried.data) == {"log_id", "original_log_id", "queued_at"}
    logs_after = (await api.get(f"{base}/logs")).data
    assert logs_after[0]["id"] == retried.data["log_id"]
    assert logs_after[0]["status"] == "success" and logs_after[0]["response_body"] == "ok"
    refused = await api.post(f"{base}/logs/{retried.data['log_id']}/retry")
    assert refused.status == 422
    assert refused.json == {
        "success": False,
        "message": "Log cannot be retried",
        "code": "LOG_NOT_RETRIABLE",
    }
    assert (await api.get(f"{base}/logs", query={"per_page": 101})).status == 422


async def test_non_loopback_urls_are_never_contacted(
    api: Api, fake: FakeTalkover, agent_id: str
) -> None:
    hook = await add_hook(api, agent_id, "https://example.com/hooks", max_retries=0)
    await api.post(f"/agents/{agent_id}/call", {"to": "+14155550100"})
    logs = await fake.advance(1)
    assert logs[0].status == "failed" and logs[0].http_status is None
    assert "not a loopback host" in (logs[0].error or "")
    test = await api.post(f"/agents/{agent_id}/webhooks/{hook['id']}/test")
    assert test.status == 422 and "code" not in test.json


async def test_in_process_sink_and_disabled_hooks(
    api: Api, fake: FakeTalkover, agent_id: str
) -> None:
    got: list[tuple[str, dict[str, str], bytes]] = []

    async def sink(url: str, headers: Mapping[str, str], body: bytes) -> int:
        got.append((url, dict(headers), body))
        return 204

    fake.webhook_sink = sink
    hook = await add_hook(api, agent_id, "https://crm.example.com/hooks")
    await api.post(f"/agents/{agent_id}/call", {"to": "+14155550100"})
    await fake.advance(60)
    assert [_json.loads(b)["event"] for _, _, b in got] == [
        "event_phone_call_started",
        "event_phone_call_connected",
        "event_phone_call_ended",
    ]
    assert got[0][0] == "https://crm.example.com/hooks"
    await api.patch(f"/agents/{agent_id}/webhooks/{hook['id']}/toggle")
    await api.post(f"/agents/{agent_id}/call", {"to": "+14155550100"})
    await fake.advance(60)
    assert len(got) == 3  # disabled: nothing more


async def test_test_endpoint_sends_webhook_test(
    api: Api, fake: FakeTalkover, agent_id: str, receiver: Receiver
) -> None:
    hook = await add_hook(
        api, agent_id, receiver.url, custom_headers=[{"key": "X-Env", "value": "ci"}]
    )
    resp = await api.post(f"/agents/{agent_id}/webhooks/{hook['id']}/test")
    assert resp.status == 200
    assert resp.json["message"] == "Test webhook sent successfully"
    assert resp.data["status_code"] == 200 and isinstance(resp.data["response_time"], int)
    headers, body = receiver.received[0]
    payload = _json.loads(body)
    assert {
        k: payload[k]
        for k in ("event", "agent_id", "agent_name", "webhook_id", "webhook_name", "test")
    } == {
        "event": "webhook.test",
        "agent_id": agent_id,
        "agent_name": "Seeded agent",
        "webhook_id": hook["id"],
        "webhook_name": "CRM",
        "test": True,
    }
    assert headers["X-Env"] == "ci" and verify(headers, body)
    receiver.statuses = [410, 410, 410, 410]
    resp = await api.post(f"/agents/{agent_id}/webhooks/{hook['id']}/test")
    assert resp.data["status_code"] == 410  # your endpoint's status, after the retries


async def test_campaign_webhooks(
    api: Api, fake: FakeTalkover, agent_id: str, receiver: Receiver
) -> None:
    campaign = fake.seed_campaign(agent_id, max_retries=0)
    fake.set_call_outcome("+14155550199", "busy")
    created = await api.post(
        f"/campaigns/{campaign.id}/webhooks",
        {
            "name": "Ops",
            "webhook_url": receiver.url,
            "webhook_secret": SECRET,
            "events": [
                "campaign.started",
                "campaign.completed",
                "campaign_call.completed",
                "campaign_call.failed",
            ],
        },
    )
    assert created.status in (200, 201)
    assert list(created.data) == [
        "id",
        "campaign_id",
        "name",
        "events",
        "enabled",
        "include_call_events",
        "created_at",
    ]
    hook_id = created.data["id"]
    bad = await api.post(
        f"/campaigns/{campaign.id}/webhooks",
        {"name": "x", "webhook_url": receiver.url, "events": ["event_phone_call_ended"]},
    )
    assert bad.status == 422 and "events.0" in bad.json["errors"]

    await api.post(f"/campaigns/{campaign.id}/call", {"to": "+14155550100", "context": {"row": 1}})
    await api.post(f"/campaigns/{campaign.id}/call", {"to": "+14155550199", "context": {"row": 2}})
    await api.patch(f"/campaigns/{campaign.id}/status", {"status": "active"})
    await fake.advance(120)
    await api.patch(f"/campaigns/{campaign.id}/status", {"status": "completed"})
    await fake.advance(0)
    assert receiver.events() == [
        "campaign.started",
        "campaign_call.failed",
        "campaign_call.completed",
        "campaign.completed",
    ]
    payloads = receiver.payloads()
    assert payloads[0]["campaign_id"] == campaign.id and payloads[0]["status"] == "active"
    assert payloads[1]["context"] == {"row": 2} and payloads[1]["status"] == "busy"
    assert all(verify(h, b) for h, b in receiver.received)

    base = f"/campaigns/{campaign.id}/webhooks/{hook_id}"
    logs = await api.get(f"{base}/logs")
    assert logs.json["pagination"] == {"current_page": 1, "per_page": 25, "total": 4}
    assert list(logs.data[0]) == [
        "id",
        "event",
        "attempt",
        "status",
        "http_status",
        "duration_ms",
        "delivered_at",
        "created_at",
    ]
    updated = await api.put(base, {"include_call_events": True})
    assert list(updated.data) == ["id", "include_call_events", "updated_at"]
    toggled = await api.patch(f"{base}/toggle")
    assert toggled.json == {
        "success": True,
        "message": "Webhook disabled",
        "data": {"id": hook_id, "enabled": False},
    }
    await api.patch(f"{base}/toggle")
    got = (await api.get(base)).data
    assert got["include_call_events"] is True and got["webhook_url"] == receiver.url
    test = await api.post(f"{base}/test")
    assert test.json == {"success": True, "message": "Test payload dispatched"}
    assert receiver.payloads()[-1]["test"] is True


async def test_campaign_webhook_per_call_events(
    api: Api, fake: FakeTalkover, agent_id: str, receiver: Receiver
) -> None:
    campaign = fake.seed_campaign(agent_id, status="active")
    await api.post(
        f"/campaigns/{campaign.id}/webhooks",
        {
            "name": "Ops",
            "webhook_url": receiver.url,
            "events": ["campaign_call.completed"],
            "include_call_events": True,
        },
    )
    await api.post(f"/campaigns/{campaign.id}/call", {"to": "+14155550100", "context": {"k": "v"}})
    await fake.advance(60)
    assert receiver.events() == [
        "event_phone_call_started",
        "event_phone_call_connected",
        "event_phone_call_ended",
        "campaign_call.completed",
    ]
    assert all(p["context"] == {"k": "v"} for p in receiver.payloads())
    assert receiver.payloads()[0]["campaign_id"] == campaign.id


async def test_campaign_log_retry(
    api: Api, fake: FakeTalkover, agent_id: str, receiver: Receiver
) -> None:
    campaign = fake.seed_campaign(agent_id)
    created = await api.post(
        f"/campaigns/{campaign.id}/webhooks",
        {
            "name": "Ops",
            "webhook_url": receiver.url,
            "events": ["campaign.started"],
            "max_retries": 0,
        },
    )
    receiver.statuses = [500]
    await api.patch(f"/campaigns/{campaign.id}/status", {"status": "active"})
    await fake.advance(0)
    base = f"/campaigns/{campaign.id}/webhooks/{created.data['id']}"
    log_id = (await api.get(f"{base}/logs")).data[0]["id"]
    retried = await api.post(f"{base}/logs/{log_id}/retry")
    assert retried.json["message"] == "Webhook retry queued"
    assert set(retried.data) == {"log_id", "original_log_id"}
    assert len(receiver.received) == 2



def test_the_fake_signs_on_its_own() -> None:
    """The fake does not borrow the SDK's signing code (it must be able to disagree); the SDK
    verifies what it sends (see also `test_interop_with_sdk_verifier`)."""
    import talkover_async.testing.delivery as delivery
    from talkover_async.webhooks import signing

    imports = [line for line in Path(delivery.__file__).read_text().splitlines() if "import" in line]
    assert not [line for line in imports if "webhooks" in line], imports
    body, secret = b'{"event": "webhook.test"}', "whsec_test_secret"
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert sign(body, secret) == expected
    assert SIGNATURE_HEADER == signing.SIGNATURE_HEADER
    assert signing.verify_signature(body, sign(body, secret), secret)
