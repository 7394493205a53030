"""Calls: make a call, end a call, list calls (calls-campaigns.md §2.1-2.4).

Placing a call needs a published outbound agent: a draft agent answers 400
`AGENT_NOT_PUBLISHED`, an inbound one 400 `INVALID_AGENT_DIRECTION` (the fake's choice; the
make-call page lists 400 without showing its body). With no credits left a non-test call
answers 402 `INSUFFICIENT_CREDITS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..catalog import format_number
from ..paging import paginate
from ..replies import ApiError, Reply, ok
from ..routing import Ctx, RouteTable
from ..state import Call

__all__ = ["CALL_STATUSES", "call_item", "filter_calls", "routes"]

routes = RouteTable()

CALL_STATUSES = ("initiated", "ringing", "answered", "completed", "failed", "busy", "no-answer")


def call_item(ctx: Ctx, call: Call, *, with_agent: bool) -> dict[str, Any]:
    """A call list item (calls-campaigns.md §1.3)."""
    item: dict[str, Any] = {
        "id": call.id,
        "sid": call.sid,
        "to": call.to,
        "to_formatted": format_number(call.to),
        "from": call.from_,
        "from_formatted": format_number(call.from_),
        "is_testing": call.is_testing,
        "direction": call.direction,
        "status": call.status,
        "duration": call.duration,
    }
    if with_agent:
        agent = ctx.env.agents.get(call.agent_id)
        item["agent"] = (
            {"id": agent.id, "name": agent.name, "label": agent.label} if agent else None
        )
    item["created_at"] = ctx.iso(call.created_at)
    item["updated_at"] = ctx.iso(call.updated_at)
    return item


def filter_calls(ctx: Ctx, calls: list[Call], query: Mapping[str, str]) -> list[Call]:
    """Apply the documented filters (status, direction, dates, search), newest first."""
    c = ctx.check(query)
    c.string("status", choices=CALL_STATUSES)
    c.string("direction", choices=("inbound", "outbound"))
    date_from = c.day("date_from")
    date_to = c.day("date_to")
    c.done()
    out = sorted(calls, key=lambda x: -x.seq)
    if "status" in query:
        out = [x for x in out if x.status == query["status"]]
    if "direction" in query:
        out = [x for x in out if x.direction == query["direction"]]
    if date_from:
        out = [x for x in out if ctx.iso(x.created_at)[:10] >= date_from]
    if date_to:
        out = [x for x in out if ctx.iso(x.created_at)[:10] <= date_to]
    if query.get("search"):
        needle = query["search"]
        out = [x for x in out if needle in x.to or needle in x.from_ or needle in x.sid]
    return out


@routes.post("/agents/{agent_id}/call")
def make_call(ctx: Ctx) -> Reply:
    """Place a call through a published outbound agent."""
    agent = ctx.agent()
    c = ctx.check()
    to = c.phone("to", required=True)
    payload = c.obj("payload")
    context = c.obj("context")
    delay = c.integer("delay_seconds", low=0, high=3600, default=0)
    is_testing = c.boolean("is_testing", default=False)
    c.done()
    if not agent.is_published:
        raise ApiError(
            400, "Agent must be published before it can place calls.")
    if agent.direction != "outbound":
        raise ApiError(
            400,
            "Agent must have direction=outbound to place calls.",
        )
    if not is_testing and ctx.account.balance <= 0:
        raise ApiError(402, "Insufficient credits to place this call.")
    call = ctx.fake.engine.place_call(
        ctx.env,
        agent,
        to or "",
        payload=payload,
        context=context,
        delay_seconds=delay or 0,
        is_testing=bool(is_testing),
    )
    data = {
        "id": call.id,
        "agent_id": call.agent_id,
        "to": call.to,
        "status": call.status,
        "created_at": ctx.iso(call.created_at),
    }
    return ok(data)


@routes.post("/agents/{agent_id}/end-call")
def end_call(ctx: Ctx) -> Reply:
    """Hang up an active call of this agent (`call_sid` is the call's `id`)."""
    agent = ctx.agent()
    c = ctx.check()
    call_sid = c.string("call_sid", required=True)
    c.done()
    call = ctx.env.calls.get(call_sid or "")
    if call is None or call.agent_id != agent.id:
        raise ApiError(404, "Call not found for this agent")
    if not call.is_active:
        raise ApiError(409, "Call is not active", code="CALL_NOT_ACTIVE")
    ctx.fake.engine.end_call(ctx.env, call)
    data = {
        "id": call.id,
        "status": call.status,
        "ended_at": ctx.iso(call.ended_at),
        "ended_reason": call.ended_reason,
    }
    return ok(data)


@routes.get("/agents/{agent_id}/calls")
def agent_calls(ctx: Ctx) -> Reply:
    """One agent's calls (no nested `agent`), six-key pagination."""
    agent = ctx.agent()
    calls = [c for c in ctx.env.calls.values() if c.agent_id == agent.id]
    items = [call_item(ctx, c, with_agent=False) for c in filter_calls(ctx, calls, ctx.query)]
    return paginate(items, ctx.query, shape="full", default=20, maximum=100)


@routes.get("/calls")
def list_calls(ctx: Ctx) -> Reply:
    """Every call of the environment (with the nested `agent`), six-key pagination."""
    calls = list(ctx.env.calls.values())
    if ctx.query.get("agent_id"):
        calls = [c for c in calls if c.agent_id == ctx.query["agent_id"]]
    items = [call_item(ctx, c, with_agent=True) for c in filter_calls(ctx, calls, ctx.query)]
    return paginate(items, ctx.query, shape="full", default=20, maximum=100)
