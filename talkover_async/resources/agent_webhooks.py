"""`client.agents.webhooks`: agent webhooks and delivery logs (agents.md §5).

`webhook_config_body` checks and builds the create/update body shared by agent and campaign
webhooks (campaign webhooks add `include_call_events`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Unpack

from ..errors import InvalidRequestError
from ..models.results import Ack
from ..models.webhooks import (
    AgentWebhook,
    AgentWebhookList,
    AuthorizationScheme,
    CustomHeader,
    WebhookHttpMethod,
    WebhookLog,
    WebhookLogRetry,
    WebhookTestResult,
)
from ..operations import Operation
from ..options import RequestOptions
from ..pagination import AsyncPaginator
from ..validation import (
    check_bool,
    check_choice,
    check_header_value,
    check_int,
    check_str,
    check_url,
    paging,
)
from .base import Resource, drop_none, require_fields

if TYPE_CHECKING:
    from ..redaction import Redactor

__all__ = ["AgentWebhooksResource", "webhook_config_body"]

HTTP_METHODS = frozenset(x.value for x in WebhookHttpMethod)
AUTHORIZATION_SCHEMES = frozenset(x.value for x in AuthorizationScheme)
_HEADER_NAME_RE = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")


def webhook_config_body(
    redactor: Redactor,
    *,
    creating: bool,
    name: str | None = None,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    events: Sequence[str] | None = None,
    delivery_timeout: int | None = None,
    delivery_max_retries: int | None = None,
    enabled: bool | None = None,
    http_method: WebhookHttpMethod | str | None = None,
    authorization_scheme: AuthorizationScheme | str | None = None,
    custom_headers: Sequence[CustomHeader | Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """The checked create/update body of a webhook (agent or campaign).

    With `creating`, `name`, `webhook_url` and `events` are required. `delivery_timeout` and
    `delivery_max_retries` are sent as `timeout` and `max_retries` (the keywords `timeout` and
    `max_retries` are the per-call request options of every method). The secret and
    custom header values are registered with `redactor` so they never appear in logs or
    error messages.
    """
    if creating:
        for field, value in (("name", name), ("webhook_url", webhook_url), ("events", events)):
            if value is None:
                raise InvalidRequestError(field, "is required")
    secret = None
    if webhook_secret is not None:
        secret = check_str("webhook_secret", webhook_secret, min_len=1, max_len=255)
        redactor.add(secret)
    headers = None if custom_headers is None else _custom_headers(custom_headers, redactor)
    return drop_none(
        {
            "name": None if name is None else check_str("name", name, min_len=1, max_len=255),
            "webhook_url": None
            if webhook_url is None
            else check_url("webhook_url", webhook_url, max_len=500),
            "webhook_secret": secret,
            "events": None if events is None else _events(events),
            "timeout": None
            if delivery_timeout is None
            else check_int("delivery_timeout", delivery_timeout, 5, 120),
            "max_retries": None
            if delivery_max_retries is None
            else check_int("delivery_max_retries", delivery_max_retries, 0, 10),
            "enabled": None if enabled is None else check_bool("enabled", enabled),
            "http_method": None
            if http_method is None
            else check_choice("http_method", http_method, HTTP_METHODS),
            "authorization_scheme": None
            if authorization_scheme is None
            else check_choice("authorization_scheme", authorization_scheme, AUTHORIZATION_SCHEMES),
            "custom_headers": headers,
        }
    )


def _events(value: object) -> list[str]:
    # The documented rule is "each must be in available_events", but that catalogue is cut off
    # in the docs and grows server-side: any non-empty name is accepted here and the server
    # has the last word (422). Use `list()` to read `available_events`.
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
        raise InvalidRequestError("events", "must be a list of event names")
    if not value:
        raise InvalidRequestError("events", "must contain at least 1 item(s)")
    out: list[str] = []
    for i, event in enumerate(value):
        name = getattr(event, "value", event)
        if not isinstance(name, str) or not name.strip():
            raise InvalidRequestError(f"events[{i}]", "must be a non-empty event name")
        out.append(name)
    return out


def _custom_headers(value: object, redactor: Redactor) -> list[dict[str, str]]:
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
        raise InvalidRequestError("custom_headers", "must be a list of {key, value}")
    out: list[dict[str, str]] = []
    for i, item in enumerate(value):
        field = f"custom_headers[{i}]"
        key: object
        val: object
        if isinstance(item, CustomHeader):
            key, val = item.key, item.value
        elif isinstance(item, Mapping) and set(item) <= {"key", "value"}:
            key, val = item.get("key"), item.get("value")  # checked just below
        else:
            raise InvalidRequestError(field, "must be a CustomHeader or a {key, value} mapping")
        key_text = check_str(f"{field}.key", key, min_len=1, max_len=255)
        if not _HEADER_NAME_RE.match(key_text):
            raise InvalidRequestError(f"{field}.key", "must be a valid HTTP header name")
        # The rule names the field, never the value (which may be a credential).
        text = check_header_value(f"{field}.value", val)
        redactor.add(text)
        out.append({"key": key_text, "value": text})
    return out


class AgentWebhooksResource(Resource):
    """Webhooks that deliver an agent's call events: `client.agents.webhooks`."""

    __slots__ = ()

    _LIST = Operation(
        "agents.webhooks.list",
        "GET",
        "/agents/{agent_id}/webhooks",
        AgentWebhookList,
        side_effect=False,
        summary="List an agent's webhooks and the available event names.",
    )

    async def list(self, agent_id: str, **options: Unpack[RequestOptions]) -> AgentWebhookList:
        """`GET /agents/{agent_id}/webhooks`: the webhooks *and* the `available_events`
        catalogue (`{data: {webhooks, available_events}}`, not paginated)."""
        result: AgentWebhookList = await self._client._execute(
            self._LIST, {"agent_id": agent_id}, options=options
        )
        return result

    _CREATE = Operation(
        "agents.webhooks.create",
        "POST",
        "/agents/{agent_id}/webhooks",
        AgentWebhook,
        side_effect=True,
        summary="Create an agent webhook.",
    )

    async def create(
        self,
        agent_id: str,
        *,
        name: str,
        webhook_url: str,
        events: Sequence[str],
        webhook_secret: str | None = None,
        delivery_timeout: int | None = None,
        delivery_max_retries: int | None = None,
        enabled: bool | None = None,
        http_method: WebhookHttpMethod | str | None = None,
        authorization_scheme: AuthorizationScheme | str | None = None,
        custom_headers: Sequence[CustomHeader | Mapping[str, str]] | None = None,
        **options: Unpack[RequestOptions],
    ) -> AgentWebhook:
        """`POST /agents/{agent_id}/webhooks`: create a webhook.

        `name` ≤255; `webhook_url` an http(s) URL ≤500; `events` ≥1 name. The docs require
        each event to be in `available_events`, whose documented copy is cut off: any
        non-empty name is accepted and the server rejects unknown ones (422). `webhook_secret`
        (≤255, enables HMAC-SHA256 signing) is redacted from logs and errors.
        `delivery_timeout` (5-120 s, default 30) is sent as `timeout` and
        `delivery_max_retries` (0-10, default 3) as `max_retries` (`timeout=`/`max_retries=`
        stay the per-call request options); `http_method` POST/PUT/PATCH; `authorization_scheme`
        none/bearer/basic/api_key/custom; `custom_headers` `{key, value}` items (CR/LF
        rejected). Not retried once it may have reached the server (a repeat would create a
        second webhook).
        """
        body = webhook_config_body(
            self._client._redactor,
            creating=True,
            name=name,
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            events=events,
            delivery_timeout=delivery_timeout,
            delivery_max_retries=delivery_max_retries,
            enabled=enabled,
            http_method=http_method,
            authorization_scheme=authorization_scheme,
            custom_headers=custom_headers,
        )
        result: AgentWebhook = await self._client._execute(
            self._CREATE, {"agent_id": agent_id}, body=body, options=options
        )
        return result

    _GET = Operation(
        "agents.webhooks.get",
        "GET",
        "/agents/{agent_id}/webhooks/{webhook_id}",
        AgentWebhook,
        side_effect=False,
        summary="Get one webhook.",
    )

    async def get(
        self, agent_id: str, webhook_id: str, **options: Unpack[RequestOptions]
    ) -> AgentWebhook:
        """`GET /agents/{agent_id}/webhooks/{webhook_id}`."""
        result: AgentWebhook = await self._client._execute(
            self._GET, {"agent_id": agent_id, "webhook_id": webhook_id}, options=options
        )
        return result

    _UPDATE = Operation(
        "agents.webhooks.update",
        "PUT",
        "/agents/{agent_id}/webhooks/{webhook_id}",
        AgentWebhook,
        side_effect=False,
        summary="Update a webhook (partial: only the fields sent change).",
    )

    async def update(
        self,
        agent_id: str,
        webhook_id: str,
        *,
        name: str | None = None,
        webhook_url: str | None = None,
        events: Sequence[str] | None = None,
        webhook_secret: str | None = None,
        delivery_timeout: int | None = None,
        delivery_max_retries: int | None = None,
        enabled: bool | None = None,
        http_method: WebhookHttpMethod | str | None = None,
        authorization_scheme: AuthorizationScheme | str | None = None,
        custom_headers: Sequence[CustomHeader | Mapping[str, str]] | None = None,
        **options: Unpack[RequestOptions],
    ) -> AgentWebhook:
        """`PUT /agents/{agent_id}/webhooks/{webhook_id}`: partial update (PUT with PATCH
        semantics: only the fields given change). Same rules as `create`; `status` becomes
        `disabled` after `enabled=False`. At least one field (or `extra_body`) is required.
        """
        body = webhook_config_body(
            self._client._redactor,
            creating=False,
            name=name,
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            events=events,
            delivery_timeout=delivery_timeout,
            delivery_max_retries=delivery_max_retries,
            enabled=enabled,
            http_method=http_method,
            authorization_scheme=authorization_scheme,
            custom_headers=custom_headers,
        )
        require_fields(body, options)
        result: AgentWebhook = await self._client._execute(
            self._UPDATE,
            {"agent_id": agent_id, "webhook_id": webhook_id},
            body=body,
            options=options,
        )
        return result

    _TOGGLE = Operation(
        "agents.webhooks.toggle",
        "PATCH",
        "/agents/{agent_id}/webhooks/{webhook_id}/toggle",
        AgentWebhook,
        side_effect=True,
        summary="Flip a webhook's enabled state (each call flips it).",
    )

    async def toggle(
        self, agent_id: str, webhook_id: str, **options: Unpack[RequestOptions]
    ) -> AgentWebhook:
        """`PATCH /agents/{agent_id}/webhooks/{webhook_id}/toggle`: flip `enabled`.

        Each call flips the state, so it is not retried once it may have reached the server;
        after an ambiguous failure, `get` the webhook before toggling again. To set a state
        explicitly use `update(..., enabled=...)`.
        """
        result: AgentWebhook = await self._client._execute(
            self._TOGGLE, {"agent_id": agent_id, "webhook_id": webhook_id}, options=options
        )
        return result

    _TEST = Operation(
        "agents.webhooks.test",
        "POST",
        "/agents/{agent_id}/webhooks/{webhook_id}/test",
        WebhookTestResult,
        side_effect=True,
        summary="Send a `webhook.test` delivery; returns your endpoint's status and time.",
    )

    async def test(
        self, agent_id: str, webhook_id: str, **options: Unpack[RequestOptions]
    ) -> WebhookTestResult:
        """`POST /agents/{agent_id}/webhooks/{webhook_id}/test`: deliver a `webhook.test`
        event; returns your endpoint's `status_code` and `response_time` (ms). Not retried
        once it may have reached the server (each call is a delivery)."""
        result: WebhookTestResult = await self._client._execute(
            self._TEST, {"agent_id": agent_id, "webhook_id": webhook_id}, options=options
        )
        return result

    _LOGS = Operation(
        "agents.webhooks.logs",
        "GET",
        "/agents/{agent_id}/webhooks/{webhook_id}/logs",
        WebhookLog,
        side_effect=False,
        paginated=True,
        summary="Delivery logs of a webhook (paginated, short pagination block).",
    )

    def logs(
        self,
        agent_id: str,
        webhook_id: str,
        *,
        per_page: int | None = None,
        page: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[WebhookLog]:
        """`GET /agents/{agent_id}/webhooks/{webhook_id}/logs`: delivery attempts, paginated
        with the short block `{current_page, per_page, total}` (per_page 1-100, default 25)."""
        query = paging(per_page, page)
        return self._client.paginate(
            self._LOGS,
            {"agent_id": agent_id, "webhook_id": webhook_id},
            query=query,
            options=options,
        )

    _RETRY_LOG = Operation(
        "agents.webhooks.retry_log",
        "POST",
        "/agents/{agent_id}/webhooks/{webhook_id}/logs/{log_id}/retry",
        WebhookLogRetry,
        side_effect=True,
        summary="Re-send a failed delivery (creates a new log entry).",
    )

    async def retry_log(
        self, agent_id: str, webhook_id: str, log_id: str, **options: Unpack[RequestOptions]
    ) -> WebhookLogRetry:
        """`POST /agents/{agent_id}/webhooks/{webhook_id}/logs/{log_id}/retry`: re-send a
        failed delivery with the webhook's *current* URL, headers and timeout. Returns the new
        `log_id` and the `original_log_id`. A log that cannot be retried (already delivered,
        too old, webhook disabled) raises `ValidationError` with code `LOG_NOT_RETRIABLE`.
        Not retried once it may have reached the server.
        """
        result: WebhookLogRetry = await self._client._execute(
            self._RETRY_LOG,
            {"agent_id": agent_id, "webhook_id": webhook_id, "log_id": log_id},
            options=options,
        )
        return result

    _DELETE = Operation(
        "agents.webhooks.delete",
        "DELETE",
        "/agents/{agent_id}/webhooks/{webhook_id}",
        Ack,
        side_effect=False,
        summary="Delete a webhook (page not stored: path inferred by analogy).",
    )

    async def delete(
        self, agent_id: str, webhook_id: str, **options: Unpack[RequestOptions]
    ) -> Ack:
        """`DELETE /agents/{agent_id}/webhooks/{webhook_id}`: delete a webhook.

        The "Delete Webhook" page is linked from every webhook page but was not readable:
        method, path and response are inferred by analogy with the other webhook endpoints
        and the delete-training/action pages (`{success, message}`), and are unverified.
        """
        result: Ack = await self._client._execute(
            self._DELETE, {"agent_id": agent_id, "webhook_id": webhook_id}, options=options
        )
        return result
