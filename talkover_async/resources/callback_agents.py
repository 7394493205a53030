"""`client.callback_agents`: callback roles and stats (agents.md §6)."""

from __future__ import annotations

from .base import Resource

__all__ = ["CallbackAgentsResource"]


class CallbackAgentsResource(Resource):
    """client.callback_agents."""

    __slots__ = ()
