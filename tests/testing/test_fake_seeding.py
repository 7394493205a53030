"""Seeding helpers for documented states the API cannot reach: campaign files, resolved
release requests, a large call history, inbound calls and the callback statistics."""

from __future__ import annotations

import pytest

from talkover_async.testing import FakeTalkover

from .conftest import Api


async def test_campaign_files(api: Api, fake: FakeTalkover) -> None:
    campaign = fake.seed_campaign(fake.seed_agent().id)
    added = fake.seed_campaign_files(
        campaign.id,
        [
            {"original_filename": "leads.xlsx", "status": "processing", "total_records": 500},
            {"original_filename": "more.csv"},
        ],
    )
    files = (await api.get(f"/campaigns/{campaign.id}")).data["files"]
    assert files == added
    assert [list(f) for f in files] == [
        ["id", "original_filename", "processed_filename", "status", "total_records",
         "processed_records"]
    ] * 2  # fmt: skip
    assert (files[0]["status"], files[0]["processed_records"]) == ("processing", 0)
    assert files[0]["processed_filename"].endswith(".xlsx")
    assert (files[1]["status"], files[1]["processed_records"], files[1]["total_records"]) == (
        "processed", 100, 100
    )  # fmt: skip


async def test_release_requests_approved_and_rejected(api: Api, fake: FakeTalkover) -> None:
    env = fake.state()
    first = next(iter(env.phone_numbers))
    extra = fake.add_environment("talq_fake_seed_other").phone_numbers
    second_id, second = next(iter(extra.items()))
    env.phone_numbers[second_id] = second  # a second number in this environment
    approved = fake.seed_release_request(first, status="approved")
    requested = await api.post(
        f"/phone-numbers/{second_id}/request-release", {"reason": "Not needed any more"}
    )
    assert requested.status == 201
    rejected = fake.resolve_release_request(requested.data["id"], "rejected")
    listed = (await api.get("/phone-numbers/release-requests")).data
    assert [(r["id"], r["status"]) for r in listed] == [
        (approved["id"], "approved"),
        (rejected["id"], "rejected"),
    ]
    assert all(r["resolved_at"] for r in listed)
    numbers = [n["id"] for n in (await api.get("/phone-numbers")).data]
    assert numbers == [second_id]  # the approved number left the environment
    pending = fake.seed_release_request(second_id, status="pending")
    assert "resolved_at" not in pending
    with pytest.raises(ValueError, match="already"):
        fake.resolve_release_request(rejected["id"], "approved")
    with pytest.raises(ValueError, match="approved"):
        fake.resolve_release_request(pending["id"], "maybe")  # type: ignore[arg-type]


async def test_a_large_call_history_makes_an_agent_eligible(api: Api, fake: FakeTalkover) -> None:
    agent = fake.seed_agent()
    calls = fake.seed_call_history(agent.id, 699)
    assert len(calls) == 699 and all(c.status == "completed" for c in calls)
    before = (await api.get(f"/agents/{agent.id}/optimized-costs-eligibility")).data
    assert (before["eligible"], before["calls_remaining"]) == (False, 1)
    fake.seed_call_history(agent.id, 1)
    after = (await api.get(f"/agents/{agent.id}/optimized-costs-eligibility")).data
    assert after == {"eligible": True, "current_calls": 700, "required_calls": 700,
                     "threshold_days": 7}  # fmt: skip
    enabled = await api.patch(
        f"/agents/{agent.id}/advanced-settings", {"enable_initial_message_cache": True}
    )
    assert enabled.status == 200
    history = await api.get(f"/agents/{agent.id}/calls", query={"per_page": 100})
    assert history.json["pagination"]["total"] == 700
    old = fake.seed_call_history(fake.seed_agent().id, 10, within_days=30)
    assert min(c.created_at for c in old) < -7 * 86400  # spread over the window
    with pytest.raises(ValueError):
        fake.seed_call_history(agent.id, -1)


async def test_inbound_calls_and_callback_statistics(api: Api, fake: FakeTalkover) -> None:
    sales = fake.seed_agent(name="Sales")
    other = fake.seed_agent(name="Other outbound")
    desk = fake.seed_agent(name="Desk", direction="inbound")
    assert (await api.post(f"/agents/{desk.id}/callback", {"source_agent_ids": [sales.id]})).status == 200
    number = fake.state().phone_numbers[desk.phone_number_ids[0]]["number"]

    await api.post(f"/agents/{sales.id}/call", {"to": "+14155550100"})
    await api.post(f"/agents/{sales.id}/call", {"to": "+14155550111"})
    await api.post(f"/agents/{other.id}/call", {"to": "+14155550199"})
    await fake.advance(60)
    fake.set_call_outcome("+14155550111", "no-answer")
    answered = fake.ring(number, caller="+14155550100")  # a callback for Sales
    unmatched = fake.ring(number, caller="+14155550199")  # called by a non-source agent
    missed = fake.ring(desk.phone_number_ids[0], caller="+14155550111")  # by id; not answered
    assert answered.direction == "inbound" and answered.to == number
    assert answered.from_ == "+14155550100" and answered.agent_id == desk.id
    assert answered.status == "initiated"
    await fake.advance(120)
    assert (answered.status, unmatched.status, missed.status) == (
        "completed", "completed", "no-answer"
    )  # fmt: skip

    stats = (await api.get("/callback-agents/stats")).data
    assert stats["callbacks_unmatched"] == 1
    assert stats["total_callbacks_received"] == 2  # answered + missed
    assert stats["callbacks_answered"] == 1
    assert stats["callbacks_by_source_agent"] == [
        {"source_agent_id": sales.id, "name": "Sales", "count": 2}
    ]
    one = (await api.get(f"/callback-agents/{desk.id}")).data
    assert one["stats"] == {"total_callbacks_received": 2, "callbacks_answered": 1}
    listed = (await api.get(f"/agents/{desk.id}/calls", query={"direction": "inbound"})).data
    assert len(listed) == 3 and {c["direction"] for c in listed} == {"inbound"}
    outside = await api.get(
        "/callback-agents/stats", query={"start_date": "2024-01-01", "end_date": "2024-01-31"}
    )
    assert outside.data["total_callbacks_received"] == 0


def test_ring_needs_a_published_inbound_owner() -> None:
    fake = FakeTalkover()
    number_id = next(iter(fake.state().phone_numbers))
    with pytest.raises(ValueError, match="inbound"):
        fake.ring(number_id, caller="+14155550100")
    with pytest.raises(KeyError):
        fake.ring("+19999999999", caller="+14155550100")
