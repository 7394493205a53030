"""`GET /api/v1/health`: the response shape is not documented (overview.md §2.4), so the
result keeps whatever the server sent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

__all__ = ["HealthStatus"]


@attrs.frozen(kw_only=True)
class HealthStatus:
    """A 2xx answer of the health endpoint: the API is up.

    `status`, `success` and `message` are read when the body has them (top level, or inside
    `data`); every other key, including `data`, stays in `extra`. An empty body gives all
    `None`; a JSON body that is not an object is kept as `extra["body"]`.
    """

    status: str | None = None
    success: bool | None = None
    message: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    @classmethod
    def from_body(cls, body: Any) -> HealthStatus:
        """Build from a decoded JSON body (or None for an empty body), never failing."""
        if body is None:
            return cls()
        if not isinstance(body, Mapping):
            return cls(extra={"body": body})
        extra = dict(body)
        status = _take(extra, "status", str)
        success = _take(extra, "success", bool)
        message = _take(extra, "message", str)
        data = body.get("data")
        if isinstance(data, Mapping):
            status = status if status is not None else _str(data.get("status"))
            message = message if message is not None else _str(data.get("message"))
        return cls(status=status, success=success, message=message, extra=extra)


def _take(body: dict[str, Any], key: str, tp: type[Any]) -> Any:
    """Pop `key` when its value has the expected type (otherwise it stays in `extra`)."""
    value = body.get(key)
    if isinstance(value, tp):
        del body[key]
        return value
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
