"""The `talkover` command (also `python -m talkover_async`).

With no `TALKOVER_API_TOKEN` and no `--base-url` / `TALKOVER_BASE_URL`, every command runs
against the embedded fake API and says so on stderr: nothing real is called and nothing is
billed (`--fake` forces it). Every error is one line on stderr and a non-zero exit status;
`--debug` (or `TALKOVER_LOG=debug`) adds the traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from . import basic, demo, dispatch, fake
from .embedded import add_api_options
from .errors import debug_enabled, report
from .fleet import dsn_secrets

__all__ = ["main"]

#: Modules that add subcommands: each has `register(subparsers)`.
COMMAND_MODULES = [basic, dispatch, demo, fake]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="talkover",
        description="Talkover voice-agent API from the command line "
        "(uses the embedded fake API when neither TALKOVER_API_TOKEN nor a base URL is set).",
    )
    add_api_options(parser, top=True)
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument(
        "--debug", action="store_true", help="print the traceback of an error (for a bug report)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 failure, 2 usage error, 130 interrupted)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = asyncio.run(args.handler(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        secrets = dsn_secrets(getattr(args, "ledger", None))
        return report(exc, debug=debug_enabled(args.debug), secrets=secrets)
    return status
