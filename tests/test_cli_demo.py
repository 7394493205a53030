"""`talkover demo`: the README's main job on the sample shipped inside the package."""

from __future__ import annotations

import json
from pathlib import Path

from talkover_async.cli.demo import sample_path
from talkover_async.dispatch import read_results

from .clirun import ROOT, talkover


def test_sample_is_the_readme_contacts() -> None:
    assert sample_path().read_bytes() == (ROOT / "examples" / "contacts.csv").read_bytes()


def test_demo_places_the_2000_rows_on_the_fake(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    # A token set for a real account does not matter: the demo always runs on the fake.
    proc = talkover(
        "demo", "--json", "--out", out, env={"TALKOVER_API_TOKEN": "talq_test_x1234567"}
    )
    assert proc.returncode == 0, proc.stderr
    assert "embedded fake" in proc.stderr
    summary = json.loads(proc.stdout)
    assert (summary["placed"], summary["failed"], summary["total"]) == (2000, 0, 2000)
    records = read_results(out)
    assert len(records) == 2000 and {r["status"] for r in records.values()} == {"placed"}


def test_readme_command_still_works(tmp_path: Path) -> None:
    proc = talkover("dispatch", "examples/contacts.csv", "--agent", "demo", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["placed"] == 2000
