"""`parse_event`: a webhook body (bytes, text or an already decoded mapping) -> a typed event.

The event name is read from the `event` key, else `type` (tolerance for an undocumented
shape), else the `event_name` argument (e.g. from a header). Names in the catalogue map to
`CallEvent`, `TestEvent`, `CampaignEvent` or `CampaignCallEvent`; any other name, or no name
at all, gives an `UnknownEvent` keeping the whole body.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from .. import _json
from ..errors import TalkoverError
from ..models.events import (
    CallEvent,
    CampaignCallEvent,
    CampaignEvent,
    EventFamily,
    EventType,
    TestEvent,
    UnknownEvent,
    WebhookEvent,
)
from ..serde import structure

__all__ = ["EVENT_CLASSES", "WebhookPayloadError", "event_class", "parse_event"]

#: The model of each event family.
EVENT_CLASSES: Mapping[EventFamily, type[WebhookEvent]] = {
    EventFamily.AGENT: CallEvent,
    EventFamily.TEST: TestEvent,
    EventFamily.CAMPAIGN: CampaignEvent,
    EventFamily.CAMPAIGN_CALL: CampaignCallEvent,
}


class WebhookPayloadError(TalkoverError):
    """A webhook body that is not a JSON object, or does not fit its event's model.

    The message names the problem, never the body's values in full.
    """


def event_class(name: str | None) -> type[WebhookEvent]:
    """The model for an event name: a catalogue class, else `UnknownEvent`."""
    if name is None:
        return UnknownEvent
    try:
        member = EventType(name)
    except ValueError:
        return UnknownEvent
    return EVENT_CLASSES[member.family]


def _decode(raw_body: bytes | bytearray | memoryview | str | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(raw_body, Mapping):
        data: Any = dict(raw_body)
    else:
        if isinstance(raw_body, bytearray | memoryview):
            raw_body = bytes(raw_body)
        if not raw_body or not raw_body.strip():
            raise WebhookPayloadError("webhook body is empty")
        try:
            data = _json.loads(raw_body)
        except _json.JSONDecodeError:
            raise WebhookPayloadError("webhook body is not valid JSON") from None
    if not isinstance(data, dict):
        raise WebhookPayloadError(f"webhook body must be a JSON object, got {type(data).__name__}")
    if not all(isinstance(k, str) for k in data):
        raise WebhookPayloadError("webhook body has non-string keys")
    return data


def _event_name(data: Mapping[str, Any], fallback: str | None) -> tuple[str | None, str | None]:
    """(name, key it came from) — key None when the name is the fallback or absent."""
    for key in ("event", "type"):
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise WebhookPayloadError(f"webhook event name {key!r} must be a string")
        if value:
            return value, key
    return (fallback or None), None


def _timestamp(value: Any) -> datetime | None:
    """Best effort: ISO 8601 text or Unix seconds -> aware datetime; None otherwise."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    return None


def _unknown(data: dict[str, Any], name: str | None) -> UnknownEvent:
    context = data.get("context")
    return UnknownEvent(
        event=name,
        timestamp=_timestamp(data.get("timestamp")),
        context=context if isinstance(context, dict) else None,
        data=data,
    )


def parse_event(
    raw_body: bytes | bytearray | memoryview | str | Mapping[str, Any],
    *,
    event_name: str | None = None,
    strict: bool = False,
) -> WebhookEvent:
    """Decode a webhook body into a typed event.

    `event_name` is used only when the body names no event (an `event` or `type` key).
    `strict=True` refuses unknown keys, unknown enum values and event names outside the
    catalogue (for tests and drift checks). Raises `WebhookPayloadError` for a body that is
    not a JSON object or does not fit its event's model.
    """
    data = _decode(raw_body)
    name, key = _event_name(data, event_name)
    cls = event_class(name)
    if cls is UnknownEvent:
        if strict:
            shown = repr(name[:80]) if name else "none"
            raise WebhookPayloadError(f"unknown webhook event name: {shown}")
        return _unknown(data, name)
    fields = dict(data)
    if key == "type":  # the model's field is `event`
        del fields["type"]
    if key != "event":  # the name came from `type` or from the caller
        fields["event"] = name
    timestamp = fields.get("timestamp")
    if isinstance(timestamp, int | float) and not isinstance(timestamp, bool):
        converted = _timestamp(timestamp)
        if converted is not None:
            fields["timestamp"] = converted.isoformat()
    try:
        event: WebhookEvent = structure(fields, cls, strict=strict)
    except Exception as exc:  # cattrs raises several types; all mean "does not fit"
        raise WebhookPayloadError(
            f"webhook body does not fit {cls.__name__} ({name}): {_describe(exc)}"
        ) from None
    return event


def _describe(exc: BaseException) -> str:
    """A short description of a structuring failure (cattrs groups are flattened)."""
    subs = getattr(exc, "exceptions", None)
    if subs:
        parts = []
        for sub in subs[:5]:
            note = next(iter(getattr(sub, "__notes__", []) or []), "")
            parts.append(f"{note}: {_describe(sub)}" if note else _describe(sub))
        return "; ".join(parts)[:300]
    return f"{type(exc).__name__}: {exc}"[:300]
