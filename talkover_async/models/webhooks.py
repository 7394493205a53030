"""Webhook objects for both agent webhooks (`client.agents.webhooks`) and campaign webhooks
(`client.campaigns.webhooks`), their delivery logs, test and retry results.

The two webhook kinds share their configuration fields; they differ in the owner id
(`agent_id` vs `campaign_id`) and in a few extras (`events_count`/`status` on agent
webhooks, `include_call_events` on campaign webhooks). Responses echo only some fields
(campaign create omits `webhook_url`, `timeout`, `max_retries`; campaign update and toggle echo
only the changed fields), so every field but `id` is optional.

`webhook_secret`, `http_method`, `authorization_scheme` and `custom_headers` are accepted on
create/update but no response example shows them; they are modelled in case the server does
return them. A returned secret or header value is kept out of `repr`.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import attrs

__all__ = [
    "AgentWebhook",
    "AgentWebhookList",
    "AuthorizationScheme",
    "CampaignWebhook",
    "CustomHeader",
    "WebhookHttpMethod",
    "WebhookLog",
    "WebhookLogRetry",
    "WebhookLogStatus",
    "WebhookStatus",
    "WebhookTestResult",
]


class WebhookHttpMethod(enum.StrEnum):
    """HTTP method used for deliveries (default `POST`)."""

    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"


class AuthorizationScheme(enum.StrEnum):
    """How deliveries authenticate to your endpoint (default `none`).

    The agent-webhook create page's list is cut off after `api_key`; the update page and the
    campaign-webhook pages list `custom` too. Credential fields for the schemes are not
    documented.
    """

    NONE = "none"
    BEARER = "bearer"
    BASIC = "basic"
    API_KEY = "api_key"
    CUSTOM = "custom"


class WebhookStatus(enum.StrEnum):
    """Agent webhook `status` (`active` when enabled, `disabled` after `enabled: false`;
    `error` is listed for completeness and may appear after repeated delivery failures)."""

    ACTIVE = "active"
    DISABLED = "disabled"
    ERROR = "error"


class WebhookLogStatus(enum.StrEnum):
    """Delivery-log `status` (documented examples show `success` and `failed`)."""

    SUCCESS = "success"
    FAILED = "failed"


@attrs.frozen(kw_only=True)
class CustomHeader:
    """One custom delivery header `{key, value}`; the value is kept out of `repr` because it
    usually carries a credential."""

    key: str
    value: str | None = attrs.field(default=None, repr=False)
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class AgentWebhook:
    """An agent webhook (`GET/POST/PUT /agents/{agent_id}/webhooks...`, toggle).

    `status` is `active`/`disabled`; `events_count` is the number of subscribed events.
    """

    id: str
    agent_id: str | None = None
    name: str | None = None
    webhook_url: str | None = None
    events: list[str] = attrs.field(factory=list)
    events_count: int | None = None
    timeout: int | None = None
    max_retries: int | None = None
    enabled: bool | None = None
    status: WebhookStatus | str | None = None
    http_method: WebhookHttpMethod | str | None = None
    authorization_scheme: AuthorizationScheme | str | None = None
    custom_headers: list[CustomHeader] = attrs.field(factory=list)
    webhook_secret: str | None = attrs.field(default=None, repr=False)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class AgentWebhookList:
    """`GET /agents/{agent_id}/webhooks`: the webhooks plus the `available_events` catalogue
    (event name -> description); the list is not paginated."""

    webhooks: list[AgentWebhook] = attrs.field(factory=list)
    available_events: dict[str, str] = attrs.field(factory=dict)
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class CampaignWebhook:
    """A campaign webhook (`/campaigns/{campaign_id}/webhooks...`).

    Create answers `{id, campaign_id, name, events, enabled, include_call_events, created_at}`,
    update only the changed fields plus `updated_at`, toggle only `{id, enabled}`; get is the
    fullest form. `include_call_events` also delivers per-call events of the campaign.
    """

    id: str
    campaign_id: str | None = None
    name: str | None = None
    webhook_url: str | None = None
    events: list[str] = attrs.field(factory=list)
    enabled: bool | None = None
    timeout: int | None = None
    max_retries: int | None = None
    include_call_events: bool | None = None
    status: WebhookStatus | str | None = None
    http_method: WebhookHttpMethod | str | None = None
    authorization_scheme: AuthorizationScheme | str | None = None
    custom_headers: list[CustomHeader] = attrs.field(factory=list)
    webhook_secret: str | None = attrs.field(default=None, repr=False)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class WebhookLog:
    """One delivery attempt (agent and campaign webhook logs; union of both pages' fields).

    Agent logs carry `webhook_id`, `request_payload`, and either `response_body`,
    `response_headers`, `delivered_at` (success) or `error` (failure); campaign log examples
    show only `id, event, attempt, status, http_status, duration_ms, delivered_at, created_at`.
    """

    id: str
    webhook_id: str | None = None
    event: str | None = None
    attempt: int | None = None
    status: WebhookLogStatus | str | None = None
    http_status: int | None = None
    request_payload: dict[str, Any] | None = None
    response_body: str | None = None
    response_headers: dict[str, Any] | None = None
    error: str | None = None
    duration_ms: int | None = None
    delivered_at: datetime | None = None
    created_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class WebhookTestResult:
    """Agent webhook test: `{status_code, response_time}` — your endpoint's HTTP status and its
    response time in milliseconds. (Campaign webhook test returns only a message: an `Ack`.)"""

    status_code: int | None = None
    response_time: int | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class WebhookLogRetry:
    """Retry of a delivery: `log_id` is the NEW log entry, `original_log_id` the retried one;
    `queued_at` is present for agent webhooks only."""

    log_id: str | None = None
    original_log_id: str | None = None
    queued_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)
