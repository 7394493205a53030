"""The progress of `talkover dispatch` as a person sees it: on a pseudo-terminal, with and
without rich. The frames in between must move, not only the final table be right."""

from __future__ import annotations

import re
from pathlib import Path

from .clirun import on_pty, talkover, write_contacts

ROWS = 400
RATE = "6000/min"  # 100 calls/s: a run of about 4 s, many frames


def test_rich_bar_moves_on_a_terminal(tmp_path: Path) -> None:
    contacts = write_contacts(tmp_path / "c.csv", ROWS)
    status, screen = on_pty("dispatch", contacts, "--agent", "demo", "--rate", RATE)
    assert status == 0, screen
    assert "dispatch summary" in screen
    done = [int(n) for n in re.findall(rf"(\d+)/{ROWS}\b", screen)]
    placed = [int(n) for n in re.findall(r"(\d+) placed", screen)]
    between = {n for n in done if 0 < n < ROWS}
    # Several distinct intermediate frames, increasing, and the last frame complete.
    assert len(between) >= 3, done
    assert done == sorted(done) and done[-1] == ROWS
    assert {n for n in placed if 0 < n < ROWS}, placed
    assert "Traceback" not in screen


def test_plain_progress_lines_without_rich(tmp_path: Path) -> None:
    contacts = write_contacts(tmp_path / "c.csv", ROWS)
    status, screen = on_pty(
        "dispatch", contacts, "--agent", "demo", "--rate", RATE, no_rich=True
    )
    assert status == 0, screen
    assert 'pip install "talkover-async[cli]"' in screen
    lines = re.findall(rf"dispatch (\d+)/{ROWS} \((\d+)%\): (\d+) placed, (\d+) failed", screen)
    done = [int(d) for d, _, _, _ in lines]
    assert any(0 < d < ROWS for d in done), screen
    assert done[-1] == ROWS and done == sorted(done)
    # The summary is a plain table (no rich box drawing) and still right.
    assert "dispatch summary" in screen and "│" not in screen
    assert re.search(rf"placed\s+{ROWS}\b", screen)
    assert "ModuleNotFoundError" not in screen and "Traceback" not in screen


def test_every_command_works_without_rich(tmp_path: Path) -> None:
    listed = talkover("agents", "list", no_rich=True)
    assert listed.returncode == 0, listed.stderr
    assert "1 agent(s)" in listed.stdout and "demo" in listed.stdout
    contacts = write_contacts(tmp_path / "c.csv", 5)
    run = talkover("dispatch", contacts, "--agent", "demo", no_rich=True)
    assert run.returncode == 0, run.stderr
    assert re.search(r"placed\s+5\b", run.stdout)
    # Not a terminal: no progress lines and no hint mixed into a log.
    assert "pip install" not in run.stderr and "dispatch 5/5" not in run.stderr
