"""`PostgresLedger`: a dispatch run shared by any number of workers, on any number of machines.

    pip install "talkover-async[postgres]"          # asyncpg

    ledger = PostgresLedger("postgresql://app@db/app", run="spring-campaign")
    async with AsyncTalkover() as client:
        await client.dispatch(specs, ledger=ledger, concurrency=32).run()    # load and work
    # on any other machine, any number of times:
        await client.dispatch(ledger=PostgresLedger(dsn, run="spring-campaign")).run()  # join

- **A run is a named set of specs, stored once.** `load()` (or `dispatch(specs, ledger=...)`)
  inserts each spec under its key; keys are unique per run, so loading the same specs twice
  adds nothing (the stored spec wins).
- **Exactly one worker ever sends a given key.** A worker claims the next pending spec with
  one `UPDATE ... WHERE state = 'pending' ... FOR UPDATE SKIP LOCKED ... RETURNING`, committed
  (durable: `synchronous_commit` must not be `off`) before its request is built; then sends,
  then records the outcome: `placed`, `failed` (certainly not placed; `requeue_failed()` puts
  them back, like `resume=True`), `maybe_placed`; a cancelled spec that was never sent goes
  back to `pending`. A claim whose worker died, or whose outcome could not be written, stays
  `claimed`: counted and listed as maybe placed, never dialled again automatically.
- **No session state**, so it works behind a transaction-mode pooler (PgBouncer): no prepared
  statement cache (`statement_cache_size=0`), no session advisory locks, no LISTEN, no
  temporary tables, no `SET` outside a transaction. Tables are created and upgraded on
  connect (`schema.py`, under a transaction-scoped advisory lock), in `schema` (default
  `talkover`).
- **The database may restart mid-run.** Every statement is retried on connection errors with
  a bounded backoff for up to `retry_for` seconds (then `LedgerUnavailableError` stops the
  worker: nothing more is claimed). A claim is tagged with a token of its own, so a claim
  whose commit was not acknowledged is found again after reconnecting instead of being left
  in doubt; an outcome that cannot be written leaves its claim (maybe placed).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import socket
import uuid
from collections.abc import AsyncIterable, Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import attrs

from .. import _json
from ..errors import ConfigurationError, InvalidRequestError
from ..redaction import redact_text
from .ledger import (
    LedgerUnavailableError,
    Outcome,
    RunCounts,
    RunNotFoundError,
    SpecSource,
    Taken,
    outcome_of,
    result_record,
)
from .schema import DEFAULT_SCHEMA, check_schema_name, migrate
from .specs import CallSpec, DispatchResult, DispatchStatus

__all__ = ["LedgerEntry", "PostgresLedger"]

T = TypeVar("T")
_BATCH = 500
_CANCEL_GRACE = 10.0  # how long a cancelled worker still waits to finish a claim or outcome
_SPEC_FIELDS = ("to", "agent_id", "campaign_id", "payload", "context", "is_testing")


@attrs.frozen(kw_only=True)
class LedgerEntry:
    """One spec of a run as stored (for `maybe_placed()` / `talkover dispatch status`)."""

    key: str
    to: str
    target: str
    state: str
    worker: str | None = None
    claimed_at: datetime | None = None
    call_id: str | None = None
    error: str | None = None


def _spec_json(spec: CallSpec) -> str:
    fields: dict[str, Any] = {name: getattr(spec, name) for name in _SPEC_FIELDS}
    if spec.delay_seconds is not None:
        fields["delay_seconds"] = spec.delay_seconds
    fields["key"] = spec.key
    try:
        return _json.dumps({k: v for k, v in fields.items() if v is not None}).decode()
    except (TypeError, ValueError) as exc:
        raise InvalidRequestError("payload", f"spec {spec.key!r} is not JSON: {exc}") from None


def _spec_from_json(text: Any) -> CallSpec:
    data = _json.loads(text) if isinstance(text, str | bytes) else text
    if not isinstance(data, Mapping):
        raise TypeError("a stored spec must be a JSON object")
    return CallSpec(**{str(k): v for k, v in data.items()})


def _transient_errors() -> tuple[type[BaseException], ...]:
    import asyncpg  # type: ignore[import-untyped, unused-ignore]

    return (
        OSError,
        TimeoutError,
        asyncpg.PostgresConnectionError,
        asyncpg.InterfaceError,
        asyncpg.OperatorInterventionError,  # admin shutdown, crash shutdown, starting up
        asyncpg.TransactionRollbackError,  # serialization failure, deadlock: retry
        asyncpg.TooManyConnectionsError,
    )


_CLAIM_SQL = """
UPDATE {s}.dispatch_specs AS d
SET state = 'claimed', claim_token = $3, worker = $2, claimed_at = now(),
    attempts = d.attempts + 1
WHERE (d.run, d.key) = (
    SELECT run, key FROM {s}.dispatch_specs
    WHERE run = $1 AND state = 'pending'
    ORDER BY seq
    LIMIT 1
    FOR UPDATE SKIP LOCKED
)
RETURNING d.key, d.spec::text
"""
_FIND_CLAIM_SQL = """
SELECT key, spec::text FROM {s}.dispatch_specs
WHERE run = $1 AND claim_token = $2 AND state = 'claimed'
"""
_SETTLE_SQL = """
UPDATE {s}.dispatch_specs
SET state = $4, settled_at = now(), call_id = $5, outcome = $6::jsonb,
    claim_token = CASE WHEN $4 = 'pending' THEN NULL ELSE claim_token END,
    worker = CASE WHEN $4 = 'pending' THEN NULL ELSE worker END
WHERE run = $1 AND key = $2 AND claim_token = $3 AND state = 'claimed'
"""
_LOAD_SQL = """
INSERT INTO {s}.dispatch_specs (run, key, spec)
SELECT $1, u.k, u.j::jsonb
FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u (k, j, o)
ORDER BY u.o
ON CONFLICT (run, key) DO NOTHING
"""


class PostgresLedger:
    """A dispatch run in PostgreSQL (see the module documentation).

    `dsn`: an asyncpg DSN (`postgresql://user@host:5432/db`); `run`: the run's name; `schema`:
    where the SDK's tables live; `worker`: this worker's name in the table (default host,
    PID and a random suffix); `pool_size`: connections per worker process; `retry_for`:
    seconds to keep retrying while the database is unreachable.
    """

    def __init__(
        self,
        dsn: str,
        *,
        run: str,
        schema: str = DEFAULT_SCHEMA,
        worker: str | None = None,
        pool_size: int = 4,
        retry_for: float = 120.0,
        connect_timeout: float = 5.0,
    ) -> None:
        if not isinstance(dsn, str) or not dsn:
            raise InvalidRequestError("dsn", "must be a PostgreSQL connection string")
        if not isinstance(run, str) or not run or len(run) > 200:
            raise InvalidRequestError("run", "must be a non-empty name of at most 200 characters")
        if isinstance(pool_size, bool) or not isinstance(pool_size, int) or pool_size < 1:
            raise InvalidRequestError("pool_size", "must be an integer >= 1")
        if retry_for < 0 or connect_timeout <= 0:
            raise InvalidRequestError("retry_for", "retry_for >= 0 and connect_timeout > 0")
        self.schema = check_schema_name(schema)
        self._dsn = dsn
        self.run = run
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.pool_size = pool_size
        self.retry_for = float(retry_for)
        self.connect_timeout = float(connect_timeout)
        self._pool: Any = None
        self._tokens: dict[str, uuid.UUID] = {}
        self._sql = {
            name: text.replace("{s}", f'"{self.schema}"')
            for name, text in (
                ("claim", _CLAIM_SQL),
                ("find", _FIND_CLAIM_SQL),
                ("settle", _SETTLE_SQL),
                ("load", _LOAD_SQL),
            )
        }

    # --- connection -------------------------------------------------------------------------
    async def connect(self) -> None:
        """Open the pool and create or upgrade the tables (retrying while the database is
        unreachable). Called by `open()` and `async with`; safe to call twice."""
        if self._pool is not None:
            return
        try:
            import asyncpg  # type: ignore[import-untyped, unused-ignore]
        except ImportError:  # pragma: no cover - depends on the installed extras
            raise ConfigurationError(
                'PostgresLedger needs asyncpg: pip install "talkover-async[postgres]"'
            ) from None

        async def create() -> Any:
            pool = await asyncpg.create_pool(
                self._dsn,
                min_size=1,
                max_size=self.pool_size,
                statement_cache_size=0,  # no named prepared statements: pooler-safe
                timeout=self.connect_timeout,
            )
            try:
                async with pool.acquire() as conn:
                    sync = await conn.fetchval("SELECT current_setting('synchronous_commit')")
                    if sync == "off":
                        raise ConfigurationError(
                            "PostgreSQL synchronous_commit is off: a committed claim could be "
                            "lost in a crash and its number dialled twice; turn it on"
                        )
                    await migrate(conn, self.schema)
            except BaseException:
                await pool.close()
                raise
            return pool

        self._pool = await self._retry("connecting", create, pooled=False)

    async def close(self) -> None:
        """Close the pool. Safe to call twice."""
        pool, self._pool = self._pool, None
        if pool is not None:
            try:
                await asyncio.wait_for(pool.close(), timeout=self.connect_timeout)
            except (Exception, asyncio.CancelledError):
                pool.terminate()

    async def __aenter__(self) -> PostgresLedger:
        await self.connect()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _retry(
        self,
        what: str,
        op: Callable[..., Awaitable[T]],
        *,
        pooled: bool = True,
    ) -> T:
        """Run `op(conn)` (or `op()`), retrying connection failures for up to `retry_for`."""
        transient = _transient_errors()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.retry_for
        delay = 0.05
        while True:
            try:
                if not pooled:
                    return await op()
                if self._pool is None:
                    raise ConfigurationError("the ledger is not connected (use async with)")
                async with self._pool.acquire(timeout=self.connect_timeout) as conn:
                    return await op(conn)
            except transient as exc:
                if loop.time() + delay > deadline:
                    cause = redact_text(f"{type(exc).__name__}: {exc}")[:200]
                    raise LedgerUnavailableError(
                        f"PostgreSQL unreachable for {self.retry_for:.0f} s while {what} "
                        f"(run {self.run!r}): {cause}"
                    ) from None
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    # --- loading and reading ----------------------------------------------------------------
    async def load(self, specs: SpecSource) -> int:
        """Store `specs` in the run (created if new); how many keys were new. Idempotent."""
        await self.connect()
        added = 0
        await self._retry("creating the run", self._create_run)
        batch: list[CallSpec] = []
        if isinstance(specs, AsyncIterable):
            async for spec in specs:
                batch.append(_checked(spec))
                if len(batch) >= _BATCH:
                    added += await self._load_batch(batch)
                    batch = []
        else:
            for spec in specs:
                batch.append(_checked(spec))
                if len(batch) >= _BATCH:
                    added += await self._load_batch(batch)
                    batch = []
        if batch:
            added += await self._load_batch(batch)
        return added

    async def _create_run(self, conn: Any) -> None:
        await conn.execute(
            f'INSERT INTO "{self.schema}".dispatch_runs (name) VALUES ($1) '  # noqa: S608 - checked name
            "ON CONFLICT DO NOTHING",
            self.run,
        )

    async def _load_batch(self, batch: list[CallSpec]) -> int:
        keys = [spec.key for spec in batch]
        bodies = [_spec_json(spec) for spec in batch]

        async def insert(conn: Any) -> int:
            status: str = await conn.execute(self._sql["load"], self.run, keys, bodies)
            return int(status.rsplit(" ", 1)[-1])

        return await self._retry("loading specs", insert)

    async def exists(self) -> bool:
        """Whether the run has been loaded."""
        await self.connect()

        async def query(conn: Any) -> bool:
            found = await conn.fetchval(
                f'SELECT 1 FROM "{self.schema}".dispatch_runs WHERE name = $1',  # noqa: S608
                self.run,
            )
            return found is not None

        return await self._retry("reading the run", query)

    async def counts(self) -> RunCounts:
        """Where every spec of the run stands, all workers together."""
        await self.connect()

        async def query(conn: Any) -> list[Any]:
            rows: list[Any] = await conn.fetch(
                f'SELECT state, count(*) AS n FROM "{self.schema}".dispatch_specs '  # noqa: S608
                "WHERE run = $1 GROUP BY state",
                self.run,
            )
            return rows

        by_state = {row["state"]: int(row["n"]) for row in await self._retry("counting", query)}
        return RunCounts(
            pending=by_state.get("pending", 0),
            claimed=by_state.get("claimed", 0),
            placed=by_state.get("placed", 0),
            maybe_placed=by_state.get("maybe_placed", 0),
            failed=by_state.get("failed", 0),
        )

    async def maybe_placed(self, *, include_in_flight: bool = True) -> list[LedgerEntry]:
        """Specs a human must check before dialling again: outcome maybe placed, and claims
        without an outcome (`state="claimed"`: a worker died, or is still sending unless
        the run is over)."""
        await self.connect()
        states = ["maybe_placed", "claimed"] if include_in_flight else ["maybe_placed"]

        async def query(conn: Any) -> list[Any]:
            rows: list[Any] = await conn.fetch(
                "SELECT key, spec::text AS spec, state, worker, claimed_at, call_id, "  # noqa: S608
                f"outcome->>'error' AS error FROM \"{self.schema}\".dispatch_specs "
                "WHERE run = $1 AND state = ANY($2::text[]) ORDER BY seq",
                self.run,
                states,
            )
            return rows

        entries = []
        for row in await self._retry("listing maybe-placed specs", query):
            data = _json.loads(row["spec"])
            spec_to = str(data.get("to", "")) if isinstance(data, dict) else ""
            target = (
                f"agent/{data['agent_id']}"
                if isinstance(data, dict) and data.get("agent_id")
                else f"campaign/{data.get('campaign_id') if isinstance(data, dict) else ''}"
            )
            entries.append(
                LedgerEntry(
                    key=row["key"],
                    to=spec_to,
                    target=target,
                    state=row["state"],
                    worker=row["worker"],
                    claimed_at=row["claimed_at"],
                    call_id=row["call_id"],
                    error=row["error"],
                )
            )
        return entries

    async def requeue_failed(self) -> int:
        """Put specs that certainly were not placed (`failed`) back to pending, like
        `resume=True` does for a results file; how many."""
        await self.connect()

        async def update(conn: Any) -> int:
            status: str = await conn.execute(
                f"UPDATE \"{self.schema}\".dispatch_specs SET state = 'pending', "  # noqa: S608
                "claim_token = NULL, worker = NULL WHERE run = $1 AND state = 'failed'",
                self.run,
            )
            return int(status.rsplit(" ", 1)[-1])

        return await self._retry("requeueing failed specs", update)

    # --- the ledger protocol ---------------------------------------------------------------
    async def open(self, specs: SpecSource | None) -> None:
        """Connect; load `specs` into the run (idempotent), or join it (None)."""
        await self.connect()
        try:
            if specs is not None:
                await self.load(specs)
            elif not await self.exists():
                raise RunNotFoundError(self.run)
        except BaseException:
            await self.close()
            raise

    async def take(self, *, claim: bool = True) -> Taken | None:
        """Claim the next pending spec of the run (committed before it returns)."""
        while claim:
            token = uuid.uuid4()
            row = await _finish_despite_cancel(self._claim(token))
            if row is None:
                if (task := asyncio.current_task()) is not None and task.cancelling():
                    raise asyncio.CancelledError  # cancelled while claiming, nothing claimed
                if await self._pending_left():  # rows other workers were locking just then
                    await asyncio.sleep(0.05)
                    continue
                return None
            key, body = row
            try:
                spec = _spec_from_json(body)
            except (TypeError, ValueError, InvalidRequestError) as exc:  # a damaged row
                self._tokens[key] = token
                bad = CallSpec(agent_id="?", to="?", key=key)
                await self._settle_as(bad, "failed", None, {"key": key, "error": str(exc)})
                continue
            if spec.key != key:  # the row's key is the one the claim is under
                spec = attrs.evolve(spec, key=key)
            self._tokens[key] = token
            return Taken(spec=spec, claimed=True)
        return None  # a stopping worker leaves the pending specs to the others

    async def _claim(self, token: uuid.UUID) -> tuple[str, str] | None:
        tried = False

        async def op(conn: Any) -> tuple[str, str] | None:
            nonlocal tried
            if tried:  # the last attempt may have committed before its answer was lost
                found = await conn.fetchrow(self._sql["find"], self.run, token)
                if found is not None:
                    return found[0], found[1]
            tried = True
            row = await conn.fetchrow(self._sql["claim"], self.run, self.worker, token)
            return (row[0], row[1]) if row is not None else None

        return await self._retry("claiming a spec", op)

    async def _pending_left(self) -> bool:
        async def query(conn: Any) -> bool:
            found = await conn.fetchval(
                f'SELECT 1 FROM "{self.schema}".dispatch_specs '  # noqa: S608 - checked name
                "WHERE run = $1 AND state = 'pending' LIMIT 1",
                self.run,
            )
            return found is not None

        return await self._retry("looking for pending specs", query)

    async def settle(self, result: DispatchResult) -> None:
        """Record the outcome; a cancelled spec that was never sent goes back to pending."""
        outcome = outcome_of(result)
        if outcome is Outcome.PLACED:
            state = "placed"
        elif outcome is Outcome.MAYBE_PLACED:
            state = "maybe_placed"
        elif result.status is DispatchStatus.CANCELLED:
            state = "pending"
        else:
            state = "failed"
        await self._settle_as(result.spec, state, result.call_id, result_record(result))

    async def _settle_as(
        self, spec: CallSpec, state: str, call_id: str | None, record: Mapping[str, Any]
    ) -> None:
        token = self._tokens.pop(spec.key, None)
        if token is None:
            return
        body = _json.dumps(dict(record)).decode()

        async def op(conn: Any) -> None:
            await conn.execute(self._sql["settle"], self.run, spec.key, token, state, call_id, body)

        # On failure the claim stays: it reads as maybe placed, never dialled again.
        with contextlib.suppress(LedgerUnavailableError, ConfigurationError):
            await _finish_despite_cancel(self._retry("recording an outcome", op))

    def __repr__(self) -> str:
        return f"<PostgresLedger run={self.run!r} schema={self.schema!r} worker={self.worker!r}>"


def _checked(spec: Any) -> CallSpec:
    if not isinstance(spec, CallSpec):
        raise TypeError(f"dispatch takes CallSpec items, got {type(spec).__name__}")
    return spec


async def _finish_despite_cancel(work: Awaitable[T]) -> T:
    """Await `work` to its end even if this task is cancelled meanwhile (for up to
    `_CANCEL_GRACE` seconds after the cancel): a claim or an outcome is never left half
    known. The cancel stays pending on the task (`cancelling()`), for the caller to act on."""
    task = asyncio.ensure_future(work)
    cancelled_at: float | None = None
    loop = asyncio.get_running_loop()
    while True:
        try:
            if cancelled_at is None:
                return await asyncio.shield(task)
            remaining = cancelled_at + _CANCEL_GRACE - loop.time()
            if remaining <= 0:
                task.cancel()
                raise asyncio.CancelledError
            return await asyncio.wait_for(asyncio.shield(task), remaining)
        except asyncio.CancelledError:
            if task.done() and not task.cancelled():
                return task.result()
            if cancelled_at is None:
                cancelled_at = loop.time()
                continue
            task.cancel()
            raise
        except TimeoutError:
            if task.done():
                return task.result()
            task.cancel()
            raise asyncio.CancelledError from None
