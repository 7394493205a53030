"""The fake's data: one `Environment` per environment token, one `Account` for the user.

Resources with behaviour (agents, calls, campaigns, webhooks and their delivery logs) are typed
records a test can read and change (`fake.calls[0].status`); the rest are plain JSON-shaped
dicts. Timestamps are virtual seconds on the fake's clock (see `clock.py`).
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections import deque
from typing import Any

import attrs

__all__ = [
    "ACTIVE_CALL_STATUSES",
    "FINAL_CALL_STATUSES",
    "Account",
    "Agent",
    "Call",
    "Campaign",
    "CampaignCall",
    "DeliveryLog",
    "Environment",
    "Ids",
    "Webhook",
]

ACTIVE_CALL_STATUSES = frozenset({"initiated", "ringing", "answered"})
FINAL_CALL_STATUSES = frozenset({"completed", "failed", "busy", "no-answer"})

_seq = itertools.count(1)


def _next_seq() -> int:
    return next(_seq)


class Ids:
    """uuid4-shaped ids, reproducible when seeded (so two runs of a test see the same ids)."""

    def __init__(self, seed: int | None = None) -> None:
        self._rng = random.Random(seed) if seed is not None else None

    def new(self) -> str:
        """A fresh uuid4 string."""
        if self._rng is None:
            return str(uuid.uuid4())
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def secret(self, length: int = 40) -> str:
        """A random alphanumeric string (token values)."""
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        rng = self._rng or random.SystemRandom()
        return "".join(rng.choice(alphabet) for _ in range(length))


@attrs.define
class Agent:
    """A voice agent; `settings` keeps create-time options the API never returns."""

    id: str
    name: str
    label: str
    language: str
    created_at: float
    updated_at: float
    description: str | None = None
    initial_message: str | None = None
    interrupt_sensitivity: str = "medium"
    conversation_speed: float = 1.0
    initial_message_delay: float = 0
    ask_if_human_present_on_idle: bool = False
    direction: str | None = None
    who_speaks_first: str = "agent"
    current_status: str = "draft"
    is_sandbox: bool = False
    voice: dict[str, Any] | None = None
    trainings: list[dict[str, Any]] = attrs.field(factory=list)
    actions: list[dict[str, Any]] = attrs.field(factory=list)
    phone_number_ids: list[str] = attrs.field(factory=list)
    settings: dict[str, Any] = attrs.field(factory=dict)
    advanced_settings: dict[str, Any] = attrs.field(
        factory=lambda: {"enable_initial_message_cache": False}
    )
    callback_source_ids: list[str] | None = None
    conversation_mode: str = "llm_driven"
    flow_config: dict[str, Any] | None = None
    flow_versions: list[dict[str, Any]] = attrs.field(factory=list)
    seq: int = attrs.field(factory=_next_seq)

    @property
    def is_ready_to_publish(self) -> bool:
        """Ready once a voice and a direction are set (the fake's reading of "knowledge, voice
        and calling configured")."""
        return self.voice is not None and self.direction is not None

    @property
    def is_published(self) -> bool:
        """True while `current_status` is `published`."""
        return self.current_status == "published"


@attrs.define
class Call:
    """A phone call and its progress on the virtual clock.

    `outcome` is how it will end (`completed`, `busy`, `no-answer`, `failed`); `next_at` is
    when its next status change is due (None once ended).
    """

    id: str
    agent_id: str
    to: str
    from_: str
    sid: str
    created_at: float
    updated_at: float
    outcome: str
    talk_seconds: int
    next_at: float | None
    status: str = "initiated"
    is_testing: bool = False
    direction: str = "outbound"
    payload: dict[str, Any] | None = None
    context: dict[str, Any] | None = None
    delay_seconds: int = 0
    duration: int = 0
    answered_at: float | None = None
    ended_at: float | None = None
    ended_reason: str | None = None
    campaign_id: str | None = None
    campaign_call_id: str | None = None
    seq: int = attrs.field(factory=_next_seq)

    @property
    def is_active(self) -> bool:
        """True while the call has not ended (initiated, ringing or answered)."""
        return self.status in ACTIVE_CALL_STATUSES


@attrs.define
class Campaign:
    """A campaign; `config` holds every user-settable field as the API names it."""

    id: str
    config: dict[str, Any]
    created_at: float
    updated_at: float
    status: str = "draft"
    started: bool = False
    files: list[dict[str, Any]] = attrs.field(factory=list)  # `files[]` (seed_campaign_files)
    seq: int = attrs.field(factory=_next_seq)


@attrs.define
class CampaignCall:
    """A call queued in a campaign (`queued` until the campaign is active and it is due)."""

    id: str
    campaign_id: str
    to: str
    created_at: float
    scheduled_at: float
    status: str = "queued"
    payload: dict[str, Any] | None = None
    context: dict[str, Any] | None = None
    is_testing: bool = False
    call_id: str | None = None
    retries: int = 0
    seq: int = attrs.field(factory=_next_seq)

    @property
    def is_open(self) -> bool:
        """True while queued or in progress (counts for the duplicate-number guard)."""
        return self.status == "queued" or self.status in ACTIVE_CALL_STATUSES


@attrs.define
class DeliveryLog:
    """One webhook delivery attempt, as the logs endpoints serve it (plus what was sent)."""

    id: str
    webhook_id: str
    event: str
    attempt: int
    status: str
    created_at: float
    request_payload: dict[str, Any]
    url: str
    request_headers: dict[str, str]
    body: bytes
    http_status: int | None = None
    response_body: str | None = None
    response_headers: dict[str, str] | None = None
    error: str | None = None
    duration_ms: int = 0
    delivered_at: float | None = None
    seq: int = attrs.field(factory=_next_seq)


@attrs.define
class Webhook:
    """An agent webhook (`owner == "agent"`) or campaign webhook (`owner == "campaign"`)."""

    id: str
    owner: str
    owner_id: str
    name: str
    webhook_url: str
    events: list[str]
    created_at: float
    updated_at: float
    webhook_secret: str | None = None
    timeout: int = 30
    max_retries: int = 3
    enabled: bool = True
    http_method: str = "POST"
    authorization_scheme: str = "none"
    custom_headers: list[dict[str, Any]] = attrs.field(factory=list)
    include_call_events: bool = False
    logs: list[DeliveryLog] = attrs.field(factory=list)
    seq: int = attrs.field(factory=_next_seq)


@attrs.define
class Environment:
    """Everything one environment token can see."""

    token: str
    id: str
    name: str
    agents: dict[str, Agent] = attrs.field(factory=dict)
    calls: dict[str, Call] = attrs.field(factory=dict)
    campaigns: dict[str, Campaign] = attrs.field(factory=dict)
    campaign_calls: dict[str, CampaignCall] = attrs.field(factory=dict)
    webhooks: dict[str, Webhook] = attrs.field(factory=dict)
    phone_numbers: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    release_requests: list[dict[str, Any]] = attrs.field(factory=list)
    sip_trunks: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    sftp: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    auto_topup: dict[str, Any] = attrs.field(factory=dict)
    topup_history: list[dict[str, Any]] = attrs.field(factory=list)
    allow_custom_sip_trunks: bool = True
    abilities: tuple[str, ...] | None = None
    requests: deque[float] = attrs.field(factory=deque)

    def active_calls(self, agent_id: str | None = None) -> list[Call]:
        """Calls not yet ended (of one agent, or all)."""
        return [
            c
            for c in self.calls.values()
            if c.is_active and (agent_id is None or c.agent_id == agent_id)
        ]


@attrs.define
class Account:
    """The user behind every environment: credits, cards and personal access tokens."""

    user: dict[str, Any]
    session_tokens: set[str]
    balance: float = 100.0
    currency: str = "USD"
    payment_methods: list[dict[str, Any]] = attrs.field(factory=list)
    api_tokens: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    decline_reason: str | None = None
    price_per_minute: float = 0.10
