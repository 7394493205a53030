"""`client.agents`: agents, their settings, placing calls and their call history
(agents.md §2-3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Unpack

from ..models.agents import (
    Agent,
    AgentPricing,
    AgentStatus,
    InterruptSensitivity,
    Language,
    OptimizedCostsEligibility,
    WhoSpeaksFirst,
)
from ..models.calls import Call, CallStatus
from ..models.common import Direction
from ..models.results import Ack
from ..operations import Operation
from ..options import RequestOptions
from ..pagination import AsyncPaginator
from ..validation import (
    check_bool,
    check_choice,
    check_e164,
    check_int,
    check_list,
    check_mapping,
    check_number,
    check_str,
    paging,
)
from .agent_actions import ActionsResource
from .agent_trainings import TrainingsResource
from .agent_webhooks import AgentWebhooksResource
from .base import Resource, drop_none
from .calls import call_filters

if TYPE_CHECKING:
    from ..client import AsyncTalkover

__all__ = ["AgentsResource"]

LANGUAGES = frozenset(x.value for x in Language)
SENSITIVITIES = frozenset(x.value for x in InterruptSensitivity)
DIRECTIONS = frozenset(x.value for x in Direction)
SPEAKERS = frozenset(x.value for x in WhoSpeaksFirst)
AGENT_STATUSES = frozenset(x.value for x in AgentStatus)


class AgentsResource(Resource):
    """Voice agents of the environment, with nested `trainings`, `actions` and `webhooks`."""

    __slots__ = ("actions", "trainings", "webhooks")

    def __init__(self, client: AsyncTalkover) -> None:
        super().__init__(client)
        self.trainings = TrainingsResource(client)
        self.actions = ActionsResource(client)
        self.webhooks = AgentWebhooksResource(client)

    _LIST = Operation(
        "agents.list",
        "GET",
        "/agents",
        Agent,
        side_effect=False,
        paginated=True,
        summary="List agents (paged with `meta`)",
    )

    def list(
        self,
        *,
        status: AgentStatus | str | None = None,
        direction: Direction | str | None = None,
        search: str | None = None,
        per_page: int | None = None,
        page: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Agent]:
        """`GET /agents` (paged with `meta`): `await` for a page, `async for` for every agent."""
        query = drop_none(
            {
                "status": None
                if status is None
                else check_choice("status", status, AGENT_STATUSES),
                "direction": None
                if direction is None
                else check_choice("direction", direction, DIRECTIONS),
                "search": None if search is None else check_str("search", search, max_len=255),
                **paging(per_page, page),
            }
        )
        return self._client.paginate(self._LIST, query=query, options=options)

    _GET = Operation(
        "agents.get",
        "GET",
        "/agents/{agent_id}",
        Agent,
        side_effect=False,
        summary="Get one agent with voice, trainings, actions, numbers",
    )

    async def get(self, agent_id: str, **options: Unpack[RequestOptions]) -> Agent:
        """`GET /agents/{agent_id}`: one agent with voice, trainings, actions and numbers."""
        result: Agent = await self._client._execute(
            self._GET, {"agent_id": agent_id}, options=options
        )
        return result

    _CREATE = Operation(
        "agents.create",
        "POST",
        "/agents",
        Agent,
        side_effect=True,
        summary="Create a draft agent",
    )

    async def create(
        self,
        *,
        name: str,
        label: str,
        language: Language | str,
        interrupt_sensitivity: InterruptSensitivity | str,
        endpointing_sensitivity: str,
        ivr_navigation_mode: str,
        description: str | None = None,
        initial_message: str | None = None,
        conversation_speed: float | None = None,
        initial_message_delay: float | None = None,
        ask_if_human_present_on_idle: bool | None = None,
        idle_time_seconds: int | None = None,
        max_call_duration_seconds: int | None = None,
        say_goodbye_on_max_duration: bool | None = None,
        user_inactivity_timeout_seconds: int | None = None,
        initial_idle_time_seconds: int | None = None,
        initial_max_idle_check_count: int | None = None,
        llm_temperature: float | None = None,
        enable_recording: bool | None = None,
        direction: Direction | str | None = None,
        who_speaks_first: WhoSpeaksFirst | str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Agent:
        """`POST /agents`: create a draft agent (`voice` is null until `update_voice`).

        Not retried after it may have reached the server: a repeat would create a second
        agent. Fields the docs name but this signature lacks go in `extra_body`.
        """
        body = drop_none(
            {
                "name": check_str("name", name, min_len=1, max_len=255),
                "label": check_str("label", label, min_len=1, max_len=255),
                "language": check_choice("language", language, LANGUAGES),
                "interrupt_sensitivity": check_choice(
                    "interrupt_sensitivity", interrupt_sensitivity, SENSITIVITIES
                ),
                "endpointing_sensitivity": check_str(
                    "endpointing_sensitivity", endpointing_sensitivity, min_len=1, max_len=255
                ),
                "ivr_navigation_mode": check_str(
                    "ivr_navigation_mode", ivr_navigation_mode, min_len=1, max_len=255
                ),
                "description": _opt(check_str, "description", description),
                "initial_message": _opt(check_str, "initial_message", initial_message),
                "conversation_speed": _opt_num("conversation_speed", conversation_speed, 0.1, 3.0),
                "initial_message_delay": _opt_num(
                    "initial_message_delay", initial_message_delay, 0, 60
                ),
                "ask_if_human_present_on_idle": _opt(
                    check_bool, "ask_if_human_present_on_idle", ask_if_human_present_on_idle
                ),
                "idle_time_seconds": _opt_int("idle_time_seconds", idle_time_seconds, 1, 60),
                "max_call_duration_seconds": _opt_int(
                    "max_call_duration_seconds", max_call_duration_seconds, 1, 3600
                ),
                "say_goodbye_on_max_duration": _opt(
                    check_bool, "say_goodbye_on_max_duration", say_goodbye_on_max_duration
                ),
                "user_inactivity_timeout_seconds": _opt_int(
                    "user_inactivity_timeout_seconds", user_inactivity_timeout_seconds, 5, 120
                ),
                "initial_idle_time_seconds": _opt_int(
                    "initial_idle_time_seconds", initial_idle_time_seconds, 1, 60
                ),
                "initial_max_idle_check_count": _opt_int(
                    "initial_max_idle_check_count", initial_max_idle_check_count, 0, 10
                ),
                "llm_temperature": _opt_num("llm_temperature", llm_temperature, 0, 2),
                "enable_recording": _opt(check_bool, "enable_recording", enable_recording),
                "direction": None
                if direction is None
                else check_choice("direction", direction, DIRECTIONS),
                "who_speaks_first": None
                if who_speaks_first is None
                else check_choice("who_speaks_first", who_speaks_first, SPEAKERS),
            }
        )
        result: Agent = await self._client._execute(self._CREATE, body=body, options=options)
        return result

    _UPDATE_KNOWLEDGE = Operation(
        "agents.update_knowledge",
        "PUT",
        "/agents/{agent_id}/knowledge",
        Agent,
        side_effect=False,
        summary="Update description and behaviour (resets to draft)",
    )

    async def update_knowledge(
        self,
        agent_id: str,
        *,
        description: str,
        interrupt_sensitivity: InterruptSensitivity | str,
        ask_if_human_present_on_idle: bool,
        llm_temperature: float,
        initial_message_delay: int,
        initial_message: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Agent:
        """`PUT /agents/{agent_id}/knowledge`. Side effect: the agent drops back to `draft`.

        Note the rules differ from create: `description` is required here (min 5 chars) and
        `initial_message` is 5-255 chars.
        """
        body = drop_none(
            {
                "description": check_str("description", description, min_len=5),
                "initial_message": None
                if initial_message is None
                else check_str("initial_message", initial_message, min_len=5, max_len=255),
                "interrupt_sensitivity": check_choice(
                    "interrupt_sensitivity", interrupt_sensitivity, SENSITIVITIES
                ),
                "ask_if_human_present_on_idle": check_bool(
                    "ask_if_human_present_on_idle", ask_if_human_present_on_idle
                ),
                "llm_temperature": check_number("llm_temperature", llm_temperature, 0, 2),
                "initial_message_delay": check_int(
                    "initial_message_delay", initial_message_delay, 0, 60
                ),
            }
        )
        result: Agent = await self._client._execute(
            self._UPDATE_KNOWLEDGE, {"agent_id": agent_id}, body=body, options=options
        )
        return result

    _UPDATE_VOICE = Operation(
        "agents.update_voice",
        "PUT",
        "/agents/{agent_id}/voice",
        Agent,
        side_effect=False,
        summary="Set the voice template and voice options",
    )

    async def update_voice(
        self,
        agent_id: str,
        *,
        voice_id: str,
        conversation_speed: float,
        who_speaks_first: WhoSpeaksFirst | str,
        ambient_background: str | None = None,
        ambient_volume: float | None = None,
        language: Language | str | None = None,
        similarity: float | None = None,
        stability: float | None = None,
        **options: Unpack[RequestOptions],
    ) -> Agent:
        """`PUT /agents/{agent_id}/voice`.

        `voice_id` is a voice *template* id (`GET /voice-templates`), not `agent.voice.id`.
        `similarity` is returned as `voice.similarity_boost`. `similarity` and `stability`
        (0.5-1.0) apply to high-fidelity templates only. The page says `conversation_speed`
        must be between 1 and 2 while create and get say 0.1-3.0: the SDK accepts 0.1-3.0
        and lets the server decide.
        """
        body = drop_none(
            {
                "voice_id": check_str("voice_id", voice_id, min_len=1, max_len=255),
                "conversation_speed": check_number(
                    "conversation_speed", conversation_speed, 0.1, 3.0
                ),
                "who_speaks_first": check_choice("who_speaks_first", who_speaks_first, SPEAKERS),
                "ambient_background": _opt(check_str, "ambient_background", ambient_background),
                "ambient_volume": _opt_num("ambient_volume", ambient_volume, 0, 2),
                "language": None
                if language is None
                else check_choice("language", language, LANGUAGES),
                "similarity": _opt_num("similarity", similarity, 0.5, 1.0),
                "stability": _opt_num("stability", stability, 0.5, 1.0),
            }
        )
        result: Agent = await self._client._execute(
            self._UPDATE_VOICE, {"agent_id": agent_id}, body=body, options=options
        )
        return result

    _UPDATE_CALLING = Operation(
        "agents.update_calling",
        "PUT",
        "/agents/{agent_id}/calling",
        Agent,
        side_effect=False,
        summary="Set direction and phone numbers (partial agent back)",
    )

    async def update_calling(
        self,
        agent_id: str,
        *,
        direction: Direction | str,
        phone_number_ids: Sequence[str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Agent:
        """`PUT /agents/{agent_id}/calling`: direction and numbers. Returns a partial agent
        (`id, name, direction, current_status, phone_numbers, updated_at`)."""
        body = drop_none(
            {
                "direction": check_choice("direction", direction, DIRECTIONS),
                "phone_number_ids": None
                if phone_number_ids is None
                else check_list("phone_number_ids", phone_number_ids),
            }
        )
        result: Agent = await self._client._execute(
            self._UPDATE_CALLING, {"agent_id": agent_id}, body=body, options=options
        )
        return result

    _PUBLISH = Operation(
        "agents.publish",
        "POST",
        "/agents/{agent_id}/publish",
        Agent,
        side_effect=False,
        summary="Publish a draft agent (422 when not ready)",
    )

    async def publish(self, agent_id: str, **options: Unpack[RequestOptions]) -> Agent:
        """`POST /agents/{agent_id}/publish`: make a draft live (422 `ValidationError` when
        `is_ready_to_publish` is false). Returns a partial agent."""
        result: Agent = await self._client._execute(
            self._PUBLISH, {"agent_id": agent_id}, options=options
        )
        return result

    _UNPUBLISH = Operation(
        "agents.unpublish",
        "POST",
        "/agents/{agent_id}/unpublish",
        Agent,
        side_effect=False,
        summary="Return an agent to draft",
    )

    async def unpublish(self, agent_id: str, **options: Unpack[RequestOptions]) -> Agent:
        """`POST /agents/{agent_id}/unpublish`: back to draft; calls in progress continue."""
        result: Agent = await self._client._execute(
            self._UNPUBLISH, {"agent_id": agent_id}, options=options
        )
        return result

    _DELETE = Operation(
        "agents.delete",
        "DELETE",
        "/agents/{agent_id}",
        Ack,
        side_effect=False,
        summary="Delete an agent (409 while published or with active calls)",
    )

    async def delete(self, agent_id: str, **options: Unpack[RequestOptions]) -> Ack:
        """`DELETE /agents/{agent_id}`: irreversible. 409 (`ConflictError`) with
        `AGENT_IS_PUBLISHED` or `AGENT_HAS_ACTIVE_CALLS` when it cannot go yet."""
        result: Ack = await self._client._execute(
            self._DELETE, {"agent_id": agent_id}, options=options
        )
        return result

    _UPDATE_ADVANCED_SETTINGS = Operation(
        "agents.update_advanced_settings",
        "PATCH",
        "/agents/{agent_id}/advanced-settings",
        Agent,
        side_effect=False,
        summary="Toggle the initial-message cache",
    )

    async def update_advanced_settings(
        self,
        agent_id: str,
        *,
        enable_initial_message_cache: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> Agent:
        """`PATCH /agents/{agent_id}/advanced-settings` (the agent must be eligible, see
        `optimized_costs_eligibility`). Returns `id, name, advanced_settings, updated_at`."""
        body = drop_none(
            {
                "enable_initial_message_cache": _opt(
                    check_bool, "enable_initial_message_cache", enable_initial_message_cache
                )
            }
        )
        result: Agent = await self._client._execute(
            self._UPDATE_ADVANCED_SETTINGS, {"agent_id": agent_id}, body=body, options=options
        )
        return result

    _OPTIMIZED_COSTS_ELIGIBILITY = Operation(
        "agents.optimized_costs_eligibility",
        "GET",
        "/agents/{agent_id}/optimized-costs-eligibility",
        OptimizedCostsEligibility,
        side_effect=False,
        summary="Whether call volume qualifies for optimized pricing",
    )

    async def optimized_costs_eligibility(
        self, agent_id: str, **options: Unpack[RequestOptions]
    ) -> OptimizedCostsEligibility:
        """`GET /agents/{agent_id}/optimized-costs-eligibility`."""
        result: OptimizedCostsEligibility = await self._client._execute(
            self._OPTIMIZED_COSTS_ELIGIBILITY, {"agent_id": agent_id}, options=options
        )
        return result

    _PRICING = Operation(
        "agents.pricing",
        "GET",
        "/agents/{agent_id}/pricing",
        AgentPricing,
        side_effect=False,
        summary="Per-component cost breakdown",
    )

    async def pricing(self, agent_id: str, **options: Unpack[RequestOptions]) -> AgentPricing:
        """`GET /agents/{agent_id}/pricing`: per-component costs of the configuration."""
        result: AgentPricing = await self._client._execute(
            self._PRICING, {"agent_id": agent_id}, options=options
        )
        return result

    _CALL = Operation(
        "agents.call",
        "POST",
        "/agents/{agent_id}/call",
        Call,
        side_effect=True,
        summary="Place a phone call (side effect)",
    )

    async def call(
        self,
        agent_id: str,
        *,
        to: str,
        payload: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        delay_seconds: int | None = None,
        is_testing: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> Call:
        """`POST /agents/{agent_id}/call`: place a real phone call.

        `payload` fills the agent's prompt placeholders; `context` is echoed in every webhook
        event of the call. Unsafe: retried only when the request provably never reached the
        server or on 429. On an ambiguous failure you get `APIConnectionError(sent=True)`
        (or an `InternalServerError`): the call may have been placed, check `calls.list`
        before placing it again.
        """
        # The dispatcher's hot path: the body is built key by key rather than through
        # `drop_none` (same keys, same order, same checks).
        body: dict[str, Any] = {"to": check_e164("to", to)}
        if payload is not None:
            body["payload"] = check_mapping("payload", payload)
        if context is not None:
            body["context"] = check_mapping("context", context)
        if delay_seconds is not None:
            body["delay_seconds"] = check_int("delay_seconds", delay_seconds, 0, 3600)
        if is_testing is not None:
            body["is_testing"] = check_bool("is_testing", is_testing)
        result: Call = await self._client._execute(
            self._CALL, {"agent_id": agent_id}, body=body, options=options
        )
        return result

    _CALLS = Operation(
        "agents.calls",
        "GET",
        "/agents/{agent_id}/calls",
        Call,
        side_effect=False,
        paginated=True,
        summary="An agent's call history (paged)",
    )

    def calls(
        self,
        agent_id: str,
        *,
        status: CallStatus | str | None = None,
        direction: Direction | str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        search: str | None = None,
        per_page: int | None = None,
        page: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Call]:
        """`GET /agents/{agent_id}/calls`: the agent's call history (no nested `agent`)."""
        query = call_filters(
            status=status,
            direction=direction,
            date_from=date_from,
            date_to=date_to,
            search=search,
            per_page=per_page,
            page=page,
        )
        return self._client.paginate(
            self._CALLS, {"agent_id": agent_id}, query=query, options=options
        )


def _opt(check: Any, field: str, value: Any) -> Any:
    return None if value is None else check(field, value)


def _opt_int(field: str, value: int | None, lo: int, hi: int) -> int | None:
    return None if value is None else check_int(field, value, lo, hi)


def _opt_num(field: str, value: float | None, lo: float, hi: float) -> float | None:
    return None if value is None else check_number(field, value, lo, hi)
