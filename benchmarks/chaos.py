"""Chaos: make-call requests through the SDK against the fake, 20% of them hit by faults.

    python benchmarks/chaos.py                       # 10,000 calls, every mode, writes figures
    python benchmarks/chaos.py --calls 1000 --mode in-process/client

Every request places a call to its own number. A seeded share of them (`--rate`, default
0.2) is hit by a fault drawn from `KINDS`: connection reset before or after the server acted,
500 (before and after acting), an HTML 502 page, 503, a read timeout, 429 with `Retry-After`,
and a truncated body. So that "certainly not placed" answers occur too, one request in 50
targets an agent that does not exist (404), one in 10 of the client's own requests allows
no retry (a 429 then ends it), and in-process 2% of the attempts find the connection refused
(the SDK retries those, even for a call). Afterwards the fake's journal and state are checked:

- no number was called twice;
- every request ended with a result or a typed error (none without an outcome);
- the outcome says whether the call may have been placed, and the fake agrees: a call the
  client calls placed was placed exactly once, one it calls certainly not placed was not
  placed at all, one it calls "maybe" was placed at most once.

Modes: the client alone or the bulk dispatcher, the fake in-process (`MockTransport`) or
over loopback HTTP (`serve_fake`). `tests/test_chaos.py` runs the same code at CI size; the
figures of a full run go to `benchmarks/results/chaos.json` and `docs/reliability.md`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import attrs

from talkover_async import AsyncTalkover, Timeout
from talkover_async.errors import APIConnectionError, APIStatusError, ResponseDecodeError
from talkover_async.http import Request, Response
from talkover_async.testing import FakeTalkover, faults, serve_fake
from talkover_async.transports import MockTransport

TOKEN = "talq_chaos_environment_token"
AGENT_ID = "chaos-agent"
MISSING_AGENT = "no-such-agent"
ROUTE = "POST /agents/{agent_id}/call"
MODES = ("in-process/client", "loopback/client", "in-process/dispatch", "loopback/dispatch")
RESULTS = Path(__file__).resolve().parent / "results" / "chaos.json"

#: Every fault kind the issue names, by the label the figures use.
KINDS: dict[str, Any] = {
    "reset_before": faults.reset_before(),
    "reset_after": faults.reset_after(),
    "500": faults.status(500),
    "500_after_acting": faults.status(500, processed=True),
    "502_html": faults.html(502),
    "503": faults.status(503, {"success": False, "message": "Service unavailable."}),
    "read_timeout": faults.timeout(processed=True, hang=30.0),
    "429_retry_after": faults.rate_limited(retry_after=1),
    "truncated": faults.truncated(),
}

Verdict = Literal["placed", "maybe", "not_placed"]


def verdict(outcome: object) -> Verdict | None:
    """What an outcome tells the caller about the call: placed, maybe placed, certainly not
    placed. None for an outcome that is not a result or a typed error (a bug)."""
    if not isinstance(outcome, BaseException):
        return "placed"
    if isinstance(outcome, APIConnectionError):  # APITimeoutError included
        return "maybe" if outcome.sent else "not_placed"
    if isinstance(outcome, APIStatusError):
        return "maybe" if outcome.status_code >= 500 or outcome.status_code == 408 else "not_placed"
    if isinstance(outcome, ResponseDecodeError):
        status = outcome.status_code
        if status is not None and 200 <= status < 300:
            return "placed"  # the server answered success: the call exists, its body is cut
        if status is not None and 400 <= status < 500 and status != 408:
            return "not_placed"
        return "maybe"
    return None


@attrs.define
class ChaosReport:
    """The figures of one run, and every violation found (empty when all is well)."""

    mode: str
    calls: int
    rate: float
    seed: int
    elapsed: float = 0.0
    faults_by_kind: dict[str, int] = attrs.field(factory=dict)
    outcomes: dict[str, int] = attrs.field(factory=dict)
    verdicts: dict[str, int] = attrs.field(factory=dict)
    maybe_placed_by_fake: int = 0
    maybe_not_placed_by_fake: int = 0
    placed_by_fake: int = 0
    numbers_called_twice: int = 0
    without_outcome: int = 0
    requests_seen_by_fake: int = 0
    refused: int = 0
    retries: int = 0
    problems: list[str] = attrs.field(factory=list)

    @property
    def faults(self) -> int:
        """Requests hit by a fault (retries included)."""
        return sum(self.faults_by_kind.values())

    def as_dict(self) -> dict[str, Any]:
        """JSON-able figures."""
        data = attrs.asdict(self)
        data["faults"] = self.faults
        data["problems"] = self.problems[:20]
        data["problem_count"] = len(self.problems)
        return data


def number(i: int) -> str:
    """The unique number of request `i` (E.164)."""
    return f"+1415{i:07d}"


def agent_for(i: int) -> str:
    """Request `i`'s agent: one in 50 does not exist (a certain 404)."""
    return MISSING_AGENT if i % 50 == 49 else AGENT_ID


class Refusing:
    """A `MockTransport` handler: `rate` of the attempts find the connection refused (they
    never reach the fake); the others go to the fake."""

    def __init__(self, fake: FakeTalkover, rate: float, seed: int) -> None:
        self.fake = fake
        self.rate = rate
        self.rng = random.Random(seed)
        self.refused = 0

    async def __call__(self, request: Request) -> Response:
        if self.rng.random() < self.rate:
            self.refused += 1
            raise ConnectionRefusedError("chaos: connection refused")
        return await self.fake(request)


def _client(handler: Refusing | None, base_url: str | None, via_dispatch: bool) -> AsyncTalkover:
    options: dict[str, Any] = {
        "env": {},
        "max_retries": 2,
        "timeout": Timeout(total=10.0, connect=2.0, read=1.0),
    }
    if via_dispatch:
        options["max_in_flight"] = 64  # the dispatcher's send probe reads the limits middleware
    if handler is not None:
        return AsyncTalkover(TOKEN, transport=MockTransport(handler), **options)
    return AsyncTalkover(TOKEN, base_url=base_url, connection_limit=100, **options)


async def _through_client(client: AsyncTalkover, n: int, concurrency: int) -> dict[int, object]:
    outcomes: dict[int, object] = {}
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with gate:
            try:
                if i % 10 == 9:  # no retry allowed: a 429 ends the request
                    outcomes[i] = await client.agents.call(
                        agent_for(i), to=number(i), max_retries=0
                    )
                else:
                    outcomes[i] = await client.agents.call(agent_for(i), to=number(i))
            except Exception as exc:  # classified afterwards: typed or not
                outcomes[i] = exc

    async with asyncio.timeout(120):
        await asyncio.gather(*(one(i) for i in range(n)))
    return outcomes


async def _through_dispatch(client: AsyncTalkover, n: int, concurrency: int) -> dict[int, object]:
    from talkover_async.dispatch import CallSpec, DispatchStatus

    outcomes: dict[int, object] = {}
    index = {number(i): i for i in range(n)}
    specs = (CallSpec(agent_id=agent_for(i), to=number(i)) for i in range(n))
    async with asyncio.timeout(120), client.dispatch(specs, concurrency=concurrency) as run:
        async for result in run:
            i = index[result.spec.to]
            if result.status is DispatchStatus.PLACED:
                outcomes[i] = result.call
            elif result.error is not None:
                outcomes[i] = _DispatchFailure(result.error, result.maybe_placed)
            else:
                outcomes[i] = RuntimeError(f"dispatch result without call or error: {result!r}")
    return outcomes


@attrs.frozen
class _DispatchFailure:
    """A failed dispatch result: the error and the dispatcher's own `maybe_placed`."""

    error: BaseException
    maybe_placed: bool


async def run_chaos(
    calls: int,
    mode: str = "in-process/client",
    *,
    rate: float = 0.2,
    seed: int = 20240601,
    concurrency: int = 64,
    refuse_rate: float = 0.02,
) -> ChaosReport:
    """Place `calls` calls in `mode` with `rate` of the requests faulted; check the fake."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    via, through = mode.split("/")
    fake = FakeTalkover(TOKEN, seed=seed)
    fake.seed_agent(agent_id=AGENT_ID, name="Chaos agent")
    chaos = fake.faults.random(rate, list(KINDS.values()), seed=seed, route=ROUTE)
    report = ChaosReport(mode=mode, calls=calls, rate=rate, seed=seed)

    refusing = Refusing(fake, refuse_rate, seed) if via == "in-process" else None

    async def go(base_url: str | None) -> dict[int, object]:
        async with _client(refusing, base_url, through == "dispatch") as client:
            if through == "dispatch":
                return await _through_dispatch(client, calls, concurrency)
            return await _through_client(client, calls, concurrency)

    started = time.perf_counter()
    if via == "loopback":
        async with serve_fake(fake) as base_url:
            outcomes = await go(base_url)
    else:
        outcomes = await go(None)
    report.elapsed = round(time.perf_counter() - started, 3)

    report.faults_by_kind = _faults_by_label(fake)
    _check(report, fake, outcomes)
    report.refused = refusing.refused if refusing else 0
    report.retries = report.requests_seen_by_fake + report.refused - calls
    if chaos.hits == 0:
        report.problems.append("no fault fired")
    return report


def _faults_by_label(fake: FakeTalkover) -> dict[str, int]:
    """How many requests each kind hit, from the journal (kinds are told apart by status)."""
    counts: Counter[str] = Counter()
    for entry in fake.journal:
        if entry.fault is None:
            continue
        label = entry.fault
        if entry.fault == "status":
            label = f"{entry.status}" + ("_after_acting" if entry.processed else "")
        elif entry.fault == "html":
            label = f"{entry.status}_html"
        elif entry.fault == "rate_limited":
            label = "429_retry_after"
        elif entry.fault == "timeout":
            label = "read_timeout"
        counts[label] += 1
    return dict(sorted(counts.items()))


def _check(report: ChaosReport, fake: FakeTalkover, outcomes: dict[int, object]) -> None:
    problems = report.problems
    dialled = fake.journal.numbers_dialled()
    in_state = Counter(call.to for call in fake.calls)
    report.requests_seen_by_fake = len(fake.journal)
    report.placed_by_fake = sum(dialled.values())
    report.numbers_called_twice = sum(1 for count in dialled.values() if count > 1)
    if report.numbers_called_twice:
        problems.append(f"{report.numbers_called_twice} numbers called twice")
    if dialled != in_state:
        problems.append("journal and state disagree on the calls placed")
    kinds: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    for i in range(report.calls):
        if i not in outcomes:
            report.without_outcome += 1
            problems.append(f"request {i}: no outcome")
            continue
        outcome = outcomes[i]
        dispatcher_maybe: bool | None = None
        if isinstance(outcome, _DispatchFailure):
            dispatcher_maybe = outcome.maybe_placed
            outcome = outcome.error
        kinds[type(outcome).__name__] += 1
        said = verdict(outcome)
        placed = dialled.get(number(i), 0)
        if said is None:
            problems.append(f"request {i}: untyped outcome {type(outcome).__name__}: {outcome}")
            continue
        verdicts[said] += 1
        if said == "placed" and placed != 1:
            problems.append(f"request {i}: reported placed, the fake placed it {placed} times")
        elif said == "not_placed" and placed != 0:
            problems.append(
                f"request {i}: reported certainly not placed ({type(outcome).__name__}), "
                f"the fake placed it"
            )
        elif said == "maybe":
            if placed:
                report.maybe_placed_by_fake += 1
            else:
                report.maybe_not_placed_by_fake += 1
        if not isinstance(outcome, BaseException) and getattr(outcome, "to", None) != number(i):
            problems.append(f"request {i}: result is for another number")
        if dispatcher_maybe is not None and said != "not_placed" and not dispatcher_maybe:
            problems.append(f"request {i}: the dispatcher says not placed, the error says {said}")
    report.outcomes = dict(sorted(kinds.items()))
    report.verdicts = dict(sorted(verdicts.items()))


def markdown(reports: list[ChaosReport]) -> str:
    """A Markdown table of the figures."""
    lines = [
        "| mode | calls | faulted | refused | retries | placed | maybe (placed / not) "
        "| not placed | called twice | no outcome | problems | seconds |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in reports:
        lines.append(
            f"| {r.mode} | {r.calls:,} | {r.faults:,} | {r.refused:,} | {r.retries:,} "
            f"| {r.verdicts.get('placed', 0):,} "
            f"| {r.verdicts.get('maybe', 0):,} ({r.maybe_placed_by_fake:,} / "
            f"{r.maybe_not_placed_by_fake:,}) | {r.verdicts.get('not_placed', 0):,} "
            f"| {r.numbers_called_twice} | {r.without_outcome} | {len(r.problems)} "
            f"| {r.elapsed:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None, *, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--refuse-rate", type=float, default=0.02)
    parser.add_argument("--mode", action="append", choices=MODES, help="default: every mode")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    reports = []
    for mode in args.mode or MODES:
        report = asyncio.run(
            run_chaos(
                args.calls,
                mode,
                rate=args.rate,
                seed=args.seed,
                concurrency=args.concurrency,
                refuse_rate=args.refuse_rate,
            )
        )
        reports.append(report)
        out(f"{mode}: {report.elapsed:.1f}s, {len(report.problems)} problems")
        for problem in report.problems[:10]:
            out(f"  - {problem}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {
                "python": sys.version.split()[0],
                "command": "python benchmarks/chaos.py " + " ".join(argv or sys.argv[1:]),
                "runs": [r.as_dict() for r in reports],
            },
            indent=2,
        )
        + "\n"
    )
    out(markdown(reports))
    out(f"figures written to {args.output}")
    return 1 if any(r.problems for r in reports) else 0


if __name__ == "__main__":
    raise SystemExit(main())
