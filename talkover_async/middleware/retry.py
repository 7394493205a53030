"""Retries with tenacity, entered only after a first attempt failed.

The success path costs one status check: no tenacity object is built unless the first
attempt failed, and then a new one is built for that request (a shared retrying object is not
safe under concurrency).

What is retried, by the request's `safe` flag:

- `APIConnectionError(sent=False)` (never reached the server) and 429: always, also for
  unsafe operations such as placing a call;
- a reset or timeout after sending, 408, 500, 502, 503, 504: only safe operations. Retrying an
  unsafe one could ring a person twice, so its error is raised with `sent=True`.

Waits are exponential with full jitter, or the server's `Retry-After` (seconds or HTTP date)
when it sent one, on any retried status. A `Retry-After` above `max_retry_after` raises the
status's own error at once (`RateLimitError` for 429, `InternalServerError` for a 5xx...,
with the attempts so far); an unusable one (negative, NaN, `inf`, garbage) is ignored in
favour of the backoff.
An optional `deadline` bounds all attempts and waits together.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import attrs
import tenacity

from ..envelope import error_from_response, parse_retry_after
from ..errors import (
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    RateLimitError,
    TalkoverError,
)
from ..http import Attempt, Request, Response
from ..limits import RetryBudget
from .base import Handler

__all__ = ["RETRYABLE_STATUSES", "RetryDetails", "RetryMiddleware", "RetryPolicy"]

logger = logging.getLogger("talkover_async")

#: Statuses worth another attempt (429 for every operation, the rest for safe ones only).
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@attrs.frozen(slots=True)
class RetryPolicy:
    """How a client retries. `max_retries` counts retries, not attempts."""

    max_retries: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    max_retry_after: float = 60.0
    deadline: float | None = None


@attrs.frozen(slots=True)
class RetryDetails:
    """What an `on_retry` hook is told before each wait."""

    operation: str
    attempt: int
    wait: float
    reason: str


OnRetry = Callable[[RetryDetails], Awaitable[None] | None]


class _Outcome(Exception):
    """Carries a retryable response through tenacity, which retries on exceptions."""

    def __init__(self, response: Response) -> None:
        self.response = response


class RetryMiddleware:
    """The retry policy, applied per request."""

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        *,
        on_retry: Sequence[OnRetry] = (),
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        budget: RetryBudget | None = None,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.on_retry = tuple(on_retry)
        self._sleep = sleep
        #: Shared by all requests of the client: when spent, a request gives up instead.
        self.budget = budget

    async def __call__(self, request: Request, call_next: Handler) -> Response:
        """Send the request; on a retryable failure, retry per the policy."""
        ext = request.extensions
        policy: RetryPolicy = (ext.get("retry") if ext else None) or self.policy
        deadline_at = None
        if policy.deadline is not None:
            deadline_at = asyncio.get_running_loop().time() + policy.deadline
        if self.budget is not None:
            self.budget.record_request()
        started = time.perf_counter()
        try:
            if deadline_at is None:
                response = await call_next(request)
            else:
                response = await self._bounded(request, call_next, deadline_at)
        except APIConnectionError as exc:
            first: Response | APIConnectionError = exc
        else:
            if response.status_code not in RETRYABLE_STATUSES:
                return response
            first = response
        return await self._retry(
            request, call_next, policy, first, time.perf_counter() - started, deadline_at
        )

    @staticmethod
    async def _bounded(request: Request, call_next: Handler, deadline_at: float) -> Response:
        try:
            async with asyncio.timeout_at(deadline_at):
                return await call_next(request)
        except TimeoutError:
            raise APITimeoutError("deadline exceeded", sent=True) from None

    def _check(self, request: Request, policy: RetryPolicy, outcome: Response) -> None:
        """Raise `_Outcome` for a response worth retrying; raise the status's own typed error
        (`RateLimitError`, `InternalServerError`...) when its `Retry-After` is above the cap."""
        status = outcome.status_code
        if status not in RETRYABLE_STATUSES or not (request.safe or status == 429):
            return
        wait = parse_retry_after(outcome.headers.get("retry-after"))
        if wait is not None and wait > policy.max_retry_after:
            error = error_from_response(outcome)
            if isinstance(error, RateLimitError):
                error.retry_after = wait
            raise error
        raise _Outcome(outcome)

    async def _retry(
        self,
        request: Request,
        call_next: Handler,
        policy: RetryPolicy,
        first: Response | APIConnectionError,
        first_elapsed: float,
        deadline_at: float | None,
    ) -> Response:
        loop = asyncio.get_running_loop()
        history: list[Attempt] = [_record(1, first, first_elapsed)]
        pending: list[Response | APIConnectionError] = [first]

        async def attempt() -> Response:
            if pending:
                outcome = pending.pop()
            else:
                number = len(history) + 1
                retry_request = attrs.evolve(request, attempt=number)
                started = time.perf_counter()
                try:
                    if deadline_at is None:
                        outcome = await call_next(retry_request)
                    else:
                        outcome = await self._bounded(retry_request, call_next, deadline_at)
                except APIConnectionError as exc:
                    outcome = exc
                history.append(_record(number, outcome, time.perf_counter() - started))
            if isinstance(outcome, APIConnectionError):
                raise outcome
            self._check(request, policy, outcome)
            return outcome

        def should_retry(state: tenacity.RetryCallState) -> bool:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _Outcome):
                return True
            if isinstance(exc, ClientClosedError):  # aclose(): nothing left to retry on
                return False
            if isinstance(exc, APIConnectionError):
                return not exc.sent or request.safe
            return False

        backoff = tenacity.wait_random_exponential(
            multiplier=policy.backoff_initial, max=policy.backoff_max
        )

        def wait(state: tenacity.RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _Outcome):
                server_wait = parse_retry_after(exc.response.headers.get("retry-after"))
                if server_wait is not None:
                    return server_wait
            return float(backoff(state))

        def stop(state: tenacity.RetryCallState) -> bool:
            if state.attempt_number > policy.max_retries:
                return True
            if (
                deadline_at is not None
                and loop.time() + (state.upcoming_sleep or 0.0) >= deadline_at
            ):
                return True
            # Last check, so the budget is spent only on a retry that will happen.
            return self.budget is not None and not self.budget.try_retry()

        async def before_sleep(state: tenacity.RetryCallState) -> None:
            wait_for = state.upcoming_sleep
            history[-1] = attrs.evolve(history[-1], wait=wait_for)
            exc = state.outcome.exception() if state.outcome else None
            reason = (
                f"HTTP {exc.response.status_code}"
                if isinstance(exc, _Outcome)
                else type(exc).__name__
            )
            logger.info(
                "retrying %s %s in %.2fs after %s (attempt %d)",
                request.method,
                request.path_template,
                wait_for,
                reason,
                state.attempt_number,
            )
            details = RetryDetails(request.operation, state.attempt_number, wait_for, reason)
            for hook in self.on_retry:
                result = hook(details)
                if inspect.isawaitable(result):
                    await result

        def give_up(state: tenacity.RetryCallState) -> Response:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _Outcome):
                return exc.response
            assert exc is not None
            raise exc

        retrying = tenacity.AsyncRetrying(
            stop=stop,
            wait=wait,
            retry=should_retry,
            before_sleep=before_sleep,
            retry_error_callback=give_up,
            sleep=self._sleep,
            reraise=True,
        )
        try:
            response: Response = await retrying(attempt)
        except _Outcome as outcome:  # not retryable after all: hand the response back
            response = outcome.response
        except TalkoverError as exc:
            exc.attempts = tuple(history)
            raise
        return attrs.evolve(response, attempts=tuple(history))

    def __repr__(self) -> str:
        return f"<RetryMiddleware {self.policy!r}>"


def _record(number: int, outcome: Response | APIConnectionError, elapsed: float) -> Attempt:
    if isinstance(outcome, Response):
        return Attempt(number=number, status_code=outcome.status_code, elapsed=elapsed)
    return Attempt(number=number, error=type(outcome).__name__, elapsed=elapsed)
