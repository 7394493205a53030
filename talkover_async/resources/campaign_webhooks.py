"""`client.campaigns.webhooks`: campaign webhooks and logs (calls-campaigns.md §2.12-2.18)."""

from __future__ import annotations

from .base import Resource

__all__ = ["CampaignWebhooksResource"]


class CampaignWebhooksResource(Resource):
    """client.campaigns.webhooks."""

    __slots__ = ()
