"""Injects `Authorization: Bearer <token>`.

Most endpoints take the environment token (`talq_...`); the Account API (credits, user API
tokens, current user) takes a user session token or personal access token. A request says which
with `extensions["auth"]` (`"environment"` or `"account"`); `extensions["token"]` overrides
the token for one call.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable

from ..config import ENV_ACCOUNT_TOKEN, ENV_TOKEN, Secret
from ..errors import ConfigurationError
from ..http import Request, Response
from .base import Handler

__all__ = ["AuthMiddleware"]

logger = logging.getLogger("talkover_async")


class AuthMiddleware:
    """Adds the bearer token; a missing token raises `ConfigurationError` before any I/O."""

    __slots__ = ("_account_header", "_env_header")

    def __init__(self, token: Secret | None, account_token: Secret | None = None) -> None:
        self._env_header = f"Bearer {token.get_secret_value()}" if token else None
        self._account_header = (
            f"Bearer {account_token.get_secret_value()}" if account_token else None
        )
        if token is not None and not token.get_secret_value().startswith("talq_"):
            logger.warning(
                "the API token does not start with 'talq_': environment tokens do; "
                "check that %s holds an environment token",
                ENV_TOKEN,
            )

    def __call__(self, request: Request, call_next: Handler) -> Awaitable[Response]:
        """Send the request with the right `Authorization` header."""
        ext = request.extensions
        override = ext.get("token") if ext else None
        if override is not None:
            header = f"Bearer {override.get_secret_value()}"
        elif ext and ext.get("auth") == "account":
            header = self._account_header or ""
            if not header:
                raise ConfigurationError(
                    "no account token: pass account_token= (a user session token or personal "
                    f"access token) or set {ENV_ACCOUNT_TOKEN}"
                )
        else:
            header = self._env_header or ""
            if not header:
                raise ConfigurationError(
                    f"no API token: pass token= or set the {ENV_TOKEN} environment variable"
                )
        return call_next(request.with_headers({"Authorization": header}))

    def __repr__(self) -> str:
        return "<AuthMiddleware>"
