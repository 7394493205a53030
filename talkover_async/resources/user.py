"""`client.user`: the current user, `GET /api/user` (platform.md §4.6)."""

from __future__ import annotations

from .base import Resource

__all__ = ["UserResource"]


class UserResource(Resource):
    """client.user."""

    __slots__ = ()
