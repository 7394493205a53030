"""Operations of the agents area (agents.md §2)."""

from __future__ import annotations

from ..models.agents import Agent, AgentPricing, OptimizedCostsEligibility
from ..models.results import Ack
from . import Operation, register

__all__: list[str] = []

AGENTS_LIST = register(Operation("agents.list", "GET", "/agents", True, Agent, paginated=True))
AGENTS_GET = register(Operation("agents.get", "GET", "/agents/{agent_id}", True, Agent))
AGENTS_CREATE = register(Operation("agents.create", "POST", "/agents", False, Agent))
AGENTS_UPDATE_KNOWLEDGE = register(
    Operation("agents.update_knowledge", "PUT", "/agents/{agent_id}/knowledge", True, Agent)
)
AGENTS_UPDATE_VOICE = register(
    Operation("agents.update_voice", "PUT", "/agents/{agent_id}/voice", True, Agent)
)
AGENTS_UPDATE_CALLING = register(
    Operation("agents.update_calling", "PUT", "/agents/{agent_id}/calling", True, Agent)
)
AGENTS_PUBLISH = register(
    Operation("agents.publish", "POST", "/agents/{agent_id}/publish", True, Agent)
)
AGENTS_UNPUBLISH = register(
    Operation("agents.unpublish", "POST", "/agents/{agent_id}/unpublish", True, Agent)
)
AGENTS_DELETE = register(Operation("agents.delete", "DELETE", "/agents/{agent_id}", True, Ack))
AGENTS_UPDATE_ADVANCED = register(
    Operation(
        "agents.update_advanced_settings",
        "PATCH",
        "/agents/{agent_id}/advanced-settings",
        True,
        Agent,
    )
)
AGENTS_ELIGIBILITY = register(
    Operation(
        "agents.optimized_costs_eligibility",
        "GET",
        "/agents/{agent_id}/optimized-costs-eligibility",
        True,
        OptimizedCostsEligibility,
    )
)
AGENTS_PRICING = register(
    Operation("agents.pricing", "GET", "/agents/{agent_id}/pricing", True, AgentPricing)
)
