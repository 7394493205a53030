"""Auto-topup (platform.md §3): requests, strict decoding of every odd envelope of §7.1,
money-moving operations never retried (credits and API tokens too), and argument checks
before any I/O."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from talkover_async import (
    AsyncTalkover,
    InternalServerError,
    InvalidRequestError,
    PaymentRequiredError,
    ValidationError,
)
from talkover_async.models.auto_topup import (
    AutoTopupSettings,
    Card,
    Charge,
    PaymentMethod,
    TopupEvent,
    TopupStatus,
    TopupTrigger,
)
from talkover_async.operations import OPERATIONS, decode
from talkover_async.pagination import Page
from talkover_async.transports import MockTransport

from .account_api import API, CHARGE, ENV_TOKEN, client_for
from .recorder import Recorder

SETTINGS: dict[str, Any] = {
    "is_enabled": True,
    "threshold_amount": 50.0,
    "recharge_amount": 100.0,
    "scheduled_payment_enabled": True,
    "scheduled_amount": 200.0,
    "day_of_month": 1,
    "payment_method_id": "pm_1N2b3C",
    "daily_limit": 500.0,
    "recharge_count_today": 1,
    "last_recharge_at": "2024-03-01T08:15:00Z",
    "currency": "USD",
}


async def test_settings_decodes_full_get_object_with_environment_token() -> None:
    rec = Recorder((200, {"success": True, "data": SETTINGS}))
    async with client_for(rec) as client:
        settings = await client.auto_topup.settings()
    assert rec.last.method == "GET" and rec.last.url == f"{API}/auto-topup/settings"
    assert rec.auth() == f"Bearer {ENV_TOKEN}"  # not the account token
    assert isinstance(settings, AutoTopupSettings) and settings.daily_limit == 500.0
    assert settings.day_of_month == 1 and settings.updated_at is None and settings.currency == "USD"


async def test_update_settings_sends_given_fields_and_decodes_subset() -> None:
    """Trap §7.11: PUT returns fewer fields plus `updated_at`."""
    data = {
        "is_enabled": True,
        "threshold_amount": 25,
        "recharge_amount": 1000,
        "scheduled_payment_enabled": False,
        "payment_method_id": "pm_1N2b3C",
        "daily_limit": 500,
        "updated_at": "2024-03-02T10:00:00Z",
    }
    rec = Recorder((200, {"success": True, "data": data}))
    async with client_for(rec) as client:
        settings = await client.auto_topup.update_settings(
            is_enabled=True,
            threshold_amount=25,
            recharge_amount=1000,
            scheduled_payment_enabled=False,
            payment_method_id="pm_1N2b3C",
        )
    assert rec.last.method == "PUT" and rec.last.url == f"{API}/auto-topup/settings"
    assert rec.body() == {
        "is_enabled": True,
        "threshold_amount": 25,
        "recharge_amount": 1000,
        "scheduled_payment_enabled": False,
        "payment_method_id": "pm_1N2b3C",
    }
    assert (
        settings.updated_at is not None
        and settings.currency is None
        and settings.recharge_amount == 1000.0
    )


async def test_update_settings_scheduled_mode_body() -> None:
    rec = Recorder((200, {"success": True, "data": {"is_enabled": True}}))
    async with client_for(rec) as client:
        await client.auto_topup.update_settings(
            scheduled_payment_enabled=True, scheduled_amount=1, day_of_month=28
        )
    assert rec.body() == {
        "scheduled_payment_enabled": True,
        "scheduled_amount": 1,
        "day_of_month": 28,
    }


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"threshold_amount": 0.5}, "threshold_amount"),
        ({"threshold_amount": 1001}, "threshold_amount"),
        ({"recharge_amount": 0}, "recharge_amount"),
        ({"recharge_amount": math.nan}, "recharge_amount"),
        ({"scheduled_payment_enabled": True, "scheduled_amount": 1000.01}, "scheduled_amount"),
        ({"scheduled_payment_enabled": True}, "scheduled_amount"),
        ({"day_of_month": 0}, "day_of_month"),
        ({"day_of_month": 29}, "day_of_month"),
        ({"day_of_month": 1.0}, "day_of_month"),
        ({"is_enabled": 1}, "is_enabled"),
        ({"payment_method_id": ""}, "payment_method_id"),
    ],
)
async def test_update_settings_rejects_bad_arguments_before_io(
    kwargs: dict[str, Any], field: str
) -> None:
    rec = Recorder((200, {}))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.auto_topup.update_settings(**kwargs)
    assert info.value.field == field
    assert rec.requests == []


async def test_disable_posts_without_body() -> None:
    data = {
        "is_enabled": False,
        "threshold_amount": 50,
        "recharge_amount": 100,
        "payment_method_id": "pm_1",
        "updated_at": "2024-03-02T10:00:00Z",
    }
    rec = Recorder((200, {"success": True, "data": data}))
    async with client_for(rec) as client:
        settings = await client.auto_topup.disable()
    assert rec.last.method == "POST" and rec.last.url == f"{API}/auto-topup/disable"
    assert rec.last.content is None
    assert settings.is_enabled is False


async def test_test_recharge_decodes_message_and_data_envelope() -> None:
    rec = Recorder(
        (200, {"success": True, "message": "Test recharge completed successfully", "data": CHARGE})
    )
    async with client_for(rec) as client:
        charge = await client.auto_topup.test()
    assert rec.last.method == "POST" and rec.last.url == f"{API}/auto-topup/test"
    assert charge == Charge(
        amount_charged=100.0, currency="USD", new_balance=350.0, transaction_id="txn_123"
    )


async def test_test_recharge_errors() -> None:
    rec = Recorder(
        (
            402,
            {
                "success": False,
                "message": "Payment method declined",
                "code": "PAYMENT_FAILED",
                "details": {"decline_reason": "insufficient_funds"},
            },
        ),
        (
            422,
            {
                "success": False,
                "message": "Auto topup is not configured",
                "code": "AUTO_TOPUP_NOT_CONFIGURED",
            },
        ),
    )
    async with client_for(rec) as client:
        with pytest.raises(PaymentRequiredError) as declined:
            await client.auto_topup.test()
        with pytest.raises(ValidationError) as unconfigured:
            await client.auto_topup.test()
    assert declined.value.code == "PAYMENT_FAILED"
    assert declined.value.details == {"decline_reason": "insufficient_funds"}
    assert unconfigured.value.code == "AUTO_TOPUP_NOT_CONFIGURED"


@pytest.mark.parametrize("name", ["auto_topup.test", "credits.purchase", "api_tokens.create"])
def test_money_and_create_operations_are_unsafe(name: str) -> None:
    assert OPERATIONS[name].safe is False


async def test_test_recharge_is_not_retried_after_a_5xx() -> None:
    rec = Recorder((500, {"success": False, "message": "Internal server error."}))
    async with client_for(rec, max_retries=3) as client:
        with pytest.raises(InternalServerError):
            await client.auto_topup.test()
        with pytest.raises(InternalServerError):
            await client.credits.purchase(amount=10)
    assert len(rec.requests) == 2  # one attempt each: a retry could charge twice


async def test_payment_methods_plain_array() -> None:
    methods = [
        {
            "id": "pm_1",
            "type": "card",
            "card": {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2027},
            "is_default": True,
            "created_at": "2024-01-10T10:00:00Z",
        },
        {
            "id": "pm_2",
            "type": "card",
            "card": {"brand": "amex", "last4": "0005", "exp_month": 1, "exp_year": 2026},
            "is_default": False,
            "created_at": "2024-01-11T10:00:00Z",
        },
    ]
    rec = Recorder((200, {"success": True, "data": methods}))
    async with client_for(rec) as client:
        result = await client.auto_topup.payment_methods()
    assert rec.last.url == f"{API}/auto-topup/payment-methods"
    assert [m.id for m in result] == ["pm_1", "pm_2"] and isinstance(result[0], PaymentMethod)
    assert result[0].card == Card(brand="visa", last4="4242", exp_month=12, exp_year=2027)


HISTORY_PAGE_1 = {
    "success": True,
    "data": [
        {
            "id": "evt_1",
            "amount": 100.0,
            "currency": "USD",
            "trigger": "threshold",
            "status": "succeeded",
            "balance_before": 45.0,
            "balance_after": 145.0,
            "payment_method_id": "pm_1",
            "transaction_id": "txn_1",
            "created_at": "2024-03-01T08:15:00Z",
        },
        {
            "id": "evt_2",
            "amount": 200.0,
            "currency": "USD",
            "trigger": "scheduled",
            "status": "failed",
            "payment_method_id": "pm_1",
            "failure_reason": "card_declined",
            "created_at": "2024-03-01T00:00:00Z",
        },
    ],
    "pagination": {"current_page": 1, "per_page": 2, "total": 3, "last_page": 2},
}
HISTORY_PAGE_2 = {
    "success": True,
    "data": [
        {
            "id": "evt_3",
            "amount": 100.0,
            "currency": "USD",
            "trigger": "manual_test",
            "status": "succeeded",
            "created_at": "2024-02-28T00:00:00Z",
        }
    ],
    "pagination": {"current_page": 2, "per_page": 2, "total": 3, "last_page": 2},
}


async def test_history_pages_and_failure_reason_trap() -> None:
    """Trap §7.13: history says `failure_reason`, the 402 error `details.decline_reason`."""
    rec = Recorder((200, HISTORY_PAGE_1), (200, HISTORY_PAGE_2))
    async with AsyncTalkover(ENV_TOKEN, transport=MockTransport(rec), env={}) as client:
        events = [e async for e in client.auto_topup.history(per_page=2)]
    assert [r.url for r in rec.requests] == [
        f"{API}/auto-topup/history?per_page=2&page=1",
        f"{API}/auto-topup/history?per_page=2&page=2",
    ]
    assert [e.id for e in events] == ["evt_1", "evt_2", "evt_3"]
    ok, failed, newer = events
    assert (
        ok.status is TopupStatus.SUCCEEDED
        and ok.balance_after == 145.0
        and ok.decline_reason is None
    )
    assert failed.trigger is TopupTrigger.SCHEDULED and failed.failure_reason == "card_declined"
    assert failed.decline_reason == "card_declined" and failed.balance_before is None
    assert newer.trigger == "manual_test"  # unknown trigger kept as a string (lenient)
    assert (
        TopupEvent(id="x", details={"decline_reason": "insufficient_funds"}).decline_reason
        == "insufficient_funds"
    )


async def test_history_first_page_strict() -> None:
    rec = Recorder((200, HISTORY_PAGE_1))
    async with client_for(rec) as client:
        page = await client.auto_topup.history()
    assert rec.last.url == f"{API}/auto-topup/history?page=1"
    assert isinstance(page, Page) and page.total == 3 and page.has_next is True


def test_decode_history_page() -> None:
    page = decode("auto_topup.history", 200, json.dumps(HISTORY_PAGE_1), strict=True)
    assert isinstance(page, Page) and page.last_page == 2 and len(page.items) == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"per_page": 0}, "per_page"), ({"per_page": 101}, "per_page"), ({"page": 0}, "page")],
)
async def test_history_rejects_bad_arguments_before_io(kwargs: dict[str, Any], field: str) -> None:
    rec = Recorder((200, HISTORY_PAGE_1))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            client.auto_topup.history(**kwargs)
    assert info.value.field == field
    assert rec.requests == []
