"""Campaigns: CRUD, status transitions, campaign calls, SFTP import (calls-campaigns.md §2.5-2.11,
§2.19-2.23).

Status moves draft -> active -> paused -> completed/cancelled as the transition table allows;
anything else answers 400 `INVALID_TRANSITION`. A campaign call to a number that already has a
queued or active call in the campaign answers 409 unless `allow_duplicates` is true
(`fake.duplicate_rule = "any"` makes every earlier call count, ended ones included).
"""

from __future__ import annotations

from typing import Any

from ..paging import paginate
from ..replies import ApiError, Reply, ok
from ..routing import Ctx, RouteTable
from ..state import Campaign, CampaignCall
from ..validation import Checker

__all__ = ["TRANSITIONS", "routes"]

routes = RouteTable()

CAMPAIGN_TYPES = ("sales", "follow_up", "reminder", "custom")
CAMPAIGN_STATUSES = ("draft", "active", "paused", "completed", "cancelled")
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"active", "cancelled"}),
    "active": frozenset({"paused", "completed", "cancelled"}),
    "paused": frozenset({"active", "completed", "cancelled"}),
    "completed": frozenset(),
    "cancelled": frozenset(),
}
COOLDOWNS = (
    "post_completion_cooldown_hours",
    "success_cooldown_hours",
    "voicemail_cooldown_hours",
    "no_answer_cooldown_hours",
    "busy_cooldown_hours",
    "failed_cooldown_hours",
)
DEFAULTS: dict[str, Any] = {
    "description": None,
    "end_date": None,
    "timezone": "UTC",
    "initial_call_delay": 0,
    "max_retries": 3,
    "retry_cooldown_hours": 24,
    "enable_post_completion_cooldown": False,
    "post_completion_cooldown_hours": 168,
    "success_cooldown_hours": 168,
    "voicemail_cooldown_hours": 24,
    "no_answer_cooldown_hours": 24,
    "busy_cooldown_hours": 24,
    "failed_cooldown_hours": 24,
    "do_not_call_enabled": False,
    "do_not_call_list_source": "environment",
    "auto_add_to_dnc_enabled": False,
    "auto_dnc_trigger_statuses": [],
    "auto_dnc_trigger_errors": [],
}


def _check_fields(ctx: Ctx, c: Checker, *, partial: bool) -> dict[str, Any]:
    """Validate create/update fields; the values given (only those, when `partial`)."""
    need = not partial
    values: dict[str, Any] = {
        "name": c.string("name", required=need, max_len=255),
        "description": c.string("description"),
        "campaign_type": c.string("campaign_type", required=need, choices=CAMPAIGN_TYPES),
        "agent_id": c.string("agent_id", required=need),
        "start_date": c.day("start_date", required=need),
        "end_date": c.day("end_date"),
        "days_of_week": c.array("days_of_week", required=need, min_items=1, item_type=int),
        "call_time_ranges": c.array("call_time_ranges", required=need, min_items=1),
        "timezone": c.string("timezone", max_len=50),
        "initial_call_delay": c.integer("initial_call_delay", low=0),
        "max_retries": c.integer("max_retries", low=0, high=10),
        "retry_cooldown_hours": c.integer("retry_cooldown_hours", low=1, high=168),
        "enable_post_completion_cooldown": c.boolean("enable_post_completion_cooldown"),
        "do_not_call_enabled": c.boolean("do_not_call_enabled"),
        "do_not_call_list_source": c.string(
            "do_not_call_list_source", choices=("environment", "global", "custom")
        ),
        "auto_add_to_dnc_enabled": c.boolean("auto_add_to_dnc_enabled"),
        "auto_dnc_trigger_statuses": c.array("auto_dnc_trigger_statuses", item_type=str),
        "auto_dnc_trigger_errors": c.array("auto_dnc_trigger_errors", item_type=str),
    }
    for field in COOLDOWNS:
        values[field] = c.integer(field, low=1, high=168)
    agent_id = values["agent_id"]
    if agent_id is not None and agent_id not in ctx.env.agents:
        c.fail("agent_id", "The selected agent id is invalid.")
    for index, day in enumerate(values["days_of_week"] or []):
        if isinstance(day, int) and not 1 <= day <= 7:
            c.fail(
                f"days_of_week.{index}", f"The days_of_week.{index} field must be between 1 and 7."
            )
    for index, window in enumerate(values["call_time_ranges"] or []):
        if not isinstance(window, dict):
            c.fail(
                f"call_time_ranges.{index}",
                f"The call_time_ranges.{index} field must be an object.",
            )
            continue
        start = c.time_of_day(f"call_time_ranges.{index}.start", window.get("start"))
        end = c.time_of_day(f"call_time_ranges.{index}.end", window.get("end"))
        if start and end and end <= start:
            c.fail(
                f"call_time_ranges.{index}.end",
                f"The call_time_ranges.{index}.end field must be a time after start.",
            )
    start_date = values["start_date"]
    end_date = values["end_date"]
    if start_date and end_date and end_date <= start_date:
        c.fail("end_date", "The end date field must be a date after start date.")
    c.done()
    if partial:
        return {k: v for k, v in values.items() if k in ctx.body}
    return {k: v for k, v in values.items() if v is not None}


def _campaign(ctx: Ctx) -> Campaign:
    campaign = ctx.env.campaigns.get(ctx.params["campaign_id"])
    if campaign is None:
        raise ApiError(404, "Campaign not found", table_code="CAMPAIGN_NOT_FOUND")
    return campaign


def _calls_of(ctx: Ctx, campaign: Campaign) -> list[CampaignCall]:
    return sorted(
        (cc for cc in ctx.env.campaign_calls.values() if cc.campaign_id == campaign.id),
        key=lambda cc: cc.seq,
    )


def _has_live_calls(ctx: Ctx, campaign: Campaign) -> bool:
    return any(c.is_active for c in ctx.env.calls.values() if c.campaign_id == campaign.id)


def _stats(ctx: Ctx, campaign: Campaign, *, full: bool) -> dict[str, Any]:
    calls = _calls_of(ctx, campaign)
    completed = [cc for cc in calls if cc.status == "completed"]
    failed = [cc for cc in calls if cc.status in ("failed", "busy", "no-answer")]
    ended = len(completed) + len(failed)
    stats: dict[str, Any] = {
        "total_calls": len(calls),
        "completed_calls": len(completed),
        "failed_calls": len(failed),
        "success_rate": round(100.0 * len(completed) / ended, 1) if ended else 0.0,
    }
    if full:
        durations = [
            ctx.env.calls[cc.call_id].duration
            for cc in completed
            if cc.call_id and cc.call_id in ctx.env.calls
        ]
        stats["average_duration"] = round(sum(durations) / len(durations), 1) if durations else 0.0
    return stats


def _window(campaign: Campaign) -> tuple[str | None, str | None]:
    ranges = campaign.config.get("call_time_ranges") or []
    if not ranges:
        return None, None
    return min(r["start"] for r in ranges) + ":00", max(r["end"] for r in ranges) + ":00"


def _agent_ref(ctx: Ctx, campaign: Campaign) -> dict[str, Any] | None:
    agent = ctx.env.agents.get(campaign.config.get("agent_id", ""))
    return {"id": agent.id, "name": agent.name, "label": agent.label} if agent else None


_CREATE_KEYS = (
    "id", "name", "description", "campaign_type", "status", "agent_id", "start_date", "end_date",
    "days_of_week", "call_time_ranges", "timezone", "max_retries", "retry_cooldown_hours",
    "do_not_call_enabled", "created_at", "updated_at",
)  # fmt: skip
_GET_EXTRA_KEYS = (
    "do_not_call_enabled", "do_not_call_list_source", "auto_add_to_dnc_enabled",
    "auto_dnc_trigger_statuses", "auto_dnc_trigger_errors", "calls", "files",
)  # fmt: skip


def campaign_json(ctx: Ctx, campaign: Campaign, form: str) -> dict[str, Any]:
    """A campaign as `create`, `update`, `list` or `get` shows it."""
    cfg = campaign.config
    if form in ("create", "update"):
        keys = [*_CREATE_KEYS]
        if form == "update":
            keys.remove("description")
            keys.remove("created_at")
    else:
        keys = ["id", "name", "description", "status", "campaign_type", "start_date",
                "days_of_week", "earliest_call_time", "latest_call_time", "timezone", "agent_id",
                "initial_call_delay", "max_retries", "retry_cooldown_hours"]  # fmt: skip
        if form == "get":
            keys += ["enable_post_completion_cooldown", *COOLDOWNS, *_GET_EXTRA_KEYS]
        keys += ["agent", "stats", "created_at", "updated_at"]
    earliest, latest = _window(campaign)
    computed: dict[str, Any] = {
        "id": campaign.id,
        "status": campaign.status,
        "earliest_call_time": earliest,
        "latest_call_time": latest,
        "agent": _agent_ref(ctx, campaign),
        "created_at": ctx.iso(campaign.created_at),
        "updated_at": ctx.iso(campaign.updated_at),
    }
    out: dict[str, Any] = {}
    for key in keys:
        if key in computed:
            out[key] = computed[key]
        elif key == "stats":
            out[key] = _stats(ctx, campaign, full=form == "get")
        elif key == "calls":
            out[key] = [
                {"id": cc.id, "to": cc.to, "status": cc.status, "retries": cc.retries,
                 "created_at": ctx.iso(cc.created_at)}
                for cc in _calls_of(ctx, campaign)
            ]  # fmt: skip
        elif key == "files":
            out[key] = list(campaign.files)
        else:
            out[key] = cfg.get(key)
    return out


@routes.get("/campaigns")
def list_campaigns(ctx: Ctx) -> Reply:
    """Campaigns, newest first, filtered and paginated."""
    q = ctx.query
    c = ctx.check(q)
    c.string("status", choices=CAMPAIGN_STATUSES)
    c.string("campaign_type", choices=CAMPAIGN_TYPES)
    date_from = c.day("date_from")
    date_to = c.day("date_to")
    c.done()
    campaigns = sorted(ctx.env.campaigns.values(), key=lambda x: -x.seq)
    for field in ("campaign_type", "agent_id"):
        if q.get(field):
            campaigns = [x for x in campaigns if x.config.get(field) == q[field]]
    if q.get("status"):
        campaigns = [x for x in campaigns if x.status == q["status"]]
    if date_from:
        campaigns = [x for x in campaigns if ctx.iso(x.created_at)[:10] >= date_from]
    if date_to:
        campaigns = [x for x in campaigns if ctx.iso(x.created_at)[:10] <= date_to]
    if q.get("search"):
        needle = q["search"].lower()
        campaigns = [
            x
            for x in campaigns
            if needle in str(x.config.get("name", "")).lower()
            or needle in str(x.config.get("description") or "").lower()
        ]
    items = [campaign_json(ctx, x, "list") for x in campaigns]
    return paginate(items, q, shape="full", default=20, maximum=100)


@routes.post("/campaigns")
def create_campaign(ctx: Ctx) -> Reply:
    """Create a campaign in `draft`."""
    values = _check_fields(ctx, ctx.check(), partial=False)
    config = {**DEFAULTS, **values}
    campaign = Campaign(ctx.new_id(), config, ctx.now, ctx.now)
    ctx.env.campaigns[campaign.id] = campaign
    return ok(campaign_json(ctx, campaign, "create"), status=ctx.created())


@routes.get("/campaigns/{campaign_id}")
def get_campaign(ctx: Ctx) -> Reply:
    """One campaign with its calls, files and stats."""
    return ok(campaign_json(ctx, _campaign(ctx), "get"))


@routes.put("/campaigns/{campaign_id}")
def update_campaign(ctx: Ctx) -> Reply:
    """Partial update; changing the agent while calls are live answers 409."""
    campaign = _campaign(ctx)
    values = _check_fields(ctx, ctx.check(), partial=True)
    agent_changes = values.get("agent_id") not in (None, campaign.config.get("agent_id"))
    if agent_changes and _has_live_calls(ctx, campaign):
        raise ApiError(409, "Campaign has active calls in progress", table_code="CONFLICT")
    campaign.config.update(values)
    campaign.updated_at = ctx.now
    return ok(campaign_json(ctx, campaign, "update"))


@routes.delete("/campaigns/{campaign_id}", unauthorized="Unauthorized")
def delete_campaign(ctx: Ctx) -> Reply:
    """Delete a campaign that is not active and has no live calls."""
    campaign = _campaign(ctx)
    if campaign.status == "active":
        raise ApiError(403, "Cannot delete active campaign", table_code="FORBIDDEN")
    if _has_live_calls(ctx, campaign):
        raise ApiError(409, "Campaign has active calls in progress", table_code="CONFLICT")
    env = ctx.env
    del env.campaigns[campaign.id]
    for cc in _calls_of(ctx, campaign):
        del env.campaign_calls[cc.id]
    for hook_id in [h.id for h in env.webhooks.values() if h.owner_id == campaign.id]:
        del env.webhooks[hook_id]
    env.sftp.pop(campaign.id, None)
    return ok(message="Campaign deleted successfully")


@routes.patch("/campaigns/{campaign_id}/status")
def update_status(ctx: Ctx) -> Reply:
    """Move the campaign along its documented transitions."""
    campaign = _campaign(ctx)
    c = ctx.check()
    status = c.string("status", required=True, choices=CAMPAIGN_STATUSES)
    c.done()
    assert status is not None
    if status not in TRANSITIONS[campaign.status]:
        raise ApiError(
            400,
            f"Cannot change campaign status from {campaign.status} to {status}.",
            table_code="INVALID_TRANSITION",
        )
    campaign.status = status
    campaign.updated_at = ctx.now
    ctx.fake.engine.campaign_status_changed(ctx.env, campaign)
    data = {
        "id": campaign.id,
        "status": campaign.status,
        "updated_at": ctx.iso(campaign.updated_at),
    }
    return ok(data, "Campaign status updated successfully")


@routes.post("/campaigns/{campaign_id}/call")
def campaign_call(ctx: Ctx) -> Reply:
    """Queue a call in the campaign: a bare 201 `{campaign_call, campaign}`."""
    campaign = _campaign(ctx)
    c = ctx.check()
    to = c.phone("to", required=True)
    payload = c.obj("payload")
    context = c.obj("context")
    is_testing = c.boolean("is_testing", default=False)
    allow_duplicates = c.boolean("allow_duplicates", default=False)
    c.done()
    if campaign.status in ("completed", "cancelled"):
        raise ApiError(
            409, f"Campaign is {campaign.status} and accepts no new calls."
        )
    if not allow_duplicates:
        for other in _calls_of(ctx, campaign):
            if other.to == to and (other.is_open or ctx.fake.duplicate_rule == "any"):
                raise ApiError(
                    409,
                    "This number already has a call in this campaign.",
                    details={"existing_call": _cc_json(ctx, other)},
                )
    delay = int(campaign.config.get("initial_call_delay") or 0)
    cc = CampaignCall(
        id=ctx.new_id(),
        campaign_id=campaign.id,
        to=to or "",
        created_at=ctx.now,
        scheduled_at=ctx.now + delay,
        payload=payload,
        context=context,
        is_testing=bool(is_testing),
    )
    ctx.env.campaign_calls[cc.id] = cc
    body = {
        "campaign_call": _cc_json(ctx, cc),
        "campaign": {"id": campaign.id, "name": campaign.config["name"], "status": campaign.status},
    }
    return Reply(body, 201)


def _cc_json(ctx: Ctx, cc: CampaignCall) -> dict[str, Any]:
    return {
        "id": cc.id,
        "campaign_id": cc.campaign_id,
        "to": cc.to,
        "status": cc.status,
        "scheduled_at": ctx.iso(cc.scheduled_at),
        "created_at": ctx.iso(cc.created_at),
    }


# -- SFTP -------------------------------------------------------------------------------

SFTP_IMPORT_SECONDS = 60.0


def _sftp(ctx: Ctx) -> dict[str, Any]:
    campaign = _campaign(ctx)
    config = ctx.env.sftp.get(campaign.id)
    if config is None:
        raise ApiError(404, "SFTP configuration not found")
    return config


def _check_sftp(ctx: Ctx, *, partial: bool) -> dict[str, Any]:
    c = ctx.check()
    need = not partial
    values = {
        "host": c.string("host", required=need, max_len=255),
        "port": c.integer("port", low=1, high=65535),
        "username": c.string("username", required=need, max_len=255),
        "auth_type": c.string("auth_type", required=need, choices=("password", "private_key")),
        "password": c.string("password"),
        "private_key": c.string("private_key"),
        "private_key_passphrase": c.string("private_key_passphrase"),
        "import_path": c.string("import_path", max_len=500),
        "export_path": c.string("export_path", max_len=500),
        "import_schedule": c.string("import_schedule", choices=("manual", "hourly", "daily")),
        "is_enabled": c.boolean("is_enabled") if partial else None,
    }
    if not partial:
        if values["auth_type"] == "password" and not values["password"]:
            c.fail("password", "The password field is required when auth type is password.")
        if values["auth_type"] == "private_key" and not values["private_key"]:
            c.fail(
                "private_key", "The private key field is required when auth type is private_key."
            )
    c.done()
    return {k: v for k, v in values.items() if k in ctx.body}


def _sftp_json(ctx: Ctx, config: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "campaign_id", "host", "port", "username", "auth_type", "import_path",
            "export_path", "import_schedule", "is_enabled")  # fmt: skip
    out = {k: config.get(k) for k in keys}
    last = config.get("_last_test_at")
    out["last_test_at"] = ctx.iso(last) if last is not None else None
    out["last_test_success"] = config.get("_last_test_success")
    out["created_at"] = config["created_at"]
    return out


@routes.post("/campaigns/{campaign_id}/sftp")
def create_sftp(ctx: Ctx) -> Reply:
    """Store an SFTP link for the campaign, disabled until a test connection succeeds."""
    campaign = _campaign(ctx)
    values = _check_sftp(ctx, partial=False)
    config = {
        "id": ctx.new_id(),
        "campaign_id": campaign.id,
        "port": 22,
        "import_schedule": "manual",
        "import_path": None,
        "export_path": None,
        **values,
        "is_enabled": False,
        "created_at": ctx.iso(),
    }
    ctx.env.sftp[campaign.id] = config
    data = {k: config[k] for k in ("id", "campaign_id", "host", "is_enabled", "created_at")}
    return ok(data, status=ctx.created())


@routes.get("/campaigns/{campaign_id}/sftp")
def get_sftp(ctx: Ctx) -> Reply:
    """The SFTP link without its secrets."""
    return ok(_sftp_json(ctx, _sftp(ctx)))


@routes.put("/campaigns/{campaign_id}/sftp")
def update_sftp(ctx: Ctx) -> Reply:
    """Partial update; enabling needs a successful test (`SFTP_TEST_REQUIRED`)."""
    config = _sftp(ctx)
    values = _check_sftp(ctx, partial=True)
    if values.get("is_enabled") and not config.get("_last_test_success"):
        raise ApiError(
            422,
            "Run a successful test connection before enabling SFTP",
            code="SFTP_TEST_REQUIRED",
        )
    config.update(values)
    config["updated_at"] = ctx.iso()
    data = {k: config.get(k) for k in ("id", "import_schedule", "is_enabled", "updated_at")}
    return ok(data)


@routes.post("/campaigns/{campaign_id}/sftp/test-connection")
def test_sftp(ctx: Ctx) -> Reply:
    """Test the link: hosts ending in `.invalid` cannot be resolved and the password `wrong`
    fails authentication; anything else connects."""
    config = _sftp(ctx)
    config["_last_test_at"] = ctx.now
    error = None
    if str(config.get("host", "")).endswith(".invalid"):
        error = "Could not resolve host"
    elif config.get("password") == "wrong":
        error = "Authentication failed"
    config["_last_test_success"] = error is None
    if error is not None:
        body = {
            "success": False,
            "message": "SFTP connection failed",
            "data": {"tested_at": ctx.iso(), "error": error},
        }
        return Reply(body)
    data = {"tested_at": ctx.iso(), "import_path_accessible": True, "export_path_accessible": True}
    return ok(data, "SFTP connection successful")


@routes.post("/campaigns/{campaign_id}/sftp/trigger-import")
def trigger_import(ctx: Ctx) -> Reply:
    """Queue an import; another one within 60 virtual seconds answers 409."""
    config = _sftp(ctx)
    running_until = config.get("_import_until")
    if running_until is not None and ctx.now < running_until:
        raise ApiError(409, "An SFTP import is already in progress", code="SFTP_IMPORT_IN_PROGRESS")
    config["_import_until"] = ctx.now + SFTP_IMPORT_SECONDS
    return ok({"job_id": ctx.new_id(), "queued_at": ctx.iso()}, "SFTP import queued")
