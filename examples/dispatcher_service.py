"""A small call-dispatcher service: an HTTP intake, a rate-limited dispatcher, a results file.

    python examples/dispatcher_service.py                 # demo: embedded fake, exits when done
    python examples/dispatcher_service.py --serve 8080    # keep serving until Ctrl-C / SIGTERM

`POST /calls` takes a JSON list of `{"to": ..., "payload": {...}, "key": ...}` and queues them;
`GET /status` shows the counts. One `client.dispatch` consumes the queue for the life of the
service, so the client's limits (`rate_limit`, `max_in_flight`, `retry_budget`) apply to all
of it, and the results file makes a restart safe: specs already placed, or that may have been
placed, are not placed again. With `TALKOVER_API_TOKEN` unset it runs on the embedded fake.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import signal
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import attrs
from aiohttp import web

from talkover_async import AsyncTalkover
from talkover_async.dispatch import CallSpec, Dispatch
from talkover_async.transports import MockTransport

HERE = Path(__file__).parent
_STOP = object()


class Intake:
    """Specs posted to the service, handed to the dispatcher one at a time (back-pressure:
    `POST /calls` waits when the queue is full)."""

    def __init__(self, agent_id: str, size: int = 1000) -> None:
        self.agent_id = agent_id
        self.queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=size)
        self.accepted = 0

    async def specs(self) -> AsyncIterator[CallSpec]:
        while (item := await self.queue.get()) is not _STOP:
            yield item

    async def add(self, items: list[dict[str, Any]]) -> int:
        for item in items:
            spec = CallSpec(agent_id=self.agent_id, to=str(item["to"]), payload=item.get("payload"))
            if item.get("key"):
                spec = attrs.evolve(spec, key=str(item["key"]))
            await self.queue.put(spec)
            self.accepted += 1
        return len(items)

    async def close(self) -> None:
        await self.queue.put(_STOP)


def make_app(intake: Intake, run: Dispatch) -> web.Application:
    async def post_calls(request: web.Request) -> web.Response:
        items = await request.json()
        if not isinstance(items, list) or not all(isinstance(i, dict) and "to" in i for i in items):
            error = {"error": "expected a JSON list of {to, payload?, key?}"}
            return web.json_response(error, status=400)
        return web.json_response({"queued": await intake.add(items)}, status=202)

    async def status(request: web.Request) -> web.Response:
        s = run.summary
        return web.json_response(
            {
                "accepted": intake.accepted,
                "placed": s.placed,
                "failed": s.failed,
                "maybe_placed": s.maybe_placed,
                "skipped": s.skipped,
                "calls_per_s": round(s.rate, 1),
            }
        )

    app = web.Application()
    app.router.add_post("/calls", post_calls)
    app.router.add_get("/status", status)
    return app


def make_client() -> tuple[AsyncTalkover, str]:
    """The real API when TALKOVER_API_TOKEN is set (agent from TALKOVER_AGENT_ID), else the fake."""
    limits: dict[str, Any] = {"max_in_flight": 50, "retry_budget": 0.1}
    if os.environ.get("TALKOVER_API_TOKEN"):
        # The plan's rate (100 or 1,000 requests a minute); 429s slow it down further.
        return AsyncTalkover(rate_limit=1000, **limits), os.environ["TALKOVER_AGENT_ID"]
    from talkover_async.testing import FakeTalkover

    print("TALKOVER_API_TOKEN is not set: using the embedded fake Talkover API")
    token = "talq_example_service_token"
    fake = FakeTalkover.demo(token=token)
    return AsyncTalkover(token, transport=MockTransport(fake), env={}, **limits), "demo"


async def consume(run: Dispatch) -> None:
    async with run:
        async for result in run:
            if result.maybe_placed:
                why = result.error or result.reason
                print(f"{result.spec.key}: may have been placed, not retried ({why})")
            elif not result.placed and result.status != "skipped":
                print(f"{result.spec.key}: {result.status} ({result.error})")


async def main(port: int | None, results: Path | None) -> None:
    if results is None:  # the demo keeps its results out of your working directory
        if port is None:
            results = Path(tempfile.mkdtemp()) / "results.jsonl"
        else:
            results = Path("dispatcher-results.jsonl")
    client, agent_id = make_client()
    async with client:
        intake = Intake(agent_id)
        run = client.dispatch(intake.specs(), concurrency=50, results_path=results, resume=True)
        runner = web.AppRunner(make_app(intake, run), handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port or 0)
        await site.start()
        host, bound = runner.addresses[0][:2]
        print(f"dispatcher service on http://{host}:{bound} (results in {results})")
        worker = asyncio.create_task(consume(run))
        try:
            if port is None:
                await demo(f"http://{host}:{bound}")
                await intake.close()  # no more work: let the dispatcher drain and finish
                await worker
            else:
                stop = asyncio.Event()
                loop = asyncio.get_running_loop()
                for sig in (signal.SIGINT, signal.SIGTERM):
                    loop.add_signal_handler(sig, stop.set)
                await stop.wait()
                print("stopping: specs in flight are recorded in the results file")
                worker.cancel()
                await asyncio.gather(worker, return_exceptions=True)
        finally:
            await runner.cleanup()
        s = run.summary
        print(
            f"placed {s.placed}, failed {s.failed}, maybe placed {s.maybe_placed}, "
            f"skipped {s.skipped} in {s.elapsed:.2f}s"
        )


async def demo(url: str) -> None:
    """Post the example contacts in batches of 100, then print the status."""
    with (HERE / "contacts.csv").open(newline="") as f:
        rows = [{"to": r["to"], "payload": {"name": r["name"]}} for r in csv.DictReader(f)]
    async with aiohttp.ClientSession() as session:
        for start in range(0, len(rows), 100):
            async with session.post(f"{url}/calls", json=rows[start : start + 100]) as resp:
                resp.raise_for_status()
        async with session.get(f"{url}/status") as resp:
            print("status after intake:", await resp.json())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", type=int, metavar="PORT", help="serve until stopped")
    parser.add_argument("--results", type=Path, help="results file (resumed on restart)")
    args = parser.parse_args()
    asyncio.run(main(args.serve, args.results))
