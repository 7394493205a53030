"""`Dispatch`: the run itself (workers, back-pressure, cancellation); see the package docs."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import InvalidRequestError
from ..instrumentation.metrics import record_dispatch_result
from .ledger import Ledger, RunCounts, SpecSource
from .local import LocalLedger
from .probe import SendProbe, install_probe
from .specs import (
    CallSpec,
    DispatchResult,
    DispatchStatus,
    DispatchSummary,
    _call_id,
    may_have_been_placed,
)

if TYPE_CHECKING:
    from ..client import AsyncTalkover

__all__ = ["Breaker", "Dispatch", "dispatch"]

PLACED, FAILED, CANCELLED = DispatchStatus.PLACED, DispatchStatus.FAILED, DispatchStatus.CANCELLED
_DONE = object()


class Breaker(Protocol):
    """What the dispatcher needs of a circuit breaker (`CircuitBreaker` is one)."""

    def record(self, result: DispatchResult) -> None:
        """Count the result of one sent spec."""
        ...

    @property
    def tripped(self) -> str | None:
        """Why the run must stop taking specs (None while it may go on)."""
        ...


class Dispatch:
    """A running dispatch: iterate it for results; `aclose()` (or `async with`) stops it.

    Built by `dispatch()` / `client.dispatch()`; nothing starts until the first result is
    awaited. `summary` is one object for the whole run, counting this process's results as
    they come (a progress bar can hold it); `await fleet_counts()` asks the ledger for the whole
    run's counts (every worker of a fleet run).
    """

    def __init__(
        self,
        client: AsyncTalkover,
        specs: SpecSource | None = None,
        *,
        concurrency: int = 32,
        results_path: str | os.PathLike[str] | None = None,
        resume: bool = False,
        ledger: Ledger | None = None,
        breaker: Breaker | None = None,
    ) -> None:
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise InvalidRequestError("concurrency", "must be an integer >= 1")
        if ledger is not None and (results_path is not None or resume):
            raise InvalidRequestError(
                "ledger", "give either a ledger or results_path/resume, not both"
            )
        if resume and results_path is None:
            raise InvalidRequestError("resume", "needs a results_path to resume from")
        if ledger is None and specs is None:
            raise InvalidRequestError("specs", "give the specs to dispatch (or a shared ledger)")
        if ledger is not None and not isinstance(ledger, Ledger):
            raise InvalidRequestError("ledger", "must implement the Ledger protocol")
        self._client = client
        self._specs = specs
        self.concurrency = concurrency
        self.results_path = Path(results_path) if results_path is not None else None
        self.ledger: Ledger = (
            ledger if ledger is not None else LocalLedger(results_path, resume=resume)
        )
        self.breaker = breaker
        self.summary = DispatchSummary()
        self._queue: asyncio.Queue[Any] | None = None
        self._workers: list[asyncio.Task[None]] = []
        self._running = 0
        self._opened = False
        self._source_error: BaseException | None = None
        self._state = "new"  # new -> running -> finished | closed

    # --- lifecycle ------------------------------------------------------------------------
    async def _start(self) -> None:
        self._state = "starting"
        try:
            await self.ledger.open(self._specs)
        except BaseException:
            self._state = "closed"
            self.summary.finished_at = time.monotonic()
            raise
        self._opened = True
        self._queue = asyncio.Queue(maxsize=self.concurrency)
        self.summary.started_at = time.monotonic()
        self._running = self.concurrency
        self._workers = [asyncio.create_task(self._worker()) for _ in range(self.concurrency)]
        self._state = "running"

    async def _stop(self) -> None:
        """Cancel the workers (each settles its spec in flight) and close the ledger."""
        workers, self._workers = self._workers, []
        for task in workers:
            task.cancel()
        try:
            if workers:
                await asyncio.gather(*workers, return_exceptions=True)
        finally:
            await self._finish()

    async def _finish(self) -> None:
        if self.summary.finished_at is None:
            self.summary.finished_at = time.monotonic()
        if self._opened:
            self._opened = False
            await self.ledger.close()

    async def aclose(self) -> None:
        """Stop: specs in flight are recorded as cancelled. Safe to call twice."""
        if self._state == "running":
            self._state = "closed"
            await self._stop()
        elif self._state == "new":
            self._state = "closed"

    async def __aenter__(self) -> Dispatch:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __aiter__(self) -> Dispatch:
        return self

    async def __anext__(self) -> DispatchResult:
        if self._state == "new":
            await self._start()
        elif self._state != "running":
            raise StopAsyncIteration
        assert self._queue is not None
        try:
            item = await self._queue.get()
        except BaseException:  # cancelled (Ctrl-C, task cancel, timeout): stop cleanly
            self._state = "closed"
            await self._stop()
            raise
        if item is _DONE:
            self._state = "finished"
            self._workers = []
            await self._finish()
            if self._source_error is not None:
                raise self._source_error
            raise StopAsyncIteration
        result: DispatchResult = item
        return result

    async def run(self) -> DispatchSummary:
        """Dispatch every spec, discarding the results (the ledger has them); the summary."""
        async with self:
            async for _ in self:
                pass
        return self.summary

    async def fleet_counts(self) -> RunCounts | None:
        """The whole run's counts from the ledger (a fleet run: every worker together), or
        None when the ledger does not know them or is not open (before the first result,
        after the end). Poll it while the run goes."""
        if not self._opened:
            return None
        return await self.ledger.counts()

    # --- workers --------------------------------------------------------------------------
    async def _worker(self) -> None:
        assert self._queue is not None
        queue = self._queue
        ledger = self.ledger
        breaker = self.breaker
        client = self._client
        # Only a limits middleware reports on the probe; without one, skip the context copy.
        observed = client.rate_limiter is not None or client.max_in_flight is not None
        sent = install_probe() if observed else SendProbe()
        try:
            while self._source_error is None:
                tripped = breaker.tripped if breaker is not None else None
                try:
                    taken = await ledger.take(claim=tripped is None)
                except Exception as exc:  # the spec source or the ledger failed: stop the run
                    if self._source_error is None:
                        self._source_error = exc
                    break
                if taken is None:
                    break
                spec = taken.spec
                if not taken.claimed:
                    result = taken.skipped or DispatchResult(
                        spec=spec,
                        status=DispatchStatus.NOT_ATTEMPTED,
                        reason=tripped or "the run stopped taking specs",
                    )
                elif (task := asyncio.current_task()) is not None and task.cancelling():
                    # Cancelled while the ledger made the claim durable: nothing was sent.
                    result = _result(spec, CANCELLED, time.monotonic())
                    self._count(result)
                    await ledger.settle(result)
                    raise asyncio.CancelledError
                else:
                    # Placing inline (not in a helper coroutine) keeps one frame less per
                    # call in flight: it shows at 10,000 calls in flight.
                    started = time.monotonic()
                    sent.reset()
                    sent.started = True
                    try:
                        call = await self._send(spec)
                    except asyncio.CancelledError:
                        result = _result(spec, CANCELLED, started, maybe_placed=sent.maybe_sent)
                        self._count(result)
                        await ledger.settle(result)
                        raise
                    except Exception as exc:
                        maybe = may_have_been_placed(exc) and sent.maybe_sent
                        result = _result(spec, FAILED, started, error=exc, maybe_placed=maybe)
                    else:
                        result = _result(spec, PLACED, started, call=call)
                    await ledger.settle(result)
                    if breaker is not None:
                        breaker.record(result)
                    if (task := asyncio.current_task()) is not None and task.cancelling():
                        self._count(result)  # cancelled while the outcome was written
                        raise asyncio.CancelledError
                self._count(result)
                await queue.put(result)
        except Exception as exc:
            if self._source_error is None:
                self._source_error = exc
        self._running -= 1
        if self._running == 0:
            await queue.put(_DONE)

    def _count(self, result: DispatchResult) -> None:
        """Count a result in the run's summary and in the dispatch metrics (OpenTelemetry)."""
        self.summary.add(result)
        record_dispatch_result(result)

    def _send(self, spec: CallSpec) -> Awaitable[Any]:
        """The client call that places `spec` (awaited by the worker itself: one frame less
        per call in flight)."""
        client = self._client
        if spec.agent_id is not None:
            return client.agents.call(
                spec.agent_id,
                to=spec.to,
                payload=spec.payload,
                context=spec.context,
                delay_seconds=spec.delay_seconds,
                is_testing=spec.is_testing,
            )
        campaigns: Any = client.campaigns
        result: Awaitable[Any] = campaigns.call(
            spec.campaign_id,
            to=spec.to,
            payload=spec.payload,
            context=spec.context,
            is_testing=spec.is_testing,
        )
        return result

    def __repr__(self) -> str:
        return f"<Dispatch {self._state} concurrency={self.concurrency} {self.summary.total} done>"


def _result(
    spec: CallSpec,
    status: DispatchStatus,
    started: float,
    *,
    call: Any = None,
    error: BaseException | None = None,
    maybe_placed: bool = False,
) -> DispatchResult:
    return DispatchResult(
        spec=spec,
        status=status,
        call=call,
        call_id=_call_id(call) if call is not None else None,
        error=error,
        maybe_placed=maybe_placed,
        elapsed=time.monotonic() - started,
    )


def dispatch(
    client: AsyncTalkover,
    specs: SpecSource | None = None,
    *,
    concurrency: int = 32,
    results_path: str | os.PathLike[str] | None = None,
    resume: bool = False,
    ledger: Ledger | None = None,
    breaker: Breaker | None = None,
) -> Dispatch:
    """Place a call for each spec; iterate the returned `Dispatch` for one result per spec.

    See the package documentation for the guarantees (never twice, back-pressure, resume,
    cancellation, ledgers). Use it as `async with dispatch(...) as run: async for result in
    run`, so that leaving the loop early stops the workers. With a shared `ledger`
    (`PostgresLedger`), `specs` are loaded into its run (idempotently) and may be omitted to
    join a run already loaded.
    """
    return Dispatch(
        client,
        specs,
        concurrency=concurrency,
        results_path=results_path,
        resume=resume,
        ledger=ledger,
        breaker=breaker,
    )
