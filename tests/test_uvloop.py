"""The testing kit and the client on uvloop (CI also runs whole test files under it:
`TALKOVER_TEST_UVLOOP=1`, see `tests/conftest.py` and `.ci/run`)."""

from __future__ import annotations

import asyncio
import os

import uvloop

from talkover_async import AsyncTalkover
from talkover_async.testing import FakeTalkover, serve_fake

TOKEN = "talq_test_uvloop_0123456789"


async def _round_trip() -> tuple[str, str, list[str]]:
    fake = FakeTalkover.demo(token=TOKEN)
    async with serve_fake(fake) as base_url:
        async with AsyncTalkover(TOKEN, base_url=base_url, env={}) as client:
            agents = await client.agents.list().to_list(10)
    return type(asyncio.get_running_loop()).__module__, base_url, [a.id for a in agents]


def test_serve_fake_on_uvloop() -> None:
    module, base_url, ids = uvloop.run(_round_trip())
    assert module.startswith("uvloop")
    assert base_url.startswith("http://127.0.0.1:") and not base_url.startswith("http://127.0.0.1:0/")
    assert ids == ["demo"]


async def test_the_loop_pytest_gives_matches_the_job() -> None:
    """Under `TALKOVER_TEST_UVLOOP=1` every async test really runs on uvloop."""
    loop = asyncio.get_running_loop()
    assert isinstance(loop, uvloop.Loop) == (os.environ.get("TALKOVER_TEST_UVLOOP") == "1")
