"""The current user, `GET /api/user` (platform.md §4.6; user session token)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

__all__ = ["User"]


@attrs.frozen(kw_only=True)
class User:
    """The session's user (`GET /api/user`, a bare object)."""

    id: str
    name: str | None = None
    email: str | None = None
    current_environment_id: str | None = None
    created_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)
