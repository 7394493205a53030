"""The slow run: every fake-driven SDK test under `unknowns="vary"` with 20 seeds.

CI runs 3 seeds (`.ci/run`); this soak runs 20: `python -m pytest -m soak
tests/test_fake_vary_soak.py`. The fake-driven tests are the ones that request the
`talkover_unknowns` fixture (`@pytest.mark.usefixtures("talkover_unknowns")`), so the plugin's
`--talkover-vary-seeds` parametrizes exactly them: the README blocks (test_readme, one per
block), test_dispatch (3), test_campaigns (1), test_campaign_webhooks_sftp (1),
test_webhook_roundtrip (1) and test_otel's loopback span tests (5).

Fake-driven tests left out, and why:
- test_examples runs `examples/test_with_fake.py` in a subprocess, so it cannot follow this
  process's seed; it runs that suite with `--talkover-vary-seeds=3` itself, in every run.
- test_cli, test_cli_dispatch, the examples' scripts and test_otel's
  `test_without_the_extra...` build their fake in a subprocess (the embedded fake), out of
  reach of `use_unknowns`.
- test_plugin tests the plugin's fixtures in `pytester` sessions; the vary option itself is
  tested the same way in `tests/testing/test_fake_plugin_vary.py`.
- test_chaos drives only Make a Call (a documented 200 body) with hand-written fault bodies,
  so `vary` changes nothing there but timestamps, and it places 1,000 calls per mode: a
  20-seed run would add minutes for no new coverage.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
SEEDS = 20
PER_SEED = 15  # fake-driven tests (README blocks count one each)


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
