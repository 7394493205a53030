"""`talkover dispatch CONTACTS.csv --agent ID | --campaign ID`: place a call per CSV row.

The CSV format is in `contacts.py`. A progress bar (plain lines without rich) shows placed /
failed / rate; a summary table follows. The exit status is 0 when every row was placed (or
skipped as placed by an earlier run), 1 when some failed, may have been placed or were not
attempted, 2 for a usage error, 130 when interrupted (every row taken so far is in the
results file: resume with `--resume`).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from pathlib import Path
from typing import IO, Any

from ..dispatch import Dispatch, DispatchResult, DispatchStatus, DispatchSummary
from ..dispatch.breaker import DEFAULT_THRESHOLD, CircuitBreaker
from ..redaction import redact_text
from .contacts import DEFAULT_ENCODING, Contacts, check_encoding, open_contacts, rows_to_specs
from .embedded import add_api_options, make_client
from .errors import EXIT_USAGE, CLIError
from .fleet import check_fleet_args, fleet_dispatch, fleet_status
from .output import notice, print_json, print_table
from .progress import Counts, follow, open_progress

__all__ = [
    "add_dispatch_options",
    "check_args",
    "parse_rate",
    "register",
    "rows_to_specs",
    "run_dispatch",
]

_RATE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|sec|second|m|min|minute|h|hour))?\s*$")
_PER_MINUTE = {"s": 60.0, "sec": 60.0, "second": 60.0, "m": 1.0, "min": 1.0, "minute": 1.0}
_PER_MINUTE |= {"h": 1 / 60, "hour": 1 / 60}


def register(sub: Any) -> None:
    """Add the `dispatch` subcommand."""
    cmd = sub.add_parser(
        "dispatch",
        help="place a call for every row of a CSV file",
        description="Place a call for every row of a CSV file (column 'to'; other columns "
        "fill the payload, 'context.<field>' columns the context, 'key' names the row).",
    )
    cmd.add_argument(
        "contacts",
        type=Path,
        nargs="?",
        help="CSV file with a 'to' column (or `status`, with --ledger and --run)",
    )
    target = cmd.add_mutually_exclusive_group()
    target.add_argument("--agent", dest="agent_id", help="place the calls from this agent")
    target.add_argument("--campaign", dest="campaign_id", help="queue the calls in a campaign")
    cmd.add_argument(
        "--encoding",
        type=check_encoding,
        default=DEFAULT_ENCODING,
        help="the CSV's text encoding (default utf-8, with or without a byte-order mark)",
    )
    add_dispatch_options(cmd)
    fleet = cmd.add_argument_group("a run shared by a fleet of workers (PostgreSQL)")
    fleet.add_argument(
        "--ledger",
        metavar="DSN",
        help="keep the run in PostgreSQL (postgresql://user@host/db) instead of a local file; "
        'needs pip install "talkover-async[postgres]"',
    )
    fleet.add_argument("--run", metavar="NAME", help="the run's name in the ledger")
    fleet.add_argument(
        "--join", action="store_true", help="one more worker on a run already loaded"
    )
    fleet.add_argument(
        "--schema", help="the PostgreSQL schema of the SDK's tables (default: the SDK's own)"
    )
    fleet.add_argument(
        "--rate-key",
        metavar="KEY",
        help="with --rate: the shared limit's name (default: the run's); give one key to every "
        "run of an account to share its limit",
    )
    cmd.set_defaults(handler=dispatch_cmd)


def add_dispatch_options(cmd: argparse.ArgumentParser) -> None:
    """The options `dispatch` and `demo` share."""
    add_api_options(cmd)
    cmd.add_argument(
        "--rate",
        type=parse_rate,
        default=None,
        help="requests per minute, e.g. 1000/min, 100/min or 20/s (default: no limit)",
    )
    cmd.add_argument(
        "--concurrency", type=int, default=32, help="calls in flight at once (default 32)"
    )
    cmd.add_argument("--out", type=Path, help="results file (JSON Lines), needed for --resume")
    cmd.add_argument(
        "--resume",
        action="store_true",
        help="continue the --out file: skip rows placed or maybe placed, retry the others",
    )
    cmd.add_argument(
        "--stop-after",
        type=_non_negative,
        default=DEFAULT_THRESHOLD,
        metavar="N",
        help="stop after N consecutive failures that would hit every row (a wrong token, an "
        "unknown or unpublished agent, a refused connection); the rest are recorded as not "
        f"attempted. 0: never stop (default {DEFAULT_THRESHOLD})",
    )
    cmd.add_argument("--testing", action="store_true", help="test calls (not billed)")
    cmd.add_argument("--no-progress", action="store_true", help="no progress bar")
    cmd.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,  # keeps the global `talkover --json` when not given here
        help="print the summary as JSON",
    )


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"invalid count {text!r}: use 0 or more")
    return value


def parse_rate(text: str) -> float:
    """`1000/min`, `1000/m`, `20/s`, `6000/h` or a bare number (per minute) -> per minute."""
    match = _RATE_RE.match(text)
    if not match or float(match.group(1)) <= 0:
        raise argparse.ArgumentTypeError(f"invalid rate {text!r}: use e.g. 1000/min or 20/s")
    return float(match.group(1)) * _PER_MINUTE[match.group(2) or "min"]


def check_args(args: argparse.Namespace) -> None:
    """Usage errors found before any file or network I/O."""
    if args.concurrency < 1:
        raise CLIError("--concurrency must be at least 1", EXIT_USAGE)
    out: Path | None = args.out
    if args.resume and out is None and getattr(args, "ledger", None) is None:
        raise CLIError("--resume needs --out (the results file to continue)", EXIT_USAGE)
    if out is None:
        return
    if out.is_dir():
        raise CLIError(f"--out {out} is a directory: give a file name in it", EXIT_USAGE)
    if not out.parent.is_dir():
        raise CLIError(
            f"--out {out}: no such directory {out.parent} (create it, or choose another --out)",
            EXIT_USAGE,
        )
    if not args.resume and out.exists() and out.stat().st_size:
        raise CLIError(
            f"{out} exists: add --resume to continue it, or choose another --out", EXIT_USAGE
        )


async def dispatch_cmd(args: argparse.Namespace) -> int:
    """Dispatch the CSV and print the summary (or work on / show a fleet run)."""
    status = args.contacts is not None and str(args.contacts) == "status"
    status = status and not args.contacts.exists()
    check_fleet_args(args, status=status)
    if status:
        return await fleet_status(args)
    check_args(args)
    if args.ledger is not None and args.join:
        return await fleet_dispatch(args, None)
    if args.contacts is None:
        raise CLIError("give the CSV file to dispatch", EXIT_USAGE)
    if not (args.agent_id or args.campaign_id):
        raise CLIError("give --agent ID or --campaign ID", EXIT_USAGE)
    contacts = open_contacts(
        args.contacts,
        agent_id=args.agent_id,
        campaign_id=args.campaign_id,
        is_testing=True if args.testing else None,
        encoding=args.encoding,
    )
    if args.ledger is not None:
        return await fleet_dispatch(args, contacts)
    return await run_dispatch(args, contacts)


async def run_dispatch(args: argparse.Namespace, contacts: Contacts) -> int:
    """Dispatch open `contacts` on the client the arguments choose; print the summary."""
    interrupted = False
    failures: list[DispatchResult] = []
    with contacts.file:
        async with make_client(
            args, rate_limit=args.rate, max_in_flight=args.concurrency
        ) as client:
            run = client.dispatch(
                contacts.specs,
                concurrency=args.concurrency,
                results_path=args.out,
                resume=args.resume,
                breaker=CircuitBreaker(args.stop_after) if args.stop_after else None,
            )
            try:
                show = not (args.no_progress or args.json) and sys.stderr.isatty()
                await _run(run, contacts.total, failures, show=show)
            except asyncio.CancelledError:
                interrupted = True
    tripped = run.breaker.tripped if run.breaker is not None else None
    stopped = redact_text(tripped) if tripped else None
    _report(args, run.summary, failures, contacts.total, interrupted, stopped)
    if interrupted:
        raise asyncio.CancelledError
    return 0 if run.summary.ok else 1


#: The results listed in the failures table (not the skipped, nor the not attempted).
_FAILURES = frozenset({DispatchStatus.FAILED, DispatchStatus.CANCELLED})


def _counts(summary: DispatchSummary) -> Counts:
    return Counts(
        done=summary.total,
        placed=summary.placed,
        failed=summary.failed + summary.maybe_placed + summary.cancelled,
        rate=summary.rate,
    )


async def _run(run: Dispatch, total: int, failures: list[DispatchResult], *, show: bool) -> None:
    view = open_progress(total, enabled=show)
    # Read through `run` at each refresh: the run's summary is live, never a copy taken early.
    refresher = asyncio.create_task(follow(view, lambda: _counts(run.summary)))
    try:
        async with run:
            async for result in run:
                if result.status in _FAILURES:
                    failures.append(result)
    finally:
        refresher.cancel()
        await asyncio.gather(refresher, return_exceptions=True)
        view.show(_counts(run.summary))
        view.close()


def _report(
    args: argparse.Namespace,
    summary: DispatchSummary,
    failures: list[DispatchResult],
    total: int,
    interrupted: bool,
    stopped: str | None = None,
) -> None:
    not_started = max(0, total - summary.total)
    if stopped:
        notice(f"{stopped}; the {summary.not_attempted} row(s) not attempted can go again")
    if args.json:
        print_json(
            {
                "placed": summary.placed,
                "failed": summary.failed,
                "maybe_placed": summary.maybe_placed,
                "cancelled": summary.cancelled,
                "skipped": summary.skipped,
                "not_attempted": summary.not_attempted,
                "not_started": not_started,
                "stopped": stopped,
                "total": total,
                "elapsed_s": round(summary.elapsed, 3),
                "calls_per_s": round(summary.rate, 1),
                "results": str(args.out) if args.out else None,
                "interrupted": interrupted,
            }
        )
        return
    rows: list[tuple[str, Any]] = [
        ("placed", summary.placed),
        ("failed (not placed)", summary.failed),
        ("maybe placed (not retried)", summary.maybe_placed),
        ("cancelled (not placed)", summary.cancelled),
        ("skipped (earlier run or duplicate)", summary.skipped),
    ]
    if summary.not_attempted or stopped:
        rows.append(("not attempted (stopped early)", summary.not_attempted))
    if not_started:
        rows.append(("not started", not_started))
    rows += [
        ("rows", total),
        ("elapsed", f"{summary.elapsed:.2f} s"),
        ("rate", f"{summary.rate:.1f} calls/s"),
    ]
    title = "dispatch interrupted" if interrupted else "dispatch summary"
    if stopped and not interrupted:
        title = "dispatch stopped early"
    print_table(title, ["", "count"], rows)
    _print_failures(failures, sys.stdout)
    if args.out:
        notice(f"results: {args.out}")
    if summary.maybe_placed:
        notice(
            f"{summary.maybe_placed} call(s) may have been placed: --resume does not retry "
            "them; check `talkover calls list` before calling those numbers again."
        )
    if (interrupted or summary.failed or summary.cancelled or summary.not_attempted) and args.out:
        notice(f"to continue: talkover dispatch {args.contacts} ... --out {args.out} --resume")


def _print_failures(failures: list[DispatchResult], stream: IO[str], limit: int = 10) -> None:
    if not failures:
        return
    rows = [
        (
            r.spec.key,
            "maybe placed" if r.maybe_placed else r.status.value,
            type(r.error).__name__ if r.error else "",
            str(r.error)[:80] if r.error else "",
        )
        for r in failures[:limit]
    ]
    more = f" (first {limit} of {len(failures)})" if len(failures) > limit else ""
    print_table(f"failures{more}", ["key", "outcome", "error", "message"], rows)
    stream.flush()
