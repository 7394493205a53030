"""Testing your own dispatch code against the fake API, with faults, no network, no bill.

    pytest examples/test_with_fake.py

`talkover_client` and `talkover_fake` come from the pytest plugin that ships with
talkover_async (entry point `talkover`): a fresh fake per test and a client wired to it.
"""

from __future__ import annotations

from talkover_async import AsyncTalkover
from talkover_async.dispatch import CallSpec, DispatchStatus
from talkover_async.testing import FakeTalkover, faults


async def notify_customers(client: AsyncTalkover, agent_id: str, phones: list[str]) -> list[str]:
    """The code under test: call each customer once; the numbers to check by hand."""
    specs = [
        CallSpec(agent_id=agent_id, to=phone, payload={"reason": "delivery"}) for phone in phones
    ]
    in_doubt = []
    async with client.dispatch(specs, concurrency=10) as run:
        async for result in run:
            if result.maybe_placed:
                in_doubt.append(result.spec.to)
    return in_doubt


async def test_each_customer_is_called_once_even_when_the_network_fails(
    talkover_fake: FakeTalkover, talkover_client: AsyncTalkover
) -> None:
    agent = talkover_fake.seed_agent(name="Deliveries")
    phones = [f"+1415555{i:04d}" for i in range(100)]
    # The server places call number 7, then the connection drops before the answer.
    talkover_fake.faults.add(
        "POST /agents/{agent_id}/call",
        faults.reset_after(),
        when=lambda view: view.json["to"] == phones[7],
    )
    # Two requests are refused with 429: the client waits and retries them.
    talkover_fake.faults.add("POST /agents/{agent_id}/call", faults.rate_limited(), times=2)

    in_doubt = await notify_customers(talkover_client, agent.id, phones)

    assert in_doubt == [phones[7]]  # reported, not called again
    dialled = talkover_fake.journal.numbers_dialled()
    assert set(dialled) == set(phones) and max(dialled.values()) == 1


async def test_a_reset_is_reported_as_maybe_placed_not_retried(
    talkover_fake: FakeTalkover, talkover_client: AsyncTalkover
) -> None:
    agent = talkover_fake.seed_agent()
    talkover_fake.faults.add("POST /agents/{agent_id}/call", faults.reset_before())
    async with talkover_client.dispatch([CallSpec(agent_id=agent.id, to="+14155550100")]) as run:
        (result,) = [r async for r in run]
    # A reset cannot tell "before" from "after": the SDK reports it as maybe placed.
    assert result.status is DispatchStatus.FAILED and result.maybe_placed
    assert talkover_fake.journal.numbers_dialled() == {}
