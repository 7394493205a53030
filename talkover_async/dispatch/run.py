"""`Dispatch`: the run itself (workers, back-pressure, cancellation); see the package docs."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Iterable,
    Iterator,
)
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..errors import InvalidRequestError
from .local import _blocks_retry, _error_fields, _now, _ResultsLog
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

__all__ = ["Dispatch", "dispatch"]

PLACED, FAILED, CANCELLED = DispatchStatus.PLACED, DispatchStatus.FAILED, DispatchStatus.CANCELLED

# --- the run ------------------------------------------------------------------------------

_DONE = object()


class Dispatch:
    """A running dispatch: iterate it for results; `aclose()` (or `async with`) stops it.

    Built by `dispatch()` / `client.dispatch()`; nothing starts until the first result is
    awaited. `summary` counts results as they come.
    """

    def __init__(
        self,
        client: AsyncTalkover,
        specs: Iterable[CallSpec] | AsyncIterable[CallSpec],
        *,
        concurrency: int = 32,
        results_path: str | os.PathLike[str] | None = None,
        resume: bool = False,
    ) -> None:
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise InvalidRequestError("concurrency", "must be an integer >= 1")
        if resume and results_path is None:
            raise InvalidRequestError("resume", "needs a results_path to resume from")
        self._client = client
        self._specs = specs
        self.concurrency = concurrency
        self.results_path = Path(results_path) if results_path is not None else None
        self._resume = resume
        self.summary = DispatchSummary()
        self._iter: Iterator[CallSpec] | None = None
        self._aiter: AsyncIterator[CallSpec] | None = None
        self._read_lock = asyncio.Lock()
        self._queue: asyncio.Queue[Any] | None = None
        self._workers: list[asyncio.Task[None]] = []
        self._running = 0
        self._log: _ResultsLog | None = None
        self._previous: dict[str, dict[str, Any]] = {}
        self._seen: set[str] = set()
        self._source_error: BaseException | None = None
        self._state = "new"  # new -> running -> finished | closed

    # --- lifecycle ------------------------------------------------------------------------
    def _start(self) -> None:
        if self.results_path is not None:
            self._log = _ResultsLog(self.results_path, resume=self._resume)
            self._previous = self._log.previous
        if isinstance(self._specs, AsyncIterable):
            self._aiter = aiter(self._specs)
        else:
            self._iter = iter(self._specs)
        self._queue = asyncio.Queue(maxsize=self.concurrency)
        self.summary = DispatchSummary()
        self._running = self.concurrency
        self._workers = [asyncio.create_task(self._worker()) for _ in range(self.concurrency)]
        self._state = "running"

    async def _stop(self) -> None:
        """Cancel the workers (each records its spec in flight) and close the file."""
        workers, self._workers = self._workers, []
        for task in workers:
            task.cancel()
        try:
            if workers:
                await asyncio.gather(*workers, return_exceptions=True)
        finally:
            self._finish()

    def _finish(self) -> None:
        if self.summary.finished_at is None:
            self.summary.finished_at = time.monotonic()
        if self._log is not None:
            self._log.close()
            self._log = None

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
            self._start()
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
            self._finish()
            if self._source_error is not None:
                raise self._source_error
            raise StopAsyncIteration
        result: DispatchResult = item
        return result

    async def run(self) -> DispatchSummary:
        """Dispatch every spec, discarding the results (they are in the file); the summary."""
        async with self:
            async for _ in self:
                pass
        return self.summary

    # --- workers --------------------------------------------------------------------------
    async def _next_spec(self) -> CallSpec | None:
        if self._aiter is not None:
            async with self._read_lock:
                source = self._aiter
                if source is None:  # the source failed while this worker waited
                    return None
                try:
                    return await anext(source)
                except StopAsyncIteration:
                    self._aiter = None
                    self._iter = iter(())
                    return None
        assert self._iter is not None
        return next(self._iter, None)

    async def _worker(self) -> None:
        assert self._queue is not None
        queue = self._queue
        # Only a limits middleware reports on the probe; without one, skip the context copy.
        client = self._client
        observed = client.rate_limiter is not None or client.max_in_flight is not None
        sent = install_probe() if observed else SendProbe()
        try:
            while True:
                try:
                    spec = await self._next_spec()
                except Exception as exc:  # the spec source failed: stop the run with it
                    if self._source_error is None:
                        self._source_error = exc
                    self._iter = iter(())
                    self._aiter = None
                    break
                if spec is None:
                    break
                if not isinstance(spec, CallSpec):
                    raise TypeError(f"dispatch takes CallSpec items, got {type(spec).__name__}")
                result = self._skip(spec)
                if result is None:
                    # Placing inline (not in a helper coroutine) keeps one frame less per
                    # call in flight: it shows at 10,000 calls in flight.
                    started = time.monotonic()
                    sent.reset()
                    if self._log is not None:
                        self._log.write({"key": spec.key, "status": "started", "at": _now()})
                    sent.started = True
                    try:
                        call = await self._send(spec)
                    except asyncio.CancelledError as exc:
                        self._record(
                            spec, CANCELLED, started, error=exc, maybe_placed=sent.maybe_sent
                        )
                        raise
                    except Exception as exc:
                        maybe = may_have_been_placed(exc) and sent.maybe_sent
                        result = self._record(spec, FAILED, started, error=exc, maybe_placed=maybe)
                    else:
                        result = self._record(spec, PLACED, started, call=call)
                self.summary.add(result)
                await queue.put(result)
        except Exception as exc:
            if self._source_error is None:
                self._source_error = exc
            self._iter = iter(())
            self._aiter = None
        self._running -= 1
        if self._running == 0:
            await queue.put(_DONE)

    def _skip(self, spec: CallSpec) -> DispatchResult | None:
        key = spec.key
        if key in self._seen:
            return DispatchResult(
                spec=spec, status=DispatchStatus.SKIPPED, reason="duplicate key in this run"
            )
        self._seen.add(key)
        previous = self._previous.get(key)
        if previous is None:
            return None
        reason = _blocks_retry(previous)
        if reason is None:
            return None
        maybe = previous.get("status") != DispatchStatus.PLACED
        return DispatchResult(
            spec=spec,
            status=DispatchStatus.SKIPPED,
            call_id=previous.get("call_id"),
            maybe_placed=maybe,
            reason=reason,
            previous=previous,
        )

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

    def _record(
        self,
        spec: CallSpec,
        status: DispatchStatus,
        started: float,
        *,
        call: Any = None,
        error: BaseException | None = None,
        maybe_placed: bool = False,
    ) -> DispatchResult:
        elapsed = time.monotonic() - started
        call_id = _call_id(call) if call is not None else None
        if status is DispatchStatus.CANCELLED:
            self.summary.add(DispatchResult(spec=spec, status=status, maybe_placed=maybe_placed))
        if self._log is not None:
            record: dict[str, Any] = {
                "key": spec.key,
                "status": status.value,
                "maybe_placed": maybe_placed,
                "target": spec.target,
                "to": spec.to,
            }
            if call_id is not None:
                record["call_id"] = call_id
            if error is not None and not isinstance(error, asyncio.CancelledError):
                record.update(_error_fields(error))
            record["elapsed_ms"] = round(elapsed * 1000, 1)
            record["at"] = _now()
            self._log.write(record)
        if isinstance(error, asyncio.CancelledError):
            error = None
        return DispatchResult(
            spec=spec,
            status=status,
            call=call,
            call_id=call_id,
            error=error,
            maybe_placed=maybe_placed,
            elapsed=elapsed,
        )

    def __repr__(self) -> str:
        return f"<Dispatch {self._state} concurrency={self.concurrency} {self.summary.total} done>"


def dispatch(
    client: AsyncTalkover,
    specs: Iterable[CallSpec] | AsyncIterable[CallSpec],
    *,
    concurrency: int = 32,
    results_path: str | os.PathLike[str] | None = None,
    resume: bool = False,
) -> Dispatch:
    """Place a call for each spec; iterate the returned `Dispatch` for one result per spec.

    See the module documentation for the guarantees (never twice, back-pressure, resume,
    cancellation). Use it as `async with dispatch(...) as run: async for result in run`, so
    that leaving the loop early stops the workers.
    """
    return Dispatch(
        client, specs, concurrency=concurrency, results_path=results_path, resume=resume
    )
