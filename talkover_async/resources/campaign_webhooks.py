"""`client.campaigns.webhooks`: campaign webhooks and logs (calls-campaigns.md §2.12-2.18).

There is no documented list or delete endpoint for campaign webhooks: keep the ids `create`
returns. Bodies are checked by the same rules as agent webhooks (`webhook_config_body`), plus
`include_call_events`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Unpack

from ..models.campaigns import CampaignWebhookEvent
from ..models.results import Ack
from ..models.webhooks import (
    AuthorizationScheme,
    CampaignWebhook,
    CustomHeader,
    WebhookHttpMethod,
    WebhookLog,
    WebhookLogRetry,
)
from ..operations import Operation
from ..options import RequestOptions
from ..pagination import AsyncPaginator
from ..validation import check_bool, paging
from .agent_webhooks import webhook_config_body
from .base import Resource, require_fields

__all__ = ["CampaignWebhooksResource"]


class CampaignWebhooksResource(Resource):
    """Webhooks that deliver a campaign's events: `client.campaigns.webhooks`."""

    __slots__ = ()

    _CREATE = Operation(
        "campaigns.webhooks.create",
        "POST",
        "/campaigns/{campaign_id}/webhooks",
        CampaignWebhook,
        side_effect=True,
        summary="Create a campaign webhook",
    )

    async def create(
        self,
        campaign_id: str,
        *,
        name: str,
        webhook_url: str,
        events: Sequence[CampaignWebhookEvent | str],
        webhook_secret: str | None = None,
        delivery_timeout: int | None = None,
        delivery_max_retries: int | None = None,
        enabled: bool | None = None,
        http_method: WebhookHttpMethod | str | None = None,
        authorization_scheme: AuthorizationScheme | str | None = None,
        custom_headers: Sequence[CustomHeader | Mapping[str, str]] | None = None,
        include_call_events: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> CampaignWebhook:
        """`POST /campaigns/{campaign_id}/webhooks`: create a webhook.

        `name` ≤255; `webhook_url` an http(s) URL ≤500; `events` ≥1 name (seen:
        `campaign.started`, `campaign.completed`, `campaign_call.completed`,
        `campaign_call.failed`, see `CampaignWebhookEvent`; no catalogue is documented, so
        other names are sent as given). `webhook_secret` (≤255, HMAC-SHA256 signing) is
        redacted from logs and errors. `delivery_timeout` (5-120 s, default 30) is sent as
        `timeout` and `delivery_max_retries` (0-10, default 3) as `max_retries`.
        `include_call_events` also delivers per-call events of the campaign. The per-event
        template overrides field has no documented name: use `extra_body`.

        The response omits `webhook_url`, `timeout` and `max_retries` (use `get`). Not retried
        once it may have reached the server (a repeat would create a second webhook).
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
        if include_call_events is not None:
            body["include_call_events"] = check_bool("include_call_events", include_call_events)
        result: CampaignWebhook = await self._client._execute(
            self._CREATE, {"campaign_id": campaign_id}, body=body, options=options
        )
        return result

    _GET = Operation(
        "campaigns.webhooks.get",
        "GET",
        "/campaigns/{campaign_id}/webhooks/{webhook_id}",
        CampaignWebhook,
        side_effect=False,
        summary="Get one campaign webhook",
    )

    async def get(
        self, campaign_id: str, webhook_id: str, **options: Unpack[RequestOptions]
    ) -> CampaignWebhook:
        """`GET /campaigns/{campaign_id}/webhooks/{webhook_id}`."""
        result: CampaignWebhook = await self._client._execute(
            self._GET,
            {"campaign_id": campaign_id, "webhook_id": webhook_id},
            options=options,
        )
        return result

    _UPDATE = Operation(
        "campaigns.webhooks.update",
        "PUT",
        "/campaigns/{campaign_id}/webhooks/{webhook_id}",
        CampaignWebhook,
        side_effect=False,
        summary="Update a campaign webhook (partial; echoes the changed fields)",
    )

    async def update(
        self,
        campaign_id: str,
        webhook_id: str,
        *,
        name: str | None = None,
        webhook_url: str | None = None,
        events: Sequence[CampaignWebhookEvent | str] | None = None,
        webhook_secret: str | None = None,
        delivery_timeout: int | None = None,
        delivery_max_retries: int | None = None,
        enabled: bool | None = None,
        http_method: WebhookHttpMethod | str | None = None,
        authorization_scheme: AuthorizationScheme | str | None = None,
        custom_headers: Sequence[CustomHeader | Mapping[str, str]] | None = None,
        include_call_events: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> CampaignWebhook:
        """`PUT /campaigns/{campaign_id}/webhooks/{webhook_id}`: partial update (only the
        fields given change; same rules as `create`). The response echoes only the changed
        fields plus `id` and `updated_at`. At least one field (or `extra_body`) is required.
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
        if include_call_events is not None:
            body["include_call_events"] = check_bool("include_call_events", include_call_events)
        require_fields(body, options)
        result: CampaignWebhook = await self._client._execute(
            self._UPDATE,
            {"campaign_id": campaign_id, "webhook_id": webhook_id},
            body=body,
            options=options,
        )
        return result

    _TOGGLE = Operation(
        "campaigns.webhooks.toggle",
        "PATCH",
        "/campaigns/{campaign_id}/webhooks/{webhook_id}/toggle",
        CampaignWebhook,
        side_effect=True,
        summary="Flip a campaign webhook's enabled state (each call flips it)",
    )

    async def toggle(
        self, campaign_id: str, webhook_id: str, **options: Unpack[RequestOptions]
    ) -> CampaignWebhook:
        """`PATCH /campaigns/{campaign_id}/webhooks/{webhook_id}/toggle`: flip `enabled`
        (returns `{id, enabled}`). Each call flips it, so it is not retried once it may have
        reached the server: after an ambiguous failure, `get` the webhook before toggling
        again, or set the state explicitly with `update(..., enabled=...)`."""
        result: CampaignWebhook = await self._client._execute(
            self._TOGGLE,
            {"campaign_id": campaign_id, "webhook_id": webhook_id},
            options=options,
        )
        return result

    _TEST = Operation(
        "campaigns.webhooks.test",
        "POST",
        "/campaigns/{campaign_id}/webhooks/{webhook_id}/test",
        Ack,
        side_effect=True,
        summary="Send a test event (message only)",
    )

    async def test(
        self, campaign_id: str, webhook_id: str, **options: Unpack[RequestOptions]
    ) -> Ack:
        """`POST /campaigns/{campaign_id}/webhooks/{webhook_id}/test`: send a synthetic event
        of a subscribed type. The answer is only `{success, message}` (an `Ack`, unlike the
        agent webhook test). Not retried once it may have reached the server."""
        result: Ack = await self._client._execute(
            self._TEST,
            {"campaign_id": campaign_id, "webhook_id": webhook_id},
            options=options,
        )
        return result

    _LOGS = Operation(
        "campaigns.webhooks.logs",
        "GET",
        "/campaigns/{campaign_id}/webhooks/{webhook_id}/logs",
        WebhookLog,
        side_effect=False,
        paginated=True,
        summary="Delivery logs (paged, short `pagination`)",
    )

    def logs(
        self,
        campaign_id: str,
        webhook_id: str,
        *,
        per_page: int | None = None,
        page: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[WebhookLog]:
        """`GET /campaigns/{campaign_id}/webhooks/{webhook_id}/logs`: delivery attempts, paged
        with the short block `{current_page, per_page, total}` (per_page 1-100, default 25)."""
        query = paging(per_page, page)
        return self._client.paginate(
            self._LOGS,
            {"campaign_id": campaign_id, "webhook_id": webhook_id},
            query=query,
            options=options,
        )

    _RETRY_LOG = Operation(
        "campaigns.webhooks.retry_log",
        "POST",
        "/campaigns/{campaign_id}/webhooks/{webhook_id}/logs/{log_id}/retry",
        WebhookLogRetry,
        side_effect=True,
        summary="Re-send a failed delivery (creates a new log entry)",
    )

    async def retry_log(
        self,
        campaign_id: str,
        webhook_id: str,
        log_id: str,
        **options: Unpack[RequestOptions],
    ) -> WebhookLogRetry:
        """`POST /campaigns/{campaign_id}/webhooks/{webhook_id}/logs/{log_id}/retry`: re-send
        a failed delivery. Returns the new `log_id` and the `original_log_id` (kept). Not
        retried once it may have reached the server (each call is a delivery)."""
        result: WebhookLogRetry = await self._client._execute(
            self._RETRY_LOG,
            {"campaign_id": campaign_id, "webhook_id": webhook_id, "log_id": log_id},
            options=options,
        )
        return result
