"""Campaigns in the fake: CRUD, the status machine, campaign calls and duplicates, SFTP."""

from __future__ import annotations

import itertools

import pytest

from talkover_async.testing import FakeTalkover

from .conftest import Api, campaign_body

STATUSES = ["draft", "active", "paused", "completed", "cancelled"]
ALLOWED = {
    ("draft", "active"),
    ("draft", "cancelled"),
    ("active", "paused"),
    ("active", "completed"),
    ("active", "cancelled"),
    ("paused", "active"),
    ("paused", "completed"),
    ("paused", "cancelled"),
}


@pytest.fixture
def agent_id(fake: FakeTalkover) -> str:
    return fake.seed_agent().id


async def make_campaign(api: Api, agent_id: str, **overrides: object) -> dict:
    resp = await api.post("/campaigns", campaign_body(agent_id, **overrides))
    assert resp.status in (200, 201), resp
    return resp.data  # type: ignore[no-any-return]


async def test_create_campaign_shape_and_defaults(api: Api, agent_id: str) -> None:
    campaign = await make_campaign(api, agent_id)
    assert list(campaign) == [
        "id",
        "name",
        "description",
        "campaign_type",
        "status",
        "agent_id",
        "start_date",
        "end_date",
        "days_of_week",
        "call_time_ranges",
        "timezone",
        "max_retries",
        "retry_cooldown_hours",
        "do_not_call_enabled",
        "created_at",
        "updated_at",
    ]
    assert campaign["status"] == "draft"
    assert campaign["max_retries"] == 3 and campaign["retry_cooldown_hours"] == 24
    assert campaign["end_date"] is None and campaign["do_not_call_enabled"] is False


async def test_create_campaign_validation(api: Api, agent_id: str) -> None:
    resp = await api.post(
        "/campaigns",
        campaign_body(
            "nope",
            campaign_type="spam",
            days_of_week=[0, 8],
            call_time_ranges=[{"start": "12:00", "end": "09:00"}],
            end_date="2025-01-01",
            max_retries=11,
            retry_cooldown_hours=0,
        ),
    )
    assert resp.status == 422
    assert set(resp.json["errors"]) == {
        "agent_id",
        "campaign_type",
        "days_of_week.0",
        "days_of_week.1",
        "call_time_ranges.0.end",
        "end_date",
        "max_retries",
        "retry_cooldown_hours",
    }
    empty = await api.post("/campaigns", {})
    assert set(empty.json["errors"]) >= {
        "name",
        "campaign_type",
        "agent_id",
        "start_date",
        "days_of_week",
        "call_time_ranges",
    }


@pytest.mark.parametrize(("source", "target"), list(itertools.product(STATUSES, STATUSES)))
async def test_status_transitions(
    inproc: Api, fake: FakeTalkover, agent_id: str, source: str, target: str
) -> None:
    campaign = fake.seed_campaign(agent_id, status=source)
    resp = await inproc.patch(f"/campaigns/{campaign.id}/status", {"status": target})
    if (source, target) in ALLOWED:
        assert resp.status == 200
        assert resp.json["message"] == "Campaign status updated successfully"
        assert list(resp.data) == ["id", "status", "updated_at"]
        assert campaign.status == target
    else:
        assert resp.status == 400
        assert "code" not in resp.json  # the table lists INVALID_TRANSITION; no body shown
        assert resp.json["success"] is False
        assert campaign.status == source


async def test_status_lifecycle_both_ways_in(api: Api, agent_id: str) -> None:
    campaign = await make_campaign(api, agent_id)
    path = f"/campaigns/{campaign['id']}/status"
    for status in ("active", "paused", "active", "completed"):
        assert (await api.patch(path, {"status": status})).status == 200
    again = await api.patch(path, {"status": "active"})
    assert again.status == 400
    assert again.json == {
        "success": False,
        "message": "Cannot change campaign status from completed to active.",
    }
    bad = await api.patch(path, {"status": "running"})
    assert bad.status == 422
    missing = await api.patch("/campaigns/nope/status", {"status": "active"})
    assert missing.json == {"success": False, "message": "Campaign not found"}


async def test_get_list_update_delete(api: Api, fake: FakeTalkover, agent_id: str) -> None:
    campaign = await make_campaign(api, agent_id, description="Spring leads")
    got = (await api.get(f"/campaigns/{campaign['id']}")).data
    assert got["earliest_call_time"] == "09:00:00" and got["latest_call_time"] == "17:00:00"
    assert got["agent"]["id"] == agent_id
    assert got["calls"] == [] and got["files"] == []
    assert set(got["stats"]) == {
        "total_calls",
        "completed_calls",
        "failed_calls",
        "success_rate",
        "average_duration",
    }
    listed = await api.get("/campaigns", query={"search": "spring"})
    assert listed.json["pagination"]["total"] == 1
    assert "average_duration" not in listed.data[0]["stats"]
    assert (await api.get("/campaigns", query={"status": "active"})).json["pagination"][
        "total"
    ] == 0
    updated = await api.put(f"/campaigns/{campaign['id']}", {"name": "Renamed", "max_retries": 0})
    assert updated.data["name"] == "Renamed" and updated.data["max_retries"] == 0
    assert "description" not in updated.data
    assert (await api.put(f"/campaigns/{campaign['id']}", {"timezone": "x" * 51})).status == 422

    await api.patch(f"/campaigns/{campaign['id']}/status", {"status": "active"})
    refused = await api.delete(f"/campaigns/{campaign['id']}")
    assert refused.status == 403
    assert refused.json == {"success": False, "message": "Cannot delete active campaign"}
    await api.post(f"/campaigns/{campaign['id']}/call", {"to": "+14155550100"})
    await fake.advance(2)  # dialled and ringing
    await api.patch(f"/campaigns/{campaign['id']}/status", {"status": "paused"})
    busy = await api.delete(f"/campaigns/{campaign['id']}")
    assert busy.status == 409
    assert busy.json["message"] == "Campaign has active calls in progress"
    other_agent = fake.seed_agent()
    conflict = await api.put(f"/campaigns/{campaign['id']}", {"agent_id": other_agent.id})
    assert conflict.status == 409
    await fake.advance(600)
    gone = await api.delete(f"/campaigns/{campaign['id']}")
    assert gone.json == {"success": True, "message": "Campaign deleted successfully"}
    assert (await api.get(f"/campaigns/{campaign['id']}")).status == 404


async def test_campaign_call_is_a_bare_201(api: Api, agent_id: str) -> None:
    campaign = await make_campaign(api, agent_id)
    resp = await api.post(
        f"/campaigns/{campaign['id']}/call", {"to": "+14155550100", "context": {"row": 7}}
    )
    assert resp.status == 201
    assert list(resp.json) == ["campaign_call", "campaign"]
    cc = resp.json["campaign_call"]
    assert list(cc) == ["id", "campaign_id", "to", "status", "scheduled_at", "created_at"]
    assert cc["status"] == "queued"
    assert resp.json["campaign"] == {
        "id": campaign["id"],
        "name": "Spring follow-up",
        "status": "draft",
    }
    assert (await api.post(f"/campaigns/{campaign['id']}/call", {"to": "555"})).status == 422
    missing = await api.post("/campaigns/nope/call", {"to": "+14155550100"})
    assert missing.status == 404


async def test_duplicate_numbers_get_409_unless_allowed(
    api: Api, fake: FakeTalkover, agent_id: str
) -> None:
    campaign = await make_campaign(api, agent_id, max_retries=0)
    path = f"/campaigns/{campaign['id']}/call"
    first = await api.post(path, {"to": "+14155550100"})
    dup = await api.post(path, {"to": "+14155550100"})
    assert dup.status == 409
    assert dup.json["success"] is False and "code" not in dup.json
    assert dup.json["details"]["existing_call"]["id"] == first.json["campaign_call"]["id"]
    allowed = await api.post(path, {"to": "+14155550100", "allow_duplicates": True})
    assert allowed.status == 201
    # once the earlier calls ended, the same number may be queued again (spec: queued or active)
    await api.patch(f"/campaigns/{campaign['id']}/status", {"status": "active"})
    await fake.advance(600)
    assert (await api.post(path, {"to": "+14155550100"})).status == 201
    fake.duplicate_rule = "any"
    assert (await api.post(path, {"to": "+14155550100"})).status == 409
    assert fake.journal.numbers_dialled()["+14155550100"] == 3


async def test_campaign_calls_dial_only_while_active(
    api: Api, fake: FakeTalkover, agent_id: str
) -> None:
    campaign = await make_campaign(api, agent_id, initial_call_delay=30, max_retries=0)
    cc_id = (await api.post(f"/campaigns/{campaign['id']}/call", {"to": "+14155550100"})).json[
        "campaign_call"
    ]["id"]
    cc = fake.state().campaign_calls[cc_id]
    await fake.advance(100)
    assert cc.status == "queued" and fake.calls == []
    await api.patch(f"/campaigns/{campaign['id']}/status", {"status": "active"})
    await fake.advance(0)
    assert len(fake.calls) == 1  # due since t=30, dialled at activation
    await fake.advance(100)
    assert cc.status == "completed"
    got = (await api.get(f"/campaigns/{campaign['id']}")).data
    assert got["stats"]["completed_calls"] == 1 and got["stats"]["success_rate"] == 100.0
    assert got["calls"][0]["status"] == "completed"
    done = await api.patch(f"/campaigns/{campaign['id']}/status", {"status": "completed"})
    assert done.status == 200
    late = await api.post(f"/campaigns/{campaign['id']}/call", {"to": "+14155550101"})
    assert late.status == 409


async def test_failed_campaign_calls_are_retried_after_cooldown(
    api: Api, fake: FakeTalkover, agent_id: str
) -> None:
    fake.set_call_outcome("+14155550100", "busy")
    campaign = await make_campaign(api, agent_id, max_retries=1, retry_cooldown_hours=1)
    await api.patch(f"/campaigns/{campaign['id']}/status", {"status": "active"})
    await api.post(f"/campaigns/{campaign['id']}/call", {"to": "+14155550100"})
    await fake.advance(60)
    cc = next(iter(fake.state().campaign_calls.values()))
    assert cc.status == "queued" and cc.retries == 1
    await fake.advance(3600)
    assert cc.status == "busy"
    assert [c.status for c in fake.calls] == ["busy", "busy"]


async def test_unpublished_campaign_agent_fails_the_call(api: Api, fake: FakeTalkover) -> None:
    agent = fake.seed_agent(published=False)
    campaign = fake.seed_campaign(agent.id, status="active")
    await api.post(f"/campaigns/{campaign.id}/call", {"to": "+14155550100"})
    await fake.advance(1)
    assert next(iter(fake.state().campaign_calls.values())).status == "failed"
    assert fake.calls == []


async def test_sftp_configuration(api: Api, fake: FakeTalkover, agent_id: str) -> None:
    campaign = await make_campaign(api, agent_id)
    base = f"/campaigns/{campaign['id']}/sftp"
    assert (await api.get(base)).status == 404
    bad = await api.post(
        base, {"host": "sftp.example.com", "username": "u", "auth_type": "password"}
    )
    assert bad.status == 422 and "password" in bad.json["errors"]
    created = await api.post(
        base,
        {"host": "sftp.example.com", "username": "u", "auth_type": "password", "password": "wrong"},
    )
    assert created.data["is_enabled"] is False
    assert set(created.data) == {"id", "campaign_id", "host", "is_enabled", "created_at"}
    enable = await api.put(base, {"is_enabled": True})
    assert enable.status == 422
    assert enable.json == {
        "success": False,
        "message": "Run a successful test connection before enabling SFTP",
        "code": "SFTP_TEST_REQUIRED",
    }
    failed = await api.post(f"{base}/test-connection")
    assert (
        failed.json["success"] is False and failed.json["data"]["error"] == "Authentication failed"
    )
    await api.put(base, {"password": "right"})
    passed = await api.post(f"{base}/test-connection")
    assert passed.json["message"] == "SFTP connection successful"
    assert (await api.put(base, {"is_enabled": True})).data["is_enabled"] is True
    got = (await api.get(base)).data
    assert "password" not in got and got["last_test_success"] is True and got["port"] == 22
    queued = await api.post(f"{base}/trigger-import")
    assert queued.json["message"] == "SFTP import queued"
    busy = await api.post(f"{base}/trigger-import")
    assert busy.status == 409 and busy.json["code"] == "SFTP_IMPORT_IN_PROGRESS"
    await fake.advance(61)
    assert (await api.post(f"{base}/trigger-import")).status == 200
