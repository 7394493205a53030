"""Custom SIP trunks, their verification and health, and their DIDs (platform.md §2).

Trunk objects come back partial: create omits `username`, `outbound_proxy`, `auth_realm`,
`health_status`, `updated_at`; update returns only `id, name, is_active, is_verified,
updated_at`. So every field but `id` is optional. `password` is write-only and never returned:
it has no field here.

Health is named two ways (platform.md §7.6): the trunk and `/verify` use `health_status` +
`last_health_check_at` (`SipTrunk`, `SipTrunkVerification`); the `/health` probe uses
`is_healthy` + `checked_at` + `response_time_ms` (`SipTrunkHealth`).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import attrs

__all__ = [
    "HealthStatusValue",
    "SipTransport",
    "SipTrunk",
    "SipTrunkDid",
    "SipTrunkHealth",
    "SipTrunkVerification",
]


class SipTransport(enum.StrEnum):
    """SIP transport (default `tls`; port defaults to 5061 for TLS, 5060 otherwise)."""

    UDP = "udp"
    TCP = "tcp"
    TLS = "tls"


class HealthStatusValue(enum.StrEnum):
    """Trunk `health_status` values seen (the full set is not documented)."""

    HEALTHY = "healthy"
    UNHEALTHY = "unhealthy"


@attrs.frozen(kw_only=True)
class SipTrunk:
    """A custom SIP trunk (full from get; partial from create and update)."""

    id: str
    name: str | None = None
    provider_name: str | None = None
    domain: str | None = None
    username: str | None = None
    transport: SipTransport | str | None = None
    port: int | None = None
    outbound_proxy: str | None = None
    auth_realm: str | None = None
    is_active: bool | None = None
    is_verified: bool | None = None
    health_status: HealthStatusValue | str | None = None
    last_health_check_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class SipTrunkVerification:
    """Outcome of `POST .../verify`. A failed verification is a result, not an exception:
    the server answers `success: false` with this data (`error` e.g. `Authentication failed
    (401)`). Check `is_verified`."""

    is_verified: bool | None = None
    health_status: HealthStatusValue | str | None = None
    last_health_check_at: datetime | None = None
    error: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class SipTrunkHealth:
    """Live probe of `GET .../health` (`success` is true even when unhealthy; `error` only
    when unhealthy). Never changes `is_verified`."""

    is_healthy: bool | None = None
    response_time_ms: int | None = None
    checked_at: datetime | None = None
    error: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class SipTrunkDid:
    """A number routed through a trunk. `trunk_id` is present on create, absent from list
    items (platform.md §7.9)."""

    id: str
    number: str | None = None
    country_code: str | None = None
    formatted_number: str | None = None
    trunk_id: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)
