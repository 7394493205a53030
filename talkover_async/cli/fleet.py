"""`talkover dispatch --ledger postgresql://... --run NAME`: a dispatch run shared by a fleet.

- `talkover dispatch contacts.csv --agent ID --ledger DSN --run NAME` loads the CSV into the
  run (idempotent: loading the same rows again adds nothing) and works on it;
- `talkover dispatch --ledger DSN --run NAME --join` starts one more worker on a loaded run;
- `talkover dispatch status --ledger DSN --run NAME` prints where the run stands and lists
  the numbers that may have been placed (masked) for a human to check.

Any number of workers, on any number of machines, share the run: each spec is claimed by
exactly one of them (see `talkover_async.dispatch.postgres`). With `--rate`, every worker
shares one limit held in the same database (`PostgresRateLimiter`, key `--rate-key`, by
default the run's name). The progress shows the whole run, every worker together.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from typing import Any
from urllib.parse import urlsplit

from ..dispatch import DispatchResult, RunCounts
from ..dispatch.breaker import CircuitBreaker
from ..redaction import mask_phone, redact_text
from .contacts import Contacts
from .embedded import make_client
from .errors import EXIT_USAGE, CLIError
from .output import notice, print_json, print_table
from .progress import Counts, follow, open_progress

__all__ = ["check_fleet_args", "dsn_secrets", "fleet_dispatch", "fleet_status"]

_SCHEMES = ("postgresql://", "postgres://")


def dsn_secrets(dsn: str | None) -> list[str]:
    """The password in a DSN, to keep out of every line the CLI prints."""
    if not dsn:
        return []
    with contextlib.suppress(ValueError):
        password = urlsplit(dsn).password
        if password:
            return [password]
    return []


def check_fleet_args(args: argparse.Namespace, *, status: bool) -> None:
    """Usage errors of the fleet options, before any I/O."""
    if args.ledger is None:
        for flag, given in (("--run", args.run), ("--join", args.join)):
            if given:
                raise CLIError(f"{flag} needs --ledger postgresql://...", EXIT_USAGE)
        if status:
            raise CLIError("dispatch status needs --ledger postgresql://... --run NAME", EXIT_USAGE)
        return
    if not args.ledger.startswith(_SCHEMES):
        raise CLIError("--ledger must be a PostgreSQL URL: postgresql://user@host/db", EXIT_USAGE)
    if not args.run:
        raise CLIError("--ledger needs --run NAME (the run to load, join or show)", EXIT_USAGE)
    if args.out is not None:
        raise CLIError("--ledger keeps the results: leave out --out", EXIT_USAGE)
    if status:
        return
    if args.join:
        if args.contacts is not None or args.agent_id or args.campaign_id:
            raise CLIError(
                "--join works on the rows already loaded: give no CSV, --agent or --campaign",
                EXIT_USAGE,
            )
        return
    if args.contacts is None:
        raise CLIError(
            "give the CSV to load into the run, or --join to work on a loaded run", EXIT_USAGE
        )


def _schema(args: argparse.Namespace) -> dict[str, Any]:
    return {"schema": args.schema} if args.schema else {}


def _ledger(args: argparse.Namespace, **options: Any) -> Any:
    from ..dispatch.postgres import PostgresLedger

    return PostgresLedger(args.ledger, run=args.run, **_schema(args), **options)


def _limiter(args: argparse.Namespace) -> Any:
    if args.rate is None:
        return None
    from ..dispatch.pg_limiter import PostgresRateLimiter

    return PostgresRateLimiter(
        args.ledger, key=args.rate_key or f"run:{args.run}", rate=args.rate, **_schema(args)
    )


class _FleetRate:
    """Counts for the progress view from the ledger's counts, with the fleet's placing rate
    since this worker started watching."""

    def __init__(self) -> None:
        self._first: tuple[float, int] | None = None

    def __call__(self, counts: RunCounts) -> Counts:
        now = time.monotonic()
        if self._first is None:
            self._first = (now, counts.placed)
        started, placed = self._first
        rate = (counts.placed - placed) / (now - started) if now > started else 0.0
        return Counts(
            done=counts.done,
            placed=counts.placed,
            failed=counts.failed + counts.maybe_placed,
            rate=rate,
            total=counts.total,
        )


async def fleet_dispatch(args: argparse.Namespace, contacts: Contacts | None) -> int:
    """Load (unless joining) and work on the run; print this worker's and the run's counts."""
    ledger = _ledger(args)
    limiter = _limiter(args)
    failures: list[DispatchResult] = []
    interrupted = False
    async with contextlib.AsyncExitStack() as stack:
        if contacts is not None:
            stack.enter_context(contacts.file)
        if limiter is not None:
            await stack.enter_async_context(limiter)
        client = await stack.enter_async_context(
            make_client(args, rate_limit=limiter, max_in_flight=args.concurrency)
        )
        # The CLI's own connection for the fleet's counts (the progress and the summary),
        # open for as long as it polls; the run's workers have theirs.
        watcher = await stack.enter_async_context(_ledger(args, pool_size=1))
        if args.resume:
            requeued = await watcher.requeue_failed()
            notice(f"--resume: {requeued} row(s) that certainly were not placed go again")
        run = client.dispatch(
            contacts.specs if contacts is not None else None,
            ledger=ledger,
            concurrency=args.concurrency,
            breaker=CircuitBreaker(args.stop_after) if args.stop_after else None,
        )
        show = not (args.no_progress or args.json) and sys.stderr.isatty()
        view = open_progress(contacts.total if contacts is not None else 0, enabled=show)
        to_counts = _FleetRate()

        async def read() -> Counts:
            return to_counts(await watcher.counts())

        refresher = asyncio.create_task(follow(view, read))
        try:
            async with run:
                async for result in run:
                    if result.status.value in ("failed", "cancelled"):
                        failures.append(result)
        except asyncio.CancelledError:
            interrupted = True
        finally:
            refresher.cancel()
            await asyncio.gather(refresher, return_exceptions=True)
            view.close()
        fleet = await watcher.counts()
    tripped = run.breaker.tripped if run.breaker is not None else None
    _report(args, run, fleet, failures, redact_text(tripped) if tripped else None, interrupted)
    if interrupted:
        raise asyncio.CancelledError
    return 0 if run.summary.ok else 1


def _report(
    args: argparse.Namespace,
    run: Any,
    fleet: RunCounts,
    failures: list[DispatchResult],
    stopped: str | None,
    interrupted: bool,
) -> None:
    mine = run.summary
    if stopped:
        notice(f"{stopped}; the {mine.not_attempted} row(s) not attempted stay pending")
    if args.json:
        print_json(
            {
                "run": args.run,
                "worker": {
                    "placed": mine.placed,
                    "failed": mine.failed,
                    "maybe_placed": mine.maybe_placed,
                    "cancelled": mine.cancelled,
                    "skipped": mine.skipped,
                    "not_attempted": mine.not_attempted,
                    "elapsed_s": round(mine.elapsed, 3),
                    "calls_per_s": round(mine.rate, 1),
                },
                "fleet": _counts_json(fleet),
                "stopped": stopped,
                "interrupted": interrupted,
            }
        )
        return
    rows: list[tuple[str, Any, Any]] = [
        ("placed", mine.placed, fleet.placed),
        ("failed (not placed)", mine.failed, fleet.failed),
        ("maybe placed (not retried)", mine.maybe_placed, fleet.maybe_placed),
        ("claimed, no outcome yet", "", fleet.claimed),
        ("pending", "", fleet.pending),
        ("total", mine.total, fleet.total),
    ]
    if mine.not_attempted or stopped:
        rows.insert(3, ("not attempted (stopped early)", mine.not_attempted, ""))
    title = f"run {args.run}: " + (
        "interrupted" if interrupted else "stopped early" if stopped else "worker done"
    )
    print_table(title, ["", "this worker", "whole run"], rows)
    if failures:
        notice(f"{len(failures)} row(s) failed in this worker; details: talkover dispatch status")
    if fleet.maybe_placed or fleet.claimed:
        notice(
            f"{fleet.maybe_placed + fleet.claimed} row(s) may have been placed or are in flight: "
            f"talkover dispatch status --ledger ... --run {args.run} lists them"
        )


def _counts_json(counts: RunCounts) -> dict[str, int]:
    return {
        "pending": counts.pending,
        "claimed": counts.claimed,
        "placed": counts.placed,
        "maybe_placed": counts.maybe_placed,
        "failed": counts.failed,
        "total": counts.total,
    }


async def fleet_status(args: argparse.Namespace) -> int:
    """Print the run's counts and its maybe-placed numbers, masked."""
    from ..dispatch import RunNotFoundError

    async with _ledger(args, retry_for=10.0) as ledger:
        if not await ledger.exists():
            raise RunNotFoundError(args.run)
        counts = await ledger.counts()
        entries = await ledger.maybe_placed()
    listed = [
        {
            "key": redact_text(e.key),
            "to": mask_phone(e.to),
            "state": "maybe placed" if e.state == "maybe_placed" else "claimed, no outcome",
            "worker": e.worker,
            "claimed_at": e.claimed_at.isoformat(timespec="seconds") if e.claimed_at else None,
            "call_id": e.call_id,
            "error": redact_text(e.error)[:80] if e.error else None,
        }
        for e in entries
    ]
    if args.json:
        print_json({"run": args.run, "counts": _counts_json(counts), "maybe_placed": listed})
        return 0
    print_table(
        f"run {args.run}",
        ["pending", "claimed", "placed", "maybe placed", "failed", "total"],
        [
            (
                counts.pending,
                counts.claimed,
                counts.placed,
                counts.maybe_placed,
                counts.failed,
                counts.total,
            )
        ],
    )
    if listed:
        # One line per number (never cut to fit a table): a human checks each one.
        print(f"{len(listed)} may have been placed: check before calling these numbers again")
        for item in listed:
            details = [f"{name} {item[name]}" for name in _DETAILS if item[name]]
            print(f"  {item['to']}  {item['state']}  " + "  ".join(details))
    return 0


_DETAILS = ("key", "worker", "claimed_at", "call_id", "error")
