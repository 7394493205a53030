"""Agents and calls resources: requests sent, strict decoding of documented bodies, argument
checks before any I/O, and the traps of agents.md §9 that concern them."""

from __future__ import annotations

from typing import Any

import pytest

from talkover_async import (
    Ack,
    Agent,
    AgentStatus,
    Call,
    CallStatus,
    EndedCall,
    InvalidRequestError,
    Language,
    OptimizedCostsEligibility,
)

from .recorder import Recorder, client_for

AGENT_ID = "550e8400-e29b-41d4-a716-446655440000"

FULL_AGENT: dict[str, Any] = {
    "id": AGENT_ID,
    "name": "Customer Support Agent",
    "label": "Support",
    "description": "Handles support calls",
    "language": "en-US",
    "voice": {
        "id": "9fbef0b7-1111-2222-3333-444455556666",
        "name": "Bianca",
        "label": "Bianca",
        "stability": 0.75,
        "similarity_boost": 0.8,
        "ambient_background": "office",
        "template": {"id": "tmpl-1", "name": "Bianca"},
    },
    "initial_message": "Hello! How can I help?",
    "interrupt_sensitivity": "medium",
    "conversation_speed": 1.0,
    "initial_message_delay": 0,
    "ask_if_human_present_on_idle": True,
    "direction": "inbound",
    "who_speaks_first": "agent",
    "current_status": "published",
    "is_sandbox": False,
    "is_ready_to_publish": True,
    "created_at": "2024-01-15T10:30:00Z",
    "updated_at": "2024-01-15T10:30:00Z",
    "trainings": [
        {
            "id": "t1",
            "subject": "Refunds",
            "instructions": "Explain the refund policy",
            "current_status": "active",
            "created_at": "2024-01-15T10:30:00Z",
            "updated_at": "2024-01-15T10:30:00Z",
        }
    ],
    "actions": [
        {
            "id": "act1",
            "name": "transfer_to_human",
            "label": "transfer_to_human",
            "description": "Transfer the call",
            "type": "transfer",
            "input_schema": [
                {
                    "name": "phone",
                    "type": "string",
                    "required": True,
                    "description": "target",
                    "value": "+1234567890",
                }
            ],
            "config": None,
            "action_trigger": None,
            "url": None,
            "authorization_url": None,
            "current_status": "active",
            "created_at": "2024-01-15T10:30:00Z",
            "updated_at": "2024-01-15T10:30:00Z",
        }
    ],
    "phone_numbers": [
        {
            "id": "pn1",
            "number": "+1234567890",
            "country_code": "US",
            "formatted_number": "(123) 456-7890",
            "international_number": "+1 123-456-7890",
            "current_status": "active",
        }
    ],
}


async def test_get_agent_decodes_documented_example_strictly() -> None:
    rec = Recorder((200, {"success": True, "data": FULL_AGENT}))
    async with client_for(rec) as client:
        agent = await client.agents.get(AGENT_ID)
    assert rec.last.method == "GET" and rec.last.url.endswith(f"/api/v1/agents/{AGENT_ID}")
    assert isinstance(agent, Agent)
    assert agent.current_status is AgentStatus.PUBLISHED and agent.language is Language.EN_US
    assert agent.voice is not None and agent.voice.similarity_boost == 0.8
    assert agent.voice.template is not None and agent.voice.template.id == "tmpl-1"
    assert agent.actions[0].input_schema[0].value == "+1234567890"
    assert agent.phone_numbers[0].international_number == "+1 123-456-7890"


async def test_create_agent_sends_body_and_decodes_draft() -> None:
    created = {
        **FULL_AGENT,
        "voice": None,
        "current_status": "draft",
        "is_ready_to_publish": False,
        "trainings": [],
        "actions": [],
        "phone_numbers": [],
    }
    rec = Recorder(
        (200, {"success": True, "message": "Agent created successfully", "data": created})
    )
    async with client_for(rec) as client:
        agent = await client.agents.create(
            name="Support",
            label="Support",
            language="en-US",
            interrupt_sensitivity="medium",
            endpointing_sensitivity="auto",
            ivr_navigation_mode="off",
            llm_temperature=0.7,
            direction="inbound",
            who_speaks_first="agent",
            max_call_duration_seconds=600,
        )
    assert rec.last.method == "POST" and rec.last.url.endswith("/api/v1/agents")
    assert rec.body() == {
        "name": "Support",
        "label": "Support",
        "language": "en-US",
        "interrupt_sensitivity": "medium",
        "endpointing_sensitivity": "auto",
        "ivr_navigation_mode": "off",
        "llm_temperature": 0.7,
        "direction": "inbound",
        "who_speaks_first": "agent",
        "max_call_duration_seconds": 600,
    }
    assert agent.voice is None and agent.current_status is AgentStatus.DRAFT
    assert rec.last.safe is False


async def test_update_endpoints_and_partial_agents() -> None:
    partial_publish = {
        "id": AGENT_ID,
        "name": "n",
        "current_status": "published",
        "is_ready_to_publish": True,
        "updated_at": "2024-01-15T10:30:00Z",
    }
    calling = {
        "id": AGENT_ID,
        "name": "n",
        "direction": "outbound",
        "current_status": "draft",
        "phone_numbers": [
            {
                "id": "pn1",
                "number": "+1234567890",
                "country_code": "US",
                "formatted_number": "(123) 456-7890",
                "current_status": "active",
            }
        ],
        "updated_at": "2024-01-15T10:30:00Z",
    }
    advanced = {
        "id": AGENT_ID,
        "name": "n",
        "advanced_settings": {"enable_initial_message_cache": True},
        "updated_at": "2024-01-15T10:30:00Z",
    }
    rec = Recorder(
        (
            200,
            {
                "success": True,
                "message": "Agent knowledge updated successfully",
                "data": {**FULL_AGENT, "current_status": "draft"},
            },
        ),
        (200, {"success": True, "message": "Agent voice updated successfully", "data": FULL_AGENT}),
        (
            200,
            {
                "success": True,
                "message": "Agent calling settings updated successfully",
                "data": calling,
            },
        ),
        (
            200,
            {"success": True, "message": "Agent published successfully", "data": partial_publish},
        ),
        (
            200,
            {
                "success": True,
                "message": "Agent unpublished successfully",
                "data": {
                    **partial_publish,
                    "current_status": "draft",
                    "is_ready_to_publish": False,
                },
            },
        ),
        (
            200,
            {
                "success": True,
                "message": "Advanced settings updated successfully",
                "data": advanced,
            },
        ),
        (200, {"success": True, "message": "Agent deleted successfully"}),
    )
    async with client_for(rec) as client:
        a = await client.agents.update_knowledge(
            AGENT_ID,
            description="Helps customers",
            interrupt_sensitivity="low",
            ask_if_human_present_on_idle=False,
            llm_temperature=0.5,
            initial_message_delay=2,
        )
        assert a.current_status is AgentStatus.DRAFT
        await client.agents.update_voice(
            AGENT_ID,
            voice_id="tmpl-1",
            conversation_speed=1.2,
            who_speaks_first="user",
            similarity=0.9,
        )
        assert rec.body() == {
            "voice_id": "tmpl-1",
            "conversation_speed": 1.2,
            "who_speaks_first": "user",
            "similarity": 0.9,
        }
        c = await client.agents.update_calling(
            AGENT_ID, direction="outbound", phone_number_ids=["pn1"]
        )
        assert c.phone_numbers[0].international_number is None
        p = await client.agents.publish(AGENT_ID)
        assert p.is_ready_to_publish is True and p.voice is None
        u = await client.agents.unpublish(AGENT_ID)
        assert u.current_status is AgentStatus.DRAFT
        adv = await client.agents.update_advanced_settings(
            AGENT_ID, enable_initial_message_cache=True
        )
        assert (
            adv.advanced_settings is not None and adv.advanced_settings.enable_initial_message_cache
        )
        ack = await client.agents.delete(AGENT_ID)
        assert isinstance(ack, Ack) and ack.message == "Agent deleted successfully"
    methods = [(r.method, r.url.split("/api/v1")[1]) for r in rec.requests]
    assert methods == [
        ("PUT", f"/agents/{AGENT_ID}/knowledge"),
        ("PUT", f"/agents/{AGENT_ID}/voice"),
        ("PUT", f"/agents/{AGENT_ID}/calling"),
        ("POST", f"/agents/{AGENT_ID}/publish"),
        ("POST", f"/agents/{AGENT_ID}/unpublish"),
        ("PATCH", f"/agents/{AGENT_ID}/advanced-settings"),
        ("DELETE", f"/agents/{AGENT_ID}"),
    ]


async def test_pricing_and_eligibility() -> None:
    pricing = {
        "agent_id": AGENT_ID,
        "currency": "USD",
        "components": {
            "voice_synthesis": {"unit": "per_minute", "price": 0.05, "tier": "high_fidelity"},
            "transcription": {"unit": "per_minute", "price": 0.01},
            "language_model": {
                "unit": "per_1k_tokens",
                "input_price": 0.001,
                "output_price": 0.002,
            },
        },
        "transport": {
            "outbound": {"country_code": "US", "unit": "per_minute", "price": 0.02},
            "inbound": {"country_code": "US", "unit": "per_minute", "price": 0.01},
        },
        "estimated_cost_per_minute": 0.09,
        "calculated_at": "2024-01-15T10:30:00Z",
    }
    rec = Recorder(
        (200, {"success": True, "data": pricing}),
        (
            200,
            {
                "success": True,
                "data": {
                    "eligible": False,
                    "current_calls": 120,
                    "required_calls": 700,
                    "threshold_days": 7,
                    "calls_remaining": 580,
                },
            },
        ),
    )
    async with client_for(rec) as client:
        p = await client.agents.pricing(AGENT_ID)
        e = await client.agents.optimized_costs_eligibility(AGENT_ID)
    assert (
        p.components["language_model"].output_price == 0.002
        and p.transport["inbound"].price == 0.01
    )
    assert isinstance(e, OptimizedCostsEligibility) and e.calls_remaining == 580


async def test_make_call_request_and_response() -> None:
    rec = Recorder(
        (
            200,
            {
                "success": True,
                "data": {
                    "id": "call_789012",
                    "agent_id": "agent_123456",
                    "to": "+1234567890",
                    "status": "initiated",
                    "created_at": "2024-01-15T10:30:00Z",
                },
            },
        )
    )
    async with client_for(rec) as client:
        call = await client.agents.call(
            "agent_123456",
            to="+1234567890",
            payload={"name": "Ada"},
            context={"crm": 1},
            delay_seconds=0,
            is_testing=True,
        )
    assert rec.last.url.endswith("/api/v1/agents/agent_123456/call") and rec.last.method == "POST"
    assert rec.body() == {
        "to": "+1234567890",
        "payload": {"name": "Ada"},
        "context": {"crm": 1},
        "delay_seconds": 0,
        "is_testing": True,
    }
    assert rec.last.operation == "agents.call" and rec.last.safe is False
    assert (
        isinstance(call, Call) and call.id == "call_789012" and call.status is CallStatus.INITIATED
    )


async def test_list_calls_and_agent_calls() -> None:
    item = {
        "id": "call-uuid-1",
        "sid": "call_sid_123",
        "to": "+1234567890",
        "to_formatted": "(123) 456-7890",
        "from": "+0987654321",
        "from_formatted": "(098) 765-4321",
        "is_testing": False,
        "direction": "outbound",
        "status": "no-answer",
        "duration": 120,
        "created_at": "2024-01-15T10:30:00Z",
        "updated_at": "2024-01-15T10:32:00Z",
    }
    rec = Recorder(
        (
            200,
            {
                "success": True,
                "data": [{**item, "agent": {"id": "a", "name": "n", "label": "l"}}],
                "pagination": {
                    "current_page": 1,
                    "last_page": 1,
                    "per_page": 20,
                    "total": 1,
                    "from": 1,
                    "to": 1,
                },
            },
        ),
        (
            200,
            {
                "success": True,
                "data": [item],
                "pagination": {
                    "current_page": 1,
                    "last_page": 3,
                    "per_page": 20,
                    "total": 50,
                    "from": 1,
                    "to": 20,
                },
            },
        ),
    )
    async with client_for(rec) as client:
        calls = await client.calls.list(
            status="no_answer",
            direction="outbound",
            agent_id="a",
            date_from="2024-01-01",
            date_to="2024-01-31",
            search="+1234",
            per_page=20,
        )
        page = await client.agents.calls(AGENT_ID, status=CallStatus.COMPLETED)
    assert calls.items[0].agent is not None and calls.items[0].from_ == "+0987654321"
    assert calls.items[0].status is CallStatus.NO_ANSWER
    q = rec.requests[0].url.split("?")[1]
    assert (
        "status=no-answer" in q
        and "agent_id=a" in q
        and "date_to=2024-01-31" in q
        and "page=1" in q
    )
    assert page.items[0].agent is None and page.has_next
    assert rec.requests[1].url.split("?")[0].endswith(f"/agents/{AGENT_ID}/calls")


async def test_end_call() -> None:
    rec = Recorder(
        (
            200,
            {
                "success": True,
                "data": {
                    "id": "call_789012",
                    "status": "completed",
                    "ended_at": "2024-01-15T10:35:00Z",
                    "ended_reason": "ended_by_api",
                },
            },
        )
    )
    async with client_for(rec) as client:
        ended = await client.calls.end("call_789012", agent_id=AGENT_ID)
    assert rec.last.url.endswith(f"/agents/{AGENT_ID}/end-call") and rec.body() == {
        "call_sid": "call_789012"
    }
    assert rec.last.safe is True
    assert isinstance(ended, EndedCall) and ended.ended_reason == "ended_by_api"


BAD_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("to", {"to": "4155550100"}),
    ("to", {"to": "+1 415 555 0100"}),
    ("to", {"to": "+0123456789"}),
    ("delay_seconds", {"to": "+14155550100", "delay_seconds": 3601}),
    ("delay_seconds", {"to": "+14155550100", "delay_seconds": -1}),
    ("payload", {"to": "+14155550100", "payload": ["x"]}),
    ("is_testing", {"to": "+14155550100", "is_testing": "yes"}),
]


@pytest.mark.parametrize(("field", "kwargs"), BAD_CALLS)
async def test_make_call_arguments_checked_before_io(field: str, kwargs: dict[str, Any]) -> None:
    rec = Recorder((200, {}))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.agents.call(AGENT_ID, **kwargs)
    assert info.value.field == field and rec.requests == []


BAD_AGENT_ARGS = [
    ("create", "language", {"language": "xx-XX"}),
    ("create", "name", {"name": "x" * 256}),
    ("create", "interrupt_sensitivity", {"interrupt_sensitivity": "extreme"}),
    ("create", "conversation_speed", {"conversation_speed": 3.5}),
    ("create", "llm_temperature", {"llm_temperature": 2.5}),
    ("create", "idle_time_seconds", {"idle_time_seconds": 0}),
    ("create", "user_inactivity_timeout_seconds", {"user_inactivity_timeout_seconds": 121}),
    ("create", "direction", {"direction": "sideways"}),
]


@pytest.mark.parametrize(("method", "field", "override"), BAD_AGENT_ARGS)
async def test_create_agent_rules(method: str, field: str, override: dict[str, Any]) -> None:
    rec = Recorder((200, {}))
    kwargs: dict[str, Any] = dict(
        name="n",
        label="l",
        language="en-US",
        interrupt_sensitivity="low",
        endpointing_sensitivity="auto",
        ivr_navigation_mode="off",
    )
    kwargs.update(override)
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            await getattr(client.agents, method)(**kwargs)
    assert info.value.field == field and rec.requests == []


async def test_knowledge_and_voice_rules_and_list_filters() -> None:
    rec = Recorder((200, {}))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError, match="description"):
            await client.agents.update_knowledge(
                AGENT_ID,
                description="shrt",
                interrupt_sensitivity="low",
                ask_if_human_present_on_idle=True,
                llm_temperature=1,
                initial_message_delay=0,
            )
        with pytest.raises(InvalidRequestError, match="initial_message"):
            await client.agents.update_knowledge(
                AGENT_ID,
                description="long enough",
                initial_message="hey",
                interrupt_sensitivity="low",
                ask_if_human_present_on_idle=True,
                llm_temperature=1,
                initial_message_delay=0,
            )
        with pytest.raises(InvalidRequestError, match="similarity"):
            await client.agents.update_voice(
                AGENT_ID,
                voice_id="v",
                conversation_speed=1.5,
                who_speaks_first="agent",
                similarity=0.2,
            )
        with pytest.raises(InvalidRequestError, match="ambient_volume"):
            await client.agents.update_voice(
                AGENT_ID,
                voice_id="v",
                conversation_speed=1.5,
                who_speaks_first="agent",
                ambient_volume=3,
            )
        with pytest.raises(InvalidRequestError, match="date_to"):
            client.calls.list(date_from="2024-02-01", date_to="2024-01-01")
        with pytest.raises(InvalidRequestError, match="date_from"):
            client.calls.list(date_from="2024-02-30")
        with pytest.raises(InvalidRequestError, match="per_page"):
            client.agents.calls(AGENT_ID, per_page=101)
        with pytest.raises(InvalidRequestError, match="status"):
            client.calls.list(status="voicemail")
        with pytest.raises(InvalidRequestError, match="phone_number_ids"):
            await client.agents.update_calling(
                AGENT_ID, direction="inbound", phone_number_ids="pn1"
            )  # type: ignore[arg-type]
    assert rec.requests == []


async def test_trap_conversation_speed_conflict_accepts_documented_wider_range() -> None:
    """agents.md §9.15: update-voice says 1 < speed < 2, create/get say 0.1-3.0: the SDK
    accepts 0.1-3.0 on both and lets the server decide."""
    rec = Recorder((200, {"success": True, "data": FULL_AGENT}))
    async with client_for(rec) as client:
        await client.agents.update_voice(
            AGENT_ID, voice_id="v", conversation_speed=1.0, who_speaks_first="agent"
        )
    assert rec.body()["conversation_speed"] == 1.0


def test_trap_call_status_spellings() -> None:
    """agents.md §9.11 / calls-campaigns.md §4.9: `no-answer` vs `no_answer`."""
    assert CallStatus.parse("no_answer") is CallStatus.NO_ANSWER
    assert CallStatus.parse("no-answer") is CallStatus.NO_ANSWER
    assert CallStatus.parse("voicemail") == "voicemail"
