"""Fixed reference data of the fake: voice templates, event catalogues, seeded numbers.

Voice template ids are stable so tests and docs can name them (`EMMA`); every environment
starts with one voice number and the account with one card.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AGENT_EVENTS",
    "CAMPAIGN_EVENTS",
    "EMMA",
    "JAMES",
    "LANGUAGES",
    "VOICE_TEMPLATES",
    "format_number",
    "phone_number",
    "voice_template",
]

# The `available_events` map of GET /agents/{agent_id}/webhooks (overview.md §6.2; the
# documented list is cut off after event_user_connected).
AGENT_EVENTS: dict[str, str] = {
    "event_phone_call_started": "Phone call has started",
    "event_phone_call_ended": "Phone call has ended",
    "event_phone_call_did_not_connect": "Phone call failed to connect",
    "event_phone_call_connected": "Phone call connection established",
    "event_phone_call_disconnected": "Phone call connection closed",
    "event_phone_call_error": "Phone call connection error occurred",
    "event_participant_joined": "Participant joined the call",
    "event_participant_left": "Participant left the call",
    "event_voicemail_detected": "Voicemail system detected",
    "event_voicemail_message_left": "Message left on voicemail",
    "event_conversation_started": "Human conversation started",
    "event_conversation_ended": "Human conversation ended",
    "event_action": "Agent executed an action",
    "event_action_failed": "Agent action failed",
    "event_recording": "Call recording event",
    "event_connection_established": "Call connection established",
    "event_connection_closed": "Call connection closed",
    "event_connection_error": "Call connection error occurred",
    "event_user_connected": "User connected",
}

# Campaign webhook event names seen in the docs (no full catalogue is documented).
CAMPAIGN_EVENTS: tuple[str, ...] = (
    "campaign.started",
    "campaign.completed",
    "campaign_call.completed",
    "campaign_call.failed",
)

LANGUAGES = (
    "pt-BR", "pt-PT", "en-US", "en-CA", "es-ES", "fr-FR",
    "de-DE", "it-IT", "nl-NL", "ja-JP", "ko-KR", "zh-TW",
)  # fmt: skip

EMMA = "4c0b6a0e-3f6d-4d51-9d0e-6f1f7c1a0001"
JAMES = "4c0b6a0e-3f6d-4d51-9d0e-6f1f7c1a0002"
BIANCA = "4c0b6a0e-3f6d-4d51-9d0e-6f1f7c1a0003"

# GET /voice-templates: grouped by display_name; `ultra` templates count as high-fidelity
# (they accept and require `similarity`/`stability` on update-voice).
VOICE_TEMPLATES: list[dict[str, Any]] = [
    {
        "display_name": "Emma",
        "voices": [
            {"id": EMMA, "name": "Emma", "gender": "female", "language": "en-US",
             "quality_tier": "basic", "cost": "0.05"},
        ],
    },
    {
        "display_name": "James",
        "voices": [
            {"id": JAMES, "name": "James", "gender": "male", "language": "en-US",
             "quality_tier": "ultra", "cost": "0.20"},
        ],
    },
    {
        "display_name": "Bianca",
        "voices": [
            {"id": BIANCA, "name": "Bianca", "gender": "female", "language": "pt-BR",
             "quality_tier": "pro", "cost": "0.10"},
        ],
    },
]  # fmt: skip


def voice_template(template_id: str) -> dict[str, Any] | None:
    """The template with this id, or None."""
    for group in VOICE_TEMPLATES:
        for voice in group["voices"]:
            if voice["id"] == template_id:
                return dict(voice)
    return None


def format_number(number: str) -> str:
    """`(415) 555-0100` for a NANP number, the number itself otherwise."""
    digits = number.lstrip("+")
    if number.startswith("+1") and len(digits) == 11:
        return f"({digits[1:4]}) {digits[4:7]}-{digits[7:]}"
    return number


def phone_number(
    number_id: str, number: str, created_at: str, *, country_code: str = "US"
) -> dict[str, Any]:
    """A full phone-number record (agents.md §1.6)."""
    return {
        "id": number_id,
        "number": number,
        "country_code": country_code,
        "formatted_number": format_number(number),
        "international_number": number,
        "type": "voice",
        "has_voice": True,
        "has_sms": False,
        "has_mms": False,
        "has_fax": False,
        "has_whatsapp": False,
        "current_status": "active",
        "is_sandbox": False,
        "current_price": 1.00,
        "currency": "USD",
        "renewal_date": created_at[:10],
        "auto_renewal": True,
        "created_at": created_at,
        "updated_at": created_at,
        "monthly_renewal_cost": 1.00,
        "days_until_monthly_renewal": 30,
        "is_due_for_monthly_renewal": False,
        "environment": None,
        "agents": None,
    }
