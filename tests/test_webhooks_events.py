"""parse_event: every event family, unknown events, tolerance and bad bodies."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from talkover_async import CallStatus, TalkoverError
from talkover_async.serde import structure, unstructure
from talkover_async.webhooks import (
    CallEvent,
    CampaignCallEvent,
    CampaignEvent,
    EventFamily,
    EventType,
    TestEvent,
    UnknownEvent,
    WebhookEvent,
    WebhookPayloadError,
    event_class,
    parse_event,
)

AGENT_EVENTS = [e for e in EventType if e.family is EventFamily.AGENT]

DOCUMENTED_TEST_PAYLOAD = {
    "event": "webhook.test",
    "agent_id": "9f1c2d3e-agent",
    "agent_name": "Support bot",
    "webhook_id": "wh_123",
    "webhook_name": "CRM sync",
    "timestamp": "2025-09-03T23:19:51.000000Z",
    "test": True,
}


def call_payload(name: str, **more) -> dict:
    body = {
        "event": name,
        "timestamp": "2025-09-03T23:19:51Z",
        "call_id": "call_789012",
        "agent_id": "agent_1",
        "to": "+14155550100",
        "status": "completed",
        "duration": 45,
        "context": {"order_id": "A-17", "attempt": 2},
    }
    body.update(more)
    return body


def test_catalogue_is_complete() -> None:
    assert len(AGENT_EVENTS) == 19
    assert {e.value for e in EventType if e.family is not EventFamily.AGENT} == {
        "webhook.test",
        "campaign.started",
        "campaign.completed",
        "campaign_call.completed",
        "campaign_call.failed",
    }


@pytest.mark.parametrize("name", AGENT_EVENTS, ids=str)
def test_agent_events_are_call_events(name: EventType) -> None:
    event = parse_event(json.dumps(call_payload(name)).encode())
    assert isinstance(event, CallEvent) and isinstance(event, WebhookEvent)
    assert event.event is name
    assert event.family is EventFamily.AGENT
    assert event.call_id == "call_789012"
    assert event.agent_id == "agent_1"
    assert event.to == "+14155550100"
    assert event.status is CallStatus.COMPLETED
    assert event.duration == 45
    assert event.timestamp == datetime(2025, 9, 3, 23, 19, 51, tzinfo=UTC)
    assert event.context == {"order_id": "A-17", "attempt": 2}
    assert event.extra == {}


def test_call_event_keeps_unknown_keys_and_round_trips() -> None:
    body = call_payload(
        "event_phone_call_ended",
        campaign_id="camp_1",
        recording_url="https://x/y",
        **{"from": "+14155550111"},
    )
    event = parse_event(json.dumps(body))
    assert isinstance(event, CallEvent)
    assert event.campaign_id == "camp_1"
    assert event.from_ == "+14155550111"
    assert event.extra == {"recording_url": "https://x/y"}
    again = unstructure(event)
    again["timestamp"] = body["timestamp"]
    assert again == body


def test_unknown_status_is_kept_as_string() -> None:
    event = parse_event(call_payload("event_phone_call_ended", status="transferred"))
    assert isinstance(event, CallEvent)
    assert event.status == "transferred"


def test_documented_test_payload_structures_strictly() -> None:
    event = structure(DOCUMENTED_TEST_PAYLOAD, TestEvent, strict=True)
    assert event.event is EventType.WEBHOOK_TEST
    assert event.test is True
    assert event.webhook_name == "CRM sync"
    parsed = parse_event(json.dumps(DOCUMENTED_TEST_PAYLOAD).encode(), strict=True)
    assert parsed == event
    assert parsed.family is EventFamily.TEST
    assert parsed.timestamp == datetime(2025, 9, 3, 23, 19, 51, tzinfo=UTC)


@pytest.mark.parametrize("name", ["campaign.started", "campaign.completed"])
def test_campaign_events(name: str) -> None:
    event = parse_event(
        {
            "event": name,
            "timestamp": "2025-01-02T03:04:05Z",
            "campaign_id": "camp_1",
            "agent_id": "agent_1",
            "status": "active",
            "total_calls": 10,
        }
    )
    assert isinstance(event, CampaignEvent)
    assert event.event == name
    assert event.campaign_id == "camp_1"
    assert event.status == "active"
    assert event.extra == {"total_calls": 10}
    assert event.context is None


@pytest.mark.parametrize("name", ["campaign_call.completed", "campaign_call.failed"])
def test_campaign_call_events(name: str) -> None:
    event = parse_event(call_payload(name, campaign_id="camp_1", status="no-answer"))
    assert isinstance(event, CampaignCallEvent)
    assert event.event == name
    assert event.campaign_id == "camp_1"
    assert event.call_id == "call_789012"
    assert event.status is CallStatus.NO_ANSWER
    assert event.context == {"order_id": "A-17", "attempt": 2}


def test_unknown_event_keeps_everything() -> None:
    body = {
        "event": "agent.retrained",
        "timestamp": "2025-01-02T03:04:05Z",
        "context": {"k": "v"},
        "nested": {"a": [1, 2]},
    }
    event = parse_event(json.dumps(body).encode())
    assert isinstance(event, UnknownEvent)
    assert event.event == "agent.retrained"
    assert event.data == body
    assert event.context == {"k": "v"}
    assert event.timestamp == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert event.family is None


def test_event_without_name_is_unknown() -> None:
    # the only real-event hint in the docs: a delivery log's request_payload
    event = parse_event(b'{"call_id": "call_1", "duration": 45}')
    assert isinstance(event, UnknownEvent)
    assert event.event is None
    assert event.data == {"call_id": "call_1", "duration": 45}


def test_unknown_event_tolerates_bad_timestamp_and_context() -> None:
    event = parse_event({"event": "x.y", "timestamp": "yesterday", "context": "oops"})
    assert isinstance(event, UnknownEvent)
    assert event.timestamp is None and event.context is None


def test_name_under_type_key() -> None:
    event = parse_event({"type": "event_phone_call_started", "call_id": "c"})
    assert isinstance(event, CallEvent)
    assert event.event is EventType.PHONE_CALL_STARTED
    assert event.extra == {}


def test_event_key_wins_over_type() -> None:
    event = parse_event({"event": "event_action", "type": "webhook", "call_id": "c"})
    assert isinstance(event, CallEvent)
    assert event.event is EventType.ACTION
    assert event.extra == {"type": "webhook"}


def test_event_name_fallback_is_used_only_when_body_names_none() -> None:
    event = parse_event({"call_id": "c", "duration": 3}, event_name="event_phone_call_ended")
    assert isinstance(event, CallEvent) and event.event is EventType.PHONE_CALL_ENDED
    event = parse_event({"event": "campaign.started"}, event_name="event_phone_call_ended")
    assert isinstance(event, CampaignEvent)


def test_unix_timestamp_is_accepted() -> None:
    event = parse_event({"event": "event_phone_call_started", "timestamp": 1700000000})
    assert event.timestamp == datetime.fromtimestamp(1700000000, tz=UTC)


def test_input_types() -> None:
    body = call_payload("event_recording")
    raw = json.dumps(body)
    for value in (raw, raw.encode(), bytearray(raw.encode()), memoryview(raw.encode()), body):
        assert isinstance(parse_event(value), CallEvent)


def test_mapping_input_is_not_mutated() -> None:
    body = {"type": "event_recording", "call_id": "c"}
    parse_event(body)
    assert body == {"type": "event_recording", "call_id": "c"}


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"   ",
        b"not json",
        b"{",
        b"[1, 2]",
        b'"text"',
        b"null",
        b"42",
        b"\xff\xfe{}",
        b'{"event": 5}',
        b'{"event": ["event_action"]}',
    ],
)
def test_bad_bodies(raw: bytes) -> None:
    with pytest.raises(WebhookPayloadError) as info:
        parse_event(raw)
    assert isinstance(info.value, TalkoverError)


def test_body_that_does_not_fit_its_model() -> None:
    with pytest.raises(WebhookPayloadError, match="CallEvent"):
        parse_event({"event": "event_phone_call_ended", "duration": "forty"})
    with pytest.raises(WebhookPayloadError):
        parse_event({"event": "event_phone_call_ended", "context": [1, 2]})


def test_error_messages_mask_phone_numbers() -> None:
    with pytest.raises(WebhookPayloadError) as info:
        parse_event({"event": "event_phone_call_ended", "duration": "call +14155550100"})
    assert "+14155550100" not in str(info.value)


def test_strict_mode() -> None:
    with pytest.raises(WebhookPayloadError, match="unknown webhook event"):
        parse_event({"event": "agent.retrained"}, strict=True)
    with pytest.raises(WebhookPayloadError, match="unknown webhook event"):
        parse_event({"call_id": "c"}, strict=True)
    with pytest.raises(WebhookPayloadError):
        parse_event({**DOCUMENTED_TEST_PAYLOAD, "surprise": 1}, strict=True)
    with pytest.raises(WebhookPayloadError):
        parse_event(call_payload("event_phone_call_ended", status="teleported"), strict=True)
    assert isinstance(parse_event(call_payload("event_phone_call_ended"), strict=True), CallEvent)


def test_event_class_and_family() -> None:
    assert event_class("event_phone_call_ended") is CallEvent
    assert event_class("webhook.test") is TestEvent
    assert event_class("campaign.completed") is CampaignEvent
    assert event_class("campaign_call.failed") is CampaignCallEvent
    assert event_class("campaign.paused") is UnknownEvent
    assert event_class(None) is UnknownEvent
    assert EventType.CAMPAIGN_CALL_FAILED.family is EventFamily.CAMPAIGN_CALL
