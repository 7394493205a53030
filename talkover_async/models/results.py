"""Results of endpoints that answer with a message and no object."""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["Ack"]


@attrs.frozen(kw_only=True)
class Ack:
    """`{success, message}` (or `{message}` alone): the server's confirmation text."""

    success: bool | None = None
    message: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)
