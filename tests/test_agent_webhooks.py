"""Agent webhooks (agents.md §5): requests sent, strict decoding of the documented bodies and
odd envelopes, argument checks before any I/O, secret redaction, and the §9 traps that concern
webhooks (list shape, short log pagination, unread delete page, `enabled` vs `status`)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from talkover_async import InvalidRequestError
from talkover_async.errors import (
    AuthenticationError,
    InternalServerError,
    NotFoundError,
    ValidationError,
)
from talkover_async.models.results import Ack
from talkover_async.models.webhooks import (
    AgentWebhook,
    AgentWebhookList,
    AuthorizationScheme,
    CustomHeader,
    WebhookHttpMethod,
    WebhookLog,
    WebhookLogRetry,
    WebhookLogStatus,
    WebhookStatus,
    WebhookTestResult,
)
from talkover_async.operations import OPERATIONS, decode
from talkover_async.pagination import Page
from talkover_async.serde import structure

from .recorder import Recorder, client_for

AGENT = "550e8400-e29b-41d4-a716-446655440000"
HOOK = "9fbef0b7-0000-4000-8000-000000000001"
LOG = "9fbef0b7-0000-4000-8000-0000000000a1"
BASE = f"/api/v1/agents/{AGENT}/webhooks"
SECRET = "whsec_CANARY_5f2b9c"

WEBHOOK: dict[str, Any] = {
    "id": HOOK,
    "agent_id": AGENT,
    "name": "CRM sync",
    "webhook_url": "https://example.com/hooks/talkover",
    "events": ["event_phone_call_started", "event_phone_call_ended"],
    "timeout": 30,
    "max_retries": 3,
    "enabled": True,
    "created_at": "2025-09-03T23:19:51.000000Z",
    "updated_at": "2025-09-03T23:19:51.000000Z",
    "events_count": 2,
    "status": "active",
}
AVAILABLE = {
    "event_phone_call_started": "Call started",
    "event_phone_call_ended": "Call ended",
    "event_voicemail_detected": "Voicemail detected",
}
SUCCESS_LOG: dict[str, Any] = {
    "id": LOG,
    "webhook_id": HOOK,
    "event": "event_phone_call_ended",
    "attempt": 1,
    "status": "success",
    "http_status": 200,
    "request_payload": {"event": "event_phone_call_ended", "call_id": "c1"},
    "response_body": "OK",
    "response_headers": {"content-type": ["text/plain"]},
    "duration_ms": 142,
    "delivered_at": "2025-09-03T23:19:52.000000Z",
    "created_at": "2025-09-03T23:19:51.000000Z",
}
FAILED_LOG: dict[str, Any] = {
    "id": "log-2",
    "webhook_id": HOOK,
    "event": "event_phone_call_started",
    "attempt": 3,
    "status": "failed",
    "http_status": 500,
    "request_payload": {"event": "event_phone_call_started"},
    "error": "Server returned 500",
    "duration_ms": 30001,
    "created_at": "2025-09-03T23:19:51.000000Z",
}


def ok(data: Any, message: str | None = None) -> tuple[int, Any]:
    body: dict[str, Any] = {"success": True, "data": data}
    if message:
        body["message"] = message
    return (200, body)


async def test_list_returns_webhooks_and_available_events() -> None:
    rec = Recorder(ok({"webhooks": [WEBHOOK], "available_events": AVAILABLE}))
    async with client_for(rec) as client:
        result = await client.agents.webhooks.list(AGENT)
    assert rec.last.method == "GET" and rec.path() == BASE
    assert isinstance(result, AgentWebhookList)
    hook = result.webhooks[0]
    assert isinstance(hook, AgentWebhook) and hook.status is WebhookStatus.ACTIVE
    assert hook.events_count == 2 and hook.created_at is not None
    assert hook.created_at.microsecond == 0 and hook.created_at.tzinfo is not None
    assert result.available_events["event_voicemail_detected"] == "Voicemail detected"


async def test_create_sends_every_field_and_decodes() -> None:
    rec = Recorder(ok(WEBHOOK, "Webhook created successfully"))
    async with client_for(rec) as client:
        hook = await client.agents.webhooks.create(
            AGENT,
            name="CRM sync",
            webhook_url="https://example.com/hooks/talkover",
            events=["event_phone_call_started", "event_phone_call_ended"],
            webhook_secret=SECRET,
            delivery_timeout=30,
            delivery_max_retries=3,
            enabled=True,
            http_method=WebhookHttpMethod.PUT,
            authorization_scheme="bearer",
            custom_headers=[
                CustomHeader(key="X-Env", value="prod"),
                {"key": "X-Api-Key", "value": "k-123456"},
            ],
        )
    assert rec.last.method == "POST" and rec.path() == BASE
    assert rec.body() == {
        "name": "CRM sync",
        "webhook_url": "https://example.com/hooks/talkover",
        "webhook_secret": SECRET,
        "events": ["event_phone_call_started", "event_phone_call_ended"],
        "timeout": 30,
        "max_retries": 3,
        "enabled": True,
        "http_method": "PUT",
        "authorization_scheme": "bearer",
        "custom_headers": [
            {"key": "X-Env", "value": "prod"},
            {"key": "X-Api-Key", "value": "k-123456"},
        ],
    }
    assert rec.last.operation == "agents.webhooks.create" and rec.last.safe is False
    assert hook.id == HOOK and hook.enabled is True


async def test_create_minimal_body_and_unknown_event_names_are_tolerated() -> None:
    """`available_events` is cut off in the docs: names outside the documented ones pass."""
    rec = Recorder(ok({**WEBHOOK, "events": ["event_some_future_event"], "events_count": 1}))
    async with client_for(rec) as client:
        hook = await client.agents.webhooks.create(
            AGENT,
            name="n",
            webhook_url="http://localhost:8080/x",
            events=("event_some_future_event",),
        )
    assert rec.body() == {
        "name": "n",
        "webhook_url": "http://localhost:8080/x",
        "events": ["event_some_future_event"],
    }
    assert hook.events == ["event_some_future_event"]


async def test_get_update_toggle_test_delete() -> None:
    disabled = {**WEBHOOK, "enabled": False, "status": "disabled"}
    rec = Recorder(
        ok(WEBHOOK),
        ok(disabled, "Webhook updated successfully"),
        ok(WEBHOOK, "Webhook enabled"),
        ok({"status_code": 200, "response_time": 142}, "Test webhook sent successfully"),
        (200, {"success": True, "message": "Webhook deleted successfully"}),
    )
    async with client_for(rec) as client:
        got = await client.agents.webhooks.get(AGENT, HOOK)
        updated = await client.agents.webhooks.update(
            AGENT, HOOK, enabled=False, delivery_timeout=60
        )
        toggled = await client.agents.webhooks.toggle(AGENT, HOOK)
        tested = await client.agents.webhooks.test(AGENT, HOOK)
        deleted = await client.agents.webhooks.delete(AGENT, HOOK)
    assert got.name == "CRM sync"
    # Partial update: only the given fields are sent; `enabled: false` makes status `disabled`.
    assert rec.body(1) == {"enabled": False, "timeout": 60}
    assert updated.enabled is False and updated.status is WebhookStatus.DISABLED
    assert toggled.enabled is True
    assert (
        isinstance(tested, WebhookTestResult)
        and tested.status_code == 200
        and tested.response_time == 142
    )
    assert isinstance(deleted, Ack) and deleted.message == "Webhook deleted successfully"
    assert [(r.method, rec.path(i)) for i, r in enumerate(rec.requests)] == [
        ("GET", f"{BASE}/{HOOK}"),
        ("PUT", f"{BASE}/{HOOK}"),
        ("PATCH", f"{BASE}/{HOOK}/toggle"),
        ("POST", f"{BASE}/{HOOK}/test"),
        ("DELETE", f"{BASE}/{HOOK}"),
    ]
    assert [r.content for r in rec.requests[2:]] == [None, None, None]
    assert [r.safe for r in rec.requests] == [True, True, False, False, True]


async def test_toggle_is_not_retried_after_a_server_error() -> None:
    """Each toggle flips the state: a 503 must not trigger a second flip."""
    rec = Recorder((503, {"success": False, "message": "Service unavailable"}))
    async with client_for(rec) as client:
        with pytest.raises(InternalServerError):
            await client.agents.webhooks.toggle(AGENT, HOOK)
        with pytest.raises(InternalServerError):
            await client.agents.webhooks.test(AGENT, HOOK)
    assert len(rec.requests) == 2


async def test_logs_short_pagination_iterates_pages() -> None:
    """Webhook logs carry only `{current_page, per_page, total}` (no last_page/from/to)."""
    rec = Recorder(
        (
            200,
            {
                "success": True,
                "data": [SUCCESS_LOG, FAILED_LOG],
                "pagination": {"current_page": 1, "per_page": 2, "total": 3},
            },
        ),
        (
            200,
            {
                "success": True,
                "data": [{**SUCCESS_LOG, "id": "log-3"}],
                "pagination": {"current_page": 2, "per_page": 2, "total": 3},
            },
        ),
    )
    async with client_for(rec) as client:
        logs = await client.agents.webhooks.logs(AGENT, HOOK, per_page=2).to_list()
    assert [log.id for log in logs] == [LOG, "log-2", "log-3"]
    ok_log, failed = logs[0], logs[1]
    assert isinstance(ok_log, WebhookLog) and ok_log.status is WebhookLogStatus.SUCCESS
    assert ok_log.response_headers == {"content-type": ["text/plain"]} and ok_log.error is None
    assert failed.status is WebhookLogStatus.FAILED and failed.error == "Server returned 500"
    assert failed.delivered_at is None and failed.response_body is None
    assert rec.requests[0].url.endswith(f"{BASE}/{HOOK}/logs?per_page=2&page=1")
    assert rec.requests[1].url.endswith(f"{BASE}/{HOOK}/logs?per_page=2&page=2")


async def test_logs_first_page_only() -> None:
    rec = Recorder(
        (
            200,
            {
                "success": True,
                "data": [SUCCESS_LOG],
                "pagination": {"current_page": 3, "per_page": 25, "total": 51},
            },
        )
    )
    async with client_for(rec) as client:
        page = await client.agents.webhooks.logs(AGENT, HOOK, page=3)
    # 3 pages of 25 cover 51 logs: the short block alone says this is the last page.
    assert (
        isinstance(page, Page) and page.current_page == 3 and page.total == 51 and not page.has_next
    )
    assert rec.last.url.endswith("/logs?page=3")


async def test_retry_log_and_not_retriable() -> None:
    rec = Recorder(
        ok(
            {
                "log_id": "log-new",
                "original_log_id": LOG,
                "queued_at": "2025-09-03T23:20:00.000000Z",
            },
            "Webhook retry queued successfully",
        ),
        (422, {"success": False, "message": "Log cannot be retried", "code": "LOG_NOT_RETRIABLE"}),
    )
    async with client_for(rec) as client:
        retry = await client.agents.webhooks.retry_log(AGENT, HOOK, LOG)
        with pytest.raises(ValidationError) as info:
            await client.agents.webhooks.retry_log(AGENT, HOOK, LOG)
    assert (
        isinstance(retry, WebhookLogRetry)
        and retry.log_id == "log-new"
        and retry.original_log_id == LOG
    )
    assert retry.queued_at is not None
    assert info.value.code == "LOG_NOT_RETRIABLE"
    assert rec.requests[0].method == "POST" and rec.path(0) == f"{BASE}/{HOOK}/logs/{LOG}/retry"
    assert rec.requests[0].content is None and rec.requests[0].safe is False
    assert len(rec.requests) == 2  # the 422 was not retried


async def test_webhook_error_shapes() -> None:
    """Webhook pages use Laravel-style bodies without `success`."""
    rec = Recorder(
        (401, {"message": "Missing Bearer Token"}),
        (404, {"success": False, "message": "Agent not found in this environment."}),
        (
            422,
            {
                "message": "The given data was invalid.",
                "errors": {
                    "webhook_url": ["The webhook url must be a valid URL."],
                    "events": ["The selected events.0 is invalid."],
                },
            },
        ),
    )
    async with client_for(rec) as client:
        with pytest.raises(AuthenticationError):
            await client.agents.webhooks.list(AGENT)
        with pytest.raises(NotFoundError, match="Agent not found"):
            await client.agents.webhooks.get(AGENT, HOOK)
        with pytest.raises(ValidationError) as info:
            await client.agents.webhooks.create(
                AGENT, name="n", webhook_url="https://e.com", events=["nope"]
            )
    assert info.value.field_errors["events"] == ("The selected events.0 is invalid.",)


async def test_webhook_secret_is_redacted_from_logs_errors_and_reprs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="talkover_async")
    echo = {"success": False, "message": f"secret {SECRET} rejected; header k-SECRET-HDR-1 too"}
    rec = Recorder(
        (422, echo),
        ok(
            {
                **WEBHOOK,
                "webhook_secret": SECRET,
                "custom_headers": [{"key": "X-Api-Key", "value": "k-SECRET-HDR-1"}],
            }
        ),
    )
    async with client_for(rec) as client:
        with pytest.raises(ValidationError) as info:
            await client.agents.webhooks.create(
                AGENT,
                name="n",
                webhook_url="https://e.com/h",
                events=["event_phone_call_ended"],
                webhook_secret=SECRET,
                custom_headers=[{"key": "X-Api-Key", "value": "k-SECRET-HDR-1"}],
            )
        hook = await client.agents.webhooks.get(AGENT, HOOK)
    assert hook.webhook_secret == SECRET and hook.custom_headers[0].value == "k-SECRET-HDR-1"
    texts = [str(info.value), repr(info.value), info.value.message, repr(hook), caplog.text]
    for text in texts:
        assert SECRET not in text
        assert "k-SECRET-HDR-1" not in text
    assert "X-Api-Key" in repr(hook)  # the key stays visible, only the value is hidden


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "x" * 256}, "name"),
        ({"name": ""}, "name"),
        ({"webhook_url": "ftp://example.com/x"}, "webhook_url"),
        ({"webhook_url": "https://"}, "webhook_url"),
        ({"webhook_url": "example.com/hook"}, "webhook_url"),
        ({"webhook_url": "https://e.com/a b"}, "webhook_url"),
        ({"webhook_url": "https://e.com/" + "a" * 490}, "webhook_url"),
        ({"webhook_secret": "s" * 256}, "webhook_secret"),
        ({"events": []}, "events"),
        ({"events": "event_phone_call_ended"}, "events"),
        ({"events": ["ok", ""]}, "events[1]"),
        ({"events": [3]}, "events[0]"),
        ({"delivery_timeout": 4}, "delivery_timeout"),
        ({"delivery_timeout": 121}, "delivery_timeout"),
        ({"delivery_max_retries": -1}, "delivery_max_retries"),
        ({"delivery_max_retries": 11}, "delivery_max_retries"),
        ({"enabled": "yes"}, "enabled"),
        ({"http_method": "GET"}, "http_method"),
        ({"authorization_scheme": "oauth2"}, "authorization_scheme"),
        (
            {"custom_headers": [{"key": "X-A", "value": "v\r\nX-Injected: 1"}]},
            "custom_headers[0].value",
        ),
        ({"custom_headers": [{"key": "X-A", "value": "v\n"}]}, "custom_headers[0].value"),
        ({"custom_headers": [{"key": "Bad Header", "value": "v"}]}, "custom_headers[0].key"),
        ({"custom_headers": [{"key": "X-A", "value": "v", "extra": 1}]}, "custom_headers[0]"),
        ({"custom_headers": {"X-A": "v"}}, "custom_headers"),
    ],
)
async def test_create_argument_rules_reject_before_io(kwargs: dict[str, Any], field: str) -> None:
    rec = Recorder(ok(WEBHOOK))
    args: dict[str, Any] = {
        "name": "n",
        "webhook_url": "https://e.com/h",
        "events": ["event_phone_call_ended"],
    }
    args.update(kwargs)
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.agents.webhooks.create(AGENT, **args)
        with pytest.raises(InvalidRequestError):
            await client.agents.webhooks.update(AGENT, HOOK, **kwargs)
    assert info.value.field == field
    assert rec.requests == []
    assert "X-Injected" not in str(info.value)  # the rule names the field, not the value


async def test_create_required_and_update_empty_rejected_before_io() -> None:
    rec = Recorder(ok(WEBHOOK))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError, match="name"):
            await client.agents.webhooks.create(
                AGENT, name=None, webhook_url="https://e.com", events=["e"]
            )  # type: ignore[arg-type]
        with pytest.raises(InvalidRequestError, match="events"):
            await client.agents.webhooks.create(
                AGENT, name="n", webhook_url="https://e.com", events=None
            )  # type: ignore[arg-type]
        with pytest.raises(InvalidRequestError, match="at least one field"):
            await client.agents.webhooks.update(AGENT, HOOK)
        with pytest.raises(InvalidRequestError, match="per_page"):
            client.agents.webhooks.logs(AGENT, HOOK, per_page=101)
        with pytest.raises(InvalidRequestError, match="per_page"):
            client.agents.webhooks.logs(AGENT, HOOK, per_page=0)
        with pytest.raises(InvalidRequestError, match="webhook_id"):
            await client.agents.webhooks.get(AGENT, "")
    assert rec.requests == []


async def test_update_with_only_extra_body_is_allowed() -> None:
    rec = Recorder(ok(WEBHOOK))
    async with client_for(rec) as client:
        await client.agents.webhooks.update(AGENT, HOOK, extra_body={"payload_template": {}})
    assert rec.body() == {"payload_template": {}}


def test_operations_registry_and_decode() -> None:
    assert OPERATIONS["agents.webhooks.toggle"].safe is False
    assert OPERATIONS["agents.webhooks.test"].safe is False
    assert OPERATIONS["agents.webhooks.retry_log"].safe is False
    assert OPERATIONS["agents.webhooks.create"].safe is False
    assert OPERATIONS["agents.webhooks.delete"].path == "/agents/{agent_id}/webhooks/{webhook_id}"
    result = decode(
        "agents.webhooks.test",
        200,
        json.dumps(
            {
                "success": True,
                "message": "Test webhook sent successfully",
                "data": {"status_code": 204, "response_time": 87},
            }
        ),
        strict=True,
    )
    assert result == WebhookTestResult(status_code=204, response_time=87)
    page = decode(
        "agents.webhooks.logs",
        200,
        json.dumps(
            {
                "success": True,
                "data": [FAILED_LOG],
                "pagination": {"current_page": 1, "per_page": 25, "total": 1},
            }
        ),
        strict=True,
    )
    assert isinstance(page, Page) and page.items[0].attempt == 3 and not page.has_next
    listed = decode(
        "agents.webhooks.list",
        200,
        json.dumps(ok({"webhooks": [], "available_events": {}})[1]),
        strict=True,
    )
    assert listed == AgentWebhookList()


def test_campaign_webhook_models_decode_documented_shapes() -> None:
    """Campaign webhook objects live here too (used by client.campaigns.webhooks)."""
    from talkover_async.models.webhooks import CampaignWebhook

    created = structure(
        {
            "id": HOOK,
            "campaign_id": "c1",
            "name": "n",
            "events": ["campaign.started"],
            "enabled": True,
            "include_call_events": True,
            "created_at": "2024-01-15T10:30:00Z",
        },
        CampaignWebhook,
        strict=True,
    )
    assert created.include_call_events is True and created.webhook_url is None
    full = structure(
        {
            "id": HOOK,
            "campaign_id": "c1",
            "name": "n",
            "webhook_url": "https://e.com",
            "events": ["campaign_call.completed"],
            "enabled": True,
            "timeout": 30,
            "max_retries": 3,
            "include_call_events": False,
            "created_at": "2024-01-15T10:30:00Z",
        },
        CampaignWebhook,
        strict=True,
    )
    assert full.timeout == 30
    toggled = structure({"id": HOOK, "enabled": False}, CampaignWebhook, strict=True)
    assert toggled.enabled is False
    log = structure(
        {
            "id": "l",
            "event": "campaign.started",
            "attempt": 1,
            "status": "success",
            "http_status": 200,
            "duration_ms": 10,
            "delivered_at": "2024-01-15T10:30:00Z",
            "created_at": "2024-01-15T10:30:00Z",
        },
        WebhookLog,
        strict=True,
    )
    assert log.webhook_id is None and log.status is WebhookLogStatus.SUCCESS
    retry = structure({"log_id": "n", "original_log_id": "o"}, WebhookLogRetry, strict=True)
    assert retry.queued_at is None
    assert AuthorizationScheme("custom") is AuthorizationScheme.CUSTOM
    assert repr(CustomHeader(key="Authorization", value="Bearer abcdefgh")).count("abcdefgh") == 0
