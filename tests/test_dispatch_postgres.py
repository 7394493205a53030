"""The PostgreSQL ledger on a real server: schema and migrations, idempotent loading, workers
sharing a run (each key sent by exactly one), outcomes, status, and the database restarting
mid-run (on a throwaway cluster of the test's own)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from typing import Any

import asyncpg
import pytest

from talkover_async import AsyncTalkover, InvalidRequestError
from talkover_async.dispatch import (
    CallSpec,
    DispatchStatus,
    LedgerUnavailableError,
    PostgresLedger,
    RunNotFoundError,
)
from talkover_async.dispatch.schema import MIGRATIONS, migrate
from talkover_async.testing import FakeTalkover, faults, serve_fake
from talkover_async.transports import MockTransport

from .conftest import TOKEN
from .postgres import Cluster
from .test_dispatch import MiniApi, client_for, number, specs

CALL_ROUTE = "POST /agents/{agent_id}/call"


async def test_migrations_run_once_under_concurrency(postgres_dsn: str, pg_schema: str) -> None:
    conns = [await asyncpg.connect(postgres_dsn, statement_cache_size=0) for _ in range(4)]
    try:
        versions = await asyncio.gather(*(migrate(c, pg_schema) for c in conns))
        assert set(versions) == {max(m.version for m in MIGRATIONS)}
        assert await migrate(conns[0], pg_schema) == versions[0]  # again: nothing to do
        tables = {
            r["table_name"]
            for r in await conns[0].fetch(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = $1",
                pg_schema,
            )
        }
        assert {"schema_version", "dispatch_runs", "dispatch_specs"} <= tables
        # nothing of the migration is left in the session (transaction-scoped lock only)
        held = await conns[0].fetchval("SELECT count(*) FROM pg_locks WHERE locktype='advisory'")
        assert held == 0
    finally:
        for conn in conns:
            await conn.close()


def test_bad_arguments_fail_before_io() -> None:
    with pytest.raises(InvalidRequestError):
        PostgresLedger("postgresql://x@127.0.0.1:1/x", run="r", schema="Bad-Name;")
    with pytest.raises(InvalidRequestError):
        PostgresLedger("postgresql://x@127.0.0.1:1/x", run="")
    with pytest.raises(InvalidRequestError):
        PostgresLedger("postgresql://x@127.0.0.1:1/x", run="r", pool_size=0)


async def test_loading_is_idempotent_and_counts(postgres_dsn: str, pg_schema: str) -> None:
    async with PostgresLedger(postgres_dsn, run="load", schema=pg_schema) as ledger:
        assert not await ledger.exists()
        assert await ledger.load(specs(1200)) == 1200  # more than one batch
        assert await ledger.load(specs(1200)) == 0
        assert await ledger.load(specs(10, start=1195)) == 5  # only the new keys
        counts = await ledger.counts()
        assert (counts.pending, counts.total, counts.done) == (1205, 1205, 0)
        assert await ledger.exists()
    async with PostgresLedger(postgres_dsn, run="other", schema=pg_schema) as other:
        assert (await other.counts()).total == 0


async def test_joining_a_run_that_does_not_exist_dials_nothing(
    postgres_dsn: str, pg_schema: str
) -> None:
    api = MiniApi()
    ledger = PostgresLedger(postgres_dsn, run="nope", schema=pg_schema)
    async with client_for(api) as client, client.dispatch(ledger=ledger) as run:
        with pytest.raises(RunNotFoundError):
            await anext(run)
    assert not api.requests


async def test_workers_share_a_run_and_each_key_is_sent_once(
    postgres_dsn: str, pg_schema: str
) -> None:
    api = MiniApi(delay=0.002)
    name = "shared"
    async with PostgresLedger(postgres_dsn, run=name, schema=pg_schema) as loader:
        await loader.load(specs(300))

    async def worker(i: int) -> list[Any]:
        ledger = PostgresLedger(postgres_dsn, run=name, schema=pg_schema, worker=f"w{i}")
        async with client_for(api) as client, client.dispatch(ledger=ledger, concurrency=8) as run:
            return [r async for r in run]

    results = [r for batch in await asyncio.gather(*(worker(i) for i in range(4))) for r in batch]
    assert sorted(r.spec.key for r in results) == sorted(s.key for s in specs(300))
    assert all(r.status is DispatchStatus.PLACED for r in results)
    assert api.dialled == Counter({number(i): 1 for i in range(300)})
    async with PostgresLedger(postgres_dsn, run=name, schema=pg_schema) as ledger:
        counts = await ledger.counts()
        assert (counts.placed, counts.pending, counts.claimed) == (300, 0, 0)
        workers = await _column(postgres_dsn, pg_schema, name, "worker")
        assert len(set(workers)) == 4  # every worker took some
        # joining a finished run sends nothing
        async with client_for(api) as client:
            summary = await client.dispatch(ledger=ledger).run()
        assert summary.total == 0
    assert sum(api.requests.values()) == 300


async def _column(dsn: str, schema: str, run: str, column: str) -> list[Any]:
    conn = await asyncpg.connect(dsn, statement_cache_size=0)
    try:
        rows = await conn.fetch(
            f'SELECT {column} FROM "{schema}".dispatch_specs WHERE run = $1',
            run,  # noqa: S608
        )
        return [r[0] for r in rows]
    finally:
        await conn.close()


async def test_outcomes_status_and_requeue(postgres_dsn: str, pg_schema: str) -> None:
    api = MiniApi(
        faults={
            number(0): "422",
            number(1): "reset_after",
            number(2): "500_after",
            number(3): "429_once",
        }
    )
    ledger = PostgresLedger(postgres_dsn, run="outcomes", schema=pg_schema)
    async with client_for(api) as client:
        results = [r async for r in client.dispatch(specs(6), ledger=ledger)]
    by_to = {r.spec.to: r for r in results}
    assert by_to[number(0)].status is DispatchStatus.FAILED and not by_to[number(0)].maybe_placed
    assert by_to[number(1)].maybe_placed and by_to[number(2)].maybe_placed
    assert by_to[number(3)].placed  # the 429 was retried by the client: certainly not placed
    async with PostgresLedger(postgres_dsn, run="outcomes", schema=pg_schema) as status:
        counts = await status.counts()
        assert (counts.placed, counts.failed, counts.maybe_placed, counts.claimed) == (3, 1, 2, 0)
        doubtful = await status.maybe_placed()
        assert sorted(e.to for e in doubtful) == [number(1), number(2)]
        assert all(e.state == "maybe_placed" and e.error for e in doubtful)
        assert await status.requeue_failed() == 1  # the 422 may go again, like resume=True
        api.faults.clear()
        async with client_for(api) as client:
            again = [r async for r in client.dispatch(ledger=status)]
        assert [(r.spec.to, r.status) for r in again] == [(number(0), DispatchStatus.PLACED)]
    assert api.dialled == Counter({number(i): 1 for i in range(6)})


async def test_a_cancelled_worker_leaves_unsent_specs_pending(
    postgres_dsn: str, pg_schema: str
) -> None:
    api = MiniApi()
    api.gate = asyncio.Event()  # requests wait at the server until released
    name = "cancel"
    ledger = PostgresLedger(postgres_dsn, run=name, schema=pg_schema)
    async with client_for(api, max_in_flight=2) as client:
        run = client.dispatch(specs(20), ledger=ledger, concurrency=6)
        consumer = asyncio.create_task(anext(run))
        for _ in range(200):
            if sum(api.requests.values()) >= 2:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        consumer.cancel()
        with pytest.raises(asyncio.CancelledError):
            await consumer
    async with PostgresLedger(postgres_dsn, run=name, schema=pg_schema) as status:
        counts = await status.counts()
    # two requests reached the server and were cut off: maybe placed; the other four claims
    # (held by max_in_flight) were never sent and went back to pending
    assert counts.maybe_placed == 2
    assert counts.claimed == 0
    assert counts.pending == 18


async def test_database_restart_mid_run(pg_cluster: Cluster) -> None:
    fake = FakeTalkover.demo(token=TOKEN)
    fake.faults.add(CALL_ROUTE, faults.latency(0.005), times=None)
    name = "restart"
    specs_ = [CallSpec(agent_id="demo", to=number(i)) for i in range(600)]
    async with PostgresLedger(pg_cluster.dsn, run=name) as loader:
        await loader.load(specs_)
    restarted = threading.Event()
    placed_while_down: list[int] = []

    def restart() -> None:
        pg_cluster.stop("immediate")  # like a crash: recovery runs on start
        time.sleep(1.0)
        placed_while_down.append(len(fake.journal.calls_placed()))
        pg_cluster.start()
        restarted.set()

    async with serve_fake(fake) as url:
        ledgers = [
            PostgresLedger(pg_cluster.dsn, run=name, worker=f"w{i}", retry_for=60) for i in range(2)
        ]
        async with (
            AsyncTalkover(TOKEN, base_url=url, env={}) as client,
            client.dispatch(ledger=ledgers[0], concurrency=8) as one,
            client.dispatch(ledger=ledgers[1], concurrency=8) as two,
        ):

            async def drain(run: Any) -> list[Any]:
                out = []
                async for result in run:
                    out.append(result)
                    if len(fake.journal.calls_placed()) >= 150 and not restarter[0]:
                        restarter[0] = asyncio.create_task(asyncio.to_thread(restart))
                return out

            restarter: list[Any] = [None]
            first, second = await asyncio.gather(drain(one), drain(two))
            assert restarter[0] is not None
            await restarter[0]
    assert restarted.is_set()
    assert placed_while_down[0] < 600  # the database went away in the middle of the run
    dialled = fake.journal.numbers_dialled()
    assert max(dialled.values()) == 1  # 0 duplicates
    async with PostgresLedger(pg_cluster.dsn, run=name) as status:
        counts = await status.counts()
        doubtful = await status.maybe_placed()
    assert counts.pending == 0 and counts.total == 600  # the run completed
    # every claim was settled, except ones whose outcome could not be written: maybe placed
    assert counts.placed + counts.maybe_placed + counts.claimed == 600
    assert counts.placed >= 590
    assert len(first) + len(second) == 600 - 0
    for entry in doubtful:  # each one justified: it was sent, not known to be confirmed
        assert dialled[entry.to] <= 1
    placed_keys = {r.spec.to for r in first + second if r.placed}
    assert all(dialled[to] == 1 for to in placed_keys)


async def test_client_dispatch_needs_specs_or_a_ledger() -> None:
    async with AsyncTalkover(TOKEN, transport=MockTransport(MiniApi()), env={}) as client:
        with pytest.raises(InvalidRequestError):
            client.dispatch()


async def test_fleet_counts_while_the_run_goes(postgres_dsn: str, pg_schema: str) -> None:
    api = MiniApi()
    name = "progress"
    async with PostgresLedger(postgres_dsn, run=name, schema=pg_schema) as loader:
        await loader.load(specs(40))
    seen = []
    async with client_for(api) as client:
        run = client.dispatch(
            ledger=PostgresLedger(postgres_dsn, run=name, schema=pg_schema), concurrency=4
        )
        summary = run.summary
        assert await run.fleet_counts() is None  # not open yet: no connection made
        async with run:
            async for _ in run:
                counts = await run.fleet_counts()
                assert counts is not None
                seen.append(counts.done)
        assert await run.fleet_counts() is None  # closed: no new pool left behind
    assert run.summary is summary and summary.placed == 40
    assert seen == sorted(seen) and seen[-1] == 40 and counts.total == 40


class _LoseFirstClaimAnswer:
    """A pool whose connections run the first claim for real, then drop its answer (the
    commit happened; the worker cannot know): what a database crash at the wrong moment does."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool
        self.lost = 0

    def acquire(self, **kw: Any) -> Any:
        outer = self

        class Holder:
            async def __aenter__(self) -> Any:
                self.cm = outer.pool.acquire(**kw)
                conn = await self.cm.__aenter__()
                return _Conn(conn, outer)

            async def __aexit__(self, *exc: object) -> None:
                await self.cm.__aexit__(*exc)

        return Holder()

    async def close(self) -> None:
        await self.pool.close()

    def terminate(self) -> None:
        self.pool.terminate()


class _Conn:
    def __init__(self, conn: Any, owner: _LoseFirstClaimAnswer) -> None:
        self.conn = conn
        self.owner = owner

    async def fetchrow(self, sql: str, *args: Any) -> Any:
        row = await self.conn.fetchrow(sql, *args)
        if "SKIP LOCKED" in sql and row is not None and self.owner.lost == 0:
            self.owner.lost += 1
            raise ConnectionResetError("connection lost before the answer")
        return row

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)


async def test_a_claim_whose_answer_was_lost_is_found_again(
    postgres_dsn: str, pg_schema: str
) -> None:
    api = MiniApi()
    name = "lost-answer"
    ledger = PostgresLedger(postgres_dsn, run=name, schema=pg_schema, worker="w")
    await ledger.load(specs(5))
    ledger._pool = flaky = _LoseFirstClaimAnswer(ledger._pool)
    async with client_for(api) as client:
        results = [r async for r in client.dispatch(ledger=ledger, concurrency=1)]
    assert flaky.lost == 1
    assert sorted(r.spec.to for r in results) == [number(i) for i in range(5)]
    assert api.dialled == Counter({number(i): 1 for i in range(5)})
    async with PostgresLedger(postgres_dsn, run=name, schema=pg_schema) as status:
        counts = await status.counts()
    assert (counts.placed, counts.claimed, counts.pending) == (5, 0, 0)  # none left in doubt


async def test_no_session_state_is_left_on_the_connections(
    postgres_dsn: str, pg_schema: str
) -> None:
    api = MiniApi()
    ledger = PostgresLedger(postgres_dsn, run="pooler", schema=pg_schema, pool_size=1)
    await ledger.load(specs(10))
    async with client_for(api) as client:
        run = client.dispatch(ledger=ledger, concurrency=2)
        async with run:
            async for _ in run:
                pass
            # the ledger's own connection, after claims, outcomes and counts: what a
            # transaction-mode pooler would hand to the next client
            await ledger.connect()
            async with ledger._pool.acquire() as conn:
                prepared = await conn.fetchval("SELECT count(*) FROM pg_prepared_statements")
                advisory = await conn.fetchval(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND pid = pg_backend_pid()"
                )
                listening = await conn.fetchval("SELECT count(*) FROM pg_listening_channels()")
                temp = await conn.fetchval(
                    "SELECT count(*) FROM pg_class WHERE relpersistence = 't'"
                )
            await ledger.close()
    assert (prepared, advisory, listening, temp) == (0, 0, 0, 0)


async def test_a_tripped_breaker_stops_claiming_and_leaves_the_rest_pending(
    postgres_dsn: str, pg_schema: str
) -> None:
    from .test_dispatch_ledger import TripAfter

    api = MiniApi(faults={number(i): "422" for i in range(50)})
    name = "breaker"
    ledger = PostgresLedger(postgres_dsn, run=name, schema=pg_schema)
    async with client_for(api) as client:
        results = [
            r
            async for r in client.dispatch(
                specs(50), ledger=ledger, concurrency=1, breaker=TripAfter(3)
            )
        ]
    assert len(results) == 3 and sum(api.requests.values()) == 3
    async with PostgresLedger(postgres_dsn, run=name, schema=pg_schema) as status:
        counts = await status.counts()
    assert (counts.failed, counts.pending, counts.claimed) == (3, 47, 0)


async def test_outcomes_that_cannot_be_written_leave_claims_in_doubt(pg_cluster: Cluster) -> None:
    api = MiniApi()
    api.gate = asyncio.Event()  # the first requests wait at the server
    name = "down"
    async with PostgresLedger(pg_cluster.dsn, run=name) as loader:
        await loader.load(specs(100))
    ledger = PostgresLedger(pg_cluster.dsn, run=name, retry_for=1.0, connect_timeout=1.0)
    async with client_for(api) as client:
        run = client.dispatch(ledger=ledger, concurrency=4)
        first = asyncio.create_task(anext(run))
        for _ in range(500):
            if sum(api.requests.values()) == 4:
                break
            await asyncio.sleep(0.01)
        assert sum(api.requests.values()) == 4  # four claims committed, four requests sent
        await asyncio.to_thread(pg_cluster.stop, "immediate")
        api.gate.set()  # the calls are placed; their outcomes cannot be written
        with pytest.raises(LedgerUnavailableError, match="unreachable"):
            await first
            async with run:
                async for _ in run:
                    pass
        await run.aclose()
    assert sum(api.dialled.values()) == 4  # the worker stopped: nothing more was claimed
    await asyncio.to_thread(pg_cluster.start)
    async with PostgresLedger(pg_cluster.dsn, run=name) as status:
        counts = await status.counts()
        doubtful = await status.maybe_placed()
        assert (counts.claimed, counts.pending) == (4, 96)  # the four are maybe placed
        assert sorted(e.to for e in doubtful) == sorted(api.dialled)
        async with client_for(api) as client:  # a new worker takes the rest, not the four
            await client.dispatch(ledger=status, concurrency=4).run()
        counts = await status.counts()
    assert (counts.placed, counts.claimed, counts.pending) == (96, 4, 0)
    assert api.dialled == Counter({number(i): 1 for i in range(100)})
