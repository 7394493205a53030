"""Progress of a dispatch on stderr: a rich bar, plain lines without rich, or nothing.

The view is fed by `follow`, which polls a counts source (the run's live summary, or a
fleet ledger's counts) on its own schedule: the bar moves even while no result arrives.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import attrs

from .output import notice

__all__ = ["RICH_HINT", "Counts", "ProgressView", "follow", "open_progress"]

RICH_HINT = 'for a progress bar: pip install "talkover-async[cli]"'


@attrs.frozen
class Counts:
    """What the progress shows: rows accounted for, of which placed and failed, and the rate."""

    done: int
    placed: int
    failed: int
    rate: float
    #: Rows in the whole run when the source knows it (a fleet run can grow as CSVs load).
    total: int | None = None


class ProgressView(Protocol):
    """Something that shows counts while a run goes."""

    interval: float

    def show(self, counts: Counts) -> None:
        """Show the latest counts."""

    def close(self) -> None:
        """The run ended: leave the last state on screen."""


class _Nothing:
    interval = 1.0

    def show(self, counts: Counts) -> None:
        pass

    def close(self) -> None:
        pass


class _PlainLines:
    """One line per `interval` seconds (and a last one), for terminals without rich."""

    interval = 1.0

    def __init__(self, total: int, label: str) -> None:
        self.total = total
        self.label = label
        self._last: Counts | None = None

    def show(self, counts: Counts) -> None:
        if counts == self._last:
            return
        self._last = counts
        if counts.total is not None:
            self.total = counts.total
        percent = 100 * counts.done // self.total if self.total else 100
        print(
            f"{self.label} {counts.done}/{self.total} ({percent}%): {counts.placed} placed, "
            f"{counts.failed} failed, {counts.rate:.0f} calls/s",
            file=sys.stderr,
            flush=True,
        )

    def close(self) -> None:
        pass


class _RichBar:
    interval = 0.1

    def __init__(self, total: int, label: str, progress_module: Any) -> None:
        from rich.console import Console

        p = progress_module
        columns = (
            p.TextColumn(label),
            p.BarColumn(),
            p.MofNCompleteColumn(),
            p.TextColumn("[green]{task.fields[placed]} placed"),
            p.TextColumn("[red]{task.fields[failed]} failed"),
            p.TextColumn("{task.fields[rate]:.0f} calls/s"),
            p.TimeElapsedColumn(),
        )
        self._total = total
        self._progress = p.Progress(*columns, console=Console(stderr=True), transient=False)
        self._task = self._progress.add_task(label, total=total, placed=0, failed=0, rate=0.0)
        self._progress.start()

    def show(self, counts: Counts) -> None:
        self._progress.update(
            self._task,
            total=counts.total if counts.total is not None else self._total,
            completed=counts.done,
            placed=counts.placed,
            failed=counts.failed,
            rate=counts.rate,
        )

    def close(self) -> None:
        self._progress.refresh()
        self._progress.stop()


def open_progress(total: int, *, enabled: bool, label: str = "dispatch") -> ProgressView:
    """The view for this terminal: nothing when not `enabled`, else the rich bar, or plain
    lines and a one-line hint when rich is not installed."""
    if not enabled:
        return _Nothing()
    try:
        from rich import progress as rich_progress
    except ImportError:
        notice(RICH_HINT)
        return _PlainLines(total, label)
    return _RichBar(total, label, rich_progress)


async def follow(view: ProgressView, read: Callable[[], Counts | Awaitable[Counts]]) -> None:
    """Show `read()` every `view.interval` seconds until cancelled (`read` may be async, for a
    ledger polled over the network; a failed read keeps the last counts on screen)."""
    next_at = time.monotonic()
    while True:
        try:
            counts = read()
            if not isinstance(counts, Counts):
                counts = await counts
        except Exception:  # a ledger that cannot answer now: keep the last counts
            counts = None
        if counts is not None:
            view.show(counts)
        next_at += view.interval
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
