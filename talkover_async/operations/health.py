"""Operations of the health area (overview.md §2.4)."""

from __future__ import annotations

from typing import Any

from .. import _json
from ..envelope import error_from_response
from ..errors import ResponseDecodeError
from ..http import Response
from ..models.health import HealthStatus
from . import Operation, register

__all__: list[str] = []


def decode_health(response: Response) -> HealthStatus:
    """The body of `GET /health` is not documented: any 2xx JSON (or empty) body is a
    `HealthStatus` keeping everything sent; an error status raises its typed error."""
    if response.status_code >= 400:
        raise error_from_response(response)
    if not response.content.strip():
        return HealthStatus.from_body(None)
    try:
        value: Any = _json.loads(response.content)
    except _json.JSONDecodeError:
        raise ResponseDecodeError(
            "expected a JSON body",
            status_code=response.status_code,
            excerpt=response.content[:200].decode("utf-8", "replace"),
            response=response,
        ) from None
    return HealthStatus.from_body(value)


HEALTH_GET = register(
    Operation(
        "health.get",
        "GET",
        "/health",
        True,
        HealthStatus,
        decoder=decode_health,
        summary="API health check (shape undocumented: everything kept)",
    )
)
