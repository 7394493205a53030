"""Shared by the tests of auto-topup and the Account API (credits, API tokens, user) and the
health check: the two tokens and a strict client over a `Recorder`."""

from __future__ import annotations

from typing import Any

from talkover_async import AsyncTalkover
from talkover_async.transports import MockTransport

from .recorder import Recorder

ENV_TOKEN = "talq_test"
ACCOUNT_TOKEN = "42|sessionTokenValue0123456789"
API = "https://app.talkover.ai/api/v1"
CHARGE = {
    "amount_charged": 100.0,
    "currency": "USD",
    "new_balance": 350.0,
    "transaction_id": "txn_123",
}


def client_for(rec: Recorder, **kw: Any) -> AsyncTalkover:
    kw.setdefault("account_token", ACCOUNT_TOKEN)
    kw.setdefault("env", {})
    return AsyncTalkover(ENV_TOKEN, transport=MockTransport(rec), strict=True, **kw)
