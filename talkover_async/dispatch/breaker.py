"""A circuit breaker for a dispatch run: stop early on failures that will hit every row.

A revoked token, an unknown or unpublished agent, a campaign that does not exist, a server
that refuses connections or a missing token fails every spec of a run the same way. Without a
breaker a 2,000-row run records 2,000 failures (and, for a closed port, spends a minute doing
it). `CircuitBreaker` watches the results: after `threshold` consecutive failures of that kind
it trips, and `tripped` says why in one line. The dispatcher then stops taking specs and
records the rest as not attempted.

```python
breaker = CircuitBreaker(threshold=5)
for result in results:
    breaker.record(result)
    if breaker.tripped:
        print(breaker.tripped)      # "stopped after 5 consecutive failures that would ..."
        break
```

What counts ("systemic" failures):

- `AuthenticationError` (401), `PermissionDeniedError` (403), `PaymentRequiredError` (402:
  out of credits);
- `NotFoundError` (404: the agent or campaign does not exist), and any other 4xx whose code or
  message names an unknown, unpublished or misconfigured agent or campaign
  (`AGENT_NOT_PUBLISHED`, `INVALID_AGENT_DIRECTION`, "Agent must be published ...");
- `APIConnectionError` with `sent=False` that is a connect error (refused, DNS), not a
  timeout waiting for a pooled connection (that is load, not a dead target);
- `ConfigurationError` (a missing or malformed token, a bad base URL).

A placed result resets the count. Other results (a 422 for one bad number, a 5xx, a maybe
placed, a skipped or cancelled spec) neither count nor reset it, so a run with some random
server errors still trips on an agent that is unpublished for every row. Once tripped it stays
tripped. A `threshold` of 0 or `None` disables the breaker.
"""

from __future__ import annotations

import re

from ..errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
)
from .specs import DispatchResult, DispatchStatus

__all__ = ["CircuitBreaker", "systemic_failure"]

DEFAULT_THRESHOLD = 5

#: Error codes of 4xx answers that name the agent or campaign rather than the row.
_TARGET_CODES = frozenset(
    {
        "AGENT_NOT_FOUND",
        "CAMPAIGN_NOT_FOUND",
        "AGENT_NOT_PUBLISHED",
        "INVALID_AGENT_DIRECTION",
        "INVALID_TOKEN",
        "INVALID_API_KEY",
    }
)
_TARGET_MESSAGE = re.compile(
    r"\b(agent|campaign)\b.*\b(not found|unknown|does not exist|publish\w*|draft|direction)\b",
    re.IGNORECASE,
)


def _short(text: str, limit: int = 120) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def systemic_failure(error: BaseException | None) -> str | None:
    """Why `error` would hit every row of a run (one line), or `None` when it is a one-off."""
    if error is None:
        return None
    if isinstance(error, ConfigurationError):
        return f"client configuration: {_short(str(error))}"
    if isinstance(error, APIConnectionError):
        if error.sent or isinstance(error, APITimeoutError):
            return None
        if "closed" in str(error).lower():  # the client was closed under us: not the target
            return None
        return f"cannot connect to the API ({_short(str(error))}): check base_url and the network"
    if not isinstance(error, APIStatusError):
        return None
    detail = _short(error.message or error.code or "")
    status = f"HTTP {error.status_code}" + (f" {error.code}" if error.code else "")
    if isinstance(error, AuthenticationError):
        return f"authentication failed ({status}: {detail}): check the token"
    if isinstance(error, PermissionDeniedError):
        return f"permission denied ({status}: {detail}): check the token's environment"
    if isinstance(error, PaymentRequiredError):
        return f"payment required ({status}: {detail}): add credits"
    if isinstance(error, NotFoundError):
        return f"not found ({status}: {detail}): check the agent or campaign id"
    names_target = (error.code or "").upper() in _TARGET_CODES or bool(
        _TARGET_MESSAGE.search(error.message or "")
    )
    if 400 <= error.status_code < 500 and error.status_code != 429 and names_target:
        return f"the agent or campaign cannot place calls ({status}: {detail})"
    return None


class CircuitBreaker:
    """Trips after `threshold` consecutive failures that would hit every row.

    `record(result)` after every result; `tripped` is `None` until it trips, then the reason
    (one line). See the module docstring for what counts and what resets the count.
    """

    __slots__ = ("_last", "_tripped", "consecutive", "threshold")

    def __init__(self, threshold: int | None = DEFAULT_THRESHOLD) -> None:
        if threshold is not None and (
            isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0
        ):
            raise ValueError("threshold must be an integer >= 0 (0 or None disables)")
        self.threshold = threshold or 0
        #: Systemic failures since the last placed result.
        self.consecutive = 0
        self._last: str | None = None
        self._tripped: str | None = None

    @property
    def enabled(self) -> bool:
        """False when built with a threshold of 0 or None."""
        return self.threshold > 0

    @property
    def tripped(self) -> str | None:
        """Why the breaker tripped (one line), or `None` while it has not."""
        return self._tripped

    def record(self, result: DispatchResult) -> None:
        """Count one result of the run."""
        if self._tripped is not None or not self.threshold:
            return
        if result.status is DispatchStatus.PLACED:
            self.consecutive = 0
            self._last = None
            return
        if result.status is not DispatchStatus.FAILED:
            return
        reason = systemic_failure(result.error)
        if reason is None:
            return
        self.consecutive += 1
        self._last = reason
        if self.consecutive >= self.threshold:
            self._tripped = (
                f"stopped after {self.consecutive} consecutive failures that would hit every "
                f"row: {reason}"
            )

    def __repr__(self) -> str:
        state = "tripped" if self._tripped else f"{self.consecutive}/{self.threshold}"
        return f"<CircuitBreaker {state}>"
