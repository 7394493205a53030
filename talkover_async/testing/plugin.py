"""pytest plugin (entry point `pytest11: talkover`): fixtures for testing code that talks to
Talkover, without a network or a bill.

- `talkover_fake`: a fresh `FakeTalkover` (token `talkover_token`), strict by default: a
  request to an unknown route, or a fault that was set up and never used, fails the test at
  teardown.
- `talkover_client`: an `AsyncTalkover` wired to the fake in-process (`MockTransport`).
- `talkover_loopback_client`: an `AsyncTalkover` wired to the fake over real HTTP on
  127.0.0.1 (`serve_fake`), so the aiohttp transport is exercised too.

Opt out of strictness per test with `@pytest.mark.talkover(strict=False)`, or for the whole
run with the ini option `talkover_strict = false`. The async fixtures need pytest-asyncio;
without it only `talkover_fake` is provided.

`pytest --talkover-vary-seeds=N` runs every test that uses these fixtures (or the
`talkover_unknowns` fixture) N times, with fakes in `unknowns="vary"` mode seeded 0..N-1 (test
ids end in `talkover_vary_seed<i>`): a suite that passes does not depend on the fake's
guesses where the API docs are silent. Fakes built directly with `FakeTalkover(...)` inside
such a test follow the same mode and seed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from .unknowns import Mode, use_unknowns

__all__ = ["TOKEN"]

#: The environment token the fixtures' fake accepts and their clients send.
TOKEN = "talq_pytest_fake_token"  # noqa: S105 - a fake's token, not a secret


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register `--talkover-vary-seeds` and the `talkover_strict` ini option."""
    parser.addoption(
        "--talkover-vary-seeds",
        type=int,
        default=0,
        metavar="N",
        help="run tests using the talkover fake under unknowns='vary' with seeds 0..N-1",
    )
    parser.addini(
        "talkover_strict",
        "fail tests that hit unknown fake routes or leave faults unused (default true)",
        type="bool",
        default=True,
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the `talkover` marker."""
    config.addinivalue_line(
        "markers", "talkover(strict=True): options for the talkover_async fake fixtures"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """With `--talkover-vary-seeds=N`, parametrize `talkover_unknowns` over N seeds."""
    if "talkover_unknowns" not in metafunc.fixturenames:
        return
    seeds = int(metafunc.config.getoption("talkover_vary_seeds") or 0)
    if seeds < 0:
        raise pytest.UsageError("--talkover-vary-seeds must be >= 0")
    if seeds:
        metafunc.parametrize(
            "talkover_unknowns",
            [("vary", seed) for seed in range(seeds)],
            ids=[f"talkover_vary_seed{seed}" for seed in range(seeds)],
            indirect=True,
        )


@pytest.fixture
def talkover_unknowns(request: pytest.FixtureRequest) -> Iterator[tuple[Mode, int | None]]:
    """`(mode, seed)` of the fakes in this test (`("honest", None)` unless the run has
    `--talkover-vary-seeds`); fakes built without `unknowns=` during the test use it."""
    param: tuple[Mode, int | None] = getattr(request, "param", ("honest", None))
    with use_unknowns(*param):
        yield param


def _strict(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("talkover")
    if marker is not None and "strict" in marker.kwargs:
        return bool(marker.kwargs["strict"])
    return bool(request.config.getini("talkover_strict"))


@pytest.fixture
def talkover_token() -> str:
    """The environment token of `talkover_fake`."""
    return TOKEN


@pytest.fixture
def talkover_fake(
    request: pytest.FixtureRequest,
    talkover_token: str,
    talkover_unknowns: tuple[Mode, int | None],
) -> Iterator[Any]:
    """A fresh fake Talkover API; checked for unexpected routes and unused faults."""
    from .fake import FakeTalkover

    strict = _strict(request)
    fake = FakeTalkover(talkover_token, strict=strict)
    yield fake
    if not strict:
        return
    problems: list[str] = []
    unexpected = fake.unexpected()
    if unexpected:
        routes = sorted({f"{e.method} {e.path}" for e in unexpected})
        problems.append(f"requests to routes the fake does not know: {routes}")
    unused = fake.faults.unused()
    if unused:
        problems.append(f"faults set up but never used: {unused}")
    if problems:
        pytest.fail("talkover fake: " + "; ".join(problems), pytrace=False)


try:
    import pytest_asyncio
except ImportError:  # pragma: no cover - the async fixtures need pytest-asyncio
    pass
else:

    @pytest_asyncio.fixture
    async def talkover_client(talkover_fake: Any, talkover_token: str) -> AsyncIterator[Any]:
        """A client wired to `talkover_fake` in-process (strict decoding)."""
        from ..client import AsyncTalkover
        from ..transports import MockTransport

        async with AsyncTalkover(
            talkover_token, transport=MockTransport(talkover_fake), env={}, strict=True
        ) as client:
            yield client

    @pytest_asyncio.fixture
    async def talkover_loopback_client(
        talkover_fake: Any, talkover_token: str
    ) -> AsyncIterator[Any]:
        """A client wired to `talkover_fake` over HTTP on 127.0.0.1 (strict decoding)."""
        from ..client import AsyncTalkover
        from .server import serve_fake

        async with (
            serve_fake(talkover_fake) as base_url,
            AsyncTalkover(talkover_token, base_url=base_url, env={}, strict=True) as client,
        ):
            yield client
