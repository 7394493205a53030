"""Callback agents (agents.md §6): requests, strict decoding, argument checks before any I/O,
and the traps: `stats` is never an agent id (§9.35), trigger statuses use `no_answer` (§9.11),
check-constraints field names differ from set/update (§9.10), start_date/end_date (§9.12)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from talkover_async import InvalidRequestError
from talkover_async.errors import NotFoundError, ValidationError
from talkover_async.models.agents import AgentStatus
from talkover_async.models.callback_agents import (
    CallbackAgent,
    CallbackAgentDetails,
    CallbackStats,
    CallbackTriggerStatus,
)
from talkover_async.models.calls import CallStatus
from talkover_async.models.common import Direction
from talkover_async.models.results import Ack
from talkover_async.operations import OPERATIONS, decode

from .recorder import Recorder, client_for

CB = "550e8400-e29b-41d4-a716-446655440000"
SRC1 = "9fbef0b7-0000-4000-8000-000000000001"
SRC2 = "9fbef0b7-0000-4000-8000-000000000002"


async def test_set_update_remove() -> None:
    rec = Recorder(
        (
            200,
            {
                "success": True,
                "data": {
                    "id": CB,
                    "name": "Callbacks",
                    "direction": "inbound",
                    "callback_config": {"source_agent_ids": [SRC1, SRC2]},
                },
            },
        ),
        (
            200,
            {"success": True, "data": {"id": CB, "callback_config": {"source_agent_ids": [SRC2]}}},
        ),
        (200, {"success": True, "message": "Callback role removed"}),
    )
    async with client_for(rec) as client:
        set_ = await client.callback_agents.set(CB, source_agent_ids=[SRC1, SRC2])
        upd = await client.callback_agents.update(CB, source_agent_ids=(SRC2,))
        removed = await client.callback_agents.remove(CB)
    assert isinstance(set_, CallbackAgent) and set_.direction is Direction.INBOUND
    assert set_.callback_config is not None and set_.callback_config.source_agent_ids == [
        SRC1,
        SRC2,
    ]
    assert (
        upd.name is None
        and upd.callback_config is not None
        and upd.callback_config.source_agent_ids == [SRC2]
    )
    assert isinstance(removed, Ack) and removed.message == "Callback role removed"
    assert rec.body(0) == {"source_agent_ids": [SRC1, SRC2]} and rec.body(1) == {
        "source_agent_ids": [SRC2]
    }
    assert [(r.method, rec.path(i)) for i, r in enumerate(rec.requests)] == [
        ("POST", f"/api/v1/agents/{CB}/callback"),
        ("PUT", f"/api/v1/agents/{CB}/callback"),
        ("DELETE", f"/api/v1/agents/{CB}/callback"),
    ]
    assert rec.requests[2].content is None


async def test_set_on_outbound_agent_raises_with_code() -> None:
    rec = Recorder(
        (
            422,
            {
                "success": False,
                "message": "Agent must have direction=inbound to serve as a callback",
                "code": "INVALID_AGENT_DIRECTION",
            },
        )
    )
    async with client_for(rec) as client:
        with pytest.raises(ValidationError) as info:
            await client.callback_agents.set(CB, source_agent_ids=[SRC1])
    assert info.value.code == "INVALID_AGENT_DIRECTION"


async def test_list_get_and_not_configured() -> None:
    rec = Recorder(
        (
            200,
            {
                "success": True,
                "data": [
                    {
                        "id": CB,
                        "name": "Callbacks",
                        "label": "CB",
                        "direction": "inbound",
                        "current_status": "published",
                        "callback_config": {"source_agent_ids": [SRC1]},
                    }
                ],
            },
        ),
        (
            200,
            {
                "success": True,
                "data": {
                    "agent": {
                        "id": CB,
                        "name": "Callbacks",
                        "direction": "inbound",
                        "current_status": "published",
                    },
                    "source_agents": [{"id": SRC1, "name": "Outbound sales"}],
                    "stats": {"total_callbacks_received": 42, "callbacks_answered": 40},
                },
            },
        ),
        (404, {"success": False, "message": "Agent is not configured as a callback agent"}),
    )
    async with client_for(rec) as client:
        agents = await client.callback_agents.list()
        details = await client.callback_agents.get(CB)
        with pytest.raises(NotFoundError, match="not configured"):
            await client.callback_agents.get(SRC1)
    assert agents[0].current_status is AgentStatus.PUBLISHED and agents[0].label == "CB"
    assert isinstance(details, CallbackAgentDetails) and details.agent is not None
    assert (
        details.agent.callback_config is None and details.source_agents[0].name == "Outbound sales"
    )
    assert details.stats is not None and details.stats.callbacks_answered == 40
    assert (
        rec.path(0) == "/api/v1/callback-agents" and rec.path(1) == f"/api/v1/callback-agents/{CB}"
    )


async def test_stats_with_dates() -> None:
    stats = {
        "period": {"start": "2024-01-01", "end": "2024-01-31"},
        "total_callbacks_received": 120,
        "callbacks_answered": 110,
        "callbacks_unmatched": 7,
        "callbacks_by_source_agent": [
            {"source_agent_id": SRC1, "name": "Outbound sales", "count": 80},
            {"source_agent_id": SRC2, "name": "Renewals", "count": 40},
        ],
    }
    rec = Recorder((200, {"success": True, "data": stats}))
    async with client_for(rec) as client:
        result = await client.callback_agents.stats(
            start_date="2024-01-01", end_date=date(2024, 1, 31)
        )
        default = await client.callback_agents.stats()
    assert isinstance(result, CallbackStats) and result.period is not None
    assert result.period.start == date(2024, 1, 1) and result.callbacks_unmatched == 7
    assert result.callbacks_by_source_agent[1].count == 40
    assert (
        rec.target(0) == "/api/v1/callback-agents/stats?start_date=2024-01-01&end_date=2024-01-31"
    )
    assert (
        rec.path(1) == "/api/v1/callback-agents/stats" and default.total_callbacks_received == 120
    )


@pytest.mark.parametrize("bad", ["stats", "STATS", " stats "])
async def test_stats_is_never_an_agent_id(bad: str) -> None:
    """Trap §9.35: `/callback-agents/stats` and `/callback-agents/{agent_id}` share a prefix."""
    rec = Recorder((200, {"success": True, "data": {}}))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.callback_agents.get(bad)
        with pytest.raises(InvalidRequestError):
            await client.callback_agents.check_constraints(bad, is_callback_agent=True)
    assert info.value.field == "agent_id" and "stats()" in info.value.rule
    assert rec.requests == []


async def test_check_constraints_field_names_and_no_answer_spelling() -> None:
    rec = Recorder((200, {"success": True, "message": "Configuration is valid"}))
    async with client_for(rec) as client:
        result = await client.callback_agents.check_constraints(
            CB,
            is_callback_agent=True,
            callback_source_agents=[SRC1],
            callback_trigger_statuses=[
                CallStatus.NO_ANSWER,
                "no-answer",
                CallbackTriggerStatus.VOICEMAIL,
                "busy",
            ],
        )
    assert result.message == "Configuration is valid" and result.success is True
    # Trap §9.11: callback triggers say `no_answer`; the calls API's `no-answer` is converted.
    assert rec.body() == {
        "is_callback_agent": True,
        "callback_source_agents": [SRC1],
        "callback_trigger_statuses": ["no_answer", "no_answer", "voicemail", "busy"],
    }
    assert rec.requests[0].method == "POST"
    assert rec.path() == f"/api/v1/callback-agents/{CB}/check-constraints"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.callback_agents.set(CB, source_agent_ids=[]), "source_agent_ids"),
        (lambda c: c.callback_agents.update(CB, source_agent_ids=[]), "source_agent_ids"),
        (lambda c: c.callback_agents.set(CB, source_agent_ids=SRC1), "source_agent_ids"),
        (lambda c: c.callback_agents.set(CB, source_agent_ids=[SRC1, ""]), "source_agent_ids[1]"),
        (lambda c: c.callback_agents.set(CB, source_agent_ids=[1]), "source_agent_ids"),
        (
            lambda c: c.callback_agents.stats(start_date="2024-02-01", end_date="2024-01-31"),
            "end_date",
        ),
        (lambda c: c.callback_agents.stats(start_date="01/02/2024"), "start_date"),
        (lambda c: c.callback_agents.stats(end_date="2024-02-30"), "end_date"),
        (lambda c: c.callback_agents.check_constraints(CB), "check_constraints"),
        (
            lambda c: c.callback_agents.check_constraints(CB, is_callback_agent="yes"),
            "is_callback_agent",
        ),
        (
            lambda c: c.callback_agents.check_constraints(CB, callback_source_agents=SRC1),
            "callback_source_agents",
        ),
        (
            lambda c: c.callback_agents.check_constraints(
                CB, callback_trigger_statuses=["busy", ""]
            ),
            "callback_trigger_statuses[1]",
        ),
        (
            lambda c: c.callback_agents.check_constraints(CB, callback_trigger_statuses="busy"),
            "callback_trigger_statuses",
        ),
    ],
)
async def test_rules_reject_before_io(call: Any, field: str) -> None:
    rec = Recorder((200, {"success": True, "data": {}}))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            await call(client)
    assert info.value.field == field and rec.requests == []


def test_registry_and_decode() -> None:
    assert OPERATIONS["callback_agents.stats"].path == "/callback-agents/stats"
    assert OPERATIONS["callback_agents.get"].path == "/callback-agents/{agent_id}"
    # `stats` is registered before the `{agent_id}` template so path matchers try it first.
    names = list(OPERATIONS)
    assert names.index("callback_agents.stats") < names.index("callback_agents.get")
    ack = decode(
        "callback_agents.check_constraints",
        200,
        b'{"success": true, "message": "Configuration is valid"}',
    )
    assert ack == Ack(success=True, message="Configuration is valid")
    agent = decode(
        "callback_agents.update",
        200,
        json.dumps(
            {"success": True, "data": {"id": CB, "callback_config": {"source_agent_ids": [SRC1]}}}
        ),
        strict=True,
    )
    assert agent.callback_config.source_agent_ids == [SRC1]
