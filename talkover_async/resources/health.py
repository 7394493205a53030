"""`client.health`: `GET /health` (overview.md §2.4)."""

from __future__ import annotations

from typing import Unpack

from ..models.health import HealthStatus
from ..operations import health as ops
from ..options import RequestOptions
from .base import Resource

__all__ = ["HealthResource"]


class HealthResource(Resource):
    """The API health check: `client.health`."""

    __slots__ = ()

    async def get(self, **options: Unpack[RequestOptions]) -> HealthStatus:
        """`GET /health` (sent with the environment token, as the docs' only example does).

        The response shape is not documented: any 2xx with a JSON body or an empty body is a
        `HealthStatus` keeping everything sent; an error status raises the usual typed error,
        a 2xx body that is not JSON raises `ResponseDecodeError`.
        """
        result: HealthStatus = await self._client._execute(ops.HEALTH_GET, options=options)
        return result
