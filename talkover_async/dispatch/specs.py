"""What the dispatcher takes and gives: `CallSpec`, `DispatchResult`, `DispatchStatus`,
`DispatchSummary`, and `may_have_been_placed` (how a failed request is classified)."""

from __future__ import annotations

import enum
import time
from collections.abc import Mapping
from typing import Any

import attrs

from ..errors import (
    APIConnectionError,
    APIStatusError,
    ConfigurationError,
    InvalidRequestError,
    RateLimitError,
    RedirectError,
    ResponseDecodeError,
)

__all__ = [
    "CallSpec",
    "DispatchResult",
    "DispatchStatus",
    "DispatchSummary",
    "may_have_been_placed",
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
    """What happened to a spec.

    `not_attempted`: the run stopped taking specs (its circuit breaker tripped: `reason` says
    why) before this one; nothing was claimed or sent for it, it may be dispatched again.
    """

    PLACED = "placed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"
    NOT_ATTEMPTED = "not_attempted"


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


_RETRYABLE = frozenset(
    {DispatchStatus.FAILED, DispatchStatus.CANCELLED, DispatchStatus.NOT_ATTEMPTED}
)


@attrs.define(kw_only=True)
class DispatchSummary:
    """Counts of a run, updated live (a progress bar can read it while the run goes)."""

    placed: int = 0
    failed: int = 0
    maybe_placed: int = 0
    cancelled: int = 0
    skipped: int = 0
    not_attempted: int = 0
    started_at: float = attrs.field(factory=time.monotonic)
    finished_at: float | None = None

    @property
    def total(self) -> int:
        """Specs accounted for so far."""
        return (
            self.placed
            + self.failed
            + self.maybe_placed
            + self.cancelled
            + self.skipped
            + self.not_attempted
        )

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
        """Nothing failed, nothing was cancelled or left out, nothing is in doubt."""
        return not (self.failed or self.maybe_placed or self.cancelled or self.not_attempted)

    def add(self, result: DispatchResult) -> None:
        """Count one result."""
        status = result.status
        if status is DispatchStatus.PLACED:
            self.placed += 1
        elif status is DispatchStatus.SKIPPED:
            self.skipped += 1
        elif status is DispatchStatus.NOT_ATTEMPTED:
            self.not_attempted += 1
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
