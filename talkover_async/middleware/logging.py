"""Redaction-safe request logging on the `talkover_async` logger.

INFO: one line per attempt (method, path template, status or error, milliseconds, attempt).
DEBUG: adds allow-listed headers and bodies with tokens, secrets and `Authorization` removed
and phone numbers masked. When INFO is off nothing is built at all.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable
from typing import Any

from .. import _json
from ..errors import TalkoverError
from ..http import Request, Response
from ..redaction import Redactor
from .base import Handler

__all__ = ["LoggingMiddleware"]

_MAX_BODY = 2000


class LoggingMiddleware:
    """Logs each attempt; never logs a secret."""

    __slots__ = ("_logger", "_redactor")

    def __init__(self, redactor: Redactor, logger: logging.Logger | None = None) -> None:
        self._redactor = redactor
        self._logger = logger or logging.getLogger("talkover_async")

    def _body(self, content: bytes | None) -> Any:
        if not content:
            return None
        try:
            value: Any = self._redactor.value(_json.loads(content))
            text = _json.dumps(value).decode()
        except _json.JSONDecodeError:
            text = self._redactor.text(content[:_MAX_BODY].decode("utf-8", "replace"))
        return text[:_MAX_BODY]

    def __call__(self, request: Request, call_next: Handler) -> Awaitable[Response]:
        """Send the request and log its outcome (nothing at all when INFO is off)."""
        if not self._logger.isEnabledFor(logging.INFO):
            return call_next(request)
        return self._logged(request, call_next)

    async def _logged(self, request: Request, call_next: Handler) -> Response:
        log = self._logger
        debug = log.isEnabledFor(logging.DEBUG)
        if debug:
            log.debug(
                "request %s %s op=%s attempt=%d headers=%s body=%s",
                request.method,
                request.path_template,
                request.operation,
                request.attempt,
                self._redactor.headers(request.headers),
                self._body(request.content),
            )
        started = time.perf_counter()
        try:
            response = await call_next(request)
        except TalkoverError as exc:
            log.info(
                "%s %s -> %s after %.1f ms (attempt %d)",
                request.method,
                request.path_template,
                type(exc).__name__,
                (time.perf_counter() - started) * 1000,
                request.attempt,
            )
            raise
        log.info(
            "%s %s -> %d in %.1f ms (attempt %d)",
            request.method,
            request.path_template,
            response.status_code,
            (time.perf_counter() - started) * 1000,
            request.attempt,
        )
        if debug:
            log.debug(
                "response %s %s status=%d headers=%s body=%s",
                request.method,
                request.path_template,
                response.status_code,
                self._redactor.headers(response.headers),
                self._body(response.content),
            )
        return response

    def __repr__(self) -> str:
        return "<LoggingMiddleware>"
