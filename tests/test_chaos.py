"""Chaos at CI size: make-call requests against the fake with 20% of them faulted, through the
client and the dispatcher, in-process and over loopback. The engine is `benchmarks/chaos.py`
(`python benchmarks/chaos.py` runs the full 10,000 and writes the figures); the full size
also runs here under the `soak` marker (`pytest -m soak`).
"""

from __future__ import annotations

import pytest

from benchmarks.chaos import KINDS, MODES, ChaosReport, run_chaos, verdict
from talkover_async.errors import (
    APIConnectionError,
    APITimeoutError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    ResponseDecodeError,
)

CI_CALLS = 1_000
SOAK_CALLS = 10_000


def assert_sound(report: ChaosReport) -> None:
    """Nothing called twice, every request with an outcome that agrees with the fake."""
    assert report.problems == []
    assert report.numbers_called_twice == 0
    assert report.without_outcome == 0
    assert sum(report.verdicts.values()) == report.calls
    # every kind of fault fired, on about 20% of the requests
    assert set(report.faults_by_kind) == set(KINDS), report.faults_by_kind
    first_attempts = report.requests_seen_by_fake - report.retries + report.refused
    assert 0.15 <= report.faults / first_attempts <= 0.25, report.faults
    # the ambiguous cases really are ambiguous: some were placed, some were not
    assert report.maybe_placed_by_fake > 0 and report.maybe_not_placed_by_fake > 0
    assert report.verdicts["not_placed"] > 0


@pytest.mark.parametrize("mode", MODES)
async def test_chaos_ci_size(mode: str) -> None:
    report = await run_chaos(CI_CALLS, mode)
    assert_sound(report)
    assert report.elapsed < 30


@pytest.mark.soak
@pytest.mark.parametrize("mode", MODES)
async def test_chaos_full_size(mode: str) -> None:
    report = await run_chaos(SOAK_CALLS, mode)
    assert_sound(report)


def _status_error(cls: type, status: int) -> Exception:
    return cls("x", status_code=status)


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        (APIConnectionError("reset", sent=True), "maybe"),
        (APIConnectionError("refused", sent=False), "not_placed"),
        (APITimeoutError("read timeout", sent=True), "maybe"),
        (APITimeoutError("pool timeout", sent=False), "not_placed"),
        (_status_error(InternalServerError, 502), "maybe"),
        (_status_error(RateLimitError, 429), "not_placed"),
        (_status_error(NotFoundError, 404), "not_placed"),
        (_status_error(ConflictError, 409), "not_placed"),
        (ResponseDecodeError("cut", status_code=201), "placed"),
        (ResponseDecodeError("html", status_code=502), "maybe"),
        (ResponseDecodeError("html", status_code=404), "not_placed"),
        (ResponseDecodeError("none"), "maybe"),
        (KeyError("data"), None),
    ],
)
def test_verdicts(outcome: Exception, expected: str | None) -> None:
    assert verdict(outcome) == expected
