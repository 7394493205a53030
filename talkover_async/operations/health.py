"""Operations of the health area (overview.md §2.4)."""

from __future__ import annotations

from ..models.results import Ack
from . import Operation, register

__all__: list[str] = []

# The body is undocumented: the registry decodes an `Ack` (any JSON object or an empty body);
# `client.health.get` returns a `HealthStatus` keeping everything the server sent.
HEALTH_GET = register(
    Operation(
        "health.get",
        "GET",
        "/health",
        True,
        Ack,
        summary="API health check (method returns `HealthStatus`; shape undocumented)",
    )
)
