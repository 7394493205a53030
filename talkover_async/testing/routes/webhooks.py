"""Agent and campaign webhooks: CRUD, toggle, test, delivery logs and retries (agents.md §5,
calls-campaigns.md §2.12-2.18).

These routes answer in the webhook pages' own styles: 401 `{"message": "Missing Bearer
Token"}`, Laravel 422 `{"message", "errors"}`, 404 `{"success": false, "message": "Agent not
found in this environment."}`. Agent logs paginate with four keys (as list-webhook-logs
shows), campaign logs with three.
"""

from __future__ import annotations

from typing import Any

from ..catalog import AGENT_EVENTS, CAMPAIGN_EVENTS
from ..paging import paginate
from ..replies import ApiError, Reply, ok
from ..routing import Ctx, RouteTable
from ..shaping import header_casing, log_request_payload
from ..state import DeliveryLog, Webhook

__all__ = ["routes", "webhook_json"]

routes = RouteTable()
HOOK = {"family": "webhook"}
METHODS = ("POST", "PUT", "PATCH")
SCHEMES = ("none", "bearer", "basic", "api_key", "custom")


def _validate(ctx: Ctx, *, partial: bool, events: tuple[str, ...]) -> dict[str, Any]:
    c = ctx.check()
    need = not partial
    values: dict[str, Any] = {
        "name": c.string("name", required=need, max_len=255),
        "webhook_url": c.url("webhook_url", required=need, max_len=500),
        "webhook_secret": c.string("webhook_secret", max_len=255),
        "events": c.array("events", required=need, min_items=1, choices=events),
        "timeout": c.integer("timeout", low=5, high=120),
        "max_retries": c.integer("max_retries", low=0, high=10),
        "enabled": c.boolean("enabled"),
        "http_method": c.string("http_method", choices=METHODS),
        "authorization_scheme": c.string("authorization_scheme", choices=SCHEMES),
        "custom_headers": c.array("custom_headers", item_type=dict),
    }
    if ctx.route.template.startswith("/campaigns"):
        values["include_call_events"] = c.boolean("include_call_events")
    c.done()
    return {k: v for k, v in values.items() if k in ctx.body and v is not None}


def webhook_json(ctx: Ctx, hook: Webhook) -> dict[str, Any]:
    """The full webhook object (agent form or campaign form)."""
    owner_key = "agent_id" if hook.owner == "agent" else "campaign_id"
    out: dict[str, Any] = {
        "id": hook.id,
        owner_key: hook.owner_id,
        "name": hook.name,
        "webhook_url": hook.webhook_url,
        "events": list(hook.events),
        "timeout": hook.timeout,
        "max_retries": hook.max_retries,
        "enabled": hook.enabled,
    }
    if hook.owner == "campaign":
        out["include_call_events"] = hook.include_call_events
    micro = hook.owner == "agent"  # agent webhook examples show microseconds, campaign ones not
    out["created_at"] = ctx.iso(hook.created_at, micro=micro)
    out["updated_at"] = ctx.iso(hook.updated_at, micro=micro)
    if hook.owner == "agent":
        out["events_count"] = len(hook.events)
        out["status"] = "active" if hook.enabled else "disabled"
    return out


def _new_hook(ctx: Ctx, owner: str, owner_id: str, values: dict[str, Any]) -> Webhook:
    hook = Webhook(
        id=ctx.new_id(),
        owner=owner,
        owner_id=owner_id,
        name=values.pop("name"),
        webhook_url=values.pop("webhook_url"),
        events=list(values.pop("events")),
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    _apply(hook, values)
    ctx.env.webhooks[hook.id] = hook
    return hook


def _apply(hook: Webhook, values: dict[str, Any]) -> None:
    for key, value in values.items():
        setattr(hook, key, list(value) if isinstance(value, list) else value)


def _agent_hook(ctx: Ctx) -> Webhook:
    agent = ctx.agent()
    hook = ctx.env.webhooks.get(ctx.params["webhook_id"])
    if hook is None or hook.owner != "agent" or hook.owner_id != agent.id:
        raise ApiError(404, "Webhook not found.")
    return hook


def _campaign_hook(ctx: Ctx) -> Webhook:
    campaign_id = ctx.params["campaign_id"]
    if campaign_id not in ctx.env.campaigns:
        raise ApiError(404, "Campaign not found", table_code="CAMPAIGN_NOT_FOUND")
    hook = ctx.env.webhooks.get(ctx.params["webhook_id"])
    if hook is None or hook.owner != "campaign" or hook.owner_id != campaign_id:
        raise ApiError(404, "Webhook not found.")
    return hook


def _log_json(ctx: Ctx, log: DeliveryLog, *, full: bool) -> dict[str, Any]:
    delivered = ctx.iso(log.delivered_at) if log.delivered_at is not None else None
    if not full:
        return {
            "id": log.id,
            "event": log.event,
            "attempt": log.attempt,
            "status": log.status,
            "http_status": log.http_status,
            "duration_ms": log.duration_ms,
            "delivered_at": delivered,
            "created_at": ctx.iso(log.created_at),
        }
    out: dict[str, Any] = {
        "id": log.id,
        "webhook_id": log.webhook_id,
        "event": log.event,
        "attempt": log.attempt,
        "status": log.status,
        "http_status": log.http_status,
        "request_payload": log_request_payload(ctx.fake.unknowns, log.request_payload),
    }
    if log.status == "success":
        out["response_body"] = log.response_body
        out["response_headers"] = header_casing(ctx.fake.unknowns, log.response_headers or {})
    else:
        out["error"] = log.error
    out["duration_ms"] = log.duration_ms
    if log.status == "success":
        out["delivered_at"] = delivered
    out["created_at"] = ctx.iso(log.created_at)
    return out


# -- agent webhooks ---------------------------------------------------------------------


@routes.get("/agents/{agent_id}/webhooks", **HOOK)
def list_agent_webhooks(ctx: Ctx) -> Reply:
    """The agent's webhooks and the event catalogue."""
    agent = ctx.agent()
    hooks = sorted(
        (h for h in ctx.env.webhooks.values() if h.owner == "agent" and h.owner_id == agent.id),
        key=lambda h: h.seq,
    )
    data = {"webhooks": [webhook_json(ctx, h) for h in hooks], "available_events": AGENT_EVENTS}
    return ok(data)


@routes.post("/agents/{agent_id}/webhooks", **HOOK)
def create_agent_webhook(ctx: Ctx) -> Reply:
    """Create an agent webhook."""
    agent = ctx.agent()
    values = _validate(ctx, partial=False, events=tuple(AGENT_EVENTS))
    hook = _new_hook(ctx, "agent", agent.id, values)
    return ok(webhook_json(ctx, hook), "Webhook created successfully", status=ctx.created())


@routes.get("/agents/{agent_id}/webhooks/{webhook_id}", **HOOK)
def get_agent_webhook(ctx: Ctx) -> Reply:
    """One agent webhook."""
    return ok(webhook_json(ctx, _agent_hook(ctx)))


@routes.put("/agents/{agent_id}/webhooks/{webhook_id}", **HOOK)
def update_agent_webhook(ctx: Ctx) -> Reply:
    """Partial update."""
    hook = _agent_hook(ctx)
    _apply(hook, _validate(ctx, partial=True, events=tuple(AGENT_EVENTS)))
    hook.updated_at = ctx.now
    return ok(webhook_json(ctx, hook), "Webhook updated successfully")


@routes.delete("/agents/{agent_id}/webhooks/{webhook_id}", **HOOK)
def delete_agent_webhook(ctx: Ctx) -> Reply:
    """Delete an agent webhook (page unread; shaped like the other deletes)."""
    hook = _agent_hook(ctx)
    del ctx.env.webhooks[hook.id]
    return ok(message="Webhook deleted successfully")


@routes.patch("/agents/{agent_id}/webhooks/{webhook_id}/toggle", **HOOK)
def toggle_agent_webhook(ctx: Ctx) -> Reply:
    """Flip `enabled`."""
    hook = _agent_hook(ctx)
    hook.enabled = not hook.enabled
    hook.updated_at = ctx.now
    message = "Webhook enabled" if hook.enabled else "Webhook disabled"
    return ok(webhook_json(ctx, hook), message)


def _test_payload(ctx: Ctx, hook: Webhook) -> dict[str, Any]:
    if hook.owner == "agent":
        agent = ctx.env.agents[hook.owner_id]
        return {
            "event": "webhook.test",
            "agent_id": agent.id,
            "agent_name": agent.name,
            "webhook_id": hook.id,
            "webhook_name": hook.name,
            "timestamp": ctx.iso(micro=True),
            "test": True,
        }
    campaign = ctx.env.campaigns[hook.owner_id]
    return {
        "event": hook.events[0] if hook.events else "webhook.test",
        "event_id": ctx.new_id(),
        "timestamp": ctx.iso(micro=True),
        "campaign_id": campaign.id,
        "campaign_name": campaign.config.get("name"),
        "agent_id": campaign.config.get("agent_id"),
        "status": campaign.status,
        "webhook_id": hook.id,
        "test": True,
    }


@routes.post("/agents/{agent_id}/webhooks/{webhook_id}/test", **HOOK)
async def test_agent_webhook(ctx: Ctx) -> Reply:
    """Send `webhook.test` now (with the webhook's retries); your endpoint's status and time."""
    hook = _agent_hook(ctx)
    payload = _test_payload(ctx, hook)
    payload["event_id"] = ctx.new_id()
    logs = await ctx.fake.deliverer.deliver(hook, payload)
    last = logs[-1]
    if last.http_status is None:
        raise ApiError(
            422,
            "Test webhook could not be delivered.",

            details={"error": last.error},
        )
    data = {"status_code": last.http_status, "response_time": sum(lg.duration_ms for lg in logs)}
    return ok(data, "Test webhook sent successfully")


def _retry_target(ctx: Ctx, hook: Webhook) -> DeliveryLog:
    log = next((lg for lg in hook.logs if lg.id == ctx.params["log_id"]), None)
    if log is None:
        raise ApiError(404, "Log not found.")
    if log.status == "success" or not hook.enabled:
        raise ApiError(422, "Log cannot be retried", code="LOG_NOT_RETRIABLE")
    return log


@routes.get("/agents/{agent_id}/webhooks/{webhook_id}/logs", **HOOK)
def agent_webhook_logs(ctx: Ctx) -> Reply:
    """Delivery attempts, newest first (four-key pagination)."""
    hook = _agent_hook(ctx)
    items = [_log_json(ctx, lg, full=True) for lg in sorted(hook.logs, key=lambda x: -x.seq)]
    return paginate(items, ctx.query, shape="four", default=25, maximum=100)


@routes.post("/agents/{agent_id}/webhooks/{webhook_id}/logs/{log_id}/retry", **HOOK)
async def retry_agent_log(ctx: Ctx) -> Reply:
    """Re-send a failed delivery once, as a new log entry, with the current settings."""
    hook = _agent_hook(ctx)
    original = _retry_target(ctx, hook)
    logs = await ctx.fake.deliverer.deliver(
        hook, original.request_payload, first_attempt=original.attempt + 1, retries=0
    )
    data = {"log_id": logs[-1].id, "original_log_id": original.id, "queued_at": ctx.iso()}
    return ok(data, "Webhook retry queued successfully")


# -- campaign webhooks ------------------------------------------------------------------


@routes.post("/campaigns/{campaign_id}/webhooks", **HOOK)
def create_campaign_webhook(ctx: Ctx) -> Reply:
    """Create a campaign webhook (answers the documented subset of fields)."""
    campaign_id = ctx.params["campaign_id"]
    if campaign_id not in ctx.env.campaigns:
        raise ApiError(404, "Campaign not found", table_code="CAMPAIGN_NOT_FOUND")
    values = _validate(ctx, partial=False, events=CAMPAIGN_EVENTS)
    hook = _new_hook(ctx, "campaign", campaign_id, values)
    full = webhook_json(ctx, hook)
    keys = ("id", "campaign_id", "name", "events", "enabled", "include_call_events", "created_at")
    return ok({k: full[k] for k in keys}, status=ctx.created())


@routes.get("/campaigns/{campaign_id}/webhooks/{webhook_id}", **HOOK)
def get_campaign_webhook(ctx: Ctx) -> Reply:
    """One campaign webhook."""
    return ok(webhook_json(ctx, _campaign_hook(ctx)))


@routes.put("/campaigns/{campaign_id}/webhooks/{webhook_id}", **HOOK)
def update_campaign_webhook(ctx: Ctx) -> Reply:
    """Partial update; answers `id`, the changed fields and `updated_at`."""
    hook = _campaign_hook(ctx)
    values = _validate(ctx, partial=True, events=CAMPAIGN_EVENTS)
    _apply(hook, values)
    hook.updated_at = ctx.now
    full = webhook_json(ctx, hook)
    data = {"id": hook.id, **{k: full[k] for k in values if k in full}}
    data["updated_at"] = full["updated_at"]
    return ok(data)


@routes.patch("/campaigns/{campaign_id}/webhooks/{webhook_id}/toggle", **HOOK)
def toggle_campaign_webhook(ctx: Ctx) -> Reply:
    """Flip `enabled`; answers `{id, enabled}`."""
    hook = _campaign_hook(ctx)
    hook.enabled = not hook.enabled
    hook.updated_at = ctx.now
    message = "Webhook enabled" if hook.enabled else "Webhook disabled"
    return ok({"id": hook.id, "enabled": hook.enabled}, message)


@routes.post("/campaigns/{campaign_id}/webhooks/{webhook_id}/test", **HOOK)
async def test_campaign_webhook(ctx: Ctx) -> Reply:
    """Send a synthetic event of the first subscribed kind, marked `test: true`."""
    hook = _campaign_hook(ctx)
    await ctx.fake.deliverer.deliver(hook, _test_payload(ctx, hook))
    return ok(message="Test payload dispatched")


@routes.get("/campaigns/{campaign_id}/webhooks/{webhook_id}/logs", **HOOK)
def campaign_webhook_logs(ctx: Ctx) -> Reply:
    """Delivery attempts, newest first (three-key pagination)."""
    hook = _campaign_hook(ctx)
    items = [_log_json(ctx, lg, full=False) for lg in sorted(hook.logs, key=lambda x: -x.seq)]
    return paginate(items, ctx.query, shape="short", default=25, maximum=100)


@routes.post("/campaigns/{campaign_id}/webhooks/{webhook_id}/logs/{log_id}/retry", **HOOK)
async def retry_campaign_log(ctx: Ctx) -> Reply:
    """Re-send a failed delivery once, as a new log entry."""
    hook = _campaign_hook(ctx)
    original = _retry_target(ctx, hook)
    logs = await ctx.fake.deliverer.deliver(
        hook, original.request_payload, first_attempt=original.attempt + 1, retries=0
    )
    return ok({"log_id": logs[-1].id, "original_log_id": original.id}, "Webhook retry queued")
