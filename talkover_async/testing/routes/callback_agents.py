"""Callback agents: inbound agents answering return calls for outbound ones (agents.md §6).

Inbound calls come from `fake.ring(number, caller=...)`. An inbound call to a callback agent
is a callback of the source agent that called the caller in the 30 days before (the latest
such call), answered once it was answered; without such a call it is unmatched (the window
and "answered" are the fake's choices: `states.inbound_calls` in `unknowns.py`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from ..replies import ApiError, Reply, ok
from ..routing import Ctx, RouteTable
from ..state import Agent, Call, Environment

__all__ = ["routes"]

routes = RouteTable()
TRIGGER_STATUSES = ("no_answer", "voicemail", "busy", "failed", "completed")
MATCH_WINDOW = 30 * 86400.0


def callbacks(
    env: Environment, agent: Agent, start: float | None = None, end: float | None = None
) -> list[tuple[Call, str | None]]:
    """Inbound calls answered by callback `agent` (created in `[start, end)`), each with the
    source agent it is a callback of (None: unmatched)."""
    sources = set(agent.callback_source_ids or [])
    out: list[tuple[Call, str | None]] = []
    for call in sorted(env.calls.values(), key=lambda c: c.seq):
        if call.agent_id != agent.id or call.direction != "inbound":
            continue
        if (start is not None and call.created_at < start) or (
            end is not None and call.created_at >= end
        ):
            continue
        earlier = [
            c
            for c in env.calls.values()
            if c.agent_id in sources
            and c.direction == "outbound"
            and c.to == call.from_
            and call.created_at - MATCH_WINDOW <= c.created_at <= call.created_at
        ]
        latest = max(earlier, key=lambda c: (c.created_at, c.seq), default=None)
        out.append((call, latest.agent_id if latest is not None else None))
    return out


def _sources(ctx: Ctx, field: str = "source_agent_ids") -> list[str]:
    c = ctx.check()
    ids = c.array(field, required=True, min_items=1, item_type=str)
    for index, agent_id in enumerate(ids or []):
        if isinstance(agent_id, str) and agent_id not in ctx.env.agents:
            c.fail(f"{field}.{index}", f"The selected {field}.{index} is invalid.")
    c.done()
    return list(ids or [])


def _callback_agent(ctx: Ctx) -> Agent:
    agent = ctx.agent()
    if agent.callback_source_ids is None:
        raise ApiError(404, "Agent is not configured as a callback agent")
    return agent


@routes.post("/agents/{agent_id}/callback")
def set_callback(ctx: Ctx) -> Reply:
    """Make an inbound agent the callback agent of the given outbound agents."""
    agent = ctx.agent()
    ids = _sources(ctx)
    if agent.direction != "inbound":
        raise ApiError(
            422,
            "Agent must have direction=inbound to serve as a callback",
            code="INVALID_AGENT_DIRECTION",
        )
    agent.callback_source_ids = ids
    agent.updated_at = ctx.now
    data = {
        "id": agent.id,
        "name": agent.name,
        "direction": agent.direction,
        "callback_config": {"source_agent_ids": list(ids)},
    }
    return ok(data)


@routes.put("/agents/{agent_id}/callback")
def update_callback(ctx: Ctx) -> Reply:
    """Replace the source agents."""
    agent = _callback_agent(ctx)
    agent.callback_source_ids = _sources(ctx)
    agent.updated_at = ctx.now
    return ok({"id": agent.id, "callback_config": {"source_agent_ids": agent.callback_source_ids}})


@routes.delete("/agents/{agent_id}/callback")
def remove_callback(ctx: Ctx) -> Reply:
    """Drop the callback role."""
    agent = _callback_agent(ctx)
    agent.callback_source_ids = None
    agent.updated_at = ctx.now
    return ok(message="Callback role removed")


@routes.get("/callback-agents")
def list_callback_agents(ctx: Ctx) -> Reply:
    """Every callback agent (unpaginated)."""
    agents = sorted(
        (a for a in ctx.env.agents.values() if a.callback_source_ids is not None),
        key=lambda a: a.seq,
    )
    data = [
        {
            "id": a.id,
            "name": a.name,
            "label": a.label,
            "direction": a.direction,
            "current_status": a.current_status,
            "callback_config": {"source_agent_ids": list(a.callback_source_ids or [])},
        }
        for a in agents
    ]
    return ok(data)


@routes.get("/callback-agents/stats")
def callback_stats(ctx: Ctx) -> Reply:
    """Aggregate statistics over `start_date`..`end_date` (default: the last 30 days)."""
    c = ctx.check(ctx.query)
    start = c.day("start_date")
    end = c.day("end_date")
    c.done()
    today = ctx.fake.clock.now().date()
    period = {
        "start": start or (today - timedelta(days=30)).isoformat(),
        "end": end or today.isoformat(),
    }
    if date.fromisoformat(period["end"]) < date.fromisoformat(period["start"]):
        c.fail("end_date", "The end date field must be a date after or equal to start date.")
        c.done()
    clock = ctx.fake.clock
    start_s = (_midnight(period["start"]) - clock.start).total_seconds()
    end_s = (_midnight(period["end"]) + timedelta(days=1) - clock.start).total_seconds()
    counts: dict[str, int] = {}
    received = answered = unmatched = 0
    for agent in ctx.env.agents.values():
        if agent.callback_source_ids is None:
            continue
        for source_id in agent.callback_source_ids:
            counts.setdefault(source_id, 0)
        for call, matched in callbacks(ctx.env, agent, start_s, end_s):
            if matched is None:
                unmatched += 1
                continue
            received += 1
            answered += call.answered_at is not None
            counts[matched] = counts.get(matched, 0) + 1
    by_source: list[dict[str, Any]] = []
    for source_id, count in counts.items():
        source = ctx.env.agents.get(source_id)
        by_source.append(
            {"source_agent_id": source_id, "name": source.name if source else None, "count": count}
        )
    data = {
        "period": period,
        "total_callbacks_received": received,
        "callbacks_answered": answered,
        "callbacks_unmatched": unmatched,
        "callbacks_by_source_agent": by_source,
    }
    return ok(data)


@routes.get("/callback-agents/{agent_id}")
def get_callback_agent(ctx: Ctx) -> Reply:
    """A callback agent's configuration and statistics."""
    agent = _callback_agent(ctx)
    sources = [
        {"id": s.id, "name": s.name}
        for s in (ctx.env.agents.get(i) for i in agent.callback_source_ids or [])
        if s is not None
    ]
    matched = [call for call, source in callbacks(ctx.env, agent) if source is not None]
    data = {
        "agent": {
            "id": agent.id,
            "name": agent.name,
            "direction": agent.direction,
            "current_status": agent.current_status,
        },
        "source_agents": sources,
        "stats": {
            "total_callbacks_received": len(matched),
            "callbacks_answered": sum(1 for c in matched if c.answered_at is not None),
        },
    }
    return ok(data)


@routes.post("/callback-agents/{agent_id}/check-constraints")
def check_constraints(ctx: Ctx) -> Reply:
    """Dry-run a callback configuration; problems answer 422 with an `errors` list."""
    agent = ctx.agent()
    c = ctx.check()
    is_callback = c.boolean("is_callback_agent")
    sources = c.array("callback_source_agents", item_type=str)
    c.array("callback_trigger_statuses", choices=TRIGGER_STATUSES)
    c.done()
    problems: list[str] = []
    if is_callback and agent.direction != "inbound":
        problems.append("Agent must have direction=inbound to serve as a callback")
    if is_callback and not sources:
        problems.append("At least one source agent is required")
    for source_id in sources or []:
        source = ctx.env.agents.get(source_id)
        if source is None:
            problems.append(f"Source agent '{source_id}' not found")
        elif source.direction != "outbound":
            problems.append(f"Source agent '{source_id}' must have direction=outbound")
        elif source_id == agent.id:
            problems.append("An agent cannot be its own callback source")
    if problems:
        raise ApiError(
            422, "Configuration is invalid", shape="list", table_code="VALIDATION_ERROR",
            errors=problems,
        )  # fmt: skip
    return ok(message="Configuration is valid")


def _midnight(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=UTC)
