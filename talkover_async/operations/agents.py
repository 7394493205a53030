"""Operations of the agents area (agents.md §2)."""

from __future__ import annotations

from ..models.agents import Agent, AgentPricing, OptimizedCostsEligibility
from ..models.results import Ack
from . import Operation, register

__all__: list[str] = []

AGENTS_LIST = register(
    Operation(
        "agents.list",
        "GET",
        "/agents",
        True,
        Agent,
        paginated=True,
        summary="List agents (paged with `meta`)",
    )
)
AGENTS_GET = register(
    Operation(
        "agents.get",
        "GET",
        "/agents/{agent_id}",
        True,
        Agent,
        summary="Get one agent with voice, trainings, actions, numbers",
    )
)
AGENTS_CREATE = register(
    Operation("agents.create", "POST", "/agents", False, Agent, summary="Create a draft agent")
)
AGENTS_UPDATE_KNOWLEDGE = register(
    Operation(
        "agents.update_knowledge",
        "PUT",
        "/agents/{agent_id}/knowledge",
        True,
        Agent,
        summary="Update description and behaviour (resets to draft)",
    )
)
AGENTS_UPDATE_VOICE = register(
    Operation(
        "agents.update_voice",
        "PUT",
        "/agents/{agent_id}/voice",
        True,
        Agent,
        summary="Set the voice template and voice options",
    )
)
AGENTS_UPDATE_CALLING = register(
    Operation(
        "agents.update_calling",
        "PUT",
        "/agents/{agent_id}/calling",
        True,
        Agent,
        summary="Set direction and phone numbers (partial agent back)",
    )
)
AGENTS_PUBLISH = register(
    Operation(
        "agents.publish",
        "POST",
        "/agents/{agent_id}/publish",
        True,
        Agent,
        summary="Publish a draft agent (422 when not ready)",
    )
)
AGENTS_UNPUBLISH = register(
    Operation(
        "agents.unpublish",
        "POST",
        "/agents/{agent_id}/unpublish",
        True,
        Agent,
        summary="Return an agent to draft",
    )
)
AGENTS_DELETE = register(
    Operation(
        "agents.delete",
        "DELETE",
        "/agents/{agent_id}",
        True,
        Ack,
        summary="Delete an agent (409 while published or with active calls)",
    )
)
AGENTS_UPDATE_ADVANCED = register(
    Operation(
        "agents.update_advanced_settings",
        "PATCH",
        "/agents/{agent_id}/advanced-settings",
        True,
        Agent,
        summary="Toggle the initial-message cache",
    )
)
AGENTS_ELIGIBILITY = register(
    Operation(
        "agents.optimized_costs_eligibility",
        "GET",
        "/agents/{agent_id}/optimized-costs-eligibility",
        True,
        OptimizedCostsEligibility,
        summary="Whether call volume qualifies for optimized pricing",
    )
)
AGENTS_PRICING = register(
    Operation(
        "agents.pricing",
        "GET",
        "/agents/{agent_id}/pricing",
        True,
        AgentPricing,
        summary="Per-component cost breakdown",
    )
)
