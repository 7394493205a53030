"""Every error example of the API docs, reproduced by the fake over raw HTTP (aiohttp against
`serve_fake`), without the SDK's decoders.

`EXAMPLES` is extracted by hand from `talkover-api/*.md` (status + body per endpoint, exactly
as the spec files print them); `DRIVERS` brings the fake into the state that answers each.
403s come from scoped tokens, 500s from `faults.server_error()`. Examples whose status the
docs do not state are matched on the body alone (`status=None`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from talkover_async.testing import FakeTalkover, faults

from .conftest import AGENT_BODY, OTHER, SESSION, TOKEN, LoopbackApi, Resp, campaign_body

ANY = object()  # a value the docs elide ("...", a timestamp, an id)
TEXTS = object()  # a non-empty list of strings

# (id, endpoint, documented status or None, documented body) -- from the spec files.
EXAMPLES: list[tuple[str, str, int | None, Any]] = [
    # agents.md §2.9 delete-agent
    ("delete-agent-404", "DELETE /agents/{agent_id}", 404,
     {"success": False, "message": "Agent not found"}),
    ("delete-agent-401", "DELETE /agents/{agent_id}", 401,
     {"success": False, "message": "Unauthenticated."}),
    ("delete-agent-403", "DELETE /agents/{agent_id}", 403,
     {"success": False, "message": "You are not authorized to perform this action."}),
    ("delete-agent-409", "DELETE /agents/{agent_id}", 409,
     {"success": False, "message": "Cannot delete agent while it has active calls."}),
    # agents.md §4.3 delete-training
    ("delete-training-404", "DELETE /agents/{agent_id}/trainings/{training_id}", 404,
     {"success": False, "message": "Training not found"}),
    ("delete-training-401", "DELETE /agents/{agent_id}/trainings/{training_id}", 401,
     {"success": False, "message": "Unauthenticated."}),
    ("delete-training-403", "DELETE /agents/{agent_id}/trainings/{training_id}", 403,
     {"success": False, "message": "You are not authorized to delete training for this agent."}),
    ("delete-training-500", "DELETE /agents/{agent_id}/trainings/{training_id}", 500,
     {"success": False, "message": "Internal server error."}),
    # agents.md §4.6 delete-action
    ("delete-action-404", "DELETE /agents/{agent_id}/actions/{action_id}", 404,
     {"success": False, "message": "Action not found"}),
    ("delete-action-401", "DELETE /agents/{agent_id}/actions/{action_id}", 401,
     {"success": False, "message": "Unauthenticated."}),
    ("delete-action-403", "DELETE /agents/{agent_id}/actions/{action_id}", 403,
     {"success": False, "message": "You are not authorized to delete actions for this agent."}),
    ("delete-action-500", "DELETE /agents/{agent_id}/actions/{action_id}", 500,
     {"success": False, "message": "Internal server error."}),
    # agents.md §5.2 create-webhook (overview.md E4, E5)
    ("create-webhook-401", "POST /agents/{agent_id}/webhooks", 401,
     {"message": "Missing Bearer Token"}),
    ("create-webhook-404", "POST /agents/{agent_id}/webhooks", 404,
     {"success": False, "message": "Agent not found in this environment."}),
    ("create-webhook-422", "POST /agents/{agent_id}/webhooks", 422,
     {"message": "The given data was invalid.",
      "errors": {"webhook_url": ["The webhook url field is required."],
                 "events": ["The events field must contain at least 1 items."]}}),
    # agents.md §5.6 test-webhook
    ("test-webhook-401", "POST /agents/{agent_id}/webhooks/{webhook_id}/test", 401,
     {"message": "Missing Bearer Token"}),
    ("test-webhook-404-agent", "POST /agents/{agent_id}/webhooks/{webhook_id}/test", 404,
     {"success": False, "message": "Agent not found in this environment."}),
    ("test-webhook-404-webhook", "POST /agents/{agent_id}/webhooks/{webhook_id}/test", 404,
     {"success": False, "message": "Webhook not found."}),
    # agents.md §5.8 retry-webhook-log
    ("retry-webhook-log-422", "POST /agents/{agent_id}/webhooks/{webhook_id}/logs/{log_id}/retry",
     422, {"success": False, "message": "Log cannot be retried", "code": "LOG_NOT_RETRIABLE"}),
    # agents.md §6.1, §6.5 callbacks
    ("set-callback-422", "POST /agents/{agent_id}/callback", 422,
     {"success": False, "message": "Agent must have direction=inbound to serve as a callback",
      "code": "INVALID_AGENT_DIRECTION"}),
    ("get-callback-agent-404", "GET /callback-agents/{agent_id}", 404,
     {"success": False, "message": "Agent is not configured as a callback agent"}),
    # agents.md §7.2 generate-voice-demo
    ("voice-demo-404", "GET /voice-templates/{voice_template_id}/demo", 404,
     {"success": False, "message": "Voice template not found"}),
    ("voice-demo-401", "GET /voice-templates/{voice_template_id}/demo", 401,
     {"success": False, "message": "Unauthorized"}),
    ("voice-demo-500", "GET /voice-templates/{voice_template_id}/demo", 500,
     {"error": "Failed to generate demo audio"}),
    # calls-campaigns.md §2.4 end-call
    ("end-call-404", "POST /agents/{agent_id}/end-call", 404,
     {"success": False, "message": "Call not found for this agent"}),
    ("end-call-409", "POST /agents/{agent_id}/end-call", 409,
     {"success": False, "message": "Call is not active", "code": "CALL_NOT_ACTIVE"}),
    # calls-campaigns.md §2.9 delete-campaign
    ("delete-campaign-404", "DELETE /campaigns/{campaign_id}", 404,
     {"success": False, "message": "Campaign not found"}),
    ("delete-campaign-401", "DELETE /campaigns/{campaign_id}", 401,
     {"success": False, "message": "Unauthorized"}),
    ("delete-campaign-403", "DELETE /campaigns/{campaign_id}", 403,
     {"success": False, "message": "Cannot delete active campaign"}),
    ("delete-campaign-409", "DELETE /campaigns/{campaign_id}", 409,
     {"success": False, "message": "Campaign has active calls in progress"}),
    ("delete-campaign-500", "DELETE /campaigns/{campaign_id}", 500,
     {"success": False, "message": "Internal server error."}),
    # calls-campaigns.md §2.11 make-campaign-call (body cut off after the existing call)
    ("campaign-call-409", "POST /campaigns/{campaign_id}/call", 409,
     {"success": False, "message": ANY, "details": {"existing_call": ANY}}),
    # calls-campaigns.md §2.21-2.23 SFTP
    ("update-sftp-422", "PUT /campaigns/{campaign_id}/sftp", 422,
     {"success": False, "message": "Run a successful test connection before enabling SFTP",
      "code": "SFTP_TEST_REQUIRED"}),
    ("test-sftp-failure", "POST /campaigns/{campaign_id}/sftp/test-connection", None,
     {"success": False, "message": "SFTP connection failed",
      "data": {"tested_at": ANY, "error": "Authentication failed"}}),
    ("trigger-import-409", "POST /campaigns/{campaign_id}/sftp/trigger-import", 409,
     {"success": False, "message": "An SFTP import is already in progress",
      "code": "SFTP_IMPORT_IN_PROGRESS"}),
    # platform.md §1.2, §1.3 flows
    ("update-flow-422", "PUT /agents/{agent_id}/flow", 422,
     {"success": False, "message": "Flow validation failed", "errors": TEXTS}),
    ("validate-flow-invalid", "POST /agents/{agent_id}/flow/validate", None,
     {"success": False, "errors": TEXTS}),
    # platform.md §2.4-2.9 SIP trunks
    ("delete-trunk-409", "DELETE /sip-trunks/{trunk_id}", 409,
     {"success": False,
      "message": "Trunk still has DIDs attached. Delete DIDs before deleting the trunk.",
      "code": "TRUNK_HAS_DIDS"}),
    ("verify-trunk-failure", "POST /sip-trunks/{trunk_id}/verify", None,
     {"success": False, "data": {"is_verified": False, "health_status": "unhealthy",
                                 "error": "Authentication failed (401)"}}),
    ("create-did-409", "POST /sip-trunks/{trunk_id}/dids", 409,
     {"success": False, "message": "This number is already registered in your environment",
      "code": "DID_ALREADY_EXISTS"}),
    ("delete-did-409", "DELETE /sip-trunks/{trunk_id}/dids/{phone_number_id}", 409,
     {"success": False, "message": "DID is still assigned to active agents", "code": "DID_IN_USE"}),
    # platform.md §3.4, §4.2 billing
    ("test-topup-422", "POST /auto-topup/test", 422,
     {"success": False, "message": "Auto topup is not configured",
      "code": "AUTO_TOPUP_NOT_CONFIGURED"}),
    ("test-topup-402", "POST /auto-topup/test", 402,
     {"success": False, "message": "Payment method declined", "code": "PAYMENT_FAILED",
      "details": {"decline_reason": "insufficient_funds"}}),
    ("purchase-402", "POST /credits/purchase", 402,
     {"success": False, "message": "Payment method declined", "code": "PAYMENT_FAILED"}),
]  # fmt: skip

# Documented, but with no status and no endpoint: cannot be asked of any route.
NOT_REPRODUCIBLE = {
    "introduction-E1": (
        "overview.md §2.2: {success: false, error: {code: INVALID_API_KEY, ...}}, status not "
        "stated and shown by no endpoint (error_style='nested' gives the shape with "
        "INVALID_TOKEN)"
    ),
}

# The fake's status where the docs show none (unknowns.py: status.functional_failure,
# status.flow_validation).
UNSTATED_STATUS = {"test-sftp-failure": 200, "verify-trunk-failure": 200, "validate-flow-invalid": 422}

Driver = Callable[[LoopbackApi, FakeTalkover], Awaitable[Resp]]
DRIVERS: dict[str, Driver] = {}


def drives(name: str) -> Callable[[Driver], Driver]:
    def register(fn: Driver) -> Driver:
        DRIVERS[name] = fn
        return fn

    return register


async def _ok(resp: Resp) -> Resp:
    assert resp.status in (200, 201), resp
    return resp


async def _agent(api: LoopbackApi, **over: Any) -> str:
    return str((await _ok(await api.post("/agents", {**AGENT_BODY, **over}))).data["id"])


async def _training(api: LoopbackApi, agent_id: str) -> str:
    resp = await api.post(f"/agents/{agent_id}/trainings", {"subject": "Hi", "instructions": "x"})
    return str((await _ok(resp)).data["id"])


async def _action(api: LoopbackApi, agent_id: str) -> str:
    body = {"node_id": "n1", "name": "crm", "description": "look up", "type": "hold"}
    return str((await _ok(await api.post(f"/agents/{agent_id}/actions", body))).data["id"])


@drives("delete-agent-404")
async def _d1(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    return await api.delete("/agents/nope")


@drives("delete-agent-401")
async def _d2(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    return await api.delete(f"/agents/{await _agent(api)}", token="talq_wrong")


@drives("delete-agent-403")
async def _d3(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    agent_id = await _agent(api)
    fake.scope(TOKEN, ["read"])
    return await api.delete(f"/agents/{agent_id}")


@drives("delete-agent-409")
async def _d4(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    agent = fake.seed_agent()
    await _ok(await api.post(f"/agents/{agent.id}/call", {"to": "+14155550100"}))
    await _ok(await api.post(f"/agents/{agent.id}/unpublish"))
    return await api.delete(f"/agents/{agent.id}")


def _delete_child(kind: str) -> None:
    make = _training if kind == "trainings" else _action

    @drives(f"delete-{kind[:-1]}-404")
    async def not_found(api: LoopbackApi, fake: FakeTalkover) -> Resp:
        return await api.delete(f"/agents/{await _agent(api)}/{kind}/nope")

    @drives(f"delete-{kind[:-1]}-401")
    async def unauthenticated(api: LoopbackApi, fake: FakeTalkover) -> Resp:
        agent_id = await _agent(api)
        return await api.delete(f"/agents/{agent_id}/{kind}/{await make(api, agent_id)}", token=None)

    @drives(f"delete-{kind[:-1]}-403")
    async def forbidden(api: LoopbackApi, fake: FakeTalkover) -> Resp:
        agent_id = await _agent(api)
        child = await make(api, agent_id)
        fake.scope(TOKEN, ["read"])
        return await api.delete(f"/agents/{agent_id}/{kind}/{child}")

    @drives(f"delete-{kind[:-1]}-500")
    async def server_error(api: LoopbackApi, fake: FakeTalkover) -> Resp:
        agent_id = await _agent(api)
        child = await make(api, agent_id)
        fake.faults.add(f"DELETE /agents/{{agent_id}}/{kind}/{{id}}", faults.server_error())
        return await api.delete(f"/agents/{agent_id}/{kind}/{child}")


_delete_child("trainings")
_delete_child("actions")


@drives("create-webhook-401")
async def _w1(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    return await api.post(f"/agents/{await _agent(api)}/webhooks", {}, token=None)


@drives("create-webhook-404")
async def _w2(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    body = {"name": "crm", "webhook_url": "http://127.0.0.1:9/h", "events": ["webhook.test"]}
    return await api.post("/agents/nope/webhooks", body)


@drives("create-webhook-422")
async def _w3(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    return await api.post(f"/agents/{await _agent(api)}/webhooks", {"name": "crm", "events": []})


async def _hook(api: LoopbackApi, agent_id: str) -> str:
    body = {
        "name": "crm",
        "webhook_url": "http://127.0.0.1:9/hooks",
        "events": ["event_phone_call_ended"],
        "max_retries": 0,
    }
    return str((await _ok(await api.post(f"/agents/{agent_id}/webhooks", body))).data["id"])


@drives("test-webhook-401")
async def _w4(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    agent_id = await _agent(api)
    return await api.post(f"/agents/{agent_id}/webhooks/{await _hook(api, agent_id)}/test", token=None)


@drives("test-webhook-404-agent")
async def _w5(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    agent_id = await _agent(api)
    hook_id = await _hook(api, agent_id)
    return await api.post(f"/agents/{agent_id}/webhooks/{hook_id}/test", token=OTHER)


@drives("test-webhook-404-webhook")
async def _w6(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    return await api.post(f"/agents/{await _agent(api)}/webhooks/nope/test")


@drives("retry-webhook-log-422")
async def _w7(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    async def sink(url: str, headers: Any, body: bytes) -> int:
        return 200

    fake.webhook_sink = sink
    agent_id = await _agent(api)
    hook_id = await _hook(api, agent_id)
    await _ok(await api.post(f"/agents/{agent_id}/webhooks/{hook_id}/test"))
    log_id = (await api.get(f"/agents/{agent_id}/webhooks/{hook_id}/logs")).data[0]["id"]
    return await api.post(f"/agents/{agent_id}/webhooks/{hook_id}/logs/{log_id}/retry")


@drives("set-callback-422")
async def _c1(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    source = await _agent(api)
    target = await _agent(api, name="Not inbound")
    return await api.post(f"/agents/{target}/callback", {"source_agent_ids": [source]})


@drives("get-callback-agent-404")
async def _c2(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    return await api.get(f"/callback-agents/{await _agent(api)}")


@drives("voice-demo-404")
async def _v1(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    return await api.get("/voice-templates/nope/demo")


def _template_id() -> str:
    from talkover_async.testing import EMMA

    return EMMA


@drives("voice-demo-401")
async def _v2(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    return await api.get(f"/voice-templates/{_template_id()}/demo", token="talq_wrong")


@drives("voice-demo-500")
async def _v3(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    fake.faults.add("GET /voice-templates/{id}/demo", faults.server_error())
    return await api.get(f"/voice-templates/{_template_id()}/demo")


@drives("end-call-404")
async def _e1(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    agent = fake.seed_agent()
    return await api.post(f"/agents/{agent.id}/end-call", {"call_sid": "nope"})


@drives("end-call-409")
async def _e2(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    agent = fake.seed_agent()
    call = (await api.post(f"/agents/{agent.id}/call", {"to": "+14155550100"})).data
    await fake.advance(600)
    return await api.post(f"/agents/{agent.id}/end-call", {"call_sid": call["id"]})


async def _campaign(api: LoopbackApi, fake: FakeTalkover, **over: Any) -> tuple[str, str]:
    agent = fake.seed_agent()
    resp = await _ok(await api.post("/campaigns", campaign_body(agent.id, **over)))
    return agent.id, str(resp.data["id"])


@drives("delete-campaign-404")
async def _k1(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    return await api.delete("/campaigns/nope")


@drives("delete-campaign-401")
async def _k2(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    _, campaign_id = await _campaign(api, fake)
    return await api.delete(f"/campaigns/{campaign_id}", token="talq_wrong")


@drives("delete-campaign-403")
async def _k3(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    _, campaign_id = await _campaign(api, fake)
    await _ok(await api.patch(f"/campaigns/{campaign_id}/status", {"status": "active"}))
    return await api.delete(f"/campaigns/{campaign_id}")


@drives("delete-campaign-409")
async def _k4(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    campaign = fake.seed_campaign(fake.seed_agent().id, status="active")
    fake.set_call_outcome("+14155550100", "completed", talk_seconds=600)
    assert (await api.post(f"/campaigns/{campaign.id}/call", {"to": "+14155550100"})).status == 201
    await fake.advance(10)  # dialled and answered: a live call
    await _ok(await api.patch(f"/campaigns/{campaign.id}/status", {"status": "paused"}))
    return await api.delete(f"/campaigns/{campaign.id}")


@drives("delete-campaign-500")
async def _k5(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    _, campaign_id = await _campaign(api, fake)
    fake.faults.add("DELETE /campaigns/{campaign_id}", faults.server_error())
    return await api.delete(f"/campaigns/{campaign_id}")


@drives("campaign-call-409")
async def _k6(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    _, campaign_id = await _campaign(api, fake)
    await api.post(f"/campaigns/{campaign_id}/call", {"to": "+14155550100"})
    return await api.post(f"/campaigns/{campaign_id}/call", {"to": "+14155550100"})


SFTP = {"host": "sftp.example.com", "username": "u", "auth_type": "password", "password": "p"}


@drives("update-sftp-422")
async def _s1(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    _, campaign_id = await _campaign(api, fake)
    await _ok(await api.post(f"/campaigns/{campaign_id}/sftp", SFTP))
    return await api.put(f"/campaigns/{campaign_id}/sftp", {"is_enabled": True})


@drives("test-sftp-failure")
async def _s2(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    _, campaign_id = await _campaign(api, fake)
    await _ok(await api.post(f"/campaigns/{campaign_id}/sftp", {**SFTP, "password": "wrong"}))
    return await api.post(f"/campaigns/{campaign_id}/sftp/test-connection")


@drives("trigger-import-409")
async def _s3(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    _, campaign_id = await _campaign(api, fake)
    await _ok(await api.post(f"/campaigns/{campaign_id}/sftp", SFTP))
    await _ok(await api.post(f"/campaigns/{campaign_id}/sftp/trigger-import"))
    return await api.post(f"/campaigns/{campaign_id}/sftp/trigger-import")


BROKEN_FLOW = {"initial_node_id": "node-greet", "nodes": [{"id": "node-end", "type": "end"}]}


@drives("update-flow-422")
async def _f1(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    body = {"conversation_mode": "flow_driven", "flow_config": BROKEN_FLOW}
    return await api.put(f"/agents/{await _agent(api)}/flow", body)


@drives("validate-flow-invalid")
async def _f2(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    return await api.post(f"/agents/{await _agent(api)}/flow/validate", {"flow_config": BROKEN_FLOW})


TRUNK = {"name": "Carrier", "provider_name": "x", "domain": "sip.example.com", "username": "u",
         "password": "p"}  # fmt: skip


async def _trunk(api: LoopbackApi) -> str:
    return str((await _ok(await api.post("/sip-trunks", TRUNK))).data["id"])


async def _did(api: LoopbackApi, trunk_id: str) -> str:
    body = {"country_code": "US", "number": "+15551234567"}
    return str((await _ok(await api.post(f"/sip-trunks/{trunk_id}/dids", body))).data["id"])


@drives("delete-trunk-409")
async def _t1(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    trunk_id = await _trunk(api)
    await _did(api, trunk_id)
    return await api.delete(f"/sip-trunks/{trunk_id}")


@drives("verify-trunk-failure")
async def _t2(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    trunk_id = await _trunk(api)
    fake.fail_trunk(trunk_id)
    return await api.post(f"/sip-trunks/{trunk_id}/verify")


@drives("create-did-409")
async def _t3(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    trunk_id = await _trunk(api)
    await _did(api, trunk_id)
    return await api.post(f"/sip-trunks/{trunk_id}/dids", {"country_code": "US", "number": "+15551234567"})


@drives("delete-did-409")
async def _t4(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    trunk_id = await _trunk(api)
    did_id = await _did(api, trunk_id)
    agent = fake.seed_agent()
    await _ok(await api.put(f"/agents/{agent.id}/calling", {"direction": "outbound", "phone_number_ids": [did_id]}))
    return await api.delete(f"/sip-trunks/{trunk_id}/dids/{did_id}")


@drives("test-topup-422")
async def _b1(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    return await api.post("/auto-topup/test")


@drives("test-topup-402")
async def _b2(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    settings = {"is_enabled": True, "threshold_amount": 10, "recharge_amount": 50}
    await _ok(await api.put("/auto-topup/settings", settings))
    fake.decline_payments("insufficient_funds")
    return await api.post("/auto-topup/test")


@drives("purchase-402")
async def _b3(api: LoopbackApi, fake: FakeTalkover) -> Resp:
    fake.decline_payments("insufficient_funds")
    return await api.post("/credits/purchase", {"amount": 25}, token=SESSION_TOKEN)


SESSION_TOKEN = SESSION


@pytest.fixture(params=["honest", "vary-1", "vary-2"])
def fake(request: pytest.FixtureRequest) -> FakeTalkover:
    """Documented bodies are sent as documented in every mode (vary never touches them)."""
    mode, _, seed = request.param.partition("-")
    fake = FakeTalkover(TOKEN, account_token=SESSION, seed=int(seed or 7), unknowns=mode)
    fake.add_environment(OTHER)
    return fake


def matches(expected: Any, actual: Any) -> bool:
    if expected is ANY:
        return True
    if expected is TEXTS:
        return isinstance(actual, list) and bool(actual) and all(isinstance(x, str) for x in actual)
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and list(expected) == list(actual)
            and all(matches(expected[k], actual[k]) for k in expected)
        )
    return bool(expected == actual) and type(expected) is type(actual)


def test_every_example_has_a_driver() -> None:
    assert [e[0] for e in EXAMPLES] == list(dict.fromkeys(e[0] for e in EXAMPLES))
    assert sorted(DRIVERS) == sorted(e[0] for e in EXAMPLES)
    # 44 examples with an endpoint (+1 introduction example without status or endpoint)
    assert len(EXAMPLES) == 44 and len(NOT_REPRODUCIBLE) == 1


@pytest.mark.parametrize(
    ("name", "endpoint", "status", "body"), EXAMPLES, ids=[e[0] for e in EXAMPLES]
)
async def test_documented_error_example(
    loopback: LoopbackApi, fake: FakeTalkover, name: str, endpoint: str, status: int | None, body: Any
) -> None:
    resp = await DRIVERS[name](loopback, fake)
    # where the docs give no status, the fake's choice is in unknowns.py
    assert resp.status == (status or UNSTATED_STATUS[name]), resp
    assert matches(body, resp.json), (resp.json, body)
    last = fake.journal.last
    assert f"{last.method} {last.route}" == endpoint
