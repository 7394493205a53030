"""The bulk call dispatcher: place many calls with bounded concurrency, never one twice.

```python
specs = (CallSpec(agent_id="agt_1", to=row["to"], payload={"name": row["name"]}) for row in rows)
async with AsyncTalkover(rate_limit=1000) as client:
    async with client.dispatch(specs, concurrency=50, results_path="results.jsonl") as run:
        async for result in run:
            if result.maybe_placed:
                print(result.spec.to, "may have been called: check before calling again")
    print(run.summary)
```

- One `DispatchResult` per spec, in completion order: `placed` (with the call the API
  returned), `failed` (with the typed error and `maybe_placed`), `skipped` (placed or maybe
  placed by an earlier run, or a duplicate key in this one) or `cancelled`.
- Never places a call twice: it uses only the client's safe retries (a call is retried only
  when the request provably never reached the server, or on 429) and never retries itself.
- Back-pressure: `concurrency` workers each take one spec at a time, and results wait in a
  queue of the same size, so at most about `2 * concurrency` specs are read ahead of what
  has been sent and consumed. The client's `rate_limit` / `max_in_flight` pace the sends.
- Resumable: with `results_path` every spec gets a JSON line when it starts and one when it
  ends (flushed at once). `resume=True` reads the file back and skips every key that was
  placed, may have been placed, or was started without an outcome (the process died); it
  re-dispatches only keys that certainly were not placed.
- Cancelling the consuming task (Ctrl-C, `task.cancel()`, a timeout) or `aclose()` stops the
  workers; each spec in flight is recorded as `cancelled`, with `maybe_placed` true when its
  request may have left (see `may_have_been_placed`).

"Maybe placed" is decided from the error: `APIConnectionError.sent`; 5xx and 408 answers
(the server may have acted before failing); a 3xx (`RedirectError`: a 303 answers a POST
that was processed); a 2xx body that could not be decoded (the call
was placed); any unexpected exception. 429, other 4xx and argument errors are certainly not
placed. When the client has limits configured, a request still waiting for them (or refused
with 429 / never connected before a deadline hit) is known not to have been sent.
"""

from __future__ import annotations

import asyncio
import enum
import os
import time
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Iterable,
    Iterator,
    Mapping,
)
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import attrs

from . import _json
from .errors import (
    APIConnectionError,
    APIStatusError,
    ConfigurationError,
    InvalidRequestError,
    RateLimitError,
    RedirectError,
    ResponseDecodeError,
)
from .instrumentation.metrics import record_dispatch_result
from .middleware.ratelimit import SendProbe, install_probe
from .redaction import redact_text

if TYPE_CHECKING:
    from .client import AsyncTalkover

__all__ = [
    "CallSpec",
    "Dispatch",
    "DispatchResult",
    "DispatchStatus",
    "DispatchSummary",
    "dispatch",
    "may_have_been_placed",
    "read_results",
]


def _default_key(spec: CallSpec) -> str:
    return f"{spec.target}:{spec.to}"


@attrs.frozen(kw_only=True, eq=False)
class CallSpec:
    """One call to place: from an agent (`agent_id`) or inside a campaign (`campaign_id`).

    `key` identifies the spec across runs (resume) and within one (duplicates are skipped);
    it defaults to target and number (`agent/agt_1:+14155550100`). Give your own key (a CRM
    row id) to call the same number twice on purpose. `delay_seconds` applies to agent calls
    only; a campaign schedules its own calls.
    """

    to: str
    agent_id: str | None = None
    campaign_id: str | None = None
    payload: Mapping[str, Any] | None = None
    context: Mapping[str, Any] | None = None
    is_testing: bool | None = None
    delay_seconds: int | None = None
    key: str = attrs.field(default=attrs.Factory(_default_key, takes_self=True))

    def __attrs_post_init__(self) -> None:
        if (self.agent_id is None) == (self.campaign_id is None):
            raise InvalidRequestError("agent_id", "give exactly one of agent_id and campaign_id")
        if self.campaign_id is not None and self.delay_seconds is not None:
            raise InvalidRequestError("delay_seconds", "applies to agent calls only")
        if not isinstance(self.key, str) or not self.key:
            raise InvalidRequestError("key", "must be a non-empty string")

    @property
    def target(self) -> str:
        """`agent/<id>` or `campaign/<id>`."""
        if self.agent_id is not None:
            return f"agent/{self.agent_id}"
        return f"campaign/{self.campaign_id}"


class DispatchStatus(enum.StrEnum):
    """What happened to a spec."""

    PLACED = "placed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"


@attrs.frozen(kw_only=True, eq=False)
class DispatchResult:
    """The outcome of one spec.

    `call` is what the API returned when placed (a `Call`, or the campaign-call result).
    `maybe_placed` is True when the call was not confirmed but the request may have reached
    the server (never retried; check `calls.list` before calling that number again). For a
    skipped spec, `reason` says why and `previous` is the earlier run's record.
    """

    spec: CallSpec
    status: DispatchStatus
    call: Any = None
    call_id: str | None = None
    error: BaseException | None = None
    maybe_placed: bool = False
    elapsed: float = 0.0
    reason: str = ""
    previous: Mapping[str, Any] | None = None

    @property
    def placed(self) -> bool:
        """The API confirmed the call (in this run)."""
        return self.status is DispatchStatus.PLACED

    @property
    def certainly_not_placed(self) -> bool:
        """Failed or cancelled before the server could act: safe to dispatch again."""
        return self.status in _RETRYABLE and not self.maybe_placed

    def __repr__(self) -> str:
        extra = f" maybe_placed={self.maybe_placed}" if self.maybe_placed else ""
        return f"<DispatchResult {self.spec.key!r} {self.status.value}{extra}>"


_RETRYABLE = frozenset({DispatchStatus.FAILED, DispatchStatus.CANCELLED})
PLACED, FAILED, CANCELLED = DispatchStatus.PLACED, DispatchStatus.FAILED, DispatchStatus.CANCELLED


@attrs.define(kw_only=True)
class DispatchSummary:
    """Counts of a run, updated live (a progress bar can read it while the run goes)."""

    placed: int = 0
    failed: int = 0
    maybe_placed: int = 0
    cancelled: int = 0
    skipped: int = 0
    started_at: float = attrs.field(factory=time.monotonic)
    finished_at: float | None = None

    @property
    def total(self) -> int:
        """Specs accounted for so far."""
        return self.placed + self.failed + self.maybe_placed + self.cancelled + self.skipped

    @property
    def elapsed(self) -> float:
        """Seconds since the run started (until it finished)."""
        return (self.finished_at or time.monotonic()) - self.started_at

    @property
    def rate(self) -> float:
        """Calls placed per second."""
        elapsed = self.elapsed
        return self.placed / elapsed if elapsed > 0 else 0.0

    @property
    def ok(self) -> bool:
        """Nothing failed, nothing was cancelled, nothing is in doubt."""
        return not (self.failed or self.maybe_placed or self.cancelled)

    def add(self, result: DispatchResult) -> None:
        """Count one result."""
        status = result.status
        if status is DispatchStatus.PLACED:
            self.placed += 1
        elif status is DispatchStatus.SKIPPED:
            self.skipped += 1
        elif result.maybe_placed:
            self.maybe_placed += 1
        elif status is DispatchStatus.CANCELLED:
            self.cancelled += 1
        else:
            self.failed += 1


def may_have_been_placed(error: BaseException) -> bool:
    """Whether a failed call request may still have placed the call (see module docs)."""
    if isinstance(error, APIConnectionError):
        return error.sent
    if isinstance(error, RateLimitError):
        return False
    if isinstance(error, RedirectError):  # 303 See Other answers a POST that was processed
        return True
    if isinstance(error, APIStatusError):
        return error.status_code >= 500 or error.status_code == 408
    if isinstance(error, ResponseDecodeError):
        status = error.status_code
        return status is None or status < 400 or status >= 500 or status == 408
    # Rejected before any I/O, or unexpected: only the former is certainly not placed.
    return not isinstance(error, InvalidRequestError | ConfigurationError)


# --- the results file -------------------------------------------------------------------


def read_results(path: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """The last record of each key in a results file (a torn last line is ignored)."""
    last: dict[str, dict[str, Any]] = {}
    with open(path, "rb") as f:
        for line in f:
            if not line.strip():
                continue
            try:
                record = _json.loads(line)
            except _json.JSONDecodeError:
                continue  # a line torn by a crash: its spec has a "started" line before it
            if isinstance(record, dict) and isinstance(record.get("key"), str):
                last[record["key"]] = record
    return last


def _blocks_retry(record: Mapping[str, Any]) -> str | None:
    """Why an earlier record forbids dispatching its key again (None: it may go again)."""
    status = record.get("status")
    if status == DispatchStatus.PLACED:
        return "placed in an earlier run"
    if status == "started":
        return "started in an earlier run that ended without an outcome: may have been placed"
    if record.get("maybe_placed", True):
        return "may have been placed in an earlier run"
    return None


class _ResultsLog:
    """Append-only JSON Lines, one unbuffered write per record (survives a crash)."""

    def __init__(self, path: Path, *, resume: bool) -> None:
        self.path = path
        self.previous: dict[str, dict[str, Any]] = {}
        exists = path.exists() and path.stat().st_size > 0
        if exists and not resume:
            raise ConfigurationError(
                f"results file {path} already exists: resume it (resume=True, --resume) or "
                "choose another path; overwriting it would forget calls that may have been placed"
            )
        if exists:
            self.previous = read_results(path)
        self._file = open(path, "ab", buffering=0)  # noqa: SIM115 - closed by close()
        if exists:
            with open(path, "rb") as f:
                f.seek(-1, os.SEEK_END)
                if f.read(1) != b"\n":
                    self._file.write(b"\n")  # end a line torn by a crash

    def write(self, record: Mapping[str, Any]) -> None:
        self._file.write(_json.dumps(record) + b"\n")

    def close(self) -> None:
        self._file.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _call_id(call: Any) -> str | None:
    """The id of a placed call (`Call.id`, or the campaign call's id)."""
    for holder in (getattr(call, "campaign_call", None), call):
        value = getattr(holder, "id", None)
        if isinstance(value, str):
            return value
    if isinstance(call, Mapping):
        inner = call.get("campaign_call")
        value = inner.get("id") if isinstance(inner, Mapping) else call.get("id")
        return value if isinstance(value, str) else None
    return None


def _error_fields(error: BaseException | None) -> dict[str, Any]:
    if error is None:
        return {}
    fields: dict[str, Any] = {
        "error_type": type(error).__name__,
        "error": redact_text(str(error))[:300] if str(error) else type(error).__name__,
    }
    status_code = getattr(error, "status_code", None)
    if isinstance(status_code, int):
        fields["status_code"] = status_code
    code = getattr(error, "code", None)
    if isinstance(code, str):
        fields["code"] = code
    attempts = getattr(error, "attempts", None)
    if isinstance(attempts, tuple) and attempts:
        fields["attempts"] = len(attempts)
    return fields


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
        observed = getattr(self._client, "_limits_middleware", None) is not None
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
                record_dispatch_result(result)
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
            cancelled = DispatchResult(spec=spec, status=status, maybe_placed=maybe_placed)
            self.summary.add(cancelled)
            record_dispatch_result(cancelled)
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
