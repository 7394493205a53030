"""Campaign webhooks (calls-campaigns.md §2.12-2.18) and campaign SFTP (§2.19-2.23):
requests sent, strict decoding of the documented bodies, results that are not exceptions
(failed SFTP test), secrets kept out of logs, errors and reprs, and argument checks before
any I/O."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from talkover_async import (
    Ack,
    APIConnectionError,
    AsyncTalkover,
    ConflictError,
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
    ValidationError,
)
from talkover_async.models.campaign_sftp import (
    SftpAuthType,
    SftpConfig,
    SftpImportJob,
    SftpImportSchedule,
    SftpTestResult,
)
from talkover_async.models.campaigns import CampaignWebhookEvent
from talkover_async.models.webhooks import (
    CampaignWebhook,
    CustomHeader,
    WebhookHttpMethod,
    WebhookLog,
    WebhookLogRetry,
    WebhookLogStatus,
)
from talkover_async.operations import OPERATIONS, decode
from talkover_async.transports import MockTransport

from .canary import CANARY_WEBHOOK_SECRET
from .recorder import Recorder, client_for

CAMPAIGN = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
HOOK = "b3f1c2d4-0000-4000-8000-000000000001"
LOG = "d9e8f7a6-0000-4000-8000-000000000002"
TS = "2024-01-15T10:30:00Z"
HOOKS = f"/api/v1/campaigns/{CAMPAIGN}/webhooks"
SFTP = f"/api/v1/campaigns/{CAMPAIGN}/sftp"

WEBHOOK_CREATED = {
    "id": HOOK,
    "campaign_id": CAMPAIGN,
    "name": "CRM sync",
    "events": ["campaign.started", "campaign_call.completed"],
    "enabled": True,
    "include_call_events": True,
    "created_at": TS,
}
WEBHOOK_FULL = {
    **WEBHOOK_CREATED,
    "webhook_url": "https://crm.example.com/hooks/talkover",
    "timeout": 30,
    "max_retries": 3,
}
LOG_ITEM = {
    "id": LOG,
    "event": "campaign.started",
    "attempt": 1,
    "status": "success",
    "http_status": 200,
    "duration_ms": 142,
    "delivered_at": TS,
    "created_at": TS,
}

PEM = (
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "QyNTUxOQAAACDcanaryKeyLineTwoXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n"
    "-----END OPENSSH PRIVATE KEY-----\n"
)
PASSWORD = "sftp-Pa55word-canary-91"  # noqa: S105 - a test value
PASSPHRASE = "key-passphrase-canary-37"  # noqa: S105 - a test value

SFTP_FULL = {
    "id": "sftp-uuid-1",
    "campaign_id": CAMPAIGN,
    "host": "sftp.example.com",
    "port": 22,
    "username": "talkover",
    "auth_type": "password",
    "import_path": "/inbox",
    "export_path": "/outbox",
    "import_schedule": "daily",
    "is_enabled": False,
    "last_test_at": TS,
    "last_test_success": True,
    "created_at": TS,
}


def ok(data: Any = None, message: str | None = None) -> tuple[int, Any]:
    body: dict[str, Any] = {"success": True}
    if message is not None:
        body["message"] = message
    if data is not None:
        body["data"] = data
    return 200, body


# --- campaign webhooks ------------------------------------------------------------------


async def test_webhook_create_sends_every_field_and_decodes_the_short_echo() -> None:
    rec = Recorder(ok(WEBHOOK_CREATED))
    async with client_for(rec) as client:
        hook = await client.campaigns.webhooks.create(
            CAMPAIGN,
            name="CRM sync",
            webhook_url="https://crm.example.com/hooks/talkover",
            events=[CampaignWebhookEvent.CAMPAIGN_STARTED, "campaign_call.completed"],
            webhook_secret=CANARY_WEBHOOK_SECRET,
            delivery_timeout=60,
            delivery_max_retries=5,
            enabled=True,
            http_method=WebhookHttpMethod.PUT,
            authorization_scheme="bearer",
            custom_headers=[
                CustomHeader(key="X-Api-Key", value="hdr-value-1"),
                {"key": "X-B", "value": "b"},
            ],
            include_call_events=True,
        )
    assert rec.last.method == "POST" and rec.path() == HOOKS
    assert rec.body() == {
        "name": "CRM sync",
        "webhook_url": "https://crm.example.com/hooks/talkover",
        "webhook_secret": CANARY_WEBHOOK_SECRET,
        "events": ["campaign.started", "campaign_call.completed"],
        "timeout": 60,
        "max_retries": 5,
        "enabled": True,
        "http_method": "PUT",
        "authorization_scheme": "bearer",
        "custom_headers": [
            {"key": "X-Api-Key", "value": "hdr-value-1"},
            {"key": "X-B", "value": "b"},
        ],
        "include_call_events": True,
    }
    assert isinstance(hook, CampaignWebhook) and hook.include_call_events is True
    assert hook.webhook_url is None and hook.timeout is None  # not echoed by create


async def test_webhook_get_update_toggle_test_retry() -> None:
    rec = Recorder(
        ok(WEBHOOK_FULL),
        ok(
            {
                "id": HOOK,
                "events": ["campaign.completed"],
                "include_call_events": False,
                "updated_at": TS,
            }
        ),
        ok({"id": HOOK, "enabled": False}, "Webhook disabled"),
        ok(message="Test payload dispatched"),
        ok({"log_id": "new-log", "original_log_id": LOG}, "Webhook retry queued"),
    )
    async with client_for(rec) as client:
        full = await client.campaigns.webhooks.get(CAMPAIGN, HOOK)
        updated = await client.campaigns.webhooks.update(
            CAMPAIGN, HOOK, events=["campaign.completed"], include_call_events=False
        )
        toggled = await client.campaigns.webhooks.toggle(CAMPAIGN, HOOK)
        tested = await client.campaigns.webhooks.test(CAMPAIGN, HOOK)
        retried = await client.campaigns.webhooks.retry_log(CAMPAIGN, HOOK, LOG)
    sent = [(r.method, urlsplit(r.url).path, r.content) for r in rec.requests]
    assert sent[0] == ("GET", f"{HOOKS}/{HOOK}", None)
    assert sent[1][:2] == ("PUT", f"{HOOKS}/{HOOK}")
    assert rec.body(1) == {"events": ["campaign.completed"], "include_call_events": False}
    assert sent[2] == ("PATCH", f"{HOOKS}/{HOOK}/toggle", None)
    assert sent[3] == ("POST", f"{HOOKS}/{HOOK}/test", None)
    assert sent[4] == ("POST", f"{HOOKS}/{HOOK}/logs/{LOG}/retry", None)
    assert full.webhook_url == "https://crm.example.com/hooks/talkover" and full.max_retries == 3
    assert updated.events == ["campaign.completed"] and updated.name is None  # echo of changes
    assert toggled == CampaignWebhook(id=HOOK, enabled=False)
    assert tested == Ack(success=True, message="Test payload dispatched")
    assert retried == WebhookLogRetry(log_id="new-log", original_log_id=LOG)


@pytest.mark.parametrize("name", ["toggle", "test"])
async def test_unsafe_webhook_operations_are_not_retried_after_an_ambiguous_failure(
    name: str,
) -> None:
    rec = Recorder(
        (502, {"success": False, "message": "bad gateway"}), ok({"id": HOOK, "enabled": True})
    )
    async with client_for(rec, max_retries=3) as client:
        with pytest.raises(InternalServerError):
            await getattr(client.campaigns.webhooks, name)(CAMPAIGN, HOOK)
    assert len(rec.requests) == 1


async def test_retry_log_is_not_retried_after_a_reset() -> None:
    rec = Recorder(ConnectionResetError)
    async with client_for(rec, max_retries=3) as client:
        with pytest.raises(APIConnectionError) as info:
            await client.campaigns.webhooks.retry_log(CAMPAIGN, HOOK, LOG)
    assert info.value.sent is True and len(rec.requests) == 1


async def test_logs_short_pagination_iterates_every_page() -> None:
    def page(n: int, ids: list[str]) -> tuple[int, Any]:
        items = [{**LOG_ITEM, "id": i} for i in ids]
        return 200, {
            "success": True,
            "data": items,
            "pagination": {"current_page": n, "per_page": 2, "total": 3},
        }

    rec = Recorder(page(1, ["l1", "l2"]), page(1, ["l1", "l2"]), page(2, ["l3"]))
    async with client_for(rec) as client:
        first = await client.campaigns.webhooks.logs(CAMPAIGN, HOOK, per_page=2)
        every = [log.id async for log in client.campaigns.webhooks.logs(CAMPAIGN, HOOK, per_page=2)]
    assert rec.path(0) == f"{HOOKS}/{HOOK}/logs"
    assert parse_qs(urlsplit(rec.requests[0].url).query) == {"per_page": ["2"], "page": ["1"]}
    assert first.last_page is None and first.total == 3 and first.has_next
    assert (
        isinstance(first.items[0], WebhookLog) and first.items[0].status is WebhookLogStatus.SUCCESS
    )
    assert first.items[0].duration_ms == 142 and first.items[0].webhook_id is None
    assert every == ["l1", "l2", "l3"]


async def test_webhook_secret_never_shows(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="talkover_async")
    echo = {"success": False, "message": f"secret {CANARY_WEBHOOK_SECRET} is too weak"}
    rec = Recorder((422, echo), ok({**WEBHOOK_FULL, "webhook_secret": CANARY_WEBHOOK_SECRET}))
    async with client_for(rec) as client:
        with pytest.raises(ValidationError) as info:
            await client.campaigns.webhooks.update(
                CAMPAIGN, HOOK, webhook_secret=CANARY_WEBHOOK_SECRET
            )
        hook = await client.campaigns.webhooks.get(CAMPAIGN, HOOK)
    assert hook.webhook_secret == CANARY_WEBHOOK_SECRET
    for text in (str(info.value), repr(info.value), info.value.message, repr(hook), caplog.text):
        assert CANARY_WEBHOOK_SECRET not in text


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (
            lambda c: c.campaigns.webhooks.create(
                CAMPAIGN, name="n", webhook_url="https://e.com", events=[]
            ),
            "events",
        ),
        (
            lambda c: c.campaigns.webhooks.create(
                CAMPAIGN, name="n", webhook_url="e.com", events=["a"]
            ),
            "webhook_url",
        ),
        (
            lambda c: c.campaigns.webhooks.create(
                CAMPAIGN, name="", webhook_url="https://e.com", events=["a"]
            ),
            "name",
        ),
        (
            lambda c: c.campaigns.webhooks.create(
                CAMPAIGN,
                name="n",
                webhook_url="https://e.com",
                events=["a"],
                include_call_events="yes",
            ),
            "include_call_events",
        ),
        (
            lambda c: c.campaigns.webhooks.create(
                CAMPAIGN, name="n", webhook_url="https://e.com", events=["a"], delivery_timeout=121
            ),
            "delivery_timeout",
        ),
        (lambda c: c.campaigns.webhooks.update(CAMPAIGN, HOOK), "update"),
        (lambda c: c.campaigns.webhooks.update(CAMPAIGN, HOOK, http_method="GET"), "http_method"),
        (lambda c: c.campaigns.webhooks.get(CAMPAIGN, ""), "webhook_id"),
        (lambda c: c.campaigns.webhooks.retry_log(CAMPAIGN, HOOK, ".."), "log_id"),
    ],
)
async def test_webhook_arguments_rejected_before_io(
    call: Callable[[AsyncTalkover], Any], field: str
) -> None:
    rec = Recorder(ok(WEBHOOK_FULL))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            await call(client)
    assert info.value.field == field and rec.requests == []


@pytest.mark.parametrize("per_page", [0, 101])
def test_logs_per_page_rejected_before_io(per_page: int) -> None:
    rec = Recorder(ok([]))
    with pytest.raises(InvalidRequestError):
        client_for(rec).campaigns.webhooks.logs(CAMPAIGN, HOOK, per_page=per_page)
    assert rec.requests == []


# --- campaign SFTP ----------------------------------------------------------------------


async def test_sftp_create_with_password_and_with_a_key() -> None:
    created = {
        "id": "sftp-uuid-1",
        "campaign_id": CAMPAIGN,
        "host": "sftp.example.com",
        "is_enabled": False,
        "created_at": TS,
    }
    rec = Recorder(ok(created))
    async with client_for(rec) as client:
        config = await client.campaigns.sftp.create(
            CAMPAIGN,
            host="sftp.example.com",
            port=2222,
            username="talkover",
            auth_type=SftpAuthType.PASSWORD,
            password=PASSWORD,
            import_path="/inbox",
            export_path="/outbox",
            import_schedule=SftpImportSchedule.HOURLY,
        )
        await client.campaigns.sftp.create(
            CAMPAIGN,
            host="sftp.example.com",
            username="talkover",
            auth_type="private_key",
            private_key=PEM,
            private_key_passphrase=PASSPHRASE,
        )
    assert rec.requests[0].method == "POST" and rec.path(0) == SFTP
    assert rec.body(0) == {
        "host": "sftp.example.com",
        "port": 2222,
        "username": "talkover",
        "auth_type": "password",
        "password": PASSWORD,
        "import_path": "/inbox",
        "export_path": "/outbox",
        "import_schedule": "hourly",
    }
    assert rec.body(1) == {
        "host": "sftp.example.com",
        "username": "talkover",
        "auth_type": "private_key",
        "private_key": PEM,
        "private_key_passphrase": PASSPHRASE,
    }
    assert config.is_enabled is False and config.port is None


async def test_sftp_get_and_update() -> None:
    rec = Recorder(
        ok(SFTP_FULL),
        ok({"id": "sftp-uuid-1", "import_schedule": "daily", "is_enabled": True, "updated_at": TS}),
    )
    async with client_for(rec) as client:
        config = await client.campaigns.sftp.get(CAMPAIGN)
        updated = await client.campaigns.sftp.update(
            CAMPAIGN, import_schedule="daily", is_enabled=True
        )
    assert rec.requests[0].method == "GET" and rec.path(0) == SFTP
    assert rec.requests[1].method == "PUT" and rec.body(1) == {
        "import_schedule": "daily",
        "is_enabled": True,
    }
    assert config.auth_type is SftpAuthType.PASSWORD and config.last_test_success is True
    assert config.import_schedule is SftpImportSchedule.DAILY and config.password is None
    assert updated.is_enabled is True and updated.host is None


async def test_sftp_enable_without_a_test_is_a_validation_error() -> None:
    body = {
        "success": False,
        "message": "Run a successful test connection before enabling SFTP",
        "code": "SFTP_TEST_REQUIRED",
    }
    rec = Recorder((422, body))
    async with client_for(rec) as client:
        with pytest.raises(ValidationError) as info:
            await client.campaigns.sftp.update(CAMPAIGN, is_enabled=True)
    assert info.value.code == "SFTP_TEST_REQUIRED"


async def test_sftp_test_connection_success() -> None:
    data = {"tested_at": TS, "import_path_accessible": True, "export_path_accessible": False}
    rec = Recorder(ok(data, "SFTP connection successful"))
    async with client_for(rec) as client:
        result = await client.campaigns.sftp.test_connection(CAMPAIGN)
    assert (
        rec.last.method == "POST"
        and rec.path() == f"{SFTP}/test-connection"
        and rec.last.content is None
    )
    assert result.ok and result.success is True and result.message == "SFTP connection successful"
    assert result.import_path_accessible is True and result.export_path_accessible is False


FAILED_TEST = {
    "success": False,
    "message": "SFTP connection failed",
    "data": {"tested_at": TS, "error": "Authentication failed"},
}


@pytest.mark.parametrize("status", [200, 400, 422, 502])
async def test_sftp_test_connection_failure_is_a_result(status: int) -> None:
    """The failure body has no documented status: whichever it comes with, it is a result."""
    rec = Recorder((status, FAILED_TEST))
    async with client_for(rec, max_retries=0) as client:
        result = await client.campaigns.sftp.test_connection(CAMPAIGN)
    assert isinstance(result, SftpTestResult)
    assert not result.ok and result.success is False and result.error == "Authentication failed"
    assert result.message == "SFTP connection failed" and result.tested_at is not None


async def test_sftp_test_connection_other_errors_still_raise() -> None:
    rec = Recorder((404, {"success": False, "message": "SFTP configuration not found"}))
    async with client_for(rec) as client:
        with pytest.raises(NotFoundError):
            await client.campaigns.sftp.test_connection(CAMPAIGN)


async def test_sftp_trigger_import_and_in_progress_conflict() -> None:
    busy = {
        "success": False,
        "message": "An SFTP import is already in progress",
        "code": "SFTP_IMPORT_IN_PROGRESS",
    }
    rec = Recorder(ok({"job_id": "job-1", "queued_at": TS}, "SFTP import queued"), (409, busy))
    async with client_for(rec) as client:
        job = await client.campaigns.sftp.trigger_import(CAMPAIGN)
        with pytest.raises(ConflictError) as info:
            await client.campaigns.sftp.trigger_import(CAMPAIGN)
    assert rec.last.method == "POST" and rec.path() == f"{SFTP}/trigger-import"
    assert isinstance(job, SftpImportJob) and job.job_id == "job-1"
    assert info.value.code == "SFTP_IMPORT_IN_PROGRESS"


async def test_sftp_trigger_import_is_not_retried_after_a_reset() -> None:
    rec = Recorder(ConnectionResetError)
    async with client_for(rec, max_retries=3) as client:
        with pytest.raises(APIConnectionError):
            await client.campaigns.sftp.trigger_import(CAMPAIGN)
    assert len(rec.requests) == 1


async def test_sftp_secrets_never_show(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="talkover_async")
    key_line = PEM.splitlines()[2]
    echoes = [
        (422, {"success": False, "message": f"password {PASSWORD} rejected"}),
        (422, {"success": False, "message": f"bad key {PEM} / {PASSPHRASE}"}),
        (422, {"success": False, "message": f"cannot parse line {key_line}"}),
        (500, {"success": False, "message": f"oops {PASSWORD}"}),
    ]
    rec = Recorder(
        *echoes,
        ok(
            {
                **SFTP_FULL,
                "password": PASSWORD,
                "private_key": PEM,
                "private_key_passphrase": PASSPHRASE,
            }
        ),
    )
    errors: list[BaseException] = []
    async with client_for(rec, max_retries=0) as client:
        with pytest.raises(ValidationError) as info:
            await client.campaigns.sftp.create(
                CAMPAIGN, host="h", username="u", auth_type="password", password=PASSWORD
            )
        errors.append(info.value)
        for _ in range(2):
            with pytest.raises(ValidationError) as info:
                await client.campaigns.sftp.update(
                    CAMPAIGN,
                    auth_type="private_key",
                    private_key=PEM,
                    private_key_passphrase=PASSPHRASE,
                )
            errors.append(info.value)
        with pytest.raises(InternalServerError) as server_error:
            await client.campaigns.sftp.test_connection(CAMPAIGN)
        errors.append(server_error.value)
        echoed = await client.campaigns.sftp.get(CAMPAIGN)
    assert echoed.password == PASSWORD  # kept on the model, but not in its repr
    texts = [caplog.text, repr(echoed)]
    for err in errors:
        texts += [str(err), repr(err), getattr(err, "message", "")]
    for text in texts:
        for secret in (PASSWORD, PASSPHRASE, key_line, PEM.splitlines()[1]):
            assert secret not in text, text


async def test_a_rejected_secret_argument_is_still_redacted_later() -> None:
    """The secret is registered before the other checks: even when the call is rejected
    before I/O, a later echo of that value is redacted."""
    rec = Recorder((500, {"success": False, "message": f"saw {PASSWORD}"}))
    async with client_for(rec, max_retries=0) as client:
        with pytest.raises(InvalidRequestError):
            await client.campaigns.sftp.update(CAMPAIGN, password=PASSWORD, port=0)
        with pytest.raises(InternalServerError) as info:
            await client.campaigns.sftp.get(CAMPAIGN)
    assert PASSWORD not in str(info.value) and PASSWORD not in info.value.message


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"host": None}, "host"),
        ({"username": None}, "username"),
        ({"auth_type": None}, "auth_type"),
        ({"auth_type": "certificate"}, "auth_type"),
        ({"password": None}, "password"),
        ({"auth_type": "private_key", "password": None}, "private_key"),
        ({"auth_type": "private_key", "private_key": "/home/me/.ssh/id_ed25519"}, "private_key"),
        ({"password": ""}, "password"),
        ({"port": 0}, "port"),
        ({"port": 65536}, "port"),
        ({"import_schedule": "weekly"}, "import_schedule"),
        ({"host": "sftp://example.com"}, "host"),
        ({"host": "a b"}, "host"),
    ],
)
async def test_sftp_create_rejected_before_io(kwargs: dict[str, Any], field: str) -> None:
    base: dict[str, Any] = {
        "host": "sftp.example.com",
        "username": "u",
        "auth_type": "password",
        "password": PASSWORD,
    }
    rec = Recorder(ok(SFTP_FULL))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.campaigns.sftp.create(CAMPAIGN, **{**base, **kwargs})
    assert info.value.field == field and rec.requests == []
    assert PASSWORD not in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({}, "update"), ({"is_enabled": "true"}, "is_enabled"), ({"port": 70000}, "port")],
)
async def test_sftp_update_rejected_before_io(kwargs: dict[str, Any], field: str) -> None:
    rec = Recorder(ok(SFTP_FULL))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.campaigns.sftp.update(CAMPAIGN, **kwargs)
    assert info.value.field == field and rec.requests == []


# --- registry / decode ------------------------------------------------------------------


def test_operations_and_decode() -> None:
    expected = {
        "campaigns.webhooks.create": ("POST", "/campaigns/{campaign_id}/webhooks", False),
        "campaigns.webhooks.get": ("GET", "/campaigns/{campaign_id}/webhooks/{webhook_id}", True),
        "campaigns.webhooks.update": (
            "PUT",
            "/campaigns/{campaign_id}/webhooks/{webhook_id}",
            True,
        ),
        "campaigns.webhooks.toggle": (
            "PATCH",
            "/campaigns/{campaign_id}/webhooks/{webhook_id}/toggle",
            False,
        ),
        "campaigns.webhooks.test": (
            "POST",
            "/campaigns/{campaign_id}/webhooks/{webhook_id}/test",
            False,
        ),
        "campaigns.webhooks.logs": (
            "GET",
            "/campaigns/{campaign_id}/webhooks/{webhook_id}/logs",
            True,
        ),
        "campaigns.webhooks.retry_log": (
            "POST",
            "/campaigns/{campaign_id}/webhooks/{webhook_id}/logs/{log_id}/retry",
            False,
        ),
        "campaigns.sftp.create": ("POST", "/campaigns/{campaign_id}/sftp", False),
        "campaigns.sftp.get": ("GET", "/campaigns/{campaign_id}/sftp", True),
        "campaigns.sftp.update": ("PUT", "/campaigns/{campaign_id}/sftp", True),
        "campaigns.sftp.test_connection": (
            "POST",
            "/campaigns/{campaign_id}/sftp/test-connection",
            True,
        ),
        "campaigns.sftp.trigger_import": (
            "POST",
            "/campaigns/{campaign_id}/sftp/trigger-import",
            False,
        ),
    }
    for name, (method, path, safe) in expected.items():
        op = OPERATIONS[name]
        assert (op.method, op.path, op.safe) == (method, path, safe), name
    assert OPERATIONS["campaigns.sftp.test_connection"].allow_failure
    failed = decode("campaigns.sftp.test_connection", 200, json.dumps(FAILED_TEST), strict=True)
    assert (
        isinstance(failed, SftpTestResult)
        and not failed.ok
        and failed.error == "Authentication failed"
    )
    assert decode(
        "campaigns.webhooks.test", 200, '{"success": true, "message": "Test payload dispatched"}'
    ) == Ack(success=True, message="Test payload dispatched")
    config = decode(
        "campaigns.sftp.get", 200, json.dumps({"success": True, "data": SFTP_FULL}), strict=True
    )
    assert isinstance(config, SftpConfig) and config.host == "sftp.example.com"


# --- end to end against the in-memory fake ----------------------------------------------


@pytest.mark.usefixtures("talkover_unknowns")  # --talkover-vary-seeds
async def test_webhooks_and_sftp_against_the_fake() -> None:
    from talkover_async.testing import FakeTalkover

    token = "talq_fake_campaign_hooks_01"  # noqa: S105 - the fake's token
    fake = FakeTalkover(token, seed=5)
    agent_id = fake.seed_agent().id
    async with AsyncTalkover(token, transport=MockTransport(fake), env={}, strict=True) as client:
        campaign = await client.campaigns.create(
            name="Hooks",
            campaign_type="custom",
            agent_id=agent_id,
            start_date="2024-01-15",
            days_of_week=[1, 2, 3, 4, 5],
            call_time_ranges=[("09:00", "17:00")],
        )
        hook = await client.campaigns.webhooks.create(
            campaign.id,
            name="h",
            webhook_url="https://hooks.example.invalid/t",
            events=[CampaignWebhookEvent.CAMPAIGN_STARTED],
            include_call_events=True,
        )
        full = await client.campaigns.webhooks.get(campaign.id, hook.id)
        assert (
            full.webhook_url == "https://hooks.example.invalid/t"
            and full.include_call_events is True
        )
        toggled = await client.campaigns.webhooks.toggle(campaign.id, hook.id)
        assert toggled.enabled is False
        page = await client.campaigns.webhooks.logs(campaign.id, hook.id)
        assert page.current_page == 1

        created = await client.campaigns.sftp.create(
            campaign.id,
            host="sftp.example.com",
            username="u",
            auth_type="password",
            password="wrong",
        )
        assert created.is_enabled is False
        with pytest.raises(ValidationError) as info:
            await client.campaigns.sftp.update(campaign.id, is_enabled=True)
        assert info.value.code == "SFTP_TEST_REQUIRED"
        failed = await client.campaigns.sftp.test_connection(campaign.id)
        assert not failed.ok and failed.error == "Authentication failed"
        await client.campaigns.sftp.update(campaign.id, password=PASSWORD)
        passed = await client.campaigns.sftp.test_connection(campaign.id)
        assert passed.ok and passed.message == "SFTP connection successful"
        enabled = await client.campaigns.sftp.update(campaign.id, is_enabled=True)
        assert enabled.is_enabled is True
        job = await client.campaigns.sftp.trigger_import(campaign.id)
        assert job.job_id
        with pytest.raises(ConflictError) as busy:
            await client.campaigns.sftp.trigger_import(campaign.id)
        assert busy.value.code == "SFTP_IMPORT_IN_PROGRESS"
        config = await client.campaigns.sftp.get(campaign.id)
        assert config.last_test_success is True and config.password is None
