"""serve_fake, the demo environment, route coverage and robustness of every route."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import pytest

from talkover_async.testing import FakeTalkover, serve_fake

from .conftest import SESSION, TOKEN, Api

DOCUMENTED = Path(__file__).parent.parent / "data" / "documented_endpoints.txt"


async def test_serve_fake_yields_a_loopback_base_url(fake: FakeTalkover) -> None:
    async with serve_fake(fake) as base_url:
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/api/v1")
        async with aiohttp.ClientSession() as session:
            async with session.get(
                f"{base_url}/agents", headers={"Authorization": f"Bearer {TOKEN}"}
            ) as r:
                assert r.status == 200
                assert r.headers["Content-Type"] == "application/json"
                assert (await r.json())["meta"]["total"] == 0
            root = base_url.removesuffix("/api/v1")
            async with session.get(
                f"{root}/api/user", headers={"Authorization": f"Bearer {SESSION}"}
            ) as r:
                assert r.status == 200
    # the port is released: connecting fails now
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.get(f"{base_url}/agents")


async def test_serve_fake_strict_override(fake: FakeTalkover) -> None:
    async with (
        serve_fake(fake, strict=False) as base_url,
        aiohttp.ClientSession() as session,
        session.get(f"{base_url}/nope") as r,
    ):
        assert r.status == 404
    assert fake.unexpected() == []


async def test_demo_environment(fake: FakeTalkover) -> None:
    demo = FakeTalkover.demo(token=TOKEN)
    api = Api(demo)
    agent = (await api.get("/agents/demo")).data
    assert agent["current_status"] == "published" and agent["direction"] == "outbound"
    assert agent["voice"]["name"] == "Emma" and len(agent["phone_numbers"]) == 1
    call = await api.post("/agents/demo/call", {"to": "+14155550100"})
    assert call.status == 200
    assert (await api.get("/campaigns/demo")).data["agent_id"] == "demo"


def test_every_documented_endpoint_has_a_route() -> None:
    documented = {
        line.split("#")[0].strip().replace("ROOT/", "/api/")
        for line in DOCUMENTED.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert set(FakeTalkover().routes()) == documented


def test_each_endpoint_is_routed_once_in_a_module_named_for_its_area() -> None:
    from talkover_async.resources import base
    from talkover_async.testing import routes as route_package
    from talkover_async.testing.routes import TABLES

    served = FakeTalkover().routes()
    assert len(served) == len(set(served))
    resources = {p.stem for p in Path(base.__file__).parent.glob("*.py")} - {"__init__", "base"}
    modules = {p.stem for p in Path(route_package.__file__).parent.glob("*.py")} - {"__init__"}
    # the fake's area names are the client's (webhooks: both `agents.webhooks` and
    # `campaigns.webhooks`); nested areas may live in their parent's module
    assert modules - {"webhooks"} <= resources, sorted(modules - resources)
    assert len(TABLES) == len(modules)


def test_seeded_ids_are_reproducible() -> None:
    a, b = FakeTalkover(seed=3), FakeTalkover(seed=3)
    assert a.seed_agent().id == b.seed_agent().id
    assert FakeTalkover().seed_agent().id != FakeTalkover().seed_agent().id


def _fill(template: str, ids: dict[str, str]) -> str:
    for name, value in ids.items():
        template = template.replace("{" + name + "}", value)
    return template


BODIES: list[Any] = [
    None,
    {},
    {"to": 5, "name": ["x"], "events": "x", "status": None},
    {"page": "x"},
]


@pytest.mark.parametrize("body", BODIES, ids=["none", "empty", "wrong-types", "junk"])
async def test_no_route_fails_internally(body: Any) -> None:
    fake = FakeTalkover(TOKEN, account_token=SESSION)
    agent = fake.seed_agent()
    campaign = fake.seed_campaign(agent.id)
    ids = {
        "agent_id": agent.id,
        "campaign_id": campaign.id,
        "webhook_id": "w",
        "log_id": "l",
        "training_id": "t",
        "action_id": "a",
        "trunk_id": "s",
        "phone_number_id": "p",
        "token_id": "1",
        "voice_template_id": "v",
    }
    api = Api(fake)
    for key in fake.routes():
        method, template = key.split(" ", 1)
        token = SESSION if template.startswith(("/credits", "/user", "/api/user")) else TOKEN
        resp = await api(method, _fill(template, ids), body, token=token, query={"per_page": "x"})
        assert resp.status < 500, (key, resp)
        assert resp.json is not None, key
    assert fake.internal_errors == []


async def test_sdk_client_in_process_and_over_loopback(fake: FakeTalkover) -> None:
    sdk = pytest.importorskip("talkover_async")
    transports = pytest.importorskip("talkover_async.transports")
    agent = fake.seed_agent()
    client = sdk.AsyncTalkover(TOKEN, transport=transports.MockTransport(fake), env={})
    async with client:
        call = await client.agents.call(agent.id, to="+14155550100", context={"k": 1})
        assert call.status == "initiated"
    async with (
        serve_fake(fake) as base_url,
        sdk.AsyncTalkover(TOKEN, base_url=base_url, env={}) as client,
    ):
        page = await client.calls.list()
        assert [c.id for c in page.items] == [call.id]
        with pytest.raises(sdk.NotFoundError):
            await client.agents.get("nope")


async def test_realtime_clock_catches_up_on_requests() -> None:
    fake = FakeTalkover(TOKEN, realtime=True)
    agent = fake.seed_agent()
    api = Api(fake)
    elapsed = iter([0.0, 100.0])
    fake.clock.wall_elapsed = lambda: next(elapsed)  # type: ignore[method-assign]
    await api.post(f"/agents/{agent.id}/call", {"to": "+14155550100"})
    assert fake.calls[0].status == "initiated"
    await api.get("/calls")  # 100 real seconds later
    assert fake.calls[0].status == "completed"
    assert fake.clock.time == 100.0
