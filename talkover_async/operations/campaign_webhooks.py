"""Operations of the campaign webhooks area (calls-campaigns.md §2.12-2.18)."""

from __future__ import annotations

from ..models.results import Ack
from ..models.webhooks import CampaignWebhook, WebhookLog, WebhookLogRetry
from . import Operation, register

__all__: list[str] = []

_BASE = "/campaigns/{campaign_id}/webhooks"
_ONE = _BASE + "/{webhook_id}"

CAMPAIGN_WEBHOOKS_CREATE = register(
    Operation(
        "campaigns.webhooks.create",
        "POST",
        _BASE,
        False,
        CampaignWebhook,
        summary="Create a campaign webhook",
    )
)
CAMPAIGN_WEBHOOKS_GET = register(
    Operation(
        "campaigns.webhooks.get",
        "GET",
        _ONE,
        True,
        CampaignWebhook,
        summary="Get one campaign webhook",
    )
)
CAMPAIGN_WEBHOOKS_UPDATE = register(
    Operation(
        "campaigns.webhooks.update",
        "PUT",
        _ONE,
        True,
        CampaignWebhook,
        summary="Update a campaign webhook (partial; echoes the changed fields)",
    )
)
CAMPAIGN_WEBHOOKS_TOGGLE = register(
    Operation(
        "campaigns.webhooks.toggle",
        "PATCH",
        _ONE + "/toggle",
        False,
        CampaignWebhook,
        summary="Flip a campaign webhook's enabled state (each call flips it)",
    )
)
CAMPAIGN_WEBHOOKS_TEST = register(
    Operation(
        "campaigns.webhooks.test",
        "POST",
        _ONE + "/test",
        False,
        Ack,
        summary="Send a test event (message only)",
    )
)
CAMPAIGN_WEBHOOKS_LOGS = register(
    Operation(
        "campaigns.webhooks.logs",
        "GET",
        _ONE + "/logs",
        True,
        WebhookLog,
        paginated=True,
        summary="Delivery logs (paged, short `pagination`)",
    )
)
CAMPAIGN_WEBHOOKS_RETRY_LOG = register(
    Operation(
        "campaigns.webhooks.retry_log",
        "POST",
        _ONE + "/logs/{log_id}/retry",
        False,
        WebhookLogRetry,
        summary="Re-send a failed delivery (creates a new log entry)",
    )
)
