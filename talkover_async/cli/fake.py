"""`talkover fake serve`: the fake API on loopback, for tools in other languages."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from typing import Any

from .embedded import EMBEDDED_TOKEN
from .errors import CLIError
from .output import notice

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the subcommands to the parser."""
    fake = sub.add_parser("fake", help="the fake Talkover API")
    fake_sub = fake.add_subparsers(dest="fake_command", required=True)
    serve = fake_sub.add_parser("serve", help="serve the fake API on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--token", default=EMBEDDED_TOKEN, help="environment token it accepts")
    serve.add_argument("--seconds", type=float, default=None, help="stop after this long")
    serve.set_defaults(handler=serve_cmd)


async def serve_cmd(args: argparse.Namespace) -> int:
    """Serve until interrupted (or for `--seconds`)."""
    from ..testing import FakeTalkover, serve_fake

    fake = FakeTalkover.demo(token=args.token)
    async with contextlib.AsyncExitStack() as stack:
        try:
            base_url = await stack.enter_async_context(serve_fake(fake, port=args.port))
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            if "in use" in reason.lower():
                reason = "address already in use"
            raise CLIError(
                f"cannot serve on 127.0.0.1:{args.port}: {reason} (choose another --port, "
                "or --port 0 for a free one)"
            ) from None
        notice(f"fake Talkover API on {base_url} (token {args.token}); Ctrl-C to stop")
        if args.seconds is None:
            await asyncio.Event().wait()
        else:
            await asyncio.sleep(args.seconds)
    return 0
