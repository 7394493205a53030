"""pydantic v2 models equivalent to the SDK's attrs models, for the decode comparison (P3, P3b).

Same fields, same optionality, unknown keys kept (`extra="allow"`), open enums
(`Enum | str`), `from` aliased, frozen like the attrs models. Benchmark-only: pydantic is the
`bench` extra, never a runtime dependency.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from talkover_async.models.agents import (
    ActionType,
    AgentStatus,
    InterruptSensitivity,
    Language,
    TrainingStatus,
    WhoSpeaksFirst,
)
from talkover_async.models.calls import CallStatus
from talkover_async.models.common import Direction

# Open enums as the SDK has them: a known value becomes the member, anything else stays a
# string. pydantic's default "smart" union would keep every value as `str` (exact type
# match), which is not the same result, so the enum is tried first.
_OPEN = Field(union_mode="left_to_right")


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)


class AgentRef(_Model):
    id: str
    name: str | None = None
    label: str | None = None


class Call(_Model):
    id: str
    agent_id: str | None = None
    sid: str | None = None
    to: str | None = None
    from_: str | None = Field(default=None, alias="from")
    to_formatted: str | None = None
    from_formatted: str | None = None
    is_testing: bool | None = None
    direction: Annotated[Direction | str | None, _OPEN] = None
    status: Annotated[CallStatus | str | None, _OPEN] = None
    duration: int | None = None
    agent: AgentRef | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class Pagination(_Model):
    current_page: int = 1
    last_page: int | None = None
    per_page: int | None = None
    total: int | None = None
    from_: int | None = Field(default=None, alias="from")
    to: int | None = None


class CallsPage(_Model):
    success: bool | None = None
    message: str | None = None
    data: list[Call]
    pagination: Pagination | None = None


class VoiceTemplateRef(_Model):
    id: str
    name: str | None = None


class Voice(_Model):
    id: str | None = None
    name: str | None = None
    label: str | None = None
    stability: float | None = None
    similarity_boost: float | None = None
    ambient_background: str | None = None
    ambient_volume: float | None = None
    template: VoiceTemplateRef | None = None


class Training(_Model):
    id: str
    subject: str | None = None
    instructions: str | None = None
    node_id: str | None = None
    current_status: Annotated[TrainingStatus | str | None, _OPEN] = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class ActionInput(_Model):
    name: str
    type: str | None = None
    required: bool | None = None
    description: str | None = None
    value: Any = None


class Action(_Model):
    id: str
    name: str | None = None
    label: str | None = None
    description: str | None = None
    type: Annotated[ActionType | str | None, _OPEN] = None
    input_schema: list[ActionInput] = Field(default_factory=list)
    inputs: list[ActionInput] = Field(default_factory=list)
    config: Any = None
    action_trigger: Any = None
    url: str | None = None
    authorization_url: str | None = None
    node_id: str | None = None
    current_status: Annotated[TrainingStatus | str | None, _OPEN] = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class EmbeddedPhoneNumber(_Model):
    id: str
    number: str | None = None
    country_code: str | None = None
    formatted_number: str | None = None
    international_number: str | None = None
    current_status: str | None = None


class AdvancedSettings(_Model):
    enable_initial_message_cache: bool | None = None


class Agent(_Model):
    id: str
    name: str | None = None
    label: str | None = None
    description: str | None = None
    language: Annotated[Language | str | None, _OPEN] = None
    voice: Voice | None = None
    initial_message: str | None = None
    interrupt_sensitivity: Annotated[InterruptSensitivity | str | None, _OPEN] = None
    conversation_speed: float | None = None
    initial_message_delay: float | None = None
    ask_if_human_present_on_idle: bool | None = None
    direction: Annotated[Direction | str | None, _OPEN] = None
    who_speaks_first: Annotated[WhoSpeaksFirst | str | None, _OPEN] = None
    current_status: Annotated[AgentStatus | str | None, _OPEN] = None
    is_sandbox: bool | None = None
    is_ready_to_publish: bool | None = None
    advanced_settings: AdvancedSettings | None = None
    trainings: list[Training] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    phone_numbers: list[EmbeddedPhoneNumber] = Field(default_factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None


class AgentEnvelope(_Model):
    success: bool | None = None
    message: str | None = None
    data: Agent
