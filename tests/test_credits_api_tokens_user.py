"""The Account API (platform.md §4): credits, personal access tokens and the current user.
Requests with the account token, strict decoding of every odd envelope of §7.1, and argument
checks before any I/O."""

from __future__ import annotations

import math
from typing import Any

import pytest

from talkover_async import (
    Ack,
    AsyncTalkover,
    ConfigurationError,
    InvalidRequestError,
    PaymentRequiredError,
)
from talkover_async.models.api_tokens import ApiToken
from talkover_async.models.credits import CreditBalance
from talkover_async.models.user import User
from talkover_async.operations import OPERATIONS, decode
from talkover_async.transports import MockTransport

from .account_api import ACCOUNT_TOKEN, API, CHARGE, ENV_TOKEN, client_for
from .recorder import Recorder


async def test_balance_sends_the_account_token_not_talq() -> None:
    data = {
        "balance": 250.0,
        "currency": "USD",
        "auto_topup_enabled": True,
        "as_of": "2024-03-01T12:00:00Z",
    }
    rec = Recorder((200, {"success": True, "data": data}))
    async with client_for(rec) as client:
        balance = await client.credits.balance()
    assert rec.last.method == "GET" and rec.last.url == f"{API}/credits/balance"
    assert rec.auth() == f"Bearer {ACCOUNT_TOKEN}"
    assert "talq_" not in rec.auth()
    assert (
        isinstance(balance, CreditBalance)
        and balance.balance == 250.0
        and balance.auto_topup_enabled is True
    )


async def test_account_token_from_environment_variable() -> None:
    rec = Recorder((200, {"success": True, "data": {"balance": 1}}))
    async with AsyncTalkover(
        ENV_TOKEN, transport=MockTransport(rec), env={"TALKOVER_ACCOUNT_TOKEN": ACCOUNT_TOKEN}
    ) as client:
        await client.credits.balance()
    assert rec.auth() == f"Bearer {ACCOUNT_TOKEN}"


async def test_per_call_token_overrides_and_works_without_account_token() -> None:
    rec = Recorder((200, {"success": True, "data": {"balance": 1}}))
    async with client_for(rec, account_token=None) as client:
        await client.credits.balance(token="7|perCallTokenValue987")
    assert rec.auth() == "Bearer 7|perCallTokenValue987"


ACCOUNT_CALLS = [
    ("credits.balance", lambda c: c.credits.balance()),
    ("credits.purchase", lambda c: c.credits.purchase(amount=10)),
    ("api_tokens.list", lambda c: c.api_tokens.list()),
    ("api_tokens.create", lambda c: c.api_tokens.create(name="ci")),
    ("api_tokens.delete", lambda c: c.api_tokens.delete("5")),
    ("user.get", lambda c: c.user.get()),
]


@pytest.mark.parametrize(("name", "call"), ACCOUNT_CALLS, ids=[n for n, _ in ACCOUNT_CALLS])
async def test_missing_account_token_fails_before_io(name: str, call: Any) -> None:
    """With only a `talq_` token configured, an Account API call must not send it."""
    assert OPERATIONS[name].auth == "account"
    rec = Recorder((200, {"success": True, "data": {}}))
    async with client_for(rec, account_token=None, env={"TALKOVER_API_TOKEN": ENV_TOKEN}) as client:
        with pytest.raises(ConfigurationError, match="TALKOVER_ACCOUNT_TOKEN"):
            await call(client)
    assert rec.requests == []


async def test_purchase_body_and_decoding() -> None:
    rec = Recorder((200, {"success": True, "data": CHARGE}))
    async with client_for(rec) as client:
        charge = await client.credits.purchase(amount=100, payment_method_id="pm_1")
    assert rec.last.method == "POST" and rec.last.url == f"{API}/credits/purchase"
    assert rec.body() == {"amount": 100, "payment_method_id": "pm_1"}
    assert rec.auth() == f"Bearer {ACCOUNT_TOKEN}"
    assert charge.new_balance == 350.0


async def test_purchase_payment_failed_has_no_details() -> None:
    """Trap §7.13: purchase's 402 carries no `details` (unlike auto-topup test)."""
    rec = Recorder(
        (402, {"success": False, "message": "Payment method declined", "code": "PAYMENT_FAILED"})
    )
    async with client_for(rec) as client:
        with pytest.raises(PaymentRequiredError) as info:
            await client.credits.purchase(amount=5.5)
    assert rec.body() == {"amount": 5.5}
    assert info.value.code == "PAYMENT_FAILED" and info.value.details == {}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": -1}, "amount"),
        ({"amount": math.inf}, "amount"),
        ({"amount": True}, "amount"),
        ({"amount": "10"}, "amount"),
        ({"amount": 1, "payment_method_id": ""}, "payment_method_id"),
    ],
)
async def test_purchase_rejects_bad_arguments_before_io(kwargs: dict[str, Any], field: str) -> None:
    rec = Recorder((200, {}))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.credits.purchase(**kwargs)
    assert info.value.field == field
    assert rec.requests == []


async def test_api_tokens_list_data_only_envelope() -> None:
    """Trap §7.1: `{data: [...]}` with no `success`."""
    tokens = [
        {
            "id": "1",
            "name": "CI",
            "abilities": ["*"],
            "last_used_at": "2024-03-01T12:00:00Z",
            "created_at": "2024-01-01T00:00:00Z",
        },
        {
            "id": "2",
            "name": "Reporting",
            "abilities": ["read"],
            "last_used_at": None,
            "created_at": "2024-02-01T00:00:00Z",
        },
    ]
    rec = Recorder((200, {"data": tokens}))
    async with client_for(rec) as client:
        result = await client.api_tokens.list()
    assert rec.last.method == "GET" and rec.last.url == f"{API}/user/api-tokens"
    assert rec.auth() == f"Bearer {ACCOUNT_TOKEN}"
    assert [t.abilities for t in result] == [["*"], ["read"]] and result[1].last_used_at is None
    assert all(t.token is None for t in result)


async def test_api_tokens_create_secret_hidden_and_redacted() -> None:
    secret = "3|Zx9newPatSecretValue"
    data = {
        "id": "3",
        "name": "CI",
        "abilities": ["*"],
        "token": secret,
        "created_at": "2024-03-01T12:00:00Z",
    }
    rec = Recorder((200, {"data": data}))
    async with client_for(rec) as client:
        token = await client.api_tokens.create(name="CI", abilities=["*"])
        assert secret in client._redactor._secrets
    assert rec.last.method == "POST" and rec.last.url == f"{API}/user/api-tokens"
    assert rec.body() == {"name": "CI", "abilities": ["*"]}
    assert isinstance(token, ApiToken) and token.token == secret
    assert secret not in repr(token)


async def test_api_tokens_create_omits_default_abilities() -> None:
    rec = Recorder(
        (
            200,
            {
                "data": {
                    "id": "4",
                    "name": "x",
                    "abilities": ["*"],
                    "token": "4|abcdefgh12345",
                    "created_at": "2024-03-01T12:00:00Z",
                }
            },
        )
    )
    async with client_for(rec) as client:
        await client.api_tokens.create(name="x")
    assert rec.body() == {"name": "x"}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 256}, "name"),
        ({"name": "x", "abilities": []}, "abilities"),
        ({"name": "x", "abilities": "*"}, "abilities"),
        ({"name": "x", "abilities": [1]}, "abilities"),
    ],
)
async def test_api_tokens_create_rejects_bad_arguments_before_io(
    kwargs: dict[str, Any], field: str
) -> None:
    rec = Recorder((200, {}))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.api_tokens.create(**kwargs)
    assert info.value.field == field
    assert rec.requests == []


async def test_api_tokens_delete_message_only_envelope() -> None:
    """Trap §7.1: `{message}` with no `success`."""
    rec = Recorder((200, {"message": "Token revoked"}))
    async with client_for(rec) as client:
        ack = await client.api_tokens.delete("3")
    assert rec.last.method == "DELETE" and rec.last.url == f"{API}/user/api-tokens/3"
    assert ack == Ack(success=None, message="Token revoked")


def test_decode_api_token_delete() -> None:
    assert decode("api_tokens.delete", 200, b'{"message": "Token revoked"}') == Ack(
        message="Token revoked"
    )


async def test_user_get_is_outside_v1_and_bare() -> None:
    """Traps §7.1/§7.14: `/api/user` (no `/v1`), a bare object."""
    data = {
        "id": "u_1",
        "name": "Ada",
        "email": "ada@example.com",
        "current_environment_id": "env_1",
        "created_at": "2024-01-01T00:00:00Z",
    }
    rec = Recorder((200, data))
    async with client_for(rec) as client:
        user = await client.user.get()
    assert rec.last.method == "GET" and rec.last.url == "https://app.talkover.ai/api/user"
    assert rec.auth() == f"Bearer {ACCOUNT_TOKEN}"
    assert user == User(
        id="u_1",
        name="Ada",
        email="ada@example.com",
        current_environment_id="env_1",
        created_at=user.created_at,
    )


async def test_user_get_follows_a_custom_base_url() -> None:
    rec = Recorder((200, {"id": "u_1"}))
    async with client_for(rec, base_url="http://127.0.0.1:8080/api/v1") as client:
        await client.user.get()
    assert rec.last.url == "http://127.0.0.1:8080/api/user"
