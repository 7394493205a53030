"""One line per error for the CLI: what went wrong and what to do, never a traceback.

`main` runs every command through `guard`: a `CLIError` (raised by the commands for what the
user can fix) keeps its own message and exit status; any `TalkoverError`, `OSError` or
`ValueError` becomes one redacted line; anything else one line plus a hint to rerun with
`--debug` (or `TALKOVER_LOG=debug`) for the traceback.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence

from ..config import ENV_LOG, ENV_TOKEN
from ..errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    TalkoverError,
)
from ..redaction import redact_text

__all__ = ["EXIT_FAILURE", "EXIT_USAGE", "CLIError", "debug_enabled", "describe", "report"]

EXIT_FAILURE = 1
EXIT_USAGE = 2


class CLIError(Exception):
    """An error the user can fix: `message` says what to do; `status` is the exit status."""

    def __init__(self, message: str, status: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.status = status


def _hint(exc: BaseException) -> str:
    if isinstance(exc, AuthenticationError):
        return f"check {ENV_TOKEN}"
    if isinstance(exc, PermissionDeniedError | NotFoundError):
        return "check the id and that this token's account may use it"
    if isinstance(exc, APITimeoutError):
        return "the server did not answer in time: check --base-url, or raise --timeout"
    if isinstance(exc, APIConnectionError):
        return "check --base-url / TALKOVER_BASE_URL and the network"
    return ""


def _one_line(text: str, secrets: Sequence[str] = ()) -> str:
    return " ".join(redact_text(text, secrets).split())


def describe(exc: BaseException, secrets: Sequence[str] = ()) -> str:
    """The one line printed for `exc` (without the `error: ` prefix), redacted (tokens,
    phone numbers and `secrets`, such as a ledger DSN's password)."""
    if isinstance(exc, CLIError):
        return _one_line(str(exc), secrets)
    if isinstance(exc, UnicodeDecodeError):
        return _one_line(
            f"cannot decode the input as {exc.encoding} ({exc.reason} at byte {exc.start}): "
            "give its encoding with --encoding, e.g. --encoding cp1252",
            secrets,
        )
    if isinstance(exc, OSError) and not isinstance(exc, TalkoverError):
        where = f": {exc.filename}" if exc.filename else ""
        reason = exc.strerror or str(exc) or type(exc).__name__
        return _one_line(f"{reason}{where}", secrets)
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    hint = _hint(exc)
    return _one_line(f"{text} ({hint})" if hint else text, secrets)


def debug_enabled(flag: bool) -> bool:
    """`--debug` given, or `TALKOVER_LOG=debug`."""
    return flag or os.environ.get(ENV_LOG, "").strip().lower() == "debug"


def report(exc: BaseException, *, debug: bool, secrets: Sequence[str] = ()) -> int:
    """Print `exc` as one line on stderr (and its traceback when debugging); the exit status."""
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    if isinstance(exc, CLIError):
        print(f"error: {describe(exc, secrets)}", file=sys.stderr)
        return exc.status
    if isinstance(exc, TalkoverError | OSError | ValueError):
        print(f"error: {describe(exc, secrets)}", file=sys.stderr)
        return EXIT_FAILURE
    line = f"error: unexpected {describe(exc, secrets)}"
    if not debug:
        line += f" (rerun with --debug or {ENV_LOG}=debug for the traceback)"
    print(line, file=sys.stderr)
    return EXIT_FAILURE
