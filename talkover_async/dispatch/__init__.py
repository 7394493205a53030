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
  placed by an earlier run, or a duplicate key in this one), `cancelled` or `not_attempted`.
- Never places a call twice: it uses only the client's safe retries (a call is retried only
  when the request provably never reached the server, or on 429) and never retries itself.
- Back-pressure: `concurrency` workers each take one spec at a time, and results wait in a
  queue of the same size, so at most about `2 * concurrency` specs are read ahead of what
  has been sent and consumed. The client's `rate_limit` / `max_in_flight` pace the sends.
- A ledger holds "never twice" (`ledger.py`): each spec is claimed durably before its request
  is built and settled after (placed / certainly not placed / maybe placed); a claim with no
  outcome reads as maybe placed. `LocalLedger` is the default: the `results_path` file
  (JSON Lines, locked for the run, claims fsynced). `resume=True` reads it back and skips
  every key placed, maybe placed, or started without an outcome; it re-dispatches only keys
  that certainly were not placed. `PostgresLedger` (`ledger=`) shares one named run between
  any number of worker processes and machines. See `docs/dispatch.md`.
- `breaker=` (`CircuitBreaker`): once it trips, nothing more is claimed and every remaining
  spec is reported `not_attempted` with the breaker's reason.
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

from .breaker import CircuitBreaker
from .ledger import (
    Ledger,
    LedgerDamagedError,
    LedgerLockedError,
    LedgerUnavailableError,
    Outcome,
    RunCounts,
    RunNotFoundError,
    Taken,
)
from .local import LocalLedger, read_results
from .pg_limiter import PostgresRateLimiter
from .postgres import LedgerEntry, PostgresLedger
from .run import Breaker, Dispatch, dispatch
from .specs import (
    CallSpec,
    DispatchResult,
    DispatchStatus,
    DispatchSummary,
    may_have_been_placed,
)

__all__ = [
    "Breaker",
    "CallSpec",
    "CircuitBreaker",
    "Dispatch",
    "DispatchResult",
    "DispatchStatus",
    "DispatchSummary",
    "Ledger",
    "LedgerEntry",
    "LedgerDamagedError",
    "LedgerLockedError",
    "LedgerUnavailableError",
    "LocalLedger",
    "Outcome",
    "PostgresLedger",
    "PostgresRateLimiter",
    "RunCounts",
    "RunNotFoundError",
    "Taken",
    "dispatch",
    "may_have_been_placed",
    "read_results",
]
