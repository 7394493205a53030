"""Environment phone numbers (the full object of `GET /phone-numbers`) and release requests.

Prices `current_price`/`monthly_renewal_cost` are numbers here (voice template `cost` is a
string). `environment` and `agents` appear (as `null`) only in the pt-br example; their shape is
not documented, so they are kept as raw JSON.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import attrs

__all__ = ["PhoneNumber", "PhoneNumberType", "ReleaseRequest", "ReleaseRequestStatus"]


class PhoneNumberType(enum.StrEnum):
    """Number types accepted by the `type` filter (`voice` is the one seen in responses)."""

    VOICE = "voice"
    SMS = "sms"
    WHATSAPP = "whatsapp"
    MMS = "mms"
    FAX = "fax"


class ReleaseRequestStatus(enum.StrEnum):
    """Release request statuses seen (`pending` on creation, `approved` once resolved; other
    outcomes are not documented and decode as plain strings)."""

    PENDING = "pending"
    APPROVED = "approved"


@attrs.frozen(kw_only=True)
class PhoneNumber:
    """A phone number of the environment with its capabilities and billing."""

    id: str
    number: str | None = None
    country_code: str | None = None
    formatted_number: str | None = None
    international_number: str | None = None
    type: PhoneNumberType | str | None = None
    has_voice: bool | None = None
    has_sms: bool | None = None
    has_mms: bool | None = None
    has_fax: bool | None = None
    has_whatsapp: bool | None = None
    current_status: str | None = None
    is_sandbox: bool | None = None
    current_price: float | None = None
    currency: str | None = None
    renewal_date: date | None = None
    auto_renewal: bool | None = None
    monthly_renewal_cost: float | None = None
    days_until_monthly_renewal: int | None = None
    is_due_for_monthly_renewal: bool | None = None
    environment: Any = None
    agents: Any = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class ReleaseRequest:
    """A request to release a number; staff review it before the number is released.

    `phone_number` is the number itself, `phone_number_id` its id; `resolved_at` is present
    once the request is resolved.
    """

    id: str
    phone_number_id: str | None = None
    phone_number: str | None = None
    reason: str | None = None
    status: ReleaseRequestStatus | str | None = None
    requested_at: datetime | None = None
    resolved_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)
