"""`client.health`: `GET /health` (overview.md §2.4)."""

from __future__ import annotations

from typing import Any, Unpack

from .. import _json
from ..envelope import error_from_response
from ..errors import ResponseDecodeError
from ..http import Response
from ..models.health import HealthStatus
from ..operations import Operation
from ..options import RequestOptions
from .base import Resource

__all__ = ["HealthResource"]


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


class HealthResource(Resource):
    """The API health check: `client.health`."""

    __slots__ = ()

    _GET = Operation(
        "health.get",
        "GET",
        "/health",
        HealthStatus,
        side_effect=False,
        decoder=decode_health,
        summary="API health check (shape undocumented: everything kept)",
    )

    async def get(self, **options: Unpack[RequestOptions]) -> HealthStatus:
        """`GET /health` (sent with the environment token, as the docs' only example does).

        The response shape is not documented: any 2xx with a JSON body or an empty body is a
        `HealthStatus` keeping everything sent; an error status raises the usual typed error,
        a 2xx body that is not JSON raises `ResponseDecodeError`.
        """
        result: HealthStatus = await self._client._execute(self._GET, options=options)
        return result
