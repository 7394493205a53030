"""`client.health`: `GET /health` (overview.md §2.4)."""

from __future__ import annotations

from typing import Any, Unpack

from .. import _json
from ..errors import ResponseDecodeError
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
        try:
            raw = await self._client.request(ops.HEALTH_GET, options=options)
        except ResponseDecodeError as exc:
            # A 2xx JSON body that is not an object (`"ok"`, `[]`) is still an answer.
            failed = exc.response
            if failed is None or not 200 <= failed.status_code < 300:
                raise
            try:
                value: Any = _json.loads(failed.content)
            except _json.JSONDecodeError:
                raise exc from None
            return HealthStatus.from_body(value)
        content = raw.http.content
        return HealthStatus.from_body(_json.loads(content) if content.strip() else None)
