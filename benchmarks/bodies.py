"""The documented example bodies the benchmarks serve and decode.

Shapes from `talkover-api/agents.md` §1-3 and `calls-campaigns.md` §1.3 / §2.1: the make-call
result, one full agent (voice, trainings, actions with `input_schema`, phone numbers) and a
100-call page of the list-calls shape (nested `agent`, timestamps, `pagination`).
"""

from __future__ import annotations

from typing import Any

import orjson

AGENT_ID = "550e8400-e29b-41d4-a716-446655440000"
TOKEN = "talq_test_benchmark_token"

MAKE_CALL: dict[str, Any] = {
    "success": True,
    "data": {
        "id": "call_789012",
        "agent_id": "agent_123456",
        "to": "+1234567890",
        "status": "initiated",
        "created_at": "2024-01-15T10:30:00Z",
    },
}

_TS = "2024-01-15T10:30:00Z"
_TS_MICRO = "2025-09-03T23:19:51.000000Z"

AGENT: dict[str, Any] = {
    "id": AGENT_ID,
    "name": "Customer Support Agent",
    "label": "Support",
    "description": "Handles customer support calls for the online store",
    "language": "en-US",
    "voice": {
        "id": "9fbef0b7-1111-2222-3333-444455556666",
        "name": "Bianca",
        "label": "Bianca",
        "stability": 0.75,
        "similarity_boost": 0.8,
        "ambient_background": "office",
        "template": {"id": "4c6b3f0e-aaaa-bbbb-cccc-ddddeeeeffff", "name": "Bianca"},
    },
    "initial_message": "Hello! Thanks for calling. How can I help you today?",
    "interrupt_sensitivity": "medium",
    "conversation_speed": 1.0,
    "initial_message_delay": 0,
    "ask_if_human_present_on_idle": True,
    "direction": "inbound",
    "who_speaks_first": "agent",
    "current_status": "published",
    "is_sandbox": False,
    "is_ready_to_publish": True,
    "created_at": _TS,
    "updated_at": _TS_MICRO,
    "trainings": [
        {
            "id": f"7d1c2b3a-0000-4000-8000-00000000000{i}",
            "subject": subject,
            "instructions": instructions,
            "current_status": "active",
            "created_at": _TS,
            "updated_at": _TS,
        }
        for i, (subject, instructions) in enumerate(
            [
                ("Refund policy", "Refunds are accepted within 30 days with a receipt."),
                ("Opening hours", "We are open Monday to Friday, 9am to 6pm."),
                ("Shipping", "Standard shipping takes 3 to 5 business days."),
            ]
        )
    ],
    "actions": [
        {
            "id": "a1b2c3d4-0000-4000-8000-000000000001",
            "name": "check_order_status",
            "label": "check_order_status",
            "description": "Look up an order by its number",
            "type": "webhook",
            "input_schema": [
                {
                    "name": "order_number",
                    "type": "string",
                    "required": True,
                    "description": "The order number the caller gives",
                },
                {
                    "name": "email",
                    "type": "string",
                    "required": False,
                    "description": "The email address on the order",
                },
            ],
            "config": None,
            "action_trigger": None,
            "url": "https://example.com/hooks/orders",
            "authorization_url": None,
            "current_status": "active",
            "created_at": _TS,
            "updated_at": _TS,
        },
        {
            "id": "a1b2c3d4-0000-4000-8000-000000000002",
            "name": "transfer_to_human",
            "label": "transfer_to_human",
            "description": "Transfer the call to a human agent",
            "type": "transfer",
            "input_schema": [
                {
                    "name": "phone_number",
                    "type": "string",
                    "required": True,
                    "description": "Where to transfer",
                    "value": "+1234567890",
                }
            ],
            "config": None,
            "action_trigger": None,
            "url": None,
            "authorization_url": None,
            "current_status": "active",
            "created_at": _TS,
            "updated_at": _TS,
        },
    ],
    "phone_numbers": [
        {
            "id": "b2c3d4e5-0000-4000-8000-000000000001",
            "number": "+1234567890",
            "country_code": "US",
            "formatted_number": "(123) 456-7890",
            "international_number": "+1 123-456-7890",
            "current_status": "active",
        }
    ],
}

GET_AGENT: dict[str, Any] = {"success": True, "data": AGENT}

_STATUSES = ["completed", "failed", "busy", "no-answer", "answered", "ringing", "initiated"]


def _call(i: int) -> dict[str, Any]:
    return {
        "id": f"call-uuid-{i}",
        "sid": f"CA{i:032d}",
        "to": f"+1415555{i:04d}",
        "from": "+1234567890",
        "to_formatted": f"(415) 555-{i:04d}",
        "from_formatted": "(123) 456-7890",
        "is_testing": i % 10 == 0,
        "direction": "outbound" if i % 3 else "inbound",
        "status": _STATUSES[i % len(_STATUSES)],
        "duration": 30 + i,
        "agent": {"id": AGENT_ID, "name": "Customer Support Agent", "label": "Support"},
        "created_at": f"2024-01-{1 + i % 28:02d}T10:{i % 60:02d}:00Z",
        "updated_at": f"2024-01-{1 + i % 28:02d}T10:{i % 60:02d}:42.000000Z",
    }


CALLS_PAGE: dict[str, Any] = {
    "success": True,
    "data": [_call(i) for i in range(100)],
    "pagination": {
        "current_page": 1,
        "last_page": 5,
        "per_page": 100,
        "total": 500,
        "from": 1,
        "to": 100,
    },
}

MAKE_CALL_BYTES = orjson.dumps(MAKE_CALL)
GET_AGENT_BYTES = orjson.dumps(GET_AGENT)
CALLS_PAGE_BYTES = orjson.dumps(CALLS_PAGE)
