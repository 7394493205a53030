"""The fake's clock: virtual time that only moves when a test says so.

Calls ring, answer and end, campaign calls are dialled and rate-limit windows slide on this
clock, so a test controls every transition with `await fake.advance(seconds)` instead of
sleeping. With `realtime=True` the clock also follows the wall clock (for a fake served to
other programs).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

__all__ = ["DEFAULT_START", "VirtualClock"]

DEFAULT_START = datetime(2025, 1, 15, 9, 0, 0, tzinfo=UTC)


class VirtualClock:
    """Seconds elapsed since `start`, moved forward by `advance_to` (never backwards).

    `time` is a float number of seconds since `start`; `now()` the matching aware datetime.
    """

    def __init__(self, start: datetime | None = None, *, realtime: bool = False) -> None:
        if start is None:
            start = datetime.now(UTC).replace(microsecond=0) if realtime else DEFAULT_START
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        self.start = start
        self.realtime = realtime
        self._time = 0.0
        self._wall = time.monotonic()

    @property
    def time(self) -> float:
        """Virtual seconds since `start`."""
        return self._time

    def now(self) -> datetime:
        """The current virtual instant (UTC)."""
        return self.start + timedelta(seconds=self._time)

    def at(self, seconds: float) -> datetime:
        """The instant `seconds` after `start`."""
        return self.start + timedelta(seconds=seconds)

    def iso(self, seconds: float | None = None, *, micro: bool = False) -> str:
        """ISO 8601 UTC text for now (or for `seconds`), `Z` suffix; `micro` adds `.000000`."""
        moment = self.now() if seconds is None else self.at(seconds)
        if micro:
            return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    def advance_to(self, seconds: float) -> None:
        """Move to `seconds` (a no-op if that is in the past)."""
        self._time = max(self._time, seconds)

    def wall_elapsed(self) -> float:
        """Real seconds since the last call (used by realtime mode to catch up)."""
        now = time.monotonic()
        elapsed, self._wall = now - self._wall, now
        return elapsed

    def __repr__(self) -> str:
        return f"<VirtualClock {self.iso()} (+{self._time:g}s)>"
