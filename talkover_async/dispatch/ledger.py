"""The ledger: the one place where "never dial a person twice" lives.

The dispatcher asks its ledger for the next spec to send (`take`). A spec handed out with
`claimed=True` has a *durable* claim (fsynced to the results file, or committed in
PostgreSQL) before the dispatcher builds its request, so no byte leaves without a claim on
record. After the attempt the dispatcher `settle`s the claim with the result; the ledger
stores one of three outcomes (`outcome_of`):

- `placed`: the API confirmed the call;
- `not_placed`: certainly not placed (refused before the server acted, or cancelled while
  still held back): the spec may be dispatched again (a later run, `resume=True`);
- `maybe_placed`: the request may have reached the server: never dialled again automatically.

A claim that never gets an outcome (the worker died, the disk or database went away before
the outcome was written) is read as maybe placed: never dialled again automatically, always
reported. The dispatcher does not know which ledger it has: `LocalLedger` (the results file,
one process) or `PostgresLedger` (a named run shared by any number of workers).
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import AsyncIterable, Iterable
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

import attrs

from ..errors import ConfigurationError
from ..redaction import redact_text
from .specs import CallSpec, DispatchResult, DispatchStatus

__all__ = [
    "Ledger",
    "LedgerDamagedError",
    "LedgerLockedError",
    "LedgerUnavailableError",
    "Outcome",
    "RunCounts",
    "RunNotFoundError",
    "SpecSource",
    "Taken",
    "outcome_of",
    "result_record",
]

SpecSource = Iterable[CallSpec] | AsyncIterable[CallSpec]


class Outcome(enum.StrEnum):
    """What a ledger stores for a settled claim."""

    PLACED = "placed"
    NOT_PLACED = "not_placed"
    MAYBE_PLACED = "maybe_placed"


def outcome_of(result: DispatchResult) -> Outcome:
    """The outcome to store for a result of a claimed spec."""
    if result.status is DispatchStatus.PLACED:
        return Outcome.PLACED
    if result.maybe_placed:
        return Outcome.MAYBE_PLACED
    return Outcome.NOT_PLACED


def now_text() -> str:
    """The current UTC time, as ledgers write it."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def error_fields(error: BaseException | None) -> dict[str, Any]:
    """What a ledger keeps of an error: type, redacted message, status, code, attempts."""
    if error is None or isinstance(error, asyncio.CancelledError):
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


def result_record(result: DispatchResult) -> dict[str, Any]:
    """The outcome record of a claimed spec (the key first: a torn line still names it)."""
    spec = result.spec
    record: dict[str, Any] = {
        "key": spec.key,
        "status": result.status.value,
        "maybe_placed": result.maybe_placed,
        "target": spec.target,
        "to": spec.to,
    }
    if result.call_id is not None:
        record["call_id"] = result.call_id
    record.update(error_fields(result.error))
    record["elapsed_ms"] = round(result.elapsed * 1000, 1)
    record["at"] = now_text()
    return record


@attrs.frozen(kw_only=True)
class Taken:
    """A spec handed out by `Ledger.take`.

    `claimed`: the claim is durable and the dispatcher must send it (then `settle`).
    Otherwise `skipped` is the result to report instead (placed or maybe placed earlier, a
    duplicate key), or None when the caller asked not to claim (`take(claim=False)`: the run
    is stopping, the spec is reported as not attempted and stays free).
    """

    spec: CallSpec
    claimed: bool
    skipped: DispatchResult | None = None


@attrs.frozen(kw_only=True)
class RunCounts:
    """Where every spec of a ledger stands (for a fleet run: all workers together).

    `claimed` are claims with no outcome yet: in flight, or left by a worker that died
    (those count as maybe placed until a human checks them).
    """

    pending: int = 0
    claimed: int = 0
    placed: int = 0
    maybe_placed: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        """Every spec of the run."""
        return self.pending + self.claimed + self.placed + self.maybe_placed + self.failed

    @property
    def done(self) -> int:
        """Specs with an outcome."""
        return self.placed + self.maybe_placed + self.failed


@runtime_checkable
class Ledger(Protocol):
    """Where a dispatch run claims specs and records their outcomes."""

    async def open(self, specs: SpecSource | None) -> None:
        """Start a run: lock or connect, and take `specs` (None: the ledger already has them,
        e.g. joining a PostgreSQL run). Fails before anything is dialled."""
        ...

    async def take(self, *, claim: bool = True) -> Taken | None:
        """The next spec, claimed durably (or skipped, with why); None when there is no more.

        With `claim=False` nothing is claimed: the spec comes back unclaimed (a stopping run
        reports it as not attempted), or None when the ledger has nothing of its own to hand
        back (a shared run: the other workers or a later one take them).

        A claim is never left half made: when the task is cancelled while the claim is being
        made durable, the ledger finishes it and returns it, and the caller, seeing
        `asyncio.current_task().cancelling()`, settles it as cancelled (not sent)."""
        ...

    async def settle(self, result: DispatchResult) -> None:
        """Record the outcome of a claimed spec (`outcome_of(result)`). Never raises for a
        storage failure: the claim then stays without an outcome, which reads as maybe placed."""
        ...

    async def counts(self) -> RunCounts | None:
        """Counts of the whole run, as far as this ledger knows them (None: unknown)."""
        ...

    async def close(self) -> None:
        """Flush, unlock, disconnect. Safe to call twice."""
        ...


class LedgerLockedError(ConfigurationError):
    """Another process is dispatching from the same results file: nothing was dialled."""

    def __init__(self, path: str, pid: int | None) -> None:
        self.path = path
        self.pid = pid
        holder = f"process {pid}" if pid is not None else "another process"
        super().__init__(
            f"results file {path} is in use by {holder} (a dispatch run holds its lock): wait "
            "for it to finish, or stop it; two runs on one file could dial a number twice"
        )


class LedgerDamagedError(ConfigurationError):
    """A results file has a damaged line whose key cannot be read, in a place a crash cannot
    explain: a human must check it before anything is dialled from it."""

    def __init__(self, path: str, line: int) -> None:
        self.path = path
        self.line = line
        super().__init__(
            f"results file {path} line {line} is damaged and its key cannot be read, in the "
            "middle of the file (not a torn last line): check it by hand (the call may have "
            "been placed), fix or remove the line, then resume"
        )


class RunNotFoundError(ConfigurationError):
    """Joining a dispatch run that the database does not have."""

    def __init__(self, run: str) -> None:
        self.run = run
        super().__init__(f"dispatch run {run!r} not found: load it first (give its specs)")


class LedgerUnavailableError(ConfigurationError):
    """The ledger's store stayed unreachable longer than its retry window."""
