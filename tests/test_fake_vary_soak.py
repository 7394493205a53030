"""The slow run: every fake-driven SDK test under `unknowns="vary"` with 20 seeds.

CI runs 3 seeds (`.ci/run`); this soak runs 20: `python -m pytest -m soak
tests/test_fake_vary_soak.py`. The fake-driven tests are the ones that request the
`talkover_unknowns` fixture (`@pytest.mark.usefixtures("talkover_unknowns")`), so the plugin's
`--talkover-vary-seeds` parametrizes exactly them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
SEEDS = 20
PER_SEED = 10  # fake-driven tests (README blocks count one each)


@pytest.mark.soak
def test_fake_driven_tests_pass_under_twenty_vary_seeds() -> None:
    result = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-o", "addopts=", "-q", "-p", "no:cacheprovider",
            "-m", "not soak", "-W", "error::ResourceWarning",
            f"--talkover-vary-seeds={SEEDS}", "-k", "talkover_vary_seed", "tests",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )  # fmt: skip
    tail = result.stdout[-3000:] + result.stderr[-2000:]
    assert result.returncode == 0, tail
    passed = re.search(r"(\d+) passed", result.stdout)
    assert passed is not None and int(passed.group(1)) == SEEDS * PER_SEED, tail
