"""`client.health`: `GET /health` (overview.md §2.4)."""

from __future__ import annotations

from .base import Resource

__all__ = ["HealthResource"]


class HealthResource(Resource):
    """client.health."""

    __slots__ = ()
