"""Voice templates (agents.md §7) and phone numbers (§8): requests, strict decoding of the
documented bodies (grouped template list, bare `{mp3_url}`, `{"error": ...}` 500, string
`cost`, pt-br-only phone fields, 201 release request), and argument checks before any I/O."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from talkover_async import InvalidRequestError
from talkover_async.errors import InternalServerError, NotFoundError
from talkover_async.models.phone_numbers import (
    PhoneNumber,
    PhoneNumberType,
    ReleaseRequest,
    ReleaseRequestStatus,
)
from talkover_async.models.voice_templates import QualityTier, VoiceDemo, VoiceTemplateGroup
from talkover_async.operations import OPERATIONS, decode

from .recorder import Recorder, client_for

PN = "9fbef0b7-0000-4000-8000-0000000000p1"
PHONE: dict[str, Any] = {
    "id": PN,
    "number": "+1234567890",
    "country_code": "US",
    "formatted_number": "(123) 456-7890",
    "international_number": "+1 123-456-7890",
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
    "renewal_date": "2024-02-15",
    "auto_renewal": True,
    "created_at": "2024-01-15T10:30:00Z",
    "updated_at": "2024-01-15T10:30:00Z",
    "monthly_renewal_cost": 1.00,
    "days_until_monthly_renewal": 30,
    "is_due_for_monthly_renewal": False,
}
TEMPLATES = [
    {
        "display_name": "Bianca",
        "voices": [
            {
                "id": "vt-1",
                "name": "Bianca",
                "gender": "female",
                "language": "pt-BR",
                "quality_tier": "basic",
                "cost": "0.10",
            },
            {
                "id": "vt-2",
                "name": "Bianca Pro",
                "gender": "female",
                "language": "pt-BR",
                "quality_tier": "ultra",
                "cost": "0.30",
            },
        ],
    },
    {
        "display_name": "John",
        "voices": [
            {
                "id": "vt-3",
                "name": "John",
                "gender": "male",
                "language": "en-US",
                "quality_tier": "pro",
                "cost": "0.20",
            },
        ],
    },
]


# --- voice templates -------------------------------------------------------------------------


async def test_list_voice_templates_grouped_by_display_name() -> None:
    rec = Recorder((200, {"success": True, "data": TEMPLATES}))
    async with client_for(rec) as client:
        groups = await client.voice_templates.list()
    assert rec.requests[0].method == "GET" and rec.path() == "/api/v1/voice-templates"
    assert [g.display_name for g in groups] == ["Bianca", "John"]
    assert isinstance(groups[0], VoiceTemplateGroup) and len(groups[0].voices) == 2
    voice = groups[0].voices[1]
    assert voice.quality_tier is QualityTier.ULTRA
    # Trap §9.23: `cost` is a string here (numbers elsewhere).
    assert voice.cost == "0.30" and voice.cost_decimal == Decimal("0.30")


async def test_demo_bare_body_and_error_shapes() -> None:
    rec = Recorder(
        (200, {"mp3_url": "https://cdn.example.com/demo/vt-1.mp3?sig=abc&expires=1700000000"}),
        (404, {"success": False, "message": "Voice template not found"}),
        (500, {"error": "Failed to generate demo audio"}),
    )
    async with client_for(rec, max_retries=0) as client:
        demo = await client.voice_templates.demo("vt-1")
        with pytest.raises(NotFoundError, match="Voice template not found"):
            await client.voice_templates.demo("nope")
        with pytest.raises(InternalServerError) as info:
            await client.voice_templates.demo("vt-1")
    # Trap §9.4: no `success`/`data` envelope around `{mp3_url}`.
    assert isinstance(demo, VoiceDemo) and demo.mp3_url.startswith(
        "https://cdn.example.com/demo/vt-1.mp3"
    )
    assert rec.path(0) == "/api/v1/voice-templates/vt-1/demo"
    # The 500 `{"error": "..."}` shape still yields the server's text.
    assert info.value.status_code == 500 and info.value.message == "Failed to generate demo audio"


async def test_demo_checks_id_before_io() -> None:
    rec = Recorder((200, {"mp3_url": "https://x"}))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError):
            await client.voice_templates.demo("")
    assert rec.requests == []


def test_voice_decode_helpers() -> None:
    demo = decode(
        "voice_templates.demo", 200, b'{"mp3_url": "https://cdn.example.com/a.mp3"}', strict=True
    )
    assert demo == VoiceDemo(mp3_url="https://cdn.example.com/a.mp3")
    with pytest.raises(InternalServerError, match="Failed to generate demo audio"):
        decode("voice_templates.demo", 500, b'{"error": "Failed to generate demo audio"}')
    groups = decode(
        "voice_templates.list", 200, json.dumps({"success": True, "data": TEMPLATES}), strict=True
    )
    assert groups[1].voices[0].cost_decimal == Decimal("0.20")


# --- phone numbers ---------------------------------------------------------------------------


async def test_list_phone_numbers_with_filters_en_and_ptbr_examples() -> None:
    ptbr = {**PHONE, "environment": None, "agents": None}  # pt-br example adds these as null
    rec = Recorder(
        (200, {"success": True, "data": [PHONE, ptbr]}), (200, {"success": True, "data": []})
    )
    async with client_for(rec) as client:
        numbers = await client.phone_numbers.list(
            type=PhoneNumberType.VOICE, has_voice=True, has_whatsapp=False, search="+1234"
        )
        none = await client.phone_numbers.list()
    assert (
        rec.target(0)
        == "/api/v1/phone-numbers?type=voice&has_voice=true&has_whatsapp=false&search=%2B1234"
    )
    assert rec.path(1) == "/api/v1/phone-numbers" and none == []
    n = numbers[0]
    assert isinstance(n, PhoneNumber) and n.type is PhoneNumberType.VOICE and n.current_price == 1.0
    assert n.renewal_date == date(2024, 2, 15) and n.days_until_monthly_renewal == 30
    assert numbers[1].environment is None and numbers[1].agents is None


async def test_request_release_201_and_list_requests() -> None:
    created = {
        "id": "rr-1",
        "phone_number_id": PN,
        "phone_number": "+1234567890",
        "reason": "No longer needed for this campaign",
        "status": "pending",
        "requested_at": "2024-01-15T10:30:00Z",
    }
    resolved = {
        **created,
        "id": "rr-0",
        "status": "approved",
        "resolved_at": "2024-01-16T09:00:00Z",
    }
    rec = Recorder(
        (201, {"success": True, "data": created}),
        (200, {"success": True, "data": [created, resolved]}),
    )
    async with client_for(rec) as client:
        request = await client.phone_numbers.request_release(
            PN, reason="No longer needed for this campaign"
        )
        requests = await client.phone_numbers.release_requests()
    assert (
        rec.requests[0].method == "POST"
        and rec.path(0) == f"/api/v1/phone-numbers/{PN}/request-release"
    )
    assert rec.body(0) == {"reason": "No longer needed for this campaign"}
    assert rec.requests[0].safe is False
    assert isinstance(request, ReleaseRequest) and request.status is ReleaseRequestStatus.PENDING
    assert request.resolved_at is None
    assert rec.path(1) == "/api/v1/phone-numbers/release-requests"
    assert (
        requests[1].status is ReleaseRequestStatus.APPROVED and requests[1].resolved_at is not None
    )


async def test_request_release_is_not_retried_after_server_error() -> None:
    rec = Recorder((502, {"success": False, "message": "Bad gateway"}))
    async with client_for(rec) as client:
        with pytest.raises(InternalServerError):
            await client.phone_numbers.request_release(PN, reason="0123456789")
    assert len(rec.requests) == 1


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.phone_numbers.request_release(PN, reason="too short"), "reason"),
        (lambda c: c.phone_numbers.request_release(PN, reason="x" * 501), "reason"),
        (lambda c: c.phone_numbers.request_release(PN, reason=None), "reason"),
        (
            lambda c: c.phone_numbers.request_release("", reason="long enough reason"),
            "phone_number_id",
        ),
        (lambda c: c.phone_numbers.list(type="landline"), "type"),
        (lambda c: c.phone_numbers.list(has_voice="true"), "has_voice"),
        (lambda c: c.phone_numbers.list(has_whatsapp=1), "has_whatsapp"),
        (lambda c: c.phone_numbers.list(search=5), "search"),
    ],
)
async def test_rules_reject_before_io(call: Any, field: str) -> None:
    rec = Recorder((200, {"success": True, "data": []}))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            await call(client)
    assert info.value.field == field and rec.requests == []


async def test_reason_boundaries_are_accepted() -> None:
    rec = Recorder((201, {"success": True, "data": {"id": "rr", "status": "pending"}}))
    async with client_for(rec) as client:
        await client.phone_numbers.request_release(PN, reason="x" * 10)
        await client.phone_numbers.request_release(PN, reason="x" * 500)
    assert len(rec.requests) == 2


def test_registry_and_decode() -> None:
    assert OPERATIONS["phone_numbers.request_release"].safe is False
    assert OPERATIONS["phone_numbers.release_requests"].path == "/phone-numbers/release-requests"
    rr = decode(
        "phone_numbers.request_release",
        201,
        json.dumps(
            {
                "success": True,
                "data": {
                    "id": "rr-1",
                    "phone_number_id": PN,
                    "phone_number": "+1234567890",
                    "reason": "0123456789",
                    "status": "pending",
                    "requested_at": "2024-01-15T10:30:00Z",
                },
            }
        ),
        strict=True,
    )
    assert rr.phone_number == "+1234567890"
