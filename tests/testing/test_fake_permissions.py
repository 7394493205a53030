"""Token abilities (personal access tokens as documented, environment tokens as the fake's
option) and the documented 500 fault."""

from __future__ import annotations

import pytest

from talkover_async.testing import FakeTalkover, faults
from talkover_async.testing.faults import ServerError, kind_name, parse_kind

from .conftest import OTHER, SESSION, TOKEN, Api, error_shape


async def _pat(api: Api, abilities: list[str] | None) -> str:
    body: dict[str, object] = {"name": "ci"}
    if abilities is not None:
        body["abilities"] = abilities
    created = await api.post("/user/api-tokens", body, token=SESSION)
    assert created.status in (200, 201), created
    return str(created.data["token"])


async def test_a_read_token_reads_and_nothing_else(api: Api) -> None:
    read = await _pat(api, ["read"])
    assert (await api.get("/credits/balance", token=read)).status == 200
    assert (await api.get("/user/api-tokens", token=read)).status == 200
    bought = await api.post("/credits/purchase", {"amount": 10}, token=read)
    assert bought.status == 403
    assert bought.json == {
        "success": False,
        "message": "You are not authorized to perform this action.",
    }
    listed = (await api.get("/user/api-tokens", token=SESSION)).data
    revoke = await api.delete(f"/user/api-tokens/{listed[0]['id']}", token=read)
    assert revoke.status == 403
    # the token routes' bodies carry no `success` (E5, like their 401 and 404)
    assert revoke.json == {"message": "You are not authorized to perform this action."}
    assert (await api.post("/user/api-tokens", {"name": "x"}, token=read)).status == 403
    assert api.fake.account.balance == 100.0  # nothing was bought


@pytest.mark.parametrize("abilities", [None, ["*"]])
async def test_full_access_tokens_can_do_everything(api: Api, abilities: list[str] | None) -> None:
    full = await _pat(api, abilities)
    assert (await api.post("/credits/purchase", {"amount": 10}, token=full)).status == 200
    listed = (await api.get("/user/api-tokens", token=full)).data
    assert listed[0]["abilities"] == ["*"]
    assert (await api.delete(f"/user/api-tokens/{listed[0]['id']}", token=full)).status == 200
    assert (await api.get("/credits/balance", token=full)).status == 401  # revoked


async def test_scoped_environment_tokens(api: Api, fake: FakeTalkover) -> None:
    agent = fake.seed_agent()
    fake.scope(TOKEN, ["read", "POST /agents/{agent_id}/call"])
    assert (await api.get(f"/agents/{agent.id}")).status == 200
    assert (await api.post(f"/agents/{agent.id}/call", {"to": "+14155550100"})).status == 200
    refused = await api.post(f"/agents/{agent.id}/unpublish")
    assert refused.status == 403 and refused.json["success"] is False
    training = await api.delete(f"/agents/{agent.id}/trainings/t1")
    assert training.json == {
        "success": False,
        "message": "You are not authorized to delete training for this agent.",
    }
    entry = fake.journal.last
    assert (entry.status, entry.processed) == (403, False)
    assert (await api.delete(f"/agents/{agent.id}/actions/a1")).json["message"] == (
        "You are not authorized to delete actions for this agent."
    )
    # the other environment is not scoped; None lifts the scope
    assert (await api.post("/agents", {}, token=OTHER)).status == 422
    fake.scope(TOKEN, None)
    assert (await api.post(f"/agents/{agent.id}/unpublish")).status == 200


def test_scopes_at_construction() -> None:
    fake = FakeTalkover(TOKEN, abilities=["read"])
    assert fake.state().abilities == ("read",)
    other = fake.add_environment(OTHER, abilities=[])
    assert other.abilities == ()


async def test_an_empty_scope_forbids_even_reads() -> None:
    fake = FakeTalkover(TOKEN, abilities=[])
    resp = await Api(fake).get("/agents")
    assert resp.status == 403


async def test_server_error_fault_sends_each_documented_500_body(api: Api, fake: FakeTalkover) -> None:
    agent = fake.seed_agent()
    fake.faults.add("GET /agents/{agent_id}", faults.server_error())
    resp = await api.get(f"/agents/{agent.id}")
    assert resp.status == 500
    assert resp.json == {"success": False, "message": "Internal server error."}  # error.500
    assert fake.journal.last.fault == "server_error" and not fake.journal.last.processed
    fake.faults.add("GET /voice-templates/{id}/demo", faults.server_error())
    demo = await api.get("/voice-templates/whatever/demo")
    assert (demo.status, demo.json) == (500, {"error": "Failed to generate demo audio"})
    campaign = fake.seed_campaign(agent.id)
    fake.faults.add("DELETE /campaigns/{id}", faults.server_error(processed=True))
    gone = await api.delete(f"/campaigns/{campaign.id}")
    assert gone.json == {"success": False, "message": "Internal server error."}
    assert campaign.id not in fake.state().campaigns  # processed, then the 500


def test_server_error_kind_by_name() -> None:
    kind = parse_kind("server_error")
    assert isinstance(kind, ServerError) and kind_name(kind) == "server_error"


async def test_server_error_bodies_vary_where_undocumented() -> None:
    bodies = set()
    for seed in range(8):
        fake = FakeTalkover(TOKEN, seed=seed, unknowns="vary")
        fake.faults.add("GET /agents", faults.server_error(), times=None)
        fake.faults.add("GET /voice-templates/{id}/demo", faults.server_error(), times=None)
        api = Api(fake)
        body = (await api.get("/agents")).json
        bodies.add(error_shape(body))
        if "code" in body:
            assert body["code"] == "SERVER_ERROR"
        demo = await api.get("/voice-templates/x/demo")
        assert demo.json == {"error": "Failed to generate demo audio"}
    assert bodies == {"E1", "E2", "E3"}


async def test_server_error_on_the_token_routes_is_e5(inproc: Api, fake: FakeTalkover) -> None:
    fake.faults.add("GET /user/api-tokens", faults.server_error())
    failed = await inproc.get("/user/api-tokens", token=SESSION)
    assert failed.status == 500 and failed.json == {"message": "Internal server error."}


async def test_a_permission_403_on_delete_campaign_is_not_its_documented_state_403() -> None:
    """delete-campaign documents a 403 for an active campaign (sent exactly); a 403 for the
    token's abilities is undocumented there, so `vary` draws its shape."""
    shapes: set[str] = set()
    for seed in range(8):
        fake = FakeTalkover(TOKEN, seed=seed, unknowns="vary")
        api = Api(fake)
        campaign = fake.seed_campaign(fake.seed_agent().id, status="active")
        refused = await api.delete(f"/campaigns/{campaign.id}")
        assert refused.json == {"success": False, "message": "Cannot delete active campaign"}
        fake.scope(TOKEN, ["read"])
        body = (await api.delete(f"/campaigns/{campaign.id}")).json
        shapes.add(error_shape(body))
        assert (body.get("code") or body.get("error", {}).get("code", "UNAUTHORIZED")) == (
            "UNAUTHORIZED"
        )
    assert shapes == {"E1", "E2", "E3"}
