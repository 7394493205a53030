"""Operations of the agent webhooks area (agents.md §5)."""

from __future__ import annotations

from ..models.results import Ack
from ..models.webhooks import (
    AgentWebhook,
    AgentWebhookList,
    WebhookLog,
    WebhookLogRetry,
    WebhookTestResult,
)
from . import Operation, register

__all__: list[str] = []

_BASE = "/agents/{agent_id}/webhooks"
_ONE = _BASE + "/{webhook_id}"

WEBHOOKS_LIST = register(
    Operation(
        "agents.webhooks.list",
        "GET",
        _BASE,
        True,
        AgentWebhookList,
        summary="List an agent's webhooks and the available event names.",
    )
)
WEBHOOKS_CREATE = register(
    Operation(
        "agents.webhooks.create",
        "POST",
        _BASE,
        False,
        AgentWebhook,
        summary="Create an agent webhook.",
    )
)
WEBHOOKS_GET = register(
    Operation("agents.webhooks.get", "GET", _ONE, True, AgentWebhook, summary="Get one webhook.")
)
WEBHOOKS_UPDATE = register(
    Operation(
        "agents.webhooks.update",
        "PUT",
        _ONE,
        True,
        AgentWebhook,
        summary="Update a webhook (partial: only the fields sent change).",
    )
)
WEBHOOKS_TOGGLE = register(
    Operation(
        "agents.webhooks.toggle",
        "PATCH",
        _ONE + "/toggle",
        False,
        AgentWebhook,
        summary="Flip a webhook's enabled state (each call flips it).",
    )
)
WEBHOOKS_TEST = register(
    Operation(
        "agents.webhooks.test",
        "POST",
        _ONE + "/test",
        False,
        WebhookTestResult,
        summary="Send a `webhook.test` delivery; returns your endpoint's status and time.",
    )
)
WEBHOOKS_LOGS = register(
    Operation(
        "agents.webhooks.logs",
        "GET",
        _ONE + "/logs",
        True,
        WebhookLog,
        paginated=True,
        summary="Delivery logs of a webhook (paginated, short pagination block).",
    )
)
WEBHOOKS_RETRY_LOG = register(
    Operation(
        "agents.webhooks.retry_log",
        "POST",
        _ONE + "/logs/{log_id}/retry",
        False,
        WebhookLogRetry,
        summary="Re-send a failed delivery (creates a new log entry).",
    )
)
WEBHOOKS_DELETE = register(
    Operation(
        "agents.webhooks.delete",
        "DELETE",
        _ONE,
        True,
        Ack,
        summary="Delete a webhook (page not stored: path inferred by analogy).",
    )
)
