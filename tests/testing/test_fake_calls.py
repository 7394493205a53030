"""Calls in the fake: placing, progress on the virtual clock, outcomes, ending, listing."""

from __future__ import annotations

import pytest

from talkover_async.testing import FakeTalkover

from .conftest import Api


@pytest.fixture
def agent_id(fake: FakeTalkover) -> str:
    return fake.seed_agent().id


async def test_make_call_answers_the_documented_body(api: Api, agent_id: str) -> None:
    resp = await api.post(
        f"/agents/{agent_id}/call",
        {"to": "+14155550100", "payload": {"name": "Ana"}, "context": {"lead": 42}},
    )
    assert resp.status == 200
    assert list(resp.json) == ["success", "data"]
    assert list(resp.data) == ["id", "agent_id", "to", "status", "created_at"]
    assert resp.data["status"] == "initiated"
    assert resp.data["agent_id"] == agent_id


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "to"),
        ({"to": "4155550100"}, "to"),
        ({"to": "+0155550100"}, "to"),
        ({"to": "+1415"}, "to"),
        ({"to": "+1415555010012345"}, "to"),
        ({"to": "+14155550100", "delay_seconds": 3601}, "delay_seconds"),
        ({"to": "+14155550100", "delay_seconds": -1}, "delay_seconds"),
        ({"to": "+14155550100", "context": "nope"}, "context"),
        ({"to": "+14155550100", "is_testing": "yes"}, "is_testing"),
    ],
)
async def test_make_call_validation(api: Api, agent_id: str, body: dict, field: str) -> None:
    resp = await api.post(f"/agents/{agent_id}/call", body)
    assert resp.status == 422
    assert field in resp.json["errors"]
    assert "code" not in resp.json  # E4: the pages never show VALIDATION_ERROR in a body


async def test_unpublished_and_inbound_agents_cannot_call(api: Api, fake: FakeTalkover) -> None:
    draft = fake.seed_agent(published=False)
    resp = await api.post(f"/agents/{draft.id}/call", {"to": "+14155550100"})
    assert resp.status == 400
    assert "code" not in resp.json and resp.json["success"] is False
    inbound = fake.seed_agent(direction="inbound")
    resp = await api.post(f"/agents/{inbound.id}/call", {"to": "+14155550100"})
    assert resp.status == 400
    assert "code" not in resp.json and resp.json["success"] is False
    missing = await api.post("/agents/nope/call", {"to": "+14155550100"})
    assert missing.status == 404
    assert fake.calls == []


async def test_no_credits_means_402_except_for_test_calls(
    api: Api, fake: FakeTalkover, agent_id: str
) -> None:
    fake.account.balance = 0
    resp = await api.post(f"/agents/{agent_id}/call", {"to": "+14155550100"})
    assert resp.status == 402
    assert "code" not in resp.json and resp.json["success"] is False
    test_call = await api.post(
        f"/agents/{agent_id}/call", {"to": "+14155550100", "is_testing": True}
    )
    assert test_call.status == 200
    assert fake.calls[0].is_testing is True


async def test_call_progresses_on_the_virtual_clock(
    api: Api, fake: FakeTalkover, agent_id: str
) -> None:
    resp = await api.post(f"/agents/{agent_id}/call", {"to": "+14155550100"})
    call = fake.state().calls[resp.data["id"]]
    seen = [call.status]
    for _ in range(4):
        await fake.advance(fake.timing.ring_seconds)
        seen.append(call.status)
    await fake.advance(30)
    seen.append(call.status)
    assert seen == ["initiated", "ringing", "answered", "answered", "answered", "completed"]
    assert call.duration == 30
    listed = await api.get("/calls")
    assert listed.data[0]["status"] == "completed"
    assert listed.data[0]["duration"] == 30
    balance_before = 100.0
    assert fake.account.balance == pytest.approx(balance_before - fake.account.price_per_minute)


@pytest.mark.parametrize("outcome", ["busy", "no-answer", "failed"])
async def test_configured_outcomes(
    api: Api, fake: FakeTalkover, agent_id: str, outcome: str
) -> None:
    fake.set_call_outcome("+14155550199", outcome)
    await api.post(f"/agents/{agent_id}/call", {"to": "+14155550199"})
    await api.post(f"/agents/{agent_id}/call", {"to": "+14155550100"})
    await fake.advance(300)
    assert [c.status for c in fake.calls] == [outcome, "completed"]
    assert fake.calls[0].duration == 0


async def test_default_outcome_and_talk_time(api: Api, fake: FakeTalkover, agent_id: str) -> None:
    fake.default_call_outcome = "busy"
    fake.set_call_outcome("+14155550100", "completed", talk_seconds=90)
    await api.post(f"/agents/{agent_id}/call", {"to": "+14155550100"})
    await api.post(f"/agents/{agent_id}/call", {"to": "+14155550101"})
    await fake.advance(1000)
    assert [(c.status, c.duration) for c in fake.calls] == [("completed", 90), ("busy", 0)]
    with pytest.raises(ValueError, match="outcome"):
        fake.set_call_outcome("+1", "voicemail")


async def test_delay_seconds_is_respected(api: Api, fake: FakeTalkover, agent_id: str) -> None:
    await api.post(f"/agents/{agent_id}/call", {"to": "+14155550100", "delay_seconds": 600})
    await fake.advance(600)
    assert fake.calls[0].status == "initiated"
    await fake.advance(fake.timing.dial_seconds)
    assert fake.calls[0].status == "ringing"


async def test_end_call(api: Api, fake: FakeTalkover, agent_id: str) -> None:
    call_id = (await api.post(f"/agents/{agent_id}/call", {"to": "+14155550100"})).data["id"]
    await fake.advance(15)  # rang at 1 s, answered at 6 s
    resp = await api.post(f"/agents/{agent_id}/end-call", {"call_sid": call_id})
    assert resp.status == 200
    assert resp.data == {
        "id": call_id,
        "status": "completed",
        "ended_at": "2025-01-15T09:00:15Z",
        "ended_reason": "ended_by_api",
    }
    assert fake.calls[0].duration == 9
    again = await api.post(f"/agents/{agent_id}/end-call", {"call_sid": call_id})
    assert again.status == 409
    assert again.json == {
        "success": False,
        "message": "Call is not active",
        "code": "CALL_NOT_ACTIVE",
    }
    other_agent = fake.seed_agent()
    wrong = await api.post(f"/agents/{other_agent.id}/end-call", {"call_sid": call_id})
    assert wrong.status == 404
    assert wrong.json == {"success": False, "message": "Call not found for this agent"}
    missing = await api.post(f"/agents/{agent_id}/end-call", {})
    assert missing.status == 422


async def test_list_calls_pagination_and_filters(
    api: Api, fake: FakeTalkover, agent_id: str
) -> None:
    other = fake.seed_agent(name="Other")
    for i in range(23):
        await api.post(f"/agents/{agent_id}/call", {"to": f"+1415555{i:04d}", "is_testing": i == 0})
    await api.post(f"/agents/{other.id}/call", {"to": "+14155559999"})
    resp = await api.get("/calls")
    assert list(resp.json) == ["success", "data", "pagination"]
    assert resp.json["pagination"] == {
        "current_page": 1,
        "last_page": 2,
        "per_page": 20,
        "total": 24,
        "from": 1,
        "to": 20,
    }
    item = resp.data[0]
    assert list(item) == [
        "id",
        "sid",
        "to",
        "to_formatted",
        "from",
        "from_formatted",
        "is_testing",
        "direction",
        "status",
        "duration",
        "agent",
        "created_at",
        "updated_at",
    ]
    assert item["agent"] == {"id": other.id, "name": "Other", "label": "Other"}
    page2 = await api.get("/calls", query={"page": 2})
    assert page2.json["pagination"]["from"] == 21 and page2.json["pagination"]["to"] == 24
    empty = await api.get("/calls", query={"page": 9})
    assert empty.data == [] and empty.json["pagination"]["from"] is None
    assert (await api.get("/calls", query={"per_page": 101})).status == 422
    assert (await api.get("/calls", query={"per_page": 0})).status == 422
    assert (await api.get("/calls", query={"status": "nope"})).status == 422
    assert (await api.get("/calls", query={"date_from": "2025-13-01"})).status == 422
    by_agent = await api.get("/calls", query={"agent_id": other.id})
    assert by_agent.json["pagination"]["total"] == 1
    searched = await api.get("/calls", query={"search": "5550003"})
    assert [c["to"] for c in searched.data] == ["+14155550003"]
    dated = await api.get("/calls", query={"date_from": "2025-01-16"})
    assert dated.json["pagination"]["total"] == 0
    today = await api.get("/calls", query={"date_from": "2025-01-15", "date_to": "2025-01-15"})
    assert today.json["pagination"]["total"] == 24
    await fake.advance(100)
    done = await api.get("/calls", query={"status": "completed", "per_page": 100})
    assert done.json["pagination"]["total"] == 24
    testing = [
        c for c in (await api.get("/calls", query={"per_page": 100})).data if c["is_testing"]
    ]
    assert len(testing) == 1


async def test_agent_calls_list_has_no_agent_object(
    api: Api, fake: FakeTalkover, agent_id: str
) -> None:
    await api.post(f"/agents/{agent_id}/call", {"to": "+14155550100"})
    resp = await api.get(f"/agents/{agent_id}/calls")
    assert resp.status == 200
    assert "agent" not in resp.data[0]
    assert set(resp.json["pagination"]) == {
        "current_page",
        "last_page",
        "per_page",
        "total",
        "from",
        "to",
    }
    assert (await api.get("/agents/nope/calls")).status == 404
