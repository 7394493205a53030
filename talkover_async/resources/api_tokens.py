"""`client.api_tokens`: user API tokens, Account API (platform.md §4)."""

from __future__ import annotations

from .base import Resource

__all__ = ["ApiTokensResource"]


class ApiTokensResource(Resource):
    """client.api_tokens."""

    __slots__ = ()
