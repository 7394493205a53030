"""`client.flows`: an agent's conversation flow and versions (platform.md §1)."""

from __future__ import annotations

from .base import Resource

__all__ = ["FlowsResource"]


class FlowsResource(Resource):
    """client.flows."""

    __slots__ = ()
