"""`client.agents.trainings`: list, create/update, delete (agents.md §4.1-4.3)."""

from __future__ import annotations

import builtins
from typing import Unpack

from ..models.agents import Training, TrainingStatus
from ..models.results import Ack
from ..operations import Operation
from ..options import RequestOptions
from ..validation import check_choice, check_str
from .base import Resource, drop_none

__all__ = ["TrainingsResource"]

TRAINING_STATUSES = frozenset(x.value for x in TrainingStatus)


class TrainingsResource(Resource):
    """Training entries (subject + instructions) of an agent: `client.agents.trainings`."""

    __slots__ = ()

    _LIST = Operation(
        "agents.trainings.list",
        "GET",
        "/agents/{agent_id}/trainings",
        builtins.list[Training],
        side_effect=False,
        summary="List an agent's trainings (active and inactive; not paginated).",
    )

    async def list(self, agent_id: str, **options: Unpack[RequestOptions]) -> list[Training]:
        """`GET /agents/{agent_id}/trainings`: every training, active and inactive (not
        paginated; empty list when none)."""
        result: list[Training] = await self._client._execute(
            self._LIST, {"agent_id": agent_id}, options=options
        )
        return result

    _CREATE = Operation(
        "agents.trainings.create",
        "POST",
        "/agents/{agent_id}/trainings",
        Training,
        side_effect=True,
        summary="Create (or update) a training entry.",
    )

    async def create(
        self,
        agent_id: str,
        *,
        subject: str,
        instructions: str,
        node_id: str | None = None,
        current_status: TrainingStatus | str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Training:
        """`POST /agents/{agent_id}/trainings`: create or update a training entry.

        The page is titled "Create/Update" and answers "Agent training updated successfully"
        either way; how an existing entry is matched is not documented (presumably by
        `node_id`). `node_id` is optional here but required for actions. Not retried once it
        may have reached the server: a repeat could add a second entry.
        """
        body = drop_none(
            {
                "node_id": None if node_id is None else check_str("node_id", node_id, min_len=1),
                "subject": check_str("subject", subject, min_len=1, max_len=255),
                "instructions": check_str("instructions", instructions, min_len=1),
                "current_status": None
                if current_status is None
                else check_choice("current_status", current_status, TRAINING_STATUSES),
            }
        )
        result: Training = await self._client._execute(
            self._CREATE, {"agent_id": agent_id}, body=body, options=options
        )
        return result

    _DELETE = Operation(
        "agents.trainings.delete",
        "DELETE",
        "/agents/{agent_id}/trainings/{training_id}",
        Ack,
        side_effect=False,
        summary="Delete a training (the agent drops to draft).",
    )

    async def delete(
        self, agent_id: str, training_id: str, **options: Unpack[RequestOptions]
    ) -> Ack:
        """`DELETE /agents/{agent_id}/trainings/{training_id}`: irreversible; the agent drops
        back to `draft`."""
        result: Ack = await self._client._execute(
            self._DELETE,
            {"agent_id": agent_id, "training_id": training_id},
            options=options,
        )
        return result
