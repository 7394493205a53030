"""The shipped examples run as written (on the embedded fake, no token set)."""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("TALKOVER_")}


@pytest.mark.parametrize("script", ["dispatcher_service.py", "webhook_receiver.py"])
def test_example_script_runs(script: str, tmp_path: pathlib.Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / script)],
        cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip()


@pytest.mark.parametrize("seeds", [0, 3])
def test_example_test_passes(tmp_path: pathlib.Path, seeds: int) -> None:
    """The example suite passes as shipped, and under `--talkover-vary-seeds` (each of its
    fake-driven tests once per seed of `unknowns="vary"`)."""
    example = ROOT / "examples" / "test_with_fake.py"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "asyncio_mode=auto",
         f"--talkover-vary-seeds={seeds}", str(example)],
        cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    tests = example.read_text().count("\nasync def test_") + example.read_text().count("\ndef test_")
    passed = re.search(r"(\d+) passed", result.stdout)
    assert passed is not None and tests > 0, result.stdout[-500:]
    assert int(passed.group(1)) == tests * max(seeds, 1), result.stdout[-500:]


def test_contacts_csv_has_2000_rows() -> None:
    lines = (ROOT / "examples" / "contacts.csv").read_text().splitlines()
    assert lines[0].split(",")[0] == "to" and len(lines) == 2001
