"""Callback agents: inbound agents that answer return calls for outbound (source) agents.

Set/update take `source_agent_ids`, but check-constraints takes `is_callback_agent`,
`callback_source_agents` and `callback_trigger_statuses`. Trigger statuses spell the no-answer
case `no_answer` (underscore), while call statuses use `no-answer` (hyphen).
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

import attrs

from .agents import AgentStatus
from .common import Direction

__all__ = [
    "CallbackAgent",
    "CallbackAgentDetails",
    "CallbackAgentStats",
    "CallbackConfig",
    "CallbackSourceAgent",
    "CallbackSourceAgentCount",
    "CallbackStats",
    "CallbackStatsPeriod",
    "CallbackTriggerStatus",
]


class CallbackTriggerStatus(enum.StrEnum):
    """Outbound call outcomes that arm a callback (documented as examples, so the list may be
    longer). Note the underscore in `no_answer` (the calls API says `no-answer`)."""

    NO_ANSWER = "no_answer"
    VOICEMAIL = "voicemail"
    BUSY = "busy"


@attrs.frozen(kw_only=True)
class CallbackConfig:
    """`callback_config`: the outbound agents whose contacts are routed back to this agent."""

    source_agent_ids: list[str] = attrs.field(factory=list)
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class CallbackAgent:
    """A callback agent: set answers `{id, name, direction, callback_config}`, update
    `{id, callback_config}`, list items `{id, name, label, direction, current_status,
    callback_config}`, and the `agent` of get has `{id, name, direction, current_status}`."""

    id: str
    name: str | None = None
    label: str | None = None
    direction: Direction | str | None = None
    current_status: AgentStatus | str | None = None
    callback_config: CallbackConfig | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class CallbackSourceAgent:
    """A source agent as listed by get-callback-agent: `{id, name}`."""

    id: str
    name: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class CallbackAgentStats:
    """Per-agent counters of get-callback-agent."""

    total_callbacks_received: int | None = None
    callbacks_answered: int | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class CallbackAgentDetails:
    """`GET /callback-agents/{agent_id}`: the agent, its source agents and its counters."""

    agent: CallbackAgent | None = None
    source_agents: list[CallbackSourceAgent] = attrs.field(factory=list)
    stats: CallbackAgentStats | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class CallbackStatsPeriod:
    """The inclusive date window the aggregate stats cover."""

    start: date | None = None
    end: date | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class CallbackSourceAgentCount:
    """Callbacks attributed to one source agent."""

    source_agent_id: str | None = None
    name: str | None = None
    count: int | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class CallbackStats:
    """`GET /callback-agents/stats`. `callbacks_unmatched` counts inbound calls that reached a
    callback agent without a recent matching outbound call."""

    period: CallbackStatsPeriod | None = None
    total_callbacks_received: int | None = None
    callbacks_answered: int | None = None
    callbacks_unmatched: int | None = None
    callbacks_by_source_agent: list[CallbackSourceAgentCount] = attrs.field(factory=list)
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)
