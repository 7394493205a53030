"""`client.agents.actions`: list, create/update, delete (agents.md §4.4-4.6)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import Any, Unpack

from ..errors import InvalidRequestError
from ..models.agents import Action, ActionInput, ActionStatus, ActionType
from ..models.results import Ack
from ..operations import Operation
from ..options import RequestOptions
from ..serde import unstructure
from ..validation import check_bool, check_choice, check_mapping, check_str, check_url
from .base import Resource, drop_none

__all__ = ["ActionsResource"]

ACTION_TYPES = frozenset(x.value for x in ActionType)
ACTION_STATUSES = frozenset(x.value for x in ActionStatus)


class ActionsResource(Resource):
    """Actions (tools) an agent can perform: `client.agents.actions`."""

    __slots__ = ()

    _LIST = Operation(
        "agents.actions.list",
        "GET",
        "/agents/{agent_id}/actions",
        builtins.list[Action],
        side_effect=False,
        summary="List an agent's actions (not paginated).",
    )

    async def list(self, agent_id: str, **options: Unpack[RequestOptions]) -> list[Action]:
        """`GET /agents/{agent_id}/actions` (not paginated)."""
        result: list[Action] = await self._client._execute(
            self._LIST, {"agent_id": agent_id}, options=options
        )
        return result

    _CREATE = Operation(
        "agents.actions.create",
        "POST",
        "/agents/{agent_id}/actions",
        Action,
        side_effect=True,
        summary="Create (or update) an action: webhook, transfer, hold or external.",
    )

    async def create(
        self,
        agent_id: str,
        *,
        node_id: str,
        name: str,
        description: str,
        type: ActionType | str,
        inputs: Sequence[ActionInput | Mapping[str, Any]] | None = None,
        integration: Mapping[str, Any] | None = None,
        url: str | None = None,
        authorization_url: str | None = None,
        current_status: ActionStatus | str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Action:
        """`POST /agents/{agent_id}/actions`: create or update an action.

        Trap: the request field is `inputs` (items `{name, type, required, description}`) but
        responses return it as `input_schema` (see `Action.all_inputs`). `node_id` is required
        here although it is optional for trainings. Fields whose names are cut off in the docs
        (authorization scheme, custom headers, spoken phrases, trigger, hold duration,
        transfer number) go in `extra_body`. Not retried once it may have reached the server.
        """
        body = drop_none(
            {
                "node_id": check_str("node_id", node_id, min_len=1),
                "name": check_str("name", name, min_len=1, max_len=255),
                "description": check_str("description", description, min_len=1),
                "type": check_choice("type", type, ACTION_TYPES),
                "inputs": None if inputs is None else _inputs(inputs),
                "integration": None
                if integration is None
                else check_mapping("integration", integration),
                "url": None if url is None else check_url("url", url),
                "authorization_url": None
                if authorization_url is None
                else check_url("authorization_url", authorization_url),
                "current_status": None
                if current_status is None
                else check_choice("current_status", current_status, ACTION_STATUSES),
            }
        )
        result: Action = await self._client._execute(
            self._CREATE, {"agent_id": agent_id}, body=body, options=options
        )
        return result

    _DELETE = Operation(
        "agents.actions.delete",
        "DELETE",
        "/agents/{agent_id}/actions/{action_id}",
        Ack,
        side_effect=False,
        summary="Delete an action (the agent drops to draft).",
    )

    async def delete(self, agent_id: str, action_id: str, **options: Unpack[RequestOptions]) -> Ack:
        """`DELETE /agents/{agent_id}/actions/{action_id}`: the agent drops back to `draft`;
        calls using the action may be affected."""
        result: Ack = await self._client._execute(
            self._DELETE, {"agent_id": agent_id, "action_id": action_id}, options=options
        )
        return result


def _inputs(value: object) -> list[dict[str, Any]]:
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
        raise InvalidRequestError("inputs", "must be a list")
    out: list[dict[str, Any]] = []
    for i, item in enumerate(value):
        field = f"inputs[{i}]"
        if isinstance(item, ActionInput):
            data: dict[str, Any] = unstructure(item)
        elif isinstance(item, Mapping):
            data = check_mapping(field, item)
        else:
            raise InvalidRequestError(field, "must be an ActionInput or a mapping")
        check_str(f"{field}.name", data.get("name"), min_len=1, max_len=255)
        if data.get("type") is not None:
            check_str(f"{field}.type", data["type"], min_len=1)
        if data.get("required") is not None:
            check_bool(f"{field}.required", data["required"])
        if data.get("description") is not None:
            check_str(f"{field}.description", data["description"])
        out.append(data)
    return out
