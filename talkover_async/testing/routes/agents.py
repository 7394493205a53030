"""Agents: CRUD, knowledge/voice/calling settings, publish, pricing, trainings and actions
(agents.md §2, §4).

Publishing needs a voice and a direction; updating knowledge and deleting a training or an
action drop the agent back to `draft`; deleting is refused while published
(`AGENT_IS_PUBLISHED`) or with active calls (`AGENT_HAS_ACTIVE_CALLS`).
"""

from __future__ import annotations

from typing import Any

from ..catalog import LANGUAGES, voice_template
from ..paging import paginate
from ..replies import ApiError, Reply, ok
from ..routing import Ctx, RouteTable
from ..state import Agent, Environment

__all__ = ["agent_json", "embedded_number", "routes"]

routes = RouteTable()

SENSITIVITY = ("low", "medium", "high")
DIRECTIONS = ("inbound", "outbound")
SPEAKERS = ("agent", "user")
ELIGIBILITY_REQUIRED_CALLS = 700
ELIGIBILITY_DAYS = 7


def embedded_number(number: dict[str, Any], *, international: bool = True) -> dict[str, Any]:
    """A phone number as embedded in an agent (agents.md §1.5)."""
    keys = ["id", "number", "country_code", "formatted_number", "international_number"]
    if not international:
        keys.remove("international_number")
    out = {k: number[k] for k in keys}
    out["current_status"] = number["current_status"]
    return out


def _public(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if not k.startswith("_")}


def agent_json(ctx: Ctx, agent: Agent, env: Environment | None = None) -> dict[str, Any]:
    """The full Agent object (agents.md §1.1)."""
    env = env or ctx.env
    return {
        "id": agent.id,
        "name": agent.name,
        "label": agent.label,
        "description": agent.description,
        "language": agent.language,
        "voice": agent.voice,
        "initial_message": agent.initial_message,
        "interrupt_sensitivity": agent.interrupt_sensitivity,
        "conversation_speed": agent.conversation_speed,
        "initial_message_delay": agent.initial_message_delay,
        "ask_if_human_present_on_idle": agent.ask_if_human_present_on_idle,
        "direction": agent.direction,
        "who_speaks_first": agent.who_speaks_first,
        "current_status": agent.current_status,
        "is_sandbox": agent.is_sandbox,
        "is_ready_to_publish": agent.is_ready_to_publish,
        "created_at": ctx.iso(agent.created_at),
        "updated_at": ctx.iso(agent.updated_at),
        "trainings": [_public(t) for t in agent.trainings],
        "actions": [_public(a) for a in agent.actions],
        "phone_numbers": [
            embedded_number(env.phone_numbers[i])
            for i in agent.phone_number_ids
            if i in env.phone_numbers
        ],
    }


def _status_json(ctx: Ctx, agent: Agent) -> dict[str, Any]:
    return {
        "id": agent.id,
        "name": agent.name,
        "current_status": agent.current_status,
        "is_ready_to_publish": agent.is_ready_to_publish,
        "updated_at": ctx.iso(agent.updated_at),
    }


def _touch(ctx: Ctx, agent: Agent, *, to_draft: bool = False) -> None:
    agent.updated_at = ctx.now
    if to_draft:
        agent.current_status = "draft"


@routes.get("/agents")
def list_agents(ctx: Ctx) -> Reply:
    """List agents, newest first, with the `meta` pagination object."""
    q = ctx.query
    check = ctx.check(q)
    check.string("status", choices=("draft", "published"))
    check.string("direction", choices=DIRECTIONS)
    check.done()
    agents = sorted(ctx.env.agents.values(), key=lambda a: -a.seq)
    if "status" in q:
        agents = [a for a in agents if a.current_status == q["status"]]
    if "direction" in q:
        agents = [a for a in agents if a.direction == q["direction"]]
    if q.get("search"):
        needle = q["search"].lower()
        agents = [a for a in agents if needle in a.name.lower() or needle in a.label.lower()]
    items = [agent_json(ctx, a) for a in agents]
    return paginate(items, q, shape="meta", default=20, maximum=100, clamp=True)


@routes.get("/agents/{agent_id}")
def get_agent(ctx: Ctx) -> Reply:
    """One agent with voice, trainings, actions and numbers."""
    return ok(agent_json(ctx, ctx.agent()))


@routes.post("/agents")
def create_agent(ctx: Ctx) -> Reply:
    """Create an agent in `draft` with no voice."""
    c = ctx.check()
    label = c.string("label", required=True, max_len=255)
    name = c.string("name", required=True, max_len=255)
    language = c.string("language", required=True, choices=LANGUAGES)
    description = c.string("description")
    initial_message = c.string("initial_message")
    interrupt = c.string("interrupt_sensitivity", required=True, choices=SENSITIVITY)
    c.string("endpointing_sensitivity", required=True, max_len=255)
    c.string("ivr_navigation_mode", required=True, max_len=255)
    speed = c.number("conversation_speed", low=0.1, high=3.0, default=1.0)
    delay = c.number("initial_message_delay", low=0, high=60, default=0)
    ask = c.boolean("ask_if_human_present_on_idle", default=False)
    c.integer("idle_time_seconds", low=1, high=60)
    c.integer("max_call_duration_seconds", low=1, high=3600)
    c.boolean("say_goodbye_on_max_duration")
    c.integer("user_inactivity_timeout_seconds", low=5, high=120)
    c.integer("initial_idle_time_seconds", low=1, high=60)
    c.integer("initial_max_idle_check_count", low=0, high=10)
    c.number("llm_temperature", low=0, high=2)
    c.boolean("enable_recording")
    direction = c.string("direction", choices=DIRECTIONS)
    speaker = c.string("who_speaks_first", choices=SPEAKERS, default="agent")
    c.done()
    agent = Agent(
        id=ctx.new_id(),
        name=name or "",
        label=label or "",
        language=language or "en-US",
        created_at=ctx.now,
        updated_at=ctx.now,
        description=description,
        initial_message=initial_message,
        interrupt_sensitivity=interrupt or "medium",
        conversation_speed=float(speed if speed is not None else 1.0),
        initial_message_delay=delay or 0,
        ask_if_human_present_on_idle=bool(ask),
        direction=direction,
        who_speaks_first=speaker or "agent",
        settings=dict(ctx.body),
    )
    ctx.env.agents[agent.id] = agent
    return ok(agent_json(ctx, agent), "Agent created successfully", status=ctx.created())


@routes.put("/agents/{agent_id}/knowledge")
def update_knowledge(ctx: Ctx) -> Reply:
    """Update description and behaviour; the agent drops back to `draft`."""
    agent = ctx.agent()
    c = ctx.check()
    description = c.string("description", required=True, min_len=5)
    initial_message = c.string("initial_message", min_len=5, max_len=255)
    interrupt = c.string("interrupt_sensitivity", required=True, choices=SENSITIVITY)
    ask = c.boolean("ask_if_human_present_on_idle", required=True)
    temperature = c.number("llm_temperature", required=True, low=0, high=2)
    delay = c.integer("initial_message_delay", required=True, low=0, high=60)
    c.done()
    agent.description = description
    if initial_message is not None:
        agent.initial_message = initial_message
    agent.interrupt_sensitivity = interrupt or agent.interrupt_sensitivity
    agent.ask_if_human_present_on_idle = bool(ask)
    agent.settings["llm_temperature"] = temperature
    agent.initial_message_delay = delay or 0
    _touch(ctx, agent, to_draft=True)
    return ok(agent_json(ctx, agent), "Agent knowledge updated successfully")


@routes.put("/agents/{agent_id}/voice")
def update_voice(ctx: Ctx) -> Reply:
    """Select a voice template (`ultra` templates need `similarity` and `stability`)."""
    agent = ctx.agent()
    c = ctx.check()
    voice_id = c.string("voice_id", required=True)
    speed = c.number("conversation_speed", required=True, low=0.1, high=3.0)
    speaker = c.string("who_speaks_first", required=True, choices=SPEAKERS)
    ambient = c.string("ambient_background", max_len=255)
    c.number("ambient_volume", low=0, high=2)
    language = c.string("language", choices=LANGUAGES)
    similarity = c.number("similarity", low=0.5, high=1.0)
    stability = c.number("stability", low=0.5, high=1.0)
    c.done()
    template = voice_template(voice_id or "")
    if template is None:
        raise ApiError(404, "Voice not found", table_code="VOICE_NOT_FOUND")
    hifi = template["quality_tier"] == "ultra"
    for field in ("similarity", "stability"):
        if hifi and ctx.body.get(field) is None:
            c.fail(field, f"The {field} field is required for high-fidelity voices.")
        if not hifi and ctx.body.get(field) is not None:
            c.fail(field, f"The {field} field is prohibited for this voice.")
    c.done()
    agent.voice = {
        "id": ctx.new_id(),
        "name": template["name"],
        "label": template["name"],
        "stability": stability if stability is not None else 0.75,
        "similarity_boost": similarity if similarity is not None else 0.75,
        "ambient_background": ambient or "quiet",
        "template": {"id": template["id"], "name": template["name"]},
    }
    agent.conversation_speed = float(speed or 1.0)
    agent.who_speaks_first = speaker or agent.who_speaks_first
    if language is not None:
        agent.language = language
    _touch(ctx, agent)
    return ok(agent_json(ctx, agent), "Agent voice updated successfully")


@routes.put("/agents/{agent_id}/calling")
def update_calling(ctx: Ctx) -> Reply:
    """Set direction and the environment numbers the agent uses (partial agent answered)."""
    agent = ctx.agent()
    c = ctx.check()
    direction = c.string("direction", required=True, choices=DIRECTIONS)
    ids = c.array("phone_number_ids", item_type=str)
    if ids is not None:
        for index, number_id in enumerate(ids):
            if isinstance(number_id, str) and number_id not in ctx.env.phone_numbers:
                c.fail(
                    f"phone_number_ids.{index}",
                    f"The selected phone_number_ids.{index} is invalid.",
                )
    c.done()
    agent.direction = direction
    if ids is not None:
        agent.phone_number_ids = list(ids)
    _touch(ctx, agent)
    data = {
        "id": agent.id,
        "name": agent.name,
        "direction": agent.direction,
        "current_status": agent.current_status,
        "phone_numbers": [
            embedded_number(ctx.env.phone_numbers[i], international=False)
            for i in agent.phone_number_ids
            if i in ctx.env.phone_numbers
        ],
        "updated_at": ctx.iso(agent.updated_at),
    }
    return ok(data, "Agent calling settings updated successfully")


@routes.post("/agents/{agent_id}/publish")
def publish(ctx: Ctx) -> Reply:
    """Publish a ready agent; 422 naming what is missing otherwise."""
    agent = ctx.agent()
    if not agent.is_ready_to_publish:
        missing: dict[str, list[str]] = {}
        if agent.voice is None:
            missing["voice"] = ["A voice must be configured before publishing."]
        if agent.direction is None:
            missing["direction"] = ["A calling direction must be configured before publishing."]
        raise ApiError(
            422,
            "Agent is not ready to publish.",
            table_code="VALIDATION_ERROR",
            shape="laravel",
            errors=missing,
        )
    agent.current_status = "published"
    _touch(ctx, agent)
    return ok(_status_json(ctx, agent), "Agent published successfully")


@routes.post("/agents/{agent_id}/unpublish")
def unpublish(ctx: Ctx) -> Reply:
    """Back to `draft`; calls in progress continue."""
    agent = ctx.agent()
    _touch(ctx, agent, to_draft=True)
    return ok(_status_json(ctx, agent), "Agent unpublished successfully")


@routes.delete("/agents/{agent_id}")
def delete_agent(ctx: Ctx) -> Reply:
    """Delete an unpublished agent without active calls, with its webhooks and calls."""
    agent = ctx.agent()
    if agent.is_published:
        raise ApiError(
            409,
            "Agent must be unpublished before it can be deleted.",
            table_code="AGENT_IS_PUBLISHED",
        )
    if ctx.env.active_calls(agent.id):
        raise ApiError(
            409,
            "Cannot delete agent while it has active calls.",
            table_code="AGENT_HAS_ACTIVE_CALLS",
        )
    env = ctx.env
    del env.agents[agent.id]
    for hook_id in [
        h.id for h in env.webhooks.values() if h.owner == "agent" and h.owner_id == agent.id
    ]:
        del env.webhooks[hook_id]
    for call_id in [c.id for c in env.calls.values() if c.agent_id == agent.id]:
        del env.calls[call_id]
    return ok(message="Agent deleted successfully")


def _agent_calls_since(ctx: Ctx, agent: Agent, seconds: float) -> int:
    since = ctx.now - seconds
    return sum(
        1 for c in ctx.env.calls.values() if c.agent_id == agent.id and c.created_at >= since
    )


def _eligibility(ctx: Ctx, agent: Agent) -> dict[str, Any]:
    current = _agent_calls_since(ctx, agent, ELIGIBILITY_DAYS * 86400)
    data: dict[str, Any] = {
        "eligible": current >= ELIGIBILITY_REQUIRED_CALLS,
        "current_calls": current,
        "required_calls": ELIGIBILITY_REQUIRED_CALLS,
        "threshold_days": ELIGIBILITY_DAYS,
    }
    if not data["eligible"]:
        data["calls_remaining"] = ELIGIBILITY_REQUIRED_CALLS - current
    return data


@routes.patch("/agents/{agent_id}/advanced-settings")
def advanced_settings(ctx: Ctx) -> Reply:
    """Toggle the initial-message cache (only for eligible agents)."""
    agent = ctx.agent()
    c = ctx.check()
    enable = c.boolean("enable_initial_message_cache")
    c.done()
    if enable and not _eligibility(ctx, agent)["eligible"]:
        raise ApiError(422, "Agent is not eligible for optimized costs.")
    if enable is not None:
        agent.advanced_settings["enable_initial_message_cache"] = enable
    _touch(ctx, agent)
    data = {
        "id": agent.id,
        "name": agent.name,
        "advanced_settings": dict(agent.advanced_settings),
        "updated_at": ctx.iso(agent.updated_at),
    }
    return ok(data, "Advanced settings updated successfully")


@routes.get("/agents/{agent_id}/optimized-costs-eligibility")
def eligibility(ctx: Ctx) -> Reply:
    """Calls in the last 7 days against the 700-call threshold."""
    return ok(_eligibility(ctx, ctx.agent()))


@routes.get("/agents/{agent_id}/pricing")
def pricing(ctx: Ctx) -> Reply:
    """A per-component price breakdown derived from the agent's voice tier."""
    agent = ctx.agent()
    tier = "basic"
    if agent.voice is not None:
        template = voice_template(agent.voice["template"]["id"])
        tier = "high_fidelity" if template and template["quality_tier"] == "ultra" else "standard"
    voice_price = {"basic": 0.02, "standard": 0.04, "high_fidelity": 0.08}[tier]
    data = {
        "agent_id": agent.id,
        "currency": "USD",
        "components": {
            "voice_synthesis": {"unit": "per_minute", "price": voice_price, "tier": tier},
            "transcription": {"unit": "per_minute", "price": 0.01},
            "language_model": {
                "unit": "per_1k_tokens",
                "input_price": 0.0005,
                "output_price": 0.0015,
            },
        },
        "transport": {
            "outbound": {"country_code": "US", "unit": "per_minute", "price": 0.014},
            "inbound": {"country_code": "US", "unit": "per_minute", "price": 0.0085},
        },
        "estimated_cost_per_minute": round(voice_price + 0.01 + 0.02 + 0.014, 4),
        "calculated_at": ctx.iso(),
    }
    return ok(data)


# -- trainings --------------------------------------------------------------------------


@routes.get("/agents/{agent_id}/trainings")
def list_trainings(ctx: Ctx) -> Reply:
    """Every training of the agent (unpaginated)."""
    return ok([_public(t) for t in ctx.agent().trainings])


@routes.post("/agents/{agent_id}/trainings")
def save_training(ctx: Ctx) -> Reply:
    """Create a training, or update the one with the same `node_id`."""
    agent = ctx.agent()
    c = ctx.check()
    node_id = c.string("node_id", max_len=255)
    subject = c.string("subject", required=True, max_len=255)
    instructions = c.string("instructions", required=True)
    status = c.string("current_status", choices=("active", "inactive"), default="active")
    c.done()
    index = next(
        (i for i, t in enumerate(agent.trainings) if node_id and t.get("_node_id") == node_id),
        None,
    )
    old = agent.trainings[index] if index is not None else None
    training = {
        "id": old["id"] if old else ctx.new_id(),
        "subject": subject,
        "instructions": instructions,
        "current_status": status,
        "created_at": old["created_at"] if old else ctx.iso(),
        "updated_at": ctx.iso(),
        "_node_id": node_id,
    }
    if index is None:
        agent.trainings.append(training)
    else:
        agent.trainings[index] = training
    _touch(ctx, agent)
    return ok(_public(training), "Agent training updated successfully")


@routes.delete("/agents/{agent_id}/trainings/{training_id}")
def delete_training(ctx: Ctx) -> Reply:
    """Delete a training; the agent drops back to `draft`."""
    agent = ctx.agent()
    for training in agent.trainings:
        if training["id"] == ctx.params["training_id"]:
            agent.trainings.remove(training)
            _touch(ctx, agent, to_draft=True)
            return ok(message="Agent training deleted successfully")
    raise ApiError(404, "Training not found", table_code="TRAINING_NOT_FOUND")


# -- actions ----------------------------------------------------------------------------


@routes.get("/agents/{agent_id}/actions")
def list_actions(ctx: Ctx) -> Reply:
    """Every action of the agent (unpaginated)."""
    return ok([_public(a) for a in ctx.agent().actions])


@routes.post("/agents/{agent_id}/actions")
def save_action(ctx: Ctx) -> Reply:
    """Create an action, or update the one with the same `node_id`."""
    agent = ctx.agent()
    c = ctx.check()
    node_id = c.string("node_id", required=True, max_len=255)
    name = c.string("name", required=True, max_len=255)
    description = c.string("description", required=True)
    kind = c.string("type", required=True, choices=("webhook", "transfer", "hold", "external"))
    inputs = c.array("inputs")
    c.obj("integration")
    url = c.url("url", max_len=2048)
    auth_url = c.url("authorization_url", max_len=2048)
    status = c.string("current_status", choices=("active", "inactive"), default="active")
    c.done()
    action = next((a for a in agent.actions if a.get("_node_id") == node_id), None)
    created = ctx.iso() if action is None else action["created_at"]
    if action is None:
        action = {"id": ctx.new_id()}
        agent.actions.append(action)
    action.update(
        name=name,
        label=name,
        description=description,
        type=kind,
        input_schema=list(inputs or []),
        config=None,
        action_trigger=None,
        url=url,
        authorization_url=auth_url,
        current_status=status,
        created_at=created,
        updated_at=ctx.iso(),
        _node_id=node_id,
    )
    _touch(ctx, agent)
    return ok(_public(action), "Agent action updated successfully")


@routes.delete("/agents/{agent_id}/actions/{action_id}")
def delete_action(ctx: Ctx) -> Reply:
    """Delete an action; the agent drops back to `draft`."""
    agent = ctx.agent()
    for action in agent.actions:
        if action["id"] == ctx.params["action_id"]:
            agent.actions.remove(action)
            _touch(ctx, agent, to_draft=True)
            return ok(message="Agent action deleted successfully")
    raise ApiError(404, "Action not found", table_code="ACTION_NOT_FOUND")
