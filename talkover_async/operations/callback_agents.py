"""Operations of the callback agents area (agents.md §6)."""

from __future__ import annotations

from ..models.callback_agents import CallbackAgent, CallbackAgentDetails, CallbackStats
from ..models.results import Ack
from . import Operation, register

__all__: list[str] = []

CALLBACK_SET = register(
    Operation(
        "callback_agents.set",
        "POST",
        "/agents/{agent_id}/callback",
        True,
        CallbackAgent,
        summary="Make an inbound agent the callback agent of outbound source agents.",
    )
)
CALLBACK_UPDATE = register(
    Operation(
        "callback_agents.update",
        "PUT",
        "/agents/{agent_id}/callback",
        True,
        CallbackAgent,
        summary="Replace a callback agent's source agents.",
    )
)
CALLBACK_REMOVE = register(
    Operation(
        "callback_agents.remove",
        "DELETE",
        "/agents/{agent_id}/callback",
        True,
        Ack,
        summary="Remove an agent's callback role.",
    )
)
CALLBACK_LIST = register(
    Operation(
        "callback_agents.list",
        "GET",
        "/callback-agents",
        True,
        list[CallbackAgent],
        summary="List callback agents (not paginated).",
    )
)
CALLBACK_STATS = register(
    Operation(
        "callback_agents.stats",
        "GET",
        "/callback-agents/stats",
        True,
        CallbackStats,
        summary="Aggregate callback statistics for a date window.",
    )
)
CALLBACK_GET = register(
    Operation(
        "callback_agents.get",
        "GET",
        "/callback-agents/{agent_id}",
        True,
        CallbackAgentDetails,
        summary="One callback agent's configuration, source agents and counters.",
    )
)
CALLBACK_CHECK = register(
    Operation(
        "callback_agents.check_constraints",
        "POST",
        "/callback-agents/{agent_id}/check-constraints",
        True,
        Ack,
        summary="Dry-run validation of a callback configuration (nothing is saved).",
    )
)
