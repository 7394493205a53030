"""`--talkover-vary-seeds`: a user's suite under several seeds of `unknowns="vary"`."""

from __future__ import annotations

import pytest

INI = "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
SUITE = """
from talkover_async.testing import FakeTalkover

SEEN = []

def test_fixture_fake(talkover_fake, talkover_unknowns):
    SEEN.append((talkover_fake.unknowns.mode, talkover_fake.unknowns.seed))
    assert (talkover_fake.unknowns.mode, talkover_fake.unknowns.seed) == talkover_unknowns

def test_own_fake(talkover_unknowns):
    fake = FakeTalkover(seed=123)
    mode, seed = talkover_unknowns
    assert fake.unknowns.mode == mode
    assert fake.unknowns.seed == (seed if mode == "vary" else 123)

def test_without_the_fake():
    assert FakeTalkover().unknowns.mode == "honest"

async def test_client(talkover_fake, talkover_client):
    agent = talkover_fake.seed_agent(name="Demo")
    assert (await talkover_client.agents.get(agent.id)).name == "Demo"
"""


def test_default_run_is_honest_and_unparametrized(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(SUITE)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*test_fixture_fake PASSED*"])
    assert "talkover_vary_seed" not in result.stdout.str()


def test_vary_seeds_parametrize_the_fake_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(SUITE)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-v", "--talkover-vary-seeds=3")
    result.assert_outcomes(passed=3 + 3 + 1 + 3)
    result.stdout.fnmatch_lines(
        [
            "*test_fixture_fake?talkover_vary_seed0? PASSED*",
            "*test_fixture_fake?talkover_vary_seed2? PASSED*",
            "*test_own_fake?talkover_vary_seed1? PASSED*",
            "*test_client?talkover_vary_seed2? PASSED*",
        ]
    )
    selected = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "--talkover-vary-seeds=2", "-k", "talkover_vary_seed"
    )
    selected.assert_outcomes(passed=2 + 2 + 2, deselected=1)


def test_negative_seed_count_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(SUITE)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--talkover-vary-seeds=-1")
    assert result.ret != 0
