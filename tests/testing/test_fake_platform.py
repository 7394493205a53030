"""The rest of the API in the fake: flows, SIP trunks, billing, account, callbacks, numbers."""

from __future__ import annotations

import pytest

from talkover_async.testing import EMMA, FakeTalkover

from .conftest import SESSION, Api

FLOW = {
    "initial_node_id": "greet",
    "meta": {"name": "Qualify", "version": "1.2.0"},
    "nodes": [
        {"id": "greet", "type": "say", "content": "Hi!", "next": "ask"},
        {
            "id": "ask",
            "type": "decision",
            "branches": [{"match": "yes", "next": "end"}, {"match": "no", "next": "end"}],
        },
        {"id": "end", "type": "end"},
    ],
}


async def test_flows(api: Api, fake: FakeTalkover) -> None:
    agent = fake.seed_agent()
    base = f"/agents/{agent.id}/flow"
    assert (await api.get(base)).data == {"conversation_mode": "llm_driven", "flow_config": None}
    valid = await api.post(f"{base}/validate", {"flow_config": FLOW})
    assert valid.json == {"success": True, "message": "Flow is valid"}
    broken = {
        **FLOW,
        "nodes": [*FLOW["nodes"], {"id": "greet", "type": "say"}, {"id": "orphan", "type": "end"}],
    }
    invalid = await api.post(f"{base}/validate", {"flow_config": broken})
    assert invalid.status == 422
    assert list(invalid.json) == ["success", "errors"]
    assert "Duplicate node id: 'greet'" in invalid.json["errors"]
    assert "Node 'orphan' is unreachable" in invalid.json["errors"]
    saved = await api.put(base, {"conversation_mode": "flow_driven", "flow_config": FLOW})
    assert saved.data["flow_config"] == FLOW
    refused = await api.put(
        base, {"conversation_mode": "flow_driven", "flow_config": {**FLOW, "initial_node_id": "x"}}
    )
    assert refused.status == 422
    assert refused.json["message"] == "Flow validation failed"
    assert refused.json["errors"] == ["initial_node_id 'x' not found in nodes"]
    assert (await api.put(base, {"conversation_mode": "flow_driven"})).status == 422
    await api.put(base, {"conversation_mode": "llm_driven"})
    versions = (await api.get(f"{base}/versions")).data["versions"]
    assert [v["is_current"] for v in versions] == [True, False]
    assert versions[1]["version"] == "1.2.0"
    assert agent.current_status == "published"  # saving a flow keeps the publish status


async def test_sip_trunks_and_dids(api: Api, fake: FakeTalkover) -> None:
    body = {
        "name": "Carrier X",
        "provider_name": "carrier-x",
        "domain": "sip.carrier-x.com",
        "username": "u",
        "password": "p",
    }
    created = await api.post("/sip-trunks", body)
    assert created.status in (200, 201)
    trunk = created.data
    assert trunk["transport"] == "tls" and trunk["port"] == 5061
    assert trunk["is_active"] is False and trunk["is_verified"] is False
    base = f"/sip-trunks/{trunk['id']}"
    early = await api.put(base, {"is_active": True})
    assert early.status == 422
    verified = await api.post(f"{base}/verify")
    assert verified.data["is_verified"] is True and verified.data["health_status"] == "healthy"
    active = await api.put(base, {"is_active": True})
    assert active.data == {**active.data, "is_active": True, "is_verified": True}
    assert set(active.data) == {"id", "name", "is_active", "is_verified", "updated_at"}
    got = (await api.get(base)).data
    assert "password" not in got and got["username"] == "u"
    moved = await api.put(base, {"domain": "sip2.carrier-x.com"})
    assert moved.data["is_verified"] is False
    fake.fail_trunk(trunk["id"])
    failed = await api.post(f"{base}/verify")
    assert failed.status == 200 and failed.json["success"] is False
    assert failed.data == {
        "is_verified": False,
        "health_status": "unhealthy",
        "error": "Authentication failed (401)",
    }
    health = (await api.get(f"{base}/health")).data
    assert health["is_healthy"] is False and health["error"] == "Connection timeout"

    did = await api.post(f"{base}/dids", {"country_code": "US", "number": "+15551234567"})
    assert did.status in (200, 201)
    assert did.data == {
        "id": did.data["id"],
        "number": "+15551234567",
        "country_code": "US",
        "formatted_number": "(555) 123-4567",
        "trunk_id": trunk["id"],
    }
    dup = await api.post(f"{base}/dids", {"country_code": "US", "number": "+15551234567"})
    assert dup.json == {
        "success": False,
        "message": "This number is already registered in your environment",
        "code": "DID_ALREADY_EXISTS",
    }
    numbers = (await api.get("/phone-numbers")).data
    assert "+15551234567" in [n["number"] for n in numbers]
    assert all(not k.startswith("_") for n in numbers for k in n)
    assert len((await api.get(f"{base}/dids")).data) == 1
    has_dids = await api.delete(base)
    assert has_dids.status == 409 and has_dids.json["code"] == "TRUNK_HAS_DIDS"
    agent = fake.seed_agent(published=False)
    await api.put(
        f"/agents/{agent.id}/calling",
        {"direction": "outbound", "phone_number_ids": [did.data["id"]]},
    )
    in_use = await api.delete(f"{base}/dids/{did.data['id']}")
    assert in_use.json == {
        "success": False,
        "message": "DID is still assigned to active agents",
        "code": "DID_IN_USE",
    }
    await api.put(f"/agents/{agent.id}/calling", {"direction": "outbound", "phone_number_ids": []})
    assert (await api.delete(f"{base}/dids/{did.data['id']}")).json == {
        "success": True,
        "message": "DID removed",
    }
    assert (await api.delete(base)).json == {"success": True, "message": "SIP trunk deleted"}
    assert (await api.get(base)).status == 404
    fake.state().allow_custom_sip_trunks = False
    assert (await api.post("/sip-trunks", body)).status == 403


async def test_auto_topup_and_credits(api: Api, fake: FakeTalkover) -> None:
    settings = (await api.get("/auto-topup/settings")).data
    assert settings["is_enabled"] is False and settings["daily_limit"] == 500.0
    not_configured = await api.post("/auto-topup/test")
    assert not_configured.json == {
        "success": False,
        "message": "Auto topup is not configured",
        "code": "AUTO_TOPUP_NOT_CONFIGURED",
    }
    bad = await api.put(
        "/auto-topup/settings",
        {"threshold_amount": 0, "day_of_month": 29, "payment_method_id": "x"},
    )
    assert set(bad.json["errors"]) == {"threshold_amount", "day_of_month", "payment_method_id"}
    methods = (await api.get("/auto-topup/payment-methods")).data
    updated = await api.put(
        "/auto-topup/settings",
        {
            "is_enabled": True,
            "threshold_amount": 10,
            "recharge_amount": 50,
            "payment_method_id": methods[0]["id"],
        },
    )
    assert set(updated.data) == {
        "is_enabled",
        "threshold_amount",
        "recharge_amount",
        "scheduled_payment_enabled",
        "payment_method_id",
        "daily_limit",
        "updated_at",
    }
    charged = await api.post("/auto-topup/test")
    assert charged.json["message"] == "Test recharge completed successfully"
    assert charged.data["amount_charged"] == 50 and charged.data["new_balance"] == 150.0
    fake.decline_payments("insufficient_funds")
    declined = await api.post("/auto-topup/test")
    assert declined.status == 402
    assert declined.json == {
        "success": False,
        "message": "Payment method declined",
        "code": "PAYMENT_FAILED",
        "details": {"decline_reason": "insufficient_funds"},
    }
    purchase = await api.post("/credits/purchase", {"amount": 20}, token=SESSION)
    assert purchase.json == {
        "success": False,
        "message": "Payment method declined",
        "code": "PAYMENT_FAILED",
    }
    fake.decline_payments(None)
    assert (await api.post("/credits/purchase", {"amount": 0}, token=SESSION)).status == 422
    bought = await api.post("/credits/purchase", {"amount": 20}, token=SESSION)
    assert bought.data["new_balance"] == 170.0
    balance = (await api.get("/credits/balance", token=SESSION)).data
    assert balance["balance"] == 170.0 and balance["auto_topup_enabled"] is True
    history = await api.get("/auto-topup/history")
    assert history.json["pagination"] == {
        "current_page": 1,
        "per_page": 25,
        "total": 2,
        "last_page": 1,
    }
    assert [e["status"] for e in history.data] == ["failed", "succeeded"]
    disabled = await api.post("/auto-topup/disable")
    assert disabled.data["is_enabled"] is False and disabled.data["recharge_amount"] == 50


async def test_personal_access_tokens_and_user(api: Api, fake: FakeTalkover) -> None:
    created = await api.post("/user/api-tokens", {"name": "ci"}, token=SESSION)
    assert created.status in (200, 201)
    assert list(created.json) == ["data"]
    assert created.data["abilities"] == ["*"]
    listed = await api.get("/user/api-tokens", token=SESSION)
    assert list(listed.json) == ["data"]
    assert list(listed.data[0]) == ["id", "name", "abilities", "last_used_at", "created_at"]
    invalid = await api.post("/user/api-tokens", {}, token=SESSION)
    assert invalid.json == {
        "message": "The given data was invalid.",
        "errors": {"name": ["The name field is required."]},
    }
    revoked = await api.delete(f"/user/api-tokens/{created.data['id']}", token=SESSION)
    assert revoked.json == {"message": "Token revoked"}
    assert (await api.delete(f"/user/api-tokens/{created.data['id']}", token=SESSION)).status == 404
    user = await api.get("/api/user", token=SESSION)
    assert list(user.json) == ["id", "name", "email", "current_environment_id", "created_at"]
    assert user.json["current_environment_id"] == fake.state().id
    health = await api.get("/health", token=None)
    assert health.json["data"]["status"] == "ok"


async def test_callback_agents(api: Api, fake: FakeTalkover) -> None:
    outbound = fake.seed_agent(name="Out")
    inbound = fake.seed_agent(name="In", direction="inbound")
    wrong = await api.post(f"/agents/{outbound.id}/callback", {"source_agent_ids": [inbound.id]})
    assert wrong.json == {
        "success": False,
        "message": "Agent must have direction=inbound to serve as a callback",
        "code": "INVALID_AGENT_DIRECTION",
    }
    assert wrong.status == 422
    empty = await api.post(f"/agents/{inbound.id}/callback", {"source_agent_ids": []})
    assert empty.status == 422
    not_yet = await api.get(f"/callback-agents/{inbound.id}")
    assert not_yet.json == {
        "success": False,
        "message": "Agent is not configured as a callback agent",
    }
    made = await api.post(f"/agents/{inbound.id}/callback", {"source_agent_ids": [outbound.id]})
    assert made.data == {
        "id": inbound.id,
        "name": "In",
        "direction": "inbound",
        "callback_config": {"source_agent_ids": [outbound.id]},
    }
    replaced = await api.put(f"/agents/{inbound.id}/callback", {"source_agent_ids": [outbound.id]})
    assert replaced.data == {
        "id": inbound.id,
        "callback_config": {"source_agent_ids": [outbound.id]},
    }
    listed = (await api.get("/callback-agents")).data
    assert [a["id"] for a in listed] == [inbound.id]
    one = (await api.get(f"/callback-agents/{inbound.id}")).data
    assert one["source_agents"] == [{"id": outbound.id, "name": "Out"}]
    stats = (await api.get("/callback-agents/stats")).data
    assert stats["period"] == {"start": "2024-12-16", "end": "2025-01-15"}
    assert stats["callbacks_by_source_agent"][0]["source_agent_id"] == outbound.id
    assert (await api.get("/callback-agents/stats", query={"start_date": "bad"})).status == 422
    ok = await api.post(
        f"/callback-agents/{inbound.id}/check-constraints",
        {"is_callback_agent": True, "callback_source_agents": [outbound.id]},
    )
    assert ok.json == {"success": True, "message": "Configuration is valid"}
    bad = await api.post(
        f"/callback-agents/{outbound.id}/check-constraints",
        {"is_callback_agent": True, "callback_source_agents": ["nope"]},
    )
    assert bad.status == 422 and len(bad.json["errors"]) == 2
    removed = await api.delete(f"/agents/{inbound.id}/callback")
    assert removed.json == {"success": True, "message": "Callback role removed"}


async def test_voice_templates_and_phone_numbers(api: Api, fake: FakeTalkover) -> None:
    groups = (await api.get("/voice-templates")).data
    assert {g["display_name"] for g in groups} == {"Emma", "James", "Bianca"}
    voice = groups[0]["voices"][0]
    assert set(voice) == {"id", "name", "gender", "language", "quality_tier", "cost"}
    assert isinstance(voice["cost"], str)
    pt = (await api.get("/voice-templates", query={"language": "pt-BR"})).data
    assert [g["display_name"] for g in pt] == ["Bianca"]
    demo = await api.get(f"/voice-templates/{EMMA}/demo")
    assert list(demo.json) == ["mp3_url"] and demo.json["mp3_url"].startswith("https://")
    missing = await api.get("/voice-templates/nope/demo")
    assert missing.json == {"success": False, "message": "Voice template not found"}
    assert (await api.get(f"/voice-templates/{EMMA}/demo", token=None)).json == {
        "success": False,
        "message": "Unauthorized",
    }

    numbers = (await api.get("/phone-numbers")).data
    assert len(numbers) == 1 and numbers[0]["type"] == "voice"
    assert (await api.get("/phone-numbers", query={"has_whatsapp": "true"})).data == []
    assert (await api.get("/phone-numbers", query={"type": "pager"})).status == 422
    short = await api.post(
        f"/phone-numbers/{numbers[0]['id']}/request-release", {"reason": "short"}
    )
    assert short.status == 422
    release = await api.post(
        f"/phone-numbers/{numbers[0]['id']}/request-release",
        {"reason": "We no longer need this number"},
    )
    assert release.status == 201 and release.data["status"] == "pending"
    requests = (await api.get("/phone-numbers/release-requests")).data
    assert [r["id"] for r in requests] == [release.data["id"]]
    assert (
        await api.post("/phone-numbers/nope/request-release", {"reason": "x" * 20})
    ).status == 404


async def test_malformed_bodies(api: Api, fake: FakeTalkover) -> None:
    resp = await api.post("/agents", raw=b"{not json")
    assert resp.status == 400
    assert resp.json == {"success": False, "message": "The request body must be a JSON object."}
    assert (await api.post("/agents", raw=b"[1, 2]")).status == 400
    assert fake.internal_errors == []


@pytest.mark.parametrize(
    "path",
    [
        "/agents",
        "/calls",
        "/campaigns",
        "/phone-numbers",
        "/voice-templates",
        "/callback-agents",
        "/auto-topup/settings",
    ],
)
async def test_every_environment_list_answers(api: Api, path: str) -> None:
    resp = await api.get(path)
    assert resp.status == 200 and resp.json["success"] is True
