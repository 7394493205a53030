"""`talkover dispatch --stop-after N`: a failure that will hit every row stops the run early;
the rest are recorded as not attempted, the exit status is 1 and the reason is said."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from talkover_async.dispatch import read_results
from talkover_async.testing import FakeTalkover, serve_fake

from .clirun import atalkover, write_contacts

TOKEN = "talq_test_breaker_0123456789"
WRONG = "talq_test_breaker_wrong_0123456789"
ROWS = 200


def _calls(fake: FakeTalkover) -> int:
    return sum(1 for r in fake.journal if r.method == "POST" and r.path.endswith("/call"))


async def test_wrong_token_stops_after_a_few_rows(tmp_path: Path) -> None:
    contacts = write_contacts(tmp_path / "c.csv", ROWS)
    out = tmp_path / "results.jsonl"
    fake = FakeTalkover.demo(token=TOKEN)
    async with serve_fake(fake) as base_url:
        status, stdout, stderr = await atalkover(
            "dispatch", contacts, "--agent", "demo", "--base-url", base_url, "--json",
            "--concurrency", "4", "--stop-after", "5", "--out", out,
            env={"TALKOVER_API_TOKEN": WRONG},
        )
    assert status == 1, stderr
    summary = json.loads(stdout)
    # 5 consecutive 401s trip the breaker; at most the 3 other workers' requests were in flight.
    assert 5 <= summary["failed"] <= 8
    assert summary["placed"] == 0
    assert summary["not_attempted"] == ROWS - summary["failed"]
    assert "authentication failed" in summary["stopped"]
    assert _calls(fake) == summary["failed"]  # what the server saw: one request per failed row
    assert "stopped after 5 consecutive failures" in stderr and WRONG not in stderr + stdout
    records = read_results(out)
    assert sum(r["status"] == "failed" for r in records.values()) == summary["failed"]


async def test_wrong_token_table_says_not_attempted(tmp_path: Path) -> None:
    contacts = write_contacts(tmp_path / "c.csv", 50)
    fake = FakeTalkover.demo(token=TOKEN)
    async with serve_fake(fake) as base_url:
        status, stdout, stderr = await atalkover(
            "dispatch", contacts, "--agent", "demo", "--base-url", base_url, "--concurrency", "1",
            env={"TALKOVER_API_TOKEN": WRONG},
        )
    assert status == 1
    assert "dispatch stopped early" in stdout
    assert "not attempted (stopped early)" in stdout and "45" in stdout
    assert "AuthenticationError" in stdout  # the failures table lists the 5 that were tried
    assert "check the token" in stderr


async def test_stop_after_zero_never_stops(tmp_path: Path) -> None:
    contacts = write_contacts(tmp_path / "c.csv", 40)
    fake = FakeTalkover.demo(token=TOKEN)
    async with serve_fake(fake) as base_url:
        status, stdout, stderr = await atalkover(
            "dispatch", contacts, "--agent", "demo", "--base-url", base_url, "--json",
            "--stop-after", "0", env={"TALKOVER_API_TOKEN": WRONG},
        )
    assert status == 1, stderr
    summary = json.loads(stdout)
    assert (summary["failed"], summary["not_attempted"], summary["stopped"]) == (40, 0, None)
    assert _calls(fake) == 40


async def test_closed_port_stops_early(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    contacts = write_contacts(tmp_path / "c.csv", ROWS)
    status, stdout, stderr = await atalkover(
        "dispatch", contacts, "--agent", "demo", "--base-url", f"http://127.0.0.1:{port}/api/v1",
        "--json", "--concurrency", "4", env={"TALKOVER_API_TOKEN": TOKEN},
    )
    assert status == 1, stderr
    summary = json.loads(stdout)
    # Refused connections are certainly not placed; 5 in a row stop the run (not 200 rows of
    # connect-and-retry, which took about 49 s).
    assert 5 <= summary["failed"] <= 8 and summary["maybe_placed"] == 0
    assert summary["not_attempted"] == ROWS - summary["failed"]
    assert "cannot connect" in summary["stopped"]


@pytest.mark.parametrize("value", ["-1", "many"])
async def test_invalid_stop_after(value: str) -> None:
    status, _, stderr = await atalkover(
        "dispatch", "examples/contacts.csv", "--agent", "demo", "--stop-after", value
    )
    assert status == 2 and "invalid count" in stderr
