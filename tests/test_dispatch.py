"""The bulk dispatcher: one result per spec, never a number twice, back-pressure, resume and
cancellation. First against small scripted handlers, then against the fake API with faults."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from talkover_async import (
    APIConnectionError,
    AsyncTalkover,
    ConfigurationError,
    InternalServerError,
    InvalidRequestError,
    RateLimitError,
    Request,
    Response,
    ResponseDecodeError,
    Timeout,
    ValidationError,
)
from talkover_async.dispatch import (
    CallSpec,
    DispatchStatus,
    dispatch,
    may_have_been_placed,
    read_results,
)
from talkover_async.testing import FakeTalkover, faults, serve_fake
from talkover_async.testing.faults import kind_name
from talkover_async.transports import MockTransport

from .conftest import TOKEN


def number(i: int) -> str:
    return f"+1415555{i:04d}"


class MiniApi:
    """Answers make-call requests; `faults[to]` picks how one number's request fails."""

    def __init__(self, faults: dict[str, str] | None = None, delay: float = 0.0) -> None:
        self.faults = dict(faults or {})
        self.delay = delay
        self.dialled: Counter[str] = Counter()  # calls the server actually placed
        self.requests: Counter[str] = Counter()
        self.gate: asyncio.Event | None = None

    async def __call__(self, request: Request) -> Response:
        body = json.loads(request.content or b"{}")
        to = body["to"]
        self.requests[to] += 1
        if self.gate is not None:
            await self.gate.wait()
        if self.delay:
            await asyncio.sleep(self.delay)
        fault = self.faults.get(to)
        if fault == "refused_once":
            del self.faults[to]
            raise ConnectionRefusedError("refused")
        if fault == "reset_before":
            raise ConnectionResetError("reset")
        if fault == "429_once":
            del self.faults[to]
            return Response(429, {"Retry-After": "0"}, b'{"message": "Too Many Attempts."}')
        if fault == "422":
            return Response(
                422, {}, b'{"message": "The to field is invalid.", "errors": {"to": ["invalid"]}}'
            )
        if fault == "html_502":
            return Response(502, {"Content-Type": "text/html"}, b"<html>502 Bad Gateway</html>")
        self.dialled[to] += 1  # from here on the call is placed
        if fault == "reset_after":
            raise ConnectionResetError("reset after processing")
        if fault == "500_after":
            return Response(500, {}, b'{"success": false, "message": "Internal server error."}')
        call = {"id": f"call_{to[-4:]}", "agent_id": "a1", "to": to, "status": "initiated"}
        content = json.dumps({"success": True, "data": call}).encode()
        if fault == "truncated":
            content = content[: len(content) // 2]
        return Response(200, {"Content-Type": "application/json"}, content)


def client_for(api: MiniApi, **kw: Any) -> AsyncTalkover:
    kw.setdefault("max_retries", 2)
    return AsyncTalkover(TOKEN, transport=MockTransport(api), env={}, **kw)


def specs(n: int, agent: str = "a1", start: int = 0) -> Iterator[CallSpec]:
    for i in range(start, start + n):
        yield CallSpec(agent_id=agent, to=number(i), payload={"name": f"n{i}"})


async def collect(run: Any) -> list[Any]:
    async with run:
        return [r async for r in run]


# --- specs and classification ---------------------------------------------------------------


def test_call_spec_key_and_validation() -> None:
    spec = CallSpec(agent_id="a1", to="+14155550100")
    assert spec.key == "agent/a1:+14155550100"
    assert CallSpec(campaign_id="c9", to="+14155550100").key == "campaign/c9:+14155550100"
    assert CallSpec(agent_id="a1", to="+14155550100", key="crm-42").key == "crm-42"
    with pytest.raises(InvalidRequestError):
        CallSpec(to="+14155550100")
    with pytest.raises(InvalidRequestError):
        CallSpec(agent_id="a1", campaign_id="c1", to="+14155550100")
    with pytest.raises(InvalidRequestError):
        CallSpec(campaign_id="c1", to="+14155550100", delay_seconds=5)


def test_maybe_placed_classification() -> None:
    assert may_have_been_placed(APIConnectionError("x", sent=True))
    assert not may_have_been_placed(APIConnectionError("x", sent=False))
    assert may_have_been_placed(InternalServerError("x", status_code=502))
    assert not may_have_been_placed(RateLimitError("x", status_code=429))
    assert not may_have_been_placed(ValidationError("x", status_code=422))
    assert may_have_been_placed(ResponseDecodeError("cut", status_code=200))
    assert may_have_been_placed(ResponseDecodeError("html", status_code=502))
    assert not may_have_been_placed(ResponseDecodeError("html", status_code=403))
    assert not may_have_been_placed(InvalidRequestError("to", "bad"))
    assert may_have_been_placed(RuntimeError("unexpected"))


# --- against scripted handlers ----------------------------------------------------------------


async def test_every_spec_gets_one_result_and_faults_are_classified(tmp_path: Path) -> None:
    kinds = [
        "refused_once",
        "reset_before",
        "429_once",
        "422",
        "html_502",
        "reset_after",
        "500_after",
        "truncated",
    ]
    faults = {number(i): kind for i, kind in enumerate(kinds)}
    api = MiniApi(faults)
    out = tmp_path / "results.jsonl"
    async with client_for(api) as client:
        results = await collect(client.dispatch(specs(40), concurrency=8, results_path=out))
    by_to = {r.spec.to: r for r in results}
    assert len(results) == 40 and len(by_to) == 40
    expect = {
        "refused_once": (DispatchStatus.PLACED, False),  # never left: retried by the client
        "429_once": (DispatchStatus.PLACED, False),
        "reset_before": (DispatchStatus.FAILED, True),  # a reset cannot tell before from after
        "422": (DispatchStatus.FAILED, False),
        "html_502": (DispatchStatus.FAILED, True),
        "reset_after": (DispatchStatus.FAILED, True),
        "500_after": (DispatchStatus.FAILED, True),
        "truncated": (DispatchStatus.FAILED, True),
    }
    for i, kind in enumerate(kinds):
        result = by_to[number(i)]
        assert (result.status, result.maybe_placed) == expect[kind], kind
        if result.status is DispatchStatus.FAILED:
            assert result.error is not None
    assert isinstance(by_to[number(3)].error, ValidationError)
    # Never a number placed twice, and no unsafe request repeated after it may have arrived.
    assert max(api.dialled.values()) == 1
    for kind in ("reset_before", "reset_after", "500_after", "truncated", "html_502", "422"):
        assert api.requests[number(kinds.index(kind))] == 1
    records = read_results(out)
    assert set(records) == {s.key for s in specs(40)}
    assert records[CallSpec(agent_id="a1", to=number(5)).key]["maybe_placed"] is True
    assert records[CallSpec(agent_id="a1", to=number(10)).key]["call_id"] == "call_0010"


async def test_duplicate_keys_are_skipped_not_called_twice() -> None:
    api = MiniApi()
    twice = [CallSpec(agent_id="a1", to=number(1)), CallSpec(agent_id="a1", to=number(1))]
    async with client_for(api) as client:
        results = await collect(dispatch(client, twice, concurrency=2))
    assert sorted(r.status for r in results) == [DispatchStatus.PLACED, DispatchStatus.SKIPPED]
    assert api.dialled[number(1)] == 1


async def test_async_iterable_source_and_back_pressure() -> None:
    api = MiniApi(delay=0.01)
    read = 0
    handed: list[int] = []

    async def source() -> AsyncIterator[CallSpec]:
        nonlocal read
        for spec in specs(80):
            read += 1
            yield spec

    async with client_for(api) as client, client.dispatch(source(), concurrency=4) as run:
        async for _ in run:
            handed.append(read - run.summary.total)
            await asyncio.sleep(0.005)  # a slow consumer
    assert run.summary.placed == 80
    assert max(handed) <= 2 * 4 + 1  # never far ahead of what was sent and consumed


async def test_source_error_is_raised_after_in_flight_specs_finish() -> None:
    api = MiniApi(delay=0.01)

    def source() -> Iterator[CallSpec]:
        yield from specs(5)
        raise ValueError("row 6 is broken")

    async with client_for(api) as client:
        run = client.dispatch(source(), concurrency=3)
        seen = []
        with pytest.raises(ValueError, match="row 6"):
            async with run:
                async for result in run:
                    seen.append(result)
    assert len(seen) == 5 and all(r.placed for r in seen)


async def test_existing_results_file_needs_resume(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    out.write_text('{"key": "x", "status": "placed"}\n')
    async with client_for(MiniApi()) as client:
        with pytest.raises(ConfigurationError, match="resume"):
            await client.dispatch(specs(1), results_path=out).run()
        with pytest.raises(InvalidRequestError):
            client.dispatch(specs(1), resume=True)


async def test_resume_skips_placed_and_maybe_placed_and_retries_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    api = MiniApi({number(0): "reset_after", number(1): "422", number(2): "500_after"})
    async with client_for(api) as client:
        first = await client.dispatch(specs(6), results_path=out).run()
    assert (first.placed, first.maybe_placed, first.failed) == (3, 2, 1)
    # A crash left a spec started without an outcome, and a torn last line.
    with out.open("ab") as f:
        f.write(
            b'{"key": "agent/a1:'
            + number(6).encode()
            + b'", "status": "started"}\n{"key": "agent/a1:+1'
        )
    api.faults.clear()
    async with (
        client_for(api) as client,
        client.dispatch(specs(8), results_path=out, resume=True) as run,
    ):
        results = {r.spec.to: r async for r in run}
    assert results[number(1)].placed  # certainly not placed before: dispatched again
    assert results[number(7)].placed  # new
    for i in (0, 2, 6):  # may have been placed: reported, not retried
        assert (
            results[number(i)].status is DispatchStatus.SKIPPED and results[number(i)].maybe_placed
        )
    for i in (3, 4, 5):
        assert (
            results[number(i)].status is DispatchStatus.SKIPPED
            and not results[number(i)].maybe_placed
        )
        assert results[number(i)].call_id == f"call_{number(i)[-4:]}"
    assert run.summary.placed == 2 and run.summary.skipped == 6
    assert max(api.dialled.values()) == 1
    assert api.requests[number(6)] == 0
    assert read_results(out)[CallSpec(agent_id="a1", to=number(1)).key]["status"] == "placed"


async def test_cancel_records_in_flight_specs(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    api = MiniApi()
    api.gate = asyncio.Event()  # requests reach the server and hang there
    async with client_for(api, rate_limit=60 * 1000, max_in_flight=3) as client:
        run = client.dispatch(specs(100), concurrency=5, results_path=out)

        async def consume() -> None:
            async for _ in run:
                pass

        task = asyncio.create_task(consume())
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    records = read_results(out)
    assert len(records) == 5  # exactly the specs the workers took
    statuses = Counter((r["status"], r["maybe_placed"]) for r in records.values())
    # Three had reached the server (maybe placed); two waited for an in-flight slot (not sent).
    assert statuses == {("cancelled", True): 3, ("cancelled", False): 2}
    assert run.summary.maybe_placed == 3 and run.summary.cancelled == 2
    api.gate.set()


async def test_closing_early_stops_the_workers(tmp_path: Path) -> None:
    api = MiniApi(delay=0.005)
    async with client_for(api) as client:
        async with client.dispatch(specs(500), concurrency=4) as run:
            async for result in run:
                if run.summary.total >= 10:
                    break
        await asyncio.sleep(0.05)
    assert sum(api.requests.values()) < 30
    assert run.summary.total <= 20


def test_read_results_uses_the_last_record(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    lines: list[dict[str, Any]] = [
        {"key": "k", "status": "started"},
        {"key": "k", "status": "failed", "maybe_placed": False},
        {"key": "k", "status": "started"},
        {"key": "k", "status": "placed", "maybe_placed": False},
    ]
    out.write_text("\n".join(json.dumps(x) for x in lines) + "\n\nnot json\n")
    assert read_results(out)["k"]["status"] == "placed"


# --- against the fake API ---------------------------------------------------------------------

CALL_ROUTE = "POST /agents/{agent_id}/call"


def requests_by_number(fake: FakeTalkover) -> dict[str, list[Any]]:
    """Every make-call request the fake received, grouped by number, in order."""
    out: dict[str, list[Any]] = {}
    for entry in fake.journal:
        if entry.key == CALL_ROUTE and isinstance(entry.json, dict):
            out.setdefault(entry.json["to"], []).append(entry)
    return out


def check_faulty_run(fake: FakeTalkover, results: list[Any], n: int) -> None:
    by_to = {r.spec.to: r for r in results}
    assert len(results) == n and len(by_to) == n  # exactly one result per spec
    dialled = fake.journal.numbers_dialled()
    assert max(dialled.values()) == 1  # no number was called twice
    seen = requests_by_number(fake)
    for to, result in by_to.items():
        if result.placed:
            assert dialled[to] == 1
        elif dialled[to]:
            assert result.maybe_placed, (to, result)  # placed by the server, never "not placed"
        # Not retried after an outcome that may have placed it: a number is requested again
        # only after a refusal the server did not act on (429).
        for earlier in seen.get(to, [])[:-1]:
            assert earlier.fault == "rate_limited" and not earlier.processed
    assert any(r.maybe_placed for r in results) and any(r.placed for r in results)


@pytest.mark.usefixtures("talkover_unknowns")  # --talkover-vary-seeds
async def test_a_thousand_specs_with_faults_of_every_kind(tmp_path: Path) -> None:
    fake = FakeTalkover.demo(token=TOKEN)
    chaos = fake.faults.random(0.2, seed=11, route=CALL_ROUTE)
    out = tmp_path / "results.jsonl"
    async with (
        AsyncTalkover(TOKEN, transport=MockTransport(fake), env={}, max_in_flight=64) as client,
        client.dispatch(specs(1000, agent="demo"), concurrency=64, results_path=out) as run,
    ):
        results = [r async for r in run]
    assert set(chaos.by_kind) == {kind_name(k) for k in faults.ALL_KINDS}
    assert 150 <= chaos.hits <= 260
    check_faulty_run(fake, results, 1000)
    records = read_results(out)
    assert len(records) == 1000
    for result in results:
        record = records[result.spec.key]
        assert record["status"] == result.status.value
        assert record["maybe_placed"] == result.maybe_placed


@pytest.mark.usefixtures("talkover_unknowns")  # --talkover-vary-seeds
async def test_faults_over_loopback(tmp_path: Path) -> None:
    fake = FakeTalkover.demo(token=TOKEN)
    chaos = fake.faults.random(0.2, seed=5, route=CALL_ROUTE)
    async with (
        serve_fake(fake) as url,
        AsyncTalkover(
            TOKEN, base_url=url, env={}, timeout=Timeout(total=5, connect=2, read=0.5)
        ) as client,
        client.dispatch(specs(300, agent="demo"), concurrency=32) as run,
    ):
        results = [r async for r in run]
    assert {"reset_after", "timeout", "truncated"} <= set(chaos.by_kind)
    check_faulty_run(fake, results, 300)


@pytest.mark.usefixtures("talkover_unknowns")  # --talkover-vary-seeds
async def test_interrupted_dispatch_resumes_and_each_number_is_seen_once(tmp_path: Path) -> None:
    fake = FakeTalkover.demo(token=TOKEN)
    fake.faults.add(CALL_ROUTE, faults.latency(0.01), times=None)  # keep requests in flight
    out = tmp_path / "results.jsonl"
    async with (
        serve_fake(fake) as url,
        AsyncTalkover(TOKEN, base_url=url, env={}, max_in_flight=10) as client,
    ):
        run = client.dispatch(specs(1000, agent="demo"), concurrency=20, results_path=out)

        async def consume() -> None:
            async for _ in run:
                if run.summary.total >= 500:
                    asyncio.current_task().cancel()  # type: ignore[union-attr]

        with pytest.raises(asyncio.CancelledError):
            await consume()
        first = run.summary
        assert 500 <= first.total < 1000
        in_doubt = first.maybe_placed
        assert first.cancelled > 0  # held by max_in_flight: certainly not sent
        await asyncio.sleep(0.1)  # let the server finish what it received

        async with client.dispatch(
            specs(1000, agent="demo"), concurrency=20, results_path=out, resume=True
        ) as again:
            results = [r async for r in again]
    assert len(results) == 1000
    skipped = [r for r in results if r.status is DispatchStatus.SKIPPED]
    assert len(skipped) == first.placed + in_doubt
    assert sum(r.maybe_placed for r in skipped) == in_doubt
    assert again.summary.placed == 1000 - len(skipped)
    seen = requests_by_number(fake)
    assert {to: len(entries) for to, entries in seen.items()} == {number(i): 1 for i in range(1000)}
    assert fake.journal.numbers_dialled() == Counter({number(i): 1 for i in range(1000)})
