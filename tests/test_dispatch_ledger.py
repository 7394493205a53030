"""The local ledger (the results file): one run per file across processes, claims durable before
any byte is sent, power loss and torn lines read as the worst case, kill -9 and resume; and
the dispatcher's side of the ledger protocol (one live summary, the breaker, not attempted)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from talkover_async import AsyncTalkover
from talkover_async.dispatch import (
    CallSpec,
    DispatchResult,
    DispatchStatus,
    LedgerDamagedError,
    LedgerLockedError,
    LocalLedger,
    read_results,
)
from talkover_async.testing import FakeTalkover, faults, serve_fake

from .conftest import TOKEN
from .test_dispatch import MiniApi, client_for, number, specs

ROOT = Path(__file__).resolve().parent.parent
CALL_ROUTE = "POST /agents/{agent_id}/call"


def key(i: int) -> str:
    return f"agent/a1:{number(i)}"


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


# --- one run per file ---------------------------------------------------------------------


async def test_a_second_run_on_the_same_file_fails_fast_and_dials_nothing(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    api = MiniApi()
    api.gate = asyncio.Event()  # the first run's requests wait at the server
    async with client_for(api) as client:
        first = client.dispatch(specs(10), concurrency=2, results_path=out)
        pending = asyncio.create_task(anext(first))
        for _ in range(200):
            if sum(api.requests.values()) == 2:
                break
            await asyncio.sleep(0.01)
        assert sum(api.requests.values()) == 2
        second = client.dispatch(specs(10), concurrency=2, results_path=out, resume=True)
        with pytest.raises(LedgerLockedError) as caught:
            await anext(second)
        assert caught.value.pid == os.getpid()
        assert str(out) in str(caught.value) and str(os.getpid()) in str(caught.value)
        assert sum(api.requests.values()) == 2  # the second run sent nothing
        api.gate.set()
        await pending
        async with first:
            rest = [r async for r in first]
    assert len(rest) == 9
    assert api.dialled == Counter({number(i): 1 for i in range(10)})
    assert not (tmp_path / "results.jsonl.lock").exists()  # removed at the end of the run
    # the lock is released: a resume now works and skips everything
    async with client_for(api) as client:
        again = [r async for r in client.dispatch(specs(10), results_path=out, resume=True)]
    assert all(r.status is DispatchStatus.SKIPPED for r in again)


async def test_the_lock_holds_across_processes_and_names_the_pid(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    script = (
        "import asyncio, sys\n"
        "from talkover_async.dispatch import LocalLedger\n"
        "async def main():\n"
        "    ledger = LocalLedger(sys.argv[1])\n"
        "    await ledger.open([])\n"
        "    print('locked', flush=True)\n"
        "    await asyncio.sleep(60)\n"
        "asyncio.run(main())\n"
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, str(out), stdout=asyncio.subprocess.PIPE, cwd=ROOT
    )
    try:
        assert proc.stdout is not None
        assert (await asyncio.wait_for(proc.stdout.readline(), 30)).strip() == b"locked"
        api = MiniApi()
        async with client_for(api) as client:
            run = client.dispatch(specs(5), results_path=out, resume=True)
            with pytest.raises(LedgerLockedError) as caught:
                await anext(run)
        assert caught.value.pid == proc.pid
        assert f"process {proc.pid}" in str(caught.value)
        assert not api.requests
    finally:
        proc.send_signal(signal.SIGKILL)  # kill -9: the kernel drops the lock with it
        await proc.wait()
    ledger = LocalLedger(out, resume=True)
    await ledger.open([])  # not locked any more
    await ledger.close()


# --- durability ---------------------------------------------------------------------------


async def test_the_claim_is_on_disk_before_the_request_leaves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "results.jsonl"
    synced: list[bytes] = []  # the file's content as of each fsync
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        real_fsync(fd)
        synced.append(out.read_bytes())

    monkeypatch.setattr(os, "fsync", fsync)
    api = MiniApi()
    seen_on_disk: list[bool] = []
    inner = api.__call__

    async def check(request: Any) -> Any:
        to = json.loads(request.content)["to"]
        claim = f'{{"key":"agent/a1:{to}","status":"started"'.encode()
        seen_on_disk.append(any(claim in snapshot for snapshot in synced))
        return await inner(request)

    async with AsyncTalkover(
        TOKEN, transport=__import__("talkover_async").transports.MockTransport(check), env={}
    ) as client:
        results = [r async for r in client.dispatch(specs(50), concurrency=8, results_path=out)]
    assert len(results) == 50 and all(r.placed for r in results)
    assert seen_on_disk == [True] * 50
    assert len(synced) < 50  # concurrent claims share an fsync (group commit)


async def _power_cut_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at_sync: int) -> Any:
    """Dispatch until the `at_sync`-th fsync, when the power goes: that fsync fails, every
    later request is refused, and the file is cut back to what the previous fsync made
    durable plus a torn piece of what followed."""
    out = tmp_path / "results.jsonl"
    state: dict[str, Any] = {"syncs": 0, "durable": 0, "dark": False}
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if state["dark"]:
            raise OSError(5, "Input/output error")
        state["syncs"] += 1
        if state["syncs"] == at_sync:
            state["dark"] = True
            raise OSError(5, "Input/output error")
        size = os.fstat(fd).st_size  # what this fsync is sure to cover
        real_fsync(fd)
        state["durable"] = size

    monkeypatch.setattr(os, "fsync", fsync)
    api = MiniApi(delay=0.001)
    inner = api.__call__

    async def server(request: Any) -> Any:
        if state["dark"]:
            raise ConnectionRefusedError("the power is off")
        return await inner(request)

    async with AsyncTalkover(
        TOKEN,
        transport=__import__("talkover_async").transports.MockTransport(server),
        env={},
        max_retries=0,
    ) as client:
        run = client.dispatch(specs(200), concurrency=8, results_path=out)
        with pytest.raises(OSError, match="Input/output"):
            async with run:
                async for _ in run:
                    pass
    monkeypatch.undo()
    return out, state["durable"], api


@pytest.mark.parametrize("cut_into", ["after_key", "inside_key"])
async def test_power_loss_cuts_the_unsynced_tail_and_nothing_is_dialled_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cut_into: str
) -> None:
    for attempt in range(5):  # the power must go with a claim written and not yet synced
        directory = tmp_path / f"try{attempt}"
        directory.mkdir()
        out, durable, api = await _power_cut_run(directory, monkeypatch, at_sync=12 + attempt)
        data = out.read_bytes()
        if data.find(b'"status":"started"', durable) != -1:
            break
    else:
        pytest.fail("no claim was left unsynced when the power went")
    # a torn claim line: the first "started" record written after the last fsync
    start = data.index(b'"status":"started"', durable) - len(b'{"key":"agent/a1:+14155550000",')
    start = data.rindex(b"\n", 0, start) + 1
    cut = start + (len(b'{"key":"agent/a1:+1415') if cut_into == "inside_key" else 40)
    out.write_bytes(data[:durable] + data[start:cut])  # what a power cut can leave
    dialled_before = Counter(api.dialled)
    assert dialled_before and max(dialled_before.values()) == 1

    async with client_for(api) as client:
        results = [r async for r in client.dispatch(specs(200), results_path=out, resume=True)]
    assert len(results) == 200
    assert max(api.dialled.values()) == 1  # 0 re-dials
    in_doubt = {r.spec.to for r in results if r.status is DispatchStatus.SKIPPED and r.maybe_placed}
    # the run completed: every number was dialled, except those left in doubt for a human
    assert set(api.dialled) | in_doubt == {number(i) for i in range(200)}
    torn_key = json.loads(data[start : data.index(b"\n", start)])["key"]
    torn = next(r for r in results if r.spec.key == torn_key)
    if cut_into == "after_key":  # the key survived: the worst case for it, maybe placed
        assert torn.status is DispatchStatus.SKIPPED and torn.maybe_placed
    else:  # a torn tail whose claim never reached the disk: its request never left
        assert torn.placed


async def test_a_torn_claim_line_overrides_an_earlier_not_placed(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    k = key(1)
    out.write_bytes(
        b'{"event":"open","pid":1}\n'
        + json.dumps({"key": k, "status": "failed", "maybe_placed": False}).encode()
        + b"\n"
        + b'{"event":"open","pid":2}\n'
        + b'{"key":"'
        + k.encode()
        + b'","status":"sta'
    )
    assert read_results(out)[k]["status"] == "damaged"
    api = MiniApi()
    async with client_for(api) as client:
        results = [r async for r in client.dispatch(specs(3), results_path=out, resume=True)]
    by_key = {r.spec.key: r for r in results}
    assert by_key[k].status is DispatchStatus.SKIPPED and by_key[k].maybe_placed
    assert "damaged" in by_key[k].reason
    assert number(1) not in api.requests


async def test_damage_in_the_middle_needs_a_human(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    out.write_bytes(
        b'{"event":"open","pid":1}\n'
        + b'{"ke\x00\x17garbage\n'
        + json.dumps({"key": key(2), "status": "placed", "maybe_placed": False}).encode()
        + b"\n"
    )
    api = MiniApi()
    async with client_for(api) as client:
        run = client.dispatch(specs(3), results_path=out, resume=True)
        with pytest.raises(LedgerDamagedError, match="line 2"):
            await anext(run)
    assert not api.requests


async def test_kill_9_mid_run_then_resume_dials_nobody_twice(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    fake = FakeTalkover.demo(token=TOKEN)
    fake.faults.add(CALL_ROUTE, faults.latency(0.01), times=None)
    async with serve_fake(fake) as url:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.fleet_worker", "--url", url, "--results", str(out),
            "--count", "400", "--concurrency", "16",
            cwd=ROOT, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        try:
            for _ in range(3000):
                if len(fake.journal.calls_placed()) >= 100:
                    break
                await asyncio.sleep(0.01)
        finally:
            proc.send_signal(signal.SIGKILL)
            await proc.wait()
        placed_by_victim = len(fake.journal.calls_placed())
        assert 100 <= placed_by_victim < 400
        async with AsyncTalkover(TOKEN, base_url=url, env={}) as client:
            run = client.dispatch(
                (CallSpec(agent_id="demo", to=number(i)) for i in range(400)),
                results_path=out,
                resume=True,
            )
            results = [r async for r in run]
    assert len(results) == 400
    dialled = fake.journal.numbers_dialled()
    skipped_maybe = [r for r in results if r.status is DispatchStatus.SKIPPED and r.maybe_placed]
    assert max(dialled.values()) == 1  # 0 re-dials
    assert set(dialled) | {r.spec.to for r in skipped_maybe} == {number(i) for i in range(400)}
    assert len(skipped_maybe) <= 16  # at most the victim's claims in flight, each reported
    assert all("without an outcome" in r.reason for r in skipped_maybe)


# --- the dispatcher's side -----------------------------------------------------------------


async def test_summary_is_one_object_that_moves(tmp_path: Path) -> None:
    api = MiniApi()
    async with client_for(api) as client:
        run = client.dispatch(specs(20), concurrency=4)
        summary = run.summary
        seen = []
        async with run:
            async for _ in run:
                seen.append(summary.total)
    assert run.summary is summary
    assert seen == sorted(seen) and seen[-1] == 20 and summary.placed == 20


class TripAfter:
    """A breaker that trips after `n` failures (the dispatcher's side of the protocol)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.recorded: list[DispatchResult] = []

    def record(self, result: DispatchResult) -> None:
        self.recorded.append(result)

    @property
    def tripped(self) -> str | None:
        failures = sum(r.status is DispatchStatus.FAILED for r in self.recorded)
        return f"{failures} failures in a row: the agent is wrong" if failures >= self.n else None


async def test_a_tripped_breaker_reports_the_rest_as_not_attempted(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    api = MiniApi(faults={number(i): "422" for i in range(100)})
    breaker = TripAfter(3)
    async with client_for(api) as client:
        run = client.dispatch(specs(100), concurrency=1, results_path=out, breaker=breaker)
        results = [r async for r in run]
    assert len(results) == 100
    assert sum(api.requests.values()) == 3 == len(breaker.recorded)
    rest = [r for r in results if r.status is DispatchStatus.NOT_ATTEMPTED]
    assert len(rest) == 97 and all("3 failures" in r.reason for r in rest)
    assert all(r.certainly_not_placed for r in rest)
    assert run.summary.not_attempted == 97 and not run.summary.ok
    started = [rec for rec in lines(out) if rec.get("status") == "started"]
    assert len(started) == 3  # nothing claimed for the specs not attempted
    api.faults.clear()  # a resume dispatches them
    async with client_for(api) as client:
        again = [r async for r in client.dispatch(specs(100), results_path=out, resume=True)]
    assert Counter(r.status for r in again) == Counter(
        {DispatchStatus.PLACED: 100}
    )  # the 3 failures were certainly not placed either
