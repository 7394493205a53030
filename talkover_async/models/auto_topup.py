"""Auto-topup settings, saved payment methods, recharge history, and charge results
(platform.md §3; `Charge` is also what `credits.purchase` returns).

The settings object differs per endpoint (platform.md §7.11): GET has `currency`,
`recharge_count_today`, `last_recharge_at`, `scheduled_amount`, `day_of_month` and no
`updated_at`; PUT and disable return fewer fields plus `updated_at`. All are optional here.

Decline reasons are named two ways (platform.md §7.13): a 402 `PAYMENT_FAILED` error carries
`details["decline_reason"]` (e.g. `insufficient_funds`) on the `PaymentRequiredError`, while a
history event carries `failure_reason` (e.g. `card_declined`). `TopupEvent.decline_reason`
reads either.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import attrs

__all__ = [
    "AutoTopupSettings",
    "Card",
    "Charge",
    "PaymentMethod",
    "TopupEvent",
    "TopupStatus",
    "TopupTrigger",
]


class TopupTrigger(enum.StrEnum):
    """What fired a recharge (values seen; what a test charge records is not documented)."""

    THRESHOLD = "threshold"
    SCHEDULED = "scheduled"


class TopupStatus(enum.StrEnum):
    """Outcome of a recharge (values seen)."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"


@attrs.frozen(kw_only=True)
class AutoTopupSettings:
    """Auto-topup configuration of the environment. `daily_limit` is set by the plan and
    read-only (raise it through support)."""

    is_enabled: bool | None = None
    threshold_amount: float | None = None
    recharge_amount: float | None = None
    scheduled_payment_enabled: bool | None = None
    scheduled_amount: float | None = None
    day_of_month: int | None = None
    payment_method_id: str | None = None
    daily_limit: float | None = None
    recharge_count_today: int | None = None
    last_recharge_at: datetime | None = None
    currency: str | None = None
    updated_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class Card:
    """The card of a payment method (never the full number)."""

    brand: str | None = None
    last4: str | None = None
    exp_month: int | None = None
    exp_year: int | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class PaymentMethod:
    """A saved payment method; `id` is what `payment_method_id` takes. `type` is `card`."""

    id: str
    type: str | None = None
    card: Card | None = None
    is_default: bool | None = None
    created_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class TopupEvent:
    """One recharge of the history. `balance_before`/`balance_after`/`transaction_id` only on
    succeeded events, `failure_reason` only on failed ones."""

    id: str
    amount: float | None = None
    currency: str | None = None
    trigger: TopupTrigger | str | None = None
    status: TopupStatus | str | None = None
    balance_before: float | None = None
    balance_after: float | None = None
    payment_method_id: str | None = None
    transaction_id: str | None = None
    failure_reason: str | None = None
    details: dict[str, Any] | None = None
    created_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def decline_reason(self) -> str | None:
        """`failure_reason` (history's name) or `details.decline_reason` (the 402 error's)."""
        if self.failure_reason is not None:
            return self.failure_reason
        reason = (self.details or {}).get("decline_reason")
        return reason if isinstance(reason, str) else None


@attrs.frozen(kw_only=True)
class Charge:
    """A completed charge: an auto-topup test recharge or a credit purchase."""

    amount_charged: float | None = None
    currency: str | None = None
    new_balance: float | None = None
    transaction_id: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)
