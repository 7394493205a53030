"""`talkover dispatch CONTACTS.csv --agent ID | --campaign ID`: place a call per CSV row.

The CSV needs a `to` column (E.164 numbers). A `key` column, when present, names each row for
`--resume` (default: target and number). Columns named `context.<field>` go to the call's
`context`; every other non-empty column fills the agent's prompt `payload`.

A progress bar shows placed / failed / rate; a summary table follows. The exit status is 0
when every row was placed (or skipped as placed by an earlier run), 1 when some failed or may
have been placed, 2 for a usage error, 130 when interrupted (every row taken so far is in the
results file: resume with `--resume`).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import attrs

from ..dispatch import CallSpec, Dispatch, DispatchResult, DispatchSummary
from ..errors import InvalidRequestError
from .embedded import make_client
from .output import notice, print_json, print_table

__all__ = ["parse_rate", "register", "rows_to_specs"]

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
    cmd.add_argument("contacts", type=Path, help="CSV file with a 'to' column")
    target = cmd.add_mutually_exclusive_group(required=True)
    target.add_argument("--agent", dest="agent_id", help="place the calls from this agent")
    target.add_argument("--campaign", dest="campaign_id", help="queue the calls in a campaign")
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
    cmd.add_argument("--testing", action="store_true", help="test calls (not billed)")
    cmd.add_argument("--no-progress", action="store_true", help="no progress bar")
    cmd.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,  # keeps the global `talkover --json` when not given here
        help="print the summary as JSON",
    )
    cmd.set_defaults(handler=dispatch_cmd)


def parse_rate(text: str) -> float:
    """`1000/min`, `1000/m`, `20/s`, `6000/h` or a bare number (per minute) -> per minute."""
    match = _RATE_RE.match(text)
    if not match or float(match.group(1)) <= 0:
        raise argparse.ArgumentTypeError(f"invalid rate {text!r}: use e.g. 1000/min or 20/s")
    return float(match.group(1)) * _PER_MINUTE[match.group(2) or "min"]


def rows_to_specs(
    rows: Iterator[Mapping[str, str | None]],
    *,
    agent_id: str | None,
    campaign_id: str | None,
    is_testing: bool | None = None,
) -> Iterator[CallSpec]:
    """One `CallSpec` per CSV row (`to`, optional `key`, `context.*`, payload columns)."""
    for row in rows:
        payload: dict[str, Any] = {}
        context: dict[str, Any] = {}
        to = (row.get("to") or "").strip()
        key = (row.get("key") or "").strip()
        for column, value in row.items():
            if column in (None, "to", "key") or value is None or value == "":
                continue
            if column.startswith("context."):
                context[column.removeprefix("context.")] = value
            else:
                payload[column] = value
        spec = CallSpec(
            agent_id=agent_id,
            campaign_id=campaign_id,
            to=to,
            payload=payload or None,
            context=context or None,
            is_testing=is_testing,
        )
        yield attrs.evolve(spec, key=key) if key else spec


def _count_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return max(0, sum(1 for _ in csv.reader(f)) - 1)


def _open_contacts(args: argparse.Namespace) -> tuple[IO[str], Iterator[CallSpec], int] | str:
    """The open CSV, its specs and its row count; or what is wrong with the arguments."""
    path: Path = args.contacts
    if args.concurrency < 1:
        return "--concurrency must be at least 1"
    if args.resume and args.out is None:
        return "--resume needs --out (the results file to continue)"
    if not path.is_file():
        return f"no such file: {path}"
    if args.out is not None and not args.resume and args.out.exists() and args.out.stat().st_size:
        return f"{args.out} exists: add --resume to continue it, or choose another --out"
    total = _count_rows(path)
    f = path.open(newline="", encoding="utf-8-sig")
    reader = csv.DictReader(f)
    if not reader.fieldnames or "to" not in reader.fieldnames:
        f.close()
        return f"{path} has no 'to' column (found: {', '.join(reader.fieldnames or []) or 'none'})"
    specs = rows_to_specs(
        reader,
        agent_id=args.agent_id,
        campaign_id=args.campaign_id,
        is_testing=True if args.testing else None,
    )
    return f, specs, total


async def dispatch_cmd(args: argparse.Namespace) -> int:
    """Dispatch the CSV and print the summary."""
    opened = _open_contacts(args)
    if isinstance(opened, str):
        notice(f"error: {opened}")
        return 2
    f, specs, total = opened
    interrupted = False
    failures: list[DispatchResult] = []
    with f:
        async with make_client(
            args, rate_limit=args.rate, max_in_flight=args.concurrency
        ) as client:
            try:
                run = client.dispatch(
                    specs,
                    concurrency=args.concurrency,
                    results_path=args.out,
                    resume=args.resume,
                )
            except InvalidRequestError as exc:
                notice(f"error: {exc}")
                return 2
            try:
                show = not (args.no_progress or args.json) and sys.stderr.isatty()
                await _run(run, total, failures, show=show)
            except asyncio.CancelledError:
                interrupted = True
    _report(args, run.summary, failures, total, interrupted)
    if interrupted:
        raise asyncio.CancelledError
    return 0 if run.summary.ok else 1


async def _run(run: Dispatch, total: int, failures: list[DispatchResult], *, show: bool) -> None:
    async with run:
        if not show:
            async for result in run:
                if not result.placed and result.status != "skipped":
                    failures.append(result)
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        columns = (
            TextColumn("dispatch"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[green]{task.fields[placed]} placed"),
            TextColumn("[red]{task.fields[failed]} failed"),
            TextColumn("{task.fields[rate]:.0f} calls/s"),
            TimeElapsedColumn(),
        )
        summary = run.summary
        with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
            task = progress.add_task("dispatch", total=total, placed=0, failed=0, rate=0.0)
            async for result in run:
                if not result.placed and result.status != "skipped":
                    failures.append(result)
                progress.update(
                    task,
                    completed=summary.total,
                    placed=summary.placed,
                    failed=summary.failed + summary.maybe_placed + summary.cancelled,
                    rate=summary.rate,
                )


def _report(
    args: argparse.Namespace,
    summary: DispatchSummary,
    failures: list[DispatchResult],
    total: int,
    interrupted: bool,
) -> None:
    not_started = max(0, total - summary.total)
    if args.json:
        print_json(
            {
                "placed": summary.placed,
                "failed": summary.failed,
                "maybe_placed": summary.maybe_placed,
                "cancelled": summary.cancelled,
                "skipped": summary.skipped,
                "not_started": not_started,
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
    if not_started:
        rows.append(("not started", not_started))
    rows += [
        ("rows", total),
        ("elapsed", f"{summary.elapsed:.2f} s"),
        ("rate", f"{summary.rate:.1f} calls/s"),
    ]
    title = "dispatch interrupted" if interrupted else "dispatch summary"
    print_table(title, ["", "count"], rows)
    _print_failures(failures, sys.stdout)
    if args.out:
        notice(f"results: {args.out}")
    if summary.maybe_placed:
        notice(
            f"{summary.maybe_placed} call(s) may have been placed: --resume does not retry "
            "them; check `talkover calls list` before calling those numbers again."
        )
    if (interrupted or summary.failed or summary.cancelled) and args.out:
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
