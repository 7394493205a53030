"""Agent objects and what hangs off them: voice, trainings, actions, embedded phone numbers,
advanced settings, pricing and optimized-costs eligibility.

Update endpoints return partial agents (publish/unpublish: `id, name, current_status,
is_ready_to_publish, updated_at`; update-calling: no `international_number` on numbers), so
every field but `id` is optional and lists default to empty.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import attrs

from .common import Direction

__all__ = [
    "Action",
    "ActionInput",
    "ActionStatus",
    "ActionType",
    "AdvancedSettings",
    "Agent",
    "AgentPricing",
    "AgentStatus",
    "EmbeddedPhoneNumber",
    "InterruptSensitivity",
    "Language",
    "OptimizedCostsEligibility",
    "PriceComponent",
    "Training",
    "TrainingStatus",
    "TransportPrice",
    "Voice",
    "VoiceTemplateRef",
    "WhoSpeaksFirst",
]


class AgentStatus(enum.StrEnum):
    """Agent lifecycle status."""

    DRAFT = "draft"
    PUBLISHED = "published"


class InterruptSensitivity(enum.StrEnum):
    """How readily the agent lets the caller interrupt it."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class WhoSpeaksFirst(enum.StrEnum):
    """Who opens the conversation."""

    AGENT = "agent"
    USER = "user"


class Language(enum.StrEnum):
    """Languages accepted by create-agent."""

    PT_BR = "pt-BR"
    PT_PT = "pt-PT"
    EN_US = "en-US"
    EN_CA = "en-CA"
    ES_ES = "es-ES"
    FR_FR = "fr-FR"
    DE_DE = "de-DE"
    IT_IT = "it-IT"
    NL_NL = "nl-NL"
    JA_JP = "ja-JP"
    KO_KR = "ko-KR"
    ZH_TW = "zh-TW"


class TrainingStatus(enum.StrEnum):
    """Training entry status."""

    ACTIVE = "active"
    INACTIVE = "inactive"


ActionStatus = TrainingStatus


class ActionType(enum.StrEnum):
    """Agent action types (`external` is accepted on create, not seen in responses)."""

    WEBHOOK = "webhook"
    TRANSFER = "transfer"
    HOLD = "hold"
    EXTERNAL = "external"


@attrs.frozen(kw_only=True)
class VoiceTemplateRef:
    """`voice.template`: the voice *template* id (the one update-voice takes as `voice_id`)."""

    id: str
    name: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class Voice:
    """An agent's voice. `similarity_boost` is what update-voice accepts as `similarity`;
    `id` is the voice record, not the template (see `template.id`)."""

    id: str | None = None
    name: str | None = None
    label: str | None = None
    stability: float | None = None
    similarity_boost: float | None = None
    ambient_background: str | None = None
    ambient_volume: float | None = None
    template: VoiceTemplateRef | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class Training:
    """A training entry (subject + instructions)."""

    id: str
    subject: str | None = None
    instructions: str | None = None
    node_id: str | None = None
    current_status: TrainingStatus | str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class ActionInput:
    """One input of an action. Sent as `inputs` on create, returned as `input_schema`."""

    name: str
    type: str | None = None
    required: bool | None = None
    description: str | None = None
    value: Any = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class Action:
    """An agent action (tool). `input_schema` holds what create-action took as `inputs`.

    Responses document `input_schema`; should a server echo the request name `inputs`
    instead, it is kept in `inputs` (use `all_inputs` to read whichever came).
    """

    id: str
    name: str | None = None
    label: str | None = None
    description: str | None = None
    type: ActionType | str | None = None
    input_schema: list[ActionInput] = attrs.field(factory=list)
    inputs: list[ActionInput] = attrs.field(factory=list)
    config: Any = None
    action_trigger: Any = None
    url: str | None = None
    authorization_url: str | None = None
    node_id: str | None = None
    current_status: ActionStatus | str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def all_inputs(self) -> list[ActionInput]:
        """The action's inputs, from `input_schema` (documented) or `inputs` (request name)."""
        return self.input_schema or self.inputs


@attrs.frozen(kw_only=True)
class EmbeddedPhoneNumber:
    """A phone number as embedded in an agent (`international_number` absent after
    update-calling)."""

    id: str
    number: str | None = None
    country_code: str | None = None
    formatted_number: str | None = None
    international_number: str | None = None
    current_status: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class AdvancedSettings:
    """`advanced_settings` of an agent (only the initial-message cache today)."""

    enable_initial_message_cache: bool | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class Agent:
    """A voice agent (full from list/get/create, partial from publish, calling, advanced
    settings updates)."""

    id: str
    name: str | None = None
    label: str | None = None
    description: str | None = None
    language: Language | str | None = None
    voice: Voice | None = None
    initial_message: str | None = None
    interrupt_sensitivity: InterruptSensitivity | str | None = None
    conversation_speed: float | None = None
    initial_message_delay: float | None = None
    ask_if_human_present_on_idle: bool | None = None
    direction: Direction | str | None = None
    who_speaks_first: WhoSpeaksFirst | str | None = None
    current_status: AgentStatus | str | None = None
    is_sandbox: bool | None = None
    is_ready_to_publish: bool | None = None
    advanced_settings: AdvancedSettings | None = None
    trainings: list[Training] = attrs.field(factory=list)
    actions: list[Action] = attrs.field(factory=list)
    phone_numbers: list[EmbeddedPhoneNumber] = attrs.field(factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class OptimizedCostsEligibility:
    """Whether call volume qualifies the agent for optimized pricing."""

    eligible: bool
    current_calls: int | None = None
    required_calls: int | None = None
    threshold_days: int | None = None
    calls_remaining: int | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class PriceComponent:
    """One priced component (`unit` e.g. `per_minute` or `per_1k_tokens`)."""

    unit: str | None = None
    price: float | None = None
    input_price: float | None = None
    output_price: float | None = None
    tier: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class TransportPrice:
    """Telephony price for one direction."""

    country_code: str | None = None
    unit: str | None = None
    price: float | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class AgentPricing:
    """Cost breakdown of an agent's configuration."""

    agent_id: str | None = None
    currency: str | None = None
    components: dict[str, PriceComponent] = attrs.field(factory=dict)
    transport: dict[str, TransportPrice] = attrs.field(factory=dict)
    estimated_cost_per_minute: float | None = None
    calculated_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)
