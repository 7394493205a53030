"""`talkover agents list`, `talkover call`, `talkover calls list`."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..errors import InvalidRequestError
from .embedded import add_api_options, make_client
from .output import print_json, print_table

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the subcommands to the parser."""
    agents = sub.add_parser("agents", help="voice agents")
    agents_sub = agents.add_subparsers(dest="agents_command", required=True)
    agents_list = agents_sub.add_parser("list", help="list agents")
    agents_list.add_argument("--status", choices=["draft", "published"])
    agents_list.add_argument("--search")
    agents_list.add_argument("--limit", type=int, default=100, help="at most this many (100)")
    add_api_options(agents_list)
    agents_list.set_defaults(handler=agents_list_cmd)

    call = sub.add_parser("call", help="place a call from an agent")
    call.add_argument("agent_id")
    call.add_argument("--to", required=True, help="E.164 number, e.g. +14155550100")
    call.add_argument("--payload", help="JSON object for the agent's prompt placeholders")
    call.add_argument("--context", help="JSON object echoed in webhook events")
    call.add_argument("--delay", type=int, help="seconds to wait before dialling (0-3600)")
    call.add_argument("--testing", action="store_true", help="a test call (not billed)")
    add_api_options(call)
    call.set_defaults(handler=call_cmd)

    calls = sub.add_parser("calls", help="calls")
    calls_sub = calls.add_subparsers(dest="calls_command", required=True)
    calls_list = calls_sub.add_parser("list", help="list calls")
    calls_list.add_argument("--status")
    calls_list.add_argument("--agent", dest="agent_id")
    calls_list.add_argument("--date-from")
    calls_list.add_argument("--date-to")
    calls_list.add_argument("--limit", type=int, default=100, help="at most this many (100)")
    add_api_options(calls_list)
    calls_list.set_defaults(handler=calls_list_cmd)


def _json_arg(name: str, value: str | None) -> dict[str, Any] | None:
    if value is None:
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        raise InvalidRequestError(name, "must be a JSON object") from None
    if not isinstance(parsed, dict):
        raise InvalidRequestError(name, "must be a JSON object")
    return parsed


async def agents_list_cmd(args: argparse.Namespace) -> int:
    """List agents as a table."""
    async with make_client(args) as client:
        agents = await client.agents.list(status=args.status, search=args.search).to_list(
            args.limit
        )
    if args.json:
        print_json(agents)
    else:
        rows = [(a.id, a.name, a.current_status, a.direction, a.language) for a in agents]
        print_table(
            f"{len(agents)} agent(s)", ["id", "name", "status", "direction", "language"], rows
        )
    return 0


async def call_cmd(args: argparse.Namespace) -> int:
    """Place one call."""
    async with make_client(args) as client:
        call = await client.agents.call(
            args.agent_id,
            to=args.to,
            payload=_json_arg("payload", args.payload),
            context=_json_arg("context", args.context),
            delay_seconds=args.delay,
            is_testing=True if args.testing else None,
        )
    if args.json:
        print_json(call)
    else:
        print_table(
            "call placed",
            ["id", "agent", "to", "status"],
            [(call.id, call.agent_id, call.to, call.status)],
        )
    return 0


async def calls_list_cmd(args: argparse.Namespace) -> int:
    """List calls as a table."""
    async with make_client(args) as client:
        calls = await client.calls.list(
            status=args.status,
            agent_id=args.agent_id,
            date_from=args.date_from,
            date_to=args.date_to,
        ).to_list(args.limit)
    if args.json:
        print_json(calls)
    else:
        rows = [(c.id, c.to, c.status, c.duration, c.created_at) for c in calls]
        print_table(f"{len(calls)} call(s)", ["id", "to", "status", "duration", "created"], rows)
    return 0
