"""`client.agents.actions`: list, create/update, delete (agents.md §4.4-4.6)."""

from __future__ import annotations

from .base import Resource

__all__ = ["ActionsResource"]


class ActionsResource(Resource):
    """client.agents.actions."""

    __slots__ = ()
