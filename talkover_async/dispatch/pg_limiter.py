"""One rate limit for a fleet, held in PostgreSQL (`pip install "talkover-async[postgres]"`).

`PostgresRateLimiter` implements the client's `RateLimiter` protocol with its state in one row
of a table, so every worker of a dispatch run (processes, machines) and, when they share a
`key`, every client of one account, stays together under one requests-per-minute limit:

```python
limiter = PostgresRateLimiter("postgresql://...", key="acme-prod", rate=1000)
async with limiter, AsyncTalkover(rate_limit=limiter) as client:
    ...
```

How it works:

- **One round trip per request.** `acquire()` runs a single `UPDATE ... RETURNING`: a GCRA
  reservation (a "theoretical arrival time" moved on by one interval per request, on the
  database's clock, so the hosts' clocks do not matter) that returns how long to wait. The
  requests of one process queue locally and only the head holds a reservation, so a new pause
  or rate reaches every process within one slot. A cancelled `acquire` leaves its slot unused
  (the fleet goes slightly slower, never faster).
- **A 429 slows every worker.** `on_rate_limited(retry_after)` writes a shared "paused until"
  and a lower shared rate in a background task (never on the request path). Every later
  `acquire`, in every process, waits for the pause; the process that saw the 429 also pauses
  at once, locally. `retry_after` arrives capped by the client's `max_retry_after` (the rate
  limit middleware caps it); the limiter caps it again at `max_pause` for direct callers.
- **Configured rate.** With `rate=` the fleet sends at `rate * (1 - headroom)` (default 2 %
  headroom, so network jitter never pushes a sliding one-minute window over the plan); after a
  429 it halves (`decrease`) and climbs back linearly over `recovery` seconds.
- **Learned rate.** With `rate=None` and no rate stored for the key, the limit is learned:
  from the `X-RateLimit-Limit` header when responses carry one (`use_headers`; the Talkover API
  does not document it, so it is only a shortcut), otherwise from 429s alone. Learning from
  429s starts at `initial_rate` (the smallest plan, 100/min) and doubles every `doubling`
  seconds. The row counts the requests the fleet got accepted (granted slots less the 429s
  reported, in 10-second buckets); at a 429 the server has just said the fleet reached its
  limit, so the accepted count of the last minute, less the headroom, becomes the ceiling
  (never above the one known so far). With a `Retry-After` the fleet pauses and goes on at the
  ceiling; without one it halves and recovers. A learned ceiling is also a count: while the
  fleet's accepted requests of the last 60 s reach it, no slot is granted (waiters ask again
  every `window_poll` seconds), so after the first overshoot requests go only as fast as old
  ones leave the server's window. After `probe_after` seconds (120) without a
  429 the ceiling creeps up by `creep` (2 %) a minute, so a raised plan is found.
- **Transaction-mode poolers** (PgBouncer): every statement is one autocommit statement, no
  prepared-statement cache (`statement_cache_size=0`), no session state (no `SET`, `LISTEN`
  or session advisory locks).
- **Database blips: fail closed.** If the database cannot be reached, `acquire` retries with
  backoff for up to `unavailable_timeout` seconds (requests wait: a rate limit that lets
  everything through while its store is down is how a fleet earns a suspension), then raises
  `APIConnectionError(sent=False)`, which the dispatcher records as certainly not placed.
  Background writes that fail are retried a few times and then dropped with a warning.

The table is `<schema>.rate_limits` (created and upgraded by the dispatcher's schema
migrations). Rates are requests per minute throughout.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any

import attrs

from ..errors import APIConnectionError, ConfigurationError
from ..redaction import redact_text
from .schema import DEFAULT_SCHEMA, check_schema_name, migrate

__all__ = ["LimiterState", "PostgresRateLimiter"]

logger = logging.getLogger("talkover_async")

_DB_ERRORS: tuple[type[BaseException], ...] = (OSError, TimeoutError)


def _asyncpg() -> ModuleType:
    """asyncpg, imported when first needed (the `postgres` extra)."""
    try:
        return importlib.import_module("asyncpg")
    except ImportError:  # pragma: no cover - depends on the install
        raise ConfigurationError(
            'the PostgreSQL rate limiter needs asyncpg: pip install "talkover-async[postgres]"'
        ) from None


def _db_errors() -> tuple[type[BaseException], ...]:
    """The errors of a database that is away for a while (worth waiting for)."""
    asyncpg = _asyncpg()
    return (
        *_DB_ERRORS,
        asyncpg.PostgresConnectionError,  # connection lost or refused
        asyncpg.InterfaceError,  # connection closed under us
        asyncpg.OperatorInterventionError,  # shutting down, starting up
        asyncpg.InsufficientResourcesError,  # too many connections
        asyncpg.InternalClientError,  # a connection left in a bad state
    )


async def _query(pool: Any, method: str, sql: str, *args: Any) -> Any:
    """One statement on a pooled connection; a connection in doubt is closed, not reused.

    After an error that did not come from the server (the connection was killed, a timeout,
    a cancel) asyncpg may leave the connection in a state where the next statement fails
    ("another operation is in progress"): terminating it makes the pool open a fresh one.
    """
    conn = await pool.acquire()
    try:
        return await getattr(conn, method)(sql, *args)
    except BaseException as exc:
        if not isinstance(exc, _asyncpg().PostgresError) or isinstance(exc, _db_errors()):
            conn.terminate()
        raise
    finally:
        await pool.release(conn)


async def _no_reset(conn: Any) -> None:
    return None


async def _migrate(pool: Any, schema: str) -> None:
    async with pool.acquire() as conn:
        await migrate(conn, schema)


@attrs.frozen(slots=True)
class LimiterState:
    """The shared state of a key, as `PostgresRateLimiter.state()` reads it."""

    key: str
    rate: float  #: requests/min the fleet is allowed right now
    configured: float | None
    limit: float | None  #: from X-RateLimit-Limit
    ceiling: float | None  #: learned from 429s
    paused_for: float  #: seconds until the shared pause ends (0: not paused)
    recent: float = 0.0  #: requests accepted over the last minute (granted less 429s)


class PostgresRateLimiter:
    """A `RateLimiter` shared by every client that uses the same database and `key`.

    `dsn` is a PostgreSQL URL (or give `pool=` an asyncpg pool you own). `rate` in requests
    per minute (None: learn it). See the module docstring for the other knobs.
    """

    def __init__(
        self,
        dsn: str | None = None,
        *,
        key: str = "default",
        rate: float | None = None,
        schema: str = DEFAULT_SCHEMA,
        pool: Any = None,
        pool_size: int = 4,
        burst: float = 1.0,
        headroom: float = 0.02,
        decrease: float = 0.5,
        recovery: float = 30.0,
        cooldown: float = 1.0,
        initial_rate: float = 100.0,
        min_rate: float = 1.0,
        max_rate: float = 100_000.0,
        doubling: float = 10.0,
        creep: float = 0.02,
        probe_after: float = 120.0,
        window_poll: float = 1.0,
        use_headers: bool = True,
        max_pause: float = 3600.0,
        unavailable_timeout: float = 30.0,
        statement_timeout: float = 5.0,
        migrate: bool = True,
    ) -> None:
        if dsn is None and pool is None:
            raise ConfigurationError("PostgresRateLimiter needs a dsn or a pool")
        if not isinstance(key, str) or not key or len(key) > 200:
            raise ConfigurationError("key must be a non-empty string of at most 200 characters")
        positive = {
            "burst": burst,
            "recovery": recovery,
            "initial_rate": initial_rate,
            "min_rate": min_rate,
            "max_rate": max_rate,
            "doubling": doubling,
            "statement_timeout": statement_timeout,
        }
        if rate is not None:
            positive["rate"] = rate
        for name, value in positive.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise ConfigurationError(f"{name} must be a positive number")
            if not math.isfinite(value):
                raise ConfigurationError(f"{name} must be finite")
        checks = {
            "headroom": 0 <= headroom < 1,
            "decrease": 0 < decrease < 1,
            "cooldown": 0 <= cooldown < math.inf,
            "creep": 0 <= creep < 10,
            "probe_after": 0 <= probe_after < math.inf,
            "window_poll": 0 < window_poll <= 10,
            "max_pause": 0 <= max_pause < math.inf,
            "unavailable_timeout": 0 <= unavailable_timeout < math.inf,
            "burst": burst >= 1,
        }
        for name, ok in checks.items():
            if not ok:
                raise ConfigurationError(f"{name} is out of range")
        if min_rate > max_rate:
            raise ConfigurationError("min_rate must not exceed max_rate")
        self._dsn = dsn
        self._pool: Any = pool
        self._owns_pool = pool is None
        self._pool_size = pool_size
        self.key = key
        self.configured_rate = float(rate) if rate is not None else None
        self.schema = schema
        self._schema = f'"{check_schema_name(schema)}"'
        self.burst = float(burst)
        self.headroom = float(headroom)
        self.decrease = float(decrease)
        self.recovery = float(recovery)
        self.cooldown = float(cooldown)
        self.initial_rate = float(initial_rate)
        self.min_rate = float(min_rate)
        self.max_rate = float(max_rate)
        self.doubling = float(doubling)
        self.creep = float(creep)
        self.probe_after = float(probe_after)
        self.window_poll = float(window_poll)
        self.use_headers = use_headers
        self.max_pause = float(max_pause)
        self.unavailable_timeout = float(unavailable_timeout)
        self.statement_timeout = float(statement_timeout)
        self._migrate = migrate
        self._ready = False
        self._setup_lock: asyncio.Lock | None = None
        self._queue: asyncio.Lock | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._local_pause_until = 0.0  # time.monotonic() of this process's own 429 pause
        self._pauses = 0
        self._known_limit: int | None = None
        self._closed = False
        self._sql = _Statements(self)
        #: Seconds slept in `acquire` by this process (for figures; not shared).
        self.waited = 0.0
        #: 429s reported to this limiter by this process.
        self.rate_limited = 0

    # --- lifecycle ------------------------------------------------------------------------
    async def __aenter__(self) -> PostgresRateLimiter:
        await self.setup()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def setup(self) -> None:
        """Connect, create or upgrade the table, and create the key's row (idempotent)."""
        if self._ready:
            return
        if self._closed:
            raise ConfigurationError("this PostgresRateLimiter is closed")
        if self._setup_lock is None:
            self._setup_lock = asyncio.Lock()
        async with self._setup_lock:
            if self._ready:
                return
            if self._pool is None:
                asyncpg = _asyncpg()
                self._pool = await self._with_retry(
                    lambda: asyncpg.create_pool(
                        self._dsn,
                        min_size=1,
                        max_size=self._pool_size,
                        statement_cache_size=0,  # transaction-mode poolers
                        command_timeout=self.statement_timeout,
                        # No session state to reset: skip asyncpg's reset round trip
                        # (UNLISTEN, RESET ALL...) on every release. One round trip a request.
                        reset=_no_reset,
                    )
                )
            pool = self._pool
            assert pool is not None
            if self._migrate:
                await self._with_retry(lambda: _migrate(pool, self.schema))
            await self._with_retry(self._insert_row)
            self._ready = True

    async def aclose(self) -> None:
        """Wait for pending background writes, then close the pool (when this limiter made it)."""
        self._closed = True
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        pool, self._pool = self._pool, None
        self._ready = False
        if pool is not None and self._owns_pool:
            await pool.close()

    async def _insert_row(self) -> None:
        pool = self._pool
        assert pool is not None
        await _query(
            pool, "execute", self._sql.insert, self.key, self.configured_rate, self.initial_rate
        )

    # --- the RateLimiter protocol ---------------------------------------------------------
    async def acquire(self) -> None:
        """Reserve the fleet's next slot (one round trip) and wait for it.

        The requests of one process queue here, first come first served, and only the head
        of the queue holds a reservation in the database. So a process never holds more than
        one future slot: a new pause or a new rate reaches every process within one slot, not
        after the reservations its waiters made at the old rate. (A process then sends at most
        one request per database round trip, about a thousand a second on a local network.)
        """
        if self._queue is None:
            self._queue = asyncio.Lock()
        async with self._queue:
            while True:
                pauses = self._pauses
                _at, wait, granted = await self.reserve_slot()
                wait = max(wait, self._local_pause_until - time.monotonic())
                if granted and wait <= 0:
                    return
                self.waited += wait
                await asyncio.sleep(wait)
                if granted and pauses == self._pauses:
                    return
                # Not granted (the learned limit is reached), or this process saw a 429 while
                # we waited: ask again.

    async def reserve(self) -> float:
        """Take the fleet's next slot; the seconds to wait before using it."""
        while True:
            _at, wait, granted = await self.reserve_slot()
            if granted:
                return wait
            await asyncio.sleep(wait)

    async def reserve_slot(self) -> tuple[float, float, bool]:
        """Ask for the fleet's next slot: (its time on the database clock, seconds to wait,
        granted). Not granted while a learned per-minute limit is reached: wait, then ask again.
        """
        if not self._ready:
            await self.setup()
        slot: tuple[float, float, bool] = await self._with_retry(self._reserve_once)
        return slot

    async def _reserve_once(self) -> tuple[float, float, bool]:
        pool = self._pool
        if pool is None:
            raise ConfigurationError("this PostgresRateLimiter is closed")
        row = await _query(pool, "fetchrow", self._sql.acquire, self.key)
        if row is None:  # the row is gone (table truncated): make it again
            await self._insert_row()
            row = await _query(pool, "fetchrow", self._sql.acquire, self.key)
        if row is None:
            raise ConfigurationError(f"no rate limit row for key {self.key!r}")
        return float(row["at"]), max(0.0, float(row["wait"])), bool(row["granted"])

    def on_rate_limited(self, retry_after: float | None) -> None:
        """A 429: pause this process now, and the fleet through the database (in the background)."""
        self.rate_limited += 1
        pause: float | None = None
        if retry_after is not None and math.isfinite(retry_after) and retry_after > 0:
            pause = min(float(retry_after), self.max_pause)
            until = time.monotonic() + pause
            if until > self._local_pause_until:
                self._local_pause_until = until
                self._pauses += 1
        self._background(self._sql.rate_limited, self.key, pause)

    def on_success(self) -> None:
        """Nothing to do: recovery is computed from the time since the last decrease."""

    def on_quota(self, limit: int, remaining: int) -> None:
        """`X-RateLimit-Limit` / `-Remaining` from a response: share a new limit with the fleet."""
        if not self.use_headers or limit == self._known_limit:
            return
        self._known_limit = limit
        self._background(self._sql.quota, self.key, float(limit))

    # --- reading --------------------------------------------------------------------------
    async def state(self) -> LimiterState:
        """The key's shared state right now (one query)."""
        if not self._ready:
            await self.setup()
        pool = self._pool
        assert pool is not None
        row = await _query(pool, "fetchrow", self._sql.state, self.key)
        if row is None:
            raise ConfigurationError(f"no rate limit row for key {self.key!r}")
        return LimiterState(
            key=self.key,
            rate=float(row["rate"]),
            configured=row["configured"],
            limit=row["limit_rpm"],
            ceiling=row["ceiling"],
            paused_for=max(0.0, float(row["paused_for"])),
            recent=float(row["recent"]),
        )

    async def reset(self) -> None:
        """Forget what the key learned and any pause (keeps the configured rate)."""
        if not self._ready:
            await self.setup()
        pool = self._pool
        assert pool is not None
        await _query(pool, "execute", self._sql.reset, self.key, self.initial_rate)
        self._local_pause_until = 0.0
        self._known_limit = None

    # --- plumbing -------------------------------------------------------------------------
    def _background(self, sql: str, *args: Any) -> None:
        if self._closed or not self._ready:
            return
        try:
            task = asyncio.get_running_loop().create_task(self._write(sql, args))
        except RuntimeError:  # no running loop (called from a thread): nothing to schedule on
            return
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _write(self, sql: str, args: tuple[Any, ...]) -> None:
        errors = _db_errors()
        for attempt in range(4):
            pool = self._pool
            if pool is None:
                return
            try:
                await _query(pool, "execute", sql, *args)
                return
            except errors as exc:
                if attempt == 3:
                    logger.warning(
                        "rate limiter: could not share a rate-limit update: %s",
                        redact_text(f"{type(exc).__name__}: {exc}"),
                    )
                    return
                await asyncio.sleep(0.05 * 2**attempt)

    async def _with_retry(self, action: Callable[[], Awaitable[Any]]) -> Any:
        """Run `action`, retrying database errors with backoff for `unavailable_timeout` s."""
        errors = _db_errors()
        database_error = _asyncpg().PostgresError
        deadline = time.monotonic() + self.unavailable_timeout
        delay = 0.05
        while True:
            try:
                return await action()
            except errors as exc:
                if time.monotonic() + delay > deadline:
                    raise _unavailable("unavailable", exc) from None
                await asyncio.sleep(delay * (0.5 + random.random()))
                delay = min(1.0, delay * 2)
            except database_error as exc:  # not a blip (a dropped table, a permission)
                raise _unavailable("error", exc) from None

    def __repr__(self) -> str:
        rate = f"{self.configured_rate:g}/min" if self.configured_rate else "learned"
        return f"<PostgresRateLimiter key={self.key!r} rate={rate} schema={self.schema!r}>"


def _unavailable(what: str, exc: BaseException) -> APIConnectionError:
    detail = redact_text(f"{type(exc).__name__}: {exc}")[:200]
    return APIConnectionError(
        f"rate limiter database {what} ({detail}); the request was not sent", sent=False
    )


class _Statements:
    """The limiter's SQL, built once. The schema is a quoted identifier and the knobs are
    validated floats inlined as literals; every value from outside is a bind parameter.

    Columns of `<schema>.rate_limits` (one row per key; times are the database's epoch
    seconds, rates requests per minute): `configured` (set by a client, NULL: learn),
    `limit_rpm` (from `X-RateLimit-Limit`), `ceiling` (learned from 429s), `rate` (right after
    the last decrease, at `decreased_at`), `limited_at` (the last 429 acted on), `tat` (the
    GCRA's theoretical arrival time: when the next slot is free), `paused_until`, and
    `granted_at` (when the last slot was granted: tells `RETURNING` whether this one was),
    `buckets`: the requests granted minus the 429s reported, in seven 10-second buckets, the
    last one being bucket number `bucket_at` (epoch seconds / 10).
    """

    def __init__(self, limiter: PostgresRateLimiter) -> None:
        s = limiter._schema
        f = repr  # floats: repr round-trips and is a valid SQL numeric literal
        now = "(SELECT extract(epoch FROM clock_timestamp())::float8 AS t) AS n"
        el = "greatest(0.0, n.t - r.decreased_at)"
        top = f"(coalesce(r.configured, r.limit_rpm) * {f(1 - limiter.headroom)})"
        # A learned ceiling creeps up once no 429 was seen for `probe_after` seconds.
        creeping = (
            f"(r.ceiling * (1.0 + {f(limiter.creep)}"
            f" * greatest(0.0, n.t - r.limited_at - {f(limiter.probe_after)}) / 60.0))"
        )
        eff = (
            f"greatest({f(limiter.min_rate)}, CASE"
            f" WHEN r.configured IS NOT NULL OR r.limit_rpm IS NOT NULL"
            f" THEN least({top}, r.rate + {top} * {el} / {f(limiter.recovery)})"
            f" WHEN r.ceiling IS NULL"
            f" THEN least({f(limiter.max_rate)},"
            f" r.rate * power(2.0, least(60.0, {el} / {f(limiter.doubling)})))"
            f" ELSE least({creeping}, r.rate + r.ceiling * {el} / {f(limiter.recovery)})"
            " END)"
        )
        bucket = "floor(n.t / 10.0)::bigint"
        # The buckets moved on to now, and the accepted requests of the last 60 s (functions
        # of the schema, created with the table).
        shifted = f"({s}.rate_limit_buckets(r.buckets, r.bucket_at, {bucket}))"
        recent = f"{s}.rate_limit_recent({shifted}, n.t)"
        step = f"(60.0 / {eff})"
        self.insert = (
            f"INSERT INTO {s}.rate_limits (key, configured, rate, decreased_at)"  # noqa: S608
            " VALUES ($1, $2::float8, coalesce($2::float8, $3::float8),"
            " CASE WHEN $2::float8 IS NULL THEN extract(epoch FROM clock_timestamp()) ELSE 0 END)"
            " ON CONFLICT (key) DO UPDATE SET"
            " configured = coalesce(EXCLUDED.configured, rate_limits.configured),"
            " updated_at = now()"
            " WHERE EXCLUDED.configured IS NOT NULL"
            " AND EXCLUDED.configured IS DISTINCT FROM rate_limits.configured"
        )
        learning = "(r.configured IS NULL AND r.limit_rpm IS NULL)"
        # A learned limit is a count per minute: while the fleet's accepted requests of the
        # last 60 s already reach it, no slot is granted (the server's window is full: after
        # an overshoot, this lets requests go only as fast as old ones leave the window).
        full = f"({learning} AND r.ceiling IS NOT NULL AND {recent} + 1.0 > {eff})"
        self.acquire = (
            f"UPDATE {s}.rate_limits AS r SET"  # noqa: S608
            f" tat = CASE WHEN {full} THEN r.tat"
            f" ELSE greatest(r.tat, n.t, r.paused_until) + {step} END,"
            f" granted_at = CASE WHEN {full} THEN r.granted_at ELSE n.t END,"
            f" buckets = CASE WHEN {full} THEN {shifted}"
            f" ELSE {shifted}[1:6] || ({shifted}[7] + 1) END,"
            f" bucket_at = {bucket}"
            f" FROM {now} WHERE r.key = $1"
            # RETURNING sees the new row; the rate inputs are unchanged by this statement.
            f" RETURNING r.granted_at = n.t AS granted,"
            f" greatest(n.t, r.paused_until, r.tat - {f(limiter.burst)} * {step}) AS at,"
            f" CASE WHEN r.granted_at = n.t"
            f" THEN greatest(n.t, r.paused_until, r.tat - {f(limiter.burst)} * {step}) - n.t"
            f" ELSE least({f(limiter.window_poll)}, 10.0 - (n.t - 10.0 * {bucket})) END AS wait"
        )
        decreasing = f"(n.t - r.limited_at >= {f(limiter.cooldown)})"  # once per cooldown
        # Learning from 429s: the server just said the fleet reached its limit, and the fleet
        # knows how many requests it got accepted over the last minute: that is the limit
        # (less the headroom). Never above the ceiling known so far (creeping included).
        new_ceiling = (
            f"(CASE WHEN NOT {learning} OR NOT {decreasing} THEN r.ceiling"
            f" ELSE least(coalesce({creeping}, 'Infinity'::float8),"
            f" greatest({f(limiter.min_rate)}, {recent} * {f(1 - limiter.headroom)})) END)"
        )
        # Learning with a Retry-After: the pause drains the server's window, then the fleet
        # goes on at the ceiling. Otherwise (and always for a known limit): AIMD.
        self.rate_limited = (
            f"UPDATE {s}.rate_limits AS r SET"  # noqa: S608
            " paused_until = CASE WHEN $2::float8 IS NULL THEN r.paused_until"
            " ELSE greatest(r.paused_until, n.t + $2::float8) END,"
            f" ceiling = {new_ceiling},"
            f" rate = CASE WHEN NOT {decreasing} THEN r.rate"
            f" WHEN {learning} THEN greatest({f(limiter.min_rate)},"
            f" CASE WHEN $2::float8 IS NULL THEN {f(limiter.decrease)} ELSE 1.0 END"
            f" * {new_ceiling})"
            f" ELSE greatest({f(limiter.min_rate)}, {f(limiter.decrease)} * {eff}) END,"
            f" decreased_at = CASE WHEN {decreasing} THEN n.t ELSE r.decreased_at END,"
            f" limited_at = CASE WHEN {decreasing} THEN n.t ELSE r.limited_at END,"
            # The refused request was counted when its slot was granted: take it back.
            f" buckets = {shifted}[1:6] || ({shifted}[7] - 1), bucket_at = {bucket},"
            " updated_at = now()"
            f" FROM {now} WHERE r.key = $1"
        )
        # A new limit from the headers: a learning fleet runs at it at once (nothing to recover).
        self.quota = (
            f"UPDATE {s}.rate_limits AS r SET limit_rpm = $2::float8,"  # noqa: S608
            " rate = CASE WHEN r.configured IS NULL THEN $2::float8 ELSE r.rate END,"
            " decreased_at = CASE WHEN r.configured IS NULL THEN 0 ELSE r.decreased_at END,"
            " updated_at = now()"
            f" FROM {now} WHERE r.key = $1 AND r.limit_rpm IS DISTINCT FROM $2::float8"
        )
        self.state = (
            f"SELECT {eff} AS rate, r.configured, r.limit_rpm, r.ceiling, {recent} AS recent,"  # noqa: S608
            f" r.paused_until - n.t AS paused_for FROM {s}.rate_limits AS r, {now}"
            " WHERE r.key = $1"
        )
        self.reset = (
            f"UPDATE {s}.rate_limits AS r SET limit_rpm = NULL, ceiling = NULL,"  # noqa: S608
            " rate = coalesce(r.configured, $2::float8),"
            " decreased_at = CASE WHEN r.configured IS NULL THEN n.t ELSE 0 END,"
            " limited_at = 0, tat = 0, paused_until = 0,"
            " buckets = '{0,0,0,0,0,0,0}', bucket_at = 0, updated_at = now()"
            f" FROM {now} WHERE r.key = $1"
        )
