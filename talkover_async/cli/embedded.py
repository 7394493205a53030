"""The client the CLI uses, and the options that choose it.

- `--fake` forces the embedded fake API (nothing real is called, nothing is billed);
- with `TALKOVER_API_TOKEN` set, the real API at `--base-url` / `TALKOVER_BASE_URL` (default
  production);
- with a target named (`--base-url` or `TALKOVER_BASE_URL`) but no token: an error naming
  `TALKOVER_API_TOKEN` (never a silent switch to the fake);
- with nothing set, the embedded fake, said on stderr.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from ..client import AsyncTalkover
from ..config import ENV_BASE_URL, ENV_TOKEN
from ..transports import MockTransport
from .errors import EXIT_USAGE, CLIError
from .output import notice

__all__ = ["EMBEDDED_TOKEN", "add_api_options", "make_client", "positive_seconds"]

EMBEDDED_TOKEN = "talq_embedded_fake_token"  # noqa: S105 - the fake's own token, not a secret


def positive_seconds(text: str) -> float:
    """An argparse type: a number of seconds > 0."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"invalid seconds {text!r}: use a number > 0, e.g. 10")
    return value


def add_api_options(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """`--base-url`, `--fake`, `--timeout` on `parser`.

    Given both on the top-level parser (`top`, with defaults) and on each subcommand (without
    defaults, so `talkover --fake agents list` and `talkover agents list --fake` both work).
    """
    default: Any = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--base-url",
        default=default,
        help=f"API base URL (default: {ENV_BASE_URL} or production; needs {ENV_TOKEN})",
    )
    parser.add_argument(
        "--fake",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="use the embedded fake API even when a token or base URL is set",
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=default,
        metavar="SECONDS",
        help="time limit for each request attempt (default 60; connecting at most 10)",
    )


def make_client(args: argparse.Namespace, **options: Any) -> AsyncTalkover:
    """A client for this invocation (see the module documentation for which API it talks to).

    `options` are more `AsyncTalkover` arguments (`rate_limit=`, `max_in_flight=`...).
    """
    if getattr(args, "timeout", None) is not None:
        options["timeout"] = args.timeout
    base_url = getattr(args, "base_url", None)
    if getattr(args, "fake", False):
        if base_url:
            raise CLIError("--fake and --base-url exclude each other: give one", EXIT_USAGE)
        return _embedded(getattr(args, "fake_reason", "--fake given"), options)
    if os.environ.get(ENV_TOKEN):
        return AsyncTalkover(base_url=base_url, **options)
    target = base_url or os.environ.get(ENV_BASE_URL)
    if target:
        where = "--base-url" if base_url else ENV_BASE_URL
        raise CLIError(
            f"{where} is set but {ENV_TOKEN} is not: set {ENV_TOKEN} to use that API, "
            "or give --fake for the embedded fake",
            EXIT_USAGE,
        )
    return _embedded(f"{ENV_TOKEN} is not set", options)


def _embedded(why: str, options: dict[str, Any]) -> AsyncTalkover:
    from ..testing import FakeTalkover

    notice(
        f"{why}: using the embedded fake Talkover API "
        "(no real calls are placed, nothing is billed)."
    )
    fake = FakeTalkover.demo(token=EMBEDDED_TOKEN)
    return AsyncTalkover(EMBEDDED_TOKEN, transport=MockTransport(fake), env={}, **options)
