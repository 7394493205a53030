"""`client.agents.webhooks`: agent webhooks and delivery logs (agents.md §5)."""

from __future__ import annotations

from .base import Resource

__all__ = ["AgentWebhooksResource"]


class AgentWebhooksResource(Resource):
    """client.agents.webhooks."""

    __slots__ = ()
