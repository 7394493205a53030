"""Webhook event objects: what Talkover POSTs to an agent or campaign webhook URL.

Only the `webhook.test` payload is documented (overview.md §6.3). The shape of real events is
**our assumption**, the one the fake sends: ``{"event", "timestamp", "call_id", "agent_id",
"campaign_id"?, "to", "status", "duration"?, "context": {...}}``. Every field is optional and
unknown keys are kept in `extra`, so a different real shape still decodes and loses nothing.
An event name outside the catalogue becomes an `UnknownEvent` that keeps the whole body.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, ClassVar

import attrs

from .calls import CallStatus

__all__ = [
    "CallEvent",
    "CampaignCallEvent",
    "CampaignEvent",
    "EventFamily",
    "EventType",
    "TestEvent",
    "UnknownEvent",
    "WebhookEvent",
]


class EventFamily(enum.StrEnum):
    """Which kind of webhook sends an event."""

    AGENT = "agent"
    TEST = "test"
    CAMPAIGN = "campaign"
    CAMPAIGN_CALL = "campaign_call"


class EventType(enum.StrEnum):
    """Documented event names (open: a newer name arrives as a plain string).

    The agent list is cut off in every stored copy of the docs, and the campaign list shows
    only the names seen in examples, so more names may exist.
    """

    PHONE_CALL_STARTED = "event_phone_call_started"
    PHONE_CALL_ENDED = "event_phone_call_ended"
    PHONE_CALL_DID_NOT_CONNECT = "event_phone_call_did_not_connect"
    PHONE_CALL_CONNECTED = "event_phone_call_connected"
    PHONE_CALL_DISCONNECTED = "event_phone_call_disconnected"
    PHONE_CALL_ERROR = "event_phone_call_error"
    PARTICIPANT_JOINED = "event_participant_joined"
    PARTICIPANT_LEFT = "event_participant_left"
    VOICEMAIL_DETECTED = "event_voicemail_detected"
    VOICEMAIL_MESSAGE_LEFT = "event_voicemail_message_left"
    CONVERSATION_STARTED = "event_conversation_started"
    CONVERSATION_ENDED = "event_conversation_ended"
    ACTION = "event_action"
    ACTION_FAILED = "event_action_failed"
    RECORDING = "event_recording"
    CONNECTION_ESTABLISHED = "event_connection_established"
    CONNECTION_CLOSED = "event_connection_closed"
    CONNECTION_ERROR = "event_connection_error"
    USER_CONNECTED = "event_user_connected"
    WEBHOOK_TEST = "webhook.test"
    CAMPAIGN_STARTED = "campaign.started"
    CAMPAIGN_COMPLETED = "campaign.completed"
    CAMPAIGN_CALL_COMPLETED = "campaign_call.completed"
    CAMPAIGN_CALL_FAILED = "campaign_call.failed"

    @property
    def family(self) -> EventFamily:
        """The webhook family that sends this event."""
        if self is EventType.WEBHOOK_TEST:
            return EventFamily.TEST
        if self.value.startswith("campaign_call."):
            return EventFamily.CAMPAIGN_CALL
        if self.value.startswith("campaign."):
            return EventFamily.CAMPAIGN
        return EventFamily.AGENT


class WebhookEvent:
    """Base of every event: `event` (name), `timestamp` and `context` are always there.

    `context` is the object given to Make a Call / Make Campaign Call, echoed back by the API
    (None when the call had none or the event is not about a call).
    """

    __slots__ = ()

    #: The family of the concrete class (None for `UnknownEvent`).
    family: ClassVar[EventFamily | None] = None

    event: EventType | str | None
    timestamp: datetime | None
    context: dict[str, Any] | None


@attrs.frozen(kw_only=True)
class CallEvent(WebhookEvent):
    """An agent webhook event about one call (`event_phone_call_ended` and the others).

    Payload shape is our assumption (see the module docstring); `duration` is in seconds.
    """

    family: ClassVar[EventFamily | None] = EventFamily.AGENT

    event: EventType | str | None = None
    timestamp: datetime | None = None
    call_id: str | None = None
    agent_id: str | None = None
    campaign_id: str | None = None
    to: str | None = None
    from_: str | None = attrs.field(default=None, metadata={"key": "from"})
    status: CallStatus | str | None = None
    duration: int | None = None
    is_testing: bool | None = None
    context: dict[str, Any] | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class TestEvent(WebhookEvent):
    """`webhook.test`, sent by the test endpoint (the one documented payload):
    `{event, agent_id, agent_name, webhook_id, webhook_name, timestamp, test: true}`."""

    __test__: ClassVar[bool] = False  # not a pytest test class

    family: ClassVar[EventFamily | None] = EventFamily.TEST

    event: EventType | str | None = None
    timestamp: datetime | None = None
    agent_id: str | None = None
    agent_name: str | None = None
    webhook_id: str | None = None
    webhook_name: str | None = None
    test: bool | None = None
    context: dict[str, Any] | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class CampaignEvent(WebhookEvent):
    """A campaign lifecycle event (`campaign.started`, `campaign.completed`).

    Payload not documented; `campaign_id`, `agent_id` and `status` are our assumption.
    """

    family: ClassVar[EventFamily | None] = EventFamily.CAMPAIGN

    event: EventType | str | None = None
    timestamp: datetime | None = None
    campaign_id: str | None = None
    agent_id: str | None = None
    status: str | None = None
    context: dict[str, Any] | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class CampaignCallEvent(WebhookEvent):
    """A per-call campaign event (`campaign_call.completed`, `campaign_call.failed`).

    Payload not documented; the fields mirror `CallEvent` (our assumption).
    """

    family: ClassVar[EventFamily | None] = EventFamily.CAMPAIGN_CALL

    event: EventType | str | None = None
    timestamp: datetime | None = None
    campaign_id: str | None = None
    call_id: str | None = None
    agent_id: str | None = None
    to: str | None = None
    from_: str | None = attrs.field(default=None, metadata={"key": "from"})
    status: CallStatus | str | None = None
    duration: int | None = None
    is_testing: bool | None = None
    context: dict[str, Any] | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class UnknownEvent(WebhookEvent):
    """An event whose name is not in the catalogue (or that carries no name at all).

    `data` is the whole decoded body, untouched; `event`, `timestamp` and `context` are read
    from it on a best-effort basis (None when absent or malformed).
    """

    event: EventType | str | None = None
    timestamp: datetime | None = None
    context: dict[str, Any] | None = None
    data: dict[str, Any] = attrs.field(factory=dict, repr=False)
