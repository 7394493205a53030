"""Operations of the trainings and actions area (agents.md §4)."""

from __future__ import annotations

from ..models.agents import Action, Training
from ..models.results import Ack
from . import Operation, register

__all__: list[str] = []

TRAININGS_LIST = register(
    Operation(
        "agents.trainings.list",
        "GET",
        "/agents/{agent_id}/trainings",
        True,
        list[Training],
        summary="List an agent's trainings (active and inactive; not paginated).",
    )
)
TRAININGS_CREATE = register(
    Operation(
        "agents.trainings.create",
        "POST",
        "/agents/{agent_id}/trainings",
        False,
        Training,
        summary="Create (or update) a training entry.",
    )
)
TRAININGS_DELETE = register(
    Operation(
        "agents.trainings.delete",
        "DELETE",
        "/agents/{agent_id}/trainings/{training_id}",
        True,
        Ack,
        summary="Delete a training (the agent drops to draft).",
    )
)
ACTIONS_LIST = register(
    Operation(
        "agents.actions.list",
        "GET",
        "/agents/{agent_id}/actions",
        True,
        list[Action],
        summary="List an agent's actions (not paginated).",
    )
)
ACTIONS_CREATE = register(
    Operation(
        "agents.actions.create",
        "POST",
        "/agents/{agent_id}/actions",
        False,
        Action,
        summary="Create (or update) an action: webhook, transfer, hold or external.",
    )
)
ACTIONS_DELETE = register(
    Operation(
        "agents.actions.delete",
        "DELETE",
        "/agents/{agent_id}/actions/{action_id}",
        True,
        Ack,
        summary="Delete an action (the agent drops to draft).",
    )
)
