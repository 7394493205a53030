"""`talkover dispatch --ledger postgresql://... --run NAME`: load, join, status, shared rate,
fleet progress; against a real PostgreSQL (`tests/postgres.py`) and the fake on loopback."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest

from talkover_async.testing import FakeTalkover, serve_fake

from .clirun import atalkover, on_pty, talkover, write_contacts
from .test_cli_errors import one_error_line

TOKEN = "talq_test_cli_fleet_0123456789"


def fleet_args(dsn: str, schema: str, run: str) -> list[str]:
    return ["--ledger", dsn, "--run", run, "--schema", schema]


async def test_load_is_idempotent_and_works_on_the_run(
    tmp_path: Path, postgres_dsn: str, pg_schema: str
) -> None:
    contacts = write_contacts(tmp_path / "c.csv", 60)
    args = ["dispatch", str(contacts), "--agent", "demo", *fleet_args(postgres_dsn, pg_schema, "r1")]
    status, out, err = await atalkover(*args, "--json")
    assert status == 0, err
    first = json.loads(out)
    assert first["worker"]["placed"] == 60
    assert first["fleet"] == {
        "pending": 0, "claimed": 0, "placed": 60, "maybe_placed": 0, "failed": 0, "total": 60
    }
    # The same file again: nothing new is loaded, nothing is dialled again.
    status, out, err = await atalkover(*args, "--json")
    assert status == 0, err
    again = json.loads(out)
    assert again["worker"]["placed"] == 0 and again["fleet"]["total"] == 60
    # The table form says this worker's and the whole run's counts.
    status, out, err = await atalkover(*args)
    assert status == 0, err
    assert "run r1: worker done" in out and "whole run" in out


async def test_workers_share_one_run_and_never_dial_twice(
    tmp_path: Path, postgres_dsn: str, pg_schema: str
) -> None:
    rows = 240
    contacts = write_contacts(tmp_path / "c.csv", rows)
    fake = FakeTalkover.demo(token=TOKEN)
    env = {"TALKOVER_API_TOKEN": TOKEN}
    fleet = fleet_args(postgres_dsn, pg_schema, "shared")
    async with serve_fake(fake) as base_url:
        common = ["--base-url", base_url, "--rate", "3000/min", "--concurrency", "8"]
        loader = asyncio.create_task(
            atalkover("dispatch", str(contacts), "--agent", "demo", *fleet, *common, "--json", env=env)
        )
        # Join once the run exists (its first call was placed).
        for _ in range(200):
            if fake.journal.numbers_dialled():
                break
            await asyncio.sleep(0.05)
        joiner = asyncio.create_task(
            atalkover("dispatch", *fleet, "--join", *common, "--json", env=env)
        )
        (s1, out1, err1), (s2, out2, err2) = await asyncio.gather(loader, joiner)
    assert (s1, s2) == (0, 0), err1 + err2
    w1, w2 = json.loads(out1), json.loads(out2)
    assert w1["worker"]["placed"] > 0 and w2["worker"]["placed"] > 0  # both worked
    assert w1["worker"]["placed"] + w2["worker"]["placed"] == rows
    dialled = fake.journal.numbers_dialled()
    assert len(dialled) == rows and set(dialled.values()) == {1}  # every number exactly once
    status, out, err = await atalkover("dispatch", "status", *fleet, "--json")
    assert status == 0, err
    assert json.loads(out)["counts"]["placed"] == rows
    # --rate with --ledger: both workers took their requests from one limit in the database.
    conn = await asyncpg.connect(postgres_dsn)
    try:
        limits = await conn.fetch(f'SELECT key, configured FROM "{pg_schema}".rate_limits')
    finally:
        await conn.close()
    assert [(r["key"], r["configured"]) for r in limits] == [("run:shared", 3000.0)]


async def test_join_shows_the_whole_runs_progress(
    tmp_path: Path, postgres_dsn: str, pg_schema: str
) -> None:
    rows = 300
    contacts = write_contacts(tmp_path / "c.csv", rows)
    fake = FakeTalkover.demo(token=TOKEN)
    fleet = fleet_args(postgres_dsn, pg_schema, "watched")
    async with serve_fake(fake) as base_url:
        common = ["--base-url", base_url, "--rate", "3000/min", "--concurrency", "4"]
        loader = asyncio.create_task(
            atalkover(
                "dispatch", str(contacts), "--agent", "demo", *fleet, *common, "--json",
                env={"TALKOVER_API_TOKEN": TOKEN},
            )
        )
        for _ in range(200):
            if fake.journal.numbers_dialled():
                break
            await asyncio.sleep(0.05)
        # The joining worker loaded no CSV: its bar's total and counts come from the ledger.
        status, screen = await asyncio.to_thread(
            on_pty, "dispatch", *fleet, "--join", *common, env={"TALKOVER_API_TOKEN": TOKEN}
        )
        loaded, _, err = await loader
    assert loaded == 0, err
    assert status == 0, screen
    # Every frame counts against the run's 300 rows (this worker loaded none), the counts
    # move and never go back.
    done = [int(n) for n in re.findall(rf"(\d+)/{rows}\b", screen)]
    between = {n for n in done if 0 < n < rows}
    assert len(between) >= 3 and done == sorted(done), screen


async def test_status_lists_maybe_placed_numbers_masked(
    tmp_path: Path, postgres_dsn: str, pg_schema: str
) -> None:
    contacts = write_contacts(tmp_path / "c.csv", 20)
    fleet = fleet_args(postgres_dsn, pg_schema, "checked")
    status, _, err = await atalkover("dispatch", str(contacts), "--agent", "demo", *fleet)
    assert status == 0, err
    # Two rows end "maybe placed" (as after a 5xx or a worker that died mid-request).
    conn = await asyncpg.connect(postgres_dsn)
    try:
        await conn.execute(
            f'UPDATE "{pg_schema}".dispatch_specs SET state = $3 WHERE run = $1 AND key = ANY($2)',
            "checked",
            ["agent/demo:+14155550003", "agent/demo:+14155550007"],
            "maybe_placed",
        )
    finally:
        await conn.close()
    status, out, err = await atalkover("dispatch", "status", *fleet, "--json")
    assert status == 0, err
    shown = json.loads(out)
    assert shown["counts"] == {
        "pending": 0, "claimed": 0, "placed": 18, "maybe_placed": 2, "failed": 0, "total": 20
    }
    assert sorted(e["to"] for e in shown["maybe_placed"]) == ["+1******0003", "+1******0007"]
    assert "+14155550003" not in out and "+14155550007" not in out
    status, table, err = await atalkover("dispatch", "status", *fleet)
    assert status == 0, err
    assert "may have been placed" in table and "+1******0007" in table
    assert "+14155550007" not in table


async def test_resume_requeues_rows_certainly_not_placed(
    tmp_path: Path, postgres_dsn: str, pg_schema: str
) -> None:
    contacts = write_contacts(tmp_path / "c.csv", 12)
    fake = FakeTalkover.demo(token=TOKEN)
    fleet = fleet_args(postgres_dsn, pg_schema, "retried")
    async with serve_fake(fake) as base_url:
        args = ["dispatch", str(contacts), "--agent", "demo", *fleet, "--base-url", base_url, "--json"]
        # A wrong token: every row fails with a 401 (certainly not placed).
        status, out, err = await atalkover(
            *args, "--stop-after", "0", env={"TALKOVER_API_TOKEN": "talq_test_wrong_0123456789"}
        )
        assert status == 1, err
        assert json.loads(out)["fleet"]["failed"] == 12
        # Without --resume the failed rows stay failed; with it they go again.
        status, out, err = await atalkover(*args, env={"TALKOVER_API_TOKEN": TOKEN})
        assert json.loads(out)["worker"]["placed"] == 0
        status, out, err = await atalkover(*args, "--resume", env={"TALKOVER_API_TOKEN": TOKEN})
    assert status == 0, err
    assert "12 row(s) that certainly were not placed go again" in err
    summary = json.loads(out)
    assert summary["worker"]["placed"] == 12 and summary["fleet"]["placed"] == 12
    assert set(fake.journal.numbers_dialled().values()) == {1}


async def test_join_an_unknown_run(postgres_dsn: str, pg_schema: str) -> None:
    status, _, err = await atalkover("dispatch", *fleet_args(postgres_dsn, pg_schema, "nope"), "--join")
    assert status == 1
    assert "nope" in one_error_line(err)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["examples/contacts.csv", "--agent", "demo", "--run", "x"], "--run needs --ledger"),
        (["--join"], "--join needs --ledger"),
        (["status"], "dispatch status needs --ledger"),
        (["examples/contacts.csv", "--agent", "demo", "--ledger", "mysql://h/db", "--run", "x"], "PostgreSQL URL"),
        (["examples/contacts.csv", "--agent", "demo", "--ledger", "postgresql://h/db"], "--ledger needs --run"),
        (
            ["examples/contacts.csv", "--agent", "demo", "--ledger", "postgresql://h/db", "--run", "x", "--out", "r.jsonl"],
            "leave out --out",
        ),
        (["examples/contacts.csv", "--ledger", "postgresql://h/db", "--run", "x", "--join"], "give no CSV"),
        (["--ledger", "postgresql://h/db", "--run", "x"], "--join to work on a loaded run"),
    ],
)
def test_fleet_usage_errors(args: list[str], says: str) -> None:
    proc = talkover("dispatch", *args)
    assert proc.returncode == 2
    assert says in one_error_line(proc.stderr)


def test_a_dsn_password_never_shows() -> None:
    # Nothing listens on port 9: the error names the failure, never the password.
    proc = talkover(
        "dispatch", "status", "--ledger", "postgresql://u:s3cretpw@127.0.0.1:9/db", "--run", "x",
        timeout=120,
    )
    assert proc.returncode == 1
    one_error_line(proc.stderr)
    assert "s3cretpw" not in proc.stderr + proc.stdout
