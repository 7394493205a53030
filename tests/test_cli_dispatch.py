"""`talkover dispatch` on the embedded fake, through a real subprocess (no token set)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from talkover_async.cli.dispatch import parse_rate, rows_to_specs
from talkover_async.dispatch import read_results
from talkover_async.resources.campaigns import CampaignsResource

ROOT = Path(__file__).resolve().parent.parent
CONTACTS = ROOT / "examples" / "contacts.csv"


def talkover(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALKOVER_")}
    env["PYTHONWARNINGS"] = "error::ResourceWarning"
    return subprocess.run(
        [sys.executable, "-m", "talkover_async", *map(str, args)],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd or ROOT,
        timeout=60,
    )


def test_shipped_contacts_on_the_embedded_fake(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    proc = talkover("dispatch", CONTACTS, "--agent", "demo", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "embedded fake" in proc.stderr
    assert "dispatch summary" in proc.stdout
    assert "│ placed" in proc.stdout and "2000" in proc.stdout
    records = read_results(out)
    assert len(records) == 2000
    assert {r["status"] for r in records.values()} == {"placed"}
    assert all(r.get("call_id") for r in records.values())
    assert "ResourceWarning" not in proc.stderr

    # Running it again on the same file without --resume is refused (it would call again).
    again = talkover("dispatch", CONTACTS, "--agent", "demo", "--out", out)
    assert again.returncode == 2 and "--resume" in again.stderr
    resumed = talkover("dispatch", CONTACTS, "--agent", "demo", "--out", out, "--resume", "--json")
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert summary["skipped"] == 2000 and summary["placed"] == 0


def test_failures_exit_non_zero_and_resume_retries_only_them(tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "to,name,context.crm_id,key\n"
        "+14155550100,Ada,1,\n"
        "not-a-number,Bad,2,\n"
        "+14155550101,Grace,3,\n"
        "+14155550100,Ada again,4,\n"  # the same number: skipped, not called twice
        "+14155550100,Ada on purpose,5,second-ada\n"  # its own key: called
    )
    out = tmp_path / "results.jsonl"
    proc = talkover(
        "dispatch", contacts, "--agent", "demo", "--out", out, "--json", "--concurrency", "2"
    )
    assert proc.returncode == 1, proc.stderr
    summary = json.loads(proc.stdout)
    assert (summary["placed"], summary["failed"], summary["skipped"]) == (3, 1, 1)
    records = read_results(out)
    bad = records["agent/demo:not-a-number"]
    assert bad["status"] == "failed" and bad["maybe_placed"] is False
    assert bad["error_type"] == "InvalidRequestError"
    assert records["second-ada"]["status"] == "placed"

    table = talkover("dispatch", contacts, "--agent", "demo", "--out", out, "--resume")
    assert table.returncode == 1
    assert "failures" in table.stdout and "InvalidRequestError" in table.stdout
    assert "dispatch summary" in table.stdout
    assert read_results(out)["agent/demo:not-a-number"]["status"] == "failed"  # tried again


def test_usage_errors(tmp_path: Path) -> None:
    no_to = tmp_path / "no_to.csv"
    no_to.write_text("phone,name\n+14155550100,Ada\n")
    proc = talkover("dispatch", no_to, "--agent", "demo")
    assert proc.returncode == 2 and "'to' column" in proc.stderr
    proc = talkover("dispatch", CONTACTS, "--agent", "demo", "--resume")
    assert proc.returncode == 2 and "--out" in proc.stderr
    proc = talkover("dispatch", CONTACTS, "--agent", "demo", "--campaign", "demo")
    assert proc.returncode == 2
    proc = talkover("dispatch", CONTACTS, "--agent", "demo", "--rate", "fast")
    assert proc.returncode == 2 and "invalid rate" in proc.stderr


@pytest.mark.skipif(not hasattr(CampaignsResource, "call"), reason="campaign calls not built yet")
def test_campaign_dispatch(tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("to,name\n+14155550100,Ada\n+14155550101,Grace\n")
    proc = talkover("dispatch", contacts, "--campaign", "demo", "--json")
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert json.loads(proc.stdout)["placed"] == 2


def test_parse_rate_and_rows() -> None:
    assert parse_rate("1000/min") == 1000
    assert parse_rate("100") == 100
    assert parse_rate("20/s") == 1200
    assert parse_rate("6000/hour") == 100
    rows = [{"to": " +14155550100 ", "name": "Ada", "context.crm": "7", "key": "", "empty": ""}]
    (spec,) = rows_to_specs(iter(rows), agent_id="a1", campaign_id=None)
    assert spec.to == "+14155550100" and spec.payload == {"name": "Ada"}
    assert spec.context == {"crm": "7"} and spec.key == "agent/a1:+14155550100"


async def test_second_run_on_the_same_results_file_fails_fast(tmp_path: Path) -> None:
    """Two `--resume` runs on one --out file: the second fails at once in one line, naming the
    file and the process that holds it, and dials nothing (the fake's journal)."""
    import asyncio
    import signal

    from talkover_async.testing import FakeTalkover, serve_fake

    from .clirun import atalkover, clean_env, command, write_contacts

    token = "talq_test_cli_lock_0123456789"
    contacts = write_contacts(tmp_path / "c.csv", 400)
    out = tmp_path / "results.jsonl"
    fake = FakeTalkover.demo(token=token)
    async with serve_fake(fake) as base_url:
        args = ["dispatch", str(contacts), "--agent", "demo", "--base-url", base_url, "--out", str(out)]
        first = await asyncio.create_subprocess_exec(
            *command(*args, "--rate", "600/min"),  # 10 calls/s: busy for the whole test
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=clean_env({"TALKOVER_API_TOKEN": token}),
        )
        try:
            for _ in range(400):
                if fake.journal.numbers_dialled():
                    break
                await asyncio.sleep(0.05)
            assert fake.journal.numbers_dialled(), "the first run did not start"
            status, stdout, stderr = await atalkover(
                *args, "--resume", env={"TALKOVER_API_TOKEN": token}
            )
        finally:
            first.send_signal(signal.SIGINT)
            await asyncio.wait_for(first.communicate(), 60)
    assert status == 1, stderr
    (line,) = [x for x in stderr.splitlines() if x.startswith("error:")]
    assert str(out) in line and f"process {first.pid}" in line and "Traceback" not in stderr
    assert "dispatch summary" not in stdout
    assert set(fake.journal.numbers_dialled().values()) == {1}  # nobody was dialled twice
    assert first.returncode == 130  # interrupted: its rows so far are in the file
