"""The pytest plugin, driven through pytest's own `pytester`."""

from __future__ import annotations

import pytest

INI = "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"


def test_fixtures_work_in_process_and_over_loopback(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(
        """
        from talkover_async import Agent

        async def test_inprocess(talkover_fake, talkover_client):
            agent = talkover_fake.seed_agent(name="Demo", published=True)
            got = await talkover_client.agents.get(agent.id)
            assert isinstance(got, Agent) and got.name == "Demo"

        async def test_loopback(talkover_fake, talkover_loopback_client):
            agent = talkover_fake.seed_agent(name="Loop", published=True)
            call = await talkover_loopback_client.agents.call(agent.id, to="+14155550100")
            assert call.status == "initiated"
            assert talkover_fake.journal.numbers_dialled()["+14155550100"] == 1
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_unexpected_route_fails_the_test(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(
        """
        from talkover_async import Request

        async def test_unknown_route(talkover_fake, talkover_token):
            request = Request("GET", "https://app.talkover.ai/api/v1/no-such-thing",
                              {"Authorization": f"Bearer {talkover_token}"})
            response = await talkover_fake(request)
            assert response.status_code == 404
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*routes the fake does not know*no-such-thing*"])


def test_unused_fault_fails_at_teardown_and_marker_opts_out(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(
        """
        import pytest
        from talkover_async.testing import faults

        def test_unused_fault(talkover_fake):
            talkover_fake.faults.add("POST /agents/{agent_id}/call", faults.reset_before())

        @pytest.mark.talkover(strict=False)
        def test_relaxed(talkover_fake):
            talkover_fake.faults.add("POST /agents/{agent_id}/call", faults.reset_before())
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*faults set up but never used*"])


def test_factories_build_any_model_in_one_line() -> None:
    from talkover_async import Agent, Call, CallStatus
    from talkover_async.testing.factories import build, build_many

    call = build(Call, status=CallStatus.COMPLETED)
    assert call.status is CallStatus.COMPLETED and len(call.id) == 36
    agents = build_many(Agent, 3, name="x")
    assert len({a.id for a in agents}) == 3 and all(a.name == "x" for a in agents)
