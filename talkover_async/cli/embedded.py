"""The client the CLI uses: the real API when a token is set, else the embedded fake."""

from __future__ import annotations

import argparse
import os
from typing import Any

from ..client import AsyncTalkover
from ..config import ENV_TOKEN
from ..transports import MockTransport
from .output import notice

__all__ = ["EMBEDDED_TOKEN", "make_client"]

EMBEDDED_TOKEN = "talq_embedded_fake_token"  # noqa: S105 - the fake's own token, not a secret


def make_client(args: argparse.Namespace, **options: Any) -> AsyncTalkover:
    """A client for this invocation (the embedded fake when `TALKOVER_API_TOKEN` is unset).

    `options` are more `AsyncTalkover` arguments (`rate_limit=`, `max_in_flight=`...).
    """
    if os.environ.get(ENV_TOKEN):
        return AsyncTalkover(base_url=args.base_url, **options)
    from ..testing import FakeTalkover

    notice(
        f"{ENV_TOKEN} is not set: using the embedded fake Talkover API "
        "(no real calls are placed, nothing is billed)."
    )
    fake = FakeTalkover.demo(token=EMBEDDED_TOKEN)
    return AsyncTalkover(EMBEDDED_TOKEN, transport=MockTransport(fake), env={}, **options)
