"""The `talkover` command (also `python -m talkover_async`).

With no `TALKOVER_API_TOKEN` set, every command runs against the embedded fake API and says
so on stderr: nothing real is called and nothing is billed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from ..errors import TalkoverError
from . import basic, dispatch, fake

__all__ = ["main"]

#: Modules that add subcommands: each has `register(subparsers)`.
COMMAND_MODULES = [basic, dispatch, fake]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="talkover",
        description="Talkover voice-agent API from the command line "
        "(uses the embedded fake API when TALKOVER_API_TOKEN is not set).",
    )
    parser.add_argument(
        "--base-url", help="API base URL (default: TALKOVER_BASE_URL or production)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 failure, 2 usage error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = asyncio.run(args.handler(args))
    except TalkoverError as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return status
