"""Agents in the fake: documented shapes, validation, the draft/published state machine."""

from __future__ import annotations

from talkover_async.testing import EMMA, JAMES, FakeTalkover

from .conftest import AGENT_BODY, OTHER, Api, create_agent

AGENT_KEYS = [
    "id",
    "name",
    "label",
    "description",
    "language",
    "voice",
    "initial_message",
    "interrupt_sensitivity",
    "conversation_speed",
    "initial_message_delay",
    "ask_if_human_present_on_idle",
    "direction",
    "who_speaks_first",
    "current_status",
    "is_sandbox",
    "is_ready_to_publish",
    "created_at",
    "updated_at",
    "trainings",
    "actions",
    "phone_numbers",
]
VOICE = {"voice_id": EMMA, "conversation_speed": 1.2, "who_speaks_first": "agent"}
KNOWLEDGE = {
    "description": "Sells things politely",
    "interrupt_sensitivity": "low",
    "ask_if_human_present_on_idle": True,
    "llm_temperature": 0.7,
    "initial_message_delay": 1,
}


async def test_create_agent_answers_the_documented_envelope(api: Api) -> None:
    resp = await api.post("/agents", AGENT_BODY)
    assert resp.status in (200, 201)
    assert resp.json["success"] is True
    assert resp.json["message"] == "Agent created successfully"
    agent = resp.data
    assert list(agent) == AGENT_KEYS
    assert agent["voice"] is None
    assert agent["current_status"] == "draft"
    assert agent["is_ready_to_publish"] is False
    assert agent["trainings"] == agent["actions"] == agent["phone_numbers"] == []
    assert agent["created_at"].endswith("Z")


async def test_create_agent_validation_lists_every_field(api: Api) -> None:
    resp = await api.post("/agents", {"name": "x" * 256, "language": "xx-XX"})
    assert resp.status == 422
    body = resp.json
    assert "success" not in body and "code" not in body  # E4, the documented validation body
    assert body["message"] == "The given data was invalid."
    errors = body["errors"]
    assert errors["label"] == ["The label field is required."]
    assert errors["name"] == ["The name field must not be greater than 255 characters."]
    assert errors["language"] == ["The selected language is invalid."]
    assert {"interrupt_sensitivity", "endpointing_sensitivity", "ivr_navigation_mode"} <= set(
        errors
    )


async def test_ranges_are_enforced(api: Api) -> None:
    resp = await api.post(
        "/agents", {**AGENT_BODY, "conversation_speed": 3.5, "llm_temperature": -1}
    )
    assert resp.status == 422
    assert resp.json["errors"]["conversation_speed"] == [
        "The conversation speed field must be between 0.1 and 3."
    ]
    assert "llm_temperature" in resp.json["errors"]


async def test_publish_requires_voice_and_direction(api: Api) -> None:
    agent = await create_agent(api, direction=None)
    resp = await api.post(f"/agents/{agent['id']}/publish")
    assert resp.status == 422
    assert set(resp.json["errors"]) == {"voice", "direction"}

    assert (await api.put(f"/agents/{agent['id']}/voice", VOICE)).status == 200
    assert (
        await api.put(f"/agents/{agent['id']}/calling", {"direction": "outbound"})
    ).status == 200
    resp = await api.post(f"/agents/{agent['id']}/publish")
    assert resp.status == 200
    assert resp.json["message"] == "Agent published successfully"
    assert resp.data == {
        "id": agent["id"],
        "name": "Sales agent",
        "current_status": "published",
        "is_ready_to_publish": True,
        "updated_at": resp.data["updated_at"],
    }


async def test_knowledge_update_returns_agent_to_draft(api: Api, fake: FakeTalkover) -> None:
    agent = fake.seed_agent()
    resp = await api.put(f"/agents/{agent.id}/knowledge", KNOWLEDGE)
    assert resp.status == 200
    assert resp.json["message"] == "Agent knowledge updated successfully"
    assert resp.data["current_status"] == "draft"
    assert resp.data["description"] == "Sells things politely"


async def test_knowledge_validation(api: Api, fake: FakeTalkover) -> None:
    agent = fake.seed_agent()
    resp = await api.put(f"/agents/{agent.id}/knowledge", {"description": "abc"})
    assert resp.status == 422
    assert resp.json["errors"]["description"] == [
        "The description field must be at least 5 characters."
    ]
    assert "llm_temperature" in resp.json["errors"]
    assert agent.current_status == "published"  # nothing changed


async def test_delete_refused_while_published_or_with_active_calls(
    api: Api, fake: FakeTalkover
) -> None:
    agent = fake.seed_agent()
    resp = await api.delete(f"/agents/{agent.id}")
    assert resp.status == 409
    assert resp.json == {
        "success": False,
        "message": "Agent must be unpublished before it can be deleted.",
    }
    assert (await api.post(f"/agents/{agent.id}/call", {"to": "+14155550100"})).status == 200
    assert (await api.post(f"/agents/{agent.id}/unpublish")).data["current_status"] == "draft"
    resp = await api.delete(f"/agents/{agent.id}")
    assert resp.status == 409
    assert resp.json == {"success": False, "message": "Cannot delete agent while it has active calls."}

    await fake.advance(120)  # the call completes
    resp = await api.delete(f"/agents/{agent.id}")
    assert resp.json == {"success": True, "message": "Agent deleted successfully"}
    resp = await api.get(f"/agents/{agent.id}")
    assert resp.status == 404
    assert resp.json == {"success": False, "message": "Agent not found"}
    assert fake.calls == []  # call history goes with the agent


async def test_list_agents_meta_pagination_and_filters(api: Api, fake: FakeTalkover) -> None:
    for i in range(25):
        fake.seed_agent(name=f"Agent {i:02d}", published=i % 2 == 0)
    resp = await api.get("/agents")
    assert resp.status == 200
    assert list(resp.json) == ["success", "data", "meta"]
    assert resp.json["meta"] == {"current_page": 1, "per_page": 20, "total": 25, "last_page": 2}
    assert resp.data[0]["name"] == "Agent 24"  # newest first
    page2 = await api.get("/agents", query={"page": 2, "per_page": 20})
    assert len(page2.data) == 5
    assert (await api.get("/agents", query={"per_page": 500})).json["meta"]["per_page"] == 100
    drafts = await api.get("/agents", query={"status": "draft"})
    assert drafts.json["meta"]["total"] == 12
    found = await api.get("/agents", query={"search": "agent 07"})
    assert [a["name"] for a in found.data] == ["Agent 07"]
    bad = await api.get("/agents", query={"status": "live"})
    assert bad.status == 422


async def test_environments_are_isolated(api: Api, fake: FakeTalkover) -> None:
    agent = await create_agent(api)
    other = await api.get(f"/agents/{agent['id']}", token=OTHER)
    assert other.status == 404
    assert (await api.get("/agents", token=OTHER)).json["meta"]["total"] == 0
    assert list(fake.state(OTHER).agents) == []
    assert fake.state().agents[agent["id"]].name == "Sales agent"


async def test_unknown_token_and_missing_token(api: Api) -> None:
    missing = await api.get("/agents", token=None)
    assert missing.status == 401
    assert missing.json == {"success": False, "message": "Unauthenticated."}
    wrong = await api.get("/agents", token="talq_nope")
    assert wrong.status == 401


async def test_update_voice_rules(api: Api, fake: FakeTalkover) -> None:
    agent = fake.seed_agent(voice_id=None, published=False)
    unknown = await api.put(f"/agents/{agent.id}/voice", {**VOICE, "voice_id": "nope"})
    assert unknown.status == 404
    assert unknown.json == {"success": False, "message": "Voice not found"}
    hifi = await api.put(f"/agents/{agent.id}/voice", {**VOICE, "voice_id": JAMES})
    assert hifi.status == 422
    assert set(hifi.json["errors"]) == {"similarity", "stability"}
    ok = await api.put(
        f"/agents/{agent.id}/voice",
        {**VOICE, "voice_id": JAMES, "similarity": 0.9, "stability": 0.6},
    )
    assert ok.status == 200
    voice = ok.data["voice"]
    assert voice["template"] == {"id": JAMES, "name": "James"}
    assert voice["similarity_boost"] == 0.9
    assert set(voice) == {
        "id",
        "name",
        "label",
        "stability",
        "similarity_boost",
        "ambient_background",
        "template",
    }


async def test_update_calling_answers_a_partial_agent(api: Api, fake: FakeTalkover) -> None:
    agent = fake.seed_agent(published=False)
    number_id = next(iter(fake.state().phone_numbers))
    resp = await api.put(
        f"/agents/{agent.id}/calling", {"direction": "inbound", "phone_number_ids": [number_id]}
    )
    assert resp.status == 200
    assert list(resp.data) == [
        "id",
        "name",
        "direction",
        "current_status",
        "phone_numbers",
        "updated_at",
    ]
    assert "international_number" not in resp.data["phone_numbers"][0]
    bad = await api.put(
        f"/agents/{agent.id}/calling", {"direction": "sideways", "phone_number_ids": ["x"]}
    )
    assert bad.status == 422
    assert set(bad.json["errors"]) == {"direction", "phone_number_ids.0"}


async def test_trainings_and_actions(api: Api, fake: FakeTalkover) -> None:
    agent = fake.seed_agent()
    created = await api.post(
        f"/agents/{agent.id}/trainings",
        {"node_id": "n1", "subject": "Refunds", "instructions": "Be kind"},
    )
    assert created.json["message"] == "Agent training updated successfully"
    training = created.data
    assert list(training) == [
        "id",
        "subject",
        "instructions",
        "current_status",
        "created_at",
        "updated_at",
    ]
    again = await api.post(
        f"/agents/{agent.id}/trainings",
        {"node_id": "n1", "subject": "Refunds v2", "instructions": "x"},
    )
    assert again.data["id"] == training["id"]  # same node_id updates
    listed = await api.get(f"/agents/{agent.id}/trainings")
    assert [t["subject"] for t in listed.data] == ["Refunds v2"]
    deleted = await api.delete(f"/agents/{agent.id}/trainings/{training['id']}")
    assert deleted.json == {"success": True, "message": "Agent training deleted successfully"}
    assert agent.current_status == "draft"
    missing = await api.delete(f"/agents/{agent.id}/trainings/{training['id']}")
    assert missing.json == {"success": False, "message": "Training not found"}

    action = await api.post(
        f"/agents/{agent.id}/actions",
        {
            "node_id": "a1",
            "name": "lookup",
            "description": "Find order",
            "type": "webhook",
            "url": "https://example.com/hook",
            "inputs": [{"name": "order", "type": "string"}],
        },
    )
    assert action.status == 200
    assert action.data["input_schema"] == [{"name": "order", "type": "string"}]
    assert action.data["config"] is None and action.data["label"] == "lookup"
    bad = await api.post(f"/agents/{agent.id}/actions", {"name": "x", "type": "dance"})
    assert set(bad.json["errors"]) == {"node_id", "description", "type"}
    agent.current_status = "published"
    gone = await api.delete(f"/agents/{agent.id}/actions/{action.data['id']}")
    assert gone.json["message"] == "Agent action deleted successfully"
    assert agent.current_status == "draft"
    assert (await api.delete(f"/agents/{agent.id}/actions/nope")).json[
        "message"
    ] == "Action not found"


async def test_pricing_eligibility_and_advanced_settings(api: Api, fake: FakeTalkover) -> None:
    agent = fake.seed_agent()
    pricing = (await api.get(f"/agents/{agent.id}/pricing")).data
    assert set(pricing) == {
        "agent_id",
        "currency",
        "components",
        "transport",
        "estimated_cost_per_minute",
        "calculated_at",
    }
    elig = (await api.get(f"/agents/{agent.id}/optimized-costs-eligibility")).data
    assert elig == {
        "eligible": False,
        "current_calls": 0,
        "required_calls": 700,
        "threshold_days": 7,
        "calls_remaining": 700,
    }
    refused = await api.patch(
        f"/agents/{agent.id}/advanced-settings", {"enable_initial_message_cache": True}
    )
    assert refused.status == 422
    assert "code" not in refused.json  # no code is documented for this refusal
    off = await api.patch(
        f"/agents/{agent.id}/advanced-settings", {"enable_initial_message_cache": False}
    )
    assert off.data["advanced_settings"] == {"enable_initial_message_cache": False}
