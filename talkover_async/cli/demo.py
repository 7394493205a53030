"""`talkover demo`: the README's main job on a sample shipped inside the package.

It dispatches the 2,000-row sample (`sample_contacts.csv`, the same rows as the repository's
`examples/contacts.csv`) from the `demo` agent, always on the embedded fake API: nothing real
is called, nothing is billed, whatever token is set. Takes the options of `dispatch`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .contacts import open_contacts
from .dispatch import add_dispatch_options, check_args, run_dispatch

__all__ = ["SAMPLE", "register", "sample_path"]

#: The bundled sample's file name inside `talkover_async.cli`.
SAMPLE = "sample_contacts.csv"


def sample_path() -> Path:
    """Where the bundled sample is (a file inside the installed package)."""
    return Path(__file__).with_name(SAMPLE)


def register(sub: Any) -> None:
    """Add the `demo` subcommand."""
    cmd = sub.add_parser(
        "demo",
        help="dispatch the bundled 2,000-row sample on the embedded fake API",
        description="The README's main job after `pip install talkover-async`: dispatch the "
        "bundled 2,000-row sample from the 'demo' agent, on the embedded fake API.",
    )
    add_dispatch_options(cmd)
    cmd.set_defaults(handler=demo_cmd)


async def demo_cmd(args: argparse.Namespace) -> int:
    """`talkover dispatch <sample> --agent demo --fake` with the given options."""
    args.fake, args.fake_reason = True, "talkover demo"
    args.base_url = None
    args.contacts = sample_path()
    args.agent_id, args.campaign_id = "demo", None
    check_args(args)
    contacts = open_contacts(
        args.contacts, agent_id="demo", campaign_id=None, is_testing=True if args.testing else None
    )
    return await run_dispatch(args, contacts)
