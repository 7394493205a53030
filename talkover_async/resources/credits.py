"""`client.credits`: balance and purchase, Account API (platform.md §4)."""

from __future__ import annotations

from .base import Resource

__all__ = ["CreditsResource"]


class CreditsResource(Resource):
    """client.credits."""

    __slots__ = ()
