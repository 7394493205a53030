"""The PostgreSQL schema of the SDK's tables, and its versioned migrations (one place).

`MIGRATIONS` is an ordered list: version N is applied once, after N-1, by the first process
that finds the database behind; the version reached is kept in `<schema>.schema_version`.
`migrate()` runs in one transaction holding a transaction-scoped advisory lock
(`pg_advisory_xact_lock`, released at commit or rollback: nothing survives in the session,
so it is safe behind a transaction-mode pooler such as PgBouncer), so processes starting
together apply each step once. Every statement names its schema (`{schema}` is replaced by
the quoted schema name): no `SET search_path`.

To add a table: append `Migration(next_version, "...")`; never edit a released one.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from ..errors import InvalidRequestError

__all__ = ["DEFAULT_SCHEMA", "MIGRATIONS", "Migration", "check_schema_name", "migrate"]

DEFAULT_SCHEMA = "talkover"
_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@attrs.frozen
class Migration:
    """One step of the schema: `sql` (may hold several statements) with `{schema}`."""

    version: int
    sql: str
    description: str = ""


MIGRATIONS: list[Migration] = [
    Migration(
        1,
        """
        CREATE TABLE {schema}.dispatch_runs (
            name text PRIMARY KEY,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE {schema}.dispatch_specs (
            run text NOT NULL REFERENCES {schema}.dispatch_runs (name) ON DELETE CASCADE,
            key text NOT NULL,
            seq bigint GENERATED ALWAYS AS IDENTITY,
            spec jsonb NOT NULL,
            state text NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'claimed', 'placed', 'maybe_placed', 'failed')),
            claim_token uuid,
            worker text,
            claimed_at timestamptz,
            settled_at timestamptz,
            attempts integer NOT NULL DEFAULT 0,
            call_id text,
            outcome jsonb,
            PRIMARY KEY (run, key)
        );
        CREATE INDEX dispatch_specs_pending
            ON {schema}.dispatch_specs (run, seq) WHERE state = 'pending';
        CREATE INDEX dispatch_specs_state ON {schema}.dispatch_specs (run, state);
        """,
        "dispatch runs and their specs (the PostgreSQL ledger)",
    ),
    Migration(
        2,
        """
        CREATE TABLE {schema}.rate_limits (
            key           text PRIMARY KEY,
            configured    double precision,
            limit_rpm     double precision,
            ceiling       double precision,
            rate          double precision NOT NULL,
            decreased_at  double precision NOT NULL DEFAULT 0,
            limited_at    double precision NOT NULL DEFAULT 0,
            tat           double precision NOT NULL DEFAULT 0,
            granted_at    double precision NOT NULL DEFAULT 0,
            paused_until  double precision NOT NULL DEFAULT 0,
            buckets       bigint[] NOT NULL DEFAULT '{0,0,0,0,0,0,0}',
            bucket_at     bigint NOT NULL DEFAULT 0,
            updated_at    timestamptz NOT NULL DEFAULT now()
        );
        -- The row's 7 ten-second buckets moved on to bucket `now_bucket` (old ones dropped).
        CREATE FUNCTION {schema}.rate_limit_buckets(b bigint[], at bigint, now_bucket bigint)
        RETURNS bigint[] LANGUAGE sql IMMUTABLE AS $$
            SELECT CASE WHEN now_bucket - at >= 7 THEN '{0,0,0,0,0,0,0}'::bigint[]
                        WHEN now_bucket - at <= 0 THEN b
                        ELSE b[(now_bucket - at + 1)::int:7]
                             || array_fill(0::bigint, ARRAY[(now_bucket - at)::int]) END
        $$;
        -- Requests counted over the last 60 s at `now`: 6 whole buckets, part of the oldest.
        CREATE FUNCTION {schema}.rate_limit_recent(b bigint[], now double precision)
        RETURNS double precision LANGUAGE sql IMMUTABLE AS $$
            SELECT greatest(0.0, (b[2] + b[3] + b[4] + b[5] + b[6] + b[7])
                   + b[1] * (1.0 - (now / 10.0 - floor(now / 10.0))))::double precision
        $$;
        """,
        "the fleet's shared rate limits (PostgresRateLimiter; columns in pg_limiter.py)",
    ),
]


def check_schema_name(schema: str) -> str:
    """A plain lower-case identifier (it is written into SQL): or `InvalidRequestError`."""
    if not isinstance(schema, str) or not _NAME_RE.match(schema):
        raise InvalidRequestError(
            "schema", "must be a lower-case identifier (letters, digits, _; at most 63)"
        )
    return schema


def _lock_id(schema: str) -> str:
    return f"talkover_async.migrate:{schema}"


async def migrate(conn: Any, schema: str = DEFAULT_SCHEMA) -> int:
    """Create or upgrade the SDK's tables in `schema` on an asyncpg connection; the version.

    One transaction under `pg_advisory_xact_lock`: concurrent callers wait, then find the
    work done.
    """
    check_schema_name(schema)  # a plain identifier: safe to write into the SQL below
    quoted = f'"{schema}"'
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", _lock_id(schema))
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quoted}")
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS {quoted}.schema_version ("
            "one boolean PRIMARY KEY DEFAULT true CHECK (one), version integer NOT NULL)"
        )
        current = await conn.fetchval(f"SELECT version FROM {quoted}.schema_version")  # noqa: S608
        version = int(current or 0)
        for step in sorted(MIGRATIONS, key=lambda m: m.version):
            if step.version <= version:
                continue
            await conn.execute(step.sql.replace("{schema}", quoted))
            version = step.version
        if current is None:
            await conn.execute(
                f"INSERT INTO {quoted}.schema_version (version) VALUES ($1)",  # noqa: S608
                version,
            )
        elif version != current:
            update = f"UPDATE {quoted}.schema_version SET version = $1"  # noqa: S608
            await conn.execute(update, version)
    return version
