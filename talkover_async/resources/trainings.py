"""`client.agents.trainings`: list, create/update, delete (agents.md §4.1-4.3)."""

from __future__ import annotations

from .base import Resource

__all__ = ["TrainingsResource"]


class TrainingsResource(Resource):
    """client.agents.trainings."""

    __slots__ = ()
