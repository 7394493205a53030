"""The dispatch circuit breaker: which failures would hit every row, the threshold, resets.

The errors come from the fake (through `MockTransport`) and from a closed loopback port, so
the classification is checked against the bodies the SDK really decodes."""

from __future__ import annotations

import socket

import pytest

from talkover_async import (
    APIConnectionError,
    APITimeoutError,
    AsyncTalkover,
    AuthenticationError,
    ConfigurationError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    TalkoverError,
    ValidationError,
)
from talkover_async.dispatch import CallSpec, DispatchResult, DispatchStatus
from talkover_async.dispatch.breaker import CircuitBreaker, systemic_failure
from talkover_async.testing import FakeTalkover
from talkover_async.transports import MockTransport

TOKEN = "talq_test_breaker_token"
SPEC = CallSpec(agent_id="demo", to="+14155550100")


def failed(error: BaseException | None) -> DispatchResult:
    return DispatchResult(spec=SPEC, status=DispatchStatus.FAILED, error=error)


PLACED = DispatchResult(spec=SPEC, status=DispatchStatus.PLACED)


async def error_of(fake: FakeTalkover, token: str = TOKEN, **call: object) -> TalkoverError:
    async with AsyncTalkover(token, transport=MockTransport(fake), env={}, max_retries=0) as c:
        with pytest.raises(TalkoverError) as info:
            await c.agents.call(str(call.pop("agent_id", "demo")), to="+14155550100", **call)  # type: ignore[arg-type]
    return info.value


async def test_failures_that_hit_every_row_are_systemic() -> None:
    fake = FakeTalkover.demo(token=TOKEN)
    fake.seed_agent(agent_id="draft", published=False)
    fake.seed_agent(agent_id="inbound", direction="inbound")

    unauthorized = await error_of(fake, token="talq_test_revoked")
    unknown = await error_of(fake, agent_id="nope")
    draft = await error_of(fake, agent_id="draft")
    inbound = await error_of(fake, agent_id="inbound")
    reasons = [systemic_failure(e) for e in (unauthorized, unknown, draft, inbound)]
    assert all(reasons), reasons
    assert "authentication failed" in reasons[0] and "token" in reasons[0]  # type: ignore[operator]
    assert "not found" in reasons[1]  # type: ignore[operator]
    # The docs give this 400 no code: the reason rests on the status and the message.
    assert "cannot place calls" in reasons[2] and "published" in reasons[2]  # type: ignore[operator]
    for reason in reasons:
        assert "\n" not in reason and TOKEN not in reason and "talq_" not in reason  # type: ignore[operator]
        assert "4155550100" not in reason  # type: ignore[operator]


async def test_a_refused_connection_and_a_missing_token_are_systemic() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with AsyncTalkover(TOKEN, base_url=f"http://127.0.0.1:{port}/api/v1", env={},
                             max_retries=0) as client:  # fmt: skip
        with pytest.raises(APIConnectionError) as info:
            await client.agents.call("demo", to="+14155550100")
    assert info.value.sent is False
    assert "cannot connect" in (systemic_failure(info.value) or "")

    with pytest.raises(ConfigurationError) as missing:
        async with AsyncTalkover(env={}, transport=MockTransport(FakeTalkover())) as client:
            await client.agents.call("demo", to="+14155550100")
    assert "configuration" in (systemic_failure(missing.value) or "")


async def test_one_off_failures_are_not_systemic() -> None:
    fake = FakeTalkover.demo(token=TOKEN)
    bad_number = await error_of(fake, payload="not an object")  # rejected before I/O
    assert systemic_failure(bad_number) is None
    one_offs: list[BaseException | None] = [
        None,
        ValidationError("The to field must be a valid phone number.", status_code=422),
        InternalServerError("Server Error", status_code=500),
        RateLimitError("Too Many Attempts.", status_code=429),
        APIConnectionError("connection reset after sending", sent=True),
        APITimeoutError("timed out waiting for a connection", sent=False),
        APIConnectionError("the client was closed", sent=False),
        RuntimeError("boom"),
    ]
    assert [systemic_failure(e) for e in one_offs] == [None] * len(one_offs)


def test_trips_after_threshold_consecutive_and_a_placed_result_resets() -> None:
    auth = failed(
        AuthenticationError("Unauthenticated.", status_code=401)
    )
    breaker = CircuitBreaker(threshold=3)
    for _ in range(2):
        breaker.record(auth)
    breaker.record(PLACED)  # reset
    breaker.record(auth)
    breaker.record(failed(InternalServerError("Server Error", status_code=500)))  # ignored
    breaker.record(DispatchResult(spec=SPEC, status=DispatchStatus.SKIPPED))  # ignored
    breaker.record(auth)
    assert breaker.tripped is None and breaker.consecutive == 2
    breaker.record(auth)
    assert breaker.tripped is not None
    assert breaker.tripped.startswith("stopped after 3 consecutive failures")
    assert "authentication failed" in breaker.tripped and "\n" not in breaker.tripped
    breaker.record(PLACED)  # stays tripped
    assert breaker.tripped is not None


@pytest.mark.parametrize("threshold", [0, None])
def test_threshold_zero_or_none_disables(threshold: int | None) -> None:
    breaker = CircuitBreaker(threshold)
    unknown = failed(NotFoundError("Agent not found", status_code=404))
    for _ in range(100):
        breaker.record(unknown)
    assert breaker.tripped is None and not breaker.enabled


def test_default_threshold_is_small_and_validated() -> None:
    assert 1 <= CircuitBreaker().threshold <= 10
    for bad in (-1, 2.5, True, "5"):
        with pytest.raises(ValueError):
            CircuitBreaker(bad)  # type: ignore[arg-type]
