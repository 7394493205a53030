"""`client.callback_agents`: callback roles and stats (agents.md §6)."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import date
from typing import Unpack

from ..errors import InvalidRequestError
from ..models.callback_agents import (
    CallbackAgent,
    CallbackAgentDetails,
    CallbackStats,
    CallbackTriggerStatus,
)
from ..models.calls import CallStatus
from ..models.results import Ack
from ..operations import Operation
from ..options import RequestOptions
from ..validation import check_bool, check_date, check_date_range, check_list
from .base import Resource, drop_none, require_fields

__all__ = ["CallbackAgentsResource"]

_RESERVED_IDS = frozenset({"stats"})


def _agent_id(agent_id: object) -> object:
    """Refuse ids that would hit another route: `/callback-agents/stats` is the aggregate
    stats endpoint, never an agent (routing precedence is not documented)."""
    if isinstance(agent_id, str) and agent_id.strip().lower() in _RESERVED_IDS:
        raise InvalidRequestError(
            "agent_id", "'stats' is not an agent id; use callback_agents.stats() for statistics"
        )
    return agent_id


def _source_ids(field: str, value: object) -> list[str]:
    ids: list[str] = check_list(field, value, min_items=1, item=str)
    for i, item in enumerate(ids):
        if not item.strip():
            raise InvalidRequestError(f"{field}[{i}]", "must be a non-empty agent id")
    return ids


def _trigger_statuses(value: object) -> list[str]:
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
        raise InvalidRequestError("callback_trigger_statuses", "must be a list")
    out: list[str] = []
    for i, item in enumerate(value):
        text = getattr(item, "value", item)
        if not isinstance(text, str) or not text.strip():
            raise InvalidRequestError(f"callback_trigger_statuses[{i}]", "must be a status name")
        # Callback triggers spell it `no_answer`; the calls API (CallStatus) says `no-answer`.
        out.append(text.replace("-", "_"))
    return out


class CallbackAgentsResource(Resource):
    """Inbound agents that answer return calls for outbound agents: `client.callback_agents`."""

    __slots__ = ()

    _SET = Operation(
        "callback_agents.set",
        "POST",
        "/agents/{agent_id}/callback",
        CallbackAgent,
        side_effect=False,
        summary="Make an inbound agent the callback agent of outbound source agents.",
    )

    async def set(
        self,
        agent_id: str,
        *,
        source_agent_ids: Sequence[str],
        **options: Unpack[RequestOptions],
    ) -> CallbackAgent:
        """`POST /agents/{agent_id}/callback`: make an inbound agent the callback agent of the
        given outbound agents (≥1). A non-inbound agent raises `ValidationError` with code
        `INVALID_AGENT_DIRECTION`. Setting the same list again is idempotent, so this POST is
        retried like an update."""
        body = {"source_agent_ids": _source_ids("source_agent_ids", source_agent_ids)}
        result: CallbackAgent = await self._client._execute(
            self._SET, {"agent_id": agent_id}, body=body, options=options
        )
        return result

    _UPDATE = Operation(
        "callback_agents.update",
        "PUT",
        "/agents/{agent_id}/callback",
        CallbackAgent,
        side_effect=False,
        summary="Replace a callback agent's source agents.",
    )

    async def update(
        self,
        agent_id: str,
        *,
        source_agent_ids: Sequence[str],
        **options: Unpack[RequestOptions],
    ) -> CallbackAgent:
        """`PUT /agents/{agent_id}/callback`: *replace* the source agents (not append). An
        empty list is refused: use `remove` to drop the callback role."""
        body = {"source_agent_ids": _source_ids("source_agent_ids", source_agent_ids)}
        result: CallbackAgent = await self._client._execute(
            self._UPDATE, {"agent_id": agent_id}, body=body, options=options
        )
        return result

    _REMOVE = Operation(
        "callback_agents.remove",
        "DELETE",
        "/agents/{agent_id}/callback",
        Ack,
        side_effect=False,
        summary="Remove an agent's callback role.",
    )

    async def remove(self, agent_id: str, **options: Unpack[RequestOptions]) -> Ack:
        """`DELETE /agents/{agent_id}/callback`: remove the callback role (other configuration
        is kept; callers then follow the number's normal routing)."""
        result: Ack = await self._client._execute(
            self._REMOVE, {"agent_id": agent_id}, options=options
        )
        return result

    _LIST = Operation(
        "callback_agents.list",
        "GET",
        "/callback-agents",
        builtins.list[CallbackAgent],
        side_effect=False,
        summary="List callback agents (not paginated).",
    )

    async def list(self, **options: Unpack[RequestOptions]) -> list[CallbackAgent]:
        """`GET /callback-agents`: every callback agent with its `callback_config` (not
        paginated)."""
        result: list[CallbackAgent] = await self._client._execute(self._LIST, options=options)
        return result

    # Declared before `get`: path matchers try the literal `/stats` before `{agent_id}`.
    _STATS = Operation(
        "callback_agents.stats",
        "GET",
        "/callback-agents/stats",
        CallbackStats,
        side_effect=False,
        summary="Aggregate callback statistics for a date window.",
    )

    async def stats(
        self,
        *,
        start_date: str | date | None = None,
        end_date: str | date | None = None,
        **options: Unpack[RequestOptions],
    ) -> CallbackStats:
        """`GET /callback-agents/stats`: aggregate counts over an inclusive `YYYY-MM-DD`
        window (server defaults: the last 30 days up to today). Note the names differ from
        the calls list (`date_from`/`date_to`)."""
        start = None if start_date is None else check_date("start_date", start_date)
        end = None if end_date is None else check_date("end_date", end_date)
        check_date_range("start_date", start, "end_date", end)
        query = drop_none({"start_date": start, "end_date": end})
        result: CallbackStats = await self._client._execute(
            self._STATS, query=query, options=options
        )
        return result

    _GET = Operation(
        "callback_agents.get",
        "GET",
        "/callback-agents/{agent_id}",
        CallbackAgentDetails,
        side_effect=False,
        summary="One callback agent's configuration, source agents and counters.",
    )

    async def get(self, agent_id: str, **options: Unpack[RequestOptions]) -> CallbackAgentDetails:
        """`GET /callback-agents/{agent_id}`: the agent, its source agents and counters.

        Trap: `/callback-agents/stats` is a different endpoint, so `get("stats")` raises
        `InvalidRequestError` instead of asking for an agent named "stats". An agent that is
        not a callback agent raises `NotFoundError`.
        """
        result: CallbackAgentDetails = await self._client._execute(
            self._GET, {"agent_id": _agent_id(agent_id)}, options=options
        )
        return result

    _CHECK_CONSTRAINTS = Operation(
        "callback_agents.check_constraints",
        "POST",
        "/callback-agents/{agent_id}/check-constraints",
        Ack,
        side_effect=False,
        summary="Dry-run validation of a callback configuration (nothing is saved).",
    )

    async def check_constraints(
        self,
        agent_id: str,
        *,
        is_callback_agent: bool | None = None,
        callback_source_agents: Sequence[str] | None = None,
        callback_trigger_statuses: Sequence[CallbackTriggerStatus | CallStatus | str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Ack:
        """`POST /callback-agents/{agent_id}/check-constraints`: validate a proposed setup
        without saving it (a valid one answers "Configuration is valid"; the invalid answer
        is not documented and surfaces as the matching API error).

        Note the field names differ from `set` (`callback_source_agents`, not
        `source_agent_ids`). Trigger statuses use the underscore spelling `no_answer`;
        `CallStatus.NO_ANSWER` / `"no-answer"` are converted. The documented statuses are
        examples (`no_answer`, `voicemail`, `busy`), so other names are passed through.
        """
        body = drop_none(
            {
                "is_callback_agent": None
                if is_callback_agent is None
                else check_bool("is_callback_agent", is_callback_agent),
                "callback_source_agents": None
                if callback_source_agents is None
                else check_list("callback_source_agents", callback_source_agents),
                "callback_trigger_statuses": None
                if callback_trigger_statuses is None
                else _trigger_statuses(callback_trigger_statuses),
            }
        )
        require_fields(body, options, "check_constraints", "check")
        result: Ack = await self._client._execute(
            self._CHECK_CONSTRAINTS, {"agent_id": _agent_id(agent_id)}, body=body, options=options
        )
        return result
