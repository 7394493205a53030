"""Lifecycle and concurrency: one loop per client, cancellation gives connections back, nothing
keeps running after `aclose()`, and a properly closed client leaves no ResourceWarning.

The cancellation test runs over loopback against a slow aiohttp.web server with a pool of
`POOL` connections, so a single leaked connection per batch would exhaust the pool and the
fresh request at the end would hang (it is bounded by `asyncio.timeout`).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import threading
import time
import tomllib
import warnings
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from talkover_async import AsyncTalkover, ConfigurationError
from talkover_async.transports import AiohttpTransport

from .conftest import TOKEN, start_app

POOL = 10
CANCELLATIONS = 1_000
BATCH = 100
AGENT = {"success": True, "data": {"id": "a1"}}


class SlowServer:
    """Answers `/agents/slow` only when released (or after `hold` seconds), others at once.

    Counts the requests that are in the handler right now, so a test can wait until the
    client's whole pool is busy.
    """

    def __init__(self, hold: float = 30.0) -> None:
        self.hold = hold
        self.in_flight = 0
        self.peak = 0
        self.received = 0
        self.release = asyncio.Event()
        self.changed = asyncio.Condition()
        self.url = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.received += 1
        if request.path.endswith("/slow"):
            async with self.changed:
                self.in_flight += 1
                self.peak = max(self.peak, self.in_flight)
                self.changed.notify_all()
            try:
                async with asyncio.timeout(self.hold):
                    await self.release.wait()
            except TimeoutError:
                pass
            finally:
                async with self.changed:
                    self.in_flight -= 1
                    self.changed.notify_all()
        return web.json_response(AGENT)

    async def wait_in_flight(self, count: int, timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout), self.changed:
            await self.changed.wait_for(lambda: self.in_flight >= count)


@pytest.fixture
async def slow_server() -> AsyncIterator[SlowServer]:
    server = SlowServer()
    runner, url = await start_app(server.handle, handler_cancellation=True)
    server.url = url
    try:
        yield server
    finally:
        server.release.set()
        await runner.cleanup()


def _connector(client: AsyncTalkover) -> aiohttp.BaseConnector:
    transport = client.transport
    assert isinstance(transport, AiohttpTransport)
    session = transport._session
    assert session is not None and session.connector is not None
    return session.connector


def _acquired(connector: aiohttp.BaseConnector) -> int:
    """Connections handed out and not given back (aiohttp's private bookkeeping)."""
    acquired: Any = getattr(connector, "_acquired", None)
    if acquired is None:  # pragma: no cover - aiohttp changed its internals
        pytest.skip("aiohttp connector has no _acquired set")
    return len(acquired)


@pytest.fixture
def threaded_server() -> Any:
    """A JSON server on its own thread and event loop, so the test's loop holds only the
    client's tasks (and tests can run loops of their own). `/agents/slow` answers after 30 s
    or when the server stops."""
    ready = threading.Event()
    loops: list[asyncio.AbstractEventLoop] = []
    urls: list[str] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        if request.path.endswith("/slow"):
            await asyncio.sleep(30)
        return web.json_response(AGENT)

    async def serve() -> None:
        runner, base = await start_app(handler, handler_cancellation=True)
        urls.append(base)
        loops.append(asyncio.get_running_loop())
        ready.set()
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    def run() -> None:
        with contextlib.suppress(asyncio.CancelledError):
            asyncio.run(serve())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(5)
    yield urls[0]

    def cancel_all() -> None:
        for task in asyncio.all_tasks(loops[0]):
            task.cancel()

    loops[0].call_soon_threadsafe(cancel_all)
    thread.join(5)


# --- event loops ---------------------------------------------------------------------------------
def test_client_used_from_a_second_loop_gets_a_clear_error(threaded_server: str) -> None:
    client = AsyncTalkover(TOKEN, base_url=threaded_server, env={})
    with asyncio.Runner() as first, asyncio.Runner() as second:
        assert first.run(client.agents.get("a1")).id == "a1"
        with pytest.raises(ConfigurationError, match="another event loop"):
            second.run(client.agents.get("a1"))
        # the first loop still owns a working client, and closes it
        assert first.run(client.agents.get("a1")).id == "a1"
        first.run(client.aclose())


def test_client_used_from_another_thread_gets_a_clear_error(threaded_server: str) -> None:
    client = AsyncTalkover(TOKEN, base_url=threaded_server, env={})
    errors: list[BaseException] = []
    with asyncio.Runner() as owner:
        owner.run(client.agents.get("a1"))

        def other_thread() -> None:
            try:
                asyncio.run(client.agents.get("a1"))
            except BaseException as exc:
                errors.append(exc)

        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join(10)
        owner.run(client.aclose())
    assert len(errors) == 1 and isinstance(errors[0], ConfigurationError)
    assert "create one client per loop" in str(errors[0])


def test_a_client_first_used_in_a_later_loop_binds_to_that_loop(threaded_server: str) -> None:
    client = AsyncTalkover(TOKEN, base_url=threaded_server, env={})

    async def use_and_close() -> str:
        async with client:
            return (await client.agents.get("a1")).id

    assert asyncio.run(use_and_close()) == "a1"


# --- cancellation --------------------------------------------------------------------------------
async def test_cancelled_requests_give_their_connections_back(slow_server: SlowServer) -> None:
    """1,000 requests cancelled mid-flight (waiting for a pooled connection, or sent and
    waiting for the answer); afterwards no connection is still acquired, the pool serves
    `POOL` requests at once again, and a fresh request succeeds."""
    started = time.perf_counter()
    async with AsyncTalkover(
        TOKEN, base_url=slow_server.url, env={}, connection_limit=POOL, max_retries=0
    ) as client:
        await client.agents.get("warmup")
        connector = _connector(client)
        cancelled = 0
        async with asyncio.timeout(60):
            for batch in range(CANCELLATIONS // BATCH):
                tasks = [asyncio.create_task(client.agents.get("slow")) for _ in range(BATCH)]
                # the pool is full: POOL requests are at the server, the rest wait for a slot
                await slow_server.wait_in_flight(POOL)
                if batch % 2:  # odd batches: cancel while some are still being written
                    await asyncio.sleep(0)
                for task in tasks:
                    task.cancel()
                results = await asyncio.gather(*tasks, return_exceptions=True)
                cancelled += sum(isinstance(r, asyncio.CancelledError) for r in results)
                assert _acquired(connector) == 0, f"batch {batch}: connections still acquired"
                # the server notices the closed connections and its handlers finish
                await _until(lambda: slow_server.in_flight == 0)
        assert cancelled == CANCELLATIONS
        assert not getattr(connector, "_waiters", None), "waiters left behind"

        # the pool did not shrink: POOL slow requests are at the server at the same time
        slow_server.peak = 0
        full = [asyncio.create_task(client.agents.get("slow")) for _ in range(POOL)]
        await slow_server.wait_in_flight(POOL)
        slow_server.release.set()
        async with asyncio.timeout(10):
            assert all(a.id == "a1" for a in await asyncio.gather(*full))
            assert (await client.agents.get("fresh")).id == "a1"
        assert slow_server.peak == POOL
        assert _acquired(connector) == 0
    assert time.perf_counter() - started < 60


async def _until(condition: Any, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.005)


async def test_caller_timeout_gives_the_connection_back(slow_server: SlowServer) -> None:
    async with AsyncTalkover(
        TOKEN, base_url=slow_server.url, env={}, connection_limit=1, max_retries=0
    ) as client:
        for _ in range(5):  # with one connection, a leak would block the next round
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.05):
                    await client.agents.get("slow")
        async with asyncio.timeout(5):
            assert (await client.agents.get("fresh")).id == "a1"
        assert _acquired(_connector(client)) == 0


async def test_cancelling_during_a_retry_wait_cancels_promptly() -> None:
    calls = 0

    async def handler(request: web.Request) -> web.StreamResponse:
        nonlocal calls
        calls += 1
        return web.json_response({"message": "busy"}, status=503, headers={"Retry-After": "30"})

    runner, url = await start_app(handler)
    try:
        async with AsyncTalkover(TOKEN, base_url=url, env={}, max_retries=3) as client:
            task = asyncio.create_task(client.agents.get("a1"))
            await _until(lambda: calls == 1)
            await asyncio.sleep(0.05)  # now in the 30 s Retry-After wait
            task.cancel()
            started = time.perf_counter()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert time.perf_counter() - started < 1
    finally:
        await runner.cleanup()
    assert calls == 1


# --- closing -------------------------------------------------------------------------------------
async def test_no_task_is_left_running_after_aclose(threaded_server: str) -> None:
    before = asyncio.all_tasks()
    client = AsyncTalkover(TOKEN, base_url=threaded_server, env={}, connection_limit=POOL)
    await asyncio.gather(*(client.agents.get("a1") for _ in range(20)))
    pending = asyncio.create_task(client.agents.get("slow"))
    await asyncio.sleep(0.05)
    pending.cancel()
    await asyncio.gather(pending, return_exceptions=True)
    await client.aclose()
    await asyncio.sleep(0)
    left = {t for t in asyncio.all_tasks() - before if not t.done()}
    assert not left, [t.get_coro() for t in left]


async def test_aclose_twice_and_use_after_close(slow_server: SlowServer) -> None:
    client = AsyncTalkover(TOKEN, base_url=slow_server.url, env={})
    await client.agents.get("a1")
    await client.aclose()
    await client.aclose()
    with pytest.raises(ConfigurationError, match="closed"):
        await client.agents.get("a1")


def test_resource_warnings_are_errors_for_the_whole_suite() -> None:
    config = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    filters = config["tool"]["pytest"]["ini_options"]["filterwarnings"]
    assert "error::ResourceWarning" in filters
    assert any(f[0] == "error" and f[2] is ResourceWarning for f in warnings.filters)


async def _unclosed_messages(close: bool, url: str) -> list[str]:
    """Warnings and loop errors seen when a used client is dropped (closed or not)."""
    loop = asyncio.get_running_loop()
    reports: list[str] = []
    old_handler = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, ctx: reports.append(str(ctx.get("message"))))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            client = AsyncTalkover(TOKEN, base_url=url, env={})
            await client.agents.get("a1")
            if close:
                await client.aclose()
            del client
            gc.collect()
            await asyncio.sleep(0)
            gc.collect()
    finally:
        loop.set_exception_handler(old_handler)
    return reports + [str(w.message) for w in caught]


async def test_a_closed_client_leaves_no_unclosed_session_warning(
    slow_server: SlowServer,
) -> None:
    messages = await _unclosed_messages(True, slow_server.url)
    assert not [m for m in messages if "nclosed" in m], messages


async def test_the_unclosed_session_check_can_see_a_leak(slow_server: SlowServer) -> None:
    """Control for the test above: a client dropped without `aclose()` is reported (as an
    unclosed session or connector, whichever the garbage collector finalises first)."""
    messages = await _unclosed_messages(False, slow_server.url)
    assert any(m.startswith(("Unclosed client session", "Unclosed connector")) for m in messages)
